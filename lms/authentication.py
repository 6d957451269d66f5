"""API token authentication, made cheap for the requests that run most.

Every API request of an app or script authenticates, the answer-save request of a mock exam
above all. DRF's ``TokenAuthentication`` builds an ORM query with a join on each request, which
takes longer than the database spends answering it. On PostgreSQL this reads the same user with
one prepared statement (``lms.db.hot_cursor``); elsewhere it is DRF's own lookup. Either way an
unknown token or an inactive user is refused with 401.

The answer-save request goes one step further: it checks the token inside its own read
(``OWNER_BY_KEY_SUBQUERY``), so that saving an answer costs one statement fewer.
"""

import functools

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from lms.db import hot_cursor, is_postgresql

KEYWORD = "Token"


@functools.cache
def _user_by_token() -> tuple[list[str], str]:
    user_model = get_user_model()
    fields = user_model._meta.concrete_fields
    columns = ", ".join(f'u."{field.column}"' for field in fields)
    # Identifiers come from the model's metadata; the token is a parameter.
    sql = f"SELECT {columns} FROM lms_user u JOIN authtoken_token t ON t.user_id = u.id"  # noqa: S608
    return [field.attname for field in fields], sql + " WHERE t.key = %s"


# A subquery with one parameter, the token: the id of its user, if that user is active.
OWNER_BY_KEY_SUBQUERY = (
    "(SELECT t.user_id FROM authtoken_token t JOIN lms_user u ON u.id = t.user_id "
    "WHERE t.key = %s AND u.is_active)"
)


def token_from_header(request) -> str | None:
    """The key of an ``Authorization: Token <key>`` header, or None when there is no such
    header. A malformed one is refused exactly as DRF refuses it."""
    parts = authentication.get_authorization_header(request).split()
    if not parts or parts[0].lower() != KEYWORD.lower().encode():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Invalid token header."))
    try:
        return parts[1].decode()
    except UnicodeError as error:
        raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = KEYWORD

    def authenticate_credentials(self, key):
        if not is_postgresql():
            return super().authenticate_credentials(key)
        attnames, sql = _user_by_token()
        with hot_cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = get_user_model().from_db("default", attnames, row)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)
