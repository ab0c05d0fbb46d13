# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_user through its real main(): arguments as Ansible passes them, the exact REST requests,
the result as Ansible reads it (no_log masking included)."""

from __future__ import annotations

import threading

import requests

from ansible_collections.learnops.lms.plugins.modules import ispring_user
from ansible_collections.learnops.lms.tests.unit.ispring_wire import API, TOKEN
from ansible_collections.learnops.lms.tests.unit.user_wire import (
    DEPARTMENTS,
    EMEA,
    ENG,
    NEW_HIRES,
    ROOT,
    SALES,
    add_user_call,
    delete_user_call,
    departments_call,
    group_call,
    groups_call,
    members_call,
    status_call,
    update_user_call,
    user,
    users_call,
)

PASSWORD = "Init1al-S3cret!pw"
JDOE = user("u1", "jdoe", first="Jane", last="Doe", department=SALES)
ASMITH = user("u2", "asmith", first="Ann", last="Smith", department=ENG, JOB_TITLE="Engineer")
NEWBIE_FIELDS = dict(login="newbie", email="newbie@example.com", firstName="Nell", lastName="Ewbie", JOB_TITLE="Rep")
NEWBIE = user("u9", "newbie", first="Nell", last="Ewbie", department=EMEA, JOB_TITLE="Rep")
DECLARED = [
    # jdoe moves to Sales EMEA, leaves (inactive) and joins New hires
    dict(login="jdoe", department="SALES-EMEA", status="inactive", groups=["New hires"]),
    # asmith is as declared (email in another case, the field by another spelling)
    dict(login="asmith", email="ASmith@Example.com", department="ENG", fields={"job_title": "Engineer"}),
    dict(
        login="newbie",
        email="newbie@example.com",
        first_name="Nell",
        last_name="Ewbie",
        department="SALES-EMEA",
        groups=["New hires"],
        fields={"JOB_TITLE": "Rep"},
        password=PASSWORD,
        send_login_email=True,
    ),
]


def args(**overrides):
    base = dict(api_url=API, token=TOKEN, api="rest", users=DECLARED)
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def reads(users=(JDOE, ASMITH), members=("u7",)):
    """What every run of DECLARED reads before it plans."""
    return [
        users_call(["jdoe", "asmith", "newbie"], users),
        departments_call(),
        groups_call(),
        group_call(NEW_HIRES, list(members)),
    ]


def test_converge_from_a_partly_matching_account_writes_only_the_difference(run_module):
    outcome = run_module(
        ispring_user,
        args(),
        *reads(),
        update_user_call("u1", departmentId=EMEA),
        status_call("u1", 3),
        add_user_call(EMEA, NEWBIE_FIELDS, "u9", password=PASSWORD, sendLoginEmail=True),
        group_call(NEW_HIRES, ["u7"]),
        members_call(NEW_HIRES, ["u7", "u1", "u9"]),
        group_call(NEW_HIRES, ["u7", "u1", "u9"]),
        users_call(
            ["jdoe", "newbie"], [user("u1", "jdoe", first="Jane", last="Doe", department=EMEA, status=3), NEWBIE]
        ),
    )
    assert outcome.exit_code == 0, outcome.msg
    result = outcome.result
    assert result["changed"] is True and "diff" not in result
    assert [(u["login"], u["user_id"], u["changed"]) for u in result["users"]] == [
        ("jdoe", "u1", True),
        ("asmith", "u2", False),
        ("newbie", "u9", True),
    ]
    jdoe, asmith, newbie = result["users"]
    assert (jdoe["before"]["department"], jdoe["before"]["status"], jdoe["before"]["groups"]) == ("SALES", "active", [])
    assert (jdoe["after"]["department"], jdoe["after"]["status"], jdoe["after"]["groups"]) == (
        "SALES-EMEA",
        "inactive",
        ["New hires"],
    )
    assert asmith["before"] == asmith["after"] and asmith["after"]["fields"] == {"job_title": "Engineer"}
    assert newbie["before"] is None
    assert newbie["after"] == dict(
        login="newbie",
        email="newbie@example.com",
        first_name="Nell",
        last_name="Ewbie",
        department="SALES-EMEA",
        role="learner",
        status="active",
        fields={"JOB_TITLE": "Rep"},
        groups=["New hires"],
    )
    assert PASSWORD not in outcome.output


def test_a_rerun_reads_and_sends_no_write(run_module):
    jdoe = user("u1", "jdoe", first="Jane", last="Doe", department=EMEA, status=3)
    outcome = run_module(ispring_user, args(), *reads((jdoe, ASMITH, NEWBIE), ("u7", "u1", "u9")))
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is False
    assert [u["changed"] for u in outcome.result["users"]] == [False, False, False]
    assert all(call["method"] == "GET" for call in outcome.session.sent)


def test_check_mode_and_diff_write_nothing_and_predict_the_change(run_module):
    outcome = run_module(ispring_user, args(), *reads(), check_mode=True, diff=True)
    assert outcome.exit_code == 0, outcome.msg
    result = outcome.result
    assert result["changed"] is True
    assert all(call["method"] == "GET" for call in outcome.session.sent)
    newbie = result["users"][2]
    assert newbie["user_id"] is None and newbie["after"]["groups"] == ["New hires"]
    diff = result["diff"]["prepared"]
    assert diff.splitlines()[0] == "users: 2 user(s) change (1 to create, 1 to update)"
    assert "- jdoe: department SALES, status active, groups []" in diff
    assert "+ jdoe: department SALES-EMEA, status inactive, groups ['New hires']" in diff
    assert "- newbie: no such user" in diff and "asmith" not in diff
    assert PASSWORD not in outcome.output


def test_report_unchanged_false_counts_the_unchanged_users(run_module):
    outcome = run_module(ispring_user, args(report_unchanged=False), *reads(), check_mode=True)
    assert [u["login"] for u in outcome.result["users"]] == ["jdoe", "newbie"]
    assert outcome.result["unchanged"] == 1


def test_every_problem_is_reported_in_one_message_before_any_write(run_module):
    users = [
        dict(login="jdoe", email="not-an-address", status="gone"),
        dict(login="kwong", department="SALEZ", groups=["Managerz", "All sales"], password=PASSWORD),
        dict(login="asmith", email="asmith@example.com"),
        dict(login="asmith", email="other@example.com"),
        dict(login="mgarcia", role="boss", fields={"EMAIL": "x@example.com"}),
    ]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["jdoe", "kwong", "asmith", "mgarcia"], [JDOE, ASMITH]),
        departments_call(),
        groups_call(),
    )
    assert outcome.failed
    problems = outcome.result["problems"]
    expected = [
        "users[0] (login jdoe): email 'not-an-address' is not an email address",
        "users[0] (login jdoe): status 'gone' is unknown; use one of active, inactive, terminated",
        "users[2] and users[3] declare login asmith with different values (email); declare the user once",
        "users[4] (login mgarcia): role 'boss' is unknown",
        "users[4] (login mgarcia): fields EMAIL have options of their own",
        "users[1] (login kwong): department 'SALEZ' is no department code or ID of the account",
        "users[1] (login kwong): group 'Managerz' is no group of the account",
        "users[1] (login kwong): group 'All sales' is a smart group",
        "users[1] (login kwong): a new user needs email (NewUser",
        "users[4] (login mgarcia): a new user needs email and department",
    ]
    for text in expected:
        assert any(problem.startswith(text) for problem in problems), (text, problems)
    assert len(problems) == len(expected)
    assert outcome.msg.startswith("10 problem(s) in users: ") and outcome.msg.endswith("Nothing was changed.")
    assert PASSWORD not in outcome.output


def test_identical_duplicates_are_one_user(run_module):
    users = [dict(login="jdoe", first_name="Jane"), dict(login="jdoe", first_name="Jane")]
    outcome = run_module(ispring_user, args(users=users), users_call(["jdoe"], [JDOE]))
    assert outcome.exit_code == 0, outcome.msg
    assert [u["login"] for u in outcome.result["users"]] == ["jdoe"] and not outcome.result["changed"]


def test_api_soap_fails_before_any_request(run_module):
    outcome = run_module(ispring_user, args(api="soap"))
    assert outcome.failed and "api=soap" in outcome.msg and outcome.msg.endswith("Nothing was changed.")
    assert outcome.session.sent == []


def test_state_absent_deletes_existing_users_only(run_module):
    users = [dict(login="jdoe"), dict(login="ghost")]
    outcome = run_module(
        ispring_user,
        args(users=users, state="absent"),
        users_call(["jdoe", "ghost"], [JDOE]),
        delete_user_call("u1"),
        users_call(["jdoe"], []),
    )
    assert outcome.exit_code == 0, outcome.msg
    jdoe, ghost = outcome.result["users"]
    assert jdoe["changed"] and jdoe["after"] is None and jdoe["before"]["login"] == "jdoe"
    assert not ghost["changed"] and ghost["before"] is None and ghost["after"] is None


def test_values_with_state_absent_are_refused(run_module):
    users = [dict(login="jdoe", status="inactive")]
    outcome = run_module(ispring_user, args(users=users, state="absent"), users_call(["jdoe"], [JDOE]))
    assert outcome.failed and "status cannot be set with state=absent" in outcome.msg
    assert [call["method"] for call in outcome.session.sent] == ["GET"]


def test_fields_update_sends_login_and_email_with_the_fields_that_differ(run_module):
    users = [dict(login="asmith", last_name="Smith-Jones", fields={"JOB_TITLE": "Lead"}, role="publisher")]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["asmith"], [ASMITH]),
        update_user_call(
            "u2",
            role="publisher",
            fields=dict(login="asmith", email="asmith@example.com", lastName="Smith-Jones", JOB_TITLE="Lead"),
        ),
        users_call(["asmith"], [user("u2", "asmith", last="Smith-Jones", role="publisher", JOB_TITLE="Lead")]),
    )
    assert outcome.exit_code == 0, outcome.msg
    after = outcome.result["users"][0]["after"]
    assert (after["last_name"], after["role"], after["fields"]) == ("Smith-Jones", "publisher", {"JOB_TITLE": "Lead"})


def test_a_new_id_as_plain_text_and_a_status_for_a_new_user(run_module):
    users = [dict(login="temp", email="temp@example.com", department="ENG", status="terminated")]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["temp"]),
        departments_call(),
        add_user_call(ENG, dict(login="temp", email="temp@example.com"), "u5", reply="u5"),
        status_call("u5", 5),
        users_call(["temp"], [user("u5", "temp", department=ENG, status=5)]),
    )
    assert outcome.exit_code == 0, outcome.msg
    entry = outcome.result["users"][0]
    assert entry["user_id"] == "u5" and entry["after"]["status"] == "terminated"


def test_a_failure_after_writes_says_exactly_who_was_changed(run_module):
    users = [
        dict(login="new1", email="new1@example.com", department="ENG"),
        dict(login="new2", email="new2@example.com", department="ENG"),
    ]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["new1", "new2"]),
        departments_call(),
        add_user_call(ENG, dict(login="new1", email="new1@example.com"), "u5"),
        add_user_call(ENG, dict(login="new2", email="new2@example.com"), None, status=400, reply={"message": "Boom"}),
        users_call(["new1", "new2"], [user("u5", "new1", department=ENG)]),
    )
    assert outcome.failed
    assert [(u["login"], u["changed"], u["user_id"]) for u in outcome.result["users"]] == [
        ("new1", True, "u5"),
        ("new2", False, None),
    ]
    assert outcome.result["changed"] is True
    assert outcome.msg.startswith("Creating user new2 failed: iSpring POST /user failed: HTTP 400: Boom. If login new2")
    assert "1 user(s) were changed before the failure (new1); the users list says which." in outcome.msg


def test_creations_go_out_side_by_side(run_module):
    barrier = threading.Barrier(2)
    users = [dict(login="new%d" % n, email="new%d@example.com" % n, department="ENG") for n in (1, 2)]
    creations = [add_user_call(ENG, dict(login=u["login"], email=u["email"]), "u%s" % u["login"]) for u in users]
    for call in creations:
        call.barrier = barrier
    outcome = run_module(
        ispring_user,
        args(users=users, max_parallel=2),
        users_call(["new1", "new2"]),
        departments_call(),
        *creations,
        users_call(["new1", "new2"], [user("unew1", "new1", department=ENG), user("unew2", "new2", department=ENG)]),
        ordered=False,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [u["user_id"] for u in outcome.result["users"]] == ["unew1", "unew2"]


def test_a_group_that_lacks_a_member_after_the_call_fails_loudly(run_module):
    users = [dict(login="jdoe", groups=["New hires"])]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["jdoe"], [JDOE]),
        groups_call(),
        group_call(NEW_HIRES, ["u7"]),
        group_call(NEW_HIRES, ["u7"]),
        members_call(NEW_HIRES, ["u7", "u1"]),
        group_call(NEW_HIRES, ["u7"]),  # the call was ignored
        users_call(["jdoe"], [JDOE]),
    )
    assert outcome.failed
    assert "group %s: after UpdateGroupMembers it lacks 1 of the users it should have (u1)" % NEW_HIRES in outcome.msg
    assert outcome.result["users"][0]["changed"] is False
    assert "Nothing was changed." in outcome.msg


def test_max_changes_refuses_before_any_write(run_module):
    outcome = run_module(ispring_user, args(max_changes=1), *reads())
    assert outcome.failed and "more than max_changes (1)" in outcome.msg
    assert all(call["method"] == "GET" for call in outcome.session.sent)


def test_a_share_of_max_changes_counts_the_declared_users_the_account_has(run_module):
    """Issue 26 item 4: jdoe and asmith exist (newbie does not): 50% of 2 allows 1; the plan changes 2."""
    outcome = run_module(ispring_user, args(max_changes="50%"), *reads())
    assert outcome.failed and outcome.msg.startswith(
        "The task would change 2 user(s), more than max_changes (50% of the 2 user(s) read: 1; the plan changes "
        "100%): 1 to create (newbie); 1 to update (jdoe)."
    ), outcome.msg
    assert all(call["method"] == "GET" for call in outcome.session.sent)


def test_a_creation_whose_reply_is_lost_is_not_repeated_and_reads_as_it_is(run_module):
    """POST /user times out: not sent again (a second user, or a refused login, could follow); the
    read-back finds the user, so the result says it was created, with its ID."""
    users = [dict(login="temp", email="temp@example.com", department="ENG")]
    lost = add_user_call(ENG, dict(login="temp", email="temp@example.com"), "u5")
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["temp"]),
        departments_call(),
        lost,
        users_call(["temp"], [user("u5", "temp", department=ENG)]),
    )
    assert outcome.failed
    assert "not repeated, because the service may have acted" in outcome.msg
    assert "1 user(s) were changed before the failure (temp)" in outcome.msg
    (entry,) = outcome.result["users"]
    assert (entry["changed"], entry["user_id"], entry["after"]["department"]) == (True, "u5", "ENG")


PLANNED = [
    dict(login="newbie", email="newbie@example.com", department="SUPPORT"),
    dict(login="jdoe", department="SUPPORT"),
]


def test_check_mode_plans_users_in_a_department_an_earlier_task_would_create(run_module):
    """new_departments (the role's departments task, in check mode): the users are planned in it."""
    reads = [users_call(["jdoe", "newbie"], [JDOE]), departments_call()]
    outcome = run_module(ispring_user, args(users=PLANNED, new_departments=["SUPPORT"]), *reads, check_mode=True)
    assert outcome.exit_code == 0, outcome.msg
    assert all(call["method"] == "GET" for call in outcome.session.sent)
    newbie, jdoe = outcome.result["users"]
    assert newbie["before"] is None and newbie["after"]["department"] == "SUPPORT"
    assert (jdoe["changed"], jdoe["before"]["department"], jdoe["after"]["department"]) == (True, "SALES", "SUPPORT")


def test_new_departments_do_not_count_outside_check_mode(run_module):
    reads = [users_call(["jdoe", "newbie"], [JDOE]), departments_call()]
    outcome = run_module(ispring_user, args(users=PLANNED, new_departments=["SUPPORT"]), *reads)
    assert outcome.failed and "department 'SUPPORT' is no department code or ID of the account" in outcome.msg


def test_a_login_listed_in_another_case_is_refused_not_read_as_no_user(run_module):
    """The users listing answers logins[]=JDoe with jdoe (a service that compares logins without case):
    state=absent must not report "no such user" (jdoe would stay), state=present must not create a
    second account; both fail before any write, naming the user listed."""
    for state, declared in (("absent", dict(login="JDoe")), ("present", dict(login="JDoe", status="inactive"))):
        outcome = run_module(ispring_user, args(users=[declared], state=state), users_call(["JDoe"], [JDOE]))
        assert outcome.failed, (state, outcome.result)
        assert "users[0] (login JDoe): iSpring lists user jdoe (ID u1) for this login, which differs only in case" in (
            outcome.msg
        )
        assert outcome.msg.endswith("Nothing was changed.")
        assert [call["method"] for call in outcome.session.sent] == ["GET"]


def test_a_department_code_that_two_departments_have_is_refused_not_the_first_taken(run_module):
    """Two departments coded SALES: the user is not moved into whichever is listed first."""
    departments = DEPARTMENTS + [dict(departmentId="d-old", name="Sales (old)", code="SALES", parentDepartmentId=ROOT)]
    outcome = run_module(
        ispring_user,
        args(users=[dict(login="asmith", department="SALES")]),
        users_call(["asmith"], [ASMITH]),
        departments_call(departments),
    )
    assert outcome.failed, outcome.result
    assert (
        "users[0] (login asmith): department 'SALES' is the code of 2 departments (IDs d-sales, d-old); give the "
        "one meant by its ID" in outcome.msg
    )
    assert [call["method"] for call in outcome.session.sent] == ["GET", "GET"]


def test_empty_names_and_fields_match_a_user_without_them_so_a_rerun_sends_nothing(run_module):
    """A vars file with blank cells (first_name: "", a field null or ""): the user has no such values
    (the listing leaves them out, or lists ""), which is what was asked; no UpdateUser on every run."""
    declared = [
        dict(login="jdoe", first_name="", last_name="Doe", fields={"JOB_TITLE": "", "COST_CENTER": None}),
        dict(login="asmith", first_name="", fields={"JOB_TITLE": "Engineer", "COST_CENTER": ""}),
    ]
    listed = [user("u1", "jdoe", last="Doe"), user("u2", "asmith", first="", JOB_TITLE="Engineer", COST_CENTER="")]
    outcome = run_module(ispring_user, args(users=declared), users_call(["jdoe", "asmith"], listed))
    assert outcome.exit_code == 0, outcome.msg
    assert outcome.result["changed"] is False
    assert all(call["method"] == "GET" for call in outcome.session.sent)


def test_a_name_or_field_set_to_empty_is_cleared_with_text_not_null(run_module):
    declared = [dict(login="asmith", first_name="", fields={"JOB_TITLE": None})]
    outcome = run_module(
        ispring_user,
        args(users=declared),
        users_call(["asmith"], [ASMITH]),
        update_user_call("u2", fields=dict(login="asmith", email="asmith@example.com", firstName="", JOB_TITLE="")),
        users_call(["asmith"], [user("u2", "asmith", last="Smith", department=ENG)]),
    )
    assert outcome.exit_code == 0, outcome.msg
    entry = outcome.result["users"][0]
    assert entry["changed"] and entry["after"]["first_name"] is None and entry["after"]["fields"] == {"JOB_TITLE": None}


def test_a_group_read_back_without_an_old_member_reports_who_joined_and_who_was_lost(run_module):
    """UpdateGroupMembers took jdoe in but dropped u7 (a tenant's call that did neither reading of
    3.3): jdoe did join (changed, in the group as read back), and the message says u7 was a member
    before, which a rerun does not bring back - not "Nothing was changed. Run the task again"."""
    outcome = run_module(
        ispring_user,
        args(users=[dict(login="jdoe", groups=["New hires"])]),
        users_call(["jdoe"], [JDOE]),
        groups_call(),
        group_call(NEW_HIRES, ["u7"]),
        group_call(NEW_HIRES, ["u7"]),
        members_call(NEW_HIRES, ["u7", "u1"]),
        group_call(NEW_HIRES, ["u1"]),
        users_call(["jdoe"], [JDOE]),
    )
    assert outcome.failed
    (entry,) = outcome.result["users"]
    assert (entry["changed"], entry["after"]["groups"]) == (True, ["New hires"])
    assert outcome.result["changed"] is True
    assert "it lacks 1 of the users it should have (u7); 1 of them were members before the call (u7)" in outcome.msg
    assert "1 user(s) were changed before the failure (jdoe)" in outcome.msg
    assert "Nothing was changed" not in outcome.msg


def test_a_delete_whose_reply_is_lost_counts_as_changed_when_it_cannot_be_read_again(run_module):
    """DELETE /user times out (not repeated) and the users cannot be listed after it: the user may be
    gone, so the result is changed - not "Nothing was changed" with changed false."""
    lost = delete_user_call("u1")
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    unread = users_call(["jdoe"])
    unread.raises = requests.exceptions.ConnectionError("connection refused")
    outcome = run_module(
        ispring_user,
        args(users=[dict(login="jdoe")], state="absent", retries=0),
        users_call(["jdoe"], [JDOE]),
        lost,
        unread,
    )
    assert outcome.failed
    assert (outcome.result["changed"], outcome.result["users"][0]["changed"]) == (True, True)
    assert "not repeated, because the service may have acted" in outcome.msg
    assert (
        "Nothing was changed" not in outcome.msg and "1 user(s) were changed before the failure (jdoe)" in outcome.msg
    )


def test_a_delete_whose_reply_is_lost_and_that_did_not_happen_reads_back_as_unchanged(run_module):
    lost = delete_user_call("u1")
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    outcome = run_module(
        ispring_user,
        args(users=[dict(login="jdoe")], state="absent"),
        users_call(["jdoe"], [JDOE]),
        lost,
        users_call(["jdoe"], [JDOE]),
    )
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.result["users"][0]["after"] == outcome.result["users"][0]["before"]
    assert "Nothing was changed." in outcome.msg


def test_a_user_is_not_added_to_a_group_that_lists_fewer_members_than_it_counts(run_module):
    """usersCount 3, userIds [u7]: UpdateGroupMembers would get u7 and u1 only (a replacing call drops
    the two unseen): fail before any write, the new user's group read too, naming group and joiners."""
    users = [dict(login="jdoe", groups=["New hires"]), dict(login="newbie", email="n@example.com", department="ENG")]
    users[1]["groups"] = ["New hires"]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["jdoe", "newbie"], [JDOE]),
        departments_call(),
        groups_call(),
        group_call(NEW_HIRES, ["u7"], name="New hires", users_count=3),
    )
    assert outcome.failed
    assert not [sent for sent in outcome.session.sent if sent["method"] != "GET"]
    assert (
        "group New hires (ID %s) lists 1 member(s) but counts 3 (usersCount of GET /group/{id})" % NEW_HIRES
        in outcome.msg
    )
    assert "(users to join it: jdoe, newbie)" in outcome.msg and "Nothing was changed." in outcome.msg


def test_a_group_cut_by_the_time_users_join_it_is_not_written(run_module):
    users = [dict(login="jdoe", groups=["New hires"])]
    outcome = run_module(
        ispring_user,
        args(users=users),
        users_call(["jdoe"], [JDOE]),
        groups_call(),
        group_call(NEW_HIRES, ["u7"]),
        group_call(NEW_HIRES, ["u7"], users_count=2),
        users_call(["jdoe"], [JDOE]),
    )
    assert outcome.failed and "lists 1 member(s) but counts 2" in outcome.msg
    assert not [sent for sent in outcome.session.sent if sent["method"] != "GET"]


def test_a_login_listed_for_two_users_fails_before_any_write_naming_both(run_module):
    """Logins are unique per account (contract 3.3): a listing with two users of one login was read
    as the last one, whose values were then changed."""
    twin = user("u5", "jdoe", first="Jo", department=ENG)
    outcome = run_module(
        ispring_user,
        args(users=[dict(login="jdoe", first_name="Jane")]),
        users_call(["jdoe"], [JDOE, twin]),
    )
    assert outcome.failed
    assert outcome.session.sent and all(sent["method"] == "GET" for sent in outcome.session.sent)
    assert outcome.msg.startswith("login jdoe names 2 users of the account (jdoe (ID u1), jdoe (ID u5)).")
