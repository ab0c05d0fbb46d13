# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_group, run by ansible-playbook against the sandbox, with UpdateGroupMembers in both
readings of contract 3.3 (the sandbox's ``ispring_group_members``: add, replace)."""

from __future__ import annotations

import json

import pytest

from .helpers import WRITES

pytestmark = pytest.mark.any_line  # its subject is the module and its planner: run on one line

MANAGERS = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e01"  # owner, admin
NEW_HIRES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e02"  # empty
ALL_SALES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e03"  # smart: the users of department sales
FIRST_NEW = "a0000000-0000-4000-8000-000000000001"  # the sandbox's first REST-made group
LTAN = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e05"


def task(title, **args):
    return {"name": title, "learnops.lms.ispring_group": args}


# Three groups, each changed by one task: a group created with members named by login and email;
# Managers (owner, admin), found by ID, renamed Line managers, with jdoe added and owner removed by
# exclusive - admin stays only if the members call carries the current members when the tenant
# replaces; New hires deleted.
MANAGED = dict(members=[{"login": "admin"}, {"login": "jdoe"}], exclusive=True)
DECLARED = [
    task("Onboarding cohort", name="Onboarding 2026-03", logins=["jdoe"], emails=["KWONG@example.com"]),
    task("Managers", group_id=MANAGERS, name="Line managers", **MANAGED),
    task("New hires", name="New hires", state="absent"),
]


def groups(lms):
    """{name: (id, sorted member logins, smart)} of the sandbox's groups."""
    return {g["name"]: (g["groupId"], sorted(g["logins"]), g["isSmart"]) for g in lms.state()["ispring"]["groups"]}


def writes(lms):
    return [
        (e["operation"], e["path"]) for e in lms.requests(api="ispring", interface="rest") if e["operation"] in WRITES
    ]


def summary(result):
    return [(m.get("login") or m["user_id"], m["changed"], m["before"], m["after"]) for m in result["members"]]


@pytest.mark.parametrize("reading, created_id", [("add", "text"), ("replace", "json")])
def test_converge_in_both_readings_of_update_group_members_then_rerun_writes_nothing(play, lms, reading, created_id):
    """The two readings of UpdateGroupMembers, each with one form of AddGroup's 201 id (3.3)."""
    lms.settings(ispring_group_members=reading, ispring_created_id=created_id)
    before = groups(lms)
    run = play(DECLARED)
    assert run.rc == 0, run.output
    after = groups(lms)
    assert after["Onboarding 2026-03"] == (FIRST_NEW, ["jdoe", "kwong"], False)
    assert after["Line managers"] == (MANAGERS, ["admin", "jdoe"], False) and "Managers" not in after
    assert "New hires" not in after and after["All sales"] == before["All sales"]
    members_call = lms.requests(operation="UpdateGroupMembers")
    # the current members plus the new one, whatever the reading
    sent = json.loads(members_call[0]["body"])["userIds"]
    assert len(members_call) == 1 and sorted(sent) == sorted(_ids(lms, "owner", "admin", "jdoe"))
    assert writes(lms) == [
        ("AddGroup", "/group"),
        ("UpdateGroup", "/group/%s" % MANAGERS),
        ("UpdateGroupMembers", "/group/%s/members" % MANAGERS),
        ("RemoveUserFromGroups", "/user/%s/groups/remove" % _ids(lms, "owner")[0]),
        ("RemoveGroup", "/group/%s" % NEW_HIRES),
    ]
    created, managers, deleted = (r["result"] for r in run.results)
    assert created["group"]["created"] is True and created["group"]["group_id"] == FIRST_NEW
    assert summary(managers) == [
        ("admin", False, True, True),
        ("jdoe", True, False, True),
        ("owner", True, True, False),
    ]
    assert deleted["group"]["deleted"] is True and deleted["members"] == []

    lms.clear_requests()
    again = play(DECLARED)
    assert again.rc == 0, again.output
    assert [r["result"]["changed"] for r in again.results] == [False, False, False]
    assert writes(lms) == [] and groups(lms) == after


def _ids(lms, *logins):
    by_login = {u["login"]: u["userId"] for u in lms.state()["ispring"]["users"]}
    return [by_login[login] for login in logins]


def test_check_and_diff_write_nothing_and_predict_the_real_run(play, lms):
    state = groups(lms)
    checked = play(DECLARED, check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert writes(lms) == [] and groups(lms) == state
    real = play(DECLARED, diff=True)
    assert real.rc == 0, real.output
    for predicted, done in zip(checked.results, real.results, strict=True):
        guess, actual = predicted["result"], done["result"]
        assert guess["changed"] is True and actual["changed"] is True
        assert guess["members"] == actual["members"]
        assert dict(guess["group"], group_id=None) == dict(actual["group"], group_id=None)
        assert guess["diff"] == actual["diff"] or guess["group"]["created"]
    assert checked.results[0]["result"]["group"]["group_id"] is None
    # the diff lists the members by login, before and after
    managers = checked.results[1]["result"]["diff"]
    assert managers["before"] == "name: Managers\nmembers:\n  - admin\n  - owner\n"
    assert managers["after"] == "name: Line managers\nmembers:\n  - admin\n  - jdoe\n"
    assert (
        checked.results[0]["result"]["diff"]["after"]
        == "name: Onboarding 2026-03\nmembers:\n  - KWONG@example.com\n  - jdoe\n"
    )
    assert checked.results[2]["result"]["diff"]["after"] == ""


def test_a_smart_group_an_unknown_member_and_api_soap_are_refused_before_any_write(play, lms):
    state = groups(lms)
    run = play(
        [
            dict(task("Smart", name="All sales", logins=["jdoe", "admin"]), ignore_errors=True),
            dict(task("Unknown", name="New hires", logins=["jdoe", "ghost"], user_ids=[LTAN]), ignore_errors=True),
            dict(task("SOAP", name="New hires", logins=["jdoe"], api="soap"), ignore_errors=True),
            task("Smart, no change", name="All sales", logins=["jdoe"]),
        ]
    )
    assert [r["status"] for r in run.results] == ["failed", "failed", "failed", "ok"]
    smart, unknown, soap, unchanged = (r["result"] for r in run.results)
    assert "group All sales (%s) is a smart group" % ALL_SALES in smart["msg"]
    assert "1 to add" in smart["msg"] and smart["msg"].endswith("Nothing was changed.")
    assert unknown["msg"].startswith("1 member(s) match no active iSpring user: member login=ghost")
    assert unknown["not_found"] == {"login": ["ghost"]}
    assert soap["msg"].startswith("api=soap: this module speaks iSpring's REST interface only")
    assert unchanged["changed"] is False and unchanged["group"]["is_smart"] is True
    assert writes(lms) == [] and groups(lms) == state
