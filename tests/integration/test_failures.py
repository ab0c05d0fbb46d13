# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Nothing half-applied, nothing hidden: bad input refused before the first write, exact results
on every failure after one, messages that say what happened, output that stays short.  The
subject is the modules' shared code in module_utils (validation, planners, runner), the same on
every ansible-core line: these tests run on one line (``any_line``)."""

from __future__ import annotations

import pytest

from .helpers import WRITES, writes

pytestmark = pytest.mark.any_line

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
JDOE = "7c1d9a20-c1ae-11ea-8592-a6eabe180001"
ASMITH = "7c1d9a20-c1ae-11ea-8592-a6eabe180002"
PROGRAM = "xxxx-xxxx-xxxx-xxxx"


def course_status(**args):
    return {
        "name": "Course status",
        "learnops.lms.course_status": dict(dict(course_id=COURSE, date="2020-07-22"), **args),
    }


def enrollment(lms, enrollment_id):
    return next(e for e in lms.state()["ispring"]["enrollments"] if e["enrollmentId"] == enrollment_id)


def test_a_control_character_in_one_reason_sends_nothing(play, lms):
    learners = [{"login": "jdoe", "reason": "fine"}, {"login": "asmith", "reason": "bad \u0001 char"}]
    run = play([course_status(learners=learners)])
    assert run.rc != 0
    assert run.result["msg"].startswith("learners[1].reason: the value holds the character U+0001")
    assert run.result["changed"] is False and writes(lms.requests(), WRITES) == []
    assert enrollment(lms, JDOE)["completionStatus"] == "in_progress"


def test_a_wait_that_fails_after_the_writes_reports_every_learner_written(play, lms):
    lms.faults(
        [
            {"kind": "status", "code": 503, "count": -1, "operations": ["getTaskStatus"]},
            {"kind": "status", "code": 503, "count": -1, "after": 1, "operations": ["ListLearnersResults"]},
        ]
    )
    run = play([course_status(enrollment_ids=[JDOE, ASMITH], retries=1, retry_max_time=5)])
    assert run.rc != 0
    result = run.result
    assert result["changed"] is True and len(result["task_ids"]) == 1
    assert [(e["enrollment_id"], e["changed"]) for e in result["learners"]] == [(JDOE, True), (ASMITH, True)]
    assert "The changes were sent and accepted" in result["msg"]
    lms.clear_faults()
    assert enrollment(lms, JDOE)["completionStatus"] == "complete"  # the task was applied meanwhile


def test_a_read_back_that_fails_is_a_warning_and_after_is_as_requested(play, lms):
    lms.faults([{"kind": "status", "code": 503, "count": -1, "after": 1, "operations": ["ListLearnersResults"]}])
    run = play([course_status(enrollment_ids=[JDOE], retries=0)])
    assert run.rc == 0, run.output
    assert run.result["changed"] is True and run.result["learners"][0]["after"]["status"] == "complete"
    assert "could not be read again" in run.output


def test_empty_ids_are_refused_before_any_request(play, lms):
    run = play(
        [
            {
                "name": "Empty",
                "learnops.lms.course_status": {"course_id": "", "date": "2020-07-22", "enrollment_ids": [JDOE]},
            },
        ]
    )
    assert run.rc != 0 and run.result["msg"].startswith("course_id is empty")
    info = play([{"name": "Info", "learnops.lms.course_status_info": {"course_ids": [""]}}])
    assert info.rc != 0 and info.result["msg"].startswith("course_ids[0] is empty")
    program = play([{"name": "Member", "learnops.lms.program_member": {"program_id": "", "usernames": ["user1"]}}])
    assert program.rc != 0 and program.result["msg"].startswith("program_id is empty")
    assert [entry for entry in lms.requests() if entry["operation"] not in ("token", "connect")] == []


def test_exclusive_with_an_empty_list_removes_nobody(play, lms):
    run = play([{"name": "Member", "learnops.lms.program_member": {"program_id": PROGRAM, "exclusive": True}}])
    assert run.rc != 0 and "allow_empty=true" in run.result["msg"]
    program = next(p for p in lms.state()["edubrite"]["programs"] if p["id"] == PROGRAM)
    assert len(program["members"]) == 2 and writes(lms.requests(), WRITES) == []


def test_epoch_seconds_are_refused(play, lms):
    task = {"program_id": PROGRAM, "usernames": ["user1"], "due_date": 1767571200}
    run = play([{"name": "Member", "learnops.lms.program_member": task}])
    assert (
        run.rc != 0
        and "probably epoch seconds" in run.result["msg"]
        and "2026-01-05T00:00:00+00:00" in run.result["msg"]
    )
    assert writes(lms.requests(), WRITES) == []


def test_match_date_never_replaces_a_passed_learner(play, lms):
    run = play([course_status(date="2020-07-01", match_date=True, learners=[{"login": "mgarcia"}, {"login": "ltan"}])])
    assert run.rc == 0, run.output
    assert [e["changed"] for e in run.result["learners"]] == [False, False]  # ltan: complete on 2020-07-01 already
    assert writes(lms.requests(), WRITES) == []


def test_many_unknown_learners_make_a_short_message_and_a_full_list(play, lms):
    """The message and ``missing`` name the first 10 and the count; ``not_found`` has every one.
    Before (issue 28 item 11) ``missing`` listed every one too: 20,000 unknown learners in three
    failing tasks printed 3.7 MB, 2 MB of it ``missing`` and ``unknown``."""
    ghosts = ["e0000000-0000-0000-0000-%012d" % n for n in range(25)]
    run = play([course_status(enrollment_ids=ghosts)], verbosity=0)
    assert run.rc != 0
    assert "25 learner(s) cannot be found" in run.result["msg"] and "and 15 more" in run.result["msg"]
    why = "learner enrollment_id=%s (no such enrollment in the course)"
    assert run.result["missing"] == [why % ghost for ghost in ghosts[:10]]
    assert run.result["not_found"] == {"enrollment_id": ghosts}
    # the printed failure names the 11th only in not_found (before: in missing too)
    assert run.result["msg"].count("e0000000-") == 10 and "enrollment_id=%s" % ghosts[10] not in run.output


def test_connection_failures_say_what_happened(play):
    dns = play(
        [{"name": "DNS", "learnops.lms.course_status_info": {"course_ids": [COURSE], "api_url": "https://lms.invalid"}}]
    )
    assert dns.rc != 0 and "cannot be resolved (DNS)" in dns.result["msg"]
    refused = play(
        [
            {
                "name": "Refused",
                "learnops.lms.course_status_info": {
                    "course_ids": [COURSE],
                    "api_url": "http://127.0.0.1:9",
                    "retries": 0,
                },
            }
        ]
    )
    assert refused.rc != 0 and "the connection to 127.0.0.1:9 was refused" in refused.result["msg"]
    assert "throttling" not in refused.result["msg"] and "Errno" not in refused.result["msg"]


def test_too_many_sessions_is_named_first(play, lms):
    lms.settings(max_sessions=1)
    first = play([{"name": "Info", "learnops.lms.program_member_info": {"program_id": PROGRAM}}])
    assert first.rc == 0, first.output
    second = play([{"name": "Info", "learnops.lms.program_member_info": {"program_id": PROGRAM}}])
    assert second.rc != 0
    assert "because too many API sessions of the site are open" in second.result["msg"]


def test_info_filters_name_what_has_no_result_and_results_carry_logins(play, lms):
    run = play(
        [
            {
                "name": "Info",
                "learnops.lms.course_status_info": {"course_ids": [COURSE], "enrollment_ids": [JDOE, "e-typo"]},
            }
        ]
    )
    assert run.rc != 0 and run.result["not_found"] == {"enrollment_id": ["e-typo"]}
    found = play(
        [{"name": "Info", "learnops.lms.course_status_info": {"course_ids": [COURSE], "enrollment_ids": [JDOE]}}]
    )
    assert found.rc == 0, found.output
    [result] = found.result["results"]
    assert (result["login"], result["email"]) == ("jdoe", "jdoe@example.com")
    members = play(
        [{"name": "Members", "learnops.lms.program_member_info": {"program_id": PROGRAM, "usernames": ["ghost"]}}]
    )
    assert members.rc != 0 and members.result["not_found"] == {"username": ["ghost"]}


def test_max_changes_stops_a_too_large_plan_before_any_write_on_every_state_module(play, lms):
    tasks = [
        course_status(enrollment_ids=[JDOE, ASMITH], max_changes=1),
        {
            "name": "Members",
            "learnops.lms.program_member": {
                "program_id": PROGRAM,
                "usernames": ["user1"],
                "exclusive": True,
                "max_changes": 0,
            },
        },
        {
            "name": "Enrollments",
            "learnops.lms.course_enrollment": {
                "course_id": COURSE,
                "logins": ["jdoe"],
                "exclusive": True,
                "max_changes": 1,
            },
        },
    ]
    for task in tasks:
        for check in (True, False):
            run = play([task], check=check)
            assert run.rc != 0 and "more than max_changes" in run.result["msg"], run.output
    assert writes(lms.requests()) == []


def test_small_input_mistakes_end_in_one_message_naming_them(play, lms):
    """Issue 28, item 11: an end date before the start date, a non-finite timeout, a port out of
    range and a malformed IPv6 URL each fail before any request with a message naming them (they
    were accepted, or ended in a raw exception)."""
    member = {
        "program_id": PROGRAM,
        "start_date": "2026-02-01",
        "members": [{"username": "user1", "end_date": "2026-01-31"}],
    }
    cases = [
        ({"learnops.lms.program_member": member}, "member username=user1: end_date 2026-01-31"),
        (course_status(logins=["jdoe"], timeout=float("nan")), "timeout must be a finite number, not nan."),
        (course_status(logins=["jdoe"], api_url="https://lms.example.com:99999"), "is not a valid URL"),
        (course_status(logins=["jdoe"], api_url="https://[::1/x"), "is not a valid URL (Invalid IPv6 URL)"),
    ]
    for task, words in cases:
        run = play([dict(task, name="Mistake")])
        assert run.rc != 0 and words in run.result["msg"], run.output
        assert "Traceback" not in run.output
    assert lms.requests() == []
