"""Page tree rules and authoring rights in the Wagtail admin."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage, ModulePage
from courses.services import course_author_grant
from tests.factories import PASSWORD, UserFactory, course_tree, lessons_of, site_tree


class TestTreeRules(WagtailPageTestCase):
    def test_allowed_children(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})

    def test_nonsense_trees_are_refused(self):
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)


class TestAuthoring(WagtailPageTestCase):
    def setUp(self):
        self.index = site_tree()
        self.course = course_tree()
        self.module = ModulePage.objects.child_of(self.course).first()
        self.admin = UserFactory(role="city_admin")
        self.trainer = UserFactory(role="trainer")
        course_author_grant(course=self.course, user=self.trainer)

    def lesson_data(self, title):
        return nested_form_data(
            {
                "title": title,
                "slug": "new-lesson",
                "minutes": 20,
                "body": streamfield([("paragraph", rich_text("<p>接案阶段要建立专业关系。</p>"))]),
            }
        )

    def test_city_admin_can_create_courses_and_lessons(self):
        self.client.login(username=self.admin.username, password=PASSWORD)
        self.assertCanCreate(
            self.index,
            CoursePage,
            nested_form_data(
                {
                    "title": "新课程",
                    "slug": "new-course",
                    "kind": "exam_prep",
                    "credit_hours": "8",
                }
            ),
        )
        self.assertCanCreate(self.module, LessonPage, self.lesson_data("新的一课"))

    def test_trainer_authors_own_course(self):
        self.client.login(username=self.trainer.username, password=PASSWORD)
        self.assertCanCreate(self.module, LessonPage, self.lesson_data("培训师的新课"))

    def test_trainer_cannot_touch_another_course(self):
        other = course_tree(title="别人的课程")
        other_module = ModulePage.objects.child_of(other).first()
        self.client.login(username=self.trainer.username, password=PASSWORD)
        add_url = f"/admin/pages/add/courses/lessonpage/{other_module.pk}/"
        self.assertEqual(self.client.get(add_url).status_code, 302)  # bounced by permission
        lesson = lessons_of(other)[0]
        response = self.client.post(f"/admin/pages/{lesson.pk}/edit/", self.lesson_data("改"))
        self.assertIn(response.status_code, (302, 403))
        lesson.refresh_from_db()
        self.assertNotEqual(lesson.title, "改")

    def test_trainer_can_publish_an_edit(self):
        lesson = lessons_of(self.course)[0]
        self.client.login(username=self.trainer.username, password=PASSWORD)
        data = self.lesson_data("修订后的课文")
        data.update({"slug": lesson.slug, "action-publish": "publish"})
        response = self.client.post(f"/admin/pages/{lesson.pk}/edit/", data)
        self.assertEqual(response.status_code, 302)
        lesson.refresh_from_db()
        self.assertEqual(lesson.title, "修订后的课文")
        self.assertTrue(lesson.live)


@pytest.mark.django_db
def test_lesson_preview_renders_without_enrolment(client, course):
    admin = UserFactory(role="city_admin")
    client.login(username=admin.username, password=PASSWORD)
    lesson = lessons_of(course)[0]
    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/")
    assert response.status_code == 200
    assert "课文 1.1" in response.content.decode()
