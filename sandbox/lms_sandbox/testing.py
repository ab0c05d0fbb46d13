"""Run a sandbox in a subprocess from tests and benchmarks.  Standard library only.

    from lms_sandbox.testing import Sandbox
    with Sandbox(task_delay=0.1) as sb:
        sb.url            # base URL of both APIs
        sb.faults([{"kind": "status", "code": 429, "retry_after": 1, "count": 3}])
        sb.requests()     # the request log
        sb.state()        # the whole state
        sb.reset()

The server itself needs lxml, PyYAML (and cryptography for tls=True) in ``python``.
"""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SANDBOX_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LISTENING = re.compile(r"LMS sandbox listening on (\S+)")


# Run-time settings that are also keywords of Sandbox() (the CLI flag is --name-with-dashes).
FORM_SETTINGS = (
    "ispring_list_layout",
    "ispring_namespace",
    "ispring_namespace_strict",
    "ispring_expired_token",
    "edubrite_connect_body",
    "edubrite_paging",
    "edubrite_member_layout",
    "edubrite_member_dates",
    "edubrite_list_ext_id",
    "edubrite_step2_session_id",
    "edubrite_member_missing_fields",
    "rate_limit_concurrency",
    "request_line_limit",
    "ispring_rest_arrays",
    "ispring_due_period_unit",
    "ispring_user_filters",
    "ispring_rest_user_fields",
    "ispring_rest_unauthorized",
    "ispring_rest_dates",
    "ispring_unknown_course",
    "ispring_created_id",
    "ispring_group_members",
    "ispring_users_by_post",
)


def _cli_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(value)
    return str(value)


class SandboxError(RuntimeError):
    pass


class Sandbox:
    def __init__(
        self,
        port=0,
        tls=False,
        cert_dir=None,
        task_delay=0.1,
        token_ttl=1800,
        session_ttl=1800,
        max_sessions=20,
        latency_ms=0,
        scale=0,
        fixture=None,
        python=sys.executable,
        host="127.0.0.1",
        startup_timeout=20,
        extra_args=(),
        scale_members=0,
        **forms,
    ):
        self.port, self.tls, self.host = port, tls, host
        self.cert_dir = cert_dir or (tempfile.mkdtemp(prefix="lms-sandbox-cert-") if tls else None)
        self.args = [
            "--host",
            host,
            "--port",
            str(port),
            "--task-delay",
            str(task_delay),
            "--token-ttl",
            str(token_ttl),
            "--session-ttl",
            str(session_ttl),
            "--max-sessions",
            str(max_sessions),
            "--latency-ms",
            str(latency_ms),
            "--scale",
            str(scale),
        ]
        if scale_members:
            self.args += ["--scale-members", str(scale_members)]
        for name, value in forms.items():
            if name not in FORM_SETTINGS:
                raise TypeError("Sandbox() got an unexpected keyword argument %r" % name)
            if value is not None:
                self.args += ["--" + name.replace("_", "-"), _cli_value(value)]
        if fixture:
            self.args += ["--fixture", str(fixture)]
        if tls:
            self.args += ["--tls", "--cert-dir", self.cert_dir]
        self.args += list(extra_args)
        self.python = python
        self.startup_timeout = startup_timeout
        self.proc = None
        self.url = None
        self.output = collections.deque(maxlen=500)
        self._url_event = threading.Event()
        self._ssl = None

    # --- lifecycle ----------------------------------------------------------------------------------

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def cert_path(self):
        """The server certificate (its own CA): pass it as ``verify=`` / ``ca_path``."""
        return os.path.join(self.cert_dir, "cert.pem") if self.cert_dir else None

    ca_path = cert_path

    def start(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = SANDBOX_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [self.python, "-m", "lms_sandbox"] + self.args,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=SANDBOX_DIR,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.time() + self.startup_timeout
        if not self._url_event.wait(self.startup_timeout) or not self.url:
            self.stop()
            raise SandboxError("the LMS sandbox did not start:\n" + self.output_text())
        if self.tls:
            self._ssl = ssl.create_default_context(cafile=self.cert_path)
        while True:
            try:
                if self._call("GET", "/_sandbox/health", timeout=2).get("status") == "ok":
                    return self
            except (OSError, ValueError, urllib.error.URLError):
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise SandboxError("the LMS sandbox is not healthy:\n" + self.output_text())
            time.sleep(0.05)

    def _drain(self):
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.output.append(line)
            match = _LISTENING.search(line)
            if match and not self._url_event.is_set():
                self.url = match.group(1)
                self._url_event.set()
        self._url_event.set()

    def output_text(self):
        return "\n".join(self.output)

    def stop(self, timeout=10):
        """SIGTERM by pid, wait, SIGKILL if needed.  Returns the exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                os.kill(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout)
        return proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- URLs of the APIs -----------------------------------------------------------------------------

    @property
    def soap_url(self):
        return self.url + "/api/v2/soap/2.0"

    @property
    def token_url(self):
        return self.url + "/api/v3/token"

    def rest_url(self, path):
        """A REST call's URL, e.g. sb.rest_url("/learners/results")."""
        return self.url + path

    def edubrite_url(self, service):
        return "%s/oltpublish/site/%s.do" % (self.url, service)

    # --- operator surface -------------------------------------------------------------------------------

    def _call(self, method, path, data=None, timeout=10):
        body = json.dumps(data).encode("utf-8") if data is not None else None
        req = urllib.request.Request(
            self.url + path, data=body, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout, context=self._ssl) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def health(self):
        return self._call("GET", "/_sandbox/health")

    def state(self):
        return self._call("GET", "/_sandbox/state")

    def requests(self, api=None, operation=None, interface=None):
        """The request log, oldest first; optionally only one api, operation and/or interface."""
        wanted = (("api", api), ("operation", operation), ("interface", interface))
        query = urllib.parse.urlencode({k: v for k, v in wanted if v})
        return self._call("GET", "/_sandbox/requests" + ("?" + query if query else ""))

    def secrets(self):
        """Every token and session cookie value the sandbox issued since the last reset."""
        return self._call("GET", "/_sandbox/secrets")

    def clear_requests(self):
        return self._call("DELETE", "/_sandbox/requests")

    def reset(self):
        return self._call("POST", "/_sandbox/reset", {})

    def faults(self, rules=None):
        """Replace the fault rules (a list, or one rule); with no argument, return them."""
        if rules is None:
            return self._call("GET", "/_sandbox/faults")
        return self._call("POST", "/_sandbox/faults", rules)

    def clear_faults(self):
        return self._call("DELETE", "/_sandbox/faults")

    def latency(self, ms):
        return self._call("POST", "/_sandbox/latency", {"ms": ms})

    def settings(self, **values):
        """Change run-time settings (task_delay, token_ttl, session_ttl, max_sessions, latency_ms and
        FORM_SETTINGS); with no argument, return them all."""
        if not values:
            return self._call("GET", "/_sandbox/settings")
        return self._call("POST", "/_sandbox/settings", values)
