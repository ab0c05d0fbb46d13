# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring REST user, department and group requests and replies for scripted tests (the OpenAPI
file's ListUsersV2, ListDepartments, ListGroups, GetGroup, UpdateGroupMembers, AddUser,
UpdateUserProfile, ChangeUserStatus and RemoveUser)."""

from __future__ import annotations

from ansible_collections.learnops.lms.tests.unit.ispring_wire import rest_call

ROOT, SALES, EMEA, ENG = "d0", "d-sales", "d-emea", "d-eng"
DEPARTMENTS = [
    dict(departmentId=ROOT, name="Company"),
    dict(departmentId=SALES, name="Sales", code="SALES", parentDepartmentId=ROOT),
    dict(departmentId=EMEA, name="Sales EMEA", code="SALES-EMEA", parentDepartmentId=SALES),
    dict(departmentId=ENG, name="Engineering", code="ENG", parentDepartmentId=ROOT),
]
MANAGERS, NEW_HIRES, ALL_SALES = "g-managers", "g-new-hires", "g-all-sales"
GROUPS = [
    dict(groupId=MANAGERS, name="Managers", isSmart=False),
    dict(groupId=NEW_HIRES, name="New hires", isSmart=False),
    dict(groupId=ALL_SALES, name="All sales", isSmart=True),
]


def user(user_id, login, email=None, first=None, last=None, department=SALES, status=1, role="learner", **fields):
    """One User as GET /users/v2 lists it (fields as an object)."""
    found = dict(login=login, email=email or "%s@example.com" % login)
    found.update((name, value) for name, value in (("firstName", first), ("lastName", last)) if value is not None)
    found.update(fields)
    return dict(userId=user_id, role=role, departmentId=department, status=status, fields=found)


def users_call(logins, users=()):
    """GET /users/v2 by logins[] (sorted, as the client sends them), one page."""
    params = [("logins[]", login) for login in sorted(logins)] + [("pageSize", "1000")]
    return rest_call("GET", "/users/v2", {"userProfiles": list(users)}, params=params)


def users_where_call(name, values, users=()):
    """GET /users/v2 by one of userIds[], departments[], groups[] (or none: name None)."""
    params = [("%s[]" % name, value) for value in sorted(values)] if name else []
    return rest_call("GET", "/users/v2", {"userProfiles": list(users)}, params=params + [("pageSize", "1000")])


def departments_call(departments=None):
    departments = DEPARTMENTS if departments is None else departments
    return rest_call("GET", "/departments", {"departments": list(departments)}, params=[("pageSize", "1000")])


def groups_call(groups=None):
    groups = GROUPS if groups is None else groups
    return rest_call("GET", "/groups", {"groups": list(groups)}, params=[("pageSize", "1000")])


def group_call(group_id, user_ids, name="Group", users_count=None):
    """GET /group/{id}: a DetailedGroup (``users_count``: its usersCount, by default the ids listed)."""
    count = len(user_ids) if users_count is None else users_count
    reply = dict(groupId=group_id, name=name, isSmart=False, usersCount=count, userIds=list(user_ids))
    return rest_call("GET", "/group/%s" % group_id, reply)


def members_call(group_id, user_ids, status=200, reply=None):
    return rest_call("POST", "/group/%s/members" % group_id, reply, body={"userIds": list(user_ids)}, status=status)


def add_user_call(department, fields, new_id, status=201, reply=None, **optional):
    """POST /user with a NewUser body in the client's key order; the reply: the new ID as a JSON string."""
    body = dict(departmentId=department, fields=fields)
    for name in ("password", "role", "groupIds", "sendLoginEmail"):
        if name in optional:
            body[name] = optional[name]
    answer = reply if reply is not None else '"%s"' % new_id
    return rest_call("POST", "/user", answer, body=body, status=status)


def update_user_call(user_id, status=200, reply=None, **body):
    return rest_call("POST", "/user/%s" % user_id, reply, body=body, status=status)


def status_call(user_id, number, status=200, reply=None):
    return rest_call("POST", "/user/%s/status" % user_id, reply, body={"status": number}, status=status)


def delete_user_call(user_id, status=204, reply=None):
    return rest_call("DELETE", "/user/%s" % user_id, reply, status=status)
