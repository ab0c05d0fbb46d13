# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's playbook learnops.lms.export_states, by name, against the sandbox: a tenant in
use, exported to a states file that converging changes nothing of (issue 26 item 1)."""

from __future__ import annotations

import json
import urllib.request

import pytest
import yaml

from .helpers import WRITES, writes
from .runner import FIXTURE_SECRETS, SEED_TOKEN, assert_no_secret, issued_secrets
from .test_playbooks import COURSE, SAFETY, by_name

PROGRAMS = [{"ext_id": "ONBOARDING"}, {"program_id": "yyyy-yyyy-yyyy-yyyy"}]
NEW_HIRES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e02"  # a static group of the fixture, with no member
BJONES = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e06"  # inactive


def add_to_group_in_the_ui(lms, group_id, user_id):
    """What a person does in the LMS before the export (the REST call the UI makes)."""
    request = urllib.request.Request(
        lms.rest_url("/group/%s/members" % group_id),
        data=json.dumps({"userIds": [user_id]}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + SEED_TOKEN},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200


def export(lms, tmp_path, *args):
    variables = {
        "learner_states_export_courses": [COURSE, SAFETY],
        "learner_states_export_programs": PROGRAMS,
        "learner_states_export_people": True,
        "learner_states_export_groups": ["Managers", "New hires", "All sales"],
    }
    run = by_name(lms, tmp_path, "export_states", "-e", yaml.safe_dump(variables, default_flow_style=True), *args)
    assert run.rc == 0, run.output
    return run


def test_an_exported_tenant_converges_with_no_change_and_no_write(lms, tmp_path):
    add_to_group_in_the_ui(lms, NEW_HIRES, BJONES)
    lms.clear_requests()
    run = export(lms, tmp_path)
    assert writes(lms.requests(), WRITES) == []
    text = (tmp_path / "learner-states.yml").read_text()
    assert text.startswith("# Learner states exported by learnops.lms.export_states at 20")
    assert "#   from iSpring Learn %s\n" % lms.url in text and "#   from EduBrite %s\n" % lms.url in text
    assert_no_secret(run, issued_secrets(lms))
    leaked = [secret for secret in FIXTURE_SECRETS if secret and secret in text]
    assert not leaked, leaked
    states = yaml.safe_load(text)
    enrollments = {entry["course_id"]: entry["learners"] for entry in states["learner_states_course_enrollments"]}
    # administrators' enrollments only (asmith enrolled herself in COURSE); an inactive user by ID
    assert sorted(learner.get("login", learner.get("user_id")) for learner in enrollments[COURSE]) == [
        "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e06", "jdoe", "kwong", "ltan", "mgarcia",
    ]  # fmt: skip
    assert enrollments[COURSE][-1] == {
        "login": "kwong", "access_date": "2020-07-10", "due_date_type": "due_date", "due_date": "2020-08-31",
        "lock_after_due_date": True,
    }  # fmt: skip
    # the manual completion with its day; passed and automatic progress are not declared
    assert states["learner_states_course_completions"] == [
        {"course_id": COURSE, "status": "complete", "learners": [{"login": "ltan", "date": "2020-07-01"}]}
    ]
    onboarding, safety = states["learner_states_program_memberships"]
    assert onboarding["ext_id"] == "ONBOARDING"
    assert onboarding["members"][1] == {
        "username": "user2", "start_date": "2020-07-01", "end_date": "2021-07-01", "due_date": "2020-08-01",
        "award_date": "2020-07-28", "award_expiry_date": "2021-07-28", "awarded": True, "score": 92.5,
    }  # fmt: skip
    assert safety == {
        "program_id": "yyyy-yyyy-yyyy-yyyy", "members": [{"username": "user1", "start_date": "2020-06-01"}],
        "quit": ["user3"],
    }  # fmt: skip
    # the people: the tree but its root, the courses' learners and the groups' members, the groups
    assert states["learner_states_departments"] == [
        {"code": "SALES", "name": "sales"}, {"code": "SALES-EMEA", "name": "sales-emea", "parent": "SALES"},
        {"code": "ENG", "name": "engineering"},
    ]  # fmt: skip
    users = {user["login"]: user for user in states["learner_states_users"]}
    assert sorted(users) == ["admin", "asmith", "bjones", "jdoe", "kwong", "ltan", "mgarcia", "owner", "salesadmin"]
    assert users["bjones"] == {
        "login": "bjones", "email": "bjones@example.com", "first_name": "Bob", "last_name": "Jones",
        "department": "SALES", "role": users["bjones"]["role"], "status": "inactive",
    }  # fmt: skip
    assert "password" not in text
    groups = {group["name"]: group["members"] for group in states["learner_states_groups"]}
    assert groups["Managers"] == [{"login": "admin"}, {"login": "owner"}]
    # an inactive member by user ID (iSpring finds only active users by login)
    assert groups["New hires"] == [{"user_id": BJONES}]
    # a smart group's members follow its rules (ispring_group refuses to change them): not declared,
    # else the converge fails as soon as the rules move someone; the header says so; its members are users
    assert "All sales" not in groups
    assert "\n# smart group All sales: its members follow its rules; not declared\n" in text
    assert {"jdoe", "salesadmin", "bjones"} <= set(users)

    lms.clear_requests()
    # the export's variables beside the states (group_vars/ of a repository) are the role's own, not misspelt
    keep = "learner_states_export_path=learner-states.yml"
    check = by_name(lms, tmp_path, "converge", "-e", "@learner-states.yml", "-e", keep, "--check")
    assert check.rc == 0 and "changed=0" in check.output, check.output
    converge = by_name(lms, tmp_path, "converge", "-e", "@learner-states.yml")
    assert converge.rc == 0 and "changed=0" in converge.output, converge.output
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # the playbook's own checks: the same on every line
def test_export_refuses_nothing_to_export_and_a_program_named_by_a_bare_string(lms, tmp_path):
    nothing = by_name(lms, tmp_path, "export_states")
    assert nothing.rc != 0 and "Name what to export: learner_states_export_courses" in nothing.output
    bare = by_name(lms, tmp_path, "export_states", "-e", '{"learner_states_export_programs": ["ONBOARDING"]}')
    assert bare.rc != 0 and "{ext_id: ...}" in bare.output
    assert lms.requests() == [] and not (tmp_path / "learner-states.yml").exists()
