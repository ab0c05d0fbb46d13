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
import random
import time
from http.cookiejar import DefaultCookiePolicy

from ansible_collections.learnops.lms.plugins.module_utils.errors import TransportError

try:
    import requests
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


def new_session():
    """A requests session that stores no cookies (API clients send and read them explicitly, so
    that what goes on the wire is visible in one place)."""
    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers["User-Agent"] = USER_AGENT
    return session


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
    ):
        self.timeout = timeout
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.retries = retries
        self.retry_max_time = retry_max_time
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._rng = rng or random.random
        self.session = session if session is not None else new_session()

    @classmethod
    def from_params(cls, params):
        """The transport configured by a module's connection options (doc fragment ``transport``)."""
        return cls(
            timeout=params["timeout"],
            validate_certs=params["validate_certs"],
            ca_path=params["ca_path"],
            retries=params["retries"],
            retry_max_time=params["retry_max_time"],
        )

    def post(self, url, what, data=None, headers=None, safe_to_repeat=False):
        """POST; see ``request``."""
        return self.request("POST", url, what, data=data, headers=headers, safe_to_repeat=safe_to_repeat)

    def request(self, method, url, what, data=None, headers=None, params=None, safe_to_repeat=False):
        """Send the request and return a Reply for any HTTP status that is not retried.

        ``what`` names the call in messages ("iSpring ListUsers").  Raises TransportError when the
        service cannot be reached or keeps refusing after the retries.
        """
        started, attempt = self._clock(), 0
        while True:
            reply, reason, wait = self._attempt(method, url, what, data, headers, params, safe_to_repeat)
            if reply is not None:
                return reply
            attempt += 1
            if wait is None:
                wait = self._rng() * min(BACKOFF_CAP, BACKOFF_BASE * (2**attempt))
            elapsed = self._clock() - started
            if attempt > self.retries or elapsed + wait > self.retry_max_time:
                raise TransportError(
                    "%s: %s, after %d attempt(s) in %.1f s. The service is unavailable or "
                    "throttling; run the task again later, or raise retries / retry_max_time."
                    % (what, reason, attempt, elapsed),
                    attempts=attempt,
                )
            self._sleep(wait)

    def _attempt(self, method, url, what, data, headers, params, safe_to_repeat):
        """One try: (reply, None, None) to return, or (None, why, wait or None) to try again."""
        try:
            reply = self._send(method, url, data, headers, params)
        except requests.exceptions.SSLError as exc:
            raise TransportError(
                "%s: TLS verification of %s failed (%s). Give the CA that signed the "
                "service's certificate with ca_path, or, for a test service only, set "
                "validate_certs to false." % (what, url, _short(exc))
            ) from None
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError) as exc:
            return None, _connection_failed(what, url, exc, safe_to_repeat), None
        except requests.exceptions.Timeout:
            reason = "no reply from %s within %s s" % (url, self.timeout)
            if not safe_to_repeat:
                raise TransportError(
                    "%s: %s; not repeated, because the service may have "
                    "acted. Raise timeout, check the service's state and "
                    "run the task again." % (what, reason)
                ) from None
            return None, reason, None
        if reply.status in RETRY_ALWAYS or (safe_to_repeat and reply.status in RETRY_IF_SAFE):
            return None, "HTTP %s from %s" % (reply.status, url), retry_after_seconds(reply.headers.get("Retry-After"))
        return reply, None, None

    def _send(self, method, url, data, headers, params):
        response = self.session.request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            timeout=self.timeout,
            verify=self.verify,
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


def _connection_failed(what, url, exc, safe_to_repeat):
    """Why a connection failed, for a retry; raises when the request may have arrived and must not
    be repeated."""
    never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or _refused(exc)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        never_sent = False
    if never_sent:
        return "could not connect to %s (%s)" % (url, _short(exc))
    reason = "the connection to %s failed before a reply (%s)" % (url, _short(exc))
    if not safe_to_repeat:
        raise TransportError(
            "%s: %s; not repeated, because the service may have acted. Check its state and run the task again."
            % (what, reason)
        ) from None
    return reason


def _refused(exc):
    """True when the connection was never established, so the request was never sent."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, NewConnectionError)


def _short(exc):
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "..."
