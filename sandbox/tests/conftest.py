"""Shared fixtures and helpers for the sandbox tests: a sandbox per session, reset before each test."""

from __future__ import annotations

import os
import sys
import time

import pytest
import requests
from lxml import etree

SANDBOX_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if SANDBOX_DIR not in sys.path:
    sys.path.insert(0, SANDBOX_DIR)

from lms_sandbox.testing import Sandbox  # noqa: E402

COURSE1 = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
COURSE2 = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"
SEED_ENROLLMENT = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"  # kwong, course 1
E_JDOE_1 = "7c1d9a20-c1ae-11ea-8592-a6eabe180001"
E_ASMITH_1 = "7c1d9a20-c1ae-11ea-8592-a6eabe180002"
E_MGARCIA_1 = "7c1d9a20-c1ae-11ea-8592-a6eabe180003"
E_LTAN_1 = "7c1d9a20-c1ae-11ea-8592-a6eabe180004"
E_BJONES_1 = "7c1d9a20-c1ae-11ea-8592-a6eabe180005"
E_JDOE_2 = "9e4b7c30-c1ae-11ea-8592-a6eabe180101"
E_ASMITH_2 = "9e4b7c30-c1ae-11ea-8592-a6eabe180102"
E_KWONG_2 = "9e4b7c30-c1ae-11ea-8592-a6eabe180103"
SEED_TOKEN = "p-1sJDjmULL5DdpXPJTcbm4jVIaWVHvNmrjAxATRbNE"
PROGRAM = "xxxx-xxxx-xxxx-xxxx"
PROGRAM2 = "yyyy-yyyy-yyyy-yyyy"
HTTP_BODY_NS = "http://ispringlearn.com/go/services/api/soap"  # contract 1.1 r2: what clients send
HTTPS_BODY_NS = "https://ispringlearn.com/go/services/api/soap"  # the seed's
BODY_NS = HTTP_BODY_NS
HTTP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
HTTPS_ENV_NS = "https://schemas.xmlsoap.org/soap/envelope/"

CLIENTS = {
    "admin": ("demo-client", "demo-secret"),
    "owner": ("owner-client", "owner-secret"),
    "sales": ("sales-admin-client", "sales-admin-secret"),
    "editor": ("editor-client", "editor-secret"),
    "viewer": ("viewer-client", "viewer-secret"),
}


@pytest.fixture(scope="session")
def sandbox_server():
    with Sandbox(task_delay=0.1) as sb:
        yield sb


@pytest.fixture
def sb(sandbox_server):
    sandbox_server.reset()
    yield sandbox_server


# --- iSpring helpers -------------------------------------------------------------------------------


def get_token(sb, who="admin"):
    client_id, secret = CLIENTS[who]
    r = requests.post(
        sb.token_url,
        data={"client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def local(el):
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def find_all(root, name):
    return [el for el in root.iter() if local(el) == name]


def find(root, name):
    found = find_all(root, name)
    return found[0] if found else None


def text_of(root, name):
    el = find(root, name)
    return None if el is None else el.text


def soap_body(method, inner, token=SEED_TOKEN, env_ns=HTTP_ENV_NS, body_ns=BODY_NS):
    creds = "<credentials><token>%s</token></credentials>" % token if token is not None else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="%s"><soap:Body>'
        '<%sRequest xmlns="%s">%s%s</%sRequest></soap:Body></soap:Envelope>'
        % (env_ns, method, body_ns, creds, inner, method)
    )


def soap_raw(sb, body, action=None, timeout=10, session=None):
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    if action is not None:
        headers["SOAPAction"] = '"%s"' % action
    if isinstance(body, str):
        body = body.encode("utf-8")
    return (session or requests).post(sb.soap_url, data=body, headers=headers, timeout=timeout)


def soap(sb, method, inner="", token=SEED_TOKEN, action=True, env_ns=HTTP_ENV_NS, body_ns=BODY_NS):
    """-> (http status, parsed root)."""
    r = soap_raw(sb, soap_body(method, inner, token, env_ns, body_ns), method if action else None)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return r.status_code, etree.fromstring(r.content, parser)


def fault_of(root):
    return text_of(root, "faultstring")


def ids(tag, values, item="id"):
    return "<%s>%s</%s>" % (tag, "".join("<%s>%s</%s>" % (item, v, item) for v in values), tag)


def update_status(sb, enrollments, status="complete", date="2024-05-01", course=COURSE1, token=SEED_TOKEN, reason=None):
    inner = ids("enrollmentIds", enrollments) + "<courseId>%s</courseId>" % course
    if date is not None:
        inner += "<date>%s</date>" % date
    if reason is not None:
        inner += "<reason>%s</reason>" % reason
    inner += "<status>%s</status>" % status
    return soap(sb, "updateCourseStatus", inner, token=token)


def enrollment(sb, eid):
    return next(e for e in sb.state()["ispring"]["enrollments"] if e["enrollmentId"] == eid)


def rest(sb, method, path, token=SEED_TOKEN, params=None, json=None, headers=None, **kw):
    """A REST call with `Authorization: Bearer <token>` (token None: no header) -> requests.Response."""
    hdrs = {"Accept": "application/json"}
    if token is not None:
        hdrs["Authorization"] = "Bearer %s" % token
    hdrs.update(headers or {})
    return requests.request(method, sb.url + path, params=params, json=json, headers=hdrs, timeout=10, **kw)


def wait_until(predicate, timeout=5):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


# --- EduBrite helpers ------------------------------------------------------------------------------


def eb_login(sb, username="api_demo", password="demo-password"):
    s = requests.Session()
    r = s.post(sb.edubrite_url("connect"), timeout=10)
    assert r.status_code == 200, r.text
    r = s.post(sb.edubrite_url("connect"), data={"username": username, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return s


def eb(sb, session, service, real_uname="adminusername", method="post", **params):
    headers = {"REAL_UNAME": real_uname} if real_uname is not None else {}
    if method == "post":
        r = session.post(sb.edubrite_url(service), data=params, headers=headers, timeout=10)
    else:
        r = session.get(sb.edubrite_url(service), params=params, headers=headers, timeout=10)
    return r, etree.fromstring(r.content)


def eb_msg(root):
    return root.get("code"), root.findtext("msgs/msg/code"), root.findtext("msgs/msg/value")


def members(sb, program=PROGRAM):
    prog = next(p for p in sb.state()["edubrite"]["programs"] if p["id"] == program)
    return {m["userName"]: m for m in prog["members"]}
