# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer both APIs use: a session per module run, TLS, timeout, bounded retries.

Retries (exponential backoff with full jitter, ``Retry-After`` honoured) apply to:
- every call, when the request never reached the service (connection refused, connect timeout),
  or when the service said it did not process it (HTTP 429, 503);
- calls marked ``safe_to_repeat``, also after a read timeout, a dropped connection, HTTP 502 or
  504, where the service may or may not have acted.  Reads are safe to repeat, and so are writes
  that set absolute values (a repeat leaves the same state).
"""

from __future__ import annotations

import email.utils
import math
import os
import random
import re
import socket
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    OutcomeUnknown,
    ReplyError,
    TransportError,
    ValidationError,
)

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import NewConnectionError

    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    requests = None
    REQUESTS_IMPORT_ERROR = exc

RETRY_ALWAYS = frozenset((429, 503))
RETRY_IF_SAFE = frozenset((502, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
MAX_BODY_BYTES = 64 * 1024 * 1024
USER_AGENT = "learnops.lms-ansible-collection"
URL_OPTIONS = ("api_url", "soap_url", "site_url")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
# Replies in a row that were not HTTP 429/503 before one more call may be in flight again (after a
# throttled burst halved them), up to max_parallel: slow to a level the task has not held, as each
# probe of a tenant's limit costs a refusal and a Retry-After wait; quicker back to one it held.
GROW_AFTER = 500
REGROW_AFTER = 50


class Reply:
    """What the service answered: HTTP status, headers, raw body and the cookies it set."""

    def __init__(self, status, headers, body, cookies):
        self.status = status
        self.headers = headers
        self.body = body
        self.cookies = cookies


def retry_after_seconds(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def new_session(connections=10):
    """A requests session that stores no cookies (API clients send and read them explicitly, so
    that what goes on the wire is visible in one place), and keeps up to ``connections`` open for
    reuse (requests keeps 10; calls beyond that would each open and drop a connection)."""
    session = requests.Session()
    session.trust_env = False  # the environment is read once per host (Transport.environment), and no ~/.netrc
    for prefix in ("https://", "http://"):
        session.mount(prefix, HTTPAdapter(pool_maxsize=max(10, connections)))
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers["User-Agent"] = USER_AGENT
    return session


# What a thread of calls.in_parallel does while one of its calls waits before a retry (while_waiting).
_waiting = threading.local()


def while_waiting(hooks):
    """Set (``(release, regain)``) or clear (None) what this thread's waits before a retry do: a call
    waiting out a refusal (429's Retry-After, a backoff) gives its place among the calls in flight to
    another, as it sends nothing meanwhile (issue 28: refused calls asleep held every place)."""
    _waiting.hooks = hooks


class Transport:
    """HTTP requests with TLS verification, a timeout and bounded retries."""

    def __init__(
        self,
        timeout=30,
        validate_certs=True,
        ca_path=None,
        retries=5,
        retry_max_time=120,
        session=None,
        sleep=None,
        clock=None,
        rng=None,
        max_parallel=1,
        fan_out=1,
    ):
        self.timeout = timeout
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.ca_path = ca_path if validate_certs else None
        self.retries = retries
        self.retry_max_time = retry_max_time
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._rng = rng or random.random
        self.max_parallel = max(1, int(max_parallel))
        self.parallel = self.max_parallel  # halved when throttled, grown back after GROW_AFTER replies
        self.lowest = self.parallel
        # A client may run fan_out times max_parallel calls at once (EduBrite's user look-ups).
        self.session = session if session is not None else new_session(connections=fan_out * self.parallel)
        self.throttled = 0
        self._burst = 0  # raised at each halving: calls started before it belong to a burst already answered
        self._streak = 0
        self._held = 0  # the highest level held for GROW_AFTER replies in a row
        self._lock = threading.Lock()
        self._environments = {}

    @classmethod
    def from_params(cls, params, fan_out=1):
        """The transport configured by a module's connection options (doc fragment ``transport``),
        checked first: the URLs, the timeouts and the CA file.  ``fan_out``: the most calls the
        client runs at once per unit of ``max_parallel`` (the connections it keeps open)."""
        check_connection(params)
        return cls(
            timeout=params["timeout"],
            validate_certs=params["validate_certs"],
            ca_path=params["ca_path"],
            retries=params["retries"],
            retry_max_time=params["retry_max_time"],
            max_parallel=params.get("max_parallel") or 1,
            fan_out=fan_out,
        )

    def post(self, url, what, data=None, headers=None, safe_to_repeat=False):
        """POST; see ``request``."""
        return self.request("POST", url, what, data=data, headers=headers, safe_to_repeat=safe_to_repeat)

    def request(self, method, url, what, data=None, headers=None, params=None, safe_to_repeat=False):
        """Send the request and return a Reply for any HTTP status that is not retried.

        ``what`` names the call in messages ("iSpring ListUsers").  Raises TransportError when the
        service cannot be reached or keeps refusing after the retries.
        """
        started, attempt, burst, refused, arrived = self._clock(), 0, self._burst, False, False
        while True:
            reply, reason, wait = self._attempt(method, url, what, data, headers, params, safe_to_repeat)
            if reply is not None:
                self._went_through()
                return reply
            if reason.startswith(("HTTP 429", "HTTP 503")):
                self._slow_down(burst)
                refused = refused or reason.startswith("HTTP 429")
            arrived = arrived or may_have_arrived(reason)
            attempt += 1
            if wait is None:
                wait = self._rng() * min(BACKOFF_CAP, BACKOFF_BASE * (2**attempt))
            elapsed = self._clock() - started
            if attempt > self.retries or elapsed + wait > self.retry_max_time:
                error = TransportError(
                    "%s: %s, after %d attempt(s) in %.1f s. %s"
                    % (what, reason, attempt, elapsed, self._advice(reason, refused)),
                    attempts=attempt,
                )
                error.may_have_acted = arrived
                raise error
            self._wait(wait)

    def _wait(self, seconds):
        """Wait before a retry; meanwhile the call is not in flight, so the calls run side by side
        (calls.in_parallel) give its place to another one, and it queues for a place again after."""
        hooks = getattr(_waiting, "hooks", None)
        if hooks is None:
            self._sleep(seconds)
            return
        release, regain = hooks
        release()
        try:
            self._sleep(seconds)
        finally:
            regain()

    def _advice(self, reason, refused):
        """What to do when a call still fails after its retries."""
        if refused:
            # HTTP 429: too many calls at once; more retries would only be refused again
            return (
                "The service refused calls as too many at once (throttling): lower max_parallel (%d in effect; "
                "this task was down to %d call(s) in flight) and run the task again; raising retries / "
                "retry_max_time only waits longer." % (self.max_parallel, self.lowest)
            )
        if reason.startswith("HTTP"):
            return (
                "The service is unavailable or throttling; run the task again later, or raise retries / retry_max_time."
            )
        return "Run the task again later, or raise retries / retry_max_time."

    def _attempt(self, method, url, what, data, headers, params, safe_to_repeat):
        """One try: (reply, None, None) to return, or (None, why, wait or None) to try again."""
        try:
            reply = self._send(method, url, data, headers, params)
        except requests.exceptions.SSLError as exc:
            raise _tls_failed(what, url, exc, self.ca_path) from None
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError) as exc:
            return None, _connection_failed(what, url, exc, safe_to_repeat, self.timeout), None
        except requests.exceptions.Timeout:
            reason = "no reply from %s within %s s" % (url, self.timeout)
            if not safe_to_repeat:
                raise OutcomeUnknown(
                    "%s: %s; not repeated, because the service may have "
                    "acted. Raise timeout, check the service's state and "
                    "run the task again." % (what, reason)
                ) from None
            return None, reason, None
        if 300 <= reply.status < 400:
            raise _redirected(what, url, reply)
        if reply.status in RETRY_ALWAYS or (safe_to_repeat and reply.status in RETRY_IF_SAFE):
            return None, "HTTP %s from %s" % (reply.status, url), retry_after_seconds(reply.headers.get("Retry-After"))
        return reply, None, None

    def _slow_down(self, burst):
        """The service throttles: half as many calls in flight, once per burst - the calls that
        were in flight when the first refusal came (they started in the same ``burst``) do not halve
        again; calls started since, under the lower limit, can."""
        with self._lock:
            self.throttled += 1
            self._streak = 0
            if burst == self._burst:
                self._burst += 1
                self.parallel = max(1, self.parallel // 2)
                self.lowest = min(self.lowest, self.parallel)

    def _went_through(self):
        """A reply that was not throttled: after GROW_AFTER in a row (REGROW_AFTER back to a level
        held before), one more call in flight."""
        with self._lock:
            self._streak += 1
            needed = REGROW_AFTER if self.parallel < self._held else GROW_AFTER
            if self._streak >= needed and self.parallel < self.max_parallel:
                if needed == GROW_AFTER:
                    self._held = self.parallel
                self.parallel += 1
                self._streak = 0

    def environment(self, url):
        """The proxies and CA bundle the environment gives for ``url``'s host (HTTPS_PROXY,
        NO_PROXY, REQUESTS_CA_BUNDLE, read as requests reads them), read once per host and task:
        requests would read the whole environment twice for every call."""
        host = urlsplit(url)[:2]
        found = self._environments.get(host)
        if found is None:
            with requests.Session() as reader:
                found = reader.merge_environment_settings(url, {}, None, self.verify, None)
            self._environments[host] = found
        return found

    def _send(self, method, url, data, headers, params):
        environment = self.environment(url)
        response = self.session.request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            timeout=self.timeout,
            verify=environment["verify"],
            proxies=environment["proxies"],
            allow_redirects=False,
            stream=True,
        )
        try:
            body = response.raw.read(MAX_BODY_BYTES + 1, decode_content=True)
        finally:
            response.close()
        if len(body) > MAX_BODY_BYTES:
            raise TransportError("the reply from %s is larger than %d bytes; refused." % (url, MAX_BODY_BYTES))
        cookies = {cookie.name: cookie.value for cookie in response.cookies}
        return Reply(response.status_code, response.headers, body, cookies)


# The reasons of a failed attempt after which the service may have received the request and acted
# (a read timeout, a connection lost before the reply, a gateway's 502 or 504), unlike a refused or
# timed-out connection or a 429/503, which say it was not processed.
ARRIVED_REASONS = (
    re.compile(r"^no reply from "),
    re.compile(r" was lost before a reply$"),
    re.compile(r"^HTTP 50[24] "),
)


def may_have_arrived(reason):
    """Whether a failed attempt's ``reason`` leaves open that the service acted on the request."""
    return any(pattern.search(reason) for pattern in ARRIVED_REASONS)


def may_have_acted(exc):
    """Whether a write that failed with ``exc`` may still have been applied: its reply was lost
    (OutcomeUnknown, or retries that ended after an attempt that may have arrived), unreadable
    (ReplyError), or a server error (HTTP 5xx); not an API's refusal (4xx, a SOAP fault) nor a
    request that never reached the service."""
    if isinstance(exc, OutcomeUnknown) or isinstance(exc, ReplyError):
        return True
    if isinstance(exc, TransportError):
        return getattr(exc, "may_have_acted", False)
    return (exc.details.get("http_status") or 0) >= 500


def _connection_failed(what, url, exc, safe_to_repeat, timeout):
    """Why a connection failed, for a retry; raises when retrying cannot help (the host name does
    not resolve) or when the request may have arrived and must not be repeated."""
    host = urlsplit(url).netloc
    causes = _causes(exc)
    if any(isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError" for cause in causes):
        raise TransportError(
            "%s: the host name of %s cannot be resolved (DNS). Check the URL's host name and the controller's "
            "name resolution." % (what, url)
        ) from None
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return (
            "the connection to %s was refused (nothing listens there: check the URL's port, and that the "
            "service is up)" % host
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "no connection to %s within %s s (check the URL and any firewall, or raise timeout)" % (host, timeout)
    if _refused(exc):
        return "no connection to %s could be made" % host
    reason = "the connection to %s was lost before a reply" % host
    if isinstance(exc, requests.exceptions.ReadTimeout):
        reason = "no reply from %s within %s s" % (url, timeout)
    if not safe_to_repeat:
        raise OutcomeUnknown(
            "%s: %s; not repeated, because the service may have acted. Check its state and run the task again."
            % (what, reason)
        ) from None
    return reason


# OpenSSL's words for the TLS failures that are not an untrusted certificate.
NOT_TLS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "packet length too long")
NO_CERTIFICATE = ("NO_CERTIFICATE_OR_CRL_FOUND", "no certificate or crl found")


def _tls_failed(what, url, exc, ca_path):
    """The TLS failure said as what it is: no TLS at the other end, a ca_path without a certificate,
    or a certificate that is not trusted."""
    said = str(exc)
    if any(words in said for words in NOT_TLS):
        return TransportError(
            "%s: %s does not answer in TLS: it may be a plain http:// port. Check the URL's scheme and port."
            % (what, url)
        )
    if ca_path and any(words in said for words in NO_CERTIFICATE):
        return TransportError(
            "%s: ca_path %s holds no certificate; give the PEM file of the CA certificates to trust." % (what, ca_path)
        )
    return TransportError(
        "%s: TLS verification of %s failed: the service's certificate is not trusted. Give the CA that "
        "signed it with ca_path, or, for a test service only, set validate_certs to false." % (what, url)
    )


def _causes(exc):
    """The exception and every exception behind it (args, reason, cause, context), once each."""
    found, todo = [], [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or any(current is seen for seen in found):
            continue
        found.append(current)
        todo += list(current.args) + [getattr(current, "reason", None), current.__cause__, current.__context__]
    return found


def _redirected(what, url, reply):
    location = reply.headers.get("Location") or "(no Location header)"
    target = urlsplit(location)
    base = "%s://%s" % (target.scheme, target.hostname) if target.scheme and target.hostname else location
    return TransportError(
        "%s: %s answered HTTP %s, a redirect to %s. Redirects are not followed (the credentials would go along): "
        "give the URL it points to (%s) instead." % (what, url, reply.status, _without_userinfo(location), base),
        http_status=reply.status,
    )


def _without_userinfo(location):
    parts = urlsplit(location)
    if parts.username or parts.password:
        return location.replace(parts.netloc, parts.hostname or "", 1)
    return location


def _refused(exc):
    """True when the connection was never established, so the request was never sent."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, NewConnectionError)


def check_connection(params):
    """The connection options' values, checked before anything is sent; a ValidationError names
    the option."""
    for option in URL_OPTIONS:
        if params.get(option) is not None:
            check_url(option, params[option])
    for option, least in (("timeout", None), ("retries", 0), ("retry_max_time", 0), ("max_parallel", 1)):
        if params.get(option) is not None:
            check_number(option, params[option], least)
    ca_path = params.get("ca_path")
    if ca_path and params.get("validate_certs", True) and not os.path.isfile(ca_path):
        raise ValidationError("ca_path: %s is not a file; give the PEM file of the CA certificates to trust." % ca_path)


def check_number(option, value, least):
    """A finite number, greater than 0 (``least`` None) or at least ``least``."""
    if not math.isfinite(value):
        raise ValidationError("%s must be a finite number, not %s." % (option, value))
    if value <= 0 if least is None else value < least:
        rule = "greater than 0" if least is None else "%d or more" % least
        raise ValidationError("%s must be %s, not %s." % (option, rule, value))


# The user information of a URL, "//user:password@", read without parsing the rest.
USERINFO = re.compile(r"//[^/@]*?:([^/@]*)@")


def check_url(option, value):
    try:
        parts = urlsplit(str(value))
        parts.port  # noqa: B018 - a port out of range raises here
    except ValueError as exc:
        shown = USERINFO.sub("//", str(value))  # a password must not reach the message
        message = "%s %r is not a valid URL (%s); give it as https://host." % (option, shown, exc)
        raise ValidationError(message) from None
    if parts.username or parts.password:
        raise ValidationError(
            "%s holds a user name or password; remove them from the URL (the credentials have their own options)."
            % option
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("%s %r is not an http(s) URL; give it as https://host." % (option, value))


def url_password(url):
    """The password a URL holds, if any, also when the URL cannot be parsed (check_url says why)."""
    try:
        return urlsplit(str(url or "")).password
    except ValueError:
        found = USERINFO.search(str(url))
        return found.group(1) if found else None


def plain_http(url):
    """Whether ``url`` goes unencrypted to another machine."""
    if not url:
        return False
    parts = urlsplit(str(url))
    return parts.scheme == "http" and (parts.hostname or "") not in LOCAL_HOSTS
