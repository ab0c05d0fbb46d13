# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many tenants (issue 26 item 5): docs/tenants-example/ as a team's repository, its three tenants
three sandboxes, each an inventory host with its own connection (Vault-encrypted host_vars, one
vault ID per tenant, its own credentials) and its own states, converged in one ansible-playbook run.
Each sandbox gets exactly its tenant's writes; no request, credential or learner crosses tenants."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys

import pytest
import yaml

from lms_sandbox.assumptions import STRICT_SETTINGS
from lms_sandbox.testing import Sandbox

from .helpers import EDUBRITE_WRITES, ISPRING_WRITES, writes
from .runner import ROOT, SEED_TOKEN, run_command

EXAMPLE = os.path.join(ROOT, "docs", "tenants-example")
SAFETY = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"
# Each tenant's own credentials (the fixture's other API clients and users), and its learner.
TENANTS = {
    "acme": (
        {"ispring_client_id": "demo-client", "ispring_client_secret": "demo-secret"},
        ("api_demo", "demo-password"),
        "ltan",
    ),
    "globex": (
        {"ispring_client_id": "owner-client", "ispring_client_secret": "owner-secret"},
        ("api_6f0c2a4e-3b1d-4c8e-9f7a-2d5e8b1c0a93", "9Zq4-uuid-style-secret"),
        "mgarcia",
    ),
    "initech": ({"ispring_token": SEED_TOKEN}, ("api_demo", "demo-password"), "viewer"),
}
# Whom each sandbox issued tokens to: acme's client acts as admin, globex's as owner; initech's
# permanent token needs none.
TOKEN_USERS = {
    "acme": ["8a6b1c2d-0001-4e5f-8a9b-0c1d2e3f4a02"],
    "globex": ["8a6b1c2d-0001-4e5f-8a9b-0c1d2e3f4a01"],
    "initech": [],
}
CONNECTION_VARIABLES = (
    "ISPRING_API_URL",
    "ISPRING_CLIENT_ID",
    "ISPRING_CLIENT_SECRET",
    "ISPRING_TOKEN",
    "EDUBRITE_SITE_URL",
    "EDUBRITE_API_USERNAME",
    "EDUBRITE_API_PASSWORD",
    "EDUBRITE_RUN_AS",
)


def _tenant_sandbox():
    with Sandbox(python=sys.executable, task_delay=0.05, **STRICT_SETTINGS) as running:
        yield running


acme = pytest.fixture(scope="module", name="acme")(_tenant_sandbox)
globex = pytest.fixture(scope="module", name="globex")(_tenant_sandbox)
initech = pytest.fixture(scope="module", name="initech")(_tenant_sandbox)


class AllTenants:
    """The three sandboxes as one for the runner's canary check: every token and cookie any issued."""

    def __init__(self, sandboxes):
        self.sandboxes = sandboxes
        self.url = sandboxes[0].url

    def requests(self):
        return [entry for sandbox in self.sandboxes for entry in sandbox.requests()]

    def secrets(self):
        return [secret for sandbox in self.sandboxes for secret in sandbox.secrets()]


def team_repository(tmp_path, sandboxes):
    """docs/tenants-example/ copied, each tenant's connection.yml pointed at its sandbox with its own
    credentials and encrypted with its own vault ID; returns the repository and the --vault-id options."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    vault = []
    for host, sandbox in sandboxes.items():
        ispring, (username, password), _learner = TENANTS[host]
        connection = {"ispring_api_url": sandbox.url, **ispring, "edubrite_site_url": sandbox.url}
        connection.update(edubrite_api_username=username, edubrite_api_password=password)
        connection["edubrite_run_as"] = "adminusername"
        path = repo / "host_vars" / host / "connection.yml"
        path.write_text(yaml.safe_dump(connection))
        secret = tmp_path / ("%s-vault-password" % host)
        secret.write_text("%s-vault-password\n" % host)
        vault += ["--vault-id", "%s@%s" % (host, secret)]
        encrypt = ["ansible-vault", "encrypt", "--encrypt-vault-id", host, str(path)] + vault
        encrypt = run_command(sandbox, repo, encrypt)
        assert encrypt.rc == 0, encrypt.output
        assert path.read_text().startswith("$ANSIBLE_VAULT;1.2;AES256;%s" % host)
    return repo, vault


def recap(run):
    """{host: changed} of the play recap."""
    return {host: int(changed) for host, changed in re.findall(r"^(\w+)\s+: ok=\d+\s+changed=(\d+)", run.output, re.M)}


def enrolled(sandbox):
    """The logins enrolled in Workplace Safety."""
    return {e["login"] for e in sandbox.state()["ispring"]["enrollments"] if e["courseId"] == SAFETY}


def test_three_tenants_converge_in_one_run(acme, globex, initech, tmp_path):
    sandboxes = {"acme": acme, "globex": globex, "initech": initech}
    for sandbox in sandboxes.values():
        sandbox.reset()
    everyone = AllTenants(list(sandboxes.values()))
    repo, vault = team_repository(tmp_path, sandboxes)
    for sandbox in sandboxes.values():
        sandbox.clear_requests()
    unset = {name: None for name in CONNECTION_VARIABLES}
    command = ["ansible-playbook", "-i", "inventory.yml", "converge.yml", "--forks", "3"] + vault
    run = run_command(everyone, repo, command, **unset)
    assert run.rc == 0, run.output
    assert recap(run) == {"acme": 2, "globex": 2, "initech": 2}, run.output
    learners = {host: tenant[2] for host, tenant in TENANTS.items()}
    for host, sandbox in sandboxes.items():
        log = sandbox.requests()
        # Its own credentials: its EduBrite API user, its API client's token.
        username = TENANTS[host][1][0]
        connects = [entry["params"].get("username") for entry in log if entry["operation"] == "connect"]
        assert set(connects) - {None} == {username}, (host, connects)
        assert [token["userId"] for token in sandbox.state()["ispring"]["tokens"]] == TOKEN_USERS[host], host
        # Exactly its own writes: its learner enrolled; the shared program: user4 added, user1's start date.
        ispring_writes = writes(log, ISPRING_WRITES)
        assert [entry["operation"] for entry in ispring_writes] == ["EnrollLearnersInCourses"], ispring_writes
        edubrite_writes = [entry["operation"] for entry in writes(log, EDUBRITE_WRITES)]
        assert edubrite_writes == ["enrollUsersInProgram", "updateProgramMember"], host
        assert enrolled(sandbox) == {"jdoe", "asmith", "kwong", learners[host]}, host
        users = {user["login"]: user["userId"] for user in sandbox.state()["ispring"]["users"]}
        assert json.loads(ispring_writes[0]["body"])["learnerIds"] == [users[learners[host]]], host
    for sandbox in sandboxes.values():
        sandbox.clear_requests()
    again = run_command(everyone, repo, command, **unset)
    assert again.rc == 0, again.output
    assert recap(again) == {"acme": 0, "globex": 0, "initech": 0}, again.output
    for host, sandbox in sandboxes.items():
        assert writes(sandbox.requests()) == [], host


def test_tenants_that_would_write_one_report_or_states_file_are_refused_before_any_request(lms, tmp_path):
    """Many tenants, one file: the export and the drift report, run for every tenant of a play with
    the same learner_states_export_path / learner_states_report_path (the default, or an -e value),
    would each write the file in turn, the last tenant's replacing the others' without a word.  Each
    entry point fails first, naming the other hosts and saying how to give each its own file."""
    (tmp_path / "inventory.yml").write_text(
        yaml.safe_dump({"tenants": {"hosts": {"acme": None, "globex": None}, "vars": {"ansible_connection": "local"}}})
    )
    role = {"name": "learnops.lms.learner_states"}
    tasks = []
    for entry_point, fact in (("export_states", "export_refused"), ("drift_report", "report_refused")):
        tasks.append(
            {
                "name": "The entry point " + entry_point,
                "block": [{"ansible.builtin.import_role": dict(role, tasks_from=entry_point)}],
                "rescue": [
                    {
                        "name": "Refused: " + entry_point,
                        "ansible.builtin.set_fact": {fact: "{{ ansible_failed_result.msg }}"},
                    }
                ],
            }
        )
    play = {"name": "Two tenants", "hosts": "tenants", "gather_facts": False, "tasks": tasks}
    (tmp_path / "play.yml").write_text(yaml.safe_dump([play], sort_keys=False))
    states = {
        "learner_states_export_courses": [SAFETY],
        "learner_states_course_enrollments": [{"course_id": SAFETY, "logins": ["jdoe"]}],
    }
    command = ["ansible-playbook", "-i", "inventory.yml", "play.yml", "-e", json.dumps(states)]
    command += ["-e", "ansible_python_interpreter=" + sys.executable]
    run = run_command(lms, tmp_path, command)
    assert run.rc == 0, run.output
    refused = {"export_refused": [], "report_refused": []}
    for entry in run.results:
        for fact, msg in (entry["result"].get("ansible_facts") or {}).items():
            refused.get(fact, []).append(msg)
    export, report = (" / ".join(sorted(refused[fact])) for fact in ("export_refused", "report_refused"))
    for other in ("globex", "acme"):
        assert "%s is the states file of %s too" % (tmp_path / "learner-states.yml", other) in export, run.output
        assert (
            "%s (and its plan, .json) is the drift report of %s too" % (tmp_path / "drift-report.md", other) in report
        )
    assert 'learner_states_export_path: "learner-states-{{ inventory_hostname }}.yml"' in export, export
    assert 'learner_states_report_path: "drift-report-{{ inventory_hostname }}.md"' in report, report
    files = ("learner-states.yml", "drift-report.md", "drift-report.json")
    written = [name for name in files if (tmp_path / name).exists()]
    assert lms.requests() == [] and written == [], written
