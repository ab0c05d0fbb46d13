#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: course_status
short_description: Set the course status of many iSpring Learn enrollments, idempotently
version_added: 1.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Marks a course V(complete) for learners, with a completion date and reason, or hands their
    status back to V(automatic) calculation, with the iSpring Learn SOAP method C(updateCourseStatus)
    or, with O(api=rest), its REST twin C(POST /statistics/course), which also sets V(passed),
    V(failed), V(incomplete) and an awarded score.
  - Reads the learners' current results first, in as few calls as the API allows, and changes only
    the learners whose status differs. A second run changes nothing and sends no write.
  - Learners that share status, date, reason and score are changed in one call (up to O(batch_size)).
  - Every learner is resolved and every value validated before the first write; unknown learners
    are reported together and nothing is changed.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.state
  - learnops.lms.ispring
  - learnops.lms.ispring.learners
  - learnops.lms.transport
  - learnops.lms.max_changes
  - learnops.lms.report_unchanged
options:
  course_id:
    description:
      - ID of the course whose status is set.
    type: str
    required: true
  status:
    description:
      - The status to set for every learner that does not override it.
      - V(complete) changes the status to Completed; a learner is already complete when their
        status is C(complete), C(passed) or C(accepted).
      - V(automatic) has iSpring recalculate the status from the passed modules. A learner needs this
        only when marked C(complete) while their progress is below 100 (a manual completion); the
        API does not say whether a status was set by hand, so this rule is inferred.
      - V(passed), V(failed) and V(incomplete) need O(api=rest) (the SOAP method sets only
        V(complete) and V(automatic)). A learner is already V(passed) when their status is
        C(passed) or C(accepted); V(failed) and V(incomplete) only when it is that status.
    type: str
    choices: [complete, automatic, passed, failed, incomplete]
    default: complete
  date:
    description:
      - Completion date, C(YYYY-MM-DD), for learners that do not give their own.
      - Required wherever the status is not V(automatic). Over REST it is sent as the bare day
        (the account records it on its own calendar day; see the notes).
    type: str
  awarded_score:
    description:
      - Score (0 to 100) to award with the status, for learners that do not give their own.
      - Needs O(api=rest); not with V(automatic). Compared as a number - a learner whose status is
        satisfied but whose score differs is changed.
      - Such a score-only change keeps the learner's own status and completion date (a learner who
        passed stays passed, on the day they passed); only O(match_date) moves the date, and only
        of the wanted status itself. A learner in a status the API cannot send back
        (C(accepted)) fails the task, naming them, before anything is written.
    type: float
    version_added: 2.0.0
  reason:
    description:
      - Why the status is changed, recorded by iSpring.
    type: str
  learners:
    description:
      - The learners whose status to set. Each names the learner one way, and may override
        O(status), O(date) and O(reason).
    type: list
    elements: dict
    default: []
    suboptions:
      enrollment_id:
        description: ID of the learner's enrollment in the course.
        type: str
      user_id:
        description: iSpring user ID of the learner.
        type: str
      login:
        description: Login of the learner (active users only).
        type: str
      email:
        description: Email address of the learner (active users only; compared case-insensitively).
        type: str
      status:
        description: Status for this learner, instead of O(status).
        type: str
        choices: [complete, automatic, passed, failed, incomplete]
      date:
        description: Completion date for this learner, instead of O(date).
        type: str
      awarded_score:
        description: Score for this learner, instead of O(awarded_score).
        type: float
        version_added: 2.0.0
      reason:
        description: Reason for this learner, instead of O(reason).
        type: str
  enrollment_ids:
    description:
      - Shortcut for learners named by enrollment ID, with the task's O(status), O(date) and O(reason).
    type: list
    elements: str
    default: []
  match_date:
    description:
      - Also change a learner whose status is the wanted one but whose completion date differs
        from the wanted date.
      - A learner who passed (C(passed) or C(accepted)) is never replaced by a manual completion
        (O(status=complete)), whatever the date.
    type: bool
    default: false
  enrolling:
    description:
      - User IDs of learners that the same run enrolls in the course before this task, for check
        mode - where they are not enrolled yet. A learner named here (by O(learners[].user_id),
        O(learners[].login) or O(learners[].email), not by enrollment ID) who is not enrolled is
        reported as would-be changed once enrolled - RV(learners[].changed) true, RV(learners[].before)
        null, a RV(learners[].note) - instead of failing the task as not enrolled.
      - Used only in check mode. In a real run the learners must be enrolled by then; one who is
        not fails the task as usual.
      - The role C(learnops.lms.learner_states) passes the learners its enrollment task creates in
        the course (the new enrollments of its M(learnops.lms.course_enrollment) result).
    type: list
    elements: str
    default: []
    version_added: 2.0.0
  batch_size:
    description:
      - Most enrollments sent in one status change call.
    type: int
    default: 1000
  wait:
    description:
      - Wait until iSpring has finished every status change (C(updateCourseStatus) is asynchronous),
        and report the learners' results afterwards.
    type: bool
    default: true
  wait_timeout:
    description:
      - Most seconds to wait for the changes to finish when O(wait=true).
    type: int
    default: 300
notes:
  - Supports C(check_mode) (nothing is written; the result says what would change) and C(diff_mode).
  - "Inferred, to check on a real tenant: the rule for O(status=automatic) described above."
  - A department administrator's token sees and changes only the learners of the departments they
    manage; other learners are reported as not found.
  - A learner's result listed without one of iSpring's documented completion statuses (or, with
    V(automatic), a C(complete) result without its progress) fails the task before any write,
    naming the learner - read as not complete, a pass would be replaced.
seealso:
  - module: learnops.lms.course_status_info
"""

EXAMPLES = r"""
- name: Offline workshop counts as completed
  learnops.lms.course_status:
    api_url: https://api-learn.ispringlearn.com
    client_id: "{{ ispring_client_id }}"
    client_secret: "{{ ispring_client_secret }}"
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    status: complete
    date: "2020-07-22"
    reason: Completed offline
    learners:
      - enrollment_id: e1f2c50e-c1ae-11ea-8592-a6eabe1809b2
      - login: jdoe
      - email: asmith@example.com
        date: "2020-07-20"

- name: Mark a cohort complete, named by login (connection from module_defaults)
  learnops.lms.course_status:
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    date: "2026-03-31"
    reason: Cohort 2026-Q1
    logins: "{{ cohort_2026_q1 }}"

- name: Hand statuses back to automatic calculation (connection from module_defaults)
  learnops.lms.course_status:
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    status: automatic
    enrollment_ids: "{{ reopened_enrollments }}"
"""

RETURN = r"""
unchanged:
  description: How many learners asked for did not change (they are not listed in RV(learners)).
  returned: when O(report_unchanged=false)
  type: int
  version_added: 2.0.0
  sample: 9950
changed:
  description: Whether any learner's status was (or, in check mode, would be) changed.
  returned: always
  type: bool
task_ids:
  description: IDs of the iSpring tasks that carry the changes, one per C(updateCourseStatus) call.
  returned: always
  type: list
  elements: str
  sample: ["100027"]
learners:
  description: One entry per learner asked for, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    enrollment_id:
      description:
        - The learner's enrollment in the course, as read, however the task names the learner; null
          for a learner of O(enrolling) who is not enrolled yet.
      type: str
    user_id:
      description: The learner's iSpring user ID, as given or as found for a login, email or enrollment.
      type: str
    login:
      description: Login, when the learner was named by login.
      type: str
    email:
      description: Email, when the learner was named by email.
      type: str
    changed:
      description:
        - Whether this learner's status was (or would be) changed.
        - True also when the call that changes it got no readable reply (a timeout, a dropped
          connection, HTTP 5xx), since iSpring may have applied it; the task fails saying so, with
          RV(learners[].after) as requested.
      type: bool
    note:
      description:
        - For a learner of O(enrolling) who is not enrolled yet (check mode only), what converging
          does - for example V(would be completed once enrolled (this run enrolls them)). Absent
          otherwise.
      type: str
      version_added: 2.0.0
    before:
      description:
        - C(status) (lower case), C(completion_date) (C(YYYY-MM-DD) or null) and C(progress) before
          the task; null for a learner of O(enrolling) who is not enrolled yet.
      type: dict
    after:
      description:
        - The same fields after the task, as read back from iSpring when O(wait=true); otherwise
          as requested, with C(status) V(automatic) meaning recalculated by iSpring.
      type: dict
missing:
  description:
    - The learners that cannot be found, with the reason, as the failure message lists them - the
      first 10 (since 2.1.0; before, every one). C(not_found) has every one, and the message says
      how many there are.
  returned: when learners cannot be found (the task fails and changes nothing)
  type: list
  version_added: 2.0.0
  elements: str
  sample: ["learner login=ghost (no active user)"]
not_enrolled:
  description:
    - Of C(not_found), the learners who are users of the account but not enrolled in the course,
      by how the task names them; the others of C(not_found) match no active user (by login or
      email) or no enrollment (by enrollment ID).
  returned: when learners cannot be found and some of them are not enrolled
  type: dict
  version_added: 2.1.0
  sample: {"login": ["kwong"]}
not_found:
  description:
    - The learners that cannot be found, by how the task names them (C(enrollment_id), C(user_id),
      C(login), C(email)), each a list of the values as given, for tasks that retry without them
      (the drift report does).
  returned: when learners cannot be found (the task fails and changes nothing)
  type: dict
  version_added: 2.0.0
  sample: {"login": ["ghost"], "enrollment_id": ["e0000000-0000-0000-0000-000000000000"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, completion, ispring_client, runner


def run(module, client):
    params = module.params
    with runner.before_writes():
        wanted = completion.wanted_learners(params)
        enrolling = params["enrolling"] if module.check_mode else ()  # a real run has enrolled them by now
        current = completion.read_current(client, params["course_id"], wanted, enrolling) if wanted else []
        the_plan = completion.plan(params["course_id"], wanted, current, params["match_date"])
        the_plan.check_max_changes(params["max_changes"], module.check_mode, module._diff)
    if the_plan.changed and not module.check_mode:
        tasks = completion.apply(client, the_plan, params["batch_size"])
        if params["wait"]:
            for text in completion.wait_for(client, the_plan, tasks, params["wait_timeout"]):
                module.warn(text)
    return the_plan.result(diff=module._diff, unchanged=params["report_unchanged"])


def main():
    learner = dict(
        status=dict(type="str", choices=list(completion.STATUSES)),
        date=dict(type="str"),
        reason=dict(type="str"),
        awarded_score=dict(type="float"),
    )
    module = AnsibleModule(
        argument_spec=arguments.ispring_spec(
            course_id=dict(type="str", required=True),
            status=dict(type="str", choices=list(completion.STATUSES), default="complete"),
            date=dict(type="str"),
            awarded_score=dict(type="float"),
            reason=dict(type="str"),
            learners=arguments.named_items(learner, completion.IDENTIFIERS),
            **arguments.name_lists("enrollment_ids", "user_ids", "logins", "emails"),
            match_date=dict(type="bool", default=False),
            enrolling=dict(type="list", elements="str", default=[]),
            batch_size=dict(type="int", default=1000),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
            **arguments.plan_options(),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(
        module,
        ispring_client.client_from,
        run,
        always=dict(changed=False, task_ids=[], learners=[]),
        identifiers=completion.ID_OPTIONS,
    )


if __name__ == "__main__":
    main()
