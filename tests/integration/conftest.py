# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration harness: the real ansible-playbook against the LMS sandbox.

Tests call ``play(tasks, ...)``; it writes a playbook, runs ``ansible-playbook`` of the venv in
$LMS_TEST_VENV with the collection from $ANSIBLE_COLLECTIONS_PATH, and returns the run's exit
code, output and the recorded task results.  Tests then check the sandbox's own state and
request log.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from lms_sandbox.testing import Sandbox

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_TOKEN = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE"
# Canary secrets: every secret of the sandbox's fixture.  Each run also adds the tokens and
# session cookies the sandbox issued during the run.
FIXTURE_SECRETS = (
    SEED_TOKEN,
    "demo-secret",
    "owner-secret",
    "sales-admin-secret",
    "editor-secret",
    "viewer-secret",
    "demo-password",
    "9Zq4-uuid-style-secret",
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


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox(python=sys.executable, task_delay=0.05) as running:
        yield running


@pytest.fixture
def lms(sandbox):
    """The sandbox, reset to its fixture before the test."""
    sandbox.reset()
    return sandbox


@pytest.fixture
def play(lms, tmp_path):
    """Run tasks in a playbook against the sandbox: ``play(tasks, check=, diff=, verbosity=, env=)``."""
    return player(lms, tmp_path)


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory):
    """A second sandbox, serving HTTPS with a self-signed certificate."""
    with Sandbox(
        python=sys.executable, task_delay=0.05, tls=True, cert_dir=str(tmp_path_factory.mktemp("cert"))
    ) as running:
        yield running


def player(lms, tmp_path):
    counter = [0]

    def run(tasks, check=False, diff=False, verbosity=3, env=None, defaults=True):
        counter[0] += 1
        playbook = tmp_path / ("play%d.yml" % counter[0])
        results_file = tmp_path / ("results%d.jsonl" % counter[0])
        module_defaults = (
            {
                "group/learnops.lms.ispring": {"api_url": lms.url, "token": SEED_TOKEN},
                "group/learnops.lms.edubrite": {
                    "site_url": lms.url,
                    "api_username": "api_demo",
                    "api_password": "demo-password",
                    "run_as": "adminusername",
                },
            }
            if defaults
            else {}
        )
        playbook.write_text(
            yaml.safe_dump(
                [
                    {
                        "name": "Integration test",
                        "hosts": "localhost",
                        "gather_facts": False,
                        "module_defaults": module_defaults,
                        "tasks": tasks,
                    }
                ],
                sort_keys=False,
            )
        )
        venv_bin = os.path.join(os.environ.get("LMS_TEST_VENV", sys.prefix), "bin")
        command = [os.path.join(venv_bin, "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)]
        command += ["--check"] if check else []
        command += ["--diff"] if diff else []
        command += ["-" + "v" * verbosity] if verbosity else []
        environment = dict(os.environ)
        environment.update(
            {
                "LMS_RESULTS_FILE": str(results_file),
                "ANSIBLE_CALLBACKS_ENABLED": "record_results",
                "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback"),
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "PATH": venv_bin + os.pathsep + environment.get("PATH", ""),
            }
        )
        environment.update(env or {})
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600, check=False)
        results = []
        if results_file.exists():
            results = [json.loads(line) for line in results_file.read_text().splitlines() if line]
        run = Run(done.returncode, done.stdout + done.stderr, results)
        assert_no_secret(run, issued_secrets(lms))
        return run

    return run


def hostile_replies(operation):
    """Fault rules whose replies must fail a run before any write, and the words the failure
    message must contain, for ``pytest.mark.parametrize``."""
    return pytest.mark.parametrize(
        "rule, words",
        [
            ({"kind": "malformed", "count": 1, "operations": [operation]}, "not well-formed XML (HTTP 200"),
            ({"kind": "html", "code": 500, "count": 1, "operations": [operation]}, "HTTP 500"),
            ({"kind": "xxe", "count": 1, "operations": [operation]}, "DOCTYPE"),
            ({"kind": "bomb", "count": 1, "operations": [operation]}, "DOCTYPE"),
            ({"kind": "status", "code": 503, "count": -1}, "after 3 attempt(s)"),
        ],
        ids=["malformed", "html-500", "xxe", "billion-laughs", "503-forever"],
    )


def writes(requests, operations):
    """The requests of the log whose operation is one of ``operations``."""
    return [entry for entry in requests if entry["operation"] in operations]


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
