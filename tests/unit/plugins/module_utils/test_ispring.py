# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iSpring SOAP layer against scripted requests and replies."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from ansible_collections.learnops.lms.plugins.module_utils import ispring
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    AuthenticationError,
    ReplyError,
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
    client = ispring.IspringClient(transport, API, token=TOKEN)
    assert client.update_course_status(COURSE, [ENROLLMENT], "complete", "2020-07-22", "Completed offline") == "100027"


def test_automatic_leaves_out_date_and_reason(script):
    transport = script(
        soap_call(
            "updateCourseStatus",
            "<enrollmentIds><id>a</id><id>b</id></enrollmentIds><courseId>c</courseId><status>automatic</status>",
            reply("updateCourseStatus", "<ns1:taskId>7</ns1:taskId>"),
        )
    )
    assert ispring.IspringClient(transport, API, token=TOKEN).update_course_status("c", ["a", "b"], "automatic") == "7"


def test_soap_url_override(script):
    transport = script(Call("https://soap.example.com/x", body=reply("getTaskStatus", "<status>Complete</status>")))
    client = ispring.IspringClient(transport, API, soap_url="https://soap.example.com/x", token=TOKEN)
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
    client = ispring.IspringClient(transport, API, client_id="cid", client_secret="csecret", on_secret=secrets.append)
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
    client = ispring.IspringClient(transport, API, token="first", client_id="cid", client_secret="s")
    assert client.task_status("5") == "complete"


def test_expired_bare_token_fails_clearly(script):
    transport = script(soap_call("getTaskStatus", "<taskId>5</taskId>", fault("Authorization failed"), status=500))
    with pytest.raises(ApiError) as caught:
        ispring.IspringClient(transport, API, token=TOKEN).task_status("5")
    assert caught.value.code == "Authorization failed"
    assert "client_id" in caught.value.message
    assert TOKEN not in caught.value.message


def test_bad_client_credentials(script):
    transport = script(Call(API + "/api/v3/token", status=401, body='{"code": 401, "message": "invalid client"}'))
    with pytest.raises(AuthenticationError) as caught:
        ispring.IspringClient(transport, API, client_id="cid", client_secret="wrong").fetch_token()
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
        ispring.IspringClient(transport, API, token=TOKEN).update_course_status("c", ["e"], "automatic")
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
    filters = "<courseIds><id>c</id></courseIds><enrollmentIds/><userIds/><pageSize>1000</pageSize>"
    transport = script(
        soap_call("ListLearnersResults", filters, page1),
        soap_call("ListLearnersResults", filters + "<pageToken>p2</pageToken>", page2),
    )
    results = ispring.IspringClient(transport, API, token=TOKEN).list_learners_results(["c"])
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
    transport = script(
        soap_call("ListUsers", "<logins><login>jdoe</login></logins><emails/><pageSize>1000</pageSize>", body)
    )
    users = ispring.IspringClient(transport, API, token=TOKEN).list_users(["jdoe"])
    assert users == [
        ispring.UserProfile(
            user_id="u1", role=None, department_id=None, status=None, login="jdoe", email="j@example.com"
        )
    ]


def test_repeated_page_token_stops(script):
    page = reply("ListUsers", "<ns1:users/><ns1:nextPageToken>same</ns1:nextPageToken>")
    filters = "<logins><login>jdoe</login></logins><emails/><pageSize>1000</pageSize>"
    transport = script(
        soap_call("ListUsers", filters, page), soap_call("ListUsers", filters + "<pageToken>same</pageToken>", page)
    )
    with pytest.raises(ReplyError, match="twice"):
        ispring.IspringClient(transport, API, token=TOKEN).list_users(["jdoe"])


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
        ispring.IspringClient(transport, API, token=TOKEN).task_status("1")
    assert words in caught.value.message
    assert TOKEN not in caught.value.message


def test_wait_for_tasks_polls_until_done(script):
    transport = script(
        soap_call("getTaskStatus", "<taskId>1</taskId>", reply("getTaskStatus", "<status>in progress</status>")),
        soap_call("getTaskStatus", "<taskId>2</taskId>", reply("getTaskStatus", "<status>failed</status>")),
        soap_call("getTaskStatus", "<taskId>1</taskId>", reply("getTaskStatus", "<status>complete</status>")),
    )
    sleeps = []
    statuses = ispring.IspringClient(transport, API, token=TOKEN).wait_for_tasks(
        ["1", "2"], timeout=60, sleep=sleeps.append, clock=lambda: 0.0
    )
    assert statuses == {"1": "complete", "2": "failed"}
    assert len(sleeps) == 1
