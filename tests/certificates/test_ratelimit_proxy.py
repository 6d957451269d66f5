from django.test import override_settings

from certificates.services.issuance import certificate_issue_if_earned
from tests.certificates.conftest import complete_course


@override_settings(CERTIFICATE_VERIFY_RATE="2/m", RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP")
def test_behind_a_proxy_each_client_address_has_its_own_limit(client, learner, programme):
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    url = f"/certificates/verify/{certificate.code}/"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = [client.get(url, HTTP_X_REAL_IP="203.0.113.7", **proxy).status_code for _ in range(3)]
    other = client.get(url, HTTP_X_REAL_IP="203.0.113.8", **proxy).status_code
    assert first == [200, 200, 429] and other == 200


@override_settings(CERTIFICATE_VERIFY_RATE="2/m")
def test_the_verify_api_is_rate_limited_too(api, db):
    codes = [
        api.post(
            "/api/v1/certificates/verify/", {"x": 1}, format="json", REMOTE_ADDR="198.51.100.9"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]


@override_settings(CERTIFICATE_VERIFY_RATE="2/m")
def test_rate_limits_let_requests_through_while_the_cache_is_down(cache_down, client, db):
    codes = [client.get("/certificates/verify/unknown-code/").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 404]  # not limited (and not a server error)


@override_settings(CERTIFICATE_VERIFY_RATE="2/m", RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP")
def test_requests_without_the_proxys_header_or_any_address_are_still_answered(client, db):
    url = "/certificates/verify/unknown-code/"
    # Straight to the server (a health probe, an admin on the node): its own address counts.
    direct = [client.get(url, REMOTE_ADDR="10.0.0.9").status_code for _ in range(3)]
    assert direct == [404, 404, 429]
    # No address at all (a proxy on a unix socket): served, not counted per address.
    assert [client.get(url, REMOTE_ADDR="").status_code for _ in range(3)] == [404, 404, 404]
