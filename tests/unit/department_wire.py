# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring REST department requests and replies for scripted tests (the OpenAPI file's
ListDepartments, AddDepartment, UpdateDepartment, RemoveDepartment, and ListUsersV2 by
departments[])."""

from __future__ import annotations

from ansible_collections.learnops.lms.tests.unit.ispring_wire import rest_call, rest_user


def rest_department(department_id, name, code=None, parent=None):
    """One Department as a listing carries it (code and parentDepartmentId only when set)."""
    found = dict(departmentId=department_id, name=name)
    if code is not None:
        found["code"] = code
    if parent is not None:
        found["parentDepartmentId"] = parent
    found.update(subordination=dict(inheritanceType="inherit"), coSubordination=dict(inheritanceType="inherit"))
    return found


def departments_call(departments, next_token=None, page_token=None):
    """GET /departments, one page."""
    params = [("pageSize", "1000")] + ([("pageToken", page_token)] if page_token else [])
    reply = {"departments": list(departments)}
    if next_token:
        reply["nextPageToken"] = next_token
    return rest_call("GET", "/departments", reply, params=params)


def create_call(name, parent, code=None, new_id="d-new", status=201, reply=None):
    """POST /department with a NewDepartment body; the 201 carries the new id as a JSON string
    (``reply`` another body, for example plain text)."""
    body = dict(name=name, parentDepartmentId=parent)
    if code is not None:
        body["code"] = code
    return rest_call("POST", "/department", '"%s"' % new_id if reply is None else reply, body=body, status=status)


def update_call(department_id, name, parent, code=None, status=204, reply=None):
    """POST /department/{id} with an UpdateDepartment body."""
    body = dict(name=name, parentDepartmentId=parent)
    if code is not None:
        body["code"] = code
    return rest_call("POST", "/department/%s" % department_id, reply, body=body, status=status)


def delete_call(department_id, status=204, reply=None):
    return rest_call("DELETE", "/department/%s" % department_id, reply, status=status)


def department_users_call(department_ids, users=()):
    """GET /users/v2 by departments[] (as the client sends them, sorted); ``users`` are
    (user ID, login, department ID)."""
    params = [("departments[]", d) for d in sorted(department_ids)] + [("pageSize", "1000")]
    found = [dict(rest_user(u, login, "%s@example.com" % login), departmentId=d) for u, login, d in users]
    return rest_call("GET", "/users/v2", {"userProfiles": found}, params=params)
