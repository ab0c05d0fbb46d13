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
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
  platform:
    platforms: all
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

from ansible_collections.learnops.lms.plugins.module_utils import arguments, ispring
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, LmsError, ValidationError


def users_named(client, logins, emails):
    """{user_id: user} for the logins and emails; fails naming those that match no active user."""
    users = client.find_users(logins, emails)
    known_logins = {u["login"] for u in users}
    known_emails = {(u["email"] or "").lower() for u in users}
    missing = ["login %s" % v for v in logins if v not in known_logins]
    missing += ["email %s" % v for v in emails if v.lower() not in known_emails]
    if missing:
        raise ValidationError("No active iSpring user has %s." % ", ".join(missing), missing=missing)
    return {u["user_id"]: u for u in users}


def run(module, client):
    params = module.params
    users = users_named(client, params["logins"], params["emails"]) if (params["logins"] or params["emails"]) else {}
    user_ids = list(params["user_ids"]) + list(users)
    statuses = {s.lower() for s in params["statuses"]}
    results = []
    for course_id in params["course_ids"]:
        try:
            if params["enrollment_ids"] or user_ids:
                found = client.course_results(course_id, params["enrollment_ids"], user_ids)
            else:
                found = client.list_learners_results([course_id])
        except ApiError as exc:
            if exc.code == ispring.FAULT_UNKNOWN_COURSE:
                raise ValidationError("course_ids: iSpring knows no course %s (Unknown content item)." % course_id)
            raise
        found.sort(key=lambda r: r["enrollment_id"] or "")
        results.extend(r for r in found if not statuses or r["status"] in statuses)
    for result in results:
        user = users.get(result["user_id"])
        if user:
            result.update(login=user["login"], email=user["email"])
    return dict(changed=False, results=results)


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
    arguments.require_libraries(module)
    try:
        module.exit_json(**run(module, arguments.ispring_client(module)))
    except LmsError as exc:
        module.fail_json(msg=exc.message, **exc.details)


if __name__ == "__main__":
    main()
