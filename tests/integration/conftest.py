# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration fixtures: the real ansible-playbook against the LMS sandbox.

Tests call ``play(tasks, ...)`` (runner.player): it writes a playbook, runs ``ansible-playbook`` of
the venv in $LMS_TEST_VENV with the collection from $ANSIBLE_COLLECTIONS_PATH, and returns the
run's exit code, output and the recorded task results.  Tests then check the sandbox's own state
and request log.  Helpers live in runner.py and helpers.py, not here.
"""

from __future__ import annotations

import sys

import pytest

from lms_sandbox.testing import Sandbox

from .runner import player


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
