"""`make run`: a Celery worker (with beat) on a local transport, and the development server."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal with background jobs: a Celery worker + beat, then runserver."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="0")
        # Without Redis, jobs go through kombu's filesystem transport under var/ to a real worker.
        if not env.get("CELERY_BROKER_URL") and not env.get("REDIS_URL"):
            env["CELERY_BROKER_URL"] = "filesystem://"
            queue = Path(env.get("PORTAL_QUEUE_DIR") or settings.VAR_DIR / f"celery-queue-{port}")
            env["PORTAL_QUEUE_DIR"] = str(queue)
            queue.mkdir(parents=True, exist_ok=True)
            for suffix in ("-processed", "-control"):
                Path(f"{queue}{suffix}").mkdir(parents=True, exist_ok=True)
        broker = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL")
        worker = self._start(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "campaign_portal",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--queues",
                "celery,reports",
                "--concurrency",
                "2",
                "--schedule",
                str(settings.VAR_DIR / f"celerybeat-schedule-{port}"),
            ],
            env,
        )
        self.stdout.write(self.style.SUCCESS(f"Celery worker + beat started (pid {worker.pid}, broker {broker})."))
        self.stdout.write(self.style.SUCCESS(f"Portal: http://{host}:{port}/  (Ctrl+C to stop)"))
        server = self._start([sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"], env)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` stops the children too, like Ctrl+C
        try:
            while server.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            # Whatever died first, stop both whole groups: a killed worker leaves its embedded beat (and pool
            # children) alive in its group, and a restart would then run two beats.
            for process in (server, worker):
                self._stop(process)
            dead = [name for name, p in (("server", server), ("worker", worker)) if p.returncode not in (0, -15)]
            if dead:
                self.stderr.write(f"run_portal: {' and '.join(dead)} stopped unexpectedly; everything is stopped.")

    def _start(self, command, env):
        # Its own process group, so stopping it also stops the worker's pool children and beat.
        return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, start_new_session=True)

    def _stop(self, process, timeout=15):
        """SIGTERM the process group (even when its leader is already dead), then SIGKILL what is left."""
        group = process.pid  # start_new_session: the group id is the leader's pid
        if not _signal_group(group, signal.SIGTERM):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process.poll()
            if not _signal_group(group, 0):
                return
            time.sleep(0.2)
        _signal_group(group, signal.SIGKILL)
        process.wait()


def _signal_group(group: int, sig) -> bool:
    """Send `sig` to a process group; False when no process of the group is left."""
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        return False
    return True
