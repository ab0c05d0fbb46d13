# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calls that cannot be merged go out several at a time (max_parallel); a throttling service gets
fewer; a failure among them is reported exactly; the wait reads the learners, not every task."""

from __future__ import annotations

import re

import pytest

from .helpers import writes

pytestmark = pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
ENROLLMENTS = {
    "7c1d9a20-c1ae-11ea-8592-a6eabe180001": "2020-07-01",
    "7c1d9a20-c1ae-11ea-8592-a6eabe180002": "2020-07-02",
    "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2": "2020-07-03",
    "7c1d9a20-c1ae-11ea-8592-a6eabe180005": "2020-07-04",
}


def own_dates(**args):
    learners = [{"enrollment_id": e, "date": d} for e, d in ENROLLMENTS.items()]
    return {
        "name": "Course status",
        "learnops.lms.course_status": dict(dict(course_id=COURSE, learners=learners), **args),
    }


def enrollments(lms):
    return {e["enrollmentId"]: e for e in lms.state()["ispring"]["enrollments"]}


@pytest.fixture
def slow(lms):
    lms.latency(50)
    yield lms
    lms.latency(0)


def test_writes_with_their_own_dates_go_out_side_by_side_and_converge(play, slow):
    run = play([own_dates(max_parallel=4)])
    assert run.rc == 0, run.output
    sent = writes(slow.requests(), ("updateCourseStatus",))
    assert len(sent) == 4 and max(entry["concurrent"] for entry in sent) > 1
    state = enrollments(slow)
    assert {e: state[e]["completionDate"][:10] for e in ENROLLMENTS} == ENROLLMENTS
    assert slow.requests(operation="getTaskStatus") == []  # the learners arrived: no task was asked
    slow.clear_requests()
    assert play([own_dates(max_parallel=4)]).result["changed"] is False
    assert writes(slow.requests()) == []


def test_one_at_a_time_with_max_parallel_1(play, slow):
    assert play([own_dates(max_parallel=1)]).rc == 0
    assert {entry["concurrent"] for entry in writes(slow.requests(), ("updateCourseStatus",))} == {1}


def test_a_throttling_service_gets_fewer_calls_at_once(play, slow):
    slow.settings(rate_limit_concurrency=2)
    run = play([own_dates(max_parallel=4)])
    assert run.rc == 0, run.output
    log = slow.requests()
    refused = [entry for entry in log if entry["status"] == 429]
    assert refused, "the sandbox should have throttled four calls at once"
    # the calls in flight at the first refusal finish; every call after the last one keeps to the lower number
    last_refusal = log.index(refused[-1])
    later = [entry["concurrent"] for entry in log[last_refusal + 1 :] if entry["operation"] == "updateCourseStatus"]
    assert later and max(later) <= 2
    assert len(refused) <= 3, "the client kept sending four at a time"
    assert {e: enrollments(slow)[e]["completionDate"][:10] for e in ENROLLMENTS} == ENROLLMENTS
    output = " ".join(run.output.split())  # the warning may be wrapped
    assert "The LMS throttled this task (HTTP 429 or 503, %d time(s))" % len(refused) in output
    assert "(max_parallel 4)" in output
    # issue 28: the calls in flight when the first 429 came halve once (4 to 2), not once each (to 1)
    assert re.search(r"it went (down to|on with) (\d+) call\(s\) in flight", output).group(2) == "2", output


def test_a_failure_among_parallel_writes_is_reported_exactly(play, lms):
    lms.faults([{"kind": "fail_write", "count": 1, "after": 1, "operations": ["updateCourseStatus"]}])
    run = play([own_dates(max_parallel=4, retries=0)])
    assert run.rc != 0
    state = enrollments(lms)
    reported = {e["enrollment_id"] for e in run.result["learners"] if e["changed"]}
    actual = {e for e in ENROLLMENTS if state[e]["completionStatus"] == "complete"}
    # the failed call (HTTP 500, no SOAP fault) may have been applied: its learner is reported changed too
    assert actual < reported and len(reported - actual) == 1 and 1 <= len(actual) < len(ENROLLMENTS)
    assert "iSpring may have applied it: 1 learner(s) may have been changed" in run.result["msg"]
    assert len(run.result["task_ids"]) == len(actual)
    assert run.result["changed"] is True


def test_the_wait_names_a_failed_task(play, lms):
    lms.faults([{"kind": "task_failed", "count": 1, "operations": ["updateCourseStatus"]}])
    run = play([own_dates(max_parallel=1)])
    assert run.rc != 0
    failed = lms.requests(operation="getTaskStatus")
    assert failed, "the task whose learners never arrive is asked"
    assert "iSpring task(s) 100027 failed" in run.result["msg"]
    assert [e["changed"] for e in run.result["learners"]].count(False) == 1


def test_program_members_with_their_own_values_side_by_side(play, slow):
    members = [{"username": "user1", "score": 11}, {"username": "user2", "score": 12}]
    run = play(
        [{"name": "Members", "learnops.lms.program_member": {"program_id": "xxxx-xxxx-xxxx-xxxx", "members": members}}]
    )
    assert run.rc == 0, run.output
    sent = writes(slow.requests(), ("updateProgramMember",))
    assert len(sent) == 2 and max(entry["concurrent"] for entry in sent) == 2
