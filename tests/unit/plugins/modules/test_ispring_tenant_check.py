# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ispring_tenant_check through its real main(): each verdict of each point, from the exact
requests the check sends, and the failures that stop it."""

from __future__ import annotations

import os

import pytest

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
        rest_results_call(user_ids=["u1"], results=[rest_result("e1", "u1", "in_progress", 25)], token=FRESH),
    ]
    outcome = run_module(ispring_tenant_check, args(logins=["jdoe"], save_replies=str(saved)), *script, check_mode=True)
    assert outcome.exit_code == 0 and outcome.result["changed"] is False
    assert set(verdicts(outcome).values()) == {"holds"}
    assert list(verdicts(outcome)) == [
        "token_reply",
        "soap_url",
        "soap_namespace",
        "reply_namespace",
        "invalid_token",
        "list_layout_results",
        "list_layout_users",
        "soap_rest_results",
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
    assert len(outcome.result["requests"]) == 9 and "jdoe" not in str(outcome.result["checks"])
    files = sorted(os.listdir(saved))
    assert files[0] == "ispring-01-token.txt" and files[-1] == "ispring-09-GET-learners-results.txt"
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
    }
    assert outcome.result["settings"] == {"api": "rest"}
    assert observed(outcome, "soap_rest_results")["advice"] == "Set api: rest."


def test_every_namespace_refused(run_module):
    outcome = run_module(
        ispring_tenant_check,
        args(soap_namespace="urn:other"),
        token_call(token=FRESH),
        *probes(http=fault("Wrong parameters"), https=fault("Wrong parameters")),
        soap("ListLearnersResults", PROBE, fault("Wrong parameters"), ns="urn:other", status=500),
        rest_results_call(results=[], token=FRESH),
    )
    check = observed(outcome, "soap_namespace")
    assert check["verdict"] == "differs" and check["advice"].startswith("Every namespace tried was refused")
    assert "urn:other: refused with Wrong parameters" in check["observed"]
    assert outcome.result["settings"] == {"api": "rest"}


def test_soap_and_rest_that_disagree_and_a_rest_interface_that_cannot_be_used(run_module):
    common = [token_call(token=FRESH), *probes(), invalid_token(), users_probe()]
    disagree = run_module(
        ispring_tenant_check,
        args(),
        *common,
        *course_reads(
            soap_results=(RESULT, PASSED),
            rest_results=[
                rest_result("e1", "u1", "complete", 25),
                rest_result("e2", "u2", "passed", 100, "2020-06-30T14:12:00+00:00"),
                rest_result("e3", "u3", "not_started", 0),
            ],
        ),
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
        *common,
        list_results_call(results=[RESULT], token=FRESH),
        rest_call("GET", "/learners/results", HTML_404, status=404, token=FRESH),
    )
    check = observed(unusable, "soap_rest_results")
    assert check["verdict"] == "differs" and check["observed"].startswith(
        "REST: iSpring GET /learners/results: the reply is not JSON (HTTP 404)"
    )
    assert check["advice"] == "Keep api: soap (the default): the REST interface cannot be used."
    assert unusable.result["settings"] == {}


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
