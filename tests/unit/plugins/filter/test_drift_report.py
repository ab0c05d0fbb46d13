# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report's filters (the role learner_states, entry point drift_report); the report's
content end to end is proven by the integration tests of the drift report."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.filter.drift_plan import drift_plan
from ansible_collections.learnops.lms.plugins.filter.drift_report import (
    FilterModule,
    drift_markdown,
    drift_retry,
    drift_rows,
)

BEFORE = {"status": "in_progress", "completion_date": None, "progress": 50, "awarded_score": None}
AFTER = dict(BEFORE, status="complete", completion_date="2024-05-01")


def learner(login, changed=True):
    return {"login": login, "enrollment_id": "e-" + login, "changed": changed, "before": BEFORE, "after": AFTER}


def registered(*courses):
    return {"courses": {"results": list(courses)}, "programs": {"results": [], "skipped": True}}


def test_a_course_over_max_changes_is_shown_and_marked_not_an_error():
    refused = {
        "failed": True,
        "msg": "The task would change 2 learner(s), more than max_changes (1): ...",
        "planned": {"to complete": 2},
        "learners": [learner("ann"), learner("bob")],
        "course": {"course_id": "c1"},
    }
    found = drift_rows(registered(refused))
    assert found["errors"] == []
    assert found["over_guard"] == [{"subject": "course c1", "msg": refused["msg"], "planned": {"to complete": 2}}]
    assert [(row["learner"], row["differs"]) for row in found["rows"]] == [("login ann", True), ("login bob", True)]
    assert found["rows"][0]["after"] == "complete on 2024-05-01, progress 50"
    text = drift_markdown(dict(found, max_changes=1))
    assert "## Over learner_states_max_changes" in text and "| course c1 | 2 (2 to complete) |" in text
    assert "could not be read" not in text


def test_another_failure_is_an_error():
    broken = {"failed": True, "msg": "course_id c2: iSpring knows no such course.", "course": {"course_id": "c2"}}
    found = drift_rows(registered(broken))
    assert found["errors"] == [{"subject": "course c2", "msg": broken["msg"]}] and found["rows"] == []


def test_learners_not_found_are_asked_again_without_them_and_their_rows_say_why():
    first = {
        "failed": True,
        "not_found": {"login": ["ghost", "kim"], "enrollment_id": ["e-9"]},
        "not_enrolled": {"login": ["kim"]},
        "course": {
            "course_id": "c1",
            "logins": ["ann", "ghost", "kim"],
            "learners": [{"login": "ghost", "status": "passed"}, {"enrollment_id": "e-9"}],
        },
    }
    retry = drift_retry(registered(first))
    assert retry["courses"] == [
        {"course_id": "c1", "logins": ["ann"], "learners": [], "enrollment_ids": [], "user_ids": [], "emails": []}
    ]
    second = registered({"learners": [learner("ann", changed=False)], "course": retry["courses"][0]})
    rows = drift_rows(registered(first), second)["rows"]
    assert [(row["learner"], row["before"], row["differs"], row["note"]) for row in rows] == [
        ("login ann", "in_progress, progress 50", False, ""),
        ("login ghost", "not found", True, "no active user"),
        ("login kim", "not found", True, "not enrolled in the course"),
        ("enrollment e-9", "not found", True, "no such enrollment in the course"),
    ]


def test_the_printed_copy_has_the_first_rows_and_says_how_many_more_the_file_has():
    course = {"learners": [learner("l%02d" % n) for n in range(30)], "course": {"course_id": "c"}}
    found = drift_rows(registered(course))
    full, printed = drift_markdown(found), drift_markdown(found, 5, "/reports/drift.md")
    assert full.count("| login l") == 30 and "not printed" not in full
    assert printed.count("| login l") == 5
    assert printed.endswith("\n... and 25 more row(s), not printed: the full report is /reports/drift.md\n")
    assert drift_markdown(found, 0, "r.md").count("| login l") == 0  # the summary only
    assert "| iSpring Learn | completions of course `c` | 30 | 0 | 30 |" in printed


def test_cells_are_escaped():
    row = {"section": "program", "subject": "p|1", "learner": "username a|b", "before": "x\ny", "after": ""}
    text = drift_markdown({"rows": [dict(row, differs=True, note="")], "errors": [], "over_guard": []})
    assert "| username a\\|b | x y |  |  |" in text and "program `p\\|1`" in text


def test_the_filters_are_registered():
    assert set(FilterModule().filters()) == {"drift_retry", "drift_rows", "drift_markdown"}


def test_results_by_position_take_their_entry_from_the_entries():
    """The role's tasks loop over the entries' positions (the loop item is not copied into each
    result): a result holds its position, and the entry comes from ``entries``; a not-found result
    is not failed (the role reports it in a task of its own) but still asked again."""
    entries = [{"course_id": "c0", "logins": ["ann"]}, {"course_id": "c1", "logins": ["ann", "ghost"]}]
    results = [
        {"__learner_states_position": 0, "learners": [learner("ann")]},
        {"__learner_states_position": 1, "failed": False, "not_found": {"login": ["ghost"]}, "msg": "..."},
    ]
    first = dict(registered(*results), entries={"courses": entries})
    retry = drift_retry(first)
    assert [(course["course_id"], course["logins"]) for course in retry["courses"]] == [("c1", ["ann"])]
    second = registered({"__learner_states_position": 0, "learners": [learner("ann", changed=False)]})
    found = drift_rows(first, second)
    assert found["errors"] == []
    assert [(row["subject"], row["learner"], row["differs"]) for row in found["rows"]] == [
        ("c0", "login ann", True),
        ("c1", "login ann", False),
        ("c1", "login ghost", True),
    ]


def test_people_rows_come_from_the_modules_check_mode_results():
    """Departments, users and groups (issue 25): a row per department, user and member, as the
    modules' results say; the new users a group is to gain (left out of its check-mode task, they
    do not exist yet) are rows too; no password ever."""
    departments = {
        "changed": True,
        "departments": [
            {"code": "SALES", "changed": False, "before": {"name": "Sales", "parent": None},
             "after": {"name": "Sales"}},
            {"code": "EU", "changed": True, "before": None, "after": {"name": "Europe", "parent": None}},
            {"code": "SALES-EMEA", "changed": True, "before": {"name": "emea", "parent": "SALES"},
             "after": {"name": "Sales EMEA", "parent": "EU"}},
        ],
    }  # fmt: skip
    users = {
        "changed": True,
        "users": [
            {"login": "pnew", "changed": True, "before": None,
             "after": {"login": "pnew", "email": "p@x.org", "department": "EU", "status": "active", "groups": []}},
            {"login": "bjones", "changed": False, "before": {"status": "inactive"}, "after": {"status": "inactive"}},
        ],
    }  # fmt: skip
    groups = {
        "results": [
            {"declared_group": {"name": "Team EU", "logins": ["kwong", "pnew"]}, "changed": True,
             "group": {"created": True},
             "members": [{"login": "kwong", "changed": True, "before": False, "after": True}]},
            {"declared_group": {"name": "Managers", "logins": ["admin"], "exclusive": True}, "changed": True,
             "group": {"created": False}, "members": [
                 {"login": "admin", "changed": False, "before": True, "after": True},
                 {"login": "owner", "changed": True, "before": True, "after": False, "removed_by_exclusive": True}]},
            {"skipped": True},
        ]
    }  # fmt: skip
    found = drift_rows({"departments": departments, "users": users, "groups": groups})
    shown = [(r["section"], r["subject"], r["learner"], r["before"], r["after"], r["differs"]) for r in found["rows"]]
    assert shown == [
        ("department", "learner_states_departments", "code SALES", "name Sales", "", False),
        ("department", "learner_states_departments", "code EU", "does not exist", "name Europe", True),
        ("department", "learner_states_departments", "code SALES-EMEA", "name emea, parent SALES",
         "name Sales EMEA, parent EU", True),
        ("user", "learner_states_users", "login pnew", "does not exist",
         "email p@x.org, department EU, status active", True),
        ("user", "learner_states_users", "login bjones", "status inactive", "", False),
        ("group", "Team EU", "login kwong", "not a member", "member", True),
        ("group", "Team EU", "login pnew", "not a member", "member", True),
        ("group", "Managers", "login admin", "member", "", False),
        ("group", "Managers", "login owner", "member", "not a member", True),
    ]  # fmt: skip
    assert found["rows"][5]["note"] == "the group is created"
    assert found["errors"] == []
    text = drift_markdown(found)
    assert "| iSpring Learn | members of group `Team EU` | 2 | 0 | 2 |" in text
    assert "`learner_states_departments`, `learner_states_users`, `learner_states_groups`" in text


def test_an_unknown_audience_is_asked_again_without_it_and_its_row_says_why():
    failed = {
        "failed": True,
        "enrollment": {"course_id": "c1", "departments": ["SALEZ", "ENG"], "groups": ["Ghosts"], "logins": ["jdoe"]},
        "not_found": {"department": ["SALEZ"], "group": ["Ghosts"]},
    }
    again = drift_retry({"enrollments": {"results": [failed]}})["enrollments"]
    expected = {"course_id": "c1", "departments": ["ENG"], "groups": [], "logins": ["jdoe"], "emails": []}
    assert again == [dict(expected, learners=[])]
    rows = drift_rows({"enrollments": {"results": [failed]}}, {"enrollments": {"results": [{"enrollments": []}]}})
    shown = [(r["learner"], r["before"], r["note"]) for r in rows["rows"]]
    assert shown == [
        ("department SALEZ", "not found", "no such department in the account"),
        ("group Ghosts", "not found", "no such group in the account"),
    ]


def test_a_group_to_rename_is_a_row_and_a_rename_in_the_plan():
    """ispring_group's group.renamed_from (group_id and a new name): a row of the group's name, and
    the plan's action for it is "rename"."""
    groups = {
        "results": [
            {"declared_group": {"group_id": "g1", "name": "Line managers"}, "changed": True,
             "group": {"name": "Line managers", "renamed_from": "Managers"},
             "members": [{"login": "admin", "changed": False, "before": True, "after": True}]},
        ]
    }  # fmt: skip
    found = drift_rows({"groups": groups})
    shown = [(r["learner"], r["before"], r["after"], r["differs"]) for r in found["rows"]]
    assert shown == [
        ("login admin", "member", "", False),
        ("(the group's name)", "name Managers", "name Line managers", True),
    ]
    [row] = drift_plan(found, {})["rows"]
    assert (row["action"], row["subject"]["kind"]) == ("rename", "group")
    assert row["fields"] == {"name": {"current": "Managers", "wanted": "Line managers"}}
