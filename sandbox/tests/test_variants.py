"""The reply forms contract revision 2 allows (run-time settings), rate limiting, the request log's
`concurrent` and `interface`, and --scale-members."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
import requests
from conftest import (
    COURSE1,
    E_JDOE_1,
    HTTPS_BODY_NS,
    PROGRAM,
    eb,
    eb_login,
    eb_msg,
    fault_of,
    find,
    get_token,
    ids,
    local,
    members,
    rest,
    soap,
    soap_body,
    soap_raw,
    text_of,
    update_status,
)
from lxml import etree

from lms_sandbox.testing import Sandbox, SandboxError

HTTP_NS = "http://ispringlearn.com/go/services/api/soap"
HTTPS_NS = HTTPS_BODY_NS
MISSING_ALLOWED = (
    "a comma list or list of openId, status, quit, award, score, startDate, endDate, dueDate, awardDate, awardExpDate"
)

DEFAULTS = {
    "ispring_list_layout": "wrapped",
    "ispring_namespace": "http",
    "ispring_namespace_strict": False,
    "ispring_expired_token": "fault",
    "edubrite_connect_body": "xml",
    "edubrite_paging": "num_items_required",
    "edubrite_member_layout": "attributes",
    "edubrite_member_dates": "epoch_ms",
    "edubrite_list_ext_id": "program",
    "edubrite_step2_session_id": "new",
    "edubrite_member_missing_fields": [],
    "rate_limit_concurrency": 0,
}
OTHERS = {
    "ispring_list_layout": "rest",
    "ispring_namespace": "https",
    "ispring_namespace_strict": True,
    "ispring_expired_token": "http401",
    "edubrite_connect_body": "empty",
    "edubrite_paging": "lenient",
    "edubrite_member_layout": "elements",
    "edubrite_member_dates": "iso",
    "edubrite_list_ext_id": "session",
    "edubrite_step2_session_id": "same",
    "edubrite_member_missing_fields": ["score", "awardExpDate"],
    "rate_limit_concurrency": 3,
}
ALLOWED = {
    "ispring_list_layout": "wrapped, bare, rest",
    "ispring_namespace": "http, https",
    "ispring_namespace_strict": "false, true",
    "ispring_expired_token": "fault, http401",
    "edubrite_connect_body": "xml, html, empty",
    "edubrite_paging": "num_items_required, lenient",
    "edubrite_member_layout": "attributes, elements",
    "edubrite_member_dates": "epoch_ms, iso",
    "edubrite_list_ext_id": "program, session",
    "edubrite_step2_session_id": "new, same",
    "edubrite_member_missing_fields": MISSING_ALLOWED,
    "rate_limit_concurrency": "0 (off) or an integer N >= 1",
}


def post_settings(sb, data):
    return requests.post(sb.url + "/_sandbox/settings", json=data, timeout=10)


# --- the settings themselves ------------------------------------------------------------------------------


def test_settings_defaults_shown_in_settings_and_state(sb):
    settings = sb.settings()
    assert {k: settings[k] for k in DEFAULTS} == DEFAULTS
    assert {k: sb.state()["settings"][k] for k in DEFAULTS} == DEFAULTS


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_settings_set_and_reset(sb, key):
    assert sb.settings(**{key: OTHERS[key]})[key] == OTHERS[key]
    assert sb.settings()[key] == OTHERS[key] and sb.state()["settings"][key] == OTHERS[key]
    sb.reset()
    assert sb.settings()[key] == DEFAULTS[key]


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_settings_refuse_unknown_values(sb, key):
    for bad in ("nonsense", -1, None, [1]):
        r = post_settings(sb, {key: bad, "task_delay": 7})
        assert r.status_code == 400, (key, bad)
        body = r.json()
        assert key in body["error"] and ALLOWED[key] in body["error"]
        assert (body["key"], body["allowed"]) == (key, ALLOWED[key])
    settings = sb.settings()
    assert settings[key] == DEFAULTS[key] and settings["task_delay"] == 0.1  # nothing applied


def test_settings_string_forms_of_booleans_and_numbers(sb):
    assert sb.settings(ispring_namespace_strict="true")["ispring_namespace_strict"] is True
    assert sb.settings(ispring_namespace_strict="False")["ispring_namespace_strict"] is False
    assert sb.settings(rate_limit_concurrency="2")["rate_limit_concurrency"] == 2
    assert sb.settings(rate_limit_concurrency=0)["rate_limit_concurrency"] == 0


def test_cli_flags_and_sandbox_keywords():
    with Sandbox(**OTHERS) as sbx:
        settings = sbx.settings()
        assert {k: settings[k] for k in OTHERS} == OTHERS
        assert "--ispring-list-layout" in sbx.args and "--rate-limit-concurrency" in sbx.args
        sbx.settings(ispring_list_layout="bare", rate_limit_concurrency=0)
        sbx.reset()  # back to the start values, not the defaults
        assert {k: sbx.settings()[k] for k in OTHERS} == OTHERS


def test_cli_refuses_unknown_value():
    with pytest.raises(SandboxError) as info:
        Sandbox(ispring_list_layout="sideways", startup_timeout=10).start()
    assert "ispring-list-layout" in str(info.value) and "wrapped" in str(info.value)


def test_sandbox_unknown_keyword():
    with pytest.raises(TypeError):
        Sandbox(ispring_list_shape="bare")


# --- ispring_list_layout ----------------------------------------------------------------------------------

LAYOUTS = {
    "wrapped": {
        "ListLearnersResults": ["results", "learnerResult"],
        "ListUsers": ["users", "userProfile"],
        "ListEnrollments": ["enrollments", "enrollment"],
    },
    "bare": {
        "ListLearnersResults": [None, "learnerResult"],
        "ListUsers": [None, "userProfile"],
        "ListEnrollments": [None, "enrollment"],
    },
    "rest": {
        "ListLearnersResults": ["results", "result"],
        "ListUsers": ["userProfiles", "user"],
        "ListEnrollments": ["enrollments", "enrollment"],
    },
}
ITEM_FIRST_CHILD = {"ListLearnersResults": "userId", "ListUsers": "userId", "ListEnrollments": "enrollmentId"}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("method", ["ListLearnersResults", "ListUsers", "ListEnrollments"])
def test_list_layout(sb, layout, method):
    if layout != "wrapped":
        sb.settings(ispring_list_layout=layout)
    status, root = soap(sb, method, "<pageSize>2</pageSize>")
    assert status == 200
    result = root[0][0]
    assert local(result) == method + "Result"
    wrapper, item = LAYOUTS[layout][method]
    names = [local(c) for c in result]
    assert names[-1] == "nextPageToken"  # a direct child of the result in every layout
    if wrapper is None:
        assert names == [item, item, "nextPageToken"]
        items = list(result)[:2]
    else:
        assert names == [wrapper, "nextPageToken"]
        items = list(result[0])
        assert [local(c) for c in items] == [item, item]
    assert all(local(it[0]) == ITEM_FIRST_CHILD[method] for it in items)
    # the token pages on
    status, root = soap(sb, method, "<pageSize>2</pageSize><pageToken>%s</pageToken>" % text_of(root, "nextPageToken"))
    assert status == 200


# --- ispring_namespace and ispring_namespace_strict -----------------------------------------------------------


@pytest.mark.parametrize("form,ns", [("http", HTTP_NS), ("https", HTTPS_NS)])
def test_reply_namespace(sb, form, ns):
    sb.settings(ispring_namespace=form)
    status, root = update_status(sb, [E_JDOE_1])
    assert status == 200
    result = find(root, "updateCourseStatusResult")
    assert etree.QName(result).namespace == ns and result.prefix == "ns1"
    assert etree.QName(find(root, "taskId")).namespace == ns
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>")  # faults too
    assert status == 500 and root.nsmap["ns1"] == ns


def test_namespace_not_strict_accepts_any(sb):
    for ns in (HTTP_NS, HTTPS_NS, "urn:anything", ""):
        status, root = soap(sb, "ListUsers", "<pageSize>1</pageSize>", body_ns=ns)
        assert status == 200, ns


@pytest.mark.parametrize("form,ns,other", [("http", HTTP_NS, HTTPS_NS), ("https", HTTPS_NS, HTTP_NS)])
def test_namespace_strict(sb, form, ns, other):
    sb.settings(ispring_namespace=form, ispring_namespace_strict=True)
    assert soap(sb, "ListUsers", "<pageSize>1</pageSize>", body_ns=ns)[0] == 200
    for wrong in (other, "urn:other", ""):
        inner = ids("enrollmentIds", [E_JDOE_1]) + "<courseId>%s</courseId>" % COURSE1
        inner += "<date>2024-01-01</date><status>complete</status>"
        status, root = soap(sb, "updateCourseStatus", inner, body_ns=wrong)
        assert (status, fault_of(root)) == (500, "Wrong parameters"), wrong
    assert sb.state()["ispring"]["tasks"] == []  # not processed
    inner = ids("enrollmentIds", [E_JDOE_1]) + "<courseId>%s</courseId><status>automatic</status>" % COURSE1
    assert soap(sb, "updateCourseStatus", inner, body_ns=ns)[0] == 200


# --- ispring_expired_token -------------------------------------------------------------------------------


def _expired_token(sb):
    sb.settings(token_ttl=0.3)
    token = get_token(sb)
    time.sleep(0.5)
    return token


def _bad_token(sb, case):
    if case == "unknown":
        return "no-such-token"
    if case == "expired":
        return _expired_token(sb)
    token = get_token(sb)
    sb.faults([{"kind": "expire_auth"}])
    return token


@pytest.mark.parametrize("case", ["unknown", "expired", "expire_auth"])
def test_expired_token_fault(sb, case):
    status, root = soap(sb, "ListUsers", "", token=_bad_token(sb, case))
    assert (status, fault_of(root)) == (500, "Authorization failed")


@pytest.mark.parametrize("case", ["unknown", "expired", "expire_auth"])
def test_expired_token_http401(sb, case):
    sb.settings(ispring_expired_token="http401")
    token = _bad_token(sb, case)
    inner = ids("enrollmentIds", [E_JDOE_1]) + "<courseId>%s</courseId><date>2024-01-01</date>" % COURSE1
    r = soap_raw(sb, soap_body("updateCourseStatus", inner + "<status>complete</status>", token=token))
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"code": 401, "message": "Unauthorized"}
    assert sb.state()["ispring"]["tasks"] == []


def test_expired_token_http401_other_faults_unchanged(sb):
    sb.settings(ispring_expired_token="http401")
    status, root = soap(sb, "ListUsers", "", token=None)  # no credentials: still Wrong parameters
    assert (status, fault_of(root)) == (500, "Wrong parameters")
    status, root = soap(sb, "ListUsers", "", token=get_token(sb, "viewer"))
    assert (status, fault_of(root)) == (500, "Permission denied")
    assert soap(sb, "ListUsers", "")[0] == 200


# --- edubrite_connect_body -------------------------------------------------------------------------------


def _connect(sb, session, **data):
    return session.post(sb.edubrite_url("connect"), data=data or None, timeout=10)


def test_connect_body_xml_is_default(sb):
    session = requests.Session()
    r = _connect(sb, session)
    assert r.headers["Content-Type"].startswith("text/xml") and etree.fromstring(r.content).get("code") == "0"
    r = _connect(sb, session, username="api_demo", password="wrong")
    assert r.status_code == 401 and eb_msg(etree.fromstring(r.content))[1] == "0154"


@pytest.mark.parametrize("form", ["html", "empty"])
def test_connect_body_success(sb, form):
    sb.settings(edubrite_connect_body=form)
    session = requests.Session()
    r1 = _connect(sb, session, xml="true")
    assert r1.status_code == 200 and "SESSION_ID=" in r1.headers["Set-Cookie"]
    r2 = _connect(sb, session, xml="true", username="api_demo", password="demo-password")
    assert r2.status_code == 200 and r2.headers["Set-Cookie"].startswith("SESSION_INFO=")
    for r in (r1, r2):
        assert r.headers["Content-Type"].startswith("text/html")
        if form == "html":
            assert r.text.startswith("<!DOCTYPE html>") and "<response" not in r.text
        else:
            assert r.content == b""
    assert r1.content == r2.content
    r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
    assert r.status_code == 200  # the session works


@pytest.mark.parametrize("form", ["html", "empty"])
@pytest.mark.parametrize("refusal", ["password", "no_step1", "too_many"])
def test_connect_body_refused(sb, form, refusal):
    sb.settings(edubrite_connect_body=form)
    ok = _connect(sb, requests.Session())  # a step 1 reply, to compare bodies with
    session = requests.Session()
    password = "demo-password"
    if refusal == "password":
        _connect(sb, session)
        password = "wrong"
    elif refusal == "too_many":
        sb.settings(max_sessions=1)
        _login_by_cookie(sb)
        _connect(sb, session)
    r = _connect(sb, session, username="api_demo", password=password)
    assert r.status_code == 200
    assert "SESSION_INFO" not in r.headers.get("Set-Cookie", "")
    assert r.content == ok.content  # the body says nothing: only the missing cookie does
    r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
    assert r.status_code == 401 and eb_msg(root)[1] == "0174"


def _login_by_cookie(sb):
    session = requests.Session()
    _connect(sb, session)
    r = _connect(sb, session, username="api_demo", password="demo-password")
    assert "SESSION_INFO" in session.cookies
    return r


def test_connect_log_records_form_parameters(sb):
    session = requests.Session()
    _connect(sb, session, xml="true")
    _connect(sb, session, xml="true", dispatch="connect", username="api_demo", password="demo-password")
    steps = sb.requests(api="edubrite", operation="connect")
    assert [e["params"].get("xml") for e in steps] == ["true", "true"]
    assert steps[1]["params"] == {
        "xml": "true",
        "dispatch": "connect",
        "username": "api_demo",
        "password": "********",
    }
    assert "demo-password" not in str(sb.requests())


# --- edubrite_step2_session_id (3.4 r3) -------------------------------------------------------------


def _two_steps(sb):
    """Both connect steps by hand: (step-1 SESSION_ID, the cookies step 2 sets)."""
    first = requests.post(sb.edubrite_url("connect"), data={"xml": "true"}, timeout=10)
    sid = first.cookies["SESSION_ID"]
    second = requests.post(
        sb.edubrite_url("connect"),
        data={"xml": "true", "username": "api_demo", "password": "demo-password"},
        cookies={"SESSION_ID": sid},
        timeout=10,
    )
    assert second.status_code == 200, second.text
    return sid, dict(second.cookies)


def _get_user(sb, cookies):
    r = requests.post(
        sb.edubrite_url("userService"),
        data={"dispatch": "get", "userName": "user1"},
        cookies=cookies,
        headers={"REAL_UNAME": "adminusername"},
        timeout=10,
    )
    return r.status_code, eb_msg(etree.fromstring(r.content))[1]


@pytest.mark.parametrize("body", ["xml", "html", "empty"])
def test_step2_session_id_new_is_default_and_the_step1_one_is_refused(sb, body):
    sb.settings(edubrite_connect_body=body)
    sid, set_at_2 = _two_steps(sb)
    assert set(set_at_2) == {"SESSION_ID", "SESSION_INFO"} and set_at_2["SESSION_ID"] != sid
    info = set_at_2["SESSION_INFO"]
    assert _get_user(sb, {"SESSION_ID": sid, "SESSION_INFO": info}) == (401, "0174")  # kept from step 1
    assert _get_user(sb, set_at_2) == (200, "0")  # the cookies set last
    assert set_at_2["SESSION_ID"] in sb.secrets()
    assert eb_login(sb).cookies["SESSION_ID"] != sid  # a cookie jar follows the new one


def test_step2_session_id_same(sb):
    sb.settings(edubrite_step2_session_id="same")
    sid, set_at_2 = _two_steps(sb)
    assert set(set_at_2) == {"SESSION_INFO"}
    assert _get_user(sb, {"SESSION_ID": sid, "SESSION_INFO": set_at_2["SESSION_INFO"]}) == (200, "0")


def test_step2_session_id_new_counts_one_session(sb):
    sb.settings(max_sessions=1)
    eb_login(sb)
    r = requests.Session()
    r.post(sb.edubrite_url("connect"), timeout=10)
    refused = r.post(sb.edubrite_url("connect"), data={"username": "api_demo", "password": "demo-password"})
    assert refused.status_code == 401 and "SESSION_INFO" not in refused.cookies


# --- edubrite_paging ---------------------------------------------------------------------------------------


@pytest.fixture
def five(sb):
    """PROGRAM with five members (user1, user2, user3, user4, jdoe_eb) and a session."""
    s = eb_login(sb)
    r, root = eb(
        sb, s, "enrollmentService", dispatch="enrollUsersInProgram", programId=PROGRAM, usernames="user3,user4,jdoe_eb"
    )
    assert eb_msg(root)[:2] == ("0", "0")
    return s


def _listing(sb, s, **params):
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM, pageSize="2", **params)
    assert r.status_code == 200, r.text
    pm = root.find("data/programMembers")
    return r.content, dict(pm.attrib), [m.get("userName") for m in pm.findall("member")]


def test_paging_num_items_required_default(sb, five):
    page0, attrs, names = _listing(sb, five, currPage="0")
    assert attrs == {"numItems": "5", "numPages": "3", "currPage": "0", "pageSize": "2"}
    assert names == ["user1", "user2"]
    for page in ("1", "2"):
        content, attrs, names = _listing(sb, five, currPage=page)
        assert content == page0  # page 0 again, byte for byte
    assert _listing(sb, five, currPage="1", numItems="")[0] == page0  # empty = not given
    seen = []
    for page in range(3):
        content, attrs, names = _listing(sb, five, currPage=str(page), numItems="5", numPages="3")
        assert attrs["currPage"] == str(page)
        seen += names
    assert seen == ["user1", "user2", "user3", "user4", "jdoe_eb"]
    r, root = eb(sb, five, "reportService", dispatch="listProgramMembers", programId=PROGRAM, numItems="five")
    assert (r.status_code, eb_msg(root)[:2]) == (400, ("-1", "0026")) and "numItems" in eb_msg(root)[2]


def test_paging_lenient(sb, five):
    sb.settings(edubrite_paging="lenient")
    seen = []
    for page in range(3):
        content, attrs, names = _listing(sb, five, currPage=str(page))
        assert (attrs["currPage"], attrs["numPages"]) == (str(page), "3")
        seen += names
    assert seen == ["user1", "user2", "user3", "user4", "jdoe_eb"]


def test_num_pages_of_empty_listing(sb):
    r, root = eb(sb, eb_login(sb), "reportService", dispatch="listProgramMembers", programId=PROGRAM, userId="nobody")
    assert root.find("data/programMembers").attrib == {
        "numItems": "0",
        "numPages": "0",
        "currPage": "0",
        "pageSize": "100",
    }


# --- edubrite_member_layout and edubrite_member_dates ---------------------------------------------------------

MEMBER_NAMES = [
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


def _members(sb, s):
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM)
    assert r.status_code == 200
    return r, root.find("data/programMembers").findall("member")


def test_member_layout_elements(sb):
    s = eb_login(sb)
    r, as_attributes = _members(sb, s)
    sb.settings(edubrite_member_layout="elements")
    r, as_elements = _members(sb, s)
    assert len(as_elements) == 2
    for attr_form, el_form in zip(as_attributes, as_elements, strict=True):
        assert dict(el_form.attrib) == {}
        assert [c.tag for c in el_form] == MEMBER_NAMES
        assert {c.tag: c.text or "" for c in el_form} == dict(attr_form.attrib)
    user1 = as_elements[0]
    assert user1.find("endDate").text is None and user1.find("userName").text == "user1"
    assert b"<endDate></endDate>" in r.content  # a value not set is an empty element


def _iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("layout", ["attributes", "elements"])
def test_member_dates_iso(sb, layout):
    s = eb_login(sb)
    sb.settings(edubrite_member_dates="iso", edubrite_member_layout=layout)
    r, mems = _members(sb, s)

    def value(member, name):
        return member.get(name) if layout == "attributes" else (member.find(name).text or "")

    user1, user2 = mems
    assert value(user1, "startDate") == _iso(1595376000000) == "2020-07-22T00:00:00Z"
    assert value(user1, "endDate") == ""
    for name, ms in (("startDate", 1593561600000), ("awardDate", 1595894400000), ("awardExpDate", 1627430400000)):
        assert value(user2, name) == _iso(ms)
    assert value(user2, "score") == "92.5"  # only dates change form


@pytest.mark.parametrize("layout", ["attributes", "elements"])
def test_member_missing_fields(sb, layout):
    s = eb_login(sb)
    sb.settings(edubrite_member_missing_fields="awardExpDate, quit", edubrite_member_layout=layout)
    assert sb.settings()["edubrite_member_missing_fields"] == ["quit", "awardExpDate"]
    r, mems = _members(sb, s)
    left = [name for name in MEMBER_NAMES if name not in ("quit", "awardExpDate")]
    for member in mems:
        if layout == "attributes":
            assert list(member.attrib) == left
        else:
            assert [c.tag for c in member] == left and dict(member.attrib) == {}
    assert b"awardExpDate" not in r.content and b"quit" not in r.content
    assert members(sb)["user2"]["awardExpDate"] == 1627430400000  # only the listing leaves it out
    assert sb.settings(edubrite_member_missing_fields=["score"])["edubrite_member_missing_fields"] == ["score"]
    assert b"score" not in _members(sb, s)[0].content
    sb.reset()
    assert b"awardExpDate=" in _members(sb, eb_login(sb))[0].content


def test_member_dates_epoch_ms_default(sb):
    r, mems = _members(sb, eb_login(sb))
    assert mems[0].get("startDate") == "1595376000000"


# --- edubrite_list_ext_id -----------------------------------------------------------------------------------


def test_list_ext_id_program_default(sb):
    r, root = eb(sb, eb_login(sb), "reportService", dispatch="listProgramMembers", extId="ONBOARDING")
    assert r.status_code == 200 and root.find("data/programMembers").get("numItems") == "2"


def test_list_ext_id_session(sb):
    sb.settings(edubrite_list_ext_id="session")
    s = eb_login(sb)
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", extId="ONBOARDING")
    assert (r.status_code, eb_msg(root)) == (404, ("-1", "0004", "No program session with extId ONBOARDING"))
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM, extId="ONBOARDING")
    assert r.status_code == 200  # programId wins
    r, root = eb(sb, s, "reportService", dispatch="listProgramMembers", programId=PROGRAM)
    assert r.status_code == 200 and root.find("data/programMembers").get("numItems") == "2"
    # the other dispatches still read extId as the program's
    r, root = eb(
        sb, s, "enrollmentService", dispatch="updateProgramMember", extId="ONBOARDING", usernames="user1", dueDate="5"
    )
    assert eb_msg(root)[1] == "0226" and members(sb)["user1"]["dueDate"] == 5
    r, root = eb(sb, s, "enrollmentService", dispatch="enrollUsersInProgram", extId="ONBOARDING", usernames="user4")
    assert eb_msg(root)[:2] == ("0", "0") and "user4" in members(sb)


# --- rate_limit_concurrency and the log's `concurrent` ---------------------------------------------------------


def _parallel(calls):
    """Run the calls at once (a barrier), -> their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_rate_limit_concurrency(sb):
    sb.settings(rate_limit_concurrency=2, latency_ms=600)
    s = eb_login(sb)  # before the clock starts
    sb.clear_requests()
    calls = [
        lambda: soap_raw(sb, soap_body("ListUsers", "<pageSize>1</pageSize>"), "ListUsers"),
        lambda: rest(sb, "GET", "/users", params={"pageSize": 1}),
        lambda: s.post(
            sb.edubrite_url("userService"),
            data={"dispatch": "get", "userName": "user1"},
            headers={"REAL_UNAME": "adminusername"},
            timeout=10,
        ),
    ]
    started = time.time()
    results = _parallel(calls)
    assert time.time() - started < 5
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 200, 429], [getattr(r, "text", r) for r in results]
    refused = next(r for r in results if r.status_code == 429)
    assert refused.headers["Retry-After"] == "1" and refused.headers["Content-Type"].startswith("text/plain")
    assert 0 < len(refused.text) < 100
    log = sb.requests()
    assert sorted(e["concurrent"] for e in log) == [1, 2, 3]
    limited = [e for e in log if e["status"] == 429]
    assert len(limited) == 1 and limited[0]["fault"] == "rate_limit" and limited[0]["concurrent"] == 3
    # the refused request was not processed, and did not wait for the latency
    assert limited[0]["duration"] < 0.3
    # /_sandbox/ is not counted, and after the burst requests pass again
    assert sb.health() == {"status": "ok"}
    assert soap(sb, "ListUsers", "<pageSize>1</pageSize>")[0] == 200


def test_rate_limit_refused_write_not_processed(sb):
    sb.settings(rate_limit_concurrency=1, latency_ms=600)
    body = soap_body(
        "updateCourseStatus",
        ids("enrollmentIds", [E_JDOE_1])
        + "<courseId>%s</courseId><date>2024-01-01</date><status>complete</status>" % COURSE1,
    )
    results = _parallel([lambda: soap_raw(sb, body, "updateCourseStatus")] * 2)
    assert sorted(r.status_code for r in results) == [200, 429]
    assert len(sb.state()["ispring"]["tasks"]) == 1


def test_concurrent_without_limit(sb):
    sb.settings(latency_ms=500)
    results = _parallel([lambda: rest(sb, "GET", "/task/1/status")] * 3)
    assert [r.status_code for r in results] == [404] * 3
    assert sorted(e["concurrent"] for e in sb.requests()) == [1, 2, 3]
    sb.settings(latency_ms=0)
    sb.clear_requests()
    soap(sb, "ListUsers", "")
    rest(sb, "GET", "/users")
    session = requests.Session()  # back to back on one kept-alive connection: never counted twice
    for _ in range(30):
        assert session.get(sb.url + "/task/1/status", timeout=10).status_code == 401
    assert [e["concurrent"] for e in sb.requests()] == [1] * 32


# --- interface ----------------------------------------------------------------------------------------------


def test_log_interface(sb):
    get_token(sb)
    soap(sb, "ListUsers", "")
    rest(sb, "GET", "/users")
    eb_login(sb)
    requests.get(sb.url + "/nowhere", timeout=10)
    log = sb.requests()
    assert [(e["api"], e["interface"], e["operation"]) for e in log] == [
        ("ispring", "token", "token"),
        ("ispring", "soap", "ListUsers"),
        ("ispring", "rest", "ListUsers"),
        ("edubrite", None, "connect"),
        ("edubrite", None, "connect"),
        (None, None, None),
    ]
    assert [e["operation"] for e in sb.requests(interface="rest")] == ["ListUsers"]
    assert [e["interface"] for e in sb.requests(api="ispring", operation="ListUsers")] == ["soap", "rest"]


def test_fault_interface_filter(sb):
    sb.faults([{"kind": "status", "code": 503, "count": -1, "interface": "rest", "operations": ["ListUsers"]}])
    assert soap(sb, "ListUsers", "")[0] == 200  # same operation name over SOAP: not hit
    assert rest(sb, "GET", "/users").status_code == 503
    assert rest(sb, "GET", "/learners/results").status_code == 200
    sb.faults([{"kind": "status", "code": 502, "interface": "soap"}])
    assert rest(sb, "GET", "/users").status_code == 200
    assert get_token(sb)
    assert soap_raw(sb, soap_body("ListUsers", ""), "ListUsers").status_code == 502
    sb.faults([{"kind": "status", "code": 500, "interface": "token"}])
    assert soap(sb, "ListUsers", "")[0] == 200
    r = requests.post(sb.token_url, data={"client_id": "x", "client_secret": "y", "grant_type": "client_credentials"})
    assert r.status_code == 500
    r = requests.post(sb.url + "/_sandbox/faults", json=[{"kind": "drop", "interface": "xml"}], timeout=10)
    assert r.status_code == 400 and "interface" in r.json()["error"]


def test_fault_interface_never_matches_edubrite(sb):
    sb.faults([{"kind": "status", "code": 503, "interface": "soap"}])
    assert requests.post(sb.edubrite_url("connect"), timeout=10).status_code == 200
    assert sb.faults()[0]["seen"] == 0


# --- --scale-members --------------------------------------------------------------------------------------


def test_scale_members():
    with Sandbox(scale=30, scale_members=25) as sbx:
        s = eb_login(sbx)
        seen, page, total = [], 0, None
        while True:
            params = {"currPage": str(page), "pageSize": "10"}
            if page:
                params["numItems"] = total
            r, root = eb(sbx, s, "reportService", dispatch="listProgramMembers", programId="bench-program", **params)
            pm = root.find("data/programMembers")
            total = pm.get("numItems")
            mems = pm.findall("member")
            if not mems:
                break
            seen += mems
            page += 1
        assert (total, pm.get("numPages"), page) == ("25", "3", 3)
        assert [m.get("userName") for m in seen] == ["member%05d" % i for i in range(1, 26)]
        assert {(m.get("status"), m.get("startDate"), m.get("quit")) for m in seen} == {
            ("ENROLLED", "1704067200000", "false")
        }
        r, root = eb(
            sbx,
            s,
            "reportService",
            dispatch="listProgramMembers",
            programId="bench-program",
            userId="00000000-0000-4000-c000-000000000026",
        )
        assert root.find("data/programMembers").get("numItems") == "0"  # member00026 exists, not a member
        assert eb(sbx, s, "userService", dispatch="get", userName="member00026")[0].status_code == 200
        sbx.reset()
        r, root = eb(sbx, eb_login(sbx), "reportService", dispatch="listProgramMembers", extId="BENCH")
        assert root.find("data/programMembers").get("numItems") == "25"  # reset keeps --scale-members


def test_scale_members_bounds():
    with pytest.raises(SandboxError) as info:
        Sandbox(scale=3, scale_members=4, startup_timeout=10).start()
    assert "--scale-members" in str(info.value)


def test_scale_without_members_unchanged():
    with Sandbox(scale=5) as sbx:
        prog = next(p for p in sbx.state()["edubrite"]["programs"] if p["id"] == "bench-program")
        assert prog["members"] == []
