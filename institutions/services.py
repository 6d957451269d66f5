"""Writes to the institutions tree and memberships."""

import datetime

from django.db import transaction

from .models import Institution, Membership
from .signals import membership_saved


@transaction.atomic
def institution_create(
    *,
    name: str,
    code: str,
    kind: str,
    parent: Institution | None = None,
    name_en: str = "",
    region: str = "",
) -> Institution:
    fields = {"name": name, "name_en": name_en, "code": code, "kind": kind, "region": region}
    institution = Institution(**fields)
    institution.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Institution.add_root(instance=institution)
    return parent.add_child(instance=institution)


@transaction.atomic
def membership_set(
    *,
    user,
    institution: Institution,
    staff_category: str,
    post: str = "",
    hire_date: datetime.date | None = None,
    supervisor=None,
) -> Membership:
    membership = Membership.objects.filter(user=user, institution=institution).first()
    created = membership is None
    membership = membership or Membership(user=user, institution=institution)
    membership.staff_category = staff_category
    membership.post = post
    membership.hire_date = hire_date
    membership.supervisor = supervisor
    membership.full_clean()
    membership.save()
    membership_saved.send(sender=Membership, membership=membership, created=created)
    return membership
