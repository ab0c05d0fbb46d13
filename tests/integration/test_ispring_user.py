# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_user and ispring_user_info, run by ansible-playbook against the sandbox (fixture:
departments root, sales SALES, sales-emea SALES-EMEA, engineering ENG; groups Managers (owner,
admin), New hires (empty), smart All sales)."""

from __future__ import annotations

import hashlib

import pytest

from .helpers import WRITES
from .runner import NEW_HIRE_PASSWORDS

JDOE = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01"
NEW_HIRES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e02"
# jdoe moves from Sales to Sales EMEA and joins New hires; asmith is as declared (her email in
# another case); two new hires in Engineering, in New hires, with an initial password each.
DECLARED = [
    {"login": "jdoe", "department": "SALES-EMEA", "groups": ["New hires"], "fields": {"JOB_TITLE": "Rep"}},
    {"login": "asmith", "email": "ASmith@Example.com", "first_name": "Alice", "department": "ENG"},
] + [
    {
        "login": "newhire%d" % n,
        "email": "newhire%d@example.com" % n,
        "first_name": "New",
        "last_name": "Hire %d" % n,
        "department": "ENG",
        "groups": ["New hires"],
        # from outside the playbook, as a vault or a lookup gives it: Ansible shows a failed task's
        # playbook lines, which must not hold a secret
        "password": "{{ lookup('env', 'NEW_HIRE_PASSWORD_%d') }}" % n,
        "send_login_email": True,
    }
    for n in (1, 2)
]
PASSWORDS = {"NEW_HIRE_PASSWORD_%d" % n: password for n, password in enumerate(NEW_HIRE_PASSWORDS, start=1)}


def task(name="Users", **args):
    return {"name": name, "learnops.lms.ispring_user": args}


def writes(lms):
    return [
        (e["operation"], e["path"]) for e in lms.requests(api="ispring", interface="rest") if e["operation"] in WRITES
    ]


def people(lms):
    """{login: (department code, status, first name)} and {group name: sorted member logins} of the sandbox."""
    state = lms.state()["ispring"]
    codes = {d["departmentId"]: d.get("code") for d in state["departments"]}
    logins = {u["userId"]: u["login"] for u in state["users"]}
    users = {u["login"]: (codes.get(u["departmentId"]), u["status"], u.get("firstName")) for u in state["users"]}
    groups = {
        g["name"]: sorted(logins.get(m, m) for m in g.get("userIds") or g.get("members") or ()) for g in state["groups"]
    }
    return users, groups


def test_converge_from_a_partly_matching_account_check_diff_and_rerun(play, lms):
    users, groups = people(lms)
    checked = play([task(users=DECLARED)], check=True, diff=True, env=PASSWORDS)
    assert checked.rc == 0, checked.output
    assert writes(lms) == [] and people(lms) == (users, groups)
    assert "users: 3 user(s) change (2 to create, 1 to update)" in checked.output
    assert "+ jdoe: department SALES-EMEA, fields {'JOB_TITLE': 'Rep'}, groups ['New hires']" in checked.output

    real = play([task(users=DECLARED)], diff=True, env=PASSWORDS)
    assert real.rc == 0, real.output
    after, groups = people(lms)
    assert after["jdoe"] == ("SALES-EMEA", "active", "John")
    assert after["newhire1"] == ("ENG", "active", "New") and after["newhire2"] == ("ENG", "active", "New")
    assert after["asmith"] == users["asmith"]
    assert groups["New hires"] == ["jdoe", "newhire1", "newhire2"]
    sent = writes(lms)
    assert sorted(op for op, _path in sent) == ["AddUser", "AddUser", "UpdateGroupMembers", "UpdateUserProfile"]
    assert sent[-1] == ("UpdateGroupMembers", "/group/%s/members" % NEW_HIRES)  # one call for the group, last
    assert len(lms.state()["ispring"]["loginEmails"]) == 2
    stored = set(lms.state()["ispring"]["passwords"].values())  # the initial passwords arrived (as hashes)
    assert {hashlib.sha256(p.encode()).hexdigest() for p in NEW_HIRE_PASSWORDS} <= stored
    # check mode predicted what the real run did (the new users' IDs aside)
    for guess, done in zip(checked.result["users"], real.result["users"], strict=True):
        assert (guess["changed"], guess["before"], guess["after"]) == (done["changed"], done["before"], done["after"])
    assert [u["user_id"] is None for u in checked.result["users"]] == [False, False, True, True]

    lms.clear_requests()
    again = play([task(users=DECLARED)], env=PASSWORDS)
    assert again.rc == 0, again.output
    assert again.result["changed"] is False and writes(lms) == []
    # the users by login, the departments, the groups, the one group's members
    assert [e["operation"] for e in lms.requests()] == ["ListUsersV2", "ListDepartments", "ListGroups", "GetGroup"]


@pytest.mark.any_line
@pytest.mark.parametrize("reading", ["add", "replace"])
def test_groups_gain_members_under_both_readings_of_update_group_members(play, lms, reading):
    lms.settings(ispring_group_members=reading, ispring_created_id="json" if reading == "add" else "text")
    run = play(
        [
            task(users=[{"login": "jdoe", "groups": ["Managers", "New hires"]}]),
            task(name="kwong too", users=[{"login": "kwong", "groups": ["Managers"]}]),
        ]
    )
    assert run.rc == 0, run.output
    _users, groups = people(lms)
    assert groups["Managers"] == ["admin", "jdoe", "kwong", "owner"]  # nobody dropped, whatever the reading
    assert groups["New hires"] == ["jdoe"]


@pytest.mark.any_line
def test_a_leaver_is_deactivated_and_found_again_and_absent_deletes(play, lms):
    leavers = [{"login": "jdoe", "status": "inactive"}, {"login": "bjones", "status": "inactive"}]
    run = play(
        [
            task(name="Leavers", users=leavers),
            task(name="Leavers again", users=leavers),
            task(name="Test account gone", state="absent", users=[{"login": "ltan"}, {"login": "nobody"}]),
        ]
    )
    assert run.rc == 0, run.output
    first, again, gone = (entry["result"] for entry in run.results)
    assert [u["changed"] for u in first["users"]] == [True, False]  # bjones was inactive already
    assert first["users"][0]["after"]["status"] == "inactive"
    assert again["changed"] is False  # the leaver is found by login although inactive
    assert [u["changed"] for u in gone["users"]] == [True, False]
    users, _groups = people(lms)
    assert users["jdoe"][1] == "inactive" and "ltan" not in users
    assert writes(lms) == [
        ("ChangeUserStatus", "/user/%s/status" % JDOE),
        ("RemoveUser", "/user/%s" % gone["users"][0]["user_id"]),
    ]


@pytest.mark.any_line
def test_bad_input_fails_before_any_write_naming_every_problem(play, lms):
    bad = [
        {"login": "jdoe", "email": "not-an-address", "status": "gone"},
        {"login": "kwong", "department": "SALEZ", "groups": ["Managerz", "All sales"]},
        {"login": "asmith", "first_name": "Alice"},
        {"login": "asmith", "first_name": "Alicia"},
        {"login": "newbie", "email": "newbie@example.com", "password": "{{ lookup('env', 'NEW_HIRE_PASSWORD_1') }}"},
    ]
    run = play(
        [
            dict(task(users=bad), ignore_errors=True),
            dict(task(name="Over SOAP", api="soap", users=[{"login": "jdoe"}]), ignore_errors=True),
        ],
        env=PASSWORDS,
    )
    assert [entry["status"] for entry in run.results] == ["failed", "failed"]
    failed, soap = (entry["result"] for entry in run.results)
    msg = failed["msg"]
    for text in (
        "users[0] (login jdoe): email 'not-an-address' is not an email address",
        "users[0] (login jdoe): status 'gone' is unknown",
        "users[2] and users[3] declare login asmith with different values (first_name)",
        "users[1] (login kwong): department 'SALEZ' is no department code or ID of the account",
        "users[1] (login kwong): group 'Managerz' is no group of the account",
        "users[1] (login kwong): group 'All sales' is a smart group",
        "users[4] (login newbie): a new user needs department",
    ):
        assert text in msg, msg
    assert msg.startswith("7 problem(s) in users: ") and msg.endswith("Nothing was changed.")
    assert "api=soap" in soap["msg"]
    assert writes(lms) == []
    assert all(e["interface"] == "rest" for e in lms.requests(api="ispring"))  # nothing over SOAP


@pytest.mark.any_line
def test_user_info_by_department_group_and_login(play, lms):
    run = play(
        [
            {"name": "EMEA", "learnops.lms.ispring_user_info": {"departments": ["SALES-EMEA"]}},
            {
                "name": "Managers and bjones",
                "learnops.lms.ispring_user_info": {"groups": ["Managers"], "logins": ["bjones"]},
            },
            {"name": "Typo", "learnops.lms.ispring_user_info": {"departments": ["SALEZ"]}, "ignore_errors": True},
        ]
    )
    assert run.results[2]["status"] == "failed"
    emea, managers, typo = (entry["result"] for entry in run.results)
    assert [u["login"] for u in emea["users"]] == ["kwong", "ltan"]
    assert {(u["department"], u["status"], u["role"]) for u in emea["users"]} == {("SALES-EMEA", "active", "learner")}
    assert [(u["login"], u["status"]) for u in managers["users"]] == [
        ("admin", "active"),
        ("bjones", "inactive"),
        ("owner", "active"),
    ]
    assert managers["users"][0]["groups"] == ["Managers"]
    assert "All sales" in managers["users"][1]["groups"]  # the smart group of Sales: bjones is in Sales
    # the account's groups (2.2.0), the smart one told; the count of a group whose members were read
    groups = {g["name"]: (g["smart"], g["users_count"]) for g in managers["groups"]}
    assert groups == {"Managers": (False, 2), "New hires": (False, None), "All sales": (True, None)}, groups
    assert "department 'SALEZ' is no department code or ID of the account" in typo["msg"]
    assert writes(lms) == []


# 130 logins of 38 characters: about 7 KB of logins[]=, two GET /users/v2 listings under the query budget
COHORT = [
    {"login": "onboarding-2027-cohort-a.new-hire-%04d" % n, "email": "hire%04d@example.com" % n, "department": "ENG"}
    for n in range(130)
]
# ispring_users_by_post -> (ListUsersV2ByPost, ListUsersV2) requests of the two tasks: the look-up before
# and the read-back after the writes of the first, the look-up of the second.  Where the POST does not
# serve, the GET listings do, and the client does not post again in that task.
BY_POST = {  # (a 405 refusal is the unit tests' and the tenant check's)
    "lists": (3, 0),  # one POST each
    "pages": (3, 4),  # the first POST lists nobody yet (one page); the read-back's pages: GET from then on
    "ignores": (2, 6),  # it lists users the task did not ask for
}


@pytest.mark.any_line
@pytest.mark.parametrize("form", sorted(BY_POST))
def test_a_long_look_up_is_one_post_where_the_service_takes_it_and_gets_otherwise(play, lms, form):
    """ispring_rest.USERS_BY_POST, in each form of ispring_users_by_post: every new user made once, a
    rerun that writes nothing, whatever the service does with POST /users/v2."""
    lms.settings(ispring_users_by_post=form)
    run = play([task(name="Cohort", users=COHORT), task(name="Cohort again", users=COHORT)])
    assert run.rc == 0, run.output
    first, again = (entry["result"] for entry in run.results)
    assert sum(u["changed"] for u in first["users"]) == len(COHORT) and again["changed"] is False
    users, _groups = people(lms)
    assert sorted(login for login in users if login.startswith("onboarding-")) == [u["login"] for u in COHORT]
    assert [op for op, _path in writes(lms)] == ["AddUser"] * len(COHORT)
    listings = [e["operation"] for e in lms.requests() if e["operation"] in ("ListUsersV2ByPost", "ListUsersV2")]
    assert (listings.count("ListUsersV2ByPost"), listings.count("ListUsersV2")) == BY_POST[form]
