# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault matrix for course_status: each fault through a real playbook, then the sandbox's state
must show exactly the changes the result reported, and a rerun without the fault converges.
Every run is at -vvv and goes through the harness's canary-secret check."""

from __future__ import annotations

import pytest

from .helpers import hostile_replies, writes

pytestmark = pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
LEARNERS = [{"login": "jdoe"}, {"login": "asmith"}, {"login": "kwong"}]


def converge(**extra):
    args = dict(course_id=COURSE, date="2021-03-01", reason="Resilience", learners=LEARNERS)
    args.update(extra)
    return {"name": "Course status", "learnops.lms.course_status": args}


def completed(lms):
    """Logins whose status in the course is complete on the test's date."""
    return sorted(
        e["login"]
        for e in lms.state()["ispring"]["enrollments"]
        if e["courseId"] == COURSE
        and e["completionStatus"] == "complete"
        and (e["completionDate"] or "").startswith("2021-03-01")
    )


def reported(run):
    return sorted(e.get("login") for e in run.result["learners"] if e["changed"])


def rerun_converges(play, lms):
    """Without the fault, one play converges, then its second task changes nothing."""
    lms.faults([])
    again = play([converge(), converge()])
    assert again.rc == 0, again.output
    assert completed(lms) == ["asmith", "jdoe", "kwong"]
    assert len(again.results) == 2 and again.result["changed"] is False


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "status", "code": 429, "retry_after": 1, "count": 3},
        {"kind": "status", "code": 503, "count": 2},
        {"kind": "status", "code": 502, "count": 2, "operations": ["ListLearnersResults"]},
        {"kind": "status", "code": 504, "count": 1, "operations": ["updateCourseStatus"]},
        {"kind": "drop", "count": 2},
        {"kind": "drop", "count": 1, "operations": ["updateCourseStatus"]},
        {"kind": "slow", "seconds": 3, "count": 1, "operations": ["ListUsers"]},
        {"kind": "html", "code": 502, "count": 1},
    ],
    ids=["429-storm", "503-burst", "502-reads", "504-write", "dropped", "dropped-write", "slow", "html-502-once"],
)
def test_transient_faults_are_retried(play, lms, rule):
    lms.faults([rule])
    run = play([converge(timeout=1.5)])
    assert run.rc == 0, run.output
    assert reported(run) == completed(lms) == ["asmith", "jdoe", "kwong"]
    assert any(entry["fault"] for entry in lms.requests()), "the fault never fired"
    assert len(writes(lms.requests(), ("updateCourseStatus",))) >= 1
    rerun_converges(play, lms)


def test_retry_after_is_honoured(play, lms):
    lms.faults([{"kind": "status", "code": 429, "retry_after": 2, "count": 1, "operations": ["ListUsers"]}])
    run = play([converge()])
    assert run.rc == 0, run.output
    users = [e for e in lms.requests() if e["operation"] == "ListUsers"]
    assert users[0]["status"] == 429 and users[1]["time"] - users[0]["time"] >= 1.9


@hostile_replies("ListLearnersResults")
def test_hostile_or_broken_replies_fail_clearly_before_any_write(play, lms, rule, words):
    lms.faults([rule])
    run = play([converge(retries=2, retry_max_time=10)])
    assert run.failed
    assert words in run.result["msg"], run.result["msg"]
    assert "Nothing was changed" in run.result["msg"]
    assert "root:x:0:0" not in run.output  # the XXE entity was never resolved
    assert writes(lms.requests()) == []
    assert completed(lms) == []
    rerun_converges(play, lms)


def test_timeout_that_never_ends_fails_clearly(play, lms):
    lms.faults([{"kind": "slow", "seconds": 3, "count": -1, "operations": ["ListUsers"]}])
    run = play([converge(timeout=1, retries=1)])
    assert run.failed and "within 1" in run.result["msg"]
    assert writes(lms.requests()) == []


def test_token_expiry_mid_run_renews_the_token_once(play, lms):
    lms.faults([{"kind": "expire_auth", "count": 1, "operations": ["updateCourseStatus"]}])
    run = play(
        [
            dict(
                converge(),
                **{
                    "learnops.lms.course_status": dict(
                        converge()["learnops.lms.course_status"],
                        api_url=lms.url,
                        client_id="demo-client",
                        client_secret="demo-secret",
                    )
                },
            )
        ],
        defaults=False,
    )
    assert run.rc == 0, run.output
    assert [e["operation"] for e in lms.requests()].count("token") == 2
    assert reported(run) == completed(lms) == ["asmith", "jdoe", "kwong"]


def test_token_expiry_with_a_bare_token_fails_clearly(play, lms):
    lms.faults([{"kind": "expire_auth", "count": 1, "operations": ["ListUsers"]}])
    run = play([converge()])
    assert run.failed
    assert "Authorization failed" in run.result["msg"] and "client_secret" in run.result["msg"]
    assert completed(lms) == []


def test_write_failing_mid_batch_reports_what_was_changed(play, lms):
    lms.faults([{"kind": "fail_write", "after": 1, "count": 1, "operations": ["updateCourseStatus"]}])
    run = play([converge(batch_size=1, max_parallel=1)])  # one call after the other (test_parallel: side by side)
    assert run.failed
    # an HTTP 500 that is no SOAP fault may come after the write: the second learner may have been
    # changed (here it was not), and is reported so; the third was not sent
    assert "so iSpring may have applied it: 1 learner(s) may have been changed" in run.result["msg"]
    assert run.result["changed"] is True
    assert len(completed(lms)) == 1 and set(completed(lms)) < set(reported(run))
    assert len(reported(run)) == 2
    assert len(run.result["task_ids"]) == 1
    rerun_converges(play, lms)


def test_failed_task_fails_the_module_and_names_it(play, lms):
    lms.faults([{"kind": "task_failed", "count": 1}])
    run = play([converge()])
    assert run.failed
    assert run.result["task_ids"][0] in run.result["msg"] and "failed" in run.result["msg"]
    assert reported(run) == completed(lms) == []
    rerun_converges(play, lms)


def test_canary_catches_a_leak(play, lms):
    with pytest.raises(AssertionError, match="demo-password"):
        play([{"name": "Leak on purpose", "ansible.builtin.debug": {"msg": "the password is demo-password"}}])
