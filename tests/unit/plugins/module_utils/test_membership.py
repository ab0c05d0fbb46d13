# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""program_member's planner: validation, the contract's comparison rule (2.6), resolving users,
the grouping of identical changes, and the predicted records."""

from __future__ import annotations

import pytest
from lxml import etree

from ansible_collections.learnops.lms.plugins.module_utils import dates, edubrite, membership, plans
from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.tests.unit.edubrite_wire import member_xml

UTC = dates.UTC
JAN5 = 1767571200000
MAR31 = 1774915200000
PROG = [("programId", "xxxx-xxxx-xxxx-xxxx")]


def params(**overrides):
    base = dict(
        program_id="xxxx-xxxx-xxxx-xxxx",
        ext_id=None,
        state="present",
        start_date=None,
        end_date=None,
        due_date=None,
        awarded=None,
        award_date=None,
        award_expiry_date=None,
        score=None,
        members=[],
        usernames=[],
        user_ids=[],
        open_ids=[],
        exclusive=False,
        allow_empty=False,
        send_mail=False,
        timezone="UTC",
        batch_size=500,
    )
    base.update(overrides)
    return base


def record(user_id, username, open_id=None, **values):
    base = dict(user_id=user_id, username=username, open_id=open_id, status="ENROLLED", quit=False, award=False)
    base.update(score=None, startDate=None, endDate=None, dueDate=None, awardDate=None, awardExpDate=None)
    base.update(values)
    return base


class Lookups:
    """A stand-in client answering userService get from ``users``; records what was asked."""

    def __init__(self, users=()):
        self.users = list(users)
        self.asked = []

    def get_users(self, named):
        self.asked += [{kind: value} for kind, value in named]
        return [next((u for u in self.users if u[kind] == value), None) for kind, value in named]


def resolved(p, members, users=()):
    wanted = membership.wanted_members(p, UTC)
    lookups = Lookups(users)
    membership.resolve(lookups, wanted, members)
    return wanted, lookups.asked


def planned(p, members, users=()):
    return membership.plan(PROG, p, resolved(p, members, users)[0], members, UTC)


# --- validation ---


def test_overrides_shortcuts_and_date_forms():
    wanted = membership.wanted_members(
        params(
            start_date="2026-01-05",
            due_date="2026-03-31",
            score="12",
            members=[
                {"username": "user1"},
                {"open_id": "o2", "due_date": "2026-03-31T02:00:00+02:00", "score": 7.5},
                {"user_id": "u3", "awarded": False, "end_date": 1798761600000},
            ],
            usernames=["user4"],
            user_ids=["u5"],
            open_ids=["o6"],
        ),
        UTC,
    )
    assert [(w.kind, w.value) for w in wanted] == [
        ("username", "user1"),
        ("open_id", "o2"),
        ("user_id", "u3"),
        ("username", "user4"),
        ("user_id", "u5"),
        ("open_id", "o6"),
    ]
    assert wanted[0].fields == {"startDate": JAN5, "dueDate": MAR31, "score": 12.0}
    assert wanted[1].fields == {"startDate": JAN5, "dueDate": MAR31, "score": 7.5}
    assert wanted[2].fields == {
        "startDate": JAN5,
        "dueDate": MAR31,
        "endDate": 1798761600000,
        "award": False,
        "score": 12.0,
    }


def test_timezone_says_what_a_bare_date_means():
    wanted = membership.wanted_members(params(due_date="2026-03-31", usernames=["u"]), dates.timezone("Europe/Berlin"))
    assert wanted[0].fields == {"dueDate": MAR31 - 2 * 3600 * 1000}


@pytest.mark.parametrize(
    "overrides, words",
    [
        (
            dict(members=[{"username": "user1", "due_date": "31/03/2026"}]),
            "member username=user1: due_date: '31/03/2026'",
        ),
        (
            dict(members=[{"username": "user2", "score": "ninety"}]),
            "member username=user2: score 'ninety' is not a number",
        ),
        (dict(usernames=["u"], score=True), "score True is not a number"),
        (dict(usernames=["u"], score="nan"), "is not a finite number"),
        (dict(usernames=["u"], score="inf"), "is not a finite number"),
        (dict(members=[{"username": ""}]), "members[0]: name the user"),
        (
            dict(start_date="2026-02-01", members=[{"username": "user3", "end_date": "2026-01-31"}]),
            "member username=user3: end_date 2026-01-31T00:00:00+00:00 is before start_date 2026-02-01",
        ),
        (
            dict(state="absent", usernames=["u"], due_date="2026-03-31"),
            "can only be set with state=present, not absent",
        ),
        (
            dict(state="quit", members=[{"username": "u", "score": 1}]),
            "fields (score) can only be set with state=present",
        ),
    ],
)
def test_bad_input_names_the_member_and_the_value(overrides, words):
    with pytest.raises(ValidationError) as caught:
        membership.wanted_members(params(**overrides), UTC)
    assert words in caught.value.message


@pytest.mark.parametrize(
    "overrides, words",
    [
        (dict(batch_size=0), "batch_size must be at least 1"),
        (dict(state="quit", exclusive=True), "exclusive=true only applies to state=present"),
        (dict(exclusive=True), "exclusive=true with no member listed would remove every member"),
    ],
)
def test_option_checks(overrides, words):
    with pytest.raises(ValidationError, match=words):
        membership.check_options(params(**overrides))


def test_exclusive_with_no_member_needs_allow_empty():
    membership.check_options(params(exclusive=True, allow_empty=True))
    membership.check_options(params(exclusive=True, usernames=["user1"]))


@pytest.mark.parametrize(
    "value, words",
    [
        (1767571200, "1767571200 is 1970-01-21T10:59:31.200+00:00, before 1973: probably epoch seconds"),
        ("-1", "before 1973"),
        ("1960-01-01", "before 1973"),
    ],
)
def test_dates_before_1973_are_refused_as_probably_seconds(value, words):
    with pytest.raises(ValidationError) as caught:
        membership.wanted_members(params(usernames=["u"], due_date=value), UTC)
    assert words in caught.value.message and caught.value.message.startswith("member username=u: due_date: ")
    if value == 1767571200:
        assert "As epoch seconds it would be 2026-01-05T00:00:00+00:00 (1767571200000 ms)" in caught.value.message


def test_an_award_date_with_awarded_false_is_refused():
    with pytest.raises(ValidationError, match="award_date and award_expiry_date need awarded=true"):
        membership.wanted_members(params(usernames=["u"], awarded=False, award_date="2026-01-05"), UTC)


# --- resolving users ---


def test_members_need_no_lookup_and_unknown_users_are_listed_together():
    members = [record("u1", "user1", "o1")]
    p = params(usernames=["user1", "ghost1", "user3"], open_ids=["o-ghost2"])
    with pytest.raises(ValidationError) as caught:
        resolved(p, members, users=[record("u3", "user3")])
    assert caught.value.message.startswith(
        "2 user(s) unknown to EduBrite: member username=ghost1, member open_id=o-ghost2"
    )
    assert caught.value.details["unknown"] == ["member username=ghost1", "member open_id=o-ghost2"]
    assert caught.value.details["not_found"] == {"username": ["ghost1"], "open_id": ["o-ghost2"]}


@pytest.mark.parametrize("state", ["absent", "quit"])
def test_removal_or_quit_looks_up_non_members_and_a_known_one_is_no_change(state):
    p = params(state=state, usernames=["user1", "user4"])
    wanted, asked = resolved(p, [record("u1", "user1")], users=[record("u4", "user4")])
    assert asked == [{"username": "user4"}] and wanted[1].member is None and wanted[1].user["user_id"] == "u4"
    assert [entry.changed for entry in planned(p, [record("u1", "user1")], users=[record("u4", "user4")]).entries] == [
        True,
        False,
    ]


@pytest.mark.parametrize(
    "state, words", [("absent", "leave the user meant in"), ("quit", "leave the user meant active")]
)
def test_a_name_to_remove_or_quit_unknown_to_edubrite_fails_naming_it(state, words):
    with pytest.raises(ValidationError) as caught:
        resolved(params(state=state, usernames=["user1", "usr1"]), [record("u1", "user1")], users=[])
    message = caught.value.message
    assert message.startswith("1 user(s) unknown to EduBrite: member username=usr1") and words in message
    assert caught.value.details["not_found"] == {"username": ["usr1"]}


def test_a_member_to_remove_needs_no_lookup():
    wanted, asked = resolved(params(state="absent", usernames=["user1"]), [record("u1", "user1")])
    assert asked == [] and wanted[0].member["user_id"] == "u1"


def test_a_member_listed_without_the_identifier_used_is_found_by_its_id():
    wanted, asked = resolved(
        params(open_ids=["o1"]), [record("u1", "user1", None)], users=[record("u1", "user1", "o1")]
    )
    assert asked == [{"open_id": "o1"}] and wanted[0].member["user_id"] == "u1"


# --- the comparison rule and the plan ---


@pytest.mark.parametrize(
    "param, current, wanted, same",
    [
        ("score", 0.10000000149011612, 0.1, True),
        ("score", 88.0, 88, True),
        ("score", 88.0, 88.5, False),
        ("score", None, 0.0, False),
        ("dueDate", 1, 1, True),
        ("dueDate", 1000, 1001, False),
        ("dueDate", None, 1, False),
    ],
)
def test_same_value(param, current, wanted, same):
    assert membership.same_value(param, current, wanted) is same


@pytest.mark.parametrize(
    "state, current, fields, expected",
    [
        ("present", None, {"dueDate": 1}, (True, {"dueDate": 1})),
        ("present", None, {}, (True, {})),
        ("present", record("u", "n", dueDate=1), {"dueDate": 1}, (False, {})),
        ("present", record("u", "n", dueDate=1), {"dueDate": 2}, (False, {"dueDate": 2})),
        ("present", record("u", "n", score=88.0), {"score": 88.0}, (False, {})),
        ("present", record("u", "n", score=0.10000000149011612), {"score": 0.1}, (False, {})),
        ("present", record("u", "n", award=True), {"award": True}, (False, {})),
        ("present", record("u", "n", award=True), {"award": False}, (False, {"award": False})),
        ("absent", record("u", "n"), {}, (False, {"remove": True})),
        ("absent", None, {}, (False, {})),
        ("quit", record("u", "n"), {}, (False, {"quitProgram": True})),
        ("quit", record("u", "n", quit=True), {}, (False, {})),
        ("quit", None, {}, (False, {})),
    ],
)
def test_changes_for(state, current, fields, expected):
    assert membership.changes_for(current, fields, state) == expected


def test_plan_groups_identical_changes_and_skips_satisfied_members():
    members = [
        record("u1", "user1"),
        record("u2", "user2", dueDate=MAR31),
        record("u3", "user3"),
        record("u9", "user9"),
    ]
    p = params(
        due_date="2026-03-31",
        members=[
            {"username": "user1"},
            {"username": "user2"},
            {"username": "user3"},
            {"username": "user4"},
            {"username": "user5", "score": 5},
        ],
    )
    the_plan = planned(p, members, users=[record("u4", "user4"), record("u5", "user5")])
    assert [e.changed for e in the_plan.entries] == [True, False, True, True, True]
    calls = [(kind, fields, [e.named for e in batch]) for kind, fields, batch in the_plan.calls(500)]
    assert calls == [
        ("enroll", None, [("username", "user4"), ("username", "user5")]),
        ("update", {"dueDate": MAR31}, [("username", "user1"), ("username", "user3"), ("username", "user4")]),
        ("update", {"dueDate": MAR31, "score": 5.0}, [("username", "user5")]),
    ]
    new = the_plan.result()["members"][3]
    assert new["before"] is None and new["after"]["due_date"] == "2026-03-31T00:00:00+00:00"
    assert new["after"]["due_date_ms"] == MAR31 and new["user_id"] == "u4"


def test_calls_come_in_batches():
    members = [record("u%d" % n, "user%d" % n) for n in range(5)]
    the_plan = planned(params(score=3, usernames=["user%d" % n for n in range(5)]), members)
    assert [len(batch) for _kind, _fields, batch in the_plan.calls(2)] == [2, 2, 1]


def test_plan_exclusive_removes_members_not_listed():
    members = [record("u1", "user1"), record("u2", "user2"), record("u3", "user3", "o3")]
    the_plan = planned(params(exclusive=True, usernames=["user1"], open_ids=["o3"]), members)
    removed = [e for e in the_plan.result()["members"] if e.get("removed_by_exclusive")]
    assert [(e["username"], e["after"], e["changed"]) for e in removed] == [("user2", None, True)]
    assert [(kind, fields, [e.named for e in batch]) for kind, fields, batch in the_plan.calls(500)] == [
        ("update", {"remove": True}, [("user_id", "u2")])
    ]


def test_plan_same_user_twice():
    members = [record("u1", "user1", "o1")]
    the_plan = planned(params(score=1, usernames=["user1"], user_ids=["u1"]), members)
    first, second = the_plan.result()["members"]
    assert (first["changed"], second["changed"]) == (True, False)
    assert second["after"] == first["after"]
    conflicting = params(members=[{"username": "user1", "score": 1}, {"open_id": "o1", "score": 2}])
    with pytest.raises(ValidationError, match="member open_id=o1 is asked for twice .*also as member username=user1"):
        planned(conflicting, members)


def test_plan_warns_about_a_member_who_quit():
    the_plan = planned(params(usernames=["user3"], score=1), [record("u3", "user3", quit=True, score=1.0)])
    assert not the_plan.changed
    assert the_plan.warnings and "quit the program" in the_plan.warnings[0]


def test_predicted_award_reset_and_quit():
    awarded = record("u", "n", award=True, status="COMPLETED", awardDate=5, awardExpDate=6, startDate=1)
    reset = membership.predicted(awarded, False, {"award": False}, {})
    assert (reset["award"], reset["status"], reset["awardDate"], reset["awardExpDate"], reset["startDate"]) == (
        False,
        "ENROLLED",
        None,
        None,
        1,
    )
    assert membership.predicted(record("u", "n"), False, {"quitProgram": True}, {})["quit"] is True
    assert membership.predicted(record("u", "n"), False, {"remove": True}, {}) is None
    assert membership.predicted(None, False, {}, {}) is None


@pytest.mark.parametrize(
    "named, allowed, expected",
    [
        ([("username", "a"), ("username", "b")], ("ids", "usernames", "openIds"), ("usernames", ["a", "b"])),
        ([("open_id", "o")], ("ids", "usernames", "openIds"), ("openIds", ["o"])),
        ([("open_id", "o")], ("ids", "usernames"), ("ids", ["id-o"])),
        ([("username", "a"), ("open_id", "o")], ("ids", "usernames", "openIds"), ("ids", ["id-a", "id-o"])),
    ],
)
def test_users_param(named, allowed, expected):
    batch = [membership.Entry({"user_id": "id-" + n[1]}, n, None, None) for n in named]
    assert membership.users_param(batch, allowed) == expected


def test_member_view_gives_iso_and_epoch_ms():
    member = edubrite.member_record(
        etree.fromstring(member_xml("u1", "user1", startDate="1767571200000", awardDate="1767571200123"))
    )
    view = membership.member_view(member, dates.timezone("Europe/Berlin"))
    assert view["start_date"] == "2026-01-05T01:00:00+01:00" and view["start_date_ms"] == 1767571200000
    assert view["award_date"] == "2026-01-05T01:00:00.123+01:00"
    assert view["due_date"] is None and view["due_date_ms"] is None
    assert membership.member_view(None) is None


def test_view_keys_match_the_documented_return():
    view = membership.member_view(record("u", "n"))
    assert set(view) == {"status", "quit", "awarded", "score"} | {
        key for option in edubrite.DATE_OPTIONS for key in (option, option + "_ms")
    }


# --- quit and removed beside the members: one task, one session per program (issue 28, item 7) ---


def test_members_quit_and_removed_are_planned_in_one_task():
    members = [record("u1", "user1"), record("u2", "user2"), record("u3", "user3")]
    p = params(usernames=["user1", "user4"], due_date="2026-03-31", quit=["user2"], removed=["user3", "user5"])
    the_plan = planned(p, members, users=[record("u4", "user4"), record("u5", "user5")])
    shown = [(e.name, e.state, e.changed, e.kind_of_change) for e in the_plan.entries]
    assert shown == [
        ("user1", "present", True, "updated"),
        ("user4", "present", True, "added"),
        ("user2", "quit", True, "quit"),
        ("user3", "absent", True, "removed"),
        ("user5", "absent", False, "updated"),  # known to EduBrite, not a member: no change
    ]
    assert [(kind, [e.name for e in batch]) for kind, _fields, batch in the_plan.calls(500)] == [
        ("enroll", ["user4"]),
        ("update", ["user1", "user4"]),
        ("update", ["user2"]),
        ("update", ["user3"]),
    ]
    assert [call[1] for call in the_plan.calls(500)[2:]] == [{"quitProgram": True}, {"remove": True}]
    assert [m["state"] for m in the_plan.result()["members"]] == ["present", "present", "quit", "absent", "absent"]
    with pytest.raises(ValidationError, match=r"would change 4 member\(s\), more than max_changes \(3\)"):
        plans.check_max_changes(3, the_plan.changes(), "member(s)")


@pytest.mark.parametrize(
    "lists, words",
    [
        (dict(usernames=["user1"], removed=["user1"]), "username user1 is in usernames/members and in removed"),
        (dict(members=[{"username": "user1"}], quit=["user1"]), "username user1 is in usernames/members and in quit"),
        (dict(quit=["user2"], removed=["user2"]), "username user2 is in quit and in removed"),
    ],
)
def test_a_name_in_two_lists_is_refused_naming_both(lists, words):
    with pytest.raises(ValidationError) as caught:
        membership.check_options(params(**lists))
    assert caught.value.message.startswith(words), caught.value.message


def test_quit_and_removed_only_with_state_present():
    with pytest.raises(ValidationError, match="quit and removed only apply to state=present"):
        membership.check_options(params(state="absent", quit=["a"], removed=["b"]))


def test_an_unknown_name_in_removed_or_quit_fails_with_the_hints_of_both():
    with pytest.raises(ValidationError) as caught:
        resolved(params(usernames=["user1"], quit=["ghost3"], removed=["usr1"]), [record("u1", "user1")], users=[])
    message = caught.value.message
    assert message.startswith("2 user(s) unknown to EduBrite: member username=ghost3, member username=usr1")
    assert "leave the user meant active" in message and "leave the user meant in the program" in message
    assert caught.value.details["not_found"] == {"username": ["ghost3", "usr1"]}


def test_exclusive_keeps_the_users_in_quit_and_removes_those_in_removed():
    members = [record("u1", "user1"), record("u2", "user2"), record("u3", "user3"), record("u6", "user6")]
    p = params(usernames=["user1"], quit=["user2"], removed=["user3"], exclusive=True)
    shown = [(e.name, e.state, e.kind_of_change) for e in planned(p, members).entries if e.changed]
    assert shown == [("user2", "quit", "quit"), ("user3", "absent", "removed"), ("user6", "absent", "removed")]
