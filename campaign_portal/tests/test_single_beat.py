"""One beat: a crashed worker takes its embedded beat with it, and a second beat does not double-send.

Real processes on the filesystem transport of `make run`, sharing the PostgreSQL test database
(skipped locally without it, failed in CI).
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from .live import BASE_DIR, filesystem_broker, free_port, group_alive, require_postgres, stop, subprocess_env, wait_for

pytestmark = [pytest.mark.slow]


def _celery_child(parent: int) -> int | None:
    """The Celery worker started by run_portal (its other child is runserver)."""
    result = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True, check=False)
    for pid in map(int, result.stdout.split()):
        try:
            if b"celery" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


def _group(group: int) -> list[int]:
    result = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True, check=False)
    return [int(p) for p in result.stdout.split()]


@pytest.mark.django_db(transaction=True)
def test_run_portal_stops_everything_when_its_worker_dies(tmp_path):
    """The worker is SIGKILLed: run_portal stops the server and the worker's whole group (embedded beat,
    pool), so a restart runs one beat, not two."""
    require_postgres()
    port = free_port()
    log = tmp_path / "run_portal.log"
    env = subprocess_env(DEBUG="1", PORTAL_QUEUE_DIR=str(tmp_path / "queue"))
    env.pop("REDIS_URL", None)
    portal = subprocess.Popen(
        [sys.executable, "manage.py", "run_portal", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        worker = wait_for(lambda: _celery_child(portal.pid), timeout=30, what="run_portal's worker")
        wait_for(lambda: "beat: Starting" in log.read_text(errors="replace"), timeout=60, what=f"the beat ({log})")
        members = wait_for(lambda: len(_group(worker)) >= 3 and _group(worker), timeout=30, what="pool + beat")
        os.kill(worker, signal.SIGKILL)  # the worker's main process dies (OOM killer, a bug)
        wait_for(lambda: portal.poll() is not None, timeout=40, what="run_portal to stop")
        left = [pid for pid in members if _alive(pid)]
        assert not left, f"left running after the worker died: {left} (beat or pool of the dead worker)"
        assert not group_alive(worker)
        assert "stopped unexpectedly" in log.read_text(errors="replace")
    finally:
        stop(portal)
        print(log.read_text(errors="replace")[-3000:])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.django_db(transaction=True)
def test_a_second_beat_does_not_double_send(tmp_path, province):
    """Two beats send the same periodic job every 2 s; the job's work is done once."""
    require_postgres()
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from campaign_portal.core.models import Notification, PeriodicJobRun

    unit = province.krong_pac
    unit.email = "vanphong@krongpac.example"
    unit.save(update_fields=["email"])
    notification = Notification.objects.create(unit=unit, message="Thông báo chưa gửi được thư")
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=9))
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test: resend unsent e-mails every 2 s",
        task="campaign_portal.core.tasks.resend_unsent_notifications",
        interval=every_2s,
        queue="celery",
    )
    queue = tmp_path / "queue"
    filesystem_broker(queue)  # the folders, as run_portal makes them
    env = subprocess_env(CELERY_BROKER_URL="filesystem://", PORTAL_QUEUE_DIR=str(queue), EMAIL_URL="consolemail://")
    env.pop("REDIS_URL", None)
    celery = [sys.executable, "-m", "celery", "-A", "campaign_portal"]
    logs = {name: tmp_path / f"{name}.log" for name in ("worker", "beat1", "beat2")}
    commands = {
        "worker": [*celery, "worker", "-Q", "celery", "--concurrency", "1", "--without-gossip", "--without-mingle"],
        **{
            name: [*celery, "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / f"{name}-schedule")]
            for name in ("beat1", "beat2")
        },
    }
    processes = {
        name: subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=logs[name].open("ab"),
            stderr=subprocess.STDOUT,
        )
        for name, command in commands.items()
    }
    try:
        for name in ("beat1", "beat2"):
            wait_for(
                lambda name=name: logs[name].read_text(errors="replace").count("Sending due task") >= 3,
                timeout=60,
                what=f"{name} to send the job three times ({logs[name]})",
            )
        wait_for(
            lambda: PeriodicJobRun.objects.filter(skipped__gte=5).exists(), timeout=40, what="the worker to skip sends"
        )
        time.sleep(2)
        run = PeriodicJobRun.objects.get(job="campaign_portal.core.tasks.resend_unsent_notifications")
        assert run.runs == 1, (run.runs, run.skipped)
        notification.refresh_from_db()
        assert notification.emailed_at is not None
        sent = logs["worker"].read_text(errors="replace").count("To: vanphong@krongpac.example")
        assert sent == 1, f"the e-mail was sent {sent} times"
    finally:
        for process in processes.values():
            stop(process)
        for name, path in logs.items():
            print(name, path.read_text(errors="replace")[-1500:])
