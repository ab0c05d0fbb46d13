# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_department through its real main(): arguments as Ansible passes them, the exact REST
requests in order (an unexpected request or an unused reply fails), the result as Ansible reads it."""

from __future__ import annotations

import threading

from ansible_collections.learnops.lms.plugins.modules import ispring_department
from ansible_collections.learnops.lms.tests.unit.department_wire import (
    create_call,
    delete_call,
    department_users_call,
    departments_call,
    rest_department,
    update_call,
)
from ansible_collections.learnops.lms.tests.unit.ispring_wire import API, TOKEN

ROOT = rest_department("d-root", "Company")
SALES = rest_department("d-sales", "Sales", "SALES", "d-root")
EMEA = rest_department("d-emea", "Sales EMEA", "SALES-EMEA", "d-sales")
ENG = rest_department("d-eng", "Engineering", "ENG", "d-root")
BEFORE = [ROOT, SALES, EMEA, ENG]
# Children before their parents; a rename, a rename and move under a new parent, new departments on
# two levels, one without a code, and one unchanged.
DECLARED = [
    dict(code="SALES-EMEA", name="Sales Europe", parent="EUROPE"),
    dict(code="FR", name="France", parent="EUROPE"),
    dict(code="SALES", name="Sales & Marketing"),
    dict(code="EUROPE", name="Europe"),
    dict(code="ENG", name="Engineering"),
    dict(name="Interns", parent="ENG"),
]
AFTER = [
    ROOT,
    rest_department("d-sales", "Sales & Marketing", "SALES", "d-root"),
    rest_department("d-emea", "Sales Europe", "SALES-EMEA", "d-europe"),
    ENG,
    rest_department("d-europe", "Europe", "EUROPE", "d-root"),
    rest_department("d-fr", "France", "FR", "d-europe"),
    rest_department("d-interns", "Interns", None, "d-eng"),
]
PLANNED_CALLS = [
    # round 1: what needs no new id, in the order declared
    update_call("d-sales", "Sales & Marketing", "d-root", "SALES"),
    create_call("Europe", "d-root", "EUROPE", new_id="d-europe"),
    create_call("Interns", "d-eng", reply="d-interns"),  # the new id as plain text (3.3 r3)
    # round 2: under the new parent, with its new id
    update_call("d-emea", "Sales Europe", "d-europe", "SALES-EMEA"),
    create_call("France", "d-europe", "FR", new_id="d-fr"),
]


def args(**overrides):
    base = dict(api_url=API, token=TOKEN, departments=DECLARED)
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def summary(result):
    return [(e["code"] or e["name"], e["department_id"], e["changed"]) for e in result["departments"]]


def view(department_id, name, code, parent_id, parent):
    return dict(department_id=department_id, name=name, code=code, parent_id=parent_id, parent=parent)


def test_a_tree_converges_parents_first_in_one_task(run_module):
    outcome = run_module(ispring_department, args(), departments_call(BEFORE), *PLANNED_CALLS, departments_call(AFTER))
    assert outcome.exit_code == 0, outcome.msg
    result = outcome.result
    assert result["changed"] is True and "diff" not in result
    assert summary(result) == [
        ("SALES-EMEA", "d-emea", True),
        ("FR", "d-fr", True),
        ("SALES", "d-sales", True),
        ("EUROPE", "d-europe", True),
        ("ENG", "d-eng", False),
        ("Interns", "d-interns", True),
    ]
    emea, france = result["departments"][:2]
    assert emea["before"] == view("d-emea", "Sales EMEA", "SALES-EMEA", "d-sales", "SALES")
    assert emea["after"] == view("d-emea", "Sales Europe", "SALES-EMEA", "d-europe", "EUROPE")
    assert france["before"] is None and france["after"] == view("d-fr", "France", "FR", "d-europe", "EUROPE")
    assert result["departments"][5]["after"] == view("d-interns", "Interns", None, "d-eng", "ENG")
    assert result["invocation"]["module_args"]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_rerun_reads_once_and_writes_nothing(run_module):
    outcome = run_module(ispring_department, args(), departments_call(AFTER))
    assert outcome.result["changed"] is False
    assert all(e["before"] == e["after"] and not e["changed"] for e in outcome.result["departments"])
    only_changes = run_module(ispring_department, args(report_unchanged=False), departments_call(AFTER))
    assert only_changes.result["departments"] == [] and only_changes.result["unchanged"] == 6


def test_check_mode_predicts_and_diff_shows_each_department(run_module):
    outcome = run_module(ispring_department, args(), departments_call(BEFORE), check_mode=True, diff=True)
    result = outcome.result
    assert result["changed"] is True
    assert summary(result) == [
        ("SALES-EMEA", "d-emea", True),
        ("FR", None, True),
        ("SALES", "d-sales", True),
        ("EUROPE", None, True),
        ("ENG", "d-eng", False),
        ("Interns", None, True),
    ]
    assert result["departments"][0]["after"] == view("d-emea", "Sales Europe", "SALES-EMEA", None, "EUROPE")
    assert result["diff"]["prepared"] == (
        "iSpring departments: 5 department(s) change (3 to create, 1 to move, 1 to rename)\n"
        "- SALES-EMEA: name Sales EMEA, parent SALES\n"
        "+ SALES-EMEA: name Sales Europe, parent EUROPE\n"
        "- FR: does not exist\n"
        "+ FR: name France, code FR, parent EUROPE\n"
        "- SALES: name Sales\n"
        "+ SALES: name Sales & Marketing\n"
        "- EUROPE: does not exist\n"
        "+ EUROPE: name Europe, code EUROPE, parent Company\n"
        '- "Interns" under ENG: does not exist\n'
        '+ "Interns" under ENG: name Interns, parent ENG\n'
    )


def test_diff_without_check_mode_is_the_same_diff_after_the_writes(run_module):
    outcome = run_module(
        ispring_department, args(), departments_call(BEFORE), *PLANNED_CALLS, departments_call(AFTER), diff=True
    )
    lines = outcome.result["diff"]["prepared"].splitlines()
    assert lines[0] == "iSpring departments: 5 department(s) change (3 to create, 1 to move, 1 to rename)"
    assert "+ FR: name France, code FR, parent EUROPE" in lines


def test_creations_of_one_level_go_side_by_side(run_module):
    both = threading.Barrier(2)  # neither creation answers until the other was sent too
    first, second = (
        create_call(name, "d-root", code, new_id=new) for name, code, new in (("A", "A", "d-a"), ("B", "B", "d-b"))
    )
    first.barrier = second.barrier = both
    declared = [dict(code="A", name="A"), dict(code="B", name="B")]
    after = [ROOT, rest_department("d-a", "A", "A", "d-root"), rest_department("d-b", "B", "B", "d-root")]
    outcome = run_module(
        ispring_department,
        args(departments=declared, max_parallel=2),
        departments_call([ROOT]),
        first,
        second,
        departments_call(after),
        ordered=False,
    )
    assert outcome.exit_code == 0, outcome.msg
    assert summary(outcome.result) == [("A", "d-a", True), ("B", "d-b", True)]


def test_a_move_goes_after_the_moves_above_it(run_module):
    # Company > SALES > SALES-EMEA becomes Company > SALES-EMEA > SALES: moving SALES first would
    # make a loop, so SALES-EMEA moves in the first round, SALES in the second.
    declared = [dict(code="SALES", name="Sales", parent="SALES-EMEA"), dict(code="SALES-EMEA", name="Sales EMEA")]
    after = [ROOT, rest_department("d-emea", "Sales EMEA", "SALES-EMEA", "d-root")]
    after.append(rest_department("d-sales", "Sales", "SALES", "d-emea"))
    outcome = run_module(
        ispring_department,
        args(departments=declared),
        departments_call([ROOT, SALES, EMEA]),
        update_call("d-emea", "Sales EMEA", "d-root", "SALES-EMEA"),
        update_call("d-sales", "Sales", "d-emea", "SALES"),
        departments_call(after),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert [e["after"]["parent"] for e in outcome.result["departments"]] == ["SALES-EMEA", "Company"]


def test_every_problem_is_named_in_one_message_before_any_write(run_module):
    declared = [
        dict(code="A", name="A", parent="B"),
        dict(code="B", name="B", parent="A"),  # a cycle with A
        dict(code="SALES", name="Sales"),
        dict(code="SALES", name="Sales", parent="ENG"),  # the same code, another parent
        dict(code="X"),  # no name
        dict(code="Y", name="Y", parent="NOPE"),  # an unknown parent
    ]
    outcome = run_module(ispring_department, args(departments=declared), departments_call(BEFORE))
    assert outcome.failed
    problems = outcome.result["problems"]
    assert problems == [
        'departments[2] and departments[3] both declare code SALES, with different values (name "Sales", parent '
        'the root; name "Sales", parent ENG); declare it once',
        "departments[4]: name is missing; every department declared present needs its name",
        "departments[5] (code Y): parent NOPE is neither declared in the task nor the code of a department of the "
        "account; declare it, or correct the code",
        "a cycle: A -> B -> A would each be the parent of the next; correct the parents",
    ]
    assert outcome.msg == "4 problem(s) with the departments asked for: %s. Nothing was changed." % "; ".join(problems)
    assert outcome.result["changed"] is False and outcome.result["departments"] == []


def test_a_move_under_its_own_child_is_a_cycle(run_module):
    declared = [dict(code="SALES", name="Sales", parent="SALES-EMEA")]
    outcome = run_module(ispring_department, args(departments=declared), departments_call(BEFORE))
    assert outcome.failed
    assert outcome.result["problems"] == [
        "a cycle: SALES -> SALES-EMEA -> SALES would each be the parent of the next; correct the parents"
    ]


def test_absent_refuses_a_department_with_users_or_sub_departments_naming_them(run_module):
    users = [("u%d" % n, login, "d-sales") for n, login in enumerate(("jdoe", "asmith", "kwong", "mgarcia"))]
    outcome = run_module(
        ispring_department,
        args(departments=[dict(code="SALES"), dict(code="ENG"), dict(code="NONE")], state="absent"),
        departments_call(BEFORE),
        department_users_call(["d-sales", "d-eng"], users + [("u9", "lee", "d-emea")]),
    )
    assert outcome.failed
    assert outcome.result["problems"] == [
        "departments[0] (code SALES) still has 1 sub-department(s) the task does not remove: SALES-EMEA; remove or "
        "move them first",
        "departments[0] (code SALES) still has 4 user(s): jdoe, asmith, kwong and 1 more; move them to another "
        "department first",
    ]
    assert outcome.msg.endswith("Nothing was changed.")


def test_absent_removes_children_first(run_module):
    outcome = run_module(
        ispring_department,
        args(departments=[dict(code="SALES"), dict(code="SALES-EMEA"), dict(code="GONE")], state="absent"),
        departments_call(BEFORE),
        department_users_call(["d-emea", "d-sales"]),
        delete_call("d-emea"),
        delete_call("d-sales"),
        departments_call([ROOT, ENG]),
    )
    assert outcome.exit_code == 0, outcome.msg
    assert summary(outcome.result) == [
        ("SALES", "d-sales", True),
        ("SALES-EMEA", "d-emea", True),
        ("GONE", None, False),
    ]
    assert [e["after"] for e in outcome.result["departments"]] == [None, None, None]


def test_a_failure_after_writes_says_exactly_what_was_written(run_module):
    outcome = run_module(
        ispring_department,
        args(),
        departments_call(BEFORE),
        *PLANNED_CALLS[:3],
        update_call("d-emea", "Sales Europe", "d-europe", "SALES-EMEA", status=400, reply={"message": "Bad name"}),
        departments_call([ROOT, AFTER[1], EMEA, ENG, AFTER[4], AFTER[6]]),
    )
    assert outcome.failed
    assert summary(outcome.result) == [
        ("SALES-EMEA", "d-emea", False),
        ("FR", None, False),
        ("SALES", "d-sales", True),
        ("EUROPE", "d-europe", True),
        ("ENG", "d-eng", False),
        ("Interns", "d-interns", True),
    ]
    assert outcome.msg == (
        "Move department SALES-EMEA failed: iSpring POST /department/d-emea failed: HTTP 400: Bad name. "
        '3 department(s) were changed before the failure (SALES, EUROPE, "Interns" under ENG); the departments '
        "list says which. Run the task again to finish."
    )
    sales, europe = outcome.result["departments"][2:4]
    assert sales["after"] == view("d-sales", "Sales & Marketing", "SALES", "d-root", "Company")  # as read again
    assert europe["after"] == view("d-europe", "Europe", "EUROPE", "d-root", "Company")
    assert outcome.result["departments"][0]["after"] == outcome.result["departments"][0]["before"]


def test_a_move_the_service_does_not_make_fails_after_the_read_back(run_module):
    declared = [dict(code="SALES-EMEA", name="Sales EMEA", parent="ENG")]
    outcome = run_module(
        ispring_department,
        args(departments=declared),
        departments_call(BEFORE),
        update_call("d-emea", "Sales EMEA", "d-eng", "SALES-EMEA"),
        departments_call(BEFORE),
    )
    assert outcome.failed
    assert outcome.result["departments"][0]["after"]["parent"] == "SALES"
    assert "do not read back as written: SALES-EMEA" in outcome.msg


def test_max_changes_refuses_before_any_write(run_module):
    outcome = run_module(ispring_department, args(max_changes=2), departments_call(BEFORE))
    assert outcome.failed and outcome.result["planned"] == {"to create": 3, "to move": 1, "to rename": 1}
    assert outcome.msg.startswith("The task would change 5 department(s), more than max_changes (2)")


def test_a_share_of_max_changes_counts_the_account_s_departments(run_module):
    """Issue 26 item 4: 100% of the 4 departments read allows 4; the plan changes 5."""
    outcome = run_module(ispring_department, args(max_changes="100%"), departments_call(BEFORE))
    assert outcome.msg.startswith(
        "The task would change 5 department(s), more than max_changes (100% of the 4 department(s) read: 4; "
        "the plan changes 125%)"
    ), outcome.msg


def test_api_soap_fails_before_any_request(run_module):
    outcome = run_module(ispring_department, args(api="soap"))
    assert outcome.failed
    assert outcome.msg == (
        "api=soap: this module speaks iSpring's REST interface only (iSpring documents users, departments and groups "
        "over REST only). Set api: rest on this task, or leave api out (module_defaults of group/learnops.lms.ispring "
        "or ISPRING_API may set it). Nothing was changed."
    )
    assert outcome.session.sent == []


def test_a_creation_whose_reply_holds_no_id_is_reported_unconfirmed(run_module):
    outcome = run_module(
        ispring_department,
        args(departments=[dict(code="A", name="A"), dict(code="B", name="B", parent="A")]),
        departments_call([ROOT]),
        create_call("A", "d-root", "A", reply="<html>Created</html>"),
        departments_call([ROOT, rest_department("d-a", "A", "A", "d-root")]),
    )
    assert outcome.failed
    first, second = outcome.result["departments"]
    assert (first["changed"], first["unconfirmed"], second["changed"]) == (True, True, False)
    assert outcome.msg.startswith(
        "Create department A failed: iSpring POST /department: the service answered success, but the reply does "
        "not carry the new id"
    )
    assert "Its outcome is unknown, so iSpring may have applied it (marked unconfirmed)" in outcome.msg


def test_a_code_with_spaces_around_it_is_refused_not_a_second_department(run_module):
    """ "SALES " is not SALES: it was created as another department; never stripped silently."""
    declared = [dict(code="SALES ", name="Sales"), dict(code="APAC", name="APAC", parent=" SALES")]
    outcome = run_module(ispring_department, args(departments=declared), departments_call(BEFORE))
    assert outcome.failed
    assert outcome.result["problems"] == [
        "departments[0]: code 'SALES ' has spaces around it; write it as 'SALES' (with them it is another "
        "department's code)",
        "departments[1]: parent ' SALES' has spaces around it; write it as 'SALES' (with them it is another "
        "department's code)",
    ]
    assert "Nothing was changed." in outcome.msg and outcome.result["changed"] is False
