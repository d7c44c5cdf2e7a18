"""Media on S3-compatible object storage (PORTAL_MEDIA_STORAGE=s3), against a real server (moto_server).

Uploads land in the bucket as private objects; downloads go through the permission-checked views,
streamed from the bucket; a report re-run replaces its object; /readyz/ checks the bucket.
"""

import io
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from .objectstore import (
    bucket,  # noqa: F401 - fixture
    storage_env,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def _download(client, url) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return response.status_code, body


def test_an_upload_is_a_private_object_downloaded_only_through_the_view(
    bucket,  # noqa: F811
    province,
    officer_kp,
    officer_bmt,
    leader,
):
    from pledges.models import Attachment, Dissemination
    from pledges.tests.factories import DisseminationFactory
    from projects.tests.factories import RequirementFactory

    record = DisseminationFactory(unit=province.krong_pac, requirement=RequirementFactory(kind="dissemination"))
    client = Client()
    client.force_login(officer_kp)
    upload = io.BytesIO(PDF + b"% bien ban Krong Pac\n")
    upload.name = "bien-ban.pdf"
    url = reverse("pledges:attachment_upload", kwargs={"slug": "quan-triet", "pk": record.pk})
    assert client.post(url, {"file": upload}).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name in bucket.object_keys()  # in the bucket, not on this node's disk
    assert bucket.read(attachment.file.name) == upload.getvalue()
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=attachment.file.name)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI") == ALL_USERS], grants  # private object
    download = reverse("pledges:attachment_download", kwargs={"pk": attachment.pk})
    assert _download(client, download) == (200, upload.getvalue())  # streamed from the bucket
    other = Client()
    other.force_login(officer_bmt)
    assert _download(other, download)[0] == 404  # the same access rule as on disk
    Dissemination.objects.filter(pk=record.pk).update(status="submitted")
    reader = Client()
    reader.force_login(leader)
    assert _download(reader, download) == (200, upload.getvalue())
    signed = attachment.file.url  # never shown to users; if used, it is signed and short-lived
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed


def test_a_report_is_stored_in_the_bucket_and_a_rerun_replaces_it(
    bucket,  # noqa: F811
    province,
    staff,
    django_capture_on_commit_callbacks,
):
    from projects.tests.factories import CampaignFactory, DirectiveFactory, RequirementFactory
    from reports import services
    from reports.models import Report, ReportStatus
    from reports.tests.conftest import file_work
    from reports.tests.factories import ReportFactory

    directive = DirectiveFactory(campaign=CampaignFactory(), issuer=province.province)
    requirement = RequirementFactory(directive=directive, applies_to=["district"])
    file_work(requirement, province.krong_pac)
    report = ReportFactory(
        requested_by=staff, scope_unit=province.province, parameters={"directive": directive.pk}, format="xlsx"
    )
    assert services.report_build(report_id=report.pk)
    report.refresh_from_db()
    first = report.file.name
    assert bucket.object_keys() == {first}
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_rerun(user=staff, report=Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    assert bucket.object_keys() == {report.file.name} and report.file.name != first  # replaced, not added
    client = Client()
    client.force_login(staff)
    status, body = _download(client, reverse("reports:download", kwargs={"pk": report.pk}))
    assert status == 200 and body == bucket.read(report.file.name) and body.startswith(b"PK")


def test_readyz_checks_the_bucket(bucket, client, settings):  # noqa: F811
    assert client.get(reverse("readyz")).json()["checks"]["storage"]["ok"] is True
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {**options, "bucket_name": "no-such-bucket-here"}},
    }
    response = client.get(reverse("readyz"))
    assert response.status_code == 503 and response.json()["checks"]["storage"] == {"ok": False}


def test_the_environment_selects_the_bucket(bucket):  # noqa: F811
    """settings.py reads PORTAL_MEDIA_STORAGE=s3 and the S3_* variables (the same ones the nodes get)."""
    code = (
        "import django; django.setup(); from django.core.files.storage import default_storage as s; "
        "from django.core.files.base import ContentFile; print(type(s._wrapped if s._wrapped else s).__name__); "
        "name = s.save('private/probe/xin-chao.txt', ContentFile('xin chào'.encode())); print(name)"
    )
    env = {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "campaign_portal.settings", "PATH": "/usr/bin:/bin"}
    env.update(storage_env(bucket.endpoint, bucket.name))
    from django.conf import settings as django_settings

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    name = result.stdout.split()[-1]
    assert bucket.read(name) == "xin chào".encode()
