# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant checks' shared parts: the read-only transport, the masking of saved replies."""

from __future__ import annotations

import json

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import tenant_check
from ansible_collections.learnops.lms.plugins.module_utils.errors import TransportError
from ansible_collections.learnops.lms.plugins.module_utils.tenant_check import (
    MASKED,
    Exchange,
    Masker,
    RecordingTransport,
    exchange_text,
)
from ansible_collections.learnops.lms.plugins.module_utils.transport import Reply
from ansible_collections.learnops.lms.tests.unit.scripted import Call, ScriptedSession

URL = "https://lms.example.com/api"


def transport(*calls, reads=("read",)):
    recording = RecordingTransport(session=ScriptedSession(calls), sleep=lambda s: None, rng=lambda: 0.5, retries=1)
    recording.reads = frozenset(reads)
    return recording


def test_the_transport_records_the_declared_reads_and_sends_nothing_else():
    failing = [Call(URL, method="GET", status=503)] * 2
    sent = transport(Call(URL, body="<ok/>"), *failing)
    sent.post(URL, "read", data=[("a", "b")], headers={"X": "1"})
    with pytest.raises(RuntimeError, match="write is not one of the reads this check may send; not sent"):
        sent.post(URL, "write", data="updateCourseStatus")
    with pytest.raises(TransportError):
        sent.request("GET", URL, "read", params=[("q", "1")])
    first, failed = sent.exchanges
    assert (first.method, first.status, first.reply.body, first.data) == ("POST", 200, b"<ok/>", [("a", "b")])
    assert failed.reply is None and "HTTP 503" in failed.error and failed.params == [("q", "1")]
    assert len(sent.session.sent) == 3  # the write never reached the session
    assert sent.last is failed and failed.line() == "GET %s (read): no reply" % URL


def test_personal_values_get_stable_placeholders_by_kind_wherever_they_are_written():
    masker = Masker()
    masker.learn(
        b'<r xmlns:n="x"><n:userName><![CDATA[jdoe]]></n:userName><member openId="oid-jdoe" userName="kwong"/>'
        b"<field><name>FIRST_NAME</name><value>John</value></field><field><name>PHONE_WORK</name>"
        b"<value>+49 30 1234</value></field><email>j.doe@example.com</email><progress>12</progress></r>"
    )
    masker.learn('{"userProfiles": [{"fields": {"login": "asmith", "department": "Sales"}, "status": 1}]}')
    text = masker.mask(
        "jdoe kwong oid-jdoe John +49 30 1234 j.doe@example.com asmith Sales jdoe2 xjdoe "
        "logins%5B%5D=j.doe%40example.com other@example.org 12"
    )
    assert text == (
        "username-1 username-2 openid-1 name-1 field-1 email-1@masked.invalid login-1 field-2 jdoe2 xjdoe "
        "logins%5B%5D=email-1@masked.invalid email-2@masked.invalid 12"
    )
    assert masker.person("username", "jdoe") == "username-1"  # the same value, the same placeholder
    assert masker.person("login", "x") == "x" and masker.person("login", "true") == "true"


def test_a_rest_users_fields_as_name_value_pairs_are_personal_in_every_form_of_contract_3_2():
    masker = Masker()
    pairs = [{"name": "LOGIN", "value": "kwong"}, {"name": "FIRST_NAME", "value": "Kim"}, {"name": "X", "value": "7b"}]
    masker.learn('{"userProfiles": [{"userId": "u1", "fields": %s}]}' % json.dumps(pairs))
    masker.learn('{"userProfiles": [{"userId": "u2", "fields": {"field": [{"name": "LOGIN", "value": "ltan"}]}}]}')
    assert masker.mask("kwong Kim 7b ltan u1 LOGIN") == "login-1 name-1 field-1 login-2 u1 LOGIN"


def test_a_placeholder_is_never_replaced_again():
    masker = Masker()
    masker.person("login", "login")  # a login that is the placeholder's own word
    masker.person("login", "login-1")
    assert masker.mask("login login-1") == "login-1 login-2"


def test_secrets_are_masked_by_value_and_by_place():
    masker = Masker()
    masker.secret("s3cr3t")
    text = masker.mask(
        '<ns:token>unknown-token</ns:token> {"access_token": "abc", "x": "s3cr3t"}\n'
        "xml=true&username=u&password=p%40ss&next=1 cookie=s3cr3t"
    )
    assert text == (
        '<ns:token>%s</ns:token> {"access_token": "%s", "x": "%s"}\nxml=true&username=u&password=%s&next=1 cookie=%s'
        % ((MASKED,) * 5)
    )


def test_an_exchange_is_saved_without_the_token_request_body_and_with_cookies_masked():
    reply = Reply(200, {"Content-Type": "text/xml", "Server": "x"}, b"<r/>", {"SESSION_INFO": "info-1"})
    exchange = Exchange(
        "POST",
        URL,
        "iSpring token",
        [("a", "1")],
        [("client_secret", "csecret")],
        {"Cookie": "SESSION_ID=sid; SESSION_INFO=info", "Authorization": "Bearer tok", "Accept": "x"},
        reply,
    )
    text = exchange_text(exchange, 1, 2, secret_body=True)
    assert text.splitlines() == [
        "# learnops.lms tenant check: request 1 of 2, iSpring token",
        "POST %s?a=1" % URL,
        "Cookie: SESSION_ID=<masked>; SESSION_INFO=<masked>",
        "Authorization: Bearer <masked>",
        "Accept: x",
        "",
        tenant_check.NOT_SAVED_BODY,
        "",
        "HTTP 200",
        "Content-Type: text/xml",
        "Set-Cookie: SESSION_INFO=<masked>",
        "",
        "<r/>",
    ]
    assert "client_secret=csecret" in exchange_text(exchange, 1, 2, secret_body=False)
