#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: course_enrollment_info
short_description: Read the enrollments of iSpring Learn courses
version_added: 2.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Lists the enrollments of one or more courses (C(GET /enrollments), all pages) for reports and
    for finding enrollment IDs - access date, due date, lock after the due date, and whether an
    administrator made the enrollment or the learner enrolled from the catalog.
  - Optionally narrowed to some learners and to how the enrollments were made.
  - Always uses the REST interface, whatever O(api) says, since iSpring documents enrollments over
    REST only.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.info
  - learnops.lms.ispring
  - learnops.lms.ispring.learner_filters
  - learnops.lms.transport
options:
  enrolled_by:
    description:
      - Only the enrollments made by an administrator (V(administrator), C(enrollmentTypeGroup) 0)
        or by the learners themselves from the catalog (V(catalog), C(enrollmentTypeGroup) 1).
    type: list
    elements: str
    choices: [administrator, catalog]
    default: []
seealso:
  - module: learnops.lms.course_enrollment
  - module: learnops.lms.course_status_info
"""

EXAMPLES = r"""
- name: Who enrolled themselves in the security course
  learnops.lms.course_enrollment_info:
    course_ids: [14b847e8-c10f-11ea-b4e1-ae33e75597e9]
    enrolled_by: [catalog]
  register: self_enrolled

- name: A learner's enrollments in two courses
  learnops.lms.course_enrollment_info:
    course_ids:
      - 14b847e8-c10f-11ea-b4e1-ae33e75597e9
      - 3c5d2f10-c10f-11ea-b4e1-ae33e75597e9
    logins: [jdoe]
  register: jdoe
"""

RETURN = r"""
enrollments:
  description: One entry per enrollment, ordered by course (in the order given) and enrollment ID.
  returned: always
  type: list
  elements: dict
  contains:
    enrollment_id:
      description: Enrollment ID.
      type: str
    course_id:
      description: Course ID.
      type: str
    user_id:
      description: User ID of the learner.
      type: str
    login:
      description: Login of the learner (null for an inactive user).
      type: str
    email:
      description: Email of the learner (null for an inactive user).
      type: str
    access_date:
      description: Access date, C(YYYY-MM-DD).
      type: str
    due_date:
      description: Due date, C(YYYY-MM-DD), or null when there is none.
      type: str
    expiration_date:
      description: Expiration date, C(YYYY-MM-DD), or null when iSpring gives none.
      type: str
    lock_after_due_date:
      description: Whether the course is locked for the learner after the due date.
      type: bool
    enrolled_by:
      description: V(administrator), V(catalog), or null for another type.
      type: str
    enrollment_type_group:
      description: C(enrollmentTypeGroup) as iSpring gives it (C(0) administrator, C(1) catalog).
      type: int
not_found:
  description: What a filter named that has no enrollment, by filter (C(user_id), C(login), C(email)).
  returned: when a filter names a learner who has no enrollment in the courses (the module fails)
  type: dict
  sample: {"login": ["ghost"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import (
    arguments,
    completion,
    enrollment,
    ispring,
    ispring_client,
    runner,
)


def run(module, client):
    params = module.params
    users = completion.named_users(client, params["logins"], params["emails"])
    enrollments = enrollment.report(client, params, users)
    for warning in ispring.courses_listing_nothing(params["course_ids"], enrollments):
        module.warn(warning)
    return dict(changed=False, enrollments=enrollments)


def main():
    module = AnsibleModule(
        argument_spec=arguments.learner_filters_spec(
            enrolled_by=dict(type="list", elements="str", choices=["administrator", "catalog"], default=[]),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(
        module,
        ispring_client.rest_client_from,
        run,
        always=dict(changed=False, enrollments=[]),
        identifiers=("course_ids", "user_ids", "logins", "emails"),
    )


if __name__ == "__main__":
    main()
