# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way the integration tests run Ansible: ``ansible()`` runs a command line of the venv in
$LMS_TEST_VENV (the collection from $ANSIBLE_COLLECTIONS_PATH) with the results-recording callback,
and puts every run through the secret canary check.  Two front ends:

- ``player(lms, tmp_path)`` -> ``play(tasks, check=, diff=, verbosity=, env=, defaults=)``: tasks in
  a playbook written for the test, the connection in ``module_defaults``;
- ``run_command(lms, cwd, command, **env)``: a user's command line in ``cwd``, the connection in
  environment variables.

``awx_job(lms, private_data_dir, playbook)`` runs a job the way AWX does, through ansible-runner
(transmit | worker | process), and puts what the runner writes (job events, stdout) through the
same canary check.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED_TOKEN = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE"
# Canary secrets: every secret of the sandbox's fixture.  Each run also adds the tokens and
# session cookies the sandbox issued during the run.
# Initial passwords of the users test_ispring_user creates: never in any output.
NEW_HIRE_PASSWORDS = ("Welcome-7f3K!onboard", "Welcome-9qZ2!onboard")
# The initial password of the new hire test_role_people declares in the role's learner_states_users.
ROLE_PASSWORD = "Role-4xPq!onboard"
FIXTURE_SECRETS = (
    (
        SEED_TOKEN,
        "demo-secret",
        "owner-secret",
        "sales-admin-secret",
        "editor-secret",
        "viewer-secret",
        "demo-password",
        "9Zq4-uuid-style-secret",
    )
    + NEW_HIRE_PASSWORDS
    + (ROLE_PASSWORD,)
)


class Run:
    def __init__(self, rc, output, results):
        self.rc = rc
        self.output = output
        self.results = results

    @property
    def result(self):
        """The result of the last task run."""
        assert self.results, "no task result recorded; output:\n" + self.output
        return self.results[-1]["result"]

    @property
    def failed(self):
        return self.results[-1]["status"] == "failed"


def ansible(lms, command, results_file, cwd=None, env=None):
    """Run ``command`` (a list; its program from the test venv) against the sandbox ``lms``, task
    results recorded in ``results_file``; ``env`` sets variables (a value of None unsets one).
    Returns a Run that passed the secret canary check."""
    venv_bin = os.path.join(os.environ.get("LMS_TEST_VENV", sys.prefix), "bin")
    environment = dict(os.environ)
    environment.update(
        {
            "LMS_RESULTS_FILE": str(results_file),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "PATH": venv_bin + os.pathsep + environment.get("PATH", ""),
        }
    )
    for variable, value in (env or {}).items():
        if value is None:
            environment.pop(variable, None)
        else:
            environment[variable] = value
    results_file.unlink(missing_ok=True)
    command = [os.path.join(venv_bin, command[0])] + list(command[1:])
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environment, timeout=600, check=False)
    results = []
    if results_file.exists():
        results = [json.loads(line) for line in results_file.read_text().splitlines() if line]
    run = Run(done.returncode, done.stdout + done.stderr, results)
    assert_no_secret(run, issued_secrets(lms))
    return run


def player(lms, tmp_path):
    """``play(tasks, ...)``: run ``tasks`` in a playbook on localhost against the sandbox ``lms``."""
    numbers = itertools.count(1)

    def play(tasks, check=False, diff=False, verbosity=3, env=None, defaults=True):
        number = next(numbers)
        module_defaults = {
            "group/learnops.lms.ispring": {"api_url": lms.url, "token": SEED_TOKEN},
            "group/learnops.lms.edubrite": {
                "site_url": lms.url,
                "api_username": "api_demo",
                "api_password": "demo-password",
                "run_as": "adminusername",
            },
        }
        playbook = tmp_path / ("play%d.yml" % number)
        content = {
            "name": "Integration test",
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": module_defaults if defaults else {},
            "tasks": tasks,
        }
        playbook.write_text(yaml.safe_dump([content], sort_keys=False))
        command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook)]
        command += ["--check"] if check else []
        command += ["--diff"] if diff else []
        command += ["-" + "v" * verbosity] if verbosity else []
        environment = {"ANSIBLE_PYTHON_INTERPRETER": sys.executable, **(env or {})}
        return ansible(lms, command, tmp_path / ("results%d.jsonl" % number), env=environment)

    return play


def run_command(lms, cwd, command, **env):
    """Run a user's Ansible command line (a list) in ``cwd`` against the sandbox ``lms``, the
    connection in environment variables (``env`` changes them; a value of None unsets one)."""
    connection = {
        "ISPRING_API_URL": lms.url,
        "ISPRING_CLIENT_ID": "demo-client",
        "ISPRING_CLIENT_SECRET": "demo-secret",
        "EDUBRITE_SITE_URL": lms.url,
        "EDUBRITE_API_USERNAME": "api_demo",
        "EDUBRITE_API_PASSWORD": "demo-password",
        "EDUBRITE_RUN_AS": "adminusername",
        "PWD": str(cwd),
    }
    return ansible(lms, command, cwd / ".results.jsonl", cwd=str(cwd), env={**connection, **env})


def issued_secrets(lms):
    """Tokens and session cookies the sandbox handed out, read from its request log and state."""
    found = set()
    for entry in lms.requests():
        found.update(re.findall(r"<(?:\\w+:)?token>([^<]+)</", entry.get("body") or ""))
    found.update(lms.secrets())
    return found


def assert_no_secret(run, issued):
    """The canary check every run goes through: no secret in the output or the results."""
    text = run.output + json.dumps(run.results)
    leaked = sorted(secret for secret in set(FIXTURE_SECRETS) | issued if secret and secret in text)
    assert not leaked, "secret(s) %s leaked into the run's output or results" % leaked


class Job:
    """An ansible-runner job: its status and rc, its job events and its stdout."""

    def __init__(self, artifacts, output):
        self.artifacts = artifacts
        self.output = output
        self.status = _read(os.path.join(artifacts, "status"))
        self.rc = int(_read(os.path.join(artifacts, "rc")) or -1)
        self.events = [
            json.loads(_read(path)) for path in sorted(glob.glob(os.path.join(artifacts, "job_events", "*.json")))
        ]
        self.stdout = _read(os.path.join(artifacts, "stdout"))

    def stats(self, counter):
        """A counter (changed, ok, failures, ...) of the play recap event, per host."""
        recap = [event for event in self.events if event["event"] == "playbook_on_stats"]
        assert len(recap) == 1, "no play recap among the job events:\n" + self.stdout + self.output
        return recap[0]["event_data"][counter]

    def command(self):
        """What the runner ran: its command line, directory and environment (the artifact "command")."""
        return json.loads(_read(os.path.join(self.artifacts, "command")))


def _read(path):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def awx_job(lms, private_data_dir, playbook):
    """Run ``playbook`` of ``private_data_dir``/project as AWX runs a job: ``ansible-runner
    transmit`` (the controller) | ``ansible-runner worker`` (the execution node, in its own
    directory) | ``ansible-runner process`` (the controller again, writing the artifacts into the
    private data directory).  The job's environment is the runner's env/envvars and nothing of the
    LMS connection (or the working directory) of this process.  Returns the Job, after the canary
    check of the job events, stdout and stderr of both sides."""
    runner = os.path.join(os.environ.get("LMS_TEST_VENV", sys.prefix), "bin", "ansible-runner")
    # Nothing of this process's LMS connection, nor its PWD (the job runs in the project, not here).
    leave_out = ("ISPRING_", "EDUBRITE_", "LMS_", "PWD", "OLDPWD")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    environment["PATH"] = os.path.dirname(runner) + os.pathsep + environment.get("PATH", "")
    with tempfile.TemporaryDirectory(prefix="worker-") as worker_dir:
        steps = [
            [runner, "transmit", str(private_data_dir), "-p", playbook],
            [runner, "worker", "--private-data-dir", worker_dir],
            [runner, "process", str(private_data_dir)],
        ]
        output = _pipeline(steps, environment)
        worker_artifacts = glob.glob(os.path.join(worker_dir, "artifacts", "*"))
        texts = [output] + [_artifact_texts(path) for path in worker_artifacts]
        job = Job(os.path.join(str(private_data_dir), "artifacts"), output)
        texts.append(_artifact_texts(job.artifacts))
    assert job.events and job.stdout, "ansible-runner wrote no job events or stdout:\n" + output
    leaked = sorted(secret for secret in set(FIXTURE_SECRETS) | issued_secrets(lms) if secret in "".join(texts))
    assert not leaked, "secret(s) %s leaked into the job events or stdout of ansible-runner" % leaked
    return job


def _pipeline(steps, environment):
    """Run the commands ``steps`` as a shell pipeline; the last one's output (and every stderr)."""
    processes = []
    previous = None
    for number, command in enumerate(steps):
        last = number == len(steps) - 1
        process = subprocess.Popen(
            command,
            stdin=previous,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if last else subprocess.PIPE,
            env=environment,
        )
        if previous is not None:
            previous.close()  # the next process owns the pipe now
        previous = process.stdout
        processes.append(process)
    output = processes[-1].communicate(timeout=600)[0].decode("utf-8", "replace")
    for process in processes[:-1]:
        process.wait(timeout=60)
        output += process.stderr.read().decode("utf-8", "replace")
        assert process.returncode == 0, "%s failed:\n%s" % (process.args[:2], output)
    return output


def _artifact_texts(artifacts):
    """The job events, stdout and stderr an ansible-runner artifacts directory holds, as one text.
    (Not the artifact "command": ansible-runner records the job's whole environment there, the
    injected secrets included; AWX deletes the private data directory after the job.)"""
    paths = glob.glob(os.path.join(artifacts, "job_events", "*.json"))
    paths += [os.path.join(artifacts, name) for name in ("stdout", "stderr")]
    return "".join(_read(path) for path in paths)
