from django.core.management.base import BaseCommand

from campaign_portal.core.checks import pdf_problems


class Command(BaseCommand):
    help = "Say which system packages the portal misses (Pango, fonts) and how to install them."

    def handle(self, *args, **options):
        problems = pdf_problems()
        if not problems:
            self.stdout.write(self.style.SUCCESS("PDF rendering: Pango and fonts found."))
            return
        self.stdout.write(self.style.WARNING("PDF reports will not work until this is fixed:"))
        for problem in problems:
            self.stdout.write(f"  - {problem}")
        self.stdout.write("The rest of the portal runs normally.")
