# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""program_member and program_member_info, run by ansible-playbook against the sandbox."""

from __future__ import annotations

import pytest

from .helpers import WRITES, writes

PROGRAM = "xxxx-xxxx-xxxx-xxxx"
SAFETY = "yyyy-yyyy-yyyy-yyyy"
JAN5 = 1767571200000  # 2026-01-05T00:00:00Z
MAR31 = 1774915200000  # 2026-03-31T00:00:00Z
FEB10 = 1770681600000  # 2026-02-10T00:00:00Z
FEB10_2027 = 1802217600000  # 2027-02-10T00:00:00Z


def task(**args):
    if "ext_id" not in args:
        args.setdefault("program_id", PROGRAM)
    return {"name": "Program members", "learnops.lms.program_member": args}


def members(lms, program=PROGRAM):
    found = next(p for p in lms.state()["edubrite"]["programs"] if p["id"] == program)
    return {m["userName"]: m for m in found["members"]}


@pytest.mark.any_line
def test_seed_sample_input_posts_the_seed_parameters(play, lms):
    run = play([task(usernames=["user1", "user2"], end_date=1495163497116)])
    assert run.rc == 0, run.output
    sent = writes(lms.requests(), WRITES)
    assert [(entry["path"], entry["params"]) for entry in sent] == [
        (
            "/oltpublish/site/enrollmentService.do",
            {
                "dispatch": "updateProgramMember",
                "xml": "true",
                "programId": PROGRAM,
                "usernames": "user1,user2",
                "endDate": "1495163497116",
            },
        )
    ]
    assert sent[0]["real_uname"] == "adminusername"
    assert {name: m["endDate"] for name, m in members(lms).items()} == {"user1": 1495163497116, "user2": 1495163497116}
    assert [m["after"]["end_date_ms"] for m in run.result["members"]] == [1495163497116, 1495163497116]


def test_add_update_then_reapply_changes_nothing(play, lms):
    cohort = task(
        start_date="2026-01-05",
        due_date="2026-03-31",
        members=[
            {"username": "user1"},
            {
                "username": "user2",
                "awarded": True,
                "award_date": "2026-02-10",
                "award_expiry_date": "2027-02-10",
                "score": 88,
            },
            {"open_id": "oid-user3"},
            {"user_id": "0a1b2c3d-1000-4000-8000-000000000014", "due_date": "2026-04-30T12:00:00+02:00"},
        ],
    )
    first = play([cohort])
    assert first.rc == 0, first.output
    assert all(m["changed"] for m in first.result["members"])
    state = members(lms)
    assert set(state) == {"user1", "user2", "user3", "user4"}
    assert state["user1"]["startDate"] == JAN5 and state["user1"]["dueDate"] == MAR31
    assert state["user2"]["award"] is True and state["user2"]["awardDate"] == FEB10
    assert state["user2"]["awardExpDate"] == FEB10_2027 and state["user2"]["score"] == 88.0
    assert state["user3"]["startDate"] == JAN5
    assert state["user4"]["dueDate"] == 1777543200000 and state["user4"]["sendMail"] is False
    log = lms.requests()
    assert [e["operation"] for e in log].count("connect") == 2  # one login for the task
    assert len(writes(log, ("enrollUsersInProgram",))) == 1  # user3 and user4 added in one call
    # members needing the same change share one call: user1 and user3 get the same dates
    shared = [
        e
        for e in writes(log, ("updateProgramMember",))
        if "," in (e["params"].get("usernames", "") + e["params"].get("ids", ""))
    ]
    assert shared

    lms.clear_requests()
    second = play([cohort])
    assert second.rc == 0, second.output
    assert second.result["changed"] is False
    assert writes(lms.requests(), WRITES) == []
    assert [e["operation"] for e in lms.requests()] == ["connect", "connect", "listProgramMembers"]


def test_check_mode_reports_and_writes_nothing(play, lms):
    before = members(lms)
    run = play([task(usernames=["user1", "user3"], due_date="2026-03-31")], check=True)
    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert [(m["username"], m["changed"], m["before"] is None) for m in run.result["members"]] == [
        ("user1", True, False),
        ("user3", True, True),
    ]
    assert run.result["members"][1]["after"]["due_date_ms"] == MAR31
    assert writes(lms.requests(), WRITES) == []
    assert members(lms) == before


def test_diff_shows_before_and_after(play, lms):
    run = play([task(usernames=["user1"], score=75)], diff=True)
    assert "EduBrite program xxxx-xxxx-xxxx-xxxx: 1 member(s) change (1 updated)" in run.output
    assert "- user1: score none\n" in run.output and "+ user1: score 75.0\n" in run.output


@pytest.mark.any_line
def test_award_and_reset(play, lms):
    award = play([task(usernames=["user1"], awarded=True, award_date="2026-02-10")])
    assert award.rc == 0 and members(lms)["user1"]["status"] == "COMPLETED"
    reset = play([task(usernames=["user1", "user2"], awarded=False)])
    assert reset.rc == 0, reset.output
    state = members(lms)
    assert state["user1"]["award"] is False and state["user2"]["award"] is False
    assert state["user2"]["awardDate"] is None
    assert play([task(usernames=["user1", "user2"], awarded=False)]).result["changed"] is False


@pytest.mark.any_line
def test_remove_and_quit(play, lms):
    removed = play([task(state="absent", usernames=["user2", "user4"])])
    assert removed.rc == 0, removed.output
    assert [m["changed"] for m in removed.result["members"]] == [True, False]
    assert "user2" not in members(lms)
    assert writes(lms.requests(), WRITES)[0]["params"]["remove"] == "true"
    quit_run = play([task(program_id=SAFETY, state="quit", usernames=["user1", "user3"])])
    assert [m["changed"] for m in quit_run.result["members"]] == [True, False]
    assert members(lms, SAFETY)["user1"]["quit"] is True
    assert play([task(program_id=SAFETY, state="quit", usernames=["user1"])]).result["changed"] is False


@pytest.mark.any_line
def test_exclusive_removes_members_not_listed(play, lms):
    run = play([task(ext_id="ONBOARDING", usernames=["user1", "user3"], exclusive=True)])
    assert run.rc == 0, run.output
    assert set(members(lms)) == {"user1", "user3"}
    removed = [m for m in run.result["members"] if m.get("removed_by_exclusive")]
    assert [m["username"] for m in removed] == ["user2"] and removed[0]["after"] is None


@pytest.mark.any_line
def test_unknown_program(play, lms):
    run = play([task(program_id="no-such-program", usernames=["user1"])])
    assert run.failed and "no-such-program" in run.result["msg"]
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_unknown_users_are_listed_together_before_any_write(play, lms):
    run = play([task(usernames=["user3", "ghost1"], members=[{"open_id": "oid-ghost2"}], due_date="2026-03-31")])
    assert run.failed
    assert "ghost1" in run.result["msg"] and "oid-ghost2" in run.result["msg"] and "2 user(s)" in run.result["msg"]
    assert writes(lms.requests(), WRITES) == []
    assert "user3" not in members(lms)


@pytest.mark.any_line  # the planner's rules: the same on every line
def test_bad_date_and_score(play, lms):
    bad_date = play([task(members=[{"username": "user1", "due_date": "31/03/2026"}])])
    assert bad_date.failed and "31/03/2026" in bad_date.result["msg"] and "username=user1" in bad_date.result["msg"]
    bad_score = play([task(members=[{"username": "user2", "score": "ninety"}])])
    assert bad_score.failed and "ninety" in bad_score.result["msg"] and "username=user2" in bad_score.result["msg"]
    bad_zone = play([task(usernames=["user1"], due_date="2026-03-31", timezone="Mars/Olympus")])
    assert bad_zone.failed and "Mars/Olympus" in bad_zone.result["msg"]
    assert lms.requests() == []


@pytest.mark.any_line
def test_permission_refusal_names_whose_permissions(play, lms):
    run = play([task(usernames=["user1"], score=1, run_as="jdoe_eb")])
    assert run.failed
    assert "0005" in run.result["msg"] and "run_as 'jdoe_eb'" in run.result["msg"]
    assert "Nothing was changed" in run.result["msg"]
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_bad_password(play, lms):
    run = play([task(usernames=["user1"], api_password="wrong-password")])
    assert run.failed and "api_demo" in run.result["msg"] and "wrong-password" not in run.output


def test_info_lists_normalised_records(play, lms):
    run = play([{"name": "Read", "learnops.lms.program_member_info": {"ext_id": "ONBOARDING"}}])
    assert run.rc == 0, run.output
    found = {m["username"]: m["record"] for m in run.result["members"]}
    assert found["user2"]["awarded"] is True and found["user2"]["score"] == 92.5
    assert (
        found["user2"]["award_date"] == "2020-07-28T00:00:00+00:00" and found["user2"]["award_date_ms"] == 1595894400000
    )
    completed = play(
        [
            {
                "name": "Read",
                "learnops.lms.program_member_info": {
                    "program_id": PROGRAM,
                    "status": "COMPLETED",
                    "timezone": "Europe/Berlin",
                },
            }
        ]
    )
    assert [m["username"] for m in completed.result["members"]] == ["user2"]
    assert completed.result["members"][0]["record"]["award_date"] == "2020-07-28T02:00:00+02:00"


@pytest.mark.any_line  # the planner's rules: the same on every line
def test_check_mode_reports_the_same_changes_as_the_real_run(play, lms):
    cohort = task(
        start_date="2026-01-05",
        members=[
            {"username": "user1", "score": 50},
            {"username": "user2", "awarded": False},
            {"open_id": "oid-user3", "due_date": "2026-03-31"},
            {"username": "user4"},
        ],
        exclusive=False,
    )
    checked = play([cohort], check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert writes(lms.requests(), WRITES) == []
    real = play([cohort], diff=True)
    assert real.rc == 0, real.output

    def summary(run):
        return [(m["username"], m["user_id"], m["changed"], m["before"]) for m in run.result["members"]]

    assert summary(checked) == summary(real)

    def befores(run):
        return [line for line in run.result["diff"]["prepared"].splitlines() if not line.startswith("+")]

    assert befores(checked) == befores(real)
    fields = ("start_date_ms", "due_date_ms", "score", "awarded", "status", "quit", "award_date_ms")
    for predicted, actual in zip(checked.result["members"], real.result["members"], strict=True):
        assert {k: predicted["after"][k] for k in fields} == {k: actual["after"][k] for k in fields}


@pytest.mark.any_line
def test_after_is_read_back_from_the_lms(play, lms):
    run = play([task(usernames=["user3"], due_date="2026-03-31")])
    assert run.rc == 0, run.output
    state = members(lms)["user3"]
    after = run.result["members"][0]["after"]
    # the sandbox gives a new member a start date of its own (an assumption the module does not make)
    assert after["start_date_ms"] == state["startDate"] and after["due_date_ms"] == MAR31 == state["dueDate"]
    assert [e["operation"] for e in lms.requests()][-1] == "listProgramMembers"


@pytest.mark.any_line
def test_members_needing_the_same_change_share_calls_of_batch_size(play, lms):
    run = play([task(usernames=["user1", "user2", "user3", "user4"], due_date="2026-03-31", batch_size=3)])
    assert run.rc == 0, run.output
    sent = writes(lms.requests(), WRITES)
    calls = [(e["operation"], e["params"].get("usernames")) for e in sent]
    assert calls[0] == ("enrollUsersInProgram", "user3,user4")  # the adds first; the updates side by side
    assert sorted(calls[1:]) == [("updateProgramMember", "user1,user2,user3"), ("updateProgramMember", "user4")]
    assert {name: m["dueDate"] for name, m in members(lms).items()} == dict.fromkeys(
        ["user1", "user2", "user3", "user4"], MAR31
    )
    lms.clear_requests()
    assert (
        play([task(usernames=["user1", "user2", "user3", "user4"], due_date="2026-03-31", batch_size=3)]).result[
            "changed"
        ]
        is False
    )
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_send_mail_and_users_named_by_id_and_open_id(play, lms):
    run = play([task(user_ids=["0a1b2c3d-1000-4000-8000-000000000013"], open_ids=["oid-user4"], send_mail=True)])
    assert run.rc == 0, run.output
    [enroll] = writes(lms.requests(), ("enrollUsersInProgram",))
    assert enroll["params"]["ids"] == "0a1b2c3d-1000-4000-8000-000000000013,0a1b2c3d-1000-4000-8000-000000000014"
    assert enroll["params"]["sendMail"] == "true"
    assert sorted(mail["userName"] for mail in lms.state()["edubrite"]["mails"]) == ["user3", "user4"]
    assert [(m["username"], m["open_id"], m["changed"]) for m in run.result["members"]] == [
        ("user3", "oid-user3", True),
        ("user4", "oid-user4", True),
    ]


@pytest.mark.any_line
def test_timezone_of_bare_dates_and_of_results(play, lms):
    run = play([task(usernames=["user1"], due_date="2026-03-31", timezone="Europe/Berlin")])
    assert run.rc == 0, run.output
    assert members(lms)["user1"]["dueDate"] == MAR31 - 2 * 3600 * 1000
    assert run.result["members"][0]["after"]["due_date"] == "2026-03-31T00:00:00+02:00"
    lms.clear_requests()
    again = play([task(usernames=["user1"], due_date="2026-03-30T22:00:00Z")])
    assert again.result["changed"] is False and writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_award_then_reset_then_reapply_sends_nothing(play, lms):
    award = play(
        [task(usernames=["user1"], awarded=True, award_date="2026-02-10", award_expiry_date="2027-02-10", score=92.5)]
    )
    assert award.rc == 0, award.output
    user1 = members(lms)["user1"]
    assert (user1["award"], user1["status"], user1["awardDate"], user1["awardExpDate"], user1["score"]) == (
        True,
        "COMPLETED",
        FEB10,
        FEB10_2027,
        92.5,
    )
    [call] = writes(lms.requests(), WRITES)
    assert call["params"] == {
        "dispatch": "updateProgramMember",
        "xml": "true",
        "programId": PROGRAM,
        "usernames": "user1",
        "award": "true",
        "score": "92.5",
        "awardDate": str(FEB10),
        "awardExpDate": str(FEB10_2027),
    }
    lms.clear_requests()
    reset = play([task(usernames=["user1"], awarded=False)])
    assert reset.rc == 0 and members(lms)["user1"]["award"] is False
    assert reset.result["members"][0]["after"]["status"] == "ENROLLED"
    lms.clear_requests()
    assert play([task(usernames=["user1"], awarded=False)]).result["changed"] is False
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_remove_and_quit_reapplied_send_nothing(play, lms):
    assert play([task(state="absent", usernames=["user2"])]).rc == 0
    assert play([task(program_id=SAFETY, state="quit", usernames=["user1"])]).rc == 0
    lms.clear_requests()
    assert play([task(state="absent", usernames=["user2"])]).result["changed"] is False
    assert play([task(program_id=SAFETY, state="quit", usernames=["user1", "user3"])]).result["changed"] is False
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_quit_member_stays_quit_with_a_warning(play, lms):
    run = play([task(program_id=SAFETY, usernames=["user3"], score=10)])
    assert run.rc == 0, run.output
    assert members(lms, SAFETY)["user3"]["quit"] is True and members(lms, SAFETY)["user3"]["score"] == 10.0
    assert "quit the program" in run.output


@pytest.mark.any_line  # the planner's rules: the same on every line
def test_exclusive_check_mode_and_diff(play, lms):
    run = play([task(usernames=["user1"], exclusive=True)], check=True, diff=True)
    assert run.rc == 0, run.output
    assert [(m["username"], m["changed"], m.get("removed_by_exclusive", False)) for m in run.result["members"]] == [
        ("user1", False, False),
        ("user2", True, True),
    ]
    assert "+ user2: not a member" in run.output
    assert writes(lms.requests(), WRITES) == [] and set(members(lms)) == {"user1", "user2"}


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(state="absent", usernames=["user1"], due_date="2026-03-31"), "can only be set with state=present"),
        (dict(state="quit", usernames=["user1"], exclusive=True), "exclusive=true only applies to state=present"),
        (dict(usernames=["user1"], score="nan"), "not a finite number"),
        (dict(members=[{"username": "user1", "user_id": "x"}]), "mutually exclusive"),
        (dict(usernames=["user1"], batch_size=0), "batch_size must be at least 1"),
    ],
)
def test_more_bad_input_writes_nothing(play, lms, args, words):
    before = lms.state()["edubrite"]["programs"]
    run = play([task(**args)])
    assert run.failed and words in run.result["msg"], run.result
    assert writes(lms.requests(), WRITES) == []
    assert lms.state()["edubrite"]["programs"] == before


@pytest.mark.any_line
def test_unknown_users_reported_with_nothing_written_in_the_state(play, lms):
    before = lms.state()["edubrite"]["programs"]
    run = play(
        [
            task(
                members=[{"username": "user3", "score": 1}, {"username": "ghost1"}, {"user_id": "no-such-id"}],
                usernames=["user1"],
                score=2,
            )
        ]
    )
    assert run.failed
    assert "3 user(s)" not in run.result["msg"] and "2 user(s) unknown to EduBrite" in run.result["msg"]
    assert "ghost1" in run.result["msg"] and "no-such-id" in run.result["msg"]
    assert "Nothing was changed" in run.result["msg"] and run.result["changed"] is False
    assert lms.state()["edubrite"]["programs"] == before
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_info_filters_by_username(play, lms):
    run = play([{"name": "Read", "learnops.lms.program_member_info": {"program_id": SAFETY, "usernames": ["user3"]}}])
    assert run.rc == 0, run.output
    assert [(m["username"], m["record"]["quit"]) for m in run.result["members"]] == [("user3", True)]
    assert writes(lms.requests(), WRITES) == []


# --- member values the listing never carries (contract 3.4 r3): the wire code's reading ---


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
@pytest.mark.parametrize("layout", ["attributes", "elements"])
def test_a_compared_field_the_listing_never_carries_fails_naming_it_and_writes_nothing(play, lms, layout):
    lms.settings(edubrite_member_missing_fields=["awardExpDate"], edubrite_member_layout=layout)
    run = play([task(usernames=["user1"], awarded=True, award_expiry_date="2027-02-10")])
    assert run.rc != 0
    msg = run.result["msg"]
    assert msg.startswith(
        "EduBrite listProgramMembers of programId %s: no member listed (2) carries awardExpDate" % PROGRAM
    ), msg
    assert "award_expiry_date" in msg and "Listing reads: <member" in msg and "member_fields" in msg
    assert writes(lms.requests(), WRITES) == []
    assert members(lms)["user1"]["award"] is False


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
def test_a_field_never_carried_that_the_task_does_not_compare_converges_and_reruns_without_a_write(play, lms):
    lms.settings(edubrite_member_missing_fields="awardExpDate,endDate", edubrite_member_layout="elements")
    cohort = task(usernames=["user1", "user2", "user3"], due_date="2026-03-31", score=70)
    first = play([cohort])
    assert first.rc == 0, first.output
    assert {name: (m["dueDate"], m["score"]) for name, m in members(lms).items()} == {
        name: (MAR31, 70.0) for name in ("user1", "user2", "user3")
    }
    lms.clear_requests()
    again = play([cohort])
    assert again.rc == 0 and again.result["changed"] is False
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_a_share_of_max_changes_stops_removing_3_of_4_members_before_any_write(play, lms):
    """Issue 26 item 4 (Done when): max_changes "50%" of the program's 4 members allows 2; an
    exclusive plan removing 3 fails before any write, naming 50% and the 3 changes."""
    filled = play([task(usernames=["user3", "user4"])])
    assert filled.rc == 0 and sorted(members(lms)) == ["user1", "user2", "user3", "user4"], filled.output
    lms.clear_requests()
    run = play([task(usernames=["user1"], exclusive=True, max_changes="50%")])
    assert run.rc != 0, run.output
    assert run.result["msg"].startswith(
        "The task would change 3 member(s), more than max_changes (50% of the 4 member(s) read: 2; the plan "
        "changes 75%): 3 removed (user2, user3, user4)."
    ), run.result["msg"]
    assert run.result["planned"] == {"removed": 3}
    assert lms.requests() and writes(lms.requests(), WRITES) == []
    assert sorted(members(lms)) == ["user1", "user2", "user3", "user4"]
