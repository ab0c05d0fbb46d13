#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: the collection's modules against the hand-written `ansible.builtin.uri` loop.

Starts the LMS sandbox with 25 ms added to every API request, and for each module and each N
runs one `ansible-playbook` per measurement: the first run (every learner needs a change), the
rerun (none does), check mode (on a fresh state), and the `uri` loop a user without the
collection would write.  For every run it records the wall time, the HTTP requests by operation
(from the sandbox's request log, cleared before each run), and the peak memory of
ansible-playbook and all its child processes.  Writes benchmark.json, benchmark.md and
benchmark.svg to --out (default docs/).

    VENV=.venv/core-2.19 COLLECTIONS=$PWD/build/collections .venv/core-2.19/bin/python bench/run.py
    ... bench/run.py --quick --out /tmp/bench      # N = 100 only: a smoke run of a minute or two
    ... bench/run.py --throttled-only --out /tmp/bench   # the throttling case only (issue 28): two runs,
                                                         # to benchmark-throttled.json (with --out docs,
                                                         # bench/report.py shows it in the targets, said so)
    ... bench/run.py --only ispring_user --merge --out docs   # the users shape alone (issue 25), merged
                                                              # into docs/benchmark.json's other runs
    ... bench/run.py --tenants-only --out docs   # the tenants shape (issue 26): 20 tenants x 1,000
                                                 # learners, forks 1, 5, 20, to benchmark-tenants.json

Standard library and PyYAML only.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import functools
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "sandbox"))

import report  # noqa: E402
import tenants  # noqa: E402

from lms_sandbox.testing import Sandbox  # noqa: E402  (after the path set-up)

LATENCY_MS = 25
TASK_DELAY = 0.3  # the sandbox's CLI default: an iSpring task is applied 0.3 s after it is created
SIZES = (100, 1000, 10000)
URI_SIZES = (100, 1000)  # the cohort shapes' uri loops
MIGRATION_URI_SIZES = (1000,)  # a uri loop costs half a second a learner: 100 tells nothing new
# Measured again with a non-default option (way "small": report_unchanged false, where the result
# is largest; way "tuned": max_parallel TUNED_PARALLEL, where writes cannot be merged, at a quarter
# of the default: where a tenant that throttles twice brings it).
SMALL_RESULT_SIZES = (10000,)
SMALL_RESULT_SHAPES = ("cohort",)
TUNED_PARALLEL = 4
TUNED_SIZES = (1000, 10000)
TUNED_SHAPES = ("migration",)
SAMPLE_EVERY = 0.02  # seconds between two memory samples
# A tenant that allows THROTTLE_LIMIT calls at once (the sandbox's rate_limit_concurrency: HTTP 429
# beyond): THROTTLED_N members, each their own due date (one call each), at the default settings
# (way "module") and with the hand-tuned max_parallel that draws no 429 (way "tuned", TUNED_PARALLEL).
THROTTLE_LIMIT = 4
THROTTLED_N = 300
THROTTLED_SHAPE = "throttled"

SEED_TOKEN = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE"
COURSE_ID = "00000000-0000-4000-8000-000000000001"  # bench-course of the sandbox's --scale data
PROGRAM_ID = "bench-program"  # the sandbox's --scale program: no members until the bench adds them
# iSpring shapes: *cohort*, one status and date for all; *migration*, every learner the completion
# date their old LMS recorded (MIGRATION_DAYS distinct days at most).
# EduBrite shapes: *cohort* and *new*, one set of values for all (members already in the program,
# or not yet); *migration*, every member their own score and award date.
COURSE_SHAPES = ("cohort", "migration")
PROGRAM_SHAPES = ("cohort", "new", "migration")
# EduBrite shapes whose N members are already in the program, with an empty record, when a run
# starts (added by the bench through the API, outside the measurement); in the new shape none is.
ENROLLED_SHAPES = ("cohort", "migration")
MIGRATION_DAYS = 1096  # three years of completions
EDUBRITE_LOGIN = dict(api_username="api_demo", api_password="demo-password", run_as="adminusername")

COMPLETION_DATE = "2024-06-30"
REASON = "Benchmark"
COHORT = dict(start_date="2026-01-05", due_date="2026-03-31", awarded=True, award_date="2026-03-20")
MIGRATION_START = "2023-01-02"

ISPRING_WRITES = ("updateCourseStatus",)
EDUBRITE_WRITES = ("updateProgramMember", "enrollUsersInProgram")
# ispring_user (issue 25): the people writes of tests/integration/helpers.py ISPRING_WRITES (REST operationIds)
USER_WRITES = (
    "AddUser",
    "UpdateUserProfile",
    "ChangeUserStatus",
    "RemoveUser",
    "UpdateGroupMembers",
    "RemoveUserFromGroups",
    "AddDepartment",
    "UpdateDepartment",
    "RemoveDepartment",
)
USER_SHAPE = "new"  # N new hires in one task, all in one department
USER_DEPARTMENT = "ENG"  # a department code of the sandbox's fixture
USER_DEPARTMENT_ID = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c04"  # its ID: the uri loop's best case, no lookup


def learner_login(i):
    return "learner%05d" % i


def enrollment_id(i):
    return "00000000-0000-4000-b000-%012d" % i


def member_name(i):
    return "member%05d" % i


def new_hire(i):
    """New user i of the users shape: what an HR export gives for a new hire."""
    login = "newhire%05d" % i
    return dict(login=login, email="%s@example.com" % login, first_name="New", last_name="Hire %05d" % i)


def epoch_ms(iso_date):
    day = datetime.date.fromisoformat(iso_date)
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp() * 1000)


def spread(i):
    """A day in 0..MIGRATION_DAYS-1 for learner i, scattered as real completion dates are."""
    return int(hashlib.sha256(b"%d" % i).hexdigest()[:8], 16) % MIGRATION_DAYS


def completion_date(i):
    """The date learner i completed the course in the old LMS (migration shape)."""
    return (datetime.date(2023, 1, 2) + datetime.timedelta(days=spread(i))).isoformat()


def migration_values(i):
    """Every member its own award date and score: no two members can share a call."""
    award = datetime.date(2023, 1, 2) + datetime.timedelta(days=spread(i))
    return award.isoformat(), round(40 + i / 1000.0, 3)


# --- memory: the process tree of ansible-playbook, summed -------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def process_table():
    """{pid: (ppid, rss_bytes, command name)} from /proc/<pid>/stat."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        close = stat.rfind(b")")
        fields = stat[close + 2 :].split()
        table[int(name)] = (
            int(fields[1]),
            int(fields[21]) * PAGE,
            stat[stat.find(b"(") + 1 : close].decode("utf-8", "replace"),
        )
    return table


def pss(pid):
    """Proportional set size in bytes (shared pages divided among their users), or 0."""
    try:
        with open("/proc/%d/smaps_rollup" % pid, "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree(root):
    """[(pid, rss_bytes, name)] of ``root`` and all its descendants."""
    table = process_table()
    children = collections.defaultdict(list)
    for pid, (ppid, _, _) in table.items():
        children[ppid].append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            found.append((pid, table[pid][1], table[pid][2]))
        stack.extend(children.get(pid, ()))
    return found


class PeakSampler(threading.Thread):
    """Every SAMPLE_EVERY s: the summed RSS (and PSS) of the process tree; keeps the peaks."""

    def __init__(self, pid):
        threading.Thread.__init__(self, daemon=True)
        self.pid, self.peak, self.peak_pss, self.samples, self.at_peak = pid, 0, 0, 0, []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            procs = tree(self.pid)
            rss = sum(p[1] for p in procs)
            if rss > self.peak:
                self.peak = rss
                self.at_peak = [(name, round(size / 1048576.0, 1)) for _, size, name in procs]
            self.peak_pss = max(self.peak_pss, sum(pss(p[0]) for p in procs))
            self.samples += 1
            self.done.wait(SAMPLE_EVERY)


# --- running ansible-playbook ------------------------------------------------------------------------


class Runner:
    def __init__(self, venv, collections_path, workdir, timeout):
        self.venv = os.path.abspath(venv)
        self.bin = os.path.join(self.venv, "bin")
        self.python = os.path.join(self.bin, "python")
        self.collections = os.path.abspath(collections_path)
        self.workdir = workdir
        self.timeout = timeout
        self.count = 0

    def env(self, times_file):
        env = dict(os.environ)
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": self.collections,
                "ANSIBLE_PYTHON_INTERPRETER": self.python,
                "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
                "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback"),
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCALHOST_WARNING": "0",
                "LMS_BENCH_TIMES": times_file,
                "PATH": self.bin + os.pathsep + env.get("PATH", ""),
            }
        )
        return env

    def play(self, name, playbook, check=False, inventory=None, forks=None):
        """Run one playbook: rc, wall seconds, peak RSS bytes, task timings, output tail; on localhost,
        or on the hosts of `inventory` (a file), `forks` at a time."""
        self.count += 1
        base = os.path.join(self.workdir, "%03d-%s" % (self.count, name))
        path, times, log = base + ".yml", base + ".times.jsonl", base + ".log"
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(playbook, handle, sort_keys=False, width=1000)
        command = [os.path.join(self.bin, "ansible-playbook"), "-i", "localhost,", "-c", "local", path]
        if inventory:
            command[2:5] = [inventory, "--forks", str(forks or 5)]
        command += ["--check"] if check else []
        with open(log, "w", encoding="utf-8") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env(times),
                cwd=self.workdir,
                start_new_session=True,
            )
            sampler = PeakSampler(proc.pid)
            sampler.start()
            timed_out = False
            try:
                proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)  # our own child's process group
                proc.wait()
            except BaseException:  # interrupted (Ctrl-C, or SIGTERM: see main): no run is left behind
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise
            wall = time.perf_counter() - started
            sampler.done.set()
            sampler.join()
        tasks = []
        if os.path.exists(times):
            with open(times, encoding="utf-8") as handle:
                tasks = [json.loads(line) for line in handle if line.strip()]
        with open(log, encoding="utf-8", errors="replace") as handle:
            tail = handle.read()[-3000:]
        return dict(
            rc=None if timed_out else proc.returncode,
            timed_out=timed_out,
            wall=wall,
            peak=sampler.peak,
            peak_pss=sampler.peak_pss,
            at_peak=sampler.at_peak,
            samples=sampler.samples,
            tasks=tasks,
            tail=tail,
            playbook=path,
        )


# --- the playbooks -----------------------------------------------------------------------------------


def play_of(tasks, defaults=None, vars_=None):
    play = {"name": "Benchmark", "hosts": "localhost", "gather_facts": False}
    if defaults:
        play["module_defaults"] = defaults
    if vars_:
        play["vars"] = vars_
    play["tasks"] = tasks
    return [play]


CONNECTION = {}  # --max-parallel: connection options beyond the modules' defaults


def ispring_defaults(sb):
    return {"group/learnops.lms.ispring": dict(api_url=sb.url, token=SEED_TOKEN, **CONNECTION)}


def edubrite_defaults(sb):
    return {"group/learnops.lms.edubrite": dict(site_url=sb.url, **EDUBRITE_LOGIN, **CONNECTION)}


def way_options(way):
    """The task options a way of running sets beyond the shape's."""
    return {"small": {"report_unchanged": False}, "tuned": {"max_parallel": TUNED_PARALLEL}}.get(way, {})


def course_status_play(sb, n, shape, way="module"):
    """One course_status task for learner 1..n: the cohort's date, or each learner's own."""
    if shape == "cohort":  # a list of logins, as a cohort is written (lighter for Ansible than dicts)
        option, learners = "logins", [learner_login(i) for i in range(1, n + 1)]
    else:
        option = "learners"
        learners = [{"login": learner_login(i), "date": completion_date(i)} for i in range(1, n + 1)]
    args = {
        "course_id": COURSE_ID,
        "status": "complete",
        "date": COMPLETION_DATE,
        "reason": REASON,
        option: "{{ bench_learners }}",
    }
    args.update(way_options(way))
    return play_of(
        [{"name": "course_status: %d learners, %s" % (n, shape), "learnops.lms.course_status": args}],
        ispring_defaults(sb),
        {"bench_learners": learners},
    )


def due_date(i):
    """Member i's own due date (throttled shape): no two members can share a call."""
    return (datetime.date(2026, 3, 1) + datetime.timedelta(days=i)).isoformat()


def program_member_play(sb, n, shape, way="module"):
    if shape == THROTTLED_SHAPE:
        args = dict(program_id=PROGRAM_ID, state="present", members="{{ bench_members }}")
        data = {"bench_members": [{"username": member_name(i), "due_date": due_date(i)} for i in range(1, n + 1)]}
    elif shape in ("cohort", "new"):
        args = dict(program_id=PROGRAM_ID, state="present", usernames="{{ bench_usernames }}", **COHORT)
        data = {"bench_usernames": [member_name(i) for i in range(1, n + 1)]}
    else:
        members = []
        for i in range(1, n + 1):
            award_date, score = migration_values(i)
            members.append({"username": member_name(i), "award_date": award_date, "score": score})
        args = dict(
            program_id=PROGRAM_ID,
            state="present",
            start_date=MIGRATION_START,
            awarded=True,
            members="{{ bench_members }}",
        )
        data = {"bench_members": members}
    args.update(way_options(way))
    return play_of(
        [{"name": "program_member: %d members, %s" % (n, shape), "learnops.lms.program_member": args}],
        edubrite_defaults(sb),
        data,
    )


def ispring_user_play(sb, n, shape=USER_SHAPE, way="module"):
    """One ispring_user task creating new hire 1..n in the USER_DEPARTMENT department."""
    args = dict(users="{{ bench_users }}")
    args.update(way_options(way))
    users = [dict(new_hire(i), department=USER_DEPARTMENT) for i in range(1, n + 1)]
    return play_of(
        [{"name": "ispring_user: %d users, %s" % (n, shape), "learnops.lms.ispring_user": args}],
        ispring_defaults(sb),
        {"bench_users": users},
    )


def ispring_user_uri_play(sb, n):
    """One POST /user (AddUser) per new hire, the department's ID written in (the loop's best case: no
    lookup, and no check that the login is free: a rerun would fail on every user)."""
    body = {
        "departmentId": USER_DEPARTMENT_ID,
        "fields": {
            "login": "{{ item.login }}",
            "email": "{{ item.email }}",
            "firstName": "{{ item.first_name }}",
            "lastName": "{{ item.last_name }}",
        },
    }
    return play_of(
        [
            {
                "name": "uri: POST /user per user",
                "ansible.builtin.uri": {
                    "url": sb.rest_url("/user"),
                    "method": "POST",
                    "body_format": "json",
                    "body": body,
                    "headers": {"Authorization": "Bearer {{ ispring_token }}"},
                    "status_code": 201,
                },
                "loop": "{{ bench_users }}",
            }
        ],
        vars_={"ispring_token": SEED_TOKEN, "bench_users": [new_hire(i) for i in range(1, n + 1)]},
    )


SOAP_BODY = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns="https://ispringlearn.com/go/services/api/soap"><SOAP-ENV:Body><updateCourseStatusRequest>'
    "<credentials><token>{{ ispring_token }}</token></credentials>"
    "<enrollmentIds><id>{{ item.id }}</id></enrollmentIds><courseId>{{ course_id }}</courseId>"
    "<date>{{ item.date }}</date><reason>{{ reason }}</reason><status>complete</status>"
    "</updateCourseStatusRequest></SOAP-ENV:Body></SOAP-ENV:Envelope>"
)


def ispring_uri_play(sb, n, shape):
    """One SOAP updateCourseStatus per learner, by enrollment ID (the loop's best case: no lookups)."""
    items = [
        {"id": enrollment_id(i), "date": COMPLETION_DATE if shape == "cohort" else completion_date(i)}
        for i in range(1, n + 1)
    ]
    return play_of(
        [
            {
                "name": "uri: updateCourseStatus per learner",
                "ansible.builtin.uri": {
                    "url": sb.soap_url,
                    "method": "POST",
                    "body": SOAP_BODY,
                    "headers": {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"updateCourseStatus"'},
                },
                "loop": "{{ bench_enrollments }}",
            }
        ],
        vars_={"ispring_token": SEED_TOKEN, "course_id": COURSE_ID, "reason": REASON, "bench_enrollments": items},
    )


def edubrite_uri_update(shape):
    """The form of one updateProgramMember post of the uri loop; item is the member."""
    if shape == "cohort":
        values = {
            "startDate": str(epoch_ms(COHORT["start_date"])),
            "dueDate": str(epoch_ms(COHORT["due_date"])),
            "award": "true",
            "awardDate": str(epoch_ms(COHORT["award_date"])),
        }
    else:
        values = {
            "startDate": str(epoch_ms(MIGRATION_START)),
            "award": "true",
            "awardDate": "{{ item.award_date }}",
            "score": "{{ item.score }}",
        }
    return dict(
        dispatch="updateProgramMember", xml="true", programId=PROGRAM_ID, usernames="{{ item.username }}", **values
    )


def edubrite_uri_play(sb, n, shape):
    """Log in (two steps), then one updateProgramMember form post per member: the shape's job, done
    by hand."""
    connect = sb.edubrite_url("connect")
    enroll = sb.edubrite_url("enrollmentService")
    items = []
    for i in range(1, n + 1):
        award_date, score = migration_values(i)
        items.append({"username": member_name(i), "award_date": str(epoch_ms(award_date)), "score": str(score)})
    headers = {
        "Cookie": "SESSION_ID={{ step2.cookies.SESSION_ID | default(step1.cookies.SESSION_ID) }}; "
        "SESSION_INFO={{ step2.cookies.SESSION_INFO }}",
        "REAL_UNAME": EDUBRITE_LOGIN["run_as"],
    }
    return play_of(
        [
            {
                "name": "uri: connect, step 1",
                "ansible.builtin.uri": {"url": connect, "method": "POST"},
                "register": "step1",
            },
            {
                "name": "uri: connect, step 2",
                "ansible.builtin.uri": {
                    "url": connect,
                    "method": "POST",
                    "body_format": "form-urlencoded",
                    "body": {"username": EDUBRITE_LOGIN["api_username"], "password": EDUBRITE_LOGIN["api_password"]},
                    "headers": {"Cookie": "SESSION_ID={{ step1.cookies.SESSION_ID }}"},
                },
                "register": "step2",
            },
            {
                "name": "uri: updateProgramMember per member",
                "ansible.builtin.uri": {
                    "url": enroll,
                    "method": "POST",
                    "body_format": "form-urlencoded",
                    "headers": headers,
                    "body": edubrite_uri_update(shape),
                },
                "loop": "{{ bench_members }}",
            },
        ],
        vars_={"bench_members": items},
    )


def enroll_members(sb, n):
    """Make member 1..n members of bench-program, with an empty record, through the EduBrite API:
    the state the cohort and migration shapes start from (outside the measured runs)."""

    def post(service, form, cookie=""):
        request = urllib.request.Request(
            sb.edubrite_url(service),
            data=urllib.parse.urlencode(form).encode(),
            headers={"Cookie": cookie, "REAL_UNAME": EDUBRITE_LOGIN["run_as"]},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            cookies = dict(c.split(";", 1)[0].split("=", 1) for c in reply.headers.get_all("Set-Cookie") or ())
            return reply.read().decode("utf-8"), cookies

    _, first = post("connect", {})
    session = "SESSION_ID=%s" % first["SESSION_ID"]
    _, second = post(
        "connect", {"username": EDUBRITE_LOGIN["api_username"], "password": EDUBRITE_LOGIN["api_password"]}, session
    )
    # the cookies set last win (contract 3.4 r3): step 2 may move the session to a new SESSION_ID
    session = "SESSION_ID=%s; SESSION_INFO=%s" % (second.get("SESSION_ID", first["SESSION_ID"]), second["SESSION_INFO"])
    body, _ = post(
        "enrollmentService",
        {
            "dispatch": "enrollUsersInProgram",
            "xml": "true",
            "programId": PROGRAM_ID,
            "usernames": ",".join(member_name(i) for i in range(1, n + 1)),
            "sendMail": "false",
        },
        session,
    )
    if 'code="0"' not in body:
        raise RuntimeError("bench: could not enrol the bench members: %s" % body[:300])


# --- checking what a run did -------------------------------------------------------------------------


def ispring_done(sb, n, shape):
    """How many of learner 1..n are complete in bench-course on the date the shape gives them."""
    time.sleep(TASK_DELAY + 0.1)  # the uri loop does not wait for iSpring's tasks
    wanted = {enrollment_id(i): COMPLETION_DATE if shape == "cohort" else completion_date(i) for i in range(1, n + 1)}
    done = 0
    for enr in sb.state()["ispring"]["enrollments"]:
        date = wanted.get(enr["enrollmentId"])
        if date and enr["completionStatus"] == "complete" and (enr["completionDate"] or "").startswith(date):
            done += 1
    return done


def edubrite_record_ok(member, i, shape):
    if shape == THROTTLED_SHAPE:
        return member["dueDate"] == epoch_ms(due_date(i))
    if shape in ("cohort", "new"):
        return (
            member["startDate"] == epoch_ms(COHORT["start_date"])
            and member["dueDate"] == epoch_ms(COHORT["due_date"])
            and member["award"] is True
            and member["awardDate"] == epoch_ms(COHORT["award_date"])
        )
    award_date, score = migration_values(i)
    return (
        member["startDate"] == epoch_ms(MIGRATION_START)
        and member["award"] is True
        and member["awardDate"] == epoch_ms(award_date)
        and member["score"] is not None
        and abs(member["score"] - score) < 1e-9
    )


def edubrite_done(sb, n, shape):
    """How many of member 1..n are members of bench-program with the record the shape gives them."""
    program = next(p for p in sb.state()["edubrite"]["programs"] if p["id"] == PROGRAM_ID)
    by_name = {m["userName"]: m for m in program["members"]}
    members = ((i, by_name.get(member_name(i))) for i in range(1, n + 1))
    return sum(1 for i, member in members if member is not None and edubrite_record_ok(member, i, shape))


def users_done(sb, n):
    """How many of new hire 1..n are users of the USER_DEPARTMENT department with the shape's values."""
    by_login = {user["login"]: user for user in sb.state()["ispring"]["users"]}
    done = 0
    for i in range(1, n + 1):
        hire = new_hire(i)
        user = by_login.get(hire["login"])
        if user and user["departmentId"] == USER_DEPARTMENT_ID and user["email"] == hire["email"]:
            done += 1
    return done


# --- the benchmark -----------------------------------------------------------------------------------


CHANGED_COUNTS = ("learners_changed", "members_changed", "results_changed", "users_changed")  # bench_timer's


class Bench:
    def __init__(self, sb, runner, verbose=True):
        self.sb, self.runner, self.verbose = sb, runner, verbose
        self.runs = []

    def measure(self, module, shape, way, n, kind, playbook, check=False, writes=(), verify=None):
        self.sb.clear_requests()
        label = "%s-%s-%s-%d-%s" % (module, shape or "-", way, n, kind)
        out = self.runner.play(label, playbook, check=check)
        log = self.sb.requests()
        by_op = collections.Counter(entry["operation"] or "(unknown)" for entry in log)
        task = out["tasks"][-1]["summary"] if out["tasks"] else {}
        run = dict(
            module=module,
            shape=shape,
            way=way,
            n=n,
            run=kind,
            wall_s=round(out["wall"], 3),
            tasks_s=round(sum(t["seconds"] for t in out["tasks"]), 3),
            api_s=round(sum(entry["duration"] or 0 for entry in log), 3),
            requests=len(log),
            by_operation=dict(sorted(by_op.items())),
            writes=sum(by_op[op] for op in writes),
            http_errors=sum(1 for entry in log if (entry["status"] or 0) >= 400 or entry["status"] is None),
            peak_rss_mb=round(out["peak"] / 1048576.0, 1),
            peak_pss_mb=round(out["peak_pss"] / 1048576.0, 1),
            processes_at_peak=out["at_peak"],
            memory_samples=out["samples"],
            rc=out["rc"],
            timed_out=out["timed_out"],
            changed=task.get("changed"),
            items_changed=next(
                (task[k] for k in CHANGED_COUNTS if k in task),
                None,
            ),
        )
        run["ok"] = out["rc"] == 0
        if verify is not None and run["ok"]:
            run.update(verify(run))
        if not run["ok"]:
            run["output_tail"] = out["tail"]
        self.runs.append(run)
        if self.verbose:
            print(
                "  %-15s %-6s %-6s N=%-6d %-6s %8.2f s  %6d requests  %7.1f MB  %s%s"
                % (
                    module,
                    shape or "",
                    way,
                    n,
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

    def fresh_state(self, prepare, n):
        self.sb.reset()
        if prepare is not None:
            prepare(n)

    # one module, one N: first run, rerun, check mode on a fresh state
    def module_runs(self, module, shape, n, play, writes, done, prepare=None):
        """First run, rerun, check mode on a fresh state; where SMALL_RESULT_* and TUNED_* say, again
        with their option."""

        def after_first(run):
            got = done(n)
            return dict(verified=got == n and run["changed"] is True, verify_detail="%d of %d converged" % (got, n))

        def after_rerun(run):
            return dict(
                verified=run["writes"] == 0 and run["changed"] is False and run["items_changed"] == 0,
                verify_detail="changed=%s, %s writes" % (run["changed"], run["writes"]),
            )

        def after_check(run):
            got = done(n)
            return dict(
                verified=run["writes"] == 0 and got == 0 and run["items_changed"] == n,
                verify_detail="%s reported to change, %d writes, %d converged"
                % (run["items_changed"], run["writes"], got),
            )

        ways = ["module"]
        if n in SMALL_RESULT_SIZES and shape in SMALL_RESULT_SHAPES:
            ways.append("small")
        if n in TUNED_SIZES and shape in TUNED_SHAPES:
            ways.append("tuned")
        for way in ways:
            playbook = play(way=way)
            self.fresh_state(prepare, n)
            self.measure(module, shape, way, n, "first", playbook, writes=writes, verify=after_first)
            self.measure(module, shape, way, n, "rerun", playbook, writes=writes, verify=after_rerun)
            self.fresh_state(prepare, n)
            self.measure(module, shape, way, n, "check", playbook, check=True, writes=writes, verify=after_check)

    def throttled_runs(self, n, play, done, prepare):
        """The first run against a sandbox that answers HTTP 429 beyond THROTTLE_LIMIT calls at once,
        at the default settings and with max_parallel TUNED_PARALLEL (no 429)."""

        def after_first(run):
            got = done(n)
            refused = sum(1 for entry in self.sb.requests() if entry["status"] == 429)
            return dict(verified=got == n, verify_detail="%d of %d converged" % (got, n), http_429=refused)

        for way in ("module", "tuned"):
            self.fresh_state(prepare, n)
            self.sb.settings(rate_limit_concurrency=THROTTLE_LIMIT)
            self.measure("program_member", THROTTLED_SHAPE, way, n, "first", play(way=way), writes=EDUBRITE_WRITES,
                         verify=after_first)  # fmt: skip
        self.sb.reset()

    def uri_run(self, module, shape, n, playbook, writes, done, prepare=None):
        def after(run):
            got = done(n)
            return dict(verified=got == n, verify_detail="%d of %d converged" % (got, n))

        self.fresh_state(prepare, n)
        self.measure(module, shape, "uri", n, "first", playbook, writes=writes, verify=after)

    def floor(self):
        """The least any one-task run costs: Ansible's start and one trivial module."""
        self.sb.reset()
        return self.measure(
            "ansible.builtin.ping", None, "floor", 1, "first", play_of([{"name": "ping", "ansible.builtin.ping": {}}])
        )


def import_seconds(runner, module):
    """Seconds to import a module of the installed collection in a fresh interpreter, minus an empty one."""
    code = (
        "import time; t = time.perf_counter(); "
        "import ansible_collections.learnops.lms.plugins.modules.%s; print(time.perf_counter() - t)" % module
    )
    env = dict(os.environ, PYTHONPATH=runner.collections)
    best = None
    for _ in range(3):
        done = subprocess.run([runner.python, "-c", code], capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            return None
        value = float(done.stdout.strip())
        best = value if best is None else min(best, value)
    return round(best, 3)


def machine(runner):
    def cmd(*args):
        try:
            return subprocess.run(list(args), capture_output=True, text=True, check=False, cwd=ROOT).stdout.strip()
        except OSError:
            return ""

    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = cmd(
        runner.python, "-c", "import sys, ansible; print('%d.%d.%d' % sys.version_info[:3]); print(ansible.__version__)"
    )
    py, core = (versions.splitlines() + ["", ""])[:2]
    galaxy = {}
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    return dict(
        cores=os.cpu_count(),
        cpu=model,
        load_average_after=list(os.getloadavg()),
        memory_gb=round(mem_kb / 1048576.0, 1),
        os="%s %s" % (platform.system(), platform.release()),
        python=py,
        ansible_core=core,
        collection="%s.%s %s" % (galaxy.get("namespace"), galaxy.get("name"), galaxy.get("version")),
        commit=cmd("git", "rev-parse", "--short", "HEAD"),
        uncommitted_changes=bool(cmd("git", "status", "--porcelain", "--untracked-files=no")),
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 100 only (a smoke run)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs"), help="where benchmark.{json,md,svg} go (docs/)")
    parser.add_argument("--only", choices=list(MODULES), help="one module only")
    parser.add_argument("--shape", help="one shape only (cohort, migration, new)")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the runs of --out's benchmark.json that this run does not measure again (a partial run, "
        "e.g. --only ispring_user --out docs, then leaves the other modules' rows as they were)",
    )
    parser.add_argument("--n", type=int, help="one N only (100, 1000 or 10000)")
    parser.add_argument("--max-parallel", type=int, help="the modules' max_parallel (default: theirs)")
    parser.add_argument("--no-uri", action="store_true", help="skip the uri loops (the slow part)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds one ansible-playbook run may take")
    parser.add_argument("--keep", action="store_true", help="keep the generated playbooks and logs")
    parser.add_argument(
        "--throttled-only",
        action="store_true",
        help="only the throttling case (program_member, %d members, 429 beyond %d calls at once); "
        "writes benchmark-throttled.json to --out" % (THROTTLED_N, THROTTLE_LIMIT),
    )
    parser.add_argument(
        "--tenants-only",
        action="store_true",
        help="only the tenants shape (issue 26): --tenants sandboxes of --tenant-n learners as inventory hosts, "
        "the role at each --forks; writes benchmark-tenants.json to --out",
    )
    parser.add_argument("--tenants", type=int, default=tenants.TENANTS, help="tenants shape: how many tenants")
    parser.add_argument("--tenant-n", type=int, default=tenants.TENANT_N, help="tenants shape: learners per tenant")
    parser.add_argument(
        "--forks",
        default=",".join(str(f) for f in tenants.FORKS),
        help="tenants shape: the forks to measure, comma-separated",
    )
    return parser.parse_args(argv)


def installed_modules(collections_path, only):
    """The modules to measure: those asked for that the installed collection has."""
    if not os.path.isdir(os.path.join(collections_path, "ansible_collections", "learnops", "lms")):
        sys.exit(
            "bench: the collection is not installed in %s (run `make install`, or set COLLECTIONS)" % collections_path
        )
    has_program_member = os.path.exists(
        os.path.join(
            collections_path, "ansible_collections", "learnops", "lms", "plugins", "modules", "program_member.py"
        )
    )
    modules = [m for m in MODULES if only in (None, m)]
    if "program_member" in modules and not has_program_member:
        print("bench: program_member is not in the installed collection; EduBrite is skipped")
        modules.remove("program_member")
    return modules


MODULES = ("course_status", "program_member", "ispring_user")


def wanted(args, sizes):
    """The sizes of `sizes` that --n lets through."""
    return tuple(n for n in sizes if args.n is None or n == args.n)


def run_course_status(bench, sb, args):
    module = "course_status"
    for shape in COURSE_SHAPES:
        if args.shape not in (None, shape):
            continue

        def done(k, shape=shape):
            return ispring_done(sb, k, shape)

        for n in wanted(args, args.sizes):
            play = functools.partial(course_status_play, sb, n, shape)
            bench.module_runs(module, shape, n, play, ISPRING_WRITES, done)
        uri = args.uri_sizes if shape == "cohort" else args.migration_uri_sizes
        for n in wanted(args, uri):
            bench.uri_run(module, shape, n, ispring_uri_play(sb, n, shape), ISPRING_WRITES, done)


def run_program_member(bench, sb, args):
    module = "program_member"
    enrolled = functools.partial(enroll_members, sb)
    for shape in PROGRAM_SHAPES:
        if args.shape not in (None, shape):
            continue

        def done(k, shape=shape):
            return edubrite_done(sb, k, shape)

        prepare = enrolled if shape in ENROLLED_SHAPES else None
        for n in wanted(args, args.sizes):
            play = functools.partial(program_member_play, sb, n, shape)
            bench.module_runs(module, shape, n, play, EDUBRITE_WRITES, done, prepare=prepare)
        uri = {"cohort": args.uri_sizes, "migration": args.migration_uri_sizes}.get(shape, ())
        for n in wanted(args, uri):
            bench.uri_run(module, shape, n, edubrite_uri_play(sb, n, shape), EDUBRITE_WRITES, done, prepare=enrolled)


def run_ispring_user(bench, sb, args):
    """Issue 25: N new users in one task (first run, rerun, check mode), and the uri loop."""
    module = "ispring_user"
    if args.shape not in (None, USER_SHAPE):
        return

    def done(k):
        return users_done(sb, k)

    for n in wanted(args, args.sizes):
        bench.module_runs(module, USER_SHAPE, n, functools.partial(ispring_user_play, sb, n), USER_WRITES, done)
    for n in wanted(args, args.uri_sizes):
        bench.uri_run(module, USER_SHAPE, n, ispring_user_uri_play(sb, n), USER_WRITES, done)


def run_throttled(bench, sb):
    """Issue 28: the default settings against a tenant that throttles, within about 1.2x the
    hand-tuned max_parallel."""

    def done(k):
        return edubrite_done(sb, k, THROTTLED_SHAPE)

    play = functools.partial(program_member_play, sb, THROTTLED_N, THROTTLED_SHAPE)
    bench.throttled_runs(THROTTLED_N, play, done, functools.partial(enroll_members, sb))


def main_throttled(args, venv, collections_path):
    """--throttled-only: the throttling case alone; its runs go to <out>/benchmark-throttled.json,
    docs/benchmark.* are left as they are."""
    installed_modules(collections_path, "program_member")
    workdir = tempfile.mkdtemp(prefix="lms-bench-")
    runner = Runner(venv, collections_path, workdir, args.timeout)
    with Sandbox(
        python=runner.python, latency_ms=LATENCY_MS, task_delay=TASK_DELAY, scale=THROTTLED_N, extra_args=["--quiet"]
    ) as sb:
        bench = Bench(sb, runner)
        run_throttled(bench, sb)
    result = dict(
        command="bench/run.py --throttled-only",
        machine=machine(runner),
        settings=dict(latency_ms=LATENCY_MS, tuned_max_parallel=TUNED_PARALLEL, throttle_limit=THROTTLE_LIMIT),
        runs=bench.runs,
    )
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "benchmark-throttled.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    _, target, measured, met = report.throttled_target(result)
    print("%s %s: %s" % ({True: "MET", False: "MISSED", None: "n/a"}[met], target, measured))
    return 0 if all(r["ok"] and r.get("verified", True) for r in bench.runs) else 1


def main_tenants(args, venv, collections_path):
    """--tenants-only: the tenants shape alone, to <out>/benchmark-tenants.json; docs/benchmark.* are
    left as they are (bench/report.py shows the file as it finds it)."""
    installed_modules(collections_path, "course_status")
    workdir = tempfile.mkdtemp(prefix="lms-bench-")
    runner = Runner(venv, collections_path, workdir, args.timeout)
    forks = [int(f) for f in args.forks.split(",")]
    started = time.time()
    load_before = list(os.getloadavg())
    with contextlib.ExitStack() as stack:
        sandboxes = [
            stack.enter_context(
                Sandbox(
                    python=runner.python,
                    latency_ms=LATENCY_MS,
                    task_delay=TASK_DELAY,
                    scale=args.tenant_n,
                    extra_args=["--quiet"],
                )
            )
            for _ in range(args.tenants)
        ]
        path = tenants.inventory(
            sandboxes, args.tenant_n, workdir, learner_login, COURSE_ID, COMPLETION_DATE, REASON, SEED_TOKEN
        )
        runs = tenants.runs(
            runner,
            sandboxes,
            args.tenant_n,
            forks,
            path,
            ISPRING_WRITES,
            functools.partial(ispring_done, shape="cohort"),
        )
    result = dict(
        command="bench/run.py " + " ".join(without_out(sys.argv[1:])),
        duration_s=round(time.time() - started, 1),
        machine=dict(machine(runner), load_average_before=load_before),
        settings=dict(latency_ms=LATENCY_MS, task_delay_s=TASK_DELAY, tenants=args.tenants, learners=args.tenant_n),
        runs=runs,
    )
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "benchmark-tenants.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(report.tenants_table(result)))
    return 0 if all(r["ok"] and r.get("verified", True) for r in runs) else 1


def run_modules(bench, sb, args, modules):
    if "course_status" in modules:
        run_course_status(bench, sb, args)
    if "program_member" in modules:
        run_program_member(bench, sb, args)
        if args.shape in (None, THROTTLED_SHAPE) and args.n in (None, THROTTLED_N):
            run_throttled(bench, sb)
    if "ispring_user" in modules:
        run_ispring_user(bench, sb, args)


def without_out(argv):
    """The command line's arguments without --out and its value (a local path)."""
    kept, skip = [], False
    for arg in argv:
        if skip or arg.startswith("--out"):
            skip = arg == "--out"
            continue
        kept.append(arg)
    return kept


def partial(args):
    """Whether the run measures less than `make bench` does."""
    return bool(args.quick or args.only or args.no_uri or args.shape or args.n or args.max_parallel)


def main(argv=None):
    args = parse_args(argv)
    venv = os.environ.get("VENV") or os.path.dirname(os.path.dirname(sys.executable))
    collections_path = os.environ.get("COLLECTIONS") or os.path.join(ROOT, "build", "collections")
    if args.throttled_only:
        return main_throttled(args, venv, collections_path)
    if args.tenants_only:
        return main_tenants(args, venv, collections_path)
    modules = installed_modules(collections_path, args.only)
    if args.max_parallel:
        CONNECTION["max_parallel"] = args.max_parallel
    args.sizes = (100,) if args.quick else SIZES
    args.uri_sizes = () if args.no_uri else (100,) if args.quick else URI_SIZES
    args.migration_uri_sizes = () if args.no_uri or args.quick else MIGRATION_URI_SIZES

    workdir = tempfile.mkdtemp(prefix="lms-bench-")
    runner = Runner(venv, collections_path, workdir, args.timeout)
    command = (
        "make bench"
        if not partial(args)
        else "bench/run.py " + " ".join(without_out(argv if argv is not None else sys.argv[1:]))
    )
    out_json = os.path.join(args.out, "benchmark.json")
    if partial(args) and os.path.exists(out_json) and not args.merge:
        sys.exit(
            "bench: %s exists and this run measures only part of it; add --merge to keep its other runs, "
            "or give another --out" % out_json
        )
    started = time.time()
    load_before = list(os.getloadavg())
    scale = max(wanted(args, args.sizes + args.uri_sizes + args.migration_uri_sizes) + (THROTTLED_N,))
    print(
        "bench: sandbox with --scale %d, %d ms latency per request; playbooks in %s" % (scale, LATENCY_MS, workdir),
        flush=True,
    )
    with Sandbox(
        python=runner.python, latency_ms=LATENCY_MS, task_delay=TASK_DELAY, scale=scale, extra_args=["--quiet"]
    ) as sb:
        bench = Bench(sb, runner)
        floor = bench.floor()
        run_modules(bench, sb, args, modules)
    result = dict(
        command=command,
        duration_s=round(time.time() - started, 1),
        machine=dict(machine(runner), load_average_before=load_before),
        settings=dict(
            latency_ms=LATENCY_MS,
            task_delay_s=TASK_DELAY,
            sandbox_scale=scale,
            sizes=list(wanted(args, args.sizes)),
            uri_sizes=list(wanted(args, args.uri_sizes)),
            migration_uri_sizes=list(wanted(args, args.migration_uri_sizes)),
            memory_sample_s=SAMPLE_EVERY,
            tuned_max_parallel=TUNED_PARALLEL,
            modules=modules,
            connection=dict(CONNECTION),
        ),
        floor=floor,
        imports={m: import_seconds(runner, m) for m in modules},
        runs=bench.runs,
        make_test=report.last_make_test(args.out),
        throttled=report.last_throttled(args.out),
        tenants=report.last_tenants(args.out),
    )
    if args.merge and os.path.exists(out_json):
        with open(out_json, encoding="utf-8") as handle:
            result = report.merged(json.load(handle), result)
    os.makedirs(args.out, exist_ok=True)
    with open(out_json, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1, sort_keys=False)
        handle.write("\n")
    report.write(result, args.out)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    failed = [r for r in bench.runs if not r["ok"] or not r.get("verified", True)]
    print(
        "bench: %d runs in %.0f s; wrote %s/benchmark.{json,md,svg}"
        % (len(bench.runs), time.time() - started, args.out),
    )
    for line in report.target_lines(result):
        print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    # SIGTERM ends the bench as Ctrl-C does: the running ansible-playbook and the sandbox are stopped
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    sys.exit(main())
