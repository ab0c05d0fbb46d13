# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""program_member's desired-state logic: validation, the contract's comparison rule (2.6), the
grouping of identical changes, and whole runs over a scripted wire (reads, lookups and
validation before any write; partial failures reported from a fresh listing)."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import dates, edubrite
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, ValidationError
from ansible_collections.learnops.lms.plugins.modules import program_member
from ansible_collections.learnops.lms.tests.unit.plugins.module_utils.test_edubrite import (
    ENROLLMENT,
    OK,
    PROGRAM,
    REPORT,
    SEED_REPLY,
    USERS,
    client_for,
    form,
    list_call,
    listing,
    login,
    member_xml,
    response,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

UTC = dates.UTC
JAN5 = 1767571200000
MAR31 = 1774915200000


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
        send_mail=False,
        timezone="UTC",
        batch_size=500,
    )
    base.update(overrides)
    return base


def record(user_id, username, open_id=None, **values):
    base = dict(
        user_id=user_id,
        username=username,
        open_id=open_id,
        status="ENROLLED",
        quit=False,
        award=False,
        score=None,
        startDate=None,
        endDate=None,
        dueDate=None,
        awardDate=None,
        awardExpDate=None,
    )
    base.update(values)
    return base


def resolved(p, members, users=None):
    """wanted_members + resolve with a stand-in client answering lookups from ``users``."""

    class Lookup:
        asked = []

        def get_user(self, **named):
            self.asked.append(named)
            [(kind, value)] = list(named.items())
            return next((u for u in users or [] if u[kind] == value), None)

        def get_users(self, named):
            return [self.get_user(**{kind: value}) for kind, value in named]

    wanted = program_member.wanted_members(p, UTC)
    lookup = Lookup()
    program_member.resolve(lookup, p, wanted, members)
    return wanted, lookup.asked


# --- validation ---


def test_overrides_shortcuts_and_date_forms():
    wanted = program_member.wanted_members(
        params(
            start_date="2026-01-05",
            due_date="2026-03-31",
            score="12",
            members=[
                {"username": "user1"},
                {"open_id": "o2", "due_date": "2026-03-31T02:00:00+02:00", "score": 7.5},
                {"user_id": "u3", "awarded": False, "end_date": 1495163497116},
            ],
            usernames=["user4"],
            user_ids=["u5"],
            open_ids=["o6"],
        ),
        UTC,
    )
    assert [(w["kind"], w["value"]) for w in wanted] == [
        ("username", "user1"),
        ("open_id", "o2"),
        ("user_id", "u3"),
        ("username", "user4"),
        ("user_id", "u5"),
        ("open_id", "o6"),
    ]
    assert wanted[0]["fields"] == {"startDate": JAN5, "dueDate": MAR31, "score": 12.0}
    assert wanted[1]["fields"] == {"startDate": JAN5, "dueDate": MAR31, "score": 7.5}
    assert wanted[2]["fields"] == {
        "startDate": JAN5,
        "dueDate": MAR31,
        "endDate": 1495163497116,
        "award": False,
        "score": 12.0,
    }


def test_timezone_says_what_a_bare_date_means():
    wanted = program_member.wanted_members(
        params(due_date="2026-03-31", usernames=["u"]), dates.timezone("Europe/Berlin")
    )
    assert wanted[0]["fields"] == {"dueDate": MAR31 - 2 * 3600 * 1000}


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
        program_member.wanted_members(params(**overrides), UTC)
    assert words in caught.value.message


@pytest.mark.parametrize(
    "overrides, words",
    [
        (dict(batch_size=0), "batch_size must be at least 1"),
        (dict(state="quit", exclusive=True), "exclusive=true only applies to state=present"),
    ],
)
def test_option_checks(overrides, words):
    with pytest.raises(ValidationError, match=words):
        program_member.check_options(params(**overrides))


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


def test_no_lookup_for_removal_or_quit():
    wanted, asked = resolved(params(state="absent", usernames=["user1", "ghost"]), [record("u1", "user1")])
    assert asked == [] and wanted[1]["member"] is None


def test_a_member_listed_without_the_identifier_used_is_found_by_its_id():
    wanted, asked = resolved(
        params(open_ids=["o1"]), [record("u1", "user1", None)], users=[record("u1", "user1", "o1")]
    )
    assert asked == [{"open_id": "o1"}] and wanted[0]["member"]["user_id"] == "u1"


# --- the comparison rule and the plan ---


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
    assert program_member.changes_for(dict(member=current, fields=fields), state) == expected


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
    wanted = resolved(p, members, users=[record("u4", "user4"), record("u5", "user5")])[0]
    the_plan = program_member.plan(p, wanted, members, UTC)
    assert [e["changed"] for e in the_plan.entries] == [True, False, True, True, True]
    assert [item["named"] for item in the_plan.adds] == [("username", "user4"), ("username", "user5")]
    assert {key: [item["named"][1] for item in items] for key, items in the_plan.groups.items()} == {
        (("dueDate", MAR31),): ["user1", "user3", "user4"],
        (("dueDate", MAR31), ("score", 5.0)): ["user5"],
    }
    new = the_plan.entries[3]
    assert new["before"] is None and new["after"]["due_date"] == "2026-03-31T00:00:00+00:00"
    assert new["after"]["due_date_ms"] == MAR31 and new["user_id"] == "u4"


def test_plan_exclusive_removes_members_not_listed():
    members = [record("u1", "user1"), record("u2", "user2"), record("u3", "user3", "o3")]
    p = params(exclusive=True, usernames=["user1"], open_ids=["o3"])
    wanted = resolved(p, members)[0]
    the_plan = program_member.plan(p, wanted, members, UTC)
    removed = [e for e in the_plan.entries if e.get("removed_by_exclusive")]
    assert [(e["username"], e["after"], e["changed"]) for e in removed] == [("user2", None, True)]
    assert list(the_plan.groups) == [(("remove", True),)]
    assert [item["named"] for item in the_plan.groups[(("remove", True),)]] == [("user_id", "u2")]


def test_plan_same_user_twice():
    members = [record("u1", "user1", "o1")]
    same = params(score=1, usernames=["user1"], user_ids=["u1"])
    wanted = resolved(same, members)[0]
    the_plan = program_member.plan(same, wanted, members, UTC)
    assert [e["changed"] for e in the_plan.entries] == [True, False]
    assert the_plan.entries[1]["after"] == the_plan.entries[0]["after"]
    conflicting = params(members=[{"username": "user1", "score": 1}, {"open_id": "o1", "score": 2}])
    wanted = resolved(conflicting, members)[0]
    with pytest.raises(ValidationError, match="member open_id=o1 is asked for twice .*also as member username=user1"):
        program_member.plan(conflicting, wanted, members, UTC)


def test_predicted_award_reset_and_quit():
    awarded = record("u", "n", award=True, status="COMPLETED", awardDate=5, awardExpDate=6, startDate=1)
    reset = program_member.predicted(awarded, False, {"award": False}, {})
    assert (reset["award"], reset["status"], reset["awardDate"], reset["awardExpDate"], reset["startDate"]) == (
        False,
        "ENROLLED",
        None,
        None,
        1,
    )
    assert program_member.predicted(record("u", "n"), False, {"quitProgram": True}, {})["quit"] is True
    assert program_member.predicted(record("u", "n"), False, {"remove": True}, {}) is None
    assert program_member.predicted(None, False, {}, {}) is None


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
    batch = [dict(named=n, user_id="id-" + n[1]) for n in named]
    assert program_member.users_param(batch, allowed) == expected


# --- whole runs over a scripted wire ---


class FakeModule:
    def __init__(self, check_mode=False, diff=False, **overrides):
        self.params = params(**overrides)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


FIXTURE = [
    member_xml("u1", "user1", startDate="1595376000000"),
    member_xml("u2", "user2", status="COMPLETED", award="true", score="92.5", dueDate=str(MAR31)),
]
USER3 = '<user id="u3" siteRole="STUDENT" status="ACTIVE"><userName>user3</userName><openId>oid-user3</openId></user>'


def test_seed_sample_input_in_one_call_and_a_read_back(script):
    after = [member_xml("u1", "user1", endDate="1495163497116"), member_xml("u2", "user2", endDate="1495163497116")]
    transport = script(
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(
            ENROLLMENT,
            body=SEED_REPLY,
            data=form("updateProgramMember", *PROGRAM) + [("usernames", "user1,user2"), ("endDate", "1495163497116")],
        ),
        list_call(0, listing(after)),
    )
    module = FakeModule(usernames=["user1", "user2"], end_date=1495163497116)
    result = program_member.run(module, client_for(transport))
    assert result["changed"] is True
    assert [(m["username"], m["changed"], m["after"]["end_date_ms"]) for m in result["members"]] == [
        ("user1", True, 1495163497116),
        ("user2", True, 1495163497116),
    ]
    assert result["members"][0]["after"]["end_date"] == "2017-05-19T03:11:37.116+00:00"


def test_add_then_update_with_lookup_before_any_write_and_diff(script):
    transport = script(
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("userName", "user3")), body=response(0, "0", "Success", USER3)),
        Call(
            ENROLLMENT,
            body=OK,
            data=form("enrollUsersInProgram", *PROGRAM) + [("usernames", "user3"), ("sendMail", "false")],
        ),
        Call(
            ENROLLMENT,
            body=SEED_REPLY,
            data=form("updateProgramMember", *PROGRAM) + [("usernames", "user1,user3"), ("dueDate", str(MAR31))],
        ),
        list_call(0, listing(FIXTURE[:1] + [FIXTURE[1], member_xml("u3", "user3", startDate="1", dueDate=str(MAR31))])),
    )
    module = FakeModule(diff=True, usernames=["user1", "user2", "user3"], due_date="2026-03-31")
    result = program_member.run(module, client_for(transport))
    assert [m["changed"] for m in result["members"]] == [True, False, True]
    assert result["members"][2]["after"]["start_date_ms"] == 1  # read back: what EduBrite set
    assert result["members"][0]["after"]["due_date_ms"] is None  # the read-back is the truth
    assert (
        result["diff"]["before"]
        == "user1: status ENROLLED, start_date 2020-07-22T00:00:00+00:00\nuser3: not a member\n"
    )
    assert result["diff"]["after"] == (
        "user1: status ENROLLED, start_date 2020-07-22T00:00:00+00:00\n"
        "user3: status ENROLLED, start_date 1970-01-01T00:00:00.001+00:00, "
        "due_date 2026-03-31T00:00:00+00:00\n"
    )


def test_check_mode_reads_and_looks_up_but_writes_nothing(script):
    transport = script(
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("openId", "oid-user3")), body=response(0, "0", "Success", USER3)),
    )
    result = program_member.run(FakeModule(check_mode=True, open_ids=["oid-user3"], score=50), client_for(transport))
    [entry] = result["members"]
    assert entry == dict(
        user_id="u3", username="user3", open_id="oid-user3", changed=True, before=None, after=entry["after"]
    )
    assert entry["after"]["score"] == 50.0 and entry["after"]["status"] == "ENROLLED"


def test_unknown_program_changes_nothing(script):
    transport = script(*login(), Call(REPORT, status=404, body=response(-1, "0004", "Program not found: nope")))
    with pytest.raises(ValidationError) as caught:
        program_member.run(FakeModule(program_id="nope", usernames=["user1"]), client_for(transport))
    assert caught.value.message.startswith("programId nope: EduBrite knows no such program")
    assert caught.value.message.endswith("Nothing was changed.")


def test_bad_input_fails_before_any_request(script):
    transport = script()
    with pytest.raises(ValidationError, match="Nothing was changed"):
        program_member.run(FakeModule(usernames=["user1"], timezone="Mars/Olympus"), client_for(transport))


def test_write_failing_mid_run_reports_from_a_fresh_listing(script):
    members = [member_xml("u1", "user1"), member_xml("u3", "user3"), member_xml("u4", "user4")]
    changed = [member_xml("u1", "user1", score="71.0"), member_xml("u3", "user3"), member_xml("u4", "user4")]
    update = form("updateProgramMember", *PROGRAM)
    transport = script(
        *login(),
        list_call(0, listing(members)),
        Call(ENROLLMENT, body=SEED_REPLY, data=update + [("usernames", "user1"), ("score", "71.0")]),
        Call(
            ENROLLMENT,
            status=500,
            body="Internal Server Error",
            data=update + [("usernames", "user3"), ("score", "72.0")],
        ),
        list_call(0, listing(changed)),
    )
    module = FakeModule(
        members=[
            {"username": "user1", "score": 71},
            {"username": "user3", "score": 72},
            {"username": "user4", "score": 73},
        ]
    )
    with pytest.raises(Exception) as caught:
        program_member.run(module, client_for(transport))
    exc = caught.value
    assert "Some members were changed before the failure (user1)" in exc.message
    assert exc.details["changed"] is True
    assert [(m["username"], m["changed"]) for m in exc.details["members"]] == [
        ("user1", True),
        ("user3", False),
        ("user4", False),
    ]


def test_write_failure_without_a_fresh_listing_uses_the_calls_that_succeeded(script):
    enroll = form("enrollUsersInProgram", *PROGRAM) + [("usernames", "user3"), ("sendMail", "false")]
    denied = response(-1, "0005", "You are not allowed to perform this action.")
    transport = script(
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("userName", "user3")), body=response(0, "0", "Success", USER3)),
        Call(ENROLLMENT, body=OK, data=enroll),
        Call(ENROLLMENT, status=401, body=denied),
        Call(REPORT, status=401, body=denied),
    )
    module = FakeModule(usernames=["user3"], score=1)
    with pytest.raises(ApiError) as caught:
        program_member.run(module, client_for(transport))
    exc = caught.value
    assert "members could not be read again" in exc.message
    [entry] = exc.details["members"]
    assert entry["changed"] is True and entry["after"]["score"] is None  # added, score not set


def test_quit_member_with_state_present_warns(script):
    members = [member_xml("u3", "user3", quit="true", score="1.0")]
    transport = script(*login(), list_call(0, listing(members)))
    module = FakeModule(usernames=["user3"], score=1)
    result = program_member.run(module, client_for(transport))
    assert result["changed"] is False
    assert module.warnings and "quit the program" in module.warnings[0]


def test_batches_of_batch_size(script):
    members = [member_xml("u%d" % n, "user%d" % n) for n in range(5)]
    update = form("updateProgramMember", *PROGRAM)
    transport = script(
        *login(),
        list_call(0, listing(members)),
        Call(ENROLLMENT, body=SEED_REPLY, data=update + [("usernames", "user0,user1"), ("score", "3.0")]),
        Call(ENROLLMENT, body=SEED_REPLY, data=update + [("usernames", "user2,user3"), ("score", "3.0")]),
        Call(ENROLLMENT, body=SEED_REPLY, data=update + [("usernames", "user4"), ("score", "3.0")]),
        list_call(0, listing([m.replace('score=""', 'score="3.0"') for m in members])),
    )
    result = program_member.run(
        FakeModule(batch_size=2, score=3, usernames=["user%d" % n for n in range(5)]), client_for(transport)
    )
    assert all(m["changed"] and m["after"]["score"] == 3.0 for m in result["members"])


def test_view_keys_match_the_documented_return():
    view = edubrite.member_view(record("u", "n"))
    assert set(view) == {"status", "quit", "awarded", "score"} | {
        key for option in edubrite.DATE_OPTIONS for key in (option, option + "_ms")
    }
