"""DirectiveRevision folded into AuditEntry: each revision is the entry `directives.directive.revised`."""

from django.db import migrations

from campaign_portal.core.legacy_history import directive_revisions_to_audit


def forwards(apps, schema_editor):
    directive_revisions_to_audit(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0005_import_records"),
        ("core", "0004_review_events_into_audit"),
    ]

    operations = [
        # Reversing recreates an empty table: the revisions are read from AuditEntry since this migration.
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="DirectiveRevision"),
    ]
