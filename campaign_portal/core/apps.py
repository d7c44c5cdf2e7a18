import contextlib
import gc

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "campaign_portal.core"
    label = "core"
    verbose_name = _("Dùng chung: đơn vị, người dùng, nhật ký")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .db import on_connection_created

        tune_garbage_collector(settings.PORTAL_GC_GEN0)
        connection_created.connect(on_connection_created, dispatch_uid="core.fast_timestamptz")


def tune_garbage_collector(gen0: int) -> None:
    """Python's cycle collector, tuned for pages and reports that build many small objects that live.

    With CPython 3.11's default (a young-generation pass every 700 new objects) building the engine's
    15,000 cells of one province triggered collections that walked them again and again: two thirds of the
    engine's time (measured: 464 → 286 ms at the national data set with 10,000). The portal creates few
    reference cycles, so rarer passes cost little memory. What Django loaded at start-up is frozen out of
    the passes (`gc.freeze`); a worker forked afterwards (Celery's pool) shares it copy-on-write.
    0 keeps Python's defaults.
    """
    if gen0 <= 0:
        return
    gc.set_threshold(gen0, 10, 10)
    gc.freeze()


@contextlib.contextmanager
def collector_paused():
    """No cycle collection inside the block: for building a large structure of objects that hold no
    reference cycles (the engine's cells). Every pass in the middle would walk what is being built and
    everything kept beside it; what the block leaves as garbage is freed by reference counting, and
    the collector runs again as usual afterwards. Nested blocks keep it paused until the outermost ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
