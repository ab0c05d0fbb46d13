#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: course_enrollment
short_description: Enroll learners in iSpring Learn courses, idempotently
version_added: 2.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Brings the enrollments of one or more iSpring Learn courses to a declared state - who is
    enrolled, with which access date, due date and lock after the due date - with the REST calls
    of the vendor's OpenAPI file, C(POST /enrollment), C(POST /enrollment/{enrollmentId}) and
    C(POST /enrollment/delete).
  - Always uses the REST interface, whatever O(api) says, since iSpring documents enrollments over
    REST only; O(soap_url) and O(soap_namespace) are not used.
  - Resolves the learners named by login or email (C(GET /users)), reads every enrollment of each
    course (C(GET /enrollments), all pages), and writes only the difference. A second run changes
    nothing and sends no write.
  - Learners who share every value are enrolled in one call (up to O(batch_size) learners a call,
    in every course they are missing from); an enrollment whose values differ is changed with one
    call; removals go in batches of O(batch_size).
  - What counts as the same, the rules of this module - an enrollment is compared only on the
    values the task gives (for the learner, or for the task); a value the task does not give is
    neither compared nor changed.
  - O(access_date) is the same when the enrollment's access date is that calendar day;
    O(lock_after_due_date) when the enrollment's flag is that value.
  - O(due_date_type=unlimited) is the same when the enrollment has no due date;
    O(due_date_type=due_date) when its due date is the calendar day O(due_date);
    O(due_date_type=due_period) when its due date is O(due_period) calendar days after its access
    date (the O(access_date) given, else the enrollment's).
  - O(due_date_type=default) does not compare the due date, because the API reports neither an
    enrollment's due date type nor the course's default due period; an enrollment changed for
    another value gets the course's default again.
  - An enrollment that differs is changed with all its values - those given, and what it has for
    the others (a due date not given is sent as a fixed due date, since its type cannot be read).
  - Everything the task gives is validated before anything is read - the course IDs, the learners,
    every date and the due date settings - and every learner is resolved and every course read
    before the first write; unknown learners are reported together and nothing is changed.
  - Learners named by O(learners[].user_id) or O(user_ids) who are to be enrolled are looked up in
    one listing by their IDs (C(GET /users/v2), cut into requests of under 6 KB of query), in check
    mode too; those that are no user of the account fail the task, all named, before any write.
    Learners already enrolled, or found by login or email, are not looked up again.
  - O(departments) and O(groups) name an audience, resolved to its users at every run, so that
    "everyone in Sales EMEA has this course" stays true as people join and leave - see
    O(departments).
  - An enrollment changed without a new access day (only its due date or lock) keeps its access
    time of day - read, before the first write, from the learners' results in the course (one
    C(GET /learners/results) per course), since C(GET /enrollments) gives the access date as a day.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.state
  - learnops.lms.ispring
  - learnops.lms.ispring.learners
  - learnops.lms.transport
  - learnops.lms.max_changes
options:
  course_id:
    description:
      - ID of the course. One of O(course_id) and O(course_ids) is required.
    type: str
  course_ids:
    description:
      - IDs of several courses, instead of O(course_id). Every learner listed is enrolled in every
        one of them, with the same values; for other learners or values per course, use one task
        per course (a loop).
    type: list
    elements: str
  state:
    description:
      - V(present) - the learners are enrolled in the courses, with the values given. A learner who
        is not enrolled is enrolled; an enrollment whose values differ is changed.
      - V(absent) - the learners are not enrolled; their enrollments are deleted, whoever made them
        (a learner who enrolled from the catalog too). A learner who is not enrolled is no change.
        The values (O(access_date) to O(lock_after_due_date)) cannot be given with V(absent).
    type: str
    choices: [present, absent]
    default: present
  access_date:
    description:
      - The day from which the learners can take the course, C(YYYY-MM-DD), for every learner that
        does not give its own.
      - Not given - a new enrollment gets the day it is made (iSpring's choice; the module predicts
        today in UTC in check mode), and an existing enrollment keeps its access date.
    type: str
  due_date_type:
    description:
      - How the due date is set, for every learner that does not give its own due date settings.
      - V(unlimited) - no due date. V(due_date) - the day O(due_date). V(due_period) - O(due_period)
        days after the access date. V(default) - the course's default due date settings.
      - Not given - a new enrollment gets V(unlimited), and an existing enrollment keeps its due
        date.
      - The due date settings (O(due_date_type), O(due_date), O(due_period)) go together - a learner
        that gives any of them takes none of the task's.
    type: str
    choices: [unlimited, default, due_date, due_period]
  due_date:
    description:
      - The due date, C(YYYY-MM-DD). Required with O(due_date_type=due_date), and only with it.
    type: str
  due_period:
    description:
      - Days from the access date to the due date, at least 1. Required with
        O(due_date_type=due_period), and only with it.
      - Sent to iSpring in hours (C(duePeriod) = days x 24), the unit of the vendor's help pages.
    type: int
  lock_after_due_date:
    description:
      - Whether the course is locked for the learner after the due date.
      - Not given - a new enrollment is not locked, and an existing enrollment keeps its setting.
    type: bool
  learners:
    description:
      - The learners, each named one way, each may override the values above.
    type: list
    elements: dict
    default: []
    suboptions:
      user_id:
        description:
          - iSpring user ID of the learner. Exactly one of O(learners[].user_id),
            O(learners[].login) and O(learners[].email) is required.
          - A user ID that is to be enrolled is looked up first, whatever the user's status (an
            inactive user may be enrolled); an unknown one fails the task before any write.
        type: str
      login:
        description: Login of the learner (active users only).
        type: str
      email:
        description: Email address of the learner (active users only; compared case-insensitively).
        type: str
      access_date:
        description: Access date for this learner, instead of O(access_date).
        type: str
      due_date_type:
        description: Due date type for this learner, instead of O(due_date_type).
        type: str
        choices: [unlimited, default, due_date, due_period]
      due_date:
        description: Due date for this learner (with O(learners[].due_date_type=due_date)).
        type: str
      due_period:
        description: Due period for this learner (with O(learners[].due_date_type=due_period)).
        type: int
      lock_after_due_date:
        description: Lock after the due date for this learner, instead of O(lock_after_due_date).
        type: bool
  departments:
    description:
      - Departments whose users are learners too, each by its code (or its ID), with the values of
        the task (O(access_date) to O(lock_after_due_date)); resolved at every run, so a user who
        joins the department later is enrolled by the next run.
      - A department counts with every department under it (C(SALES) holds the users of
        C(SALES-EMEA)).
      - Its active users only - an inactive or terminated user is outside the audience, like a learner
        the task does not list - not enrolled, and O(exclusive) removes an enrollment an administrator
        gave them (warning when it takes a completed result with it); list them by
        O(learners[].user_id) to keep it.
      - A learner the task lists itself (O(learners), O(user_ids), O(logins), O(emails)) keeps its
        own values; a user in several audiences is one learner. RV(enrollments[].audience) says which
        department or group brought each one in.
      - An unknown code, or a code that several departments have, fails the task before any write,
        naming it (with every unknown group).
      - With O(state=absent), the audience's active users are unenrolled.
    type: list
    elements: str
    default: []
    version_added: 2.1.0
  groups:
    description:
      - Groups whose members are learners too, each by its name, like O(departments) - their active
        members, at every run, so a user added to the group later is enrolled by the next run.
      - A smart group's members are read like any group's (C(GET /group/{groupId})).
      - An unknown name, or a name two groups have, fails the task before any write, naming it.
    type: list
    elements: str
    default: []
    version_added: 2.1.0
  exclusive:
    description:
      - Also remove the enrollments of the courses that the task does not list, when an
        administrator made them (C(enrollmentTypeGroup) 0). With O(departments) or O(groups), the
        learners of the audience count as listed - nobody outside the audience and the listed
        learners keeps an enrollment an administrator made. They are reported in RV(enrollments)
        with RV(enrollments[].removed_by_exclusive), the learner's login and email, and the result
        the removal takes with it (RV(enrollments[].completion_status)); a completed or passed one
        is warned about.
      - Learners who enrolled themselves from the catalog (C(enrollmentTypeGroup) 1), and
        enrollments of any other or no type, are never removed by O(exclusive).
      - An inactive learner's enrollment is removed unless the learner is listed - by
        O(learners[].user_id), since a login or email finds active users only.
      - Only with O(state=present).
    type: bool
    default: false
  allow_empty:
    description:
      - With O(exclusive=true), allow a task that lists no learner at all, which removes every
        enrollment an administrator made in the courses - also when its O(departments) and
        O(groups) have no active user (checked once they are read, before any write).
      - Without it, such a task fails before anything is read - an empty list is more often a
        mistake (a vars file not loaded, a filter that matched nothing) than a wish.
    type: bool
    default: false
  batch_size:
    description:
      - Most learners in one enrollment call, and most enrollments in one removal call.
    type: int
    default: 1000
notes:
  - Supports C(check_mode) (nothing is written; the result says what would change, with the values
    predicted) and C(diff_mode) (one diff per course, the learners that change).
  - "Documented by the vendor's help pages for creating and editing an enrollment, not by its
    OpenAPI file (contract 3.1, r3): C(duePeriod) is a number of hours. O(due_period) stays in days;
    it is sent as days x 24, and a due date read back is compared with the access date plus the days."
  - "Inferred from the vendor's OpenAPI file, to check on a real tenant (each is one constant or
    function in C(module_utils/ispring_rest.py) or C(module_utils/enrollment.py)): the calls
    answer as the file says (C(201), C(200), C(204), with no body needed); an enrollment made
    through the API counts as made by an administrator (C(enrollmentTypeGroup) 0); a new enrollment
    without O(access_date) gets today and without O(lock_after_due_date) is not locked; the access
    date is sent as C(YYYY-MM-DD) to a new enrollment and as C(YYYY-MM-DD HH:MM:SS) to a change
    (the vendor sample's form, r3); an unknown course answers HTTP 400 C(Unknown content item)."
  - "Assumed where the contract and the OpenAPI file are silent (C(USER_IDS_LIST_EVERY_STATUS) and
    C(ACCESS_TIME_OF_DAY) in C(module_utils/ispring_rest.py), contract 3.3 and 1.3a): C(GET
    /users/v2) filtered by C(userIds[]) lists those users whatever their status (active, inactive,
    employment ended), so a user ID it does not list is no user of the account - if your tenant
    lists active users only there, an inactive learner named by user ID is refused: set the constant
    to false (user IDs are then not looked up). A learner's result and enrollment in a course share
    one access moment: a change that keeps the access day sends the time of day of the result's
    C(accessDate) as read (with the zone it was written with, if any), and C(00:00:00) when the
    result is not listed, has no time, or is on another day; a change to another access day starts
    at C(00:00:00)."
  - "Not relied on: what the service does with a learner already enrolled in a course, or an
    enrollment already deleted; so the enrollment and removal calls are not repeated after a lost
    reply (the task fails, and a rerun finishes the job), and a call enrolls only learners missing
    from every one of its courses."
  - With O(due_date_type=default) the due date a change or a new enrollment gets cannot be known
    beforehand - check mode shows the current due date (none for a new enrollment); a real run
    reports the due date read back.
  - The OpenAPI file does not say what becomes of a learner's results in a course when the
    enrollment is deleted (by O(state=absent) or O(exclusive)); try it on a test learner first.
    Before removing, the module reads who the learners are and their results in the course (one
    C(GET /learners/results) per course, filtered by the removed learners, and C(GET /users) when
    some are not named by login or email), reports them in RV(enrollments) and the diff, and warns -
    in check mode too - for each removal that takes a completed or passed result with it.
  - A department administrator's token sees and changes only the learners of the departments they
    manage.
  - O(departments) and O(groups) are read with C(GET /departments) (when departments are named),
    C(GET /groups) and C(GET /group/{groupId}) per group (when groups are named), and C(GET
    /users/v2) by C(departments[]) and C(userIds[]) (the users whatever their status, then the
    active ones kept). The module only speaks REST, so they need no O(api).
  - "Assumed where the contract and the OpenAPI file are silent (C(AUDIENCE_SUB_DEPARTMENTS) in
    C(module_utils/ispring_rest.py), contract 3.3, r3): C(GET /users/v2) by C(departments[]) may
    list a department's own users only or its sub-departments' too; the module asks for the
    department and every department under it and counts each user by their own department, so both
    readings enroll the same learners."
  - "The module's choice (C(AUDIENCE_STATUSES) in C(module_utils/enrollment.py)): the learners of
    an audience are its active users (status 1)."
seealso:
  - module: learnops.lms.course_enrollment_info
  - module: learnops.lms.course_status
"""

EXAMPLES = r"""
- name: Spring cohort of the security course, due 30 days after access
  learnops.lms.course_enrollment:
    api_url: https://api-learn.ispringlearn.com
    client_id: "{{ ispring_client_id }}"
    client_secret: "{{ ispring_client_secret }}"
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    access_date: "2026-03-02"
    due_date_type: due_period
    due_period: 30
    lock_after_due_date: true
    learners:
      - login: jdoe
      - email: asmith@example.com
      - login: kwong
        due_date_type: due_date
        due_date: "2026-04-30"

- name: Exactly these learners in both compliance courses (connection from module_defaults)
  learnops.lms.course_enrollment:
    course_ids:
      - 14b847e8-c10f-11ea-b4e1-ae33e75597e9
      - 3c5d2f10-c10f-11ea-b4e1-ae33e75597e9
    logins: "{{ compliance_learners }}"
    exclusive: true

- name: Everyone in Sales EMEA (and its sub-departments) and the new hires have the onboarding course
  learnops.lms.course_enrollment:
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    departments: [SALES-EMEA]
    groups: [New hires]
    due_date_type: due_period
    due_period: 14

- name: Only the managers and two guests keep the leadership course
  learnops.lms.course_enrollment:
    course_id: 3c5d2f10-c10f-11ea-b4e1-ae33e75597e9
    groups: [Managers]
    logins: [guest1, guest2]
    exclusive: true

- name: Leavers are unenrolled
  learnops.lms.course_enrollment:
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    state: absent
    user_ids: "{{ leaver_user_ids }}"
"""

RETURN = r"""
changed:
  description: Whether any enrollment was (or, in check mode, would be) created, changed or removed.
  returned: always
  type: bool
enrollments:
  description:
    - Course by course, in the order given - one entry per learner asked for, in the order asked,
      then, with O(exclusive), one per enrollment removed because the task does not list its
      learner.
  returned: always
  type: list
  elements: dict
  contains:
    course_id:
      description: Course ID.
      type: str
    user_id:
      description: iSpring user ID of the learner.
      type: str
    login:
      description:
        - Login, when the learner was named by login, for a learner of O(departments) or O(groups),
          and for an enrollment that is (or would be) removed, when the learner is an active user.
      type: str
    email:
      description:
        - Email, when the learner was named by email, and for an enrollment that is (or would be)
          removed, when the learner is an active user.
      type: str
    completion_status:
      description:
        - For an enrollment that is (or would be) removed - the learner's completion status in the
          course (lower case, for example V(passed)) read before any write, the result the removal
          takes with it; null when iSpring lists none. Absent for other enrollments.
        - A removal that takes a C(complete), C(passed) or C(accepted) result also warns, naming the
          learner, the status and its date.
      type: str
      version_added: 2.0.0
    completion_date:
      description:
        - For an enrollment that is (or would be) removed - the date (C(YYYY-MM-DD)) of that result,
          or null. Absent for other enrollments.
      type: str
      version_added: 2.0.0
    enrollment_id:
      description:
        - ID of the enrollment; for one just created, as read back (null in check mode); for one
          removed, the ID it had.
      type: str
    changed:
      description: Whether this enrollment was (or would be) created, changed or removed.
      type: bool
    removed_by_exclusive:
      description: True for an enrollment removed by O(exclusive). Absent otherwise.
      type: bool
    audience:
      description:
        - For a learner of O(departments) or O(groups) - where they come from, V(department SALES)
          or V(group Managers) (as the task names it; the first, when the user is in several).
          Absent for the learners the task lists.
      type: str
      version_added: 2.1.0
    unconfirmed:
      description:
        - True when the write of this enrollment got no reply (a timeout or a dropped connection)
          and is not repeated - iSpring may have applied it, or may still apply it, after the
          module read the enrollments back. Such an enrollment counts as changed. Absent otherwise.
      type: bool
      version_added: 2.0.0
    before:
      description:
        - The enrollment before the task, or null when the learner was not enrolled -
          C(access_date) and C(due_date) (C(YYYY-MM-DD) or null), C(lock_after_due_date), and
          C(enrolled_by) (V(administrator), V(catalog), or null for another type).
      type: dict
    after:
      description:
        - The same fields after the task, or null when the learner is not enrolled. After a write,
          as read back from iSpring (as predicted, with a warning, when the enrollments cannot be
          read again); in check mode, as predicted.
      type: dict
  sample:
    - course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
      user_id: 5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e01
      login: jdoe
      enrollment_id: 7c1d9a20-c1ae-11ea-8592-a6eabe180001
      changed: true
      before:
        access_date: "2020-07-10"
        due_date: "2020-08-31"
        lock_after_due_date: false
        enrolled_by: administrator
      after:
        access_date: "2026-03-02"
        due_date: "2026-04-01"
        lock_after_due_date: true
        enrolled_by: administrator
missing:
  description:
    - The learners that match no active user (by login or email), or no user at all (by user ID,
      for a learner to be enrolled), as the failure message lists them - the first 10 (since 2.1.0;
      before, every one). C(not_found) has every one, and the message says how many there are.
  returned: when learners cannot be found (the task fails and changes nothing)
  type: list
  elements: str
  sample: ["learner login=ghost"]
not_found:
  description:
    - The learners that cannot be found, by how the task names them (C(login), C(email), or
      C(user_id)), each a list of the values as given.
    - For O(departments) and O(groups) (since 2.1.0), the department codes (C(department)) and group
      names (C(group)) the account does not have.
  returned: when learners, departments or groups cannot be found (the task fails and changes nothing)
  type: dict
  sample: {"login": ["ghost"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, enrollment, ispring_client, runner


def run(module, client):
    params = module.params
    with runner.before_writes():
        courses, wanted = enrollment.validate(params)
        users = enrollment.resolve(client, wanted)
        wanted += enrollment.audience(client, params, wanted, users)  # departments and groups, read now
        enrollment.check_empty(params, courses, wanted)
        reads = wanted or params["exclusive"]
        current = enrollment.read_current(client, courses) if reads else {course: [] for course in courses}
        the_plan = enrollment.plan(courses, wanted, current, params["state"], params["exclusive"])
        enrollment.check_user_ids(client, wanted, the_plan, users)
        # before the guard: a preview it refuses still says what the removals take with them
        losses = enrollment.describe_removals(client, the_plan, users)
        the_plan.check_max_changes(params["max_changes"], module.check_mode, module._diff)
        if the_plan.changed and not module.check_mode:
            enrollment.keep_access_times(client, the_plan)
    for text in losses:  # in check mode too: what the removals would take with them
        module.warn(text)
    if the_plan.changed and not module.check_mode:
        for text in enrollment.write(client, the_plan, params["batch_size"]):
            module.warn(text)
    return the_plan.result(diff=module._diff)


def main():
    due_date_type = dict(type="str", choices=list(enrollment.DUE_DATE_TYPES))
    learner = dict(
        access_date=dict(type="str"),
        due_date_type=due_date_type,
        due_date=dict(type="str"),
        due_period=dict(type="int"),
        lock_after_due_date=dict(type="bool"),
    )
    module = AnsibleModule(
        argument_spec=arguments.ispring_spec(
            course_id=dict(type="str"),
            course_ids=dict(type="list", elements="str"),
            state=dict(type="str", choices=list(enrollment.STATES), default="present"),
            access_date=dict(type="str"),
            due_date_type=due_date_type,
            due_date=dict(type="str"),
            due_period=dict(type="int"),
            lock_after_due_date=dict(type="bool"),
            learners=arguments.named_items(learner, enrollment.IDENTIFIERS),
            **arguments.name_lists("user_ids", "logins", "emails", "departments", "groups"),
            exclusive=dict(type="bool", default=False),
            allow_empty=dict(type="bool", default=False),
            max_changes=dict(type="raw"),
            batch_size=dict(type="int", default=1000),
        ),
        supports_check_mode=True,
        **arguments.ispring_rules(("course_id", "course_ids")),
    )
    runner.run_module(
        module,
        ispring_client.rest_client_from,
        run,
        always=dict(changed=False, enrollments=[]),
        identifiers=enrollment.ID_OPTIONS,
    )


if __name__ == "__main__":
    main()
