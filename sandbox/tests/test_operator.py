"""Operator surface (/_sandbox/), fault injection, request log, reset, TLS and the process itself."""

from __future__ import annotations

import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request

import pytest
import requests
from conftest import (
    COURSE1,
    E_JDOE_1,
    PROGRAM,
    SANDBOX_DIR,
    SEED_TOKEN,
    eb,
    eb_login,
    eb_msg,
    enrollment,
    fault_of,
    get_token,
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

SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def op(sb, method, name, data=None):
    r = requests.request(method, sb.url + "/_sandbox/" + name, json=data, timeout=10)
    return r.status_code, r.json()


def list_learners(sb, token=SEED_TOKEN, timeout=10):
    return soap_raw(sb, soap_body("ListLearnersResults", ""), "ListLearnersResults", timeout=timeout)


def complete_jdoe(sb, **kw):
    return soap_raw(
        sb,
        soap_body(
            "updateCourseStatus",
            "<enrollmentIds><id>%s</id></enrollmentIds><courseId>%s</courseId>"
            "<date>2024-01-01</date><status>complete</status>" % (E_JDOE_1, COURSE1),
        ),
        "updateCourseStatus",
        **kw,
    )


# --- health, state, reset, settings ---------------------------------------------------------------------------


def test_health(sb):
    assert op(sb, "GET", "health") == (200, {"status": "ok"})


def test_state_contents(sb):
    state = sb.state()
    isp, edu = state["ispring"], state["edubrite"]
    for key in ("users", "departments", "admins", "courses", "enrollments", "tasks"):
        assert key in isp
    logins = {u["login"] for u in isp["users"]}
    assert {"jdoe", "asmith", "kwong", "bjones"} <= logins
    assert {u["email"] for u in isp["users"] if u["login"] in ("jdoe", "asmith")} == {
        "jdoe@example.com",
        "asmith@example.com",
    }
    assert {a["role"] for a in isp["admins"]} == {
        "account_owner",
        "account_administrator",
        "department_administrator",
        "custom",
    }
    assert [u for u in isp["users"] if u["status"] == "inactive"]
    enr = next(e for e in isp["enrollments"] if e["enrollmentId"] == "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2")
    assert enr["courseId"] == COURSE1 and enr["login"] == "kwong"
    assert {
        "enrollmentId",
        "courseId",
        "learnerId",
        "accessDate",
        "dueDate",
        "completionStatus",
        "completionDate",
        "progress",
    } <= set(enr)
    assert {u["userName"] for u in edu["users"]} >= {"adminusername", "user1", "user2", "user3", "user4", "jdoe_eb"}
    prog = next(p for p in edu["programs"] if p["id"] == PROGRAM)
    assert prog["extId"] == "ONBOARDING"
    assert {
        "userId",
        "startDate",
        "endDate",
        "dueDate",
        "awardDate",
        "awardExpDate",
        "award",
        "score",
        "quit",
        "status",
    } <= set(prog["members"][0])


def test_reset_restores_everything(sb):
    token = get_token(sb)
    session = eb_login(sb)
    update_status(sb, [E_JDOE_1])
    eb(
        sb,
        session,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        remove="true",
    )
    sb.faults([{"kind": "status", "code": 503, "count": -1, "operations": ["nothing"]}])
    time.sleep(0.15)
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "complete"
    assert sb.requests()
    sb.reset()
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "in_progress"
    assert "user1" in members(sb)
    assert sb.state()["ispring"]["tasks"] == []
    assert sb.requests() == [] and sb.faults() == []
    # issued tokens and sessions are dropped; the permanent token stays valid
    assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=token)[1]) == "Authorization failed"
    assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=SEED_TOKEN)[1]) == "Wrong parameters"
    r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
    assert r.status_code == 401 and eb_msg(root)[1] == "0174"
    # task ids start over
    status, root = update_status(sb, [E_JDOE_1])
    assert text_of(root, "taskId") == "100027"


def test_secrets_lists_every_issued_token_and_cookie(sb):
    assert sb.secrets() == []
    token = get_token(sb)
    session = eb_login(sb)
    issued = sb.secrets()
    assert token in issued
    assert all(cookie.value in issued for cookie in session.cookies)
    assert len(issued) == 4  # the token, SESSION_ID of each step (3.4 r3), SESSION_INFO
    sb.reset()
    assert sb.secrets() == []


def test_unknown_operator_endpoint(sb):
    assert op(sb, "GET", "nope")[0] == 404
    assert op(sb, "POST", "health")[0] == 404


def test_latency(sb):
    assert op(sb, "POST", "latency", {"ms": 1000}) == (200, {"ms": 1000})
    started = time.time()
    list_learners(sb)
    assert time.time() - started >= 1.0
    started = time.time()
    sb.health()  # the operator surface is not slowed down (a wide margin: CI runs this under load)
    assert time.time() - started < 1.0
    assert op(sb, "POST", "latency", {"ms": -1})[0] == 400
    assert sb.latency(0) == {"ms": 0}


def test_settings(sb):
    assert sb.settings()["task_delay"] == 0.1
    sb.settings(task_delay=5)
    status, root = update_status(sb, [E_JDOE_1])
    time.sleep(0.2)
    assert (
        text_of(soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % text_of(root, "taskId"))[1], "status")
        == "in progress"
    )
    assert op(sb, "POST", "settings", {"bogus": 1})[0] == 400
    sb.reset()
    assert sb.settings()["task_delay"] == 0.1


# --- request log --------------------------------------------------------------------------------------------------


def test_request_log(sb):
    sb.health()
    get_token(sb)
    update_status(sb, [E_JDOE_1])
    session = eb_login(sb)
    eb(sb, session, "reportService", dispatch="listProgramMembers", programId=PROGRAM)
    requests.get(sb.url + "/nowhere")
    log = sb.requests()
    assert [(e["api"], e["operation"]) for e in log] == [
        ("ispring", "token"),
        ("ispring", "updateCourseStatus"),
        ("edubrite", "connect"),
        ("edubrite", "connect"),
        ("edubrite", "listProgramMembers"),
        (None, None),
    ]
    for entry in log:
        assert {"method", "path", "operation", "api", "time", "status", "fault"} <= set(entry)
        assert entry["fault"] is None
    assert [e["status"] for e in log] == [200, 200, 200, 200, 200, 404]
    assert log[1]["path"] == "/api/v2/soap/2.0" and log[1]["method"] == "POST"
    assert "updateCourseStatusRequest" in log[1]["body"]
    assert log[3]["params"]["password"] == "********"
    assert log[4]["real_uname"] == "adminusername"
    times = [e["time"] for e in log]
    assert times == sorted(times) and abs(times[0] - time.time()) < 30
    assert [e["operation"] for e in sb.requests(api="edubrite")] == ["connect", "connect", "listProgramMembers"]
    assert [e["status"] for e in sb.requests(operation="token")] == [200]
    assert op(sb, "DELETE", "requests")[0] == 200
    assert sb.requests() == []
    # clearing the log keeps the state
    assert sb.state()["ispring"]["tasks"]


def test_rest_log_entries_carry_what_a_schema_check_needs_and_no_secret(sb):
    token = get_token(sb)
    rest(sb, "GET", "/learners/results", token=token, params={"courseIds[]": COURSE1, "pageSize": 2})
    rest(sb, "POST", "/enrollment/delete", token=token, json={"enrollmentIds": ["no-such"]})
    rest(sb, "GET", "/users", token=None)
    rest(sb, "GET", "/users", token=None, headers={"Authorization": token})  # a bare token, no scheme
    listing, delete, anonymous, bare = sb.requests(interface="rest")
    assert listing["query"] == {"courseIds[]": [COURSE1], "pageSize": ["2"]}
    assert listing["auth_scheme"] == "Bearer" and listing["content_type"] is None
    assert listing["reply_content_type"] == "application/json" and not listing["reply_truncated"]
    assert len(json.loads(listing["reply_body"])["results"]) == 2 and not listing["body_truncated"]
    assert delete["content_type"] == "application/json" and json.loads(delete["body"]) == {"enrollmentIds": ["no-such"]}
    assert delete["status"] == 400 and json.loads(delete["reply_body"])["code"] == 400
    assert anonymous["auth_scheme"] is None and anonymous["status"] == 401
    assert bare["auth_scheme"] == "(one word: not logged)"
    [token_entry] = sb.requests(interface="token")
    assert "reply_body" not in token_entry and "body" not in token_entry  # the secret and the access token
    assert token not in json.dumps(sb.requests())


# --- faults ---------------------------------------------------------------------------------------------------------


def test_fault_rules_validation(sb):
    assert op(sb, "POST", "faults", [{"kind": "explode"}])[0] == 400
    assert op(sb, "POST", "faults", [{"kind": "status", "api": "moodle"}])[0] == 400
    assert op(sb, "POST", "faults", [{"kind": "status", "operations": "token"}])[0] == 400
    status, rules = op(sb, "POST", "faults", [{"kind": "drop"}])
    assert status == 200 and rules[0]["kind"] == "drop"
    assert op(sb, "GET", "faults")[1][0]["kind"] == "drop"
    assert op(sb, "DELETE", "faults") == (200, [])
    assert sb.faults() == []


def test_fault_status_429_retry_after(sb):
    sb.faults([{"kind": "status", "code": 429, "retry_after": 1, "count": 3}])
    for _ in range(3):
        r = complete_jdoe(sb)
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        assert r.headers["Content-Type"].startswith("text/plain") and r.text
    assert sb.state()["ispring"]["tasks"] == []  # not processed
    assert complete_jdoe(sb).status_code == 200
    log = sb.requests()
    assert [(e["status"], e["fault"]) for e in log] == [(429, "status")] * 3 + [(200, None)]


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_fault_status_codes(sb, code):
    sb.faults([{"kind": "status", "code": code}])
    r = requests.post(sb.edubrite_url("connect"))
    assert r.status_code == code and "Retry-After" not in r.headers
    assert requests.post(sb.edubrite_url("connect")).status_code == 200


def test_fault_filters_after_and_forever(sb):
    sb.faults(
        [
            {
                "kind": "status",
                "code": 503,
                "count": -1,
                "after": 2,
                "operations": ["ListLearnersResults"],
                "api": "ispring",
            }
        ]
    )
    assert [list_learners(sb).status_code for _ in range(5)] == [200, 200, 503, 503, 503]
    assert complete_jdoe(sb).status_code == 200  # other operations pass
    assert requests.post(sb.edubrite_url("connect")).status_code == 200
    rule = sb.faults()[0]
    assert (rule["seen"], rule["hits"]) == (5, 3)


def test_fault_api_filter(sb):
    sb.faults([{"kind": "status", "code": 502, "api": "edubrite", "count": 1}])
    assert list_learners(sb).status_code == 200
    assert requests.post(sb.edubrite_url("connect")).status_code == 502


def test_fault_drop(sb):
    sb.faults([{"kind": "drop", "operations": ["updateCourseStatus"]}])
    with pytest.raises(requests.exceptions.ConnectionError):
        complete_jdoe(sb)
    time.sleep(0.15)
    assert sb.state()["ispring"]["tasks"] == []
    entry = sb.requests()[-1]
    assert (entry["status"], entry["fault"], entry["operation"]) == (None, "drop", "updateCourseStatus")
    assert complete_jdoe(sb).status_code == 200


def test_fault_slow(sb):
    sb.faults([{"kind": "slow", "seconds": 0.5}])
    started = time.time()
    r = complete_jdoe(sb)
    assert r.status_code == 200 and time.time() - started >= 0.5
    assert sb.requests()[-1]["fault"] == "slow"


def test_fault_slow_client_timeout_still_processed(sb):
    sb.faults([{"kind": "slow", "seconds": 1.0}])
    with pytest.raises(requests.exceptions.Timeout):
        complete_jdoe(sb, timeout=0.3)
    time.sleep(1.3)
    assert len(sb.state()["ispring"]["tasks"]) == 1  # processed after the sleep
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "complete"


@pytest.mark.parametrize("api", ["ispring", "edubrite"])
def test_fault_malformed(sb, api):
    sb.faults([{"kind": "malformed"}])
    if api == "ispring":
        r = complete_jdoe(sb)
    else:
        r = requests.post(sb.edubrite_url("connect"))
    assert r.status_code == 200 and r.content
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(r.content, SAFE)
    assert sb.state()["ispring"]["tasks"] == []


def test_fault_malformed_token(sb):
    sb.faults([{"kind": "malformed", "operations": ["token"]}])
    r = requests.post(
        sb.token_url,
        data={"client_id": "demo-client", "client_secret": "demo-secret", "grant_type": "client_credentials"},
    )
    assert r.status_code == 200
    with pytest.raises(ValueError):
        json.loads(r.text)


def test_fault_html(sb):
    sb.faults([{"kind": "html"}, {"kind": "html", "code": 503}])
    r = list_learners(sb)
    assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html") and "<html>" in r.text
    r = list_learners(sb)
    assert r.status_code == 503


@pytest.mark.parametrize("api", ["ispring", "edubrite"])
def test_fault_xxe(sb, api):
    if api == "ispring":
        sb.faults([{"kind": "xxe"}])
        r = complete_jdoe(sb)
        leaf = "taskId"
    else:
        session = eb_login(sb)
        sb.faults([{"kind": "xxe"}])
        r = session.post(
            sb.edubrite_url("enrollmentService"),
            headers={"REAL_UNAME": "adminusername"},
            data={"dispatch": "updateProgramMember", "programId": PROGRAM, "usernames": "user1"},
        )
        leaf = "value"
    assert r.status_code == 200
    assert b'<!ENTITY xxe SYSTEM "file:///etc/passwd">' in r.content and b"&xxe;" in r.content
    root = etree.fromstring(r.content, SAFE)  # parses; the entity is not resolved
    el = next(e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == leaf)
    assert "root:" not in etree.tostring(el, encoding="unicode")
    assert root.getroottree().docinfo.internalDTD is not None


@pytest.mark.parametrize("api", ["ispring", "edubrite"])
def test_fault_bomb(sb, api):
    sb.faults([{"kind": "bomb"}])
    r = complete_jdoe(sb) if api == "ispring" else requests.post(sb.edubrite_url("connect"))
    assert r.status_code == 200
    assert b"<!ENTITY lol9" in r.content and b"&lol9;" in r.content
    assert len(r.content) < 10000


def test_fault_expire_auth_ispring_issued_token(sb):
    token = get_token(sb)
    sb.faults([{"kind": "expire_auth"}])
    status, root = soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=token)
    assert (status, fault_of(root)) == (500, "Authorization failed")
    # the token stays invalid; a new one works
    assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=token)[1]) == "Authorization failed"
    assert fault_of(soap(sb, "getTaskStatus", "<taskId>1</taskId>", token=get_token(sb))[1]) == "Wrong parameters"
    assert sb.requests()[1]["fault"] == "expire_auth"  # the token request did not take it


def test_fault_expire_auth_permanent_token(sb):
    sb.faults([{"kind": "expire_auth", "operations": ["updateCourseStatus"]}])
    status, root = update_status(sb, [E_JDOE_1])
    assert (status, fault_of(root)) == (500, "Authorization failed")
    status, root = update_status(sb, [E_JDOE_1])  # permanent token: only that request failed
    assert status == 200


def test_fault_expire_auth_edubrite(sb):
    session = eb_login(sb)
    sb.faults([{"kind": "expire_auth", "api": "edubrite"}])
    r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
    assert (r.status_code, eb_msg(root)[:2]) == (401, ("-1", "0174"))
    r, root = eb(sb, session, "userService", dispatch="get", userName="user1")
    assert eb_msg(root)[1] == "0174"  # the session is gone
    assert eb(sb, eb_login(sb), "userService", dispatch="get", userName="user1")[0].status_code == 200


def test_fault_fail_write_nth(sb):
    session = eb_login(sb)
    sb.faults([{"kind": "fail_write", "after": 1, "operations": ["updateProgramMember"]}])
    ok = eb(
        sb,
        session,
        "enrollmentService",
        dispatch="updateProgramMember",
        programId=PROGRAM,
        usernames="user1",
        dueDate="1",
    )[0]
    assert ok.status_code == 200
    r = session.post(
        sb.edubrite_url("enrollmentService"),
        headers={"REAL_UNAME": "adminusername"},
        data={"dispatch": "updateProgramMember", "programId": PROGRAM, "usernames": "user2", "dueDate": "2"},
    )
    assert r.status_code == 500 and r.text == "Internal Server Error"
    assert r.headers["Content-Type"].startswith("text/plain")
    mem = members(sb)
    assert mem["user1"]["dueDate"] == 1 and mem["user2"]["dueDate"] == 1596240000000


def test_fault_fail_write_ispring(sb):
    sb.faults([{"kind": "fail_write", "operations": ["updateCourseStatus"]}])
    r = complete_jdoe(sb)
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    assert sb.state()["ispring"]["tasks"] == []


def test_fault_task_failed(sb):
    sb.faults([{"kind": "task_failed"}])
    assert list_learners(sb).status_code == 200  # not a task: not hit
    status, root = update_status(sb, [E_JDOE_1])
    assert status == 200
    task_id = text_of(root, "taskId")
    time.sleep(0.2)
    assert text_of(soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % task_id)[1], "status") == "failed"
    assert enrollment(sb, E_JDOE_1)["completionStatus"] == "in_progress"
    status, root = update_status(sb, [E_JDOE_1])  # count 1: the next one works
    time.sleep(0.2)
    assert (
        text_of(soap(sb, "getTaskStatus", "<taskId>%s</taskId>" % text_of(root, "taskId"))[1], "status") == "complete"
    )


# --- HTTP behaviour ---------------------------------------------------------------------------------------------------


def test_keep_alive(sb):
    host, port = sb.url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    for _ in range(3):
        body = soap_body("getTaskStatus", "<taskId>1</taskId>").encode()
        conn.request("POST", "/api/v2/soap/2.0", body=body, headers={"Content-Type": "text/xml"})
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 500 and resp.version == 11
        assert int(resp.getheader("Content-Length")) == len(data)
        assert not resp.will_close
    sock = conn.sock
    conn.request("GET", "/_sandbox/health")
    assert conn.getresponse().read() == b'{"status": "ok"}'
    assert conn.sock is sock
    conn.close()


def test_soap_get_not_allowed(sb):
    assert requests.get(sb.soap_url).status_code == 405


def test_chunked_request_body(sb):
    def gen():
        yield soap_body("getTaskStatus", "<taskId>1</taskId>").encode()

    r = requests.post(sb.soap_url, data=gen(), headers={"Content-Type": "text/xml"})
    assert r.status_code == 500 and fault_of(etree.fromstring(r.content)) == "Wrong parameters"


# --- TLS --------------------------------------------------------------------------------------------------------------


def test_tls(tmp_path):
    with Sandbox(tls=True, cert_dir=str(tmp_path)) as sb:
        assert sb.url.startswith("https://127.0.0.1:")
        cert = tmp_path / "cert.pem"
        assert cert.exists() and (tmp_path / "key.pem").exists()
        assert sb.cert_path == str(cert)
        r = requests.post(
            sb.token_url,
            data={"client_id": "demo-client", "client_secret": "demo-secret", "grant_type": "client_credentials"},
            verify=str(cert),
        )
        assert r.status_code == 200
        r = requests.get(sb.url.replace("127.0.0.1", "localhost") + "/_sandbox/health", verify=str(cert))
        assert r.json() == {"status": "ok"}
        ctx = ssl.create_default_context(cafile=str(cert))
        with urllib.request.urlopen(sb.url + "/_sandbox/health", context=ctx) as resp:
            assert resp.status == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(sb.url + "/_sandbox/health")  # not trusted without the cert
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(sb.url.replace("https", "http") + "/_sandbox/health", timeout=3)
        assert requests.get(sb.url + "/_sandbox/health", verify=str(cert)).status_code == 200  # still serving


# --- the process ------------------------------------------------------------------------------------------------------


def test_sigterm_exits_zero():
    sb = Sandbox().start()
    assert sb.stop() == 0
    assert "LMS sandbox listening on http://127.0.0.1:" in sb.output_text()


def test_sigint_exits_zero():
    sb = Sandbox().start()
    os.kill(sb.pid, signal.SIGINT)
    assert sb.proc.wait(10) == 0


def test_port_from_environment():
    env = dict(os.environ, PYTHONPATH=SANDBOX_DIR, SANDBOX_PORT="0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lms_sandbox", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("LMS sandbox listening on http://127.0.0.1:")
        url = line.split()[-1]
        assert requests.get(url + "/_sandbox/health", timeout=5).json() == {"status": "ok"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_bad_fixture_fails_clearly(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("ispring:\n  enrollments:\n    - {enrollmentId: x, courseId: nope, learner: ghost}\n")
    with pytest.raises(SandboxError) as info:
        Sandbox(fixture=str(bad), startup_timeout=10).start()
    assert "ghost" in str(info.value) or "nope" in str(info.value)
