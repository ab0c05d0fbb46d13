# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The REST schema check (rest_schema.py) can fail: a request that breaks the vendor's OpenAPI file
and a sandbox reply that drifts from it are both reported, on crafted log entries and end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
import yaml

from lms_sandbox.testing import SANDBOX_DIR, Sandbox

from . import rest_schema
from .runner import SEED_TOKEN, player

pytestmark = pytest.mark.any_line  # its subject is the check itself: the same on every line

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
KWONG_ENROLLMENT = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"
USER = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e03"
RESULT = {
    "userId": USER,
    "courseId": COURSE,
    "courseTitle": "Information Security Basics",
    "enrollmentId": KWONG_ENROLLMENT,
    "accessDate": "2020-07-10T09:00:00Z",
    "completionStatus": "in_progress",
    "isOverdue": True,
}


def entry(method, path, query=None, body=None, status=200, reply=None, **fields):
    """A REST log entry as the sandbox writes it (sandbox/README.md)."""
    made = {
        "method": method,
        "path": path,
        "operation": fields.pop("operation", None),
        "api": "ispring",
        "interface": "rest",
        "status": status,
        "fault": None,
        "query": query or {},
        "body": json.dumps(body) if body is not None else "",
        "body_truncated": False,
        "content_type": "application/json" if body is not None else None,
        "auth_scheme": "Bearer",
        "reply_content_type": "application/json" if reply is not None else None,
        "reply_body": json.dumps(reply) if reply is not None else "",
        "reply_truncated": False,
    }
    made.update(fields)
    return made


def status_update(changes=None, **fields):
    body = {"courseId": COURSE, "enrollmentIds": [KWONG_ENROLLMENT], "status": "complete"}
    body.update(changes or {})
    return entry(
        "POST", "/statistics/course", body=body, reply={"taskId": 100027}, operation="UpdateCourseStatus", **fields
    )


def results(query=None, reply=None, **fields):
    reply = {"results": [RESULT]} if reply is None else reply
    return entry("GET", "/learners/results", query=query, reply=reply, operation="ListLearnerResults", **fields)


def problems(*entries):
    return rest_schema.check_log(list(entries))


def test_the_vendor_file_is_beside_the_repository_and_not_in_it():
    assert os.path.isfile(rest_schema.SPEC_PATH), "missing: %s (CI lays ../shared beside its clone)" % (
        rest_schema.SPEC_PATH
    )
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=rest_schema.ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    assert not [path for path in tracked if path.endswith(os.path.basename(rest_schema.SPEC_PATH))]


def test_a_missing_file_fails_loudly(tmp_path):
    with pytest.raises(rest_schema.SpecMissing, match="no-such.yaml is missing: the REST schema check needs"):
        rest_schema.load(str(tmp_path / "no-such.yaml"))


def test_conforming_requests_and_replies_pass():
    assert (
        problems(
            status_update({"date": "2024-05-01T00:00:00Z", "reason": "Done"}),
            results({"courseIds[]": [COURSE], "enrollmentIds[]": [KWONG_ENROLLMENT], "pageSize": ["1000"]}),
            entry("GET", "/enrollments", {"courseIds[]": [COURSE], "pageSize": ["1000"]}, reply={"enrollments": []}),
            entry("GET", "/task/100027/status", reply={"status": "complete"}),
            entry("POST", "/enrollment/delete", body={"enrollmentIds": [KWONG_ENROLLMENT]}, status=204),
        )
        == []
    )


def test_a_request_that_breaks_the_file_is_reported():
    found = problems(
        status_update({"status": "done"}),
        entry("GET", "/enrollments", {"pageSize": ["many"]}, reply={"enrollments": []}),
        entry("GET", "/users", {"logins[]": ["jdoe"], "login": ["jdoe"]}, reply={"userProfiles": []}),
        entry("GET", "/task/abc/status", status=400, reply={"code": 400, "message": "taskId must be an integer"}),
        status_update(content_type="text/plain"),
        status_update(auth_scheme=None),
    )
    assert len(found) == 6, found
    assert (
        "POST /statistics/course (UpdateCourseStatus): request: InvalidRequestBody at status: 'done' is not one of"
        in (found[0])
    )
    assert "request: ParameterValidationError: Query parameter error: pageSize" in found[1] and "many" in found[1]
    assert "request: query parameter 'login' is not declared by the operation" in found[2]
    assert "Path parameter error: taskId (Failed to cast value to integer type: abc)" in found[3]
    assert "mimetype not found: text/plain" in found[4]
    assert "Security" in found[5]


def test_a_reply_that_drifts_from_the_file_is_reported():
    incomplete = {key: value for key, value in RESULT.items() if key != "courseTitle"}
    found = problems(
        results(reply={"results": [incomplete]}),
        entry("GET", "/task/100027/status", reply={"status": "finished"}),
        entry("GET", "/task/100027/status", reply={"status": "complete"}, reply_content_type="text/plain"),
        entry("POST", "/enrollment/delete", body={"enrollmentIds": [KWONG_ENROLLMENT]}, status=200),
        entry("GET", "/users", status=401, reply={"message": "Unauthorized"}, fault="expire_auth"),
    )
    assert len(found) == 5, found
    assert "reply HTTP 200: InvalidData at results/0: 'courseTitle' is a required property" in found[0]
    assert "reply HTTP 200: InvalidData at status: 'finished' is not one of" in found[1]
    assert "reply HTTP 200" in found[2] and "text/plain" in found[2]
    assert "reply HTTP 200: ResponseNotFound" in found[3]  # Unenroll declares 204
    assert "reply HTTP 401: InvalidData: 'code' is a required property" in found[4]  # expire_auth: the sandbox's own


def test_array_spellings_are_one_parameter_and_deep_objects_are_read():
    assert (
        problems(
            results({"courseIds": [COURSE], "userIds[]": [USER]}),
            entry("GET", "/enrollments", {"learnerIds": [USER]}, reply={"enrollments": []}),
            results({"completionDate[startDate]": ["2024-01-01T00:00:00Z"], "completionDate[endDate]": ["x"]}),
        )
        == []
    )
    assert problems(results({"courseIds[]": ["not-a-uuid"], "userIds[]": ["anything"]})) == []  # not uuids here
    assert (
        "courseIds[] at 0: 'not-a-uuid' is not a 'uuid'"
        in problems(entry("GET", "/enrollments", {"courseIds": ["not-a-uuid"]}, reply={"enrollments": []}))[0]
    )


def test_what_is_excluded_is_not_checked():
    truncated = '{"results": [{"userId": "x", "comp'
    assert (
        problems(
            results(reply_body=truncated, fault="malformed"),
            results(status=503, reply_body="503 Service Unavailable", reply_content_type="text/plain", fault="status"),
            results(status=429, reply_body="429", reply_content_type="text/plain", fault="rate_limit"),
            results(status=None, reply_body="", fault="drop"),
            entry("GET", "/task/999/status", status=404, reply={"code": 404, "message": "Task not found: 999"}),
            dict(entry("POST", "/api/v3/token", body={"client_secret": "x"}), interface="token"),
            dict(entry("POST", "/api/v2/soap/2.0", body="<soap/>"), interface="soap"),
            dict(entry("POST", "/oltpublish/site/connect.do"), api="edubrite", interface=None),
        )
        == []
    )
    # a faulted request is still checked; a cut body is reported, never passed unseen
    assert len(problems(status_update({"status": "done"}, fault="malformed", reply_body="{"))) == 1
    assert "its body was cut in the log" in problems(status_update(body_truncated=True))[0]
    assert "is no operation of the vendor's file" in problems(entry("GET", "/nowhere"))[0]


def test_known_nonconformities_are_let_pass_by_their_words():
    [(operation, side, words)] = list(rest_schema.KNOWN_NONCONFORMITIES)
    assert (operation, side) == ("ListEnrollments", "request")
    made_up = entry("GET", "/enrollments", {"courseIds[]": ["no-such-course"]}, reply={"enrollments": []})
    assert problems(dict(made_up, operation="ListEnrollments")) == []
    assert len(problems(dict(made_up, operation="ListEnrollments", query={"courseIds[]": ["other-course"]}))) == 1


def test_an_xml_body_is_checked_by_its_elements():
    """ListUsersV2ByPost (ispring_rest.USERS_BY_POST): the client's XML body conforms; one whose
    userIds are no uuid, or that is sent as JSON, does not."""
    ids = ["00000000-0000-4000-8000-%012d" % n for n in range(2)]

    def posted(body, content_type="application/xml"):
        made = entry("POST", "/users/v2", reply={"userProfiles": []}, operation="ListUsersV2ByPost")
        return dict(made, body=body, content_type=content_type)

    xml = "<?xml version='1.0' encoding='utf-8'?>\n<request>%s</request>"
    assert problems(posted(xml % "".join("<userIds>%s</userIds>" % i for i in ids))) == []
    assert problems(posted(xml % "<logins>jdoe</logins><logins>kwong</logins>")) == []
    [found] = problems(posted(xml % "<userIds>jdoe</userIds>"))
    assert "userIds/0: 'jdoe' is not a 'uuid'" in found
    [found] = problems(posted(json.dumps({"userIds": ids}), "application/json"))
    assert "application/json" in found


def test_every_exclusion_is_documented():
    with open(os.path.join(rest_schema.ROOT, "sandbox", "README.md"), encoding="utf-8") as handle:
        readme = " ".join(handle.read().split())
    for what, _why in rest_schema.EXCLUDED:
        assert what in readme, what
    for _operation, _side, words in rest_schema.KNOWN_NONCONFORMITIES:
        assert words in readme, words


@pytest.fixture(scope="module")
def drifting(tmp_path_factory):
    """A sandbox whose fixture has an enrollment without an access date: its REST result carries
    ``accessDate: null``, which the file's LearnerResult (accessDate: a required string) refuses."""
    with open(os.path.join(SANDBOX_DIR, "lms_sandbox", "fixture.yml"), encoding="utf-8") as handle:
        fixture = yaml.safe_load(handle)
    [kwong] = [e for e in fixture["ispring"]["enrollments"] if e["enrollmentId"] == KWONG_ENROLLMENT]
    kwong["accessDate"] = None
    path = tmp_path_factory.mktemp("drift") / "fixture.yml"
    path.write_text(yaml.safe_dump(fixture))
    with Sandbox(python=sys.executable, task_delay=0.05, fixture=path) as running:
        yield running


def test_end_to_end_a_bad_request_and_a_drifting_reply_fail_the_check(drifting, tmp_path, rest_schema_watch):
    """Through the session's own watch (conftest.py), which this test empties so its teardown passes."""
    drifting.reset()
    play = player(drifting, tmp_path)
    run = play([{"name": "Info", "learnops.lms.course_status_info": {"course_ids": [COURSE], "api": "rest"}}])
    assert "ListLearnerResults" in [e["operation"] for e in drifting.requests(interface="rest")], run.output
    body = json.dumps({"courseId": COURSE, "enrollmentIds": [KWONG_ENROLLMENT], "status": "done"}).encode()
    request = urllib.request.Request(
        drifting.rest_url("/statistics/course"),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + SEED_TOKEN},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400  # the sandbox refuses it too; the check reports the request itself
    drifting.clear_requests()  # wrapped: what it drops is checked first
    found = rest_schema_watch.after_test([drifting])
    assert len(found) == 2, found
    assert found[0].startswith("GET /learners/results?courseIds")
    assert "(ListLearnerResults): reply HTTP 200: InvalidData at results/0/accessDate: None" in found[0]
    assert "POST /statistics/course (UpdateCourseStatus): request: InvalidRequestBody at status: 'done'" in found[1]
    assert rest_schema_watch.after_test([drifting]) == []  # each entry is checked once


def test_the_revision_3_forms_are_checked_as_the_file_declares_them():
    """R3_FORMS: a zone-less date and users' fields as name/value pairs pass as the file's forms, and
    what else is wrong in the same value is still reported."""
    assert problems(status_update({"date": "2020-07-22"})) == []
    assert problems(status_update({"date": "22.07.2020"})) != []
    pairs = [{"name": "LOGIN", "value": "kwong"}, {"name": "EMAIL", "value": "kwong@example.com"}]
    user = {"userId": USER, "departmentId": USER, "status": 1, "role": "learner", "fields": pairs}
    listed = entry("GET", "/users", reply={"userProfiles": [user]}, operation="ListUsers")
    drifted = entry("GET", "/users", reply={"userProfiles": [dict(user, status="one")]}, operation="ListUsers")
    assert [p for p in problems(listed) if "fields" in p] == []
    assert any("status" in p for p in problems(drifted)), problems(drifted)


# --- the people calls (contract 3.3): every request and reply the sandbox makes, against the file ---

SALES = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c02"
NEW_HIRES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e02"
ALL_SALES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e03"


def _call(lms, method, path, body=None, params=None):
    url = lms.rest_url(path) + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": "Bearer " + SEED_TOKEN, "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def _people_calls(lms):
    """One of each people call (contract 3.3), as a client coded to the file sends it -> the new ids."""
    status, dep = _call(lms, "POST", "/department", {"name": "Sales UK", "parentDepartmentId": SALES, "code": "UK"})
    dep = json.loads(dep) if dep.startswith('"') else dep
    status, user = _call(
        lms,
        "POST",
        "/user",
        {
            "departmentId": dep,
            "fields": {"login": "newbie", "email": "newbie@example.com", "firstName": "New", "lastName": "Bie"},
            "password": "Canary-Pa55word",
            "groupIds": [NEW_HIRES],
            "sendLoginEmail": False,
        },
    )
    user = json.loads(user) if user.startswith('"') else user
    status, group = _call(lms, "POST", "/group", {"name": "Trainers", "userIds": [USER]})
    group = json.loads(group) if group.startswith('"') else group
    calls = [
        ("GET", "/departments", None, {"pageSize": "2"}),
        ("GET", "/department", None, {"code": "UK"}),
        ("GET", "/department/" + dep, None, None),
        ("POST", "/department/" + dep, {"name": "Sales United Kingdom", "code": "GB"}, None),
        ("GET", "/groups", None, {"pageSize": "2"}),
        ("GET", "/group/" + ALL_SALES, None, None),
        ("POST", "/group/" + group, {"name": "Coaches"}, None),
        ("POST", "/group/" + group + "/members", {"userIds": [USER, user]}, None),
        ("GET", "/user/" + user, None, None),
        ("GET", "/user/" + user + "/v2", None, None),
        ("GET", "/users/v2", None, {"departments[]": [dep], "groups[]": [group], "userIds[]": [user]}),
        ("GET", "/users", None, {"groups[]": [NEW_HIRES]}),
        (
            "POST",
            "/user/" + user,
            {"departmentId": SALES, "fields": {"login": "newbie", "email": "n@example.com"}},
            None,
        ),
        ("POST", "/user/" + user + "/status", {"status": 3}, None),
        ("POST", "/user/" + user + "/groups/remove", {"groupIds": [NEW_HIRES]}, None),
        ("POST", "/users/activate", {"userIds": [user]}, None),
        ("POST", "/users/deactivate", {"userIds": [user]}, None),
        ("POST", "/users/terminate", {"userIds": [user]}, None),
        ("DELETE", "/group/" + group, None, None),
        ("DELETE", "/user/" + user, None, None),
        ("DELETE", "/department/" + dep, None, None),
    ]
    for method, path, body, params in calls:
        status, text = _call(lms, method, path, body, params)
        assert status < 300, (method, path, status, text)
    return dep, user, group


@pytest.mark.parametrize("created_id", ["json", "text"])
def test_the_people_calls_conform_to_the_file(lms, created_id):
    """Every people operation once, in the suite's strict forms (a User's fields as pairs) and with the
    new ids in both 201 forms: the requests and the sandbox's replies pass the vendor's file."""
    lms.settings(ispring_created_id=created_id)
    _people_calls(lms)
    entries = lms.requests(interface="rest")
    operations = {entry["operation"] for entry in entries}
    assert operations >= {
        "AddDepartment", "ListDepartments", "GetDepartments", "GetDepartment", "UpdateDepartment", "RemoveDepartment",
        "AddGroup", "ListGroups", "GetGroup", "UpdateGroup", "UpdateGroupMembers", "RemoveGroup",
        "AddUser", "GetUserProfile", "GetUserProfileV2", "ListUsersV2", "ListUsers", "UpdateUserProfile",
        "ChangeUserStatus", "RemoveUserFromGroups", "RemoveUser", "Activate users", "Deactivate users",
        "Terminate users",
    }  # fmt: skip
    assert rest_schema.check_log(entries) == []
    assert "Canary-Pa55word" not in json.dumps(entries)  # masked in the log, never in a reply
    assert "Canary-Pa55word" in lms.secrets()  # a secret of the sandbox, for the canary checks


def test_a_people_reply_that_drifts_is_reported():
    """The mappings of R3_FORMS for the people calls do not hide what else is wrong."""
    pairs = [{"name": "LOGIN", "value": "kwong"}, {"name": "EMAIL", "value": "kwong@example.com"}]
    user = {"userId": USER, "departmentId": USER, "status": 1, "role": "learner", "fields": pairs}
    profile = entry("GET", "/user/" + USER, reply={"response": user}, operation="GetUserProfile")
    assert [p for p in problems(profile) if "fields" in p] == []
    drifted = entry("GET", "/user/" + USER, reply={"response": dict(user, status=2)}, operation="GetUserProfile")
    assert any("status" in p for p in problems(drifted)), problems(drifted)
    text = entry("POST", "/group", body={"name": "x"}, status=201, operation="AddGroup")
    assert problems(dict(text, reply_body=USER, reply_content_type="text/plain; charset=utf-8")) == []
    assert problems(dict(text, reply_body="not-an-id", reply_content_type="text/plain; charset=utf-8")) != []
    group = {"groupId": USER, "name": "x", "isSmart": False, "userIds": []}  # no usersCount
    assert any("usersCount" in p for p in problems(entry("GET", "/group/" + USER, reply=group, operation="GetGroup")))
