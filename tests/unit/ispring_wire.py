# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn requests and replies for scripted tests: SOAP envelopes, faults, calls."""

from __future__ import annotations

import json
import os

from ansible_collections.learnops.lms.tests.unit.scripted import Call

API = "https://api-learn.example.com"
SOAP = API + "/api/v2/soap/2.0"
TOKEN = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE"
COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
ENROLLMENT = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"
FIXTURES = os.path.join(os.path.dirname(__file__), "plugins", "module_utils", "fixtures")
HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns="http://ispringlearn.com/go/services/api/soap"><SOAP-ENV:Body>'
)
TAIL = "</SOAP-ENV:Body></SOAP-ENV:Envelope>"


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def request(method, inner, token=TOKEN):
    return (
        HEAD
        + "<%sRequest><credentials><token>%s</token></credentials>%s</%sRequest>" % (method, token, inner, method)
        + TAIL
    )


def reply(method, inner):
    return (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="https://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:ns1="https://ispringlearn.com/go/services/api/soap"><SOAP-ENV:Body>'
        "<ns1:%sResult>%s</ns1:%sResult></SOAP-ENV:Body></SOAP-ENV:Envelope>" % (method, inner, method)
    )


def fault(text):
    return (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        "<SOAP-ENV:Fault><faultcode>client</faultcode><faultstring>%s</faultstring></SOAP-ENV:Fault>"
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>" % text
    )


def soap_call(method, inner, body, status=200, token=TOKEN):
    return Call(
        SOAP,
        data=request(method, inner, token),
        status=status,
        body=body,
        headers={"SOAPAction": '"%s"' % method, "Content-Type": "text/xml; charset=utf-8"},
    )


# --- whole calls, for module runs ---


def ids_xml(wrapper, item, values):
    """A filter list; an empty one is not sent (contract 1.3 r2)."""
    if not values:
        return ""
    return "<%s>%s</%s>" % (wrapper, "".join("<%s>%s</%s>" % (item, v, item) for v in values), wrapper)


def learner_result_xml(enrollment, user, status, progress, completion_date=None, course=COURSE):
    """One ``learnerResult`` as the reply carries it (prefixed ns1, as the seed's response)."""
    fields = [
        ("userId", user),
        ("courseId", course),
        ("enrollmentId", enrollment),
        ("completionStatus", status),
        ("progress", progress),
        ("completionDate", completion_date),
    ]
    inner = "".join("<ns1:%s>%s</ns1:%s>" % (name, value, name) for name, value in fields if value is not None)
    return "<ns1:learnerResult>%s</ns1:learnerResult>" % inner


def user_profile_xml(user_id, login, email):
    fields = "".join(
        "<ns1:field><ns1:name>%s</ns1:name><ns1:value>%s</ns1:value></ns1:field>" % pair
        for pair in (("LOGIN", login), ("EMAIL", email))
    )
    return "<ns1:userProfile><ns1:userId>%s</ns1:userId><ns1:fields>%s</ns1:fields></ns1:userProfile>" % (
        user_id,
        fields,
    )


def list_results_call(enrollment_ids=(), user_ids=(), results=(), course=COURSE, token=TOKEN):
    """ListLearnersResults of one course, filtered by enrollments or users (sorted, as the client
    sends them), one page."""
    filters = (
        ids_xml("courseIds", "id", [course] if course else [])
        + ids_xml("enrollmentIds", "id", sorted(enrollment_ids))
        + ids_xml("userIds", "id", sorted(user_ids))
        + "<pageSize>1000</pageSize>"
    )
    body = reply("ListLearnersResults", "<ns1:results>%s</ns1:results>" % "".join(results))
    return soap_call("ListLearnersResults", filters, body, token=token)


def list_users_call(logins=(), emails=(), users=(), token=TOKEN):
    filters = ids_xml("logins", "login", sorted(logins)) + ids_xml("emails", "email", sorted(emails))
    filters += "<pageSize>1000</pageSize>"
    body = reply("ListUsers", "<ns1:users>%s</ns1:users>" % "".join(users))
    return soap_call("ListUsers", filters, body, token=token)


def update_call(
    enrollment_ids,
    status="complete",
    date=None,
    reason=None,
    task_id="100027",
    course=COURSE,
    token=TOKEN,
    body=None,
    http_status=200,
):
    inner = ids_xml("enrollmentIds", "id", enrollment_ids) + "<courseId>%s</courseId>" % course
    inner += "".join("<%s>%s</%s>" % (n, v, n) for n, v in (("date", date), ("reason", reason)) if v is not None)
    inner += "<status>%s</status>" % status
    body = body or reply("updateCourseStatus", "<ns1:taskId>%s</ns1:taskId>" % task_id)
    return soap_call("updateCourseStatus", inner, body, status=http_status, token=token)


def task_call(task_id, status="complete", token=TOKEN):
    return soap_call(
        "getTaskStatus",
        "<taskId>%s</taskId>" % task_id,
        reply("getTaskStatus", "<status>%s</status>" % status),
        token=token,
    )


def token_call(client_id="cid", client_secret="csecret", token="fresh-token"):
    return Call(
        API + "/api/v3/token",
        headers={"Accept": "application/json"},
        data=[("client_id", client_id), ("client_secret", client_secret), ("grant_type", "client_credentials")],
        body='{"access_token": "%s", "expires_in": 1800, "token_type": "bearer"}' % token,
    )


# --- REST (the vendor's OpenAPI file) ---


def rest_call(method, path, reply=None, params=None, body=None, status=200, token=TOKEN):
    """One REST request as the client sends it (JSON body, bearer token) and its JSON reply."""
    return Call(
        API + path,
        method=method,
        params=params,
        data=None if body is None else json.dumps(body),
        headers={"Authorization": "Bearer %s" % token, "Accept": "application/json"},
        status=status,
        body="" if reply is None else (reply if isinstance(reply, str) else json.dumps(reply)),
    )


def rest_users_post_call(name, values, reply, status=200, token=TOKEN):
    """POST /users/v2 (ListUsersV2ByPost) as the client sends it: the filter in an XML body."""
    body = "".join("<%s>%s</%s>" % (name, value, name) for value in values)
    call = rest_call("POST", "/users/v2", reply, status=status, token=token)
    call.data = "<?xml version='1.0' encoding='utf-8'?>\n<request>%s</request>" % body
    call.headers["Content-Type"] = "application/xml"
    return call


def rest_result(enrollment, user, status, progress, completion_date=None, course=COURSE, score=None):
    found = dict(userId=user, courseId=course, enrollmentId=enrollment, completionStatus=status, progress=progress)
    found.update({k: v for k, v in (("completionDate", completion_date), ("awardedScore", score)) if v is not None})
    return found


def rest_results_call(enrollment_ids=(), user_ids=(), results=(), course=COURSE, token=TOKEN, next_token=None):
    params = [("courseIds[]", course)] if course else []
    params += [("enrollmentIds[]", e) for e in sorted(enrollment_ids)] + [("userIds[]", u) for u in sorted(user_ids)]
    reply = {"results": list(results)}
    if next_token:
        reply["nextPageToken"] = next_token
    return rest_call("GET", "/learners/results", reply, params=params + [("pageSize", "1000")], token=token)


def rest_user(user_id, login, email):
    return dict(userId=user_id, role="learner", departmentId="d1", status=1, fields=dict(login=login, email=email))


def rest_users_call(logins=(), emails=(), users=(), token=TOKEN):
    params = [("logins[]", v) for v in sorted(logins)] + [("emails[]", v) for v in sorted(emails)]
    return rest_call(
        "GET", "/users", {"userProfiles": list(users)}, params=params + [("pageSize", "1000")], token=token
    )


def rest_update_call(
    enrollment_ids,
    status="complete",
    date=None,
    reason=None,
    score=None,
    task_id=100027,
    course=COURSE,
    token=TOKEN,
    reply=None,
    http_status=200,
):
    body = dict(courseId=course, enrollmentIds=list(enrollment_ids), status=status)
    if date is not None:
        body["date"] = date
    if reason is not None:
        body["reason"] = reason
    if score is not None:
        body["awardedScore"] = score
    return rest_call(
        "POST", "/statistics/course", reply or {"taskId": task_id}, body=body, status=http_status, token=token
    )


def rest_task_call(task_id, status="complete", token=TOKEN):
    return rest_call("GET", "/task/%s/status" % task_id, {"status": status}, token=token)
