# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retries, Retry-After, and what is never repeated."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ansible_collections.learnops.lms.plugins.module_utils import calls, edubrite
from ansible_collections.learnops.lms.plugins.module_utils import transport as transport_module
from ansible_collections.learnops.lms.plugins.module_utils.errors import TransportError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.transport import (
    GROW_AFTER,
    REGROW_AFTER,
    Transport,
    check_connection,
    plain_http,
    retry_after_seconds,
    url_password,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call, ScriptedSession

URL = "https://lms.example.com/x"


def test_429_is_retried_after_retry_after(script):
    transport = script(Call(URL, status=429, reply_headers={"Retry-After": "3"}), Call(URL, body="ok"))
    assert transport.post(URL, "test").body == b"ok"
    assert transport.sleeps == [3.0]


def test_503_is_retried_even_for_writes_with_backoff(script):
    transport = script(Call(URL, status=503), Call(URL, status=503), Call(URL, body="ok"))
    assert transport.post(URL, "test", safe_to_repeat=False).status == 200
    assert transport.sleeps == [0.5, 1.0]  # rng 0.5 * 0.5 * 2**n: exponential, with jitter


def test_502_and_read_timeout_are_repeated_only_when_safe(script):
    safe = script(
        Call(URL, status=502), Call(URL, raises=requests.exceptions.ReadTimeout("slow")), Call(URL, body="ok")
    )
    assert safe.post(URL, "read", safe_to_repeat=True).status == 200
    unsafe = script(Call(URL, status=502))
    assert unsafe.post(URL, "write").status == 502
    timeout = script(Call(URL, raises=requests.exceptions.ReadTimeout("slow")))
    with pytest.raises(TransportError, match="not repeated"):
        timeout.post(URL, "write")


def test_connect_failures_are_always_retried(script):
    transport = script(Call(URL, raises=requests.exceptions.ConnectTimeout("down")), Call(URL, body="ok"))
    assert transport.post(URL, "write").status == 200


def test_retries_are_bounded_by_count(script):
    transport = script(*[Call(URL, status=429)] * 3, retries=2)
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "iSpring ListUsers")
    assert "after 3 attempt(s)" in caught.value.message and "iSpring ListUsers" in caught.value.message


def test_retries_are_bounded_by_time(script):
    transport = script(Call(URL, status=429, reply_headers={"Retry-After": "600"}), retry_max_time=60)
    with pytest.raises(TransportError, match="retry_max_time"):
        transport.post(URL, "test")
    assert transport.sleeps == []


@pytest.mark.parametrize(
    "said, ca_path, words",
    [
        ("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)", None, "does not answer in TLS"),
        ("[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found", "/ca.pem", "ca_path /ca.pem holds no"),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "/ca.pem", "certificate is not trusted"),
    ],
)
def test_each_tls_failure_is_named_for_what_it_is(script, said, ca_path, words):
    """Issue 28: https:// to a plain-HTTP port and a ca_path without a certificate are not "not trusted"."""
    transport = script(Call(URL, raises=requests.exceptions.SSLError(said)), ca_path=ca_path)
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "test")
    assert words in caught.value.message


def test_tls_failure_says_what_to_do(script):
    transport = script(Call(URL, raises=requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED")))
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "test")
    assert "ca_path" in caught.value.message and "validate_certs" in caught.value.message


@pytest.mark.parametrize(
    "validate, ca_path, verify",
    [(True, None, True), (False, None, False), (True, "/ca.pem", "/ca.pem"), (False, "/ca.pem", False)],
)
def test_tls_settings_stay_in_the_session(monkeypatch, validate, ca_path, verify):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    session = ScriptedSession([Call(URL)])
    Transport(session=session, validate_certs=validate, ca_path=ca_path).post(URL, "test")
    assert session.sent[0]["verify"] == verify


def test_retry_after_forms():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_a_redirect_is_not_followed_and_says_where_to(script):
    transport = script(Call(URL, status=301, reply_headers={"Location": "https://lms.example.com/x"}))
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "iSpring token")
    assert caught.value.message == (
        "iSpring token: %s answered HTTP 301, a redirect to https://lms.example.com/x. Redirects are not followed "
        "(the credentials would go along): give the URL it points to (https://lms.example.com) instead." % URL
    )


def test_a_host_name_that_does_not_resolve_is_named_and_not_retried(script):
    dns = requests.exceptions.ConnectionError(socket.gaierror(-2, "Name or service not known"))
    transport = script(Call(URL, raises=dns))
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "test")
    assert caught.value.message.startswith("test: the host name of %s cannot be resolved (DNS)." % URL)
    assert "Name or service" not in caught.value.message


def test_a_refused_connection_says_so_not_throttling(script):
    refused = requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    transport = script(Call(URL, raises=refused), Call(URL, raises=refused), retries=1)
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "test")
    message = caught.value.message
    assert "the connection to lms.example.com was refused" in message and "after 2 attempt(s)" in message
    assert "throttling" not in message and "Errno" not in message


@pytest.mark.parametrize(
    "params, words",
    [
        (dict(api_url="lms.example.com"), "api_url 'lms.example.com' is not an http(s) URL"),
        (dict(site_url="ftp://lms.example.com"), "site_url 'ftp://lms.example.com' is not an http(s) URL"),
        (dict(api_url="https://u:secret@lms.example.com"), "api_url holds a user name or password"),
        (dict(timeout=0), "timeout must be greater than 0, not 0."),
        (dict(timeout=float("nan")), "timeout must be a finite number, not nan."),
        (dict(retry_max_time=float("inf")), "retry_max_time must be a finite number, not inf."),
        (dict(api_url="https://[::1/x"), "api_url 'https://[::1/x' is not a valid URL (Invalid IPv6 URL)"),
        (dict(api_url="https://u:secret@[::1/x"), "api_url 'https://[::1/x' is not a valid URL (Invalid IPv6 URL)"),
        (dict(api_url="https://lms.example.com:99999"), "api_url 'https://lms.example.com:99999' is not a valid URL"),
        (dict(retry_max_time=-1), "retry_max_time must be 0 or more, not -1."),
        (dict(ca_path="/no/such.pem", validate_certs=True), "ca_path: /no/such.pem is not a file"),
    ],
)
def test_connection_options_are_checked(params, words):
    with pytest.raises(ValidationError) as caught:
        check_connection(params)
    assert caught.value.message.startswith(words) and "secret" not in caught.value.message


def test_the_password_of_a_url_that_cannot_be_parsed_is_still_found_to_be_masked():
    assert url_password("https://u:secret@[::1/x") == "secret" and url_password("https://u:pw@lms.example.com") == "pw"
    assert url_password("https://[::1/x") is None and url_password(None) is None


def test_plain_http_to_another_host():
    assert plain_http("http://lms.example.com") and not plain_http("http://127.0.0.1:8780")
    assert not plain_http("https://lms.example.com") and not plain_http(None)


def test_throttling_halves_the_calls_in_flight_once_per_call_and_again_for_a_call_started_after(script):
    transport = script(Call(URL, status=429), Call(URL, status=503), Call(URL, body="ok"), max_parallel=8)
    assert transport.post(URL, "test").status == 200
    assert (transport.parallel, transport.throttled) == (4, 2)  # its retry belongs to the same burst
    transport.scripted.script += [Call(URL, status=429), Call(URL, body="ok")]
    assert transport.post(URL, "test").status == 200
    assert (transport.parallel, transport.throttled, transport.lowest) == (2, 3, 2)  # started under 4: a new burst


def test_calls_in_flight_when_the_first_429_came_halve_only_once(script):
    """Issue 28: three calls side by side, all refused - one halving (8 to 4), not three (8 to 1)."""
    side_by_side = threading.Barrier(3)
    refused = [Call(URL, status=429, reply_headers={"Retry-After": "1"}, barrier=side_by_side) for _call in range(3)]
    transport = script(*refused, *[Call(URL, body="ok") for _call in range(3)], max_parallel=8)
    transport.scripted.ordered = False
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda _n: transport.post(URL, "test"), range(3)))
    assert [reply.body for reply in replies] == [b"ok"] * 3
    assert (transport.parallel, transport.throttled, transport.sleeps) == (4, 3, [1.0] * 3)


def test_the_calls_in_flight_grow_back_after_replies_that_were_not_throttled(script):
    transport = script(
        Call(URL, status=429), *[Call(URL, body="ok") for _call in range(4 * GROW_AFTER)], max_parallel=5
    )
    levels = []  # the calls allowed in flight after each reply that went through
    for _call in range(4 * GROW_AFTER):
        transport.post(URL, "test")
        levels.append(transport.parallel)
    assert levels[0] == 2 and levels[GROW_AFTER - 2 : GROW_AFTER] == [2, 3]  # one more after GROW_AFTER in a row
    assert levels[2 * GROW_AFTER - 1] == 4 and levels[3 * GROW_AFTER - 1] == 5
    assert levels[-1] == 5 and transport.lowest == 2  # up to max_parallel, never beyond


def test_the_calls_in_flight_grow_back_quicker_to_a_level_held_before(script):
    ok = [Call(URL, body="ok") for _call in range(GROW_AFTER)]
    transport = script(Call(URL, status=429), *ok, Call(URL, status=429), *ok, max_parallel=8)
    for _call in range(GROW_AFTER):
        transport.post(URL, "test")
    assert transport.parallel == 5  # 4 held for GROW_AFTER replies: one more
    levels = []
    for _call in range(GROW_AFTER):
        transport.post(URL, "test")  # 5 is refused: 2
        levels.append(transport.parallel)
    assert levels[REGROW_AFTER - 1] == 3 and levels[2 * REGROW_AFTER - 1] == 4  # back to 4 quickly
    assert levels[-1] == 4  # beyond it, slowly


def test_a_429_resets_the_count_of_replies_towards_growing_back(script):
    ok = [Call(URL, body="ok") for _call in range(GROW_AFTER - 1)]
    transport = script(Call(URL, status=429), *ok, Call(URL, status=429), *ok, Call(URL, body="ok"), max_parallel=8)
    for _call in range(2 * GROW_AFTER - 2):
        transport.post(URL, "test")
    assert transport.parallel == 2  # halved twice (two calls, two bursts), never grown
    transport.post(URL, "test")
    assert transport.parallel == 3


def test_calls_still_refused_as_too_many_say_to_lower_max_parallel(script):
    transport = script(*[Call(URL, status=429)] * 3, retries=2, max_parallel=6)
    with pytest.raises(TransportError) as caught:
        transport.post(URL, "EduBrite updateProgramMember")
    message = caught.value.message
    assert message.startswith("EduBrite updateProgramMember: HTTP 429 from %s, after 3 attempt(s)" % URL), message
    assert "lower max_parallel (6 in effect; this task was down to 3 call(s) in flight)" in message, message
    unavailable = script(*[Call(URL, status=503)] * 2, retries=1, max_parallel=6)
    with pytest.raises(TransportError) as caught:
        unavailable.post(URL, "test")
    assert "max_parallel" not in caught.value.message and "raise retries" in caught.value.message


@pytest.mark.parametrize("max_parallel, fan_out, kept", [(1, 1, 10), (8, 1, 10), (16, 1, 16), (8, 4, 32)])
def test_the_connections_kept_open_are_the_calls_that_can_be_in_flight(max_parallel, fan_out, kept):
    transport = Transport(max_parallel=max_parallel, fan_out=fan_out)
    assert {transport.session.get_adapter(url)._pool_maxsize for url in ("https://a", "http://a")} == {kept}


def test_an_edubrite_client_keeps_a_connection_for_each_lookup_in_flight():
    params = dict(
        site_url="https://lms.example.com",
        api_username="api",
        api_password="secret",
        run_as=None,
        timeout=30,
        validate_certs=True,
        ca_path=None,
        retries=5,
        retry_max_time=120,
        max_parallel=8,
    )
    client = edubrite.client_from(type("Module", (), {"params": params, "no_log_values": set()})())
    assert client.lookup_workers == edubrite.LOOKUP_WORKERS * 8
    assert client.transport.session.get_adapter("https://lms.example.com")._pool_maxsize == client.lookup_workers


def test_the_environment_gives_proxies_and_a_ca_bundle_read_once_per_host(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example.com")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/corporate-ca.pem")
    inside = "https://internal.example.com/x"
    session = ScriptedSession([Call(URL), Call(inside), Call(URL)])
    transport = Transport(session=session)
    transport.post(URL, "test")
    transport.post(inside, "test")
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example.com:3128")  # read once: not seen
    transport.post(URL, "test")
    assert [sent["proxies"].get("https") for sent in session.sent] == [
        "http://proxy.example.com:3128",
        None,
        "http://proxy.example.com:3128",
    ]
    assert [sent["verify"] for sent in session.sent] == ["/etc/corporate-ca.pem"] * 3
    # ca_path and validate_certs: false win over the environment's bundle
    for options, verify in ((dict(ca_path="/ca.pem"), "/ca.pem"), (dict(validate_certs=False), False)):
        session = ScriptedSession([Call(URL)])
        Transport(session=session, **options).post(URL, "test")
        assert session.sent[0]["verify"] == verify


def test_the_session_does_not_read_the_environment_on_every_call_nor_netrc():
    assert transport_module.new_session().trust_env is False


def test_a_call_waiting_out_a_refusal_gives_its_place_to_another_and_gets_one_back(script):
    """Issue 28: a refused call asleep for its Retry-After held its place among the calls in flight;
    throttled down to one place, nothing was sent meanwhile.  Now another call runs in that second."""
    transport = script(Call(URL, status=429, reply_headers={"Retry-After": "1"}), Call(URL, body="ok"), max_parallel=2)
    transport.parallel = 1  # throttled down to one call in flight
    places = calls._Places(transport)
    assert places.start()  # the call about to be refused has the one place
    other = threading.Thread(target=lambda: ran.append(places.start() and places.release() is None))
    ran, waits = [], []

    def sleep(seconds):  # while the refused call waits, the other call gets the place, and leaves it
        other.start()
        other.join(timeout=5)
        waits.append((seconds, ran == [True]))

    transport._sleep = sleep
    transport_module.while_waiting((places.release, places.regain))
    try:
        assert transport.post(URL, "test").body == b"ok"
    finally:
        transport_module.while_waiting(None)
    assert waits == [(1.0, True)] and places.flight == 1  # back in its place after the wait


def test_in_parallel_finishes_every_call_when_refused_calls_wait_outside_their_places(script):
    """Six calls, two places, three refusals on the way: every call is answered, none is stuck."""
    refused = [Call(URL, status=429, reply_headers={"Retry-After": "0"}) for _call in range(3)]
    transport = script(*refused, *[Call(URL, body="ok") for _call in range(6)], max_parallel=2)
    transport.scripted.ordered = False
    outcomes, error = calls.in_parallel([lambda: transport.post(URL, "test").body] * 6, transport)
    assert error is None and outcomes == [b"ok"] * 6
