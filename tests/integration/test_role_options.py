# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role learnops.lms.learner_states: a name to remove or to mark as quit that EduBrite does
not know fails the run before any write, like an unknown member."""

from __future__ import annotations

from .helpers import writes
from .test_playbooks import WRITES, by_name, declare, report_rows

SAFETY = "yyyy-yyyy-yyyy-yyyy"
ONBOARDING = "xxxx-xxxx-xxxx-xxxx"


def members(lms, program):
    found = next(p for p in lms.state()["edubrite"]["programs"] if p["id"] == program)
    return {m["userName"]: m for m in found["members"]}


def test_a_misspelt_name_to_remove_fails_naming_it_and_writes_nothing(lms, tmp_path):
    before = members(lms, SAFETY)
    assert "user1" in before
    states = declare(tmp_path, program_memberships=[{"program_id": SAFETY, "removed": ["user1", "usr1"]}])
    run = by_name(lms, tmp_path, "converge", "-e", states)
    assert run.rc != 0, run.output
    assert "1 user(s) unknown to EduBrite: member username=usr1" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []
    assert members(lms, SAFETY) == before


def test_a_name_to_mark_as_quit_that_edubrite_does_not_know_fails(lms, tmp_path):
    states = declare(tmp_path, program_memberships=[{"program_id": SAFETY, "quit": ["user1", "ghost3"]}])
    run = by_name(lms, tmp_path, "converge", "-e", states)
    assert run.rc != 0, run.output
    assert "member username=ghost3" in run.output and "leave the user meant active" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []
    assert members(lms, SAFETY)["user1"]["quit"] is False


def test_a_known_user_who_is_not_a_member_is_still_no_change(lms, tmp_path):
    assert "user4" not in members(lms, SAFETY) and "user4" not in members(lms, ONBOARDING)
    states = declare(
        tmp_path,
        program_memberships=[{"program_id": SAFETY, "removed": ["user4"]}, {"ext_id": "ONBOARDING", "quit": ["user4"]}],
    )
    run = by_name(lms, tmp_path, "converge", "-e", states)
    assert run.rc == 0 and "changed=0" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []


def test_the_drift_report_lists_an_unknown_name_to_remove_and_compares_the_others(lms, tmp_path):
    states = declare(
        tmp_path,
        program_memberships=[{"program_id": SAFETY, "removed": ["user1", "usr1"], "quit": ["ghost3", "user4"]}],
    )
    run = by_name(lms, tmp_path, "drift_report", "-e", states, "-e", "learner_states_report_print=false")
    assert run.rc == 0, run.output
    rows, errors = report_rows(run)
    assert errors == []
    found = {(row["learner"], row["before"], row["differs"], row["note"]) for row in rows}
    assert ("username usr1", "not found", True, "unknown to EduBrite") in found
    assert ("username ghost3", "not found", True, "unknown to EduBrite") in found
    assert any(row["learner"] == "username user1" and row["differs"] for row in rows), rows
    assert any(row["learner"] == "username user4" and not row["differs"] for row in rows), rows
    assert writes(lms.requests(), WRITES) == []
