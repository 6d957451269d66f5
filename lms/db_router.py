"""Reads for statistics and reports from a read replica, when ``REPORTS_DATABASE_URL`` is set.

Only code inside ``reports_database()`` reads from the ``reports`` database; every write and
every other read goes to ``default`` (the primary). Inside a transaction on ``default`` reads stay
there too: a transaction may need to see its own writes, and ``select_for_update`` must reach
the primary. Without ``REPORTS_DATABASE_URL`` the router is not installed and
``reports_database()`` changes nothing.

The replica trails the primary by however long replication takes (normally well under a
second, a few seconds under load): a dashboard or report may miss the last few seconds of
answers and completions. That is acceptable for statistics over weeks and months, which are
cached for minutes anyway (``STATISTICS_CACHE_SECONDS``). Code that must see what was just
written (an attempt's score right after submitting) never runs inside ``reports_database()``.
"""

import contextlib
import contextvars

from django.db import DEFAULT_DB_ALIAS, connections

REPORTS_DB_ALIAS = "reports"
_ALIASES = {DEFAULT_DB_ALIAS, REPORTS_DB_ALIAS}

_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar("qihang_reporting", default=False)


@contextlib.contextmanager
def reports_database():
    """Reads inside go to the reports replica (usable as a decorator too)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


class ReportsRouter:
    """``DATABASE_ROUTERS`` entry, installed when ``REPORTS_DATABASE_URL`` is set."""

    def db_for_read(self, model, **hints):
        if _reporting.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPORTS_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both hold the same rows: an object read from the replica may point at one from the
        # primary.
        if {obj1._state.db, obj2._state.db} <= _ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
