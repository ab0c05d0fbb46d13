# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_tenant_check through its real main(): each verdict of each point, from the exact
requests the check sends, and the failures that stop it."""

from __future__ import annotations

import os
from urllib.parse import urlencode

import pytest

from ansible_collections.learnops.lms.plugins.module_utils.ispring_check_rest import MADE_UP_ID, UNKNOWN_COURSE_ID
from ansible_collections.learnops.lms.plugins.modules import ispring_tenant_check
from ansible_collections.learnops.lms.tests.unit.ispring_wire import (
    API,
    COURSE,
    SOAP,
    TOKEN,
    fault,
    ids_xml,
    learner_result_xml,
    list_results_call,
    list_users_call,
    request,
    rest_call,
    rest_result,
    rest_results_call,
    rest_user,
    rest_users_call,
    rest_users_post_call,
    token_call,
    user_profile_xml,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

HTTP_NS = "http://ispringlearn.com/go/services/api/soap"
HTTPS_NS = "https://ispringlearn.com/go/services/api/soap"
FRESH = "fresh-token"
INVALID = "learnops-tenant-check-invalid-token"
PROBE = "<courseIds><id>%s</id></courseIds><pageSize>1</pageSize>" % COURSE
RESULT = learner_result_xml("e1", "u1", "in_progress", 25)
PASSED = learner_result_xml("e2", "u2", "passed", 100, "2020-06-30T14:12:00Z")
USER = user_profile_xml("u1", "jdoe", "jdoe@example.com")
HTML_404 = "<html><body>Not Found</body></html>"


def args(**overrides):
    base = dict(api_url=API, client_id="cid", client_secret="csecret", course_id=COURSE)
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def soap(method, inner, body, ns=HTTP_NS, token=FRESH, status=200, url=SOAP):
    data = request(method, inner, token).replace('xmlns="%s"' % HTTP_NS, 'xmlns="%s"' % ns)
    return Call(url, data=data, status=status, body=body, headers={"SOAPAction": '"%s"' % method})


def answer(method, inner, ns=HTTP_NS):
    return (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="https://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="%s">'
        "<SOAP-ENV:Body><ns1:%sResult>%s</ns1:%sResult></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        % (ns, method, inner, method)
    )


def results(layout="wrapped", ns=HTTP_NS, items=(RESULT,), more=True):
    """A ListLearnersResults reply; ``more``: with a nextPageToken (a probe asks for one result)."""
    inner = "".join(items)
    if layout == "rest":
        inner = inner.replace("ns1:learnerResult", "ns1:result")
    if layout != "bare":
        inner = "<ns1:results>%s</ns1:results>" % inner
    return answer("ListLearnersResults", inner + ("<ns1:nextPageToken>next</ns1:nextPageToken>" if more else ""), ns)


def users(layout="wrapped", ns=HTTP_NS, items=(USER,)):
    inner = "".join(items)
    if layout == "rest":
        inner = "<ns1:userProfiles>%s</ns1:userProfiles>" % inner.replace("ns1:userProfile", "ns1:user")
    elif layout == "wrapped":
        inner = "<ns1:users>%s</ns1:users>" % inner
    return answer("ListUsers", inner, ns)


def probes(http=None, https=None, ns=HTTP_NS):
    """The two namespace probes: a result of the course in ``ns``, or the replies given (a fault with
    HTTP 500)."""
    http, https = http or results(ns=ns), https or results(ns=ns)
    return [
        soap("ListLearnersResults", PROBE, http, status=500 if "Fault>" in http else 200),
        soap("ListLearnersResults", PROBE, https, ns=HTTPS_NS, status=500 if "Fault>" in https else 200),
    ]


def invalid_token(body=None, status=500, ns=HTTP_NS):
    return soap(
        "ListLearnersResults", PROBE, body or fault("Authorization failed"), ns=ns, token=INVALID, status=status
    )


def users_probe(body=None, logins=(), ns=HTTP_NS):
    inner = ids_xml("logins", "login", sorted(logins)) + "<pageSize>1</pageSize>"
    return soap("ListUsers", inner, body or users(ns=ns), ns=ns)


def course_reads(soap_results=(RESULT,), rest_results=None):
    """The whole course over SOAP, then over REST (the same results unless told)."""
    rest_results = [rest_result("e1", "u1", "in_progress", 25)] if rest_results is None else rest_results
    return [
        list_results_call(results=list(soap_results), token=FRESH),
        rest_results_call(results=rest_results, token=FRESH),
    ]


# --- the reads of contract revision 3 (ispring_check_rest.py), after the SOAP/REST comparison ---

UNKNOWN_PROBE = "<courseIds><id>%s</id></courseIds><pageSize>1</pageSize>" % UNKNOWN_COURSE_ID
UNKNOWN_FAULT = fault("Unknown content item")
UNKNOWN_400 = {"code": 400, "message": "Unknown content item: %s" % UNKNOWN_COURSE_ID}


def get(path, reply, params, status=200, token=FRESH):
    return rest_call("GET", path, reply, params=params, status=status, token=token)


def enrollment(enrollment_id, learner, course=COURSE, **values):
    found = dict(
        enrollmentId=enrollment_id,
        courseId=course,
        learnerId=learner,
        accessDate="2020-07-10",
        shouldLockAfterDueDate=False,
        enrollmentTypeGroup=0,
    )
    found.update(values)
    return {name: value for name, value in found.items() if value is not None}


TWO_ENROLLMENTS = (enrollment("e1", "u1"), enrollment("e2", "u2", dueDate="2020-08-31", enrollmentTypeGroup=1))


def enrollments_read(items=TWO_ENROLLMENTS, name="courseIds[]", status=200, reply=None):
    """GET /enrollments of the course, one page of 100."""
    return get("/enrollments", reply or {"enrollments": list(items)}, [(name, COURSE), ("pageSize", "100")], status)


def results_of(*enrollment_ids):
    return {"results": [rest_result(e, "u-" + e, "in_progress", 0) for e in enrollment_ids]}


def pair_reads(brackets=("e1", "e2"), bare=("e2",), pair=("e1", "e2")):
    """The two array spellings of two enrollment IDs, and what each returns (IDs, or a reply)."""
    return [
        get(
            "/learners/results",
            results_of(*found) if isinstance(found, tuple) else found,
            [(name, pair[0]), (name, pair[1]), ("pageSize", "10")],
        )
        for name, found in (("enrollmentIds[]", brackets), ("enrollmentIds", bare))
    ]


def line_params(count):
    made_up = [("userIds[]", MADE_UP_ID % (number + 1)) for number in range(count)]
    return [("courseIds[]", COURSE)] + made_up + [("pageSize", "1")]


MOST_IDS = max(count for count in range(1, 200) if len(urlencode(line_params(count))) <= 6000)


def url_reads(long=414, short=200):
    """The 200-ID read, and the modules' longest when it is refused (an HTTP status each)."""
    calls = [get("/learners/results", "414 URI Too Long" if long == 414 else {"results": []}, line_params(200), long)]
    if long != 200:
        reply = "414 URI Too Long" if short == 414 else {"results": []}
        calls.append(get("/learners/results", reply, line_params(MOST_IDS), short))
    return calls


def unauthorized_read(body="", status=401):
    params = [("courseIds[]", COURSE), ("pageSize", "1")]
    return get("/learners/results", body, params, status, token=INVALID)


def users_read(users=None, params=(("pageSize", "1"),), reply=None, status=200):
    users = [rest_user("u1", "jdoe", "jdoe@example.com")] if users is None else users
    return get("/users", reply or {"userProfiles": users}, list(params), status)


def unknown_reads(soap_body=UNKNOWN_FAULT, rest=(400, UNKNOWN_400), ns=HTTP_NS, url=SOAP, soap_read=True):
    """A made-up course over SOAP (unless SOAP cannot be used) and over REST."""
    calls = []
    if soap_read:
        status = 500 if "Fault>" in soap_body else 200
        calls.append(soap("ListLearnersResults", UNKNOWN_PROBE, soap_body, ns=ns, status=status, url=url))
    params = [("courseIds[]", UNKNOWN_COURSE_ID), ("pageSize", "1")]
    return calls + [get("/learners/results", rest[1], params, rest[0])]


def by_post_read(reply=None, status=200):
    """POST /users/v2 with two made-up user IDs in an XML body (rest_users_by_post)."""
    made_up = [MADE_UP_ID % n for n in (1, 2)]
    reply = {"userProfiles": []} if reply is None else reply
    return rest_users_post_call("userIds", made_up, reply, status=status, token=FRESH)


def r3_reads(enrollments=None, pairs=None, url=None, unauthorized=None, users=None, unknown=None, by_post=None):
    """Every revision-3 read, each part as given or as a tenant that holds to the contract answers it."""
    return [
        *(enrollments or [enrollments_read()]),
        *(pairs if pairs is not None else pair_reads()),
        *(url or url_reads()),
        unauthorized or unauthorized_read(),
        *(users or [users_read()]),
        by_post or by_post_read(),
        *(unknown or unknown_reads()),
    ]


def retoken(calls, token):
    """The calls sent with ``token`` instead of the fresh one."""
    for call in calls:
        if call.headers.get("Authorization") == "Bearer %s" % FRESH:
            call.headers["Authorization"] = "Bearer %s" % token
        if isinstance(call.data, str):
            call.data = call.data.replace("<token>%s</token>" % FRESH, "<token>%s</token>" % token)
    return calls


def rest_down():
    """The revision-3 reads when REST answers nothing but an HTML 404 (no enrollment ID is known)."""
    page = dict(reply=HTML_404, status=404)
    return [
        get("/enrollments", HTML_404, [("courseIds[]", COURSE), ("pageSize", "100")], 404),
        get("/enrollments", HTML_404, [("courseIds", COURSE), ("pageSize", "100")], 404),
        get("/learners/results", HTML_404, line_params(200), 404),
        get("/learners/results", HTML_404, line_params(MOST_IDS), 404),
        unauthorized_read(HTML_404, 404),
        users_read(**page),
        by_post_read(HTML_404, 404),
        *unknown_reads(rest=(404, HTML_404)),
    ]


def common():
    """Every read before the revision-3 ones on a tenant that holds to the contract (the whole course)."""
    return [token_call(token=FRESH), *probes(), invalid_token(), users_probe(), *course_reads()]


def verdicts(outcome):
    return {check["id"]: check["verdict"] for check in outcome.result["checks"]}


def observed(outcome, check_id):
    return next(check for check in outcome.result["checks"] if check["id"] == check_id)


def test_every_point_holds_on_a_tenant_as_the_contract_says_in_check_mode_too(run_module, tmp_path):
    saved = tmp_path / "replies"
    script = [
        token_call(token=FRESH),
        *probes(),
        invalid_token(),
        users_probe(logins=["jdoe"]),
        list_users_call(logins=["jdoe"], users=[USER], token=FRESH),
        list_results_call(user_ids=["u1"], results=[RESULT], token=FRESH),
        rest_users_call(logins=["jdoe"], users=[rest_user("u1", "jdoe", "jdoe@example.com")], token=FRESH),
        rest_results_call(
            user_ids=["u1"],
            results=[dict(rest_result("e1", "u1", "in_progress", 25), accessDate="2020-07-10T09:00:00Z")],
            token=FRESH,
        ),
        *r3_reads(users=[users_read(params=[("logins[]", "jdoe"), ("pageSize", "1000")])]),
    ]
    outcome = run_module(ispring_tenant_check, args(logins=["jdoe"], save_replies=str(saved)), *script, check_mode=True)
    assert outcome.exit_code == 0 and outcome.result["changed"] is False
    assert {check_id for check_id, verdict in verdicts(outcome).items() if verdict != "holds"} == {"due_period_unit"}
    assert list(verdicts(outcome)) == [
        "token_reply",
        "soap_url",
        "soap_namespace",
        "reply_namespace",
        "invalid_token",
        "list_layout_results",
        "list_layout_users",
        "soap_rest_results",
        "enrollments_listing",
        "rest_array_params",
        "rest_url_length",
        "rest_dates",
        "rest_unauthorized",
        "rest_user_fields",
        "rest_users_by_post",
        "unknown_course",
        "due_period_unit",
    ]
    assert outcome.result["settings"] == {}
    assert observed(outcome, "token_reply")["observed"] == (
        'HTTP 200: access_token (masked), expires_in 1800, token_type "bearer"'
    )
    assert observed(outcome, "invalid_token")["observed"].endswith("the fault Authorization failed (HTTP 500).")
    assert observed(outcome, "list_layout_results")["observed"] == (
        "wrapped: <ListLearnersResultsResult><results><learnerResult>..."
    )
    assert observed(outcome, "soap_rest_results")["observed"].startswith(
        "1 result(s) over SOAP, 1 over REST, of 1 learner(s) found by login; the same user_id, status"
    )
    assert len(outcome.result["requests"]) == 19 and "jdoe" not in str(outcome.result["checks"])
    files = sorted(os.listdir(saved))
    assert files[0] == "ispring-01-token.txt" and files[-1] == "ispring-19-GET-learners-results.txt"
    assert files[9] == "ispring-10-GET-enrollments.txt"
    text = "".join((saved / name).read_text() for name in files)
    for secret_or_personal in (FRESH, "csecret", "cid", INVALID, "jdoe"):
        assert secret_or_personal not in text
    assert "login-1" in text and "email-1@masked.invalid" in text and "(request body not saved" in text


def test_a_service_that_only_takes_https_answers_https_refuses_tokens_with_401_and_lists_bare(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(),
        token_call(token=FRESH),
        *probes(http=fault("Wrong parameters"), https=results("bare", HTTPS_NS), ns=HTTPS_NS),
        invalid_token(body='{"code": 401, "message": "Unauthorized"}', status=401, ns=HTTPS_NS),
        users_probe(body=users("bare", HTTPS_NS), ns=HTTPS_NS),
        soap("ListLearnersResults", PROBE.replace(">1<", ">1000<"), results("bare", HTTPS_NS, more=False), ns=HTTPS_NS),
        rest_results_call(results=[rest_result("e1", "u1", "in_progress", 25)], token=FRESH),
        *r3_reads(unknown=unknown_reads(ns=HTTPS_NS)),
    )
    found = verdicts(outcome)
    assert (found["soap_namespace"], found["reply_namespace"], found["invalid_token"]) == (
        "differs",
        "differs",
        "holds",
    )
    assert outcome.result["settings"] == {"soap_namespace": HTTPS_NS}
    assert observed(outcome, "soap_namespace")["observed"] == (
        "%s: refused with Wrong parameters (HTTP 500); %s: accepted (a <ListLearnersResultsResult> (HTTP 200))."
        % (HTTP_NS, HTTPS_NS)
    )
    assert observed(outcome, "soap_namespace")["advice"] == "Set soap_namespace: %s." % HTTPS_NS
    assert (
        observed(outcome, "reply_namespace")["observed"]
        == "The result <ListLearnersResultsResult> is in %s." % HTTPS_NS
    )
    assert observed(outcome, "invalid_token")["observed"].endswith("answered HTTP 401, not a SOAP reply.")
    assert observed(outcome, "list_layout_results")["observed"] == "bare: <ListLearnersResultsResult><learnerResult>..."
    assert observed(outcome, "list_layout_users")["observed"] == "bare: <ListUsersResult><userProfile>..."
    assert found["soap_rest_results"] == "holds"


def test_rest_style_layouts_and_a_ready_token(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(client_id=None, client_secret=None, token=TOKEN),
        *[
            soap("ListLearnersResults", PROBE, results("rest"), token=TOKEN),
            soap("ListLearnersResults", PROBE, results("rest"), ns=HTTPS_NS, token=TOKEN),
        ],
        invalid_token(),
        soap("ListUsers", "<pageSize>1</pageSize>", users("rest"), token=TOKEN),
        list_results_call(results=[RESULT], token=TOKEN),
        rest_results_call(results=[rest_result("e1", "u1", "in_progress", 25)], token=TOKEN),
        *retoken(r3_reads(), TOKEN),
    )
    assert verdicts(outcome)["token_reply"] == "not checked"
    assert (
        observed(outcome, "list_layout_results")["observed"]
        == "rest-style: <ListLearnersResultsResult><results><result>..."
    )
    assert observed(outcome, "list_layout_users")["observed"] == "rest-style: <ListUsersResult><userProfiles><user>..."


def test_a_token_reply_without_expires_in_differs(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(),
        Call(API + "/api/v3/token", body='{"access_token": "%s"}' % FRESH),
        *probes(),
        invalid_token(),
        users_probe(),
        *course_reads(),
        *r3_reads(),
    )
    check = observed(outcome, "token_reply")
    assert check["verdict"] == "differs" and check["observed"].endswith("expires_in missing, token_type missing")


def test_a_soap_url_that_answers_where_the_default_does_not_is_kept(run_module):
    mine = "https://soap.example.com/soap"
    outcome = run_module(
        ispring_tenant_check,
        args(soap_url=mine),
        token_call(token=FRESH),
        soap("ListLearnersResults", PROBE, results(), url=mine),
        soap("ListLearnersResults", PROBE, results(), ns=HTTPS_NS, url=mine),
        soap("ListLearnersResults", PROBE, HTML_404, status=404),
        soap("ListLearnersResults", PROBE, fault("Authorization failed"), token=INVALID, status=500, url=mine),
        soap("ListUsers", "<pageSize>1</pageSize>", users(), url=mine),
        soap("ListLearnersResults", PROBE.replace(">1<", ">1000<"), results(more=False), url=mine),
        rest_results_call(results=[rest_result("e1", "u1", "in_progress", 25)], token=FRESH),
        *r3_reads(unknown=unknown_reads(url=mine)),
    )
    check = observed(outcome, "soap_url")
    assert check["verdict"] == "differs"
    assert check["observed"] == (
        "POST %s answered iSpring ListLearnersResults: the reply is not a SOAP envelope (HTTP 404). Reply begins: %s."
        % (SOAP, HTML_404)
    )
    assert outcome.result["settings"] == {"soap_url": mine}
    assert check["advice"] == "Keep soap_url: %s (the default endpoint does not answer)." % mine


def test_no_soap_at_all_but_rest_works_says_set_api_rest(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(),
        token_call(token=FRESH),
        soap("ListLearnersResults", PROBE, HTML_404, status=404),
        soap("ListLearnersResults", PROBE, HTML_404, ns=HTTPS_NS, status=404),
        rest_results_call(results=[rest_result("e1", "u1", "in_progress", 25)], token=FRESH),
        *r3_reads(unknown=unknown_reads(soap_read=False)),
    )
    assert verdicts(outcome) == {
        "token_reply": "holds",
        "soap_url": "differs",
        "soap_namespace": "not checked",
        "reply_namespace": "not checked",
        "invalid_token": "not checked",
        "list_layout_results": "not checked",
        "list_layout_users": "not checked",
        "soap_rest_results": "differs",
        "enrollments_listing": "holds",
        "rest_array_params": "holds",
        "rest_url_length": "holds",
        "rest_dates": "not checked",
        "rest_unauthorized": "holds",
        "rest_user_fields": "holds",
        "rest_users_by_post": "holds",
        "unknown_course": "holds",
        "due_period_unit": "not checked",
    }
    assert outcome.result["settings"] == {"api": "rest"}
    assert observed(outcome, "soap_rest_results")["advice"] == "Set api: rest."
    assert observed(outcome, "unknown_course")["observed"] == (
        "A made-up course ID (%s) read over SOAP: not read (SOAP cannot be used); over REST: an error (HTTP 400: "
        "Unknown content item: %s)." % (UNKNOWN_COURSE_ID, UNKNOWN_COURSE_ID)
    )


def test_every_namespace_refused(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(soap_namespace="urn:other"),
        token_call(token=FRESH),
        *probes(http=fault("Wrong parameters"), https=fault("Wrong parameters")),
        soap("ListLearnersResults", PROBE, fault("Wrong parameters"), ns="urn:other", status=500),
        rest_results_call(results=[rest_result("e1", "u1", "in_progress", 25)], token=FRESH),
        *r3_reads(unknown=unknown_reads(soap_read=False)),
    )
    check = observed(outcome, "soap_namespace")
    assert check["verdict"] == "differs" and check["advice"].startswith("Every namespace tried was refused")
    assert "urn:other: refused with Wrong parameters" in check["observed"]
    assert outcome.result["settings"] == {"api": "rest"}


def test_soap_and_rest_that_disagree_and_a_rest_interface_that_cannot_be_used(run_module):
    soap_reads = [token_call(token=FRESH), *probes(), invalid_token(), users_probe()]
    disagree = run_module(
        ispring_tenant_check,
        args(),
        *soap_reads,
        *course_reads(
            soap_results=(RESULT, PASSED),
            rest_results=[
                rest_result("e1", "u1", "complete", 25),
                rest_result("e2", "u2", "passed", 100, "2020-06-30T14:12:00+00:00"),
                rest_result("e3", "u3", "not_started", 0),
            ],
        ),
        *r3_reads(),
    )
    check = observed(disagree, "soap_rest_results")
    assert check["verdict"] == "differs"
    assert check["observed"] == (
        '2 result(s) over SOAP, 3 over REST, of the whole course; 2 difference(s): enrollment e1 status "in_progress" '
        'over SOAP, "complete" over REST; enrollment e3 only over REST.'
    )
    unusable = run_module(
        ispring_tenant_check,
        args(),
        *soap_reads,
        list_results_call(results=[RESULT], token=FRESH),
        rest_call("GET", "/learners/results", HTML_404, status=404, token=FRESH),
        *rest_down(),
    )
    check = observed(unusable, "soap_rest_results")
    assert check["verdict"] == "differs" and check["observed"].startswith(
        "REST: iSpring GET /learners/results: the reply is not JSON (HTTP 404)"
    )
    assert check["advice"] == "Keep api: soap (the default): the REST interface cannot be used."
    assert unusable.result["settings"] == {}
    found = verdicts(unusable)
    assert [found[check_id] for check_id in ("enrollments_listing", "rest_url_length", "rest_user_fields")] == [
        "differs"
    ] * 3
    assert [found[check_id] for check_id in ("rest_array_params", "rest_dates", "due_period_unit")] == [
        "not checked"
    ] * 3
    assert (found["rest_unauthorized"], found["unknown_course"]) == ("differs", "differs")
    assert observed(unusable, "rest_unauthorized")["observed"] == (
        "A REST read with a made-up token answered HTTP 404 with an HTML page (%s)." % HTML_404
    )


def test_an_unknown_list_layout_an_empty_listing_and_an_invalid_token_taken_for_valid(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(logins=["ghost"]),
        token_call(token=FRESH),
        *probes(http=answer("ListLearnersResults", ""), https=answer("ListLearnersResults", "")),
        invalid_token(body=answer("ListLearnersResults", "")),
        users_probe(body=answer("ListUsers", "<ns1:people><ns1:person/></ns1:people>"), logins=["ghost"]),
        list_users_call(logins=["ghost"], users=[], token=FRESH),
        rest_users_call(logins=["ghost"], users=[], token=FRESH),
        *r3_reads(
            users=[users_read([], params=[("logins[]", "ghost"), ("pageSize", "1000")])],
            unknown=unknown_reads(soap_body=answer("ListLearnersResults", "")),
        ),
    )
    found = verdicts(outcome)
    assert (found["list_layout_results"], found["list_layout_users"], found["invalid_token"]) == (
        "not checked",
        "differs",
        "differs",
    )
    assert (
        observed(outcome, "list_layout_results")["observed"]
        == "The listing was empty: <ListLearnersResultsResult> holds no items."
    )
    assert (
        "not a listing in a known layout (<people> in <ListUsersResult>)"
        in observed(outcome, "list_layout_users")["observed"]
    )
    assert found["soap_rest_results"] == "not checked"
    assert observed(outcome, "soap_rest_results")["observed"] == (
        "0 result(s) over SOAP, 0 over REST, of 0 learner(s) found by login: nothing to compare."
    )
    assert observed(outcome, "rest_user_fields")["verdict"] == "not checked"
    assert observed(outcome, "rest_user_fields")["observed"] == (
        "GET /users listed no user for the logins and emails given."
    )


def test_refused_credentials_fail_the_task_before_any_other_request(run_module, tmp_path):
    outcome = run_module(
        ispring_tenant_check,
        args(save_replies=str(tmp_path)),
        Call(API + "/api/v3/token", status=401, body='{"code": 401, "message": "Invalid client credentials"}'),
    )
    assert outcome.failed and outcome.msg.startswith("iSpring refused the API client credentials for client_id 'cid'")
    assert outcome.result["checks"] == [] and outcome.result["saved"] == [str(tmp_path / "ispring-01-token.txt")]


def test_an_unknown_course_fails_naming_it_with_the_checks_made_so_far(run_module):
    unknown = fault("Unknown content item")
    outcome = run_module(
        ispring_tenant_check,
        args(),
        token_call(token=FRESH),
        *probes(http=unknown, https=unknown),
        invalid_token(),
        users_probe(),
        soap("ListLearnersResults", PROBE.replace(">1<", ">1000<"), unknown, status=500),
        rest_call(
            "GET",
            "/learners/results",
            {"code": 400, "message": "Unknown content item: %s" % COURSE},
            params=[("courseIds[]", COURSE), ("pageSize", "1000")],
            status=400,
            token=FRESH,
        ),
    )
    assert outcome.failed
    assert outcome.msg.startswith(
        "course_id %s: iSpring knows no such course (iSpring ListLearnersResults failed" % COURSE
    )
    assert verdicts(outcome)["soap_namespace"] == "holds" and "soap_rest_results" not in verdicts(outcome)
    assert len(outcome.result["requests"]) == 7


@pytest.mark.parametrize(
    "where, why",
    [("file", "is not a directory you may write to"), ("file/below", "cannot create the directory")],
)
def test_a_save_replies_directory_that_cannot_be_written_fails_before_any_request(run_module, tmp_path, where, why):
    (tmp_path / "file").write_text("")
    outcome = run_module(ispring_tenant_check, args(save_replies=str(tmp_path / where)))
    assert outcome.failed and why in outcome.msg and outcome.msg.endswith("Nothing was sent.")


# --- the points of contract revision 3: each verdict, from scripted replies ---


def r3_run(run_module, course_results=None, options=None, users_reads=None, **parts):
    """The check on a tenant that holds to the contract up to the SOAP/REST comparison, the
    revision-3 reads as ``parts`` say; returns the outcome."""
    options = options or {}
    reads = list(common())
    if course_results is not None:
        reads[-1] = rest_results_call(results=course_results, token=FRESH)
        reads[-2] = list_results_call(results=[RESULT] * bool(course_results), token=FRESH)
    return run_module(ispring_tenant_check, args(**options), *reads, *(users_reads or []), *r3_reads(**parts))


OTHER_COURSE = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"


@pytest.mark.parametrize(
    "enrollments, verdict, observed_words, advice_words",
    [
        (
            [enrollments_read()],
            "holds",
            "courseIds[]= lists 2 enrollment(s). Fields: accessDate, courseId, dueDate, enrollmentId, "
            "enrollmentTypeGroup, learnerId, shouldLockAfterDueDate; accessDate date only 2 (e.g. 2020-07-10); "
            "dueDate date only 1 (e.g. 2020-08-31); enrollmentTypeGroup in 2 of 2 (0: 1, 1: 1).",
            "",
        ),
        (
            [
                enrollments_read(TWO_ENROLLMENTS + (enrollment("e9", "u9", course=OTHER_COURSE),)),
                enrollments_read(name="courseIds"),
            ],
            "differs",
            "courseIds[]= lists 3 enrollment(s), 1 of other courses (the filter is ignored); only courseIds= filters",
            "The modules send courseIds[]=",
        ),
        (
            [enrollments_read([enrollment("e1", "u1", enrollmentTypeGroup=None), enrollment("e2", "u2")])],
            "differs",
            "enrollmentTypeGroup in 1 of 2 (0: 1).",
            "Without enrollmentTypeGroup, exclusive: true of course_enrollment removes no enrollment",
        ),
        (
            [enrollments_read([enrollment("e1", "u1", accessDate="soon"), enrollment("e2", "u2")])],
            "differs",
            "iSpring GET /enrollments: enrollment e1: accessDate 'soon' is not a date.",
            "course_enrollment and course_enrollment_info fail on this listing",
        ),
        (
            [enrollments_read([]), enrollments_read([], name="courseIds")],
            "not checked",
            "The course lists no enrollment with courseIds[]= or courseIds=.",
            "Choose a course with learners",
        ),
        (
            [
                enrollments_read(status=403, reply={"code": 403, "message": "Permission denied"}),
                enrollments_read(name="courseIds", status=403, reply={"code": 403, "message": "Permission denied"}),
            ],
            "differs",
            "courseIds[]= answered iSpring GET /enrollments failed: HTTP 403: Permission denied",
            "check that the API account may read it",
        ),
    ],
    ids=["holds", "brackets-ignored", "no-type-group", "unreadable", "empty", "refused"],
)
def test_enrollments_listing(run_module, enrollments, verdict, observed_words, advice_words):
    # the enrollment IDs listed (e1, e2) are the pair of rest_array_params; without them only e1 is known
    listed = verdict != "not checked" and "HTTP 403" not in observed_words
    outcome = r3_run(run_module, enrollments=enrollments, pairs=pair_reads() if listed else [])
    check = observed(outcome, "enrollments_listing")
    assert check["verdict"] == verdict and observed_words in check["observed"], check
    assert advice_words in check["advice"]


@pytest.mark.parametrize(
    "pairs, enrollments, verdict, words",
    [
        (
            pair_reads(bare=("e2",)),
            None,
            "holds",
            "as enrollmentIds[]=a&enrollmentIds[]=b returned both; as enrollmentIds=a&enrollmentIds=b returned only "
            "the last. This tenant parses queries the PHP way: only name[]= is an array (the modules' spelling).",
        ),
        (pair_reads(bare=("e1", "e2")), None, "holds", "returned both. This tenant takes both spellings."),
        (
            pair_reads(brackets=("e2",), bare=("e1", "e2")),
            None,
            "differs",
            "as enrollmentIds[]=a&enrollmentIds[]=b returned only the last; as enrollmentIds=a&enrollmentIds=b "
            "returned both.",
        ),
        (
            pair_reads(brackets=("e1", "e2", "e7"), bare=("e1", "e2", "e7")),
            None,
            "differs",
            "returned other enrollments too (the filter is ignored)",
        ),
        ([], [enrollments_read([enrollment("e1", "u1")])], "not checked", "The course gave 1 enrollment ID(s)"),
    ],
    ids=["php", "lenient", "brackets-lose-values", "filter-ignored", "one-enrollment"],
)
def test_rest_array_params(run_module, pairs, enrollments, verdict, words):
    outcome = r3_run(run_module, enrollments=enrollments, pairs=pairs)
    check = observed(outcome, "rest_array_params")
    assert check["verdict"] == verdict and words in check["observed"], check
    if verdict == "differs":
        assert "ARRAY_PARAM in plugins/module_utils/ispring_rest.py" in check["advice"]


@pytest.mark.parametrize(
    "long, short, verdict, words, advice",
    [
        (
            414,
            200,
            "holds",
            "A request line of %d bytes (200 made-up user IDs) was refused (HTTP 414); one of %d bytes (%d IDs, "
            "as long as the modules send) was served (HTTP 200).",
            "Nothing to set: the modules cut their filters into requests whose query stays under 6000 bytes.",
        ),
        (
            200,
            None,
            "holds",
            "A request line of %d bytes (200 made-up user IDs) was served (HTTP 200): this tenant takes lines "
            "over 8 KB.",
            "Nothing to set: the modules keep every query under 6000 bytes anyway.",
        ),
        (
            414,
            414,
            "differs",
            "(200 made-up user IDs) was refused (HTTP 414); one of %d bytes (%d IDs, as long as the modules send) was "
            "refused too (HTTP 414).",
            "name fewer learners per task",
        ),
    ],
    ids=["414-over-8-kb", "long-lines-served", "the-modules-lines-refused"],
)
def test_rest_url_length(run_module, long, short, verdict, words, advice):
    outcome = r3_run(run_module, url=url_reads(long, short))
    check = observed(outcome, "rest_url_length")
    long_line, line = (len("GET /learners/results?%s HTTP/1.1" % urlencode(line_params(n))) for n in (200, MOST_IDS))
    assert check["verdict"] == verdict
    values = {3: (long_line, line, MOST_IDS), 2: (line, MOST_IDS), 1: (long_line,)}[words.count("%d")]
    assert words % values in check["observed"], check
    assert advice in check["advice"]


def dated(enrollment_id, completion, access):
    return dict(rest_result(enrollment_id, "u1", "passed", 100, completion), accessDate=access)


@pytest.mark.parametrize(
    "completion, access, verdict, words, advice",
    [
        (
            "2020-06-30T14:12:00Z",
            "2020-06-01T09:00:00Z",
            "holds",
            "GET /learners/results writes completionDate with Z (UTC) 1 (e.g. 2020-06-30T14:12:00Z); accessDate with "
            "Z (UTC) 1 (e.g. 2020-06-01T09:00:00Z): the account writes UTC.",
            "Nothing to set: the modules send dates without a zone and compare calendar days.",
        ),
        (
            "2020-06-30 09:12:00",
            "2020-06-01 04:00:00",
            "holds",
            "completionDate zone-less date-time 1 (e.g. 2020-06-30 09:12:00); accessDate zone-less date-time 1 "
            "(e.g. 2020-06-01 04:00:00): the account writes its own local time.",
            "so a date does not move a day west of UTC",
        ),
        (
            "2020-06-30T09:12:00-05:00",
            "2020-06-01",
            "holds",
            "completionDate with offset -05:00 1 (e.g. 2020-06-30T09:12:00-05:00); accessDate date only 1",
            "Nothing to set",
        ),
        (
            "30/06/2020",
            None,
            "differs",
            "completionDate unreadable 1 (e.g. 30/06/2020); accessDate never.",
            "The modules read a date's first ten characters",
        ),
        (None, None, "not checked", "REST read no date: no result of the course carries one.", "Choose a course"),
    ],
    ids=["utc", "zone-less", "offset", "unreadable", "none"],
)
def test_rest_dates(run_module, completion, access, verdict, words, advice):
    result = {k: v for k, v in dated("e1", completion, access).items() if v is not None}
    outcome = r3_run(run_module, course_results=[result])
    check = observed(outcome, "rest_dates")
    assert check["verdict"] == verdict and words in check["observed"], check
    assert advice in check["advice"]
    assert verdicts(outcome)["soap_rest_results"] in ("holds", "differs")


@pytest.mark.parametrize(
    "body, status, verdict, form",
    [
        (
            '{"code": 401, "message": "Unauthorized"}',
            401,
            "holds",
            'a JSON ErrorResponse (code 401, message "Unauthorized")',
        ),
        ("", 401, "holds", "an empty body"),
        ("<html><body>401</body></html>", 401, "holds", "an HTML page (<html><body>401</body></html>)"),
        (
            '{"code": 403, "message": "Permission denied"}',
            403,
            "differs",
            'a JSON ErrorResponse (code 403, message "Permission denied")',
        ),
    ],
    ids=["json", "empty", "html", "403"],
)
def test_rest_unauthorized(run_module, body, status, verdict, form):
    outcome = r3_run(run_module, unauthorized=unauthorized_read(body, status))
    check = observed(outcome, "rest_unauthorized")
    assert check["verdict"] == verdict
    assert check["observed"] == "A REST read with a made-up token answered HTTP %s with %s." % (status, form)
    expected = "renew the token on any HTTP 401" if verdict == "holds" else "renew a REST token only on HTTP 401"
    assert expected in check["advice"]


@pytest.mark.parametrize(
    "reply, status, words, advice",
    [
        (None, 200, "listed nobody (HTTP 200): this tenant serves ListUsersV2ByPost.", "goes as one request"),
        (
            {"userProfiles": [rest_user("u1", "jdoe", "jdoe@example.com")]},
            200,
            "listed 1 user(s): this tenant reads no filter from the body.",
            "look users up by GET listings here",
        ),
        ({"code": 405, "message": "Method Not Allowed"}, 405, "was refused (HTTP 405).", "by GET listings here"),
        ({"total": 0}, 200, 'answered no listing: {"total": 0}.', "by GET listings here"),
    ],
    ids=["served", "filter-not-read", "refused", "no-listing"],
)
def test_rest_users_by_post(run_module, reply, status, words, advice):
    outcome = r3_run(run_module, by_post=by_post_read(reply, status))
    check = observed(outcome, "rest_users_by_post")
    assert check["verdict"] == "holds"
    assert check["observed"] == "POST /users/v2 with two made-up user IDs in an XML body " + words
    assert advice in check["advice"]


PAIRS = [{"name": "LOGIN", "value": "jdoe"}, {"name": "EMAIL", "value": "jdoe@example.com"}]


@pytest.mark.parametrize(
    "fields, verdict, words",
    [
        (
            {"login": "jdoe", "email": "jdoe@example.com"},
            "holds",
            "their fields as an object (1), with the names email",
        ),
        (PAIRS, "holds", "their fields as name/value pairs (1), with the names EMAIL, LOGIN"),
        ({"field": PAIRS}, "holds", 'their fields as name/value pairs under "field" (1), with the names EMAIL, LOGIN'),
        ({"LOGIN": "jdoe"}, "holds", "login readable for 1, email for 0"),
        ({"FIRST_NAME": "John"}, "differs", "a user is listed without a readable userId, login or email"),
    ],
    ids=["object", "pairs", "field_list", "upper-case-object-without-email", "unreadable"],
)
def test_rest_user_fields(run_module, fields, verdict, words):
    user = dict(userId="u1", role="learner", departmentId="d1", status=1, fields=fields)
    outcome = r3_run(run_module, users=[users_read([user])])
    check = observed(outcome, "rest_user_fields")
    assert check["verdict"] == verdict and words in check["observed"], check
    assert "jdoe" not in str(outcome.result["checks"]) and "John" not in str(outcome.result["checks"])
    if verdict == "differs":
        assert "name them by user_id" in check["advice"]


@pytest.mark.parametrize(
    "combined, join",
    [
        (["u1", "u2"], "logins and emails in one listing are OR-ed (the modules list them apart anyway)"),
        ([], "logins and emails in one listing are AND-ed (the modules list them apart)"),
    ],
    ids=["or", "and"],
)
def test_emails_are_looked_up_apart_and_the_join_of_one_listing_is_named(run_module, combined, join):
    jdoe, asmith = rest_user("u1", "jdoe", "jdoe@example.com"), rest_user("u2", "asmith", "ASmith@example.com")
    found = {"u1": jdoe, "u2": asmith}
    options = dict(logins=["jdoe"], emails=["asmith@example.com", "ghost@example.com"])
    users_params = [("logins[]", "jdoe"), ("emails[]", "asmith@example.com"), ("emails[]", "ghost@example.com")]
    outcome = run_module(
        ispring_tenant_check,
        args(**options),
        token_call(token=FRESH),
        *probes(),
        invalid_token(),
        users_probe(logins=["jdoe"]),
        list_users_call(logins=["jdoe"], users=[USER], token=FRESH),
        list_users_call(
            emails=["asmith@example.com", "ghost@example.com"],
            users=[user_profile_xml("u2", "asmith", "ASmith@example.com")],
            token=FRESH,
        ),
        list_results_call(user_ids=["u1", "u2"], results=[RESULT], token=FRESH),
        rest_users_call(logins=["jdoe"], users=[jdoe], token=FRESH),
        rest_users_call(emails=["asmith@example.com", "ghost@example.com"], users=[asmith], token=FRESH),
        rest_results_call(user_ids=["u1", "u2"], results=[rest_result("e1", "u1", "in_progress", 25)], token=FRESH),
        *r3_reads(
            users=[
                users_read([jdoe], params=[("logins[]", "jdoe"), ("pageSize", "1000")]),
                users_read(
                    [asmith],
                    params=[
                        ("emails[]", "asmith@example.com"),
                        ("emails[]", "ghost@example.com"),
                        ("pageSize", "1000"),
                    ],
                ),
                users_read([found[u] for u in combined], params=users_params + [("pageSize", "1000")]),
            ]
        ),
    )
    assert observed(outcome, "soap_rest_results")["observed"].startswith(
        "1 result(s) over SOAP, 1 over REST, of 2 learner(s) found by login or email; the same"
    )
    check = observed(outcome, "rest_user_fields")
    assert check["verdict"] == "differs"
    assert check["observed"] == (
        "2 user(s) listed, their fields as an object (2), with the names email, login; login readable for 2, email "
        "for 2; logins: 1 of 1 found; emails: 1 of 2 found (not found: email-2@masked.invalid); %s." % join
    )
    assert "Learners named by these are not found over REST" in check["advice"]


@pytest.mark.parametrize(
    "soap_body, rest, verdict, words, advice",
    [
        (
            UNKNOWN_FAULT,
            (400, UNKNOWN_400),
            "holds",
            "over SOAP: an error (the fault Unknown content item); over REST: an error (HTTP 400: Unknown content "
            "item: %s)." % UNKNOWN_COURSE_ID,
            "Nothing to set: an unknown course_id fails the task.",
        ),
        (
            results(more=False, items=()),
            (200, {"results": []}),
            "holds",
            "over SOAP: an empty listing; over REST: an empty listing.",
            "a mistyped course_id lists nothing instead of failing, so course_status_info and "
            "course_enrollment_info only warn",
        ),
        (
            results(more=False),
            (200, results_of("e1")),
            "differs",
            "over SOAP: 1 result(s) of a course that does not exist; over REST: 1 result(s) of a course that does not "
            "exist.",
            "report it with the saved replies",
        ),
    ],
    ids=["error", "empty", "lists-results"],
)
def test_unknown_course(run_module, soap_body, rest, verdict, words, advice):
    outcome = r3_run(run_module, unknown=unknown_reads(soap_body, rest))
    check = observed(outcome, "unknown_course")
    assert check["verdict"] == verdict and words in check["observed"], check
    assert advice in check["advice"]


def test_due_period_unit_is_never_read_and_the_advice_says_how_to_check_it_by_hand(run_module):
    check = observed(r3_run(run_module), "due_period_unit")
    assert (check["verdict"], check["contract"]) == ("not checked", "3.1 (r3) [doc]")
    assert check["observed"].startswith("duePeriod's unit cannot be read without a write")
    assert "course_enrollment (due_date_type: due_period, due_period: 2, not in check mode)" in check["advice"]
    assert "due date = access date + N days" in check["advice"]


def test_api_rest_is_not_advised_when_rest_reads_none_of_the_learners(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(logins=["jdoe"]),
        token_call(token=FRESH),
        soap("ListLearnersResults", PROBE, HTML_404, status=404),
        soap("ListLearnersResults", PROBE, HTML_404, ns=HTTPS_NS, status=404),
        rest_users_call(logins=["jdoe"], users=[], token=FRESH),
        *r3_reads(
            users=[users_read([], params=[("logins[]", "jdoe"), ("pageSize", "1000")])],
            unknown=unknown_reads(soap_read=False),
        ),
    )
    check = observed(outcome, "soap_rest_results")
    assert check["verdict"] == "differs" and outcome.result["settings"] == {}
    assert check["observed"].endswith("REST: 0 result(s) read of 0 learner(s) found.")
    assert check["advice"].startswith("Do not set api: rest yet: REST read none of the learners either.")
