"""iSpring Learn emulation: token endpoint, SOAP methods, errors, tasks, permissions, paging."""

from __future__ import annotations

import copy
import time

import pytest
import requests
import yaml
from conftest import (
    COURSE1,
    COURSE2,
    E_ASMITH_1,
    E_ASMITH_2,
    E_BJONES_1,
    E_JDOE_1,
    E_JDOE_2,
    E_KWONG_2,
    E_LTAN_1,
    E_MGARCIA_1,
    HTTPS_ENV_NS,
    SEED_ENROLLMENT,
    SEED_TOKEN,
    enrollment,
    fault_of,
    find,
    find_all,
    get_token,
    ids,
    local,
    soap,
    soap_body,
    soap_raw,
    text_of,
    update_status,
)
from lxml import etree

from lms_sandbox.state import DEFAULT_FIXTURE
from lms_sandbox.testing import Sandbox

# Copied verbatim from the seed page (000_195586bf04d6d945.txt, "Sample Request").
SEED_REQUEST = """<?xml version="1.0" encoding="utf-8"?>
  <SOAP-ENV:Envelope xmlns:SOAP-ENV="https://schemas.xmlsoap.org/soap/envelope/"
                     xmlns="https://ispringlearn.com/go/services/api/soap">
    <SOAP-ENV:Body>
      <updateCourseStatusRequest>
        <credentials>
          <token>p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE</token>
        </credentials>
        <enrollmentIds>
          <id>e1f2c50e-c1ae-11ea-8592-a6eabe1809b2</id>
        </enrollmentIds>
        <courseId>14b847e8-c10f-11ea-b4e1-ae33e75597e9</courseId>
        <date>2020-07-22</date>
        <reason>Completed offline</reason>
        <status>complete</status>
      </updateCourseStatusRequest>
    </SOAP-ENV:Body>
  </SOAP-ENV:Envelope>"""

# The seed's "Sample Response".
SEED_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="https://schemas.xmlsoap.org/soap/envelope/"
                   xmlns:ns1="https://ispringlearn.com/go/services/api/soap">
  <SOAP-ENV:Body>
    <ns1:updateCourseStatusResult>
      <ns1:taskId>100027</ns1:taskId>
    </ns1:updateCourseStatusResult>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>"""


def shape(el):
    """(tag with namespace, prefix, children shapes) ignoring whitespace text."""
    return (el.tag, el.prefix, [shape(c) for c in el if isinstance(c.tag, str)])


def wait_task(sb, task_id, timeout=5):
    deadline = time.time() + timeout
    while True:
        status, root = soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % task_id)
        assert status == 200
        value = text_of(root, "status")
        if value != "in progress" or time.time() > deadline:
            return value
        time.sleep(0.05)


# --- token -----------------------------------------------------------------------------------------


def test_token_ok(sb):
    r = requests.post(
        sb.token_url,
        data={"client_id": "demo-client", "client_secret": "demo-secret", "grant_type": "client_credentials"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["expires_in"] == 1800 and body["token_type"] == "bearer" and len(body["access_token"]) >= 20
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=body["access_token"])
    assert fault_of(root) == "Wrong parameters"  # authenticated; the task is unknown


@pytest.mark.parametrize("secret", ["wrong", ""])
def test_token_bad_credentials(sb, secret):
    r = requests.post(
        sb.token_url, data={"client_id": "demo-client", "client_secret": secret, "grant_type": "client_credentials"}
    )
    expected = 401 if secret else 400
    assert r.status_code == expected
    assert r.json()["code"] == expected and r.json()["message"]


def test_token_unknown_client(sb):
    r = requests.post(
        sb.token_url, data={"client_id": "nobody", "client_secret": "x", "grant_type": "client_credentials"}
    )
    assert r.status_code == 401 and r.json()["code"] == 401


@pytest.mark.parametrize("grant", [None, "password", ""])
def test_token_grant_type(sb, grant):
    data = {"client_id": "demo-client", "client_secret": "demo-secret"}
    if grant is not None:
        data["grant_type"] = grant
    r = requests.post(sb.token_url, data=data)
    assert r.status_code == 400 and r.json()["code"] == 400


def test_token_get_not_allowed(sb):
    assert requests.get(sb.token_url).status_code == 405


def test_token_expiry():
    with Sandbox(token_ttl=1) as sb:
        token = get_token(sb)
        assert soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=token)[1] is not None
        assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=token)[1]) == "Wrong parameters"
        time.sleep(1.3)
        status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=token)
        assert (status, fault_of(root)) == (500, "Authorization failed")
        # the permanent token never expires
        assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=SEED_TOKEN)[1]) == "Wrong parameters"
        # a fresh token works again
        assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=get_token(sb))[1]) == "Wrong parameters"


# --- the seed sample ---------------------------------------------------------------------------------


def test_seed_sample_request_verbatim(sb):
    # The seed's reply namespace (https) is the run-time form ispring_namespace=https; see
    # test_reply_namespace_default_http for the r2 default.
    sb.settings(ispring_namespace="https")
    r = soap_raw(sb, SEED_REQUEST.encode("utf-8"), action="updateCourseStatus")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/xml")
    got = etree.fromstring(r.content)
    want = etree.fromstring(SEED_RESPONSE.encode("utf-8"))
    assert shape(got) == shape(want)
    assert got.nsmap == want.nsmap
    assert text_of(got, "taskId") == "100027"
    # without a SOAPAction header too, and task ids increase
    r2 = soap_raw(sb, SEED_REQUEST.encode("utf-8"))
    assert text_of(etree.fromstring(r2.content), "taskId") == "100028"
    assert wait_task(sb, 100027) == "complete"
    enr = enrollment(sb, SEED_ENROLLMENT)
    assert enr["completionStatus"] == "complete"
    assert enr["completionDate"] == "2020-07-22T00:00:00Z"
    assert enr["progress"] == 25  # unchanged: a manual completion


def test_reply_namespace_default_http(sb):
    # contract 1.1 r2 [evidence]: the body namespace is http:// by default; the shape is the seed's.
    r = soap_raw(sb, SEED_REQUEST.encode("utf-8"), action="updateCourseStatus")
    got = etree.fromstring(r.content)
    want = etree.fromstring(SEED_RESPONSE.encode("utf-8").replace(b"https://ispringlearn", b"http://ispringlearn"))
    assert shape(got) == shape(want)
    assert got.nsmap == {
        "SOAP-ENV": "https://schemas.xmlsoap.org/soap/envelope/",
        "ns1": "http://ispringlearn.com/go/services/api/soap",
    }


# --- SOAP framing errors ---------------------------------------------------------------------------------


def test_https_envelope_namespace_accepted(sb):
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", env_ns=HTTPS_ENV_NS)
    assert fault_of(root) == "Wrong parameters"
    status, root = update_status(sb, [E_JDOE_1])
    assert status == 200 and text_of(root, "taskId")


def test_other_envelope_namespace_rejected(sb):
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", env_ns="urn:not-soap")
    assert (status, fault_of(root)) == (500, "Wrong parameters")


def test_fault_shape(sb):
    r = soap_raw(sb, b"<not-xml", action="updateCourseStatus")
    assert r.status_code == 500
    root = etree.fromstring(r.content)
    fault = find(root, "Fault")
    assert fault is not None and fault.prefix == "SOAP-ENV"
    assert [local(c) for c in fault] == ["faultcode", "faultstring"]
    assert text_of(root, "faultcode") == "client"
    assert fault_of(root) == "Wrong parameters"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"garbage \xff\xfe",
        b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body></soap:Body></soap:Envelope>",
        b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body><foo/></soap:Body></soap:Envelope>",
    ],
)
def test_malformed_requests(sb, body):
    r = soap_raw(sb, body)
    assert r.status_code == 500 and fault_of(etree.fromstring(r.content)) == "Wrong parameters"


def test_request_with_doctype_rejected(sb):
    body = soap_body("getTaskStatus", "<taskId>&x;</taskId>")
    body = body.replace("?>\n", '?>\n<!DOCTYPE soap:Envelope [<!ENTITY x "1">]>\n', 1)
    r = soap_raw(sb, body)
    assert r.status_code == 500 and fault_of(etree.fromstring(r.content)) == "Wrong parameters"


def test_unknown_method(sb):
    status, root = soap(sb, "deleteEverything", "")
    assert (status, fault_of(root)) == (500, "Wrong parameters")


def test_soap_action_mismatch(sb):
    r = soap_raw(sb, soap_body("getTaskStatus", "<taskId>1</taskId>"), action="updateCourseStatus")
    assert fault_of(etree.fromstring(r.content)) == "Wrong parameters"
    r = soap_raw(sb, SEED_REQUEST, action="getTaskStatus")
    assert fault_of(etree.fromstring(r.content)) == "Wrong parameters"
    assert sb.state()["ispring"]["tasks"] == []


def test_missing_credentials(sb):
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=None)
    assert (status, fault_of(root)) == (500, "Wrong parameters")
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", token="")
    assert fault_of(root) == "Wrong parameters"


def test_invalid_token(sb):
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", token="not-a-token")
    assert (status, fault_of(root)) == (500, "Authorization failed")


def test_parsing_is_tolerant_of_order_and_prefixes(sb):
    body = (
        '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
        '<x:updateCourseStatusRequest xmlns:x="http://ispringlearn.com/go/services/api/soap">'
        "<x:status>complete</x:status><x:courseId>%s</x:courseId><x:date>2024-01-02</x:date>"
        "<x:enrollmentIds><x:id>%s</x:id></x:enrollmentIds><x:unknown>1</x:unknown>"
        "<x:credentials><x:token>%s</x:token></x:credentials>"
        "</x:updateCourseStatusRequest></e:Body></e:Envelope>" % (COURSE1, E_JDOE_1, SEED_TOKEN)
    )
    r = soap_raw(sb, body, action="updateCourseStatus")
    assert r.status_code == 200, r.text


# --- updateCourseStatus ---------------------------------------------------------------------------------


def test_update_unknown_course(sb):
    status, root = update_status(sb, [E_JDOE_1], course="00000000-dead-beef-0000-000000000000")
    assert (status, fault_of(root)) == (500, "Unknown content item")


@pytest.mark.parametrize("eids", [["nope"], [E_JDOE_1, "nope"], [E_JDOE_2]])
def test_update_unknown_enrollment(sb, eids):
    status, root = update_status(sb, eids)  # E_JDOE_2 is in course 2, not course 1
    assert (status, fault_of(root)) == (500, "Unknown Enrollment")
    assert sb.state()["ispring"]["tasks"] == []


@pytest.mark.parametrize(
    "status_value,date",
    [
        ("completed", "2024-01-01"),
        ("", "2024-01-01"),
        ("complete", None),
        ("complete", ""),
        ("complete", "2024/01/01"),
        ("complete", "2024-02-30"),
        ("complete", "2024-01-01T00:00:00Z"),
        ("automatic", "01-01-2024"),
    ],
)
def test_update_wrong_parameters(sb, status_value, date):
    status, root = update_status(sb, [E_JDOE_1], status=status_value, date=date)
    assert (status, fault_of(root)) == (500, "Wrong parameters")


def test_update_missing_elements(sb):
    status, root = soap(
        sb, "updateCourseStatus", "<courseId>%s</courseId><date>2024-01-01</date><status>complete</status>" % COURSE1
    )
    assert fault_of(root) == "Wrong parameters"
    status, root = soap(sb, "updateCourseStatus", ids("enrollmentIds", [E_JDOE_1]) + "<status>automatic</status>")
    assert fault_of(root) == "Wrong parameters"
    status, root = soap(
        sb,
        "updateCourseStatus",
        ids("enrollmentIds", []) + "<courseId>%s</courseId><status>automatic</status>" % COURSE1,
    )
    assert fault_of(root) == "Wrong parameters"


def test_task_lifecycle_and_complete(sb):
    before = enrollment(sb, E_JDOE_1)
    status, root = update_status(sb, [E_JDOE_1, E_ASMITH_1], date="2024-05-01", reason="Offline")
    assert status == 200
    task_id = text_of(root, "taskId")
    # not applied yet
    status, root = soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % task_id)
    assert text_of(root, "status") == "in progress"
    assert local(find(root, "getTaskStatusResult")) == "getTaskStatusResult"
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == before["completionStatus"]
    assert wait_task(sb, task_id) == "complete"
    for eid in (E_JDOE_1, E_ASMITH_1):
        enr = enrollment(sb, eid)
        assert enr["completionStatus"] == "complete"
        assert enr["completionDate"] == "2024-05-01T00:00:00Z"
    assert enrollment(sb, E_JDOE_1)["progress"] == 50
    assert enrollment(sb, E_ASMITH_1)["progress"] == 0
    task = sb.state()["ispring"]["tasks"][0]
    assert task["reason"] == "Offline" and task["status"] == "complete"


def test_state_read_applies_due_task(sb):
    update_status(sb, [E_JDOE_1])
    time.sleep(0.2)
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "complete"


def test_get_task_status_errors(sb):
    for value in ("999999", "abc", ""):
        status, root = soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % value)
        assert (status, fault_of(root)) == (500, "Wrong parameters")
    status, root = soap(sb, "getTaskStatus", "")
    assert fault_of(root) == "Wrong parameters"


def test_automatic_recalculation(sb):
    # ltan: manual "complete" with 2/4 modules -> in_progress, completion date cleared
    # mgarcia: passed 4/4 -> stays passed with its date; asmith 0/4 -> not_started
    status, root = update_status(sb, [E_LTAN_1, E_MGARCIA_1, E_ASMITH_1], status="automatic", date=None)
    assert status == 200
    assert wait_task(sb, text_of(root, "taskId")) == "complete"
    ltan, mgarcia, asmith = (enrollment(sb, e) for e in (E_LTAN_1, E_MGARCIA_1, E_ASMITH_1))
    assert (ltan["completionStatus"], ltan["completionDate"], ltan["progress"]) == ("in_progress", None, 50)
    assert (mgarcia["completionStatus"], mgarcia["completionDate"]) == ("passed", "2020-06-30T14:12:00Z")
    assert (asmith["completionStatus"], asmith["completionDate"]) == ("not_started", None)


def test_automatic_after_manual_complete_reverts(sb):
    update_status(sb, [E_JDOE_1], date="2024-01-01")
    time.sleep(0.15)
    status, root = update_status(sb, [E_JDOE_1], status="automatic", date=None)
    assert wait_task(sb, text_of(root, "taskId")) == "complete"
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "in_progress"
    assert enrollment(sb, E_JDOE_1)["completionDate"] is None


def test_automatic_all_modules_passed_sets_passed(tmp_path):
    fixture = yaml.safe_load(open(DEFAULT_FIXTURE))
    fx = copy.deepcopy(fixture)
    for enr in fx["ispring"]["enrollments"]:
        if enr["enrollmentId"] == E_JDOE_1:
            enr["passedModules"] = 4
    path = tmp_path / "fixture.yml"
    path.write_text(yaml.safe_dump(fx))
    with Sandbox(fixture=str(path), task_delay=0) as sb:
        assert enrollment(sb, E_JDOE_1)["progress"] == 100
        status, root = update_status(sb, [E_JDOE_1], status="automatic", date=None)
        assert (
            text_of(soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % text_of(root, "taskId"))[1], "status")
            == "complete"
        )
        enr = enrollment(sb, E_JDOE_1)
        assert enr["completionStatus"] == "passed"
        assert enr["completionDate"] and enr["completionDate"].endswith("Z")


# --- permissions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,eids,course,expected",
    [
        ("owner", [E_ASMITH_1], COURSE1, None),
        ("admin", [E_ASMITH_1, E_JDOE_1], COURSE1, None),
        ("sales", [E_JDOE_1], COURSE1, None),  # sales
        ("sales", [SEED_ENROLLMENT, E_LTAN_1], COURSE1, None),  # sales-emea: a sub-department
        ("sales", [E_ASMITH_1], COURSE1, "Permission denied"),  # engineering
        ("sales", [E_JDOE_1, E_ASMITH_1], COURSE1, "Permission denied"),
        ("editor", [E_JDOE_2, E_ASMITH_2], COURSE2, None),  # can edit course 2
        ("editor", [E_JDOE_1], COURSE1, "Permission denied"),  # but not course 1
        ("viewer", [E_JDOE_1], COURSE1, "Permission denied"),
    ],
)
def test_update_permissions(sb, who, eids, course, expected):
    before = sb.state()["ispring"]["enrollments"]
    status, root = update_status(sb, eids, course=course, token=get_token(sb, who))
    if expected is None:
        assert status == 200, etree.tostring(root)
        assert wait_task(sb, text_of(root, "taskId")) == "complete"
        assert all(enrollment(sb, e)["completionStatus"] == "complete" for e in eids)
    else:
        assert (status, fault_of(root)) == (500, expected)
        time.sleep(0.15)
        assert sb.state()["ispring"]["enrollments"] == before  # all or nothing
        assert sb.state()["ispring"]["tasks"] == []


def test_viewer_cannot_list(sb):
    token = get_token(sb, "viewer")
    for method in ("ListLearnersResults", "ListEnrollments", "ListUsers"):
        assert fault_of(soap(sb, method, "", token=token)[1]) == "Permission denied"


def test_department_admin_sees_only_its_scope(sb):
    token = get_token(sb, "sales")
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE1]), token=token)
    assert {text_of(r, "enrollmentId") for r in find_all(root, "learnerResult")} == {
        SEED_ENROLLMENT,
        E_JDOE_1,
        E_LTAN_1,
        E_BJONES_1,
    }
    status, root = soap(sb, "ListUsers", "", token=token)
    logins = {f.findtext("{*}value") for f in find_all(root, "field") if f.findtext("{*}name") == "LOGIN"}
    assert logins == {"salesadmin", "jdoe", "kwong", "ltan"}  # bjones is inactive
    status, root = soap(sb, "ListEnrollments", "", token=token)
    assert len(find_all(root, "enrollment")) == 6


def test_custom_role_sees_only_its_course(sb):
    token = get_token(sb, "editor")
    status, root = soap(sb, "ListLearnersResults", "", token=token)
    assert {text_of(r, "courseId") for r in find_all(root, "learnerResult")} == {COURSE2}
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE1]), token=token)
    assert find_all(root, "learnerResult") == []


# --- ListLearnersResults ------------------------------------------------------------------------------------


def learner_results(root):
    out = []
    for rec in find_all(root, "learnerResult"):
        out.append({local(c): c.text for c in rec})
    return out


def test_list_learners_fields(sb):
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE1]))
    assert status == 200
    assert local(root[0][0]) == "ListLearnersResultsResult"
    assert local(root[0][0][0]) == "results"
    results = {r["enrollmentId"]: r for r in learner_results(root)}
    assert len(results) == 6
    assert find(root, "nextPageToken") is None
    seed = results[SEED_ENROLLMENT]
    assert list(seed) == [
        "userId",
        "courseId",
        "enrollmentId",
        "completionStatus",
        "progress",
        "awardedScore",
        "accessDate",
        "dueDate",
    ]
    assert seed["progress"] == "25" and seed["completionStatus"] == "in_progress"
    mg = results[E_MGARCIA_1]
    assert mg["completionDate"] == "2020-06-30T14:12:00Z" and mg["progress"] == "100"
    assert "dueDate" not in mg
    assert results[E_LTAN_1]["completionStatus"] == "complete" and results[E_LTAN_1]["progress"] == "50"


def test_list_learners_filters(sb):
    jdoe = enrollment(sb, E_JDOE_1)["learnerId"]
    status, root = soap(sb, "ListLearnersResults", ids("userIds", [jdoe]))
    assert {r["enrollmentId"] for r in learner_results(root)} == {E_JDOE_1, E_JDOE_2}
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE2]) + ids("userIds", [jdoe]))
    assert {r["enrollmentId"] for r in learner_results(root)} == {E_JDOE_2}
    status, root = soap(sb, "ListLearnersResults", ids("enrollmentIds", [E_KWONG_2, E_JDOE_1, "unknown"]))
    assert {r["enrollmentId"] for r in learner_results(root)} == {E_KWONG_2, E_JDOE_1}
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE1]) + ids("enrollmentIds", [E_KWONG_2]))
    assert learner_results(root) == []
    status, root = soap(sb, "ListLearnersResults", "")
    assert len(learner_results(root)) == 9


def test_list_learners_unknown_course(sb):
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE1, "no-such-course"]))
    assert (status, fault_of(root)) == (500, "Unknown content item")


@pytest.mark.parametrize("size", ["1001", "0", "-1", "ten"])
def test_list_page_size_bounds(sb, size):
    for method in ("ListLearnersResults", "ListEnrollments", "ListUsers"):
        status, root = soap(sb, method, "<pageSize>%s</pageSize>" % size)
        assert (status, fault_of(root)) == (500, "Wrong parameters")


def test_list_page_size_max_ok(sb):
    status, root = soap(sb, "ListLearnersResults", "<pageSize>1000</pageSize>")
    assert status == 200 and len(find_all(root, "learnerResult")) == 9


def page_through(sb, method, inner, item, size):
    seen, token, pages = [], None, 0
    while True:
        extra = "<pageSize>%d</pageSize>" % size + ("<pageToken>%s</pageToken>" % token if token else "")
        status, root = soap(sb, method, inner + extra)
        assert status == 200, etree.tostring(root)
        records = find_all(root, item)
        assert len(records) <= size
        seen.extend(records)
        pages += 1
        token = text_of(root, "nextPageToken")
        if not token:
            return seen, pages
        assert pages < 100


def test_paging_learners(sb):
    records, pages = page_through(sb, "ListLearnersResults", ids("courseIds", [COURSE1]), "learnerResult", 2)
    assert pages == 3
    assert len({text_of(r, "enrollmentId") for r in records}) == 6
    records, pages = page_through(sb, "ListLearnersResults", "", "learnerResult", 4)
    assert (pages, len(records)) == (3, 9)


def test_paging_enrollments_and_users(sb):
    records, pages = page_through(sb, "ListEnrollments", "", "enrollment", 4)
    assert (pages, len({text_of(r, "enrollmentId") for r in records})) == (3, 9)
    records, pages = page_through(sb, "ListUsers", "", "userProfile", 3)
    assert (pages, len({text_of(r, "userId") for r in records})) == (4, 10)


def test_page_token_errors(sb):
    status, root = soap(sb, "ListLearnersResults", "<pageSize>2</pageSize>")
    token = text_of(root, "nextPageToken")
    assert token
    for bad in ("garbage!!", "TDoyOmFi"):
        status, root = soap(sb, "ListLearnersResults", "<pageSize>2</pageSize><pageToken>%s</pageToken>" % bad)
        assert fault_of(root) == "Wrong parameters"
    # a token belongs to its query
    status, root = soap(
        sb,
        "ListLearnersResults",
        ids("courseIds", [COURSE1]) + "<pageSize>2</pageSize><pageToken>%s</pageToken>" % token,
    )
    assert fault_of(root) == "Wrong parameters"
    status, root = soap(sb, "ListEnrollments", "<pageSize>2</pageSize><pageToken>%s</pageToken>" % token)
    assert fault_of(root) == "Wrong parameters"


# --- ListEnrollments -------------------------------------------------------------------------------------------


def test_list_enrollments(sb):
    jdoe = enrollment(sb, E_JDOE_1)["learnerId"]
    status, root = soap(sb, "ListEnrollments", ids("courseIds", [COURSE2]))
    assert local(root[0][0]) == "ListEnrollmentsResult" and local(root[0][0][0]) == "enrollments"
    recs = [{local(c): c.text for c in r} for r in find_all(root, "enrollment")]
    assert {r["enrollmentId"] for r in recs} == {E_JDOE_2, E_ASMITH_2, E_KWONG_2}
    kwong = next(r for r in recs if r["enrollmentId"] == E_KWONG_2)
    assert list(kwong) == ["enrollmentId", "courseId", "learnerId", "accessDate", "dueDate"]
    assert kwong["dueDate"] == "2020-09-30T00:00:00Z"
    status, root = soap(sb, "ListEnrollments", ids("learnerIds", [jdoe]))
    assert {text_of(r, "enrollmentId") for r in find_all(root, "enrollment")} == {E_JDOE_1, E_JDOE_2}
    status, root = soap(sb, "ListEnrollments", ids("courseIds", ["missing"]))
    assert fault_of(root) == "Unknown content item"


# --- ListUsers ---------------------------------------------------------------------------------------------------


def profiles(root):
    out = {}
    for prof in find_all(root, "userProfile"):
        rec = {local(c): c.text for c in prof if local(c) != "fields"}
        rec["fields"] = {f.findtext("{*}name"): f.findtext("{*}value") for f in find_all(prof, "field")}
        out[rec["fields"]["LOGIN"]] = rec
    return out


def test_list_users_and_filters(sb):
    """3.1 (r3): the default joins logins and emails given together: a user must match both."""
    inner = ids("logins", ["jdoe", "asmith"], "login") + ids("emails", ["ASMITH@example.com"], "email")
    assert set(profiles(soap(sb, "ListUsers", inner)[1])) == {"asmith"}


def test_list_users(sb):
    status, root = soap(sb, "ListUsers", ids("logins", ["jdoe"], "login"))
    assert local(root[0][0]) == "ListUsersResult" and local(root[0][0][0]) == "users"
    users = profiles(root)
    assert list(users) == ["jdoe"]
    jdoe = users["jdoe"]
    assert jdoe["fields"] == {"LOGIN": "jdoe", "EMAIL": "jdoe@example.com", "FIRST_NAME": "John", "LAST_NAME": "Doe"}
    assert jdoe["role"] == "learner" and jdoe["status"] == "active" and jdoe["departmentId"]
    assert [local(c) for c in find(root, "userProfile")] == ["userId", "role", "departmentId", "status", "fields"]


def test_list_users_or_filters_and_case(sb):
    sb.settings(ispring_user_filters="or")
    inner = ids("logins", ["jdoe", "nobody"], "login") + ids(
        "emails", ["ASMITH@example.com", "mgarcia@EXAMPLE.com"], "email"
    )
    users = profiles(soap(sb, "ListUsers", inner)[1])
    assert set(users) == {"jdoe", "asmith", "mgarcia"}
    # logins are exact
    assert profiles(soap(sb, "ListUsers", ids("logins", ["JDOE"], "login"))[1]) == {}


def test_list_users_only_active(sb):
    users = profiles(soap(sb, "ListUsers", ids("logins", ["bjones", "jdoe"], "login"))[1])
    assert set(users) == {"jdoe"}
    all_users = profiles(soap(sb, "ListUsers", "")[1])
    assert "bjones" not in all_users and len(all_users) == 10
    assert all_users["admin"]["role"] == "account_administrator"
    assert all_users["owner"]["role"] == "account_owner"
    assert all_users["salesadmin"]["role"] == "department_administrator"


# --- scale --------------------------------------------------------------------------------------------------------


def test_scale_listing():
    with Sandbox(scale=2500) as sb:
        bench = "00000000-0000-4000-8000-000000000001"
        started = time.time()
        records, pages = page_through(sb, "ListLearnersResults", ids("courseIds", [bench]), "learnerResult", 1000)
        elapsed = time.time() - started
        assert (pages, len(records)) == (3, 2500)
        first = {local(c): c.text for c in records[0]}
        assert first["completionStatus"] == "in_progress" and first["progress"] == "50"
        users = profiles(
            soap(
                sb,
                "ListUsers",
                ids("logins", ["learner00001", "learner02500"], "login"),
            )[1]
        )
        assert set(users) == {"learner00001", "learner02500"}
        print("3 pages of learner results (2500 records) in %.3f s" % elapsed)
