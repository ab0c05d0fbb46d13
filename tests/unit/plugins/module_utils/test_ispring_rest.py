# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iSpring REST layer (the vendor's OpenAPI file) against scripted requests and replies."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import ispring, ispring_rest
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, ReplyError
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    TOKEN,
    rest_call,
    rest_result,
    rest_results_call,
    rest_task_call,
    rest_update_call,
    rest_user,
    rest_users_call,
    rest_users_post_call,
    token_call,
)


def client(transport, **credentials):
    return ispring_rest.RestClient(transport, API, **(credentials or {"token": TOKEN}))


def test_update_course_status_posts_the_documented_body(script):
    transport = script(rest_update_call(["e1", "e2"], "passed", "2020-07-22", "Exam", score=85.0, task_id=7))
    assert client(transport).update_course_status(COURSE, ["e1", "e2"], "passed", "2020-07-22", "Exam", 85.0) == "7"
    sent = transport.scripted.sent[0]
    assert sent["headers"]["Content-Type"] == "application/json"


def test_automatic_sends_no_date_reason_or_score(script):
    transport = script(rest_update_call(["e1"], "automatic", task_id=8))
    assert client(transport).update_course_status(COURSE, ["e1"], "automatic") == "8"


def test_results_are_paged_with_repeated_array_parameters(script):
    first = rest_results_call(
        ["e1", "e2"], results=[rest_result("e1", "u1", "Passed", 100, "2020-07-22T10:00:00Z")], next_token="p2"
    )
    second = rest_call(
        "GET",
        "/learners/results",
        {"results": [rest_result("e2", "u2", "in_progress", 40, score=12.5)]},
        params=[
            ("courseIds[]", COURSE),
            ("enrollmentIds[]", "e1"),
            ("enrollmentIds[]", "e2"),
            ("pageSize", "1000"),
            ("pageToken", "p2"),
        ],
    )
    transport = script(first, second)
    results = client(transport).list_learners_results([COURSE], ["e1", "e2"])
    assert [(r.enrollment_id, r.status, r.progress, r.completion_date, r.awarded_score) for r in results] == [
        ("e1", "passed", 100, "2020-07-22T10:00:00Z", None),
        ("e2", "in_progress", 40, None, 12.5),
    ]


def test_users_by_login_and_email_read_their_fields_object(script):
    transport = script(rest_users_call(["jdoe"], ["a@example.com"], users=[rest_user("u1", "jdoe", "j@example.com")]))
    assert client(transport).list_users(["jdoe"], ["a@example.com"]) == [
        ispring.UserProfile("u1", "learner", "d1", "1", "jdoe", "j@example.com")
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"LOGIN": "jdoe", "Email": "j@example.com"},
        [{"name": "LOGIN", "value": "jdoe"}, {"name": "EMAIL", "value": "j@example.com"}, {"name": "FIRST_NAME"}],
        {"field": [{"name": "login", "value": "jdoe"}, {"name": "email", "value": "j@example.com"}]},
    ],
    ids=["object-any-case", "name-value-pairs", "pairs-under-field"],
)
def test_a_users_fields_are_read_in_every_form(script, fields):
    """3.2 (r3): the vendor's sample and a real tenant's client show name/value pairs."""
    user = dict(rest_user("u1", None, None), fields=fields)
    transport = script(rest_users_call(["jdoe"], users=[user]))
    assert client(transport).list_users(["jdoe"]) == [
        ispring.UserProfile("u1", "learner", "d1", "1", "jdoe", "j@example.com")
    ]


def test_the_full_user_record_is_read_for_the_modules_that_manage_users(script):
    """The names, every field by any spelling, the groups when listed (ispring_user)."""
    fields = [{"name": "LOGIN", "value": "jdoe"}, {"name": "FIRST_NAME", "value": "Jane"}]
    fields += [{"name": "lastName", "value": "Doe"}, {"name": "JOB_TITLE", "value": "Rep"}]
    user = dict(rest_user("u1", None, None), fields=fields, groups=["g1", "g2"])
    transport = script(rest_users_call(["jdoe"], users=[user]))
    (found,) = client(transport).list_users(["jdoe"])
    assert (found.first_name, found.last_name, found.field_value("jobTitle"), found.groups) == (
        "Jane",
        "Doe",
        "Rep",
        ("g1", "g2"),
    )


@pytest.mark.parametrize("fields", [{}, [{"name": "FIRST_NAME", "value": "J"}], "jdoe", None])
def test_a_user_without_a_readable_login_or_email_fails_loudly(script, fields):
    user = dict(rest_user("u1", None, None), fields=fields)
    transport = script(rest_users_call(["jdoe"], users=[user]))
    with pytest.raises(ReplyError) as caught:
        client(transport).list_users(["jdoe"])
    assert "a user is listed without a readable userId, login or email" in caught.value.message
    assert '"userId": "u1"' in caught.value.message


def test_long_filters_are_cut_into_requests_under_the_query_limit(script):
    """3.1 (r3): 400 enrollment IDs would make a 22 KB request line; each request stays under the limit."""
    ids = ["00000000-0000-4000-b000-%012d" % n for n in range(400)]
    encoded = ispring_rest.urlencode
    course, each = len(encoded([("courseIds[]", COURSE)])), len(encoded([("enrollmentIds[]", ids[0])])) + 1
    per_request = (ispring_rest.MAX_QUERY_BYTES - course) // each  # the course in every request
    chunks = [ids[n : n + per_request] for n in range(0, len(ids), per_request)]
    transport = script(*(rest_results_call(chunk) for chunk in chunks))
    assert client(transport).list_learners_results([COURSE], ids) == []
    assert len(chunks) == 4
    for sent in transport.scripted.sent:
        assert len(ispring_rest.urlencode(sent["params"])) < ispring_rest.MAX_QUERY_BYTES


def test_task_status(script):
    transport = script(rest_task_call(5, "in_progress"), rest_task_call(5, "error"))
    rest = client(transport)
    assert rest.task_status("5") == "in_progress"
    assert rest.task_status("5") == "error"


@pytest.mark.parametrize(
    "status, message, code",
    [
        (403, "Permission denied", ispring.FAULT_PERMISSION),
        (400, "Unknown content item: nope", ispring.FAULT_UNKNOWN_COURSE),
        (400, "Unknown Enrollment: e9", ispring.FAULT_UNKNOWN_ENROLLMENT),
        (400, "Bad parameter: status", ispring.FAULT_WRONG_PARAMETERS),
    ],
)
def test_error_responses_carry_the_client_codes(script, status, message, code):
    transport = script(
        rest_update_call(["e1"], "automatic", reply={"code": status, "message": message}, http_status=status)
    )
    with pytest.raises(ApiError) as caught:
        client(transport).update_course_status(COURSE, ["e1"], "automatic")
    assert caught.value.code == code
    assert caught.value.message.startswith("iSpring POST /statistics/course failed: HTTP %s: %s" % (status, message))


def test_http_401_renews_the_token_once(script):
    transport = script(
        token_call(token="first"),
        rest_task_call(5, token="first"),
        rest_call("GET", "/task/6/status", {"code": 401, "message": "Unauthorized"}, status=401, token="first"),
        token_call(token="second"),
        rest_task_call(6, token="second"),
    )
    rest = client(transport, client_id="cid", client_secret="csecret")
    assert rest.task_status("5") == "complete"
    assert rest.task_status("6") == "complete"


@pytest.mark.parametrize("body", ["", "<html><body>401 Authorization Required</body></html>"], ids=["empty", "html"])
def test_any_http_401_renews_the_token_whatever_its_body(script, body):
    """3.2 (r3): a gateway may answer a refused token with an empty body or a page of its own."""
    transport = script(
        token_call(token="first"),
        rest_call("GET", "/task/6/status", body, status=401, token="first"),
        token_call(token="second"),
        rest_task_call(6, token="second"),
    )
    assert client(transport, client_id="cid", client_secret="csecret").task_status("6") == "complete"


def test_http_401_with_a_bare_token_fails_clearly(script):
    transport = script(rest_call("GET", "/task/6/status", {"code": 401, "message": "Unauthorized"}, status=401))
    with pytest.raises(ApiError) as caught:
        client(transport).task_status("6")
    assert caught.value.code == ispring.FAULT_AUTH and "give a fresh token" in caught.value.message
    assert TOKEN not in caught.value.message


@pytest.mark.parametrize(
    "reply, words",
    [
        ({"items": []}, "the reply is not a listing (no 'results' list)"),
        ({"results": {"e1": {}}}, "the reply is not a listing (no 'results' list)"),
        ("<html>Bad Gateway</html>", "the reply is not JSON (HTTP 200)"),
    ],
)
def test_a_reply_in_another_shape_fails_loudly(script, reply, words):
    transport = script(rest_call("GET", "/learners/results", reply))
    with pytest.raises(ReplyError) as caught:
        client(transport).list_learners_results([COURSE])
    assert words in caught.value.message


def test_repeated_page_token_stops(script):
    page = {"results": [], "nextPageToken": "same"}
    transport = script(
        rest_call("GET", "/learners/results", page),
        rest_call("GET", "/learners/results", page),
    )
    with pytest.raises(ReplyError, match="twice"):
        client(transport).list_learners_results([COURSE])


def test_users_of_every_status_are_looked_up_in_as_few_requests_as_the_query_budget_allows(monkeypatch):
    """ispring_user's look-up by login (GET /users/v2, USERS_EVERY_STATUS): the logins go whole into
    one listing that _queries cuts by MAX_QUERY_BYTES, not in chunks of PAGE_SIZE first (1,100 short
    logins: 4 requests, where chunks of 1,000 would make 5)."""
    rest = ispring_rest.RestClient(None, API, token=TOKEN)
    rest.users_by_post = False  # as after a service that did not serve POST /users/v2
    sent = []
    monkeypatch.setattr(rest, "pages", lambda path, what, params, key: sent.append((path, params)) or iter(()))
    logins = ["u%04d" % n for n in range(1100)]
    assert rest.find_users(logins, every_status=True) == []
    assert {path for path, _params in sent} == {"/users/v2"} and len(sent) == 4
    assert sorted(value for _path, params in sent for _name, value in params) == logins
    assert all(len(ispring_rest.urlencode(params)) <= ispring_rest.MAX_QUERY_BYTES for _path, params in sent)


LOGINS = ["u%04d" % n for n in range(1100)]  # 18 KB of logins[]=: more than one GET (MAX_QUERY_BYTES)


def test_a_users_listing_longer_than_one_get_goes_as_one_post_of_xml(script):
    """USERS_BY_POST: 1,100 logins in one POST /users/v2, the filter as repeated <logins> elements."""
    found = [rest_user("id7", "u0007", "u7@example.com"), rest_user("id9", "u0009", "u9@example.com")]
    transport = script(rest_users_post_call("logins", LOGINS, {"userProfiles": found}))
    users = client(transport).find_users(LOGINS, every_status=True)
    assert sorted(user.login for user in users) == ["u0007", "u0009"]


def test_a_listing_that_fits_one_get_is_not_posted(script):
    transport = script(
        rest_call("GET", "/users/v2", {"userProfiles": []}, params=[("logins[]", "u1"), ("pageSize", "1000")])
    )
    assert client(transport).find_users(["u1"], every_status=True) == []


def _gets(values, found=()):
    """The GET /users/v2 listings that the query budget cuts the logins into (the fallback)."""
    parts = ispring_rest._queries([("logins", values)], "test")
    return [
        rest_call(
            "GET", "/users/v2", {"userProfiles": list(found) if n == 0 else []}, params=part + [("pageSize", "1000")]
        )
        for n, part in enumerate(parts)
    ]


@pytest.mark.parametrize(
    "reply, status",
    [
        ({"code": 405, "message": "Method Not Allowed"}, 405),  # the tenant does not take it
        ({"userProfiles": [rest_user("id7", "u0007", "u7@example.com")], "nextPageToken": "p2"}, 200),  # it pages
        ({"userProfiles": [rest_user("id1", "admin", "admin@example.com")]}, 200),  # it read no filter
        ("<html>not JSON</html>", 200),
    ],
    ids=["refused", "paged", "filter-ignored", "not-json"],
)
def test_a_post_listing_not_served_as_assumed_falls_back_to_get_for_the_rest_of_the_task(script, reply, status):
    """Never read a partial or foreign listing as the users asked for: the GET listings serve instead,
    and the client does not post again."""
    found = rest_user("id7", "u0007", "u7@example.com")
    transport = script(
        rest_users_post_call("logins", LOGINS, reply, status=status), *_gets(LOGINS, [found]), *_gets(LOGINS)
    )
    rest = client(transport)
    assert [user.user_id for user in rest.find_users(LOGINS, every_status=True)] == ["id7"]
    assert rest.users_by_post is False
    assert rest.find_users(LOGINS, every_status=True) == []


def test_a_refused_token_on_the_post_listing_is_not_taken_for_a_refused_call(script):
    transport = script(rest_users_post_call("logins", LOGINS, {"code": 401, "message": "Unauthorized"}, status=401))
    with pytest.raises(ApiError) as caught:
        client(transport).find_users(LOGINS, every_status=True)
    assert caught.value.code == ispring.FAULT_AUTH


def test_user_ids_are_checked_by_post_too(script):
    ids = ["00000000-0000-4000-c000-%012d" % n for n in range(300)]  # 16 KB of userIds[]=
    transport = script(rest_users_post_call("userIds", ids, {"userProfiles": [{"userId": ids[3]}]}))
    assert client(transport).existing_user_ids(ids) == {ids[3]}


def test_a_value_xml_cannot_carry_goes_by_get(script):
    """A login with a control character cannot be written in the POST's XML body: the GET listings
    take the look-up, instead of a raw exception."""
    logins = LOGINS[:-1] + ["bad\x01login"]
    transport = script(*_gets(sorted(logins)))
    rest = client(transport)
    assert rest.find_users(logins, every_status=True) == []
    assert rest.users_by_post is False
