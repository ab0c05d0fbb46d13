#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ispring_department
short_description: Manage the department tree of iSpring Learn, idempotently
version_added: 2.1.0
author:
  - learnops.lms developers (@learnops)
description:
  - Brings departments of an iSpring Learn account to a declared state - which exist, with which
    name, code and parent - with the REST calls of the vendor's OpenAPI file, C(GET /departments),
    C(POST /department), C(POST /department/{departmentId}) and C(DELETE /department/{departmentId}).
  - Reads every department (all pages) once, and writes only the difference. A second run changes
    nothing and sends no write.
  - A department is matched by O(departments[].code); one declared without a code, by its name
    under its parent. A whole tree can be declared in one task - parents are written before their
    children (a new child of a new parent gets the parent's new ID), level by level, the
    departments of one level side by side (up to O(max_parallel) calls at a time).
  - A department whose name or parent differs is renamed or moved with one C(POST
    /department/{departmentId}) (C(UpdateDepartment)), which carries its name, parent and code.
    Departments not declared are left as they are.
  - Everything is checked before the first write, and every problem is reported in one message,
    each naming the entry - a name missing, a code declared twice with different values, a parent
    code that is neither declared nor an existing department's, a tree that would loop, a code or
    name that matches several departments, and (O(state=absent)) a department that still has users
    or sub-departments.
  - After the writes the departments are read again; RV(departments[].after) is what iSpring
    reports, and a department that does not read back as written fails the task.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.state
  - learnops.lms.ispring.rest_only
  - learnops.lms.ispring
  - learnops.lms.transport
  - learnops.lms.max_changes
  - learnops.lms.report_unchanged
options:
  departments:
    description:
      - The departments, in any order (a parent may come after its children).
      - A department declared twice must be declared with the same values.
    type: list
    elements: dict
    required: true
    suboptions:
      code:
        description:
          - The department's code, which identifies it. With O(state=present), a department that has
            another name or parent is renamed or moved; one that does not exist is created with this
            code.
          - Without a code the department is identified by O(departments[].name) under its parent; it
            is then created when missing, never renamed or moved, and an existing code is kept.
          - A code (or O(departments[].parent)) with spaces around it fails the task before any write,
            naming it - C(SALES ) would be another department than C(SALES); it is not stripped.
        type: str
      name:
        description:
          - The department's name. Required with O(state=present); with O(state=absent), only for a
            department named without a code.
        type: str
      parent:
        description:
          - The code of the parent department - one declared in the same task, or an existing one.
          - Not given - the root department (the one without a parent).
        type: str
  state:
    description:
      - V(present) - the departments exist, with the names and parents given.
      - V(absent) - the departments do not exist. A department that still has users, or
        sub-departments that the task does not remove too, is refused before any write, with the
        users' logins (the first few, and how many) and the sub-departments named. Sub-departments
        removed in the same task are removed first.
      - The users are those C(GET /users/v2) lists by department - on an account that lists active
        users only there, a department whose users are all inactive passes this check, and the
        removal is left to iSpring, which is assumed to refuse it (the task then fails naming it).
    type: str
    choices: [present, absent]
    default: present
  max_changes:
    description:
      - The most departments the task may create, rename, move or remove (a share V("N%") counts
        against the account's departments as read).
  report_unchanged:
    description:
      - List every department asked for in RV(departments), V(true), or only those that change,
        V(false), with the others counted in RV(unchanged).
notes:
  - Supports C(check_mode) (nothing is written; RV(departments[].after) is the prediction, with no
    ID for a new department) and C(diff_mode) (the departments that change, before and after).
  - The root department cannot be declared, renamed or removed; name it as a parent by its code, or
    leave O(departments[].parent) out.
  - "Inferred from the vendor's OpenAPI file, to check on a real tenant (each is one constant in
    C(module_utils/ispring_rest.py), contract 3.3, r3): C(POST /department) answers 201 with the new
    ID as a JSON string or as plain text; C(UpdateDepartment) with C(parentDepartmentId) moves a
    department; C(GET /users/v2) filtered by C(departments[]) lists the users of those departments
    (each user is counted under its own C(departmentId)). Department codes are unique in the account."
  - "C(GET /users/v2) by C(departments[]) may list every status or active users only (contract 3.3,
    assumed either): on an account that lists active users only there, a department whose only users
    are inactive or terminated is not refused before the first write; iSpring's own answer to its
    removal then decides, and a refusal fails the task naming what was removed before it."
  - "Not relied on: what the service answers to a department created or removed twice; so C(POST
    /department) and C(DELETE /department/{departmentId}) are not repeated after a lost reply (the
    task fails, the department is marked unconfirmed, and a rerun finishes the job)."
  - A department administrator's token sees and changes only the departments they manage.
seealso:
  - module: learnops.lms.course_enrollment
"""

EXAMPLES = r"""
- name: The sales and engineering tree (connection from module_defaults)
  learnops.lms.ispring_department:
    departments:
      - code: SALES
        name: Sales
      - code: SALES-EMEA
        name: Sales EMEA
        parent: SALES
      - code: ENG
        name: Engineering
      - name: Interns          # no code: found by name under ENG
        parent: ENG

- name: A reorganisation - EMEA sales move under the new Europe department
  learnops.lms.ispring_department:
    api_url: https://api-learn.ispringlearn.com
    api: rest
    client_id: "{{ ispring_client_id }}"
    client_secret: "{{ ispring_client_secret }}"
    departments:
      - code: EUROPE
        name: Europe
      - code: SALES-EMEA
        name: Sales Europe
        parent: EUROPE

- name: Close the EMEA department (refused while it has users)
  learnops.lms.ispring_department:
    state: absent
    departments:
      - code: SALES-EMEA
"""

RETURN = r"""
changed:
  description: Whether any department was (or, in check mode, would be) created, renamed, moved or removed.
  returned: always
  type: bool
unchanged:
  description: How many departments asked for did not change (they are not listed in RV(departments)).
  returned: when O(report_unchanged=false)
  type: int
departments:
  description: One entry per department asked for (a department declared twice, once), in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: The code, as declared.
      type: str
    name:
      description: The name, as declared.
      type: str
    parent:
      description: The parent's code, as declared (null - the root).
      type: str
    department_id:
      description: The department's ID; for one just created, the ID iSpring gave it (null in check mode).
      type: str
    changed:
      description: Whether this department was (or would be) created, renamed, moved or removed.
      type: bool
    unconfirmed:
      description:
        - True when the creation or removal of this department got no reply and was not repeated -
          iSpring may have applied it. Such a department counts as changed. Absent otherwise.
      type: bool
    before:
      description:
        - The department before the task, or null when there was none - C(department_id), C(name),
          C(code), C(parent_id) and C(parent) (the parent's code, else its name).
      type: dict
    after:
      description:
        - The same fields after the task, or null when the department does not exist. After a write,
          as read back from iSpring; in check mode, as predicted.
      type: dict
  sample:
    - code: SALES-EMEA
      name: Sales Europe
      parent: EUROPE
      department_id: 6f1c2a10-0002-4c3d-9e8f-1a2b3c4d5e02
      changed: true
      before:
        department_id: 6f1c2a10-0002-4c3d-9e8f-1a2b3c4d5e02
        name: Sales EMEA
        code: SALES-EMEA
        parent_id: 6f1c2a10-0001-4c3d-9e8f-1a2b3c4d5e01
        parent: SALES
      after:
        department_id: 6f1c2a10-0002-4c3d-9e8f-1a2b3c4d5e02
        name: Sales Europe
        code: SALES-EMEA
        parent_id: 6f1c2a10-0003-4c3d-9e8f-1a2b3c4d5e03
        parent: EUROPE
problems:
  description: Every reason the departments asked for cannot be applied, as the failure message lists them.
  returned: when the task fails before any write because of the departments asked for
  type: list
  elements: str
  sample:
    - "departments[2] (code SALES-EMEA): parent SALES is neither declared in the task nor the code of a
      department of the account; declare it, or correct the code"
"""

from functools import partial

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, department, ispring_client, runner


def run(module, client):
    params = module.params
    with runner.before_writes():
        the_wanted, problems = department.wanted(params)
        the_plan = department.plan(the_wanted, client.list_departments(), params["state"], problems)
        department.refuse_problems(client, the_plan)
        the_plan.check_max_changes(params["max_changes"], module.check_mode, module._diff)
    return runner.apply(module, the_plan, partial(department.write, client, the_plan))


def main():
    entry = dict(code=dict(type="str"), name=dict(type="str"), parent=dict(type="str"))
    module = AnsibleModule(
        argument_spec=arguments.rest_only_spec(
            departments=dict(type="list", elements="dict", required=True, options=entry),
            state=arguments.present_or_absent(),
            **arguments.plan_options(),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(module, ispring_client.rest_only_client_from, run, always=dict(changed=False, departments=[]))


if __name__ == "__main__":
    main()
