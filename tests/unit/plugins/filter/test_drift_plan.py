# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan as data (drift_plan) and the check of a reviewed plan (drift_plan_compare); end to
end through ansible-playbook in tests/integration/test_plan_file.py."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json

from ansible_collections.learnops.lms.plugins.filter.drift_plan import (
    FilterModule,
    drift_plan,
    drift_plan_compare,
    states_checksum,
)
from ansible_collections.learnops.lms.plugins.filter.drift_report import drift_rows

BEFORE = {"status": "in_progress", "completion_date": None, "progress": 50, "awarded_score": None}
AFTER = dict(BEFORE, status="complete", completion_date="2024-05-01")
USERS = [{"login": "ann", "email": "ann@example.com", "password": "s3cret!"}]


def mixed():
    """drift_rows of a plan with a completion, an enrollment, a new member, a user and a group member."""
    return drift_rows(
        {
            "users": {"users": [{"login": "ann", "changed": True, "before": None, "after": {"email": "a@x"}}]},
            "groups": {
                "results": [
                    {
                        "declared_group": {"name": "g"},
                        "group": {},
                        "members": [{"login": "bob", "changed": True, "before": True, "after": False}],
                    }
                ]
            },
            "enrollments": {
                "results": [
                    {
                        "enrollment": {"course_id": "c1"},
                        "enrollments": [
                            {
                                "course_id": "c1",
                                "login": "ann",
                                "changed": True,
                                "before": None,
                                "after": {"due_date": "2024-06-01"},
                            },
                            {"course_id": "c1", "login": "cy", "changed": False, "before": {"due_date": None}},
                        ],
                    }
                ]
            },
            "courses": {
                "results": [
                    {
                        "course": {"course_id": "c1"},
                        "learners": [
                            {"login": "dan", "enrollment_id": "e1", "changed": True, "before": BEFORE, "after": AFTER}
                        ],
                    }
                ]
            },
            "programs": {
                "results": [
                    {
                        "program": {"program_id": "p1"},
                        "members": [
                            {"username": "eve", "changed": True, "before": None, "after": {"status": "ENROLLED"}},
                            {
                                "username": "fay",
                                "changed": True,
                                "before": {"quit": False},
                                "after": {"quit": True},
                                "state": "quit",
                            },
                        ],
                    }
                ]
            },
        }
    )


def test_one_row_per_change_with_its_scope_subject_action_and_fields():
    plan = drift_plan(mixed(), {"learner_states_users": USERS}, "2026-12-06T15:00:00Z")
    assert (plan["format"], plan["format_version"], plan["generated_at"]) == (
        "learnops.lms.plan",
        1,
        "2026-12-06T15:00:00Z",
    )
    assert [
        (r["lms"], r["scope"]["kind"], r["scope"]["id"], r["subject"]["kind"], r["subject"]["id"], r["action"])
        for r in plan["rows"]
    ] == [
        ("iSpring Learn", "user list", "learner_states_users", "user", "login ann", "create"),
        ("iSpring Learn", "group", "g", "member", "login bob", "remove"),
        ("iSpring Learn", "course", "c1", "learner", "login ann", "enroll"),
        ("iSpring Learn", "course", "c1", "learner", "login dan", "complete"),
        ("EduBrite", "program", "p1", "member", "username eve", "add"),
        ("EduBrite", "program", "p1", "member", "username fay", "quit"),
    ]
    assert plan["rows"][3]["fields"] == {
        "completion_date": {"current": None, "wanted": "2024-05-01"},
        "status": {"current": "in_progress", "wanted": "complete"},
    }
    assert plan["counts"] == {
        "total": 6,
        "by_action": {"add": 1, "complete": 1, "create": 1, "enroll": 1, "quit": 1, "remove": 1},
    }
    assert plan["complete"] is True and "s3cret" not in json.dumps(plan)


def test_the_checksum_is_sha256_of_the_canonical_states_without_passwords():
    states = {"learner_states_users": USERS, "learner_states_course_completions": [{"date": datetime.date(2024, 5, 1)}]}
    expected = {
        "learner_states_course_completions": [{"date": "2024-05-01"}],
        "learner_states_course_enrollments": [],
        "learner_states_departments": [],
        "learner_states_groups": [],
        "learner_states_program_memberships": [],
        "learner_states_users": [{"email": "ann@example.com", "login": "ann"}],
    }
    text = json.dumps(expected, sort_keys=True, separators=(",", ":")).encode()
    assert states_checksum(states) == hashlib.sha256(text).hexdigest()
    other_password = {"learner_states_users": [dict(USERS[0], password="other")]}
    assert states_checksum(other_password) == states_checksum({"learner_states_users": USERS})
    assert states_checksum({"learner_states_users": [dict(USERS[0], email="b@x")]}) != states_checksum(states)


def test_the_same_plan_made_later_is_the_reviewed_one():
    reviewed = json.loads(json.dumps(drift_plan(mixed(), {}, "2026-12-06T15:00:00Z")))
    later = drift_plan(mixed(), {}, "2026-12-07T09:00:00Z")
    later["rows"].reverse()
    assert drift_plan_compare(later, reviewed) == {
        "same": True,
        "problems": [],
        "added": [],
        "removed": [],
        "changed": [],
    }


def test_a_different_plan_says_what_was_added_removed_and_changed_and_the_checksum():
    reviewed = drift_plan(mixed(), {}, "t")
    now = copy.deepcopy(reviewed)
    dropped = now["rows"].pop(0)
    now["rows"][2]["fields"]["status"]["wanted"] = "passed"
    now["rows"].append(dict(dropped, subject={"kind": "user", "id": "login zed"}))
    now["checksum"]["states"] = "0" * 64
    found = drift_plan_compare(now, reviewed)
    assert found["same"] is False and (len(found["added"]), len(found["removed"]), len(found["changed"])) == (1, 1, 1)
    problems = found["problems"]
    assert problems[0].startswith(
        "the declared states changed since the review (checksum %s" % reviewed["checksum"]["states"]
    )
    assert problems[1] == "the changes differ from the reviewed ones: 1 added, 1 removed, 1 changed"
    assert problems[2].startswith("added: user list learner_states_users, user login zed: create")
    assert problems[3].startswith("removed: user list learner_states_users, user login ann: create")
    assert problems[4] == (
        'changed: course c1, learner login dan: reviewed complete (completion_date null -> "2024-05-01", '
        'status "in_progress" -> "complete"), now complete (completion_date null -> "2024-05-01", '
        'status "in_progress" -> "passed")'
    )


def test_a_plan_that_cannot_be_read_completely_or_a_file_that_is_no_plan_is_not_the_reviewed_one():
    reviewed = drift_plan(mixed(), {}, "t")
    broken = dict(reviewed, complete=False, errors=[{"subject": "course c2", "msg": "HTTP 500"}])
    assert drift_plan_compare(broken, reviewed)["problems"] == [
        "the plan cannot be computed completely now: course c2: HTTP 500"
    ]
    assert drift_plan_compare(reviewed, {"rows": []})["same"] is False
    assert set(FilterModule().filters()) == {"drift_plan", "drift_plan_compare"}


def removal(status, day=None):
    """drift_rows of an exclusive entry removing gus, whose result in c1 is ``status``."""
    entry = {"course_id": "c1", "login": "gus", "changed": True, "before": {"access_date": "2024-01-02"}}
    entry.update(after=None, removed_by_exclusive=True, completion_status=status, completion_date=day)
    return drift_rows({"enrollments": {"results": [{"enrollment": {"course_id": "c1"}, "enrollments": [entry]}]}})


def test_a_removal_row_holds_the_result_it_takes_so_a_result_earned_after_the_review_is_a_difference():
    reviewed = drift_plan(removal("in_progress"), {}, "t")
    assert reviewed["rows"][0]["fields"]["completion_status"] == {"current": "in_progress", "wanted": None}
    found = drift_plan_compare(drift_plan(removal("passed", "2024-05-01"), {}, "t"), reviewed)
    assert found["same"] is False and len(found["changed"]) == 1, found
    assert 'completion_status "in_progress" -> null' in found["problems"][-1]
    assert 'completion_date "2024-05-01" -> null' in found["problems"][-1]


def test_a_plan_over_max_changes_is_not_applied_in_part_nor_when_the_reviewed_one_was():
    refused = [{"subject": "course c1", "msg": "more than max_changes", "planned": {"to complete": 3}}]
    reviewed = drift_plan(dict(mixed(), over_guard=refused), {}, "t")
    found = drift_plan_compare(drift_plan(dict(mixed(), over_guard=refused), {}, "t"), reviewed)
    assert found["same"] is False and found["problems"] == [
        "converging would refuse course c1 (3 changes) over learner_states_max_changes and stop there, after the"
        " writes of the tasks before it, so the plan cannot be applied whole: if those changes are meant, make the"
        " plan again with the learner_states_max_changes of the run that applies it"
    ]
    raised = drift_plan_compare(drift_plan(mixed(), {}, "t"), reviewed)  # the limit raised for the apply
    assert raised["same"] is False and raised["problems"][0].startswith(
        "the reviewed plan has course c1 (3 changes) over learner_states_max_changes (converging would have"
    )


def test_a_plan_file_edited_by_hand_or_no_json_is_named_not_a_raw_error():
    now = drift_plan(mixed(), {}, "t")
    text = json.dumps(now)
    assert drift_plan_compare(now, text)["same"] is True  # the file's text, parsed here
    broken = [
        ("not json {", "the plan file is not JSON (Expecting value: line 1 column 1 (char 0)): give the JSON"),
        ("null", "the plan file is not a plan of learnops.lms (format learnops.lms.plan expected)"),
        (dict(now, rows={"a": 1}), "the plan file's rows is not as the drift report writes them (edited by hand?)"),
        (dict(now, checksum="abc", rows=["x"]), "the plan file's checksum and rows are not as the drift report"),
        (dict(now, rows=[dict(now["rows"][0], fields={"status": "done"})]), "the plan file's rows is not as"),
        (dict(now, over_guard=["course c1"]), "the plan file's over_guard is not as the drift report writes them"),
    ]
    for reviewed, problem in broken:
        found = drift_plan_compare(now, reviewed)
        assert found["same"] is False and found["problems"][0].startswith(problem), (reviewed, found)
