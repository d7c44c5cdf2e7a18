"""`make run` (check_system) says how to install the OCR packages when they are missing; the rest runs."""

import io

from django.core.management import call_command

from campaign_portal.core import checks


def test_check_system_says_how_to_install_ocr_when_missing(monkeypatch):
    real_which = checks.shutil.which
    monkeypatch.setattr(checks.shutil, "which", lambda name: None if name == "tesseract" else real_which(name))
    out = io.StringIO()
    call_command("check_system", stdout=out)
    text = out.getvalue()
    assert "Scanned letters and photos cannot be imported" in text
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils" in text
    assert "The rest of the portal runs normally." in text


def test_check_system_names_a_missing_vietnamese_model(monkeypatch):
    class Langs:
        stdout = "List of available languages (2):\neng\nosd\n"

    monkeypatch.setattr(checks.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(checks.subprocess, "run", lambda *a, **k: Langs())
    assert checks.ocr_problems() == [
        "Tesseract's Vietnamese model is missing. Install it: sudo apt-get install tesseract-ocr tesseract-ocr-vie "
        "poppler-utils"
    ]
