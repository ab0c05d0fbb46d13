# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_enrollment's planner: validation, the comparison rules, the grouping of the writes."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import enrollment, ispring_rest
from ansible_collections.learnops.lms.plugins.module_utils.enrollment import Values
from ansible_collections.learnops.lms.plugins.module_utils.errors import OutcomeUnknown, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.ispring import LearnerResult, UserProfile
from ansible_collections.learnops.lms.plugins.module_utils.ispring_rest import Department, Enrollment

C1, C2 = "course-1", "course-2"


def record(learner="u1", access="2020-07-10", due=None, lock=False, group=0, enrollment_id=None, course=C1):
    return Enrollment(enrollment_id or "e-" + learner, course, learner, access, due, None, lock, group)


def params(**overrides):
    base = dict(
        course_id=C1,
        course_ids=None,
        state="present",
        access_date=None,
        due_date_type=None,
        due_date=None,
        due_period=None,
        lock_after_due_date=None,
        learners=[],
        user_ids=[],
        logins=[],
        emails=[],
        exclusive=False,
        allow_empty=False,
        batch_size=1000,
    )
    base.update(overrides)
    return base


def learner(**given):
    """A learners[] item as Ansible passes it: every suboption, None when not given."""
    item = dict.fromkeys(enrollment.IDENTIFIERS + enrollment.VALUE_OPTIONS)
    item.update(given)
    return item


def wanted(**overrides):
    the_params = params(**overrides)
    enrollment.check_options(the_params)
    return enrollment.wanted_learners(the_params, enrollment.course_ids(the_params))


# --- validation ---


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(due_date_type="due_date"), "due_date_type=due_date needs due_date (YYYY-MM-DD)."),
        (
            dict(due_date_type="due_period"),
            "due_date_type=due_period needs due_period, a number of days of at least 1.",
        ),
        (
            dict(due_date_type="due_period", due_period=0),
            "due_date_type=due_period needs due_period, a number of days of at least 1, not 0.",
        ),
        (
            dict(due_date="2026-04-30"),
            "due_date goes with due_date_type=due_date, not with no due_date_type; set due_date_type=due_date or "
            "leave due_date out.",
        ),
        (
            dict(due_date_type="unlimited", due_period=3),
            "due_period goes with due_date_type=due_period, not with due_date_type=unlimited; set "
            "due_date_type=due_period or leave due_period out.",
        ),
        (
            dict(due_date_type="due_period", due_period=3, due_date="2026-04-30"),
            "due_date goes with due_date_type=due_date, not with due_date_type=due_period; set due_date_type=due_date "
            "or leave due_date out.",
        ),
        (dict(access_date="02/03/2026"), "access_date: '02/03/2026' is not a date; use YYYY-MM-DD"),
        (dict(due_date_type="due_date", due_date="2026-02-30"), "due_date: '2026-02-30' is not a valid date"),
        (dict(batch_size=0), "batch_size must be at least 1, not 0."),
        (dict(exclusive=True, state="absent"), "exclusive=true only applies to state=present, not absent."),
        (dict(state="absent", access_date="2026-03-02"), "access_date can only be set with state=present"),
    ],
)
def test_task_options_are_checked_first(options, message):
    with pytest.raises(ValidationError) as caught:
        enrollment.check_options(params(**options))
    assert caught.value.message.startswith(message)


def test_a_learner_s_due_settings_go_together_and_name_the_learner():
    with pytest.raises(ValidationError) as caught:
        wanted(due_date_type="due_date", due_date="2026-04-30", learners=[learner(login="jdoe", due_period=5)])
    assert caught.value.message.startswith("learner login=jdoe: due_period goes with due_date_type=due_period")


def test_learner_values_override_the_task_s():
    found = wanted(
        access_date="2026-03-02",
        due_date_type="due_period",
        due_period=30,
        lock_after_due_date=True,
        learners=[learner(login="jdoe"), learner(email="a@example.com", due_date_type="unlimited")],
        user_ids=["u9"],
    )
    assert [(w.kind, w.value, w.user_id) for w in found] == [
        ("login", "jdoe", None),
        ("email", "a@example.com", None),
        ("user_id", "u9", "u9"),
    ]
    assert found[0].values == Values("2026-03-02", "due_period", None, 30, True)
    assert found[1].values == Values("2026-03-02", "unlimited", None, None, True)
    assert found[2].values == found[0].values


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(course_id=""), "course_id is empty; give the ID of a course."),
        (dict(course_id=None, course_ids=[C1, " "]), "course_ids[1] is empty; give the ID of a course."),
        (dict(course_id=None, course_ids=[]), "course_ids is empty; give the ID of at least one course."),
        (dict(logins=["jdoe", ""]), "logins[1]: name the learner with one of user_id, login, email; all are empty."),
        (dict(learners=[learner(user_id=" ")]), "learners[0]: name the learner with one of"),
        (
            dict(state="absent", learners=[learner(login="jdoe", lock_after_due_date=True)]),
            "learner login=jdoe: lock_after_due_date can only be set with state=present.",
        ),
        (
            dict(exclusive=True),
            "exclusive=true with no learners would remove every enrollment an administrator made in course(s) "
            "course-1. List the learners, or set allow_empty=true if that is what you want.",
        ),
    ],
)
def test_bad_input(options, message):
    with pytest.raises(ValidationError) as caught:
        wanted(**options)
    assert caught.value.message.startswith(message)


def test_exclusive_with_no_learners_when_allowed():
    assert wanted(exclusive=True, allow_empty=True) == []


def test_courses_keep_their_order_once_each():
    assert enrollment.course_ids(params(course_id=None, course_ids=[C2, C1, C2])) == [C2, C1]


def test_one_user_asked_for_twice_with_other_values_is_refused():
    found = wanted(learners=[learner(login="jdoe"), learner(user_id="u1", access_date="2026-01-01")])
    found[0].user_id = "u1"
    with pytest.raises(ValidationError, match="learner login=jdoe and learner user_id=u1 are the same user"):
        enrollment.check_twins(found)


# --- the rules ---


@pytest.mark.parametrize(
    "current, values, expected",
    [
        (record(), Values(), []),
        (record(access="2020-07-10"), Values(access_date="2020-07-10"), []),
        (record(access="2020-07-10"), Values(access_date="2020-07-11"), ["access_date"]),
        (record(lock=True), Values(lock_after_due_date=True), []),
        (record(lock=True), Values(lock_after_due_date=False), ["lock_after_due_date"]),
        (record(lock=None), Values(lock_after_due_date=False), ["lock_after_due_date"]),
        (record(due=None), Values(due_date_type="unlimited"), []),
        (record(due="2020-08-31"), Values(due_date_type="unlimited"), ["due_date"]),
        (record(due="2020-08-31"), Values(due_date_type="due_date", due_date="2020-08-31"), []),
        (record(due=None), Values(due_date_type="due_date", due_date="2020-08-31"), ["due_date"]),
        (record(due="2020-08-09"), Values(due_date_type="due_period", due_period=30), []),
        (record(due="2020-08-10"), Values(due_date_type="due_period", due_period=30), ["due_date"]),
        (
            record(due="2020-08-09"),
            Values(access_date="2020-07-11", due_date_type="due_period", due_period=30),
            ["access_date", "due_date"],
        ),
        (record(access=None, due="2020-08-09"), Values(due_date_type="due_period", due_period=30), ["due_date"]),
        (record(due="2021-01-01"), Values(due_date_type="default"), []),
        (record(due=None), Values(due_date_type="default"), []),
    ],
)
def test_what_counts_as_the_same(current, values, expected):
    assert enrollment.differences(current, values) == expected


def test_a_change_keeps_what_the_task_does_not_give():
    changed = enrollment.update_values(
        record(access="2020-07-10", due="2020-08-31", lock=True), Values(access_date="2026-03-02"), "x"
    )
    assert changed == Values("2026-03-02", "due_date", "2020-08-31", None, True)
    kept = enrollment.update_values(record(due=None), Values(lock_after_due_date=True), "x")
    assert kept == Values("2020-07-10", "unlimited", None, None, True)


def test_a_change_needs_an_access_date():
    with pytest.raises(ValidationError, match="learner login=jdoe: iSpring reports no access date for enrollment e-u1"):
        enrollment.update_values(record(access=None), Values(lock_after_due_date=True), "learner login=jdoe")


def test_predictions(monkeypatch):
    monkeypatch.setattr(enrollment, "today", lambda: "2026-05-01")
    new = enrollment.predicted(None, enrollment.create_values(Values(due_date_type="due_period", due_period=10)))
    assert new == dict(
        access_date="2026-05-01", due_date="2026-05-11", lock_after_due_date=False, enrolled_by="administrator"
    )
    catalog = record(due="2020-08-31", lock=True, group=1)
    default = enrollment.predicted(catalog, Values("2026-03-02", "default", None, None, True))
    assert default == dict(
        access_date="2026-03-02", due_date="2020-08-31", lock_after_due_date=True, enrolled_by="catalog"
    )


# --- the plan ---


def resolved(*pairs, **values):
    """Wanted learners with their user IDs set: (login, user_id) pairs."""
    return [enrollment.Wanted("login", login, Values(**values), user_id=user_id) for login, user_id in pairs]


def test_exclusive_removes_only_administrator_enrollments_not_listed():
    current = {
        C1: [
            record("u1"),
            record("u2", group=1),  # enrolled from the catalog
            record("u3"),
            record("u4", group=None),  # type not given
            record("u5", group=7),  # another type
        ]
    }
    the_plan = enrollment.plan([C1], resolved(("jdoe", "u1")), current, "present", True)
    assert [(e.user_id, e.action, e.removed_by_exclusive) for e in the_plan.entries] == [
        ("u1", None, False),
        ("u3", "delete", True),
    ]


def test_absent_removes_any_enrollment_of_a_learner_listed():
    current = {C1: [record("u2", group=1)]}
    the_plan = enrollment.plan([C1], resolved(("asmith", "u2"), ("kwong", "u3")), current, "absent", False)
    assert [(e.user_id, e.action) for e in the_plan.entries] == [("u2", "delete"), ("u3", None)]
    assert [e.result()["after"] for e in the_plan.entries] == [None, None]


def test_creates_are_grouped_by_values_then_by_courses_and_batched():
    learners = resolved(("a", "u1"), ("b", "u2"), ("c", "u3"), ("d", "u4"))
    learners[3].values = Values(lock_after_due_date=True)
    current = {C1: [record("u3")], C2: []}
    the_plan = enrollment.plan([C1, C2], learners, current, "present", False)
    calls = [
        (values.lock_after_due_date, courses, [e.user_id for e in entries])
        for values, courses, entries in the_plan.create_calls(1)
    ]
    assert calls == [
        (None, [C1, C2], ["u1", "u1"]),
        (None, [C1, C2], ["u2", "u2"]),
        (None, [C2], ["u3"]),
        (True, [C1, C2], ["u4", "u4"]),
    ]
    unbatched = [(courses, len(entries)) for _values, courses, entries in the_plan.create_calls(1000)]
    assert unbatched == [([C1, C2], 4), ([C2], 1), ([C1, C2], 2)]


def test_a_learner_asked_for_twice_is_changed_once_and_reported_twice():
    learners = resolved(("jdoe", "u1")) + [enrollment.Wanted("user_id", "u1", Values(), user_id="u1")]
    the_plan = enrollment.plan([C1], learners, {C1: []}, "present", False)
    first, twin = (e.result() for e in the_plan.entries)
    assert (first["changed"], twin["changed"]) == (True, False)
    assert twin["after"] == first["after"] and "login" not in twin and first["login"] == "jdoe"
    assert len(the_plan.create_calls(1000)) == 1


def failing_plan():
    """jdoe to be enrolled, asmith's enrollment to be changed."""
    the_plan = enrollment.plan(
        [C1], resolved(("jdoe", "u1"), ("asmith", "u2")), {C1: [record("u2", due="2020-01-01")]}, "present", False
    )
    entry = the_plan.entries[1]
    entry.action, entry.sent = "update", Values("2020-07-10", "unlimited")
    entry.after = enrollment.predicted(entry.record, entry.sent)
    return the_plan


def test_a_failure_reported_from_the_calls_that_succeeded():
    the_plan = failing_plan()
    failure = enrollment._report_failure(
        ("changing enrollment e-u2", [the_plan.entries[1]], ValidationError("boom")),
        the_plan,
        [the_plan.entries[0]],
        False,
    )
    assert failure.message == (
        "Changing enrollment e-u2 failed: boom. 1 enrollment(s) were changed before the failure (jdoe (new "
        "enrollment)); the enrollments list says which (from the calls that succeeded; the enrollments could not "
        "be read again). Run the task again to finish."
    )
    assert [e["changed"] for e in failure.details["enrollments"]] == [True, False]


def test_a_failure_reported_from_the_listing_read_after_it():
    the_plan = failing_plan()
    the_plan.entries[0].after = None  # read back: jdoe is not enrolled after all
    the_plan.entries[1].after = enrollment.snapshot(the_plan.entries[1].record)  # nor was asmith changed
    failure = enrollment._report_failure(
        ("enrolling 1 learner(s)", [the_plan.entries[0]], ValidationError("boom")), the_plan, [], True
    )
    assert failure.message == "Enrolling 1 learner(s) failed: boom. Nothing was changed. Run the task again to finish."
    assert failure.details["changed"] is False


def test_a_lost_reply_leaves_its_enrollments_changed_and_unconfirmed():
    """Issue 28, item 5: the listing right after a lost reply shows nothing yet; the service may
    still apply the call, so its enrollments are not reported as unchanged."""
    the_plan = failing_plan()
    the_plan.entries[0].after = None  # not (yet) enrolled when read back
    the_plan.entries[1].after = enrollment.snapshot(the_plan.entries[1].record)
    lost = OutcomeUnknown("iSpring POST /enrollment: no reply within 30 s; not repeated")
    failure = enrollment._report_failure(("enrolling 1 learner(s)", [the_plan.entries[0]], lost), the_plan, [], True)
    assert "Nothing was changed" not in failure.message
    assert "may still apply it: 1 enrollment(s) may have been changed" in failure.message
    assert failure.details["changed"] is True
    assert [e.get("unconfirmed") for e in failure.details["enrollments"]] == [True, None]


# --- what a removal takes with it (issue 28, item 9) ---


class Lookups:
    """The reads of describe_removals, recorded: people (the account's users) and course_results."""

    def __init__(self, results):
        self.results, self.calls = results, []

    def people(self, user_ids, known=None):
        self.calls.append(("people", sorted(user_ids), sorted(known or {})))
        users = {"u3": UserProfile("u3", None, None, "active", "mgarcia", "MGarcia@Example.com")}
        users.update(known or {})
        return users

    def course_results(self, course_id, enrollment_ids=(), user_ids=()):
        self.calls.append(("results", course_id, list(enrollment_ids), sorted(user_ids)))
        return [r for r in self.results if r.course_id == course_id and r.user_id in user_ids]


def test_removals_name_the_learner_and_the_result_they_take_with_them():
    current = {C1: [record("u1"), record("u3"), record("u4")], C2: [record("u3", course=C2, enrollment_id="e2")]}
    the_plan = enrollment.plan([C1, C2], resolved(("jdoe", "u1")), current, "present", True)
    lookups = Lookups(
        [
            LearnerResult("u3", C1, "e-u3", "passed", "2020-06-30T14:12:00Z", 100, 95, None, None),
            LearnerResult("u4", C1, "e-u4", "in_progress", None, 10, None, None, None),
            LearnerResult("u3", C2, "e2", "complete", None, 100, None, None, None),
        ]
    )
    warnings = enrollment.describe_removals(lookups, the_plan, {})
    # one listing of users, and one of results per course, for the removed learners only
    assert lookups.calls == [
        ("people", ["u3", "u3", "u4"], []),
        ("results", C1, [], ["u3", "u4"]),
        ("results", C2, [], ["u3"]),
    ]
    assert warnings == [
        "course course-1: removing mgarcia's enrollment (e-u3) takes their passed result (2020-06-30) with it; "
        "to keep it, list the learner in the task.",
        "course course-2: removing mgarcia's enrollment (e2) takes their complete result (no date) with it; "
        "to keep it, list the learner in the task.",
    ]
    removed = [e.result() for e in the_plan.entries if e.action == "delete"]
    assert [
        (e["user_id"], e.get("login"), e.get("email"), e["completion_status"], e["completion_date"]) for e in removed
    ] == [
        ("u3", "mgarcia", "MGarcia@Example.com", "passed", "2020-06-30"),
        ("u4", None, None, "in_progress", None),  # not an active user: no login to show
        ("u3", "mgarcia", "MGarcia@Example.com", "complete", None),
    ]
    assert "completion_status" not in the_plan.entries[0].result()  # kept: nothing read of it
    diff = the_plan.result(diff=True)["diff"]["prepared"]
    assert "+ mgarcia (enrollment e-u3, not declared, passed result of 2020-06-30): not enrolled" in diff
    assert "+ user u4 (enrollment e-u4, not declared, in_progress result): not enrolled" in diff


def test_removals_by_state_absent_warn_too_and_no_removal_reads_nothing():
    current = {C1: [record("u3")]}
    the_plan = enrollment.plan([C1], resolved(("mgarcia", "u3")), current, "absent", False)
    known = {"u3": UserProfile("u3", None, None, "active", "mgarcia", None)}
    lookups = Lookups([LearnerResult("u3", C1, "e-u3", "accepted", "2021-01-02", 100, None, None, None)])
    assert enrollment.describe_removals(lookups, the_plan, known) == [
        "course course-1: removing mgarcia's enrollment (e-u3) takes their accepted result (2021-01-02) with it; "
        "to keep it, leave them out of state=absent."
    ]
    assert lookups.calls[0] == ("people", ["u3"], ["u3"])
    nothing = Lookups([])
    kept = enrollment.plan([C1], resolved(("mgarcia", "u3")), current, "present", True)
    assert enrollment.describe_removals(nothing, kept, {}) == [] and nothing.calls == []


# --- audiences (issue 25 item 5) ---

TREE = [
    Department("d0", "root", None, None),
    Department("d1", "sales", "SALES", "d0"),
    Department("d2", "sales-emea", "SALES-EMEA", "d1"),
    Department("d4", "emea-north", None, "d2"),
    Department("d3", "engineering", "ENG", "d0"),
]


def test_a_department_counts_with_every_department_under_it(monkeypatch):
    assert enrollment._under(TREE, "d1") == {"d1", "d2", "d4"}
    assert enrollment._under(TREE, "d3") == {"d3"}
    monkeypatch.setattr(ispring_rest, "AUDIENCE_SUB_DEPARTMENTS", False)
    assert enrollment._under(TREE, "d1") == {"d1"}


@pytest.mark.parametrize(
    "status, learner", [(1, True), ("1", True), ("active", True), (None, True), (3, False), ("5", False)]
)
def test_an_audience_is_its_active_users(status, learner):
    user = UserProfile("u1", "learner", "d1", None if status is None else str(status), "jdoe", None)
    assert enrollment._learner_of_audience(user) is learner
