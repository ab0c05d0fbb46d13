# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan as data and the reviewed plan (issue 26 items 2 and 3), through the collection's
playbooks by name: the drift report writes the plan as JSON beside the Markdown, with every change
of a mixed plan (the example's enrollments, completions and program members, and its people);
converge with learner_states_plan_file applies it when it is still the plan, and fails before any
write, saying what differs, when the tenant changed since the review."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
import yaml

from .helpers import WRITES, writes
from .runner import ROLE_PASSWORD, SEED_TOKEN
from .test_playbooks import COURSE, SAFETY, by_name, report_rows, task_results
from .test_role_people import states_file

# The example's first declared completion (Information Security Basics): a person completes it in
# the LMS's UI, with another date, after the review.
REVIEWED_ENROLLMENT = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"
# jdoe's enrollment in Workplace Safety (not started in the fixture).
JDOE_SAFETY = "9e4b7c30-c1ae-11ea-8592-a6eabe180101"


def plan_of(tmp_path):
    with open(tmp_path / "drift-report.json", encoding="utf-8") as handle:
        return json.load(handle)


def complete_in_the_ui(lms, day, course=COURSE, enrollment=REVIEWED_ENROLLMENT):
    """What a person does in the LMS between the review and the apply (the REST call the UI makes)."""
    body = {"courseId": course, "enrollmentIds": [enrollment], "status": "complete", "date": day}
    request = urllib.request.Request(
        lms.rest_url("/statistics/course"),
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + SEED_TOKEN},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200


def test_the_plan_json_lists_every_change_and_the_reviewed_plan_applies_then_nothing_changes(lms, tmp_path):
    """One user's path: drift report (Markdown and JSON), converge with that plan file, rerun."""
    states = states_file(tmp_path)
    drift = by_name(lms, tmp_path, "drift_report", "-e", states)
    assert drift.rc == 0, drift.output
    rows, errors = report_rows(drift)
    plan = plan_of(tmp_path)
    assert (plan["format"], plan["format_version"], plan["complete"]) == ("learnops.lms.plan", 1, True)
    assert plan["generated_at"].endswith("Z") and len(plan["checksum"]["states"]) == 64
    # one row per change of the report, every kind of the mixed plan
    assert len(plan["rows"]) == len([row for row in rows if row["differs"]]) == plan["counts"]["total"]
    assert {(row["section"], row["action"]) for row in plan["rows"]} >= {
        ("department", "create"),
        ("user", "create"),
        ("group", "add"),
        ("enrollment", "enroll"),
        ("course", "complete"),
        ("program", "add"),
    }
    by_action = {}
    for row in plan["rows"]:
        by_action[row["action"]] = by_action.get(row["action"], 0) + 1
    assert plan["counts"]["by_action"] == by_action
    [pnew] = [row for row in plan["rows"] if row["subject"] == {"kind": "user", "id": "login pnew"}]
    assert pnew["scope"] == {"kind": "user list", "id": "learner_states_users"} and pnew["fields"]["login"] == {
        "current": None,
        "wanted": "pnew",
    }
    assert ROLE_PASSWORD not in (tmp_path / "drift-report.json").read_text()
    assert writes(lms.requests(), WRITES) == []

    applied = by_name(lms, tmp_path, "converge", "-e", states, "-e", "learner_states_plan_file=drift-report.json")
    assert applied.rc == 0, applied.output
    assert list(task_results(applied, "The plan converging would apply is the reviewed one"))[-1]["changed"] is False
    assert writes(lms.requests(), WRITES) != []
    lms.clear_requests()
    again = by_name(lms, tmp_path, "converge", "-e", states)
    assert again.rc == 0 and "changed=0" in again.output, again.output
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_a_plan_reviewed_before_a_change_in_the_lms_fails_converge_before_any_write(lms, tmp_path):
    """The tenant changed between the review and the apply (a person completed a learner of the
    plan in the LMS, on another day: course_status then leaves her be, so the reviewed row is gone):
    converge reads, compares, names the row that differs, and writes nothing; the states changed
    too: the checksum differs."""
    states = states_file(tmp_path)
    drift = by_name(lms, tmp_path, "drift_report", "-e", states, "-e", "learner_states_report_print=false")
    assert drift.rc == 0, drift.output
    reviewed = plan_of(tmp_path)
    [row] = [r for r in reviewed["rows"] if r["subject"]["id"] == "enrollment " + REVIEWED_ENROLLMENT]
    assert row["action"] == "complete", row
    complete_in_the_ui(lms, "2020-07-01")
    reviewed["checksum"]["states"] = "0" * 64  # as if the states file had changed since the review
    (tmp_path / "reviewed.json").write_text(json.dumps(reviewed))
    lms.clear_requests()

    refused = by_name(lms, tmp_path, "converge", "-e", states, "-e", "learner_states_plan_file=reviewed.json")
    assert refused.rc != 0, refused.output
    assert writes(lms.requests(), WRITES) == [] and lms.requests() != []  # read, compared, nothing written
    # and said so: the check-mode pass's "would change" is not counted as changed
    assert re.search(r"localhost +: ok=\d+ +changed=0 +unreachable=0 +failed=1", refused.output), refused.output
    msg = refused.result["msg"]
    assert refused.failed and "The plan converging would apply is not the reviewed one" in msg, refused.output
    assert "the declared states changed since the review (checksum 0000" in msg, msg
    assert "the changes differ from the reviewed ones: 0 added, 1 removed, 0 changed" in msg, msg
    gone = "removed: course %s, learner enrollment %s: complete (completion_date null" % (COURSE, REVIEWED_ENROLLMENT)
    assert gone in msg, msg

    # A plan file broken by hand (no JSON): named, with what to do, not a raw parser error.
    (tmp_path / "reviewed.json").write_text(json.dumps(reviewed)[:-2])
    lms.clear_requests()
    broken = by_name(lms, tmp_path, "converge", "-e", states, "-e", "learner_states_plan_file=reviewed.json")
    assert broken.rc != 0 and writes(lms.requests(), WRITES) == [], broken.output
    assert "the plan file is not JSON (Expecting" in broken.result["msg"], broken.output
    assert "give the JSON the drift report wrote, unedited" in broken.result["msg"], broken.output


@pytest.mark.any_line
def test_a_removal_reviewed_before_the_learner_completed_fails_converge_before_the_result_is_lost(lms, tmp_path):
    """An exclusive entry removes jdoe's enrollment, which has no result at the review; she completes
    the course before the apply.  Removing the enrollment now takes her result with it: the plan is
    not the reviewed one (the learner's result is a field of a removal's row), and nothing is written."""
    entry = {"course_id": SAFETY, "exclusive": True, "logins": ["asmith", "kwong"]}
    states = {"learner_states_course_enrollments": [entry]}
    (tmp_path / "states.yml").write_text(yaml.safe_dump(states))
    drift = by_name(lms, tmp_path, "drift_report", "-e", "@states.yml", "-e", "learner_states_report_print=false")
    assert drift.rc == 0, drift.output
    [row] = plan_of(tmp_path)["rows"]
    assert (row["subject"]["id"], row["action"]) == ("login jdoe", "remove"), row
    assert row["fields"]["completion_status"] == {"current": "not_started", "wanted": None}, row
    complete_in_the_ui(lms, "2020-07-30", SAFETY, JDOE_SAFETY)
    lms.clear_requests()

    plan_file = "learner_states_plan_file=drift-report.json"
    refused = by_name(lms, tmp_path, "converge", "-e", "@states.yml", "-e", plan_file)
    assert refused.rc != 0 and writes(lms.requests(), WRITES) == [], refused.output
    msg = refused.result["msg"]
    assert "the changes differ from the reviewed ones: 0 added, 0 removed, 1 changed" in msg, msg
    assert "changed: course %s, learner login jdoe: reviewed remove (" % SAFETY in msg, msg
    assert 'completion_status "complete" -> null' in msg, msg


@pytest.mark.any_line
def test_a_plan_over_max_changes_is_refused_whole_before_the_writes_of_the_tasks_before_it(lms, tmp_path):
    """Reviewed under learner_states_max_changes=1: bjones back (active again: 1 change) and a course
    that enrolls 2 learners, over the limit (the report lists it as refused).  Applied under the same
    limit, converge would reactivate bjones, then stop at the course: a reviewed plan is applied whole
    or not at all, so it fails before any write, naming the course over the limit."""
    states = {
        "learner_states_users": [{"login": "bjones", "status": "active"}],
        "learner_states_course_enrollments": [{"course_id": SAFETY, "logins": ["ltan", "mgarcia"]}],
    }
    (tmp_path / "states.yml").write_text(yaml.safe_dump(states))
    guard = ("-e", "@states.yml", "-e", "learner_states_max_changes=1")
    drift = by_name(lms, tmp_path, "drift_report", *guard, "-e", "learner_states_report_print=false")
    assert drift.rc == 0, drift.output
    plan = plan_of(tmp_path)
    assert [refused["subject"] for refused in plan["over_guard"]] == ["enrollments in " + SAFETY], plan
    lms.clear_requests()

    applied = by_name(lms, tmp_path, "converge", *guard, "-e", "learner_states_plan_file=drift-report.json")
    assert applied.rc != 0 and writes(lms.requests(), WRITES) == [], applied.output
    assert (
        "converging would refuse enrollments in %s (2 changes) over learner_states_max_changes and stop there" % SAFETY
    ) in applied.result["msg"], applied.output
