# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The *tenants* shape (issue 26 item 5): T tenants as T inventory hosts, each its own sandbox (25 ms
per request) with N learners, converged by the role learnops.lms.learner_states in one
ansible-playbook run, at each of several `forks`.  Each tenant: one course completion entry, the
cohort of N learners (course_status's *cohort* shape).  Before each run every sandbox is reset (every
learner needs the change); after it, every sandbox is read: all N learners of every tenant complete.
One rerun at the largest `forks`: nothing changed, no write.  `bench/run.py --tenants-only` runs it
and writes <out>/benchmark-tenants.json, which bench/report.py shows in benchmark.md as it finds it."""

from __future__ import annotations

import collections
import os

import yaml

TENANTS = 20
TENANT_N = 1000
FORKS = (1, 5, 20)


def inventory(sandboxes, n, workdir, learner_login, course, date, reason, token):
    """An inventory of one host per sandbox, its connection and its states in its variables."""
    hosts = {}
    for number, sb in enumerate(sandboxes, 1):
        hosts["tenant%02d" % number] = {
            "ispring_api_url": sb.url,
            "ispring_token": token,
            "learner_states_course_completions": [
                {
                    "course_id": course,
                    "status": "complete",
                    "date": date,
                    "reason": reason,
                    "logins": [learner_login(i) for i in range(1, n + 1)],
                }
            ],
        }
    content = {"tenants": {"hosts": hosts, "vars": {"ansible_connection": "local"}}}
    path = os.path.join(workdir, "tenants-inventory.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(content, handle, sort_keys=False, width=1000)
    return path


PLAYBOOK = [
    {
        "name": "Benchmark: many tenants",
        "hosts": "tenants",
        "gather_facts": False,
        "roles": [{"role": "learnops.lms.learner_states"}],
    }
]


def measure(runner, sandboxes, inventory_path, forks, kind, writes, done):
    """One run over every tenant at `forks`; the requests of all sandboxes together."""
    for sb in sandboxes:
        sb.clear_requests()
    label = "tenants-%d-forks-%d-%s" % (len(sandboxes), forks, kind)
    out = runner.play(label, PLAYBOOK, inventory=inventory_path, forks=forks)
    by_op = collections.Counter(entry["operation"] or "(unknown)" for sb in sandboxes for entry in sb.requests())
    run = dict(
        tenants=len(sandboxes),
        forks=forks,
        run=kind,
        wall_s=round(out["wall"], 3),
        requests=sum(by_op.values()),
        by_operation=dict(sorted(by_op.items())),
        writes=sum(by_op[op] for op in writes),
        peak_rss_mb=round(out["peak"] / 1048576.0, 1),
        processes_at_peak=out["at_peak"],
        rc=out["rc"],
        timed_out=out["timed_out"],
        ok=out["rc"] == 0,
    )
    if run["ok"]:
        run.update(done(run))
    else:
        run["output_tail"] = out["tail"]
    print(
        "  tenants %-3d forks %-3d %-6s %8.2f s  %6d requests  %7.1f MB  %s%s"
        % (
            run["tenants"],
            forks,
            kind,
            run["wall_s"],
            run["requests"],
            run["peak_rss_mb"],
            "ok" if run["ok"] else "FAILED (rc %s)" % run["rc"],
            "" if run.get("verified", True) else "  NOT VERIFIED: %s" % run.get("verify_detail"),
        ),
        flush=True,
    )
    if not run["ok"]:
        print(out["tail"][-1500:], flush=True)
    return run


def runs(runner, sandboxes, n, forks_list, inventory_path, writes, converged):
    """A first run at each `forks` (every sandbox reset before), then a rerun at the largest."""
    result = []

    def first(run):
        got = [converged(sb, n) for sb in sandboxes]
        return dict(verified=got == [n] * len(sandboxes), verify_detail="converged per tenant: %s" % got)

    def again(run):
        return dict(verified=run["writes"] == 0, verify_detail="%d writes" % run["writes"])

    for forks in forks_list:
        for sb in sandboxes:
            sb.reset()
        result.append(measure(runner, sandboxes, inventory_path, forks, "first", writes, first))
    result.append(measure(runner, sandboxes, inventory_path, max(forks_list), "rerun", writes, again))
    return result
