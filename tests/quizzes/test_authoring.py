"""Question authoring in the Wagtail admin: own banks only, checked options, versions, preview."""

import pytest
from wagtail.test.utils.form_data import rich_text

from quizzes.models import Question, QuestionBank
from tests.factories import PASSWORD, ChapterFactory, UserFactory, question

pytestmark = pytest.mark.django_db


def _form(bank, chapter, *, options, status="published", stem="<p>新题干</p>"):
    data = {
        "bank": bank.pk,
        "type": "single_choice",
        "status": status,
        "chapter": chapter.pk,
        "difficulty": 3,
        "source": "original",
        "stem": rich_text(stem),
        "explanation": rich_text("<p>解析</p>"),
        "ref": "",
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": 0,
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
        "parts-TOTAL_FORMS": 0,
        "parts-INITIAL_FORMS": 0,
        "parts-MIN_NUM_FORMS": 0,
        "parts-MAX_NUM_FORMS": 1000,
    }
    for i, (text, correct) in enumerate(options):
        data.update(
            {
                f"options-{i}-text": text,
                f"options-{i}-explanation": "解析",
                f"options-{i}-ORDER": i + 1,
                f"options-{i}-DELETE": "",
            }
        )
        if correct:
            data[f"options-{i}-is_correct"] = "on"
    return data


@pytest.fixture
def setup(client):
    trainer = UserFactory(role="trainer")
    own = QuestionBank.objects.create(name="我的题库")
    own.authors.add(trainer)
    other = QuestionBank.objects.create(name="别人的题库")
    chapter = ChapterFactory()
    client.login(username=trainer.username, password=PASSWORD)
    return client, trainer, own, other, chapter


def test_trainer_creates_a_published_question_which_gets_version_one(setup):
    client, _trainer, own, _other, chapter = setup
    response = client.post(
        "/admin/snippets/quizzes/question/add/",
        _form(own, chapter, options=[("甲", True), ("乙", False), ("丙", False), ("丁", False)]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(bank=own)
    assert question.current_version.number == 1
    assert question.current_version.key == [question.options.first().pk]


def test_two_keys_on_a_single_choice_question_are_refused(setup):
    client, _trainer, own, _other, chapter = setup
    response = client.post(
        "/admin/snippets/quizzes/question/add/",
        _form(own, chapter, options=[("甲", True), ("乙", True), ("丙", False), ("丁", False)]),
    )
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_trainer_cannot_write_into_or_edit_another_bank(setup):
    client, _trainer, _own, other, chapter = setup
    client.post(
        "/admin/snippets/quizzes/question/add/",
        _form(other, chapter, options=[("甲", True), ("乙", False), ("丙", False), ("丁", False)]),
    )
    assert not Question.objects.filter(bank=other).exists()
    foreign = question(chapter=chapter, bank=other)
    assert client.get(f"/admin/snippets/quizzes/question/edit/{foreign.pk}/").status_code != 200
    listing = client.get("/admin/snippets/quizzes/question/").content.decode()
    assert f"/edit/{foreign.pk}/" not in listing


def test_preview_shows_the_question_as_candidates_see_it(setup):
    _client, _trainer, own, _other, chapter = setup
    q = question(chapter=chapter, bank=own)
    html = q.make_preview_request().content.decode()
    assert "题干" in html and "选项0" in html and "选项0的解析" in html
