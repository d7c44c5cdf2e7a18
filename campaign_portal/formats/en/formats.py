# English pages keep the Vietnamese conventions: dd/mm/yyyy dates and dot thousands (see vi/formats.py).
from campaign_portal.formats.vi.formats import *  # noqa: F403
