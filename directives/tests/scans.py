"""Letters written in the tests, printed (WeasyPrint), rasterised (pdftoppm) and roughened like a scan or photo."""

import html
import io
import random
import shutil
import subprocess
import tempfile
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter

from campaign_portal.testing import IN_CI

FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "LiberationSerif-Regular.ttf"


def require_ocr() -> None:
    """Tesseract with its Vietnamese model: skip without it locally, fail in CI (CI must test real OCR)."""
    from directives.ocr import ocr_problems

    problems = ocr_problems()
    if not problems:
        return
    message = "OCR is needed for this test: " + "; ".join(problems)
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def letter_pdf(text: str, *, page_size: str = "A4", font_pt: int = 13, text_layer: bool = True) -> bytes:
    """The letter printed to PDF, one paragraph per line (blank lines kept as space)."""
    import weasyprint

    body = "".join(f"<p>{html.escape(line) or '&nbsp;'}</p>" for line in text.replace("**", "").splitlines())
    css = (
        f"@font-face {{ font-family: Serif; src: url('{FONT.as_uri()}'); }}"
        f"@page {{ size: {page_size}; margin: 1.6cm 1.8cm; }}"
        f"body {{ font-family: Serif; font-size: {font_pt}pt; line-height: 1.25; }} p {{ margin: 0 0 2pt; }}"
    )
    return weasyprint.HTML(string=f"<html><head><style>{css}</style></head><body>{body}</body></html>").write_pdf()


def pdf_pages(pdf: bytes, *, dpi: int = 200) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "in.pdf", "p"], cwd=folder, check=True)
        pages = []
        for path in sorted(Path(folder).glob("p-*.png")):
            with Image.open(path) as image:
                pages.append(image.convert("L").copy())
        return pages


def roughen(image: Image.Image, *, tilt: float = 0.7, noise: float = 18, seed: int = 7) -> Image.Image:
    """A scanner's or a phone's page: grey noise, dust specks, a slight blur and a tilt."""
    rnd = random.Random(seed)
    grain = Image.effect_noise(image.size, noise).convert("L")
    page = Image.blend(image.convert("L"), grain, 0.12)
    draw = ImageDraw.Draw(page)
    for _ in range(400):
        x, y = rnd.randrange(image.width), rnd.randrange(image.height)
        draw.point((x, y), fill=rnd.choice((0, 80, 160)))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    return page.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)


def encode(pages: list[Image.Image], kind: str, *, dpi: int = 200) -> bytes:
    """Pages as a file a scanner or phone would produce: JPEG/PNG (first page), TIFF or PDF (all pages)."""
    out = io.BytesIO()
    if kind == "jpeg":
        pages[0].convert("RGB").save(out, "JPEG", quality=85)
    elif kind == "png":
        pages[0].save(out, "PNG")
    elif kind == "tiff":
        pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    elif kind == "pdf":  # an image-only PDF: no text layer, like a scanner's
        rest = [p.convert("RGB") for p in pages[1:]]
        pages[0].convert("RGB").save(out, "PDF", save_all=True, append_images=rest, resolution=dpi)
    else:
        raise ValueError(kind)
    return out.getvalue()


def scan_of(text: str, kind: str, *, tilt: float = 0.7, dpi: int = 200, seed: int = 7, **pdf_options) -> bytes:
    pages = [
        roughen(p, tilt=tilt, seed=seed + i) for i, p in enumerate(pdf_pages(letter_pdf(text, **pdf_options), dpi=dpi))
    ]
    return encode(pages, kind, dpi=dpi)


def landscape_photo(width: int = 1600, height: int = 1100) -> bytes:
    """A phone photo of hills under a sky: colours and shapes, no text."""
    rnd = random.Random(3)
    image = Image.new("RGB", (width, height), (120, 170, 230))
    draw = ImageDraw.Draw(image)
    for y in range(height // 2):
        draw.line([(0, y), (width, y)], fill=(110 + y // 10, 160 + y // 20, 235))
    for i in range(5):
        base = height // 2 + i * 60
        points = [(x, base - int(120 * abs(((x / width) * (i + 2)) % 2 - 1))) for x in range(0, width + 1, 40)]
        draw.polygon([(0, height), *points, (width, height)], fill=(40 + i * 20, 110 + i * 15, 50 + i * 10))
    for _ in range(300):
        x, y = rnd.randrange(width), rnd.randrange(height // 2, height)
        draw.ellipse([x, y, x + 8, y + 8], fill=(30, 90 + rnd.randrange(60), 30))
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(1)).save(out, "JPEG", quality=85)
    return out.getvalue()


# --- comparing what the OCR'd letter gave with what its typed text gives -----------------------------


def fields_of(parsed: dict) -> dict:
    """Every field the parser found, one entry each: header fields, each addressee, reference, requirement."""
    found = {k: parsed[k] for k in ("issuer", "number", "doc_type", "place", "date", "subject") if parsed.get(k)}
    if found.get("doc_type") == "other":
        found.pop("doc_type")
    for i, line in enumerate(parsed.get("addressees") or []):
        found[f"addressee {i}"] = line
    for ref in parsed.get("references") or []:
        found[f"reference {ref['number']}"] = ref.get("date")
    for req in parsed.get("requirements") or []:
        found[f"requirement {req['ordinal']}"] = (req["text"], req.get("deadlines"), req.get("quotas"))
    return found


def _same(expected, got) -> bool:
    if isinstance(expected, tuple):  # a requirement: the same deadlines and quotas, text nearly the same
        return got is not None and expected[1:] == got[1:] and _close(expected[0], got[0])
    if isinstance(expected, str) and isinstance(got, str) and len(expected) > 40:
        return _close(expected, got)
    return expected == got


def _close(a: str, b: str) -> bool:
    return SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio() >= 0.97


def compare(expected: dict, got: dict) -> tuple[int, list[str]]:
    """(fields read the same, the keys that differ)."""
    misses = [key for key, value in expected.items() if not _same(value, got.get(key))]
    return len(expected) - len(misses), misses


def tools_present() -> bool:
    return bool(shutil.which("pdftoppm"))
