"""Two web nodes, one state: two gunicorn instances (different ports) share PostgreSQL, Redis and the bucket.

A browser session goes through a load balancer that may send each request to either node: a file uploaded on
one node is downloaded from the other, a login on one is honoured by the other, a report requested on one is
built by a worker and downloaded from the other. Nothing is kept on a node's disk.
Needs PostgreSQL, Redis and the S3-compatible server: skipped locally without them, failed in CI.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from campaign_portal.testing import require_service

from .live import BASE_DIR, free_port, require_postgres, stop, subprocess_env, wait_for
from .objectstore import bucket  # noqa: F401 - fixture

pytestmark = [pytest.mark.slow]

PASSWORD = "demo-Password-1"  # the factories' password
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n% nut 2\n"


def _gunicorn(env, port: int, log: Path):
    command = [sys.executable, "-m", "gunicorn", "campaign_portal.wsgi:application", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"]
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, start_new_session=True, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def _login(session, base: str, username: str):
    page = session.get(f"{base}/dang-nhap/", timeout=20)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/dang-nhap/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/dang-nhap/"},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]


def _csrf(session, url: str) -> str:
    page = session.get(url, timeout=20)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_share_one_state(bucket, world, tmp_path):  # noqa: F811
    require_postgres()
    import requests

    redis_url = require_service("Redis", os.environ.get("REDIS_URL"))  # the run's own Redis database
    node_disk = tmp_path / "node-media"  # must stay empty: media live in the bucket
    # DEBUG=1 only so that static files come from the finders (no collectstatic); everything else as production.
    env = subprocess_env(
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        MEDIA_ROOT=str(node_disk),
        **bucket.env(),
    )
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"node{i}.log" for i in (1, 2)] + [tmp_path / "worker.log"]
    nodes = [_gunicorn(env, port, log) for port, log in zip(ports, logs, strict=False)]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "campaign_portal", "worker", "-Q", "reports,celery"]
        + ["--concurrency", "1", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=logs[2].open("ab"),
        stderr=subprocess.STDOUT,
    )
    one, two = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base, node, log in zip((one, two), nodes, logs, strict=False):
            wait_for(lambda base=base, node=node: node.poll() is not None or _ready(base), timeout=60, what=str(log))
            assert node.poll() is None, log.read_text(errors="replace")[-3000:]

        # Log in on node 1, continue on node 2 (sessions in the database, CSRF from the shared secret).
        officer = requests.Session()
        _login(officer, one, world.officer_kp.username)
        owed = officer.get(f"{two}{reverse('pledges:owed')}", timeout=20, allow_redirects=False)
        assert owed.status_code == 200, owed.status_code  # not a redirect to the login page
        assert reverse("logout") in owed.text and world.province.krong_pac.name in owed.text

        # Upload on node 2, download from node 1.
        plan = world.objects["draft_plan"]
        detail = f"{two}{reverse('pledges:emulation_plan_detail', kwargs={'pk': plan.pk})}"
        token = _csrf(officer, detail)
        upload_url = f"{two}{reverse('pledges:attachment_upload', kwargs={'slug': 'ke-hoach', 'pk': plan.pk})}"
        response = officer.post(
            upload_url,
            data={"csrfmiddlewaretoken": token},
            files={"file": ("ke-hoach-2026.pdf", PDF, "application/pdf")},
            headers={"Referer": detail},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        from pledges.models import Attachment

        attachment = Attachment.objects.get(plan=plan)
        assert attachment.file.name in bucket.object_keys()
        download = officer.get(
            f"{one}{reverse('pledges:attachment_download', kwargs={'pk': attachment.pk})}", timeout=20
        )
        assert download.status_code == 200 and download.content == PDF

        # A report requested on node 1 is built by the worker and downloaded from node 2.
        leader = requests.Session()
        _login(leader, two, world.leader.username)
        reports_url = f"{one}{reverse('reports:list')}"
        token = _csrf(leader, reports_url)
        response = leader.post(
            reports_url,
            data={
                "csrfmiddlewaretoken": token,
                "kind": "province_compliance",
                "source": f"directive:{world.directive.pk}",
                "format": "xlsx",
            },
            headers={"Referer": reports_url},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:1000]
        report_pk = int(re.search(r"/(\d+)/?$", response.headers["Location"].rstrip("/") + "/").group(1))
        status_url = f"{two}{reverse('reports:status', kwargs={'pk': report_pk})}"
        wait_for(lambda: "tai-ve" in leader.get(status_url, timeout=20).text, timeout=90, what=f"the build ({logs[2]})")
        file = leader.get(f"{two}{reverse('reports:download', kwargs={'pk': report_pk})}", timeout=30)
        assert file.status_code == 200 and file.content.startswith(b"PK")
        from reports.models import Report

        assert Report.objects.get(pk=report_pk).file.name in bucket.object_keys()
        assert not [p for p in node_disk.rglob("*") if p.is_file()], "a node kept a file on its own disk"
    finally:
        for process in [*nodes, worker]:
            stop(process)
        for log in logs:
            print(log.name, log.read_text(errors="replace")[-1500:])


def _ready(base: str) -> bool:
    import requests

    try:
        return requests.get(f"{base}/readyz/", timeout=5).status_code == 200
    except requests.RequestException:
        return False
