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
import re
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from ansible_collections.learnops.lms.plugins.module_utils import dates, safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    OutcomeUnknown,
    ReplyError,
    ValidationError,
)
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
    field_key,
    only_asked,
)
from ansible_collections.learnops.lms.plugins.module_utils.people import email_key

# --- What the OpenAPI file documents, and what the contract assumes where it is silent ---
UPDATE_COURSE_STATUS = "/statistics/course"  # [doc] POST, body UpdateCourseStatus -> {taskId}
TASK_STATUS = "/task/%s/status"  # [doc] GET -> TaskStatus
LEARNER_RESULTS = "/learners/results"  # [doc] GET -> LearnersResultsResponse
USERS = "/users"  # [doc] GET, logins[] / emails[] -> UsersPage
RESULT_FILTERS = ("courseIds", "enrollmentIds", "userIds")  # [doc] the filters' names
USER_FILTERS = ("logins", "emails")
AUDIENCE_FILTERS = ("userIds", "departments", "groups")  # [doc] ListUsersV2's other filters
# 3.3 [doc]: users by ID: GET /users/v2 (ListUsersV2) has the userIds[] filter, GET /users has not.
USERS_BY_ID = "/users/v2"  # [doc] GET, userIds[] -> UsersPageV2
USER_ID_FILTER = "userIds"
# 3.3 [assumed: the contract and the file are silent on statuses there]: GET /users/v2 filtered by
# userIds[] lists those users whatever their status (1 active, 3 inactive, 5 terminated), so an ID it
# does not list is no user of the account and is refused before any write.  False: the listing may
# leave inactive users out; then user IDs are not looked up (an unknown one fails at the write).
USER_IDS_LIST_EVERY_STATUS = True
# Users (3.3 [doc: the file's tag user]).
USER = "/user"  # POST AddUser, body NewUser -> 201, the new id
USER_BY_ID = "/user/%s"  # POST UpdateUserProfile (UpdateUser) -> 200; DELETE RemoveUser -> 204
USER_STATUS = "/user/%s/status"  # POST ChangeUserStatus, body UpdateUserStatus -> 200
USER_STATUSES = {"active": 1, "inactive": 3, "terminated": 5}  # [doc] schema UserStatus
USER_ROLES = ("learner", "administrator", "department_administrator", "publisher")  # [doc] UserRoleEnum (less custom)
# 3.3 [assumed]: logins are unique per account, and GET /users/v2 filtered by logins[] lists those users
# whatever their status (as USER_IDS_LIST_EVERY_STATUS by userIds[]), so that a user who was deactivated
# is found by login and never created twice.
USERS_EVERY_STATUS = USERS_BY_ID
# 3.3 [assumed]: the file's UserProfileFields names only `login` and `email`; the names are sent under
# these keys (the form the vendor's REST samples read back as FIRST_NAME and LAST_NAME), other fields
# under the names the task gives.  UpdateUser.fields changes the fields it holds and keeps the others.
FIRST_NAME_FIELD, LAST_NAME_FIELD = "firstName", "lastName"
# 3.1 (r3) [evidence]: every array query parameter goes out as "name[]=value", one per value (the file
# drops the brackets on some calls; the vendor's samples keep them, and a PHP-style server keeps only
# the last of repeated bare names).
ARRAY_PARAM = "%s[]"
# 3.1 (r3) [assumed]: front ends refuse request lines over 8 KB (HTTP 414): a listing's filters are cut
# into as many requests as keep each query under this many bytes.
MAX_QUERY_BYTES = 6000
# 3.1, 3.3 (r3) [assumed: the file gives POST /users/v2 (ListUsersV2ByPost) an XML body of the same
# filters as unwrapped arrays, <request><logins>a</logins><logins>b</logins></request>, and no paging]:
# a users listing by one of USERS_BY_POST_FILTERS that would take more than one GET goes as one POST.
# Where the service refuses it (an HTTP error other than 401), pages it (a nextPageToken) or lists a
# user the filter does not ask for, the GET listings serve instead, for the rest of the task.
# False: GET listings only.
USERS_BY_POST = True
USERS_BY_POST_ROOT = "request"
USERS_BY_POST_FILTERS = ("logins", "emails", "userIds")  # those a listed user can be checked against
# 3.1 (r3) [evidence]: dates go out without an invented zone; the account records them on its own
# calendar day.  UpdateCourseStatus.date: the bare day; UpdateEnrollment.accessDate: the vendor
# sample's zone-less date-time; NewEnrollment.accessDate: the bare day (the file's format: date).
COMPLETION_DATE = "%s"
CHANGED_ACCESS_DATE = "%s %s"  # the day, the time of day
NEW_ACCESS_TIME = "00:00:00"  # a changed access date starts at midnight
# 1.3a [doc: schemas]: an Enrollment's accessDate is a date, a LearnerResult's a date-time.  [assumed]
# They are the same moment: a change that keeps an enrollment's access day sends the time of day of
# its LearnerResult's accessDate as it was read (the wall-clock time, with the zone it was written
# with, if any), so that the change keeps it.  A date-time on another day than the enrollment's, or
# none, gets NEW_ACCESS_TIME.
ACCESS_TIME_OF_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$")
# 3.1 (r3) [doc: the help pages of both enrollment calls]: duePeriod "is measured in hours"; the
# module option is in days.
DUE_PERIOD_HOURS_PER_DAY = 24
# 3.2 (r3) [evidence]: a User's `fields` is an object (keys in any case), a list of {name, value}, or
# such a list under FIELD_LIST; the login and email are found by these names, case-insensitively.
FIELD_LIST = "field"
LOGIN_FIELD, EMAIL_FIELD = "login", "email"
# Enrollments [doc]: the calls and schemas of the file's "enrollment" tag.
ENROLLMENTS = "/enrollments"  # GET ListEnrollments, the ENROLLMENT_FILTERS -> EnrollmentsPage
ENROLL = "/enrollment"  # POST EnrollLearnersInCourses, body NewEnrollment -> 201, no body
CHANGE_ENROLLMENT = "/enrollment/%s"  # POST ChangeEnrollment, body UpdateEnrollment -> 200, no body
UNENROLL = "/enrollment/delete"  # POST Unenroll, body DeleteEnrollments -> 204, no body
ENROLLMENT_FILTERS = ("courseIds", "learnerIds", "enrollmentIds")  # [doc]
DUE_DATE_TYPES = ("unlimited", "default", "due_date", "due_period")  # [doc] schema DueDateType
ENROLLED_BY_ADMIN, ENROLLED_FROM_CATALOG = 0, 1  # [doc] schema EnrollmentTypeGroup
# POST /enrollment and POST /enrollment/delete are not repeated after a lost reply: the file does not
# say how the service answers a learner already enrolled or an enrollment already deleted, so a
# repeat is not relied on [assumed].  ChangeEnrollment sets absolute values: safe to repeat.
# 3.3 [doc: the file's tag "group"]: the calls of groups.
GROUPS = "/groups"  # GET ListGroups -> GroupsPage (paged, "groups": [Group])
GROUP = "/group/%s"  # GET GetGroup -> DetailedGroup (with userIds); POST UpdateGroup {name}; DELETE RemoveGroup
NEW_GROUP = "/group"  # POST AddGroup, body NewGroup {name, userIds?} -> 201, the new id
GROUP_MEMBERS = "/group/%s/members"  # POST UpdateGroupMembers, body {userIds} -> 200
USER_GROUPS_REMOVE = "/user/%s/groups/remove"  # POST RemoveUserFromGroups, body {groupIds} -> 200
# 3.3 [assumed]: UpdateGroupMembers may ADD the ids sent to the group or REPLACE its members with
# them; the client always sends the members wanted PLUS the current ones (the same result under both
# readings), removes members with RemoveUserFromGroups, and reads the group back after a change.
# False: only the ids to add are sent (right only where the call adds).
GROUP_MEMBERS_SEND_CURRENT = True
# 3.3 [assumed: the file gives DetailedGroup.usersCount no meaning]: usersCount counts every member of
# the group, userIds those the reply lists (a token scoped to some departments, a cut-off list may list
# fewer).  A group that lists fewer members than it counts is never given or taken members: the members
# sent back with UpdateGroupMembers, or kept by exclusive, could only be those listed.  No usersCount:
# the list is taken as whole.  False: the list is always taken as whole (a tenant counting otherwise).
GROUP_COUNT_CHECKED = True
# 1.3a: the HTTP errors, mapped to the client's error codes.  Any 401 is an expired or refused token,
# whatever its body (3.2 r3: empty, JSON, HTML); the message of a 400 says which id is unknown [assumed].
HTTP_CODES = {401: FAULT_AUTH, 403: FAULT_PERMISSION}
MESSAGE_CODES = (("Unknown content item", FAULT_UNKNOWN_COURSE), ("Unknown Enrollment", FAULT_UNKNOWN_ENROLLMENT))
# Departments [doc]: the calls and schemas of the file's "department" tag (contract 3.3, r3).
DEPARTMENTS = "/departments"  # GET ListDepartments, paged -> DepartmentsPage {departments}
NEW_DEPARTMENT = "/department"  # POST AddDepartment, NewDepartment {name, parentDepartmentId, code?} -> 201, id
DEPARTMENT = "/department/%s"  # POST UpdateDepartment {name, parentDepartmentId, code} -> 204; DELETE RemoveDepartment
DEPARTMENT_FILTER = "departments"  # [doc] GET /users/v2 (ListUsersV2): departments[]
# 3.3 (r3) [assumed: the file is silent on sub-departments]: GET /users/v2 by departments[] may list a
# department's own users only (as the sandbox does) or its sub-departments' too.  A department of an
# audience (course_enrollment's departments) is everyone in it and under it: it is asked for with every
# department under it (from GET /departments), and each user counts by their own departmentId, so both
# readings give the same learners.  False: a department's own users only.
AUDIENCE_SUB_DEPARTMENTS = True
# 3.3 (r3) [assumed]: a 201 body holding the new id (a user, department or group) is read as a JSON
# string or as plain text shaped like an id (this pattern); anything else is a success whose record
# cannot be told apart (OutcomeUnknown: not repeated, reported as possibly done).
NEW_ID_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
# 3.3 [assumed: the file is silent]: UpdateDepartment's parentDepartmentId moves a department (renames and
# moves are one call); the module reads the departments back after writing and fails if it did not.
# POST /department is not repeated after a lost reply (a repeat could make a second department), nor
# DELETE /department/{id} (the file does not say what a repeat of a done removal answers).


@dataclass(frozen=True)
class Enrollment:
    """An enrollment (schema ``Enrollment``): dates as ``YYYY-MM-DD``, the type group as a number."""

    enrollment_id: str
    course_id: str | None
    learner_id: str
    access_date: str | None
    due_date: str | None
    expiration_date: str | None
    lock_after_due_date: bool | None
    type_group: int | None

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class Group:
    """A group (schema ``Group``); a smart group's members follow its rules (read-only here)."""

    group_id: str
    name: str
    is_smart: bool
    users_count: int | None = None  # DetailedGroup.usersCount; None: not answered (or a Group)

    def unlisted(self, member_ids):
        """How many members the group counts but ``member_ids`` (its reply's userIds) does not list
        (GROUP_COUNT_CHECKED); 0 when it lists them all or answers no count."""
        if self.users_count is None or not GROUP_COUNT_CHECKED:
            return 0
        return max(0, self.users_count - len(set(member_ids)))

    def cut_list(self, member_ids):
        """The problem of changing the members of a group whose reply lists fewer than it counts
        (``unlisted``), naming it, both numbers and what to do; None when the list is whole."""
        unlisted = self.unlisted(member_ids)
        if not unlisted:
            return None
        return (
            "group %s (ID %s) lists %d member(s) but counts %d (usersCount of GET /group/{id}): its members are not "
            "changed, as the %d it does not list could be dropped (UpdateGroupMembers may replace, contract 3.3) or "
            "left unseen. Run the task with a token that sees every member of the group (an account "
            "administrator's), or change the group's members in iSpring Learn"
            % (self.name, self.group_id, len(set(member_ids)), self.users_count, unlisted)
        )


def _group(item, what):
    """A Group (or the Group of a DetailedGroup) from its JSON; fails with an excerpt otherwise."""
    if not isinstance(item, dict) or not item.get("groupId") or not isinstance(item.get("name"), str):
        raise ReplyError("%s: an item is not a Group. Item reads: %s" % (what, _excerpt(item)))
    smart = item.get("isSmart")
    if smart is not None and not isinstance(smart, bool):
        smart = str(smart).strip().lower() in ("true", "1")
    return Group(group_id=str(item["groupId"]), name=item["name"], is_smart=bool(smart), users_count=_count(item))


def _count(item):
    """A DetailedGroup's usersCount as a number; None when absent or not a number."""
    value = item.get("usersCount")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        return None
    return int(value)


def _member_ids(item, what):
    """The userIds of a DetailedGroup, in the order listed."""
    ids = item.get("userIds") if isinstance(item, dict) else None
    if isinstance(ids, dict) and isinstance(ids.get("id"), list):  # the XML-shaped wrapper, if JSON keeps it
        ids = ids["id"]
    if ids is None:
        ids = []
    if not isinstance(ids, list) or not all(isinstance(i, (str, int)) and str(i) for i in ids):
        raise ReplyError("%s: the group's userIds is not a list of ids. Group reads: %s" % (what, _excerpt(item)))
    return [str(i) for i in ids]


def _enrollment(item, what):
    """An Enrollment from its JSON; a record without its ids, or with a value of another type,
    fails with an excerpt rather than reading as something else."""
    if not isinstance(item, dict) or not item.get("enrollmentId") or not item.get("learnerId"):
        raise ReplyError("%s: an item is not an Enrollment. Item reads: %s" % (what, safexml.excerpt(json.dumps(item))))
    return Enrollment(
        enrollment_id=str(item["enrollmentId"]),
        course_id=None if item.get("courseId") is None else str(item["courseId"]),
        learner_id=str(item["learnerId"]),
        access_date=_day(item, "accessDate", what),
        due_date=_day(item, "dueDate", what),
        expiration_date=_day(item, "expirationDate", what),
        lock_after_due_date=_flag(item, "shouldLockAfterDueDate", what),
        type_group=_type_group(item, what),
    )


def _day(item, name, what):
    value = item.get(name)
    if value is None or value == "":
        return None
    day = dates.date_of(value)
    if day is None:
        raise ReplyError("%s: enrollment %s: %s %r is not a date." % (what, item["enrollmentId"], name, value))
    return day


def _flag(item, name, what):
    value = item.get(name)
    if value is None or isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "false", "0"):
        return str(value).strip().lower() in ("true", "1")
    raise ReplyError("%s: enrollment %s: %s %r is not true or false." % (what, item["enrollmentId"], name, value))


def _type_group(item, what):
    value = item.get("enrollmentTypeGroup")
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    except (TypeError, ValueError):
        raise ReplyError(
            "%s: enrollment %s: enrollmentTypeGroup %r is not a number." % (what, item["enrollmentId"], value)
        ) from None


def access_time(value, day):
    """The time of day (``HH:MM:SS`` and the zone written with it) of a LearnerResult's accessDate
    ``value`` on ``day``; None when it has no time or is on another day (ACCESS_TIME_OF_DAY)."""
    found = ACCESS_TIME_OF_DAY.match(str(value or "").strip())
    if not found or found.group(1) != day:
        return None
    return "%s%s%s" % (found.group(2), found.group(3) or ":00", (found.group(4) or "").upper())


def _due(due_date_type, due_date, due_period):
    """The due fields of NewEnrollment and UpdateEnrollment: a date or a period only with its type."""
    body = dict(dueDateType=due_date_type)
    if due_date_type == "due_date":
        body["dueDate"] = due_date
    if due_date_type == "due_period":
        body["duePeriod"] = due_period * DUE_PERIOD_HOURS_PER_DAY
    return body


def _learner_result(item):
    return LearnerResult.from_fields(item)


def _fields(item):
    """{lower-case field name: value} of a User's `fields`, in any of the forms of 3.2 (r3)."""
    fields = item.get("fields")
    if isinstance(fields, dict) and isinstance(fields.get(FIELD_LIST), list):
        fields = fields[FIELD_LIST]
    if isinstance(fields, list):
        return {str(f.get("name")).lower(): f.get("value") for f in fields if isinstance(f, dict) and "name" in f}
    if isinstance(fields, dict):
        return {str(name).lower(): value for name, value in fields.items()}
    return {}


def _user(item, what):
    """A UserProfile; a user with neither a readable login nor email fails with an excerpt (3.2 r3),
    so that it never reads as "no such user"."""
    fields = _fields(item) if isinstance(item, dict) else {}
    login, email = fields.get(LOGIN_FIELD) or None, fields.get(EMAIL_FIELD) or None
    if not item.get("userId") or (login is None and email is None):
        raise ReplyError(
            "%s: a user is listed without a readable userId, login or email, so learners cannot be matched "
            "by login or email. Name them by user_id, and report the reply's form. User reads: %s"
            % (what, safexml.excerpt(json.dumps(item)))
        )
    keyed = {field_key(name): as_text(value) for name, value in fields.items()}
    return UserProfile(
        user_id=str(item["userId"]),
        role=item.get("role"),
        department_id=item.get("departmentId"),
        status=as_text(item.get("status")),
        login=as_text(login),
        email=as_text(email),
        first_name=keyed.get(field_key(FIRST_NAME_FIELD)) or None,  # pairs carry "" for a name not set
        last_name=keyed.get(field_key(LAST_NAME_FIELD)) or None,
        fields=tuple(sorted(keyed.items())),
        groups=_group_ids(item.get("groups")),
    )


def as_text(value):
    """A value as text; None stays None."""
    return None if value is None else str(value)


def _group_ids(groups):
    """A user's group IDs as listed (None: the record does not list them)."""
    return None if groups is None else tuple(str(group) for group in groups if group)


class RestClient(IspringClient):
    """The REST interface: ``<api_url><path>`` with ``Authorization: Bearer <token>``."""

    interface = "rest"

    def request(self, method, path, what, params=None, body=None, safe_to_repeat=True):
        """The JSON a call answers (None for an empty body); an ErrorResponse raises ApiError."""
        return self.authorized(
            lambda token: self._request_once(method, path, what, token, params, body, safe_to_repeat)
        )

    def _request_once(self, method, path, what, token, params, body, safe_to_repeat=True):
        headers = {"Authorization": "Bearer %s" % token, "Accept": "application/json"}
        data = None
        if isinstance(body, bytes):  # an XML document (USERS_BY_POST)
            headers["Content-Type"] = "application/xml"
            data = body
        elif body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        reply = self.transport.request(
            method, self.api_url + path, what, data=data, headers=headers, params=params, safe_to_repeat=safe_to_repeat
        )
        if reply.status == 401:
            raise self._error(what, reply.status, _json_or_text(reply.body))
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

    @staticmethod
    def _error(what, status, answer):
        if isinstance(answer, bytes):  # a 401 that is not JSON: an empty body or a gateway's page
            said = safexml.excerpt(answer)
        else:
            said = answer.get("message") if isinstance(answer, dict) else None
            said = said or safexml.excerpt(json.dumps(answer))
        code = _error_code(status, said)
        message = "%s failed: HTTP %s: %s" % (what, status, said or "(empty)")
        if code in ERROR_HINTS:
            message += " (%s)" % ERROR_HINTS[code]
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

    def listing(self, path, key, filters):
        """Every item of a filtered listing, in as many requests as keep each query short (3.1 r3)."""
        what, filters = "iSpring GET %s" % path, list(filters)
        queries = _queries(filters, what)
        posted = self._users_by_post(filters) if len(queries) > 1 and path == USERS_BY_ID else None
        if posted is not None:
            yield from posted
            return
        for params in queries:
            for item in self.pages(path, what, params, key):
                yield item, what

    users_by_post = USERS_BY_POST  # False once the service did not serve one (for the rest of the task)

    def _users_by_post(self, filters):
        """(item, what) of every user of one POST /users/v2 (ListUsersV2ByPost) for these filters; None
        where it does not serve (USERS_BY_POST), and the GET listings are to."""
        named = [(name, list(values)) for name, values in filters if values]
        if not self.users_by_post or len(named) != 1 or named[0][0] not in USERS_BY_POST_FILTERS:
            return None
        name, values = named[0]
        what = "iSpring POST %s" % USERS_BY_ID
        items = _served(self._post_listing(what, name, values), name, values, what)
        if items is None:
            self.users_by_post = False
            return None
        return [(item, what) for item in items]

    def _post_listing(self, what, name, values):
        """The reply to POST /users/v2 with the filter in its body; None when it was refused (not a 401)
        or a value cannot be written in XML (a control character: the GET listings take it)."""
        try:
            return self.request("POST", USERS_BY_ID, what, body=_xml_filter(name, values))
        except (ApiError, ReplyError, ValueError) as exc:
            if isinstance(exc, ApiError) and exc.code == FAULT_AUTH:
                raise
            return None

    def every(self, path, key, read):
        """Every record of a listing of the account (GET ``path``, all pages; the items under
        ``key``), each read by ``read(item, what)``."""
        what = "iSpring GET %s" % path
        return [read(item, what) for item in self.pages(path, what, [], key)]

    def send(self, method, template, key, body=None, safe_to_repeat=True):
        """One request to ``template % key`` (a record's path), named in errors by its method and path."""
        path = template % key
        return self.request(method, path, "iSpring %s %s" % (method, path), body=body, safe_to_repeat=safe_to_repeat)

    def list_learners_results(self, course_ids=(), enrollment_ids=(), user_ids=()):
        asked = (course_ids, enrollment_ids, user_ids)
        filters = zip(RESULT_FILTERS, asked, strict=True)
        found = [_learner_result(item) for item, _what in self.listing(LEARNER_RESULTS, "results", filters)]
        names = [ARRAY_PARAM % name for name in RESULT_FILTERS]
        checks = zip(names, ("course_id", "enrollment_id", "user_id"), asked, strict=True)
        return only_asked(found, "iSpring GET %s" % LEARNER_RESULTS, checks)

    def list_users(self, logins=(), emails=(), every_status=False):
        """Users by logins[] and emails[] (GET /users: active ones; ``every_status``: GET /users/v2,
        USERS_EVERY_STATUS)."""
        filters = zip(USER_FILTERS, (logins, emails), strict=True)
        path = USERS_EVERY_STATUS if every_status else USERS
        return [_user(item, what) for item, what in self.listing(path, "userProfiles", filters)]

    def existing_user_ids(self, user_ids):
        """The IDs among ``user_ids`` that are users of the account (GET /users/v2 by userIds[], in
        as many requests as keep each query short)."""
        found = set()
        for item, what in self.listing(USERS_BY_ID, "userProfiles", [(USER_ID_FILTER, user_ids)]):
            if not isinstance(item, dict) or not item.get("userId"):
                raise ReplyError("%s: a user is listed without a userId. User reads: %s" % (what, _excerpt(item)))
            found.add(str(item["userId"]))
        return found

    def update_course_status(self, course_id, enrollment_ids, status, date=None, reason=None, awarded_score=None):
        """Start a status change; returns the task id.  Safe to repeat: it sets absolute values."""
        body = dict(courseId=course_id, enrollmentIds=list(enrollment_ids), status=status)
        if date is not None:
            body["date"] = COMPLETION_DATE % date
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
        what = "iSpring GET %s" % path
        answer = self.request("GET", path, what)
        if not isinstance(answer, dict):
            raise ReplyError("%s: the reply is not a TaskStatus object. Reply reads: %s" % (what, _excerpt(answer)))
        return str(answer.get("status") or "").lower()

    # --- enrollments ---

    def list_enrollments(self, course_ids=(), learner_ids=(), enrollment_ids=()):
        """Every enrollment the filters match (all pages), as Enrollment records."""
        asked = (course_ids, learner_ids, enrollment_ids)
        filters = zip(ENROLLMENT_FILTERS, asked, strict=True)
        found = [_enrollment(item, what) for item, what in self.listing(ENROLLMENTS, "enrollments", filters)]
        names = [ARRAY_PARAM % name for name in ENROLLMENT_FILTERS]
        checks = zip(names, ("course_id", "learner_id", "enrollment_id"), asked, strict=True)
        return only_asked(found, "iSpring GET %s" % ENROLLMENTS, checks)

    def enroll(
        self, course_ids, learner_ids, due_date_type, due_date=None, due_period=None, access_date=None, lock=None
    ):
        """Enroll every learner in every course (NewEnrollment); the reply has no body."""
        body = dict(courseIds=list(course_ids), learnerIds=list(learner_ids))
        body.update(_due(due_date_type, due_date, due_period))
        if access_date is not None:
            body["accessDate"] = access_date
        if lock is not None:
            body["lockAfterDueDate"] = lock
        self.request("POST", ENROLL, "iSpring POST %s" % ENROLL, body=body, safe_to_repeat=False)

    def change_enrollment(
        self, enrollment_id, access_date, due_date_type, due_date=None, due_period=None, lock=None, access_time=None
    ):
        """Set an enrollment's values (UpdateEnrollment; accessDate and dueDateType are required), the
        access date at ``access_time`` (an access_time() read back) or else NEW_ACCESS_TIME."""
        body = dict(accessDate=CHANGED_ACCESS_DATE % (access_date, access_time or NEW_ACCESS_TIME))
        body.update(_due(due_date_type, due_date, due_period))
        if lock is not None:
            body["lockAfterDueDate"] = lock
        path = CHANGE_ENROLLMENT % enrollment_id
        self.request("POST", path, "iSpring POST %s" % path, body=body)

    def delete_enrollments(self, enrollment_ids):
        """Delete the enrollments (DeleteEnrollments)."""
        body = dict(enrollmentIds=list(enrollment_ids))
        self.request("POST", UNENROLL, "iSpring POST %s" % UNENROLL, body=body, safe_to_repeat=False)

    # --- Departments (tag department)

    def list_departments(self):
        """Every department of the account (GET /departments, all pages), as Department records."""
        return self.every(DEPARTMENTS, "departments", _department)

    def create_department(self, name, parent_id, code=None):
        """Add a department (NewDepartment); returns its new id.  Not repeated after a lost reply."""
        return self.created(NEW_DEPARTMENT, "iSpring POST %s" % NEW_DEPARTMENT, _department_body(name, parent_id, code))

    def update_department(self, department_id, name, parent_id, code=None):
        """Set a department's name, parent and code (UpdateDepartment); safe to repeat."""
        self.send("POST", DEPARTMENT, department_id, body=_department_body(name, parent_id, code))

    def delete_department(self, department_id):
        """Remove a department (RemoveDepartment).  Not repeated after a lost reply."""
        self.send("DELETE", DEPARTMENT, department_id, safe_to_repeat=False)

    def department_users(self, department_ids):
        """{department ID: [UserProfile]} of the users GET /users/v2 lists by departments[], each under
        its own departmentId (so a listing that also gives sub-departments' users reads the same)."""
        found = {}
        for item, what in self.listing(USERS_BY_ID, "userProfiles", [(DEPARTMENT_FILTER, department_ids)]):
            user = _user(item, what)
            found.setdefault(user.department_id, []).append(user)
        return found

    # --- Groups (tag group)

    def list_groups(self):
        """Every group of the account (GET /groups, all pages), as Group records."""
        return self.every(GROUPS, "groups", _group)

    def get_group(self, group_id):
        """(Group, [member user ids]) of one group (GET /group/{id}, a DetailedGroup)."""
        path = GROUP % group_id
        what = "iSpring GET %s" % path
        answer = self.request("GET", path, what)
        return _group(answer, what), _member_ids(answer, what)

    def add_group(self, name, user_ids=()):
        """Create a group with these members (NewGroup); returns its id (NEW_ID_TEXT).  Not repeated
        after a lost reply: a repeat could make a second group."""
        body = dict(name=name)
        if user_ids:
            body["userIds"] = list(user_ids)
        return self.created(NEW_GROUP, "iSpring POST %s" % NEW_GROUP, body)

    def rename_group(self, group_id, name):
        """Give a group another name (UpdateGroup {name} -> 200); safe to repeat: it sets the name."""
        self.send("POST", GROUP, group_id, body=dict(name=name))

    def update_group_members(self, group_id, current_ids, added_ids):
        """Add members (UpdateGroupMembers): the current members plus the added ones, so that the
        call gives the same group whether it adds or replaces (GROUP_MEMBERS_SEND_CURRENT)."""
        sent = list(current_ids) if GROUP_MEMBERS_SEND_CURRENT else []
        sent += [user_id for user_id in added_ids if user_id not in set(sent)]
        self.send("POST", GROUP_MEMBERS, group_id, body=dict(userIds=sent))

    def remove_user_from_groups(self, user_id, group_ids):
        """Take one user out of groups (RemoveUserFromGroups); safe to repeat."""
        self.send("POST", USER_GROUPS_REMOVE, user_id, body=dict(groupIds=list(group_ids)))

    def remove_group(self, group_id):
        """Delete a group (RemoveGroup -> 204); not repeated after a lost reply."""
        self.send("DELETE", GROUP, group_id, safe_to_repeat=False)

    def created(self, path, what, body):
        """POST ``body`` and return the new id of the 201 reply (new_id); an ErrorResponse raises."""

        def once(token):
            headers = {"Authorization": "Bearer %s" % token, "Accept": "application/json"}
            headers["Content-Type"] = "application/json"
            reply = self.transport.request(
                "POST", self.api_url + path, what, data=json.dumps(body), headers=headers, safe_to_repeat=False
            )
            if reply.status >= 400:
                raise self._error(what, reply.status, _json_or_text(reply.body))
            return new_id(reply.body, what)

        return self.authorized(once)

    # --- Users (tag user)

    def add_user(self, department_id, fields, password=None, role=None, group_ids=(), send_login_email=None):
        """Create a user (NewUser); returns the new user's ID.  Not repeated after a lost reply (a
        second user, or a refused login, could follow)."""
        body = dict(departmentId=department_id, fields=dict(fields))
        optional = dict(password=password, role=role, groupIds=list(group_ids) or None, sendLoginEmail=send_login_email)
        body.update((name, value) for name, value in optional.items() if value is not None)
        return self.created(USER, "iSpring POST %s" % USER, body)

    def update_user(self, user_id, department_id=None, role=None, fields=None):
        """Change a user's department, role or profile fields (UpdateUser: only what is given)."""
        body = dict(departmentId=department_id, role=role, fields=None if fields is None else dict(fields))
        self.send("POST", USER_BY_ID, user_id, body={k: v for k, v in body.items() if v is not None})

    def set_user_status(self, user_id, status):
        """Set a user's status: ``active``, ``inactive`` or ``terminated`` (USER_STATUSES)."""
        self.send("POST", USER_STATUS, user_id, body=dict(status=USER_STATUSES[status]))

    def users_where(self, user_ids=(), department_ids=(), group_ids=()):
        """The users with these IDs, in these departments or in these groups (GET /users/v2: each kind
        in listings of its own, since the filters are AND-ed); with none, every user.  By ID every
        status (USER_IDS_LIST_EVERY_STATUS); by department or group as the service lists them, every
        status or active users only [assumed: either] - callers keep the statuses they need."""
        found, filters = {}, list(zip(AUDIENCE_FILTERS, (user_ids, department_ids, group_ids), strict=True))
        if not any(values for _name, values in filters):  # no filter: every user of the account
            return [_user(item, what) for item, what in self.listing(USERS_EVERY_STATUS, "userProfiles", [])]
        for name, values in filters:
            if values:
                listed = self.listing(USERS_EVERY_STATUS, "userProfiles", [(name, sorted(set(values)))])
                found.update((user.user_id, user) for user in (_user(item, what) for item, what in listed))
        return list(found.values())

    def delete_user(self, user_id):
        """Delete a user (RemoveUser)."""
        self.send("DELETE", USER_BY_ID, user_id, safe_to_repeat=False)


ERROR_HINTS = {
    FAULT_AUTH: "the token is invalid or expired: give a fresh token, or client_id and client_secret so that the "
    "module can renew it",
    FAULT_PERMISSION: "the account behind the token lacks the right for this request",
}


def _error_code(status, said):
    """The client's error code of an ErrorResponse: by its message's start, else by its status."""
    for start, mapped in MESSAGE_CODES:
        if said and said.startswith(start):
            return mapped
    return HTTP_CODES.get(status) or FAULT_WRONG_PARAMETERS


def _excerpt(item):
    return safexml.excerpt(json.dumps(item))


def _json_or_text(body):
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        return body


def _queries(filters, what):
    """The query parameters of a filtered listing, each value as ``name[]=value``, cut into as many
    queries as keep each under MAX_QUERY_BYTES: the longest filter is split, the others go whole into
    every query (the filters are AND-ed, so the parts' results are the whole's)."""
    named = [(ARRAY_PARAM % name, list(values)) for name, values in filters if values]
    if not named:
        return [[]]
    sizes = [len(urlencode([(name, value) for value in values])) for name, values in named]
    split = sizes.index(max(sizes))
    parts = _parts(named[split], MAX_QUERY_BYTES - (sum(sizes) - sizes[split]), what)
    return [
        [(name, value) for index, (name, values) in enumerate(named) for value in (part if index == split else values)]
        for part in parts
    ]


def _xml_filter(name, values):
    """The USERS_BY_POST body: <request><name>value</name>...</request>."""
    root = safexml.new_element(USERS_BY_POST_ROOT)
    for value in values:
        safexml.add_element(root, name).text = value
    return safexml.serialize(root)


def _served(answer, name, values, what):
    """The users of a POST listing served as USERS_BY_POST assumes (in one page, only those the filter
    asks for); None otherwise."""
    if not isinstance(answer, dict) or answer.get("nextPageToken"):
        return None
    items = answer.get("userProfiles")
    if not isinstance(items, list) or not _only_asked(items, name, values, what):
        return None
    return items


def _only_asked(items, name, values, what):
    """Whether every user listed is one the filter asks for (a service that read no filter from the
    body lists others); logins and IDs compare exactly, emails by people.email_key."""
    if name == USER_ID_FILTER:
        asked = set(values)
        return all(isinstance(item, dict) and str(item.get("userId")) in asked for item in items)
    if name == "emails":
        asked = {email_key(value) for value in values}
        return all(email_key(_user(item, what).email) in asked for item in items)
    asked = set(values)
    return all(_user(item, what).login in asked for item in items)


def _parts(filter_, budget, what):
    """The values of one filter in runs whose ``name[]=value&...`` fits in ``budget`` bytes."""
    name, values = filter_
    parts, part, used = [], [], 0
    for value in values:
        size = len(urlencode([(name, value)])) + 1
        if size > budget:
            raise ValidationError("%s: the filters do not fit in one request line (%s)." % (what, name))
        if part and used + size > budget:
            parts.append(part)
            part, used = [], 0
        part.append(value)
        used += size
    return parts + [part]


# --- Departments (tag department)


@dataclass(frozen=True)
class Department:
    """A department (schema ``Department``); ``parent_id`` None for the root, ``code`` None when unset."""

    department_id: str
    name: str
    code: str | None
    parent_id: str | None


def _department_body(name, parent_id, code=None):
    """NewDepartment and UpdateDepartment: the name, the parent and, when given, the code."""
    body = dict(name=name, parentDepartmentId=parent_id)
    if code is not None:
        body["code"] = code
    return body


def _department(item, what):
    """A Department from its JSON; one without its id or name fails with an excerpt."""
    if not isinstance(item, dict) or not item.get("departmentId") or item.get("name") is None:
        raise ReplyError("%s: an item is not a Department. Item reads: %s" % (what, _excerpt(item)))
    code, parent = item.get("code"), item.get("parentDepartmentId")
    return Department(
        department_id=str(item["departmentId"]),
        name=str(item["name"]),
        code=None if code in (None, "") else str(code),
        parent_id=None if parent in (None, "") else str(parent),
    )


def new_id(body, what):
    """The id a 201 carries: a JSON string, or plain text shaped like an id (NEW_ID_TEXT, 3.3 r3)."""
    text = body.decode("utf-8", "replace").strip()
    try:
        found = json.loads(text)
    except ValueError:
        found = text
    if isinstance(found, (str, int)) and not isinstance(found, bool) and NEW_ID_TEXT.match(str(found).strip()):
        return str(found).strip()
    # the service answered success, so the record exists: its creation is not to be repeated blindly
    raise OutcomeUnknown(
        "%s: the service answered success, but the reply does not carry the new id (a JSON string or plain "
        "text), so it cannot be told apart. Reply reads: %s" % (what, safexml.excerpt(body))
    )
