# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters exported_states and exported_states_file of the playbook export_states: what the
info modules read, as states a person would write, that the role's own checks accept."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.learnops.lms.plugins.filter.exported_states import (
    FilterModule,
    exported_states,
    exported_states_file,
    without_credentials,
)
from ansible_collections.learnops.lms.plugins.filter.states_problems import states_problems

ROLE_SPECS = os.path.join(os.path.dirname(__file__), "../../../../roles/learner_states/meta/argument_specs.yml")
COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"


def enrollment(login, **values):
    name = login or "x"
    record = dict(
        course_id=COURSE, enrollment_id="e-" + name, user_id="u-" + name, login=login, email=name + "@example.com",
        access_date="2020-07-10", due_date=None, lock_after_due_date=False, enrolled_by="administrator",
    )  # fmt: skip
    record.update(values)
    return record


def result(login, status, completion_date=None, **values):
    record = dict(course_id=COURSE, enrollment_id="e-" + login, user_id="u-" + login, login=login, email=None)
    record.update(status=status, completion_date=completion_date, progress=50.0, **values)
    return record


def member(username, quit=False, **record):
    full = dict(status="ENROLLED", quit=quit, awarded=False, score=None)
    for option in ("start_date", "end_date", "due_date", "award_date", "award_expiry_date"):
        full.setdefault(option, None)
        full[option + "_ms"] = record.pop(option, None)
    full.update(record)
    return dict(username=username, user_id="id-" + username, open_id=None, record=full)


READS = {
    "enrollments": [
        enrollment("kwong", due_date="2020-08-31", lock_after_due_date=True),
        enrollment("asmith", enrolled_by="catalog"),
        enrollment(None, email=None, user_id="u-inactive"),
        enrollment(None, email="nologin@example.com"),
    ],
    "results": [
        result("ltan", "complete", "2020-07-01T00:00:00Z"),
        result("mgarcia", "passed", "2020-06-30T14:12:00Z"),
        result("kwong", "in_progress"),
        result("jdoe", "not_started"),
    ],
    "programs": [
        {
            "program": {"ext_id": "ONBOARDING"},
            "members": [
                member("user1", start_date=1595376000000),
                member("user2", start_date=1593561600000, award_date=1595894400123, awarded=True, score=92.5),
                member("user3", quit=True, start_date=1590969600000),
            ],
        },
        {"program": {"program_id": "empty"}, "members": []},
    ],
}


def test_what_a_person_would_declare():
    states = exported_states(READS)
    assert states["learner_states_course_enrollments"] == [
        {
            "course_id": COURSE,
            "learners": [
                {"login": "kwong", "access_date": "2020-07-10", "due_date_type": "due_date", "due_date": "2020-08-31",
                 "lock_after_due_date": True},
                {"user_id": "u-inactive", "access_date": "2020-07-10", "due_date_type": "unlimited",
                 "lock_after_due_date": False},
                {"email": "nologin@example.com", "access_date": "2020-07-10", "due_date_type": "unlimited",
                 "lock_after_due_date": False},
            ],
        }
    ]  # the catalog's enrollment is the learner's own  # fmt: skip
    # the manual completion with its day; passed and automatic progress are left to the LMS
    assert states["learner_states_course_completions"] == [
        {"course_id": COURSE, "status": "complete", "learners": [{"login": "ltan", "date": "2020-07-01"}]}
    ]
    # midnight UTC is a day, another moment ISO 8601; who quit in quit; an empty program left out
    assert states["learner_states_program_memberships"] == [
        {
            "ext_id": "ONBOARDING",
            "members": [
                {"username": "user1", "start_date": "2020-07-22"},
                {"username": "user2", "start_date": "2020-07-01", "award_date": "2020-07-28T00:00:00.123+00:00",
                 "awarded": True, "score": 92.5},
            ],
            "quit": ["user3"],
        }
    ]  # fmt: skip


def test_the_role_accepts_what_is_exported():
    with open(ROLE_SPECS, encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    assert states_problems(exported_states(READS), specs, "soap") == []


def test_nothing_read_is_no_state():
    assert exported_states({"enrollments": [], "results": [result("kwong", "in_progress")], "programs": []}) == {}


@pytest.mark.parametrize(
    "reads, words",
    [
        ({"results": [result("ltan", "complete")]}, "has no date in iSpring's reply"),
        ({"programs": [{"program": {"program_id": "a", "ext_id": "b"}, "members": []}]}, "program_id or by ext_id"),
        ({"enrollments": [enrollment(None, email=None, user_id=None)]}, "names no learner"),
    ],
    ids=["completion-without-date", "program-named-twice", "learner-without-name"],
)
def test_what_cannot_be_declared_is_named(reads, words):
    with pytest.raises(ValueError, match=words):
        exported_states(reads)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://user:secret@acme.ispringlearn.com:8443/api?token=abc#x", "https://acme.ispringlearn.com:8443/api"),
        ("https://acme.edubrite.com", "https://acme.edubrite.com"),
        ("", None),
    ],
)
def test_urls_are_shown_without_credentials(url, shown):
    assert without_credentials(url) == shown


def test_the_file_has_a_header_and_the_states():
    text = exported_states_file(
        READS, {"iSpring Learn": "https://id:pw@acme.ispringlearn.com", "EduBrite": ""}, "2026-12-06T15:00:00Z"
    )
    header, body = text.split("\n---\n")
    assert header.splitlines()[:2] == [
        "# Learner states exported by learnops.lms.export_states at 2026-12-06T15:00:00Z",
        "#   from iSpring Learn https://acme.ispringlearn.com",
    ]
    assert "pw" not in text and "EduBrite" not in text
    assert yaml.safe_load(body) == exported_states(READS)
    assert exported_states_file({}, {}, "now").endswith("---\n{}\n")


def test_the_filters_are_registered():
    assert sorted(FilterModule().filters()) == ["exported_states", "exported_states_file"]


TREE = [
    dict(department_id="d0", name="Company", code=None, parent_id=None, parent=None),
    dict(department_id="d1", name="Sales", code="SALES", parent_id="d0", parent=None),
    dict(department_id="d2", name="Sales EMEA", code="SALES-EMEA", parent_id="d1", parent="SALES"),
    dict(department_id="d3", name="Projects", code=None, parent_id="d0", parent=None),
    dict(department_id="d4", name="Apollo", code="APOLLO", parent_id="d3", parent=None),
]
USERS = [
    dict(user_id="u1", login="jdoe", email="jdoe@example.com", first_name="John", last_name=None,
         department_id="d2", department="SALES-EMEA", status="active", role="learner", groups=["All sales"]),
    dict(user_id="u2", login="bjones", email="bjones@example.com", first_name=None, last_name=None,
         department_id="d0", department=None, status="inactive", role="learner", groups=["All sales", "Old"]),
]  # fmt: skip


def test_the_people_as_a_person_declares_them():
    states = exported_states({"departments": TREE, "users": USERS, "groups": ["All sales", "Empty"]})
    # the root is not declared; a department under a parent without a code cannot name it: left out
    assert states["learner_states_departments"] == [
        {"code": "SALES", "name": "Sales"},
        {"code": "SALES-EMEA", "name": "Sales EMEA", "parent": "SALES"},
        {"name": "Projects"},
    ]
    assert states["learner_states_users"] == [
        {"login": "jdoe", "email": "jdoe@example.com", "first_name": "John", "department": "SALES-EMEA",
         "role": "learner", "status": "active"},
        {"login": "bjones", "email": "bjones@example.com", "department": "d0", "role": "learner", "status": "inactive"},
    ]  # the root department by its ID (it has no code); no password  # fmt: skip
    # an inactive member by user ID; a group with no member among the users is left out
    assert states["learner_states_groups"] == [{"name": "All sales", "members": [{"login": "jdoe"}, {"user_id": "u2"}]}]
    with open(ROLE_SPECS, encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    assert states_problems(dict(states, **exported_states(READS)), specs, "soap") == []
    header = exported_states_file({"departments": TREE}, {}, "now").split("\n---\n")[0]
    assert "# Not exported (the parent department has no code to name it by): Apollo" in header


ACCOUNT_GROUPS = [
    dict(group_id="g1", name="All sales", smart=True, users_count=2),
    dict(group_id="g2", name="Old", smart=False, users_count=None),
]


def test_a_smart_group_is_not_declared_and_the_header_says_so():
    # a smart group's members follow its rules (ispring_group refuses to change them): declaring
    # them would fail the converge as soon as the rules move someone
    reads = {"departments": TREE, "users": USERS, "groups": ["All sales", "Old"], "account_groups": ACCOUNT_GROUPS}
    assert exported_states(reads)["learner_states_groups"] == [{"name": "Old", "members": [{"user_id": "u2"}]}]
    header = exported_states_file(reads, {}, "now").split("\n---\n")[0]
    assert "# smart group All sales: its members follow its rules; not declared" in header
    assert "Old" not in header
