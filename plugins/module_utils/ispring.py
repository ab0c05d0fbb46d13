# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn: the client interface both wire interfaces share (records, access token, task
waiting, chunked look-ups).

The SOAP wire code is in ``ispring_soap.py``, the REST wire code in ``ispring_rest.py``;
``ispring_client.py`` builds the one a module's options name.
Contract: lms-api-contract.md, section 1.  Every point marked [assumed] or [evidence] there is a
named constant in the block at the top of the file that uses it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import asdict, dataclass, field

from ansible_collections.learnops.lms.plugins.module_utils import safexml
from ansible_collections.learnops.lms.plugins.module_utils.calls import batches
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, AuthenticationError, ReplyError

# --- What the contract documents or assumes (section numbers of lms-api-contract.md) ---
TOKEN_PATH = "/api/v3/token"  # 1.2 [doc]
TOKEN_LIFETIME = 1800  # 1.2 [doc]: seconds, when the reply gives no expires_in
TOKEN_RENEW_AT = 0.8  # 1.2 (r2): renew when 80 % of the lifetime has passed
PAGE_SIZE = 1000  # 1.3 [doc]: the default pageSize; also the most ids sent in one filter
# The client's error codes (ApiError.code): the SOAP fault strings [doc, 1.5]; the REST interface
# maps its HTTP errors to the same codes.
FAULT_AUTH = "Authorization failed"  # 1.5 [doc]; an expired token answers it [assumed]
FAULT_UNKNOWN_COURSE = "Unknown content item"  # 1.5 [doc]
FAULT_UNKNOWN_ENROLLMENT = "Unknown Enrollment"  # 1.5 [doc]
FAULT_PERMISSION = "Permission denied"  # 1.5 [doc]
FAULT_WRONG_PARAMETERS = "Wrong parameters"  # 1.5 [doc]
TASK_SUCCEEDED = frozenset(("complete",))  # 1.4 [doc]
TASK_FAILED = frozenset(("failed", "error", "cancelled"))  # 1.4 [doc]; anything else is pending
COMPLETED_STATUSES = frozenset(("complete", "passed", "accepted"))  # 1.7 [contract]
STATUS_COMPLETE = "complete"  # updateCourseStatus values [doc, seed]
STATUS_AUTOMATIC = "automatic"
INTERFACES = ("soap", "rest")  # the module option `api`; soap is the seed's


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
    def from_fields(cls, found):
        """From a {field name: text or value} of the wire (the names of the contract's records)."""
        return cls(
            user_id=_text(found.get("userId")),
            course_id=_text(found.get("courseId")),
            enrollment_id=_text(found.get("enrollmentId")),
            status=(_text(found.get("completionStatus")) or "").lower() or None,
            completion_date=_text(found.get("completionDate")),
            progress=result_number(found, "progress"),
            awarded_score=result_number(found, "awardedScore"),
            access_date=_text(found.get("accessDate")),
            due_date=_text(found.get("dueDate")),
        )

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class UserProfile:
    """An iSpring user (``userProfile``), with the login and email fields lifted out."""

    user_id: str | None
    role: str | None
    department_id: str | None
    status: str | None
    login: str | None
    email: str | None
    # The full record, for the modules that manage users (REST): every field by field_key, the names
    # lifted out, the group IDs when the reply lists them (``User.groups`` is optional).  Not compared:
    # a user is the same user whichever listing read them.
    first_name: str | None = field(default=None, compare=False)
    last_name: str | None = field(default=None, compare=False)
    fields: tuple = field(default=(), compare=False)  # ((field_key(name), value), ...), sorted
    groups: tuple | None = field(default=None, compare=False)  # None: the reply does not list them

    def field_value(self, name):
        """The value of the profile field ``name`` (any case, with or without underscores); None: unset."""
        return dict(self.fields).get(field_key(name))


def field_key(name):
    """What two profile field names compare by: lower case, without underscores (``FIRST_NAME``,
    ``firstName`` and ``first_name`` are one field, 3.2 r3)."""
    return str(name).lower().replace("_", "")


def _json(body):
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        return None


def _text(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def number(value):
    """A number of the wire as int or float; None when empty or not a number."""
    if value is None or value == "":
        return None
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return int(found) if found.is_integer() else found


def result_number(found, name):
    """A number of a learner's result; a value that is no finite number fails loudly (read as none,
    a score would be sent again on every run, and a completion's progress would read as unknown)."""
    value = found.get(name)
    read = None if isinstance(value, bool) else number(value)
    if value not in (None, "") and (read is None or not math.isfinite(read)):
        raise ReplyError(
            "A learner's result (userId %s, enrollmentId %s) gives %s %r, which is not a number, so the result "
            "cannot be compared. Leave the learner out of the task meanwhile, and report the reply's form."
            % (_text(found.get("userId")), _text(found.get("enrollmentId")), name, value)
        )
    return read


class IspringClient:
    """Calls to one iSpring Learn account, with a ready token or client credentials.

    The wire interfaces (``ispring_soap.SoapClient``, ``ispring_rest.RestClient``) implement
    ``list_learners_results``, ``list_users``, ``update_course_status`` and ``task_status``;
    everything else is shared.
    """

    interface = None

    def __init__(self, transport, api_url, token=None, client_id=None, client_secret=None, on_secret=None):
        self.transport = transport
        self.api_url = api_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self._token = token
        self._renew_at = None
        self._token_lock = threading.Lock()
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
        answer = _json(reply.body)
        self._refused(reply.status, answer)
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if reply.status != 200 or not token:
            raise ReplyError(
                "%s: %s answered HTTP %s, not a token (%s). Check api_url: it is the REST API host, for example "
                "https://api-learn.ispringlearn.com. Reply begins: %s"
                % (
                    what,
                    self.api_url + TOKEN_PATH,
                    reply.status,
                    "JSON without an access_token" if answer is not None else "the reply is not JSON",
                    safexml.excerpt(reply.body) or "(empty)",
                ),
                http_status=reply.status,
            )
        self._on_secret(token)
        lifetime = number(answer.get("expires_in")) or TOKEN_LIFETIME
        self._token, self._renew_at = token, time.monotonic() + lifetime * TOKEN_RENEW_AT
        return token

    def _refused(self, status, answer):
        """Fail when the token endpoint refused the credentials (an error object with a code)."""
        refusal = answer.get("message") if isinstance(answer, dict) and "code" in answer else None
        if status in (400, 401, 403) and refusal is not None:
            raise AuthenticationError(
                "iSpring refused the API client credentials for client_id %r (HTTP %s: %s). Check "
                "client_id and client_secret (iSpring Learn: Settings > API)." % (self.client_id, status, refusal)
            )

    def token(self, refused=None):
        """The token to send: fetched when there is none, when 80 % of its lifetime has passed,
        or when ``refused`` (a token the service refused) is still the current one."""
        with self._token_lock:
            due = self._renew_at is not None and time.monotonic() >= self._renew_at
            if self._token is None or (self.client_id and (due or self._token == refused)):
                self.fetch_token()
            return self._token

    def authorized(self, send):
        """``send(token)``; when the service refuses the token and client credentials are at hand,
        once more with a new token (contract 1.2)."""
        token = self.token()
        try:
            return send(token)
        except ApiError as exc:
            if exc.code != FAULT_AUTH or not self.client_id:
                raise
        return send(self.token(refused=token))

    # --- look-ups shared by both interfaces ---

    def course_results(self, course_id, enrollment_ids=(), user_ids=()):
        """The results in one course of the given enrollments and users (both may be empty:
        then none).  Filter lists are sent in chunks of PAGE_SIZE ids, so requests grow as
        N / PAGE_SIZE."""
        found = {}
        for name, values in (("enrollment_ids", sorted(set(enrollment_ids))), ("user_ids", sorted(set(user_ids)))):
            for chunk in batches(values, PAGE_SIZE):
                for result in self.list_learners_results([course_id], **{name: chunk}):
                    # enrollmentId is optional in the vendor's LearnerResult: such results stay apart
                    found[result.enrollment_id or (result.user_id, result.course_id)] = result
        return list(found.values())

    def find_users(self, logins=(), emails=(), every_status=False):
        """Active users with one of these logins or emails, asked PAGE_SIZE values at a time, logins
        and emails in listings of their own (3.1 r3: a service may AND the two filters).
        ``every_status`` (REST only): users whatever their status, each kind in one listing that the
        wire code cuts into as few requests as its query budget allows."""
        users = {}
        for kind, values in (("logins", logins), ("emails", emails)):
            values = sorted(set(values))
            chunks = [values] if every_status and values else batches(values, PAGE_SIZE)
            for chunk in chunks:
                found = self.list_users(**{kind: chunk}, **({"every_status": True} if every_status else {}))
                users.update((user.user_id, user) for user in found)
        return list(users.values())

    def people(self, user_ids, known=None):
        """{user_id: user} for these user IDs: the ``known`` ones, and the others from one listing of
        the account's active users, made only when some are not known (inactive users are missing)."""
        people = dict(known or {})
        if any(user_id not in people for user_id in user_ids):
            people.update((user.user_id, user) for user in self.list_users())
        return people

    def wait_for_tasks(self, task_ids, timeout, interval=0.5, sleep=None, clock=None):
        """Poll until every task finished; returns {task_id: status}.  Pending ones after
        ``timeout`` keep their last status."""
        sleep, clock = sleep or time.sleep, clock or time.monotonic
        deadline = clock() + timeout
        statuses = {task_id: None for task_id in task_ids}
        while True:
            for task_id in _pending(statuses):
                statuses[task_id] = self.task_status(task_id)
            if not _pending(statuses) or clock() >= deadline:
                return statuses
            sleep(min(interval, max(0.0, deadline - clock())))
            interval = min(interval * 1.5, 5.0)

    # --- what each interface implements ---

    def list_learners_results(self, course_ids=(), enrollment_ids=(), user_ids=()):
        raise NotImplementedError

    def list_users(self, logins=(), emails=(), every_status=False):
        raise NotImplementedError

    def update_course_status(self, course_id, enrollment_ids, status, date=None, reason=None, awarded_score=None):
        raise NotImplementedError

    def task_status(self, task_id):
        raise NotImplementedError


def only_asked(records, what, filters):
    """``records`` when each has, for every filter given, a value the filter asks for (a value the
    record lacks is not checked); else a ReplyError: a service that did not apply a filter lists
    other courses' or learners' records, which must never pass for the ones asked for (another
    course's enrollment removed, another course's pass taken for this one's).  ``filters`` are
    (wire name, record attribute, values asked for); IDs compare case-insensitively."""
    for name, attribute, values in filters:
        asked = {str(value).lower() for value in values}
        accepted = asked | {""}  # once: built per record, it made 10,000 records take seconds
        stray = next((r for r in records if asked and str(getattr(r, attribute) or "").lower() not in accepted), None)
        if stray is not None:
            raise ReplyError(
                "%s: the reply lists a record of %s %s, which the request's filter %s (%s) does not ask for: the "
                "service did not apply the filter, so the listing cannot be told from the records asked for. Report "
                "the reply's form. Record reads: %s"
                % (what, _camel(attribute), getattr(stray, attribute), name, _shown_values(values), _record(stray))
            )
    return records


def _camel(attribute):
    head, *rest = attribute.split("_")
    return head + "".join(word.title() for word in rest)


def _shown_values(values):
    values = list(values)
    return ", ".join(str(v) for v in values[:3]) + (", ..." if len(values) > 3 else "")


def _record(record):
    return safexml.excerpt(json.dumps(asdict(record), default=str))


def _pending(statuses):
    """The tasks of {task_id: status} that have not finished (None: not asked yet)."""
    return [task_id for task_id, status in statuses.items() if status not in TASK_SUCCEEDED | TASK_FAILED]


def courses_listing_nothing(course_ids, records):
    """A warning for each course asked for by ID that lists no record: an unknown course may list as
    empty (3.2 r3 [assumed]), so an empty report must not pass for an empty course."""
    listed = {record["course_id"] for record in records}
    return [
        "course_id %s lists nothing: either none of the learners asked for is enrolled in it, or no course has "
        "this ID (iSpring may answer both alike). Check the course_id." % course_id
        for course_id in dict.fromkeys(course_ids)
        if course_id not in listed
    ]
