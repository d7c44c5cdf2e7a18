"""ReviewEvent folded into AuditEntry: each event kept as (or found to be) the entry of the same move."""

from django.db import migrations

from campaign_portal.core.legacy_history import review_events_to_audit


def forwards(apps, schema_editor):
    review_events_to_audit(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_user_preferences"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Reversing recreates an empty table: the timeline is read from AuditEntry since this migration.
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReviewEvent"),
    ]
