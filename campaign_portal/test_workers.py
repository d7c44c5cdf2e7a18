"""A parallel test run (pytest-xdist, `make test` in CI): each worker gw0, gw1, … gets its own services.

pytest-django already gives each worker its own test database (test_<name>_gw0, …). Everything else a test
shares with the processes it starts is made per worker here, in the environment, before settings.py reads it,
so that settings, the tests (which read os.environ) and every process they start (which inherit it) agree:

- the Redis database: REDIS_URL's number plus the worker's (…/5 → gw0 on 5, gw1 on 6);
- var/: media and `make run`'s queue folder under var/test-workers/<worker>/, unless set already;
- ports: free_port() (tests/live.py) picks from a range of the worker's own, below the kernel's ephemeral range.

Nothing here runs outside pytest-xdist workers, so a plain run, `make run` and production never see it.
"""

import os
import random
import socket
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # redis-server's default `databases`
MARK = "PORTAL_TEST_WORKER"  # set once applied: a process started with this environment must not add again
PORT_BASE, PORT_SPAN = 20_000, 1_000  # gw0: 20000–20999, gw1: 21000–21999, … (ephemeral ports start at 32768)


def worker_name(environ=os.environ) -> str:
    """ "gw0", "gw1", … inside a pytest-xdist worker; "" otherwise."""
    return environ.get("PYTEST_XDIST_WORKER", "")


def worker_index(environ=os.environ) -> int | None:
    name = worker_name(environ)
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else None


def redis_url_for(url: str, index: int) -> str:
    """The same Redis server, database number + index (redis://h:6379/5 → /6 for gw1)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return url  # filesystem://, memory://: nothing to share
    db = int(parts.path.strip("/") or 0) + index
    if db >= REDIS_DATABASES:
        raise RuntimeError(
            f"pytest-xdist worker {index} would use Redis database {db} of {url}: only 0–{REDIS_DATABASES - 1} exist. "
            "Start from a lower REDIS_URL database or run fewer workers (-n)."
        )
    return urlunsplit(parts._replace(path=f"/{db}"))


def isolate_worker(environ, var_dir: Path) -> None:
    """Point this worker's environment at its own Redis database and var/ folder (once per process tree)."""
    name, index = worker_name(environ), worker_index(environ)
    if index is None or environ.get(MARK):
        return
    for key in ("REDIS_URL", "CELERY_BROKER_URL"):
        if environ.get(key):
            environ[key] = redis_url_for(environ[key], index)
    folder = Path(var_dir) / "test-workers" / name
    environ.setdefault("MEDIA_ROOT", str(folder / "media"))
    environ.setdefault("PORTAL_QUEUE_DIR", str(folder / "celery-queue"))
    environ[MARK] = name


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now; in an xdist worker, one of its own range."""
    index = worker_index()
    if index is not None:
        start = PORT_BASE + index * PORT_SPAN
        for port in random.sample(range(start, start + PORT_SPAN), 50):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
