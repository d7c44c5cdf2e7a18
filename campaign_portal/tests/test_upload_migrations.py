"""The migrations that moved every upload onto the core Upload model lose nothing, backwards or forwards.

Rows are made with today's models, the three apps are migrated back to before the move (the covenant's
scan and a progress update's evidence go back into their old columns), then forward again: every file,
display name, kind, size, uploader and time is where it was.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaign_portal.core.uploads import bytes_upload, upload_store

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BEFORE = [
    ("emulation", "0002_upload_model"),
    ("pledges", "0007_upload_model"),
    ("projects", "0004_history_into_audit"),
]
SHARED = ("file", "filename", "kind", "size", "uploaded_by_id", "uploaded_at")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows(model, key):
    return {getattr(row, key): {name: getattr(row, name) for name in SHARED} for row in model.objects.all()}


def test_upload_migrations_go_back_and_forth_without_losing_a_file(province, officer_kp, settings, tmp_path):
    from emulation.models import ClusterDocument, Covenant, CovenantScan
    from emulation.tests.factories import ClusterFactory
    from pledges.models import TargetEvidence
    from pledges.tests.factories import TargetProgressFactory
    from projects.models import ProgressPhoto
    from projects.photos import clean_photo
    from projects.tests.factories import ProgressUpdateFactory, image_bytes

    settings.MEDIA_ROOT = tmp_path
    cluster = ClusterFactory()
    covenant = Covenant.objects.create(
        cluster=cluster, signed_on=datetime.date(2026, 1, 15), text="Giao ước", filed_by=officer_kp
    )
    upload_store(model=CovenantScan, uploaded=bytes_upload("Giao ước.pdf", PDF), user=officer_kp, covenant=covenant)
    upload_store(model=ClusterDocument, uploaded=bytes_upload("Quy chế.pdf", PDF), user=officer_kp, cluster=cluster)
    progress = TargetProgressFactory(created_by=officer_kp)
    upload_store(model=TargetEvidence, uploaded=bytes_upload("Minh chứng.pdf", PDF), user=officer_kp, progress=progress)
    update = ProgressUpdateFactory(created_by=officer_kp)
    photo = clean_photo(bytes_upload("Hiện trường.png", image_bytes("PNG")))
    upload_store(model=ProgressPhoto, uploaded=photo, user=officer_kp, update=update, width=64, height=48)
    # Moved rows take the time of the record they came from (the covenant filed, the progress entered).
    CovenantScan.objects.update(uploaded_at=Covenant.objects.get().filed_at)
    TargetEvidence.objects.update(uploaded_at=progress.created_at)
    before = {
        "scan": _rows(CovenantScan, "covenant_id"),
        "document": _rows(ClusterDocument, "pk"),
        "evidence": _rows(TargetEvidence, "progress_id"),
        "photo": _rows(ProgressPhoto, "pk"),
    }
    try:
        old = _migrate(BEFORE)
        old_covenant = old.get_model("emulation", "Covenant").objects.get()
        assert (old_covenant.scan.name, old_covenant.scan_name) == (
            before["scan"][covenant.pk]["file"].name,
            "Giao ước.pdf",
        )
        old_progress = old.get_model("pledges", "TargetProgress").objects.get()
        assert (old_progress.evidence.name, old_progress.evidence_name) == (
            before["evidence"][progress.pk]["file"].name,
            "Minh chứng.pdf",
        )
        _migrate(_leaves())
    finally:
        _migrate(_leaves())
    after = {
        "scan": _rows(CovenantScan, "covenant_id"),
        "document": _rows(ClusterDocument, "pk"),
        "evidence": _rows(TargetEvidence, "progress_id"),
        "photo": _rows(ProgressPhoto, "pk"),
    }
    assert after == before
    assert after["photo"][next(iter(after["photo"]))]["kind"] == "png"
    assert CovenantScan.objects.get().file.read() == PDF  # the same stored object, not a copy
