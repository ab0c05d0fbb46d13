# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""edubrite_tenant_check through its real main(): each verdict of each point, from the exact
requests the check sends, and the failures that stop it."""

from __future__ import annotations

import os

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import edubrite_check
from ansible_collections.learnops.lms.plugins.modules import edubrite_tenant_check
from ansible_collections.learnops.lms.tests.unit.edubrite_wire import (
    API_USER,
    CONNECT,
    PASSWORD,
    PROGRAM,
    REPORT,
    RUN_AS,
    SID,
    SITE,
    USERS,
    form,
    list_call,
    listing,
    login,
    member_xml,
    response,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

MADE_UP = edubrite_check.MADE_UP_USER
ADMIN = '<user id="a1" siteRole="SITE_ADMIN" status="ACTIVE"><userName>adminusername</userName></user>'
UNKNOWN = response(-1, "0004", "User not found: %s" % MADE_UP)

HTML = "<!DOCTYPE html>\n<html><head><title>EduBrite</title></head><body>Loading...</body></html>"
FIRST = member_xml("u1", "user1", openId="oid-user1", startDate="1767571200000")
SECOND = member_xml("u2", "user2", status="COMPLETED", award="true", score="92.5", awardDate="1770681600000")
EXT = [("extId", "ONBOARDING")]
TOTALS = [("numItems", "2"), ("numPages", "2")]


def args(**overrides):
    base = dict(
        site_url=SITE,
        api_username=API_USER,
        api_password=PASSWORD,
        run_as=RUN_AS,
        program_id=PROGRAM[0][1],
        ext_id="ONBOARDING",
    )
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def page(members, number, total=2):
    return listing(members, num_items=total, page=number, size=1, num_pages=total)


def paging(first=FIRST, second=SECOND, without=None, served=None):
    """Pages 0 and 1 at pageSize 1: page 1 without numItems (page 0 again, as documented, unless
    told), then with page 0's numItems and numPages."""
    return [
        list_call(0, page([first], 0), size=1),
        list_call(1, without or page([first], 0), size=1),
        list_call(1, served or page([second], 1), totals=TOTALS, size=1),
    ]


def lookups(run_as=None, made_up=None, made_up_status=404):
    """userService get of run_as (a site administrator, unless told) and of the made-up user name
    (msg 0004, unless told)."""
    return [
        Call(USERS, data=form("get", ("userName", RUN_AS)), body=run_as or response(0, "0", "Success", ADMIN)),
        Call(USERS, data=form("get", ("userName", MADE_UP)), status=made_up_status, body=made_up or UNKNOWN),
    ]


def verdicts(outcome):
    return {check["id"]: check["verdict"] for check in outcome.result["checks"]}


def check(outcome, check_id):
    return next(found for found in outcome.result["checks"] if found["id"] == check_id)


def test_every_point_holds_on_a_site_as_the_contract_says_in_check_mode_too(run_module, tmp_path):
    saved = tmp_path / "replies"
    outcome = run_module(
        edubrite_tenant_check,
        args(save_replies=str(saved)),
        *login(),
        *lookups(),
        list_call(0, listing([FIRST, SECOND])),
        *paging(),
        list_call(0, listing([FIRST, SECOND]), program=EXT),
        check_mode=True,
    )
    assert outcome.exit_code == 0 and outcome.result["changed"] is False
    assert verdicts(outcome) == dict.fromkeys(
        (
            "connect_body",
            "session_cookies",
            "user_lookup",
            "member_layout",
            "member_dates",
            "member_fields",
            "paging_num_items",
            "list_ext_id",
        ),
        "holds",
    )
    assert outcome.result["settings"] == {}
    assert check(outcome, "connect_body")["observed"] == (
        'step 1: xml: an XML <response code="0"> (msg 0), HTTP 200, SESSION_ID set; '
        'step 2: xml: an XML <response code="0"> (msg 0152), HTTP 200, SESSION_INFO set.'
    )
    assert check(outcome, "member_layout")["observed"] == "2 member(s), their values as attributes of <member>."
    assert check(outcome, "member_dates")["observed"] == (
        "2 date(s) epoch milliseconds (for example startDate 1767571200000)."
    )
    assert check(outcome, "paging_num_items")["observed"] == (
        "numItems 2 at pageSize 1; page 1 with numItems 2 and numPages 2 holds 1 other member(s); "
        "page 1 without numItems answers page 0 again (numItems required)."
    )
    assert check(outcome, "list_ext_id")["observed"] == (
        "By extId ONBOARDING and by programId xxxx-xxxx-xxxx-xxxx: the same 2 member(s)."
    )
    files = sorted(os.listdir(saved))
    calls = ["connect"] * 2 + ["get"] * 2 + ["listProgramMembers"] * 5
    assert files == ["edubrite-%02d-%s.txt" % (n, call) for n, call in enumerate(calls, 1)]
    text = "".join((saved / name).read_text() for name in files)
    for secret_or_personal in (PASSWORD, SID, "info-0001", API_USER, RUN_AS, "user1", "user2", "oid-user1"):
        assert secret_or_personal not in text, secret_or_personal
    assert 'userName="username-3" openId="openid-1"' in text and "password=<masked>" in text


def test_html_and_empty_connect_bodies_elements_iso_dates_lenient_paging_and_ext_id_as_a_session(run_module):
    elements = (
        "<member><userId>%s</userId><userName>%s</userName><status>ENROLLED</status>"
        "<startDate>2026-01-05T00:00:00Z</startDate><endDate></endDate></member>"
    )
    first, second = elements % ("u1", "user1"), elements % ("u2", "user2")
    outcome = run_module(
        edubrite_tenant_check,
        args(),
        *login(first=HTML, second=""),
        *lookups(),
        list_call(0, listing([first, second])),
        *paging(first, second, without=page([second], 1)),
        Call(REPORT, status=404, body=response(-1, "0004", "No program session with extId ONBOARDING")),
    )
    assert verdicts(outcome) == {
        "connect_body": "holds",
        "session_cookies": "holds",
        "user_lookup": "holds",
        "member_layout": "holds",
        "member_dates": "differs",
        "member_fields": "differs",
        "paging_num_items": "holds",
        "list_ext_id": "differs",
    }
    assert check(outcome, "connect_body")["observed"] == (
        "step 1: html: an HTML page, HTTP 200, SESSION_ID set; "
        "step 2: empty: an empty body, HTTP 200, SESSION_INFO set."
    )
    assert check(outcome, "member_layout")["observed"] == "2 member(s), their values as child elements of <member>."
    assert (
        check(outcome, "member_dates")["observed"] == "2 date(s) ISO 8601 (for example startDate 2026-01-05T00:00:00Z)."
    )
    assert check(outcome, "paging_num_items")["observed"].endswith(
        "page 1 without numItems is served too (numItems not required)."
    )
    assert check(outcome, "list_ext_id")["observed"] == (
        "By extId ONBOARDING: EduBrite listProgramMembers failed (HTTP 404, msg 0004: No program session with "
        "extId ONBOARDING)."
    )
    assert outcome.result["settings"] == {"program_id": "xxxx-xxxx-xxxx-xxxx"}
    assert check(outcome, "list_ext_id")["advice"].startswith("Name this program by program_id: xxxx-xxxx-xxxx-xxxx")


def test_a_connect_body_in_another_form_and_dates_in_an_unknown_form_differ(run_module):
    odd = member_xml("u1", "user1", startDate="05.01.2026")
    outcome = run_module(
        edubrite_tenant_check,
        args(ext_id=None),
        *login(second='{"status": "ok"}'),
        *lookups(),
        list_call(0, listing([odd])),
        list_call(0, page([odd], 0, total=1), size=1),
    )
    assert verdicts(outcome) == {
        "connect_body": "differs",
        "session_cookies": "holds",
        "user_lookup": "holds",
        "member_layout": "holds",
        "member_dates": "differs",
        "member_fields": "holds",
        "paging_num_items": "not checked",
        "list_ext_id": "not checked",
    }
    assert 'step 2: other: another body ({"status": "ok"})' in check(outcome, "connect_body")["observed"]
    assert check(outcome, "member_dates")["observed"].startswith("1 date(s) in a form the modules do not know")
    assert check(outcome, "paging_num_items")["observed"] == "The program has 1 member(s): one page at page_size 1."
    assert check(outcome, "list_ext_id")["observed"] == "ext_id was not given."


def test_paging_that_ignores_num_items_or_has_no_num_items_differs(run_module):
    common = [*login(), *lookups(), list_call(0, listing([FIRST, SECOND]))]
    repeats = run_module(
        edubrite_tenant_check,
        args(ext_id=None),
        *common,
        *paging(served=page([FIRST], 0)),
    )
    found = check(repeats, "paging_num_items")
    assert found["verdict"] == "differs"
    assert "page 1 with numItems 2 and numPages 2 answers page 0 again" in found["observed"]
    missing = run_module(
        edubrite_tenant_check,
        args(ext_id=None),
        *common,
        list_call(0, response(0, "0", "Success", "<programMembers>%s</programMembers>" % FIRST), size=1),
    )
    found = check(missing, "paging_num_items")
    assert found["verdict"] == "differs" and found["observed"].startswith("Page 0 (pageSize 1) carries no numItems")


def test_other_members_by_ext_id_differ_and_an_empty_program_settles_nothing(run_module):
    other = run_module(
        edubrite_tenant_check,
        args(),
        *login(),
        *lookups(),
        list_call(0, listing([FIRST, SECOND])),
        *paging(),
        list_call(0, listing([member_xml("s1", "session-member")]), program=EXT),
    )
    found = check(other, "list_ext_id")
    assert found["verdict"] == "differs"
    assert (
        found["observed"]
        == "By extId ONBOARDING: 1 member(s), by programId xxxx-xxxx-xxxx-xxxx: 2; 3 listed by one only."
    )
    empty = run_module(
        edubrite_tenant_check,
        args(),
        *login(),
        *lookups(),
        list_call(0, listing([])),
        list_call(0, page([], 0, total=0), size=1),
        list_call(0, listing([]), program=EXT),
    )
    assert verdicts(empty) == {
        "connect_body": "holds",
        "session_cookies": "holds",
        "user_lookup": "holds",
        "member_layout": "not checked",
        "member_dates": "not checked",
        "member_fields": "not checked",
        "paging_num_items": "not checked",
        "list_ext_id": "not checked",
    }
    assert check(empty, "list_ext_id")["observed"].endswith(": no member either way.")


def test_a_listing_in_an_unexpected_shape_differs(run_module):
    odd = response(0, "0", "Success", "<members><member userId='u1'/></members>")
    outcome = run_module(
        edubrite_tenant_check,
        args(),
        *login(),
        *lookups(),
        list_call(0, odd),
        list_call(0, odd, size=1),
    )
    assert verdicts(outcome) == {
        "connect_body": "holds",
        "session_cookies": "holds",
        "user_lookup": "holds",
        "member_layout": "differs",
        "member_dates": "not checked",
        "paging_num_items": "not checked",
        "list_ext_id": "not checked",
    }
    assert "not a member listing in the expected form" in check(outcome, "member_layout")["observed"]


def test_a_refused_login_fails_saying_which_body_forms_were_seen(run_module, tmp_path):
    outcome = run_module(
        edubrite_tenant_check,
        args(save_replies=str(tmp_path)),
        Call(CONNECT, data=[("xml", "true")], body=HTML, cookies={"SESSION_ID": SID}),
        Call(CONNECT, body=HTML),
    )
    assert outcome.failed and outcome.msg.startswith("EduBrite refused the login of API user 'username-1'")
    assert verdicts(outcome) == {"connect_body": "not checked"}
    assert check(outcome, "connect_body")["observed"] == (
        "step 1: html: an HTML page, HTTP 200, SESSION_ID set; step 2: html: an HTML page, HTTP 200, no cookie set; "
        "the login was refused."
    )
    assert len(outcome.result["saved"]) == 2 and API_USER not in (tmp_path / "edubrite-02-connect.txt").read_text()


def test_an_unknown_program_fails_naming_it(run_module):
    outcome = run_module(
        edubrite_tenant_check,
        args(program_id="nope"),
        *login(),
        *lookups(),
        Call(REPORT, status=404, body=response(-1, "0004", "Program not found: nope")),
    )
    assert outcome.failed
    assert outcome.msg == (
        "program_id nope: EduBrite knows no such program (EduBrite listProgramMembers failed (HTTP 404, msg 0004: "
        "Program not found: nope)). Give the ID of a program of the site."
    )
    assert set(verdicts(outcome)) == {"connect_body", "session_cookies", "user_lookup"}
    assert outcome.result["code"] == "0004"


def test_a_page_size_out_of_range_fails_before_any_request(run_module):
    outcome = run_module(edubrite_tenant_check, args(page_size=0))
    assert outcome.failed and outcome.msg.startswith("page_size: 0 is not from 1 to 1000.")
    assert outcome.msg.endswith("Nothing was sent.")


# --- contract 3.4 (r3): session cookies, user lookups, member fields ---

LAST = {"Cookie": "SESSION_ID=sid-0002; SESSION_INFO=info-0001", "REAL_UNAME": RUN_AS}
STALE = {"Cookie": "SESSION_ID=%s; SESSION_INFO=info-0001" % SID, "REAL_UNAME": RUN_AS}


def stale_read(status=401, body=None):
    """The userService get of run_as with the step-1 SESSION_ID after step 2."""
    return Call(
        USERS,
        data=form("get", ("userName", RUN_AS)),
        headers=STALE,
        status=status,
        body=body or response(-1, "0174", "Session is not valid"),
    )


@pytest.mark.parametrize("refused", [True, False])
def test_a_new_session_id_at_step_2_is_used_and_the_step_1_one_tried_once(run_module, refused):
    stale = stale_read() if refused else stale_read(200, response(0, "0", "Success", ADMIN))
    outcome = run_module(
        edubrite_tenant_check,
        args(ext_id=None),
        *login(new_sid="sid-0002"),
        stale,
        *lookups(),
        list_call(0, listing([FIRST]), headers=LAST),
        list_call(0, page([FIRST], 0, total=1), size=1, headers=LAST),
    )
    assert outcome.exit_code == 0, outcome.msg
    found = check(outcome, "session_cookies")
    assert found["verdict"] == "holds"
    outcome_text = (
        "refused (EduBrite get failed (HTTP 401, msg 0174: Session is not valid))"
        if refused
        else "a <user> (status ACTIVE, siteRole SITE_ADMIN)"
    )
    assert found["observed"] == (
        "step 1 sets SESSION_ID; step 2 sets SESSION_ID, SESSION_INFO; step 2 sets a new SESSION_ID; a userService "
        "get with the step-1 SESSION_ID after step 2: %s." % outcome_text
    )
    assert found["advice"].startswith("Nothing to set: the modules send the cookies set last (SESSION_ID of step 2).")
    assert [e["Cookie"] for e in outcome.session.sent[2:] for e in [e["headers"]]][1:] == [LAST["Cookie"]] * 4
    assert "sid-0002" not in str(outcome.result) and SID not in str(outcome.result)


def test_the_step_1_session_id_kept_at_step_2_needs_no_extra_read(run_module):
    outcome = run_module(
        edubrite_tenant_check,
        args(ext_id=None),
        *login(),
        *lookups(),
        list_call(0, listing([FIRST])),
        list_call(0, page([FIRST], 0, total=1), size=1),
    )
    found = check(outcome, "session_cookies")
    assert (found["verdict"], found["observed"]) == (
        "holds",
        "step 1 sets SESSION_ID; step 2 sets SESSION_INFO; step 2 sets no new SESSION_ID: the step-1 one stays the "
        "session's.",
    )
    found = check(outcome, "user_lookup")
    assert (found["verdict"], found["observed"]) == (
        "holds",
        "run_as username-2: a <user> (status ACTIVE, siteRole SITE_ADMIN); made-up user name %s: refused (EduBrite "
        "get failed (HTTP 404, msg 0004: User not found: %s))." % (MADE_UP, MADE_UP),
    )


@pytest.mark.parametrize(
    "run_as, made_up, status, words, advice",
    [
        (
            None,
            response(0, "0", "Success"),
            200,
            "made-up user name %s: a success without a <user>" % MADE_UP,
            "cannot tell",
        ),
        (
            response(-1, "0004", "User not found: adminusername"),
            None,
            404,
            "run_as username-2: refused (EduBrite get failed (HTTP 200, msg 0004",
            "Set run_as to the user name of a site administrator",
        ),
    ],
    ids=["made-up-found", "run_as-unknown"],
)
def test_user_lookups_that_differ(run_module, run_as, made_up, status, words, advice):
    outcome = run_module(
        edubrite_tenant_check,
        args(ext_id=None),
        *login(),
        *lookups(run_as, made_up, status),
        list_call(0, listing([FIRST])),
        list_call(0, page([FIRST], 0, total=1), size=1),
    )
    found = check(outcome, "user_lookup")
    assert found["verdict"] == "differs" and words in found["observed"], found
    assert advice in found["advice"]


def test_member_fields_never_carried_and_odd_status_values(run_module):
    def run(members):
        return run_module(
            edubrite_tenant_check,
            args(ext_id=None),
            *login(),
            *lookups(),
            list_call(0, listing(members)),
            list_call(0, page(members[:1], 0, total=len(members)), size=1),
            *([list_call(1, page(members[:1], 0), size=1)] if len(members) > 1 else []),
            *([list_call(1, page(members[1:2], 1), totals=TOTALS, size=1)] if len(members) > 1 else []),
        )

    holds = check(run([FIRST, SECOND]), "member_fields")
    assert holds["verdict"] == "holds"
    assert holds["observed"] == (
        "2 member(s) carry userId, userName, openId, status, quit, award, score, startDate, endDate, dueDate, "
        "awardDate, awardExpDate; never carried: none; status values: COMPLETED (1), ENROLLED (1)."
    )
    dropped = ("awardExpDate", "score")
    never = check(run([member_xml("u1", "user1", drop=dropped, extra="x")]), "member_fields")
    assert never["verdict"] == "differs"
    assert never["observed"] == (
        "1 member(s) carry userId, userName, openId, status, quit, award, startDate, endDate, dueDate, awardDate "
        "(and extra); never carried: score, awardExpDate; status values: ENROLLED (1)."
    )
    assert never["advice"].startswith("Leave score, award_expiry_date out of the program_member tasks of this site")
    odd = check(run([member_xml("u1", "user1", status="IN_PROGRESS")]), "member_fields")
    assert odd["verdict"] == "differs" and "report IN_PROGRESS" in odd["advice"]
