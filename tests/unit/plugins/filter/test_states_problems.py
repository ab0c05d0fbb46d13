# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter states_problems, which the role learner_states runs on its states before any task:
the modules' own checks for every entry, entries that declare nobody, entries that contradict
each other.  (tests/integration/test_role_validation.py runs it through the role.)"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.learnops.lms.plugins.filter.states_problems import FilterModule, states_problems

ROLE_SPECS = os.path.join(os.path.dirname(__file__), "../../../../roles/learner_states/meta/argument_specs.yml")
C1, C2 = "c1", "c2"


@pytest.fixture(scope="module")
def specs():
    with open(ROLE_SPECS, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["argument_specs"]["main"]["options"]


def problems(specs, api="soap", **states):
    return states_problems({"learner_states_" + name: entries for name, entries in states.items()}, specs, api)


def test_good_states_have_no_problem(specs):
    found = problems(
        specs,
        course_enrollments=[
            {"course_id": C1, "logins": ["jdoe"], "access_date": "2026-01-05"},
            {"course_id": C2, "exclusive": True, "allow_empty": True},  # empties the course, on purpose
        ],
        course_completions=[
            {"course_id": C1, "date": "2020-07-01", "logins": ["jdoe"]},
            {"course_id": C1, "date": "2020-07-01", "learners": [{"login": "jdoe"}, {"email": "A@x.org"}]},
            {"course_id": "c3", "status": "automatic", "emails": ["a@x.org"]},  # c2 keeps nobody to complete
        ],
        program_memberships=[
            {"ext_id": "P", "usernames": ["u1"], "removed": ["u2"], "quit": ["u3"]},
            {"ext_id": "P", "members": [{"username": "u4", "due_date": "2026-06-30"}]},
            {"program_id": "P", "due_date": "2026-06-30", "usernames": ["u1"]},  # another program as far as can be told
            {"ext_id": "Q", "removed": ["u1"]},
        ],
    )
    assert found == []


@pytest.mark.parametrize(
    "states, api, expected",
    [
        (
            dict(
                course_completions=[
                    {"course_id": C1, "date": "2020-07-01", "logins": ["a"]},
                    {"course_id": C2, "status": "passed", "date": "2020-07-01", "logins": ["b"]},
                ]
            ),
            "soap",
            "learner_states_course_completions[1] (entry 2, course_id c2): learner login=b: status passed needs api: "
            "rest (the SOAP method updateCourseStatus sets only complete and automatic).",
        ),
        (
            dict(course_completions=[{"course_id": C1, "logins": ["a"], "awarded_score": 150, "date": "2020-07-01"}]),
            "rest",
            "learner_states_course_completions[0] (entry 1, course_id c1): awarded_score must be a number from 0 to "
            "100",
        ),
        (
            dict(
                course_enrollments=[
                    {"course_ids": [C1, C2], "logins": ["a"], "due_date_type": "due_period", "due_period": 0}
                ]
            ),
            "soap",
            "learner_states_course_enrollments[0] (entry 1, course_ids c1, c2): due_date_type=due_period needs "
            "due_period, a number of days of at least 1, not 0.",
        ),
        (
            dict(course_enrollments=[{"course_id": C1, "logins": ["a\x01b"]}]),
            "soap",
            "learner_states_course_enrollments[0] (entry 1, course_id c1): logins[0]: the value holds the character "
            "U+0001, which cannot be sent; remove it.",
        ),
        (
            dict(program_memberships=[{"ext_id": "P", "usernames": ["u"], "start_date": 1700000000}]),
            "soap",
            "learner_states_program_memberships[0] (entry 1, ext_id P): member username=u: start_date: 1700000000 is",
        ),
        (
            dict(program_memberships=[{"ext_id": "P", "exclusive": True}]),
            "soap",
            "learner_states_program_memberships[0] (entry 1, ext_id P): exclusive=true with no member listed",
        ),
        (
            dict(program_memberships=[{"ext_id": "P", "usernames": [], "quit": [], "allow_empty": True}]),
            "soap",
            "learner_states_program_memberships[0] (entry 1, ext_id P): declares no member (members, usernames, "
            "quit and removed are empty or not set)",
        ),
        (
            dict(course_completions=[{"course_id": C1, "date": "2020-07-01", "learners": [{"logn": "x"}]}]),
            "soap",
            "learner_states_course_completions[0] (entry 1, course_id c1): learners[0]: logn. Supported parameters",
        ),
    ],
    ids=["rest-only-status", "score", "due-period", "unsendable", "epoch-seconds", "exclusive-empty", "empty", "key"],
)
def test_each_problem_names_its_entry_and_field(specs, states, api, expected):
    found = problems(specs, api=api, **states)
    assert any(message.startswith(expected) for message in found), found


def test_status_passed_is_fine_over_rest(specs):
    assert (
        problems(
            specs,
            api="rest",
            course_completions=[{"course_id": C1, "status": "passed", "date": "2020-07-01", "logins": ["b"]}],
        )
        == []
    )


def test_every_entry_is_checked_not_only_the_first_bad_one(specs):
    found = problems(
        specs,
        course_enrollments=[{"course_id": C1, "logins": ["a"], "access_date": "2026-02-30"}],
        course_completions=[{"course_id": C1, "logins": []}, {"course_id": C2, "date": "01.07.2020", "logins": ["a"]}],
        program_memberships=[{"ext_id": "P", "timezone": "Mars/Olympus", "usernames": ["u"]}],
    )
    assert [message.partition(" (")[0] for message in found] == [
        "learner_states_course_enrollments[0]",
        "learner_states_course_completions[0]",
        "learner_states_course_completions[1]",
        "learner_states_program_memberships[0]",
    ], found


@pytest.mark.parametrize(
    "states, expected",
    [
        (
            dict(
                course_completions=[
                    {"course_id": C1, "date": "2020-07-01", "emails": ["A@x.org"]},
                    {"course_id": C1, "date": "2020-07-02", "emails": ["a@X.org"]},
                ]
            ),
            "learner email=a@x.org of course c1 is declared twice with different values: "
            "learner_states_course_completions[0] (entry 1) says status complete, date 2020-07-01; "
            "learner_states_course_completions[1] (entry 2) says status complete, date 2020-07-02.",
        ),
        (
            dict(
                course_enrollments=[
                    {"course_ids": [C1, C2], "user_ids": ["u"], "lock_after_due_date": True},
                    {"course_id": C2, "learners": [{"user_id": "u", "lock_after_due_date": False}]},
                ]
            ),
            "learner user_id=u of course c2 is declared twice with different values: "
            "learner_states_course_enrollments[0] (entry 1) says enrolled with lock_after_due_date True; "
            "learner_states_course_enrollments[1] (entry 2) says enrolled with lock_after_due_date False.",
        ),
        (
            dict(program_memberships=[{"program_id": "P", "usernames": ["u"]}, {"program_id": "P", "removed": ["u"]}]),
            "member username=u of program_id P is declared twice with different values: "
            "learner_states_program_memberships[0] (entry 1) says a member (fields as they are); "
            "learner_states_program_memberships[1] (entry 2) says not a member (in removed).",
        ),
        (
            dict(program_memberships=[{"ext_id": "P", "quit": ["u"], "removed": ["u"]}]),
            # one entry: the program's one task refuses it, as program_member does
            "learner_states_program_memberships[0] (entry 1, ext_id P): username u is in quit and in removed; a "
            "user can be declared once per program - remove it from one.",
        ),
        (
            dict(
                program_memberships=[
                    {"ext_id": "P", "exclusive": True, "usernames": ["a"]},
                    {"ext_id": "P", "usernames": ["b"]},
                ]
            ),
            "ext_id P: learner_states_program_memberships[0] (entry 1) has exclusive: true, which removes whom "
            "learner_states_program_memberships[1] (entry 2) declares in the same program",
        ),
        (
            dict(
                course_enrollments=[{"course_id": C1, "exclusive": True, "logins": ["asmith", "kwong"]}],
                course_completions=[{"course_id": C1, "date": "2020-08-01", "logins": ["jdoe", "kwong"]}],
            ),
            "learner login=jdoe of course c1: learner_states_course_completions[0] (entry 1) completes the learner, "
            "whom the exclusive learner_states_course_enrollments[0] (entry 1) does not list and so unenrolls",
        ),
    ],
    ids=[
        "completion-email-case",
        "enrollment-course-ids",
        "member-and-removed",
        "quit-and-removed",
        "exclusive",
        "completed-but-unenrolled",
    ],
)
def test_contradicting_entries_are_named_both(specs, states, expected):
    found = problems(specs, **states)
    assert any(message.startswith(expected) for message in found), found


def test_a_completion_is_compared_with_an_exclusive_enrollment_only_when_both_name_learners_alike(specs):
    """A login may be the user an email names, and an audience is known at run time only: no problem
    can be told then; an exclusive entry that keeps nobody removes every learner."""
    completion = {"course_id": C1, "date": "2020-08-01", "emails": ["jdoe@example.com"]}
    for enrollment in (
        {"course_id": C1, "exclusive": True, "logins": ["asmith"]},
        {"course_id": C1, "exclusive": True, "logins": ["asmith"], "groups": ["Managers"]},
        {"course_id": C1, "exclusive": True, "emails": ["JDoe@example.com"]},
    ):
        found = problems(specs, course_enrollments=[enrollment], course_completions=[completion])
        assert not any("completes the learner" in message for message in found), (enrollment, found)
    nobody = {"course_id": C1, "exclusive": True, "allow_empty": True}
    found = problems(specs, course_enrollments=[nobody], course_completions=[completion])
    assert any("completes the learner, whom" in message for message in found), found


def test_a_state_list_that_is_not_a_list_is_named(specs):
    found = problems(specs, course_completions="c1", program_memberships=["P"])
    assert found == [
        "learner_states_course_completions: a list of entries, not a str.",
        "learner_states_program_memberships[0] (entry 1): not a dict of the keys ansible-doc -t role "
        "learnops.lms.learner_states lists.",
    ]


def test_the_role_s_other_variables_are_checked_too(specs):
    found = states_problems(
        {"ispring_timeout": "soon", "ispring_retries": "3", "learner_states_course_completions": []}, specs
    )
    assert found == [
        "argument 'ispring_timeout' is of type str and we were unable to convert to float: <class 'str'> cannot be "
        "converted to a float."
    ]


@pytest.mark.parametrize("value", [3, "3", "50%", "2.5%", None])
def test_max_changes_may_be_a_count_or_a_share(specs, value):
    assert states_problems({"learner_states_max_changes": value}, specs) == []


@pytest.mark.parametrize("value", ["many", "150%", -2])
def test_any_other_max_changes_is_named_with_its_value(specs, value):
    assert states_problems({"learner_states_max_changes": value}, specs) == [
        "learner_states_max_changes must be a number of changes (0 or more) or a share of the records the task reads, "
        '"N%%" with N from 0 to 100 (e.g. "10%%"), not %r.' % (value,)
    ]


def test_not_states_is_a_type_error(specs):
    with pytest.raises(TypeError):
        states_problems(["learner_states_course_completions"], specs)
    assert FilterModule().filters()["states_problems"] is states_problems


# --- the people (issue 25): departments, users, groups ---


def test_good_people_have_no_problem(specs):
    found = problems(
        specs,
        departments=[{"code": "EU", "name": "Europe"}, {"code": "SALES-EU", "name": "Sales EU", "parent": "EU"}],
        users=[
            {"login": "jdoe", "email": "jdoe@example.com", "department": "SALES-EU", "password": "Welcome-1!"},
            {"login": "asmith", "status": "inactive"},
            {"login": "jdoe", "email": "JDoe@example.com".lower(), "department": "SALES-EU", "password": "Welcome-1!"},
        ],
        groups=[
            {"name": "New hires", "logins": ["jdoe"]},
            {"name": "New hires", "members": [{"email": "a@x.org"}]},  # two entries, the same group: both add
            {"group_id": "g1", "exclusive": True, "user_ids": ["u1"]},
            {"name": "Old cohort", "state": "absent"},
        ],
    )
    assert found == []


def test_bad_people_are_named_by_list_position_and_culprit(specs):
    found = problems(
        specs,
        departments=[
            {"code": "EU", "name": "Europe"},
            {"code": "EU", "name": "Europa"},  # declared twice, another name
            {"code": "X", "nmae": "typo"},
        ],
        users=[
            {"login": "x", "bad": 1},  # refused by the spec: the next positions stay the list's
            {"login": "jdoe", "email": "not-an-address", "password": "Secret-9!"},
            {"login": "kwong", "status": "gone"},
            {"login": "jdoe", "email": "jdoe@example.com", "password": "Secret-9!"},
        ],
        groups=[
            {"name": "Sales", "state": "absent", "logins": ["jdoe"]},
            {"name": "Managers", "exclusive": True, "logins": ["admin"]},
            {"name": "Managers", "logins": ["jdoe"]},
            {"name": "Empty", "exclusive": True},
            {"name": "Cohort", "logins": [" "]},
        ],
    )
    text = "\n".join(found)
    assert "learner_states_departments[2] (entry 3, code X): nmae. Supported parameters include" in text
    assert (
        "learner_states_departments[0] and learner_states_departments[1] both declare code EU, with different values"
        in text
    )
    assert "learner_states_users[0] (entry 1, login x): bad. Supported parameters include" in text
    assert "learner_states_users[1] (login jdoe): email 'not-an-address' is not an email address" in text
    assert "learner_states_users[2] (login kwong): status 'gone' is unknown; use one of active" in text
    assert "learner_states_users[1] and learner_states_users[3] declare login jdoe with different values (email)" in (
        text
    )
    assert "learner_states_groups[0] (entry 1, name Sales): state=absent deletes the group name=Sales" in text
    assert "group Managers: learner_states_groups[1] (entry 2) has exclusive: true" in text
    assert "learner_states_groups[3] (entry 4, name Empty): exclusive=true with no members" in text
    assert "learner_states_groups[4] (entry 5, name Cohort): logins[0] is empty" in text
    assert "Secret-9!" not in text  # a password never shows
    assert len(found) == 11, found


def test_a_group_declared_present_and_absent_is_named(specs):
    found = problems(specs, groups=[{"name": "Cohort", "logins": ["jdoe"]}, {"name": "Cohort", "state": "absent"}])
    assert found == [
        "state of group Cohort is declared twice with different values: learner_states_groups[0] (entry 1) says "
        "present; learner_states_groups[1] (entry 2) says absent. Declare it once (or the same way both times), or "
        "it is changed back and forth on every run."
    ]


def test_an_enrollment_by_audience_declares_learners(specs):
    """course_enrollment's departments and groups (issue 25 item 5) are resolved at run time: an
    entry with only an audience declares learners; the people lists come first in the role."""
    found = problems(
        specs,
        course_enrollments=[
            {"course_id": C1, "departments": ["SALES-EMEA"]},
            {"course_id": C2, "groups": ["New hires"], "exclusive": True},
            {"course_id": C2, "logins": ["jdoe"]},
        ],
    )
    assert found == [
        "course c2: learner_states_course_enrollments[1] (entry 2) has exclusive: true, which removes whom "
        "learner_states_course_enrollments[2] (entry 3) declares in the same course, and that entry adds them back "
        "on every run. Declare the learners in one entry."
    ]
    assert problems(specs, course_enrollments=[{"course_id": C1, "departments": [" "]}]) == [
        "learner_states_course_enrollments[0] (entry 1, course_id c1): departments[0] is empty; give the ID, or "
        "leave the option out."
    ]
