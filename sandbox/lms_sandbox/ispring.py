"""iSpring Learn: the token endpoint and the SOAP API (contract section 1).

The checks, tasks and paging here are shared with the REST API (ispring_rest.py).  Everything here
runs with the sandbox lock held (server.py takes it around each call).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from lxml import etree

from . import assumptions as A
from .reply import Reply, json_reply

METHODS = ("updateCourseStatus", "getTaskStatus", "ListLearnersResults", "ListEnrollments", "ListUsers")

_local_parser = threading.local()
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_RE = re.compile(r"^\s*\d+\s*$")


def xml_parser():
    parser = getattr(_local_parser, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        _local_parser.parser = parser
    return parser


class SoapFault(Exception):
    """A refusal: `text` is the documented fault string (1.5); `detail` says what was wrong (REST
    replies carry it in the ErrorResponse message; SOAP faults carry the text only)."""

    def __init__(self, text, detail=None):
        Exception.__init__(self, text)
        self.text, self.detail = text, detail


def _local(element):
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(element):
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _child(element, name):
    for child in element:
        if _local(child) == name:
            return child
    return None


def _text(element, name):
    child = _child(element, name)
    if child is None:
        return None
    return (child.text or "").strip()


def _ids(element, wrapper, item):
    """Texts of wrapper/item* (an absent wrapper is an empty list)."""
    wrap = _child(element, wrapper)
    if wrap is None:
        return []
    return [(c.text or "").strip() for c in wrap if _local(c) == item and (c.text or "").strip()]


def _valid_request_date(value):
    """1.3: updateCourseStatus `date` is YYYY-MM-DD and a real calendar date."""
    if not _DATE_RE.match(value):
        return False
    try:
        datetime.datetime.strptime(value, A.REQUEST_DATE_FORMAT)
    except ValueError:
        return False
    return True


class ParsedSoap:
    """The outcome of reading a SOAP request: method name (or None) and request element, or the
    fault to send."""

    __slots__ = ("method", "request", "error")

    def __init__(self, method=None, request=None, error=None):
        self.method = method
        self.request = request
        self.error = error


def parse_soap(body):
    if A.REJECT_REQUEST_DOCTYPE and _DOCTYPE_RE.search(body or b""):
        return ParsedSoap(error="request declares a DOCTYPE")
    try:
        root = etree.fromstring(body, xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        return ParsedSoap(error="malformed XML: %s" % exc)
    info = root.getroottree().docinfo
    if A.REJECT_REQUEST_DOCTYPE and (info.doctype or info.internalDTD is not None):
        return ParsedSoap(error="request declares a DOCTYPE")
    if _local(root) != "Envelope" or _ns(root) not in A.ACCEPTED_ENVELOPE_NS:
        return ParsedSoap(error="not a SOAP envelope")
    body_el = _child(root, "Body")
    if body_el is None:
        return ParsedSoap(error="no SOAP Body")
    request = next((c for c in body_el if isinstance(c.tag, str)), None)
    if request is None:
        return ParsedSoap(error="empty SOAP Body")
    name = _local(request)
    if not name.endswith("Request"):
        return ParsedSoap(method=name, error="not a request element: %s" % name)
    method = name[: -len("Request")]
    if method not in METHODS:
        return ParsedSoap(method=method, error="unknown method %s" % method)
    return ParsedSoap(method=method, request=request)


# --- reply building ------------------------------------------------------------------------------

_ENVELOPE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="%s" xmlns:ns1="%s"><SOAP-ENV:Body>'
)
_ENVELOPE_TAIL = "</SOAP-ENV:Body></SOAP-ENV:Envelope>"


def body_ns(config):
    """1.1 (r2): the body namespace of replies, setting `ispring_namespace`."""
    return A.BODY_NAMESPACES[config.ispring_namespace]


def envelope(inner, config):
    return _ENVELOPE_HEAD % (A.REPLY_ENVELOPE_NS, body_ns(config)) + inner + _ENVELOPE_TAIL


def _el(name, value):
    return "<ns1:%s>%s</ns1:%s>" % (name, escape(str(value)), name)


def _opt(name, value):
    """An element only when the value is set (1.3: completionDate, accessDate, dueDate)."""
    return _el(name, value) if value else ""


def _num(value):
    if value is None:
        return "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def iso_now():
    return time.strftime(A.DATETIME_FORMAT, time.gmtime())


def _page_size(raw):
    """1.3: pageSize (text, int or None) -> int; default and bounds in assumptions."""
    if raw is None or raw == "":
        return A.ISPRING_PAGE_SIZE_DEFAULT
    if isinstance(raw, bool) or not (isinstance(raw, int) or _INT_RE.match(str(raw))):
        raise SoapFault(A.FAULT_WRONG_PARAMS, "pageSize must be an integer from 1 to %d" % A.ISPRING_PAGE_SIZE_MAX)
    size = int(raw)
    if size < 1 or size > A.ISPRING_PAGE_SIZE_MAX:
        raise SoapFault(A.FAULT_WRONG_PARAMS, "pageSize must be an integer from 1 to %d" % A.ISPRING_PAGE_SIZE_MAX)
    return size


def _page_offset(token, kind, digest):
    """[sandbox] 1.3: an opaque page token = base64("kind:offset:digest of the query")."""
    if not token:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(str(token).encode("ascii") + b"==").decode("ascii")
        tkind, toffset, tdigest = decoded.split(":")
        offset = int(toffset)
    except (ValueError, UnicodeError):
        raise SoapFault(A.FAULT_WRONG_PARAMS, "pageToken is not a token this listing handed out") from None
    if tkind != kind or tdigest != digest or offset < 0:
        raise SoapFault(A.FAULT_WRONG_PARAMS, "pageToken belongs to another query")
    return offset


def page(items, kind, key, raw_size, token):
    """One page of `items` and the next page's token (None on the last page)."""
    size = _page_size(raw_size)
    digest = hashlib.sha1(repr((kind, key)).encode("utf-8")).hexdigest()[:16]
    offset = _page_offset(token, kind, digest)
    nxt = None
    if offset + size < len(items):
        raw = "%s:%d:%s" % (kind, offset + size, digest)
        nxt = base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")
    return items[offset : offset + size], nxt


# --- the API -------------------------------------------------------------------------------------


class IspringApi:
    def __init__(self, state, config):
        self.state = state
        self.config = config
        self.pending = deque()  # task ids in creation order, not applied yet

    # token endpoint ------------------------------------------------------------------------------

    def token(self, body, query):
        form = {k: v[0] for k, v in parse_qs(query or "", keep_blank_values=True).items()}
        try:
            form.update({k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
        except UnicodeDecodeError:
            return json_reply(
                A.TOKEN_BAD_REQUEST_STATUS,
                {"code": A.TOKEN_BAD_REQUEST_STATUS, "message": "The request body is not UTF-8"},
            )
        if form.get("grant_type") != "client_credentials":
            return json_reply(
                A.TOKEN_BAD_REQUEST_STATUS,
                {"code": A.TOKEN_BAD_REQUEST_STATUS, "message": "Unsupported grant_type: expected client_credentials"},
            )
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if not client_id or not secret:
            return json_reply(
                A.TOKEN_BAD_REQUEST_STATUS,
                {"code": A.TOKEN_BAD_REQUEST_STATUS, "message": "client_id and client_secret are required"},
            )
        client = self.state.clients.get(client_id)
        if client is None or not secrets.compare_digest(client["secret"], secret):
            return json_reply(
                A.TOKEN_BAD_CREDENTIALS_STATUS,
                {"code": A.TOKEN_BAD_CREDENTIALS_STATUS, "message": "Invalid client credentials"},
            )
        token = secrets.token_urlsafe(32)
        ttl = self.config.token_ttl
        self.state.tokens[token] = {"userId": client["userId"], "expires": time.time() + ttl}
        self.state.issued.append(token)
        return json_reply(
            200,
            {"access_token": token, "expires_in": int(ttl) if float(ttl).is_integer() else ttl, "token_type": "bearer"},
        )

    # SOAP ----------------------------------------------------------------------------------------

    def soap_reply(self, inner):
        return Reply(200, envelope(inner, self.config), A.SOAP_CONTENT_TYPE)

    def fault_reply(self, text):
        if text == A.FAULT_AUTH and self.config.ispring_expired_token == "http401":
            return json_reply(401, A.EXPIRED_TOKEN_HTTP401_BODY)
        inner = "<SOAP-ENV:Fault><faultcode>%s</faultcode><faultstring>%s</faultstring></SOAP-ENV:Fault>" % (
            A.SOAP_FAULT_CODE,
            escape(text),
        )
        return Reply(A.SOAP_FAULT_HTTP_STATUS, envelope(inner, self.config), A.SOAP_CONTENT_TYPE)

    def soap(self, parsed, soap_action, expire_auth=False, task_failed=False):
        self.apply_due_tasks()
        try:
            self._check_frame(parsed, soap_action)
            req = parsed.request
            admin = self._authenticate(req, expire_auth)
            if not A.has_api_rights(admin):
                raise SoapFault(A.FAULT_PERMISSION)
            handler = getattr(self, "_m_" + parsed.method)
            if parsed.method == "updateCourseStatus":
                return handler(req, admin, task_failed)
            return handler(req, admin)
        except SoapFault as fault:
            return self.fault_reply(fault.text)

    def _check_frame(self, parsed, soap_action):
        if parsed.error:
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        if not A.soap_action_matches(soap_action, parsed.method):
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        if self.config.ispring_namespace_strict and _ns(parsed.request) != body_ns(self.config):
            raise SoapFault(A.FAULT_WRONG_PARAMS)

    def _authenticate(self, req, expire_auth):
        creds = _child(req, "credentials")
        if creds is None:
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        token = _text(creds, "token")
        if not token:
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        return self.state.admin_for(self.user_for_token(token, expire_auth))

    def user_for_token(self, token, expire_auth=False):
        """The user a token acts as (SOAP and REST share tokens, 1.3a); FAULT_AUTH when the token is
        unknown or expired, or when an expire_auth fault invalidates it now."""
        st = self.state
        if expire_auth:
            st.tokens.pop(token, None)
            raise SoapFault(A.FAULT_AUTH, "the access token is not valid (expired)")
        user_id = st.permanent_tokens.get(token)
        if user_id is not None:
            return user_id
        rec = st.tokens.get(token)
        if rec is None:
            raise SoapFault(A.FAULT_AUTH, "unknown access token")
        if rec["expires"] <= time.time():
            del st.tokens[token]
            raise SoapFault(A.FAULT_AUTH, "the access token has expired")
        return rec["userId"]

    # updateCourseStatus ------------------------------------------------------------------------------

    def _m_updateCourseStatus(self, req, admin, task_failed):
        enrollment_ids = _ids(req, "enrollmentIds", "id")
        course_id = _text(req, "courseId")
        status = _text(req, "status")
        date = _text(req, "date") or None  # an empty date is no date
        if not enrollment_ids or not course_id or not status:
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        status = status.lower()
        if status not in ("complete", "automatic"):
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        if status == "complete" and date is None:
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        if date is not None and not _valid_request_date(date):
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        unique = self.check_targets(admin, course_id, enrollment_ids)
        task_id = self.new_task(
            admin,
            task_failed,
            courseId=course_id,
            enrollmentIds=unique,
            action=status,
            date=date,
            completionDate=date + "T00:00:00Z" if date else None,
            reason=_text(req, "reason"),
            interface="soap",
        )
        return self.soap_reply(
            "<ns1:updateCourseStatusResult>%s</ns1:updateCourseStatusResult>" % _el("taskId", task_id)
        )

    def check_targets(self, admin, course_id, enrollment_ids):
        """The whole request is checked before anything is done (all or nothing): the course, every
        enrollment, the permission for every learner.  Returns the enrollment ids without repeats."""
        st = self.state
        if course_id not in st.courses:
            raise SoapFault(A.FAULT_UNKNOWN_CONTENT, "courseId %s" % course_id)
        if not A.course_in_scope(admin, course_id):
            raise SoapFault(A.FAULT_PERMISSION, "no right on course %s" % course_id)
        unique = list(dict.fromkeys(enrollment_ids))
        for eid in unique:
            enr = st.enrollments.get(eid)
            if enr is None or enr["courseId"] != course_id:
                raise SoapFault(A.FAULT_UNKNOWN_ENROLLMENT, "enrollmentIds: %s (in course %s)" % (eid, course_id))
        for eid in unique:
            learner = st.users[st.enrollments[eid]["learnerId"]]
            if not A.user_in_scope(admin, learner):
                raise SoapFault(A.FAULT_PERMISSION, "no right on the learner of enrollment %s" % eid)
        return unique

    def new_task(self, admin, task_failed, **fields):
        """A task (1.4) applied after --task-delay; SOAP and REST tasks share one id sequence."""
        st = self.state
        task_id = st.next_task_id
        st.next_task_id += 1
        now = time.time()
        task = {"taskId": task_id, "status": A.TASK_IN_PROGRESS, "reason": None, "awardedScore": None}
        task.update(fields)
        task.update(
            created=now, due=now + self.config.task_delay, willFail=bool(task_failed), requestedBy=admin["userId"]
        )
        st.tasks[task_id] = task
        self.pending.append(task_id)
        if self.config.task_delay <= 0:
            self.apply_due_tasks()
        return task_id

    def apply_due_tasks(self, now=None):
        now = time.time() if now is None else now
        st = self.state
        while self.pending and st.tasks.get(self.pending[0], {}).get("due", 0) <= now:
            task = st.tasks.get(self.pending.popleft())
            if task is None or task["status"] != A.TASK_IN_PROGRESS:
                continue
            if task["willFail"]:
                task["status"] = A.TASK_FAILED
                continue
            for eid in task["enrollmentIds"]:
                enr = st.enrollments.get(eid)
                if enr is not None:  # deleted meanwhile: nothing to apply
                    self._apply(task, enr)
            task["status"] = A.TASK_COMPLETE

    def _apply(self, task, enr):
        if task["awardedScore"] is not None:
            enr["awardedScore"] = task["awardedScore"]
        if task["action"] in A.SET_STATUSES:
            enr["completionStatus"] = task["action"]
            enr["completionDate"] = task["completionDate"]
            return
        total = self.state.courses[enr["courseId"]]["modules"]
        new = A.recalculated_status(enr["passedModules"], total)
        enr["completionStatus"] = new
        if new == "passed":
            enr["completionDate"] = enr.get("completionDate") or iso_now()
        else:
            enr["completionDate"] = None

    # getTaskStatus ---------------------------------------------------------------------------------

    def _m_getTaskStatus(self, req, admin):
        raw = _text(req, "taskId")
        if not raw or not _INT_RE.match(raw):
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        task = self.state.tasks.get(int(raw))
        if task is None:
            raise SoapFault(A.FAULT_WRONG_PARAMS)
        return self.soap_reply("<ns1:getTaskStatusResult>%s</ns1:getTaskStatusResult>" % _el("status", task["status"]))

    # listings ------------------------------------------------------------------------------------

    def _page(self, items, req, kind, key):
        return page(items, kind, key, _text(req, "pageSize"), _text(req, "pageToken"))

    def visible_enrollments(self, admin, course_ids, enrollment_ids, user_ids):
        st = self.state
        for cid in course_ids:
            if cid not in st.courses and self.config.ispring_unknown_course == "error":
                raise SoapFault(A.FAULT_UNKNOWN_CONTENT, "courseIds: %s" % cid)
        if course_ids:
            wanted = set(course_ids)
            candidates = [eid for cid in st.courses if cid in wanted for eid in st.by_course[cid]]
        else:
            candidates = list(st.enrollments)
        eset = set(enrollment_ids) if enrollment_ids else None
        uset = set(user_ids) if user_ids else None
        enrollments = st.enrollments
        out = []
        for eid in candidates:
            if eset is not None and eid not in eset:
                continue
            enr = enrollments[eid]
            if uset is not None and enr["learnerId"] not in uset:
                continue
            out.append(enr)
        return self._in_scope(admin, out)

    def _in_scope(self, admin, enrollments):
        """[sandbox] 1.3/1.6: listings are silently limited to what the caller may see."""
        if admin["role"] in (A.ROLE_OWNER, A.ROLE_ACCOUNT_ADMIN):
            return enrollments
        users, course_ok = self.state.users, {}
        out = []
        for enr in enrollments:
            cid = enr["courseId"]
            if cid not in course_ok:
                course_ok[cid] = A.course_in_scope(admin, cid)
            if course_ok[cid] and A.user_in_scope(admin, users[enr["learnerId"]]):
                out.append(enr)
        return out

    def _list_reply(self, result, kind, items, nxt):
        """1.3 (r2): a list result in the layout of setting `ispring_list_layout`."""
        wrapper = A.LIST_LAYOUTS[self.config.ispring_list_layout][kind][0]
        parts = ["<ns1:%s>" % result]
        parts.append("<ns1:%s>%s</ns1:%s>" % (wrapper, "".join(items), wrapper) if wrapper else "".join(items))
        if nxt:
            parts.append(_el("nextPageToken", nxt))
        parts.append("</ns1:%s>" % result)
        return self.soap_reply("".join(parts))

    def _item(self, kind):
        return A.LIST_LAYOUTS[self.config.ispring_list_layout][kind][1]

    def _m_ListLearnersResults(self, req, admin):
        course_ids = _ids(req, "courseIds", "id")
        enrollment_ids = _ids(req, "enrollmentIds", "id")
        user_ids = _ids(req, "userIds", "id")
        items = self.visible_enrollments(admin, course_ids, enrollment_ids, user_ids)
        rows, nxt = self._page(items, req, "L", (admin["userId"], course_ids, enrollment_ids, user_ids))
        item = self._item("learners")
        return self._list_reply(
            "ListLearnersResultsResult", "learners", [self._learner_xml(item, e) for e in rows], nxt
        )

    def _learner_xml(self, item, enr):
        return "<ns1:%s>%s</ns1:%s>" % (
            item,
            "".join(
                (
                    _el("userId", enr["learnerId"]),
                    _el("courseId", enr["courseId"]),
                    _el("enrollmentId", enr["enrollmentId"]),
                    _el("completionStatus", enr["completionStatus"]),
                    _opt("completionDate", enr["completionDate"]),
                    _el("progress", self.state.progress(enr)),
                    _el("awardedScore", _num(enr.get("awardedScore"))),
                    _opt("accessDate", enr.get("accessDate")),
                    _opt("dueDate", enr.get("dueDate")),
                )
            ),
            item,
        )

    def _m_ListEnrollments(self, req, admin):
        course_ids = _ids(req, "courseIds", "id")
        learner_ids = _ids(req, "learnerIds", "id")
        items = self.visible_enrollments(admin, course_ids, [], learner_ids)
        rows, nxt = self._page(items, req, "E", (admin["userId"], course_ids, learner_ids))
        item = self._item("enrollments")
        xml = [
            "<ns1:%s>%s%s%s%s%s</ns1:%s>"
            % (
                item,
                _el("enrollmentId", enr["enrollmentId"]),
                _el("courseId", enr["courseId"]),
                _el("learnerId", enr["learnerId"]),
                _opt("accessDate", enr.get("accessDate")),
                _opt("dueDate", enr.get("dueDate")),
                item,
            )
            for enr in rows
        ]
        return self._list_reply("ListEnrollmentsResult", "enrollments", xml, nxt)

    def listed_users(self, admin, logins, emails, every_status=False):
        """1.3: active users (LIST_USERS_ONLY_ACTIVE; every one with ``every_status``) matching the
        login/email filters, in scope; both filters given are joined as setting `ispring_user_filters`
        says (3.1 r3)."""
        login_set = set(logins) if A.LOGIN_FILTER_CASE_SENSITIVE else {x.lower() for x in logins}
        email_set = {e.lower() for e in emails}
        join = all if logins and emails and self.config.ispring_user_filters == "and" else any
        items = []
        for user in self.state.users.values():
            if A.LIST_USERS_ONLY_ACTIVE and not every_status and user["status"] != "active":
                continue
            if logins or emails:
                login = user["login"] if A.LOGIN_FILTER_CASE_SENSITIVE else user["login"].lower()
                if not join((login in login_set, (user["email"] or "").lower() in email_set)):
                    continue
            if A.user_in_scope(admin, user):
                items.append(user)
        return items, (admin["userId"], logins, sorted(email_set))

    def _m_ListUsers(self, req, admin):
        items, key = self.listed_users(admin, _ids(req, "logins", "login"), _ids(req, "emails", "email"))
        rows, nxt = self._page(items, req, "U", key)
        item = self._item("users")
        return self._list_reply("ListUsersResult", "users", [self._user_xml(item, u) for u in rows], nxt)

    def _user_xml(self, item, user):
        fields = "".join(
            "<ns1:field><ns1:name>%s</ns1:name><ns1:value>%s</ns1:value></ns1:field>" % (name, escape(value or ""))
            for name, value in (
                ("LOGIN", user["login"]),
                ("EMAIL", user["email"]),
                ("FIRST_NAME", user["firstName"]),
                ("LAST_NAME", user["lastName"]),
            )
        )
        return "<ns1:%s>%s%s%s%s<ns1:fields>%s</ns1:fields></ns1:%s>" % (
            item,
            _el("userId", user["userId"]),
            _el("role", self.state.role_name(user["userId"])),
            _el("departmentId", user["departmentId"] or ""),
            _el("status", user["status"]),
            fields,
            item,
        )


# --- hostile replies used by fault injection -----------------------------------------------------

_LEAF = {
    "updateCourseStatus": ("updateCourseStatusResult", "taskId"),
    "getTaskStatus": ("getTaskStatusResult", "status"),
    "ListLearnersResults": ("ListLearnersResultsResult", "results><ns1:learnerResult><ns1:userId"),
    "ListEnrollments": ("ListEnrollmentsResult", "enrollments><ns1:enrollment><ns1:enrollmentId"),
    "ListUsers": ("ListUsersResult", "users><ns1:userProfile><ns1:userId"),
}


def _wrap_leaf(method, payload):
    result, leaf = _LEAF.get(method, _LEAF["updateCourseStatus"])
    opens = "<ns1:%s>" % leaf
    closes = "".join("</ns1:%s>" % part for part in reversed(leaf.split("><ns1:")))
    return "<ns1:%s>%s%s%s</ns1:%s>" % (result, opens, payload, closes, result)


def hostile_xml(method, kind, config):
    body = _wrap_leaf(method, "&xxe;" if kind == "xxe" else "&lol9;")
    if kind == "xxe":
        dtd = '<!DOCTYPE SOAP-ENV:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    else:
        dtd = billion_laughs_dtd("SOAP-ENV:Envelope")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n%s\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="%s" xmlns:ns1="%s">'
        "<SOAP-ENV:Body>%s</SOAP-ENV:Body></SOAP-ENV:Envelope>" % (dtd, A.REPLY_ENVELOPE_NS, body_ns(config), body)
    )


def malformed_xml(method, config):
    full = envelope(_wrap_leaf(method, "100027"), config)
    return full[: len(full) * 2 // 3]


def billion_laughs_dtd(root):
    lines = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        lines.append('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10))
    return "<!DOCTYPE %s [%s]>" % (root, "".join(lines))
