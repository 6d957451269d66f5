"""Steps the browser tests share."""

import re


def log_in(page, base, username="candidate"):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "qihang-demo")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/learning/$"))
