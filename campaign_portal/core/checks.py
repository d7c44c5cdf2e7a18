"""System checks of the portal's own needs: PDF rendering (Pango), the shipped fonts, OCR of scans (Tesseract)."""

import shutil
import subprocess
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
    try:  # local import: trying it is the check (a broken WeasyPrint is reported, not raised)
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


OCR_LANGUAGE = "vie"
OCR_INSTALL_HINT = "sudo apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"


def ocr_problems() -> list[str]:
    """What stops scanned letters from being read here (Tesseract, its Vietnamese model, pdftoppm)."""
    problems = []
    tesseract = shutil.which("tesseract")
    if not tesseract:
        problems.append(f"Tesseract OCR is missing: scanned letters cannot be read. Install it: {OCR_INSTALL_HINT}")
    else:
        try:
            langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            langs = ""
        if OCR_LANGUAGE not in langs.split():
            problems.append(f"Tesseract's Vietnamese model is missing. Install it: {OCR_INSTALL_HINT}")
    if not shutil.which("pdftoppm"):
        problems.append(f"pdftoppm is missing: scanned PDFs cannot be read. Install it: {OCR_INSTALL_HINT}")
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
