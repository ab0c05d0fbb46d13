# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: one JSON line per task to $LMS_BENCH_TIMES, with the task's own
duration (so the benchmark can split a run into Ansible's overhead and the task) and a small
summary of its result (the full result of a 10,000-learner task would weigh megabytes)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Task durations and result summaries as JSON lines (benchmark only)
description:
  - Writes one JSON object per task result to the file named by E(LMS_BENCH_TIMES).
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


def summary(result):
    """Counts only: how many items (learners, members, loop results) and how many changed."""
    out = dict(changed=bool(result.get("changed")), failed=bool(result.get("failed")))
    for key in ("learners", "members", "results", "users"):
        items = result.get(key)
        if isinstance(items, list):
            out[key] = len(items)
            out[key + "_changed"] = sum(1 for item in items if isinstance(item, dict) and item.get("changed"))
            out[key + "_failed"] = sum(1 for item in items if isinstance(item, dict) and item.get("failed"))
    if result.get("msg") and result.get("failed"):
        out["msg"] = str(result["msg"])[:2000]
    if "task_ids" in result:
        out["task_ids"] = len(result["task_ids"] or [])
    return out


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = time.time()

    def _record(self, result, status):
        path = os.environ.get("LMS_BENCH_TIMES")
        if not path:
            return
        now = time.time()
        started = self._started.get(result._task._uuid, now)
        entry = dict(
            task=result.task_name,
            status=status,
            start=started,
            end=now,
            seconds=round(now - started, 4),
            summary=summary(result._result),
        )
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")
