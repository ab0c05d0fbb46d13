# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iSpring SOAP layer against scripted requests and replies."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from ansible_collections.learnops.lms.plugins.module_utils import ispring, ispring_soap
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    AuthenticationError,
    ReplyError,
    ValidationError,
)
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    ENROLLMENT,
    SOAP,
    TOKEN,
    fault,
    fixture,
    reply,
    request,
    soap_call,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call


def shape(xml):
    """(local name, text) of every element in document order: what the contract calls the same
    elements, order and values, whatever the prefixes."""
    root = etree.fromstring(xml)
    return [(etree.QName(e).localname, (e.text or "").strip()) for e in root.iter()]


def test_seed_sample_request_and_response(script):
    seed_request = fixture("seed_update_course_status_request.xml")
    expected = request(
        "updateCourseStatus",
        "<enrollmentIds><id>%s</id></enrollmentIds><courseId>%s</courseId>"
        "<date>2020-07-22</date><reason>Completed offline</reason><status>complete</status>" % (ENROLLMENT, COURSE),
    )
    assert shape(expected.encode()) == shape(seed_request)
    transport = script(Call(SOAP, data=expected, body=fixture("seed_update_course_status_response.xml")))
    client = ispring_soap.SoapClient(transport, API, token=TOKEN)
    assert client.update_course_status(COURSE, [ENROLLMENT], "complete", "2020-07-22", "Completed offline") == "100027"


def test_automatic_leaves_out_date_and_reason(script):
    transport = script(
        soap_call(
            "updateCourseStatus",
            "<enrollmentIds><id>a</id><id>b</id></enrollmentIds><courseId>c</courseId><status>automatic</status>",
            reply("updateCourseStatus", "<ns1:taskId>7</ns1:taskId>"),
        )
    )
    assert (
        ispring_soap.SoapClient(transport, API, token=TOKEN).update_course_status("c", ["a", "b"], "automatic") == "7"
    )


def test_soap_url_override(script):
    transport = script(Call("https://soap.example.com/x", body=reply("getTaskStatus", "<status>Complete</status>")))
    client = ispring_soap.SoapClient(transport, API, soap_url="https://soap.example.com/x", token=TOKEN)
    assert client.task_status("1") == "complete"


def test_client_credentials_token_then_call(script):
    secrets = []
    transport = script(
        Call(
            API + "/api/v3/token",
            headers={"Accept": "application/json"},
            data=[("client_id", "cid"), ("client_secret", "csecret"), ("grant_type", "client_credentials")],
            body=json.dumps({"access_token": "fresh", "expires_in": 1800, "token_type": "bearer"}),
        ),
        soap_call(
            "getTaskStatus", "<taskId>5</taskId>", reply("getTaskStatus", "<status>in progress</status>"), token="fresh"
        ),
    )
    client = ispring_soap.SoapClient(transport, API, client_id="cid", client_secret="csecret", on_secret=secrets.append)
    assert client.task_status("5") == "in progress"
    assert secrets == ["fresh"]


def test_expired_token_is_renewed_once(script):
    token_reply = json.dumps({"access_token": "second", "expires_in": 1800, "token_type": "bearer"})
    transport = script(
        soap_call("getTaskStatus", "<taskId>5</taskId>", fault("Authorization failed"), status=500, token="first"),
        Call(API + "/api/v3/token", body=token_reply),
        soap_call(
            "getTaskStatus", "<taskId>5</taskId>", reply("getTaskStatus", "<status>complete</status>"), token="second"
        ),
    )
    client = ispring_soap.SoapClient(transport, API, token="first", client_id="cid", client_secret="s")
    assert client.task_status("5") == "complete"


def test_expired_bare_token_fails_clearly(script):
    transport = script(soap_call("getTaskStatus", "<taskId>5</taskId>", fault("Authorization failed"), status=500))
    with pytest.raises(ApiError) as caught:
        ispring_soap.SoapClient(transport, API, token=TOKEN).task_status("5")
    assert caught.value.code == "Authorization failed"
    assert "client_id" in caught.value.message
    assert TOKEN not in caught.value.message


def test_bad_client_credentials(script):
    transport = script(Call(API + "/api/v3/token", status=401, body='{"code": 401, "message": "invalid client"}'))
    with pytest.raises(AuthenticationError) as caught:
        ispring_soap.SoapClient(transport, API, client_id="cid", client_secret="wrong").fetch_token()
    assert "cid" in caught.value.message and "wrong" not in caught.value.message


@pytest.mark.parametrize(
    "text", ["Unknown content item", "Permission denied", "Unknown Enrollment", "Wrong parameters"]
)
def test_documented_faults_carry_their_string(script, text):
    transport = script(
        soap_call(
            "updateCourseStatus",
            "<enrollmentIds><id>e</id></enrollmentIds><courseId>c</courseId><status>automatic</status>",
            fault(text),
            status=500,
        )
    )
    with pytest.raises(ApiError) as caught:
        ispring_soap.SoapClient(transport, API, token=TOKEN).update_course_status("c", ["e"], "automatic")
    assert caught.value.code == text


def test_paging_follows_next_page_token(script):
    page1 = reply(
        "ListLearnersResults",
        "<ns1:results><ns1:learnerResult><ns1:enrollmentId>e1</ns1:enrollmentId>"
        "<ns1:completionStatus>Passed</ns1:completionStatus><ns1:progress>100</ns1:progress>"
        "<ns1:completionDate>2020-07-22T10:00:00Z</ns1:completionDate></ns1:learnerResult></ns1:results>"
        "<ns1:nextPageToken>p2</ns1:nextPageToken>",
    )
    page2 = reply(
        "ListLearnersResults",
        "<ns1:nextPageToken></ns1:nextPageToken><ns1:results><ns1:learnerResult>"
        "<ns1:progress>40</ns1:progress><ns1:enrollmentId>e2</ns1:enrollmentId>"
        "<ns1:completionStatus>in_progress</ns1:completionStatus><ns1:extra>x</ns1:extra>"
        "</ns1:learnerResult></ns1:results>",
    )
    filters = "<courseIds><id>c</id></courseIds><pageSize>1000</pageSize>"
    transport = script(
        soap_call("ListLearnersResults", filters, page1),
        soap_call("ListLearnersResults", filters + "<pageToken>p2</pageToken>", page2),
    )
    results = ispring_soap.SoapClient(transport, API, token=TOKEN).list_learners_results(["c"])
    assert [(r.enrollment_id, r.status, r.progress, r.completion_date) for r in results] == [
        ("e1", "passed", 100, "2020-07-22T10:00:00Z"),
        ("e2", "in_progress", 40, None),
    ]


def test_users_fields_are_read_by_name(script):
    body = reply(
        "ListUsers",
        "<ns1:users><ns1:userProfile><ns1:userId>u1</ns1:userId><ns1:fields>"
        "<ns1:field><ns1:name>EMAIL</ns1:name><ns1:value>j@example.com</ns1:value></ns1:field>"
        "<ns1:field><ns1:value>jdoe</ns1:value><ns1:name>LOGIN</ns1:name></ns1:field>"
        "</ns1:fields></ns1:userProfile></ns1:users>",
    )
    transport = script(soap_call("ListUsers", "<logins><login>jdoe</login></logins><pageSize>1000</pageSize>", body))
    users = ispring_soap.SoapClient(transport, API, token=TOKEN).list_users(["jdoe"])
    assert users == [
        ispring.UserProfile(
            user_id="u1", role=None, department_id=None, status=None, login="jdoe", email="j@example.com"
        )
    ]


def test_repeated_page_token_stops(script):
    page = reply("ListUsers", "<ns1:users/><ns1:nextPageToken>same</ns1:nextPageToken>")
    filters = "<logins><login>jdoe</login></logins><pageSize>1000</pageSize>"
    transport = script(
        soap_call("ListUsers", filters, page), soap_call("ListUsers", filters + "<pageToken>same</pageToken>", page)
    )
    with pytest.raises(ReplyError, match="twice"):
        ispring_soap.SoapClient(transport, API, token=TOKEN).list_users(["jdoe"])


@pytest.mark.parametrize(
    "body, status, words",
    [
        ("<html><body><h1>Internal error</h1></body></html>", 500, "HTTP 500"),
        ("<SOAP-ENV:Envelope xmlns:SOAP-ENV='x'><SOAP-ENV:Body><ns1:taskId", 200, "not well-formed"),
        ("<response code='0'/>", 200, "not a SOAP envelope"),
        ("", 200, "empty reply"),
    ],
)
def test_unexpected_replies_give_status_and_excerpt(script, body, status, words):
    transport = script(soap_call("getTaskStatus", "<taskId>1</taskId>", body, status=status))
    with pytest.raises(ReplyError) as caught:
        ispring_soap.SoapClient(transport, API, token=TOKEN).task_status("1")
    assert words in caught.value.message
    assert TOKEN not in caught.value.message


def test_wait_for_tasks_polls_until_done(script):
    transport = script(
        soap_call("getTaskStatus", "<taskId>1</taskId>", reply("getTaskStatus", "<status>in progress</status>")),
        soap_call("getTaskStatus", "<taskId>2</taskId>", reply("getTaskStatus", "<status>failed</status>")),
        soap_call("getTaskStatus", "<taskId>1</taskId>", reply("getTaskStatus", "<status>complete</status>")),
    )
    sleeps = []
    statuses = ispring_soap.SoapClient(transport, API, token=TOKEN).wait_for_tasks(
        ["1", "2"], timeout=60, sleep=sleeps.append, clock=lambda: 0.0
    )
    assert statuses == {"1": "complete", "2": "failed"}
    assert len(sleeps) == 1


# --- contract revision 2: the forms a real tenant may answer in ---


def test_requests_use_the_http_namespace_by_default_and_the_option_changes_it(script):
    default = script(
        soap_call("getTaskStatus", "<taskId>1</taskId>", reply("getTaskStatus", "<status>complete</status>"))
    )
    assert ispring_soap.SoapClient(default, API, token=TOKEN).task_status("1") == "complete"
    assert b'xmlns="http://ispringlearn.com/go/services/api/soap"' in default.scripted.sent[0]["data"]
    https = "https://ispringlearn.com/go/services/api/soap"
    other = script(Call(SOAP, body=reply("getTaskStatus", "<status>complete</status>")))
    ispring_soap.SoapClient(other, API, token=TOKEN, namespace=https).task_status("1")
    sent = other.scripted.sent[0]["data"].decode()
    assert 'xmlns="%s"><SOAP-ENV:Body><getTaskStatusRequest>' % https in sent


@pytest.mark.parametrize(
    "namespace",
    ["https://ispringlearn.com/go/services/api/soap", "http://ispringlearn.com/go/services/api/soap", "urn:other"],
)
def test_replies_are_read_in_any_namespace(script, namespace):
    body = reply("getTaskStatus", "<ns1:status>complete</ns1:status>").replace(
        'xmlns:ns1="https://ispringlearn.com/go/services/api/soap"', 'xmlns:ns1="%s"' % namespace
    )
    transport = script(Call(SOAP, body=body))
    assert ispring_soap.SoapClient(transport, API, token=TOKEN).task_status("1") == "complete"


def test_the_result_is_the_first_element_of_the_body_whatever_its_name(script):
    body = reply("getTaskStatus", "<ns1:status>complete</ns1:status>").replace("getTaskStatusResult", "successResult")
    transport = script(Call(SOAP, body=body))
    assert ispring_soap.SoapClient(transport, API, token=TOKEN).task_status("1") == "complete"


RESULT_ITEM = "<ns1:enrollmentId>e1</ns1:enrollmentId><ns1:completionStatus>complete</ns1:completionStatus>"
USER_ITEM = "<ns1:userId>u1</ns1:userId>"


@pytest.mark.parametrize(
    "inner",
    [
        "<ns1:results><ns1:learnerResult>%s</ns1:learnerResult></ns1:results>" % RESULT_ITEM,
        "<ns1:learnerResult>%s</ns1:learnerResult>" % RESULT_ITEM,
        "<ns1:results><ns1:result>%s</ns1:result></ns1:results>" % RESULT_ITEM,
        "<ns1:result>%s</ns1:result><ns1:nextPageToken/>" % RESULT_ITEM,
    ],
    ids=["wrapped", "bare", "rest-style", "bare-result"],
)
def test_learner_results_in_every_layout(script, inner):
    transport = script(
        soap_call(
            "ListLearnersResults",
            "<courseIds><id>c</id></courseIds><pageSize>1000</pageSize>",
            reply("ListLearnersResults", inner),
        )
    )
    [result] = ispring_soap.SoapClient(transport, API, token=TOKEN).list_learners_results(["c"])
    assert (result.enrollment_id, result.status) == ("e1", "complete")


@pytest.mark.parametrize(
    "inner",
    [
        "<ns1:users><ns1:userProfile>%s</ns1:userProfile></ns1:users>" % USER_ITEM,
        "<ns1:userProfile>%s</ns1:userProfile>" % USER_ITEM,
        "<ns1:userProfiles><ns1:user>%s</ns1:user></ns1:userProfiles>" % USER_ITEM,
    ],
    ids=["wrapped", "bare", "rest-style"],
)
def test_users_in_every_layout(script, inner):
    transport = script(
        soap_call(
            "ListUsers", "<logins><login>jdoe</login></logins><pageSize>1000</pageSize>", reply("ListUsers", inner)
        )
    )
    [user] = ispring_soap.SoapClient(transport, API, token=TOKEN).list_users(["jdoe"])
    assert user.user_id == "u1"


@pytest.mark.parametrize(
    "method, inner, unexpected",
    [
        ("ListLearnersResults", "<ns1:items><ns1:learnerResult/></ns1:items>", "items"),
        ("ListLearnersResults", "<ns1:results><ns1:userProfile/></ns1:results>", "results"),
        ("ListLearnersResults", "<ns1:totalCount>3</ns1:totalCount>", "totalCount"),
        ("ListUsers", "<ns1:learnerResult/>", "learnerResult"),
        ("ListUsers", "<ns1:users/><ns1:userProfiles/>", "userProfiles"),
    ],
)
def test_a_listing_in_an_unknown_layout_fails_loudly_instead_of_reading_no_records(script, method, inner, unexpected):
    transport = script(Call(SOAP, body=reply(method, inner)))
    client = ispring_soap.SoapClient(transport, API, token=TOKEN)
    call = client.list_users if method == "ListUsers" else client.list_learners_results
    with pytest.raises(ReplyError) as caught:
        call(["x"])
    assert caught.value.message.startswith(
        "iSpring %s: the reply is not a listing in a known layout (<%s> in <%sResult>). Nothing was written."
        % (method, unexpected, method)
    )
    assert "Reply reads: <ns1:%sResult" % method in caught.value.message


def test_no_empty_filter_element_is_sent(script):
    transport = script(Call(SOAP, body=reply("ListUsers", "")))
    ispring_soap.SoapClient(transport, API, token=TOKEN).list_users(emails=["a@example.com"])
    sent = transport.scripted.sent[0]["data"].decode()
    assert "<logins" not in sent and "<emails><email>a@example.com</email></emails><pageSize>1000</pageSize>" in sent


def test_the_token_is_renewed_when_80_percent_of_its_lifetime_has_passed(script, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(ispring.time, "monotonic", lambda: now[0])
    token_reply = '{"access_token": "%s", "expires_in": 100, "token_type": "bearer"}'
    transport = script(
        Call(API + "/api/v3/token", body=token_reply % "first"),
        soap_call(
            "getTaskStatus", "<taskId>1</taskId>", reply("getTaskStatus", "<status>complete</status>"), token="first"
        ),
        soap_call(
            "getTaskStatus", "<taskId>2</taskId>", reply("getTaskStatus", "<status>complete</status>"), token="first"
        ),
        Call(API + "/api/v3/token", body=token_reply % "second"),
        soap_call(
            "getTaskStatus", "<taskId>3</taskId>", reply("getTaskStatus", "<status>complete</status>"), token="second"
        ),
    )
    client = ispring_soap.SoapClient(transport, API, client_id="cid", client_secret="s")
    client.task_status("1")
    now[0] += 79
    client.task_status("2")
    now[0] += 2
    client.task_status("3")


def test_http_401_renews_the_token_once(script):
    token_reply = '{"access_token": "second", "expires_in": 1800, "token_type": "bearer"}'
    refused = '{"code": 401, "message": "Unauthorized"}'
    transport = script(
        soap_call("getTaskStatus", "<taskId>5</taskId>", refused, status=401, token="first"),
        Call(API + "/api/v3/token", body=token_reply),
        soap_call(
            "getTaskStatus", "<taskId>5</taskId>", reply("getTaskStatus", "<status>complete</status>"), token="second"
        ),
    )
    client = ispring_soap.SoapClient(transport, API, token="first", client_id="cid", client_secret="s")
    assert client.task_status("5") == "complete"


def test_http_401_with_a_bare_token_fails_clearly(script):
    transport = script(soap_call("getTaskStatus", "<taskId>5</taskId>", "Unauthorized", status=401))
    with pytest.raises(ApiError) as caught:
        ispring_soap.SoapClient(transport, API, token=TOKEN).task_status("5")
    assert caught.value.message == (
        "iSpring getTaskStatus failed: HTTP 401 (the token is invalid or expired: give a fresh token, or client_id "
        "and client_secret so that the module can renew it)."
    )


def test_text_xml_cannot_carry_is_a_typed_error_not_a_library_one():
    with pytest.raises(ValidationError, match="the reason 'bad \\\\x01' cannot be sent in XML"):
        ispring_soap.envelope("updateCourseStatus", TOKEN, [("reason", "bad \x01")])
