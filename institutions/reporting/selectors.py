"""Whose statistics a person may see: an institution admin their own subtrees, a city admin every
institution, a supervisor their supervisees. Anything else is a 404, never a 403."""

from django.http import Http404

from institutions.models import Institution, Membership
from institutions.selectors import administered_institutions, is_administrator


def dashboard_roots(user) -> list[Institution]:
    """The top institutions of what ``user`` administers (none nested in another)."""
    roots: list[Institution] = []
    for institution in administered_institutions(user).order_by("path"):
        if not any(institution.path.startswith(root.path) for root in roots):
            roots.append(institution)
    return roots


def unit_for(user, unit_id) -> Institution:
    """The institution ``unit_id`` if ``user`` administers it; 404 otherwise (also for ids that
    do not exist or are not numbers, so nothing tells the two apart)."""
    if not is_administrator(user):
        raise Http404
    try:
        return administered_institutions(user).get(pk=int(unit_id))
    except (TypeError, ValueError, Institution.DoesNotExist) as error:
        raise Http404 from error


def default_unit(user) -> Institution:
    roots = dashboard_roots(user)
    if not roots:
        raise Http404
    return roots[0]


def supervisees(user):
    """The memberships of the people ``user`` supervises."""
    return Membership.objects.filter(supervisor=user)


def is_supervisor(user) -> bool:
    return user.is_authenticated and supervisees(user).exists()
