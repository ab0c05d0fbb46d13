# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn REST wire code: the calls of the vendor's OpenAPI file ("Learn Rest Api" v3.0),
JSON in and out, errors as ``ErrorResponse``.

Contract: lms-api-contract.md, section 1.3a.  Paths, parameters and schemas are the OpenAPI
file's; every point it leaves open is a named constant below.
"""

from __future__ import annotations

import json

from ansible_collections.learnops.lms.plugins.module_utils import safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, ReplyError
from ansible_collections.learnops.lms.plugins.module_utils.ispring import (
    FAULT_AUTH,
    FAULT_PERMISSION,
    FAULT_UNKNOWN_COURSE,
    FAULT_UNKNOWN_ENROLLMENT,
    FAULT_WRONG_PARAMETERS,
    PAGE_SIZE,
    IspringClient,
    LearnerResult,
    UserProfile,
)

# --- What the OpenAPI file documents, and what the contract assumes where it is silent ---
UPDATE_COURSE_STATUS = "/statistics/course"  # [doc] POST, body UpdateCourseStatus -> {taskId}
TASK_STATUS = "/task/%s/status"  # [doc] GET -> TaskStatus
LEARNER_RESULTS = "/learners/results"  # [doc] GET -> LearnersResultsResponse
USERS = "/users"  # [doc] GET, logins[] / emails[] -> UsersPage
# 1.3a [doc]: the result filters are plain array names, repeated; the user filters carry "[]".
RESULT_FILTERS = ("courseIds", "enrollmentIds", "userIds")
USER_FILTERS = ("logins[]", "emails[]")
# [doc] UpdateCourseStatus.date is a date-time; a completion date is sent as midnight UTC [assumed],
# what the SOAP interface records for a date.
DATE_TIME = "%sT00:00:00Z"
# 1.3a: the HTTP errors, mapped to the client's error codes.  401 [assumed] is an expired or
# refused token; the message of a 400 says which id is unknown [assumed].
HTTP_CODES = {401: FAULT_AUTH, 403: FAULT_PERMISSION}
MESSAGE_CODES = (("Unknown content item", FAULT_UNKNOWN_COURSE), ("Unknown Enrollment", FAULT_UNKNOWN_ENROLLMENT))


def _learner_result(item):
    return LearnerResult.from_fields(item)


def _user(item):
    fields = item.get("fields") if isinstance(item.get("fields"), dict) else {}
    return UserProfile(
        user_id=item.get("userId"),
        role=item.get("role"),
        department_id=item.get("departmentId"),
        status=None if item.get("status") is None else str(item.get("status")),
        login=fields.get("login"),
        email=fields.get("email"),
    )


class RestClient(IspringClient):
    """The REST interface: ``<api_url><path>`` with ``Authorization: Bearer <token>``."""

    interface = "rest"

    def request(self, method, path, what, params=None, body=None):
        """The JSON a call answers (None for an empty body); an ErrorResponse raises ApiError."""
        return self.authorized(lambda token: self._request_once(method, path, what, token, params, body))

    def _request_once(self, method, path, what, token, params, body):
        headers = {"Authorization": "Bearer %s" % token, "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        reply = self.transport.request(
            method, self.api_url + path, what, data=data, headers=headers, params=params, safe_to_repeat=True
        )
        if not reply.body.strip() and reply.status < 400:
            return None
        try:
            answer = json.loads(reply.body.decode("utf-8"))
        except ValueError:
            raise ReplyError(
                "%s: the reply is not JSON (HTTP %s). Reply begins: %s"
                % (what, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            ) from None
        if reply.status >= 400:
            raise self._error(what, reply.status, answer)
        return answer

    def _error(self, what, status, answer):
        said = answer.get("message") if isinstance(answer, dict) else None
        code = HTTP_CODES.get(status)
        for start, mapped in MESSAGE_CODES:
            if said and said.startswith(start):
                code = mapped
        code = code or FAULT_WRONG_PARAMETERS
        hints = {
            FAULT_AUTH: "the token is invalid or expired: give a fresh token, or client_id and "
            "client_secret so that the module can renew it",
            FAULT_PERMISSION: "the account behind the token lacks the right for this request",
        }
        message = "%s failed: HTTP %s: %s" % (what, status, said or safexml.excerpt(json.dumps(answer)))
        if code in hints:
            message += " (%s)" % hints[code]
        return ApiError(message + ".", code=code, http_status=status)

    def pages(self, path, what, params, key):
        """Every item of every page of a listing (``pageSize`` in, ``nextPageToken`` out)."""
        token, seen = None, set()
        while True:
            paging = [("pageSize", str(PAGE_SIZE))] + ([("pageToken", token)] if token else [])
            answer = self.request("GET", path, what, params=list(params) + paging)
            if not isinstance(answer, dict) or not isinstance(answer.get(key), list):
                raise ReplyError(
                    "%s: the reply is not a listing (no %r list). Nothing was written. Reply reads: %s"
                    % (what, key, safexml.excerpt(json.dumps(answer)))
                )
            yield from answer[key]
            token = answer.get("nextPageToken") or None
            if not token:
                return
            if token in seen:
                raise ReplyError("%s: the service returned the page token %r twice; stopped paging." % (what, token))
            seen.add(token)

    # --- methods ---

    def list_learners_results(self, course_ids=(), enrollment_ids=(), user_ids=()):
        params = _repeated(zip(RESULT_FILTERS, (course_ids, enrollment_ids, user_ids), strict=True))
        what = "iSpring GET %s" % LEARNER_RESULTS
        return [_learner_result(item) for item in self.pages(LEARNER_RESULTS, what, params, "results")]

    def list_users(self, logins=(), emails=()):
        params = _repeated(zip(USER_FILTERS, (logins, emails), strict=True))
        return [_user(item) for item in self.pages(USERS, "iSpring GET %s" % USERS, params, "userProfiles")]

    def update_course_status(self, course_id, enrollment_ids, status, date=None, reason=None, awarded_score=None):
        """Start a status change; returns the task id.  Safe to repeat: it sets absolute values."""
        body = dict(courseId=course_id, enrollmentIds=list(enrollment_ids), status=status)
        if date is not None:
            body["date"] = DATE_TIME % date
        if reason is not None:
            body["reason"] = reason
        if awarded_score is not None:
            body["awardedScore"] = awarded_score
        what = "iSpring POST %s" % UPDATE_COURSE_STATUS
        answer = self.request("POST", UPDATE_COURSE_STATUS, what, body=body)
        task_id = answer.get("taskId") if isinstance(answer, dict) else None
        if task_id is None:
            raise ReplyError(
                "%s: the reply has no taskId. Reply reads: %s" % (what, safexml.excerpt(json.dumps(answer)))
            )
        return str(task_id)

    def task_status(self, task_id):
        """``complete``, ``error`` or another (pending) word, lower case."""
        path = TASK_STATUS % task_id
        answer = self.request("GET", path, "iSpring GET %s" % path)
        return str((answer or {}).get("status") or "").lower()


def _repeated(filters):
    """Query parameters: each value of each non-empty filter as its own ``name=value``."""
    return [(name, value) for name, values in filters for value in values]
