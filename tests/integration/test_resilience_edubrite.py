# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault matrix for program_member: each fault through a real playbook, then the sandbox's state
must show exactly the changes the result reported, and a rerun without the fault converges.
Every run is at -vvv and goes through the harness's canary-secret check."""

from __future__ import annotations

import pytest

from .helpers import WRITES, hostile_replies, writes

pytestmark = pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)

PROGRAM = "xxxx-xxxx-xxxx-xxxx"
# Three members needing three different changes: three updateProgramMember calls.
MEMBERS = [{"username": "user1", "score": 71}, {"username": "user3", "score": 72}, {"username": "user4", "score": 73}]


def converge(**extra):
    args = dict(program_id=PROGRAM, state="present", due_date="2026-03-31", members=MEMBERS)
    args.update(extra)
    return {"name": "Program members", "learnops.lms.program_member": args}


def scored(lms):
    """user name -> score of the program's members whose due date is the test's one."""
    program = next(p for p in lms.state()["edubrite"]["programs"] if p["id"] == PROGRAM)
    return {m["userName"]: m["score"] for m in program["members"] if m["dueDate"] == 1774915200000}


def reported(run):
    return sorted(m.get("username") for m in run.result["members"] if m["changed"])


def rerun_converges(play, lms):
    """Without the fault, one play converges, then its second task changes nothing."""
    lms.faults([])
    again = play([converge(), converge()])
    assert again.rc == 0, again.output
    assert scored(lms) == {"user1": 71.0, "user3": 72.0, "user4": 73.0}
    assert len(again.results) == 2 and again.result["changed"] is False


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "status", "code": 429, "retry_after": 1, "count": 3},
        {"kind": "status", "code": 503, "count": 2},
        {"kind": "status", "code": 502, "count": 2, "operations": ["listProgramMembers"]},
        {"kind": "drop", "count": 1, "operations": ["listProgramMembers"]},
        {"kind": "drop", "count": 1, "operations": ["updateProgramMember"]},
        {"kind": "slow", "seconds": 3, "count": 1, "operations": ["listProgramMembers"]},
        {"kind": "expire_auth", "count": 1, "operations": ["updateProgramMember"]},
    ],
    ids=["429-storm", "503-burst", "502-reads", "dropped-read", "dropped-write", "slow", "session-expiry"],
)
def test_transient_faults_are_retried(play, lms, rule):
    lms.faults([rule])
    run = play([converge(timeout=1.5)])
    assert run.rc == 0, run.output
    assert reported(run) == sorted(scored(lms)) == ["user1", "user3", "user4"]
    assert any(entry["fault"] for entry in lms.requests()), "the fault never fired"
    rerun_converges(play, lms)


@pytest.mark.parametrize("operation", ["updateProgramMember", "get"], ids=["at-a-write", "during-the-lookups"])
def test_session_expiry_logs_in_again_once(play, lms, operation):
    """user3 and user4 are not members: they are looked up side by side, and an expiry there
    must still cost one new login, not one per lookup in flight."""
    lms.faults([{"kind": "expire_auth", "count": 1, "operations": [operation]}])
    run = play([converge()])
    assert run.rc == 0, run.output
    assert [e["operation"] for e in lms.requests()].count("get") >= 2
    assert [e["operation"] for e in lms.requests()].count("connect") == 4  # two logins of two steps
    assert reported(run) == sorted(scored(lms)) == ["user1", "user3", "user4"]


@hostile_replies("listProgramMembers")
def test_hostile_or_broken_replies_fail_clearly_before_any_write(play, lms, rule, words):
    lms.faults([rule])
    run = play([converge(retries=2, retry_max_time=10)])
    assert run.failed
    assert words in run.result["msg"], run.result["msg"]
    assert "root:x:0:0" not in run.output
    assert writes(lms.requests(), WRITES) == []
    assert scored(lms) == {}
    rerun_converges(play, lms)


def test_write_failing_mid_run_reports_what_was_changed(play, lms):
    setup = play(
        [
            {
                "name": "Members first",
                "learnops.lms.program_member": {"program_id": PROGRAM, "usernames": ["user3", "user4"]},
            }
        ]
    )
    assert setup.rc == 0, setup.output
    lms.faults([{"kind": "fail_write", "after": 1, "count": 1, "operations": ["updateProgramMember"]}])
    run = play([converge(max_parallel=1)])  # one call after the other (test_parallel: side by side)
    assert run.failed
    assert run.result["changed"] is True
    assert reported(run) == sorted(scored(lms))
    assert len(reported(run)) == 1
    rerun_converges(play, lms)
