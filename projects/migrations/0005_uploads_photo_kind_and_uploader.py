"""Progress photos keep kind and uploader like every upload (projects.ProgressPhoto inherits core Upload).

Existing photos: the kind comes from the stored name (photos are re-encoded in the format they came in,
and the extension was checked against the content), the uploader is whoever filed the progress update.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import campaign_portal.core.uploads
from campaign_portal.core.uploads import kind_for_name


def fill_kind_and_uploader(apps, schema_editor):
    ProgressPhoto = apps.get_model("projects", "ProgressPhoto")
    for photo in ProgressPhoto.objects.select_related("update"):
        photo.kind = kind_for_name(photo.file.name)
        photo.uploaded_by_id = photo.update.created_by_id
        photo.save(update_fields=["kind", "uploaded_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_history_into_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="progressphoto",
            name="kind",
            field=models.CharField(default="", max_length=10, verbose_name="loại tệp"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="progressphoto",
            name="uploaded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người tải lên",
            ),
        ),
        migrations.AlterField(
            model_name="progressphoto",
            name="file",
            field=models.FileField(upload_to=campaign_portal.core.uploads.upload_path, verbose_name="tệp"),
        ),
        migrations.RunPython(fill_kind_and_uploader, migrations.RunPython.noop),
    ]
