# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ready-to-use playbooks in playbooks/ (converge.yml, drift_report.yml), run as a user runs
them: ansible-playbook with the shipped inventory and vars files, connection from the environment."""

from __future__ import annotations

import os

import yaml

from .helpers import writes
from .runner import ROOT, SEED_TOKEN, run_command

PLAYBOOKS = os.path.join(ROOT, "playbooks")
WRITES = ("updateCourseStatus", "updateProgramMember", "enrollUsersInProgram")
COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"


def run_playbook(lms, tmp_path, name, *args, **env):
    """Run playbooks/<name> of this repository from a scratch working directory."""
    command = [
        "ansible-playbook",
        "-i",
        os.path.join(PLAYBOOKS, "inventory", "hosts.yml"),
        os.path.join(PLAYBOOKS, name),
    ] + list(args)
    return run_command(lms, tmp_path, command, **env)


def task_results(run, name_start):
    """The per-item results of the task whose name starts with ``name_start``."""
    found = []
    for entry in run.results:
        if entry.get("task", "").startswith(name_start):
            found.extend(entry["result"].get("results", [entry["result"]]))
    return found


def changed_entries(run):
    """(task kind, learner or member) entries that converge.yml changed or would change."""
    changed = []
    for item in task_results(run, "Course completions"):
        changed += [("course", e["enrollment_id"]) for e in item.get("learners", []) if e["changed"]]
    for start in ("Program members", "Members who quit", "Users who are not"):
        for item in task_results(run, start):
            changed += [("program", m["user_id"]) for m in item.get("members", []) if m["changed"]]
    return changed


def report_rows(run):
    """The rows the drift report computed (the set_fact of the comparison task)."""
    facts = task_results(run, "The report's rows")
    assert facts, run.output
    return facts[-1]["ansible_facts"]["drift_rows"], facts[-1]["ansible_facts"]["drift_errors"]


def test_converge_applies_then_changes_nothing(lms, tmp_path):
    first = run_playbook(lms, tmp_path, "converge.yml", "--diff")
    assert first.rc == 0, first.output
    assert "changed=3" in first.output
    assert "+ jdoe (enrollment" in first.output and "+ user4: status COMPLETED" in first.output
    state = lms.state()
    onboarding = next(p for p in state["edubrite"]["programs"] if p["extId"] == "ONBOARDING")
    assert {m["userName"] for m in onboarding["members"]} == {"user1", "user2", "user4"}
    safety = next(p for p in state["edubrite"]["programs"] if p["extId"] == "SAFETY")
    assert {m["userName"]: m["quit"] for m in safety["members"]} == {"user3": True, "jdoe_eb": False}

    lms.clear_requests()
    second = run_playbook(lms, tmp_path, "converge.yml")
    assert second.rc == 0, second.output
    assert "changed=0" in second.output
    assert changed_entries(second) == []
    assert writes(lms.requests(), WRITES) == []


def records(lms):
    state = lms.state()
    return state["ispring"]["enrollments"], state["edubrite"]["programs"]


def test_converge_check_mode_writes_nothing(lms, tmp_path):
    before = records(lms)
    run = run_playbook(lms, tmp_path, "converge.yml", "--check", "--diff")
    assert run.rc == 0, run.output
    assert changed_entries(run)
    assert writes(lms.requests(), WRITES) == []
    assert records(lms) == before


def test_drift_report_agrees_with_the_modules_then_reports_no_drift(lms, tmp_path):
    drift = run_playbook(lms, tmp_path, "drift_report.yml", "--diff")
    assert drift.rc == 0, drift.output
    report = (tmp_path / "drift-report.md").read_text()
    assert "**Drift**: 11 of 12 declared learner states differ." in report
    assert "| login ltan | complete on 2020-07-01, progress 50 | automatic, progress 50 |  |" in report
    assert (
        "| username user4 | not a member | status COMPLETED, awarded true, score 92.5, start_date 2026-01-05" in report
    )
    assert "| username user1 | status ENROLLED, start_date 2020-06-01T00:00:00+00:00 | not a member |" in report
    rows, errors = report_rows(drift)
    assert errors == []
    # The report is what converge --check says, learner by learner: the modules' own rules.
    would_change = run_playbook(lms, tmp_path, "converge.yml", "--check")
    assert len([row for row in rows if row["differs"]]) == len(changed_entries(would_change)) == 11
    assert writes(lms.requests(), WRITES) == []

    assert run_playbook(lms, tmp_path, "converge.yml").rc == 0
    lms.clear_requests()
    clean = run_playbook(
        lms,
        tmp_path,
        "drift_report.yml",
        "-e",
        "drift_report_fail_on_drift=true",
        "-e",
        "drift_report_path=reports/after.md",
    )
    assert clean.rc == 0, clean.output
    assert "**No drift**: all 12 declared learner states are met." in (tmp_path / "reports" / "after.md").read_text()
    assert writes(lms.requests(), WRITES) == []


def test_drift_report_and_converge_check_agree_on_a_float_stored_score_and_a_time_without_seconds(lms, tmp_path):
    """A tenant storing 32-bit floats answers 0.10000000149 for 0.1 (the module: no change); a
    date-time without seconds is a valid ISO 8601 form (the module accepts it)."""
    store = {"program_id": "xxxx-xxxx-xxxx-xxxx", "members": [{"username": "user1", "score": 0.10000000149011612}]}
    (tmp_path / "store.yml").write_text(yaml.safe_dump({"course_completions": [], "program_memberships": [store]}))
    assert run_playbook(lms, tmp_path, "converge.yml", "-e", "@store.yml").rc == 0
    member = {"username": "user1", "score": 0.1, "start_date": "2026-04-30T12:00+02:00"}
    declared = {
        "course_completions": [],
        "program_memberships": [{"program_id": "xxxx-xxxx-xxxx-xxxx", "members": [member]}],
    }
    (tmp_path / "declared.yml").write_text(yaml.safe_dump(declared))

    check = run_playbook(lms, tmp_path, "converge.yml", "--check", "-e", "@declared.yml")
    drift = run_playbook(lms, tmp_path, "drift_report.yml", "-e", "@declared.yml")
    assert check.rc == 0 and drift.rc == 0, drift.output
    rows, errors = report_rows(drift)
    assert errors == [] and [kind for kind, _user in changed_entries(check)] == ["program"]
    assert [(row["learner"], row["differs"]) for row in rows] == [("username user1", True)]
    assert "score" not in rows[0]["before"] and "start_date 2026-04-30T10:00:00+00:00" in rows[0]["after"]

    assert run_playbook(lms, tmp_path, "converge.yml", "-e", "@declared.yml").rc == 0
    lms.clear_requests()
    check = run_playbook(lms, tmp_path, "converge.yml", "--check", "-e", "@declared.yml")
    drift = run_playbook(
        lms, tmp_path, "drift_report.yml", "-e", "@declared.yml", "-e", "drift_report_fail_on_drift=true"
    )
    assert changed_entries(check) == [] and drift.rc == 0, drift.output
    assert [(row["learner"], row["differs"]) for row in report_rows(drift)[0]] == [("username user1", False)]
    assert writes(lms.requests(), WRITES) == []


def test_playbooks_take_an_ispring_token_instead_of_client_credentials(lms, tmp_path):
    run = run_playbook(
        lms,
        tmp_path,
        "converge.yml",
        "--check",
        ISPRING_CLIENT_ID=None,
        ISPRING_CLIENT_SECRET=None,
        ISPRING_TOKEN=SEED_TOKEN,
    )
    assert run.rc == 0, run.output
    assert "token" not in [entry["operation"] for entry in lms.requests()]


def test_drift_report_can_fail_a_pipeline(lms, tmp_path):
    run = run_playbook(lms, tmp_path, "drift_report.yml", "-e", "drift_report_fail_on_drift=true")
    assert run.rc != 0
    assert "11 declared learner state(s) differ; see %s" % (tmp_path / "drift-report.md") in run.output
    assert (tmp_path / "drift-report.md").exists()


def test_drift_report_names_what_it_cannot_find(lms, tmp_path):
    declared = {
        "course_completions": [
            {
                "course_id": COURSE,
                "date": "2020-07-01",
                "match_date": True,
                "learners": [
                    {"login": "ltan"},
                    {"login": "mgarcia"},
                    {"login": "nobody"},
                    {"email": "ghost@example.com"},
                    {"login": "kwong", "status": "automatic"},
                ],
                "enrollment_ids": ["no-such-enrollment"],
            },
            {"course_id": "no-such-course", "date": "2020-07-01", "learners": [{"login": "jdoe"}]},
        ],
        "program_memberships": [
            {
                "program_id": "xxxx-xxxx-xxxx-xxxx",
                "exclusive": True,
                "timezone": "Europe/Berlin",
                "members": [
                    {
                        "username": "user2",
                        "start_date": "2020-07-01T02:00:00+02:00",
                        "end_date": 1625097600000,
                        "due_date": "2020-08-01",
                        "score": "92.50",
                        "awarded": True,
                    },
                    {"username": "ghost1"},
                    {"open_id": "oid-ghost2"},
                ],
            },
            {"ext_id": "SAFETY", "members": [{"open_id": "oid-user3"}], "quit": ["user1", "user4"]},
        ],
    }
    (tmp_path / "declared.yml").write_text(yaml.safe_dump(declared))
    run = run_playbook(lms, tmp_path, "drift_report.yml", "-e", "@declared.yml")
    assert run.rc != 0
    assert "The report is incomplete: course_id no-such-course: iSpring knows no such course" in run.output
    rows, errors = report_rows(run)
    verdict = {(row["subject"], row["learner"]): (row["differs"], row["note"]) for row in rows}
    assert verdict == {
        (COURSE, "login ltan"): (False, ""),
        (COURSE, "login mgarcia"): (False, ""),  # passed: never replaced by a manual completion
        (COURSE, "login nobody"): (True, "no active user"),
        (COURSE, "email ghost@example.com"): (True, "no active user"),
        (COURSE, "login kwong"): (False, ""),
        (COURSE, "enrollment no-such-enrollment"): (True, "no such enrollment in the course"),
        ("xxxx-xxxx-xxxx-xxxx", "username user2"): (True, ""),
        ("xxxx-xxxx-xxxx-xxxx", "username user1"): (True, "not declared (exclusive): converging removes it"),
        ("xxxx-xxxx-xxxx-xxxx", "username ghost1"): (True, "unknown to EduBrite"),
        ("xxxx-xxxx-xxxx-xxxx", "open id oid-ghost2"): (True, "unknown to EduBrite"),
        ("SAFETY", "username user3"): (
            False,
            "quit the program: converging cannot make a member who quit active again",
        ),
        ("SAFETY", "username user1"): (True, "declared quit"),
        ("SAFETY", "username user4"): (False, "declared quit"),
    }
    user2 = next(row for row in rows if row["learner"] == "username user2")
    assert (user2["before"], user2["after"]) == (
        "due_date 2020-08-01T02:00:00+02:00",
        "due_date 2020-08-01T00:00:00+02:00",
    )
    assert [error["subject"] for error in errors] == ["course no-such-course"]
    report = (tmp_path / "drift-report.md").read_text()
    assert "## Could not be read" in report and "| course no-such-course |" in report
    assert "## Cannot be converged" in report and "| `SAFETY` | username user3 |" in report
    assert writes(lms.requests(), WRITES) == []
