# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_status through its real main(): arguments as Ansible passes them, the exact requests,
the result as Ansible reads it (no_log masking included)."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.learnops.lms.plugins.modules import course_status
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    SOAP,
    TOKEN,
    fault,
    learner_result_xml,
    list_results_call,
    list_users_call,
    rest_call,
    rest_result,
    rest_results_call,
    rest_update_call,
    task_call,
    token_call,
    update_call,
    user_profile_xml,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

E1 = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"
E2 = "7c1d9a20-0000-0000-0000-000000000002"
E3 = "7c1d9a20-0000-0000-0000-000000000003"
IN_PROGRESS = learner_result_xml(E1, "u1", "in_progress", 25)
PASSED = learner_result_xml(E2, "u2", "Passed", 100, "2020-06-30T14:12:00Z")
MANUAL = learner_result_xml(E3, "u3", "complete", 50, "2020-07-01T00:00:00Z")


def args(**overrides):
    base = dict(api_url=API, token=TOKEN, course_id=COURSE, date="2020-07-22", reason="Completed offline")
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def test_seed_sample_input_changes_one_learner_and_reads_it_back(run_module):
    done = learner_result_xml(E1, "u1", "complete", 25, "2020-07-22T00:00:00Z")
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1, E2]),
        list_results_call(enrollment_ids=[E1, E2], results=[IN_PROGRESS, PASSED]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="100027"),
        list_results_call(enrollment_ids=[E1], results=[done]),  # the wanted state: no getTaskStatus
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is True
    assert outcome.result["task_ids"] == ["100027"]
    assert [(e["enrollment_id"], e["changed"], e["after"]["status"]) for e in outcome.result["learners"]] == [
        (E1, True, "complete"),
        (E2, False, "passed"),
    ]
    assert outcome.result["learners"][0]["before"] == dict(
        status="in_progress", completion_date=None, progress=25, awarded_score=None
    )
    assert outcome.result["learners"][0]["after"]["completion_date"] == "2020-07-22"
    assert outcome.result["invocation"]["module_args"]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert "diff" not in outcome.result


def test_check_mode_and_diff_read_only(run_module):
    outcome = run_module(
        course_status,
        args(learners=[{"enrollment_id": E1}, {"enrollment_id": E3, "status": "automatic"}]),
        list_results_call(enrollment_ids=[E1, E3], results=[IN_PROGRESS, MANUAL]),
        check_mode=True,
        diff=True,
    )
    result = outcome.result
    assert result["changed"] is True and result["task_ids"] == []
    assert [e["after"]["status"] for e in result["learners"]] == ["complete", "automatic"]
    assert result["diff"]["prepared"] == (
        "course %s: 2 learner(s) change (1 to automatic, 1 to complete)\n"
        "- enrollment %s: status in_progress, completion_date none\n"
        "+ enrollment %s: status complete, completion_date 2020-07-22\n"
        "- enrollment %s: status complete, completion_date 2020-07-01\n"
        "+ enrollment %s: status automatic, completion_date none\n" % (COURSE, E1, E1, E3, E3)
    )


def test_a_second_run_reads_and_writes_nothing(run_module):
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E2, E3]),
        list_results_call(enrollment_ids=[E2, E3], results=[PASSED, MANUAL]),
    )
    assert outcome.result["changed"] is False and outcome.result["task_ids"] == []
    assert all(e["before"] == e["after"] for e in outcome.result["learners"])


def test_learners_by_login_and_email_with_client_credentials(run_module):
    users = [user_profile_xml("u1", "kwong", "kwong@example.com"), user_profile_xml("u2", "mgarcia", "M@example.com")]
    done = learner_result_xml(E1, "u1", "complete", 25, "2020-07-20T00:00:00Z")
    outcome = run_module(
        course_status,
        args(
            token=None,
            client_id="cid",
            client_secret="csecret",
            learners=[{"login": "kwong", "date": "2020-07-20"}, {"email": "m@example.com"}],
        ),
        token_call(token="issued-token"),
        list_users_call(logins=["kwong"], users=users[:1], token="issued-token"),
        list_users_call(emails=["m@example.com"], users=users[1:], token="issued-token"),
        list_results_call(user_ids=["u1", "u2"], results=[IN_PROGRESS, PASSED], token="issued-token"),
        update_call([E1], "complete", "2020-07-20", "Completed offline", task_id="7", token="issued-token"),
        list_results_call(enrollment_ids=[E1], results=[done], token="issued-token"),
    )
    learners = outcome.result["learners"]
    assert [(e.get("login"), e.get("email"), e["changed"]) for e in learners] == [
        ("kwong", None, True),
        (None, "m@example.com", False),
    ]
    assert outcome.result["invocation"]["module_args"]["client_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_unknown_learners_are_named_together_and_nothing_is_written(run_module):
    outcome = run_module(
        course_status,
        args(learners=[{"login": "ghost"}, {"enrollment_id": "nope"}, {"enrollment_id": E1}]),
        list_users_call(logins=["ghost"]),
        list_results_call(enrollment_ids=["nope", E1], results=[IN_PROGRESS]),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.msg == (
        "course_id %s: 2 learner(s) cannot be found: learner login=ghost (no active user); learner "
        "enrollment_id=nope (no such enrollment in the course). Check the names, that the learners are active and "
        "enrolled, and that the account may see their department. Nothing was changed." % COURSE
    )
    assert outcome.result["missing"] == [
        "learner login=ghost (no active user)",
        "learner enrollment_id=nope (no such enrollment in the course)",
    ]
    assert outcome.result["not_found"] == {"login": ["ghost"], "enrollment_id": ["nope"]}
    assert outcome.result["learners"] == [] and outcome.result["task_ids"] == []


def test_argument_spec_refuses_two_names_for_one_learner_before_any_request(run_module):
    outcome = run_module(course_status, args(learners=[{"login": "jdoe", "email": "j@example.com"}]))
    assert outcome.failed
    assert "mutually exclusive: enrollment_id|user_id|login|email found in learners" in outcome.msg


def test_a_failed_second_call_reports_who_was_changed(run_module):
    outcome = run_module(
        course_status,
        args(learners=[{"enrollment_id": E1}, {"enrollment_id": E3, "date": "2020-07-25", "reason": "Late"}]),
        list_results_call(enrollment_ids=[E1, E3], results=[IN_PROGRESS, learner_result_xml(E3, "u3", "failed", 0)]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="11"),
        update_call([E3], "complete", "2020-07-25", "Late", body=fault("Permission denied"), http_status=500),
    )
    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["task_ids"] == ["11"]
    assert [(e["enrollment_id"], e["changed"]) for e in outcome.result["learners"]] == [(E1, True), (E3, False)]
    assert "(Permission denied)" in outcome.msg
    assert outcome.msg.endswith(
        "1 learner(s) were changed before the failure (enrollment %s); the learners list says which. Run the task "
        "again to finish." % E1
    )


def test_a_task_still_running_at_wait_timeout_fails_with_the_learners_read_back(run_module):
    read = list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS])
    running = task_call("12", "in progress")
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1], wait_timeout=5),
        read,
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="12"),
        # the learner is read again each round; the task is asked every third round and at the end
        *[read, read, read, running, read, read, running],
    )
    assert outcome.failed and outcome.result["task_ids"] == ["12"]
    assert outcome.msg == (
        "course_id %s: task(s) 12 did not finish within wait_timeout (5 s). The learners are reported as read back "
        "now; run the task again to finish." % COURSE
    )
    assert outcome.result["learners"][0]["after"]["status"] == "in_progress"  # as read back
    assert sum(outcome.slept) <= 5


def test_a_failed_task_marks_its_learners_unchanged(run_module):
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1]),
        list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="13"),
        *[list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS])] * 3,
        task_call("13", "failed"),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert "iSpring task(s) 13 failed" in outcome.msg
    assert outcome.result["learners"][0]["changed"] is False


def test_no_wait_reports_the_requested_state(run_module):
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1], wait=False),
        list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="14"),
    )
    assert outcome.result["changed"] is True and outcome.result["task_ids"] == ["14"]
    assert outcome.result["learners"][0]["after"] == dict(
        status="complete", completion_date="2020-07-22", progress=25, awarded_score=None
    )


# --- the same module over REST ---


def test_over_rest_passed_with_a_score_then_no_change(run_module):
    before = rest_result(E1, "u1", "in_progress", 25)
    done = rest_result(E1, "u1", "passed", 25, "2020-07-22T00:00:00Z", score=88.0)
    outcome = run_module(
        course_status,
        args(api="rest", status="passed", awarded_score=88, enrollment_ids=[E1], reason=None),
        rest_results_call([E1], results=[before]),
        rest_update_call([E1], "passed", "2020-07-22", score=88.0, task_id=31),
        rest_results_call([E1], results=[done]),
    )
    assert outcome.result["changed"] is True and outcome.result["task_ids"] == ["31"]
    assert outcome.result["learners"][0]["after"] == dict(
        status="passed", completion_date="2020-07-22", progress=25, awarded_score=88
    )
    again = run_module(
        course_status,
        args(api="rest", status="passed", awarded_score=88, enrollment_ids=[E1], reason=None),
        rest_results_call([E1], results=[done]),
    )
    assert again.result["changed"] is False


@pytest.mark.parametrize("score", ["88,5", "NaN", True])
def test_a_score_that_is_no_number_fails_before_any_write(run_module, score):
    # read as "no score", a score-only change went out on every run (and NaN never compares equal)
    passed = rest_result(E1, "u1", "passed", 100, "2020-07-22T00:00:00Z", score=score)
    outcome = run_module(
        course_status,
        args(api="rest", status="passed", awarded_score=88.5, enrollment_ids=[E1], reason=None),
        rest_results_call([E1], results=[passed]),
    )
    assert outcome.failed and outcome.result["changed"] is False, outcome.result
    assert outcome.msg.startswith(
        "A learner's result (userId u1, enrollmentId %s) gives awardedScore %r, which is not a number" % (E1, score)
    ), outcome.msg
    assert outcome.msg.endswith("Nothing was changed.")


def test_rest_only_status_over_soap_fails_before_any_request(run_module):
    outcome = run_module(course_status, args(status="failed", enrollment_ids=[E1]))
    assert outcome.failed and outcome.msg == (
        "learner enrollment_id=%s: status failed needs api: rest (the SOAP method updateCourseStatus sets only "
        "complete and automatic). Nothing was changed." % E1
    )


def test_a_control_character_in_one_reason_fails_before_any_request(run_module):
    learners = [{"enrollment_id": E1, "reason": "fine"}, {"enrollment_id": E2, "reason": "bad \u0001 char"}]
    outcome = run_module(course_status, args(learners=learners))
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.msg == (
        "learners[1].reason: the value holds the character U+0001, which cannot be sent; remove it. "
        "Nothing was changed."
    )


def test_an_empty_course_id_fails_before_any_request(run_module):
    outcome = run_module(course_status, args(course_id="", enrollment_ids=[E1]))
    assert (
        outcome.failed
        and outcome.msg == "course_id is empty; give the ID, or leave the option out. Nothing was changed."
    )


def test_a_failed_wait_after_the_writes_reports_what_was_written(run_module):
    unavailable = Call(SOAP, status=503, body="busy")
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1], retries=1),
        list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="15"),
        *[unavailable] * 4,  # neither the learners nor the task can be read
    )
    assert outcome.failed and outcome.result["changed"] is True and outcome.result["task_ids"] == ["15"]
    assert outcome.result["learners"][0]["changed"] is True
    assert "The changes were sent and accepted (task(s) 15)" in outcome.msg


def test_a_failed_read_back_is_a_warning_with_the_requested_state(run_module):
    unavailable = Call(SOAP, status=503, body="busy")
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1], retries=0),
        list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="16"),
        unavailable,
        task_call("16"),
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is True
    assert outcome.result["learners"][0]["after"]["status"] == "complete"
    assert outcome.warnings and outcome.warnings[0].startswith("The learners could not be read again after the changes")


def test_a_throttled_task_says_so_in_a_warning(run_module):
    throttled = Call(SOAP, status=429, body="slow down", reply_headers={"Retry-After": "1"})
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1], wait=False),
        throttled,
        list_results_call(enrollment_ids=[E1], results=[IN_PROGRESS]),
        update_call([E1], "complete", "2020-07-22", "Completed offline", task_id="17"),
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is True
    assert outcome.warnings == [
        "The LMS throttled this task (HTTP 429 or 503, 1 time(s)); it went down to 1 call(s) in flight "
        "(max_parallel 1). If this happens on every run, lower max_parallel."
    ]


def test_a_date_with_status_automatic_is_refused(run_module):
    outcome = run_module(course_status, args(status="automatic", enrollment_ids=[E1]))
    assert outcome.failed and outcome.msg.startswith("date is not used with status automatic")


def test_transport_options_out_of_range_are_named(run_module):
    for option, value, words in (
        ("timeout", 0, "timeout must be greater than 0, not 0.0."),
        ("retries", -3, "retries must be 0 or more, not -3."),
        ("wait_timeout", -5, "wait_timeout must be 0 or more seconds, not -5."),
        ("api_url", "ftp://x.example.com", "api_url 'ftp://x.example.com' is not an http(s) URL"),
        ("api_url", "https://user:pw@x.example.com", "api_url holds a user name or password"),
        ("ca_path", "/no/such/ca.pem", "ca_path: /no/such/ca.pem is not a file"),
    ):
        outcome = run_module(course_status, args(enrollment_ids=[E1], **{option: value}))
        assert outcome.failed and outcome.msg.startswith(words), outcome.msg
        assert "pw@" not in outcome.output


def test_calls_that_cannot_be_merged_go_out_side_by_side_and_a_failure_among_them_is_exact(run_module):
    together = threading.Barrier(3)
    learners = [
        {"enrollment_id": E1, "date": "2020-07-20"},
        {"enrollment_id": E2},
        {"enrollment_id": E3, "date": "2020-07-21"},
    ]
    started = [learner_result_xml(e, "u", "in_progress", 10) for e in (E1, E2, E3)]
    denied = fault("Permission denied")
    outcome = run_module(
        course_status,
        args(learners=learners, max_parallel=3),
        list_results_call(enrollment_ids=[E1, E2, E3], results=started),
        Call(
            SOAP,
            data=update_call([E1], "complete", "2020-07-20", "Completed offline").data,
            body=update_call([E1], task_id="21").body,
            barrier=together,
        ),
        Call(
            SOAP,
            data=update_call([E2], "complete", "2020-07-22", "Completed offline").data,
            body=denied,
            status=500,
            barrier=together,
        ),
        Call(
            SOAP,
            data=update_call([E3], "complete", "2020-07-21", "Completed offline").data,
            body=update_call([E3], task_id="23").body,
            barrier=together,
        ),
        ordered=False,
    )
    assert outcome.failed and outcome.result["changed"] is True
    assert sorted(outcome.result["task_ids"]) == ["21", "23"]
    assert [(e["enrollment_id"], e["changed"]) for e in outcome.result["learners"]] == [
        (E1, True),
        (E2, False),
        (E3, True),
    ]
    assert "2 learner(s) were changed before the failure" in outcome.msg


def test_report_unchanged_false_lists_only_the_changed_learners(run_module):
    outcome = run_module(
        course_status,
        args(enrollment_ids=[E1, E2, E3], report_unchanged=False),
        list_results_call(enrollment_ids=[E1, E2, E3], results=[IN_PROGRESS, PASSED, MANUAL]),
        check_mode=True,
    )
    assert [e["enrollment_id"] for e in outcome.result["learners"]] == [E1]
    assert outcome.result["unchanged"] == 2


def test_a_share_of_max_changes_counts_the_declared_learners_enrollments(run_module):
    """Issue 26 item 4: 2 enrollments read; 50% allows 1, the plan changes 2 (100%); 100% allows both."""
    learners = [{"enrollment_id": E1}, {"enrollment_id": E3, "status": "automatic"}]
    outcome = run_module(
        course_status,
        args(learners=learners, max_changes="50%"),
        list_results_call(enrollment_ids=[E1, E3], results=[IN_PROGRESS, MANUAL]),
        check_mode=True,
    )
    assert outcome.msg.startswith(
        "The task would change 2 learner(s), more than max_changes (50% of the 2 learner(s) read: 1; the plan "
        "changes 100%)"
    ), outcome.msg
    outcome = run_module(
        course_status,
        args(learners=learners, max_changes="100%"),
        list_results_call(enrollment_ids=[E1, E3], results=[IN_PROGRESS, MANUAL]),
        check_mode=True,
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is True, outcome.msg


def test_max_changes_stops_a_larger_plan_before_any_write_also_in_check_mode(run_module):
    for check in (True, False):
        outcome = run_module(
            course_status,
            args(learners=[{"enrollment_id": E1}, {"enrollment_id": E3, "status": "automatic"}], max_changes=1),
            list_results_call(enrollment_ids=[E1, E3], results=[IN_PROGRESS, MANUAL]),
            check_mode=check,
        )
        assert outcome.failed and outcome.result["changed"] is False
        assert outcome.msg.startswith(
            "The task would change 2 learner(s), more than max_changes (1): 1 to automatic (enrollment %s); "
            "1 to complete (enrollment %s)." % (E3, E1)
        )
        assert outcome.result["planned"] == {"to complete": 1, "to automatic": 1}
        # a preview (check mode) still lists what the guard refuses; a real run lists nothing
        planned = [(e["enrollment_id"], e["changed"]) for e in outcome.result["learners"]]
        assert planned == ([(E1, True), (E3, True)] if check else [])


def test_a_result_of_another_course_is_not_taken_for_this_one(run_module):
    # a service that does not apply courseIds[] (the OpenAPI file spells it without brackets) lists the
    # learner's results in every course: a pass elsewhere read as this course's, and nothing was done
    elsewhere = rest_result(
        E2, "u1", "passed", 100, "2020-06-30T14:12:00Z", course="3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"
    )
    outcome = run_module(
        course_status,
        args(api="rest", learners=[{"user_id": "u1"}]),
        rest_results_call(user_ids=["u1"], results=[elsewhere]),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.msg.startswith(
        "iSpring GET /learners/results: the reply lists a record of courseId 3c5d2f10-c10f-11ea-b4e1-ae33e75597e9, "
        "which the request's filter courseIds[] (%s) does not ask for" % COURSE
    )


def test_a_status_change_whose_reply_is_lost_is_never_reported_as_nothing_changed(run_module):
    # HTTP 504 (a gateway timed out waiting for iSpring) after the retries: the change may have been
    # applied (a task started); the result said changed: false and "Nothing was changed."
    before = rest_result(E1, "u1", "in_progress", 25)
    lost = rest_update_call([E1], "complete", "2020-07-22", "Completed offline", reply="", http_status=504)
    lost.body = b"<html><body>504 Gateway Time-out</body></html>"
    outcome = run_module(
        course_status,
        args(api="rest", enrollment_ids=[E1], retries=0),
        rest_results_call([E1], results=[before]),
        lost,
    )
    assert outcome.failed and outcome.result["changed"] is True and outcome.result["task_ids"] == [], outcome.msg
    learner = outcome.result["learners"][0]
    assert learner["changed"] is True and learner["after"]["status"] == "complete"
    assert "Nothing was changed" not in outcome.msg
    assert "iSpring may have applied it: 1 learner(s) may have been changed (enrollment %s;" % E1 in outcome.msg


def test_a_status_change_refused_by_the_api_is_not_reported_as_changed(run_module):
    before = rest_result(E1, "u1", "in_progress", 25)
    refused = rest_update_call([E1], "complete", "2020-07-22", "Completed offline", http_status=400)
    refused.body = b'{"code": 400, "message": "Wrong parameters"}'
    outcome = run_module(
        course_status,
        args(api="rest", enrollment_ids=[E1], retries=0),
        rest_results_call([E1], results=[before]),
        refused,
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.result["learners"][0]["changed"] is False and "Nothing was changed." in outcome.msg


def test_a_result_without_a_readable_completion_status_fails_before_any_write(run_module):
    # a tenant that names the field otherwise ("status") or answers a word outside the documented
    # CompletionStatus: read as "not complete", the learner's pass was replaced by a manual completion
    passed = dict(rest_result(E2, "u2", None, 100, "2020-06-30T14:12:00Z"), status="passed")
    del passed["completionStatus"]
    for result, shown in ((passed, "no completionStatus"), (rest_result(E2, "u2", "Completed", 100), "'completed'")):
        outcome = run_module(
            course_status,
            args(api="rest", enrollment_ids=[E2]),
            rest_results_call([E2], results=[result]),
        )
        assert outcome.failed and outcome.result["changed"] is False, outcome.result
        assert outcome.msg.startswith(
            "course_id %s: learner enrollment_id=%s: the listed result (enrollment %s) has %s, not one of iSpring's "
            "completion statuses" % (COURSE, E2, E2, shown)
        ), outcome.msg
        assert outcome.msg.endswith("Nothing was changed.")


def test_status_automatic_with_a_completed_result_without_progress_fails_before_any_write(run_module):
    # progress is optional in the vendor's LearnerResult: read as 0, a completion was handed back to
    # automatic calculation on every run
    complete = rest_result(E3, "u3", "complete", None, "2020-07-01T00:00:00Z")
    del complete["progress"]
    outcome = run_module(
        course_status,
        args(api="rest", status="automatic", date=None, enrollment_ids=[E3]),
        rest_results_call([E3], results=[complete]),
    )
    assert outcome.failed and outcome.result["changed"] is False, outcome.result
    assert "the listed result (enrollment %s) is complete but gives no progress" % E3 in outcome.msg


def test_results_without_an_enrollment_id_are_kept_apart_and_a_change_needing_one_fails(run_module):
    # enrollmentId is optional in the vendor's LearnerResult: the results of two learners without one
    # were kept under one key (u1 then read as "not enrolled in the course"), and a lone learner's
    # change went out as {"enrollmentIds": [null]}
    u1 = rest_result(None, "u1", "in_progress", 25)
    u2 = rest_result(None, "u2", "passed", 100, "2020-06-30T14:12:00Z")
    for result in (u1, u2):
        del result["enrollmentId"]
    outcome = run_module(
        course_status,
        args(api="rest", user_ids=["u1", "u2"]),
        rest_results_call(user_ids=["u1", "u2"], results=[u1, u2]),
    )
    assert outcome.failed and outcome.result["changed"] is False, outcome.result
    assert outcome.msg.startswith(
        "course_id %s: learner user_id=u1: the listed result gives no enrollmentId, which the status change needs"
        % COURSE
    ), outcome.msg
    converged = run_module(
        course_status,
        args(api="rest", user_ids=["u2"]),
        rest_results_call(user_ids=["u2"], results=[u2]),
    )
    assert converged.exit_code == 0 and converged.result["changed"] is False


def test_a_task_status_that_is_no_task_status_object_fails_naming_the_task_after_the_writes(run_module):
    # GET /task/{id}/status answering a bare JSON string: an AttributeError traceback after the write,
    # which lost the result of what was written
    before = rest_result(E1, "u1", "in_progress", 25)
    read = rest_results_call([E1], results=[before])
    status = rest_call("GET", "/task/41/status", '"complete"')
    outcome = run_module(
        course_status,
        args(api="rest", enrollment_ids=[E1]),
        read,
        rest_update_call([E1], "complete", "2020-07-22", "Completed offline", task_id=41),
        *[read] * 3,
        status,
    )
    assert outcome.failed and outcome.result["changed"] is True and outcome.result["task_ids"] == ["41"]
    assert "iSpring GET /task/41/status: the reply is not a TaskStatus" in outcome.msg, outcome.msg
    assert "The changes were sent and accepted (task(s) 41)" in outcome.msg
