# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's real ``main()`` over a scripted wire.

The arguments go in as Ansible passes them (``patch_module_args``: argument spec, defaults,
choices, ``mutually_exclusive``, ``no_log``), the result comes out as Ansible reads it (the JSON
that ``exit_json``/``fail_json`` print after ``_return_formatted`` masked every ``no_log`` value),
the transport's HTTP session is a ``ScriptedSession`` whose script must be used up, and time is
a fake clock that ``sleep`` advances.  No secret of the arguments or of the scripted replies may
appear anywhere in what the module prints.
"""

from __future__ import annotations

import json
import time

import pytest
from ansible.module_utils.common import warnings
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.testing import patch_module_args

from ansible_collections.learnops.lms.plugins.module_utils import transport
from ansible_collections.learnops.lms.tests.unit.scripted import ScriptedSession

SECRET_OPTIONS = ("api_password", "client_secret", "token")


class Outcome:
    """What a module run printed and how it exited."""

    def __init__(self, exit_code, result, output, session, slept):
        self.exit_code = exit_code
        self.result = result
        self.output = output
        self.session = session
        self.slept = slept

    @property
    def failed(self):
        return self.exit_code != 0 and bool(self.result.get("failed"))

    @property
    def msg(self):
        return self.result.get("msg", "")

    @property
    def warnings(self):
        """The warnings' texts (ansible-core 2.19 and later print them as WarningSummary objects)."""
        return [w["event"]["msg"] if isinstance(w, dict) else w for w in self.result.get("warnings", [])]


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def secrets_of(args, calls):
    """The secret values a run handles: no_log arguments, cookies and tokens the script hands out."""
    found = {args[name] for name in SECRET_OPTIONS if args.get(name)}
    for call in calls:
        found.update(call.cookies.values())
        if call.url.endswith("/api/v3/token") and call.body:
            found.add(json.loads(call.body).get("access_token"))
    return {secret for secret in found if secret}


def run(monkeypatch, capsys, module, args, calls, check_mode=False, diff=False, ordered=True):
    """Run ``module.main()`` with ``args`` over the scripted ``calls``; returns an Outcome."""
    session = ScriptedSession(calls, ordered=ordered)
    if ordered:
        # an ordered script needs one call at a time; side-by-side calls are tested with ordered=False
        args = dict({"max_parallel": 1}, **args)
    clock = FakeClock()
    monkeypatch.setattr(transport, "new_session", lambda **_: session)
    monkeypatch.setattr(time, "sleep", clock.sleep)
    monkeypatch.setattr(time, "monotonic", clock.monotonic)
    # a module process starts with no warnings; this one is shared by all tests
    monkeypatch.setattr(warnings, "_global_warnings", {})
    monkeypatch.setattr(warnings, "_global_deprecations", {})
    internal = {"_ansible_check_mode": check_mode, "_ansible_diff": diff}
    if "inject_invocation" in PASS_VARS:  # from ansible-core 2.21, invocation comes on request (as at -vvv)
        internal["_ansible_inject_invocation"] = True
    with patch_module_args(dict(args, **internal)):
        with pytest.raises(SystemExit) as caught:
            module.main()
    output = capsys.readouterr().out
    result = json.loads(output.strip().splitlines()[-1])
    leaked = sorted(secret for secret in secrets_of(args, calls) if secret in output)
    assert not leaked, "secret(s) %s in the module's output:\n%s" % (leaked, output)
    assert not session.script, "%d scripted repl(y/ies) unused, next for %s; the module printed:\n%s" % (
        len(session.script),
        session.script[0].url,
        output,
    )
    return Outcome(caught.value.code, result, output, session, clock.slept)
