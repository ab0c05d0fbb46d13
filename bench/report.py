# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""benchmark.json -> benchmark.md and benchmark.svg (standard library only).

python bench/report.py docs/benchmark.json      # re-renders docs/benchmark.{md,svg}
"""

from __future__ import annotations

import json
import math
import os
import sys
from xml.sax.saxutils import escape

SPEEDUP = 100
MAX_REQUESTS_1000 = 20
MAX_RERUN_REQUESTS = 5
MAX_WALL_10000 = 30.0
MAX_PEAK_MB = 300.0
# issue 14
MAX_MIGRATION_1000 = 6
MAX_MIGRATION_10000 = 45
MAX_NEW_10000 = 20
MAX_TASK_STATUS = 5
PEAK_MB_BEFORE = 286  # course_status, N = 10,000, before issue 14
SMALL_RESULT_SAVING = 0.25
MAX_MAKE_TEST_S = 12 * 60
# issue 28: a tenant that throttles, the default settings against the hand-tuned max_parallel
MAX_THROTTLED_RATIO = 1.2
# issue 25: ispring_user, N new users in one task
USERS_MAX_WALL_1000 = 6
USERS_MAX_REQUESTS_1000 = 1010
USERS_MAX_RERUN_REQUESTS = 5
USERS_MAX_WALL_10000 = 45
WAYS = {
    "module": "module",
    "small": "module, report_unchanged: false",
    "tuned": "module, max_parallel %d",  # settings.tuned_max_parallel
    "uri": "uri loop",
}


def way_label(result, way):
    return WAYS[way] % result["settings"]["tuned_max_parallel"] if way == "tuned" else WAYS[way]


def find(result, module, way, n, run="first", shape=None):
    for item in result["runs"]:
        if (
            item["module"] == module
            and item["way"] == way
            and item["n"] == n
            and item["run"] == run
            and (shape is None or item["shape"] == shape)
        ):
            return item
    return None


def fmt_s(value):
    if value is None:
        return "-"
    return "%.1f" % value if value >= 10 else "%.2f" % value


def ops(by_op):
    return ", ".join("%s %d" % item for item in sorted(by_op.items(), key=lambda kv: (-kv[1], kv[0])))


# --- targets -----------------------------------------------------------------------------------------


def _speedup(result, module, shape, name):
    mod, uri = find(result, module, "module", 1000, shape=shape), find(result, module, "uri", 1000, shape=shape)
    target = "%s, N = 1,000, first run: >= %dx faster than the uri loop" % (name, SPEEDUP)
    if not (mod and uri):
        return (6, target, "not measured", None)
    ratio = uri["wall_s"] / mod["wall_s"]
    return (
        6,
        target,
        "%.0fx (%s s against %s s)" % (ratio, fmt_s(mod["wall_s"]), fmt_s(uri["wall_s"])),
        ratio >= SPEEDUP,
    )


def _cohort_targets(result, module, shape, name):
    """Issue 6: the cohort shapes, against the uri loop, by request count, at 10,000."""
    rows = [_speedup(result, module, shape, name)]
    mod = find(result, module, "module", 1000, shape=shape)
    rows.append(
        (
            6,
            "%s, N = 1,000, first run: <= %d HTTP requests" % (name, MAX_REQUESTS_1000),
            "%d" % mod["requests"] if mod else "not measured",
            (mod["requests"] <= MAX_REQUESTS_1000) if mod else None,
        )
    )
    big = [find(result, module, "module", 10000, run=kind, shape=shape) for kind in ("first", "rerun", "check")]
    big = [b for b in big if b]
    if big:
        wall = max(b["wall_s"] for b in big)
        peak = max(b["peak_rss_mb"] for b in big)
        rows.append(
            (
                6,
                "%s, N = 10,000 in one task: < %d s" % (name, MAX_WALL_10000),
                "%s s (slowest of first run, rerun, check)" % fmt_s(wall),
                wall < MAX_WALL_10000,
            )
        )
        rows.append(
            (6, "%s, N = 10,000: peak memory < %d MB" % (name, MAX_PEAK_MB), "%.0f MB" % peak, peak < MAX_PEAK_MB)
        )
    else:
        rows.append(
            (
                6,
                "%s, N = 10,000 in one task: < %d s, < %d MB" % (name, MAX_WALL_10000, MAX_PEAK_MB),
                "not measured",
                None,
            )
        )
    firsts = [r for r in runs_of(result, module, "module", shape) if r["run"] == "first"]
    largest = max(firsts, key=lambda r: r["n"], default=None)
    if largest and largest["n"] >= 1000:
        per = largest["n"] / float(largest["requests"])
        rows.append(
            (
                6,
                "%s: requests grow as N / page or batch size, not as N" % name,
                "%d requests for %d (%.0f per request)" % (largest["requests"], largest["n"], per),
                per >= 50,
            )
        )
    return rows


def runs_of(result, module, way, shape):
    return [r for r in result["runs"] if r["module"] == module and r["way"] == way and r["shape"] == shape]


def _wall_target(result, module, shape, n, limit, name):
    """Met or not at the default options; a run with max_parallel raised is shown beside it."""
    run = find(result, module, "module", n, shape=shape)
    target = "%s, N = %s, first run: <= %d s" % (name, "{:,}".format(n), limit)
    if not run:
        return (14, target, "not measured", None)
    measured = "%s s, %d requests" % (fmt_s(run["wall_s"]), run["requests"])
    tuned = find(result, module, "tuned", n, shape=shape)
    if tuned:
        measured += " (with max_parallel %d: %s s)" % (result["settings"]["tuned_max_parallel"], fmt_s(tuned["wall_s"]))
    return (14, target, measured, run["wall_s"] <= limit)


def _task_status_target(result):
    """Issue 14: with wait: true, getTaskStatus does not grow with the number of tasks."""
    firsts = [
        r for r in result["runs"] if r["module"] == "course_status" and r["way"] == "module" and r["run"] == "first"
    ]
    target = "course_status, wait: true: getTaskStatus calls do not grow with the tasks (<= %d a run)" % MAX_TASK_STATUS
    if not firsts:
        return (14, target, "not measured", None)
    most = max(firsts, key=lambda r: r["by_operation"].get("getTaskStatus", 0))
    tasks = max(firsts, key=lambda r: r["by_operation"].get("updateCourseStatus", 0))
    measured = "at most %d (%s, N = %s); %d for the %d tasks of %s, N = %s" % (
        most["by_operation"].get("getTaskStatus", 0),
        most["shape"],
        "{:,}".format(most["n"]),
        tasks["by_operation"].get("getTaskStatus", 0),
        tasks["by_operation"].get("updateCourseStatus", 0),
        tasks["shape"],
        "{:,}".format(tasks["n"]),
    )
    return (14, target, measured, most["by_operation"].get("getTaskStatus", 0) <= MAX_TASK_STATUS)


def _rerun_target(result):
    reruns = [r for r in result["runs"] if r["way"] not in ("uri", "floor") and r["run"] == "rerun"]
    target = "every rerun (each module, shape and N): no write"
    if not reruns:
        return (14, target, "not measured", None)
    writes = sum(r["writes"] for r in reruns)
    return (14, target, "%d writes in %d reruns" % (writes, len(reruns)), writes == 0)


def _small_result_target(result):
    """Issue 14: the nightly run (a rerun) of 10,000 with report_unchanged: false stays small.  On a
    run where everyone changes, everyone is listed, option or not."""
    small = [r for r in result["runs"] if r["way"] == "small" and r["n"] == 10000 and r["run"] == "rerun"]
    limit = PEAK_MB_BEFORE * (1 - SMALL_RESULT_SAVING)
    target = "N = 10,000, rerun with report_unchanged: false: peak memory >= %d %% below %d MB (<= %.0f MB)" % (
        SMALL_RESULT_SAVING * 100,
        PEAK_MB_BEFORE,
        limit,
    )
    if not small:
        return (14, target, "not measured", None)
    peak = max(small, key=lambda r: r["peak_rss_mb"])
    measured = "%.0f MB at most (%s)" % (
        peak["peak_rss_mb"],
        ", ".join("%s %s %.0f MB" % (r["module"], r["shape"], r["peak_rss_mb"]) for r in small),
    )
    return (14, target, measured, peak["peak_rss_mb"] <= limit)


def throttled_target(result):
    """Issue 28: 429 beyond 4 calls at once, 300 members each with their own due date: the default
    settings within about 1.2x the hand-tuned max_parallel that draws no 429."""
    target = "program_member, 429 beyond 4 calls at once, N = 300 own due dates: default <= %.1fx max_parallel %d" % (
        MAX_THROTTLED_RATIO,
        result["settings"]["tuned_max_parallel"],
    )
    source, where = result, ""
    if not find(result, "program_member", "module", 300, shape="throttled") and result.get("throttled"):
        # measured apart (bench/run.py --throttled-only --out docs): said so, with its commit and date
        source = result["throttled"]
        where = ", by bench/run.py --throttled-only at commit %s (%s)" % (
            source["machine"]["commit"],
            source["machine"]["date"],
        )
    default = find(source, "program_member", "module", 300, shape="throttled")
    tuned = find(source, "program_member", "tuned", 300, shape="throttled")
    if not default or not tuned:
        return (28, target, "not measured", None)
    ratio = default["wall_s"] / tuned["wall_s"]
    measured = "%.2fx (%s s, %d HTTP 429, against %s s, %d HTTP 429)%s" % (
        ratio,
        fmt_s(default["wall_s"]),
        default.get("http_429", 0),
        fmt_s(tuned["wall_s"]),
        tuned.get("http_429", 0),
        where,
    )
    return (28, target, measured, ratio <= MAX_THROTTLED_RATIO and default["ok"] and tuned["ok"])


def users_targets(result):
    """Issue 25: 1,000 new users within USERS_MAX_WALL_1000 s and USERS_MAX_REQUESTS_1000 requests; its
    rerun no write and at most USERS_MAX_RERUN_REQUESTS requests; 10,000 within USERS_MAX_WALL_10000 s."""
    name = "ispring_user, new users"
    first = find(result, "ispring_user", "module", 1000, shape="new")
    rerun = find(result, "ispring_user", "module", 1000, run="rerun", shape="new")
    big = find(result, "ispring_user", "module", 10000, shape="new")
    rows = [
        (
            25,
            "%s, N = 1,000, first run: <= %d s, <= %s requests"
            % (name, USERS_MAX_WALL_1000, "{:,}".format(USERS_MAX_REQUESTS_1000)),
            "%s s, %d requests" % (fmt_s(first["wall_s"]), first["requests"]) if first else "not measured",
            (first["ok"] and first["wall_s"] <= USERS_MAX_WALL_1000 and first["requests"] <= USERS_MAX_REQUESTS_1000)
            if first
            else None,
        ),
        (
            25,
            "%s, N = 1,000, rerun: no write, <= %d requests" % (name, USERS_MAX_RERUN_REQUESTS),
            "%d writes, %d requests" % (rerun["writes"], rerun["requests"]) if rerun else "not measured",
            (rerun["ok"] and rerun["writes"] == 0 and rerun["requests"] <= USERS_MAX_RERUN_REQUESTS) if rerun else None,
        ),
        (
            25,
            "%s, N = 10,000, first run: <= %d s" % (name, USERS_MAX_WALL_10000),
            "%s s, %d requests" % (fmt_s(big["wall_s"]), big["requests"]) if big else "not measured",
            (big["ok"] and big["wall_s"] <= USERS_MAX_WALL_10000) if big else None,
        ),
    ]
    return rows


def merged(old, new):
    """``old`` (a benchmark.json) with the runs ``new`` measured again replaced, and ``new``'s other runs
    added (bench/run.py --merge); the floor and the machine stay ``old``'s, and ``merged`` says which
    command measured which modules, where and when."""
    key = ("module", "shape", "way", "n", "run")
    fresh = {tuple(r[k] for k in key): r for r in new["runs"] if r["way"] != "floor"}
    runs = [fresh.pop(tuple(r[k] for k in key), r) for r in old["runs"]]
    # the measurements kept beside the report are the newest, not the old run's copies
    result = dict(
        old,
        runs=runs + list(fresh.values()),
        make_test=new.get("make_test"),
        throttled=new.get("throttled"),
        tenants=new.get("tenants"),
    )
    modules = new["settings"]["modules"]
    result["settings"] = dict(old["settings"], modules=list(dict.fromkeys(old["settings"]["modules"] + modules)))
    result["imports"] = dict(old.get("imports") or {}, **(new.get("imports") or {}))
    m = new["machine"]
    result["merged"] = list(old.get("merged") or ()) + [
        dict(
            command=new["command"],
            modules=modules,
            date=m["date"],
            commit=m["commit"],
            uncommitted_changes=m.get("uncommitted_changes", False),
            duration_s=new.get("duration_s"),
            load_average=[m.get("load_average_before", [None])[0], m["load_average_after"][0]],
        )
    ]
    return result


def merged_lines(result):
    """The header's sentences on the runs merged in by a later partial run (bench/run.py --merge)."""
    lines = []
    for item in result.get("merged") or ():
        lines.append(
            "The rows of %s were measured later, by `%s` (merged into this run's results) on %s at commit %s%s; "
            "load average (1 min) %s before, %s after."
            % (
                ", ".join("`%s`" % m for m in item["modules"]),
                item["command"],
                item["date"],
                item["commit"],
                " plus uncommitted changes" if item.get("uncommitted_changes") else "",
                "-" if item["load_average"][0] is None else "%.2f" % item["load_average"][0],
                "%.2f" % item["load_average"][1],
            )
        )
    return lines


def last_throttled(out_dir):
    """What bench/run.py --throttled-only last measured into OUT_DIR (benchmark-throttled.json), or None."""
    return _last_json(out_dir, "benchmark-throttled.json")


def last_tenants(out_dir):
    """What bench/run.py --tenants-only last measured into OUT_DIR (benchmark-tenants.json), or None."""
    return _last_json(out_dir, "benchmark-tenants.json")


def tenants_table(tenants):
    """The tenants shape (issue 26): one row per run, as lines of Markdown."""
    s = tenants["settings"]
    lines = [
        "| Tenants x N | forks | Run | Wall (s) | Wall / tenant (s) | Requests | Writes | Peak RSS (MB) | Checked |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in tenants["runs"]:
        checked = "failed (rc %s)" % run["rc"] if not run["ok"] else "yes" if run.get("verified", True) else "NO"
        lines.append(
            "| %d x %d | %d | %s | %s | %s | %d | %d | %.0f | %s |"
            % (
                s["tenants"],
                s["learners"],
                run["forks"],
                run["run"],
                fmt_s(run["wall_s"]),
                fmt_s(run["wall_s"] / max(s["tenants"], 1)),
                run["requests"],
                run["writes"],
                run["peak_rss_mb"],
                checked,
            )
        )
    return lines


def tenants_section(result):
    """The tenants shape's section of benchmark.md, from benchmark-tenants.json as last measured."""
    tenants = result.get("tenants")
    if not tenants:
        return []
    m = tenants["machine"]
    return (
        [
            "## Many tenants",
            "",
            "Measured apart by `%s` on %s at commit %s (load average %.2f before the run): %d tenants as "
            "inventory hosts, each its own sandbox (%d ms per request) with %d learners, converged by the "
            "role `learnops.lms.learner_states` in one `ansible-playbook` run - one course completion "
            "entry per tenant, the cohort of its learners. Every sandbox is reset before each first run and "
            "read after it (every learner of every tenant complete); the rerun (at the largest `forks`) "
            "writes nothing. *Requests* and *writes* are those of all sandboxes together; *peak RSS* is "
            "ansible-playbook and its forks. Size `forks` (and AWX job slices: tenants / slices per job) "
            "from the wall time per tenant at the `forks` you can give."
            % (
                tenants["command"],
                m["date"],
                m["commit"],
                m["load_average_before"][0],
                tenants["settings"]["tenants"],
                tenants["settings"]["latency_ms"],
                tenants["settings"]["learners"],
            ),
            "",
        ]
        + tenants_table(tenants)
        + [""]
    )


def last_make_test(out_dir):
    """What tools/time-make-test.sh last measured (OUT_DIR/make-test.json), or None."""
    return _last_json(out_dir, "make-test.json")


def _last_json(out_dir, name):
    path = os.path.join(out_dir, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _make_test_target(result):
    """Issue 14: make test from a fresh clone, as tools/time-make-test.sh last timed it."""
    target = "`make test` from a fresh clone (tools/time-make-test.sh): <= %d min" % (MAX_MAKE_TEST_S // 60)
    timed = result.get("make_test")
    if not timed:
        return (14, target, "not measured", None)
    measured = "%dm%02ds, exit code %d, at commit %s (%s)" % (
        timed["wall_s"] // 60,
        timed["wall_s"] % 60,
        timed["rc"],
        timed["commit"],
        timed["date"],
    )
    return (14, target, measured, timed["rc"] == 0 and timed["wall_s"] <= MAX_MAKE_TEST_S)


def targets(result):
    """[(issue, target, measured text, met: True/False/None)]"""
    modules = result["settings"]["modules"]
    subjects = [("course_status", "cohort", "course_status, cohort")]
    if "program_member" in modules:
        subjects.append(("program_member", "cohort", "program_member, cohort"))
    rows = []
    for module, shape, name in subjects:
        rows.extend(_cohort_targets(result, module, shape, name))
    for module, shape, name in subjects + [(m, "migration", "%s, migration" % m) for m, _, _ in subjects]:
        rerun = find(result, module, "module", 1000, run="rerun", shape=shape)
        rows.append(
            (
                6,
                "%s, N = 1,000, rerun: no write, <= %d requests" % (name, MAX_RERUN_REQUESTS),
                "%d writes, %d requests" % (rerun["writes"], rerun["requests"]) if rerun else "not measured",
                (rerun["writes"] == 0 and rerun["requests"] <= MAX_RERUN_REQUESTS) if rerun else None,
            )
        )
    for module, _, _ in subjects:
        name = "%s, migration" % module
        rows.append(_wall_target(result, module, "migration", 1000, MAX_MIGRATION_1000, name))
        rows.append(_wall_target(result, module, "migration", 10000, MAX_MIGRATION_10000, name))
    if "program_member" in modules:
        rows.append(_wall_target(result, "program_member", "new", 10000, MAX_NEW_10000, "program_member, new"))
    rows.append(_task_status_target(result))
    rows.append(_rerun_target(result))
    rows.append(_small_result_target(result))
    rows.append(throttled_target(result))
    rows.extend(users_targets(result))
    rows.append(_make_test_target(result))
    return rows


def target_lines(result):
    mark = {True: "MET   ", False: "MISSED", None: "n/a   "}
    return ["%s %s: %s" % (mark[met], target, measured) for _, target, measured, met in targets(result)]


# --- Markdown ----------------------------------------------------------------------------------------


def results_table(result):
    lines = [
        "| Module | Shape | Way | N | Run | Wall (s) | Requests | Writes | Requests by operation "
        "| Peak memory (MB) | Checked |",
        "|---|---|---|---:|---|---:|---:|---:|---|---:|---|",
    ]
    for r in result["runs"]:
        if r["way"] == "floor":
            continue
        way = way_label(result, r["way"])
        checked = (
            "yes" if r["ok"] and r.get("verified") else "**no**: %s" % (r.get("verify_detail") or "rc %s" % r["rc"])
        )
        lines.append(
            "| %s | %s | %s | %s | %s | %s | %d | %d | %s | %.0f | %s |"
            % (
                r["module"],
                r["shape"] or "",
                way,
                "{:,}".format(r["n"]),
                "check mode" if r["run"] == "check" else r["run"],
                fmt_s(r["wall_s"]),
                r["requests"],
                r["writes"],
                ops(r["by_operation"]),
                r["peak_rss_mb"],
                checked,
            )
        )
    return "\n".join(lines)


def profile_table(result):
    lines = [
        "| Module | Shape | Way | N | Run | Wall (s) | Ansible outside the task (s) | Module, local work (s) "
        "| API round trips (s) | Requests |",
        "|---|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        if r["way"] == "uri" or r["way"] == "floor":
            continue
        outside = max(0.0, r["wall_s"] - r["tasks_s"])
        local = max(0.0, r["tasks_s"] - r["api_s"])
        lines.append(
            "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |"
            % (
                r["module"],
                r["shape"] or "",
                way_label(result, r["way"]),
                "{:,}".format(r["n"]),
                "check mode" if r["run"] == "check" else r["run"],
                fmt_s(r["wall_s"]),
                fmt_s(outside),
                fmt_s(local),
                fmt_s(r["api_s"]),
                r["requests"],
            )
        )
    return "\n".join(lines)


def target_table(result):
    lines = ["| Issue | Target | Measured | Met |", "|---:|---|---|---|"]
    for issue, target, measured, met in targets(result):
        met_text = {True: "yes", False: "**no**", None: "not measured"}[met]
        lines.append("| %d | %s | %s | %s |" % (issue, target, measured, met_text))
    return "\n".join(lines)


def markdown(result, prose):
    m, s = result["machine"], result["settings"]
    floor = result["floor"]
    imports = ", ".join("`%s` %s s" % (k, fmt_s(v)) for k, v in result["imports"].items())
    head = [
        "# Benchmark: bulk runs against the hand-written `uri` loop",
        "",
        "<!-- Generated by bench/run.py (bench/report.py renders it from benchmark.json). Do not edit by hand: "
        "the prose lives in bench/benchmark-prose.md. -->",
        "",
        "Made by `%s` on %s, in %.0f s. Machine: %d cores (%s), %.1f GB memory, %s; Python %s, "
        "ansible-core %s; %s at commit %s%s."
        % (
            result["command"],
            m["date"],
            result["duration_s"],
            m["cores"],
            m["cpu"] or "unknown CPU",
            m["memory_gb"],
            m["os"],
            m["python"],
            m["ansible_core"],
            m["collection"],
            m["commit"],
            " plus uncommitted changes" if m.get("uncommitted_changes") else "",
        ),
        ""
        if "load_average_before" not in m
        else "Load average (1 min) %.2f before the run, %.2f after: other work on the machine shows up as noise "
        "in the wall times." % (m["load_average_before"][0], m["load_average_after"][0]),
        "",
    ]
    head += [line for text in merged_lines(result) for line in (text, "")]
    head += [
        "The LMS sandbox (`sandbox/`) ran on the same machine with **%d ms added to every API request** "
        "(a SaaS round trip), iSpring tasks applied %.1f s after they are created, and `--scale %d` "
        "(learners `learner00001`.. enrolled in `bench-course`; EduBrite users `member00001`.. and "
        "program `bench-program`, to which the bench adds members 1..N with an empty record before each "
        "run of the *cohort* and *migration* shapes, through the API and outside the measurement). "
        "The *new* shape of `ispring_user` creates users `newhire00001`.. (login, email, first and last "
        "name, department `ENG` by its code) on a sandbox reset before its first run and its check mode."
        % (s["latency_ms"], s["task_delay_s"], s["sandbox_scale"]),
        "",
        "![Wall time against N](benchmark.svg)",
        "",
        "## Targets",
        "",
        target_table(result),
        "",
        "The `make test` row is not measured by this run: `make test-fresh` (tools/time-make-test.sh) runs "
        "`make test` in a fresh clone, as CI does, and records it in `make-test.json`, which this report "
        "shows as it found it. So is the throttling row when it says it was measured apart "
        "(`bench/run.py --throttled-only --out docs`, `benchmark-throttled.json`).",
        "",
        "## Results",
        "",
        "One `ansible-playbook` run per row, one task (the `uri` loop: one looped task, after the login "
        "tasks for EduBrite). *Requests* come from the sandbox's request log, cleared before each run; "
        "*writes* are `updateCourseStatus`, `enrollUsersInProgram` and `updateProgramMember`, and for "
        "`ispring_user` the REST people writes (`AddUser`, `UpdateUserProfile`, `ChangeUserStatus`, "
        "`RemoveUser`, `UpdateGroupMembers`, ...). *Checked*: "
        "the sandbox's state was read after the run (first run and loop: every learner converged; rerun: "
        "nothing reported changed and no write; check mode: every learner reported, nothing written).",
        "",
        results_table(result),
        "",
        "## Where the time goes",
        "",
        "The floor of any one-task run on this machine, `ansible-playbook` with one `ansible.builtin.ping` "
        "task: **%s s**, %.0f MB. Importing a module of the collection in a fresh Python: %s."
        % (fmt_s(floor["wall_s"]), floor["peak_rss_mb"], imports),
        "",
        "Each module run split three ways: *Ansible outside the task* is the wall time minus the task's "
        "own time (from a callback: start-up, playbook parsing, the result's way back); *API round trips* "
        "is the sum of the sandbox's own time for each request of the run, the added latency included "
        "(writes go out up to `max_parallel` at a time and EduBrite's user look-ups several times as many, so "
        "where calls overlap this sum is larger than the time they take); *module, local work* "
        "is the rest of the task: "
        "Python start, imports, argument checking, building and parsing XML, the comparison.",
        "",
        profile_table(result),
        "",
    ]
    head += tenants_section(result)
    return "\n".join(head) + "\n" + prose


# --- SVG ---------------------------------------------------------------------------------------------

SERIES = [
    # (module, shape, way, run, label, colour, dashed)
    ("course_status", "cohort", "module", "first", "course_status cohort, first run", "#1f77b4", False),
    ("course_status", "migration", "module", "first", "course_status migration, first run", "#17becf", False),
    ("course_status", "cohort", "module", "rerun", "course_status cohort, rerun", "#1f77b4", "2,3"),
    ("course_status", "cohort", "uri", "first", "uri loop, iSpring cohort", "#1f77b4", "8,4"),
    ("course_status", "migration", "uri", "first", "uri loop, iSpring migration", "#17becf", "8,4"),
    ("program_member", "cohort", "module", "first", "program_member cohort, first run", "#d62728", False),
    ("program_member", "new", "module", "first", "program_member new, first run", "#9467bd", False),
    ("program_member", "migration", "module", "first", "program_member migration, first run", "#ff7f0e", False),
    ("program_member", "cohort", "module", "rerun", "program_member cohort, rerun", "#d62728", "2,3"),
    ("program_member", "cohort", "uri", "first", "uri loop, EduBrite cohort", "#d62728", "8,4"),
    ("program_member", "migration", "uri", "first", "uri loop, EduBrite migration", "#ff7f0e", "8,4"),
    ("ispring_user", "new", "module", "first", "ispring_user new users, first run", "#2ca02c", False),
    ("ispring_user", "new", "module", "rerun", "ispring_user new users, rerun", "#2ca02c", "2,3"),
    ("ispring_user", "new", "uri", "first", "uri loop, iSpring new users", "#2ca02c", "8,4"),
]


def _svg_axes(x, y, ns, ymin, ymax, box):
    left, top, pw, ph, height = box
    out = []
    for exp in range(ymin, ymax + 1):
        for mult in (1, 2, 5):
            value = mult * 10**exp
            if value > 10**ymax or value < 10**ymin:
                continue
            yy = y(value)
            out.append(
                '<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>'
                % (left, yy, left + pw, yy, "#ccc" if mult == 1 else "#eee")
            )
            label = ("%g" % value) if value >= 1 else ("%g" % value)
            out.append('<text x="%d" y="%.1f" text-anchor="end">%s s</text>' % (left - 6, yy + 4, label))
    for n in ns:
        xx = x(n)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc"/>' % (xx, top, xx, top + ph))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (xx, top + ph + 18, "{:,}".format(n)))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>' % (left, top, pw, ph))
    out.append(
        '<text x="%.1f" y="%d" text-anchor="middle">N (learners or members in one task)</text>'
        % (left + pw / 2.0, height - 18)
    )
    out.append(
        '<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">wall time (s)</text>'
        % (top + ph / 2.0, top + ph / 2.0)
    )
    return out


def _svg_points(x, y, points, way, run, colour):
    out = []
    for n, s in points:
        if way == "uri":
            out.append('<rect x="%.1f" y="%.1f" width="7" height="7" fill="%s"/>' % (x(n) - 3.5, y(s) - 3.5, colour))
        else:
            out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (x(n), y(s), colour))
        if run == "first":
            out.append(
                '<text x="%.1f" y="%.1f" fill="%s" font-size="10">%s</text>' % (x(n) + 6, y(s) - 5, colour, fmt_s(s))
            )
    return out


def _svg_series(x, y, runs, lx, legend_y):
    out = []
    for module, shape, way, run, label, colour, dash in SERIES:
        points = sorted(
            (r["n"], r["wall_s"])
            for r in runs
            if r["module"] == module and r["way"] == way and r["run"] == run and (shape is None or r["shape"] == shape)
        )
        if not points:
            continue
        style = ' stroke-dasharray="%s"' % dash if dash else ""
        if len(points) > 1:
            out.append(
                '<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>'
                % (colour, style, " ".join("%.1f,%.1f" % (x(n), y(s)) for n, s in points))
            )
        out.extend(_svg_points(x, y, points, way, run, colour))
        out.append(
            '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
            % (lx, legend_y, lx + 28, legend_y, colour, style)
        )
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 34, legend_y + 4, escape(label)))
        legend_y += 20
    return out


def _svg_floor(y, floor, left, top, pw, ph):
    if not floor:
        return []
    yy = y(floor["wall_s"])
    if not top <= yy <= top + ph:
        return []
    return [
        '<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#777" stroke-dasharray="1,4"/>' % (left, yy, left + pw, yy),
        '<text x="%d" y="%.1f" fill="#555" font-size="10">one ping task: %s s</text>'
        % (left + 4, yy - 4, fmt_s(floor["wall_s"])),
    ]


def _svg_ranges(runs):
    ns = sorted({r["n"] for r in runs})
    xmin, xmax = math.log10(min(ns)) - 0.15, math.log10(max(ns)) + 0.15
    if xmax - xmin < 1:
        xmin, xmax = xmin - 0.5, xmax + 0.5
    walls = [r["wall_s"] for r in runs if r["wall_s"] > 0]
    ymin = math.floor(math.log10(min(walls)))
    ymax = math.ceil(math.log10(max(walls)))
    if ymax == ymin:
        ymax += 1
    return ns, xmin, xmax, ymin, ymax


def svg(result):
    width, height = 860, 500
    left, right, top, bottom = 70, 300, 40, 60
    pw, ph = width - left - right, height - top - bottom
    runs = [r for r in result["runs"] if r["way"] != "floor"]
    if not runs:
        return "<svg xmlns='http://www.w3.org/2000/svg'/>"
    ns, xmin, xmax, ymin, ymax = _svg_ranges(runs)

    def x(n):
        return left + (math.log10(n) - xmin) / (xmax - xmin) * pw

    def y(sec):
        return top + ph - (math.log10(sec) - ymin) / float(ymax - ymin) * ph

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
        'font-family="sans-serif" font-size="12">' % (width, height, width, height),
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="%d" y="22" font-size="15" font-weight="bold">Wall time of one task against N '
        "(log-log; %d ms per API request)</text>" % (left, result["settings"]["latency_ms"]),
    ]
    out.extend(_svg_axes(x, y, ns, ymin, ymax, (left, top, pw, ph, height)))
    out.extend(_svg_series(x, y, runs, left + pw + 16, top + 6))
    out.extend(_svg_floor(y, result.get("floor"), left, top, pw, ph))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write(result, out_dir):
    with open(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmark-prose.md"), encoding="utf-8"
    ) as handle:
        prose = handle.read()
    with open(os.path.join(out_dir, "benchmark.md"), "w", encoding="utf-8") as handle:
        handle.write(markdown(result, prose))
    with open(os.path.join(out_dir, "benchmark.svg"), "w", encoding="utf-8") as handle:
        handle.write(svg(result))


if __name__ == "__main__":
    path = (
        sys.argv[1]
        if len(sys.argv) > 1
        else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "benchmark.json")
    )
    with open(path, encoding="utf-8") as source:
        data = json.load(source)
    data["make_test"] = last_make_test(os.path.dirname(os.path.abspath(path)))  # as last timed
    data["throttled"] = last_throttled(os.path.dirname(os.path.abspath(path)))  # as last measured apart
    data["tenants"] = last_tenants(os.path.dirname(os.path.abspath(path)))  # as last measured apart
    write(data, os.path.dirname(os.path.abspath(path)))
    print("\n".join(target_lines(data)))
