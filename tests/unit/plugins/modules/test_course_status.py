# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_status's desired-state logic: the contract's idempotency rule and the grouping."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.plugins.modules import course_status


def result(status, progress=50, date=None, enrollment="e1", user="u1"):
    return dict(status=status, progress=progress, completion_date=date, enrollment_id=enrollment, user_id=user)


@pytest.mark.parametrize(
    "status, match_date, date, expected",
    [
        ("not_started", False, None, True),
        ("in_progress", False, None, True),
        ("failed", False, None, True),
        ("complete", False, "2020-01-01T00:00:00Z", False),
        ("passed", False, "2020-01-01T00:00:00Z", False),
        ("accepted", False, "2020-01-01T00:00:00Z", False),
        ("complete", True, "2020-07-22T00:00:00Z", False),
        ("passed", True, "2020-07-22T10:11:12Z", False),
        ("complete", True, "2020-01-01T00:00:00Z", True),
    ],
)
def test_complete_rule(status, match_date, date, expected):
    assert course_status.needs_change(result(status, date=date), "complete", "2020-07-22", match_date) is expected


@pytest.mark.parametrize(
    "status, progress, expected",
    [
        ("complete", 50, True),
        ("complete", 100, False),
        ("passed", 100, False),
        ("in_progress", 50, False),
        ("not_started", 0, False),
        ("complete", None, True),
    ],
)
def test_automatic_rule(status, progress, expected):
    assert course_status.needs_change(result(status, progress), "automatic", None, False) is expected


def params(**overrides):
    base = dict(status="complete", date="2020-07-22", reason="Offline", learners=[], enrollment_ids=[])
    base.update(overrides)
    return base


def test_overrides_and_shortcuts():
    wanted = course_status.wanted_learners(
        params(
            learners=[
                {"login": "jdoe"},
                {"email": "a@example.com", "date": "2020-07-20", "reason": None},
                {"user_id": "u9", "status": "automatic"},
            ],
            enrollment_ids=["e7"],
        )
    )
    assert [(w["kind"], w["value"], w["status"], w["date"], w["reason"]) for w in wanted] == [
        ("login", "jdoe", "complete", "2020-07-22", "Offline"),
        ("email", "a@example.com", "complete", "2020-07-20", "Offline"),
        ("user_id", "u9", "automatic", None, "Offline"),
        ("enrollment_id", "e7", "complete", "2020-07-22", "Offline"),
    ]


def test_missing_date_names_the_learner():
    with pytest.raises(ValidationError, match="login=jdoe.*needs a completion date"):
        course_status.wanted_learners(params(date=None, learners=[{"login": "jdoe"}]))


def test_plan_groups_shared_changes_and_skips_satisfied_learners():
    wanted = course_status.wanted_learners(
        params(
            learners=[
                {"enrollment_id": "e1"},
                {"enrollment_id": "e2"},
                {"enrollment_id": "e3", "date": "2020-07-20"},
                {"enrollment_id": "e4"},
            ]
        )
    )
    current = {
        0: result("in_progress", enrollment="e1"),
        1: result("not_started", enrollment="e2"),
        2: result("in_progress", enrollment="e3"),
        3: result("passed", 100, "2020-01-01", enrollment="e4"),
    }
    entries, groups = course_status.plan(wanted, current, match_date=False)
    assert [e["changed"] for e in entries] == [True, True, True, False]
    assert {key: [e["enrollment_id"] for e in members] for key, members in groups.items()} == {
        ("complete", "2020-07-22", "Offline"): ["e1", "e2"],
        ("complete", "2020-07-20", "Offline"): ["e3"],
    }


def test_plan_refuses_conflicting_wishes_for_one_enrollment():
    wanted = course_status.wanted_learners(
        params(learners=[{"enrollment_id": "e1"}, {"login": "jdoe", "date": "2021-01-01"}])
    )
    current = {0: result("in_progress"), 1: result("in_progress")}
    with pytest.raises(ValidationError, match="enrollment e1 is asked for twice"):
        course_status.plan(wanted, current, match_date=False)
