#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: course_status_info
short_description: Read learners' course results from iSpring Learn
version_added: 1.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Lists the learners' results for one or more courses (C(ListLearnersResults), all pages),
    normalised for reports and for finding enrollment IDs; status words are lower case and dates
    ISO 8601.
  - Optionally narrowed to some learners and to some statuses.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes
  - learnops.lms.attributes.info
  - learnops.lms.attributes.actiongroup_ispring
  - learnops.lms.ispring
  - learnops.lms.transport
options:
  course_ids:
    description:
      - IDs of the courses to read.
    type: list
    elements: str
    required: true
  enrollment_ids:
    description: Only these enrollments.
    type: list
    elements: str
    default: []
  user_ids:
    description: Only these users.
    type: list
    elements: str
    default: []
  logins:
    description: Only the active users with these logins.
    type: list
    elements: str
    default: []
  emails:
    description: Only the active users with these email addresses (compared case-insensitively).
    type: list
    elements: str
    default: []
  statuses:
    description:
      - Only results with one of these completion statuses, for example V(complete) or V(in_progress).
    type: list
    elements: str
    default: []
notes:
  - Learners named by login or email that match no active user make the module fail, naming them.
  - Several learner filters add up (a result matching any of them is listed).
seealso:
  - module: learnops.lms.course_status
"""

EXAMPLES = r"""
- name: Who has completed the onboarding course
  learnops.lms.course_status_info:
    course_ids: [14b847e8-c10f-11ea-b4e1-ae33e75597e9]
    statuses: [complete, passed, accepted]
  register: done

- name: Find a learner's enrollment ID
  learnops.lms.course_status_info:
    course_ids: [14b847e8-c10f-11ea-b4e1-ae33e75597e9]
    logins: [jdoe]
  register: jdoe
"""

RETURN = r"""
results:
  description: One entry per learner result, ordered by course and enrollment ID.
  returned: always
  type: list
  elements: dict
  contains:
    course_id:
      description: Course ID.
      type: str
    enrollment_id:
      description: Enrollment ID.
      type: str
    user_id:
      description: User ID of the learner.
      type: str
    login:
      description: Login of the learner, when the learner was asked for by login or email.
      type: str
    email:
      description: Email of the learner, when the learner was asked for by login or email.
      type: str
    status:
      description: Completion status, lower case (for example C(not_started), C(in_progress), C(complete), C(passed)).
      type: str
    completion_date:
      description: Completion date and time, ISO 8601, or null.
      type: str
    progress:
      description: Progress, 0 to 100.
      type: float
    awarded_score:
      description: Awarded score, or null.
      type: float
    access_date:
      description: Access date, as iSpring gives it.
      type: str
    due_date:
      description: Due date, as iSpring gives it.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, completion, ispring, runner


def run(module, client):
    params = module.params
    users = completion.named_users(client, params["logins"], params["emails"])
    found = completion.report(
        client, params["course_ids"], params["enrollment_ids"], params["user_ids"], params["statuses"], users
    )
    return dict(changed=False, results=found)


def main():
    module = AnsibleModule(
        argument_spec=arguments.ispring_spec(
            course_ids=dict(type="list", elements="str", required=True),
            enrollment_ids=dict(type="list", elements="str", default=[]),
            user_ids=dict(type="list", elements="str", default=[]),
            logins=dict(type="list", elements="str", default=[]),
            emails=dict(type="list", elements="str", default=[]),
            statuses=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(module, ispring.client_from, run)


if __name__ == "__main__":
    main()
