# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_group through its real main(): arguments as Ansible passes them, the exact REST
requests, the result as Ansible reads it."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.learnops.lms.plugins.module_utils import ispring_rest
from ansible_collections.learnops.lms.plugins.modules import ispring_group
from ansible_collections.learnops.lms.tests.unit.enrollment_wire import users_by_id_call
from ansible_collections.learnops.lms.tests.unit.group_wire import (
    GROUP,
    NEW_GROUP,
    SMART_GROUP,
    delete_group_call,
    group_call,
    groups_call,
    members_after,
    members_call,
    new_group_call,
    remove_member_call,
    rest_group,
)
from ansible_collections.learnops.lms.tests.unit.ispring_wire import API, TOKEN, rest_call, rest_users_call
from ansible_collections.learnops.lms.tests.unit.ispring_wire import rest_user as user

JDOE = user("u1", "jdoe", "jdoe@example.com")
ASMITH = user("u2", "asmith", "asmith@example.com")
KWONG = user("u3", "kwong", "kwong@example.com")
MGARCIA = user("u4", "mgarcia", "mgarcia@example.com")
MANAGERS = rest_group(GROUP, "Managers")
SALES = rest_group(SMART_GROUP, "All sales", smart=True)
WRITING = ("POST", "DELETE")  # the HTTP methods that write


def args(**overrides):
    base = dict(api_url=API, token=TOKEN, api="rest", name="Managers")
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def writes(outcome):
    return [(sent["method"], sent["url"][len(API) :]) for sent in outcome.session.sent if sent["method"] in WRITING]


def summary(members):
    return [
        (m["user_id"], m["changed"], m["before"], m["after"], m.get("removed_by_exclusive", False)) for m in members
    ]


@pytest.mark.parametrize("reply", ['"%s"' % NEW_GROUP, NEW_GROUP], ids=["json-string", "plain-text"])
def test_a_new_group_is_created_with_its_members_in_one_call(run_module, reply):
    outcome = run_module(
        ispring_group,
        args(name="New hires", logins=["jdoe"], user_ids=["u9"]),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS]),
        users_by_id_call(["u9"]),
        new_group_call("New hires", ["u9", "u1"], reply=reply),  # user_ids, then logins
        groups_call([MANAGERS, rest_group(NEW_GROUP, "New hires")]),
        group_call(NEW_GROUP, "New hires", ["u9", "u1"]),
    )
    assert outcome.exit_code == 0, outcome.msg
    result = outcome.result
    assert result["changed"] is True and "diff" not in result
    assert result["group"] == dict(
        group_id=NEW_GROUP, name="New hires", is_smart=False, created=True, deleted=False, user_ids=["u9", "u1"]
    )
    assert summary(result["members"]) == [("u9", True, False, True, False), ("u1", True, False, True, False)]
    assert result["members"][1]["login"] == "jdoe"


def test_a_201_reply_without_the_new_id_fails_with_an_excerpt(run_module):
    outcome = run_module(
        ispring_group,
        args(name="New hires"),
        groups_call([]),
        new_group_call("New hires", reply={"created": True}),
        groups_call([]),
    )
    assert outcome.failed
    assert "does not carry the new id" in outcome.msg and '{"created": true}' in outcome.msg
    assert outcome.result["changed"] is False and outcome.result["group"] is None


@pytest.mark.parametrize("world", ["add", "replace"])
def test_members_are_added_under_both_readings_of_update_group_members(run_module, world):
    """The call gets the current members plus the new ones: the group read back is the one wanted
    whether the tenant adds the ids sent or replaces the members with them (contract 3.3)."""
    sent = ["u1", "u2", "u3"]
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe", "kwong"]),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        groups_call([MANAGERS, SALES]),
        group_call(GROUP, "Managers", ["u1", "u2"]),
        members_call(GROUP, sent),
        group_call(GROUP, "Managers", members_after(world, ["u1", "u2"], sent)),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert summary(outcome.result["members"]) == [("u1", False, True, True, False), ("u3", True, False, True, False)]
    assert outcome.result["group"]["user_ids"] == ["u1", "u2", "u3"]


def test_sending_only_the_new_members_to_a_replacing_tenant_fails_loudly_on_the_read_back(run_module, monkeypatch):
    """The read-back decides: were the call sent only the ids to add (GROUP_MEMBERS_SEND_CURRENT
    false) to a tenant that replaces, the group read back lacks its old members and the task fails."""
    monkeypatch.setattr(ispring_rest, "GROUP_MEMBERS_SEND_CURRENT", False)
    outcome = run_module(
        ispring_group,
        args(logins=["kwong", "jdoe"]),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1", "u2"]),
        members_call(GROUP, ["u3"]),
        group_call(GROUP, "Managers", members_after("replace", ["u1", "u2"], ["u3"])),
    )
    assert outcome.failed
    assert "does not have the members wanted (missing jdoe, user u2)" in outcome.msg
    assert "Contract 3.3" in outcome.msg and "Run the task again" in outcome.msg
    assert "2 member(s) were changed before the failure (kwong, jdoe)" in outcome.msg
    assert outcome.result["changed"] is True
    # jdoe, asked for and a member before, was lost by the call: reported as changed, as read back
    assert summary(outcome.result["members"]) == [("u3", True, False, True, False), ("u1", True, True, False, False)]
    assert outcome.result["group"]["user_ids"] == ["u3"]


def test_exclusive_removes_the_members_not_declared_side_by_side(run_module):
    outcome = run_module(
        ispring_group,
        args(members=[{"email": "JDOE@example.com"}], exclusive=True),
        rest_users_call(emails=["JDOE@example.com"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1", "u2", "u4"]),
        rest_users_call(users=[JDOE, ASMITH, MGARCIA]),  # who the removed members are
        remove_member_call("u2", GROUP),
        remove_member_call("u4", GROUP),
        group_call(GROUP, "Managers", ["u1"]),
        ordered=False,
    )
    assert outcome.exit_code == 0, outcome.msg
    members = outcome.result["members"]
    assert summary(members) == [
        ("u1", False, True, True, False),
        ("u2", True, True, False, True),
        ("u4", True, True, False, True),
    ]
    assert [m.get("login") for m in members] == ["jdoe", "asmith", "mgarcia"]
    assert sorted(writes(outcome)) == [("POST", "/user/u2/groups/remove"), ("POST", "/user/u4/groups/remove")]


def test_a_rerun_reads_and_writes_nothing(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe"], exclusive=True, report_unchanged=False),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
    )
    assert outcome.result["changed"] is False and writes(outcome) == []
    assert outcome.result["members"] == [] and outcome.result["unchanged"] == 1


def test_check_mode_writes_nothing_and_the_diff_lists_the_members_by_login(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe", "kwong"], exclusive=True),
        rest_users_call(logins=["jdoe", "kwong"], users=[JDOE, KWONG]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1", "u4"]),
        rest_users_call(users=[JDOE, KWONG, MGARCIA]),
        check_mode=True,
        diff=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is True and writes(outcome) == []
    assert outcome.result["diff"] == dict(
        before_header="group Managers (%s)" % GROUP,
        after_header="group Managers (%s)" % GROUP,
        before="name: Managers\nmembers:\n  - jdoe\n  - mgarcia\n",
        after="name: Managers\nmembers:\n  - jdoe\n  - kwong\n",
    )
    assert outcome.result["group"]["user_ids"] == ["u1", "u3"]
    assert summary(outcome.result["members"])[1:] == [("u3", True, False, True, False), ("u4", True, True, False, True)]


def test_a_smart_group_asked_to_change_fails_before_any_write(run_module):
    outcome = run_module(
        ispring_group,
        args(name="All sales", logins=["jdoe"]),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS, SALES]),
        group_call(SMART_GROUP, "All sales", ["u2"], smart=True),
    )
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg == (
        "group All sales (%s) is a smart group: its members follow its rules, so this module does not change it "
        "(the task asks for: 1 to add). Change the group's rules in iSpring Learn, or name a group that is not "
        "smart. Nothing was changed." % SMART_GROUP
    )


def test_a_smart_group_that_needs_no_change_passes(run_module):
    outcome = run_module(
        ispring_group,
        args(name="All sales", user_ids=["u2"]),
        groups_call([MANAGERS, SALES]),
        group_call(SMART_GROUP, "All sales", ["u2"], smart=True),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is False and outcome.result["group"]["is_smart"] is True


def test_unknown_members_fail_before_anything_else_is_read(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe", "ghost"], emails=["nobody@example.com"]),
        rest_users_call(logins=["ghost", "jdoe"], users=[JDOE]),
        rest_users_call(emails=["nobody@example.com"], users=[]),
    )
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg.startswith("2 member(s) match no active iSpring user: member login=ghost; member email=")
    assert outcome.msg.endswith("Nothing was changed.")
    assert outcome.result["not_found"] == {"login": ["ghost"], "email": ["nobody@example.com"]}


def test_an_unknown_user_id_to_add_fails_before_any_write(run_module):
    outcome = run_module(
        ispring_group,
        args(user_ids=["u1", "u404"]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        users_by_id_call(["u404"], found=[]),
    )
    assert outcome.failed and writes(outcome) == []
    assert "member user_id=u404" in outcome.msg and outcome.result["not_found"] == {"user_id": ["u404"]}


def test_api_soap_fails_before_any_request(run_module):
    outcome = run_module(ispring_group, args(api="soap", logins=["jdoe"]))
    assert outcome.failed and outcome.session.sent == []
    assert outcome.msg.startswith("api=soap: this module speaks iSpring's REST interface only")


def test_state_absent_deletes_the_group_and_reports_its_members(run_module):
    outcome = run_module(
        ispring_group,
        args(state="absent"),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        rest_users_call(users=[JDOE]),
        delete_group_call(GROUP),
        groups_call([]),
        diff=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    result = outcome.result
    assert result["group"]["deleted"] is True and result["group"]["user_ids"] == []
    assert summary(result["members"]) == [("u1", True, True, False, False)]
    assert result["diff"]["before"] == "name: Managers\nmembers:\n  - jdoe\n" and result["diff"]["after"] == ""


def test_state_absent_of_a_group_that_does_not_exist_is_no_change(run_module):
    outcome = run_module(ispring_group, args(state="absent", name="Gone"), groups_call([MANAGERS]))
    assert outcome.result["changed"] is False and outcome.result["group"] is None


def test_a_failed_removal_reports_exactly_what_was_changed(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe"], exclusive=True),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1", "u2", "u4"]),
        rest_users_call(users=[JDOE, ASMITH, MGARCIA]),
        remove_member_call("u2", GROUP),
        remove_member_call("u4", GROUP, status=403, reply={"code": 403, "message": "Permission denied"}),
        group_call(GROUP, "Managers", ["u1", "u4"]),
    )
    assert outcome.failed
    assert outcome.msg.startswith("Removing 2 member(s) from group Managers (%s) failed: iSpring POST" % GROUP)
    assert "1 member(s) were changed before the failure (asmith (not declared))" in outcome.msg
    assert summary(outcome.result["members"]) == [
        ("u1", False, True, True, False),
        ("u2", True, True, False, True),
        ("u4", False, True, True, True),
    ]


def test_a_share_of_max_changes_counts_the_group_s_members(run_module):
    """Issue 26 item 4: 50% of the group's 3 members allows 1; removing 2 is refused before any write."""
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe"], exclusive=True, max_changes="50%"),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1", "u2", "u4"]),
        rest_users_call(users=[JDOE, ASMITH, MGARCIA]),
    )
    assert outcome.failed and "would change 2 member(s), more than max_changes (50% of the 3 member(s) read: 1; " in (
        outcome.msg
    )
    assert writes(outcome) == []


def test_max_changes_refuses_before_any_write(run_module):
    outcome = run_module(
        ispring_group,
        args(name="New hires", logins=["jdoe"], max_changes=1),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([]),
    )
    assert outcome.failed and writes(outcome) == []
    assert "would change 2 member(s), more than max_changes (1)" in outcome.msg


def test_a_name_two_groups_have_fails_naming_their_ids(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=[]),
        groups_call([MANAGERS, rest_group(NEW_GROUP, "Managers")]),
    )
    assert outcome.failed and "2 groups have this name (%s, %s)" % (GROUP, NEW_GROUP) in outcome.msg


def test_a_member_asked_for_twice_is_added_once(run_module):
    outcome = run_module(
        ispring_group,
        args(members=[{"login": "kwong"}, {"user_id": "u3"}]),
        rest_users_call(logins=["kwong"], users=[KWONG]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        members_call(GROUP, ["u1", "u3"]),
        group_call(GROUP, "Managers", ["u1", "u3"]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert summary(outcome.result["members"]) == [("u3", True, False, True, False), ("u3", False, False, True, False)]


def test_group_id_and_a_new_name_rename_the_group_and_keep_its_members(run_module):
    """UpdateGroup {name}; read back; a rerun by the same pair is no change."""
    outcome = run_module(
        ispring_group,
        args(group_id=GROUP, name="Line managers", logins=["jdoe"]),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        rest_call("POST", "/group/%s" % GROUP, body={"name": "Line managers"}),
        group_call(GROUP, "Line managers", ["u1"]),
        diff=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert writes(outcome) == [("POST", "/group/%s" % GROUP)]
    assert outcome.result["changed"] is True and outcome.result["group"]["name"] == "Line managers"
    assert outcome.result["group"]["renamed_from"] == "Managers"
    assert outcome.result["diff"]["before"] == "name: Managers\nmembers:\n  - jdoe\n"
    assert outcome.result["diff"]["after"] == "name: Line managers\nmembers:\n  - jdoe\n"
    renamed = rest_group(GROUP, "Line managers")
    again = run_module(
        ispring_group,
        args(group_id=GROUP, name="Line managers"),
        groups_call([renamed]),
        group_call(GROUP, "Line managers", ["u1"]),
    )
    assert again.result["changed"] is False and writes(again) == []
    assert "renamed_from" not in again.result["group"]


def test_a_rename_to_the_name_of_another_group_fails_before_any_write(run_module):
    other = rest_group("6f1d2c3b-4a59-4e8f-9b0a-1c2d3e4f5a99", "Line managers")
    outcome = run_module(ispring_group, args(group_id=GROUP, name="Line managers"), groups_call([MANAGERS, other]))
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg.startswith(
        "group_id=%s: name=Line managers is the name of group %s already" % (GROUP, other["groupId"])
    )


def test_a_rename_the_service_did_not_apply_fails_loudly(run_module):
    outcome = run_module(
        ispring_group,
        args(group_id=GROUP, name="Line managers"),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        rest_call("POST", "/group/%s" % GROUP, body={"name": "Line managers"}),
        group_call(GROUP, "Managers", ["u1"]),
    )
    assert outcome.failed and "is named Managers, not Line managers" in outcome.msg


def test_state_absent_by_id_with_a_name_deletes_without_a_rename_check(run_module):
    """A name given with group_id and state=absent renames nothing, so another group's name is no refusal."""
    other = rest_group("6f1d2c3b-4a59-4e8f-9b0a-1c2d3e4f5a99", "Line managers")
    outcome = run_module(
        ispring_group,
        args(group_id=GROUP, name="Line managers", state="absent"),
        groups_call([MANAGERS, other]),
        group_call(GROUP, "Managers", []),
        delete_group_call(GROUP),
        groups_call([other]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert writes(outcome) == [("DELETE", "/group/%s" % GROUP)] and "renamed_from" not in outcome.result["group"]


@pytest.mark.parametrize(
    "options", [dict(logins=["jdoe"]), dict(logins=["ann"], exclusive=True)], ids=["add", "exclusive"]
)
def test_a_group_that_lists_fewer_members_than_it_counts_is_not_changed(run_module, options):
    """usersCount 3, userIds [u7] (a scoped token, a cut list): adding would send only u7 and u1 (a
    replacing call drops the two unseen), and exclusive cannot see them: fail before any write."""
    ann = user("u7", "ann", "ann@example.com")
    logins = options["logins"]
    outcome = run_module(
        ispring_group,
        args(**options),
        rest_users_call(logins=logins, users=[JDOE if logins == ["jdoe"] else ann]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u7"], users_count=3),
    )
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg.startswith(
        "group Managers (ID %s) lists 1 member(s) but counts 3 (usersCount of GET /group/{id})" % GROUP
    )
    assert "a token that sees every member of the group" in outcome.msg and "Nothing was changed." in outcome.msg
    assert outcome.result["changed"] is False


def test_a_group_without_users_count_is_taken_as_listed(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe"]),
        rest_users_call(logins=["jdoe"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u7"], users_count=False),
        members_call(GROUP, ["u7", "u1"]),
        group_call(GROUP, "Managers", ["u7", "u1"], users_count=False),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert writes(outcome) == [("POST", "/group/%s/members" % GROUP)]


def test_an_email_two_users_share_in_another_case_names_neither_and_nothing_is_removed(run_module):
    """emails [Ann@example.com]: ann (u1) has it as written, ann.b (u7) as ann@example.com; the last
    listed was taken, and exclusive then removed u1, the user actually named."""
    ann, ann_b = user("u1", "ann", "Ann@example.com"), user("u7", "ann.b", "ann@example.com")
    outcome = run_module(
        ispring_group,
        args(emails=["Ann@example.com"], exclusive=True),
        rest_users_call(emails=["Ann@example.com"], users=[ann, ann_b]),
    )
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg.startswith("email Ann@example.com names 2 users of the account (ann (ID u1), ann.b (ID u7)).")
    assert "Nothing was changed." in outcome.msg


def test_a_login_listed_for_two_users_names_neither(run_module):
    twin = user("u5", "jdoe", "jane.doe@example.com")
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe"]),
        rest_users_call(logins=["jdoe"], users=[JDOE, twin]),
    )
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg.startswith("login jdoe names 2 users of the account (jdoe (ID u1), jdoe (ID u5)).")


@pytest.mark.parametrize("members", [["u1"], []], ids=["with-members", "empty"])
def test_a_delete_whose_reply_is_lost_counts_as_changed_when_it_cannot_be_read_again(run_module, members):
    """DELETE /group times out (not repeated) and the groups cannot be listed after it: the group may be
    gone, so the result is changed - not "Nothing was changed" with changed false."""
    lost = delete_group_call(GROUP)
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    unread = groups_call([MANAGERS])
    unread.raises = requests.exceptions.ConnectionError("connection refused")
    outcome = run_module(
        ispring_group,
        args(state="absent", retries=0),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", members),
        *([rest_users_call(users=[JDOE])] if members else []),
        lost,
        unread,
    )
    assert outcome.failed
    assert "not repeated, because the service may have acted" in outcome.msg
    assert outcome.result["changed"] is True and outcome.result["group"]["deleted"] is True
    assert summary(outcome.result["members"]) == [("u1", True, True, False, False)] if members else True
    assert "Nothing was changed" not in outcome.msg
    assert "group Managers (%s) may have been deleted" % GROUP in outcome.msg


def test_a_delete_whose_reply_is_lost_and_that_did_not_happen_reads_back_as_unchanged(run_module):
    lost = delete_group_call(GROUP)
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    outcome = run_module(
        ispring_group,
        args(state="absent"),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", []),
        lost,
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", []),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert "Nothing was changed" in outcome.msg


NEW_USER = "(new user cnew)"  # group.PLANNED_USER_ID: the placeholder of a user the run creates


def test_check_mode_plans_a_new_user_as_a_member_the_group_gains(run_module):
    """A group that gains only a user an earlier task creates (new_logins) changes in check mode,
    and its diff shows the new user; nothing is written, no request names the placeholder."""
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe", "cnew"], new_logins=["cnew"]),
        rest_users_call(logins=["jdoe", "cnew"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        check_mode=True,
        diff=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is True and writes(outcome) == []
    assert summary(outcome.result["members"]) == [
        ("u1", False, True, True, False),
        (NEW_USER, True, False, True, False),
    ]
    assert outcome.result["members"][1]["login"] == "cnew"
    assert outcome.result["group"]["user_ids"] == ["u1", NEW_USER]
    assert outcome.result["diff"]["before"] == "name: Managers\nmembers:\n  - jdoe\n"
    assert outcome.result["diff"]["after"] == "name: Managers\nmembers:\n  - cnew (new user)\n  - jdoe\n"
    assert not any(NEW_USER in sent["url"] + str(sent.get("body")) for sent in outcome.session.sent)


def test_check_mode_exclusive_with_only_new_users_removes_the_current_members(run_module):
    outcome = run_module(
        ispring_group,
        args(members=[{"login": "cnew"}], exclusive=True, new_logins=["cnew", "other"]),
        rest_users_call(logins=["cnew"], users=[]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1", "u2"]),
        rest_users_call(users=[JDOE, ASMITH]),  # who the removed members are
        check_mode=True,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is True and writes(outcome) == []
    assert summary(outcome.result["members"]) == [
        (NEW_USER, True, False, True, False),
        ("u1", True, True, False, True),
        ("u2", True, True, False, True),
    ]
    assert outcome.result["group"]["user_ids"] == [NEW_USER]


def test_check_mode_max_changes_counts_the_new_users(run_module):
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe", "cnew"], new_logins=["cnew"], max_changes=0),
        rest_users_call(logins=["jdoe", "cnew"], users=[JDOE]),
        groups_call([MANAGERS]),
        group_call(GROUP, "Managers", ["u1"]),
        check_mode=True,
    )
    assert outcome.failed and writes(outcome) == []
    assert "would change 1 member(s), more than max_changes (0)" in outcome.msg
    assert "cnew (new user)" in outcome.msg


def test_new_logins_change_nothing_outside_check_mode(run_module):
    """Outside check mode the users exist by then: a login of new_logins that does not is unknown, as without it."""
    outcome = run_module(
        ispring_group,
        args(logins=["jdoe", "cnew"], new_logins=["cnew"]),
        rest_users_call(logins=["jdoe", "cnew"], users=[JDOE]),
    )
    assert outcome.failed and writes(outcome) == []
    assert outcome.msg.startswith("1 member(s) match no active iSpring user: member login=cnew.")
    assert outcome.result["not_found"] == {"login": ["cnew"]}
