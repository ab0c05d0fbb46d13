# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_status's planner: the contract's idempotency rule (1.7), validation, and the grouping."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import completion
from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.ispring import LearnerResult, UserProfile


def result(status, progress=50, date=None, enrollment="e1", user="u1"):
    return LearnerResult(user, "c", enrollment, status, date, progress, None, None, None)


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
    assert completion.needs_change(result(status, date=date), "complete", "2020-07-22", match_date) is expected


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
    assert completion.needs_change(result(status, progress), "automatic", None, False) is expected


def params(**overrides):
    base = dict(
        status="complete",
        date="2020-07-22",
        reason="Offline",
        learners=[],
        enrollment_ids=[],
        user_ids=[],
        logins=[],
        emails=[],
        batch_size=10,
        api="soap",
        awarded_score=None,
        wait_timeout=300,
    )
    base.update(overrides)
    return base


def test_overrides_and_shortcuts():
    wanted = completion.wanted_learners(
        params(
            learners=[
                {"login": "jdoe"},
                {"email": "a@example.com", "date": "2020-07-20", "reason": None},
                {"user_id": "u9", "status": "automatic"},
            ],
            enrollment_ids=["e7"],
            user_ids=["u8"],
            logins=["asmith"],
            emails=["b@example.com"],
        )
    )
    assert [(w.kind, w.value, w.status, w.date, w.reason, w.user_id) for w in wanted] == [
        ("login", "jdoe", "complete", "2020-07-22", "Offline", None),
        ("email", "a@example.com", "complete", "2020-07-20", "Offline", None),
        ("user_id", "u9", "automatic", None, "Offline", "u9"),
        ("enrollment_id", "e7", "complete", "2020-07-22", "Offline", None),
        ("user_id", "u8", "complete", "2020-07-22", "Offline", "u8"),
        ("login", "asmith", "complete", "2020-07-22", "Offline", None),
        ("email", "b@example.com", "complete", "2020-07-22", "Offline", None),
    ]


@pytest.mark.parametrize(
    "overrides, words",
    [
        (dict(date=None, learners=[{"login": "jdoe"}]), "learner login=jdoe: status complete needs a completion date"),
        (dict(learners=[{"login": "jdoe", "date": "22.07.2020"}]), "learner login=jdoe: date: '22.07.2020' is not"),
        (dict(learners=[{"login": ""}]), "learners[0]: name the learner"),
        (dict(batch_size=0), "batch_size must be at least 1"),
    ],
)
def test_bad_input_names_the_learner_or_option(overrides, words):
    with pytest.raises(ValidationError) as caught:
        completion.wanted_learners(params(**overrides))
    assert words in caught.value.message


def test_plan_groups_shared_changes_and_skips_satisfied_learners():
    wanted = completion.wanted_learners(
        params(
            learners=[
                {"enrollment_id": "e1"},
                {"enrollment_id": "e2"},
                {"enrollment_id": "e3", "date": "2020-07-20"},
                {"enrollment_id": "e4"},
            ]
        )
    )
    current = [
        result("in_progress", enrollment="e1"),
        result("not_started", enrollment="e2"),
        result("in_progress", enrollment="e3"),
        result("passed", 100, "2020-01-01", enrollment="e4"),
    ]
    the_plan = completion.plan("c", wanted, current, match_date=False)
    assert [e.changed for e in the_plan.entries] == [True, True, True, False]
    assert {key: [e.enrollment_id for e in entries] for key, entries in the_plan.groups().items()} == {
        ("complete", "2020-07-22", "Offline", None): ["e1", "e2"],
        ("complete", "2020-07-20", "Offline", None): ["e3"],
    }
    assert the_plan.entries[0].after == dict(
        status="complete", completion_date="2020-07-22", progress=50, awarded_score=None
    )
    assert the_plan.entries[3].after == dict(
        status="passed", completion_date="2020-01-01", progress=100, awarded_score=None
    )


def test_a_learner_asked_for_twice_is_changed_once():
    wanted = completion.wanted_learners(params(learners=[{"enrollment_id": "e1"}, {"user_id": "u1"}]))
    the_plan = completion.plan("c", wanted, [result("in_progress")] * 2, match_date=False)
    assert [e.changed for e in the_plan.entries] == [True, False]
    assert [len(entries) for entries in the_plan.groups().values()] == [1]


def test_plan_refuses_conflicting_wishes_for_one_enrollment():
    wanted = completion.wanted_learners(
        params(learners=[{"enrollment_id": "e1"}, {"login": "jdoe", "date": "2021-01-01"}])
    )
    with pytest.raises(ValidationError, match="enrollment e1 is asked for twice"):
        completion.plan("c", wanted, [result("in_progress"), result("in_progress")], match_date=False)


@pytest.mark.parametrize(
    "wanted, current, match_date, score, expected",
    [
        ("passed", "passed", False, None, False),
        ("passed", "accepted", False, None, False),
        ("passed", "complete", False, None, True),
        ("failed", "passed", False, None, True),
        ("failed", "failed", False, None, False),
        ("incomplete", "in_progress", False, None, True),
        ("passed", "passed", True, None, True),  # another date
        ("complete", "passed", True, None, False),  # never replaced by a manual completion
        ("complete", "accepted", True, None, False),
        ("passed", "passed", False, 80.0, False),  # the stored score, 80
        ("passed", "passed", False, 90.0, True),
        ("complete", "complete", False, 80.00000001, False),
    ],
)
def test_rest_statuses_scores_and_match_date(wanted, current, match_date, score, expected):
    stored = LearnerResult("u1", "c", "e1", current, "2020-01-01T00:00:00Z", 100, 80, None, None)
    assert completion.needs_change(stored, wanted, "2020-07-22", match_date, score) is expected


@pytest.mark.parametrize(
    "overrides, words",
    [
        (dict(status="passed", enrollment_ids=["e1"]), "learner enrollment_id=e1: status passed needs api: rest"),
        (dict(awarded_score=80, enrollment_ids=["e1"]), "learner enrollment_id=e1: awarded_score needs api: rest"),
        (
            dict(api="rest", status="automatic", awarded_score=80, enrollment_ids=["e1"]),
            "cannot be set with status automatic",
        ),
        (
            dict(api="rest", awarded_score=101, enrollment_ids=["e1"]),
            "awarded_score must be a number from 0 to 100, not 101",
        ),
        (dict(api="rest", status="failed", date=None, enrollment_ids=["e1"]), "status failed needs a completion date"),
    ],
)
def test_rest_only_values_are_refused_before_anything_is_read(overrides, words):
    with pytest.raises(ValidationError) as caught:
        completion.wanted_learners(params(**overrides))
    assert words in caught.value.message


@pytest.mark.parametrize(
    "current, wanted, match_date, sent",
    [
        # a pass keeps its status and date when only the score differs
        ("passed", "complete", False, ("passed", "2020-07-20", "Offline", 50.0)),
        ("passed", "complete", True, ("passed", "2020-07-20", "Offline", 50.0)),
        # the wanted status itself: its own date unless match_date asks for the task's
        ("complete", "complete", False, ("complete", "2020-07-20", "Offline", 50.0)),
        ("complete", "complete", True, ("complete", "2020-07-22", "Offline", 50.0)),
        # not satisfied: the wanted status and date
        ("in_progress", "complete", False, ("complete", "2020-07-22", "Offline", 50.0)),
        ("passed", "failed", False, ("failed", "2020-07-22", "Offline", 50.0)),
    ],
)
def test_a_score_only_change_keeps_the_status_and_date_earned(current, wanted, match_date, sent):
    """Issue 28: a learner who passed on 2020-07-20 with 100 and is asked for a score of 50 keeps the
    pass and its date; only the score is sent."""
    stored = LearnerResult("u1", "c", "e1", current, "2020-07-20T10:00:00Z", 100, 100, None, None)
    learner = completion.wanted_learners(params(api="rest", status=wanted, awarded_score=50, enrollment_ids=["e1"]))
    the_plan = completion.plan("c", learner, [stored], match_date=match_date)
    assert list(the_plan.groups()) == [sent]
    assert (the_plan.entries[0].after["status"], the_plan.entries[0].after["completion_date"]) == sent[:2]


def test_a_score_only_change_on_a_status_the_api_cannot_send_fails_naming_the_learner():
    stored = LearnerResult("u1", "c", "e1", "accepted", "2020-07-20T10:00:00Z", 100, 100, None, None)
    learner = completion.wanted_learners(params(api="rest", awarded_score=50, enrollment_ids=["e1"]))
    with pytest.raises(ValidationError) as caught:
        completion.plan("c", learner, [stored], match_date=False)
    assert caught.value.message.startswith("learner enrollment_id=e1: only the awarded score differs")
    assert "status accepted cannot be sent back" in caught.value.message


# --- check mode: a learner the same run enrolls (issue 28, item 6) ---


class Listing:
    """course_results and find_users of a course whose only learner is u1 (jdoe); u2 is ltan."""

    def find_users(self, logins=(), emails=()):
        users = [
            UserProfile("u1", None, None, "active", "jdoe", None),
            UserProfile("u2", None, None, "active", "ltan", None),
        ]
        return [u for u in users if u.login in logins]

    def course_results(self, course_id, enrollment_ids=(), user_ids=()):
        return [result("in_progress")] if "u1" in user_ids or "e1" in enrollment_ids else []


def test_a_learner_not_enrolled_fails_unless_the_run_enrolls_them():
    wanted = completion.wanted_learners(params(logins=["jdoe", "ltan", "ghost"]))
    with pytest.raises(ValidationError, match=r"login=ltan \(not enrolled in the course\)") as caught:
        completion.read_current(Listing(), "c", wanted)
    # which of not_found are users who are not enrolled (the others match no active user)
    assert caught.value.details["not_found"] == {"login": ["ghost", "ltan"]}
    assert caught.value.details["not_enrolled"] == {"login": ["ltan"]}
    wanted = completion.wanted_learners(params(logins=["jdoe", "ltan"]))
    assert completion.read_current(Listing(), "c", wanted, enrolling=["u2"]) == [result("in_progress"), None]


def test_enrolling_never_excuses_an_enrollment_id_or_an_unknown_user():
    wanted = completion.wanted_learners(params(enrollment_ids=["e9"], logins=["ghost"]))
    with pytest.raises(ValidationError, match="2 learner"):
        completion.read_current(Listing(), "c", wanted, enrolling=["e9", "ghost"])


def test_a_learner_the_run_enrolls_would_be_completed_once_enrolled():
    wanted = completion.wanted_learners(params(logins=["jdoe", "ltan"], user_ids=["u3"]))  # u3 first
    wanted[2].user_id = "u2"
    the_plan = completion.plan("c", wanted, [None, result("in_progress"), None], match_date=False)
    assert [e.changed for e in the_plan.entries] == [True, True, True]
    new = the_plan.result(diff=True)
    assert new["learners"][2] == dict(
        enrollment_id=None,
        user_id="u2",
        login="ltan",
        changed=True,
        before=None,
        after=dict(status="complete", completion_date="2020-07-22", progress=None, awarded_score=None),
        note="would be completed once enrolled (this run enrolls them)",
    )
    assert new["learners"][0]["user_id"] == "u3" and new["learners"][0]["before"] is None
    assert "note" not in new["learners"][1]
    assert (
        "- ltan (not enrolled yet): not enrolled\n+ ltan (not enrolled yet): status complete" in new["diff"]["prepared"]
    )
    # previewed only: nothing of theirs is ever sent
    assert [[e.enrollment_id for e in entries] for entries in the_plan.groups().values()] == [["e1"]]
    assert the_plan.changes() == {
        "to complete": ["user u3 (not enrolled yet)", "jdoe (enrollment e1)", "ltan (not enrolled yet)"]
    }


def test_a_learner_the_run_enrolls_has_nothing_to_hand_back_to_automatic_and_is_counted_once():
    wanted = completion.wanted_learners(params(user_ids=["u2", "u2"], status="automatic", date=None))
    the_plan = completion.plan("c", wanted, [None, None], match_date=False)
    assert [e.changed for e in the_plan.entries] == [False, False]
    assert the_plan.result()["learners"][0]["note"].startswith("not enrolled yet")
    assert the_plan.result()["learners"][0]["after"] is None
    conflicting = completion.wanted_learners(
        params(learners=[{"user_id": "u2"}, {"user_id": "u2", "date": "2021-01-01"}])
    )
    with pytest.raises(ValidationError, match="user u2 is asked for twice"):
        completion.plan("c", conflicting, [None, None], match_date=False)
