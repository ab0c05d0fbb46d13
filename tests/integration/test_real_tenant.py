# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract revision 3: the REST wire code against a sandbox that answers as the vendor's help
pages, samples and public clients show a real tenant does (STRICT_SETTINGS, the suite's default):
array parameters read the PHP way, 414 over 8 KB request lines, duePeriod in hours, an account
west of UTC, logins AND emails, users' fields as name/value pairs, empty 401s, unknown courses
listing nothing.  Every scenario converges, reads back, and reruns without a write."""

from __future__ import annotations

import sys

import pytest

from lms_sandbox.assumptions import STRICT_SETTINGS
from lms_sandbox.testing import Sandbox

from .helpers import WRITES, writes
from .runner import player

pytestmark = pytest.mark.any_line  # its subject is module_utils' wire code (conftest.py)

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"  # kwong, jdoe, asmith, mgarcia, ltan, bjones (inactive)
SAFETY = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"  # jdoe, asmith, kwong
BENCH = "00000000-0000-4000-8000-000000000001"  # the --scale course: learner00001 ... learnerNNNNN
NO_COURSE = "00000000-dead-beef-0000-000000000000"
JDOE_COURSE = "7c1d9a20-c1ae-11ea-8592-a6eabe180001"
CREDENTIALS = dict(client_id="demo-client", client_secret="demo-secret")


def rest(**args):
    return dict(api="rest", **args)


def enrollment_of(lms, course, login):
    return next(e for e in lms.state()["ispring"]["enrollments"] if e["courseId"] == course and e["login"] == login)


def longest_request_line(lms):
    entries = lms.requests(api="ispring")
    assert all(entry["status"] != 414 for entry in entries)
    return max(entry["line_bytes"] for entry in entries)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A sandbox in the strictest forms with 400 more learners (learner00001 ... learner00400)."""
    with Sandbox(python=sys.executable, task_delay=0.05, scale=400, **STRICT_SETTINGS) as running:
        yield running


def test_400_learners_converge_and_read_back_with_request_lines_under_8_kb(cohort, tmp_path):
    cohort.reset()
    play = player(cohort, tmp_path)
    logins = ["learner%05d" % n for n in range(1, 401)]
    tasks = [
        {
            "name": "Enroll",
            "learnops.lms.course_enrollment": rest(
                course_id=COURSE, logins=logins, access_date="2026-03-02", due_date_type="due_period", due_period=30
            ),
        },
        {
            "name": "Complete",
            "learnops.lms.course_status": rest(
                course_id=BENCH, logins=logins, status="complete", date="2026-01-15", match_date=True
            ),
        },
        {"name": "Read back", "learnops.lms.course_status_info": rest(course_ids=[BENCH], logins=logins)},
    ]
    first = play(tasks, verbosity=0)
    assert first.rc == 0, first.output
    state = cohort.state()["ispring"]["enrollments"]
    enrolled = [e for e in state if e["courseId"] == COURSE and e["login"].startswith("learner")]
    assert len(enrolled) == 400
    assert {(e["accessDate"][:10], e["dueDate"][:10]) for e in enrolled} == {("2026-03-02", "2026-04-01")}
    completed = [e for e in state if e["courseId"] == BENCH]
    assert {(e["completionStatus"], e["completionDate"][:10]) for e in completed} == {("complete", "2026-01-15")}
    assert len(first.result["results"]) == 400
    assert {r["completion_date"][:10] for r in first.result["results"]} == {"2026-01-15"}
    assert longest_request_line(cohort) < 8192
    cohort.clear_requests()
    again = play(tasks, verbosity=0)
    assert again.rc == 0, again.output
    assert [entry["result"]["changed"] for entry in again.results] == [False, False, False]
    assert writes(cohort.requests(), WRITES) == []
    assert longest_request_line(cohort) < 8192


def test_due_period_is_days_in_the_option_and_hours_on_the_wire(play, lms):
    new = {"name": "Enroll", "learnops.lms.course_enrollment": rest(
        course_id=SAFETY, logins=["ltan"], access_date="2026-03-02", due_date_type="due_period", due_period=30
    )}  # fmt: skip
    first = play([new])
    assert first.rc == 0, first.output
    [sent] = writes(lms.requests(), WRITES)
    assert '"duePeriod": 720' in sent["body"]
    assert enrollment_of(lms, SAFETY, "ltan")["dueDate"][:10] == "2026-04-01"
    changed = {"name": "Enroll", "learnops.lms.course_enrollment": rest(
        course_id=SAFETY, logins=["ltan"], access_date="2026-03-02", due_date_type="due_period", due_period=10
    )}  # fmt: skip
    assert play([changed]).rc == 0
    assert enrollment_of(lms, SAFETY, "ltan")["dueDate"][:10] == "2026-03-12"
    lms.clear_requests()
    again = play([changed])
    assert (again.rc, again.result["changed"]) == (0, False), again.output
    assert writes(lms.requests(), WRITES) == []


def test_dates_land_on_the_accounts_own_day(play, lms):
    """An account west of UTC: a completion date and an edited access date are recorded on the day
    given, and read back as that day (no change on the rerun, with match_date too)."""
    tasks = [
        {
            "name": "Complete",
            "learnops.lms.course_status": rest(
                course_id=COURSE, logins=["jdoe"], status="complete", date="2020-07-22", match_date=True
            ),
        },
        {
            "name": "Access",
            "learnops.lms.course_enrollment": rest(course_id=COURSE, logins=["jdoe"], access_date="2026-03-02"),
        },
    ]
    first = play(tasks)
    assert first.rc == 0, first.output
    jdoe = enrollment_of(lms, COURSE, "jdoe")
    assert (jdoe["completionDate"][:10], jdoe["accessDate"][:10]) == ("2020-07-22", "2026-03-02")
    bodies = [entry["body"] for entry in writes(lms.requests(), WRITES)]
    assert '"date": "2020-07-22"' in bodies[0] and '"accessDate": "2026-03-02 00:00:00"' in bodies[1]
    lms.clear_requests()
    again = play(tasks)
    assert again.rc == 0 and [e["result"]["changed"] for e in again.results] == [False, False], again.output
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.parametrize("form", ["pairs", "field_list", "object"])
def test_learners_by_login_and_email_are_found_in_every_user_form(play, lms, form):
    """Users' fields as the vendor's sample, a real-tenant client and the OpenAPI file show them;
    logins and emails looked up in listings of their own (a tenant may AND the two filters)."""
    lms.settings(ispring_rest_user_fields=form)
    learners = [{"login": "jdoe"}, {"email": "ASMITH@example.com"}, {"login": "kwong"}]
    tasks = [
        {
            "name": "Complete",
            "learnops.lms.course_status": rest(course_id=COURSE, learners=learners, date="2020-07-22"),
        },
        {
            "name": "Info",
            "learnops.lms.course_status_info": rest(
                course_ids=[COURSE], logins=["jdoe", "kwong"], emails=["asmith@example.com"]
            ),
        },
    ]
    first = play(tasks)
    assert first.rc == 0, first.output
    assert {(r["login"], r["email"]) for r in first.result["results"]} == {
        ("jdoe", "jdoe@example.com"),
        ("asmith", "asmith@example.com"),
        ("kwong", "kwong@example.com"),
    }
    listings = lms.requests(operation="ListUsers")
    assert all(not ("logins[]" in e["query"] and "emails[]" in e["query"]) for e in listings)
    lms.clear_requests()
    again = play(tasks)
    assert again.rc == 0 and again.results[0]["result"]["changed"] is False
    assert writes(lms.requests(), WRITES) == []


def test_array_filters_carry_brackets(play, lms):
    run = play([{"name": "Info", "learnops.lms.course_status_info": rest(course_ids=[COURSE, SAFETY])}])
    assert run.rc == 0, run.output
    assert {r["course_id"] for r in run.result["results"]} == {COURSE, SAFETY}
    for entry in lms.requests(interface="rest"):
        assert all(name.endswith("[]") for name in entry["query"] if name not in ("pageSize", "pageToken"))


@pytest.mark.parametrize("form", ["empty", "html", "json"])
def test_any_401_renews_the_token_once(play, lms, form):
    lms.settings(ispring_rest_unauthorized=form)
    lms.faults([{"kind": "expire_auth", "count": 1, "interface": "rest", "operations": ["ListLearnerResults"]}])
    task = rest(api_url=lms.url, course_ids=[COURSE], **CREDENTIALS)
    run = play([{"name": "Info", "learnops.lms.course_status_info": task}], defaults=False)
    assert run.rc == 0, run.output
    assert lms.faults()[0]["hits"] == 1
    assert len(lms.requests(operation="token")) == 2


@pytest.mark.parametrize(
    "module, api",
    [("course_status_info", "soap"), ("course_status_info", "rest"), ("course_enrollment_info", "rest")],
)
def test_an_info_module_says_when_a_course_lists_nothing(play, lms, module, api):
    run = play([{"name": "Info", "learnops.lms.%s" % module: {"course_ids": [COURSE, NO_COURSE], "api": api}}])
    assert run.rc == 0, run.output
    warnings = run.result.get("warnings") or []
    assert any(NO_COURSE in w and "course_id" in w for w in warnings), run.result
    assert not any(COURSE in w for w in warnings)
