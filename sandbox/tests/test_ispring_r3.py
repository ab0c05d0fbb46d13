"""iSpring Learn, contract revision 3 (section 3): the forms a real tenant's REST (and SOAP) answers
take where the vendor's OpenAPI file is wrong or silent, one setting each (assumptions.py, part 3)."""

from __future__ import annotations

import pytest
from conftest import (
    COURSE1,
    COURSE2,
    E_ASMITH_1,
    E_JDOE_1,
    E_JDOE_2,
    SEED_TOKEN,
    enrollment,
    find_all,
    ids,
    rest,
    soap,
    text_of,
    wait_until,
)
from test_ispring_rest import JDOE, NO_COURSE, by_enrollment, complete_body, error_of, results, set_status

from lms_sandbox import assumptions as A


def test_strict_settings_name_every_r3_setting(sb):
    known = sb.settings()
    assert set(A.STRICT_SETTINGS) <= set(known)
    sb.settings(**A.STRICT_SETTINGS)
    assert {name: sb.settings()[name] for name in A.STRICT_SETTINGS} == A.STRICT_SETTINGS


def test_arrays_brackets_keep_the_last_bare_value(sb):
    """3.1: the default reads arrays the PHP way: repeated bare names keep only the last value."""
    bare = results(sb, courseIds=COURSE1, userIds=[JDOE, "someone-else"])["results"]
    assert bare == []  # userIds=<someone-else> only
    brackets = results(sb, **{"courseIds[]": COURSE1, "userIds[]": [JDOE, "someone-else"]})["results"]
    assert set(by_enrollment(brackets)) == {E_JDOE_1}
    sb.settings(ispring_rest_arrays="lenient")
    assert set(by_enrollment(results(sb, courseIds=COURSE1, userIds=[JDOE, "x"])["results"])) == {E_JDOE_1}


def test_request_line_limit_answers_414(sb):
    """3.1: a request line over 8 KB is refused by the front end, before the API reads it."""
    many = ["%036d" % n for n in range(230)]  # about 9 KB of query
    r = rest(sb, "GET", "/learners/results", params={"enrollmentIds[]": many})
    assert r.status_code == 414
    entry = sb.requests()[-1]
    assert entry["status"] == 414 and entry["line_bytes"] > 8192
    assert rest(sb, "GET", "/learners/results", params={"enrollmentIds[]": many[:100]}).status_code == 200
    assert sb.requests()[-1]["line_bytes"] < 8192
    sb.settings(request_line_limit=0)
    assert rest(sb, "GET", "/learners/results", params={"enrollmentIds[]": many}).status_code == 200


@pytest.mark.parametrize("unit, due", [("hours", "2026-01-06T06:00:00Z"), ("days", "2026-02-04T00:00:00Z")])
def test_due_period_unit(sb, unit, due):
    sb.settings(ispring_due_period_unit=unit)
    body = {"accessDate": "2026-01-05", "dueDateType": "due_period", "duePeriod": 30}
    assert rest(sb, "POST", "/enrollment/%s" % E_ASMITH_1, json=body).status_code == 200
    assert enrollment(sb, E_ASMITH_1)["dueDate"] == due


@pytest.mark.parametrize("join, found", [("and", {"asmith"}), ("or", {"jdoe", "asmith", "mgarcia"})])
def test_user_filters_join(sb, join, found):
    sb.settings(ispring_user_filters=join)
    params = {"logins[]": ["jdoe", "asmith"], "emails[]": ["asmith@example.com", "mgarcia@example.com"]}
    r = rest(sb, "GET", "/users", params=params)
    assert {u["userId"] for u in r.json()["userProfiles"]} and len(r.json()["userProfiles"]) == len(found)
    logins = {text_of(p, "value") for p in find_all(soap(sb, "ListUsers", _user_filters())[1], "field")}
    assert found <= logins


def _user_filters():
    return ids("logins", ["jdoe", "asmith"], "login") + ids(
        "emails", ["asmith@example.com", "mgarcia@example.com"], "email"
    )


@pytest.mark.parametrize(
    "form, fields",
    [
        ("object", {"login": "jdoe", "email": "jdoe@example.com", "firstName": "John", "lastName": "Doe"}),
        (
            "pairs",
            [
                {"name": "LOGIN", "value": "jdoe"},
                {"name": "EMAIL", "value": "jdoe@example.com"},
                {"name": "FIRST_NAME", "value": "John"},
                {"name": "LAST_NAME", "value": "Doe"},
            ],
        ),
    ],
)
def test_user_fields_forms(sb, form, fields):
    sb.settings(ispring_rest_user_fields=form)
    (user,) = rest(sb, "GET", "/users", params={"logins[]": "jdoe"}).json()["userProfiles"]
    assert user["fields"] == fields


def test_user_fields_field_list(sb):
    sb.settings(ispring_rest_user_fields="field_list")
    (user,) = rest(sb, "GET", "/users", params={"logins[]": "jdoe"}).json()["userProfiles"]
    assert {f["name"]: f["value"] for f in user["fields"]["field"]}["LOGIN"] == "jdoe"


@pytest.mark.parametrize("form, content_type, body", [("empty", None, b""), ("html", "text/html", b"<html>")])
def test_unauthorized_bodies(sb, form, content_type, body):
    sb.settings(ispring_rest_unauthorized=form)
    r = rest(sb, "GET", "/learners/results", token="made-up-token")
    assert r.status_code == 401 and r.content.startswith(body)
    assert (r.headers.get("Content-Type") or "").startswith(content_type or "") and (content_type or not r.content)
    sb.settings(ispring_rest_unauthorized="json")
    assert "Unauthorized" in error_of(rest(sb, "GET", "/learners/results", token="made-up-token"), 401)


@pytest.mark.parametrize(
    "written, stored, read",
    [
        ("2024-05-01T00:00:00Z", "2024-04-30T19:00:00Z", "2024-04-30 19:00:00"),  # the previous local day
        ("2024-05-01", "2024-05-01T00:00:00Z", "2024-05-01 00:00:00"),
        ("2024-05-01 10:30:00", "2024-05-01T10:30:00Z", "2024-05-01 10:30:00"),
        ("2024-05-01T12:00:00+02:00", "2024-05-01T05:00:00Z", "2024-05-01 05:00:00"),
    ],
)
def test_dates_on_an_account_west_of_utc(sb, written, stored, read):
    """3.1: an account on UTC-05:00 records a date-time with an offset on its own local day, a bare
    date or a zone-less date-time as written, and replies without a zone."""
    sb.settings(ispring_rest_dates="west")
    assert set_status(sb, complete_body([E_JDOE_2], date=written, course=COURSE2)).status_code == 200
    wait_until(lambda: enrollment(sb, E_JDOE_2)["completionStatus"] == "complete")
    assert enrollment(sb, E_JDOE_2)["completionDate"] == stored
    (got,) = results(sb, **{"enrollmentIds[]": E_JDOE_2})["results"]
    assert got["completionDate"] == read and " " in got["accessDate"] and "Z" not in got["accessDate"]


def test_dates_in_utc_keep_the_zone(sb):
    assert set_status(sb, complete_body([E_JDOE_2], date="2024-05-01", course=COURSE2)).status_code == 200
    wait_until(lambda: enrollment(sb, E_JDOE_2)["completionStatus"] == "complete")
    (got,) = results(sb, **{"enrollmentIds[]": E_JDOE_2})["results"]
    assert got["completionDate"] == "2024-05-01T00:00:00Z"


def test_unknown_course_lists_nothing(sb):
    """3.2: with "empty", a listing filtered by an unknown course is empty, over both interfaces."""
    refused = rest(sb, "GET", "/learners/results", params={"courseIds": NO_COURSE})
    assert "Unknown content item" in error_of(refused, 400)
    sb.settings(ispring_unknown_course="empty")
    assert results(sb, **{"courseIds[]": NO_COURSE})["results"] == []
    status, root = soap(sb, "ListLearnersResults", ids("courseIds", [NO_COURSE]))
    assert status == 200 and find_all(root, "learnerResult") == []
    assert rest(sb, "GET", "/enrollments", token=SEED_TOKEN, params={"courseIds[]": NO_COURSE}).json() == {
        "enrollments": []
    }
