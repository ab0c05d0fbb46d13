#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: edubrite_tenant_check
short_description: Check which assumed EduBrite API behaviours hold on a site, by reads only
version_added: 2.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Runs only reads against an EduBrite site and says, for every point of the collection's wire
    contract that reads can settle, whether it V(holds), V(differs) or was V(not checked), with what
    was observed and what to do.
  - "What it checks, in this order: the body of both connect steps (an XML C(<response>), an HTML
    page or empty; the login is judged by its cookies); the cookies each step sets, and, when step 2
    sets a new C(SESSION_ID), whether the step-1 C(SESSION_ID) still works, by one C(userService get)
    of O(run_as) with it (the modules use the cookies set last); a C(userService get) of O(run_as) and
    of a made-up user name (what an unknown user answers); the C(listProgramMembers) reply of
    O(program_id) (C(<data><programMembers><member>), the member values as attributes or child
    elements), the form of the member dates (epoch milliseconds), and the distinct member values and
    C(status) values the listing carries (a value no member carries cannot be compared by
    M(learnops.lms.program_member)); paging with C(numItems) - pages 0 and 1 at O(page_size), page 1
    once without and once with page 0's C(numItems) and C(numPages); and the members listed by
    O(ext_id) against those listed by O(program_id)."
  - It never writes - no C(updateProgramMember), no C(enrollUsersInProgram) - and behaves the same in
    check mode. Every request it sends is listed in RV(requests).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.info
  - learnops.lms.edubrite
  - learnops.lms.transport
  - learnops.lms.tenant_check
options:
  program_id:
    description:
      - ID of a program of the site, best one with at least two members who have dates set.
    type: str
    required: true
  ext_id:
    description:
      - The external ID of the same program. Its listing is compared with the one by O(program_id);
        without it that point is not checked.
    type: str
  page_size:
    description:
      - The page size of the paging check, 1 to 1000. It must be smaller than the program's number of
        members for the program to page; V(1) pages any program of two.
    type: int
    default: 1
notes:
  - In the files of O(save_replies), the password and the session cookies are masked; user names,
    open IDs, names and emails (and O(api_username) and O(run_as)) are replaced by placeholders
    (C(username-1), C(openid-2)).
  - The check logs in once, like the other EduBrite modules (one more API session of the site until
    it expires). When login step 2 sets a new C(SESSION_ID), one read is sent with the step-1
    C(SESSION_ID) to see whether it still works (contract 3.4, r3).
  - The module fails, naming the culprit, when the login is refused, when O(program_id) is unknown
    or when O(run_as) may not list members; the failed result still carries the checks made so far
    and the saved files.
  - The verdicts are those of the site at the time of the run, for the program given.
seealso:
  - module: learnops.lms.ispring_tenant_check
  - module: learnops.lms.program_member_info
"""

EXAMPLES = r"""
- name: Which EduBrite behaviours hold on this site
  learnops.lms.edubrite_tenant_check:
    site_url: https://acme.edubrite.com
    api_username: "{{ edubrite_api_username }}"
    api_password: "{{ edubrite_api_password }}"
    run_as: adminusername
    program_id: xxxx-xxxx-xxxx-xxxx
    ext_id: ONBOARDING
    save_replies: "{{ playbook_dir }}/tenant-check-replies"
  register: edubrite_check
"""

RETURN = r"""
checks:
  description: One entry per contract point, in the order checked.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description:
        - The point's key - V(connect_body), V(session_cookies), V(user_lookup), V(member_layout),
          V(member_dates), V(member_fields), V(paging_num_items), V(list_ext_id).
      type: str
    point:
      description: What the contract says, in one sentence.
      type: str
    contract:
      description: The contract section and its mark, for example C(2.5 [doc]).
      type: str
    verdict:
      description: V(holds), V(differs) or V(not checked).
      type: str
    observed:
      description: What the site answered, with secrets and personal values masked.
      type: str
    advice:
      description: What to do about it (empty when nothing is to be done).
      type: str
settings:
  description:
    - What to set in the EduBrite tasks of this site - V(program_id) when the listing by O(ext_id)
      differs (name the program by O(program_id) instead); empty otherwise.
  returned: always
  type: dict
  sample: {"program_id": "xxxx-xxxx-xxxx-xxxx"}
saved:
  description: The files written to O(save_replies), in the order of the requests.
  returned: always
  type: list
  elements: str
requests:
  description: Every request sent, with the call and the HTTP status of its reply - reads only.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, edubrite_check, tenant_check


def main():
    module = AnsibleModule(
        argument_spec=arguments.edubrite_spec(
            program_id=dict(type="str", required=True),
            ext_id=dict(type="str"),
            page_size=dict(type="int", default=1),
            save_replies=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    tenant_check.run_module(module, edubrite_check.check_from, identifiers=("program_id", "ext_id"))


if __name__ == "__main__":
    main()
