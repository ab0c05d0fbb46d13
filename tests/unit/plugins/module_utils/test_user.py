# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user planner's rules (module_utils/user.py): validation, matching, comparison, prediction."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import people, user
from ansible_collections.learnops.lms.plugins.module_utils.ispring import UserProfile
from ansible_collections.learnops.lms.plugins.module_utils.ispring_rest import Department, Group

DEPARTMENTS = [Department("d1", "Sales", "SALES", "d0"), Department("d0", "Company", None, None)]
GROUPS = [Group("g1", "New hires", False), Group("g2", "All sales", True), Group("g3", "Twin", False)]
GROUPS += [Group("g4", "Twin", False)]
JDOE = UserProfile(
    "u1", "learner", "d1", "3", "jdoe", "JDoe@Example.com", first_name="Jane", fields=(("jobtitle", "Rep"),)
)


def params(users, state="present"):
    return dict(users=users, state=state, max_changes=None)


def wanted(item, state="present"):
    found, problems = user.validate(params([item], state))
    assert problems == []
    return found[0]


def test_an_email_compares_case_insensitively_and_fields_by_any_spelling():
    w = wanted(dict(login="jdoe", email="jdoe@example.com", status="inactive", fields={"JOB_TITLE": "Rep"}))
    assert user.differences(JDOE, w) == []
    w = wanted(dict(login="jdoe", first_name="Janet", status="active", fields={"job_title": "Lead"}))
    assert user.differences(JDOE, w) == ["first_name", "status", "fields.job_title"]


def test_a_value_not_given_is_not_compared():
    assert user.differences(JDOE, wanted(dict(login="jdoe"))) == []


@pytest.mark.parametrize(
    "value, found", [("SALES", "d1"), ("d0", "d0"), ("d1", "d1"), ("sales", None), ("SALEZ", None)]
)
def test_a_department_is_found_by_code_then_by_id(value, found):
    assert people.department_id(DEPARTMENTS, value)[0] == found


def test_groups_unknown_smart_or_ambiguous_are_problems():
    assert user._group(GROUPS, "New hires") == (GROUPS[0], None)
    assert "is no group of the account" in user._group(GROUPS, "new hires")[1]
    assert "is a smart group" in user._group(GROUPS, "All sales")[1]
    assert "2 groups are named 'Twin'" in user._group(GROUPS, "Twin")[1]


def test_identical_duplicates_merge_and_conflicting_ones_are_named():
    same = [dict(login="a", email="a@example.com"), dict(login="a", email="a@example.com")]
    found, problems = user.validate(params(same))
    assert len(found) == 1 and problems == []
    other = [dict(login="a", email="a@example.com"), dict(login="a", email="b@example.com", groups=["X"])]
    _found, problems = user.validate(params(other))
    assert problems == [
        "users[0] and users[1] declare login a with different values (email, groups); declare the user once"
    ]


@pytest.mark.parametrize("email", ["jdoe", "jdoe@", "@example.com", "j doe@example.com", "jdoe@example", "a@b@c.d"])
def test_invalid_emails_are_refused(email):
    _found, problems = user.validate(params([dict(login="jdoe", email=email)]))
    assert problems == ["users[0] (login jdoe): email %r is not an email address" % email]


def test_a_new_user_is_predicted_an_active_learner_in_the_groups_named():
    w = wanted(dict(login="new", email="new@example.com", department="SALES", groups=["New hires"]))
    account = user.Account({}, DEPARTMENTS, GROUPS)
    assert user.resolve([w], account, "present") == []
    the_plan = user.plan([w], account, "present")
    (entry,) = the_plan.entries
    assert (entry.action, entry.joining, entry.before) == ("create", ["g1"], None)
    assert entry.after == dict(
        login="new",
        email="new@example.com",
        first_name=None,
        last_name=None,
        fields={},
        groups=["New hires"],
        role="learner",
        status="active",
        department="SALES",
    )


def test_a_group_alone_is_a_change_of_an_existing_user():
    w = wanted(dict(login="jdoe", groups=["New hires"]))
    account = user.Account({"jdoe": JDOE}, DEPARTMENTS, GROUPS, {"g1": {"u7"}})
    user.resolve([w], account, "present")
    (entry,) = user.plan([w], account, "present").entries
    assert (entry.action, entry.joining, entry.changed, entry.kind_of_change) == (None, ["g1"], True, "to update")
    assert (entry.before["groups"], entry.after["groups"]) == ([], ["New hires"])
