# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""program_member through its real main(): reads, lookups and validation before any write,
grouped writes, partial failures reported from a fresh listing, and the result as Ansible reads it."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.modules import program_member
from ansible_collections.learnops.lms.tests.unit.edubrite_wire import (
    API_USER,
    ENROLLMENT,
    OK,
    PASSWORD,
    PROGRAM,
    REPORT,
    RUN_AS,
    SEED_REPLY,
    SITE,
    USERS,
    form,
    list_call,
    listing,
    login,
    member_xml,
    response,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

MAR31 = 1774915200000
FIXTURE = [
    member_xml("u1", "user1", startDate="1595376000000"),
    member_xml("u2", "user2", status="COMPLETED", award="true", score="92.5", dueDate=str(MAR31)),
]
USER3 = '<user id="u3" siteRole="STUDENT" status="ACTIVE"><userName>user3</userName><openId>oid-user3</openId></user>'
UPDATE = form("updateProgramMember", *PROGRAM)


def args(**overrides):
    base = dict(
        site_url=SITE + "/", api_username=API_USER, api_password=PASSWORD, run_as=RUN_AS, program_id=PROGRAM[0][1]
    )
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def test_seed_sample_input_in_one_call_and_a_read_back(run_module):
    after = [member_xml("u1", "user1", endDate="1495163497116"), member_xml("u2", "user2", endDate="1495163497116")]
    outcome = run_module(
        program_member,
        args(usernames=["user1", "user2"], end_date=1495163497116),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user1,user2"), ("endDate", "1495163497116")]),
        list_call(0, listing(after)),
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is True
    assert [(m["username"], m["changed"], m["after"]["end_date_ms"]) for m in outcome.result["members"]] == [
        ("user1", True, 1495163497116),
        ("user2", True, 1495163497116),
    ]
    assert outcome.result["members"][0]["after"]["end_date"] == "2017-05-19T03:11:37.116+00:00"
    assert outcome.result["invocation"]["module_args"]["api_password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_add_then_update_with_lookup_before_any_write_and_diff(run_module):
    outcome = run_module(
        program_member,
        args(usernames=["user1", "user2", "user3"], due_date="2026-03-31"),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("userName", "user3")), body=response(0, "0", "Success", USER3)),
        Call(
            ENROLLMENT,
            body=OK,
            data=form("enrollUsersInProgram", *PROGRAM) + [("usernames", "user3"), ("sendMail", "false")],
        ),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user1,user3"), ("dueDate", str(MAR31))]),
        list_call(0, listing(FIXTURE + [member_xml("u3", "user3", startDate="1", dueDate=str(MAR31))])),
        diff=True,
    )
    members = outcome.result["members"]
    assert [m["changed"] for m in members] == [True, False, True]
    assert members[2]["after"]["start_date_ms"] == 1  # read back: what EduBrite set
    assert members[0]["after"]["due_date_ms"] is None  # the read-back is the truth
    assert outcome.result["diff"]["prepared"] == (
        "EduBrite program xxxx-xxxx-xxxx-xxxx: 2 member(s) change (1 added, 1 updated)\n"
        "- user1: as before\n"
        "+ user1: as before\n"
        "- user3: not a member\n"
        "+ user3: status ENROLLED, start_date 1970-01-01T00:00:00.001+00:00, due_date 2026-03-31T00:00:00+00:00\n"
    )


def test_check_mode_reads_and_looks_up_but_writes_nothing(run_module):
    outcome = run_module(
        program_member,
        args(open_ids=["oid-user3"], score=50),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("openId", "oid-user3")), body=response(0, "0", "Success", USER3)),
        check_mode=True,
    )
    [entry] = outcome.result["members"]
    assert entry == dict(
        user_id="u3",
        username="user3",
        open_id="oid-user3",
        state="present",
        changed=True,
        before=None,
        after=entry["after"],
    )
    assert entry["after"]["score"] == 50.0 and entry["after"]["status"] == "ENROLLED"


def test_a_float_stored_score_is_no_change(run_module):
    stored = [member_xml("u1", "user1", score="0.10000000149011612")]
    outcome = run_module(program_member, args(usernames=["user1"], score=0.1), *login(), list_call(0, listing(stored)))
    assert outcome.result["changed"] is False


def test_unknown_program_changes_nothing(run_module):
    outcome = run_module(
        program_member,
        args(program_id="nope", usernames=["user1"]),
        *login(),
        Call(REPORT, status=404, body=response(-1, "0004", "Program not found: nope")),
    )
    assert outcome.failed and outcome.result["changed"] is False and outcome.result["members"] == []
    assert outcome.msg.startswith("programId nope: EduBrite knows no such program")
    assert outcome.msg.endswith("Nothing was changed.")


def test_bad_input_fails_before_any_request(run_module):
    outcome = run_module(program_member, args(usernames=["user1"], timezone="Mars/Olympus"))
    assert outcome.failed and "Mars/Olympus" in outcome.msg and outcome.msg.endswith("Nothing was changed.")


def test_argument_spec_rules_on_the_selector_and_the_members(run_module):
    both = run_module(program_member, args(ext_id="ONBOARDING", usernames=["user1"]))
    assert both.failed and "mutually exclusive: program_id|ext_id" in both.msg
    two_names = run_module(program_member, args(members=[{"username": "a", "open_id": "b"}]))
    assert two_names.failed and "mutually exclusive: username|user_id|open_id found in members" in two_names.msg
    state = run_module(program_member, args(state="gone", usernames=["a"]))
    assert state.failed and "value of state must be one of: present, absent, quit" in state.msg


def test_write_failing_mid_run_reports_from_a_fresh_listing(run_module):
    members = [member_xml("u1", "user1"), member_xml("u3", "user3"), member_xml("u4", "user4")]
    changed = [member_xml("u1", "user1", score="71.0"), member_xml("u3", "user3"), member_xml("u4", "user4")]
    outcome = run_module(
        program_member,
        args(
            max_parallel=1,
            members=[
                {"username": "user1", "score": 71},
                {"username": "user3", "score": 72},
                {"username": "user4", "score": 73},
            ],
        ),
        *login(),
        list_call(0, listing(members)),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user1"), ("score", "71.0")]),
        Call(
            ENROLLMENT,
            status=500,
            body="Internal Server Error",
            data=UPDATE + [("usernames", "user3"), ("score", "72.0")],
        ),
        list_call(0, listing(changed)),
    )
    assert outcome.failed and outcome.result["changed"] is True
    assert "1 member(s) were changed before the failure (user1); the members list says which." in outcome.msg
    assert [(m["username"], m["changed"]) for m in outcome.result["members"]] == [
        ("user1", True),
        ("user3", False),
        ("user4", False),
    ]


def test_write_failure_without_a_fresh_listing_uses_the_calls_that_succeeded(run_module):
    denied = response(-1, "0005", "You are not allowed to perform this action.")
    outcome = run_module(
        program_member,
        args(usernames=["user3"], score=1),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("userName", "user3")), body=response(0, "0", "Success", USER3)),
        Call(
            ENROLLMENT,
            body=OK,
            data=form("enrollUsersInProgram", *PROGRAM) + [("usernames", "user3"), ("sendMail", "false")],
        ),
        Call(ENROLLMENT, status=401, body=denied),
        Call(REPORT, status=401, body=denied),
    )
    assert outcome.failed and "members could not be read again" in outcome.msg
    [entry] = outcome.result["members"]
    assert entry["changed"] is True and entry["after"]["score"] is None  # added, score not set


def test_nothing_written_before_the_failure(run_module):
    denied = response(-1, "0005", "You are not allowed to perform this action.")
    outcome = run_module(
        program_member,
        args(usernames=["user1"], score=1),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(ENROLLMENT, status=401, body=denied),
        list_call(0, listing(FIXTURE)),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert "Nothing was changed. Run the task again to finish." in outcome.msg
    assert "run_as 'adminusername'" in outcome.msg


def test_quit_member_with_state_present_warns(run_module):
    members = [member_xml("u3", "user3", quit="true", score="1.0")]
    outcome = run_module(program_member, args(usernames=["user3"], score=1), *login(), list_call(0, listing(members)))
    assert outcome.result["changed"] is False
    assert "quit the program" in outcome.warnings[0]


def test_batches_of_batch_size(run_module):
    members = [member_xml("u%d" % n, "user%d" % n) for n in range(5)]
    outcome = run_module(
        program_member,
        args(batch_size=2, score=3, usernames=["user%d" % n for n in range(5)]),
        *login(),
        list_call(0, listing(members)),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user0,user1"), ("score", "3.0")]),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user2,user3"), ("score", "3.0")]),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user4"), ("score", "3.0")]),
        list_call(0, listing([m.replace('score=""', 'score="3.0"') for m in members])),
    )
    assert all(m["changed"] and m["after"]["score"] == 3.0 for m in outcome.result["members"])


def test_exclusive_and_removal_and_quit(run_module):
    members = FIXTURE + [member_xml("u4", "user4")]
    exclusive = run_module(
        program_member,
        args(usernames=["user1"], exclusive=True),
        *login(),
        list_call(0, listing(members)),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("ids", "u2,u4"), ("remove", "true")]),
        list_call(0, listing(FIXTURE[:1])),
    )
    removed = [(m["username"], m.get("removed_by_exclusive"), m["after"]) for m in exclusive.result["members"]]
    assert removed == [
        ("user1", None, exclusive.result["members"][0]["after"]),
        ("user2", True, None),
        ("user4", True, None),
    ]
    quit = run_module(
        program_member,
        args(state="quit", usernames=["user1", "user3"]),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("userName", "user3")), body=response(0, "0", "Success", USER3)),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user1"), ("quitProgram", "true")]),
        list_call(0, listing([member_xml("u1", "user1", quit="true"), FIXTURE[1]])),
    )
    assert [(m["username"], m["changed"]) for m in quit.result["members"]] == [("user1", True), ("user3", False)]
    assert quit.result["members"][0]["after"]["quit"] is True


def test_a_misspelt_name_to_remove_fails_naming_it_before_any_write(run_module):
    outcome = run_module(
        program_member,
        args(state="absent", usernames=["usr1"]),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(USERS, data=form("get", ("userName", "usr1")), status=404, body=response(-1, "0004", "User not found")),
    )
    assert outcome.failed and "1 user(s) unknown to EduBrite: member username=usr1" in outcome.msg
    assert outcome.result["not_found"] == {"username": ["usr1"]}


def test_exclusive_with_an_empty_list_is_refused_unless_allowed(run_module):
    outcome = run_module(program_member, args(exclusive=True))
    assert outcome.failed and "say so with allow_empty=true" in outcome.msg
    allowed = run_module(
        program_member,
        args(exclusive=True, allow_empty=True),
        *login(),
        list_call(0, listing(FIXTURE)),
        check_mode=True,
    )
    assert [m["removed_by_exclusive"] for m in allowed.result["members"]] == [True, True]


def test_epoch_seconds_are_refused_with_the_converted_value(run_module):
    outcome = run_module(program_member, args(usernames=["user1"], due_date=1767571200))
    assert outcome.failed and "probably epoch seconds" in outcome.msg and "1767571200000 ms" in outcome.msg


@pytest.mark.parametrize("check", [False, True])
def test_max_changes_stops_a_mass_removal(run_module, check):
    outcome = run_module(
        program_member,
        args(usernames=["user9"], exclusive=True, max_changes=1),
        *login(),
        list_call(0, listing(FIXTURE)),
        Call(
            USERS,
            data=form("get", ("userName", "user9")),
            body=response(0, "0", "Success", USER3.replace("user3", "user9")),
        ),
        check_mode=check,
    )
    assert outcome.failed and "The task would change 3 member(s), more than max_changes (1)" in outcome.msg
    assert "2 removed (user1, user2)" in outcome.msg
    assert outcome.result["changed"] is False and outcome.result["planned"] == {"added": 1, "removed": 2}
    # a preview (check mode) still lists what the guard refuses, as the drift report shows it
    planned = [(m["username"], m["changed"], m.get("removed_by_exclusive", False)) for m in outcome.result["members"]]
    assert planned == ([("user9", True, False), ("user1", True, True), ("user2", True, True)] if check else [])


FOUR = FIXTURE + [member_xml("u3", "user3"), member_xml("u4", "user4")]


@pytest.mark.parametrize("check", [False, True])
def test_a_share_of_max_changes_counts_the_program_s_members(run_module, check):
    """Issue 26 item 4: 50% of the 4 members read allows 2; removing 3 is refused before any write."""
    outcome = run_module(
        program_member,
        args(usernames=["user1"], exclusive=True, max_changes="50%"),
        *login(),
        list_call(0, listing(FOUR)),
        check_mode=check,
    )
    assert outcome.failed and outcome.msg.startswith(
        "The task would change 3 member(s), more than max_changes (50% of the 4 member(s) read: 2; the plan "
        "changes 75%): 3 removed (user2, user3, user4)."
    ), outcome.msg
    assert outcome.result["changed"] is False and outcome.result["planned"] == {"removed": 3}


@pytest.mark.parametrize("value", ["101%", "half", -1])
def test_a_max_changes_neither_count_nor_share_fails_before_any_request(run_module, value):
    outcome = run_module(program_member, args(usernames=["user1"], max_changes=value))
    assert outcome.failed and outcome.msg.startswith("max_changes must be a number of changes"), outcome.msg
    assert "not %r." % value in outcome.msg and outcome.msg.endswith("Nothing was changed.")


# --- member values the listing never carries (contract 3.4 r3) ---

NO_EXPIRY = [member_xml("u1", "user1", drop=("awardExpDate",)), member_xml("u2", "user2", drop=("awardExpDate",))]


@pytest.mark.parametrize("elements", [False, True], ids=["attributes", "elements"])
def test_a_compared_field_the_listing_never_carries_fails_before_any_write(run_module, elements):
    listed = [member_xml("u1", "user1", drop=("awardExpDate",), elements=elements)]
    outcome = run_module(
        program_member,
        args(usernames=["user1"], awarded=True, award_expiry_date="2027-02-10"),
        *login(),
        list_call(0, listing(listed)),
    )
    assert outcome.failed and outcome.result["changed"] is False
    msg = outcome.msg
    assert msg.startswith(
        "EduBrite listProgramMembers of programId xxxx-xxxx-xxxx-xxxx: no member listed (1) carries awardExpDate"
    )
    assert "award_expiry_date" in msg and msg.endswith("Nothing was changed.")
    assert "Listing reads: <member" in msg and "userName" in msg
    assert "edubrite_tenant_check" in msg and "member_fields" in msg


def test_a_field_never_carried_that_the_task_does_not_compare_does_not_matter(run_module):
    outcome = run_module(
        program_member,
        args(usernames=["user1", "user2"], score=92.5),
        *login(),
        list_call(0, listing([NO_EXPIRY[0].replace('score=""', 'score="92.5"'), NO_EXPIRY[1]])),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("usernames", "user2"), ("score", "92.5")]),
        list_call(0, listing(NO_EXPIRY)),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [m["changed"] for m in outcome.result["members"]] == [False, True]


def test_a_value_carried_by_one_member_only_is_judged_carried(run_module):
    listed = [NO_EXPIRY[0], member_xml("u2", "user2", awardExpDate="")]
    outcome = run_module(
        program_member,
        args(usernames=["user1"], awarded=True, award_date="2026-02-10", award_expiry_date="2027-02-10"),
        *login(),
        list_call(0, listing(listed)),
        Call(ENROLLMENT, body=SEED_REPLY),
        list_call(0, listing(listed)),
    )
    assert outcome.exit_code == 0, outcome.msg


def test_state_quit_needs_the_quit_value(run_module):
    outcome = run_module(
        program_member,
        args(usernames=["user2"], state="quit"),
        *login(),
        list_call(0, listing([member_xml("u2", "user2", drop=("quit",))])),
    )
    assert outcome.failed and "carries quit" in outcome.msg and "state=quit" in outcome.msg


def test_award_is_read_from_status_when_the_award_value_is_never_carried(run_module):
    outcome = run_module(
        program_member,
        args(usernames=["user2"], awarded=True),
        *login(),
        list_call(0, listing([member_xml("u2", "user2", drop=("award",), status="COMPLETED")])),
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is False


def test_with_no_member_listed_there_is_nothing_to_judge(run_module):
    outcome = run_module(
        program_member,
        args(usernames=["user3"], awarded=True, award_expiry_date="2027-02-10"),
        *login(),
        list_call(0, listing([])),
        Call(USERS, data=form("get", ("userName", "user3")), body=response(0, "0", "Success", USER3)),
        Call(ENROLLMENT, body=OK),
        Call(ENROLLMENT, body=SEED_REPLY),
        list_call(0, listing([member_xml("u3", "user3", drop=("awardExpDate",))])),
    )
    assert outcome.exit_code == 0, outcome.msg


@pytest.mark.parametrize("check_mode", [True, False])
def test_a_member_listed_without_a_user_id_fails_before_any_write(run_module, check_mode):
    # the listing's shape is assumed (contract 2.4 r2): a member whose userId is empty or absent was
    # taken for a member the task does not list, so exclusive planned to remove user1, whom it lists
    # (check mode said so; a real run died in a TypeError while other writes were going out)
    members = [member_xml("", "user1"), member_xml("u4", "user4")]
    outcome = run_module(
        program_member,
        args(usernames=["user1"], exclusive=True, start_date="2026-01-05"),
        *login(),
        list_call(0, listing(members)),
        check_mode=check_mode,
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert "a member's record cannot be read: it has no userId" in outcome.msg
    assert 'userName="user1"' in outcome.msg and outcome.msg.count("Nothing was written") == 1


def test_a_user_name_with_a_comma_is_sent_by_user_id(run_module):
    # the users of a call go out as one comma-separated list: "doe,jane" named the members doe and
    # jane, and removed them instead of the member asked for
    members = [member_xml("u7", "doe,jane"), member_xml("u8", "doe"), member_xml("u9", "jane")]
    outcome = run_module(
        program_member,
        args(state="absent", usernames=["doe,jane"]),
        *login(),
        list_call(0, listing(members)),
        Call(ENROLLMENT, body=SEED_REPLY, data=UPDATE + [("ids", "u7"), ("remove", "true")]),
        list_call(0, listing(members[1:])),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [(m["username"], m["changed"]) for m in outcome.result["members"]] == [("doe,jane", True)]
