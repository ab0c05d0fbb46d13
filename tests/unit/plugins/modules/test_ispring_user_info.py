# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_user_info through its real main(): the exact REST requests and the report."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.modules import ispring_user_info
from ansible_collections.learnops.lms.tests.unit.ispring_wire import API, TOKEN
from ansible_collections.learnops.lms.tests.unit.user_wire import (
    ALL_SALES,
    EMEA,
    ENG,
    MANAGERS,
    NEW_HIRES,
    ROOT,
    SALES,
    departments_call,
    group_call,
    groups_call,
    user,
    users_call,
    users_where_call,
)

JDOE = dict(user("u1", "jdoe", first="Jane", last="Doe", department=EMEA, status=3), groups=[NEW_HIRES])
BOSS = dict(user("u2", "boss", department=ROOT, role="administrator"), groups=[MANAGERS])


def args(**overrides):
    return dict(dict(api_url=API, token=TOKEN), **overrides)


def test_users_by_department_code_group_name_and_login_each_once(run_module):
    outcome = run_module(
        ispring_user_info,
        args(departments=["SALES-EMEA"], groups=["Managers"], logins=["jdoe"]),
        departments_call(),
        groups_call(),
        users_call(["jdoe"], [JDOE]),
        group_call(MANAGERS, ["u2"]),
        users_where_call("userIds", ["u2"], [BOSS]),
        users_where_call("departments", [EMEA], [JDOE]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is False
    assert outcome.result["users"] == [
        dict(
            user_id="u2",
            login="boss",
            email="boss@example.com",
            first_name=None,
            last_name=None,
            department_id=ROOT,
            department=None,
            status="active",
            role="administrator",
            groups=["Managers"],
        ),
        dict(
            user_id="u1",
            login="jdoe",
            email="jdoe@example.com",
            first_name="Jane",
            last_name="Doe",
            department_id=EMEA,
            department="SALES-EMEA",
            status="inactive",
            role="learner",
            groups=["New hires"],
        ),
    ]
    # the tree read for the codes, returned too (issue 26: the export of the departments), no request more
    assert outcome.result["departments"] == [
        dict(department_id=ROOT, name="Company", code=None, parent_id=None, parent=None),
        dict(department_id=SALES, name="Sales", code="SALES", parent_id=ROOT, parent=None),
        dict(department_id=EMEA, name="Sales EMEA", code="SALES-EMEA", parent_id=SALES, parent="SALES"),
        dict(department_id=ENG, name="Engineering", code="ENG", parent_id=ROOT, parent=None),
    ]


def test_groups_are_read_from_the_groups_when_the_records_do_not_list_them(run_module):
    jdoe = user("u1", "jdoe", department=EMEA)
    outcome = run_module(
        ispring_user_info,
        args(),
        departments_call(),
        groups_call(),
        users_where_call(None, [], [jdoe]),
        group_call(MANAGERS, []),
        group_call(NEW_HIRES, ["u1"]),
        group_call(ALL_SALES, ["u1"]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["users"][0]["groups"] == ["All sales", "New hires"]


def test_an_unknown_department_or_group_fails_naming_each_before_listing_users(run_module):
    outcome = run_module(
        ispring_user_info,
        args(departments=["SALEZ", "ENG"], groups=["Nobody"]),
        departments_call(),
        groups_call(),
    )
    assert outcome.failed
    assert outcome.msg.startswith(
        "department 'SALEZ' is no department code or ID of the account; group 'Nobody' is no group of the account."
    )


def test_a_user_named_that_is_not_found_fails(run_module):
    outcome = run_module(
        ispring_user_info,
        args(logins=["jdoe", "ghost"], user_ids=["u404"]),
        departments_call(),
        groups_call(),
        users_call(["jdoe", "ghost"], [JDOE]),
        users_where_call("userIds", ["u404"], []),
    )
    assert outcome.failed
    assert "no user has login ghost; no user has user_id u404" in outcome.msg
    assert outcome.result["not_found"] == {"login": ["ghost"], "user_id": ["u404"]}


def test_api_soap_fails_before_any_request(run_module):
    outcome = run_module(ispring_user_info, args(api="soap"))
    assert outcome.failed and "api=soap" in outcome.msg and outcome.session.sent == []


def test_the_account_groups_are_returned_smart_ones_marked_with_the_count_of_those_read(run_module):
    outcome = run_module(
        ispring_user_info,
        args(groups=["All sales"]),
        departments_call(),
        groups_call(),
        group_call(ALL_SALES, ["u1"], name="All sales"),
        users_where_call("userIds", ["u1"], [JDOE]),
    )
    assert outcome.exit_code == 0, outcome.msg
    # the listing read anyway for the names (no request more); the count of the group read (GET /group/{id})
    assert outcome.result["groups"] == [
        dict(group_id=MANAGERS, name="Managers", smart=False, users_count=None),
        dict(group_id=NEW_HIRES, name="New hires", smart=False, users_count=None),
        dict(group_id=ALL_SALES, name="All sales", smart=True, users_count=1),
    ]


def test_a_group_that_lists_fewer_members_than_it_counts_is_reported_with_a_warning(run_module):
    # a department administrator's token lists the members it sees: reported as the group's members,
    # they would read as the whole group
    outcome = run_module(
        ispring_user_info,
        args(groups=["Managers"]),
        departments_call(),
        groups_call(),
        group_call(MANAGERS, ["u1"], name="Managers", users_count=3),
        users_where_call("userIds", ["u1"], [JDOE]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [user["login"] for user in outcome.result["users"]] == ["jdoe"]
    assert outcome.warnings == [
        "group Managers (ID %s) lists 1 member(s) but counts 3 (usersCount of GET /group/{id}): the users reported "
        "as its members are the 1 listed (a token that sees part of the group, or a cut list)" % MANAGERS
    ]
