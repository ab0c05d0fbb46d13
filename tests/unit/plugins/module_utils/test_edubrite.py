# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EduBrite form-post layer against scripted requests and replies: exact form bodies (in
order), cookies and headers, and the XML replies."""

from __future__ import annotations

import threading

import pytest
import requests
from lxml import etree

from ansible_collections.learnops.lms.plugins.module_utils import edubrite
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    AuthenticationError,
    ReplyError,
    TransportError,
    ValidationError,
)
from ansible_collections.learnops.lms.plugins.module_utils.transport import Reply
from ansible_collections.learnops.lms.tests.unit.edubrite_wire import (
    API_USER,
    CONNECT,
    ENROLLMENT,
    INFO,
    INFO2,
    OK,
    PASSWORD,
    PROGRAM,
    REPORT,
    RUN_AS,
    SEED_REPLY,
    SESSION,
    SESSION2,
    SESSION_EXPIRED,
    SID,
    SID2,
    SITE,
    USERS,
    client_for,
    form,
    list_call,
    listing,
    login,
    member_xml,
    response,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

# --- the seed ---


def test_seed_sample_input_posts_exactly_the_seed_parameters(script):
    """Seed: enrollmentService.do, dispatch=updateProgramMember, xml=true, programId, usernames,
    endDate (the snippet's couponService.do and expDate are wrong; the table is followed)."""
    secrets = []
    transport = script(
        *login(),
        Call(
            ENROLLMENT,
            data=[
                ("dispatch", "updateProgramMember"),
                ("xml", "true"),
                ("programId", "xxxx-xxxx-xxxx-xxxx"),
                ("usernames", "user1,user2"),
                ("endDate", "1495163497116"),
            ],
            headers=SESSION,
            body=SEED_REPLY,
        ),
    )
    client = client_for(transport, secrets)
    client.update_program_member(PROGRAM, "usernames", ["user1", "user2"], {"endDate": 1495163497116})
    sent = transport.scripted.sent
    assert [s["url"] for s in sent] == [CONNECT, CONNECT, ENROLLMENT]
    assert "REAL_UNAME" not in sent[0]["headers"] and "Cookie" not in sent[0]["headers"]
    assert sent[2]["headers"] == SESSION
    assert secrets == [PASSWORD, SID, INFO]
    assert client.logins == 1


def test_every_field_in_the_seed_table_order(script):
    transport = script(
        *login(),
        Call(
            ENROLLMENT,
            headers=SESSION,
            body=SEED_REPLY,
            data=form(
                "updateProgramMember",
                ("extId", "ONBOARDING"),
                ("openIds", "oid-1"),
                ("startDate", "1767571200000"),
                ("endDate", "1"),
                ("dueDate", "1774915200000"),
                ("award", "true"),
                ("score", "92.5"),
                ("awardDate", "1770681600000"),
                ("awardExpDate", "1802217600000"),
            ),
        ),
    )
    fields = {
        "awardExpDate": 1802217600000,
        "score": 92.5,
        "award": True,
        "startDate": 1767571200000,
        "dueDate": 1774915200000,
        "awardDate": 1770681600000,
        "endDate": 1,
    }
    client_for(transport).update_program_member(edubrite.program(ext_id="ONBOARDING"), "openIds", ["oid-1"], fields)


@pytest.mark.parametrize(
    "fields, wire",
    [
        ({"remove": True}, [("remove", "true")]),
        ({"quitProgram": True}, [("quitProgram", "true")]),
        ({"award": False}, [("award", "false")]),
        ({"score": 88}, [("score", "88.0")]),
        ({"score": 0.1}, [("score", "0.1")]),
    ],
)
def test_flags_and_score_on_the_wire(script, fields, wire):
    transport = script(
        *login(),
        Call(
            ENROLLMENT,
            headers=SESSION,
            body=SEED_REPLY,
            data=form("updateProgramMember", *PROGRAM) + [("ids", "a,b")] + wire,
        ),
    )
    client_for(transport).update_program_member(PROGRAM, "ids", ["a", "b"], fields)


def test_update_refuses_unknown_fields_and_user_params():
    client = client_for(None)
    with pytest.raises(ValueError, match="expDate"):
        client.update_program_member(PROGRAM, "usernames", ["u"], {"expDate": 1})
    with pytest.raises(ValueError, match="emails"):
        client.update_program_member(PROGRAM, "emails", ["u"], {"endDate": 1})
    with pytest.raises(ValueError, match="openIds"):
        client.enroll_users_in_program(PROGRAM, "openIds", ["u"], False)


# --- session ---

HTML_PAGE = "<html><head><title>EduBrite</title></head><body><h1>Welcome</h1></body></html>"


def test_one_login_for_many_calls(script):
    transport = script(*login(), list_call(0, listing([])), list_call(0, listing([])))
    client = client_for(transport)
    assert client.list_program_members(PROGRAM) == []
    assert client.list_program_members(PROGRAM) == []
    assert client.logins == 1


def test_session_expiry_logs_in_again_once_and_repeats_the_call(script):
    update = form("updateProgramMember", *PROGRAM) + [("usernames", "user1"), ("score", "1.0")]
    secrets = []
    transport = script(
        *login(),
        Call(ENROLLMENT, data=update, headers=SESSION, status=401, body=SESSION_EXPIRED),
        *login(SID2, INFO2),
        Call(ENROLLMENT, data=update, headers=SESSION2, body=SEED_REPLY),
    )
    client = client_for(transport, secrets)
    client.update_program_member(PROGRAM, "usernames", ["user1"], {"score": 1})
    assert client.logins == 2
    assert secrets == [PASSWORD, SID, INFO, SID2, INFO2]


def test_session_refused_right_after_a_new_login_fails(script):
    transport = script(
        *login(), list_call(0, SESSION_EXPIRED), *login(SID2, INFO2), list_call(0, SESSION_EXPIRED, headers=SESSION2)
    )
    with pytest.raises(ApiError, match="expired again right after a new login") as caught:
        client_for(transport).list_program_members(PROGRAM)
    assert caught.value.code == "0174"


@pytest.mark.parametrize("body", [None, HTML_PAGE, ""], ids=["xml", "html", "empty"])
def test_the_session_cookies_are_those_set_last(script, body):
    """Contract 3.4 (r3): step 2's SESSION_ID wins over step 1's (a cookie jar), and is masked."""
    secrets = []
    last = {"Cookie": "SESSION_ID=%s; SESSION_INFO=%s" % (SID2, INFO), "REAL_UNAME": RUN_AS}
    transport = script(
        *login(new_sid=SID2, first=body, second=body),
        list_call(0, listing([]), headers=last),
        list_call(0, OK, headers=last),
    )
    client = client_for(transport, secrets)
    assert client.list_program_members(PROGRAM) == []
    assert sorted(secrets) == sorted([PASSWORD, SID, SID2, INFO])
    assert transport.scripted.sent[2]["headers"]["Cookie"] == last["Cookie"]
    with pytest.raises(ReplyError):  # the same cookies on the next call
        client.list_program_members(PROGRAM)


def test_step_2_without_a_session_id_keeps_step_1s(script):
    transport = script(*login(), list_call(0, listing([]), headers=SESSION))
    assert client_for(transport).list_program_members(PROGRAM) == []


def test_refused_login_is_an_authentication_error_without_the_password(script):
    [first, second] = login()
    second.status, second.body, second.cookies = 401, response(-1, "0154", "Connection not successful").encode(), {}
    transport = script(first, second)
    with pytest.raises(AuthenticationError) as caught:
        client_for(transport).list_program_members(PROGRAM)
    message = str(caught.value)
    assert API_USER in message and "0154" in message and "HTTP 401" in message and PASSWORD not in message


@pytest.mark.parametrize("body", [None, HTML_PAGE, ""], ids=["xml", "html", "empty"])
def test_login_is_judged_by_its_cookies_whatever_the_body(script, body):
    """Contract 2.2 r2: an XML response, an HTML page or nothing; xml=true on both steps."""
    first, second = login(first=body, second=body)
    transport = script(first, second, list_call(0, listing([])))
    assert client_for(transport).list_program_members(PROGRAM) == []


@pytest.mark.parametrize("body", [HTML_PAGE, ""], ids=["html", "empty"])
def test_a_login_without_session_info_is_refused_with_an_excerpt(script, body):
    first, second = login(first=body, second=body)
    second.cookies = {}
    transport = script(first, second)
    with pytest.raises(AuthenticationError) as caught:
        client_for(transport).login()
    message = caught.value.message
    assert message.startswith(
        "EduBrite refused the login of API user %r (HTTP 200 without a SESSION_INFO cookie" % API_USER
    )
    assert ("reply begins: <html><head><title>EduBrite" if body else "reply begins: (empty)") in message
    assert "Check api_username and api_password" in message and PASSWORD not in message


def test_too_many_sessions_is_named_first(script):
    [first, second] = login()
    second.status, second.cookies = 401, {}
    second.body = response(-1, "0154", "Connection not successful: too many API sessions for this site").encode()
    transport = script(first, second)
    with pytest.raises(AuthenticationError) as caught:
        client_for(transport).login()
    assert "because too many API sessions of the site are open" in caught.value.message
    assert "no call that ends a session" in caught.value.message


def test_first_login_step_without_session_cookie(script):
    [first] = login()[:1]
    first.cookies = {}
    transport = script(first)
    with pytest.raises(ReplyError, match="no SESSION_ID cookie.*site_url"):
        client_for(transport).login()


def test_first_login_step_html_page_without_cookie_names_site_url(script):
    transport = script(
        Call(CONNECT, data=[("xml", "true")], status=404, body="<html><body><h1>Not Found</h1></body></html>")
    )
    with pytest.raises(
        ReplyError, match="first step set no SESSION_ID cookie \\(HTTP 404\\). Check site_url. Reply begins: <html>"
    ):
        client_for(transport).login()


# --- errors ---


def test_permission_refusal_says_whose_permissions_were_used(script):
    transport = script(
        *login(),
        list_call(
            0, response(-1, "0005", "You are not allowed to perform this action."), headers={"REAL_UNAME": "jdoe_eb"}
        ),
    )
    with pytest.raises(ApiError) as caught:
        client_for(transport, run_as="jdoe_eb").list_program_members(PROGRAM)
    assert caught.value.code == "0005"
    assert "run_as 'jdoe_eb'" in str(caught.value) and "not allowed" in str(caught.value)


def test_error_body_is_read_before_the_http_status(script):
    transport = script(*login(), list_call(0, response(-1, "0004", "Program not found: xxxx-xxxx-xxxx-xxxx")))
    transport.scripted.script[-1].status = 404
    with pytest.raises(
        ValidationError,
        match="programId xxxx-xxxx-xxxx-xxxx: EduBrite knows no such program.*HTTP 404, msg 0004: Program not found",
    ):
        client_for(transport).members_of(PROGRAM)


@pytest.mark.parametrize(
    "status, body, words",
    [
        (500, "<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>", "HTTP 500"),
        (200, "<html><body>Maintenance</body></html>", "not an EduBrite <response> (HTTP 200). Reply begins: <html>"),
        (200, '<response code="0"><msgs><msg><code>0</co', "not well-formed XML (HTTP 200"),
        (200, "", "empty reply (HTTP 200)"),
    ],
)
def test_replies_that_are_not_the_expected_xml(script, status, body, words):
    transport = script(*login(), list_call(0, body))
    transport.scripted.script[-1].status = status
    with pytest.raises(ReplyError) as caught:
        client_for(transport).list_program_members(PROGRAM)
    assert words in str(caught.value)
    assert SID not in str(caught.value) and INFO not in str(caught.value)


def test_success_code_with_an_error_status_is_not_trusted(script):
    transport = script(*login(), list_call(0, listing([])))
    transport.scripted.script[-1].status = 403
    with pytest.raises(ReplyError, match="success .* with HTTP 403"):
        client_for(transport).list_program_members(PROGRAM)


def test_unexpected_msg_code_and_generic_error(script):
    update = form("updateProgramMember", *PROGRAM) + [("usernames", "u"), ("dueDate", "5")]
    transport = script(
        *login(),
        Call(ENROLLMENT, data=update, body=response(0, "0999", "Something else")),
        Call(ENROLLMENT, data=update, status=400, body=response(-1, "0026", "Invalid value")),
    )
    client = client_for(transport)
    with pytest.raises(ApiError, match="unexpected reply \\(HTTP 200, msg 0999: Something else\\)"):
        client.update_program_member(PROGRAM, "usernames", ["u"], {"dueDate": 5})
    with pytest.raises(ApiError, match="failed \\(HTTP 400, msg 0026: Invalid value\\)") as caught:
        client.update_program_member(PROGRAM, "usernames", ["u"], {"dueDate": 5})
    assert caught.value.code == "0026"


def test_tolerant_reply_parsing_namespaces_and_order(script):
    body = (
        '<e:response xmlns:e="urn:x" code=" 0 "><e:data><e:programMembers numItems="1">'
        '<e:member userName="user1" userId="u1" status="completed" score="7"/></e:programMembers>'
        "</e:data><e:unknown/><e:msgs><e:msg><e:value>ok</e:value><e:code>0</e:code></e:msg></e:msgs>"
        "</e:response>"
    )
    transport = script(*login(), list_call(0, body))
    [member] = client_for(transport).list_program_members(PROGRAM)
    assert member["username"] == "user1" and member["status"] == "COMPLETED" and member["award"] is True
    assert member["score"] == 7.0


# --- retries: which calls are safe to repeat ---

BAD_GATEWAY = Call(ENROLLMENT, status=502, body="502 Bad Gateway")


def test_enrolment_without_mail_is_repeated_after_a_502(script):
    enroll = form("enrollUsersInProgram", *PROGRAM) + [("usernames", "user3,user4"), ("sendMail", "false")]
    transport = script(
        *login(),
        Call(ENROLLMENT, data=enroll, status=502, body="502 Bad Gateway"),
        Call(ENROLLMENT, data=enroll, headers=SESSION, body=OK),
    )
    client_for(transport).enroll_users_in_program(PROGRAM, "usernames", ["user3", "user4"], False)
    assert len(transport.sleeps) == 1


def test_enrolment_with_mail_is_not_repeated(script):
    enroll = form("enrollUsersInProgram", *PROGRAM) + [("ids", "u3"), ("sendMail", "true")]
    transport = script(*login(), Call(ENROLLMENT, data=enroll, status=502, body="502 Bad Gateway"))
    with pytest.raises(ReplyError, match="HTTP 502"):
        client_for(transport).enroll_users_in_program(PROGRAM, "ids", ["u3"], True)
    assert transport.sleeps == []


def test_updates_and_removals_are_repeated_after_a_lost_reply(script):
    quit_form = form("updateProgramMember", *PROGRAM) + [("ids", "u1"), ("quitProgram", "true")]
    remove_form = form("updateProgramMember", *PROGRAM) + [("ids", "u1"), ("remove", "true")]
    transport = script(
        *login(),
        Call(ENROLLMENT, data=quit_form, raises=requests.exceptions.ReadTimeout("slow")),
        Call(ENROLLMENT, data=quit_form, body=SEED_REPLY),
        Call(ENROLLMENT, data=remove_form, status=502, body="502 Bad Gateway"),
        Call(ENROLLMENT, data=remove_form, body=SEED_REPLY),
    )
    client = client_for(transport)
    client.update_program_member(PROGRAM, "ids", ["u1"], {"quitProgram": True})
    client.update_program_member(PROGRAM, "ids", ["u1"], {"remove": True})
    assert len(transport.sleeps) == 2


def test_enrolment_with_mail_is_not_repeated_after_a_timeout(script):
    transport = script(*login(), Call(ENROLLMENT, raises=requests.exceptions.ReadTimeout("slow")))
    with pytest.raises(TransportError, match="not repeated"):
        client_for(transport).enroll_users_in_program(PROGRAM, "ids", ["u1"], send_mail=True)


def test_remove_and_quit_flags_together(script):
    transport = script(
        *login(),
        Call(
            ENROLLMENT,
            body=response(0, "0226", "Program member updated successfully"),
            data=form(
                "updateProgramMember",
                ("programId", "p"),
                ("openIds", "o1"),
                ("remove", "true"),
                ("quitProgram", "true"),
            ),
        ),
    )
    client_for(transport).update_program_member(
        edubrite.program("p"), "openIds", ["o1"], {"quitProgram": True, "remove": True}
    )


def test_throttling_is_retried_and_then_gives_up(script):
    throttled = Call(REPORT, status=429, body="", reply_headers={"Retry-After": "2"})
    transport = script(*login(), throttled, throttled, retries=1)
    with pytest.raises(TransportError, match="HTTP 429.*after 2 attempt"):
        client_for(transport).list_program_members(PROGRAM)
    assert transport.sleeps == [2.0]


# --- reads ---


def test_listing_normalises_records():
    root = etree.fromstring(
        listing(
            [
                member_xml("u1", "user1", openId="oid-1", startDate="1595376000000"),
                member_xml(
                    "u2",
                    "user2",
                    status="COMPLETED",
                    award="true",
                    score="92.5",
                    awardDate="1595894400000",
                    quit="TRUE",
                ),
                member_xml("u3", "user3", status="COMPLETED", award="", score=""),
                member_xml("u4", "user4", status="COMPLETED", award="false", score="0.0"),
            ]
        )
    )
    records = [edubrite.member_record(e) for e in root.iter("member")]
    assert records[0] == dict(
        user_id="u1",
        username="user1",
        open_id="oid-1",
        status="ENROLLED",
        quit=False,
        award=False,
        score=None,
        startDate=1595376000000,
        endDate=None,
        dueDate=None,
        awardDate=None,
        awardExpDate=None,
    )
    assert (records[1]["award"], records[1]["quit"], records[1]["score"], records[1]["awardDate"]) == (
        True,
        True,
        92.5,
        1595894400000,
    )
    assert (records[2]["award"], records[2]["score"]) == (True, None)
    assert (records[3]["award"], records[3]["score"]) == (False, 0.0)


@pytest.mark.parametrize(
    "values, words",
    [
        (dict(startDate="2026-01-05T00:00:00Z"), "startDate '2026-01-05T00:00:00Z' is not epoch milliseconds"),
        (dict(dueDate="1774915200.5"), "dueDate '1774915200.5' is not epoch milliseconds"),
        (dict(score="n/a"), "score 'n/a' is not a number"),
        (dict(score="NaN"), "score 'NaN' is not a number"),
    ],
)
def test_a_member_value_that_cannot_be_read_fails_loudly(script, values, words):
    transport = script(
        *login(), list_call(0, listing([member_xml("u1", "user1"), member_xml("u2", "user2", **values)]))
    )
    with pytest.raises(ReplyError) as caught:
        client_for(transport).list_program_members(PROGRAM)
    assert caught.value.message.startswith("EduBrite listProgramMembers: a member's record cannot be read: " + words)
    assert 'userName="user2"' in caught.value.message


@pytest.mark.parametrize(
    "data, words",
    [
        ("", "its <data> does not hold one <programMembers>"),
        ("<members><member userId='u1'/></members>", "its <data> does not hold one <programMembers>"),
        ("<programMembers numItems='1'/><page>0</page>", "its <data> does not hold one <programMembers>"),
        (
            "<programMembers numItems='1'><programMember userId='u1'/></programMembers>",
            "<programMembers> holds elements other than <member>",
        ),
    ],
)
def test_a_listing_in_another_shape_fails_loudly_instead_of_reading_no_members(script, data, words):
    transport = script(*login(), list_call(0, response(0, "0", "Success", data)))
    with pytest.raises(ReplyError) as caught:
        client_for(transport).list_program_members(PROGRAM)
    assert "not a member listing in the expected form (%s)" % words in caught.value.message
    assert "Reply reads: <data" in caught.value.message or "Reply reads: <response" in caught.value.message


def test_a_reply_without_data_fails_loudly(script):
    transport = script(*login(), list_call(0, OK))
    with pytest.raises(ReplyError, match="its <data> does not hold one <programMembers>"):
        client_for(transport).list_program_members(PROGRAM)


def test_member_as_child_elements():
    element = etree.fromstring(
        "<member><userId>u9</userId><userName><![CDATA[jdoe]]></userName>"
        "<dueDate>1774915200000</dueDate><quit>true</quit></member>"
    )
    record = edubrite.member_record(element)
    assert (record["user_id"], record["username"], record["dueDate"], record["quit"]) == (
        "u9",
        "jdoe",
        1774915200000,
        True,
    )


def test_paging_sends_page_0s_totals_on_every_later_page(script):
    """Contract 2.4 r2 [doc]: numItems (and numPages) of page 0, passed as-is from page 1 on.
    The site caps pageSize at 2."""
    page0 = listing([member_xml("u1", "user1"), member_xml("u2", "user2")], num_items=5, size=2, num_pages=3)
    page1 = listing([member_xml("u3", "user3"), member_xml("u4", "user4")], num_items=5, page=1, size=2, num_pages=3)
    page2 = listing([member_xml("u5", "user5")], num_items=5, page=2, size=2, num_pages=3)
    totals = [("numItems", "5"), ("numPages", "3")]
    transport = script(
        *login(), list_call(0, page0), list_call(1, page1, totals=totals), list_call(2, page2, totals=totals)
    )
    found = client_for(transport).list_program_members(PROGRAM)
    assert [m["username"] for m in found] == ["user1", "user2", "user3", "user4", "user5"]


def test_paging_by_num_pages_when_num_items_is_absent(script):
    page0 = listing([member_xml("u1", "user1")], size=1, num_pages=2).replace(' numItems="1"', "")
    page1 = listing([member_xml("u2", "user2")], page=1, size=1, num_pages=2).replace(' numItems="1"', "")
    transport = script(*login(), list_call(0, page0), list_call(1, page1, totals=[("numPages", "2")]))
    assert len(client_for(transport).list_program_members(PROGRAM)) == 2


def test_paging_follows_the_page_size_given(script):
    members = [
        '<member userId="a" userName="ua" status="COMPLETED" award="true" '
        'score="92.5" startDate="1595376000000" endDate="" quit="false"/>',
        '<member userId="b" userName="ub" status="ENROLLED" quit="true"/>',
    ]
    transport = script(
        *login(),
        list_call(0, listing(members, num_items=3, size=2), program=[("programId", "p")], size=2),
        list_call(
            1,
            listing(['<member userName="uc" userId="c"/>'], num_items=3, page=1, size=2),
            program=[("programId", "p")],
            size=2,
            totals=[("numItems", "3")],
        ),
    )
    found = client_for(transport).list_program_members(edubrite.program("p"), page_size=2)
    assert [(m["user_id"], m["award"], m["score"], m["startDate"], m["endDate"], m["quit"]) for m in found] == [
        ("a", True, 92.5, 1595376000000, None, False),
        ("b", False, None, None, None, True),
        ("c", False, None, None, None, False),
    ]


def test_paging_without_totals_stops_at_a_short_page(script):
    page0 = listing([member_xml("u1", "user1"), member_xml("u2", "user2")], size=2).replace(' numItems="2"', "")
    page1 = listing([], size=2).replace(' numItems="0"', "")
    transport = script(*login(), list_call(0, page0), list_call(1, page1))
    assert len(client_for(transport).list_program_members(PROGRAM)) == 2


@pytest.mark.parametrize(
    "totals, sent", [(dict(num_items=3), [("numItems", "3")]), (dict(num_pages=3), [("numPages", "3")])]
)
def test_an_empty_page_before_the_totals_are_reached_fails(script, totals, sent):
    """Members that numItems or numPages promise and no page gives are not read as non-members."""

    def page(members, number):
        reply = listing(members, page=number, size=2, **totals)
        return reply if "num_items" in totals else reply.replace(' numItems="%d"' % len(members), "")

    transport = script(
        *login(),
        list_call(0, page([member_xml("u1", "user1"), member_xml("u2", "user2")], 0), size=2),
        list_call(1, page([], 1), totals=sent, size=2),
    )
    with pytest.raises(ReplyError, match="page 1 is empty after 2 member\\(s\\), while the listing gives numItems"):
        client_for(transport).list_program_members(PROGRAM, page_size=2)


def test_page_0_again_is_not_mistaken_for_data(script):
    """A site that answers page 0 again (what EduBrite does without numItems) stops the read."""
    page = listing([member_xml("u1", "user1")], num_items=5, size=1)
    transport = script(*login(), list_call(0, page), list_call(1, page, totals=[("numItems", "5")]))
    with pytest.raises(ReplyError, match="page 1 repeats members already listed \\(page 0 again\\?\\)"):
        client_for(transport).list_program_members(PROGRAM)


def test_get_user_by_each_identifier_and_unknown_user(script):
    user = (
        '<user id="u1" siteRole="STUDENT" status="ACTIVE"><userName><![CDATA[user1]]></userName>'
        "<firstName>Uma</firstName><openId>oid-1</openId></user>"
    )
    transport = script(
        *login(),
        Call(USERS, data=form("get", ("userName", "user1")), headers=SESSION, body=response(0, "0", "Success", user)),
        Call(USERS, data=form("get", ("id", "u1")), body=response(0, "0", "Success", user)),
        Call(USERS, data=form("get", ("openId", "oid-1")), body=response(0, "0", "Success", user)),
        Call(
            USERS,
            data=form("get", ("userName", "ghost")),
            status=404,
            body=response(-1, "0004", "User not found: ghost"),
        ),
    )
    client = client_for(transport)
    expected = dict(user_id="u1", username="user1", open_id="oid-1", status="ACTIVE", site_role="STUDENT")
    assert client.get_user(username="user1") == expected
    assert client.get_user(user_id="u1") == expected
    assert client.get_user(open_id="oid-1") == expected
    assert client.get_user(username="ghost") is None
    with pytest.raises(ValueError):
        client.get_user(username="a", user_id="b")


def test_a_user_reply_without_a_user_fails_loudly(script):
    transport = script(*login(), Call(USERS, data=form("get", ("userName", "user1")), body=OK))
    with pytest.raises(ReplyError, match="EduBrite get: the reply names no <user> for userName user1"):
        client_for(transport).get_user(username="user1")


def test_get_user_permission_refusal_is_not_an_unknown_user(script):
    transport = script(
        *login(), Call(USERS, status=401, body=response(-1, "0005", "You are not allowed to perform this action."))
    )
    with pytest.raises(ApiError) as caught:
        client_for(transport).get_user(username="user1")
    assert caught.value.code == "0005"


class ConcurrentSite:
    """An order-insensitive stand-in for the Transport, for lookups that run side by side: it
    answers connect and userService get by what they carry.  The first ``together`` lookups meet
    at a barrier (so the test fails unless they are in flight at once); after that meeting the
    first session is expired, so every lookup in flight is refused with 0174 at least once."""

    def __init__(self, known, together=2):
        self.known = known
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(together, timeout=5)
        self.met = threading.Event()
        self.sessions = []
        self.asked = []

    def post(self, url, what, data=None, headers=None, safe_to_repeat=False):
        form = dict(data or [])
        if url == CONNECT:
            with self.lock:
                if "password" not in form:
                    return Reply(200, {}, response(0, "0", "Session started").encode(), {"SESSION_ID": "sid"})
                self.sessions.append("info-%d" % (len(self.sessions) + 1))
                return Reply(200, {}, response(0, "0152", "Connected").encode(), {"SESSION_INFO": self.sessions[-1]})
        assert url == USERS and form["dispatch"] == "get", (url, form)
        if not self.met.is_set():
            self.barrier.wait()
            self.met.set()
        with self.lock:
            current = "SESSION_INFO=%s" % self.sessions[-1]
            if len(self.sessions) == 1 or current not in headers["Cookie"]:
                return Reply(401, {}, SESSION_EXPIRED.encode(), {})
            self.asked.append(form["userName"])
        if form["userName"] not in self.known:
            return Reply(404, {}, response(-1, "0004", "User not found").encode(), {})
        user = '<user id="id-%s" status="ACTIVE"><userName>%s</userName></user>' % ((form["userName"],) * 2)
        return Reply(200, {}, response(0, "0", "Success", user).encode(), {})


def test_lookups_run_side_by_side_and_log_in_again_once():
    names = ["user%02d" % i for i in range(20)]
    site = ConcurrentSite(known=set(names) - {"user07"})
    client = edubrite.EduBriteClient(site, SITE, API_USER, PASSWORD, RUN_AS)
    users = client.get_users([("username", name) for name in names])
    assert [u and u["username"] for u in users] == [None if n == "user07" else n for n in names]
    assert sorted(site.asked) == names
    assert site.sessions == ["info-1", "info-2"], "one login, then exactly one more after the expiry"


def test_a_failed_lookup_stops_the_ones_not_started():
    client = edubrite.EduBriteClient(ConcurrentSite(known=set()), SITE, API_USER, PASSWORD, RUN_AS)
    client.lookup_workers = 2
    refusal = ApiError("refused", code=edubrite.MSG_NOT_ALLOWED)
    calls, first = [], threading.Event()

    def refuse(**named):
        calls.append(named)
        if first.is_set():
            threading.Event().wait(0.5)  # still running when the first failure is seen
        first.set()
        raise refusal

    client.get_user = refuse
    with pytest.raises(ApiError) as caught:
        client.get_users([("username", "user%d" % i) for i in range(50)])
    assert caught.value is refusal
    assert len(calls) < 10, "%d lookups ran after the first failure" % len(calls)
