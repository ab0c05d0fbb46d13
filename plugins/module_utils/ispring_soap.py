# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn SOAP wire code: envelope, faults, the result and list layouts, paging.

Contract: lms-api-contract.md, sections 1.1 to 1.5.  Every point marked [assumed] or
[evidence] there is a named constant below, so a real tenant can correct it here and nowhere else.
"""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.module_utils import safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, ReplyError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.ispring import (
    FAULT_AUTH,
    FAULT_PERMISSION,
    FAULT_WRONG_PARAMETERS,
    PAGE_SIZE,
    IspringClient,
    LearnerResult,
    UserProfile,
    only_asked,
)

# --- What the contract documents or assumes (section numbers of lms-api-contract.md) ---
SOAP_PATH = "/api/v2/soap/2.0"  # 1.1 [doc path, assumed host]: <api_url> + the documented path
BODY_NS = "http://ispringlearn.com/go/services/api/soap"  # 1.1 (r2) [evidence]; the pages print https://
ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"  # 1.1 [assumed]: the SOAP 1.1 standard form
CONTENT_TYPE = "text/xml; charset=utf-8"  # 1.1 [assumed]
TOKEN_REFUSED_HTTP = 401  # 1.2 (r2) [assumed]: an expired token may answer HTTP 401 instead of the fault
# 1.3 (r2) [evidence]: list items directly under the result element, or inside one wrapper, with
# any of these names; anything else in a result is an unrecognised reply.
LIST_WRAPPERS = frozenset(("results", "users", "userProfiles", "enrollments"))
LIST_ITEMS = {
    "ListLearnersResults": frozenset(("learnerResult", "result")),
    "ListUsers": frozenset(("userProfile", "user")),
    "ListEnrollments": frozenset(("enrollment",)),
}
NEXT_PAGE = "nextPageToken"  # 1.3 [doc]
RESULT_FIELDS = ("course_id", "enrollment_id", "user_id")  # what ListLearnersResults' filters select by
SOAP_STATUSES = ("complete", "automatic")  # 1.3 [doc, seed]: what updateCourseStatus sets


def soap_url_for(api_url, soap_url=None):
    return soap_url or api_url.rstrip("/") + SOAP_PATH


def envelope(method, token, elements, namespace=BODY_NS):
    """The SOAP request for ``method``: credentials first, then ``elements`` in the given order.
    A value that is None or an empty list is left out: an empty filter is not sent (1.3 r2)."""
    root = safexml.new_element("{%s}Envelope" % ENVELOPE_NS, nsmap={"SOAP-ENV": ENVELOPE_NS, None: namespace})
    body = safexml.add_element(root, "{%s}Body" % ENVELOPE_NS)
    request = safexml.add_element(body, "{%s}%sRequest" % (namespace, method))
    for name, value in [("credentials", [("token", token)])] + list(elements):
        _append(request, name, value, namespace)
    return safexml.serialize(root)


def _append(parent, name, value, namespace):
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return
    element = safexml.add_element(parent, "{%s}%s" % (namespace, name))
    if isinstance(value, (list, tuple)):
        for child_name, child_value in value:
            _append(element, child_name, child_value, namespace)
    else:
        try:
            element.text = str(value)
        except ValueError:  # lxml refuses text XML cannot carry; the modules check it first
            raise ValidationError(
                "the %s %r cannot be sent in XML; remove its control characters." % (name, value)
            ) from None


def ids(name, values):
    """A list wrapper's children: ids("id", [a, b]) -> [("id", a), ("id", b)]."""
    return [(name, value) for value in values]


def learner_result(element):
    return LearnerResult.from_fields(safexml.fields(element))


def user_profile(element):
    found = safexml.fields(element)
    profile = {}
    for field in safexml.children(safexml.child(element, "fields"), "field"):
        pair = safexml.fields(field)
        if pair.get("name"):
            profile[pair["name"].upper()] = pair.get("value")
    return UserProfile(
        user_id=found.get("userId"),
        role=found.get("role"),
        department_id=found.get("departmentId"),
        status=found.get("status"),
        login=profile.get("LOGIN"),
        email=profile.get("EMAIL"),
    )


def list_items(result, method):
    """(items, next page token) of a list result in any layout the contract accepts (1.3 r2).
    Anything else raises ReplyError with an excerpt: an unexpected reply never reads as no records."""
    names, items, token, wrapped = LIST_ITEMS[method], [], None, False
    for child in _elements(result):
        name = safexml.local(child)
        if name == NEXT_PAGE:
            token = (child.text or "").strip() or None
        elif name in names:
            items.append(child)
        elif name in LIST_WRAPPERS and not wrapped and all(safexml.local(i) in names for i in _elements(child)):
            items.extend(_elements(child))
            wrapped = True
        else:
            raise ReplyError(
                "iSpring %s: the reply is not a listing in a known layout (<%s> in <%s>). Nothing was written. "
                "Reply reads: %s" % (method, name, safexml.local(result), _shown(result))
            )
    return items, token


def _elements(element):
    return [child for child in element if isinstance(child.tag, str)]


def _shown(element):
    return safexml.element_excerpt(element)


class SoapClient(IspringClient):
    """The SOAP interface (the seed's): ``POST <soap_url>`` with ``SOAPAction``."""

    interface = "soap"

    def __init__(self, transport, api_url, soap_url=None, namespace=None, **credentials):
        super().__init__(transport, api_url, **credentials)
        self.soap_url = soap_url_for(self.api_url, soap_url)
        self.namespace = namespace or BODY_NS

    def call(self, method, elements, safe_to_repeat=True):
        """Send ``method`` and return its result element (the first child of Body that is not a
        Fault, contract 1.3 r2).  A fault raises ApiError (code = the fault string)."""
        return self.authorized(lambda token: self._call_once(method, token, elements, safe_to_repeat))

    def _call_once(self, method, token, elements, safe_to_repeat):
        what = "iSpring %s" % method
        reply = self.transport.post(
            self.soap_url,
            what,
            data=envelope(method, token, elements, self.namespace),
            safe_to_repeat=safe_to_repeat,
            headers={"Content-Type": CONTENT_TYPE, "SOAPAction": '"%s"' % method},
        )
        if reply.status == TOKEN_REFUSED_HTTP:
            raise self._fault(what, FAULT_AUTH, "HTTP %s" % reply.status)
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
        results = _elements(soap_body)
        if not results:
            raise ReplyError(
                "%s: the reply's SOAP body is empty (HTTP %s). Reply begins: %s"
                % (what, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            )
        return results[0]

    def _fault(self, what, fault, said=None):
        hints = {
            FAULT_AUTH: "the token is invalid or expired: give a fresh token, or client_id and "
            "client_secret so that the module can renew it",
            FAULT_PERMISSION: "the account behind the token lacks the right for this request",
            FAULT_WRONG_PARAMETERS: "the request was refused as malformed; if every request is refused so, "
            "the service may expect another body namespace than %s (option soap_namespace)" % self.namespace,
        }
        message = "%s failed: %s" % (what, said or fault or "SOAP fault without a fault string")
        if fault in hints:
            message += " (%s)." % hints[fault]
        return ApiError(message, code=fault)

    def pages(self, method, filters):
        """Every item of every page of a listing (contract 1.3 paging)."""
        token, seen = None, set()
        while True:
            result = self.call(method, list(filters) + [("pageSize", PAGE_SIZE), ("pageToken", token)])
            items, token = list_items(result, method)
            yield from items
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
        found = [learner_result(item) for item in self.pages("ListLearnersResults", filters)]
        checks = zip(
            ("courseIds", "enrollmentIds", "userIds"),
            RESULT_FIELDS,
            (course_ids, enrollment_ids, user_ids),
            strict=True,
        )
        return only_asked(found, "iSpring ListLearnersResults", checks)

    def list_users(self, logins=(), emails=()):
        filters = [("logins", ids("login", logins)), ("emails", ids("email", emails))]
        return [user_profile(item) for item in self.pages("ListUsers", filters)]

    def update_course_status(self, course_id, enrollment_ids, status, date=None, reason=None, awarded_score=None):
        """Start a status change; returns the task id.  Safe to repeat: it sets absolute values."""
        if awarded_score is not None or status not in SOAP_STATUSES:
            raise ValueError("updateCourseStatus over SOAP sets complete or automatic, without a score")
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
            raise ReplyError("iSpring updateCourseStatus: the reply has no taskId. Reply reads: %s" % _shown(result))
        return task_id

    def task_status(self, task_id):
        """``complete``, ``failed`` or another (pending) word, lower case."""
        result = self.call("getTaskStatus", [("taskId", task_id)])
        return (safexml.text(result, "status") or "").lower()
