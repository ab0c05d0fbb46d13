# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role learnops.lms.learner_states from the installed collection, run as a user runs it:
the example repository of docs/example/ (inventory, the states in group_vars/, a playbook that
calls the role), and the collection's playbooks by name (``ansible-playbook learnops.lms.converge
-e @states.yml``); the connection from the environment, or from Vault-encrypted variables."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from .helpers import WRITES, task_name, writes
from .runner import ROOT, SEED_TOKEN, run_command

EXAMPLE = os.path.join(ROOT, "docs", "example")
STATES = os.path.join(EXAMPLE, "group_vars", "all", "learner_states.yml")
# A team's repository: an inventory, a states file and a playbook that calls the role.
MINIMAL = ("inventory.yml", "group_vars/all/learner_states.yml", "converge.yml")
COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
SAFETY = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"


def repository(tmp_path, files=MINIMAL):
    """A copy of (some files of) docs/example/, as a team's repository."""
    repo = tmp_path / "repo"
    for name in files:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(EXAMPLE, name), repo / name)
    return repo


def playbook(lms, cwd, *args, **env):
    """ansible-playbook ARGS in ``cwd`` (a playbook file, or a collection playbook by name)."""
    return run_command(lms, cwd, ["ansible-playbook"] + list(args), **env)


def by_name(lms, cwd, name, *args, **env):
    """A playbook of the installed collection, by name, with no inventory of the user's."""
    return playbook(lms, cwd, "learnops.lms." + name, *args, **env)


def task_results(run, name_start):
    """The per-item results of the task whose name starts with ``name_start``."""
    found = []
    for entry in run.results:
        if task_name(entry).startswith(name_start):
            found.extend(entry["result"].get("results", [entry["result"]]))
    return found


def changed_entries(run):
    """(kind, learner or member) entries that the role changed or would change."""
    changed = []
    for item in task_results(run, "Course enrollments"):
        changed += [("enrollment", e["course_id"], e["user_id"]) for e in item.get("enrollments", []) if e["changed"]]
    for item in task_results(run, "Course completions"):
        changed += [("course", e["enrollment_id"]) for e in item.get("learners", []) if e["changed"]]
    for item in task_results(run, "Program members"):
        changed += [("program", m["user_id"]) for m in item.get("members", []) if m["changed"]]
    return changed


def report_rows(run):
    """The rows the drift report computed (the set_fact of the comparison task)."""
    facts = task_results(run, "The report's rows")
    assert facts, run.output
    found = facts[-1]["ansible_facts"]
    return found["learner_states_drift_rows"], found["learner_states_drift_errors"]


def declare(tmp_path, **states):
    """A states file with the role's variables ``learner_states_<name>``; returns its ``-e`` argument."""
    path = tmp_path / "states.yml"
    path.write_text(yaml.safe_dump({"learner_states_" + name: value for name, value in states.items()}))
    return "@" + str(path)


def logins(lms):
    """The EduBrite logins in the request log (step 2 of connect: the one that sends the user name)."""
    return [entry for entry in lms.requests(operation="connect") if "username" in (entry.get("params") or {})]


def records(lms):
    state = lms.state()
    return state["ispring"]["enrollments"], state["edubrite"]["programs"]


def test_a_repository_with_an_inventory_a_states_file_and_a_playbook_converges_then_changes_nothing(lms, tmp_path):
    repo = repository(tmp_path)
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()) == sorted(MINIMAL)
    with open(os.path.join(EXAMPLE, "converge.yml"), encoding="utf-8") as handle:
        play = yaml.safe_load(handle)
    checks = {
        "name": "The declared states, checked entry by entry",
        "ansible.builtin.import_role": {"name": "learnops.lms.learner_states", "tasks_from": "checks"},
    }
    assert play == [
        {"name": "Declared learner states", "hosts": "localhost", "gather_facts": False,
         "pre_tasks": [checks], "roles": ["learnops.lms.learner_states"]}
    ]  # the role, its checks first (named entries), nothing else  # fmt: skip
    first = playbook(lms, repo, "-i", "inventory.yml", "converge.yml", "--diff")
    assert first.rc == 0, first.output
    assert "changed=3" in first.output
    assert "+ jdoe (enrollment" in first.output and "+ user4: status COMPLETED" in first.output
    assert "+ ltan (enrollment e0000000-0000-4000-9000-000000000001): access_date 2026-03-02" in first.output
    state = lms.state()
    safety = {e["login"]: e for e in state["ispring"]["enrollments"] if e["courseId"] == SAFETY}
    assert sorted(safety) == ["asmith", "jdoe", "kwong", "ltan", "mgarcia"]
    assert (safety["mgarcia"]["dueDate"][:10], safety["ltan"]["dueDate"][:10]) == ("2026-04-30", "2026-04-01")
    onboarding = next(p for p in state["edubrite"]["programs"] if p["extId"] == "ONBOARDING")
    assert {m["userName"] for m in onboarding["members"]} == {"user1", "user2", "user4"}
    program = next(p for p in state["edubrite"]["programs"] if p["extId"] == "SAFETY")
    assert {m["userName"]: m["quit"] for m in program["members"]} == {"user3": True, "jdoe_eb": False}
    # issue 28: one EduBrite session per program (SAFETY declares members, quit and removed)
    assert len(logins(lms)) == 2, [entry["params"] for entry in logins(lms)]

    lms.clear_requests()
    second = playbook(lms, repo, "-i", "inventory.yml", "converge.yml")
    assert second.rc == 0, second.output
    assert "changed=0" in second.output
    assert changed_entries(second) == []
    assert writes(lms.requests(), WRITES) == []
    assert len(logins(lms)) == 2


def test_the_collection_playbook_by_name_converges_a_states_file_then_changes_nothing(lms, tmp_path):
    shutil.copy(STATES, tmp_path / "states.yml")
    first = by_name(lms, tmp_path, "converge", "-e", "@states.yml")
    assert first.rc == 0, first.output
    assert "changed=3" in first.output
    assert len(changed_entries(first)) == 15
    lms.clear_requests()
    second = by_name(lms, tmp_path, "converge", "-e", "@states.yml")
    assert second.rc == 0 and "changed=0" in second.output, second.output
    assert writes(lms.requests(), WRITES) == []


def test_converge_check_mode_writes_nothing(lms, tmp_path):
    repo = repository(tmp_path)
    before = records(lms)
    run = playbook(lms, repo, "-i", "inventory.yml", "converge.yml", "--check", "--diff")
    assert run.rc == 0, run.output
    assert len(changed_entries(run)) == 15
    assert writes(lms.requests(), WRITES) == []
    assert records(lms) == before


@pytest.mark.any_line  # the role's planning and the report's filters: the same on every line
def test_the_role_passes_max_parallel_and_max_changes_to_every_task(lms, tmp_path):
    shutil.copy(STATES, tmp_path / "states.yml")
    lms.latency(30)  # calls in flight overlap
    try:
        one = by_name(lms, tmp_path, "converge", "-e", "@states.yml", "-e", "learner_states_max_parallel=1", "--check")
    finally:
        lms.latency(0)
    assert one.rc == 0, one.output
    lookups = [entry for entry in lms.requests() if entry["operation"] == "get"]
    assert len(lookups) > 1 and {entry["concurrent"] for entry in lms.requests()} == {1}
    guarded = by_name(lms, tmp_path, "converge", "-e", "@states.yml", "-e", "learner_states_max_changes=1")
    assert guarded.rc != 0 and "max_changes" in guarded.output, guarded.output
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # the role's planning: the same on every line
def test_the_role_passes_a_share_of_max_changes(lms, tmp_path):
    """Issue 26 item 4: learner_states_max_changes "50%" reaches the program's task: replacing the
    program's 2 members by another (3 changes, 150% of the members read) fails before any write."""
    states = {
        "learner_states_program_memberships": [
            {"program_id": "xxxx-xxxx-xxxx-xxxx", "usernames": ["user3"], "exclusive": True}
        ]
    }
    (tmp_path / "states.yml").write_text(yaml.safe_dump(states))
    run = by_name(lms, tmp_path, "converge", "-e", "@states.yml", "-e", "learner_states_max_changes=50%")
    assert run.rc != 0, run.output
    assert "more than max_changes (50% of the 2 member(s) read: 1; the plan changes 150%)" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # the role's planning and the report's filters: the same on every line
def test_drift_report_agrees_with_the_modules_then_reports_no_drift(lms, tmp_path):
    repo = repository(tmp_path)
    drift = playbook(lms, repo, "-i", "inventory.yml", "learnops.lms.drift_report", "--diff")
    assert drift.rc == 0, drift.output
    report = (repo / "drift-report.md").read_text()
    assert "**Drift**: 15 of 16 declared learner states differ." in report
    assert "| iSpring Learn | enrollments in course `%s` | 4 | 0 | 4 |" % SAFETY in report
    assert "| login ltan | not enrolled | access 2026-03-02, due 2026-04-01, locked after the due date |  |" in report
    assert (
        "| login ltan | complete on 2020-07-01, progress 50, score 40 | automatic, progress 50, score 40 |  |" in report
    )
    assert (
        "| username user4 | not a member | status COMPLETED, awarded true, score 92.5, start_date 2026-01-05" in report
    )
    assert "| username user1 | status ENROLLED, start_date 2020-06-01T00:00:00+00:00 | not a member |" in report
    rows, errors = report_rows(drift)
    assert errors == []
    # The report is what converge --check says, learner by learner: the modules' own rules.
    would_change = playbook(lms, repo, "-i", "inventory.yml", "converge.yml", "--check")
    assert len([row for row in rows if row["differs"]]) == len(changed_entries(would_change)) == 15
    assert writes(lms.requests(), WRITES) == []

    assert playbook(lms, repo, "-i", "inventory.yml", "converge.yml").rc == 0
    lms.clear_requests()
    clean = playbook(
        lms,
        repo,
        "-i",
        "inventory.yml",
        "learnops.lms.drift_report",
        "-e",
        "learner_states_report_fail_on_drift=true",
        "-e",
        "learner_states_report_path=reports/after.md",
    )
    assert clean.rc == 0, clean.output
    assert "**No drift**: all 16 declared learner states are met." in (repo / "reports" / "after.md").read_text()
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # the role's planning and the report's filters: the same on every line
def test_drift_report_and_converge_check_agree_on_a_float_stored_score_and_a_time_without_seconds(lms, tmp_path):
    """A tenant storing 32-bit floats answers 0.10000000149 for 0.1 (the module: no change); a
    date-time without seconds is a valid ISO 8601 form (the module accepts it)."""
    store = {"program_id": "xxxx-xxxx-xxxx-xxxx", "members": [{"username": "user1", "score": 0.10000000149011612}]}
    assert by_name(lms, tmp_path, "converge", "-e", declare(tmp_path, program_memberships=[store])).rc == 0
    member = {"username": "user1", "score": 0.1, "start_date": "2026-04-30T12:00+02:00"}
    declared = declare(tmp_path, program_memberships=[{"program_id": "xxxx-xxxx-xxxx-xxxx", "members": [member]}])

    check = by_name(lms, tmp_path, "converge", "--check", "-e", declared)
    drift = by_name(lms, tmp_path, "drift_report", "-e", declared)
    assert check.rc == 0 and drift.rc == 0, drift.output
    rows, errors = report_rows(drift)
    assert errors == [] and [entry[0] for entry in changed_entries(check)] == ["program"]
    assert [(row["learner"], row["differs"]) for row in rows] == [("username user1", True)]
    assert "score" not in rows[0]["before"] and "start_date 2026-04-30T10:00:00+00:00" in rows[0]["after"]

    assert by_name(lms, tmp_path, "converge", "-e", declared).rc == 0
    lms.clear_requests()
    check = by_name(lms, tmp_path, "converge", "--check", "-e", declared)
    drift = by_name(lms, tmp_path, "drift_report", "-e", declared, "-e", "learner_states_report_fail_on_drift=true")
    assert changed_entries(check) == [] and drift.rc == 0, drift.output
    assert [(row["learner"], row["differs"]) for row in report_rows(drift)[0]] == [("username user1", False)]
    assert writes(lms.requests(), WRITES) == []


def test_the_role_takes_an_ispring_token_instead_of_client_credentials(lms, tmp_path):
    repo = repository(tmp_path)
    run = playbook(
        lms,
        repo,
        "-i",
        "inventory.yml",
        "converge.yml",
        "--check",
        ISPRING_CLIENT_ID=None,
        ISPRING_CLIENT_SECRET=None,
        ISPRING_TOKEN=SEED_TOKEN,
    )
    assert run.rc == 0, run.output
    assert "token" not in [entry["operation"] for entry in lms.requests()]


def test_the_connection_from_vault_encrypted_group_vars(lms, tmp_path):
    """No connection in the environment: the ispring_ and edubrite_ variables, encrypted with
    Ansible Vault in group_vars/, are what the role connects with; no secret in the output."""
    repo = repository(tmp_path)
    (tmp_path / "vault-password").write_text("a-vault-password\n")
    connection = repo / "group_vars" / "all" / "connection.yml"
    connection.write_text(
        yaml.safe_dump(
            {
                "ispring_api_url": lms.url,
                "ispring_client_id": "demo-client",
                "ispring_client_secret": "demo-secret",
                "edubrite_site_url": lms.url,
                "edubrite_api_username": "api_demo",
                "edubrite_api_password": "demo-password",
                "edubrite_run_as": "adminusername",
            }
        )
    )
    vault = ["--vault-password-file", str(tmp_path / "vault-password")]
    encrypt = run_command(lms, repo, ["ansible-vault", "encrypt", str(connection)] + vault)
    assert encrypt.rc == 0, encrypt.output
    assert connection.read_text().startswith("$ANSIBLE_VAULT;")
    unset = {name: None for name in ("ISPRING_API_URL", "ISPRING_CLIENT_ID", "ISPRING_CLIENT_SECRET")}
    unset.update({name: None for name in ("EDUBRITE_SITE_URL", "EDUBRITE_API_USERNAME", "EDUBRITE_API_PASSWORD")})
    unset["EDUBRITE_RUN_AS"] = None
    run = playbook(lms, repo, "-i", "inventory.yml", "converge.yml", "--check", "--diff", "-vvv", *vault, **unset)
    assert run.rc == 0, run.output
    assert len(changed_entries(run)) == 15
    assert {entry["operation"] for entry in lms.requests()} >= {"token", "connect"}
    without = playbook(lms, repo, "-i", "inventory.yml", "converge.yml", "--check", **unset)
    assert without.rc != 0 and "Attempting to decrypt but no vault secrets found" in without.output


def test_drift_report_can_fail_a_pipeline(lms, tmp_path):
    """Also (issue 28 item 8) under learner_states_max_changes: the guard is for writes, so the
    courses and programs over it are shown, not "could not be read" (before: 3 of them were, their
    11 changes hidden, and the run failed on the incomplete report); and the printed copy is capped
    at learner_states_report_print_rows rows, the file has them all."""
    repo = repository(tmp_path)
    run = playbook(
        lms,
        repo,
        "-i",
        "inventory.yml",
        "learnops.lms.drift_report",
        "-e",
        "learner_states_report_fail_on_drift=true",
        "-e",
        "learner_states_max_changes=2",
        "-e",
        "learner_states_report_print_rows=3",
    )
    assert run.rc != 0
    assert "15 declared learner state(s) differ; see %s" % (repo / "drift-report.md") in run.output
    report = (repo / "drift-report.md").read_text()
    assert "**Drift**: 15 of 16 declared learner states differ." in report and "could not be read" not in report
    assert "## Over learner_states_max_changes" in report and "`learner_states_max_changes` (2) allows" in report
    assert "| course %s | 4 (1 to automatic, 3 to complete) |" % COURSE in report
    assert "| enrollments in %s | 4 (2 to change, 2 to enroll) |" % SAFETY in report
    assert "| program ONBOARDING | 3 (1 added, 2 updated) |" in report
    rows, errors = report_rows(run)
    assert errors == [] and len([row for row in rows if row["differs"]]) == 15
    assert report.count("| login ltan |") == 2 and "not printed" not in report
    printed = [text for entry in task_results(run, "Show the drift report") for text in entry["msg"]]
    assert "**Drift**: 15 of 16 declared learner states differ." in printed
    differences = printed[printed.index("## Differences") :]
    assert len([text for text in differences if text.startswith("| ") and not text.startswith("| Learner")]) == 3
    assert "... and 12 more row(s), not printed: the full report is %s" % (repo / "drift-report.md") in printed
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # the role's planning and the report's filters: the same on every line
def test_drift_report_names_what_it_cannot_find(lms, tmp_path):
    lms.settings(ispring_unknown_course="error")  # the course that cannot be read
    declared = declare(
        tmp_path,
        course_enrollments=[
            {
                "course_id": SAFETY,
                "access_date": "2020-07-15",
                "learners": [{"login": "jdoe"}, {"login": "nobody"}, {"email": "ghost@example.com"}],
                "logins": ["kwong", "nobody2"],
            },
        ],
        course_completions=[
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
                "logins": ["asmith", "nobody3"],
            },
            {"course_id": "no-such-course", "date": "2020-07-01", "learners": [{"login": "jdoe"}]},
        ],
        program_memberships=[
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
    )
    run = by_name(lms, tmp_path, "drift_report", "-e", declared)
    assert run.rc != 0
    assert "The report is incomplete: course_id no-such-course: iSpring knows no such course" in run.output
    rows, errors = report_rows(run)
    verdict = {(row["section"], row["subject"], row["learner"]): (row["differs"], row["note"]) for row in rows}
    assert verdict == {
        ("enrollment", SAFETY, "login jdoe"): (False, ""),
        ("enrollment", SAFETY, "login kwong"): (False, ""),
        ("enrollment", SAFETY, "login nobody"): (True, "no active user"),
        ("enrollment", SAFETY, "email ghost@example.com"): (True, "no active user"),
        ("enrollment", SAFETY, "login nobody2"): (True, "no active user"),
        ("course", COURSE, "login ltan"): (False, ""),
        ("course", COURSE, "login mgarcia"): (False, ""),  # passed: never replaced by a manual completion
        ("course", COURSE, "login nobody"): (True, "no active user"),
        ("course", COURSE, "email ghost@example.com"): (True, "no active user"),
        ("course", COURSE, "login kwong"): (False, ""),
        ("course", COURSE, "enrollment no-such-enrollment"): (True, "no such enrollment in the course"),
        ("course", COURSE, "login asmith"): (True, ""),
        ("course", COURSE, "login nobody3"): (True, "no active user"),
        ("program", "xxxx-xxxx-xxxx-xxxx", "username user2"): (True, ""),
        ("program", "xxxx-xxxx-xxxx-xxxx", "username user1"): (True, "not declared (exclusive): converging removes it"),
        ("program", "xxxx-xxxx-xxxx-xxxx", "username ghost1"): (True, "unknown to EduBrite"),
        ("program", "xxxx-xxxx-xxxx-xxxx", "open id oid-ghost2"): (True, "unknown to EduBrite"),
        ("program", "SAFETY", "username user3"): (
            False,
            "quit the program: converging cannot make a member who quit active again",
        ),
        ("program", "SAFETY", "username user1"): (True, "declared quit"),
        ("program", "SAFETY", "username user4"): (False, "declared quit"),
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


@pytest.mark.any_line  # the role's planning and the report's filters: the same on every line
def test_converge_check_previews_an_enrollment_and_the_completion_of_the_same_learner(lms, tmp_path):
    """Issue 28 item 6: one states file enrolls mgarcia in Workplace Safety and completes her there.
    Before, converge --check failed: course_status found her "not enrolled in the course", which
    the real run's enrollment task had not made yet.  Now check mode and the drift report say her
    completion would be made once she is enrolled; the real run makes both; a rerun writes nothing."""
    completion = {"course_id": SAFETY, "date": "2026-03-20", "reason": "Classroom session", "logins": ["mgarcia"]}
    declared = declare(
        tmp_path,
        course_enrollments=[{"course_id": SAFETY, "access_date": "2026-03-02", "logins": ["mgarcia"]}],
        course_completions=[completion],
    )
    before = records(lms)
    check = by_name(lms, tmp_path, "converge", "-e", declared, "--check", "--diff")
    assert check.rc == 0, check.output
    [learner] = [e for item in task_results(check, "Course completions") for e in item["learners"]]
    assert learner["changed"] is True and learner["before"] is None and learner["enrollment_id"] is None
    assert learner["note"] == "would be completed once enrolled (this run enrolls them)"
    assert learner["after"]["status"] == "complete" and learner["after"]["completion_date"] == "2026-03-20"
    assert "+ mgarcia (not enrolled yet): status complete, completion_date 2026-03-20" in check.output
    drift = by_name(lms, tmp_path, "drift_report", "-e", declared)
    assert drift.rc == 0, drift.output
    rows, errors = report_rows(drift)
    assert errors == []
    assert [(r["section"], r["learner"], r["before"], r["differs"], r["note"]) for r in rows] == [
        ("enrollment", "login mgarcia", "not enrolled", True, ""),
        ("course", "login mgarcia", "not enrolled", True, "would be completed once enrolled (this run enrolls them)"),
    ]
    assert writes(lms.requests(), WRITES) == [] and records(lms) == before

    real = by_name(lms, tmp_path, "converge", "-e", declared)
    assert real.rc == 0, real.output
    [made] = [e for e in lms.state()["ispring"]["enrollments"] if e["courseId"] == SAFETY and e["login"] == "mgarcia"]
    assert (made["completionStatus"], made["completionDate"][:10]) == ("complete", "2026-03-20")
    lms.clear_requests()
    again = by_name(lms, tmp_path, "converge", "-e", declared)
    assert again.rc == 0 and "changed=0" in again.output, again.output
    assert changed_entries(again) == [] and writes(lms.requests(), WRITES) == []
