"""Error reports: sent only with a DSN, tagged with the request id, without personal data.

A small HTTP server on 127.0.0.1 stands in for Sentry and records what the SDK sends."""

import gzip
import http.server
import threading
import zlib

import pytest
import sentry_sdk

from lms.error_reporting import error_reporting_init, error_reporting_shutdown
from tests.factories import UserFactory


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.received.append((self.path, body.decode("utf-8", "replace")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def reporting(sentry_server):
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_port}/1"
    assert error_reporting_init(dsn=dsn, environment="test", release="qihang@test")
    assert not sentry_sdk.get_client().should_send_default_pii()
    yield sentry_server
    error_reporting_shutdown()
    assert not sentry_sdk.get_client().is_active()


def test_without_a_dsn_nothing_is_initialised():
    assert error_reporting_init(dsn="") is False
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.django_db
@pytest.mark.urls("tests.lms.error_urls")
def test_a_failing_request_is_reported_with_its_request_id_and_no_personal_data(client, reporting):
    user = UserFactory(real_name="王小明", phone="13912345678", email="wang.xm@example.com")
    client.force_login(user)
    client.raise_request_exception = False
    response = client.get(
        "/test-failure/?phone=13912345678", HTTP_X_REQUEST_ID="req-sentry-0123456789"
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)

    envelopes = [body for path, body in reporting.received if path.endswith("/envelope/")]
    events = [body for body in envelopes if "ReportedFailure" in body]
    assert events, reporting.received
    [event] = events
    assert '"request_id":"req-sentry-0123456789"' in event.replace(" ", "")
    assert '"environment":"test"' in event.replace(" ", "")
    for personal in ("13912345678", "王小明", "wang.xm@example.com", user.username):
        assert personal not in event
    assert "\\u738b" not in event  # nor the name escaped


@pytest.mark.django_db
def test_reporting_stops_cleanly(sentry_server):
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_port}/1"
    error_reporting_init(dsn=dsn)
    error_reporting_shutdown()
    sentry_sdk.capture_message("after shutdown")
    sentry_sdk.flush(timeout=1)
    assert not any("after shutdown" in body for _path, body in sentry_server.received)
