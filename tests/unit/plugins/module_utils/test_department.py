# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The department planner: matching, the problems it finds, and the rounds of writes."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.module_utils import department
from ansible_collections.learnops.lms.plugins.module_utils.ispring_rest import Department

ROOT = Department("d-root", "Company", None, None)
SALES = Department("d-sales", "Sales", "SALES", "d-root")
EMEA = Department("d-emea", "Sales EMEA", "SALES-EMEA", "d-sales")
ENG = Department("d-eng", "Engineering", "ENG", "d-root")
TREE = (ROOT, SALES, EMEA, ENG)


def planned(declared, current=TREE, state="present"):
    wanted, problems = department.wanted(dict(departments=declared, state=state))
    return department.plan(wanted, current, state, problems)


def actions(the_plan):
    return [(e.wanted.code or e.wanted.name, e.action, e.level) for e in the_plan.entries]


def test_identical_duplicates_are_one_entry_and_blank_values_are_not_given():
    the_plan = planned([dict(code="ENG", name="Engineering", parent=" "), dict(code="ENG", name="Engineering")])
    assert actions(the_plan) == [("ENG", None, 0)] and the_plan.problems == []


def test_a_department_without_code_is_found_by_name_under_its_parent_and_keeps_its_code():
    the_plan = planned([dict(name="Sales EMEA", parent="SALES")])
    assert actions(the_plan) == [("Sales EMEA", None, 0)]
    assert the_plan.entries[0].department_id == "d-emea"


def test_a_new_chain_is_created_one_level_at_a_time():
    the_plan = planned(
        [dict(code="C", name="C", parent="B"), dict(code="B", name="B", parent="A"), dict(code="A", name="A")]
    )
    assert actions(the_plan) == [("C", "create", 2), ("B", "create", 1), ("A", "create", 0)]
    assert [[e.wanted.code for e in r] for r in the_plan.rounds()] == [["A"], ["B"], ["C"]]


def test_a_move_waits_for_a_move_above_it_through_a_department_not_declared():
    # Company > SALES > SALES-EMEA; ENG moves under SALES-EMEA and SALES under ENG's old place is fine,
    # but SALES moving under ENG while ENG moves under SALES-EMEA (a child of SALES) is a loop.
    loop = planned(
        [dict(code="SALES", name="Sales", parent="ENG"), dict(code="ENG", name="Engineering", parent="SALES-EMEA")]
    )
    assert loop.problems == [
        "a cycle: SALES -> ENG -> SALES-EMEA -> SALES would each be the parent of the next; correct the parents"
    ]
    # X moves under D (not declared), whose parent A moves: X goes in the round after A's.
    x = Department("d-x", "X", "X", "d-root")
    a = Department("d-a", "A", "A", "d-x")
    d = Department("d-d", "D", "D", "d-a")
    the_plan = planned([dict(code="X", name="X", parent="D"), dict(code="A", name="A")], current=[ROOT, x, a, d])
    assert the_plan.problems == []
    assert actions(the_plan) == [("X", "move", 1), ("A", "move", 0)]


def test_codes_and_names_that_match_several_departments_and_the_root_are_problems():
    twins = [ROOT, SALES, Department("d-sales2", "Sales 2", "SALES", "d-root")]
    the_plan = planned([dict(code="SALES", name="Sales")], current=twins)
    assert the_plan.problems == [
        "departments[0] (code SALES): 2 departments have code SALES (d-sales, d-sales2); give them distinct codes first"
    ]
    coded_root = Department("d-root", "Company", "HQ", None)
    assert planned([dict(code="HQ", name="Company")], current=[coded_root]).problems == [
        "departments[0] (code HQ) is the root department, which has no parent; leave it out (name it as a parent)"
    ]
    same = planned([dict(code="SALES", name="Sales"), dict(name="Sales")])
    assert same.problems == [
        'departments[1] (name "Sales" under the root) is the department departments[0] declares by code SALES; '
        "declare it once"
    ]


def test_absent_by_name_under_a_parent_and_children_first():
    the_plan = planned([dict(name="Sales", parent=None), dict(code="SALES-EMEA")], state="absent")
    assert actions(the_plan) == [("Sales", "delete", 1), ("SALES-EMEA", "delete", 0)]
    assert planned([dict(name="Sales", parent="NOPE")], state="absent").entries[0].action is None
    assert planned([dict()], state="absent").problems == [
        "departments[0]: give the department's code, or its name (and parent)"
    ]
