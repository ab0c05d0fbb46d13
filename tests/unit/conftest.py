# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils.transport import Transport
from ansible_collections.learnops.lms.tests.unit import harness
from ansible_collections.learnops.lms.tests.unit.scripted import ScriptedSession


@pytest.fixture
def script():
    """``transport = script(Call(...), ...)``: a Transport that replays the calls, checked at the end."""
    sessions = []
    sleeps = []

    def make(*calls, **transport_options):
        session = ScriptedSession(calls)
        sessions.append(session)
        transport = Transport(session=session, sleep=sleeps.append, rng=lambda: 0.5, **transport_options)
        transport.sleeps = sleeps
        transport.scripted = session
        return transport

    yield make
    for session in sessions:
        session.assert_done()


@pytest.fixture
def run_module(monkeypatch, capsys):
    """``outcome = run_module(module, args, *calls, check_mode=False, diff=False)``: the module's
    real main() over the scripted calls (see harness.py)."""

    def run(module, args, *calls, check_mode=False, diff=False, ordered=True):
        return harness.run(monkeypatch, capsys, module, args, calls, check_mode=check_mode, diff=diff, ordered=ordered)

    return run
