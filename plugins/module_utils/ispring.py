# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn wire code: access token, SOAP envelope, faults, paging, tasks.

Contract: lms-api-contract.md, section 1.  Every point marked [assumed] there is a named
constant below, so a real tenant can correct it here and nowhere else.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

from ansible_collections.learnops.lms.plugins.module_utils import safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    AuthenticationError,
    ReplyError,
)
from ansible_collections.learnops.lms.plugins.module_utils.runner import batches
from ansible_collections.learnops.lms.plugins.module_utils.transport import Transport

# --- What the contract documents or assumes (section numbers of lms-api-contract.md) ---
TOKEN_PATH = "/api/v3/token"  # 1.2 [doc]
SOAP_PATH = "/api/v2/soap/2.0"  # 1.1 [assumed]: <api_url> + documented path
BODY_NS = "https://ispringlearn.com/go/services/api/soap"  # 1.1 [doc]
ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"  # 1.1 [assumed]: SOAP 1.1 standard form
CONTENT_TYPE = "text/xml; charset=utf-8"  # 1.1 [assumed]
PAGE_SIZE = 1000  # 1.3 [assumed maximum]
FAULT_AUTH = "Authorization failed"  # 1.5 [doc]; expiry maps to it [assumed]
FAULT_UNKNOWN_COURSE = "Unknown content item"  # 1.5 [doc]
FAULT_UNKNOWN_ENROLLMENT = "Unknown Enrollment"  # 1.5 [doc]
FAULT_PERMISSION = "Permission denied"  # 1.5 [doc]
FAULT_WRONG_PARAMETERS = "Wrong parameters"  # 1.5 [doc]
TASK_SUCCEEDED = frozenset(("complete",))  # 1.4 [doc]
TASK_FAILED = frozenset(("failed", "error", "cancelled"))  # 1.4 [doc]
COMPLETED_STATUSES = frozenset(("complete", "passed", "accepted"))  # 1.7 [contract]
STATUS_COMPLETE = "complete"  # updateCourseStatus values [doc, seed]
STATUS_AUTOMATIC = "automatic"


def soap_url_for(api_url, soap_url=None):
    return soap_url or api_url.rstrip("/") + SOAP_PATH


def _append(parent, name, value):
    """Append <name> with text, or with nested (name, value) children; None is left out."""
    if value is None:
        return
    element = safexml.etree.SubElement(parent, "{%s}%s" % (BODY_NS, name))
    if isinstance(value, (list, tuple)):
        for child_name, child_value in value:
            _append(element, child_name, child_value)
    else:
        element.text = str(value)


def envelope(method, token, elements):
    """The SOAP request for ``method``: credentials first, then ``elements`` in the given order."""
    etree = safexml.etree
    root = etree.Element("{%s}Envelope" % ENVELOPE_NS, nsmap={"SOAP-ENV": ENVELOPE_NS, None: BODY_NS})
    body = etree.SubElement(root, "{%s}Body" % ENVELOPE_NS)
    request = etree.SubElement(body, "{%s}%sRequest" % (BODY_NS, method))
    _append(request, "credentials", [("token", token)])
    for name, value in elements:
        _append(request, name, value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def ids(name, values):
    """A list wrapper's children: ids("id", [a, b]) -> [("id", a), ("id", b)]."""
    return [(name, value) for value in values]


@dataclass(frozen=True)
class LearnerResult:
    """A learner's result in a course (``learnerResult``), status lower case, numbers as numbers."""

    user_id: str | None
    course_id: str | None
    enrollment_id: str | None
    status: str | None
    completion_date: str | None
    progress: float | None
    awarded_score: float | None
    access_date: str | None
    due_date: str | None

    @classmethod
    def from_xml(cls, element):
        found = safexml.fields(element)
        return cls(
            user_id=found.get("userId"),
            course_id=found.get("courseId"),
            enrollment_id=found.get("enrollmentId"),
            status=(found.get("completionStatus") or "").lower() or None,
            completion_date=found.get("completionDate"),
            progress=_number(found.get("progress")),
            awarded_score=_number(found.get("awardedScore")),
            access_date=found.get("accessDate"),
            due_date=found.get("dueDate"),
        )

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class UserProfile:
    """An iSpring user (``userProfile``), with the LOGIN and EMAIL fields lifted out."""

    user_id: str | None
    role: str | None
    department_id: str | None
    status: str | None
    login: str | None
    email: str | None

    @classmethod
    def from_xml(cls, element):
        found = safexml.fields(element)
        profile = {}
        for field in safexml.children(safexml.child(element, "fields"), "field"):
            pair = safexml.fields(field)
            if pair.get("name"):
                profile[pair["name"].upper()] = pair.get("value")
        return cls(
            user_id=found.get("userId"),
            role=found.get("role"),
            department_id=found.get("departmentId"),
            status=found.get("status"),
            login=profile.get("LOGIN"),
            email=profile.get("EMAIL"),
        )


def _number(value):
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


class IspringClient:
    """Calls to one iSpring Learn account, with a ready token or client credentials."""

    def __init__(
        self, transport, api_url, soap_url=None, token=None, client_id=None, client_secret=None, on_secret=None
    ):
        self.transport = transport
        self.api_url = api_url.rstrip("/")
        self.soap_url = soap_url_for(self.api_url, soap_url)
        self.client_id = client_id
        self.client_secret = client_secret
        self._token = token
        self._on_secret = on_secret or (lambda value: None)

    # --- authentication ---

    def fetch_token(self):
        """A new access token from the client credentials (contract 1.2)."""
        what = "iSpring token"
        reply = self.transport.post(
            self.api_url + TOKEN_PATH,
            what,
            safe_to_repeat=True,
            headers={"Accept": "application/json"},
            data=[
                ("client_id", self.client_id),
                ("client_secret", self.client_secret),
                ("grant_type", "client_credentials"),
            ],
        )
        try:
            answer = json.loads(reply.body.decode("utf-8"))
        except ValueError:
            raise ReplyError(
                "%s: the reply is not JSON (HTTP %s). Reply begins: %s"
                % (what, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            ) from None
        if reply.status in (400, 401, 403):
            raise AuthenticationError(
                "iSpring refused the API client credentials for client_id %r (HTTP %s: %s). Check "
                "client_id and client_secret (iSpring Learn: Settings > API)."
                % (self.client_id, reply.status, answer.get("message") if isinstance(answer, dict) else "")
            )
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if reply.status != 200 or not token:
            raise ReplyError(
                "%s: unexpected reply (HTTP %s): %s" % (what, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            )
        self._on_secret(token)
        self._token = token
        return token

    def _current_token(self):
        if self._token is None:
            self.fetch_token()
        return self._token

    # --- SOAP ---

    def call(self, method, elements, safe_to_repeat=True):
        """Send ``method`` and return its ``<method>Result`` element.

        A fault raises ApiError (code = the fault string).  ``Authorization failed`` with client
        credentials fetches a new token and repeats the call once.
        """
        try:
            return self._call_once(method, elements, safe_to_repeat)
        except ApiError as exc:
            if exc.code != FAULT_AUTH or not self.client_id:
                raise
        self.fetch_token()
        return self._call_once(method, elements, safe_to_repeat)

    def _call_once(self, method, elements, safe_to_repeat):
        what = "iSpring %s" % method
        body = envelope(method, self._current_token(), elements)
        reply = self.transport.post(
            self.soap_url,
            what,
            data=body,
            safe_to_repeat=safe_to_repeat,
            headers={"Content-Type": CONTENT_TYPE, "SOAPAction": '"%s"' % method},
        )
        root = safexml.parse(reply.body, reply.status, what)
        soap_body = safexml.child(root, "Body") if safexml.local(root) == "Envelope" else None
        if soap_body is None:
            raise ReplyError(
                "%s: the reply is not a SOAP envelope (HTTP %s). Reply begins: %s"
                % (what, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            )
        fault = safexml.child(soap_body, "Fault")
        if fault is not None:
            raise self._fault(what, (safexml.text(fault, "faultstring") or "").strip())
        result = safexml.child(soap_body, method + "Result")
        if result is None:
            raise ReplyError(
                "%s: the reply has no %sResult (HTTP %s). Reply begins: %s"
                % (what, method, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            )
        return result

    def _fault(self, what, fault):
        hints = {
            FAULT_AUTH: "the token is invalid or expired: give a fresh token, or client_id and "
            "client_secret so that the module can renew it",
            FAULT_PERMISSION: "the account behind the token lacks the right for this request",
            FAULT_WRONG_PARAMETERS: "the request was refused as malformed",
        }
        message = "%s failed: %s" % (what, fault or "SOAP fault without a fault string")
        if fault in hints:
            message += " (%s)." % hints[fault]
        return ApiError(message, code=fault)

    def pages(self, method, filters, list_name, item_name):
        """Every ``item_name`` element of every page of a listing (contract 1.3 paging)."""
        token, seen = None, set()
        while True:
            elements = list(filters) + [("pageSize", PAGE_SIZE), ("pageToken", token)]
            result = self.call(method, elements)
            yield from safexml.children(safexml.child(result, list_name), item_name)
            token = safexml.text(result, "nextPageToken")
            if not token:
                return
            if token in seen:
                raise ReplyError(
                    "iSpring %s: the service returned the page token %r twice; stopped paging." % (method, token)
                )
            seen.add(token)

    # --- methods ---

    def list_learners_results(self, course_ids=(), enrollment_ids=(), user_ids=()):
        filters = [
            ("courseIds", ids("id", course_ids)),
            ("enrollmentIds", ids("id", enrollment_ids)),
            ("userIds", ids("id", user_ids)),
        ]
        return [
            LearnerResult.from_xml(item)
            for item in self.pages("ListLearnersResults", filters, "results", "learnerResult")
        ]

    def course_results(self, course_id, enrollment_ids=(), user_ids=()):
        """The results in one course of the given enrollments and users (both may be empty:
        then none).  Filter lists are sent in chunks of PAGE_SIZE ids, so requests grow as
        N / PAGE_SIZE."""
        found = {}
        for name, values in (("enrollment_ids", sorted(set(enrollment_ids))), ("user_ids", sorted(set(user_ids)))):
            for chunk in batches(values, PAGE_SIZE):
                for result in self.list_learners_results([course_id], **{name: chunk}):
                    found[result.enrollment_id] = result
        return list(found.values())

    def list_users(self, logins=(), emails=()):
        filters = [("logins", ids("login", logins)), ("emails", ids("email", emails))]
        return [UserProfile.from_xml(item) for item in self.pages("ListUsers", filters, "users", "userProfile")]

    def find_users(self, logins=(), emails=()):
        """Active users with one of these logins or emails, asked PAGE_SIZE values at a time."""
        values = [("login", value) for value in sorted(set(logins))] + [
            ("email", value) for value in sorted(set(emails))
        ]
        users = {}
        for chunk in batches(values, PAGE_SIZE):
            for user in self.list_users([v for k, v in chunk if k == "login"], [v for k, v in chunk if k == "email"]):
                users[user.user_id] = user
        return list(users.values())

    def update_course_status(self, course_id, enrollment_ids, status, date=None, reason=None):
        """Start a status change; returns the task id.  Safe to repeat: it sets absolute values."""
        result = self.call(
            "updateCourseStatus",
            [
                ("enrollmentIds", ids("id", enrollment_ids)),
                ("courseId", course_id),
                ("date", date),
                ("reason", reason),
                ("status", status),
            ],
        )
        task_id = safexml.text(result, "taskId")
        if not task_id:
            raise ReplyError("iSpring updateCourseStatus: the reply has no taskId.")
        return task_id

    def task_status(self, task_id):
        """``complete``, ``failed`` or another (pending) word, lower case."""
        result = self.call("getTaskStatus", [("taskId", task_id)])
        return (safexml.text(result, "status") or "").lower()

    def wait_for_tasks(self, task_ids, timeout, interval=0.5, sleep=None, clock=None):
        """Poll until every task finished; returns {task_id: status}.  Pending ones after
        ``timeout`` keep their last status."""
        sleep, clock = sleep or time.sleep, clock or time.monotonic
        deadline = clock() + timeout
        statuses = {task_id: None for task_id in task_ids}
        while True:
            for task_id, status in statuses.items():
                if status not in TASK_SUCCEEDED and status not in TASK_FAILED:
                    statuses[task_id] = self.task_status(task_id)
            pending = [t for t, s in statuses.items() if s not in TASK_SUCCEEDED and s not in TASK_FAILED]
            if not pending or clock() >= deadline:
                return statuses
            sleep(min(interval, max(0.0, deadline - clock())))
            interval = min(interval * 1.5, 5.0)


def client_from(module):
    """The IspringClient a module's connection options describe; tokens it obtains are masked in
    all the module's output."""
    params = module.params
    return IspringClient(
        Transport.from_params(params),
        params["api_url"],
        soap_url=params["soap_url"],
        token=params["token"],
        client_id=params["client_id"],
        client_secret=params["client_secret"],
        on_secret=module.no_log_values.add,
    )
