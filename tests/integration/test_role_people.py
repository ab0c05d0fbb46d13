# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role learnops.lms.learner_states with people (issue 25 item 6): the example repository's
departments, users and groups (docs/example/group_vars/all/people.yml) beside its learner states,
through the collection's playbooks by name - check mode writes nothing, the drift report has a row
per department, user and member, converging creates them in the order departments -> users ->
groups -> enrollments, and a rerun changes nothing and sends no write.  A new user's password is
in no output (the runner's canary check: ROLE_PASSWORD is in FIXTURE_SECRETS)."""

from __future__ import annotations

import os

import yaml

from .helpers import WRITES, writes
from .runner import ROLE_PASSWORD
from .test_playbooks import COURSE, EXAMPLE, STATES, by_name, report_rows, task_results

PEOPLE = os.path.join(EXAMPLE, "group_vars", "all", "people.yml")
# The people's tasks, and the order the role runs them (states.yml).
TASKS = ("Departments", "Users", "Groups and their members", "Course enrollments")


def states_file(tmp_path):
    """The example's learner states and people in one file, a new hire with a password added."""
    states = {}
    for path in (STATES, PEOPLE):
        with open(path, encoding="utf-8") as handle:
            states.update(yaml.safe_load(handle))
    states["learner_states_users"].append(
        {"login": "rnew", "email": "rnew@example.com", "department": "SALES", "password": ROLE_PASSWORD}
    )
    # a new hire in a department the same run creates: check mode and the drift report plan them too
    states["learner_states_users"].append({"login": "snew", "email": "snew@example.com", "department": "SUPPORT-EMEA"})
    states["learner_states_groups"][0]["logins"].append("rnew")
    # an exclusive group whose members are all new users: check mode plans its current members'
    # removal (the module does not see the new one) instead of refusing an empty exclusive group
    states["learner_states_users"].append({"login": "cohort1", "email": "cohort1@example.com", "department": "ENG"})
    states["learner_states_groups"].append({"name": "Managers", "exclusive": True, "logins": ["cohort1"]})
    # enrollments by audience (course_enrollment's departments and groups): the new hires' group,
    # which the role fills before the enrollments, and Engineering, pnew's department
    states["learner_states_course_enrollments"].append(
        {"course_id": COURSE, "access_date": "2026-03-02", "groups": ["New hires"], "departments": ["ENG"]}
    )
    (tmp_path / "states.yml").write_text(yaml.safe_dump(states))
    return "@states.yml"


def people(lms):
    """{code: (name, parent code)}, {login: (department code, status)}, {group: sorted logins}."""
    state = lms.state()["ispring"]
    by_id = {d["departmentId"]: d for d in state["departments"]}
    departments = {
        d["code"]: (d["name"], by_id[d["parentId"]].get("code") if d["parentId"] else None)
        for d in state["departments"]
        if d.get("code")
    }
    logins = {u["userId"]: u["login"] for u in state["users"]}
    users = {u["login"]: (by_id[u["departmentId"]].get("code"), u["status"]) for u in state["users"]}
    groups = {
        g["name"]: sorted(logins.get(m, m) for m in g.get("userIds") or g.get("members") or ()) for g in state["groups"]
    }
    return departments, users, groups


def test_converge_people_by_name_check_drift_report_converge_rerun(lms, tmp_path):
    states = states_file(tmp_path)
    before = people(lms)
    checked = by_name(lms, tmp_path, "converge", "-e", states, "--check", "--diff")
    assert checked.rc == 0, checked.output
    assert writes(lms.requests(), WRITES) == [] and people(lms) == before
    # the group task plans the users the run creates (new_logins) as members each group gains
    planned = {r["declared_group"]["name"]: r for r in task_results(checked, "Groups and their members")}
    gained = {
        name: sorted(m["login"] for m in r["members"] if m["changed"] and m["after"] and not m["before"])
        for name, r in planned.items()
    }
    assert gained["New hires"] == ["pnew", "rnew"] and gained["Managers"] == ["cohort1"], gained
    assert planned["Managers"]["changed"] and "  - cohort1 (new user)\n" in planned["Managers"]["diff"]["after"]
    new_ids = [m["user_id"] for m in planned["New hires"]["members"] if m["login"] == "rnew"]
    assert new_ids == ["(new user rnew)"]  # a placeholder, never sent: nothing is written in check mode

    drift = by_name(lms, tmp_path, "drift_report", "-e", states)
    assert drift.rc == 0, drift.output
    assert writes(lms.requests(), WRITES) == []
    rows, errors = report_rows(drift)
    assert errors == []
    differ = {(r["section"], r["subject"], r["learner"]): (r["before"], r["after"]) for r in rows if r["differs"]}
    assert differ[("department", "learner_states_departments", "code SUPPORT-EMEA")] == (
        "does not exist",
        "name Support EMEA, parent SUPPORT",
    )
    assert differ[("user", "learner_states_users", "login pnew")][0] == "does not exist"
    assert differ[("user", "learner_states_users", "login snew")][0] == "does not exist"
    assert "department SUPPORT-EMEA" in differ[("user", "learner_states_users", "login snew")][1]
    assert ("user", "learner_states_users", "login bjones") not in differ  # inactive already
    assert differ[("group", "New hires", "login rnew")] == ("not a member", "member")  # a new user: check mode
    assert differ[("group", "Support team", "login kwong")] == ("not a member", "member")
    assert differ[("group", "Managers", "login cohort1")] == ("not a member", "member")
    assert differ[("group", "Managers", "login owner")] == ("member", "not a member")
    keys = [(r["section"], r["subject"], r["learner"]) for r in rows]
    for new_member in (("group", "New hires", "login rnew"), ("group", "Managers", "login cohort1")):
        assert keys.count(new_member) == 1, keys  # the module's entry, not doubled by drift_rows' own
    notes = {(r["section"], r["subject"], r["learner"]): r["note"] for r in rows}
    assert notes[("group", "New hires", "login rnew")] == "a user the run creates", notes
    report = (tmp_path / "drift-report.md").read_text()
    assert "| iSpring Learn | members of group `Support team` | 2 | 0 | 2 |" in report

    lms.clear_requests()
    first = by_name(lms, tmp_path, "converge", "-e", states, "--diff")
    assert first.rc == 0, first.output
    departments, users, groups = people(lms)
    assert departments["SUPPORT-EMEA"] == ("Support EMEA", "SUPPORT")
    assert users["pnew"] == ("ENG", "active") and users["rnew"] == ("SALES", "active")
    assert users["snew"] == ("SUPPORT-EMEA", "active")
    assert users["bjones"][1] == "inactive"
    assert groups["New hires"] == ["pnew", "rnew"] and groups["Support team"] == ["asmith", "kwong"]
    assert groups["Managers"] == ["cohort1"]
    enrolled = {e["login"] for e in lms.state()["ispring"]["enrollments"] if e["courseId"] == COURSE}
    assert {"pnew", "rnew", "asmith", "mgarcia", "editor", "viewer"} <= enrolled  # the audience, new users too
    # departments -> users -> groups -> enrollments: the order of the role's writes
    operations = [e["operation"] for e in writes(lms.requests(), WRITES)]
    order = ("AddDepartment", "AddUser", "UpdateGroupMembers", "EnrollLearnersInCourses")
    firsts = [operations.index(op) for op in order]
    assert firsts == sorted(firsts), operations
    ran = [name for name in TASKS if task_results(first, name)]
    assert ran == list(TASKS)
    # the checks' fingerprint is a SHA-1 of the declared states, rnew's password included: shown, it is
    # a digest to test guesses of the password against
    fingerprints = [
        result.get("ansible_facts", {}).get("__learner_states_checked")
        for result in task_results(first, "These states are checked")
    ]
    assert fingerprints and not any(fingerprints), fingerprints

    lms.clear_requests()
    second = by_name(lms, tmp_path, "converge", "-e", states)
    assert second.rc == 0 and "changed=0" in second.output, second.output
    assert writes(lms.requests(), WRITES) == []
