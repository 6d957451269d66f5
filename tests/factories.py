"""Factories for the test suite. Pages are built through the tree API, like authors build them."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from courses.models import (
    Blueprint,
    BlueprintSection,
    Chapter,
    CourseIndexPage,
    CoursePage,
    ExamLevel,
    HomePage,
    KnowledgePoint,
    LessonPage,
    ModulePage,
    Subject,
)
from fixtures.loaders.pages import ensure_wagtail_roots
from lms.roles import Role
from lms.services import role_grant

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"学员{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            role_grant(user=self, role=Role(extracted))


class ExamLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamLevel
        django_get_or_create = ("code",)

    code = "J"
    name = "助理社会工作师"
    name_en = "Assistant Social Worker"


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    level = factory.SubFactory(ExamLevelFactory)
    code = factory.Sequence(lambda n: f"J-S{n}")
    name = factory.Sequence(lambda n: f"科目{n}")
    name_en = factory.Sequence(lambda n: f"Subject {n}")
    edition = "2025"


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    subject = factory.SubFactory(SubjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda c: f"{c.subject.code}-{c.number:02d}")
    name = factory.Sequence(lambda n: f"第{n}章")
    name_en = factory.Sequence(lambda n: f"Chapter {n}")
    edition = "2025"
    weight = Decimal(10)


class KnowledgePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgePoint

    chapter = factory.SubFactory(ChapterFactory)
    code = factory.Sequence(lambda n: f"KP-{n:04d}")
    name = factory.Sequence(lambda n: f"考点{n}")
    name_en = factory.Sequence(lambda n: f"Point {n}")
    edition = "2025"


def blueprint_for(subject: Subject) -> Blueprint:
    blueprint = Blueprint.objects.create(subject=subject, duration_minutes=120, pass_mark=60)
    BlueprintSection.objects.create(
        blueprint=blueprint, question_type="single_choice", count=60, points_each=Decimal(1)
    )
    BlueprintSection.objects.create(
        blueprint=blueprint, question_type="multiple_choice", count=20, points_each=Decimal(2)
    )
    return blueprint


def site_tree() -> CourseIndexPage:
    """Home page and course index, with the default site pointing at home."""
    index = CourseIndexPage.objects.first()
    if index is not None:
        return index
    ensure_wagtail_roots()  # a transactional test's flush removes what migrations created
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2, content_type__model="page").delete()
    root.refresh_from_db()
    home = root.add_child(instance=HomePage(title="启航", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Qihang"},
    )
    return home.add_child(instance=CourseIndexPage(title="全部课程", slug="courses"))


def course_tree(
    *,
    title="测试课程",
    modules=2,
    lessons_per_module=2,
    sequential=False,
    kind="exam_prep",
    subject=None,
    credit_hours=Decimal(8),
) -> CoursePage:
    """A live course with ``modules`` modules of ``lessons_per_module`` lessons each."""
    index = site_tree()
    index.refresh_from_db()
    n = CoursePage.objects.count()
    course = index.add_child(
        instance=CoursePage(
            title=title,
            slug=f"course-{n}",
            kind=kind,
            subject=subject,
            sequential=sequential,
            credit_hours=credit_hours,
            summary="课程简介",
        )
    )
    for m in range(modules):
        course.refresh_from_db()
        module = course.add_child(instance=ModulePage(title=f"模块{m + 1}", slug=f"m{m + 1}"))
        for les in range(lessons_per_module):
            module.refresh_from_db()
            module.add_child(
                instance=LessonPage(
                    title=f"第{m + 1}.{les + 1}课",
                    slug=f"l{m + 1}-{les + 1}",
                    body=[{"type": "paragraph", "value": f"<p>课文 {m + 1}.{les + 1}</p>"}],
                )
            )
    return course


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def question(
    *,
    chapter,
    bank=None,
    type="single_choice",
    keys=(0,),
    options=4,
    knowledge_points=(),
    status="published",
    parts=(),
):
    """A question with ``options`` options of which those at ``keys`` are correct, frozen."""
    from quizzes.models import Question, QuestionBank, QuestionOption, QuestionPart
    from quizzes.services.questions import question_version_sync

    bank = bank or QuestionBank.objects.get_or_create(name="测试题库")[0]
    q = Question.objects.create(
        bank=bank,
        type=type,
        chapter=chapter,
        status=status,
        stem=f"<p>题干 {chapter.code}</p>",
        explanation="<p>解析</p>",
    )
    q.knowledge_points.set(knowledge_points)
    q.save()
    QuestionOption.objects.bulk_create(
        [
            QuestionOption(
                question=q,
                sort_order=i,
                text=f"选项{i}",
                is_correct=i in keys,
                explanation=f"选项{i}的解析",
            )
            for i in range(options)
        ]
    )
    QuestionPart.objects.bulk_create(
        [
            QuestionPart(
                question=q,
                sort_order=i,
                prompt=f"小题{i}",
                points=points,
                key_points="要点一\n要点二",
            )
            for i, points in enumerate(parts)
        ]
    )
    question_version_sync(question=q)
    q.refresh_from_db()
    return q
