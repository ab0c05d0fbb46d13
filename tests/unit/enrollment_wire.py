# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring REST enrollment requests and replies for scripted tests (the OpenAPI file's
ListEnrollments, EnrollLearnersInCourses, ChangeEnrollment and Unenroll)."""

from __future__ import annotations

from ansible_collections.learnops.lms.tests.unit.ispring_wire import COURSE, TOKEN, rest_call, rest_user

OTHER_COURSE = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"


def rest_enrollment(enrollment, learner, access="2020-07-10", due=None, lock=False, group=0, course=COURSE):
    """One Enrollment as the reply carries it (dueDate only when set)."""
    found = dict(enrollmentId=enrollment, courseId=course, learnerId=learner, accessDate=access)
    if due is not None:
        found["dueDate"] = due
    found.update(shouldLockAfterDueDate=lock, enrollmentTypeGroup=group)
    return found


def enrollments_call(enrollments=(), course=COURSE, learner_ids=(), token=TOKEN, next_token=None, page_token=None):
    """GET /enrollments of one course (optionally some learners), one page."""
    params = [("courseIds[]", course)] + [("learnerIds[]", learner) for learner in learner_ids]
    params += [("pageSize", "1000")] + ([("pageToken", page_token)] if page_token else [])
    reply = {"enrollments": list(enrollments)}
    if next_token:
        reply["nextPageToken"] = next_token
    return rest_call("GET", "/enrollments", reply, params=params, token=token)


def enroll_call(learner_ids, due_date_type="unlimited", courses=(COURSE,), status=201, reply=None, **fields):
    """POST /enrollment with a NewEnrollment body, in the client's key order."""
    body = dict(courseIds=list(courses), learnerIds=list(learner_ids), dueDateType=due_date_type)
    for name in ("dueDate", "duePeriod", "accessDate", "lockAfterDueDate"):
        if name in fields:
            body[name] = fields[name]
    return rest_call("POST", "/enrollment", reply, body=body, status=status)


def change_call(enrollment, access, due_date_type, status=200, reply=None, time="00:00:00", **fields):
    """POST /enrollment/{id} with an UpdateEnrollment body (accessDate a date-time)."""
    body = dict(accessDate="%s %s" % (access, time), dueDateType=due_date_type)
    for name in ("dueDate", "duePeriod", "lockAfterDueDate"):
        if name in fields:
            body[name] = fields[name]
    return rest_call("POST", "/enrollment/%s" % enrollment, reply, body=body, status=status)


def delete_call(enrollment_ids, status=204, reply=None):
    return rest_call("POST", "/enrollment/delete", reply, body={"enrollmentIds": list(enrollment_ids)}, status=status)


def users_by_id_call(user_ids, found=None, next_token=None, page_token=None):
    """GET /users/v2 by userIds[] (as the client sends them, sorted), listing the users of ``found``
    (default: every one asked for)."""
    found = user_ids if found is None else found
    users = [rest_user(user, "login-%s" % user, "%s@example.com" % user) for user in found]
    params = [("userIds[]", user) for user in sorted(user_ids)]
    params += [("pageSize", "1000")] + ([("pageToken", page_token)] if page_token else [])
    reply = {"userProfiles": users}
    if next_token:
        reply["nextPageToken"] = next_token
    return rest_call("GET", "/users/v2", reply, params=params)
