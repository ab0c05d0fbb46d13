# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_enrollment_info through its real main()."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.modules import course_enrollment_info
from ansible_collections.learnops.lms.tests.unit.enrollment_wire import OTHER_COURSE, enrollments_call, rest_enrollment
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    TOKEN,
    rest_call,
    rest_user,
    rest_users_call,
)


def args(**overrides):
    return dict(dict(api_url=API, token=TOKEN, course_ids=[COURSE]), **overrides)


def test_every_enrollment_of_two_courses_ordered_and_normalised(run_module):
    outcome = run_module(
        course_enrollment_info,
        args(course_ids=[OTHER_COURSE, COURSE]),
        enrollments_call([rest_enrollment("e9", "u1", course=OTHER_COURSE)], course=OTHER_COURSE),
        enrollments_call(
            [
                rest_enrollment("e2", "u2", access="2020-07-10T09:00:00Z", group=1),
                rest_enrollment("e1", "u1", due="2020-08-31", lock=True),
            ]
        ),
        rest_users_call(users=[rest_user("u1", "jdoe", "jdoe@example.com")]),
        check_mode=True,
    )
    found = outcome.result["enrollments"]
    assert outcome.result["changed"] is False
    assert [(e["course_id"], e["enrollment_id"]) for e in found] == [
        (OTHER_COURSE, "e9"),
        (COURSE, "e1"),
        (COURSE, "e2"),
    ]
    assert found[1] == dict(
        enrollment_id="e1",
        course_id=COURSE,
        user_id="u1",
        login="jdoe",
        email="jdoe@example.com",
        access_date="2020-07-10",
        due_date="2020-08-31",
        expiration_date=None,
        lock_after_due_date=True,
        enrolled_by="administrator",
        enrollment_type_group=0,
    )
    assert (found[2]["access_date"], found[2]["enrolled_by"], found[2]["login"]) == ("2020-07-10", "catalog", None)


def test_learners_by_login_and_id_only_self_enrolled(run_module):
    outcome = run_module(
        course_enrollment_info,
        args(logins=["asmith"], user_ids=["u1"], enrolled_by=["catalog"]),
        rest_users_call(logins=["asmith"], users=[rest_user("u2", "asmith", "asmith@example.com")]),
        enrollments_call([rest_enrollment("e1", "u1"), rest_enrollment("e2", "u2", group=1)], learner_ids=["u1", "u2"]),
    )
    assert [(e["enrollment_id"], e.get("login")) for e in outcome.result["enrollments"]] == [("e2", "asmith")]


def test_an_unknown_login_fails_naming_it(run_module):
    outcome = run_module(course_enrollment_info, args(logins=["ghost"]), rest_users_call(logins=["ghost"]))
    assert outcome.failed and outcome.msg == "1 learner(s) match no active iSpring user: login ghost."
    assert outcome.result["not_found"] == {"login": ["ghost"]}


def test_a_learner_with_no_enrollment_fails_naming_them(run_module):
    outcome = run_module(
        course_enrollment_info,
        args(user_ids=["u1", "u7"], logins=["kwong"]),
        rest_users_call(logins=["kwong"], users=[rest_user("u3", "kwong", "kwong@example.com")]),
        enrollments_call([rest_enrollment("e1", "u1")], learner_ids=["u1", "u7", "u3"]),
    )
    assert outcome.failed and outcome.msg == (
        "course_ids %s: no enrollment of 2 learner(s): user_id u7, login kwong. Check the IDs; a learner who is not "
        "enrolled in these courses, or whose department the account may not see, has none." % COURSE
    )
    assert outcome.result["not_found"] == {"user_id": ["u7"], "login": ["kwong"]}


def test_an_unknown_course_fails_naming_it(run_module):
    outcome = run_module(
        course_enrollment_info,
        args(course_ids=["nope"]),
        rest_call(
            "GET",
            "/enrollments",
            {"code": 400, "message": "Unknown content item: courseIds: nope"},
            params=[("courseIds[]", "nope"), ("pageSize", "1000")],
            status=400,
        ),
    )
    assert outcome.failed and outcome.msg.startswith("course_id nope: iSpring knows no such course")


def test_an_empty_course_id_is_refused_before_any_request(run_module):
    outcome = run_module(course_enrollment_info, args(course_ids=[COURSE, ""]))
    assert outcome.failed and outcome.msg == (
        "course_ids[1] is empty; give the ID, or leave the option out. Nothing was changed."
    )
