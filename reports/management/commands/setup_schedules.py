from django.core.management.base import BaseCommand

from reports.schedules import ensure_schedules


class Command(BaseCommand):
    help = "Create or update the reports' periodic tasks in the database (idempotent)."

    def handle(self, *args, **options):
        for name in ensure_schedules():
            self.stdout.write(f"schedule: {name}")
