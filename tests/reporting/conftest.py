"""A small city for the reporting tests: two districts with units, people in them, their
admins, a supervisor, and a rotation-training course."""

import datetime

import pytest
from django.utils import timezone, translation

from institutions.services import institution_create, membership_set
from tests.factories import UserFactory, course_tree


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def city(db):
    root = institution_create(name="江城市", name_en="Jiangcheng", code="t-city", kind="city")
    a = institution_create(
        name="东湖区", name_en="Donghu", code="t-a", kind="district", parent=root
    )
    b = institution_create(
        name="西山区", name_en="Xishan", code="t-b", kind="district", parent=root
    )
    return {
        "city": root,
        "a": a,
        "a1": institution_create(name="东湖民政局", code="t-a1", kind="civil_affairs", parent=a),
        "a2": institution_create(name="长青社区", code="t-a2", kind="community", parent=a),
        "b": b,
        "b1": institution_create(name="西山医院", code="t-b1", kind="hospital", parent=b),
    }


def person(
    unit, *, name, category="civil_servant", hired=None, supervisor=None, email=None, language=""
):
    user = UserFactory(
        role="candidate", real_name=name, email=email or "", preferred_language=language
    )
    membership_set(
        user=user, institution=unit, staff_category=category, hire_date=hired, supervisor=supervisor
    )
    return user


def admin_of(unit, *, role="institution_admin", name="管理员"):
    user = UserFactory(
        role=role, real_name=name, email=f"{unit.code}-admin@example.org", preferred_language="en"
    )
    membership_set(user=user, institution=unit, staff_category="civil_servant")
    return user


@pytest.fixture
def admins(city):
    return {
        "a": admin_of(city["a"], name="东湖管理员"),
        "b": admin_of(city["b"], name="西山管理员"),
    }


@pytest.fixture
def rotation(db):
    return course_tree(title="社会工作轮训", kind="rotation_training", modules=1)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def rotation_requirement(unit, course, **fields):
    """Civil servants and public-institution staff of ``unit``'s subtree complete ``course``
    within 6 months of hire (unless ``fields`` say otherwise)."""
    values = {
        "name": "新录用公务员社会工作轮训",
        "institution": unit,
        "staff_categories": ["civil_servant", "public_institution"],
        "target": "course",
        "course": course,
        "due_rule": "months_after_hire",
        "due_months": 6,
    }
    values.update(fields)
    from institutions.reporting.models import TrainingRequirement

    return TrainingRequirement.objects.create(**values)
