"""Every [assumed] point of the wire contract that the sandbox implements, in ONE place.

The contract is ``lms-api-contract.md`` (shared reference).  Points marked [doc] there are
implemented directly in ``ispring.py`` / ``edubrite.py``; everything below is behaviour the vendors
do not document (or contradict themselves on), so a user with a real tenant can check it and a
maintainer can change it here without hunting through the protocol code.

Each constant or function cites the contract section it comes from.  Points marked
"[sandbox]" are choices the contract does not make at all (the emulator had to pick something);
they are listed here as well so that nothing inferred hides elsewhere.
"""

from __future__ import annotations

import math

# ---------------------------------------------------------------------------------------------
# 1. iSpring Learn
# ---------------------------------------------------------------------------------------------

# 1.1: the SOAP endpoint path (documented without a host); served on the same base URL.
ISPRING_SOAP_PATH = "/api/v2/soap/2.0"
# 1.2 [doc]: the token endpoint.
ISPRING_TOKEN_PATH = "/api/v3/token"

# 1.1 [doc, seed sample response]: replies use the envelope namespace the docs print (https form)
# and the body namespace with prefix ns1.  Requests are accepted in either envelope namespace.
REPLY_ENVELOPE_NS = "https://schemas.xmlsoap.org/soap/envelope/"
REPLY_BODY_NS = "https://ispringlearn.com/go/services/api/soap"
ACCEPTED_ENVELOPE_NS = (
    "http://schemas.xmlsoap.org/soap/envelope/",
    "https://schemas.xmlsoap.org/soap/envelope/",
)
# 1.1 [assumed]: SOAP 1.1 convention.
SOAP_CONTENT_TYPE = "text/xml; charset=utf-8"

# 1.5 [assumed]: faults are sent with HTTP 500; faultcode "client".
SOAP_FAULT_HTTP_STATUS = 500
SOAP_FAULT_CODE = "client"

# 1.5 [doc] fault strings.
FAULT_AUTH = "Authorization failed"
FAULT_WRONG_PARAMS = "Wrong parameters"
FAULT_PERMISSION = "Permission denied"
FAULT_UNKNOWN_CONTENT = "Unknown content item"
FAULT_UNKNOWN_ENROLLMENT = "Unknown Enrollment"

# 1.2 [doc]: a token is valid 30 minutes (the CLI --token-ttl overrides it).
TOKEN_TTL_DEFAULT = 1800
# 1.2 [assumed]: bad client credentials -> HTTP 401 {"code": 401, "message": ...};
# a missing/unsupported grant_type or a missing client_id/client_secret -> HTTP 400
# {"code": 400, "message": ...} [sandbox].
TOKEN_BAD_CREDENTIALS_STATUS = 401
TOKEN_BAD_REQUEST_STATUS = 400

# 1.2 [assumed]: an expired or unknown token gets the fault FAULT_AUTH.  Nothing else (the
# "Account subscription expired" fault is never produced by the sandbox).

# [sandbox] 1.1/1.3: a SOAPAction header, when present and not empty, must name the method
# (quotes stripped; "…/Method" and "…#Method" forms accepted); otherwise FAULT_WRONG_PARAMS.


def soap_action_matches(header_value, method):
    """1.1 [doc header] + [sandbox] matching rule for the SOAPAction header."""
    if header_value is None:
        return True
    value = header_value.strip().strip('"').strip()
    if not value:
        return True
    return value == method or value.endswith("/" + method) or value.endswith("#" + method)


# [sandbox] 1.3: requests whose XML declares a DOCTYPE are refused with FAULT_WRONG_PARAMS.
REJECT_REQUEST_DOCTYPE = True

# 1.3 [assumed]: pageSize default and maximum 1000; a bigger (or < 1, or non-integer) pageSize is
# FAULT_WRONG_PARAMS.  Page tokens are opaque; a token that does not belong to the same query is
# FAULT_WRONG_PARAMS [sandbox].
ISPRING_PAGE_SIZE_DEFAULT = 1000
ISPRING_PAGE_SIZE_MAX = 1000

# 1.3 [assumed shape]: the record element names inside each list result.
LIST_LEARNERS_WRAPPER, LIST_LEARNERS_ITEM = "results", "learnerResult"
LIST_ENROLLMENTS_WRAPPER, LIST_ENROLLMENTS_ITEM = "enrollments", "enrollment"
LIST_USERS_WRAPPER, LIST_USERS_ITEM = "users", "userProfile"

# 1.3 [doc]: only active users are listed by ListUsers.  [sandbox]: ListLearnersResults and
# ListEnrollments list the enrollments of inactive users too (they are records of a course).
LIST_USERS_ONLY_ACTIVE = True
# [sandbox] 1.3: ListUsers `logins` filter is exact (case-sensitive); `emails` is case-insensitive;
# the two filters are OR-ed.  courseIds/enrollmentIds/userIds filters of ListLearnersResults are
# AND-ed; an unknown id in courseIds is FAULT_UNKNOWN_CONTENT, unknown enrollment/user ids just
# match nothing.
LOGIN_FILTER_CASE_SENSITIVE = True

# [sandbox] 1.3: learnerResult omits completionDate and dueDate when not set; awardedScore is
# always present (0 when the learner has no score).
DEFAULT_AWARDED_SCORE = 0

# 1.3 [doc values]: completion statuses the sandbox stores (lower case in replies).
COMPLETION_STATUSES = (
    "not_started",
    "in_progress",
    "pending",
    "complete",
    "passed",
    "accepted",
    "incomplete",
    "failed",
    "declined",
)

# 1.3 [doc]: date-time format of completionDate/accessDate/dueDate (ISO 8601, UTC, "Z").
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# 1.3 [doc seed]: updateCourseStatus `date` is YYYY-MM-DD; anything else is FAULT_WRONG_PARAMS.
REQUEST_DATE_FORMAT = "%Y-%m-%d"


def progress_percent(passed_modules, total_modules):
    """1.3 / 1.7 [assumed]: progress = passed / total * 100, rounded half up (0 when no modules)."""
    if not total_modules:
        return 0
    return int(math.floor(passed_modules * 100.0 / total_modules + 0.5))


def recalculated_status(passed_modules, total_modules):
    """1.7 [assumed]: what `status: automatic` recomputes from the passed modules.

    All modules passed -> "passed"; some -> "in_progress"; none -> "not_started".
    """
    if total_modules and passed_modules >= total_modules:
        return "passed"
    if passed_modules > 0:
        return "in_progress"
    return "not_started"


# 1.7 [assumed]: `complete` sets completionStatus "complete" and completionDate = date 00:00:00Z;
# passed modules (hence progress) are unchanged.  `automatic` keeps an existing completionDate
# when the result is "passed" (or sets it to the time the task is applied when there was none)
# and clears it otherwise.
COMPLETE_STATUS = "complete"

# 1.4 [doc SOAP page]: task statuses reported by getTaskStatus.
TASK_IN_PROGRESS, TASK_COMPLETE, TASK_FAILED = "in progress", "complete", "failed"
# [seed sample response]: the first taskId handed out; ids increase by one.
FIRST_TASK_ID = 100027

# 1.6 [doc, seed] + [sandbox] details of the permission model:
ROLE_OWNER = "account_owner"
ROLE_ACCOUNT_ADMIN = "account_administrator"
ROLE_DEPARTMENT_ADMIN = "department_administrator"
ROLE_CUSTOM = "custom"
ROLE_LEARNER = "learner"


def sub_departments(departments, roots):
    """1.6 [doc]: the departments an administrator manages, with all their sub-departments."""
    children = {}
    for dep in departments.values():
        children.setdefault(dep.get("parentId"), []).append(dep["departmentId"])
    seen, todo = set(), list(roots)
    while todo:
        dep_id = todo.pop()
        if dep_id in seen:
            continue
        seen.add(dep_id)
        todo.extend(children.get(dep_id, ()))
    return seen


def user_in_scope(admin, user):
    """1.6: may this administrator act on (and see) this user?

    Owner / account administrator: everyone [doc].  Department administrator: users whose
    department is one it manages or a sub-department [doc].  Custom role: everyone, unless the
    role lists departments, then the same rule as a department administrator [assumed: the seed
    page says custom roles are also limited to their departments, but the contract's 1.6 only
    names the course].  Anyone else: nobody.
    """
    role = admin["role"] if admin else ROLE_LEARNER
    if role in (ROLE_OWNER, ROLE_ACCOUNT_ADMIN):
        return True
    if role == ROLE_DEPARTMENT_ADMIN or (role == ROLE_CUSTOM and admin.get("scope") is not None):
        return user.get("departmentId") in (admin.get("scope") or ())
    if role == ROLE_CUSTOM:
        return True
    return False


def course_in_scope(admin, course_id):
    """1.6: custom roles only act on (and see) courses they have "Can edit" on [doc]."""
    role = admin["role"] if admin else ROLE_LEARNER
    if role == ROLE_CUSTOM:
        return course_id in (admin.get("canEditCourses") or ())
    return role in (ROLE_OWNER, ROLE_ACCOUNT_ADMIN, ROLE_DEPARTMENT_ADMIN)


def has_api_rights(admin):
    """[sandbox] 1.6: a user without any administrator role gets FAULT_PERMISSION on every method
    (listings and getTaskStatus included)."""
    return bool(admin) and admin["role"] in (ROLE_OWNER, ROLE_ACCOUNT_ADMIN, ROLE_DEPARTMENT_ADMIN, ROLE_CUSTOM)


# [sandbox] 1.3/1.6: listings are filtered silently to what the caller may see (a department
# administrator does not see learners outside its departments; a custom role does not see
# enrollments of courses it cannot edit).  An unknown course id is still FAULT_UNKNOWN_CONTENT;
# a known course outside a custom role's scope lists nothing.

# ---------------------------------------------------------------------------------------------
# 2. EduBrite
# ---------------------------------------------------------------------------------------------

EDUBRITE_PATH_PREFIX = "/oltpublish/site/"
EDUBRITE_CONTENT_TYPE = "text/xml; charset=utf-8"

# 2.3 [doc] message codes.
MSG_SUCCESS = "0"
MSG_NOT_ALLOWED = "0005"
MSG_NOT_FOUND = "0004"
MSG_GENERIC_ERROR = "0026"
MSG_CONNECT_OK = "0152"
MSG_CONNECT_FAILED = "0154"
MSG_SESSION_NOT_VALID = "0174"
MSG_PM_UPDATED = "0226"

TEXT_NOT_ALLOWED = "You are not allowed to perform this action."
TEXT_PM_UPDATED = "Program member updated successfully"
TEXT_CONNECT_OK = "Connected successfully"  # [sandbox] wording
TEXT_CONNECT_FAILED = "Connection not successful"  # [sandbox] wording
TEXT_SESSION_NOT_VALID = "Session is not valid"  # [sandbox] wording
TEXT_TOO_MANY_SESSIONS = "Connection not successful: too many API sessions for this site"
TEXT_SUCCESS = "Success"  # [sandbox] wording (contract sample)
TEXT_SESSION_STARTED = "Session started"  # [sandbox] connect step 1

# 2.3 [doc]: HTTP statuses that go with error codes.  Not-allowed is 401 [doc]; not-found 404
# [assumed]; generic errors (bad/missing parameter, unknown dispatch or service) 400 [sandbox].
HTTP_NOT_ALLOWED = 401
HTTP_NOT_FOUND = 404
HTTP_GENERIC_ERROR = 400
HTTP_CONNECT_FAILED = 401
HTTP_SESSION_NOT_VALID = 401

# 2.2 [assumed]: a session expires after --session-ttl seconds without use (idle timeout, like a
# servlet session); missing, unknown or expired cookies -> HTTP 401 code -1 msg 0174.
SESSION_TTL_DEFAULT = 1800
SESSION_TTL_IS_IDLE_TIMEOUT = True
# 2.2 [doc "throttled", assumed mechanism]: at most --max-sessions live logged-in sessions; one
# more login is refused with HTTP 401 code -1 msg 0154 (text says too many sessions).
MAX_SESSIONS_DEFAULT = 20
# [sandbox] 2.2: connect step 2 must carry the SESSION_ID cookie from step 1; without it (or with
# an unknown one) the login fails with HTTP 401 code -1 msg 0154.
LOGIN_REQUIRES_STEP1_COOKIE = True


def real_user_name(header_value):
    """2.1 [doc]: REAL_UNAME may be ``uname|email|full name``; the user name is the first part."""
    if header_value is None:
        return None
    return header_value.split("|", 1)[0].strip() or None


# 2.4 [assumed]: listProgramMembers paging: currPage from 0, pageSize default 100, max 1000
# (bigger, < 1 or non-integer -> HTTP 400 code -1 msg 0026 [sandbox]).  numItems is accepted and
# ignored (the reply always carries the true total).  Order: the order members were added.
EDUBRITE_PAGE_SIZE_DEFAULT = 100
EDUBRITE_PAGE_SIZE_MAX = 1000
# 2.4 [assumed shape]: <data><programMembers numItems currPage pageSize><member .../>...; member
# attributes in this order; an empty attribute means "not set"; dates are epoch ms.
PROGRAM_MEMBERS_ELEMENT, MEMBER_ELEMENT = "programMembers", "member"
MEMBER_ATTRIBUTES = (
    "userId",
    "userName",
    "openId",
    "status",
    "quit",
    "award",
    "score",
    "startDate",
    "endDate",
    "dueDate",
    "awardDate",
    "awardExpDate",
)

# [sandbox] 2.4: an empty parameter value (e.g. "endDate=") counts as not given.
EMPTY_PARAM_IS_ABSENT = True

# 2.4 [assumed]: award=false clears awardDate and awardExpDate unless given in the same call.
AWARD_FALSE_CLEARS_AWARD_DATES = True
# [sandbox] 2.4: award=true sets awardDate to the given value, else keeps the existing one if the
# member was already awarded, else "now" (epoch ms).
# 2.4 [assumed]: enrollUsersInProgram sets startDate = now (epoch ms); other dates null.
ENROLL_SETS_START_DATE_NOW = True
# [sandbox] 2.4: boolean parameters must be "true" or "false" (any case); anything else is
# HTTP 400 msg 0026 naming the parameter.  remove=false / quitProgram=false change nothing.
# [sandbox] 2.4: ids, usernames and openIds may be combined; the union is used.
# [sandbox] 2.4: a member who quit is still a member (listed with quit="true"); a removed member
# is gone, and enrollUsersInProgram adds them again as a fresh member.


def format_score(score):
    """[sandbox] 2.4: how a score is written in member attributes ("" when not set)."""
    if score is None:
        return ""
    if float(score).is_integer():
        return "%.1f" % score
    return repr(float(score))


# [sandbox] 2.3: the `xml` parameter is accepted and ignored: replies are always XML.
