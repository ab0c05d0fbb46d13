# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_enrollment and course_enrollment_info, run by ansible-playbook against the sandbox."""

from __future__ import annotations

import time

import pytest
import yaml

from .helpers import WRITES

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"  # kwong, jdoe, asmith (catalog), mgarcia, ltan, bjones (inactive)
SAFETY = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"  # jdoe, asmith, kwong
SEED_ENROLLMENT = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"  # kwong, due 2020-08-31, locked
JDOE = "7c1d9a20-c1ae-11ea-8592-a6eabe180001"
ASMITH_SELF = "7c1d9a20-c1ae-11ea-8592-a6eabe180002"  # enrolled herself from the catalog
MGARCIA = "7c1d9a20-c1ae-11ea-8592-a6eabe180003"
LTAN = "7c1d9a20-c1ae-11ea-8592-a6eabe180004"
BJONES = "7c1d9a20-c1ae-11ea-8592-a6eabe180005"
JDOE_SAFETY = "9e4b7c30-c1ae-11ea-8592-a6eabe180101"
NO_COURSE = "00000000-dead-beef-0000-000000000000"
JDOE_USER = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01"
MGARCIA_USER = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e04"  # passed the course on 2020-06-30
BJONES_USER = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e06"  # inactive
FIRST_NEW = "e0000000-0000-4000-9000-000000000001"  # the sandbox's first REST-made enrollment
# The declared enrollments, as a vars file holds them.
DECLARED = {
    "course_enrollments": [
        {
            "course_id": COURSE,
            "access_date": "2026-03-02",
            "due_date_type": "due_period",
            "due_period": 30,
            "exclusive": True,
            "learners": [
                {"login": "jdoe"},
                {"login": "kwong", "due_date_type": "due_date", "due_date": "2026-04-30", "lock_after_due_date": True},
                {"email": "LTAN@example.com"},
            ],
        },
        {"course_id": SAFETY, "access_date": "2026-03-09", "learners": [{"login": "jdoe"}, {"login": "ltan"}]},
    ]
}


def converge_tasks(vars_file):
    """The declared enrollments applied from a vars file: one task per course."""
    return [
        {"name": "Declared enrollments", "ansible.builtin.include_vars": {"file": str(vars_file)}},
        {
            "name": "Course enrollments",
            "learnops.lms.course_enrollment": {
                "course_id": "{{ item.course_id }}",
                "learners": "{{ item.learners }}",
                "access_date": "{{ item.access_date | default(omit) }}",
                "due_date_type": "{{ item.due_date_type | default(omit) }}",
                "due_period": "{{ item.due_period | default(omit) }}",
                "exclusive": "{{ item.exclusive | default(false) }}",
            },
            "loop": "{{ course_enrollments }}",
            "loop_control": {"label": "{{ item.course_id }}"},
        },
    ]


def task(**args):
    return {"name": "Course enrollment", "learnops.lms.course_enrollment": args}


def vars_file(tmp_path, declared=None):
    path = tmp_path / "enrollments.yml"
    path.write_text(yaml.safe_dump(declared or DECLARED, sort_keys=False))
    return path


def enrollments(lms):
    """{enrollment ID: (course, login, access day, due day, lock, type)} of the sandbox's state."""
    return {
        e["enrollmentId"]: (
            e["courseId"],
            e["login"],
            (e["accessDate"] or "")[:10],
            (e["dueDate"] or "")[:10] or None,
            e["lockAfterDueDate"],
            e["enrollmentTypeGroup"],
        )
        for e in lms.state()["ispring"]["enrollments"]
    }


def writes(lms):
    return [
        (e["operation"], e["path"]) for e in lms.requests(api="ispring", interface="rest") if e["operation"] in WRITES
    ]


def test_converge_from_a_vars_file_then_rerun_writes_nothing(play, lms, tmp_path):
    before = enrollments(lms)
    run = play(converge_tasks(vars_file(tmp_path)))
    assert run.rc == 0, run.output
    after = enrollments(lms)
    assert after[JDOE] == (COURSE, "jdoe", "2026-03-02", "2026-04-01", False, 0)
    assert after[SEED_ENROLLMENT] == (COURSE, "kwong", "2026-03-02", "2026-04-30", True, 0)
    assert after[LTAN] == (COURSE, "ltan", "2026-03-02", "2026-04-01", False, 0)
    assert after[ASMITH_SELF] == before[ASMITH_SELF]  # enrolled from the catalog: kept by exclusive
    assert MGARCIA not in after and BJONES not in after
    assert after[JDOE_SAFETY] == (SAFETY, "jdoe", "2026-03-09", None, False, 0)
    assert after[FIRST_NEW] == (SAFETY, "ltan", "2026-03-09", None, False, 0)
    assert len(after) == len(before) - 2 + 1
    sent = writes(lms)
    # the changes of a course go out side by side (in any order), before its removals
    assert sorted(sent[:3]) == sorted(("ChangeEnrollment", "/enrollment/%s" % e) for e in (JDOE, SEED_ENROLLMENT, LTAN))
    assert sent[3:] == [
        ("Unenroll", "/enrollment/delete"),
        ("EnrollLearnersInCourses", "/enrollment"),
        ("ChangeEnrollment", "/enrollment/%s" % JDOE_SAFETY),
    ]
    results = run.result["results"]
    assert [e["enrollment_id"] for e in results[1]["enrollments"]] == [JDOE_SAFETY, FIRST_NEW]
    removed = [e["enrollment_id"] for e in results[0]["enrollments"] if e.get("removed_by_exclusive")]
    assert removed == [MGARCIA, BJONES]

    lms.clear_requests()
    again = play(converge_tasks(vars_file(tmp_path)))
    assert again.rc == 0, again.output
    assert [r["changed"] for r in again.result["results"]] == [False, False]
    assert writes(lms) == []
    # logins and emails are listed apart (contract 3.1, r3): the course naming learners both ways reads users twice
    reads = ["ListUsers", "ListUsers", "ListEnrollments", "ListUsers", "ListEnrollments"]
    assert [e["operation"] for e in lms.requests()] == reads
    assert enrollments(lms) == after


@pytest.mark.any_line
def test_exclusive_removes_only_administrator_enrollments_not_declared(play, lms):
    run = play([task(course_id=COURSE, logins=["jdoe", "kwong"], exclusive=True)])
    assert run.rc == 0, run.output
    left = {e[1] for e in enrollments(lms).values() if e[0] == COURSE}
    assert left == {"jdoe", "kwong", "asmith"}
    sent = [e for e in lms.requests(api="ispring", interface="rest") if e["operation"] == "Unenroll"]
    assert len(sent) == 1 and yaml.safe_load(sent[0]["body"]) == {"enrollmentIds": [MGARCIA, LTAN, BJONES]}
    assert [e["changed"] for e in run.result["enrollments"]] == [False, False, True, True, True]


@pytest.mark.any_line
def test_exclusive_with_no_learner_is_refused_unless_allowed(play, lms):
    refused = play([task(course_id=COURSE, learners=[], exclusive=True)])
    assert refused.failed and "set allow_empty=true" in refused.result["msg"]
    assert "Nothing was changed" in refused.result["msg"]
    assert lms.requests() == []
    allowed = play([task(course_id=SAFETY, exclusive=True, allow_empty=True)])
    assert allowed.rc == 0, allowed.output
    assert not [e for e in enrollments(lms).values() if e[0] == SAFETY]


def test_check_and_diff_report_exactly_what_the_real_run_does(play, lms, tmp_path):
    state = lms.state()["ispring"]["enrollments"]
    checked = play(converge_tasks(vars_file(tmp_path)), check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert writes(lms) == [] and lms.state()["ispring"]["enrollments"] == state
    real = play(converge_tasks(vars_file(tmp_path)), diff=True)
    assert real.rc == 0, real.output
    for predicted, done in zip(checked.result["results"], real.result["results"], strict=True):
        assert predicted["changed"] is True and done["changed"] is True
        for guess, actual in zip(predicted["enrollments"], done["enrollments"], strict=True):
            assert {k: v for k, v in guess.items() if k != "enrollment_id"} == {
                k: v for k, v in actual.items() if k != "enrollment_id"
            }
            assert guess["enrollment_id"] in (actual["enrollment_id"], None)
        new = "(enrollment %s)" % FIRST_NEW
        assert predicted["diff"]["prepared"] == done["diff"]["prepared"].replace(new, "(new enrollment)")
    assert "- jdoe (enrollment %s): access_date 2020-07-10, due_date 2020-08-31" % JDOE in checked.output
    assert "+ jdoe (enrollment %s): access_date 2026-03-02, due_date 2026-04-01" % JDOE in checked.output
    assert "+ LTAN@example.com (enrollment %s): access_date 2026-03-02, due_date 2026-04-01" % LTAN in checked.output
    assert (
        "+ mgarcia (enrollment %s, not declared, passed result of 2020-06-30): not enrolled" % MGARCIA in checked.output
    )
    assert "course %s: 5 enrollment(s) change (3 to change, 2 to remove)" % COURSE in checked.output
    assert "- ltan (new enrollment): not enrolled" in checked.output
    assert "+ ltan (new enrollment): access_date 2026-03-09, enrolled_by administrator" in checked.output
    assert "+ ltan (enrollment %s): access_date 2026-03-09, enrolled_by administrator" % FIRST_NEW in real.output


@pytest.mark.any_line
def test_a_created_enrollment_is_listed_over_soap(play, lms):
    run = play(
        [
            task(course_id=SAFETY, logins=["ltan"], access_date="2026-03-09", due_date_type="default"),
            {
                "name": "Results over SOAP",
                "learnops.lms.course_status_info": {"api": "soap", "course_ids": [SAFETY], "logins": ["ltan"]},
            },
        ]
    )
    assert run.rc == 0, run.output
    created = run.results[0]["result"]["enrollments"][0]
    # The course's default due period (30 days in the fixture) is read back, not predicted.
    assert created["after"]["due_date"] == "2026-04-08"
    listed = run.result["results"]
    assert [(r["enrollment_id"], r["status"], r["progress"]) for r in listed] == [(FIRST_NEW, "not_started", 0)]
    assert [e["interface"] for e in lms.requests(api="ispring")][-2:] == ["soap", "soap"]


@pytest.mark.any_line
def test_state_absent_removes_a_self_enrollment_too(play, lms):
    run = play(
        [task(course_id=COURSE, state="absent", logins=["asmith", "kwong"], emails=["nobody.enrolled@example.com"])]
    )
    assert run.failed and "nobody.enrolled@example.com" in run.result["msg"] and writes(lms) == []
    run = play([task(course_id=COURSE, state="absent", logins=["asmith"])])
    assert run.rc == 0, run.output
    assert ASMITH_SELF not in enrollments(lms)
    assert run.result["enrollments"][0]["before"]["enrolled_by"] == "catalog"


@pytest.mark.any_line
def test_unknown_learners_and_courses_change_nothing(play, lms):
    run = play([task(course_id=COURSE, learners=[{"login": "jdoe"}, {"login": "nobody"}, {"login": "bjones"}])])
    assert run.failed
    assert "2 learner(s) match no active iSpring user: learner login=nobody; learner login=bjones" in run.result["msg"]
    assert run.result["not_found"] == {"login": ["nobody", "bjones"]}
    lms.settings(ispring_unknown_course="error")
    unknown = play([task(course_id="no-such-course", user_ids=["u1"])])
    assert unknown.failed and "course_id no-such-course: iSpring knows no such course" in unknown.result["msg"]
    assert writes(lms) == []
    before = enrollments(lms)
    lms.settings(ispring_unknown_course="empty")  # 3.2 (r3): the listing says nothing, the write is refused
    unknown = play([task(course_id=NO_COURSE, user_ids=[JDOE_USER])])
    assert unknown.failed and NO_COURSE in unknown.result["msg"], unknown.output
    assert "Unknown content item" in unknown.result["msg"] and "Nothing was changed" in unknown.result["msg"]
    assert enrollments(lms) == before


@pytest.mark.any_line
def test_an_account_without_rights_is_told_so(play, lms):
    def as_viewer(**args):
        return task(api_url=lms.url, client_id="viewer-client", client_secret="viewer-secret", course_id=COURSE, **args)

    by_login = play([as_viewer(logins=["jdoe"])], defaults=False)
    assert by_login.failed and by_login.result["msg"].startswith("iSpring GET /users failed: HTTP 403: Permission")
    by_id = play([as_viewer(user_ids=["5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01"])], defaults=False)
    assert by_id.failed and by_id.result["msg"].startswith(
        "course_id %s: the account behind the token lacks the right to read or change the enrollments of this "
        "course (Permission denied)." % COURSE
    )
    assert writes(lms) == []


def test_info_reports_the_enrollments(play, lms):
    run = play(
        [
            {
                "name": "Enrollments",
                "learnops.lms.course_enrollment_info": {"course_ids": [COURSE, SAFETY], "enrolled_by": ["catalog"]},
            }
        ]
    )
    assert run.rc == 0, run.output
    assert [(e["enrollment_id"], e["login"], e["enrolled_by"]) for e in run.result["enrollments"]] == [
        (ASMITH_SELF, "asmith", "catalog")
    ]
    missing = play(
        [{"name": "No such", "learnops.lms.course_enrollment_info": {"course_ids": [SAFETY], "logins": ["ltan"]}}]
    )
    assert missing.failed and missing.result["not_found"] == {"login": ["ltan"]}


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
def test_a_lost_reply_to_an_enrollment_is_never_reported_as_nothing_done(play, lms):
    """Issue 28, item 5: POST /enrollment times out, the service applies it a moment later.  The
    task fails, but reports the learner as possibly enrolled (changed, unconfirmed), never as
    "Nothing was changed"; the sandbox shows the enrollment made."""
    lms.faults([{"kind": "slow", "seconds": 3, "count": 1, "operations": ["EnrollLearnersInCourses"]}])
    run = play([task(course_id=SAFETY, logins=["ltan"], timeout=1)])
    assert run.rc != 0
    message = run.result["msg"]
    assert "Nothing was changed" not in message and "may have been changed" in message, message
    assert run.result["changed"] is True
    [entry] = run.result["enrollments"]
    assert (entry["login"], entry["changed"], entry["unconfirmed"]) == ("ltan", True, True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not [e for e in enrollments(lms).values() if e[:2] == (SAFETY, "ltan")]:
        time.sleep(0.2)
    assert [e for e in enrollments(lms).values() if e[:2] == (SAFETY, "ltan")]  # it did happen


def test_removals_name_the_learner_and_warn_of_the_result_they_take_with_them(play, lms):
    """Issue 28 item 9: exclusive removes mgarcia, who passed the course; before, the result named
    the removal only by user ID and nothing said that her passed result goes with it."""
    declared = [
        task(course_id=COURSE, logins=["jdoe", "kwong", "ltan"], learners=[{"user_id": BJONES_USER}], exclusive=True)
    ]
    checked = play(declared, check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert writes(lms) == [] and MGARCIA in enrollments(lms)
    [removal] = [e for e in checked.result["enrollments"] if e["changed"]]
    assert {name: value for name, value in removal.items() if name != "before"} == {
        "course_id": COURSE,
        "user_id": MGARCIA_USER,
        "enrollment_id": MGARCIA,
        "login": "mgarcia",
        "email": "MGarcia@Example.com",
        "completion_status": "passed",
        "completion_date": "2020-06-30",
        "changed": True,
        "removed_by_exclusive": True,
        "after": None,
    }
    loss = (
        "course %s: removing mgarcia's enrollment (%s) takes their passed result (2020-06-30) with it; to keep it, "
        "list the learner in the task." % (COURSE, MGARCIA)
    )
    assert [w for w in checked.result["warnings"] if loss in str(w)]
    assert (
        "+ mgarcia (enrollment %s, not declared, passed result of 2020-06-30): not enrolled" % MGARCIA in checked.output
    )
    # one listing of results for the course, filtered by the removed learner; the users named are not asked again
    results = lms.requests(operation="ListLearnerResults")
    assert len(results) == 1 and MGARCIA_USER in str(results[0]["query"]) and JDOE_USER not in str(results[0]["query"])

    real = play(declared)
    assert real.rc == 0, real.output
    assert [w for w in real.result["warnings"] if loss in str(w)]
    assert MGARCIA not in enrollments(lms) and LTAN in enrollments(lms)
    assert writes(lms) == [("Unenroll", "/enrollment/delete")]

    lms.clear_requests()
    again = play(declared)
    assert again.rc == 0 and again.result["changed"] is False, again.output
    assert writes(lms) == [] and not again.result.get("warnings")
    assert "ListLearnerResults" not in [e["operation"] for e in lms.requests()]  # nothing removed: nothing read


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
def test_user_ids_are_checked_before_a_write_and_a_change_keeps_the_access_time(play, lms):
    """Issue 28 item 11.  Unknown user IDs (a made-up or deleted user) fail before any write, in check
    mode too, naming each; an inactive user named by ID is not refused.  A change of the lock alone
    keeps the enrollment's access time of day (kwong's: 09:00), which the Enrollment listing does not
    show.  Before: check mode planned "would enroll" for the unknown IDs, the real run failed only at
    POST /enrollment, and the change moved kwong's access to 00:00:00."""
    ghosts = ["5b2e9f10-0002-4c3d-9e8f-00000000dead", "5b2e9f10-0002-4c3d-9e8f-00000000beef"]
    unknown = dict(course_id=SAFETY, learners=[{"user_id": ghosts[0]}], user_ids=[BJONES_USER, ghosts[1]])
    converge = [
        task(course_id=COURSE, logins=["kwong"], lock_after_due_date=False),
        task(course_id=SAFETY, user_ids=[BJONES_USER]),  # inactive, not enrolled there: enrolled
    ]
    checked = dict(task(**unknown), check_mode=True, ignore_errors=True)
    run = play([checked, dict(task(**unknown), ignore_errors=True)] + converge)
    assert run.rc == 0, run.output
    for failed in run.results[:2]:
        assert failed["status"] == "failed", run.output
        message = failed["result"]["msg"]
        assert message.startswith("2 learner(s) named by user_id are no user of the iSpring account"), message
        assert "learner user_id=%s; learner user_id=%s" % tuple(ghosts) in message
        assert message.endswith("Nothing was changed.")
        assert failed["result"]["not_found"] == {"user_id": ghosts}
    # one listing of users by ID per task that enrolls someone named by ID (bjones, inactive, is listed)
    lookups = [str(e["query"]) for e in lms.requests(operation="ListUsersV2")]
    assert len(lookups) == 3 and all(BJONES_USER in query for query in lookups), lookups
    # the only writes are the converge tasks': none from the unknown IDs
    assert writes(lms) == [
        ("ChangeEnrollment", "/enrollment/%s" % SEED_ENROLLMENT),
        ("EnrollLearnersInCourses", "/enrollment"),
    ]
    [change] = lms.requests(operation="ChangeEnrollment")
    assert yaml.safe_load(change["body"])["accessDate"] == "2020-07-10 09:00:00"
    state = {e["enrollmentId"]: e for e in lms.state()["ispring"]["enrollments"]}
    kwong = state[SEED_ENROLLMENT]
    assert (kwong["accessDate"], kwong["lockAfterDueDate"]) == ("2020-07-10T09:00:00Z", False)
    assert (state[FIRST_NEW]["courseId"], state[FIRST_NEW]["learnerId"]) == (SAFETY, BJONES_USER)
    assert [r["result"]["changed"] for r in run.results[2:]] == [True, True]

    lms.clear_requests()
    again = play(converge)
    assert again.rc == 0, again.output
    assert [r["result"]["changed"] for r in again.results] == [False, False]
    assert writes(lms) == [] and "ListUsersV2" not in [e["operation"] for e in lms.requests()]
    assert lms.state()["ispring"]["enrollments"] == list(state.values())


@pytest.mark.any_line  # its subject is the module's planner: run on one line (conftest.py)
def test_an_audience_of_departments_and_groups_follows_who_is_in_them(play, lms):
    """Issue 25 item 5.  Workplace Safety for everyone in SALES (SALES-EMEA included; bjones, inactive,
    is not) and the Managers group, exclusive: asmith, outside, is removed.  mgarcia joins Managers in
    the same play and the next task enrolls her.  --check writes nothing and says where each learner
    comes from; an unknown department or group fails before anything else is read; a rerun writes
    nothing."""
    audience = task(course_id=SAFETY, departments=["SALES"], groups=["Managers"], exclusive=True)
    unknown = dict(
        task(course_id=SAFETY, departments=["SALES", "NOPE"], groups=["Nobody"]), check_mode=False, ignore_errors=True
    )
    before = enrollments(lms)
    checked = play([unknown, audience], check=True, diff=True)
    assert checked.rc == 0, checked.output
    failed = checked.results[0]
    assert failed["status"] == "failed", checked.output
    assert failed["result"]["msg"].startswith(
        "department 'NOPE' is no department code or ID of the account; group 'Nobody' is no group of the account."
    )
    assert failed["result"]["msg"].endswith("Nothing was changed.")
    assert failed["result"]["not_found"] == {"department": ["NOPE"], "group": ["Nobody"]}
    assert [e["operation"] for e in lms.requests()][:3] == ["ListDepartments", "ListGroups", "ListDepartments"]
    assert writes(lms) == [] and enrollments(lms) == before
    assert "+ ltan (new enrollment, department SALES): access_date" in checked.output
    assert "+ owner (new enrollment, group Managers): access_date" in checked.output
    assert "+ asmith (enrollment 9e4b7c30-c1ae-11ea-8592-a6eabe180102, not declared, passed result" in checked.output

    joins = {"name": "mgarcia joins", "learnops.lms.ispring_group": {"name": "Managers", "logins": ["mgarcia"]}}
    real = play([audience, joins, audience])
    assert real.rc == 0, real.output
    first = real.results[0]["result"]["enrollments"]
    assert [(e["login"], e.get("audience"), e["changed"]) for e in first] == [
        ("jdoe", "department SALES", False),
        ("kwong", "department SALES", False),
        ("ltan", "department SALES", True),
        ("salesadmin", "department SALES", True),
        ("admin", "group Managers", True),
        ("owner", "group Managers", True),
        ("asmith", None, True),
    ]
    assert [(e["login"], e["changed"]) for e in real.results[2]["result"]["enrollments"] if e["changed"]] == [
        ("mgarcia", True)
    ]
    enrolled = sorted(e[1] for e in enrollments(lms).values() if e[0] == SAFETY)
    assert enrolled == ["admin", "jdoe", "kwong", "ltan", "mgarcia", "owner", "salesadmin"]
    assert [op for op, _path in writes(lms)] == [
        "EnrollLearnersInCourses",
        "Unenroll",
        "UpdateGroupMembers",
        "EnrollLearnersInCourses",
    ]

    lms.clear_requests()
    again = play([audience])
    assert again.rc == 0 and again.result["changed"] is False, again.output
    assert writes(lms) == []
    assert [e["operation"] for e in lms.requests()] == [
        "ListDepartments",
        "ListGroups",
        "GetGroup",
        "ListUsersV2",
        "ListUsersV2",
        "ListEnrollments",
    ]
