# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_department, run by ansible-playbook against the sandbox (fixture: root (no code) >
sales SALES > sales-emea SALES-EMEA, root > engineering ENG)."""

from __future__ import annotations

import pytest

from .helpers import WRITES

pytestmark = pytest.mark.any_line  # the module's behaviour: the same on every line

ROOT = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c01"
SALES = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c02"
SALES_EMEA = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c03"
ENG = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c04"
# Children before parents: two new departments on two levels, a rename and move under the new
# parent, a rename, and a new department without a code.
TREE = [
    {"code": "FR", "name": "France", "parent": "EUROPE"},
    {"code": "EUROPE", "name": "Europe"},
    {"code": "SALES-EMEA", "name": "Sales Europe", "parent": "EUROPE"},
    {"code": "ENG", "name": "Engineering"},
    {"name": "Interns", "parent": "ENG"},
]


def task(name="Departments", ignore_errors=False, **args):
    found = {"name": name, "learnops.lms.ispring_department": args}
    if ignore_errors:
        found["ignore_errors"] = True
    return found


def departments(lms):
    """{code or name: (name, the parent's code or name)} of the sandbox's departments."""
    found = {d["departmentId"]: d for d in lms.state()["ispring"]["departments"]}

    def label(department_id):
        return None if department_id is None else (found[department_id]["code"] or found[department_id]["name"])

    return {d["code"] or d["name"]: (d["name"], label(d["parentId"])) for d in found.values()}


def writes(lms):
    """(operation, path) of the REST writes in the sandbox's log."""
    return [(e["operation"], e["path"]) for e in lms.requests(api="ispring") if e["operation"] in WRITES]


def test_a_tree_converges_check_and_diff_truthful_and_a_rerun_writes_nothing(play, lms):
    before = departments(lms)
    checked = play([task(departments=TREE)], check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert writes(lms) == [] and departments(lms) == before
    assert checked.result["changed"] is True
    assert "iSpring departments: 5 department(s) change (3 to create, 1 to move, 1 to rename)" in checked.output
    assert "- SALES-EMEA: name sales-emea, parent SALES" in checked.output
    assert "+ SALES-EMEA: name Sales Europe, parent EUROPE" in checked.output
    assert "+ FR: name France, code FR, parent EUROPE" in checked.output

    lms.settings(ispring_created_id="text")  # 3.3 [assumed]: the new ids as plain text
    real = play([task(departments=TREE)], diff=True)
    assert real.rc == 0, real.output
    after = departments(lms)
    assert {code: after[code] for code in ("FR", "EUROPE", "SALES-EMEA", "ENG", "Interns")} == {
        "FR": ("France", "EUROPE"),
        "EUROPE": ("Europe", "root"),
        "SALES-EMEA": ("Sales Europe", "EUROPE"),
        "ENG": ("Engineering", "root"),
        "Interns": ("Interns", "ENG"),
    }
    assert after["SALES"] == before["SALES"]  # not declared: left as it is
    # what check mode predicted is what was done, but the new departments' ids
    for guess, done in zip(checked.result["departments"], real.result["departments"], strict=True):
        assert guess["changed"] is done["changed"] is True
        assert {k: v for k, v in guess["after"].items() if k not in ("department_id", "parent_id")} == {
            k: v for k, v in done["after"].items() if k not in ("department_id", "parent_id")
        }
    assert checked.result["diff"] == real.result["diff"]
    sent = writes(lms)
    europe = real.result["departments"][1]["department_id"]
    # round 1 (side by side, any order), then round 2 under the new parent
    assert sorted(sent[:3]) == [("AddDepartment", "/department"), ("AddDepartment", "/department")] + [
        ("UpdateDepartment", "/department/%s" % ENG)
    ]
    assert sorted(sent[3:]) == [("AddDepartment", "/department"), ("UpdateDepartment", "/department/%s" % SALES_EMEA)]
    assert real.result["departments"][2]["after"]["parent_id"] == europe

    lms.clear_requests()
    again = play([task(departments=TREE)])
    assert again.rc == 0, again.output
    assert again.result["changed"] is False and writes(lms) == []
    assert [e["operation"] for e in lms.requests(api="ispring")] == ["ListDepartments"]


def test_bad_input_and_removals_that_would_orphan_users_fail_before_any_write(play, lms):
    bad = [
        {"code": "A", "name": "A", "parent": "B"},
        {"code": "B", "name": "B", "parent": "A"},
        {"code": "X"},
        {"code": "Y", "name": "Y", "parent": "NOPE"},
    ]
    temporary = [{"code": "TMP", "name": "Temporary", "parent": "ENG"}, {"code": "TMP-A", "name": "A", "parent": "TMP"}]
    run = play(
        [
            task("Remove sales", ignore_errors=True, state="absent", departments=[{"code": "SALES"}]),
            task("Bad input", ignore_errors=True, departments=bad),
            task("Over SOAP", ignore_errors=True, api="soap", departments=temporary),
            task("Temporary", departments=temporary),
            task("Remove temporary", state="absent", departments=[{"code": "TMP"}, {"code": "TMP-A"}]),
        ]
    )
    assert run.rc == 0, run.output
    refused, invalid, soap, created, removed = (entry["result"] for entry in run.results)
    assert [entry["status"] for entry in run.results] == ["failed", "failed", "failed", "ok", "ok"]
    assert refused["problems"][0] == (
        "departments[0] (code SALES) still has 1 sub-department(s) the task does not remove: SALES-EMEA; remove or "
        "move them first"
    )
    # active users only: the listing leaves the inactive bjones out (contract 1.3; the module's notes)
    assert refused["problems"][1] == (
        "departments[0] (code SALES) still has 2 user(s): salesadmin, jdoe; move them to another department first"
    )
    assert refused["msg"].endswith("Nothing was changed.")
    assert invalid["problems"] == [
        "departments[2]: name is missing; every department declared present needs its name",
        "departments[3] (code Y): parent NOPE is neither declared in the task nor the code of a department of the "
        "account; declare it, or correct the code",
        "a cycle: A -> B -> A would each be the parent of the next; correct the parents",
    ]
    assert soap["msg"].startswith("api=soap: this module speaks iSpring's REST interface only")
    assert created["changed"] and removed["changed"]
    new, child = (entry["department_id"] for entry in created["departments"])
    # only the temporary tree was written: parent first, then removed child first
    assert writes(lms) == [
        ("AddDepartment", "/department"),
        ("AddDepartment", "/department"),
        ("RemoveDepartment", "/department/%s" % child),
        ("RemoveDepartment", "/department/%s" % new),
    ]
    assert "TMP" not in departments(lms) and departments(lms)["SALES"] == ("sales", "root")
