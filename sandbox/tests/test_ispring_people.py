"""iSpring Learn REST people calls (contract 3.3; the vendor's OpenAPI file, tags user, department,
group): departments, groups and users read and written, paging, both forms of a 201 id, both readings
of UpdateGroupMembers, the refusals, the scope of a department administrator, and no password in any
reply, the state or the request log."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import E_JDOE_1, E_JDOE_2, SEED_TOKEN, get_token, rest
from test_ispring_rest import ASMITH, JDOE, KWONG, error_of, page_all

ROOT = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c01"
SALES = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c02"
SALES_EMEA = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c03"
ENG = "2f1c7a3e-5b8d-4c1e-9a6f-0d3b2e1a4c04"
MANAGERS = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e01"
NEW_HIRES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e02"
ALL_SALES = "6a0e1f2b-0003-4c4d-8e5f-6a7b8c9d0e03"
OWNER = "8a6b1c2d-0001-4e5f-8a9b-0c1d2e3f4a01"
ADMIN = "8a6b1c2d-0001-4e5f-8a9b-0c1d2e3f4a02"
SALESADMIN = "8a6b1c2d-0001-4e5f-8a9b-0c1d2e3f4a03"
BJONES = "5b2e9f10-0002-4c3d-9e8f-1a2b3c4d5e06"
GHOST = "00000000-0000-4000-8000-00000000dead"
PASSWORD = "Canary-Pa55word-7q"
NEW_USER = "c0000000-0000-4000-8000-000000000001"


def ok(r, status=200):
    assert r.status_code == status, (r.status_code, r.text)
    return r.json() if r.content and r.headers.get("Content-Type", "").startswith("application/json") else r.text


def created(r):
    """A 201 holding the new id, in either form (ispring_created_id)."""
    assert r.status_code == 201, (r.status_code, r.text)
    return r.json() if r.headers["Content-Type"].startswith("application/json") else r.text


def new_user(sb, login="newbie", department=SALES, token=SEED_TOKEN, **extra):
    fields = {"login": login, "email": "%s@example.com" % login, "firstName": "New", "lastName": "Bie"}
    return rest(sb, "POST", "/user", token=token, json=dict({"departmentId": department, "fields": fields}, **extra))


def state(sb):
    return sb.state()["ispring"]


def members(sb, group_id):
    return ok(rest(sb, "GET", "/group/%s" % group_id))["userIds"]


def logins(records):
    return {u["fields"]["login"] for u in records}


# --- the fixture -------------------------------------------------------------------------------------------


def test_fixture_departments_and_groups(sb):
    deps = {d["name"]: d for d in ok(rest(sb, "GET", "/departments"))["departments"]}
    assert {name: d.get("code") for name, d in deps.items()} == {
        "root": None,
        "sales": "SALES",
        "sales-emea": "SALES-EMEA",
        "engineering": "ENG",
    }
    assert "parentDepartmentId" not in deps["root"] and deps["sales-emea"]["parentDepartmentId"] == SALES
    assert deps["sales"]["subordination"] == {"subordinationType": "no_supervisor"}
    groups = ok(rest(sb, "GET", "/groups"))["groups"]
    assert groups == [
        {"groupId": MANAGERS, "name": "Managers", "isSmart": False},
        {"groupId": NEW_HIRES, "name": "New hires", "isSmart": False},
        {"groupId": ALL_SALES, "name": "All sales", "isSmart": True},
    ]
    assert ok(rest(sb, "GET", "/group/%s" % MANAGERS)) == {
        "groupId": MANAGERS,
        "name": "Managers",
        "isSmart": False,
        "userIds": [OWNER, ADMIN],
        "usersCount": 2,
    }
    assert members(sb, NEW_HIRES) == []
    assert members(sb, ALL_SALES) == [SALESADMIN, JDOE, BJONES]  # department sales itself, any status
    assert {g["name"]: g["logins"] for g in state(sb)["groups"]}["All sales"] == ["salesadmin", "jdoe", "bjones"]


# --- reads -------------------------------------------------------------------------------------------------


def test_departments_paging_code_and_one(sb):
    records, pages = page_all(sb, "/departments", "departments", 1)
    assert (pages, [d["departmentId"] for d in records]) == (4, [ROOT, SALES, SALES_EMEA, ENG])
    assert [d["departmentId"] for d in ok(rest(sb, "GET", "/department", params={"code": "SALES"}))["departments"]] == [
        SALES
    ]
    assert ok(rest(sb, "GET", "/department", params={"code": "sales"})) == {"departments": []}  # exact
    assert len(ok(rest(sb, "GET", "/department"))["departments"]) == 4  # no code: all
    assert ok(rest(sb, "GET", "/department/%s" % ENG))["response"]["code"] == "ENG"
    assert GHOST in error_of(rest(sb, "GET", "/department/%s" % GHOST), 404)
    assert "pageSize" in error_of(rest(sb, "GET", "/departments", params={"pageSize": 0}), 400)


def test_groups_paging_and_unknown(sb):
    records, pages = page_all(sb, "/groups", "groups", 2)
    assert (pages, len(records)) == (2, 3)
    assert GHOST in error_of(rest(sb, "GET", "/group/%s" % GHOST), 404)
    token = ok(rest(sb, "GET", "/groups", params={"pageSize": 1}))["nextPageToken"]
    error_of(rest(sb, "GET", "/departments", params={"pageSize": 1, "pageToken": token}), 400)  # another listing


def test_users_carry_department_status_role_groups(sb):
    (jdoe,) = ok(rest(sb, "GET", "/users", params={"logins[]": "jdoe"}))["userProfiles"]
    assert (jdoe["departmentId"], jdoe["status"], jdoe["role"], jdoe["groups"]) == (SALES, 1, "learner", [ALL_SALES])
    owner = ok(rest(sb, "GET", "/user/%s" % OWNER))["response"]
    assert (owner["role"], owner["groups"], owner["fields"]["login"]) == ("administrator", [MANAGERS], "owner")
    bjones = ok(rest(sb, "GET", "/user/%s/v2" % BJONES))["response"]
    assert (bjones["status"], bjones["groups"]) == (3, [ALL_SALES])  # a user by id, whatever its status
    assert GHOST in error_of(rest(sb, "GET", "/user/%s" % GHOST), 404)


def test_users_filtered_by_departments_and_groups(sb):
    sb.settings(ispring_rest_arrays="brackets")
    by_dep = ok(rest(sb, "GET", "/users/v2", params={"departments[]": [SALES_EMEA]}))["userProfiles"]
    assert logins(by_dep) == {"kwong", "ltan"}  # that department only, not its parent's users
    by_group = ok(rest(sb, "GET", "/users", params={"groups[]": [MANAGERS, GHOST]}))["userProfiles"]
    assert logins(by_group) == {"owner", "admin"}
    smart = ok(rest(sb, "GET", "/users/v2", params={"groups[]": ALL_SALES}))["userProfiles"]
    assert logins(smart) == {"salesadmin", "jdoe"}  # bjones is inactive: ListUsers lists active users
    smart = ok(rest(sb, "GET", "/users/v2", params={"groups[]": ALL_SALES, "userIds[]": [BJONES, KWONG]}))
    assert [u["userId"] for u in smart["userProfiles"]] == [BJONES]  # AND-ed, every status by id
    both = {"departments[]": SALES, "groups[]": MANAGERS}
    assert ok(rest(sb, "GET", "/users", params=both))["userProfiles"] == []
    records, pages = page_all(sb, "/users/v2", "userProfiles", 1, **{"departments[]": [SALES, ENG]})
    assert (pages, len(records)) == (6, 6)


@pytest.mark.parametrize("form", ["object", "pairs", "field_list"])
def test_profile_fields_in_every_form(sb, form):
    sb.settings(ispring_rest_user_fields=form)
    user_id = created(new_user(sb))
    rest(sb, "POST", "/user/%s" % user_id, json={"fields": {"PHONE": "+1 555", "first_name": "Nova"}})
    fields = ok(rest(sb, "GET", "/user/%s" % user_id))["response"]["fields"]
    if form == "object":
        assert fields == {
            "login": "newbie",
            "email": "newbie@example.com",
            "firstName": "Nova",
            "lastName": "Bie",
            "PHONE": "+1 555",
        }
    else:
        pairs = fields if form == "pairs" else fields["field"]
        assert {p["name"]: p["value"] for p in pairs} == {
            "LOGIN": "newbie",
            "EMAIL": "newbie@example.com",
            "FIRST_NAME": "Nova",
            "LAST_NAME": "Bie",
            "PHONE": "+1 555",
        }


# --- departments: writes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["json", "text"])
def test_add_department_answers_the_id_in_both_forms(sb, form):
    sb.settings(ispring_created_id=form)
    r = rest(sb, "POST", "/department", json={"name": "Sales UK", "parentDepartmentId": SALES, "code": "SALES-UK"})
    assert r.status_code == 201
    if form == "json":
        assert r.headers["Content-Type"] == "application/json" and r.text == '"d0000000-0000-4000-8000-000000000001"'
    else:
        assert r.headers["Content-Type"].startswith("text/plain") and r.text == "d0000000-0000-4000-8000-000000000001"
    dep = ok(rest(sb, "GET", "/department", params={"code": "SALES-UK"}))["departments"]
    assert dep == [
        {
            "departmentId": "d0000000-0000-4000-8000-000000000001",
            "name": "Sales UK",
            "parentDepartmentId": SALES,
            "code": "SALES-UK",
            "subordination": {"subordinationType": "no_supervisor"},
            "coSubordination": {"subordinationType": "no_supervisor"},
        }
    ]
    group = created(rest(sb, "POST", "/group", json={"name": "Trainers"}))
    assert group == "a0000000-0000-4000-8000-000000000001"
    assert created(new_user(sb)) == NEW_USER


def test_add_department_refusals(sb):
    assert "code: SALES" in error_of(
        rest(sb, "POST", "/department", json={"name": "x", "parentDepartmentId": ROOT, "code": "SALES"}), 400
    )
    assert GHOST in error_of(rest(sb, "POST", "/department", json={"name": "x", "parentDepartmentId": GHOST}), 400)
    assert "name" in error_of(rest(sb, "POST", "/department", json={"parentDepartmentId": ROOT}), 400)
    assert "parentDepartmentId" in error_of(rest(sb, "POST", "/department", json={"name": "x"}), 400)
    assert len(state(sb)["departments"]) == 4


def test_update_department_renames_moves_and_recodes(sb):
    assert (
        rest(sb, "POST", "/department/%s" % SALES_EMEA, json={"name": "EMEA", "parentDepartmentId": ROOT}).status_code
        == 204
    )
    dep = ok(rest(sb, "GET", "/department/%s" % SALES_EMEA))["response"]
    assert (dep["name"], dep["parentDepartmentId"], dep["code"]) == ("EMEA", ROOT, "SALES-EMEA")
    assert rest(sb, "POST", "/department/%s" % SALES_EMEA, json={"code": "EMEA"}).status_code == 204
    assert ok(rest(sb, "GET", "/department", params={"code": "EMEA"}))["departments"][0]["name"] == "EMEA"
    assert rest(sb, "POST", "/department/%s" % SALES_EMEA, json={"code": ""}).status_code == 204  # cleared
    assert "code" not in ok(rest(sb, "GET", "/department/%s" % SALES_EMEA))["response"]
    assert "ENG" in error_of(rest(sb, "POST", "/department/%s" % SALES, json={"code": "ENG"}), 400)


def test_update_department_refuses_a_cycle_and_the_root(sb):
    message = error_of(rest(sb, "POST", "/department/%s" % SALES, json={"parentDepartmentId": SALES_EMEA}), 400)
    assert "sub-departments" in message and SALES_EMEA in message
    assert "root" in error_of(rest(sb, "POST", "/department/%s" % ROOT, json={"parentDepartmentId": ENG}), 400)
    assert GHOST in error_of(rest(sb, "POST", "/department/%s" % ENG, json={"parentDepartmentId": GHOST}), 400)
    error_of(rest(sb, "POST", "/department/%s" % GHOST, json={"name": "x"}), 404)


def test_remove_department_refuses_one_with_users_or_sub_departments(sb):
    message = error_of(rest(sb, "DELETE", "/department/%s" % SALES), 400)
    assert "sub-departments sales-emea" in message and "users salesadmin, jdoe, bjones" in message
    message = error_of(rest(sb, "DELETE", "/department/%s" % SALES_EMEA), 400)
    assert "users kwong, ltan" in message and "sub-departments" not in message
    assert "root" in error_of(rest(sb, "DELETE", "/department/%s" % ROOT), 400)
    empty = created(rest(sb, "POST", "/department", json={"name": "Empty", "parentDepartmentId": SALES_EMEA}))
    message = error_of(rest(sb, "DELETE", "/department/%s" % SALES_EMEA), 400)
    assert "sub-departments Empty" in message
    assert rest(sb, "DELETE", "/department/%s" % empty).status_code == 204
    assert empty not in {d["departmentId"] for d in state(sb)["departments"]}
    error_of(rest(sb, "DELETE", "/department/%s" % empty), 404)


# --- users: writes -------------------------------------------------------------------------------------------


def test_add_user_and_read_it_back(sb):
    user_id = created(new_user(sb, department=SALES_EMEA, groupIds=[NEW_HIRES], sendLoginEmail=True, password=PASSWORD))
    user = ok(rest(sb, "GET", "/user/%s" % user_id))["response"]
    assert (user["departmentId"], user["status"], user["role"], user["groups"]) == (
        SALES_EMEA,
        1,
        "learner",
        [NEW_HIRES],
    )
    assert user["fields"]["login"] == "newbie"
    assert members(sb, NEW_HIRES) == [user_id]
    assert state(sb)["loginEmails"] == [{"userId": user_id, "login": "newbie", "email": "newbie@example.com"}]
    assert [e["operation"] for e in sb.requests(interface="rest")] == ["AddUser", "GetUserProfile", "GetGroup"]


def test_add_user_refusals(sb):
    assert "jdoe" in error_of(new_user(sb, login="jdoe"), 400)  # logins are unique
    assert "fields.email" in error_of(
        rest(sb, "POST", "/user", json={"departmentId": SALES, "fields": {"login": "x"}}), 400
    )
    bad_email = {"departmentId": SALES, "fields": {"login": "x", "email": "not-an-email"}}
    assert "fields.email" in error_of(rest(sb, "POST", "/user", json=bad_email), 400)
    assert GHOST in error_of(new_user(sb, department=GHOST), 400)
    assert GHOST in error_of(new_user(sb, groupIds=[GHOST]), 400)
    assert "smart group" in error_of(new_user(sb, groupIds=[ALL_SALES]), 400)
    assert "role" in error_of(new_user(sb, role="boss"), 400)
    assert "roleId" in error_of(new_user(sb, roleId=GHOST), 400)
    assert "fields must be an object" in error_of(
        rest(sb, "POST", "/user", json={"departmentId": SALES, "fields": [{"name": "LOGIN", "value": "x"}]}), 400
    )
    assert "newbie" not in {u["login"] for u in state(sb)["users"]}  # nothing was made


def test_a_password_is_a_secret_never_echoed(sb):
    """The password reaches the state (its SHA-256 only), is a secret of the sandbox for the canary
    checks, and appears in no reply, no state and no request log entry."""
    user_id = created(new_user(sb, password=PASSWORD))
    assert PASSWORD in sb.secrets()
    replies = [
        rest(sb, "GET", "/user/%s" % user_id).text,
        rest(sb, "GET", "/user/%s/v2" % user_id).text,
        rest(sb, "GET", "/users").text,
        rest(sb, "GET", "/users/v2", params={"userIds[]": user_id}).text,
        rest(sb, "GET", "/group/%s" % ALL_SALES).text,
        error_of(new_user(sb, password=PASSWORD), 400),  # the duplicate login's refusal
    ]
    rest(sb, "POST", "/user/%s" % user_id, data=b'{"password": "%s", "fields": 1' % PASSWORD.encode())  # not JSON
    assert not [text for text in replies if PASSWORD in text]
    everything = json.dumps(sb.state()) + json.dumps(sb.requests())
    assert PASSWORD not in everything
    [first, second] = [e["body"] for e in sb.requests(operation="AddUser")]
    assert json.loads(first)["password"] == "********" and json.loads(second)["password"] == "********"
    assert '"password": "********"' in sb.requests(operation="UpdateUserProfile")[0]["body"]
    assert state(sb)["passwords"] == {user_id: hashlib.sha256(PASSWORD.encode()).hexdigest()}
    sb.reset()
    assert sb.secrets() == []


def test_update_user_moves_renames_and_sets_role(sb):
    user_id = created(new_user(sb))
    body = {"departmentId": ENG, "fields": {"login": "novice", "lastName": "Vice"}, "role": "department_administrator"}
    assert ok(rest(sb, "POST", "/user/%s" % user_id, json=body)) == ""
    user = ok(rest(sb, "GET", "/user/%s" % user_id))["response"]
    assert (user["departmentId"], user["role"], user["fields"]["login"], user["fields"]["lastName"]) == (
        ENG,
        "department_administrator",
        "novice",
        "Vice",
    )
    assert user["fields"]["email"] == "newbie@example.com"  # a field not named is left as it is
    assert user["userRoles"][0]["manageableDepartmentIds"] == [ENG]  # default: the user's department
    assert "jdoe" in error_of(rest(sb, "POST", "/user/%s" % user_id, json={"fields": {"login": "jdoe"}}), 400)
    sub = created(rest(sb, "POST", "/department", json={"name": "Platform", "parentDepartmentId": ENG}))
    r = rest(sb, "POST", "/user/%s" % user_id, json={"manageableDepartmentIds": [SALES_EMEA, sub]})
    assert r.status_code == 200  # the role it has, other departments
    managed = ok(rest(sb, "GET", "/user/%s" % user_id))["response"]["userRoles"][0]["manageableDepartmentIds"]
    assert managed == sorted([SALES_EMEA, sub])
    assert rest(sb, "POST", "/user/%s" % user_id, json={"role": "learner"}).status_code == 200
    assert ok(rest(sb, "GET", "/user/%s" % user_id))["response"]["role"] == "learner"
    assert "owner" in error_of(rest(sb, "POST", "/user/%s" % OWNER, json={"role": "learner"}), 400)
    assert rest(sb, "POST", "/user/%s" % OWNER, json={"role": "administrator"}).status_code == 200  # as it is
    assert GHOST in error_of(rest(sb, "POST", "/user/%s" % user_id, json={"departmentId": GHOST}), 400)
    error_of(rest(sb, "POST", "/user/%s" % GHOST, json={}), 404)


@pytest.mark.parametrize("reading, groups", [("add", [MANAGERS, NEW_HIRES]), ("replace", [NEW_HIRES])])
def test_update_user_group_ids_in_both_readings(sb, reading, groups):
    sb.settings(ispring_group_members=reading)
    assert rest(sb, "POST", "/user/%s" % ADMIN, json={"groupIds": [NEW_HIRES]}).status_code == 200
    assert ok(rest(sb, "GET", "/user/%s" % ADMIN))["response"]["groups"] == groups


@pytest.mark.parametrize("status, word", [(3, "inactive"), (5, "terminated"), (1, "active")])
def test_change_user_status(sb, status, word):
    assert rest(sb, "POST", "/user/%s/status" % JDOE, json={"status": status}).status_code == 200
    assert {u["login"]: u["status"] for u in state(sb)["users"]}["jdoe"] == word
    assert ok(rest(sb, "GET", "/user/%s" % JDOE))["response"]["status"] == status
    listed = {u["userId"] for u in ok(rest(sb, "GET", "/users"))["userProfiles"]}
    assert (JDOE in listed) == (status == 1)


def test_change_user_status_refusals(sb):
    for status in (2, "3", None, True):
        assert "status" in error_of(rest(sb, "POST", "/user/%s/status" % JDOE, json={"status": status}), 400)
    assert "owner" in error_of(rest(sb, "POST", "/user/%s/status" % OWNER, json={"status": 3}), 400)
    assert "caller itself" in error_of(rest(sb, "POST", "/user/%s/status" % ADMIN, json={"status": 3}), 400)
    assert rest(sb, "POST", "/user/%s/status" % BJONES, json={"status": 1}).status_code == 200


def test_bulk_status_calls(sb):
    """POST /users/activate|deactivate|terminate {userIds} (operationIds "Activate users", ...): all or nothing."""
    assert rest(sb, "POST", "/users/deactivate", json={"userIds": [JDOE, KWONG]}).status_code == 200
    assert rest(sb, "POST", "/users/activate", json={"userIds": [BJONES, JDOE]}).status_code == 200
    assert rest(sb, "POST", "/users/terminate", json={"userIds": [ASMITH]}).status_code == 200
    words = {u["login"]: u["status"] for u in state(sb)["users"]}
    assert [words[x] for x in ("jdoe", "kwong", "bjones", "asmith")] == ["active", "inactive", "active", "terminated"]
    assert GHOST in error_of(rest(sb, "POST", "/users/deactivate", json={"userIds": [JDOE, GHOST]}), 400)
    assert "owner" in error_of(rest(sb, "POST", "/users/deactivate", json={"userIds": [JDOE, OWNER]}), 400)
    assert "userIds" in error_of(rest(sb, "POST", "/users/activate", json={}), 400)
    assert {u["login"]: u["status"] for u in state(sb)["users"]}["jdoe"] == "active"  # nothing changed
    assert [e["operation"] for e in sb.requests(interface="rest")][:3] == [
        "Deactivate users",
        "Activate users",
        "Terminate users",
    ]


def test_remove_user(sb):
    assert rest(sb, "DELETE", "/user/%s" % JDOE).status_code == 204
    st = state(sb)
    assert "jdoe" not in {u["login"] for u in st["users"]}
    assert not {E_JDOE_1, E_JDOE_2} & {e["enrollmentId"] for e in st["enrollments"]}
    assert JDOE not in members(sb, ALL_SALES)
    error_of(rest(sb, "GET", "/user/%s" % JDOE), 404)
    error_of(rest(sb, "DELETE", "/user/%s" % JDOE), 404)
    assert "owner" in error_of(rest(sb, "DELETE", "/user/%s" % OWNER), 400)
    assert created(new_user(sb, login="jdoe"))  # the login is free again


# --- groups: writes -------------------------------------------------------------------------------------------


def test_add_rename_remove_group(sb):
    group = created(rest(sb, "POST", "/group", json={"name": "Trainers", "userIds": [JDOE, ASMITH, JDOE]}))
    assert ok(rest(sb, "GET", "/group/%s" % group)) == {
        "groupId": group,
        "name": "Trainers",
        "isSmart": False,
        "userIds": [JDOE, ASMITH],
        "usersCount": 2,
    }
    assert rest(sb, "POST", "/group/%s" % group, json={"name": "Coaches"}).status_code == 200
    assert ok(rest(sb, "GET", "/group/%s" % group))["name"] == "Coaches"
    assert GHOST in error_of(rest(sb, "POST", "/group", json={"name": "x", "userIds": [GHOST]}), 400)
    assert "name" in error_of(rest(sb, "POST", "/group", json={}), 400)
    assert rest(sb, "DELETE", "/group/%s" % group).status_code == 204
    error_of(rest(sb, "GET", "/group/%s" % group), 404)
    assert group not in ok(rest(sb, "GET", "/user/%s" % JDOE))["response"]["groups"]


@pytest.mark.parametrize("reading, after", [("add", [OWNER, ADMIN, JDOE, KWONG]), ("replace", [JDOE, KWONG])])
def test_update_group_members_in_both_readings(sb, reading, after):
    sb.settings(ispring_group_members=reading)
    r = rest(sb, "POST", "/group/%s/members" % MANAGERS, json={"userIds": [JDOE, KWONG, JDOE]})
    assert r.status_code == 200 and r.content == b""
    assert members(sb, MANAGERS) == after
    assert sb.requests(interface="rest")[0]["operation"] == "UpdateGroupMembers"


def test_update_group_members_refusals(sb):
    assert GHOST in error_of(rest(sb, "POST", "/group/%s/members" % MANAGERS, json={"userIds": [JDOE, GHOST]}), 400)
    assert "userIds" in error_of(rest(sb, "POST", "/group/%s/members" % MANAGERS, json={}), 400)
    assert members(sb, MANAGERS) == [OWNER, ADMIN]
    error_of(rest(sb, "POST", "/group/%s/members" % GHOST, json={"userIds": [JDOE]}), 404)
    sb.settings(ispring_group_members="replace")
    assert rest(sb, "POST", "/group/%s/members" % MANAGERS, json={"userIds": []}).status_code == 200
    assert members(sb, MANAGERS) == []  # replace with nobody empties the group


def test_remove_user_from_groups(sb):
    r = rest(sb, "POST", "/user/%s/groups/remove" % ADMIN, json={"groupIds": [MANAGERS, NEW_HIRES]})
    assert r.status_code == 200
    assert members(sb, MANAGERS) == [OWNER]
    assert GHOST in error_of(rest(sb, "POST", "/user/%s/groups/remove" % ADMIN, json={"groupIds": [GHOST]}), 400)
    assert "groupIds" in error_of(rest(sb, "POST", "/user/%s/groups/remove" % ADMIN, json={}), 400)


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/group/%s/members" % ALL_SALES, {"userIds": [KWONG]}),
        ("POST", "/group/%s" % ALL_SALES, {"name": "Sales people"}),
        ("POST", "/user/%s/groups/remove" % JDOE, {"groupIds": [ALL_SALES]}),
        ("POST", "/user/%s" % KWONG, {"groupIds": [ALL_SALES]}),
    ],
)
def test_a_smart_group_cannot_be_changed(sb, method, path, body):
    message = error_of(rest(sb, method, path, json=body), 400)
    assert "smart group" in message and "All sales" in message and ALL_SALES in message
    assert members(sb, ALL_SALES) == [SALESADMIN, JDOE, BJONES]
    assert ok(rest(sb, "GET", "/group/%s" % ALL_SALES))["name"] == "All sales"


def test_a_smart_group_follows_its_department(sb):
    rest(sb, "POST", "/user/%s" % KWONG, json={"departmentId": SALES})
    assert KWONG in members(sb, ALL_SALES)
    assert created(new_user(sb))
    assert NEW_USER in members(sb, ALL_SALES)
    assert rest(sb, "DELETE", "/group/%s" % ALL_SALES).status_code == 204  # a smart group may be removed


# --- rights ------------------------------------------------------------------------------------------------------


def test_department_administrator_scope(sb):
    token = get_token(sb, "sales")
    deps = ok(rest(sb, "GET", "/departments", token=token))["departments"]
    assert [d["departmentId"] for d in deps] == [SALES, SALES_EMEA]
    assert ok(rest(sb, "GET", "/department", token=token, params={"code": "ENG"})) == {"departments": []}
    error_of(rest(sb, "GET", "/department/%s" % ENG, token=token), 403)
    error_of(new_user(sb, department=ENG, token=token), 403)
    user_id = created(new_user(sb, department=SALES_EMEA, token=token))  # a learner in its scope
    sub = created(rest(sb, "POST", "/department", token=token, json={"name": "UK", "parentDepartmentId": SALES}))
    assert rest(sb, "POST", "/user/%s" % user_id, token=token, json={"departmentId": sub}).status_code == 200
    error_of(rest(sb, "POST", "/user/%s" % user_id, token=token, json={"departmentId": ENG}), 403)
    error_of(rest(sb, "POST", "/user/%s" % user_id, token=token, json={"role": "administrator"}), 403)
    error_of(rest(sb, "POST", "/group", token=token, json={"name": "Mine"}), 403)
    error_of(rest(sb, "POST", "/group/%s/members" % NEW_HIRES, token=token, json={"userIds": [user_id]}), 403)
    error_of(rest(sb, "GET", "/user/%s" % ADMIN, token=token), 403)
    error_of(rest(sb, "DELETE", "/department/%s" % ENG, token=token), 403)
    assert ok(rest(sb, "GET", "/group/%s" % MANAGERS, token=token))["userIds"] == []  # nobody it may see
    assert rest(sb, "DELETE", "/user/%s" % user_id, token=token).status_code == 204


PEOPLE_CALLS = [
    ("GET", "/departments", None),
    ("GET", "/department", None),
    ("POST", "/department", {"name": "x", "parentDepartmentId": ROOT}),
    ("GET", "/department/%s" % SALES, None),
    ("POST", "/department/%s" % SALES, {"name": "x"}),
    ("DELETE", "/department/%s" % ENG, None),
    ("GET", "/groups", None),
    ("POST", "/group", {"name": "x"}),
    ("GET", "/group/%s" % MANAGERS, None),
    ("POST", "/group/%s" % MANAGERS, {"name": "x"}),
    ("DELETE", "/group/%s" % MANAGERS, None),
    ("POST", "/group/%s/members" % MANAGERS, {"userIds": [JDOE]}),
    ("POST", "/user", {"departmentId": SALES, "fields": {"login": "x", "email": "x@example.com"}}),
    ("GET", "/user/%s" % JDOE, None),
    ("GET", "/user/%s/v2" % JDOE, None),
    ("POST", "/user/%s" % JDOE, {"departmentId": ENG}),
    ("DELETE", "/user/%s" % JDOE, None),
    ("POST", "/user/%s/status" % JDOE, {"status": 3}),
    ("POST", "/user/%s/groups/remove" % ADMIN, {"groupIds": [MANAGERS]}),
    ("POST", "/users/activate", {"userIds": [BJONES]}),
    ("POST", "/users/deactivate", {"userIds": [KWONG]}),
    ("POST", "/users/terminate", {"userIds": [ASMITH]}),
]
PEOPLE_WRITES = {
    "AddDepartment",
    "UpdateDepartment",
    "RemoveDepartment",
    "AddGroup",
    "UpdateGroup",
    "RemoveGroup",
    "UpdateGroupMembers",
    "AddUser",
    "UpdateUserProfile",
    "RemoveUser",
    "ChangeUserStatus",
    "RemoveUserFromGroups",
    "Activate users",
    "Deactivate users",
    "Terminate users",
}


@pytest.mark.parametrize("method, path, body", PEOPLE_CALLS)
def test_viewer_gets_403_and_nobody_401(sb, method, path, body):
    before = state(sb)
    assert error_of(rest(sb, method, path, token=get_token(sb, "viewer"), json=body), 403) == "Permission denied"
    error_of(rest(sb, method, path, token=None, json=body), 401)
    after = state(sb)
    assert [after[k] for k in ("departments", "users", "groups")] == [
        before[k] for k in ("departments", "users", "groups")
    ]


def test_every_people_write_is_logged_by_its_operation(sb):
    for method, path, body in PEOPLE_CALLS:
        rest(sb, method, path, json=body)
    logged = [e["operation"] for e in sb.requests(interface="rest") if e["method"] != "GET"]
    assert set(logged) == PEOPLE_WRITES
    assert not [e for e in sb.requests(interface="rest") if e["method"] == "GET" and e["operation"] in PEOPLE_WRITES]


def test_wrong_methods_405(sb):
    r = rest(sb, "PUT", "/department/%s" % SALES)
    assert error_of(r, 405) and r.headers["Allow"] == "DELETE, GET, POST"
    assert rest(sb, "DELETE", "/groups").headers["Allow"] == "GET"
    assert rest(sb, "GET", "/group/%s/members" % MANAGERS).headers["Allow"] == "POST"


# --- POST /users/v2 (ListUsersV2ByPost): the filters in an XML body, setting ispring_users_by_post ---------


def users_by_post(sb, body):
    return rest(sb, "POST", "/users/v2", data=body, headers={"Content-Type": "application/xml"})


def xml_filter(name, values):
    return "<?xml version='1.0' encoding='utf-8'?>\n<request>%s</request>" % "".join(
        "<%s>%s</%s>" % (name, value, name) for value in values
    )


def test_users_by_post_lists_the_users_the_body_asks_for(sb):
    listed = ok(users_by_post(sb, xml_filter("logins", ["jdoe", "kwong", "nobody"])))
    assert logins(listed["userProfiles"]) == {"jdoe", "kwong"} and "nextPageToken" not in listed
    listed = ok(users_by_post(sb, xml_filter("userIds", [JDOE, GHOST])))
    assert [u["userId"] for u in listed["userProfiles"]] == [JDOE]
    assert "not XML" in error_of(users_by_post(sb, "logins=jdoe"), 400)


def test_users_by_post_in_each_form(sb):
    sb.settings(ispring_users_by_post="ignores")
    assert logins(ok(users_by_post(sb, xml_filter("logins", ["jdoe"])))["userProfiles"]) > {"jdoe", "kwong"}
    sb.settings(ispring_users_by_post="refuses")
    assert users_by_post(sb, xml_filter("logins", ["jdoe"])).status_code == 405
    sb.settings(ispring_users_by_post="pages")
    hires = ["hire%02d" % n for n in range(60)]  # more than USERS_BY_POST_PAGE_SIZE
    for login in hires:
        created(new_user(sb, login=login))
    listed = ok(users_by_post(sb, xml_filter("logins", hires)))
    assert len(listed["userProfiles"]) == 50 and listed["nextPageToken"]
    sb.settings(ispring_users_by_post="lists")  # one page, longer than a GET's (ISPRING_PAGE_SIZE_MAX)
    hires += ["hire%04d" % n for n in range(1000)]
    for login in hires[60:]:
        created(new_user(sb, login=login))
    listed = ok(users_by_post(sb, xml_filter("logins", hires)))
    assert len(listed["userProfiles"]) == 1060 and "nextPageToken" not in listed
