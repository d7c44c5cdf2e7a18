"""Demo data of the reports app: only the schedules (reports are built on request)."""

from reports.schedules import ensure_schedules


def seed(*, stdout) -> None:
    names = ensure_schedules()
    stdout.write(f"reports: {len(names)} periodic tasks (weekly report, reminders, stuck reports)")
