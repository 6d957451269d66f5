import datetime

import pytest
from django.core.exceptions import ValidationError

from institutions.models import Institution, InstitutionKind, Membership, StaffCategory
from institutions.services import institution_create, membership_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_tree_and_subtree():
    city = institution_create(name="江城市", code="city", kind=InstitutionKind.CITY)
    district = institution_create(
        name="东湖区", code="donghu", kind=InstitutionKind.DISTRICT, parent=city
    )
    city.refresh_from_db()
    bureau = institution_create(
        name="民政局", code="mz", kind=InstitutionKind.CIVIL_AFFAIRS, parent=district
    )
    city.refresh_from_db()
    other = institution_create(
        name="西山区", code="xishan", kind=InstitutionKind.DISTRICT, parent=city
    )
    district.refresh_from_db()
    subtree = set(Institution.get_tree(district).values_list("code", flat=True))
    assert subtree == {"donghu", "mz"}
    assert bureau.get_parent().code == "donghu"
    assert other.get_parent().code == "city"


def test_bad_kind_is_refused():
    with pytest.raises(ValidationError) as error:
        institution_create(name="X", code="x", kind="spaceship")
    assert "kind" in error.value.message_dict
    assert not Institution.objects.exists()


def test_membership_set_is_idempotent_and_updates():
    city = institution_create(name="江城市", code="city", kind=InstitutionKind.CITY)
    user = UserFactory()
    membership_set(user=user, institution=city, staff_category=StaffCategory.CIVIL_SERVANT)
    membership_set(
        user=user,
        institution=city,
        staff_category=StaffCategory.SOCIAL_WORKER,
        hire_date=datetime.date(2026, 9, 1),
    )
    membership = Membership.objects.get(user=user)
    assert membership.staff_category == StaffCategory.SOCIAL_WORKER
    assert membership.hire_date == datetime.date(2026, 9, 1)
