"""A city's candidates sitting one mock exam, as their browsers do it.

Each simulated candidate signs in through the login form, waits a little, starts the junior
Comprehensive Ability mock exam, opens the exam page, saves ``LOAD_SAVES`` answers at a compressed
human pace (some of them changes of an earlier answer), submits, and opens the result. Saves go
out like ``quizzes/static/quizzes/attempt.js`` sends them: one PUT per change with a growing
sequence number, kept and sent again until the server acknowledges it.

Every save sent and every acknowledgement received goes into a ledger written to ``LOAD_LEDGER``
when the run stops; ``tests/load/audit.py`` compares it with the database. Settings come from
the environment (``tests/load/run.py`` sets them): LOAD_USERS_FILE, LOAD_LEDGER, LOAD_SAVES,
LOAD_PACE_MIN, LOAD_PACE_MAX, LOAD_START_SPREAD, LOAD_RETRY_SECONDS.
"""

import json
import os
import random
import re
import time

import gevent
from locust import HttpUser, events, task
from locust.exception import StopUser

SETTINGS = {
    "saves": int(os.environ.get("LOAD_SAVES", 80)),
    "pace": (
        float(os.environ.get("LOAD_PACE_MIN", 0.5)),
        float(os.environ.get("LOAD_PACE_MAX", 2.5)),
    ),
    "start_spread": float(os.environ.get("LOAD_START_SPREAD", 20)),
    "retry_seconds": float(os.environ.get("LOAD_RETRY_SECONDS", 180)),
}
PEOPLE = json.loads(open(os.environ["LOAD_USERS_FILE"], encoding="utf-8").read())  # noqa: SIM115
QUEUE = list(PEOPLE["usernames"])
LEDGER = {"candidates": [], "failures": [], "saves": [], "started": time.time()}
DATA = re.compile(r'<script id="attempt-data" type="application/json">(.*?)</script>', re.S)
RETRYABLE = {0, 429, 500, 502, 503, 504}  # no answer, overloaded or down: try again


class Candidate(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        if not QUEUE:
            raise StopUser
        self.record = {
            "username": QUEUE.pop(0),
            "attempt": None,
            "sent": {},  # position -> {seq: answer}
            "acked": {},  # position -> the highest acknowledged seq
            "submitted": False,
            "retries": 0,
        }
        LEDGER["candidates"].append(self.record)
        self.seq = 0

    # --- HTTP with the browser's retry rules -----------------------------------------------
    def _csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def _fail(self, name, message):
        LEDGER["failures"].append([time.time(), name, message])

    def _send(self, method, url, name, ok=(200,), retry=True, **kwargs):
        """Send until the server answers with one of ``ok`` (or a final refusal); the response."""
        give_up = time.time() + SETTINGS["retry_seconds"]
        backoff = 0.5
        while True:
            headers = {"X-CSRFToken": self._csrf(), "Accept": "application/json"}
            headers.update(kwargs.pop("headers", {}))
            with self.client.request(
                method, url, name=name, headers=headers, catch_response=True, **kwargs
            ) as response:
                if response.status_code in ok:
                    response.success()
                    return response
                message = f"HTTP {response.status_code}"
                if response.error is not None and not response.status_code:
                    message = type(response.error).__name__
                response.failure(message)
                self._fail(name, message)
            if not retry or response.status_code not in RETRYABLE or time.time() > give_up:
                return response
            self.record["retries"] += 1
            gevent.sleep(backoff + random.random() * backoff)
            backoff = min(backoff * 2, 5)

    # --- the candidate --------------------------------------------------------------------------
    @task
    def sit_mock_exam(self):
        self._sign_in()
        gevent.sleep(random.uniform(0, SETTINGS["start_spread"]))
        questions = self._start()
        if questions is None:
            raise StopUser
        for position, answer in self._plan(questions):
            gevent.sleep(random.uniform(*SETTINGS["pace"]))
            if not self._save(position, answer):
                break
        response = self._send(
            "POST", f"/api/v1/attempts/{self.record['attempt']}/submit/", "submit"
        )
        self.record["submitted"] = response.status_code == 200
        self._send("GET", f"/attempts/{self.record['attempt']}/", "result page")
        raise StopUser

    def _sign_in(self):
        self._send("GET", "/accounts/login/", "login page")
        self._send(
            "POST",
            "/accounts/login/",
            "login",
            ok=(200, 302),
            allow_redirects=False,
            data={
                "username": self.record["username"],
                "password": PEOPLE["password"],
                "csrfmiddlewaretoken": self._csrf(),
            },
        )

    def _start(self):
        started = self._send(
            "POST",
            f"/quizzes/{PEOPLE['quiz_id']}/start/",
            "start mock exam",
            ok=(302,),
            allow_redirects=False,
            data={"csrfmiddlewaretoken": self._csrf()},
        )
        match = re.search(r"/attempts/(\d+)/", started.headers.get("Location", ""))
        if not match:
            return None
        self.record["attempt"] = int(match.group(1))
        page = self._send("GET", f"/attempts/{self.record['attempt']}/", "exam page")
        found = DATA.search(page.text or "")
        return json.loads(found.group(1))["questions"] if found else None

    def _plan(self, questions):
        """``saves`` answers: each question once in order, then changes of earlier ones."""
        choice = [q for q in questions if q["options"]]
        changes = max(0, SETTINGS["saves"] - len(choice))
        first = choice[: SETTINGS["saves"] - changes] if changes else choice[: SETTINGS["saves"]]
        plan = [(q["position"], _pick(q)) for q in first]
        plan += [(q["position"], _pick(q)) for q in random.sample(first, min(changes, len(first)))]
        return plan

    def _save(self, position, answer):
        self.seq += 1
        seq = self.seq
        self.record["sent"].setdefault(str(position), {})[str(seq)] = answer
        response = self._send(
            "PUT",
            f"/api/v1/attempts/{self.record['attempt']}/responses/{position}/",
            "answer save",
            json={"answer": answer, "seq": seq, "flagged": False},
        )
        if response.status_code != 200:
            return response.status_code not in (409,)  # 409: the attempt is closed
        acked = self.record["acked"]
        acked[str(position)] = max(acked.get(str(position), 0), seq)
        return True


def _pick(question):
    ids = [option["id"] for option in question["options"]]
    if question["type"] == "multiple_choice":
        return sorted(random.sample(ids, 2))
    return [random.choice(ids)]


@events.request.add_listener
def _time_saves(request_type, name, response_time, exception, **_kwargs):
    """Each answer save's moment and time taken: the report shows how they change over the run."""
    if name == "answer save" and exception is None:
        LEDGER["saves"].append([round(time.time(), 2), round(response_time, 1)])


@events.init.add_listener
def _quit_when_everyone_finished(environment, **_kwargs):
    def watch():
        while True:
            gevent.sleep(1)
            runner = environment.runner
            if runner is None or not LEDGER["candidates"]:
                continue
            if runner.user_count == 0 and not QUEUE:
                runner.quit()
                return

    gevent.spawn(watch)


@events.quitting.add_listener
def _write_ledger(environment, **_kwargs):
    stats = {}
    for entry in [*environment.stats.entries.values(), environment.stats.total]:
        stats[entry.name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "rps": round(entry.total_rps, 1),
        }
    LEDGER["stats"] = stats
    LEDGER["finished"] = time.time()
    with open(os.environ["LOAD_LEDGER"], "w", encoding="utf-8") as out:
        json.dump(LEDGER, out)
