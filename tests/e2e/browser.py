"""Steps the browser tests share."""

import re


def log_in(page, base, username="candidate"):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "qihang-demo")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/learning/$|/two-factor/verify/"))
    if "/two-factor/verify/" in page.url:  # the demo city admin: the authenticator's code
        page.fill("#id_code", demo_code())
        page.click("button[type=submit].primary")
        page.wait_for_url(re.compile(r"/learning/$"))


def demo_code() -> str:
    """What an authenticator app with the demo key shows now."""
    from django_otp.oath import totp

    from fixtures.loaders.two_factor import DEMO_TOTP_KEY

    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"


def choose_option(page, position, option_index):
    """Go to question ``position`` of the open attempt and tick its option ``option_index``."""
    page.click(f"#navigator .nav-item >> nth={position - 1}")
    page.click(f"#question .option >> nth={option_index}")


def saved_answers(attempt):
    """The answers the server holds for ``attempt``, by position."""
    return {r.position: r.answer for r in attempt.responses.all() if r.answer}


def start_mock_exam(page, base, subject_code, username="candidate"):
    """From the quiz list, start the mock exam of ``subject_code``; its attempt."""
    from quizzes.models import Attempt, Quiz

    quiz = Quiz.objects.get(kind="mock_exam", subject__code=subject_code)
    page.goto(f"{base}/quizzes/")
    page.click(f"button[data-quiz='{quiz.pk}']")
    page.wait_for_selector("#question .option")
    return Attempt.objects.get(user__username=username, quiz=quiz)
