# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_status_info through its real main()."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.modules import course_status_info
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    TOKEN,
    fault,
    learner_result_xml,
    list_results_call,
    list_users_call,
    soap_call,
    user_profile_xml,
)

OTHER = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"


def args(**overrides):
    return dict(dict(api_url=API, token=TOKEN, course_ids=[COURSE]), **overrides)


def test_every_result_of_two_courses_ordered_and_normalised(run_module):
    first = [
        learner_result_xml("e2", "u2", "Passed", 100, "2020-06-30T14:12:00Z"),
        learner_result_xml("e1", "u1", "in_progress", 25),
    ]
    outcome = run_module(
        course_status_info,
        args(course_ids=[COURSE, OTHER]),
        list_results_call(results=first),
        list_results_call(course=OTHER, results=[learner_result_xml("e9", "u1", "not_started", 0, course=OTHER)]),
        list_users_call(users=[user_profile_xml("u1", "kwong", "kwong@example.com")]),
        check_mode=True,
    )
    results = outcome.result["results"]
    assert outcome.result["changed"] is False
    assert [(r["course_id"], r["enrollment_id"], r["status"]) for r in results] == [
        (COURSE, "e1", "in_progress"),
        (COURSE, "e2", "passed"),
        (OTHER, "e9", "not_started"),
    ]
    assert results[0]["login"] == "kwong" and results[2]["email"] == "kwong@example.com"
    assert results[1] == dict(
        login=None,
        email=None,
        user_id="u2",
        course_id=COURSE,
        enrollment_id="e2",
        status="passed",
        completion_date="2020-06-30T14:12:00Z",
        progress=100,
        awarded_score=None,
        access_date=None,
        due_date=None,
    )


def test_learners_by_login_with_status_filter(run_module):
    outcome = run_module(
        course_status_info,
        args(logins=["jdoe"], enrollment_ids=["e7"], statuses=["COMPLETE"]),
        list_users_call(logins=["jdoe"], users=[user_profile_xml("u1", "jdoe", "jdoe@example.com")]),
        list_results_call(enrollment_ids=["e7"], results=[learner_result_xml("e7", "u7", "in_progress", 10)]),
        list_results_call(user_ids=["u1"], results=[learner_result_xml("e1", "u1", "complete", 50)]),
        list_users_call(users=[user_profile_xml("u1", "jdoe", "jdoe@example.com")]),
    )
    [result] = outcome.result["results"]
    assert (result["enrollment_id"], result["login"], result["email"]) == ("e1", "jdoe", "jdoe@example.com")


def test_unknown_login_and_course_are_named(run_module):
    login = run_module(
        course_status_info,
        args(logins=["ghost"], emails=["nobody@example.com"]),
        list_users_call(logins=["ghost"]),
        list_users_call(emails=["nobody@example.com"]),
    )
    assert login.failed
    assert login.msg == "2 learner(s) match no active iSpring user: login ghost, email nobody@example.com."
    assert login.result["missing"] == ["login ghost", "email nobody@example.com"]
    filters = "<courseIds><id>nope</id></courseIds><pageSize>1000</pageSize>"
    course = run_module(
        course_status_info,
        args(course_ids=["nope"]),
        soap_call("ListLearnersResults", filters, fault("Unknown content item"), status=500),
    )
    assert course.failed and course.msg == "course_ids: iSpring knows no course nope (Unknown content item)."


def test_argument_spec_requires_a_credential(run_module):
    outcome = run_module(course_status_info, dict(api_url=API, course_ids=[COURSE]))
    assert outcome.failed and "one of the following is required: token, client_id" in outcome.msg


def test_every_filter_names_what_has_no_result(run_module):
    outcome = run_module(
        course_status_info,
        args(course_ids=[COURSE, COURSE], enrollment_ids=["e1", "typo"], user_ids=["u9"]),
        list_results_call(enrollment_ids=["e1", "typo"], results=[learner_result_xml("e1", "u1", "complete", 50)]),
        list_results_call(user_ids=["u9"]),
    )
    assert outcome.failed
    assert outcome.result["not_found"] == {"enrollment_id": ["typo"], "user_id": ["u9"]}
    assert outcome.msg.startswith("course_ids %s: no result for 2 learner(s): enrollment_id typo, user_id u9." % COURSE)


def test_an_unknown_status_word_fails_before_any_request(run_module):
    outcome = run_module(course_status_info, args(statuses=["complete", "complted"]))
    assert outcome.failed and outcome.msg.startswith("statuses: complted is not a completion status")
