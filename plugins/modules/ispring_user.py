#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ispring_user
short_description: Provision iSpring Learn users - accounts, departments, statuses, groups
version_added: 2.1.0
author:
  - learnops.lms developers (@learnops)
description:
  - Brings iSpring Learn users to a declared state - their email, names, department, role, status,
    other profile fields and groups - with the REST calls of the vendor's OpenAPI file
    (C(POST /user), C(POST /user/{userId}), C(POST /user/{userId}/status), C(DELETE /user/{userId}),
    C(POST /group/{groupId}/members)). A whole cohort of new hires, or of leavers, in one task.
  - Users are matched by O(users[].login). The task reads them in one listing by login
    (C(GET /users/v2), whatever their status, cut into requests of under 6 KB of query), the
    departments (C(GET /departments)) when a user names one, and the groups (C(GET /groups), then
    C(GET /group/{groupId}) for the members) when a user names one; then it writes only the
    difference. A second run changes nothing and sends no write.
  - A value the task does not give is neither compared nor changed. An email compares
    case-insensitively; the other values exactly; O(users[].fields) by field name in any case, with
    or without underscores (C(JOB_TITLE) is C(jobTitle)). An empty name or field (V("") or null) is
    the same as none - it matches a user who has none, and clears one that is set.
  - Everything is checked before the first write, and every problem is reported in one message,
    each naming its user - an invalid email, an unknown status or role, a login declared twice with
    different values, an unknown department code or group name, a smart group, a new user without
    a department or an email, a login that iSpring lists spelt in another case (C(JDoe) for
    C(jdoe)). Nothing is changed then.
  - Users to create, change or delete go out side by side (O(max_parallel) at a time); then one
    call per group that gains members.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.state
  - learnops.lms.ispring.rest_only
  - learnops.lms.ispring
  - learnops.lms.transport
  - learnops.lms.max_changes
  - learnops.lms.report_unchanged
options:
  users:
    description:
      - The users, each named by O(users[].login). A login given twice must be given with the same
        values.
    type: list
    elements: dict
    required: true
    suboptions:
      login:
        description: The user's login, unique in the account.
        type: str
        required: true
      email:
        description:
          - The email address. Required for a new user (iSpring's C(NewUser) requires it).
        type: str
      first_name:
        description: First name.
        type: str
      last_name:
        description: Last name.
        type: str
      department:
        description:
          - The department, by its code (for example V(SALES-EMEA)) or its ID. Required for a new
            user. A code that is no department's code, nor an ID, or that several departments have,
            fails the task before any write.
        type: str
      role:
        description:
          - The user's role - V(learner), V(administrator), V(department_administrator) or
            V(publisher). Not given - a new user is a learner, an existing one keeps their role.
        type: str
      status:
        description:
          - V(active), V(inactive) (C(3) - cannot sign in; records and results kept) or
            V(terminated) (C(5) - employment ended; records kept). Not given - a new user is
            active, an existing one keeps their status.
          - For a leaver, V(inactive) is usually what is wanted rather than O(state=absent) - their
            enrollments, results and certificates stay in the reports, and they can be
            reactivated.
        type: str
      groups:
        description:
          - Names of groups the user is to be in. The user is added to those they are not in; they
            are never removed from a group (use M(learnops.lms.ispring_group) with its
            C(exclusive) for that).
          - A smart group cannot be joined - its members follow its rules.
        type: list
        elements: str
      fields:
        description:
          - Any other profile field, by its name (for example C(JOB_TITLE) or a custom field), with
            its value as text. Only the fields given are compared and changed.
          - The login, email and names have options of their own and are refused here.
        type: dict
      password:
        description:
          - The password of a new user; not used for an existing one (never compared). Masked in
            every output.
          - Not given - the user signs in as the account's settings allow (for example from the
            invitation O(users[].send_login_email) sends).
        type: str
      send_login_email:
        description:
          - Whether iSpring emails a new user their sign-in details. Not used for an existing user.
        type: bool
  state:
    description:
      - V(present) - the users exist with the values given; one that does not exist is created.
      - V(absent) - the users are deleted (C(DELETE /user/{userId})), with their enrollments and
        results; no value but O(users[].login) may be given. A user that does not exist is no
        change. Prefer O(users[].status=inactive) for a leaver whose records are to be kept.
    type: str
    choices: [present, absent]
    default: present
  new_departments:
    description:
      - The codes of departments that an earlier task of the same run creates (the role
        P(learnops.lms.learner_states#role) passes those of its departments task). In check mode
        that task creates nothing, so a user may name one of them here, and the plan shows the
        user in it.
      - Outside check mode it has no effect - the department exists by then, or the task fails.
    type: list
    elements: str
    default: []
    version_added: 2.1.0
notes:
  - Supports C(check_mode) (nothing is written; the result says what would change, with the values
    predicted) and C(diff_mode) (the users that change, each with their before and after).
  - "Assumed where the contract and the OpenAPI file are silent (constants in
    C(module_utils/ispring_rest.py), contract 3.3): logins are unique per account, and C(GET
    /users/v2) filtered by C(logins[]) lists those users whatever their status, so a deactivated
    user is found and never created twice (a login listed for two users fails the task before any
    write, naming both); the C(201) reply of C(POST /user) holds the new ID as a
    JSON string or as plain text; the first and last names are sent as the profile fields
    C(firstName) and C(lastName), and C(POST /user/{userId}) keeps the fields it is not sent; a new
    user is an active learner unless the task says otherwise; C(POST /group/{groupId}/members) may
    add or may replace, so the current members are read and sent too, and the group is read back
    after and the task fails if it lacks anyone; C(usersCount) of C(GET /group/{groupId}) counts every
    member, so a group that lists fewer members than it counts (a token that cannot see them all, a
    cut-off list) is joined by nobody - the task fails before any write, naming the group and both
    numbers (C(GROUP_COUNT_CHECKED); a group without C(usersCount) is taken as listed)."
  - "Not relied on: what the service does with a repeated C(POST /user) or C(DELETE /user/{userId});
    they are not repeated after a lost reply (the task fails, and a rerun finishes the job)."
  - A department administrator's token sees and changes only the users of the departments they
    manage.
seealso:
  - module: learnops.lms.ispring_user_info
  - module: learnops.lms.course_enrollment
"""

EXAMPLES = r"""
- name: Onboard the new hires
  learnops.lms.ispring_user:
    api_url: https://api-learn.ispringlearn.com
    client_id: "{{ ispring_client_id }}"
    client_secret: "{{ ispring_client_secret }}"
    users:
      - login: jdoe
        email: jdoe@example.com
        first_name: Jane
        last_name: Doe
        department: SALES-EMEA
        groups: [New hires]
        fields:
          JOB_TITLE: Account executive
        password: "{{ vault_initial_password }}"
        send_login_email: true

- name: Offboard the leavers - deactivated, their records and completions kept (connection from module_defaults)
  learnops.lms.ispring_user:
    users:
      - login: asmith
        status: inactive
      - login: kwong
        status: inactive

- name: Delete a test account
  learnops.lms.ispring_user:
    state: absent
    users:
      - login: test-account-1
"""

RETURN = r"""
changed:
  description: Whether any user was (or, in check mode, would be) created, changed, deleted or added to a group.
  returned: always
  type: bool
users:
  description: One entry per user declared (each login once), in the order declared.
  returned: always
  type: list
  elements: dict
  contains:
    login:
      description: The login.
      type: str
    user_id:
      description: The iSpring user ID; for a new user, as read back (null in check mode).
      type: str
    changed:
      description: Whether this user was (or would be) created, changed, deleted or added to a group.
      type: bool
    before:
      description:
        - The user before the task, or null when there was none - C(login), C(email),
          C(first_name), C(last_name), C(department) (its code, else its ID), C(role), C(status)
          (V(active), V(inactive), V(terminated)), C(fields) (those the task names) and C(groups)
          (those of the groups the task names that the user is in). Never a password.
      type: dict
    after:
      description:
        - The same after the task, or null when the user is deleted. After a write, as read back
          from iSpring; in check mode, as predicted.
      type: dict
  sample:
    - login: jdoe
      user_id: 5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01
      changed: true
      before: null
      after:
        login: jdoe
        email: jdoe@example.com
        first_name: Jane
        last_name: Doe
        department: SALES-EMEA
        role: learner
        status: active
        fields: {}
        groups: [New hires]
unchanged:
  description: How many users declared did not change (they are not listed in RV(users)).
  returned: when O(report_unchanged=false)
  type: int
  sample: 950
problems:
  description: Every problem found in the declared users before any write, each naming its user.
  returned: when the users fail validation (the task fails and changes nothing)
  type: list
  elements: str
  sample: ["users[3] (login kwong): department 'SALEZ' is no department code or ID of the account"]
"""

from functools import partial

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, ispring_client, runner, user


def run(module, client):
    params = module.params
    with runner.before_writes():
        wanted, problems = user.validate(params)
        account = user.read(client, wanted)
        if module.check_mode:
            user.plan_departments(account, params["new_departments"])
        problems += user.resolve(wanted, account, params["state"])
        user.fail_on(problems)
        user.read_members(client, wanted, account)
        the_plan = user.plan(wanted, account, params["state"])
        user.check_cut_groups(the_plan, account)
        the_plan.check_max_changes(params["max_changes"], module.check_mode, module._diff)
    return runner.apply(module, the_plan, partial(user.write, client, the_plan, account))


def main():
    wanted = dict(
        login=dict(type="str", required=True),
        email=dict(type="str"),
        first_name=dict(type="str"),
        last_name=dict(type="str"),
        department=dict(type="str"),
        role=dict(type="str"),
        status=dict(type="str"),
        groups=dict(type="list", elements="str"),
        fields=dict(type="dict"),
        password=dict(type="str", no_log=True),
        send_login_email=dict(type="bool"),
    )
    module = AnsibleModule(
        argument_spec=arguments.rest_only_spec(
            users=dict(type="list", elements="dict", required=True, options=wanted),
            state=arguments.present_or_absent(),
            new_departments=dict(type="list", elements="str", default=[]),
            **arguments.plan_options(),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(module, ispring_client.rest_only_client_from, run, always=dict(changed=False, users=[]))


if __name__ == "__main__":
    main()
