#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ispring_user_info
short_description: Read iSpring Learn users by department, group, login, email or ID
version_added: 2.1.0
author:
  - learnops.lms developers (@learnops)
description:
  - Lists iSpring Learn users with their login, email, names, department (ID and code), status
    word, role and groups - for audits, for the audience of a course, and for finding user IDs.
  - Users are those named by O(logins), O(emails) or O(user_ids), and those in the departments
    O(departments) or the groups O(groups) - each user once, ordered by login. With no filter,
    every user of the account.
  - Reads C(GET /departments) and C(GET /groups) (for the codes and names), then C(GET /users/v2)
    - by C(logins[]), C(emails[]), C(userIds[]), C(departments[]) or C(groups[]), each kind in
    listings of its own, whatever the users' status. When the users' records do not list their
    groups, every group's members are read (C(GET /group/{groupId}) each).
  - A department, group or user named that the account does not have fails the task, naming every
    one - an empty report never stands for a typo.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.info
  - learnops.lms.ispring.rest_only
  - learnops.lms.ispring
  - learnops.lms.transport
options:
  logins:
    description: Users by login.
    type: list
    elements: str
    default: []
  emails:
    description: Users by email address (compared case-insensitively).
    type: list
    elements: str
    default: []
  user_ids:
    description: Users by iSpring user ID.
    type: list
    elements: str
    default: []
  departments:
    description:
      - The users of these departments, each by its code (for example V(SALES-EMEA)) or its ID.
        Only the department's own users, not those of its sub-departments.
    type: list
    elements: str
    default: []
  groups:
    description: The users of these groups, by name (smart groups too).
    type: list
    elements: str
    default: []
notes:
  - "Assumed where the contract and the OpenAPI file are silent (contract 3.3): C(GET /users/v2)
    lists users named by login, email or ID whatever their status. By department or group, or
    without a filter, it may list every status or active users only (the sandbox does the latter):
    the report shows the users as the account lists them, each with their status."
  - A group whose C(GET /group/{groupId}) lists fewer members than its C(usersCount) (a token that
    sees part of the group) is reported with the members it lists, and a warning naming the group
    and both numbers (C(ispring_rest.GROUP_COUNT_CHECKED)).
seealso:
  - module: learnops.lms.ispring_user
"""

EXAMPLES = r"""
- name: Who is in Sales EMEA
  learnops.lms.ispring_user_info:
    api_url: https://api-learn.ispringlearn.com
    client_id: "{{ ispring_client_id }}"
    client_secret: "{{ ispring_client_secret }}"
    departments: [SALES-EMEA]
  register: emea

- name: The inactive ones
  ansible.builtin.debug:
    msg: "{{ emea.users | selectattr('status', 'equalto', 'inactive') | map(attribute='login') }}"

- name: The new hires and one more by login (connection from module_defaults)
  learnops.lms.ispring_user_info:
    groups: [New hires]
    logins: [jdoe]
"""

RETURN = r"""
changed:
  description: Always false.
  returned: always
  type: bool
users:
  description: The users, each once, ordered by login.
  returned: always
  type: list
  elements: dict
  contains:
    user_id:
      description: The iSpring user ID.
      type: str
    login:
      description: The login.
      type: str
    email:
      description: The email address.
      type: str
    first_name:
      description: First name, or null.
      type: str
    last_name:
      description: Last name, or null.
      type: str
    department_id:
      description: The ID of the user's department.
      type: str
    department:
      description: The code of the user's department, or null when it has none.
      type: str
    status:
      description: V(active), V(inactive) or V(terminated).
      type: str
    role:
      description: The role (for example V(learner), V(administrator)).
      type: str
    groups:
      description: The names of the groups the user is in, sorted.
      type: list
      elements: str
  sample:
    - user_id: 5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01
      login: jdoe
      email: jdoe@example.com
      first_name: Jane
      last_name: Doe
      department_id: 2f0f3c1e-0001-4c3d-9e8f-1a2b3c4d5e01
      department: SALES-EMEA
      status: active
      role: learner
      groups: [New hires]
departments:
  description:
    - Every department of the account, in the order iSpring lists them (read anyway, for the users'
      department codes; no request more) - for example to export the tree
      (the playbook C(learnops.lms.export_states)).
  returned: always
  type: list
  elements: dict
  contains:
    department_id:
      description: The department's ID.
      type: str
    name:
      description: The name.
      type: str
    code:
      description: The code, or null when it has none.
      type: str
    parent_id:
      description: The parent's ID, null for the root department.
      type: str
    parent:
      description: The parent's code, or null (the root, or a parent without a code).
      type: str
  sample:
    - department_id: 2f0f3c1e-0001-4c3d-9e8f-1a2b3c4d5e01
      name: Sales EMEA
      code: SALES-EMEA
      parent_id: 2f0f3c1e-0001-4c3d-9e8f-1a2b3c4d5e00
      parent: SALES
groups:
  description:
    - Every group of the account, in the order iSpring lists them (read anyway, for the names of
      the users' groups; no request more) - for example to tell the smart groups, whose members
      follow their rules, from those whose members are declared (the playbook
      C(learnops.lms.export_states)).
  returned: always
  type: list
  elements: dict
  version_added: 2.2.0
  contains:
    group_id:
      description: The group's ID.
      type: str
    name:
      description: The name.
      type: str
    smart:
      description:
        - Whether it is a smart group (its members follow its rules; M(learnops.lms.ispring_group)
          does not change them).
      type: bool
    users_count:
      description:
        - How many members iSpring counts (C(usersCount) of C(GET /group/{groupId})), for a group
          whose members were read - those of O(groups), or every group when the users' records do
          not list their groups; null for the others.
      type: int
  sample:
    - group_id: 6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e03
      name: All sales
      smart: true
      users_count: 3
not_found:
  description: The users named that the account does not have, by how they were named (C(login), C(email), C(user_id)).
  returned: when a user named is not found (the module fails)
  type: dict
  sample: {"login": ["ghost"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, ispring_client, runner, user


def run(module, client):
    users, departments, groups, warnings = user.report(client, module.params)
    for warning in warnings:
        module.warn(warning)
    return dict(changed=False, users=users, departments=departments, groups=groups)


def main():
    module = AnsibleModule(
        argument_spec=arguments.rest_only_spec(
            **arguments.name_lists("logins", "emails", "user_ids", "departments", "groups"),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(
        module,
        ispring_client.rest_only_client_from,
        run,
        always=dict(changed=False, users=[], departments=[], groups=[]),
        identifiers=("logins", "emails", "user_ids", "departments", "groups"),
    )


if __name__ == "__main__":
    main()
