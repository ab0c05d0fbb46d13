# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection run the way AWX / Automation Platform runs a job: ansible-runner (transmit |
worker | process) in a private data directory whose project is the example repository of
docs/example/, with the connection injected exactly as the custom credential types of docs/awx/
inject it (their injectors rendered with a credential's inputs, as AWX renders them), against the
sandbox.  The first job converges, the second changes nothing, and no secret is in what
ansible-runner writes (job events, stdout)."""

from __future__ import annotations

import os
import shutil

import jinja2.sandbox
import yaml

from .helpers import WRITES, writes
from .runner import ROOT, awx_job

EXAMPLE = os.path.join(ROOT, "docs", "example")
CREDENTIAL_TYPES = os.path.join(ROOT, "docs", "awx")
# AWX's inventory for the job templates (docs/awx.md): localhost, local connection.
INVENTORY = 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'


def credential_inputs(lms):
    """What an operator types into a credential of each type, by input id (docs/awx.md)."""
    return {
        "credential-type-ispring.yml": {"api_url": lms.url, "client_id": "demo-client", "client_secret": "demo-secret"},
        "credential-type-edubrite.yml": {
            "site_url": lms.url,
            "api_username": "api_demo",
            "api_password": "demo-password",
            "run_as": "adminusername",
        },
    }


def inject(definition, inputs):
    """What AWX gives a job for a credential of this type: the type's injectors, rendered in a
    sandboxed Jinja environment with the credential's inputs (an input left empty takes the
    field's default).  Returns {"env": {...}, "extra_vars": {...}}."""
    values = {field["id"]: inputs.get(field["id"], field.get("default")) for field in definition["inputs"]["fields"]}
    empty = sorted(name for name, value in values.items() if value is None)
    assert not empty, "%s: no test value for the input(s) %s" % (definition["name"], empty)
    unknown = set(definition["injectors"]) - {"env", "extra_vars"}
    assert not unknown, "%s: injectors this test does not render: %s" % (definition["name"], unknown)
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    return {
        kind: {name: environment.from_string(template).render(**values) for name, template in injected.items()}
        for kind, injected in (("env", {}), ("extra_vars", {})) + tuple(definition["injectors"].items())
    }


def private_data_dir(lms, path, cmdline):
    """A private data directory as AWX writes it for a job: the project (the example
    repository), the inventory, the credentials' env/envvars and env/extravars, and the job
    template's command line options in env/cmdline.  Returns it and the injected variables."""
    shutil.copytree(EXAMPLE, path / "project")
    (path / "inventory").mkdir()
    (path / "inventory" / "hosts").write_text(INVENTORY)
    env, extra_vars = {}, {}
    for name, inputs in credential_inputs(lms).items():
        with open(os.path.join(CREDENTIAL_TYPES, name), encoding="utf-8") as handle:
            injected = inject(yaml.safe_load(handle), inputs)
        env.update(injected["env"])
        extra_vars.update(injected["extra_vars"])
    (path / "env").mkdir()
    (path / "env" / "envvars").write_text(yaml.safe_dump(env))
    if extra_vars:
        (path / "env" / "extravars").write_text(yaml.safe_dump(extra_vars))
    (path / "env" / "cmdline").write_text(cmdline)
    return path, {**env, **extra_vars}


def test_converge_runs_as_an_awx_job_then_changes_nothing(lms, tmp_path):
    first_dir, injected = private_data_dir(lms, tmp_path / "job1", "--diff -vvv")  # Show changes, Debug verbosity
    first = awx_job(lms, first_dir, "converge.yml")
    assert (first.status, first.rc) == ("successful", 0), first.stdout + first.output
    # the people (departments, users, groups: 3 tasks), then the learner states (3 tasks)
    assert first.stats("changed") == {"localhost": 6}
    people = lms.state()["ispring"]
    assert "pnew" in [user["login"] for user in people["users"]]
    assert "Support team" in [group["name"] for group in people["groups"]]
    assert "+ ltan (enrollment e0000000-0000-4000-9000-000000000001): access_date 2026-03-02" in first.stdout
    # The connection reached the job as the credential types inject it: environment variables
    # of the job (or extra vars), nothing else; the job's command line carries none of it.
    command = first.command()
    assert set(injected) <= set(command["env"]) and injected
    assert not [word for word in command["command"] if any(value in word for value in injected.values())]
    assert writes(lms.requests(), WRITES)

    lms.clear_requests()
    second_dir = private_data_dir(lms, tmp_path / "job2", "--diff")[0]
    second = awx_job(lms, second_dir, "converge.yml")
    assert (second.status, second.rc) == ("successful", 0), second.stdout + second.output
    assert second.stats("changed") == {}
    # the role's checks in pre_tasks (4, the entries', and the note that they passed), then the role:
    # the arg spec validation, the same 4 checks and the note (not the entries' again), its 3 people
    # tasks, its 3 learner-state tasks and, after each, the check that everyone named was found
    assert second.stats("ok") == {"localhost": 21}
    assert writes(lms.requests(), WRITES) == []


def test_drift_report_runs_as_an_awx_check_job(lms, tmp_path):
    """The drift report's job template: job type Check, Show changes; the report is printed in the
    job output, and nothing is written."""
    job_dir = private_data_dir(lms, tmp_path / "job", "--check --diff")[0]
    job = awx_job(lms, job_dir, "drift_report.yml")
    assert (job.status, job.rc) == ("successful", 0), job.stdout + job.output
    # the example's learner states (15 of 16 differ) and its people (6 of 7)
    assert "**Drift**: 21 of 23 declared learner states differ." in job.stdout
    assert "| login pnew | does not exist | email pnew@example.com" in job.stdout
    assert writes(lms.requests(), WRITES) == []
    # The report file is the job's own: in the project the worker ran (no PWD there, so the
    # playbook's directory), not in the directory this test runs in.
    written = [
        e["event_data"]["res"]
        for e in job.events
        if e["event"] == "runner_on_ok" and "Write the drift" in e["event_data"]["task"]
    ]
    assert len(written) == 1 and written[0]["dest"].endswith("/project/drift-report.md"), written
    assert job.command()["cwd"] == os.path.dirname(written[0]["dest"])
