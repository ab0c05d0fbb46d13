#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report at scale, against `converge --check` on the same states (not part of `make
bench`; one run of each, no latency added): a sandbox with --scale N and --scale-members N, N
completions of bench-course and N members of bench-program that all differ.  Prints the wall time,
the console output and the report's size; the playbooks' per-task times are in the work directory
(bench/callback/bench_timer.py).

    bench/drift_scale.py [--n 20000] [--collections build/collections] [--venv .venv/core-2.19]

Standard library and PyYAML only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "sandbox"))

from lms_sandbox.testing import Sandbox  # noqa: E402  (after the path set-up)

COURSE_ID = "00000000-0000-4000-8000-000000000001"  # bench-course of the sandbox's --scale data
PROGRAM_ID = "bench-program"
PLAYBOOKS = (("check", ["learnops.lms.converge", "--check"]), ("drift", ["learnops.lms.drift_report"]))
CONNECTION = dict(
    ISPRING_CLIENT_ID="demo-client",
    ISPRING_CLIENT_SECRET="demo-secret",
    EDUBRITE_API_USERNAME="api_demo",
    EDUBRITE_API_PASSWORD="demo-password",
    EDUBRITE_RUN_AS="adminusername",
)


def states(n):
    return {
        "learner_states_course_completions": [
            {"course_id": COURSE_ID, "date": "2024-05-01", "logins": ["learner%05d" % i for i in range(1, n + 1)]}
        ],
        "learner_states_program_memberships": [
            {"program_id": PROGRAM_ID, "score": 90, "usernames": ["member%05d" % i for i in range(1, n + 1)]}
        ],
    }


def run(name, command, work, env):
    env = dict(env, LMS_BENCH_TIMES=os.path.join(work, name + ".times.jsonl"))
    log = os.path.join(work, name + ".log")
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        rc = subprocess.call(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    return rc, time.perf_counter() - started, os.path.getsize(log)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--collections", default=os.path.join(ROOT, "build", "collections"))
    parser.add_argument("--venv", default=os.path.join(ROOT, ".venv", "core-2.19"))
    args = parser.parse_args()
    venv = os.path.abspath(args.venv)
    work = tempfile.mkdtemp(prefix="lms-drift-scale-")
    with open(os.path.join(work, "states.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(states(args.n), handle)
    python = os.path.join(venv, "bin", "python")
    with Sandbox(python=python, scale=args.n, scale_members=args.n, extra_args=["--quiet"]) as sb:
        env = dict(os.environ, **CONNECTION)
        env.update(
            ISPRING_API_URL=sb.url,
            EDUBRITE_SITE_URL=sb.url,
            PWD=work,
            PATH=os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", ""),
            ANSIBLE_COLLECTIONS_PATH=os.path.abspath(args.collections),
            ANSIBLE_PYTHON_INTERPRETER=python,
            ANSIBLE_CALLBACKS_ENABLED="bench_timer",
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="0",
        )
        report = os.path.join(work, "drift-report.md")
        for name, playbook in PLAYBOOKS:
            rc, wall, printed = run(name, ["ansible-playbook", *playbook, "-e", "@states.yml"], work, env)
            written = name == "drift" and os.path.exists(report)
            size = ", report %.2f MB" % (os.path.getsize(report) / 1e6) if written else ""
            print("%s: rc %s, %.1f s, console %.2f MB%s" % (name, rc, wall, printed / 1e6, size), flush=True)
    print("work directory:", work)


if __name__ == "__main__":
    main()
