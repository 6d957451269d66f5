"""A cursor for the few hot statements that run on (nearly) every request.

On PostgreSQL it binds parameters on the server, so each statement is prepared once per
connection instead of parsed and planned on every execution (``prepare_threshold`` in the
database settings). Django's own cursors bind on the client and never prepare, so nothing else
changes. Elsewhere (SQLite) it is Django's ordinary cursor.
"""

import psycopg
from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def hot_cursor():
    if not is_postgresql():
        return connection.cursor()
    # What Django does before any cursor: check a reused connection's health, then connect.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    server_bound = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(server_bound)
    return connection.make_cursor(server_bound)
