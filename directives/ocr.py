"""Reading scans and photos of letters: pages at 300 dpi, deskewed, OCR'd by Debian's Tesseract (Vietnamese).

Tesseract is called as a program (`tesseract … tsv`), so the portal needs no Python binding; without it
(or without its Vietnamese model) `ocr_problems()` says what to install and the rest of the portal runs.
Each page comes back as lines with their box (fractions of the page) and word confidences, so that the
import page can show where a field came from and which fields the reader was unsure of.
"""

import io
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps
from pypdf import PdfReader

from campaign_portal.core.checks import OCR_LANGUAGE, ocr_problems

DPI = 300
LANGUAGE = OCR_LANGUAGE
PAGE_TIMEOUT = 120  # seconds for one page; a real A4 page takes ~6 s on two cores
MAX_PAGES = 50
MAX_PIXELS = 80_000_000  # a decompression bomb is refused before it is decoded
# A photo or a low-resolution scan is scaled up so that its text is about as tall as at 300 dpi.
MIN_PAGE_WIDTH = 2000
MAX_SIDE = 4960  # pixels: the long side of A3 at 300 dpi


class NotReadable(Exception):
    """The file cannot be turned into page images (corrupt, too many pages or pixels)."""


@dataclass
class OcrLine:
    text: str
    page: int
    box: tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page
    confs: list[float] = field(default_factory=list)
    block: int = 0  # Tesseract's block number: a new block is a new paragraph or column

    @property
    def conf(self) -> float:
        return round(sum(self.confs) / len(self.confs), 1) if self.confs else 0.0


def ocr_available() -> bool:
    return not ocr_problems()


# --- pages -------------------------------------------------------------------------------------


def page_count(kind: str, data: bytes) -> int:
    if kind == "pdf":
        try:
            return len(PdfReader(io.BytesIO(data)).pages)
        except Exception as exc:  # pypdf raises many kinds on a broken file
            raise NotReadable(str(exc)) from exc
    with _open_image(data) as image:
        return getattr(image, "n_frames", 1)


def render_page(kind: str, data: bytes, number: int) -> Image.Image:
    """Page `number` (1-based) as a greyscale image at about 300 dpi, upright and deskewed."""
    image = _pdf_page(data, number) if kind == "pdf" else _image_page(data, number)
    image = ImageOps.grayscale(image)
    if max(image.size) > MAX_SIDE:  # a 48-megapixel phone photo reads no better and takes minutes
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if image.width < MIN_PAGE_WIDTH:
        factor = min(3.0, MIN_PAGE_WIDTH / image.width)
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    return deskew(image)


def _open_image(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise NotReadable("too many pixels")
        return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NotReadable(str(exc)) from exc
    except OSError as exc:
        raise NotReadable(str(exc)) from exc


def _image_page(data: bytes, number: int) -> Image.Image:
    image = _open_image(data)
    try:
        image.seek(number - 1)
        image.load()
    except (EOFError, OSError) as exc:
        raise NotReadable(str(exc)) from exc
    return ImageOps.exif_transpose(image.convert("RGB"))


def _pdf_dpi(data: bytes, number: int) -> int:
    """300 dpi, less for a page bigger than A3 (an image PDF saved at 72 dpi says its page is 23 inches wide)."""
    try:
        box = PdfReader(io.BytesIO(data)).pages[number - 1].mediabox
        longest = max(float(box.width), float(box.height)) / 72  # inches
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise NotReadable(str(exc)) from exc
    return max(72, min(DPI, int(MAX_SIDE / longest))) if longest else DPI


def _pdf_page(data: bytes, number: int) -> Image.Image:
    with tempfile.TemporaryDirectory(prefix="portal-ocr-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        dpi = _pdf_dpi(data, number)
        command = ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(number), "-l", str(number)]
        command += ["-singlefile", str(source), str(Path(folder) / "page")]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PAGE_TIMEOUT)
        except (OSError, subprocess.SubprocessError) as exc:
            raise NotReadable(str(exc)) from exc
        with Image.open(Path(folder) / "page.png") as image:
            image.load()
            return image.copy()


def skew_angle(image: Image.Image, *, limit: float = 5.0, step: float = 0.25) -> float:
    """The rotation (within ±limit degrees) at which text rows line up best.

    Projection profile: on a reduced, inverted copy, the variance of the row sums peaks when the
    lines of text are horizontal. Pillow only; about 0.3 s for an A4 page.
    """
    small = ImageOps.invert(image.convert("L")).copy()
    small.thumbnail((800, 800))
    small = small.point(lambda v: 255 if v > 96 else 0)

    def score(angle: float) -> float:
        rotated = small.rotate(angle, resample=Image.Resampling.NEAREST, expand=False)
        rows = list(rotated.resize((1, rotated.height), Image.Resampling.BOX).get_flattened_data())
        mean = sum(rows) / len(rows)
        return sum((r - mean) ** 2 for r in rows)

    candidates = [i * step - limit for i in range(int(2 * limit / step) + 1)]
    return max(candidates, key=lambda a: (score(a), -abs(a)))


def deskew(image: Image.Image, *, step: float = 0.25) -> Image.Image:
    """The page rotated so that its lines of text are horizontal."""
    angle = skew_angle(image, step=step)
    if abs(angle) < step / 2:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def display_image(image: Image.Image, *, width: int = 1100) -> bytes:
    """The page as shown beside the form: a reduced JPEG."""
    shown = image.copy()
    shown.thumbnail((width, width * 2))
    out = io.BytesIO()
    shown.convert("L").filter(ImageFilter.SMOOTH).save(out, format="JPEG", quality=70, optimize=True)
    return out.getvalue()


# --- OCR ---------------------------------------------------------------------------------------


def read_page(image: Image.Image, *, page: int) -> list[OcrLine]:
    """Tesseract's lines of one page, in reading order, with boxes and word confidences."""
    with tempfile.TemporaryDirectory(prefix="portal-ocr-") as folder:
        path = Path(folder) / "page.png"
        image.save(path)
        command = ["tesseract", str(path), "stdout", "-l", LANGUAGE, "--dpi", str(DPI), "--psm", "3", "tsv"]
        # One thread per page: the worker runs pages one after another on a shared machine.
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        result = subprocess.run(command, capture_output=True, timeout=PAGE_TIMEOUT, check=True, env=env)
    return lines_from_tsv(result.stdout.decode("utf-8", errors="replace"), page=page, size=image.size)


def lines_from_tsv(tsv: str, *, page: int, size: tuple[int, int]) -> list[OcrLine]:
    """Group Tesseract's TSV words (level 5) into lines keyed by block, paragraph and line number."""
    width, height = size
    grouped: dict[tuple, list[list[str]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        grouped.setdefault((int(cells[2]), int(cells[3]), int(cells[4])), []).append(cells)
    lines = []
    for (block, _par, _line), words in grouped.items():
        left = min(int(w[6]) for w in words)
        top = min(int(w[7]) for w in words)
        right = max(int(w[6]) + int(w[8]) for w in words)
        bottom = max(int(w[7]) + int(w[9]) for w in words)
        box = (left / width, top / height, right / width, bottom / height)
        confs = [max(0.0, float(w[10])) for w in words]
        text = " ".join(w[11].strip() for w in words)
        lines.append(OcrLine(text, page, tuple(round(v, 4) for v in box), confs, block))
    return lines
