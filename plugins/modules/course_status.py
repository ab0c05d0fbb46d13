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
    status back to V(automatic) calculation, with the iSpring Learn SOAP method C(updateCourseStatus).
  - Reads the learners' current results first, in as few calls as the API allows, and changes only
    the learners whose status differs. A second run changes nothing and sends no write.
  - Learners that share status, date and reason are changed in one call (up to O(batch_size)).
  - Every learner is resolved and every value validated before the first write; unknown learners
    are reported together and nothing is changed.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.ispring
  - learnops.lms.transport
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
    type: str
    choices: [complete, automatic]
    default: complete
  date:
    description:
      - Completion date, C(YYYY-MM-DD), for learners set to V(complete) that do not give their own.
      - Required wherever the status is V(complete).
    type: str
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
        choices: [complete, automatic]
      date:
        description: Completion date for this learner, instead of O(date).
        type: str
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
      - Also treat a completed learner whose completion date differs from the wanted date as
        needing the change.
    type: bool
    default: false
  batch_size:
    description:
      - Most enrollments sent in one C(updateCourseStatus) call.
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
  - "Inferred from the API documentation, to check on a real tenant: the SOAP endpoint is
    O(api_url) + C(/api/v2/soap/2.0); an expired token answers C(Authorization failed); listings
    return at most 1000 records a page; the rule for O(status=automatic) described above."
  - A department administrator's token sees and changes only the learners of the departments they
    manage; other learners are reported as not found.
seealso:
  - module: learnops.lms.course_status_info
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: all
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

- name: Hand statuses back to automatic calculation (connection from module_defaults)
  learnops.lms.course_status:
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    status: automatic
    enrollment_ids: "{{ reopened_enrollments }}"
"""

RETURN = r"""
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
      description: ID of the learner's enrollment in the course.
      type: str
    user_id:
      description: iSpring user ID of the learner.
      type: str
    login:
      description: Login, when the learner was named by login.
      type: str
    email:
      description: Email, when the learner was named by email.
      type: str
    changed:
      description: Whether this learner's status was (or would be) changed.
      type: bool
    before:
      description:
        - C(status) (lower case), C(completion_date) (C(YYYY-MM-DD) or null) and C(progress) before the task.
      type: dict
    after:
      description:
        - The same fields after the task, as read back from iSpring when O(wait=true); otherwise
          as requested, with C(status) V(automatic) meaning recalculated by iSpring.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, dates, ispring
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, LmsError, ValidationError

IDENTIFIERS = ("enrollment_id", "user_id", "login", "email")


def wanted_learners(params):
    """The learners asked for, each with its identifier and validated status, date and reason."""
    items = list(params["learners"]) + [dict(enrollment_id=value) for value in params["enrollment_ids"]]
    wanted = []
    for position, item in enumerate(items, start=1):
        kind = next((name for name in IDENTIFIERS if item.get(name)), None)
        if kind is None:
            raise ValidationError(
                "learners[%d]: name the learner with one of %s; all are empty." % (position, ", ".join(IDENTIFIERS))
            )
        status = item.get("status") or params["status"]
        date = item.get("date") or params["date"]
        label = "learner %s=%s" % (kind, item[kind])
        if status == ispring.STATUS_COMPLETE:
            if not date:
                raise ValidationError(
                    "%s: status complete needs a completion date; set date on the task or on the learner." % label
                )
            date = dates.iso_date(date, "%s: date" % label)
        else:
            date = None
        wanted.append(
            dict(
                kind=kind,
                value=item[kind],
                label=label,
                status=status,
                date=date,
                reason=item.get("reason") or params["reason"],
            )
        )
    return wanted


def read_current(client, course_id, wanted):
    """Resolve every wanted learner to its current result in the course.

    Returns {position: result}; raises ValidationError naming every learner that cannot be found.
    """
    logins = [w["value"] for w in wanted if w["kind"] == "login"]
    emails = [w["value"] for w in wanted if w["kind"] == "email"]
    try:
        users = client.find_users(logins, emails) if (logins or emails) else []
    except ApiError as exc:
        raise explain(exc, course_id)
    by_login = {u["login"]: u for u in users if u["login"]}
    by_email = {u["email"].lower(): u for u in users if u["email"]}
    missing = []
    for w in wanted:
        user = (
            by_login.get(w["value"])
            if w["kind"] == "login"
            else by_email.get(w["value"].lower())
            if w["kind"] == "email"
            else None
        )
        if w["kind"] in ("login", "email"):
            if user is None:
                missing.append("%s (no active user)" % w["label"])
            else:
                w["user_id"] = user["user_id"]
        elif w["kind"] == "user_id":
            w["user_id"] = w["value"]
    try:
        results = client.course_results(
            course_id,
            [w["value"] for w in wanted if w["kind"] == "enrollment_id"],
            [w["user_id"] for w in wanted if w.get("user_id")],
        )
    except ApiError as exc:
        raise explain(exc, course_id)
    by_enrollment = {r["enrollment_id"]: r for r in results}
    by_user = {r["user_id"]: r for r in results}
    current = {}
    for position, w in enumerate(wanted):
        if w["kind"] == "enrollment_id":
            result = by_enrollment.get(w["value"])
        else:
            result = by_user.get(w.get("user_id")) if w.get("user_id") else None
            if result is None and w.get("user_id"):
                missing.append("%s (not enrolled in the course)" % w["label"])
                continue
        if result is None:
            if w["kind"] == "enrollment_id":
                missing.append("%s (no such enrollment in the course)" % w["label"])
            continue
        current[position] = result
    if missing:
        raise ValidationError(
            "course_id %s: %d learner(s) cannot be found: %s. Check the "
            "names, that the learners are active and enrolled, and that the account may see their "
            "department." % (course_id, len(missing), "; ".join(missing)),
            missing=missing,
        )
    return current


def explain(exc, course_id):
    """The API's course faults, with the course named and what to do."""
    if isinstance(exc, ApiError) and exc.code == ispring.FAULT_UNKNOWN_COURSE:
        return ValidationError(
            "course_id %s: iSpring knows no such course (Unknown content item). Check the course ID." % course_id
        )
    if isinstance(exc, ApiError) and exc.code == ispring.FAULT_PERMISSION:
        return ApiError(
            "course_id %s: the account behind the token lacks the right to read or "
            "change course statuses of these learners (Permission denied). Use an account "
            "administrator, the administrator of the learners' departments, or a role "
            "with 'Can edit' on the course." % course_id,
            code=exc.code,
        )
    return exc


def needs_change(result, status, date, match_date):
    """The contract's idempotency rule (lms-api-contract.md 1.7)."""
    if status == ispring.STATUS_COMPLETE:
        if result["status"] not in ispring.COMPLETED_STATUSES:
            return True
        return bool(match_date) and dates.date_of(result["completion_date"]) != date
    return result["status"] == ispring.STATUS_COMPLETE and (result["progress"] or 0) < 100


def snapshot(result):
    return dict(
        status=result["status"], completion_date=dates.date_of(result["completion_date"]), progress=result["progress"]
    )


def plan(wanted, current, match_date):
    """One entry per wanted learner, and the changes grouped by (status, date, reason)."""
    entries, groups, claimed = [], {}, {}
    for position, w in enumerate(wanted):
        result = current[position]
        enrollment = result["enrollment_id"]
        change = (w["status"], w["date"], w["reason"])
        if enrollment in claimed and claimed[enrollment] != change:
            raise ValidationError(
                "enrollment %s is asked for twice with different status, date or "
                "reason (%s); ask once." % (enrollment, w["label"])
            )
        first = enrollment not in claimed
        claimed[enrollment] = change
        entry = dict(
            enrollment_id=enrollment,
            user_id=result["user_id"],
            changed=first and needs_change(result, w["status"], w["date"], match_date),
            before=snapshot(result),
        )
        if w["kind"] in ("login", "email"):
            entry[w["kind"]] = w["value"]
        if entry["changed"]:
            groups.setdefault(change, []).append(entry)
            entry["after"] = dict(entry["before"], status=w["status"], completion_date=w["date"])
        else:
            entry["after"] = dict(entry["before"])
        entries.append(entry)
    return entries, groups


def apply(client, course_id, groups, batch_size, entries):
    """Send the grouped changes; on a failure, say which learners were sent and which not."""
    tasks, sent = {}, set()
    try:
        for (status, date, reason), members in groups.items():
            for start in range(0, len(members), batch_size):
                batch = [m["enrollment_id"] for m in members[start : start + batch_size]]
                tasks[client.update_course_status(course_id, batch, status, date, reason)] = batch
                sent.update(batch)
    except LmsError as exc:
        raise partial_failure(explain(exc, course_id), entries, sent, list(tasks))
    return tasks


def partial_failure(exc, entries, sent, task_ids):
    """The error, with each learner marked changed (sent before the failure) or not."""
    for entry in entries:
        entry["changed"] = entry["changed"] and entry["enrollment_id"] in sent
        if not entry["changed"]:
            entry["after"] = dict(entry["before"])
    done = sum(1 for entry in entries if entry["changed"])
    message = exc.message
    if sent:
        message += " %d learner(s) were changed before the failure (see learners); run the task again to finish." % done
    else:
        message += " Nothing was changed."
    return LmsError(message, changed=bool(sent), learners=entries, task_ids=task_ids)


def read_back(client, course_id, entries):
    changed = [e for e in entries if e["changed"]]
    results = client.course_results(course_id, [e["enrollment_id"] for e in changed])
    by_enrollment = {r["enrollment_id"]: r for r in results}
    for entry in changed:
        if entry["enrollment_id"] in by_enrollment:
            entry["after"] = snapshot(by_enrollment[entry["enrollment_id"]])


def wait_for(client, params, tasks, entries):
    """Wait for the tasks, read the learners back, and fail naming any task that failed or is
    still running (the learners of a failed task are reported unchanged)."""
    statuses = client.wait_for_tasks(list(tasks), params["wait_timeout"])
    failed = [t for t, s in statuses.items() if s in ispring.TASK_FAILED]
    pending = [t for t, s in statuses.items() if s not in ispring.TASK_FAILED | ispring.TASK_SUCCEEDED]
    read_back(client, params["course_id"], entries)
    if not (failed or pending):
        return
    not_applied = {enrollment for task_id in failed for enrollment in tasks[task_id]}
    for entry in entries:
        if entry["enrollment_id"] in not_applied:
            entry["changed"] = False
    raise LmsError(
        "course_id %s: iSpring task(s) %s failed, and %s did not finish within wait_timeout (%s s). "
        "The learners are reported as read back now; run the task again to finish."
        % (params["course_id"], ", ".join(failed) or "none", ", ".join(pending) or "none", params["wait_timeout"]),
        changed=any(entry["changed"] for entry in entries),
        learners=entries,
        task_ids=list(tasks),
    )


def describe(entry, state):
    who = entry.get("login") or entry.get("email") or entry["user_id"]
    values = entry[state]
    text = "%s (enrollment %s): %s" % (who, entry["enrollment_id"], values["status"])
    if values["completion_date"]:
        text += " on %s" % values["completion_date"]
    return text + ", progress %s\n" % values["progress"]


def run(module, client):
    params = module.params
    if params["batch_size"] < 1:
        raise ValidationError("batch_size must be at least 1, not %d." % params["batch_size"])
    try:
        wanted = wanted_learners(params)
        current = read_current(client, params["course_id"], wanted) if wanted else {}
        entries, groups = plan(wanted, current, params["match_date"])
    except LmsError as exc:
        exc.message += " Nothing was changed."
        raise
    result = dict(changed=bool(groups), task_ids=[], learners=entries)
    if groups and not module.check_mode:
        tasks = apply(client, params["course_id"], groups, params["batch_size"], entries)
        result["task_ids"] = list(tasks)
        if params["wait"]:
            wait_for(client, params, tasks, entries)
    if module._diff:
        changed = [e for e in entries if e["changed"]]
        result["diff"] = dict(
            before_header="course %s" % params["course_id"],
            after_header="course %s" % params["course_id"],
            before="".join(describe(e, "before") for e in changed),
            after="".join(describe(e, "after") for e in changed),
        )
    return result


def main():
    module = AnsibleModule(
        argument_spec=arguments.ispring_spec(
            course_id=dict(type="str", required=True),
            status=dict(type="str", choices=["complete", "automatic"], default="complete"),
            date=dict(type="str"),
            reason=dict(type="str"),
            learners=dict(
                type="list",
                elements="dict",
                default=[],
                options=dict(
                    enrollment_id=dict(type="str"),
                    user_id=dict(type="str"),
                    login=dict(type="str"),
                    email=dict(type="str"),
                    status=dict(type="str", choices=["complete", "automatic"]),
                    date=dict(type="str"),
                    reason=dict(type="str"),
                ),
                mutually_exclusive=[IDENTIFIERS],
                required_one_of=[IDENTIFIERS],
            ),
            enrollment_ids=dict(type="list", elements="str", default=[]),
            match_date=dict(type="bool", default=False),
            batch_size=dict(type="int", default=1000),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    arguments.require_libraries(module)
    client = arguments.ispring_client(module)
    try:
        module.exit_json(**run(module, client))
    except LmsError as exc:
        details = dict(dict(changed=False, task_ids=[], learners=[]), **exc.details)
        module.fail_json(msg=exc.message, **details)


if __name__ == "__main__":
    main()
