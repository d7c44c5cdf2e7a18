"""Cluster documents keep kind and size like every upload; the covenant's scan becomes a CovenantScan row.

Existing rows lose nothing: a document's kind comes from its stored name, its size from storage; each
covenant's scan (file, display name, who filed it and when) is copied into its CovenantScan row before
the two columns on the covenant are dropped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import campaign_portal.core.uploads
from campaign_portal.core.uploads import kind_for_name


def stored_size(field_file) -> int:
    try:
        return field_file.storage.size(field_file.name)
    except Exception:  # a file missing from storage must not stop the migration: its size stays unknown (0)
        return 0


def fill_document_kind_and_size(apps, schema_editor):
    ClusterDocument = apps.get_model("emulation", "ClusterDocument")
    for document in ClusterDocument.objects.all():
        document.kind = kind_for_name(document.file.name)
        document.size = stored_size(document.file)
        document.save(update_fields=["kind", "size"])


def scans_to_rows(apps, schema_editor):
    Covenant = apps.get_model("emulation", "Covenant")
    CovenantScan = apps.get_model("emulation", "CovenantScan")
    for covenant in Covenant.objects.exclude(scan=""):
        scan = CovenantScan.objects.create(
            covenant=covenant,
            file=covenant.scan.name,
            filename=covenant.scan_name,
            kind=kind_for_name(covenant.scan.name),
            size=stored_size(covenant.scan),
            uploaded_by_id=covenant.filed_by_id,
        )
        CovenantScan.objects.filter(pk=scan.pk).update(uploaded_at=covenant.filed_at)  # not the migration's time


def rows_to_scans(apps, schema_editor):
    CovenantScan = apps.get_model("emulation", "CovenantScan")
    Covenant = apps.get_model("emulation", "Covenant")
    for scan in CovenantScan.objects.all():
        Covenant.objects.filter(pk=scan.covenant_id).update(scan=scan.file.name, scan_name=scan.filename)


class Migration(migrations.Migration):
    dependencies = [
        ("emulation", "0002_upload_model"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="clusterdocument",
            name="kind",
            field=models.CharField(default="", max_length=10, verbose_name="loại tệp"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="clusterdocument",
            name="size",
            field=models.PositiveBigIntegerField(default=0, verbose_name="dung lượng (byte)"),
        ),
        migrations.AlterField(
            model_name="clusterdocument",
            name="file",
            field=models.FileField(upload_to=campaign_portal.core.uploads.upload_path, verbose_name="tệp"),
        ),
        migrations.RunPython(fill_document_kind_and_size, migrations.RunPython.noop),
        migrations.CreateModel(
            name="CovenantScan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "file",
                    models.FileField(upload_to=campaign_portal.core.uploads.upload_path, verbose_name="tệp"),
                ),
                ("filename", models.CharField(max_length=200, verbose_name="tên tệp")),
                ("kind", models.CharField(max_length=10, verbose_name="loại tệp")),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="dung lượng (byte)")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="tải lên lúc")),
                (
                    "covenant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scan_row",  # "scan" once the old column is gone (below)
                        to="emulation.covenant",
                        verbose_name="giao ước",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="người tải lên",
                    ),
                ),
            ],
            options={
                "verbose_name": "bản ký giao ước (scan)",
                "verbose_name_plural": "bản ký giao ước (scan)",
                "ordering": ["id"],
                "abstract": False,
            },
        ),
        # blank=True first, so that going back re-adds the columns with "" on existing rows, then fills them.
        migrations.AlterField(
            model_name="covenant",
            name="scan",
            field=models.FileField(
                blank=True,
                upload_to=campaign_portal.core.uploads.PrivateUploadTo("emulation/covenants"),
                verbose_name="bản ký (scan)",
            ),
        ),
        migrations.AlterField(
            model_name="covenant",
            name="scan_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="tên tệp scan"),
        ),
        migrations.RunPython(scans_to_rows, rows_to_scans),
        migrations.RemoveField(model_name="covenant", name="scan"),
        migrations.RemoveField(model_name="covenant", name="scan_name"),
        migrations.AlterField(
            model_name="covenantscan",
            name="covenant",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scan",
                to="emulation.covenant",
                verbose_name="giao ước",
            ),
        ),
    ]
