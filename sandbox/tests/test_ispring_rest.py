"""iSpring Learn REST (contract 1.3a, the vendor's OpenAPI file): calls, errors, permissions, paging,
faults, and one state shared with the SOAP API."""

from __future__ import annotations

import json
import time

import pytest
import requests
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
    SEED_ENROLLMENT,
    SEED_TOKEN,
    enrollment,
    fault_of,
    find_all,
    get_token,
    ids,
    rest,
    soap,
    text_of,
    update_status,
    wait_until,
)

JDOE = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01"
ASMITH = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e02"
KWONG = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e03"
MGARCIA = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e04"
LTAN = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e05"
NO_COURSE = "00000000-dead-beef-0000-000000000000"


def error_of(r, status):
    """The ErrorResponse of a refused call, checked: {"code": status, "message": ...}."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"code", "message"} and body["code"] == status and body["message"]
    return body["message"]


def set_status(sb, body, token=SEED_TOKEN):
    return rest(sb, "POST", "/statistics/course", token=token, json=body)


def task_status(sb, task_id, token=SEED_TOKEN):
    r = rest(sb, "GET", "/task/%s/status" % task_id, token=token)
    assert r.status_code == 200, r.text
    return r.json()["status"]


def wait_rest_task(sb, task_id):
    wait_until(lambda: task_status(sb, task_id) != "in_progress")
    return task_status(sb, task_id)


def results(sb, token=SEED_TOKEN, **params):
    r = rest(sb, "GET", "/learners/results", token=token, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def by_enrollment(records):
    return {r["enrollmentId"]: r for r in records}


def page_all(sb, path, key, size, token=SEED_TOKEN, **params):
    seen, token_, pages = [], None, 0
    while True:
        query = dict(params, pageSize=size)
        if token_:
            query["pageToken"] = token_
        r = rest(sb, "GET", path, token=token, params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body[key]) <= size
        seen += body[key]
        pages += 1
        token_ = body.get("nextPageToken")
        if not token_:
            assert "nextPageToken" not in body  # left out on the last page
            return seen, pages
        assert pages < 50


def complete_body(eids, status="complete", date="2024-05-01T00:00:00Z", course=COURSE1, **extra):
    body = {"courseId": course, "enrollmentIds": eids, "status": status}
    if date is not None:
        body["date"] = date
    body.update(extra)
    return body


# --- authentication --------------------------------------------------------------------------------------


def test_bearer_token_from_token_endpoint_works_on_rest_and_soap(sb):
    token = get_token(sb)
    assert rest(sb, "GET", "/users", token=token).status_code == 200
    assert soap(sb, "ListUsers", "", token=token)[0] == 200
    assert rest(sb, "GET", "/users", token=SEED_TOKEN).status_code == 200  # the permanent token too


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic ZGVtbzpkZW1v"}, {"Authorization": "Bearer"}, {"Authorization": "Bearer nope"}],
)
def test_missing_or_bad_token_401(sb, headers):
    r = requests.get(sb.url + "/learners/results", headers=headers, timeout=10)
    assert "Unauthorized" in error_of(r, 401)


def test_expired_token_401():
    from lms_sandbox.testing import Sandbox

    with Sandbox(token_ttl=1.5) as sbx:  # wide enough for the first call under CI load
        token = get_token(sbx)
        assert rest(sbx, "GET", "/users", token=token).status_code == 200
        time.sleep(1.8)
        error_of(rest(sbx, "GET", "/users", token=token), 401)
        error_of(set_status(sbx, complete_body([E_JDOE_1]), token=token), 401)
        assert sbx.state()["ispring"]["tasks"] == []


def test_expire_auth_fault_401(sb):
    token = get_token(sb)
    sb.faults([{"kind": "expire_auth", "interface": "rest"}])
    error_of(rest(sb, "GET", "/users", token=token), 401)
    assert sb.requests(interface="rest")[-1]["fault"] == "expire_auth"
    error_of(rest(sb, "GET", "/users", token=token), 401)  # the token stays invalid
    assert fault_of(soap(sb, "ListUsers", "", token=token)[1]) == "Authorization failed"  # over SOAP too
    sb.faults([{"kind": "expire_auth"}])
    error_of(rest(sb, "GET", "/users"), 401)  # a permanent token: only this request
    assert rest(sb, "GET", "/users").status_code == 200


CALLS = [
    ("POST", "/statistics/course", {"courseId": COURSE1, "enrollmentIds": [E_JDOE_1], "status": "automatic"}),
    ("GET", "/task/100027/status", None),
    ("GET", "/learners/results", None),
    ("GET", "/users", None),
    ("GET", "/enrollments", None),
    ("POST", "/enrollments", {}),
    ("GET", "/enrollment", None),
    ("POST", "/enrollment", {"courseIds": [COURSE1], "learnerIds": [MGARCIA], "dueDateType": "unlimited"}),
    ("GET", "/enrollment/%s" % E_JDOE_1, None),
    ("POST", "/enrollment/%s" % E_JDOE_1, {"accessDate": "2024-01-01", "dueDateType": "unlimited"}),
    ("POST", "/enrollment/delete", {"enrollmentIds": [E_JDOE_1]}),
]


@pytest.mark.parametrize("method,path,body", CALLS)
def test_viewer_gets_403_everywhere(sb, method, path, body):
    before = sb.state()["ispring"]
    r = rest(sb, method, path, token=get_token(sb, "viewer"), json=body)
    assert error_of(r, 403) == "Permission denied"
    after = sb.state()["ispring"]
    assert (after["enrollments"], after["tasks"]) == (before["enrollments"], before["tasks"])


@pytest.mark.parametrize("method,path,body", CALLS)
def test_unauthenticated_gets_401_everywhere(sb, method, path, body):
    error_of(rest(sb, method, path, token=None, json=body), 401)


def test_wrong_method_405(sb):
    r = rest(sb, "DELETE", "/users")
    error_of(r, 405)
    assert r.headers["Allow"] == "GET"
    r = rest(sb, "PUT", "/enrollment")
    assert error_of(r, 405) and r.headers["Allow"] == "GET, POST"
    assert rest(sb, "GET", "/enrollment/delete").status_code == 404  # GET names an enrollment "delete"


# --- UpdateCourseStatus and GetTaskStatus ---------------------------------------------------------------------


def test_update_course_status_complete_and_task(sb):
    soap_status, root = update_status(sb, [E_ASMITH_1])  # a SOAP task first: one id sequence
    assert text_of(root, "taskId") == "100027"
    r = set_status(sb, complete_body([E_JDOE_1, E_JDOE_1], date="2024-05-01T10:30:00+02:00", reason="Offline"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"taskId": 100028}
    assert task_status(sb, 100028) == "in_progress"
    assert text_of(soap(sb, "getTaskStatus", "<taskId>100028</taskId>")[1], "status") == "in progress"
    assert wait_rest_task(sb, 100028) == "complete"
    assert text_of(soap(sb, "getTaskStatus", "<taskId>100028</taskId>")[1], "status") == "complete"
    assert task_status(sb, 100027) == "complete"  # a SOAP task over REST
    enr = enrollment(sb, E_JDOE_1)
    assert (enr["completionStatus"], enr["completionDate"], enr["progress"]) == ("complete", "2024-05-01T08:30:00Z", 50)
    task = next(t for t in sb.state()["ispring"]["tasks"] if t["taskId"] == 100028)
    assert (task["interface"], task["enrollmentIds"], task["reason"]) == ("rest", [E_JDOE_1], "Offline")


@pytest.mark.parametrize("status", ["passed", "failed", "incomplete"])
def test_update_course_status_set_statuses(sb, status):
    r = set_status(sb, complete_body([E_ASMITH_1, E_JDOE_1], status=status, date="2024-06-02T12:00:00Z"))
    assert wait_rest_task(sb, r.json()["taskId"]) == "complete"
    for eid in (E_ASMITH_1, E_JDOE_1):
        enr = enrollment(sb, eid)
        assert (enr["completionStatus"], enr["completionDate"]) == (status, "2024-06-02T12:00:00Z")
    # over SOAP too
    status_, root = soap(sb, "ListLearnersResults", ids("enrollmentIds", [E_ASMITH_1]))
    assert text_of(root, "completionStatus") == status and text_of(root, "completionDate") == "2024-06-02T12:00:00Z"


def test_update_course_status_awarded_score_and_automatic(sb):
    r = set_status(sb, complete_body([E_LTAN_1], status="automatic", date=None, awardedScore=87.5))
    assert wait_rest_task(sb, r.json()["taskId"]) == "complete"
    ltan = enrollment(sb, E_LTAN_1)
    assert (ltan["completionStatus"], ltan["completionDate"], ltan["awardedScore"]) == ("in_progress", None, 87.5)
    r = set_status(sb, complete_body([E_JDOE_1], status="passed", awardedScore=100))
    wait_rest_task(sb, r.json()["taskId"])
    assert by_enrollment(results(sb, enrollmentIds=E_JDOE_1)["results"])[E_JDOE_1]["awardedScore"] == 100
    status_, root = soap(sb, "ListLearnersResults", ids("enrollmentIds", [E_JDOE_1]))
    assert text_of(root, "awardedScore") == "100"


@pytest.mark.parametrize(
    "body,mentions",
    [
        ({"enrollmentIds": [E_JDOE_1], "status": "complete", "date": "2024-01-01T00:00:00Z"}, "courseId"),
        ({"courseId": COURSE1, "status": "complete", "date": "2024-01-01T00:00:00Z"}, "enrollmentIds"),
        ({"courseId": COURSE1, "enrollmentIds": [], "status": "automatic"}, "enrollmentIds"),
        ({"courseId": COURSE1, "enrollmentIds": E_JDOE_1, "status": "automatic"}, "enrollmentIds"),
        ({"courseId": COURSE1, "enrollmentIds": [E_JDOE_1]}, "status"),
        (complete_body([E_JDOE_1], status="completed"), "status"),
        (complete_body([E_JDOE_1], status="Complete"), "status"),
        (complete_body([E_JDOE_1], date=None), "date"),
        (complete_body([E_JDOE_1], status="failed", date=None), "date"),
        (complete_body([E_JDOE_1], date="2024-05-01 00"), "date"),
        (complete_body([E_JDOE_1], date="01.05.2024"), "date"),
        (complete_body([E_JDOE_1], date="2024-02-30T00:00:00Z"), "date"),
        (complete_body([E_JDOE_1], date=20240501), "date"),
        (complete_body([E_JDOE_1], awardedScore=101), "awardedScore"),
        (complete_body([E_JDOE_1], awardedScore=-1), "awardedScore"),
        (complete_body([E_JDOE_1], awardedScore="90"), "awardedScore"),
        (complete_body([E_JDOE_1], awardedScore=True), "awardedScore"),
        (complete_body([E_JDOE_1], reason=5), "reason"),
    ],
)
def test_update_course_status_bad_parameters(sb, body, mentions):
    assert mentions in error_of(set_status(sb, body), 400)
    assert sb.state()["ispring"]["tasks"] == []


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"x"'])
def test_update_course_status_body_not_an_object(sb, raw):
    r = requests.post(
        sb.url + "/statistics/course",
        data=raw,
        headers={"Authorization": "Bearer " + SEED_TOKEN, "Content-Type": "application/json"},
        timeout=10,
    )
    assert "body" in error_of(r, 400)


def test_update_course_status_unknown_course_and_enrollment(sb):
    message = error_of(set_status(sb, complete_body([E_JDOE_1], course=NO_COURSE)), 400)
    assert message.startswith("Unknown content item") and NO_COURSE in message
    message = error_of(set_status(sb, complete_body([E_JDOE_1, "nope"])), 400)
    assert message.startswith("Unknown Enrollment") and "nope" in message
    message = error_of(set_status(sb, complete_body([E_JDOE_2])), 400)  # course 2's, not course 1's
    assert E_JDOE_2 in message
    assert sb.state()["ispring"]["tasks"] == []


@pytest.mark.parametrize(
    "who,eids,course,expected",
    [
        ("sales", [SEED_ENROLLMENT, E_LTAN_1], COURSE1, 200),
        ("sales", [E_JDOE_1, E_ASMITH_1], COURSE1, 403),
        ("editor", [E_JDOE_2, E_ASMITH_2], COURSE2, 200),
        ("editor", [E_JDOE_1], COURSE1, 403),
        ("owner", [E_ASMITH_1], COURSE1, 200),
    ],
)
def test_update_course_status_permissions(sb, who, eids, course, expected):
    r = set_status(sb, complete_body(eids, course=course), token=get_token(sb, who))
    if expected == 200:
        assert r.status_code == 200
        assert wait_rest_task(sb, r.json()["taskId"]) == "complete"
        assert all(enrollment(sb, e)["completionStatus"] == "complete" for e in eids)
    else:
        assert error_of(r, 403).startswith("Permission denied")
        assert sb.state()["ispring"]["tasks"] == []  # all or nothing


def test_get_task_status_errors(sb):
    assert "Task" in error_of(rest(sb, "GET", "/task/999999/status"), 404)
    assert "taskId" in error_of(rest(sb, "GET", "/task/abc/status"), 400)


def test_task_failed_fault_on_rest(sb):
    sb.faults([{"kind": "task_failed", "interface": "rest"}])
    update_status(sb, [E_ASMITH_1])  # SOAP: not hit
    r = set_status(sb, complete_body([E_JDOE_1]))
    task_id = r.json()["taskId"]
    assert wait_rest_task(sb, task_id) == "error"
    assert text_of(soap(sb, "getTaskStatus", "<taskId>%d</taskId>" % task_id)[1], "status") == "failed"
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "in_progress"
    assert enrollment(sb, E_ASMITH_1)["completionStatus"] == "complete"


def test_fail_write_on_rest(sb):
    sb.faults([{"kind": "fail_write", "operations": ["UpdateCourseStatus", "EnrollLearnersInCourses"], "count": 2}])
    r = set_status(sb, complete_body([E_JDOE_1]))
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    body = {"courseIds": [COURSE2], "learnerIds": [MGARCIA], "dueDateType": "unlimited"}
    assert rest(sb, "POST", "/enrollment", json=body).status_code == 500
    time.sleep(0.15)
    state = sb.state()["ispring"]
    assert state["tasks"] == [] and len(state["enrollments"]) == 9
    assert rest(sb, "POST", "/enrollment", json=body).status_code == 201


# --- ListLearnerResults -----------------------------------------------------------------------------------------

LEARNER_RESULT_REQUIRED = {"userId", "courseId", "courseTitle", "accessDate", "completionStatus", "isOverdue"}


def test_learner_results_records(sb):
    r = rest(sb, "GET", "/learners/results", params={"courseIds": COURSE1})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"results"}
    recs = by_enrollment(body["results"])
    assert len(recs) == 6
    for rec in recs.values():
        assert LEARNER_RESULT_REQUIRED <= set(rec)
        assert rec["courseTitle"] == "Information Security Basics"
    kwong = recs[SEED_ENROLLMENT]
    assert kwong == {
        "userId": KWONG,
        "courseId": COURSE1,
        "courseTitle": "Information Security Basics",
        "enrollmentId": SEED_ENROLLMENT,
        "accessDate": "2020-07-10T09:00:00Z",
        "dueDate": "2020-08-31T00:00:00Z",
        "completionStatus": "in_progress",
        "awardedScore": 10,
        "progress": 25,
        "isOverdue": True,
    }
    mg = recs[E_MGARCIA_1]
    assert (mg["completionDate"], mg["progress"], mg["isOverdue"]) == ("2020-06-30T14:12:00Z", 100, False)
    assert "dueDate" not in mg and "completionDate" not in recs[E_ASMITH_1]


def test_learner_results_same_records_as_soap(sb):
    status, root = soap(sb, "ListLearnersResults", "")
    soap_recs = {
        text_of(r, "enrollmentId"): (text_of(r, "completionStatus"), int(text_of(r, "progress")), text_of(r, "userId"))
        for r in find_all(root, "learnerResult")
    }
    rest_recs = {r["enrollmentId"]: (r["completionStatus"], r["progress"], r["userId"]) for r in results(sb)["results"]}
    assert rest_recs == soap_recs and len(rest_recs) == 9


def test_learner_results_filters(sb):
    sb.settings(ispring_rest_arrays="lenient")  # every spelling of an array, every value
    assert set(by_enrollment(results(sb, userIds=JDOE)["results"])) == {E_JDOE_1, E_JDOE_2}
    assert set(by_enrollment(results(sb, **{"userIds[]": JDOE})["results"])) == {E_JDOE_1, E_JDOE_2}
    got = results(sb, courseIds=[COURSE1, COURSE2], userIds=[JDOE, KWONG])["results"]
    assert set(by_enrollment(got)) == {E_JDOE_1, E_JDOE_2, SEED_ENROLLMENT, E_KWONG_2}
    assert set(by_enrollment(results(sb, courseIds=COURSE2, userIds=JDOE)["results"])) == {E_JDOE_2}
    got = results(sb, enrollmentIds=[E_KWONG_2, E_JDOE_1, "unknown"])["results"]
    assert set(by_enrollment(got)) == {E_KWONG_2, E_JDOE_1}
    assert results(sb, **{"courseIds[]": COURSE1, "enrollmentIds[]": E_KWONG_2})["results"] == []
    message = error_of(rest(sb, "GET", "/learners/results", params={"courseIds": [COURSE1, NO_COURSE]}), 400)
    assert message.startswith("Unknown content item") and NO_COURSE in message


@pytest.mark.parametrize("name", ["departmentIds", "completionStatuses", "userStatuses", "completionDate[startDate]"])
def test_learner_results_filters_not_emulated(sb, name):
    assert name.split("[")[0] in error_of(rest(sb, "GET", "/learners/results", params={name: "x"}), 400)


def test_learner_results_paging(sb):
    records, pages = page_all(sb, "/learners/results", "results", 2, courseIds=COURSE1)
    assert (pages, len({r["enrollmentId"] for r in records})) == (3, 6)
    records, pages = page_all(sb, "/learners/results", "results", 4)
    assert (pages, len(records)) == (3, 9)
    records, pages = page_all(sb, "/learners/results", "results", 1000)
    assert (pages, len(records)) == (1, 9)


@pytest.mark.parametrize("size", ["1001", "0", "-1", "ten"])
def test_rest_page_size_bounds(sb, size):
    for path in ("/learners/results", "/users", "/enrollments"):
        assert "pageSize" in error_of(rest(sb, "GET", path, params={"pageSize": size}), 400)


def test_rest_page_token_errors(sb):
    token = results(sb, pageSize=2)["nextPageToken"]
    assert "pageToken" in error_of(rest(sb, "GET", "/learners/results", params={"pageToken": "garbage!!"}), 400)
    r = rest(sb, "GET", "/learners/results", params={"pageSize": 2, "pageToken": token, "courseIds": COURSE1})
    assert "pageToken" in error_of(r, 400)  # bound to its query
    error_of(rest(sb, "GET", "/enrollments", params={"pageSize": 2, "pageToken": token}), 400)
    status, root = soap(sb, "ListLearnersResults", "<pageSize>2</pageSize>")
    soap_token = text_of(root, "nextPageToken")
    error_of(rest(sb, "GET", "/learners/results", params={"pageSize": 2, "pageToken": soap_token}), 400)


def test_learner_results_permissions(sb):
    got = results(sb, token=get_token(sb, "sales"), courseIds=COURSE1)["results"]
    assert set(by_enrollment(got)) == {SEED_ENROLLMENT, E_JDOE_1, E_LTAN_1, E_BJONES_1}
    got = results(sb, token=get_token(sb, "editor"))["results"]
    assert {r["courseId"] for r in got} == {COURSE2}
    assert results(sb, token=get_token(sb, "editor"), courseIds=COURSE1)["results"] == []


# --- ListUsers ----------------------------------------------------------------------------------------------------


def users(sb, token=SEED_TOKEN, **params):
    r = rest(sb, "GET", "/users", token=token, params=params)
    assert r.status_code == 200, r.text
    return {u["fields"]["login"]: u for u in r.json()["userProfiles"]}


def test_list_users_record(sb):
    r = rest(sb, "GET", "/users", params={"logins[]": "jdoe"})
    body = r.json()
    assert set(body) == {"userProfiles"}
    (jdoe,) = body["userProfiles"]
    assert jdoe["fields"] == {"login": "jdoe", "email": "jdoe@example.com", "firstName": "John", "lastName": "Doe"}
    assert (jdoe["userId"], jdoe["role"], jdoe["status"]) == (JDOE, "learner", 1)
    assert jdoe["departmentId"] == "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c02"
    required = {"userId", "role", "roleId", "departmentId", "status", "fields", "addedDate", "lastLoginDate"}
    assert required | {"userRoles", "subordination", "coSubordination"} <= set(jdoe)
    assert jdoe["userRoles"] == [{"roleId": jdoe["roleId"], "roleType": "learner"}]


def test_list_users_filters(sb):
    sb.settings(ispring_rest_arrays="lenient", ispring_user_filters="or")
    got = users(sb, **{"logins[]": ["jdoe", "nobody"], "emails[]": ["ASMITH@example.com", "mgarcia@EXAMPLE.com"]})
    assert set(got) == {"jdoe", "asmith", "mgarcia"}
    assert users(sb, **{"logins[]": "JDOE"}) == {}  # logins are exact
    assert set(users(sb, logins="jdoe")) == {"jdoe"}  # the name without [] is read too
    assert set(users(sb, **{"logins[]": ["bjones", "jdoe"]})) == {"jdoe"}  # active users only
    every = users(sb)
    assert len(every) == 10 and "bjones" not in every
    assert (every["admin"]["role"], every["owner"]["role"]) == ("administrator", "administrator")
    assert every["salesadmin"]["role"] == "department_administrator"
    assert len(every["salesadmin"]["userRoles"][0]["manageableDepartmentIds"]) == 2
    assert every["editor"]["role"] == "custom"


def test_list_users_v2_by_id_lists_every_status(sb):
    """ListUsersV2's userIds[] filter (LIST_USERS_BY_ID_EVERY_STATUS): the ids' users, bjones
    (inactive) too; an unknown id lists nothing; without userIds it lists as ListUsers."""
    bjones, ghost = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e06", "5b2e9f10-0002-4c3d-9e8f-00000000dead"
    r = rest(sb, "GET", "/users/v2", params={"userIds[]": [JDOE, bjones, ghost]})
    assert r.status_code == 200, r.text
    got = {u["userId"]: u["status"] for u in r.json()["userProfiles"]}
    assert got == {JDOE: 1, bjones: 3}
    r = rest(sb, "GET", "/users/v2", params={"userIds[]": [JDOE, bjones], "logins[]": "jdoe"})
    assert [u["userId"] for u in r.json()["userProfiles"]] == [JDOE]  # AND-ed with the other filters
    every = rest(sb, "GET", "/users/v2").json()["userProfiles"]
    assert len(every) == 10 and bjones not in {u["userId"] for u in every}
    scoped = rest(sb, "GET", "/users/v2", token=get_token(sb, "sales"), params={"userIds[]": [bjones, MGARCIA]})
    assert [u["userId"] for u in scoped.json()["userProfiles"]] == [bjones]  # a department admin's scope


def test_list_users_v2_by_login_lists_every_status(sb):
    """ListUsersV2's logins[] and emails[] (LIST_USERS_V2_BY_NAME_EVERY_STATUS): bjones (inactive) is
    listed by login and by email, so ispring_user finds a leaver and does not create them again;
    ListUsers by login still lists active users only."""
    for params in ({"logins[]": ["bjones", "jdoe"]}, {"emails[]": ["bjones@example.com"]}):
        r = rest(sb, "GET", "/users/v2", params=params)
        assert r.status_code == 200, r.text
        assert "bjones" in {u["fields"]["login"] for u in r.json()["userProfiles"]}, params
    assert set(users(sb, **{"logins[]": ["bjones"]})) == set()


def test_list_users_paging_and_scope(sb):
    records, pages = page_all(sb, "/users", "userProfiles", 3)
    assert (pages, len({u["userId"] for u in records})) == (4, 10)
    assert set(users(sb, token=get_token(sb, "sales"))) == {"salesadmin", "jdoe", "kwong", "ltan"}


# --- enrollments ------------------------------------------------------------------------------------------------

ENROLLMENT_KEYS = {
    "enrollmentId",
    "courseId",
    "learnerId",
    "accessDate",
    "shouldLockAfterDueDate",
    "enrollmentTypeGroup",
}


def enrollments(sb, token=SEED_TOKEN, **params):
    r = rest(sb, "GET", "/enrollments", token=token, params=params)
    assert r.status_code == 200, r.text
    return by_enrollment(r.json()["enrollments"])


def test_list_enrollments_records(sb):
    got = enrollments(sb)
    assert len(got) == 9
    for rec in got.values():
        assert ENROLLMENT_KEYS <= set(rec) and rec["enrollmentTypeGroup"] in (0, 1)
    assert got[SEED_ENROLLMENT] == {
        "enrollmentId": SEED_ENROLLMENT,
        "courseId": COURSE1,
        "learnerId": KWONG,
        "accessDate": "2020-07-10",
        "dueDate": "2020-08-31",
        "shouldLockAfterDueDate": True,
        "enrollmentTypeGroup": 0,
    }
    assert got[E_ASMITH_1]["enrollmentTypeGroup"] == 1  # enrolled from the catalog
    assert "dueDate" not in got[E_ASMITH_1]


def test_list_enrollments_filters_and_paging(sb):
    assert set(enrollments(sb, **{"courseIds[]": COURSE2})) == {E_JDOE_2, E_ASMITH_2, E_KWONG_2}
    assert set(enrollments(sb, **{"learnerIds[]": JDOE})) == {E_JDOE_1, E_JDOE_2}
    assert set(enrollments(sb, **{"enrollmentIds[]": [E_JDOE_1, E_KWONG_2], "courseIds[]": COURSE2})) == {E_KWONG_2}
    records, pages = page_all(sb, "/enrollments", "enrollments", 4)
    assert (pages, len(records)) == (3, 9)
    message = error_of(rest(sb, "GET", "/enrollments", params={"courseIds[]": NO_COURSE}), 400)
    assert message.startswith("Unknown content item")
    assert set(enrollments(sb, token=get_token(sb, "editor"))) == {E_JDOE_2, E_ASMITH_2, E_KWONG_2}


def test_list_enrollments_by_post_and_get_enrollments(sb):
    r = rest(sb, "POST", "/enrollments", json={"courseIds": [COURSE2], "pageSize": 2})
    body = r.json()
    assert r.status_code == 200 and len(body["enrollments"]) == 2 and body["nextPageToken"]
    r = rest(
        sb, "POST", "/enrollments", json={"courseIds": [COURSE2], "pageSize": 2, "pageToken": body["nextPageToken"]}
    )
    assert len(r.json()["enrollments"]) == 1 and "nextPageToken" not in r.json()
    assert "learnerIds" in error_of(rest(sb, "POST", "/enrollments", json={"learnerIds": "x"}), 400)
    r = rest(sb, "GET", "/enrollment", params={"learnerIds[]": JDOE})
    assert r.status_code == 200 and set(r.json()) == {"enrollments"}
    assert set(by_enrollment(r.json()["enrollments"])) == {E_JDOE_1, E_JDOE_2}


def test_get_enrollment(sb):
    r = rest(sb, "GET", "/enrollment/%s" % E_KWONG_2)
    assert r.status_code == 200 and r.json()["dueDate"] == "2020-09-30" and r.json()["learnerId"] == KWONG
    assert "Unknown Enrollment" in error_of(rest(sb, "GET", "/enrollment/nope"), 404)
    error_of(rest(sb, "GET", "/enrollment/%s" % E_ASMITH_1, token=get_token(sb, "sales")), 403)


def new_enrollment(sb, course, learner, **body):
    body = dict({"courseIds": [course], "learnerIds": [learner], "dueDateType": "unlimited"}, **body)
    return rest(sb, "POST", "/enrollment", json=body)


def made(sb, course, learner):
    return next(
        e for e in sb.state()["ispring"]["enrollments"] if e["courseId"] == course and e["learnerId"] == learner
    )


def test_enroll_learners_in_courses_seen_everywhere(sb):
    r = new_enrollment(sb, COURSE2, MGARCIA, dueDateType="due_date", dueDate="2026-03-31", accessDate="2026-01-05")
    assert (r.status_code, r.content) == (201, b"")
    rec = made(sb, COURSE2, MGARCIA)
    assert rec["enrollmentId"] == "e0000000-0000-4000-9000-000000000001"
    assert (rec["accessDate"], rec["dueDate"], rec["dueDateType"]) == (
        "2026-01-05T00:00:00Z",
        "2026-03-31T00:00:00Z",
        "due_date",
    )
    assert (rec["completionStatus"], rec["progress"], rec["enrollmentTypeGroup"]) == ("not_started", 0, 0)
    eid = rec["enrollmentId"]
    # SOAP ListLearnersResults and ListEnrollments
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [COURSE2]))
    soap_rec = next(x for x in find_all(root, "learnerResult") if text_of(x, "enrollmentId") == eid)
    assert (text_of(soap_rec, "completionStatus"), text_of(soap_rec, "progress")) == ("not_started", "0")
    status, root = soap(sb, "ListEnrollments", ids("learnerIds", [MGARCIA]))
    assert eid in {text_of(x, "enrollmentId") for x in find_all(root, "enrollment")}
    # REST results and enrollments
    assert by_enrollment(results(sb, courseIds=COURSE2)["results"])[eid]["completionStatus"] == "not_started"
    assert enrollments(sb)[eid]["dueDate"] == "2026-03-31"
    # and SOAP can complete it
    status, root = update_status(sb, [eid], course=COURSE2)
    assert status == 200
    wait_until(lambda: enrollment(sb, eid)["completionStatus"] == "complete")


@pytest.mark.parametrize(
    "body,due,period",
    [
        ({"dueDateType": "unlimited", "dueDate": "2026-03-31"}, None, None),
        ({"dueDateType": "due_period", "duePeriod": 240}, "2026-01-15T00:00:00Z", 240),  # r3: hours
        ({"dueDateType": "due_period", "duePeriod": 30}, "2026-01-06T06:00:00Z", 30),
        ({"dueDateType": "default"}, "2026-02-04T00:00:00Z", None),  # Workplace Safety: 30 days
        ({"dueDateType": "due_date", "dueDate": "2026-12-24", "lockAfterDueDate": True}, "2026-12-24T00:00:00Z", None),
    ],
)
def test_enroll_due_date_types(sb, body, due, period):
    r = new_enrollment(sb, COURSE2, MGARCIA, accessDate="2026-01-05", **body)
    assert r.status_code == 201, r.text
    rec = made(sb, COURSE2, MGARCIA)
    assert (rec["dueDateType"], rec["dueDate"], rec["duePeriod"]) == (body["dueDateType"], due, period)
    assert rec["lockAfterDueDate"] is body.get("lockAfterDueDate", False)


VIEWER = "8a6b1c2d-0001-4e5f-8a9b-0c1d2e3f4a05"  # a user with no admin rights, not enrolled anywhere


def test_enroll_default_without_course_default_and_access_today(sb):
    assert new_enrollment(sb, COURSE1, VIEWER, dueDateType="default").status_code == 201
    rec = made(sb, COURSE1, VIEWER)
    assert rec["accessDate"] == time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime())  # no accessDate: today
    assert (rec["dueDateType"], rec["dueDate"]) == ("default", None)  # course 1 has no defaultDuePeriod


def test_enroll_already_enrolled_is_unchanged(sb):
    before = sb.state()["ispring"]["enrollments"]
    body = {"courseIds": [COURSE1], "learnerIds": [JDOE, ASMITH], "dueDateType": "due_period", "duePeriod": 3}
    assert rest(sb, "POST", "/enrollment", json=body).status_code == 201
    assert sb.state()["ispring"]["enrollments"] == before


def test_enroll_several_learners_and_courses(sb):
    body = {
        "courseIds": [COURSE2],
        "learnerIds": [MGARCIA, LTAN, JDOE],
        "dueDateType": "unlimited",
        "accessDate": "2026-01-05T08:00:00Z",
    }
    assert rest(sb, "POST", "/enrollment", json=body).status_code == 201
    state = sb.state()["ispring"]["enrollments"]
    assert len(state) == 11  # jdoe was enrolled in course 2 already
    assert made(sb, COURSE2, LTAN)["accessDate"] == "2026-01-05T08:00:00Z"


def nb(drop=(), **over):
    """A NewEnrollment body for mgarcia in course 2, with changes."""
    body = {"courseIds": [COURSE2], "learnerIds": [MGARCIA], "dueDateType": "unlimited"}
    body.update(over)
    for key in drop:
        del body[key]
    return body


@pytest.mark.parametrize(
    "body,status,mentions",
    [
        (nb(drop=["courseIds"]), 400, "courseIds"),
        (nb(drop=["learnerIds"]), 400, "learnerIds"),
        (nb(drop=["dueDateType"]), 400, "dueDateType"),
        (nb(dueDateType="soon"), 400, "dueDateType"),
        (nb(dueDateType="due_date"), 400, "dueDate"),
        (nb(dueDateType="due_date", dueDate="31.03.2026"), 400, "dueDate"),
        (nb(dueDateType="due_period"), 400, "duePeriod"),
        (nb(dueDateType="due_period", duePeriod=0), 400, "duePeriod"),
        (nb(accessDate="soon"), 400, "accessDate"),
        (nb(lockAfterDueDate="yes"), 400, "lockAfterDueDate"),
        (nb(courseIds=[COURSE2, NO_COURSE]), 400, NO_COURSE),
        (nb(learnerIds=[MGARCIA, "ghost"]), 400, "ghost"),
    ],
)
def test_enroll_errors_all_or_nothing(sb, body, status, mentions):
    assert mentions in error_of(rest(sb, "POST", "/enrollment", json=body), status)
    assert len(sb.state()["ispring"]["enrollments"]) == 9


@pytest.mark.parametrize(
    "who,course,learners,expected",
    [
        ("sales", COURSE2, [LTAN], 201),  # sales-emea: a sub-department
        ("sales", COURSE2, [LTAN, MGARCIA], 403),  # mgarcia: engineering
        ("editor", COURSE2, [MGARCIA, LTAN], 201),
        ("editor", COURSE1, [MGARCIA], 403),  # editor cannot edit course 1
    ],
)
def test_enroll_permissions(sb, who, course, learners, expected):
    body = {"courseIds": [course], "learnerIds": learners, "dueDateType": "unlimited"}
    r = rest(sb, "POST", "/enrollment", token=get_token(sb, who), json=body)
    if expected == 201:
        assert r.status_code == 201
        assert len(sb.state()["ispring"]["enrollments"]) == 9 + len(learners)
    else:
        assert error_of(r, 403).startswith("Permission denied")
        assert len(sb.state()["ispring"]["enrollments"]) == 9


def test_change_enrollment(sb):
    body = {"accessDate": "2026-01-05 09:30:00", "dueDateType": "due_period", "duePeriod": 168}
    body["lockAfterDueDate"] = True
    r = rest(sb, "POST", "/enrollment/%s" % E_ASMITH_1, json=body)
    assert (r.status_code, r.content) == (200, b"")
    rec = enrollment(sb, E_ASMITH_1)
    assert (rec["accessDate"], rec["dueDate"], rec["dueDateType"], rec["duePeriod"], rec["lockAfterDueDate"]) == (
        "2026-01-05T09:30:00Z",
        "2026-01-12T09:30:00Z",
        "due_period",
        168,
        True,
    )
    assert rec["enrollmentTypeGroup"] == 1 and rec["completionStatus"] == "not_started"  # the rest is kept
    status, root = soap(sb, "ListEnrollments", ids("learnerIds", [ASMITH]) + ids("courseIds", [COURSE1]))
    assert text_of(root, "dueDate") == "2026-01-12T09:30:00Z"
    # the time of day is kept and answered by LearnerResult only (Enrollment.accessDate is a date)
    query = {"courseIds[]": COURSE1, "enrollmentIds[]": E_ASMITH_1}
    [result] = rest(sb, "GET", "/learners/results", params=query).json()["results"]
    [listed] = rest(sb, "GET", "/enrollments", params=query).json()["enrollments"]
    assert (result["accessDate"], listed["accessDate"]) == ("2026-01-05T09:30:00Z", "2026-01-05")
    sb.settings(ispring_rest_dates="west")
    [result] = rest(sb, "GET", "/learners/results", params=query).json()["results"]
    assert result["accessDate"] == "2026-01-05 09:30:00"
    r = rest(sb, "POST", "/enrollment/%s" % E_ASMITH_1, json={"accessDate": "2026-02-01", "dueDateType": "unlimited"})
    assert r.status_code == 200 and enrollment(sb, E_ASMITH_1)["dueDate"] is None


def test_change_enrollment_errors(sb):
    before = sb.state()["ispring"]["enrollments"]
    ok = {"accessDate": "2026-01-05", "dueDateType": "unlimited"}
    assert "Unknown Enrollment" in error_of(rest(sb, "POST", "/enrollment/nope", json=ok), 404)
    assert "accessDate" in error_of(
        rest(sb, "POST", "/enrollment/%s" % E_JDOE_1, json={"dueDateType": "unlimited"}), 400
    )
    r = rest(sb, "POST", "/enrollment/%s" % E_JDOE_1, json={"accessDate": "2026-01-05"})
    assert "dueDateType" in error_of(r, 400)
    error_of(rest(sb, "POST", "/enrollment/%s" % E_ASMITH_1, token=get_token(sb, "sales"), json=ok), 403)
    error_of(rest(sb, "POST", "/enrollment/%s" % E_JDOE_1, token=get_token(sb, "editor"), json=ok), 403)
    assert sb.state()["ispring"]["enrollments"] == before


def test_unenroll(sb):
    r = rest(sb, "POST", "/enrollment/delete", json={"enrollmentIds": [E_JDOE_1, E_KWONG_2]})
    assert (r.status_code, r.content) == (204, b"")
    assert "Content-Type" not in r.headers
    gone = {E_JDOE_1, E_KWONG_2}
    assert not gone & set(enrollments(sb)) and not gone & set(by_enrollment(results(sb)["results"]))
    status, root = soap(sb, "ListLearnersResults", "")
    assert not gone & {text_of(x, "enrollmentId") for x in find_all(root, "learnerResult")}
    status, root = soap(sb, "ListEnrollments", "")
    assert len(find_all(root, "enrollment")) == 7
    assert len(results(sb, courseIds=COURSE1)["results"]) == 5  # and by course
    status, root = soap(sb, "ListEnrollments", ids("courseIds", [COURSE2]))
    assert {text_of(x, "enrollmentId") for x in find_all(root, "enrollment")} == {E_JDOE_2, E_ASMITH_2}
    status, root = update_status(sb, [E_JDOE_1])
    assert fault_of(root) == "Unknown Enrollment"


def test_unenroll_errors_all_or_nothing(sb):
    message = error_of(rest(sb, "POST", "/enrollment/delete", json={"enrollmentIds": [E_JDOE_1, "nope"]}), 400)
    assert message.startswith("Unknown Enrollment") and "nope" in message
    assert "enrollmentIds" in error_of(rest(sb, "POST", "/enrollment/delete", json={"enrollmentIds": []}), 400)
    assert "enrollmentIds" in error_of(rest(sb, "POST", "/enrollment/delete", json={}), 400)
    r = rest(
        sb, "POST", "/enrollment/delete", token=get_token(sb, "sales"), json={"enrollmentIds": [E_JDOE_1, E_ASMITH_1]}
    )
    error_of(r, 403)
    assert len(sb.state()["ispring"]["enrollments"]) == 9


def test_unenroll_pending_task_applies_to_the_rest(sb):
    sb.settings(task_delay=0.5)
    task_id = set_status(sb, complete_body([E_JDOE_1, E_ASMITH_1])).json()["taskId"]
    assert rest(sb, "POST", "/enrollment/delete", json={"enrollmentIds": [E_JDOE_1]}).status_code == 204
    assert wait_rest_task(sb, task_id) == "complete"
    assert enrollment(sb, E_ASMITH_1)["completionStatus"] == "complete"


def test_soap_change_seen_over_rest(sb):
    update_status(sb, [E_JDOE_1], date="2024-03-04")
    wait_until(lambda: enrollment(sb, E_JDOE_1)["completionStatus"] == "complete")
    rec = by_enrollment(results(sb, enrollmentIds=E_JDOE_1)["results"])[E_JDOE_1]
    assert (rec["completionStatus"], rec["completionDate"]) == ("complete", "2024-03-04T00:00:00Z")


def test_state_shows_enrollment_fields(sb):
    rec = enrollment(sb, SEED_ENROLLMENT)
    assert {
        k: rec[k] for k in ("awardedScore", "enrollmentTypeGroup", "dueDateType", "duePeriod", "lockAfterDueDate")
    } == {
        "awardedScore": 10,
        "enrollmentTypeGroup": 0,
        "dueDateType": "due_date",
        "duePeriod": None,
        "lockAfterDueDate": True,
    }
    assert (enrollment(sb, E_ASMITH_1)["enrollmentTypeGroup"], enrollment(sb, E_ASMITH_1)["dueDateType"]) == (
        1,
        "unlimited",
    )


# --- request log and faults -------------------------------------------------------------------------------------


def test_rest_request_log(sb):
    token = get_token(sb)
    rest(sb, "GET", "/learners/results", token=token, params={"courseIds": [COURSE1, COURSE2], "pageSize": 5})
    body = complete_body([E_JDOE_1])
    set_status(sb, body, token=token)
    rest(sb, "GET", "/task/100027/status", token=token)
    rest(sb, "GET", "/users", token=token, params={"logins[]": "jdoe"})
    rest(sb, "GET", "/enrollments", token=token)
    new_enrollment(sb, COURSE2, MGARCIA)
    rest(
        sb,
        "POST",
        "/enrollment/%s" % E_JDOE_1,
        token=token,
        json={"accessDate": "2024-01-01", "dueDateType": "unlimited"},
    )
    rest(sb, "POST", "/enrollment/delete", token=token, json={"enrollmentIds": [E_JDOE_2]})
    log = sb.requests(interface="rest")
    assert [(e["operation"], e["method"], e["status"]) for e in log] == [
        ("ListLearnerResults", "GET", 200),
        ("UpdateCourseStatus", "POST", 200),
        ("GetTaskStatus", "GET", 200),
        ("ListUsers", "GET", 200),
        ("ListEnrollments", "GET", 200),
        ("EnrollLearnersInCourses", "POST", 201),
        ("ChangeEnrollment", "POST", 200),
        ("Unenroll", "POST", 204),
    ]
    assert all(e["api"] == "ispring" and e["interface"] == "rest" for e in log)
    assert log[0]["path"] == "/learners/results"
    assert log[0]["query"] == {"courseIds": [COURSE1, COURSE2], "pageSize": ["5"]}
    assert log[3]["query"] == {"logins[]": ["jdoe"]}
    assert json.loads(log[1]["body"]) == body and log[0]["body"] == ""
    assert log[2]["path"] == "/task/100027/status"
    assert token not in json.dumps(sb.requests())  # the bearer token is not logged


@pytest.mark.parametrize("kind", ["status", "html"])
def test_rest_fault_status_and_html(sb, kind):
    sb.faults([{"kind": kind, "code": 503, "retry_after": 2, "interface": "rest"}])
    r = set_status(sb, complete_body([E_JDOE_1]))
    assert r.status_code == 503
    if kind == "status":
        assert r.headers["Retry-After"] == "2" and r.headers["Content-Type"].startswith("text/plain")
    else:
        assert r.headers["Content-Type"].startswith("text/html")
    assert sb.state()["ispring"]["tasks"] == []


def test_rest_fault_drop_and_slow(sb):
    sb.faults([{"kind": "drop", "interface": "rest"}])
    with pytest.raises(requests.exceptions.ConnectionError):
        set_status(sb, complete_body([E_JDOE_1]))
    assert sb.state()["ispring"]["tasks"] == []
    sb.faults([{"kind": "slow", "seconds": 0.4, "interface": "rest"}])
    started = time.time()
    assert rest(sb, "GET", "/users").status_code == 200 and time.time() - started >= 0.4


@pytest.mark.parametrize(
    "path", ["/statistics/course", "/task/1/status", "/learners/results", "/users", "/enrollments"]
)
def test_rest_fault_malformed(sb, path):
    sb.faults([{"kind": "malformed"}])
    method = "POST" if path == "/statistics/course" else "GET"
    r = rest(sb, method, path, json=complete_body([E_JDOE_1]) if method == "POST" else None)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json") and r.content
    with pytest.raises(ValueError):
        json.loads(r.text)
    assert sb.state()["ispring"]["tasks"] == []


@pytest.mark.parametrize("kind", ["xxe", "bomb"])
def test_xml_only_faults_skip_rest(sb, kind):
    sb.faults([{"kind": kind}])
    r = rest(sb, "GET", "/users")
    assert r.status_code == 200 and "userProfiles" in r.json()  # a normal JSON reply
    rule = sb.faults()[0]
    assert (rule["seen"], rule["hits"]) == (0, 0)
    r = requests.post(
        sb.soap_url, data=b"<x/>", headers={"Content-Type": "text/xml"}, timeout=10
    )  # the next XML reply gets it
    assert b"<!DOCTYPE" in r.content and sb.faults()[0]["hits"] == 1


def test_rest_latency(sb):
    sb.settings(latency_ms=250)
    started = time.time()
    assert rest(sb, "GET", "/users").status_code == 200
    assert time.time() - started >= 0.25
    assert sb.requests(interface="rest")[-1]["duration"] >= 0.25


def test_log_entry_is_complete_when_the_reply_arrives(sb):
    # A reader of the request log right after a reply must not see a half-written entry (CI once
    # read a null duration): status and duration are set before the reply is sent.
    for _ in range(300):
        assert rest(sb, "GET", "/users").status_code == 200
        last = sb.requests(interface="rest")[-1]
        assert last["status"] == 200 and last["duration"] is not None
