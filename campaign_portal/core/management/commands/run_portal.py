"""`make run`: a Celery worker (with beat) on a local transport, and the development server."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal with background jobs: a Celery worker + beat, then runserver."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        env = dict(os.environ)
        # Without Redis, jobs go through kombu's filesystem transport under var/ to a real worker.
        if not env.get("CELERY_BROKER_URL") and not env.get("REDIS_URL"):
            env["CELERY_BROKER_URL"] = "filesystem://"
        env["CELERY_TASK_ALWAYS_EAGER"] = "0"
        for folder in ("celery-queue", "celery-processed"):
            (settings.VAR_DIR / folder).mkdir(parents=True, exist_ok=True)
        worker = subprocess.Popen(
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
                str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Celery worker + beat started (pid {worker.pid}, broker {env.get('CELERY_BROKER_URL') or env.get('REDIS_URL')})."
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Portal: http://{host}:{port}/  (Ctrl+C to stop)"))
        os.environ.update({"CELERY_BROKER_URL": env.get("CELERY_BROKER_URL", ""), "CELERY_TASK_ALWAYS_EAGER": "0"})
        try:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
                env=env,
                cwd=settings.BASE_DIR,
            )
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (locals().get("server"), worker):
                if process and process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            while worker.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            if worker.poll() is None:
                worker.kill()
