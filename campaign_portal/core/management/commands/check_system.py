from django.core.management.base import BaseCommand

from campaign_portal.core.checks import ocr_problems, pdf_problems


class Command(BaseCommand):
    help = "Say which system packages the portal misses (Pango, fonts, OCR) and how to install them."

    def handle(self, *args, **options):
        self._report(
            "PDF rendering: Pango and fonts found.", "PDF reports will not work until this is fixed:", pdf_problems()
        )
        self._report(
            "Reading scans: Tesseract (Vietnamese) and pdftoppm found.",
            "Scanned letters and photos cannot be imported until this is fixed (typed text and files still can):",
            ocr_problems(),
        )

    def _report(self, ok: str, warning: str, problems: list[str]) -> None:
        if not problems:
            self.stdout.write(self.style.SUCCESS(ok))
            return
        self.stdout.write(self.style.WARNING(warning))
        for problem in problems:
            self.stdout.write(f"  - {problem}")
        self.stdout.write("The rest of the portal runs normally.")
