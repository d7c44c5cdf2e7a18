"""django-simple-history's tables folded into AuditEntry, then dropped: every historical row is kept as an
entry with the fields that changed since the object's previous row (`core.legacy_history`)."""

from django.db import migrations

from campaign_portal.core.legacy_history import historical_rows_to_audit

MODELS = ["Dissemination", "EmulationPlan", "Commitment", "Target", "ResultReport"]


def forwards(apps, schema_editor):
    historical_rows_to_audit(apps, "pledges", MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0005_filing_period"),
        ("core", "0004_review_events_into_audit"),
    ]

    operations = [
        # Reversing recreates empty tables: the changes are read from AuditEntry since this migration.
        migrations.RunPython(forwards, migrations.RunPython.noop),
        *[migrations.DeleteModel(name=f"Historical{name}") for name in MODELS],
    ]
