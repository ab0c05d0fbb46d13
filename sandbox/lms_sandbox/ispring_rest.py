"""iSpring Learn: the REST interface (contract section 1.3a; the vendor's OpenAPI file is the authority).

Same base URL, state, tokens and task ids as the SOAP API (ispring.py): a change made over one
interface is seen over the other.  Everything here runs with the sandbox lock held.
"""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from urllib.parse import parse_qs

from lxml import etree

from . import assumptions as A
from .ispring import SoapFault, page, xml_parser
from .reply import Reply, json_reply

# (method, path pattern, operationId) as the OpenAPI file names them.  Literal paths before patterns.
ROUTES = (
    ("POST", "/statistics/course", "UpdateCourseStatus"),
    ("GET", "/learners/results", "ListLearnerResults"),
    ("GET", "/users", "ListUsers"),
    ("GET", "/users/v2", "ListUsersV2"),
    ("POST", "/users/v2", "ListUsersV2ByPost"),
    ("GET", "/enrollment", "GetEnrollments"),
    ("POST", "/enrollment", "EnrollLearnersInCourses"),
    ("GET", "/enrollments", "ListEnrollments"),
    ("POST", "/enrollments", "ListEnrollmentsByPost"),
    ("POST", "/enrollment/delete", "Unenroll"),
    ("GET", "/task/{taskId}/status", "GetTaskStatus"),
    ("GET", "/enrollment/{enrollmentId}", "GetEnrollment"),
    ("POST", "/enrollment/{enrollmentId}", "ChangeEnrollment"),
    # people (contract 3.3)
    ("GET", "/departments", "ListDepartments"),
    ("GET", "/department", "GetDepartments"),
    ("POST", "/department", "AddDepartment"),
    ("GET", "/department/{departmentId}", "GetDepartment"),
    ("POST", "/department/{departmentId}", "UpdateDepartment"),
    ("DELETE", "/department/{departmentId}", "RemoveDepartment"),
    ("GET", "/groups", "ListGroups"),
    ("POST", "/group", "AddGroup"),
    ("GET", "/group/{groupId}", "GetGroup"),
    ("POST", "/group/{groupId}", "UpdateGroup"),
    ("DELETE", "/group/{groupId}", "RemoveGroup"),
    ("POST", "/group/{groupId}/members", "UpdateGroupMembers"),
    ("POST", "/user", "AddUser"),
    ("GET", "/user/{userId}", "GetUserProfile"),
    ("POST", "/user/{userId}", "UpdateUserProfile"),
    ("DELETE", "/user/{userId}", "RemoveUser"),
    ("GET", "/user/{userId}/v2", "GetUserProfileV2"),
    ("POST", "/user/{userId}/status", "ChangeUserStatus"),
    ("POST", "/user/{userId}/groups/remove", "RemoveUserFromGroups"),
    ("POST", "/users/activate", "Activate users"),  # [doc, sic] operationIds with a space
    ("POST", "/users/deactivate", "Deactivate users"),
    ("POST", "/users/terminate", "Terminate users"),
)
ONE_PAGE = object()  # ListUsersV2ByPost "lists": every user in one page, whatever ISPRING_PAGE_SIZE_MAX says
_EMAIL = re.compile(A.EMAIL_RE)
_PASSWORD_MEMBER = re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"')
_DATE_OR_TIME = re.compile(A.REST_DATE_OR_TIME_RE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _match(pattern, path):
    """Path parameters when `path` fits `pattern`, else None."""
    want, got = pattern.strip("/").split("/"), path.strip("/").split("/")
    if len(want) != len(got) or not path.startswith("/"):
        return None
    params = {}
    for w, g in zip(want, got, strict=True):
        if w.startswith("{"):
            if not g:
                return None
            params[w[1:-1]] = g
        elif w != g:
            return None
    return params


class RestRequest:
    """A request to a REST path: operationId (None when the method is not one the path has)."""

    __slots__ = ("method", "operation", "params", "query", "allow")

    def __init__(self, method, operation, params, query, allow):
        self.method, self.operation, self.params, self.query, self.allow = method, operation, params, query, allow


def classify(method, path, query):
    """The RestRequest for a REST path, or None when the path is none of the REST calls."""
    allow = []
    for verb, pattern, operation in ROUTES:
        params = _match(pattern, path)
        if params is None:
            continue
        if verb == method:
            return RestRequest(method, operation, params, parse_qs(query or "", keep_blank_values=True), allow)
        allow.append(verb)
    if allow:
        return RestRequest(method, None, {}, parse_qs(query or "", keep_blank_values=True), sorted(set(allow)))
    return None


class RestError(Exception):
    def __init__(self, status, message, headers=None):
        Exception.__init__(self, message)
        self.status, self.message, self.headers = status, message, headers

    def reply(self):
        return json_reply(self.status, {"code": self.status, "message": self.message}, self.headers)


def bad(message):
    return RestError(400, message)


def _from_fault(fault):
    status = A.REST_STATUS_OF_FAULT.get(fault.text, 400)
    text = A.REST_UNAUTHORIZED_MESSAGE if status == 401 else fault.text
    return RestError(status, "%s: %s" % (text, fault.detail) if fault.detail else text)


def empty_reply(status):
    return Reply(status, b"", None)


# --- reading parameters ----------------------------------------------------------------------------


def query_list(query, name, form="lenient"):
    """An array query parameter (empty values dropped).  3.1 (r3) setting `ispring_rest_arrays`:
    "brackets" reads it the PHP way (`name[]=` values, and only the last of repeated bare `name=`),
    "lenient" takes every `name=` and `name[]=` value."""
    bare = query.get(name, [])
    values = query.get(name + "[]", []) + (bare[-1:] if form == "brackets" else bare)
    return [v.strip() for v in values if v.strip()]


def query_one(query, name):
    values = query.get(name)
    return values[-1] if values else None


def refuse_not_emulated(query, names):
    for key in query:
        base = key.split("[", 1)[0]
        if base in names:
            raise bad("%s: this filter is documented but not emulated by the sandbox" % base)


def _xml_arrays(body):
    """An XML body of arrays (XML_BODY_OPERATIONS): {element name: [texts]} of the root's children."""
    try:
        root = etree.fromstring(body, xml_parser()) if body.strip() else None
    except etree.XMLSyntaxError as exc:
        raise bad("the request body is not XML: %s" % exc) from None
    if root is None or etree.QName(root).localname != A.XML_BODY_ROOT:
        raise bad("the request body must be an XML document <%s>" % A.XML_BODY_ROOT)
    arrays = {}
    for child in root:
        if isinstance(child.tag, str):
            arrays.setdefault(etree.QName(child).localname, []).append((child.text or "").strip())
    return arrays


def _string(data, name, required=False):
    value = data.get(name)
    if value is None:
        if required:
            raise bad("%s is required" % name)
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise bad("%s must be a non-empty string" % name)
    return value.strip()


def _id_list(data, name, required=False):
    value = data.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise bad("%s must be an array of ids" % name)
    if required and not value:
        raise bad("%s must not be empty" % name)
    return [v.strip() for v in value]


def _boolean(data, name):
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise bad("%s must be true or false" % name)
    return value


def _account_zone(config):
    """3.1 (r3) setting `ispring_rest_dates`: the account's time zone."""
    hours = A.ACCOUNT_WEST_OFFSET_HOURS if config.ispring_rest_dates == "west" else 0
    return datetime.timezone(datetime.timedelta(hours=hours))


def _datetime(data, name, zone):
    """A written date or date-time -> the account's local "YYYY-MM-DDTHH:MM:SSZ" (None when absent).
    3.1 (r3): a value with an offset is recorded on the account's local day; a bare date or a
    zone-less date-time as given."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE_OR_TIME.match(value):
        raise bad("%s must be a date YYYY-MM-DD or a date-time, e.g. 2024-05-01T00:00:00Z" % name)
    try:
        moment = datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise bad("%s is not a valid date-time: %s" % (name, value)) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone).replace(tzinfo=None)
    return moment.strftime(A.DATETIME_FORMAT)


def _date(data, name, zone=None):
    """A YYYY-MM-DD date -> "YYYY-MM-DDT00:00:00Z"; with a `zone`, a date-time too (see _datetime)."""
    value = data.get(name)
    if value is None:
        return None
    if zone is not None:
        return _datetime(data, name, zone)
    if not isinstance(value, str) or not _DATE.match(value):
        raise bad("%s must be a date YYYY-MM-DD" % name)
    try:
        datetime.datetime.strptime(value, A.REST_DATE_FORMAT)
    except ValueError:
        raise bad("%s is not a valid date: %s" % (name, value)) from None
    return value + "T00:00:00Z"


def _score(data):
    value = data.get("awardedScore")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise bad("awardedScore must be a number from 0 to 100")
    return value


def _plus(iso, **delta):
    moment = datetime.datetime.strptime(iso, A.DATETIME_FORMAT) + datetime.timedelta(**delta)
    return moment.strftime(A.DATETIME_FORMAT)


def _today(zone):
    return datetime.datetime.now(zone).strftime("%Y-%m-%dT00:00:00Z")


# --- records ---------------------------------------------------------------------------------------


def _date_part(iso):
    return iso[:10] if iso else iso


def enrollment_json(enr):
    """[doc schema Enrollment]."""
    out = {
        "enrollmentId": enr["enrollmentId"],
        "courseId": enr["courseId"],
        "learnerId": enr["learnerId"],
        "accessDate": _date_part(enr.get("accessDate")),
    }
    if enr.get("dueDate"):
        out["dueDate"] = _date_part(enr["dueDate"])
    out["shouldLockAfterDueDate"] = bool(enr.get("lockAfterDueDate"))
    out["enrollmentTypeGroup"] = enr.get("enrollmentTypeGroup", A.ENROLLED_BY_ADMIN)
    return out


def _role_id(role):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "lms-sandbox:role:" + role))


# --- people: departments, groups, users (contract 3.3) ------------------------------------------------

_SUBORDINATION = {"subordinationType": "no_supervisor"}
_FIELD_KEYS = {"login": "login", "email": "email", "firstname": "firstName", "lastname": "lastName"}
_STATUS_WORDS = {number: word for word, number in A.REST_USER_STATUS.items()}


def department_json(dep):
    """[doc schema Department]: parentDepartmentId and code only when set."""
    out = {"departmentId": dep["departmentId"], "name": dep["name"] or ""}
    if dep["parentId"]:
        out["parentDepartmentId"] = dep["parentId"]
    if dep.get("code"):
        out["code"] = dep["code"]
    out["subordination"] = dict(_SUBORDINATION)
    out["coSubordination"] = dict(_SUBORDINATION)
    return out


def group_json(group):
    """[doc schema Group]."""
    return {"groupId": group["groupId"], "name": group["name"], "isSmart": group["isSmart"]}


def log_body(body):
    """A REST request body as the request log keeps it: a "password" member masked (LOG_MASK)."""
    text = body.decode("utf-8", "replace")
    if '"password"' not in text:
        return text
    return _PASSWORD_MEMBER.sub(r'\1"%s"' % A.LOG_MASK, text)


def _profile_fields(data, required):
    """NewUser / UpdateUser `fields` [doc UserProfileFields] -> (the four known ones, the others)."""
    value = data.get("fields")
    if value is None:
        if required:
            raise bad("fields is required (an object with at least login and email)")
        return {}, {}
    if not isinstance(value, dict):
        raise bad("fields must be an object (UserProfileFields: login, email, ...)")
    known, extra = {}, {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise bad("fields.%s must be a string" % key)
        name = _FIELD_KEYS.get(key.replace("_", "").lower())
        if name:
            known[name] = item.strip()
        else:
            extra[key] = item
    for name in ("login", "email"):
        if (required or name in known) and not known.get(name):
            raise bad("fields.%s is required and must not be empty" % name)
    if "email" in known and not _EMAIL.match(known["email"]):
        raise bad("fields.email is not an email address: %s" % known["email"])
    return known, extra


def _refuse_not_emulated_members(data):
    for name in A.REST_USER_WRITE_FIELDS_NOT_EMULATED:
        if name in data:
            raise bad("%s: this member is documented but not emulated by the sandbox (use role)" % name)


def _names(records, key, limit=5):
    shown = [str(rec[key]) for rec in records[:limit]]
    more = len(records) - len(shown)
    return ", ".join(shown) + (" and %d more" % more if more > 0 else "")


class _People:
    """The REST people calls (mixed into RestApi: self.state, self.api, _query_list, _page_reply)."""

    def _created(self, new_id):
        """3.3 setting `ispring_created_id`: the new id as a JSON string or as plain text."""
        if self.api.config.ispring_created_id == "text":
            return Reply(201, new_id, "text/plain; charset=utf-8")
        return json_reply(201, new_id)

    def _paged(self, req, kind, items, key):
        q = req.query
        return page(items, kind, key, query_one(q, "pageSize"), query_one(q, "pageToken"))

    # --- departments -------------------------------------------------------------------------------

    def _visible_departments(self, admin):
        return [d for d in self.state.departments.values() if A.department_in_scope(admin, d["departmentId"])]

    def _op_ListDepartments(self, req, admin, data, task_failed):
        rows, nxt = self._paged(req, "RD", self._visible_departments(admin), (admin["userId"],))
        return self._page_reply("departments", [department_json(d) for d in rows], nxt)

    def _op_GetDepartments(self, req, admin, data, task_failed):
        code = query_one(req.query, "code")
        items = [d for d in self._visible_departments(admin) if code is None or (d.get("code") or "") == code]
        return json_reply(200, {"departments": [department_json(d) for d in items]})

    def _op_GetDepartment(self, req, admin, data, task_failed):
        return json_reply(200, {"response": department_json(self._department(admin, req.params["departmentId"]))})

    def _department(self, admin, dep_id):
        """The department a path names: 404 when there is none, 403 outside the caller's scope."""
        dep = self.state.departments.get(dep_id)
        if dep is None:
            raise RestError(A.REST_NOT_FOUND_STATUS, "Department not found: %s" % dep_id)
        if not A.department_in_scope(admin, dep_id):
            raise RestError(403, "%s: no right on department %s" % (A.FAULT_PERMISSION, dep_id))
        return dep

    def _department_ref(self, admin, dep_id, name):
        """A department a body names: 400 when there is none, 403 outside the caller's scope."""
        if dep_id not in self.state.departments:
            raise bad("%s: unknown department %s" % (name, dep_id))
        if not A.department_in_scope(admin, dep_id):
            raise RestError(403, "%s: no right on department %s (%s)" % (A.FAULT_PERMISSION, dep_id, name))
        return self.state.departments[dep_id]

    def _free_code(self, code, own_id):
        """DEPARTMENT_CODES_UNIQUE: a code no other department has (None: no code)."""
        if not code:
            return None
        for dep in self.state.departments.values():
            if A.DEPARTMENT_CODES_UNIQUE and dep.get("code") == code and dep["departmentId"] != own_id:
                raise bad(
                    "code: %s is the code of department %s (%s) already" % (code, dep["departmentId"], dep["name"])
                )
        return code

    def _op_AddDepartment(self, req, admin, data, task_failed):
        st = self.state
        name = _string(data, "name", required=True)
        parent = self._department_ref(admin, _string(data, "parentDepartmentId", required=True), "parentDepartmentId")
        code = self._free_code(_string(data, "code"), None)
        dep_id = st.new_id("department")
        st.departments[dep_id] = {
            "departmentId": dep_id,
            "name": name,
            "parentId": parent["departmentId"],
            "code": code,
        }
        st.refresh_scopes()
        return self._created(dep_id)

    def _new_parent(self, admin, dep, parent_id):
        if parent_id == dep["parentId"]:
            return parent_id
        if not dep["parentId"]:
            raise bad("parentDepartmentId: the root department %s cannot be moved" % dep["departmentId"])
        self._department_ref(admin, parent_id, "parentDepartmentId")
        if parent_id in A.sub_departments(self.state.departments, [dep["departmentId"]]):
            raise bad(
                "parentDepartmentId: %s is department %s itself or one of its sub-departments"
                % (parent_id, dep["departmentId"])
            )
        return parent_id

    def _op_UpdateDepartment(self, req, admin, data, task_failed):
        dep = self._department(admin, req.params["departmentId"])
        name, code, parent_id = (_string(data, key) for key in ("name", "code", "parentDepartmentId"))
        if name == "":
            raise bad("name must be a non-empty string")
        changes = {"name": name} if name else {}
        if parent_id is not None:
            changes["parentId"] = self._new_parent(admin, dep, parent_id)
        if code is not None:
            changes["code"] = self._free_code(code, dep["departmentId"])
        dep.update(changes)
        self.state.refresh_scopes()
        return empty_reply(204)

    def _op_RemoveDepartment(self, req, admin, data, task_failed):
        st = self.state
        dep = self._department(admin, req.params["departmentId"])
        if not dep["parentId"]:
            raise bad("the root department %s cannot be removed" % dep["departmentId"])
        subs = [st.departments[d] for d in st.sub_departments(dep["departmentId"])]
        users = [st.users[u] for u in st.department_users(dep["departmentId"])]
        if A.REFUSE_DEPARTMENT_WITH_USERS and (subs or users):
            found = []
            if subs:
                found.append("sub-departments %s" % _names(subs, "name"))
            if users:
                found.append("users %s" % _names(users, "login"))
            raise bad(
                "department %s (%s) still has %s: move or remove them first"
                % (dep["departmentId"], dep["name"], " and ".join(found))
            )
        del st.departments[dep["departmentId"]]
        st.refresh_scopes()
        return empty_reply(204)

    # --- groups ----------------------------------------------------------------------------------------

    def _op_ListGroups(self, req, admin, data, task_failed):
        rows, nxt = self._paged(req, "RG", list(self.state.groups.values()), (admin["userId"],))
        return self._page_reply("groups", [group_json(g) for g in rows], nxt)

    def _group(self, group_id):
        group = self.state.groups.get(group_id)
        if group is None:
            raise RestError(A.REST_NOT_FOUND_STATUS, "Group not found: %s" % group_id)
        return group

    def _op_GetGroup(self, req, admin, data, task_failed):
        """[doc schema DetailedGroup]: the members the caller may see."""
        st = self.state
        group = self._group(req.params["groupId"])
        members = [u for u in st.group_members(group) if A.user_in_scope(admin, st.users[u])]
        return json_reply(200, dict(group_json(group), userIds=members, usersCount=len(members)))

    @staticmethod
    def _may_change(admin, what):
        if not A.account_wide(admin):
            raise RestError(
                403, "%s: only the account owner and account administrators may change %s" % (A.FAULT_PERMISSION, what)
            )

    def _static_group(self, group, name=None):
        """SMART_GROUPS_READ_ONLY: 400 naming a smart group."""
        if A.SMART_GROUPS_READ_ONLY and group["isSmart"]:
            raise bad(
                "%sgroup %s (%s) is a smart group: its members follow its rules and cannot be changed"
                % (name + ": " if name else "", group["groupId"], group["name"])
            )
        return group

    def _group_refs(self, admin, data, name, required=False):
        """Static groups a body names (groupIds): 400 for an unknown or smart one."""
        if data.get(name) is None and not required:
            return None
        self._may_change(admin, "groups")
        found = []
        for group_id in dict.fromkeys(_id_list(data, name, required)):
            if group_id not in self.state.groups:
                raise bad("%s: unknown group %s" % (name, group_id))
            found.append(self._static_group(self.state.groups[group_id], name))
        return found

    def _user_refs(self, data, name):
        """userIds a body names, each a user of the account (an empty list allowed)."""
        value = data.get(name)
        if value is None:
            raise bad("%s is required" % name)
        ids = _id_list(data, name) if value != [] else []
        for user_id in ids:
            if user_id not in self.state.users:
                raise bad("%s: unknown user %s" % (name, user_id))
        return list(dict.fromkeys(ids))

    def _op_AddGroup(self, req, admin, data, task_failed):
        self._may_change(admin, "groups")
        name = _string(data, "name", required=True)
        members = self._user_refs(data, "userIds") if data.get("userIds") is not None else []
        group = self.state.new_group(self.state.new_id("group"), name)
        group["members"].update(dict.fromkeys(members, True))
        return self._created(group["groupId"])

    def _op_UpdateGroup(self, req, admin, data, task_failed):
        self._may_change(admin, "groups")
        group = self._static_group(self._group(req.params["groupId"]))
        group["name"] = _string(data, "name", required=True)
        return empty_reply(200)

    def _op_RemoveGroup(self, req, admin, data, task_failed):
        self._may_change(admin, "groups")
        del self.state.groups[self._group(req.params["groupId"])["groupId"]]
        return empty_reply(204)

    def _op_UpdateGroupMembers(self, req, admin, data, task_failed):
        """3.3 setting `ispring_group_members`: the users are added, or become the only members."""
        self._may_change(admin, "groups")
        group = self._static_group(self._group(req.params["groupId"]))
        members = self._user_refs(data, "userIds")
        if self.api.config.ispring_group_members == "replace":
            group["members"] = {}
        group["members"].update(dict.fromkeys(members, True))
        return empty_reply(200)

    def _op_RemoveUserFromGroups(self, req, admin, data, task_failed):
        user = self._user(admin, req.params["userId"])
        for group in self._group_refs(admin, data, "groupIds", required=True):
            group["members"].pop(user["userId"], None)
        return empty_reply(200)

    # --- users -------------------------------------------------------------------------------------------

    def _user(self, admin, user_id):
        """The user a path names: 404 when there is none, 403 outside the caller's scope."""
        user = self.state.users.get(user_id)
        if user is None:
            raise RestError(A.REST_NOT_FOUND_STATUS, "User not found: %s" % user_id)
        if not A.user_in_scope(admin, user):
            raise RestError(403, "%s: no right on user %s" % (A.FAULT_PERMISSION, user_id))
        return user

    def _op_GetUserProfile(self, req, admin, data, task_failed):
        return json_reply(200, {"response": self._user_json(self._user(admin, req.params["userId"]))})

    _op_GetUserProfileV2 = _op_GetUserProfile  # [doc] UserV2 has User's members

    def _free_login(self, login, user_id):
        other = self.state.users_by_login.get(login)
        if A.LOGINS_UNIQUE and other is not None and other["userId"] != user_id:
            raise bad("fields.login: %s is the login of user %s already" % (login, other["userId"]))

    def _role(self, admin, data, user_id, dep_id):
        """(sandbox role, managed departments) a body asks for, or None when it leaves the role as is."""
        role, managed = data.get("role"), data.get("manageableDepartmentIds")
        current = self.state.admins.get(user_id)
        has = A.REST_ROLE[current["role"] if current else A.ROLE_LEARNER]
        if managed is None and role in (None, has):
            return None  # the role it has: nothing to change, no right needed
        self._may_change(admin, "roles")
        role = has if role is None else role  # manageableDepartmentIds alone
        if role not in A.REST_ROLE_TO_ROLE:
            raise bad("role must be one of %s" % ", ".join(A.REST_ROLE_TO_ROLE))
        if current and current["role"] == A.ROLE_OWNER:
            if role != A.REST_ROLE[A.ROLE_OWNER]:
                raise bad("user %s is the account owner: its role cannot be changed" % user_id)
            return None
        departments = [
            self._department_ref(admin, d, "manageableDepartmentIds")["departmentId"]
            for d in _id_list(data, "manageableDepartmentIds")
        ]
        return A.REST_ROLE_TO_ROLE[role], departments or [dep_id]

    def _password(self, data):
        value = data.get("password")
        if value is not None and (not isinstance(value, str) or not value):
            raise bad("password must be a non-empty string")
        return value

    def _op_AddUser(self, req, admin, data, task_failed):
        st = self.state
        _refuse_not_emulated_members(data)
        dep = self._department_ref(admin, _string(data, "departmentId", required=True), "departmentId")
        known, extra = _profile_fields(data, required=True)
        self._free_login(known["login"], None)
        role = self._role(admin, data, None, dep["departmentId"]) or (A.ROLE_LEARNER, [])
        groups = self._group_refs(admin, data, "groupIds") or []
        password, send = self._password(data), _boolean(data, "sendLoginEmail")
        user_id = st.new_id("user")
        user = st.add_user(dict(known, userId=user_id, departmentId=dep["departmentId"], status="active", fields=extra))
        user["addedDate"] = time.strftime(A.DATETIME_FORMAT, time.gmtime())
        st.set_role(user_id, *role)
        for group in groups:
            group["members"][user_id] = True
        if password is not None:
            st.passwords[user_id] = password
            st.issued.append(password)
        if send:
            st.login_emails.append({"userId": user_id, "login": user["login"], "email": user["email"]})
        return self._created(user_id)

    def _op_UpdateUserProfile(self, req, admin, data, task_failed):
        st = self.state
        _refuse_not_emulated_members(data)
        user = self._user(admin, req.params["userId"])
        dep_id = _string(data, "departmentId")
        if dep_id is not None:
            self._department_ref(admin, dep_id, "departmentId")
        known, extra = _profile_fields(data, required=False)
        if "login" in known:
            self._free_login(known["login"], user["userId"])
        role = self._role(admin, data, user["userId"], dep_id or user["departmentId"])
        groups = self._group_refs(admin, data, "groupIds")
        if "login" in known and known["login"] != user["login"]:
            st.rename_login(user, known.pop("login"))
        user.update(known)
        if extra:
            user.setdefault("fields", {}).update(extra)
        if dep_id is not None:
            user["departmentId"] = dep_id
        if role is not None:
            st.set_role(user["userId"], *role)
        if groups is not None:
            self._set_user_groups(user["userId"], groups)
        return empty_reply(200)

    def _set_user_groups(self, user_id, groups):
        """UpdateUser groupIds, read as `ispring_group_members` says (GROUP_MEMBERS_READINGS)."""
        if self.api.config.ispring_group_members == "replace":
            for group in self.state.groups.values():
                if not group["isSmart"]:
                    group["members"].pop(user_id, None)
        for group in groups:
            group["members"][user_id] = True

    def _untouchable(self, admin, user, what):
        """The account owner and the caller itself cannot be removed or deactivated [assumed]."""
        adm = self.state.admins.get(user["userId"])
        if adm and adm["role"] == A.ROLE_OWNER:
            raise bad("user %s (%s) is the account owner: it cannot be %s" % (user["userId"], user["login"], what))
        if user["userId"] == admin["userId"]:
            raise bad("user %s (%s) is the caller itself: it cannot be %s" % (user["userId"], user["login"], what))

    def _op_ChangeUserStatus(self, req, admin, data, task_failed):
        user = self._user(admin, req.params["userId"])
        status = data.get("status")
        if isinstance(status, bool) or not isinstance(status, int) or status not in _STATUS_WORDS:
            raise bad("status must be 1 (active), 3 (inactive) or 5 (terminated)")
        if _STATUS_WORDS[status] != "active":
            self._untouchable(admin, user, "deactivated")
        user["status"] = _STATUS_WORDS[status]
        return empty_reply(200)

    def _statuses(self, admin, data, word):
        """Activate / Deactivate / Terminate users {userIds}: all checked first, then all changed."""
        users = []
        for user_id in dict.fromkeys(_id_list(data, "userIds", required=True)):
            if user_id not in self.state.users:
                raise bad("userIds: unknown user %s" % user_id)
            users.append(self._user(admin, user_id))
            if word != "active":
                self._untouchable(admin, users[-1], "deactivated")
        for user in users:
            user["status"] = word
        return empty_reply(200)

    def _op_Activate_users(self, req, admin, data, task_failed):
        return self._statuses(admin, data, "active")

    def _op_Deactivate_users(self, req, admin, data, task_failed):
        return self._statuses(admin, data, "inactive")

    def _op_Terminate_users(self, req, admin, data, task_failed):
        return self._statuses(admin, data, "terminated")

    def _op_RemoveUser(self, req, admin, data, task_failed):
        user = self._user(admin, req.params["userId"])
        self._untouchable(admin, user, "removed")
        self.state.remove_user(user["userId"])
        return empty_reply(204)


class RestApi(_People):
    def __init__(self, soap_api):
        self.api = soap_api  # ispring.IspringApi: the state, tokens, tasks and checks are shared
        self.state = soap_api.state

    def handle(self, req, body, authorization, expire_auth=False, task_failed=False):
        self.api.apply_due_tasks()
        try:
            if req.operation is None:
                raise RestError(405, "Method Not Allowed", [("Allow", ", ".join(req.allow))])
            admin = self._authenticate(authorization, expire_auth)
            if not A.has_api_rights(admin):
                raise RestError(403, A.FAULT_PERMISSION)
            data = self._body(body, req.operation) if req.method == "POST" else {}
            return getattr(self, "_op_" + req.operation.replace(" ", "_"))(req, admin, data, task_failed)
        except SoapFault as fault:
            return self._error_reply(_from_fault(fault))
        except RestError as err:
            return self._error_reply(err)

    def _error_reply(self, err):
        """3.2 (r3) setting `ispring_rest_unauthorized`: the body of a 401."""
        form = self.api.config.ispring_rest_unauthorized
        if err.status != 401 or form == "json":
            return err.reply()
        if form == "html":
            return Reply(401, A.REST_UNAUTHORIZED_HTML, "text/html; charset=utf-8")
        return Reply(401, b"", None)

    @property
    def zone(self):
        return _account_zone(self.api.config)

    def _query_list(self, query, name):
        return query_list(query, name, self.api.config.ispring_rest_arrays)

    def _out(self, stored):
        """A stored date-time as a reply writes it: 3.1 (r3) zone-less local time on a "west" account."""
        if not stored or self.api.config.ispring_rest_dates != "west":
            return stored
        return datetime.datetime.strptime(stored, A.DATETIME_FORMAT).strftime(A.ZONELESS_DATETIME_FORMAT)

    def _authenticate(self, authorization, expire_auth):
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise RestError(
                401, "%s: an Authorization: Bearer <token> header is required" % A.REST_UNAUTHORIZED_MESSAGE
            )
        return self.state.admin_for(self.api.user_for_token(token.strip(), expire_auth))

    @staticmethod
    def _body(body, operation):
        if operation in A.XML_BODY_OPERATIONS:
            return _xml_arrays(body)
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else None
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad("the request body is not JSON: %s" % exc) from None
        if not isinstance(data, dict):
            raise bad("the request body must be a JSON object")
        return data

    # --- tasks ---------------------------------------------------------------------------------

    def _op_UpdateCourseStatus(self, req, admin, data, task_failed):
        course_id = _string(data, "courseId", required=True)
        enrollment_ids = _id_list(data, "enrollmentIds", required=True)
        status = data.get("status")
        if status not in A.REST_COURSE_STATUSES:
            raise bad("status must be one of %s" % ", ".join(A.REST_COURSE_STATUSES))
        completion_date = _datetime(data, "date", self.zone)
        if status in A.SET_STATUSES and completion_date is None:
            raise bad("date is required when status is %s" % status)
        reason, score = _string(data, "reason"), _score(data)
        unique = self.api.check_targets(admin, course_id, enrollment_ids)
        task_id = self.api.new_task(
            admin,
            task_failed,
            courseId=course_id,
            enrollmentIds=unique,
            action=status,
            date=data.get("date"),
            completionDate=completion_date if status in A.SET_STATUSES else None,
            reason=reason,
            awardedScore=score,
            interface="rest",
        )
        return json_reply(200, {"taskId": task_id})

    def _op_GetTaskStatus(self, req, admin, data, task_failed):
        raw = req.params["taskId"]
        if not raw.isdigit():
            raise bad("taskId must be an integer")
        task = self.state.tasks.get(int(raw))
        if task is None:
            raise RestError(A.REST_NOT_FOUND_STATUS, "Task not found: %s" % raw)
        return json_reply(200, {"status": A.REST_TASK_STATUS[task["status"]]})

    # --- results and users ---------------------------------------------------------------------

    def _op_ListLearnerResults(self, req, admin, data, task_failed):
        q = req.query
        refuse_not_emulated(q, A.REST_LEARNER_FILTERS_NOT_EMULATED)
        course_ids, enrollment_ids = self._query_list(q, "courseIds"), self._query_list(q, "enrollmentIds")
        user_ids = self._query_list(q, "userIds")
        items = self.api.visible_enrollments(admin, course_ids, enrollment_ids, user_ids)
        key = (admin["userId"], course_ids, enrollment_ids, user_ids)
        rows, nxt = page(items, "RL", key, query_one(q, "pageSize"), query_one(q, "pageToken"))
        return self._page_reply("results", [self._learner_json(e) for e in rows], nxt)

    def _learner_json(self, enr):
        """[doc schema LearnerResult]: the fields the sandbox has; completionDate and dueDate only when set."""
        out = {
            "userId": enr["learnerId"],
            "courseId": enr["courseId"],
            "courseTitle": self.state.courses[enr["courseId"]]["title"],
            "enrollmentId": enr["enrollmentId"],
            "accessDate": self._out(enr.get("accessDate")),
        }
        if enr.get("dueDate"):
            out["dueDate"] = self._out(enr["dueDate"])
        if enr.get("completionDate"):
            out["completionDate"] = self._out(enr["completionDate"])
        out["completionStatus"] = enr["completionStatus"]
        out["awardedScore"] = enr.get("awardedScore") or A.DEFAULT_AWARDED_SCORE
        out["progress"] = self.state.progress(enr)
        out["isOverdue"] = A.is_overdue(enr, time.strftime(A.DATETIME_FORMAT, time.gmtime()))
        return out

    @staticmethod
    def _page_reply(name, records, nxt):
        out = {name: records}
        if nxt:
            out["nextPageToken"] = nxt
        return json_reply(200, out)

    def _op_ListUsers(self, req, admin, data, task_failed):
        q = req.query
        refuse_not_emulated(q, A.REST_USER_FILTERS_NOT_EMULATED)
        items, key = self.api.listed_users(admin, self._query_list(q, "logins"), self._query_list(q, "emails"))
        items, key = self._people_filters(q, items, key)
        rows, nxt = page(items, "RU", key, query_one(q, "pageSize"), query_one(q, "pageToken"))
        return self._page_reply("userProfiles", [self._user_json(u) for u in rows], nxt)

    def _op_ListUsersV2(self, req, admin, data, task_failed):
        return self._users_v2(admin, req.query, query_one(req.query, "pageSize"), query_one(req.query, "pageToken"))

    def _op_ListUsersV2ByPost(self, req, admin, data, task_failed):
        """ListUsersV2 with the filters in an XML body (XML_BODY_OPERATIONS), as setting
        `ispring_users_by_post` says (USERS_BY_POST_FORMS)."""
        form = self.api.config.ispring_users_by_post
        if form == "refuses":
            raise RestError(405, "Method Not Allowed", [("Allow", "GET")])
        filters = {} if form == "ignores" else {name + "[]": values for name, values in data.items()}
        size = {"pages": A.USERS_BY_POST_PAGE_SIZE, "ignores": None}.get(form, ONE_PAGE)
        return self._users_v2(admin, filters, size, query_one(req.query, "pageToken"))

    def _users_v2(self, admin, q, size, token):
        """ListUsers with the file's userIds[] filter too (the ids' users whatever their status:
        LIST_USERS_BY_ID_EVERY_STATUS); logins[] and emails[] as ListUsers, AND-ed with it."""
        refuse_not_emulated(q, A.REST_USER_FILTERS_NOT_EMULATED)
        logins, emails, user_ids = (self._query_list(q, name) for name in ("logins", "emails", "userIds"))
        if not user_ids:
            every = A.LIST_USERS_V2_BY_NAME_EVERY_STATUS and bool(logins or emails)
            items, key = self.api.listed_users(admin, logins, emails, every_status=every)
        else:
            items, key = self._users_by_id(admin, user_ids, logins, emails)
        items, key = self._people_filters(q, items, key)
        rows, nxt = (items, None) if size is ONE_PAGE else page(items, "RV", key, size, token)
        return self._page_reply("userProfiles", [self._user_json(u) for u in rows], nxt)

    def _people_filters(self, q, items, key):
        """3.3 departments[] and groups[] (DEPARTMENT_FILTER_SUB_DEPARTMENTS), AND-ed with the rest."""
        st = self.state
        departments, groups = self._query_list(q, "departments"), self._query_list(q, "groups")
        if departments:
            wanted = set(departments)
            if A.DEPARTMENT_FILTER_SUB_DEPARTMENTS:
                wanted = A.sub_departments(st.departments, departments)
            items = [user for user in items if user["departmentId"] in wanted]
        if groups:
            members = set()
            for group_id in groups:
                if group_id in st.groups:
                    members.update(st.group_members(st.groups[group_id]))
            items = [user for user in items if user["userId"] in members]
        return items, (key, departments, groups) if departments or groups else key

    def _users_by_id(self, admin, user_ids, logins, emails):
        wanted = set(user_ids)
        items = [
            user
            for user in self.state.users.values()
            if user["userId"] in wanted
            and (A.LIST_USERS_BY_ID_EVERY_STATUS or user["status"] == "active")
            and A.user_in_scope(admin, user)
        ]
        if logins or emails:
            named = {user["userId"] for user in self.api.listed_users(admin, logins, emails)[0]}
            items = [user for user in items if user["userId"] in named]
        return items, (admin["userId"], sorted(wanted), logins, emails)

    def _user_json(self, user):
        """[doc schema User]; `fields` is an object [doc UserProfileFields]; `groups` its groups' ids."""
        st = self.state
        adm = st.admin_for(user["userId"])
        role = A.REST_ROLE[adm["role"] if adm else A.ROLE_LEARNER]
        user_role = {"roleId": _role_id(role), "roleType": role}
        if adm and adm.get("scope") is not None:
            user_role["manageableDepartmentIds"] = sorted(adm["scope"])
        return {
            "userId": user["userId"],
            "role": role,
            "roleId": user_role["roleId"],
            "departmentId": user["departmentId"],
            "status": A.REST_USER_STATUS.get(user["status"], 3),
            "fields": self._fields(user),
            "addedDate": user.get("addedDate") or A.REST_USER_DEFAULT_DATE,
            "lastLoginDate": user.get("lastLoginDate") or A.REST_USER_DEFAULT_DATE,
            "userRoles": [user_role],
            "groups": st.user_groups(user["userId"]),
            "subordination": {"subordinationType": "no_supervisor"},
            "coSubordination": {"subordinationType": "no_supervisor"},
        }

    def _fields(self, user):
        """3.2 (r3) setting `ispring_rest_user_fields`: the file's object, or name/value pairs; other
        profile fields (3.3, AddUser / UpdateUser) after the four, by their names."""
        form = self.api.config.ispring_rest_user_fields
        extra = user.get("fields") or {}
        if form == "object":
            out = {key: user[key] for key, _name in A.REST_USER_FIELD_NAMES}
            out.update(extra)
            return out
        pairs = [{"name": name, "value": user[key] or ""} for key, name in A.REST_USER_FIELD_NAMES]
        pairs += [{"name": name, "value": value} for name, value in extra.items()]
        return pairs if form == "pairs" else {"field": pairs}

    # --- enrollments -----------------------------------------------------------------------------

    def _enrollment_filters(self, admin, course_ids, learner_ids, enrollment_ids):
        return self.api.visible_enrollments(admin, course_ids, enrollment_ids, learner_ids)

    def _op_GetEnrollments(self, req, admin, data, task_failed):
        q = req.query
        filters = (self._query_list(q, name) for name in ("courseIds", "learnerIds", "enrollmentIds"))
        items = self._enrollment_filters(admin, *filters)
        return json_reply(200, {"enrollments": [enrollment_json(e) for e in items]})

    def _op_ListEnrollments(self, req, admin, data, task_failed):
        q = req.query
        filters = tuple(self._query_list(q, name) for name in ("courseIds", "learnerIds", "enrollmentIds"))
        return self._enrollments_page(admin, filters, query_one(q, "pageSize"), query_one(q, "pageToken"))

    def _op_ListEnrollmentsByPost(self, req, admin, data, task_failed):
        filters = tuple(_id_list(data, name) for name in ("courseIds", "learnerIds", "enrollmentIds"))
        token = data.get("pageToken")
        return self._enrollments_page(admin, filters, data.get("pageSize"), None if token is None else str(token))

    def _enrollments_page(self, admin, filters, size, token):
        items = self._enrollment_filters(admin, *filters)
        rows, nxt = page(items, "RE", (admin["userId"],) + filters, size, token)
        return self._page_reply("enrollments", [enrollment_json(e) for e in rows], nxt)

    def _op_GetEnrollment(self, req, admin, data, task_failed):
        return json_reply(200, enrollment_json(self._own_enrollment(admin, req.params["enrollmentId"])))

    def _own_enrollment(self, admin, enrollment_id):
        enr = self.state.enrollments.get(enrollment_id)
        if enr is None:
            raise RestError(A.REST_NOT_FOUND_STATUS, "%s: %s" % (A.FAULT_UNKNOWN_ENROLLMENT, enrollment_id))
        self._check_right(admin, enr["courseId"], enr["learnerId"])
        return enr

    def _check_right(self, admin, course_id, learner_id):
        if not A.course_in_scope(admin, course_id):
            raise RestError(403, "%s: no right on course %s" % (A.FAULT_PERMISSION, course_id))
        if not A.user_in_scope(admin, self.state.users[learner_id]):
            raise RestError(403, "%s: no right on learner %s" % (A.FAULT_PERMISSION, learner_id))

    def _due(self, data, course_id, access_date):
        """(dueDateType, dueDate, duePeriod) from a NewEnrollment / UpdateEnrollment body."""
        kind = data.get("dueDateType")
        if kind not in A.DUE_DATE_TYPES:
            raise bad("dueDateType must be one of %s" % ", ".join(A.DUE_DATE_TYPES))
        if kind == "due_date":
            due = _date(data, "dueDate")
            if due is None:
                raise bad("dueDate is required when dueDateType is due_date")
            return kind, due, None
        if kind == "due_period":
            period = data.get("duePeriod")
            if isinstance(period, bool) or not isinstance(period, int) or period < 1:
                raise bad("duePeriod must be an integer >= 1 when dueDateType is due_period")
            unit = "hours" if self.api.config.ispring_due_period_unit == "hours" else "days"
            return kind, _plus(access_date, **{unit: period}), period
        if kind == "default":
            period = self.state.courses[course_id].get("defaultDuePeriod")
            return kind, _plus(access_date, days=period) if period else None, None
        return kind, None, None

    def _op_EnrollLearnersInCourses(self, req, admin, data, task_failed):
        st = self.state
        course_ids = _id_list(data, "courseIds", required=True)
        learner_ids = _id_list(data, "learnerIds", required=True)
        access = _date(data, "accessDate", self.zone) or _today(self.zone)
        for cid in course_ids:
            if cid not in st.courses:
                raise SoapFault(A.FAULT_UNKNOWN_CONTENT, "courseIds: %s" % cid)
        for lid in learner_ids:
            if lid not in st.users:
                raise bad("learnerIds: unknown user %s" % lid)
        dues = {cid: self._due(data, cid, access) for cid in course_ids}
        lock = _boolean(data, "lockAfterDueDate")
        for cid in course_ids:
            for lid in learner_ids:
                self._check_right(admin, cid, lid)
        existing = {(e["courseId"], e["learnerId"]) for e in st.enrollments.values()}
        for cid in dict.fromkeys(course_ids):
            kind, due, period = dues[cid]
            for lid in dict.fromkeys(learner_ids):
                if (cid, lid) not in existing:
                    st.new_enrollment(
                        cid,
                        lid,
                        accessDate=access,
                        dueDate=due,
                        dueDateType=kind,
                        duePeriod=period,
                        lockAfterDueDate=lock,
                    )
        return empty_reply(201)

    def _op_ChangeEnrollment(self, req, admin, data, task_failed):
        enr = self._own_enrollment(admin, req.params["enrollmentId"])
        access = _date(data, "accessDate", self.zone)
        if access is None:
            raise bad("accessDate is required")
        kind, due, period = self._due(data, enr["courseId"], access)
        lock = _boolean(data, "lockAfterDueDate")
        enr.update(accessDate=access, dueDate=due, dueDateType=kind, duePeriod=period, lockAfterDueDate=lock)
        return empty_reply(200)

    def _op_Unenroll(self, req, admin, data, task_failed):
        st = self.state
        ids = list(dict.fromkeys(_id_list(data, "enrollmentIds", required=True)))
        for eid in ids:
            if eid not in st.enrollments:
                raise SoapFault(A.FAULT_UNKNOWN_ENROLLMENT, "enrollmentIds: %s" % eid)
        for eid in ids:
            self._check_right(admin, st.enrollments[eid]["courseId"], st.enrollments[eid]["learnerId"])
        for eid in ids:
            st.remove_enrollment(eid)
        return empty_reply(204)


# --- hostile replies used by fault injection ---------------------------------------------------------

_MALFORMED = {
    "UpdateCourseStatus": {"taskId": 100027},
    "GetTaskStatus": {"status": "complete"},
    "ListLearnerResults": {"results": [{"userId": "x", "completionStatus": "complete"}]},
    "ListUsers": {"userProfiles": [{"userId": "x", "fields": {"login": "x"}}]},
}


def malformed_json(operation):
    """A truncated JSON reply (fault kind `malformed` on REST)."""
    full = json.dumps(_MALFORMED.get(operation, {"enrollments": [{"enrollmentId": "x"}]}))
    return full[: len(full) * 2 // 3]
