# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_enrollment through its real main(): arguments as Ansible passes them, the exact REST
requests, the result as Ansible reads it (no_log masking included)."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import enrollment, ispring_rest
from ansible_collections.learnops.lms.plugins.modules import course_enrollment
from ansible_collections.learnops.lms.tests.unit.department_wire import departments_call, rest_department
from ansible_collections.learnops.lms.tests.unit.enrollment_wire import (
    OTHER_COURSE,
    change_call,
    delete_call,
    enroll_call,
    enrollments_call,
    rest_enrollment,
    users_by_id_call,
)
from ansible_collections.learnops.lms.tests.unit.group_wire import group_call, groups_call, rest_group
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    TOKEN,
    rest_call,
    rest_result,
    rest_results_call,
    rest_user,
    rest_users_call,
    rest_users_post_call,
    token_call,
)

JDOE = rest_user("u1", "jdoe", "jdoe@example.com")
KWONG = rest_user("u3", "kwong", "kwong@example.com")
# Course 1 before the task: jdoe due on a fixed day, asmith self-enrolled, kwong as declared, mgarcia
# enrolled by an administrator and not declared.
JDOE_E = rest_enrollment("e1", "u1", access="2020-07-10", due="2020-08-31")
ASMITH_E = rest_enrollment("e2", "u2", access="2020-07-10", group=1)
KWONG_E = rest_enrollment("e3", "u3", access="2026-03-02", due="2026-04-01")
MGARCIA_E = rest_enrollment("e4", "u4", access="2020-06-01")
BEFORE = [JDOE_E, ASMITH_E, KWONG_E, MGARCIA_E]
DECLARED = dict(
    access_date="2026-03-02",
    due_date_type="due_period",
    due_period=30,
    learners=[{"login": "jdoe"}, {"login": "kwong"}, {"user_id": "u9"}],
    exclusive=True,
)
MGARCIA = rest_user("u4", "mgarcia", "mgarcia@example.com")
MGARCIA_PASSED = rest_result("e4", "u4", "passed", 100, "2020-06-30T14:12:00Z")
LOSS = (
    "course %s: removing mgarcia's enrollment (e4) takes their passed result (2020-06-30) with it; to keep it, "
    "list the learner in the task." % COURSE
)


def removal_reads(user_ids, results=(), users=(JDOE, KWONG, MGARCIA)):
    """What a task that removes enrollments reads first: the account's users (when some removed
    learner was not named by login or email), then the removed learners' results in the course."""
    return [rest_users_call(users=list(users)), rest_results_call(user_ids=user_ids, results=list(results))]


AFTER = [
    rest_enrollment("e1", "u1", access="2026-03-02", due="2026-04-01"),
    rest_enrollment("e9", "u9", access="2026-03-02", due="2026-04-01"),
]


def args(**overrides):
    base = dict(api_url=API, token=TOKEN, course_id=COURSE)
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def summary(result):
    return [(e["user_id"], e["enrollment_id"], e["changed"], e.get("removed_by_exclusive", False)) for e in result]


def test_converge_creates_changes_and_removes_in_as_few_calls_as_the_values_allow(run_module):
    outcome = run_module(
        course_enrollment,
        args(**DECLARED),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        enrollments_call(BEFORE),
        users_by_id_call(["u9"]),
        *removal_reads(["u4"], [MGARCIA_PASSED]),
        enroll_call(["u9"], "due_period", duePeriod=720, accessDate="2026-03-02"),  # 30 days, in hours
        change_call("e1", "2026-03-02", "due_period", duePeriod=720, lockAfterDueDate=False),
        delete_call(["e4"]),
        enrollments_call(AFTER, learner_ids=["u1", "u4", "u9"]),
    )
    assert outcome.exit_code == 0, outcome.msg
    result = outcome.result
    assert result["changed"] is True and "diff" not in result
    assert summary(result["enrollments"]) == [
        ("u1", "e1", True, False),
        ("u3", "e3", False, False),
        ("u9", "e9", True, False),
        ("u4", "e4", True, True),
    ]
    jdoe, kwong, new, removed = result["enrollments"]
    assert jdoe["login"] == "jdoe" and "login" not in new
    assert jdoe["before"] == dict(
        access_date="2020-07-10", due_date="2020-08-31", lock_after_due_date=False, enrolled_by="administrator"
    )
    assert jdoe["after"] == dict(
        access_date="2026-03-02", due_date="2026-04-01", lock_after_due_date=False, enrolled_by="administrator"
    )
    assert kwong["before"] == kwong["after"]
    assert new["before"] is None and new["after"]["due_date"] == "2026-04-01"
    assert removed["after"] is None
    assert (removed["login"], removed["email"], removed["completion_status"], removed["completion_date"]) == (
        "mgarcia",
        "mgarcia@example.com",
        "passed",
        "2020-06-30",
    )
    assert "completion_status" not in jdoe and outcome.warnings == [LOSS]
    assert result["invocation"]["module_args"]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_second_run_reads_and_writes_nothing(run_module):
    outcome = run_module(
        course_enrollment,
        args(**DECLARED),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        enrollments_call([AFTER[0], ASMITH_E, KWONG_E, AFTER[1]]),
    )
    assert outcome.result["changed"] is False
    assert [e["user_id"] for e in outcome.result["enrollments"]] == ["u1", "u3", "u9"]
    assert all(e["before"] == e["after"] for e in outcome.result["enrollments"])


def test_check_mode_predicts_and_diff_shows_one_course(run_module):
    outcome = run_module(
        course_enrollment,
        args(**DECLARED),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        enrollments_call(BEFORE),
        users_by_id_call(["u9"]),
        *removal_reads(["u4"], [MGARCIA_PASSED]),
        check_mode=True,
        diff=True,
    )
    result = outcome.result
    assert result["changed"] is True
    assert summary(result["enrollments"]) == [
        ("u1", "e1", True, False),
        ("u3", "e3", False, False),
        ("u9", None, True, False),
        ("u4", "e4", True, True),
    ]
    assert result["enrollments"][2]["after"] == dict(
        access_date="2026-03-02", due_date="2026-04-01", lock_after_due_date=False, enrolled_by="administrator"
    )
    assert result["diff"]["prepared"] == (
        "course %s: 3 enrollment(s) change (1 to change, 1 to enroll, 1 to remove)\n"
        "- jdoe (enrollment e1): access_date 2020-07-10, due_date 2020-08-31\n"
        "+ jdoe (enrollment e1): access_date 2026-03-02, due_date 2026-04-01\n"
        "- user u9 (new enrollment): not enrolled\n"
        "+ user u9 (new enrollment): access_date 2026-03-02, due_date 2026-04-01, enrolled_by administrator\n"
        "- mgarcia (enrollment e4, not declared, passed result of 2020-06-30): access_date 2020-06-01, "
        "enrolled_by administrator\n"
        "+ mgarcia (enrollment e4, not declared, passed result of 2020-06-30): not enrolled\n" % COURSE
    )
    assert outcome.warnings == [LOSS]  # in check mode too


def test_several_courses_one_enrollment_call_for_the_learners_missing_from_both(run_module, monkeypatch):
    monkeypatch.setattr(enrollment, "today", lambda: "2026-05-04")
    other = [rest_enrollment("e5", "u1", access="2020-07-15", course=OTHER_COURSE)]
    outcome = run_module(
        course_enrollment,
        args(course_id=None, course_ids=[COURSE, OTHER_COURSE], user_ids=["u7", "u8", "u1"]),
        enrollments_call([]),
        enrollments_call(other, course=OTHER_COURSE),
        users_by_id_call(["u1", "u7", "u8"]),
        check_mode=True,
        diff=True,
    )
    result = outcome.result
    assert [(e["course_id"], e["user_id"], e["changed"]) for e in result["enrollments"]] == [
        (COURSE, "u7", True),
        (COURSE, "u8", True),
        (COURSE, "u1", True),
        (OTHER_COURSE, "u7", True),
        (OTHER_COURSE, "u8", True),
        (OTHER_COURSE, "u1", False),
    ]
    assert result["enrollments"][0]["after"] == dict(
        access_date="2026-05-04", due_date=None, lock_after_due_date=False, enrolled_by="administrator"
    )
    assert result["diff"]["prepared"].splitlines()[0] == "course %s: 3 enrollment(s) change (3 to enroll)" % COURSE
    assert result["diff"]["prepared"].splitlines()[7:] == [
        "course %s: 2 enrollment(s) change (2 to enroll)" % OTHER_COURSE,
        "- user u7 (new enrollment): not enrolled",
        "+ user u7 (new enrollment): access_date 2026-05-04, enrolled_by administrator",
        "- user u8 (new enrollment): not enrolled",
        "+ user u8 (new enrollment): access_date 2026-05-04, enrolled_by administrator",
    ]


def test_several_courses_written(run_module):
    other = [rest_enrollment("e5", "u1", access="2020-07-15", course=OTHER_COURSE)]
    outcome = run_module(
        course_enrollment,
        args(course_id=None, course_ids=[COURSE, OTHER_COURSE], user_ids=["u7", "u8", "u1"], access_date="2026-05-04"),
        enrollments_call([]),
        enrollments_call(other, course=OTHER_COURSE),
        users_by_id_call(["u1", "u7", "u8"]),
        enroll_call(["u7", "u8"], courses=(COURSE, OTHER_COURSE), accessDate="2026-05-04"),
        enroll_call(["u1"], accessDate="2026-05-04"),
        change_call("e5", "2026-05-04", "unlimited", lockAfterDueDate=False),
        enrollments_call(
            [rest_enrollment("n%d" % n, u) for n, u in enumerate(("u1", "u7", "u8"))], learner_ids=["u1", "u7", "u8"]
        ),
        enrollments_call(
            [rest_enrollment(e, u, course=OTHER_COURSE) for e, u in (("e5", "u1"), ("n7", "u7"), ("n8", "u8"))],
            course=OTHER_COURSE,
            learner_ids=["u1", "u7", "u8"],
        ),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [e["enrollment_id"] for e in outcome.result["enrollments"]] == ["n1", "n2", "n0", "n7", "n8", "e5"]


def test_exclusive_keeps_self_enrollments_and_absent_removes_them(run_module):
    kept = run_module(
        course_enrollment,
        args(learners=[{"login": "jdoe"}], exclusive=True),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        enrollments_call([JDOE_E, ASMITH_E]),
    )
    assert kept.result["changed"] is False and summary(kept.result["enrollments"]) == [("u1", "e1", False, False)]
    removed = run_module(
        course_enrollment,
        args(state="absent", user_ids=["u2", "u5"]),
        enrollments_call([JDOE_E, ASMITH_E]),
        *removal_reads(["u2"]),
        delete_call(["e2"]),
        enrollments_call([], learner_ids=["u2"]),
    )
    assert summary(removed.result["enrollments"]) == [("u2", "e2", True, False), ("u5", None, False, False)]
    assert removed.result["enrollments"][0]["before"]["enrolled_by"] == "catalog"
    assert removed.result["enrollments"][0]["completion_status"] is None and not removed.warnings


def test_the_rest_interface_whatever_api_says(run_module):
    outcome = run_module(course_enrollment, args(api="soap", user_ids=["u1"]), enrollments_call([JDOE_E]))
    assert outcome.result["changed"] is False


def test_client_credentials(run_module):
    outcome = run_module(
        course_enrollment,
        args(token=None, client_id="cid", client_secret="csecret", user_ids=["u1"]),
        token_call(token="issued-token"),
        rest_call(
            "GET",
            "/enrollments",
            {"enrollments": [JDOE_E]},
            params=[("courseIds[]", COURSE), ("pageSize", "1000")],
            token="issued-token",
        ),
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is False
    assert outcome.result["invocation"]["module_args"]["client_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_failed_write_reports_exactly_what_was_written(run_module):
    outcome = run_module(
        course_enrollment,
        args(**DECLARED),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        enrollments_call(BEFORE),
        users_by_id_call(["u9"]),
        *removal_reads(["u4"]),
        enroll_call(["u9"], "due_period", duePeriod=720, accessDate="2026-03-02"),  # 30 days, in hours
        change_call(
            "e1",
            "2026-03-02",
            "due_period",
            duePeriod=720,
            lockAfterDueDate=False,
            status=403,
            reply={"code": 403, "message": "Permission denied: no right on learner u1"},
        ),
        enrollments_call([JDOE_E, MGARCIA_E, AFTER[1]], learner_ids=["u1", "u4", "u9"]),
    )
    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.msg == (
        "Changing enrollment e1 (course %s, user u1) failed: iSpring POST /enrollment/e1 failed: HTTP 403: "
        "Permission denied: no right on learner u1 (the account behind the token lacks the right for this "
        "request). 1 enrollment(s) were changed before the failure (user u9 (enrollment e9)); the enrollments "
        "list says which. Run the task again to finish." % COURSE
    )
    assert summary(outcome.result["enrollments"]) == [
        ("u1", "e1", False, False),
        ("u3", "e3", False, False),
        ("u9", "e9", True, False),
        ("u4", "e4", False, True),
    ]
    assert outcome.result["enrollments"][0]["after"] == outcome.result["enrollments"][0]["before"]
    assert outcome.result["enrollments"][3]["after"] == outcome.result["enrollments"][3]["before"]


def test_a_failed_write_unread_is_reported_from_the_calls_that_succeeded(run_module):
    outcome = run_module(
        course_enrollment,
        args(user_ids=["u9", "u1"], access_date="2026-03-02"),
        enrollments_call([JDOE_E]),
        users_by_id_call(["u9"]),
        enroll_call(["u9"], accessDate="2026-03-02"),
        change_call(
            "e1", "2026-03-02", "due_date", dueDate="2020-08-31", lockAfterDueDate=False, status=500, reply="boom"
        ),
        rest_call(
            "GET",
            "/enrollments",
            {"code": 403, "message": "Permission denied"},
            params=[("courseIds[]", COURSE), ("learnerIds[]", "u1"), ("learnerIds[]", "u9"), ("pageSize", "1000")],
            status=403,
        ),
    )
    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.msg.endswith(
        "1 enrollment(s) were changed before the failure (user u9 (new enrollment)); the enrollments list says "
        "which (from the calls that succeeded; the enrollments could not be read again). Run the task again to "
        "finish."
    )
    assert [e["changed"] for e in outcome.result["enrollments"]] == [True, False]


def test_a_failed_first_write_changed_nothing(run_module):
    outcome = run_module(
        course_enrollment,
        args(user_ids=["u9"]),
        enrollments_call([]),
        users_by_id_call(["u9"]),
        enroll_call(["u9"], status=400, reply={"code": 400, "message": "learnerIds: unknown user u9"}),
        enrollments_call([], learner_ids=["u9"]),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.msg.startswith("Enrolling 1 learner(s) in course(s) %s failed: " % COURSE)
    assert outcome.msg.endswith("learnerIds: unknown user u9. Nothing was changed. Run the task again to finish.")


def test_unknown_learners_are_named_together_before_any_enrollment_is_read(run_module):
    outcome = run_module(
        course_enrollment,
        args(learners=[{"login": "jdoe"}, {"login": "ghost"}, {"email": "nobody@example.com"}]),
        rest_users_call(logins=["ghost", "jdoe"], users=[JDOE]),
        rest_users_call(emails=["nobody@example.com"]),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.msg == (
        "2 learner(s) match no active iSpring user: learner login=ghost; learner email=nobody@example.com. Check "
        "the logins and emails; iSpring lists only active users, so name an inactive user by user_id. Nothing was "
        "changed."
    )
    assert outcome.result["not_found"] == {"login": ["ghost"], "email": ["nobody@example.com"]}
    assert outcome.result["enrollments"] == []


def test_an_unknown_course(run_module):
    outcome = run_module(
        course_enrollment,
        args(course_id="nope", user_ids=["u1"]),
        rest_call(
            "GET",
            "/enrollments",
            {"code": 400, "message": "Unknown content item: courseIds: nope"},
            params=[("courseIds[]", "nope"), ("pageSize", "1000")],
            status=400,
        ),
    )
    assert outcome.failed and outcome.msg == (
        "course_id nope: iSpring knows no such course (Unknown content item). Check the course ID. Nothing was changed."
    )


@pytest.mark.parametrize(
    "options, message",
    [
        (
            dict(due_date="2026-04-30", user_ids=["u1"]),
            "due_date goes with due_date_type=due_date, not with no due_date_type; set due_date_type=due_date or "
            "leave due_date out. Nothing was changed.",
        ),
        (
            dict(user_ids=["u1", " "]),
            "user_ids[1] is empty; give the ID, or leave the option out. Nothing was changed.",
        ),
        (
            dict(exclusive=True),
            "exclusive=true with no learners would remove every enrollment an administrator made in course(s) "
            "%s. List the learners, or set allow_empty=true if that is what you want. Nothing was changed." % COURSE,
        ),
        (
            dict(learners=[{"login": "jdoe", "access_date": "2026-13-01"}]),
            "learner login=jdoe: access_date: '2026-13-01' is not a valid date; use YYYY-MM-DD. Nothing was changed.",
        ),
    ],
)
def test_bad_input_fails_before_any_request(run_module, options, message):
    outcome = run_module(course_enrollment, args(**options))
    assert outcome.failed and outcome.msg == message


def test_the_argument_spec_refuses_two_names_for_one_learner(run_module):
    outcome = run_module(course_enrollment, args(learners=[{"login": "jdoe", "user_id": "u1"}]))
    assert outcome.failed and "mutually exclusive: user_id|login|email found in learners" in outcome.msg


def test_exclusive_with_allow_empty_removes_every_administrator_enrollment(run_module):
    outcome = run_module(
        course_enrollment,
        args(exclusive=True, allow_empty=True),
        enrollments_call(BEFORE),
        *removal_reads(["u1", "u3", "u4"]),
        delete_call(["e1", "e3", "e4"]),
        enrollments_call([], learner_ids=["u1", "u3", "u4"]),
    )
    assert summary(outcome.result["enrollments"]) == [
        ("u1", "e1", True, True),
        ("u3", "e3", True, True),
        ("u4", "e4", True, True),
    ]


def test_removals_are_batched(run_module):
    outcome = run_module(
        course_enrollment,
        args(state="absent", user_ids=["u1", "u3", "u4"], batch_size=2),
        enrollments_call(BEFORE),
        *removal_reads(["u1", "u3", "u4"]),
        delete_call(["e1", "e3"]),
        delete_call(["e4"]),
        enrollments_call([], learner_ids=["u1", "u3", "u4"]),
    )
    assert outcome.result["changed"] is True


def test_a_failed_read_back_warns_and_reports_the_expected_values(run_module):
    outcome = run_module(
        course_enrollment,
        args(user_ids=["u9"]),
        enrollments_call([]),
        users_by_id_call(["u9"]),
        enroll_call(["u9"]),
        rest_call(
            "GET",
            "/enrollments",
            {"code": 403, "message": "Permission denied"},
            params=[("courseIds[]", COURSE), ("learnerIds[]", "u9"), ("pageSize", "1000")],
            status=403,
        ),
    )
    assert not outcome.failed and outcome.result["changed"] is True
    assert outcome.warnings == [
        "The enrollments could not be read again after the changes; 'after' shows the expected values."
    ]
    assert outcome.result["enrollments"][0]["after"]["enrolled_by"] == "administrator"


# --- issue 28 item 11: user IDs looked up before a write; a change keeps the access time of day ---


@pytest.mark.parametrize("check_mode", [False, True])
def test_unknown_user_ids_fail_before_any_write_also_in_check_mode(run_module, check_mode):
    """Learners named by user_id who are to be enrolled are looked up in one listing (GET
    /users/v2 by userIds[]); u1, enrolled already, is not.  Before: check mode planned ghost-1 as
    "would enroll", and a real run failed only at POST /enrollment."""
    outcome = run_module(
        course_enrollment,
        args(learners=[{"user_id": "u1"}, {"user_id": "ghost-1"}], user_ids=["u8", "ghost-2"]),
        enrollments_call([JDOE_E]),
        users_by_id_call(["ghost-1", "ghost-2", "u8"], found=["u8"]),
        check_mode=check_mode,
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.msg == (
        "2 learner(s) named by user_id are no user of the iSpring account, so they cannot be enrolled: learner "
        "user_id=ghost-1; learner user_id=ghost-2. Check the user IDs (a deleted user has none; "
        "course_enrollment_info or the iSpring user list shows them), or name the learners by login or email. "
        "Nothing was changed."
    )
    assert outcome.result["not_found"] == {"user_id": ["ghost-1", "ghost-2"]}
    assert outcome.result["missing"] == ["learner user_id=ghost-1", "learner user_id=ghost-2"]


def test_many_unknown_user_ids_are_counted_and_the_query_is_cut(run_module):
    """150 user IDs do not fit one request line (MAX_QUERY_BYTES): a tenant that refuses POST /users/v2
    (USERS_BY_POST) gets two listings; the message shows ten and a count, the result every one."""
    ids = ["00000000-0000-4000-9000-%012d" % n for n in range(150)]
    outcome = run_module(
        course_enrollment,
        args(user_ids=ids),
        enrollments_call([]),
        rest_users_post_call("userIds", ids, {"code": 405, "message": "Method Not Allowed"}, status=405),
        users_by_id_call(ids[:117], found=ids[:100]),
        users_by_id_call(ids[117:], found=ids[130:]),
        check_mode=True,
    )
    assert outcome.failed
    assert outcome.msg.startswith("30 learner(s) named by user_id are no user of the iSpring account")
    assert "learner user_id=%s and 20 more." % ids[109] in outcome.msg
    assert outcome.result["not_found"] == {"user_id": ids[100:130]}


def test_a_user_id_found_by_login_or_enrolled_is_not_looked_up(run_module):
    outcome = run_module(
        course_enrollment,
        args(logins=["kwong"], user_ids=["u3", "u1"]),
        rest_users_call(logins=["kwong"], users=[KWONG]),
        enrollments_call([JDOE_E]),
        check_mode=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    # u3 asked twice (by user ID, then by login) is enrolled once; no GET /users/v2 was scripted
    assert [(e["user_id"], e["changed"]) for e in outcome.result["enrollments"]] == [
        ("u3", True),
        ("u1", False),
        ("u3", False),
    ]


@pytest.mark.parametrize(
    "access, sent",
    [
        ("2020-07-10 14:32:00", "14:32:00"),  # 3.1 (r3): zone-less, the vendor sample's form
        ("2020-07-10T14:32:05Z", "14:32:05Z"),  # the file's date-time: the zone goes back with it
        ("2020-07-10T14:32", "14:32:00"),
        ("2020-07-09T23:00:00Z", "00:00:00"),  # another day than the enrollment's: not its time
        (None, "00:00:00"),  # no result listed
    ],
)
def test_a_change_that_keeps_the_access_day_keeps_its_time_of_day(run_module, access, sent):
    """Only the lock changes: ChangeEnrollment needs accessDate, the Enrollment gives only its day,
    so the time is read from the learner's result in the course (one listing) and sent back.
    Before: the access moved to 00:00:00."""
    result = dict(rest_result("e1", "u1", "in_progress", 40), accessDate=access)
    outcome = run_module(
        course_enrollment,
        args(user_ids=["u1"], lock_after_due_date=True),
        enrollments_call([JDOE_E]),
        rest_results_call(user_ids=["u1"], results=[result] if access else []),
        change_call("e1", "2020-07-10", "due_date", dueDate="2020-08-31", lockAfterDueDate=True, time=sent),
        enrollments_call([rest_enrollment("e1", "u1", due="2020-08-31", lock=True)], learner_ids=["u1"]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["enrollments"][0]["after"]["lock_after_due_date"] is True


def test_the_time_of_day_is_read_only_for_a_real_change_that_keeps_the_day(run_module):
    """Check mode reads no results; a change to another access day starts at midnight, unread;
    a change that gives the same day keeps the time."""
    checked = run_module(
        course_enrollment,
        args(user_ids=["u1"], lock_after_due_date=True),
        enrollments_call([JDOE_E]),
        check_mode=True,
    )
    assert checked.result["changed"] is True
    same_day = dict(rest_result("e1", "u1", "in_progress", 40), accessDate="2020-07-10 14:32:00")
    learners = [
        {"user_id": "u1", "access_date": "2020-07-10", "lock_after_due_date": True},
        {"user_id": "u3", "access_date": "2026-01-05"},
    ]
    moved = run_module(
        course_enrollment,
        args(learners=learners),
        enrollments_call([JDOE_E, rest_enrollment("e3", "u3", access="2020-07-10")]),
        rest_results_call(user_ids=["u1"], results=[same_day]),
        change_call("e1", "2020-07-10", "due_date", dueDate="2020-08-31", lockAfterDueDate=True, time="14:32:00"),
        change_call("e3", "2026-01-05", "unlimited", lockAfterDueDate=False),
        enrollments_call(
            [
                rest_enrollment("e1", "u1", due="2020-08-31", lock=True),
                rest_enrollment("e3", "u3", access="2026-01-05"),
            ],
            learner_ids=["u1", "u3"],
        ),
    )
    assert moved.exit_code == 0, moved.msg


def test_changes_go_out_side_by_side_and_a_failed_one_is_named_with_those_written(run_module):
    """Issue 27: the changes of one task are sent like the other modules' writes, max_parallel at
    a time (both calls meet at a barrier: neither can finish before the other started); a failed
    one fails the task naming it, and the other, written, is reported changed."""
    together = threading.Barrier(2)
    changes = [
        change_call("e1", "2020-07-10", "unlimited", lockAfterDueDate=True),
        change_call("e3", "2026-03-02", "unlimited", lockAfterDueDate=True, status=500, reply={"message": "boom"}),
    ]
    for call in changes:
        call.barrier = together
    outcome = run_module(
        course_enrollment,
        args(user_ids=["u1", "u3"], due_date_type="unlimited", lock_after_due_date=True, max_parallel=2),
        enrollments_call([JDOE_E, KWONG_E]),
        rest_results_call(user_ids=["u1", "u3"], results=[]),
        *changes,
        enrollments_call(
            [rest_enrollment("e1", "u1", access="2020-07-10", lock=True), KWONG_E], learner_ids=["u1", "u3"]
        ),
        ordered=False,
    )
    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.msg.startswith("Changing enrollment e3 (course %s, user u3) failed: " % COURSE), outcome.msg
    assert "1 enrollment(s) were changed before the failure (user u1 (enrollment e1))" in outcome.msg
    assert summary(outcome.result["enrollments"]) == [("u1", "e1", True, False), ("u3", "e3", False, False)]


# --- audiences: departments and groups (issue 25 item 5) ---

# root d0 > SALES d1 > SALES-EMEA d2; ENG d3
TREE = [
    rest_department("d0", "root"),
    rest_department("d1", "sales", "SALES", "d0"),
    rest_department("d2", "sales-emea", "SALES-EMEA", "d1"),
    rest_department("d3", "engineering", "ENG", "d0"),
]
MANAGERS = "g1"


def member(user_id, login, department, status=1):
    return dict(rest_user(user_id, login, "%s@example.com" % login), departmentId=department, status=status)


def users_v2_call(name, values, users):
    """GET /users/v2 by one filter (departments[] or userIds[], sorted), listing ``users``."""
    params = [("%s[]" % name, value) for value in sorted(values)] + [("pageSize", "1000")]
    return rest_call("GET", "/users/v2", {"userProfiles": list(users)}, params=params)


def audience_reads(group_members=("u4",)):
    """What a task with departments=[SALES] and groups=[Managers] reads of them: the departments,
    the groups, the group, then the users by ID (the group's) and by department (SALES and under)."""
    return [
        departments_call(TREE),
        groups_call([rest_group(MANAGERS, "Managers"), rest_group("g2", "All sales", smart=True)]),
        group_call(MANAGERS, "Managers", list(group_members)),
        users_v2_call("userIds", group_members, [member("u4", "mgarcia", "d3")]),
        users_v2_call(
            "departments",
            ["d1", "d2"],
            [member("u1", "jdoe", "d1"), member("u6", "bjones", "d1", status=3), member("u3", "kwong", "d2")],
        ),
    ]


# Before: jdoe (listed) and bjones (inactive, in SALES) and lee (outside every audience) enrolled by an
# administrator, asmith from the catalog.
AUDIENCE_BEFORE = [
    rest_enrollment("e1", "u1", access="2026-03-02"),
    rest_enrollment("e6", "u6", access="2020-07-10"),
    rest_enrollment("e7", "u7", access="2020-07-10"),
    ASMITH_E,
]
AUDIENCE_TASK = dict(
    departments=["SALES"], groups=["Managers"], logins=["jdoe"], access_date="2026-03-02", exclusive=True
)


def test_an_audience_enrolls_the_active_users_of_its_departments_and_groups(run_module):
    """SALES holds SALES-EMEA's kwong; the group brings mgarcia (ENG); jdoe, listed, is asked for once;
    bjones (inactive, in SALES) is outside the audience like lee: both removed by exclusive."""
    lee = rest_user("u7", "lee", "lee@example.com")
    outcome = run_module(
        course_enrollment,
        args(**AUDIENCE_TASK),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        *audience_reads(),
        enrollments_call(AUDIENCE_BEFORE),
        *removal_reads(["u6", "u7"], users=[JDOE, lee]),  # bjones is known from the department's listing
        enroll_call(["u3", "u4"], accessDate="2026-03-02"),
        delete_call(["e6", "e7"]),
        enrollments_call(
            [rest_enrollment("e8", "u3", access="2026-03-02"), rest_enrollment("e9", "u4", access="2026-03-02")],
            learner_ids=["u3", "u4", "u6", "u7"],
        ),
        diff=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    entries = outcome.result["enrollments"]
    assert [(e["user_id"], e.get("login"), e.get("audience"), e["changed"]) for e in entries] == [
        ("u1", "jdoe", None, False),
        ("u3", "kwong", "department SALES", True),
        ("u4", "mgarcia", "group Managers", True),
        ("u6", "bjones", None, True),
        ("u7", "lee", None, True),
    ]
    assert entries[3]["removed_by_exclusive"] is True and entries[1]["enrollment_id"] == "e8"
    diff = outcome.result["diff"]["prepared"]
    assert "+ kwong (enrollment e8, department SALES): access_date 2026-03-02" in diff
    assert "+ mgarcia (enrollment e9, group Managers): access_date 2026-03-02" in diff
    assert "+ bjones (enrollment e6, not declared): not enrolled" in diff


def test_a_group_that_lists_fewer_members_than_it_counts_is_no_audience(run_module):
    """Its unlisted members would not be enrolled, and exclusive would unenroll them: refused before
    any write, naming the group and both numbers."""
    reads = audience_reads()[:2] + [group_call(MANAGERS, "Managers", ["u4"], users_count=3)]
    outcome = run_module(
        course_enrollment, args(**AUDIENCE_TASK), rest_users_call(logins=["jdoe"], users=[JDOE]), *reads
    )
    assert outcome.failed and outcome.result["changed"] is False, outcome.result
    assert outcome.msg.startswith(
        "group Managers (ID %s) lists 1 member(s) but counts 3 (usersCount of GET /group/{id}): the 2 it does not "
        "list would be missed by the audience (and unenrolled with exclusive)." % MANAGERS
    ), outcome.msg
    assert outcome.msg.endswith("Nothing was changed.")


def test_an_audience_already_enrolled_reads_and_writes_nothing_more(run_module):
    enrolled = [rest_enrollment("e%d" % n, "u%d" % n, access="2026-03-02") for n in (1, 3, 4)]
    outcome = run_module(
        course_enrollment,
        args(**AUDIENCE_TASK),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        *audience_reads(),
        enrollments_call(enrolled + [ASMITH_E]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is False


def test_max_changes_counts_the_audience_s_learners(run_module):
    outcome = run_module(
        course_enrollment,
        args(**{**AUDIENCE_TASK, "exclusive": False, "max_changes": 1}),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        *audience_reads(),
        enrollments_call(AUDIENCE_BEFORE),
    )
    assert outcome.exit_code == 1
    assert "2 enrollment(s)" in outcome.msg and "max_changes" in outcome.msg, outcome.msg


def test_a_share_of_max_changes_counts_the_enrollments_read_in_the_course(run_module):
    outcome = run_module(
        course_enrollment,
        args(**{**AUDIENCE_TASK, "exclusive": False, "max_changes": "10%"}),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        *audience_reads(),
        enrollments_call(AUDIENCE_BEFORE),
    )
    assert outcome.exit_code == 1
    assert "more than max_changes (10%% of the %d enrollment(s) read: " % len(AUDIENCE_BEFORE) in outcome.msg, (
        outcome.msg
    )


def test_unknown_departments_and_groups_fail_before_any_write_all_named(run_module):
    outcome = run_module(
        course_enrollment,
        args(departments=["SALES", "SALEZ"], groups=["Managerz", "Twice"]),
        departments_call(TREE),
        groups_call([rest_group(MANAGERS, "Managers"), rest_group("g3", "Twice"), rest_group("g4", "Twice")]),
    )
    assert outcome.exit_code == 1
    assert outcome.msg == (
        "department 'SALEZ' is no department code or ID of the account; group 'Managerz' is no group of the "
        "account; 2 groups are named 'Twice'; rename one, or list its learners instead. Check the names "
        "(departments by code, groups by name); ispring_user_info lists the users of a department or group. "
        "Nothing was changed."
    )
    assert outcome.result["not_found"] == {"department": ["SALEZ"], "group": ["Managerz", "Twice"]}


def test_a_department_code_that_two_departments_have_fails_before_any_write(run_module):
    """Not the first of them: an exclusive audience of the wrong department would unenroll the right one's."""
    outcome = run_module(
        course_enrollment,
        args(departments=["SALES"], exclusive=True),
        departments_call(TREE + [rest_department("d4", "sales (old)", "SALES", "d0")]),
    )
    assert outcome.exit_code == 1
    assert outcome.msg.startswith("department 'SALES' is the code of 2 departments (IDs d1, d4); give the one meant")
    assert outcome.msg.endswith("Nothing was changed.")
    assert [call["method"] for call in outcome.session.sent] == ["GET"]


def test_exclusive_with_an_empty_audience_is_refused_unless_allowed(run_module):
    outcome = run_module(
        course_enrollment,
        args(groups=["New hires"], exclusive=True),
        groups_call([rest_group("g5", "New hires")]),
        group_call("g5", "New hires", []),
    )
    assert outcome.exit_code == 1
    assert outcome.msg.startswith(
        "exclusive=true with no learners (and no active user in group New hires) would remove every enrollment"
    ), outcome.msg


def test_a_smart_group_s_members_are_read_like_any_group_s(run_module):
    outcome = run_module(
        course_enrollment,
        args(groups=["All sales"]),
        groups_call([rest_group("g2", "All sales", smart=True)]),
        group_call("g2", "All sales", ["u1"], smart=True),
        users_v2_call("userIds", ["u1"], [member("u1", "jdoe", "d1")]),
        enrollments_call([]),
        check_mode=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    [entry] = outcome.result["enrollments"]
    assert (entry["login"], entry["audience"], entry["changed"]) == ("jdoe", "group All sales", True)


def test_each_user_counts_by_their_own_department(run_module, monkeypatch):
    """AUDIENCE_SUB_DEPARTMENTS=false on a tenant whose departments[] lists the sub-departments' users
    too: SALES asks for itself only, and kwong (SALES-EMEA), listed anyway, is not a learner."""
    monkeypatch.setattr(ispring_rest, "AUDIENCE_SUB_DEPARTMENTS", False)
    outcome = run_module(
        course_enrollment,
        args(departments=["SALES"]),
        departments_call(TREE),
        users_v2_call("departments", ["d1"], [member("u1", "jdoe", "d1"), member("u3", "kwong", "d2")]),
        enrollments_call([]),
        check_mode=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [(e["login"], e["audience"]) for e in outcome.result["enrollments"]] == [("jdoe", "department SALES")]


@pytest.mark.parametrize("check_mode", [True, False])
def test_a_listing_of_another_course_fails_before_any_write(run_module, check_mode):
    # a service that does not apply courseIds[] lists the account's enrollments: jdoe's enrollment in
    # another course was taken for one in this course, and state=absent removed it
    elsewhere = rest_enrollment("e7", "u1", course=OTHER_COURSE)
    outcome = run_module(
        course_enrollment,
        args(state="absent", user_ids=["u1"]),
        enrollments_call([elsewhere]),
        check_mode=check_mode,
    )
    assert outcome.failed and outcome.result["changed"] is False and outcome.result["enrollments"] == []
    assert outcome.msg.startswith(
        "iSpring GET /enrollments: the reply lists a record of courseId %s, which the request's filter courseIds[] "
        "(%s) does not ask for" % (OTHER_COURSE, COURSE)
    )
    assert outcome.msg.endswith("Nothing was changed.")


def test_removals_warn_of_every_pass_when_results_give_no_enrollment_id(run_module):
    # enrollmentId is optional in the vendor's LearnerResult: two such results were kept as one, so
    # the removal of one passed learner went without its warning
    passed = [rest_result(None, user, "passed", 100, "2020-06-30T14:12:00Z") for user in ("u1", "u4")]
    for result in passed:
        del result["enrollmentId"]
    outcome = run_module(
        course_enrollment,
        args(state="absent", user_ids=["u1", "u4"]),
        enrollments_call([JDOE_E, MGARCIA_E]),
        *removal_reads(["u1", "u4"], passed),
        check_mode=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [e["completion_status"] for e in outcome.result["enrollments"]] == ["passed", "passed"]
    assert len(outcome.warnings) == 2 and "jdoe's enrollment (e1)" in outcome.warnings[0]
