from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from certificates.models import CertificateProgramme, CertificateTemplate
from courses import services as course_services
from institutions.services import institution_create, membership_set
from tests.factories import UserFactory, course_tree, lessons_of

FIXTURE_DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "certificates"


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def bureau(db):
    city = institution_create(name="江城市", code="t-city", kind="city")
    return {
        "city": city,
        "bureau": institution_create(
            name="江城市民政局", code="t-bureau", kind="civil_affairs", parent=city
        ),
        "other": institution_create(name="西山区", code="t-other", kind="district", parent=city),
    }


@pytest.fixture
def programme(bureau):
    return programme_for(bureau["bureau"])


def programme_for(issuer) -> CertificateProgramme:
    """A 16-hour rotation-training certificate for completing its own one-module course."""
    template = CertificateTemplate.objects.create(
        name="测试模板",
        html=(FIXTURE_DATA / "default.html").read_text(encoding="utf-8"),
        css=(FIXTURE_DATA / "default.css").read_text(encoding="utf-8"),
    )
    course = course_tree(title="社会工作轮训", kind="rotation_training", modules=1)
    return CertificateProgramme.objects.create(
        name="社会工作轮训结业证书",
        course=course,
        credit_hours=Decimal(16),
        validity_months=36,
        issuer=issuer,
        template=template,
    )


@pytest.fixture
def learner(bureau):
    user = UserFactory(role="candidate", real_name="王晓磊")
    membership_set(user=user, institution=bureau["bureau"], staff_category="civil_servant")
    return user


def complete_course(user, course):
    course_services.enrollment_create(user=user, course=course)
    for lesson in lessons_of(course):
        course_services.lesson_complete(user=user, lesson=lesson)
