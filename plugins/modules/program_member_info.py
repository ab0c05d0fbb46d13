#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: program_member_info
short_description: Read the members of an EduBrite program and their records
version_added: 1.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Lists a program's members (C(listProgramMembers), all pages) with their records, normalised.
    Dates are given in ISO 8601 and in epoch milliseconds, award and quit as booleans, score as a number.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.info
  - learnops.lms.edubrite
  - learnops.lms.edubrite.program
  - learnops.lms.transport
options:
  usernames:
    description:
      - Only these members. A user name that is not a member of the program makes the module fail,
        naming it (a typo never reads as "nobody").
    type: list
    elements: str
    default: []
  status:
    description: Only members with this status.
    type: str
    choices: [ENROLLED, COMPLETED]
  timezone:
    description: IANA time zone in which the ISO forms of the dates are given.
    type: str
    default: UTC
notes:
  - Members who quit are listed (their C(record.quit) is V(true)); removed members are not.
  - "Pointed to by public evidence (contract 3.4, r3): the session cookies are those set last
    (C(SESSION_ID) and C(SESSION_INFO) from whichever login step sets them, step 2 winning). A member
    value that the listing never carries (absent from every member) reads as null here, like a value
    not set; M(learnops.lms.edubrite_tenant_check) (point C(member_fields)) names the values a site's
    listing never carries, and M(learnops.lms.program_member) refuses to compare them."
seealso:
  - module: learnops.lms.program_member
"""

EXAMPLES = r"""
- name: Members of the onboarding program
  learnops.lms.program_member_info:
    ext_id: ONBOARDING
  register: onboarding

- name: Who completed it
  learnops.lms.program_member_info:
    program_id: xxxx-xxxx-xxxx-xxxx
    status: COMPLETED
  register: completed
"""

RETURN = r"""
members:
  description: One entry per member, in the order EduBrite lists them.
  returned: always
  type: list
  elements: dict
  contains:
    username:
      description: User name.
      type: str
    user_id:
      description: EduBrite user ID.
      type: str
    open_id:
      description: Open ID.
      type: str
    record:
      description:
        - C(status) (C(ENROLLED) or C(COMPLETED)), C(quit), C(awarded), C(score), and C(start_date),
          C(end_date), C(due_date), C(award_date), C(award_expiry_date) in ISO 8601, each with its
          epoch milliseconds under the same key followed by C(_ms).
      type: dict
not_found:
  description: The user names asked for that are not members, under C(username).
  returned: when a user name asked for is not a member (the module fails)
  type: dict
  version_added: 2.0.0
  sample: {"username": ["ghost"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, dates, edubrite, membership, runner


def run(module, client):
    params = module.params
    tz = dates.timezone(params["timezone"])
    members = client.members_of(edubrite.program(params["program_id"], params["ext_id"]))
    return dict(changed=False, members=membership.report(members, params["usernames"], params["status"], tz))


def main():
    module = AnsibleModule(
        argument_spec=arguments.program_spec(
            usernames=dict(type="list", elements="str", default=[]),
            status=dict(type="str", choices=[edubrite.STATUS_ENROLLED, edubrite.STATUS_COMPLETED]),
            timezone=dict(type="str", default="UTC"),
        ),
        supports_check_mode=True,
        **arguments.PROGRAM_RULES,
    )
    runner.run_module(module, edubrite.client_from, run, identifiers=("program_id", "ext_id", "usernames"))


if __name__ == "__main__":
    main()
