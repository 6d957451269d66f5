"""Who administers whom: an institution admin sees the people of their own subtree only."""

from django.db.models import Q

from institutions.models import Institution, Membership
from lms.roles import Role


def _has_role(user, role: Role) -> bool:
    return user.is_authenticated and user.groups.filter(name=role.value).exists()


def is_city_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or _has_role(user, Role.CITY_ADMIN))


def is_administrator(user) -> bool:
    """City admins, and institution admins (who see their own subtree only)."""
    return user.is_authenticated and (
        user.is_superuser
        or _has_role(user, Role.CITY_ADMIN)
        or _has_role(user, Role.INSTITUTION_ADMIN)
    )


def administered_institutions(user):
    """Institutions whose people ``user`` may administer: everything for a city admin, the
    subtrees of their own institutions for an institution admin, nothing otherwise."""
    if not user.is_authenticated:
        return Institution.objects.none()
    if user.is_superuser or _has_role(user, Role.CITY_ADMIN):
        return Institution.objects.all()
    if not _has_role(user, Role.INSTITUTION_ADMIN):
        return Institution.objects.none()
    roots = Institution.objects.filter(memberships__user=user)
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(path__startswith=root.path)
    return Institution.objects.filter(query)


def administered_people(user):
    """Memberships of the people ``user`` may administer."""
    return Membership.objects.filter(institution__in=administered_institutions(user))


def administers(admin, person) -> bool:
    return administered_people(admin).filter(user=person).exists()


def may_see_records_of(viewer, person) -> bool:
    """A person's own records (certificates, evidence files) are theirs and their admins'."""
    return viewer.pk == person.pk or administers(viewer, person)


def admins_of(person):
    """Institution admins whose subtree holds one of ``person``'s memberships (the admins of
    their institution and of every institution above it)."""
    from django.contrib.auth import get_user_model

    paths = [
        membership.institution.path
        for membership in Membership.objects.filter(user=person).select_related("institution")
    ]
    ancestors = Q(pk__in=[])
    for path in paths:
        steps = len(path) // Institution.steplen
        prefixes = [path[: Institution.steplen * n] for n in range(1, steps + 1)]
        ancestors |= Q(memberships__institution__path__in=prefixes)
    return (
        get_user_model()
        .objects.filter(ancestors, groups__name=Role.INSTITUTION_ADMIN.value, is_active=True)
        .distinct()
    )
