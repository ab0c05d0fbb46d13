"""EduBrite emulation: sessions, REAL_UNAME, updateProgramMember, enrollUsersInProgram,
listProgramMembers, userService get."""

from __future__ import annotations

import time

import pytest
import requests
from conftest import PROGRAM, PROGRAM2, eb, eb_login, eb_msg, members
from lxml import etree

from lms_sandbox.testing import Sandbox

USER1 = "0a1b2c3d-1000-4000-8000-000000000011"
USER3 = "0a1b2c3d-1000-4000-8000-000000000013"
USER4 = "0a1b2c3d-1000-4000-8000-000000000014"


@pytest.fixture
def s(sb):
    return eb_login(sb)


def now_ms():
    return int(time.time() * 1000)


# --- sessions ----------------------------------------------------------------------------------------


def test_connect_two_steps(sb):
    session = requests.Session()
    r = session.post(sb.edubrite_url("connect"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/xml")
    assert "SESSION_ID=" in r.headers["Set-Cookie"] and "Path=/" in r.headers["Set-Cookie"]
    assert etree.fromstring(r.content).get("code") == "0"
    r = session.post(sb.edubrite_url("connect"), data={"username": "api_demo", "password": "demo-password"})
    assert r.status_code == 200
    assert r.headers["Set-Cookie"].startswith("SESSION_INFO=")
    assert eb_msg(etree.fromstring(r.content))[:2] == ("0", "0152")
    r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
    assert r.status_code == 200


def test_connect_uuid_style_api_user(sb):
    eb_login(sb, "api_6f0c2a4e-3b1d-4c8e-9f7a-2d5e8b1c0a93", "9Zq4-uuid-style-secret")


@pytest.mark.parametrize("username,password", [("api_demo", "wrong"), ("nobody", "demo-password"), ("api_demo", "")])
def test_connect_bad_credentials(sb, username, password):
    session = requests.Session()
    session.post(sb.edubrite_url("connect"))
    r = session.post(sb.edubrite_url("connect"), data={"username": username, "password": password})
    assert r.status_code == 401
    assert eb_msg(etree.fromstring(r.content))[:2] == ("-1", "0154")
    assert "SESSION_INFO" not in r.headers.get("Set-Cookie", "")


def test_connect_step2_without_step1(sb):
    r = requests.post(sb.edubrite_url("connect"), data={"username": "api_demo", "password": "demo-password"})
    assert r.status_code == 401 and eb_msg(etree.fromstring(r.content))[:2] == ("-1", "0154")


def test_call_without_session(sb):
    r, root = eb(sb, requests.Session(), "userService", dispatch="get", userName="user1")
    assert r.status_code == 401 and eb_msg(root)[:2] == ("-1", "0174")
    # step 1 only is not a session either
    half = requests.Session()
    half.post(sb.edubrite_url("connect"))
    r, root = eb(sb, half, "userService", dispatch="get", userName="user1")
    assert r.status_code == 401 and eb_msg(root)[1] == "0174"


def test_call_with_wrong_session_info(sb, s):
    s.cookies.set("SESSION_INFO", "forged")
    r, root = eb(sb, s, "userService", dispatch="get", userName="user1")
    assert r.status_code == 401 and eb_msg(root)[1] == "0174"


def test_session_expiry():
    with Sandbox(session_ttl=1) as sb:
        session = eb_login(sb)
        assert eb(sb, session, "userService", dispatch="get", userName="user1")[0].status_code == 200
        time.sleep(1.3)
        r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
        assert r.status_code == 401 and eb_msg(root)[:2] == ("-1", "0174")
        # logging in again works
        assert eb(sb, eb_login(sb), "userService", dispatch="get", userName="user1")[0].status_code == 200


def test_max_sessions():
    with Sandbox(max_sessions=2, session_ttl=1) as sb:
        eb_login(sb)
        eb_login(sb)
        session = requests.Session()
        session.post(sb.edubrite_url("connect"))
        r = session.post(sb.edubrite_url("connect"), data={"username": "api_demo", "password": "demo-password"})
        assert r.status_code == 401
        code, msg, text = eb_msg(etree.fromstring(r.content))
        assert (code, msg) == ("-1", "0154") and "too many" in text.lower()
        time.sleep(1.3)  # the two sessions expire and free their slots
        eb_login(sb)


# --- REAL_UNAME ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("uname", [None, "", "jdoe_eb", "user1", "nobody"])
def test_real_uname_not_allowed(sb, s, uname):
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        real_uname=uname,
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        endDate="1495163497116",
    )
    assert r.status_code == 401
    assert eb_msg(root) == ("-1", "0005", "You are not allowed to perform this action.")
    assert members(sb)["user1"]["endDate"] is None


def test_real_uname_with_email_and_name(sb, s):
    r, root = eb(
        sb,
        s,
        "userService",
        real_uname="adminusername|admin@edubrite.example|Site Admin",
        dispatch="get",
        userName="user1",
    )
    assert r.status_code == 200 and eb_msg(root)[0] == "0"


# --- updateProgramMember -------------------------------------------------------------------------------------


def test_seed_update_program_member(sb, s):
    # The seed's parameters (with the parameter table's endDate, not the snippet's expDate).
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        xml="true",
        programId="xxxx-xxxx-xxxx-xxxx",
        usernames="user1,user2",
        endDate="1495163497116",
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/xml")
    assert eb_msg(root) == ("0", "0226", "Program member updated successfully")
    assert root.tag == "response" and [c.tag for c in root] == ["msgs"]
    mem = members(sb)
    assert mem["user1"]["endDate"] == 1495163497116 and mem["user2"]["endDate"] == 1495163497116
    # nothing else changed
    assert mem["user2"]["award"] is True and mem["user2"]["score"] == 92.5


def test_update_by_ext_id_ids_and_open_ids(sb, s):
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        extId="ONBOARDING",
        ids=USER1,
        dueDate="1700000000000",
    )
    assert eb_msg(root)[1] == "0226"
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        openIds="oid-user2",
        startDate="1600000000000",
        score="77.25",
    )
    assert eb_msg(root)[1] == "0226"
    mem = members(sb)
    assert mem["user1"]["dueDate"] == 1700000000000
    assert (mem["user2"]["startDate"], mem["user2"]["score"]) == (1600000000000, 77.25)


@pytest.mark.parametrize(
    "params,status,msg,mentions",
    [
        ({"usernames": "user1"}, 400, "0026", "programId"),
        ({"programId": PROGRAM}, 400, "0026", "usernames"),
        ({"programId": "nope", "usernames": "user1"}, 404, "0004", "nope"),
        ({"extId": "NOPE", "usernames": "user1"}, 404, "0004", "NOPE"),
        ({"programId": PROGRAM, "usernames": "user1,ghost"}, 404, "0004", "ghost"),
        ({"programId": PROGRAM, "ids": "no-such-id"}, 404, "0004", "no-such-id"),
        ({"programId": PROGRAM, "usernames": "user1,user4"}, 404, "0004", "user4"),  # user4: not a member
        ({"programId": PROGRAM, "usernames": "user1", "endDate": "2024-01-01"}, 400, "0026", "endDate"),
        ({"programId": PROGRAM, "usernames": "user1", "startDate": "12.5"}, 400, "0026", "startDate"),
        ({"programId": PROGRAM, "usernames": "user1", "awardExpDate": "soon"}, 400, "0026", "awardExpDate"),
        ({"programId": PROGRAM, "usernames": "user1", "score": "high"}, 400, "0026", "score"),
        ({"programId": PROGRAM, "usernames": "user1", "score": "nan"}, 400, "0026", "score"),
        ({"programId": PROGRAM, "usernames": "user1", "award": "yes"}, 400, "0026", "award"),
        ({"programId": PROGRAM, "usernames": "user1", "remove": "1"}, 400, "0026", "remove"),
    ],
)
def test_update_errors_all_or_nothing(sb, s, params, status, msg, mentions):
    before = members(sb)
    r, root = eb(sb, s, "enrollmentService", dispatch="updateProgramMember", dueDate="1700000000000", **params)
    code, got_msg, text = eb_msg(root)
    assert (r.status_code, code, got_msg) == (status, "-1", msg)
    assert mentions in text
    assert members(sb) == before


def test_program_not_found_text(sb, s):
    r, root = eb(sb, s, "enrollmentService", dispatch="updateProgramMember", programId="p-404", usernames="user1")
    assert eb_msg(root)[2] == "Program not found: p-404"


def test_award_true_and_false(sb, s):
    before = now_ms()
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        award="true",
        score="88",
    )
    assert eb_msg(root)[1] == "0226"
    user1 = members(sb)["user1"]
    assert user1["award"] is True and user1["status"] == "COMPLETED" and user1["score"] == 88.0
    assert before <= user1["awardDate"] <= now_ms()
    # award=true with a given date
    eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        award="TRUE",
        awardDate="1600000000000",
        awardExpDate="1700000000000",
    )
    user1 = members(sb)["user1"]
    assert (user1["awardDate"], user1["awardExpDate"]) == (1600000000000, 1700000000000)
    # award=false clears the award dates
    eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1,user2",
        award="false",
    )
    for name in ("user1", "user2"):
        mem = members(sb)[name]
        assert (mem["award"], mem["status"], mem["awardDate"], mem["awardExpDate"]) == (False, "ENROLLED", None, None)
    # ... unless given in the same call
    eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user2",
        award="false",
        awardExpDate="1800000000000",
    )
    assert members(sb)["user2"]["awardExpDate"] == 1800000000000


def test_award_true_keeps_existing_award_date(sb, s):
    eb(sb, s, "enrollmentService", dispatch="updateProgramMember", programId=PROGRAM, usernames="user2", award="true")
    assert members(sb)["user2"]["awardDate"] == 1595894400000


def test_remove_and_quit(sb, s):
    r, root = eb(
        sb, s, "enrollmentService", dispatch="updateProgramMember", programId=PROGRAM, usernames="user2", remove="true"
    )
    assert eb_msg(root)[1] == "0226"
    assert set(members(sb)) == {"user1"}
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        quitProgram="true",
    )
    assert members(sb)["user1"]["quit"] is True
    # remove=false and quitProgram=false change nothing
    eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        remove="false",
        quitProgram="false",
    )
    assert members(sb)["user1"]["quit"] is True
    # a removed member cannot be updated any more
    r, root = eb(
        sb, s, "enrollmentService", dispatch="updateProgramMember", programId=PROGRAM, usernames="user2", endDate="1"
    )
    assert r.status_code == 404 and "user2" in eb_msg(root)[2]


def test_empty_parameter_is_absent(sb, s):
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user2",
        endDate="",
        score="",
    )
    assert eb_msg(root)[1] == "0226"
    assert members(sb)["user2"]["endDate"] == 1625097600000 and members(sb)["user2"]["score"] == 92.5


# --- enrollUsersInProgram ----------------------------------------------------------------------------------------


def test_enroll_users(sb, s):
    before = now_ms()
    r, root = eb(
        sb,
        s,
        "enrollmentService",
        dispatch="enrollUsersInProgram",
        programId=PROGRAM,
        usernames="user3,user4",
        sendMail="true",
    )
    assert r.status_code == 200 and eb_msg(root)[:2] == ("0", "0")
    mem = members(sb)
    assert list(mem) == ["user1", "user2", "user3", "user4"]
    for name in ("user3", "user4"):
        m = mem[name]
        assert before <= m["startDate"] <= now_ms()
        assert (m["status"], m["award"], m["quit"], m["endDate"], m["score"], m["sendMail"]) == (
            "ENROLLED",
            False,
            False,
            None,
            None,
            True,
        )
    assert [m["userName"] for m in sb.state()["edubrite"]["mails"]] == ["user3", "user4"]
    # already a member: no-op
    r, root = eb(
        sb, s, "enrollmentService", dispatch="enrollUsersInProgram", extId="ONBOARDING", ids=USER1, sendMail="false"
    )
    assert eb_msg(root)[:2] == ("0", "0")
    assert members(sb)["user1"]["startDate"] == 1595376000000
    assert members(sb)["user1"]["sendMail"] is None


def test_enroll_without_mail(sb, s):
    eb(sb, s, "enrollmentService", dispatch="enrollUsersInProgram", programId=PROGRAM, ids=USER4, sendMail="false")
    assert members(sb)["user4"]["sendMail"] is False
    assert sb.state()["edubrite"]["mails"] == []


@pytest.mark.parametrize(
    "params,status,msg",
    [
        ({"programId": PROGRAM, "usernames": "user3,ghost"}, 404, "0004"),
        ({"programId": "nope", "usernames": "user3"}, 404, "0004"),
        ({"programId": PROGRAM}, 400, "0026"),
        ({"usernames": "user3"}, 400, "0026"),
    ],
)
def test_enroll_errors(sb, s, params, status, msg):
    r, root = eb(sb, s, "enrollmentService", dispatch="enrollUsersInProgram", **params)
    assert (r.status_code, eb_msg(root)[:2]) == (status, ("-1", msg))
    assert set(members(sb)) == {"user1", "user2"}


def test_enroll_after_remove_is_fresh(sb, s):
    eb(sb, s, "enrollmentService", dispatch="updateProgramMember", programId=PROGRAM, usernames="user2", remove="true")
    eb(sb, s, "enrollmentService", dispatch="enrollUsersInProgram", programId=PROGRAM, usernames="user2")
    m = members(sb)["user2"]
    assert (m["award"], m["score"], m["endDate"]) == (False, None, None)


# --- listProgramMembers ----------------------------------------------------------------------------------------

MEMBER_ATTRS = [
    "userId",
    "userName",
    "openId",
    "status",
    "quit",
    "award",
    "score",
    "startDate",
    "endDate",
    "dueDate",
    "awardDate",
    "awardExpDate",
]


def test_list_members_shape(sb, s):
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM)
    assert r.status_code == 200
    assert eb_msg(root)[:2] == ("0", "0")
    data = root.find("data")
    pm = data.find("programMembers")
    # r2: every listing carries numPages too
    assert dict(pm.attrib) == {"numItems": "2", "numPages": "1", "currPage": "0", "pageSize": "100"}
    mems = pm.findall("member")
    assert [list(m.attrib) for m in mems] == [MEMBER_ATTRS, MEMBER_ATTRS]
    assert dict(mems[0].attrib) == {
        "userId": USER1,
        "userName": "user1",
        "openId": "oid-user1",
        "status": "ENROLLED",
        "quit": "false",
        "award": "false",
        "score": "",
        "startDate": "1595376000000",
        "endDate": "",
        "dueDate": "",
        "awardDate": "",
        "awardExpDate": "",
    }
    assert dict(mems[1].attrib)["score"] == "92.5" and mems[1].get("status") == "COMPLETED"
    assert mems[1].get("awardDate") == "1595894400000"


def test_list_members_quit_listed(sb, s):
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", extId="SAFETY")
    mems = {m.get("userName"): m for m in root.iter("member")}
    assert mems["user3"].get("quit") == "true" and mems["user1"].get("quit") == "false"


def test_list_members_filters(sb, s):
    def names(**params):
        r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM, **params)
        assert r.status_code == 200, r.text
        return [m.get("userName") for m in root.iter("member")], root.find("data/programMembers").get("numItems")

    assert names(status="COMPLETED") == (["user2"], "1")
    assert names(status="enrolled") == (["user1"], "1")
    assert names(userId=USER1) == (["user1"], "1")
    assert names(openId="oid-user2") == (["user2"], "1")
    assert names(userId=USER3) == ([], "0")


def test_list_members_paging(sb, s):
    eb(sb, s, "enrollmentService", dispatch="enrollUsersInProgram", programId=PROGRAM, usernames="user3,user4,jdoe_eb")
    seen = []
    for page in range(4):
        r, root = eb(
            sb,
            s,
            "reportService",
            dispatch="listProgramMembers",
            programId=PROGRAM,
            currPage=str(page),
            pageSize="2",
            numItems="5",
        )
        pm = root.find("data/programMembers")
        assert (pm.get("numItems"), pm.get("currPage"), pm.get("pageSize")) == ("5", str(page), "2")
        seen += [m.get("userName") for m in pm.findall("member")]
    assert seen == ["user1", "user2", "user3", "user4", "jdoe_eb"]


@pytest.mark.parametrize("params", [{"pageSize": "1001"}, {"pageSize": "0"}, {"currPage": "-1"}, {"status": "QUIT"}])
def test_list_members_bad_params(sb, s, params):
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM, **params)
    assert (r.status_code, eb_msg(root)[:2]) == (400, ("-1", "0026"))


def test_list_members_unknown_program(sb, s):
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId="zzz")
    assert (r.status_code, eb_msg(root)[:2]) == (404, ("-1", "0004"))
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers")
    assert (r.status_code, eb_msg(root)[:2]) == (400, ("-1", "0026"))


def test_list_members_via_get(sb, s):
    r, root = eb(sb, s, "reportService", method="get", dispatch="listProgramMembers", programId=PROGRAM2)
    assert r.status_code == 200 and root.find("data/programMembers").get("numItems") == "2"


# --- userService get ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"id": USER4}, {"userName": "user4"}, {"openId": "oid-user4"}])
def test_user_get(sb, s, params):
    r, root = eb(sb, s, "userService", dispatch="get", **params)
    assert r.status_code == 200 and eb_msg(root)[:2] == ("0", "0")
    user = root.find("data/user")
    assert dict(user.attrib) == {"id": USER4, "siteRole": "STUDENT", "status": "ACTIVE"}
    assert [c.tag for c in user] == ["userName", "firstName", "lastName", "email", "openId"]
    assert (user.findtext("userName"), user.findtext("email"), user.findtext("openId")) == (
        "user4",
        "user4@example.com",
        "oid-user4",
    )
    assert b"<userName><![CDATA[user4]]></userName>" in r.content


def test_user_get_admin_role(sb, s):
    r, root = eb(sb, s, "userService", dispatch="get", userName="adminusername")
    assert root.find("data/user").get("siteRole") == "SITE_ADMIN"


def test_user_get_errors(sb, s):
    r, root = eb(sb, s, "userService", dispatch="get", userName="ghost")
    assert (r.status_code, eb_msg(root)[:2]) == (404, ("-1", "0004")) and "ghost" in eb_msg(root)[2]
    r, root = eb(sb, s, "userService", dispatch="get")
    assert (r.status_code, eb_msg(root)[:2]) == (400, ("-1", "0026"))


# --- unknown dispatch / service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "service,dispatch",
    [
        ("enrollmentService", "dropTables"),
        ("enrollmentService", None),
        ("reportService", "updateProgramMember"),
        ("couponService", "x"),
    ],
)
def test_unknown_dispatch_or_service(sb, s, service, dispatch):
    params = {"dispatch": dispatch} if dispatch else {}
    r, root = eb(sb, s, service, **params)
    assert (r.status_code, eb_msg(root)[:2]) == (400, ("-1", "0026"))


# --- scale ----------------------------------------------------------------------------------------------------------


def test_scale_edubrite():
    with Sandbox(scale=50) as sb:
        s = eb_login(sb)
        r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId="bench-program")
        assert root.find("data/programMembers").get("numItems") == "0"
        r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", extId="BENCH")
        assert r.status_code == 200
        r, root = eb(sb, s, "userService", dispatch="get", userName="member00050")
        assert r.status_code == 200
        names = ",".join("member%05d" % i for i in range(1, 51))
        r, root = eb(
            sb, s, "enrollmentService", dispatch="enrollUsersInProgram", programId="bench-program", usernames=names
        )
        assert eb_msg(root)[:2] == ("0", "0")
        r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId="bench-program")
        assert root.find("data/programMembers").get("numItems") == "50"
        sb.reset()
        r, root = eb(sb, eb_login(sb), "reportService", dispatch="listProgramMembers", programId="bench-program")
        assert root.find("data/programMembers").get("numItems") == "0"
