"""A target progress update's evidence becomes a TargetEvidence row (pledges' own key on the core Upload).

Every existing evidence file keeps its stored file, display name, uploader and time: it is copied into a
TargetEvidence row before the two columns on the progress update are dropped.
"""

import os

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


def evidence_to_rows(apps, schema_editor):
    TargetProgress = apps.get_model("pledges", "TargetProgress")
    TargetEvidence = apps.get_model("pledges", "TargetEvidence")
    for progress in TargetProgress.objects.exclude(evidence=""):
        row = TargetEvidence.objects.create(
            progress=progress,
            file=progress.evidence.name,
            filename=progress.evidence_name or os.path.basename(progress.evidence.name),
            kind=kind_for_name(progress.evidence.name),
            size=stored_size(progress.evidence),
            uploaded_by_id=progress.created_by_id,
        )
        TargetEvidence.objects.filter(pk=row.pk).update(uploaded_at=progress.created_at)  # not the migration's time


def rows_to_evidence(apps, schema_editor):
    TargetEvidence = apps.get_model("pledges", "TargetEvidence")
    TargetProgress = apps.get_model("pledges", "TargetProgress")
    for row in TargetEvidence.objects.all():
        TargetProgress.objects.filter(pk=row.progress_id).update(evidence=row.file.name, evidence_name=row.filename)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0007_upload_model"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TargetEvidence",
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
                    "progress",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence_row",  # "evidence" once the old column is gone (below)
                        to="pledges.targetprogress",
                        verbose_name="tiến độ chỉ tiêu",
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
                "verbose_name": "minh chứng tiến độ",
                "verbose_name_plural": "minh chứng tiến độ",
                "ordering": ["id"],
                "abstract": False,
            },
        ),
        migrations.RunPython(evidence_to_rows, rows_to_evidence),
        migrations.RemoveField(model_name="targetprogress", name="evidence"),
        migrations.RemoveField(model_name="targetprogress", name="evidence_name"),
        migrations.AlterField(
            model_name="targetevidence",
            name="progress",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="evidence",
                to="pledges.targetprogress",
                verbose_name="tiến độ chỉ tiêu",
            ),
        ),
    ]
