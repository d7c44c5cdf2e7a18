"""System checks of the portal's own needs: PDF rendering (Pango) and the shipped fonts."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register

FONT_FILES = [
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
]


def pdf_problems() -> list[str]:
    """What stops PDF reports from rendering here, each with how to fix it."""
    problems = []
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # WeasyPrint raises OSError when Pango's shared libraries are missing
        problems.append(f"Pango is missing ({exc}). Install it: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0")
    except ImportError as exc:
        problems.append(f"WeasyPrint is not installed ({exc}): run `make run` again to reinstall requirements.")
    fonts = Path(settings.BASE_DIR) / "static" / "fonts"
    missing = [name for name in FONT_FILES if not (fonts / name).exists()]
    if missing:
        problems.append(
            f"Fonts missing from static/fonts: {', '.join(missing)}. Restore them from git, or install "
            "Liberation Serif 2.x: sudo apt-get install fonts-liberation2"
        )
    return problems


@register("portal")
def check_pdf_rendering(app_configs, **kwargs):
    return [
        Warning(
            problem,
            hint="PDF reports are unavailable until this is fixed; the rest of the portal works.",
            id="portal.W001",
        )
        for problem in pdf_problems()
    ]
