# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration fixtures: the real ansible-playbook against the LMS sandbox.

Tests call ``play(tasks, ...)`` (runner.player): it writes a playbook, runs ``ansible-playbook`` of
the venv in $LMS_TEST_VENV with the collection from $ANSIBLE_COLLECTIONS_PATH, and returns the
run's exit code, output and the recorded task results.  Tests then check the sandbox's own state
and request log.  Helpers live in runner.py and helpers.py, not here.

Tests marked ``any_line`` have a subject that is the same on every ansible-core line: the code in
module_utils - the wire code (fault matrices, reply forms, parallel writes, TLS), the planners'
rules (what is compared, sent, refused, reported; the role's planning and the drift report's filters
included) and the validation of values -, or the docs.
tools/test.sh shares them out between the lines: LMS_LINE_SHARE=K/N runs every N-th of them from
the K-th, in collection order, so that the lines of `make test` together run each once.  Every
other test runs on every line: each line's own plumbing - the argument specs, check and diff mode,
idempotent reruns as Ansible reports them, result shapes, ``no_log``, the role and the playbooks as
a user runs them (by name, from a repository, in check mode, the connection from the environment or
Vault, a pipeline's gate).
Unset, or 0/1, runs them all.

Every REST request a test sends through a sandbox, and the sandbox's reply, is checked against the
vendor's OpenAPI file (rest_schema.py): after the test, and before a ``reset()`` or
``clear_requests()`` drops log entries not yet checked.  A problem fails the test at teardown.
"""

from __future__ import annotations

import os
import sys

import pytest

from lms_sandbox.assumptions import STRICT_SETTINGS
from lms_sandbox.testing import Sandbox

from . import rest_schema
from .runner import player


def pytest_configure(config):
    config.addinivalue_line("markers", "any_line: run on one line only, the lines taking turns (LMS_LINE_SHARE)")


def line_share():
    """(K, N) of LMS_LINE_SHARE=K/N; (0, 1) when unset."""
    value = os.environ.get("LMS_LINE_SHARE") or "0/1"
    try:
        share, lines = (int(part) for part in value.split("/"))
    except ValueError:
        share, lines = -1, 0
    if not 0 <= share < lines:
        raise pytest.UsageError("LMS_LINE_SHARE=%s: expected K/N with 0 <= K < N" % value)
    return share, lines


def pytest_collection_modifyitems(config, items):
    share, lines = line_share()
    any_line = [item for item in items if item.get_closest_marker("any_line")]
    left = [item for number, item in enumerate(any_line) if number % lines != share]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if item not in left]


def pytest_terminal_summary(terminalreporter):
    if rest_schema.Stats.requests or rest_schema.Stats.read_seconds:
        terminalreporter.write_line(rest_schema.summary())


@pytest.fixture(scope="session", autouse=True)
def rest_schema_watch():
    """Sandbox.reset and clear_requests, for this session, first check the REST entries they drop."""
    watch = rest_schema.Watch()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("reset", "clear_requests"):
            original = getattr(Sandbox, name)

            def dropping(self, _original=original):
                watch.before_drop(self)
                return _original(self)

            patch.setattr(Sandbox, name, dropping)
        yield watch


@pytest.fixture(autouse=True)
def rest_schema_check(request, rest_schema_watch):
    """After the test: its REST requests and the sandbox's replies conform to the vendor's file."""
    yield
    sandboxes = [value for value in request.node.funcargs.values() if isinstance(value, Sandbox)]
    problems = rest_schema_watch.after_test(sandboxes)
    if problems:
        pytest.fail(
            "%d REST request(s)/reply(ies) do not conform to the vendor's OpenAPI file %s "
            "(exclusions and known non-conformities: tests/integration/rest_schema.py):\n  %s"
            % (len(problems), rest_schema.SPEC_PATH, "\n  ".join(problems)),
            pytrace=False,
        )


def pytest_report_header(config):
    share, lines = line_share()
    if lines > 1:
        return "any_line tests: share %d of %d (every %d-th from the %d-th; the other lines run the others)" % (
            share,
            lines,
            lines,
            share,
        )
    return None


@pytest.fixture(scope="session")
def sandbox():
    """The sandbox every scenario runs against: each form of contract revision 3 at its strictest
    (STRICT_SETTINGS); a test that needs another form sets it, and the reset before the next test
    restores these."""
    with Sandbox(python=sys.executable, task_delay=0.05, **STRICT_SETTINGS) as running:
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
