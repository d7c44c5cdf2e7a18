"""The council's one-click list, the tie-break rule set by staff, documents and evidence uploads, layering."""

import ast
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus
from emulation import services
from emulation.models import ClusterDocument, ScoreEvidence


def _finished(world):
    users = [world.head, world.member]
    from campaign_portal.core.tests.factories import make_user

    users += [make_user(unit=world.communes[i], username=f"p{i}") for i in (1, 3, 4)]
    for index, user in enumerate(users):
        card = services.scorecard_open(user=user, cluster=world.cluster)
        values = {line.criterion_id: ("0", "") for line in card.lines.all()}
        values[world.criteria["free"].pk] = (str(10 - index), "")
        services.scorecard_save(user=user, scorecard=card, values=values)
        services.scorecard_submit(user=user, scorecard=card)
        reviewer = users[2] if user is world.head else world.head
        services.scorecard_review(user=reviewer, scorecard=card, target=ReviewStatus.ACCEPTED)
    services.cluster_finalise(user=world.staff, cluster=world.cluster)


def test_council_list_names_each_clusters_nominees(client_for, world):
    _finished(world)
    response = client_for(world.staff).get(reverse("emulation:council", kwargs={"year": 2026}))
    html = response.content.decode()
    assert response.status_code == 200
    flag_row = html[html.index("Xã Ea Kly") - 400 : html.index("Xã Ea Kly") + 400]
    assert "Cờ thi đua của UBND tỉnh" in flag_row  # 10 points: first of Cụm 1
    assert "Cụm thi đua số 2" in html and "chưa chốt" in html
    assert 'action="/bao-cao/thi-dua/to-trinh/"' in html
    assert client_for(world.head).get(reverse("emulation:council", kwargs={"year": 2026})).status_code == 403


def test_staff_choose_the_tie_break_rule_and_the_ranking_shows_it(client_for, world):
    client = client_for(world.staff)
    url = reverse("emulation:criteria", kwargs={"pk": world.cluster.pk})
    data = {"t-bonus_cap": "5", "t-penalty_cap": "10", "t-late_fraction": "0,5", "t-tie_break": "fewer_penalty",
            "t-flags": "1", "t-certificates": "3"}  # fmt: skip
    assert client.post(url, {**data, "t-tie_break": "nonsense"}).status_code == 200
    assert client.post(url, data).status_code == 302
    world.cluster.criteria_table.refresh_from_db()
    assert world.cluster.criteria_table.tie_break == "fewer_penalty"
    html = client.get(reverse("emulation:ranking", kwargs={"pk": world.cluster.pk})).content.decode()
    assert "đơn vị bị trừ ít điểm hơn xếp trên" in html
    assert "3 Bằng khen" in html


def test_cluster_documents_go_through_the_upload_guard(client_for, world):
    client = client_for(world.head)
    url = reverse("emulation:document_add", kwargs={"pk": world.cluster.pk})
    evil = SimpleUploadedFile("quy-che.pdf.exe", b"MZ\x90\x00")
    client.post(url, {"title": "Quy chế", "file": evil})
    assert not ClusterDocument.objects.exists()
    good = SimpleUploadedFile("quy-che.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(url, {"title": "Quy chế hoạt động cụm", "file": good})
    document = ClusterDocument.objects.get()
    download = client.get(reverse("emulation:document_download", kwargs={"pk": document.pk}))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert (
        client_for(world.outsider).get(reverse("emulation:document_download", kwargs={"pk": document.pk})).status_code
        == 404
    )
    assert client_for(world.member).post(url, {"title": "x", "file": good}).status_code == 302
    assert ClusterDocument.objects.count() == 1  # a plain member may not add (refused, nothing stored)


def test_evidence_per_criterion_is_checked_and_private(client_for, world):
    card = services.scorecard_open(user=world.member, cluster=world.cluster)
    client = client_for(world.member)
    url = reverse("emulation:evidence_add", kwargs={"pk": card.pk})
    fake = SimpleUploadedFile("bien-ban.pdf", b"<script>alert(1)</script>")
    client.post(url, {"criterion": world.criteria["free"].pk, "file": fake})
    assert not ScoreEvidence.objects.exists()
    real = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(url, {"criterion": world.criteria["free"].pk, "file": real})
    item = ScoreEvidence.objects.get()
    assert item.line.criterion_id == world.criteria["free"].pk
    assert client.get(reverse("emulation:evidence_download", kwargs={"pk": item.pk})).status_code == 200
    from campaign_portal.core.tests.factories import make_user

    peer = make_user(unit=world.communes[4], username="peer4")
    assert client_for(peer).get(reverse("emulation:evidence_download", kwargs={"pk": item.pk})).status_code == 404


def _imports(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_layering_emulation_never_imports_reports_and_core_no_app():
    base = Path(settings.BASE_DIR)
    assert "reports" not in _imports(base / "emulation")
    assert "emulation" not in _imports(base / "campaign_portal" / "core")
