"""HTTP layer: routing of both APIs, the /_sandbox/ operator surface, fault injection, request log."""

from __future__ import annotations

import json
import socket
import ssl
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import assumptions as A
from . import edubrite, ispring, ispring_rest
from .reply import Reply, json_reply, text_reply
from .state import EdubriteState, IspringState, load_fixture

MAX_BODY = 64 * 1024 * 1024
LOG_BODY_CHARS = 100_000  # a SOAP body is kept in the request log up to this many characters
LOG_REPLY_CHARS = 2_000_000  # a REST reply body likewise (a page of 1,000 results is ~0.5 MB)
LOG_MAX_ENTRIES = 100_000  # the request log keeps the newest entries

FAULT_KINDS = ("status", "drop", "slow", "malformed", "html", "xxe", "bomb", "expire_auth", "fail_write", "task_failed")
STATUS_TEXT = {
    414: "URI Too Long",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
# Operations that carry no credentials (expire_auth never hits these) and that create tasks.
NO_AUTH_OPERATIONS = ("token", "connect")
TASK_OPERATIONS = ("updateCourseStatus", "UpdateCourseStatus")
# iSpring request interfaces (log entries, fault rule filter); XML-only fault kinds skip REST.
INTERFACES = ("soap", "rest", "token")
XML_ONLY_KINDS = ("xxe", "bomb")


class SettingError(ValueError):
    """A run-time setting refused: names the key and what it accepts."""

    def __init__(self, key, allowed, value):
        ValueError.__init__(self, "%s: %r is not allowed (allowed: %s)" % (key, value, allowed))
        self.key, self.allowed = key, allowed


def _number(kind):
    def parse(key, value):
        if isinstance(value, bool):
            raise SettingError(key, "a number", value)
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise SettingError(key, "a number", value) from None

    return parse


def _choice(*values):
    def parse(key, value):
        if value not in values:
            raise SettingError(key, ", ".join(values), value)
        return value

    parse.values = values
    return parse


def _boolean(key, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise SettingError(key, "false, true", value)


def _concurrency(key, value):
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingError(key, "0 (off) or an integer N >= 1", value)
    return value


_boolean.values = ("false", "true")


def _member_values(key, value):
    """A comma list ("" = none) or a list of member value names -> a list in listing order."""
    names = value.split(",") if isinstance(value, str) else value
    allowed = A.MEMBER_OPTIONAL_VALUES
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise SettingError(key, "a comma list or list of " + ", ".join(allowed), value)
    names = {name.strip() for name in names if name.strip()}
    if names - set(allowed):
        raise SettingError(key, "a comma list or list of " + ", ".join(allowed), value)
    return [name for name in allowed if name in names]


_member_values.values = ([], ["awardExpDate"])  # the forms a tenant check test covers: none, one missing


# Run-time settings: name -> (default, parser).  Each is a CLI flag (--name-with-dashes), a key of
# POST /_sandbox/settings, and a keyword of testing.Sandbox.  The forms' defaults cite the contract
# in assumptions.py.
SETTINGS = {
    "token_ttl": (A.TOKEN_TTL_DEFAULT, _number(float)),
    "task_delay": (0.3, _number(float)),
    "session_ttl": (A.SESSION_TTL_DEFAULT, _number(float)),
    "max_sessions": (A.MAX_SESSIONS_DEFAULT, _number(int)),
    "latency_ms": (0.0, _number(float)),
    "ispring_list_layout": (A.ISPRING_LIST_LAYOUT_DEFAULT, _choice(*A.LIST_LAYOUTS)),
    "ispring_namespace": (A.ISPRING_NAMESPACE_DEFAULT, _choice(*A.BODY_NAMESPACES)),
    "ispring_namespace_strict": (A.ISPRING_NAMESPACE_STRICT_DEFAULT, _boolean),
    "ispring_expired_token": (A.ISPRING_EXPIRED_TOKEN_FORMS[0], _choice(*A.ISPRING_EXPIRED_TOKEN_FORMS)),
    "edubrite_connect_body": (A.EDUBRITE_CONNECT_BODIES[0], _choice(*A.EDUBRITE_CONNECT_BODIES)),
    "edubrite_paging": (A.EDUBRITE_PAGING_MODES[0], _choice(*A.EDUBRITE_PAGING_MODES)),
    "edubrite_member_layout": (A.EDUBRITE_MEMBER_LAYOUTS[0], _choice(*A.EDUBRITE_MEMBER_LAYOUTS)),
    "edubrite_member_dates": (A.EDUBRITE_MEMBER_DATE_FORMS[0], _choice(*A.EDUBRITE_MEMBER_DATE_FORMS)),
    "edubrite_list_ext_id": (A.EDUBRITE_LIST_EXT_ID_MEANINGS[0], _choice(*A.EDUBRITE_LIST_EXT_ID_MEANINGS)),
    "edubrite_step2_session_id": (A.EDUBRITE_STEP2_SESSION_IDS[0], _choice(*A.EDUBRITE_STEP2_SESSION_IDS)),
    "edubrite_member_missing_fields": ([], _member_values),
    "rate_limit_concurrency": (A.RATE_LIMIT_CONCURRENCY_DEFAULT, _concurrency),
    "request_line_limit": (A.REQUEST_LINE_LIMIT_DEFAULT, _concurrency),
    "ispring_rest_arrays": (A.REST_ARRAY_FORMS[0], _choice(*A.REST_ARRAY_FORMS)),
    "ispring_due_period_unit": (A.DUE_PERIOD_UNITS[0], _choice(*A.DUE_PERIOD_UNITS)),
    "ispring_user_filters": (A.USER_FILTER_JOINS[0], _choice(*A.USER_FILTER_JOINS)),
    "ispring_rest_user_fields": (A.REST_USER_FIELD_FORMS[0], _choice(*A.REST_USER_FIELD_FORMS)),
    "ispring_rest_unauthorized": (A.REST_UNAUTHORIZED_FORMS[0], _choice(*A.REST_UNAUTHORIZED_FORMS)),
    "ispring_rest_dates": (A.REST_DATE_FORMS[0], _choice(*A.REST_DATE_FORMS)),
    "ispring_unknown_course": (A.UNKNOWN_COURSE_FORMS[0], _choice(*A.UNKNOWN_COURSE_FORMS)),
    "ispring_created_id": (A.CREATED_ID_FORMS[0], _choice(*A.CREATED_ID_FORMS)),
    "ispring_group_members": (A.GROUP_MEMBERS_READINGS[0], _choice(*A.GROUP_MEMBERS_READINGS)),
    "ispring_users_by_post": (A.USERS_BY_POST_FORMS[0], _choice(*A.USERS_BY_POST_FORMS)),
}


class Config:
    """Start options (host, port, fixture, tls, scale...) and the run-time SETTINGS."""

    SETTINGS = tuple(SETTINGS)

    def __init__(
        self,
        host="127.0.0.1",
        port=8780,
        fixture=None,
        tls=False,
        cert_dir=None,
        scale=0,
        scale_members=0,
        quiet=False,
        **settings,
    ):
        self.host, self.port, self.fixture = host, port, fixture
        self.tls, self.cert_dir, self.quiet = tls, cert_dir, quiet
        self.scale, self.scale_members = int(scale), int(scale_members)
        unknown = set(settings) - set(SETTINGS)
        if unknown:
            raise TypeError("unknown settings: %s" % ", ".join(sorted(unknown)))
        values = {name: settings.get(name, default) for name, (default, _parse) in SETTINGS.items()}
        self.update(self.parse(values))

    @staticmethod
    def parse(values):
        """Checked values (raises SettingError, KeyError for an unknown name); applies nothing."""
        return {name: SETTINGS[name][1](name, value) for name, value in values.items()}

    def update(self, parsed):
        for name, value in parsed.items():
            setattr(self, name, value)

    def settings(self):
        return {name: getattr(self, name) for name in SETTINGS}


def _rule_filter(spec, key, allowed):
    value = spec.get(key)
    if value not in (None,) + allowed:
        raise ValueError("%s must be one of %s" % (key, ", ".join("'%s'" % a for a in allowed)))
    return value


def _rule_code(kind, spec):
    if kind == "status":
        code = int(spec.get("code", 503))
        if code < 400 or code > 599:
            raise ValueError("status code must be 4xx or 5xx")
        return code
    if kind == "html":
        return int(spec.get("code", 502))
    return None


class FaultRule:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault rule must be an object")
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (one of %s)" % (kind, ", ".join(FAULT_KINDS)))
        self.spec = dict(spec)
        self.kind = kind
        self.count = int(spec.get("count", 1))
        self.after = int(spec.get("after", 0))
        ops = spec.get("operations")
        if ops is not None and (not isinstance(ops, list) or not all(isinstance(o, str) for o in ops)):
            raise ValueError("operations must be a list of operation names")
        self.operations = ops
        self.api = _rule_filter(spec, "api", ("ispring", "edubrite"))
        self.interface = _rule_filter(spec, "interface", INTERFACES)
        self.code = _rule_code(kind, spec)
        self.retry_after = spec.get("retry_after")
        self.seconds = float(spec.get("seconds", 5))
        self.seen = 0
        self.hits = 0

    def exhausted(self):
        return self.count != -1 and self.hits >= self.count

    def matches(self, api, operation, interface=None):
        if api is None:
            return False
        if self.api is not None and api != self.api:
            return False
        if self.interface is not None and interface != self.interface:
            return False
        if self.operations is not None and operation not in self.operations:
            return False
        return self._kind_applies(operation, interface)

    def _kind_applies(self, operation, interface):
        if self.kind == "expire_auth":
            return operation not in NO_AUTH_OPERATIONS
        if self.kind == "task_failed":
            return operation in TASK_OPERATIONS
        if self.kind in XML_ONLY_KINDS:
            return interface != "rest"  # JSON replies have no entities: the rule waits for an XML reply
        return True

    def to_json(self):
        return dict(self.spec, seen=self.seen, hits=self.hits)


class Sandbox:
    """The whole emulator: state of both LMSs, faults, request log."""

    def __init__(self, config):
        self.config = config
        self.initial_settings = config.settings()
        self.fixture = load_fixture(config.fixture)
        self.lock = threading.RLock()
        self.log_lock = threading.Lock()
        self.fault_lock = threading.Lock()
        self.flight_lock = threading.Lock()
        self.in_flight = 0  # API requests being processed (latency included)
        self.rules = []
        self.log = []
        self.reset()

    def reset(self):
        with self.lock:
            self.config.update(self.initial_settings)
            self.ispring_state = IspringState(self.fixture.get("ispring"), self.config.scale)
            self.edubrite_state = EdubriteState(
                self.fixture.get("edubrite"), self.config.scale, self.config.scale_members
            )
            self.ispring = ispring.IspringApi(self.ispring_state, self.config)
            self.rest = ispring_rest.RestApi(self.ispring)
            self.edubrite = edubrite.EdubriteApi(self.edubrite_state, self.config)
        with self.fault_lock:
            self.rules = []
        with self.log_lock:
            self.log = []

    def state_json(self):
        with self.lock:
            self.ispring.apply_due_tasks()
            return {
                "ispring": self.ispring_state.to_json(),
                "edubrite": self.edubrite_state.to_json(),
                "settings": self.config.settings(),
            }

    def set_faults(self, specs):
        if not isinstance(specs, list):
            specs = [specs]
        rules = [FaultRule(s) for s in specs]
        with self.fault_lock:
            self.rules = rules

    def pick_fault(self, api, operation, interface=None):
        with self.fault_lock:
            for rule in self.rules:
                if rule.exhausted() or not rule.matches(api, operation, interface):
                    continue
                rule.seen += 1
                if rule.seen > rule.after:
                    rule.hits += 1
                    return rule
        return None

    def enter(self):
        """One more API request in flight; returns how many are (itself included)."""
        with self.flight_lock:
            self.in_flight += 1
            return self.in_flight

    def leave(self):
        with self.flight_lock:
            self.in_flight -= 1

    def add_log(self, entry):
        with self.log_lock:
            self.log.append(entry)
            if len(self.log) > LOG_MAX_ENTRIES:
                del self.log[: len(self.log) - LOG_MAX_ENTRIES]

    def log_json(self, api=None, operation=None, interface=None):
        wanted = {k: v for k, v in (("api", api), ("operation", operation), ("interface", interface)) if v}
        with self.log_lock:
            return [dict(e) for e in self.log if all(e.get(k) == v for k, v in wanted.items())]


def _cert_context(config):
    from .tls import make_certificate

    cert, key = make_certificate(config.cert_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, sandbox):
        self.sandbox = sandbox
        ThreadingHTTPServer.__init__(self, (sandbox.config.host, sandbox.config.port), Handler)
        if sandbox.config.tls:
            ctx = _cert_context(sandbox.config)
            self.socket = ctx.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, OSError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)

    @property
    def url(self):
        host = self.server_address[0]
        if ":" in host:
            host = "[%s]" % host
        return "%s://%s:%d" % ("https" if self.sandbox.config.tls else "http", host, self.server_address[1])


# --- operator surface (/_sandbox/): (name, method) -> handler(sandbox, data, query) --------------------


def _op_health(sb, data, query):
    return json_reply(200, {"status": "ok"})


def _op_state(sb, data, query):
    return json_reply(200, sb.state_json())


def _op_secrets(sb, data, query):
    # For canary tests: every token and session cookie issued since the last reset.
    return json_reply(200, sb.ispring_state.issued + sb.edubrite_state.issued)


def _op_reset(sb, data, query):
    sb.reset()
    return json_reply(200, {"status": "reset"})


def _op_requests(sb, data, query):
    qs = {k: v[-1] for k, v in parse_qs(query).items()}
    return json_reply(200, sb.log_json(qs.get("api"), qs.get("operation"), qs.get("interface")))


def _op_clear_requests(sb, data, query):
    with sb.log_lock:
        sb.log = []
    return json_reply(200, {"status": "cleared"})


def _op_faults(sb, data, query):
    with sb.fault_lock:
        return json_reply(200, [r.to_json() for r in sb.rules])


def _op_set_faults(sb, data, query):
    try:
        sb.set_faults(data if data is not None else [])
    except (ValueError, TypeError) as exc:
        return json_reply(400, {"error": str(exc)})
    return _op_faults(sb, data, query)


def _op_clear_faults(sb, data, query):
    sb.set_faults([])
    return json_reply(200, [])


def _op_latency(sb, data, query):
    return json_reply(200, {"ms": sb.config.latency_ms})


def _op_set_latency(sb, data, query):
    try:
        ms = float((data or {}).get("ms", 0))
    except (AttributeError, TypeError, ValueError):
        return json_reply(400, {"error": 'expected {"ms": N}'})
    if ms < 0:
        return json_reply(400, {"error": "ms must be >= 0"})
    sb.config.latency_ms = ms
    return _op_latency(sb, data, query)


def _op_settings(sb, data, query):
    return json_reply(200, sb.config.settings())


def _op_set_settings(sb, data, query):
    if not isinstance(data, dict) or set(data) - set(SETTINGS):
        return json_reply(400, {"error": "settings: an object with keys among %s" % ", ".join(SETTINGS)})
    try:
        parsed = Config.parse(data)  # all or nothing
    except SettingError as exc:
        return json_reply(400, {"error": str(exc), "key": exc.key, "allowed": exc.allowed})
    with sb.lock:
        sb.config.update(parsed)
    return _op_settings(sb, data, query)


OPERATOR_ROUTES = {
    ("health", "GET"): _op_health,
    ("health", "HEAD"): _op_health,
    ("state", "GET"): _op_state,
    ("secrets", "GET"): _op_secrets,
    ("reset", "POST"): _op_reset,
    ("requests", "GET"): _op_requests,
    ("requests", "DELETE"): _op_clear_requests,
    ("faults", "GET"): _op_faults,
    ("faults", "POST"): _op_set_faults,
    ("faults", "DELETE"): _op_clear_faults,
    ("latency", "GET"): _op_latency,
    ("latency", "POST"): _op_set_latency,
    ("settings", "GET"): _op_settings,
    ("settings", "POST"): _op_set_settings,
}


# --- fault replies: kind -> reply(rule, api, operation) -----------------------------------------------


class _Dropped(Exception):
    pass


class _Slot:
    """A place among the API requests in flight.  Given back once, before the reply is sent, so that a
    client's next request never finds its previous one still counted."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.count = sandbox.enter()  # in flight on arrival, this one included
        self.held = True

    def release(self):
        if self.held:
            self.held = False
            self.sandbox.leave()


class Call:
    """What an API request is: api (ispring/edubrite/None), interface (soap/rest/token/None),
    operation, and the parsed request (context) its processing needs."""

    __slots__ = ("api", "interface", "operation", "ctx")

    def __init__(self, api, interface, operation, ctx=None):
        self.api, self.interface, self.operation, self.ctx = api, interface, operation, ctx


def _fault_status(rule, call, config):
    headers = [("Retry-After", str(rule.retry_after))] if rule.retry_after is not None else []
    return text_reply(rule.code, "%d %s" % (rule.code, STATUS_TEXT.get(rule.code, "Error")), headers)


def _fault_drop(rule, call, config):
    raise _Dropped()


def _fault_fail_write(rule, call, config):
    return text_reply(500, "Internal Server Error")


def _fault_html(rule, call, config):
    title = "%d %s" % (rule.code, STATUS_TEXT.get(rule.code, "Error"))
    return Reply(
        rule.code,
        "<!DOCTYPE html>\n<html><head><title>%s</title></head><body><h1>%s</h1>"
        "<p>The upstream server did not answer.</p><hr><center>nginx</center>"
        "</body></html>\n" % (title, title),
        "text/html; charset=utf-8",
    )


def _fault_malformed(rule, call, config):
    if call.interface == "token":
        return Reply(200, '{"access_token": "abc', "application/json")
    if call.interface == "rest":
        return Reply(200, ispring_rest.malformed_json(call.operation), "application/json")
    if call.api == "ispring":
        return Reply(200, ispring.malformed_xml(call.operation, config), A.SOAP_CONTENT_TYPE)
    return Reply(200, edubrite.malformed_xml(), A.EDUBRITE_CONTENT_TYPE)


def _fault_hostile(rule, call, config):
    if call.api == "ispring":
        return Reply(200, ispring.hostile_xml(call.operation, rule.kind, config), A.SOAP_CONTENT_TYPE)
    return Reply(200, edubrite.hostile_xml(rule.kind), A.EDUBRITE_CONTENT_TYPE)


FAULT_REPLIES = {
    "status": _fault_status,
    "drop": _fault_drop,
    "fail_write": _fault_fail_write,
    "html": _fault_html,
    "malformed": _fault_malformed,
    "xxe": _fault_hostile,
    "bomb": _fault_hostile,
}


def _auth_scheme(value):
    """The scheme of an Authorization header ("Bearer") for the log; never the credentials."""
    scheme, sep, _credentials = (value or "").strip().partition(" ")
    if not scheme:
        return None
    return scheme if sep else "(one word: not logged)"  # a bare word may be the token itself


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LMSSandbox/1.0"
    sys_version = ""
    timeout = 120

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        # A reply goes out in two writes (headers, then body).  Without TCP_NODELAY, Nagle holds the
        # body until the client ACKs the headers, and the client's delayed ACK makes that ~40 ms on
        # every request of a kept-alive connection: a stall no real server (nginx: tcp_nodelay on)
        # adds, which would be charged to clients that reuse connections.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True
                raise

    def log_message(self, fmt, *args):  # quiet: the API requests are logged by _log_line
        pass

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # --- plumbing -------------------------------------------------------------------------------

    @property
    def sandbox(self):
        return self.server.sandbox

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, reply):
        self.send_response(reply.status, STATUS_TEXT.get(reply.status))
        if reply.content_type is not None:  # None: an empty body without a type (REST 201/204)
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()

    def _handle(self):
        split = urlsplit(self.path)
        path, query = split.path, split.query
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            try:
                self._send(text_reply(400, "Bad Request"))
            except OSError:
                pass
            return
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            try:
                reply = self._operator(path, query, body)
            except Exception:  # never crash
                traceback.print_exc()
                reply = json_reply(500, {"error": "internal error"})
            self._send(reply)
            return
        self._api(path, query, body)

    # --- operator surface --------------------------------------------------------------------------

    def _operator(self, path, query, body):
        name = path[len("/_sandbox/") :].strip("/") if path.startswith("/_sandbox/") else ""
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else None
        except (ValueError, UnicodeDecodeError) as exc:
            return json_reply(400, {"error": "invalid JSON: %s" % exc})
        handler = OPERATOR_ROUTES.get((name, self.command))
        if handler is None:
            return json_reply(404, {"error": "unknown operator endpoint %s %s" % (self.command, path)})
        return handler(self.sandbox, data, query)

    # --- the emulated APIs ---------------------------------------------------------------------------

    def _classify(self, path, query, body):
        """-> the Call (api, interface, operation, context) for the request log, faults and processing."""
        if path == A.ISPRING_TOKEN_PATH:
            return Call("ispring", "token", "token")
        if path == A.ISPRING_SOAP_PATH:
            parsed = ispring.parse_soap(body) if self.command == "POST" else None
            return Call("ispring", "soap", parsed.method if parsed else None, parsed)
        rest = ispring_rest.classify(self.command, path, query)
        if rest is not None:
            return Call("ispring", "rest", rest.operation, rest)
        service = edubrite.service_of(path)
        if service is not None:
            params = edubrite.parse_form(body, query, self.headers.get("Content-Type"))
            if service == "connect":
                return Call("edubrite", None, "connect", (service, params))
            return Call("edubrite", None, (params.get("dispatch") or "").strip() or None, (service, params))
        return Call(None, None, None)

    def _api(self, path, query, body):
        sb = self.sandbox
        started = time.time()
        slot = _Slot(sb)
        limit = sb.config.rate_limit_concurrency
        limited = bool(limit) and slot.count > limit
        if limited:
            slot.release()  # a refused request holds no place
        try:
            self._api_call(path, query, body, started, slot, limited)
        finally:
            slot.release()

    def _api_call(self, path, query, body, started, slot, limited):
        try:
            call = self._classify(path, query, body)
        except Exception:  # never crash
            traceback.print_exc()
            slot.release()
            self._send(text_reply(500, "Internal Server Error"))
            return
        entry = self._log_entry(path, started, call, body, slot.count)
        self.sandbox.add_log(entry)
        try:
            line_limit = self.sandbox.config.request_line_limit
            if limited:
                entry["fault"] = "rate_limit"
                reply = text_reply(429, "429 Too Many Requests", [("Retry-After", str(A.RATE_LIMIT_RETRY_AFTER))])
            elif line_limit and entry["line_bytes"] > line_limit:
                reply = text_reply(414, "414 URI Too Long")  # 3.1 (r3): a front end's refusal
            else:
                reply = self._respond(entry, call, query, body)
        except _Dropped:
            self._finish(entry, started)  # before the client sees the connection end
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        slot.release()
        entry["status"] = reply.status
        if call.interface == "rest":  # for schema checks; never the token endpoint (its reply is a secret)
            entry["reply_content_type"] = reply.content_type
            entry["reply_body"] = reply.body[:LOG_REPLY_CHARS].decode("utf-8", "replace")
            entry["reply_truncated"] = len(reply.body) > LOG_REPLY_CHARS
        self._finish(entry, started)  # the log is complete before the client can read the reply
        try:
            self._send(reply)
        except OSError:  # the client went away (timed out) before the reply
            self.close_connection = True
            entry["status"] = None
            entry["error"] = "client disconnected"

    def _finish(self, entry, started):
        entry["duration"] = round(time.time() - started, 6)
        self._log_line(entry)

    def _log_entry(self, path, started, call, body, concurrent):
        entry = {
            "method": self.command,
            "path": path,
            "operation": call.operation,
            "api": call.api,
            "interface": call.interface,
            "time": started,
            "status": None,
            "fault": None,
            "duration": None,
            "concurrent": concurrent,
            "line_bytes": len(self.requestline.encode("latin-1", "replace")),
        }
        if call.interface == "soap":
            entry["soap_action"] = self.headers.get("SOAPAction")
            entry["body"] = body[:LOG_BODY_CHARS].decode("utf-8", "replace")
        elif call.interface == "rest":
            entry["query"] = call.ctx.query
            text = ispring_rest.log_body(body)  # a password never reaches the log
            entry["body"] = text[:LOG_BODY_CHARS]
            entry["body_truncated"] = len(text) > LOG_BODY_CHARS
            entry["content_type"] = self.headers.get("Content-Type")
            entry["auth_scheme"] = _auth_scheme(self.headers.get("Authorization"))
        elif call.api == "edubrite":
            params = dict(call.ctx[1])
            if "password" in params:
                params["password"] = "********"
            entry["params"] = params
            entry["real_uname"] = self.headers.get("REAL_UNAME")
        return entry

    def _respond(self, entry, call, query, body):
        """The reply to an API request: latency, then a fault rule if one fires, else the API."""
        sb = self.sandbox
        if sb.config.latency_ms > 0:
            time.sleep(sb.config.latency_ms / 1000.0)
        rule = sb.pick_fault(call.api, call.operation, call.interface)
        if rule is not None:
            entry["fault"] = rule.kind
        try:
            reply = self._apply_fault(rule, call)
            if reply is None:
                if rule is not None and rule.kind == "slow":
                    time.sleep(rule.seconds)
                reply = self._process(call, query, body, rule)
        except _Dropped:
            raise
        except Exception:
            traceback.print_exc()
            reply = text_reply(500, "Internal Server Error")
        return reply

    def _log_line(self, entry):
        if self.sandbox.config.quiet:
            return
        sys.stderr.write(
            "%s %s %s %s -> %s%s (%.1f ms)\n"
            % (
                time.strftime("%H:%M:%S", time.localtime(entry["time"])),
                entry["api"] or "-",
                entry["operation"] or "-",
                entry["path"],
                entry["status"],
                " [fault %s]" % entry["fault"] if entry["fault"] else "",
                (entry["duration"] or 0) * 1000,
            )
        )
        sys.stderr.flush()

    def _apply_fault(self, rule, call):
        if rule is None:
            return None
        make = FAULT_REPLIES.get(rule.kind)
        return make(rule, call, self.sandbox.config) if make else None  # slow, expire_auth, task_failed

    def _process(self, call, query, body, rule):
        sb = self.sandbox
        expire = rule is not None and rule.kind == "expire_auth"
        task_failed = rule is not None and rule.kind == "task_failed"
        if call.interface == "rest":
            with sb.lock:
                return sb.rest.handle(call.ctx, body, self.headers.get("Authorization"), expire, task_failed)
        if call.api == "ispring":
            if self.command != "POST":
                return text_reply(405, "Method Not Allowed", [("Allow", "POST")])
            with sb.lock:
                if call.operation == "token":
                    return sb.ispring.token(body, query)
                return sb.ispring.soap(call.ctx, self.headers.get("SOAPAction"), expire, task_failed)
        if call.api == "edubrite":
            service, params = call.ctx
            cookies = edubrite.parse_cookies(self.headers.get("Cookie"))
            with sb.lock:
                return sb.edubrite.call(service, params, cookies, self.headers.get("REAL_UNAME"), expire_auth=expire)
        return text_reply(404, "Not Found")
