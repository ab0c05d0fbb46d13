#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ispring_group
short_description: Manage an iSpring Learn group and its members, idempotently
version_added: 2.1.0
author:
  - learnops.lms developers (@learnops)
description:
  - Brings one iSpring Learn group to a declared state - it exists with these members (and, with
    O(exclusive), no others), or it does not exist - with the REST calls of the vendor's OpenAPI
    file (tag C(group)).
  - Finds the group by O(name) or O(group_id) among the account's groups (C(GET /groups), all
    pages) and reads its members (C(GET /group/{groupId})); resolves the members named by login or
    email (C(GET /users)); and writes only the difference. A second run changes nothing and sends
    no write.
  - A group that does not exist is created with its members in one call (C(POST /group)). Members
    are added with one call (C(POST /group/{groupId}/members)) and removed with one call each
    (C(POST /user/{userId}/groups/remove)), side by side (O(max_parallel)).
  - After a change the group is read back; a group whose members are not those wanted fails the
    task, saying which members are missing or not wanted.
  - Everything is validated and every member resolved before the first write; unknown members are
    reported together and nothing is changed.
  - Smart groups (whose members follow rules) are read-only - a task that would change one fails
    before any write, naming it; a task that changes nothing in it passes.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.state
  - learnops.lms.ispring.rest_only
  - learnops.lms.ispring
  - learnops.lms.ispring.members
  - learnops.lms.transport
  - learnops.lms.max_changes
  - learnops.lms.report_unchanged
options:
  name:
    description:
      - Name of the group. At least one of O(name) and O(group_id) is required.
      - A group of this name that does not exist is created (with O(state=present)). A name that
        two groups have fails the task, naming their IDs; give O(group_id) then.
      - With O(group_id) too, the group of that ID gets this name (C(POST /group/{groupId}),
        V(UpdateGroup)); a name another group has fails the task before any write.
    type: str
  group_id:
    description:
      - ID of the group, instead of O(name) (or with it, to rename the group). The group must exist
        with O(state=present).
    type: str
  state:
    description:
      - V(present) - the group exists and has the members listed (added when missing); with
        O(exclusive), no others.
      - V(absent) - the group does not exist; an existing one is deleted (C(DELETE /group/{groupId}),
        its members are reported as removed). No members can be listed with V(absent).
    type: str
    choices: [present, absent]
    default: present
  members:
    description:
      - The members, each named one way.
    type: list
    elements: dict
    default: []
    suboptions:
      user_id:
        description:
          - iSpring user ID of the member. Exactly one of O(members[].user_id), O(members[].login)
            and O(members[].email) is required.
          - A user ID to be added is looked up first (C(GET /users/v2)); an unknown one fails the task
            before any write.
        type: str
      login:
        description: Login of the member (active users only).
        type: str
      email:
        description:
          - Email address of the member (active users only; compared case-insensitively).
          - An email that two users share (in any case) names neither; the task fails before any
            write, naming both.
        type: str
  exclusive:
    description:
      - Also remove the members of the group that the task does not list. They are reported in
        RV(members) with RV(members[].removed_by_exclusive).
      - Only with O(state=present).
    type: bool
    default: false
  allow_empty:
    description:
      - With O(exclusive=true), allow a task that lists no member at all, which empties the group.
      - Without it, such a task fails before anything is read - an empty list is more often a
        mistake (a vars file not loaded, a filter that matched nothing) than a wish.
    type: bool
    default: false
  new_logins:
    description:
      - Check mode only - the logins of users that an earlier task of the same run creates (the role
        C(learnops.lms.learner_states) passes the new users of its users' task). In check mode
        nothing is created, so such a user does not exist yet.
      - In check mode, a member named by one of these logins that the account does not have is
        planned as a member the group gains - in RV(members) (with a placeholder user ID,
        V((new user LOGIN\)), which no request names), in the diff (the login followed by
        "(new user)") and in O(max_changes) - instead of failing as a login that matches no user.
      - Outside check mode it has no effect (the users exist by then; a login that matches no user
        fails the task as without it).
    type: list
    elements: str
    default: []
    version_added: 2.2.0
notes:
  - Supports C(check_mode) (nothing is written; the result says what would change) and
    C(diff_mode) (the group's members before and after, by login where known, else email, else
    user ID).
  - "Inferred from the vendor's OpenAPI file, to check on a real tenant (each is one constant in
    C(module_utils/ispring_rest.py), contract 3.3): C(POST /group) answers C(201) with the new ID
    as a JSON string or as plain text (C(NEW_ID_TEXT)); C(POST /group/{groupId}/members) may add
    the IDs sent to the group or replace its members with them - the module sends the current
    members plus the new ones, which gives the group wanted under both readings
    (C(GROUP_MEMBERS_SEND_CURRENT)), removes members with C(POST /user/{userId}/groups/remove), and
    reads the group back after any change; C(usersCount) of C(GET /group/{groupId}) counts every
    member, so a group that lists fewer members than it counts (a token that cannot see them all, a
    cut-off list) gets no member added or removed, nor O(exclusive) - the task fails before any write,
    naming the group and both numbers (C(GROUP_COUNT_CHECKED); a group without C(usersCount) is taken
    as listed; a rename or a deletion does not depend on the members)."
  - The creation and the deletion of a group are not repeated after a lost reply (a repeat could
    make a second group); the task fails, and a rerun finishes the job. When the group cannot be
    read again either, the result counts the call as made (RV(changed)), as the service may have
    acted.
  - A department administrator's token sees and changes only the users of the departments they
    manage.
seealso:
  - module: learnops.lms.course_enrollment
"""

EXAMPLES = r"""
- name: The onboarding cohort of March (connection from module_defaults)
  learnops.lms.ispring_group:
    name: New hires 2026-03
    logins:
      - jdoe
      - kwong
    emails:
      - asmith@example.com

- name: Exactly the managers listed, nobody else
  learnops.lms.ispring_group:
    name: Managers
    members:
      - login: jdoe
      - user_id: 5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01
    exclusive: true
    max_changes: 20

- name: The cohort is over
  learnops.lms.ispring_group:
    name: New hires 2025-09
    state: absent

- name: Rename a group, its members as they are
  learnops.lms.ispring_group:
    group_id: 6f1d2c3b-4a59-4e8f-9b0a-1c2d3e4f5a60
    name: Line managers
"""

RETURN = r"""
changed:
  description:
    - Whether the group or any membership was (or, in check mode, would be) created, renamed, changed or
      removed.
  returned: always
  type: bool
group:
  description:
    - The group, or null when it neither exists nor is created.
  returned: always
  type: dict
  contains:
    group_id:
      description: ID of the group; null for a group created in check mode.
      type: str
    name:
      description: Name of the group (after a rename, the new one).
      type: str
    is_smart:
      description: Whether it is a smart group (its members follow rules; read-only here).
      type: bool
    created:
      description: Whether the group was (or would be) created.
      type: bool
    deleted:
      description: Whether the group was (or would be) deleted.
      type: bool
    renamed_from:
      description: The group's name before the task, when the task renamed it (or would). Absent otherwise.
      type: str
      version_added: 2.1.0
    user_ids:
      description:
        - The user IDs of its members after the task - read back after a write, as predicted
          otherwise (in check mode, a user of O(new_logins) by its placeholder user ID, see
          RV(members[].user_id)); empty for a deleted group.
      type: list
      elements: str
  sample:
    group_id: 6f1d2c3b-4a59-4e8f-9b0a-1c2d3e4f5a60
    name: Managers
    is_smart: false
    created: false
    deleted: false
    user_ids: [5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01]
members:
  description:
    - One entry per member asked for, in the order asked, then, with O(exclusive) or
      O(state=absent), one per member removed.
  returned: always
  type: list
  elements: dict
  contains:
    user_id:
      description:
        - iSpring user ID of the member; in check mode, the placeholder V((new user LOGIN\)) for a
          user of O(new_logins) that does not exist yet.
      type: str
    login:
      description: Login, when the member was named by login or the user is known.
      type: str
    email:
      description: Email, when the member was named by email or the user is known.
      type: str
    changed:
      description: Whether this membership was (or would be) added or removed.
      type: bool
    before:
      description: Whether the user was a member before the task.
      type: bool
    after:
      description: Whether the user is a member after the task (as read back after a write; predicted in check mode).
      type: bool
    removed_by_exclusive:
      description: True for a member removed by O(exclusive). Absent otherwise.
      type: bool
  sample:
    - user_id: 5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01
      login: jdoe
      changed: true
      before: false
      after: true
unchanged:
  description: How many members asked for did not change (they are not listed in RV(members)).
  returned: when O(report_unchanged=false)
  type: int
  sample: 120
missing:
  description:
    - The members that match no active user (by login or email), or no user at all (by user ID, for
      a member to be added), as the failure message lists them - the first 10. C(not_found) has every one.
  returned: when members cannot be found (the task fails and changes nothing)
  type: list
  elements: str
  sample: ["member login=ghost"]
not_found:
  description:
    - The members that cannot be found, by how the task names them (C(login), C(email), or
      C(user_id)), each a list of the values as given.
  returned: when members cannot be found (the task fails and changes nothing)
  type: dict
  sample: {"login": ["ghost"]}
"""

from functools import partial

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, group, ispring_client, runner


def run(module, client):
    params = module.params
    with runner.before_writes():
        wanted = group.validate(params)
        # new_logins is for check mode only: outside it, no placeholder user ID can reach a request
        known = group.resolve(client, wanted, params["new_logins"] if module.check_mode else ())
        current, member_ids = group.read_current(client, params)
        the_plan = group.plan(params, wanted, current, member_ids)
        group.check_user_ids(client, wanted, the_plan, known)
        group.describe(client, the_plan, known, module._diff)
        the_plan.check_max_changes(params["max_changes"], module.check_mode, module._diff)
    return runner.apply(module, the_plan, partial(group.write, client, the_plan))


def main():
    member = dict(user_id=dict(type="str"), login=dict(type="str"), email=dict(type="str"))
    module = AnsibleModule(
        argument_spec=arguments.rest_only_spec(
            name=dict(type="str"),
            group_id=dict(type="str"),
            state=arguments.present_or_absent(),
            members=arguments.named_items(member, group.IDENTIFIERS),
            **arguments.name_lists("user_ids", "logins", "emails"),
            exclusive=dict(type="bool", default=False),
            allow_empty=dict(type="bool", default=False),
            new_logins=dict(type="list", elements="str", default=[]),
            **arguments.plan_options(),
        ),
        supports_check_mode=True,
        **arguments.ispring_rules(at_least_one_of=[("name", "group_id")]),
    )
    runner.run_module(
        module,
        ispring_client.rest_only_client_from,
        run,
        always=dict(changed=False, group=None, members=[]),
        identifiers=group.ID_OPTIONS,
    )


if __name__ == "__main__":
    main()
