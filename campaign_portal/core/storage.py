"""Static files in production: WhiteNoise's compressed, hashed storage, with each file's address worked out
once per process.

A page's shell names about fifteen files (`{% static %}`); each name cost a manifest lookup, a URL join and
quoting on every request (about 13 µs apiece), for an answer fixed by the manifest loaded at start-up.
"""

import threading

from whitenoise.storage import CompressedManifestStaticFilesStorage

MAX_NAMES = 4096  # the portal's own files are a few hundred; the bound only matters for names made from data


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}
        self._urls_lock = threading.Lock()

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        found = self._urls.get(name)
        if found is None:
            found = super().url(name)  # an unknown file raises here, as before, and is not kept
            with self._urls_lock:
                if len(self._urls) < MAX_NAMES:
                    self._urls[name] = found
        return found
