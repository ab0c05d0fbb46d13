# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The any_line tests shared out between the lines (conftest.py), as pytest collects this directory:
together the shares hold each of them once, and each share every other test."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.any_line  # its subject, conftest.py, is the same on every line
HERE = os.path.dirname(os.path.abspath(__file__))


def collected(share):
    """The test ids pytest collects here with LMS_LINE_SHARE=share (None: unset), and its output."""
    env = {k: v for k, v in os.environ.items() if k != "LMS_LINE_SHARE"}
    if share is not None:
        env["LMS_LINE_SHARE"] = share
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only", HERE],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    return [line for line in done.stdout.splitlines() if "::" in line], done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def every_test():
    tests, rc, output = collected(None)
    assert rc == 0 and tests, output
    return tests


@pytest.mark.parametrize("lines", [2, 3])
def test_the_shares_together_hold_every_test_and_each_any_line_test_once(every_test, lines):
    shares = []
    for share in range(lines):
        tests, rc, output = collected("%d/%d" % (share, lines))
        assert rc == 0, output
        shares.append(tests)
    in_every_share = set.intersection(*(set(tests) for tests in shares))
    shared = [test for test in every_test if test not in in_every_share]
    assert sorted(set().union(*shares)) == sorted(every_test)
    assert sum(len(tests) for tests in shares) == len(in_every_share) * lines + len(shared)
    assert any("test_resilience_ispring.py::" in test for test in shared)
    # the role as a user runs it is tested on every line; its planning rules on one
    by_name = "test_playbooks.py::test_the_collection_playbook_by_name_converges_a_states_file_then_changes_nothing"
    assert any(by_name in test for test in in_every_share)
    assert any("test_playbooks.py::test_drift_report_agrees_with_the_modules" in test for test in shared)
    assert all(abs(len(shares[0]) - len(tests)) <= 1 for tests in shares)


@pytest.mark.parametrize("value", ["2/2", "1", "a/b", "-1/2"])
def test_a_bad_share_is_refused_naming_it(value):
    _tests, rc, output = collected(value)
    assert rc != 0 and "LMS_LINE_SHARE=%s: expected K/N" % value in output, output
