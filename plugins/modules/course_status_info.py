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
  - learnops.lms.attributes.info
  - learnops.lms.ispring
  - learnops.lms.ispring.learner_filters
  - learnops.lms.transport
options:
  enrollment_ids:
    description:
      - Only these enrollments. A learner filter like O(user_ids), O(logins) and O(emails) - an
        enrollment ID with no result in the courses makes the module fail, and the filters add up.
    type: list
    elements: str
    default: []
  statuses:
    description:
      - Only results with one of these completion statuses, for example V(complete) or V(in_progress)
        (any case). A word that is not one of iSpring's statuses (C(not_started), C(in_progress),
        C(pending), C(complete), C(passed), C(accepted), C(incomplete), C(failed), C(declined))
        makes the module fail.
    type: list
    elements: str
    default: []
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
      description: Login of the learner (null for an inactive user).
      type: str
    email:
      description: Email of the learner (null for an inactive user).
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
not_found:
  description:
    What a filter named that has no result, by filter (C(enrollment_id), C(user_id), C(login), C(email),
    C(status)).
  returned: when a filter names something that has no result (the module fails)
  type: dict
  version_added: 2.0.0
  sample: {"enrollment_id": ["e1f2c50e-0000-0000-0000-000000000000"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, completion, ispring, ispring_client, runner


def run(module, client):
    results = completion.report(client, module.params)
    for warning in ispring.courses_listing_nothing(module.params["course_ids"], results):
        module.warn(warning)
    return dict(changed=False, results=results)


def main():
    module = AnsibleModule(
        argument_spec=arguments.learner_filters_spec(**arguments.name_lists("enrollment_ids", "statuses")),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(
        module,
        ispring_client.client_from,
        run,
        identifiers=("course_ids", "enrollment_ids", "user_ids", "logins", "emails"),
    )


if __name__ == "__main__":
    main()
