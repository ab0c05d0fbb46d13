# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted stand-in for ``requests.Session``: each test lists the exact requests it expects
and the replies to give, in order.  An unexpected request, a request that differs from the
script, or a reply left unused fails the test.
"""

from __future__ import annotations

import io
import threading

from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict


class Call:
    """One expected request (``None`` fields are not checked) and the reply or exception it gets."""

    def __init__(
        self,
        url,
        data=None,
        headers=None,
        status=200,
        body=b"",
        reply_headers=None,
        cookies=None,
        raises=None,
        method="POST",
        params=None,
        barrier=None,
    ):
        self.method = method
        self.url = url
        self.params = params
        self.data = data
        self.headers = headers or {}
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.reply_headers = reply_headers or {}
        self.cookies = cookies or {}
        self.raises = raises
        self.barrier = barrier  # a threading.Barrier the request waits at: proof that calls run side by side

    def differences(self, sent):
        """What in the request ``sent`` differs from this expected one."""
        found = []
        for name in ("method", "url", "params", "data"):
            expected = getattr(self, name)
            if expected is not None and _normal(sent[name]) != _normal(expected):
                found.append("%s is %r, expected %r" % (name, sent[name], expected))
        for name, value in self.headers.items():
            if (sent["headers"] or {}).get(name) != value:
                found.append("header %s is %r, expected %r" % (name, (sent["headers"] or {}).get(name), value))
        return found


class _Raw:
    def __init__(self, body):
        self._body = io.BytesIO(body)

    def read(self, amount=None, decode_content=True):
        return self._body.read(amount)


class _Response:
    def __init__(self, call):
        self.status_code = call.status
        self.headers = CaseInsensitiveDict(call.reply_headers)
        self.raw = _Raw(call.body)
        self.cookies = RequestsCookieJar()
        for name, value in call.cookies.items():
            self.cookies.set(name, value)

    def close(self):
        pass


class ScriptedSession:
    """Replays a script of Calls; ``assert_done`` checks that every reply was used.  With
    ``ordered=False`` a request takes the first scripted call it matches (for calls sent side by
    side, whose order is not fixed)."""

    def __init__(self, calls, ordered=True):
        self.ordered = ordered
        self.script = list(calls)
        self.sent = []
        self.headers = {}
        self._lock = threading.Lock()

    def request(
        self, method, url, params=None, data=None, headers=None, timeout=None, verify=None, proxies=None, **_options
    ):
        sent = dict(method=method, url=url, params=params, data=data, headers=headers, timeout=timeout, verify=verify)
        sent["proxies"] = proxies
        with self._lock:
            self.sent.append(sent)
            if not self.script:
                raise AssertionError("unexpected request: %s %s with %r" % (method, url, params or data))
            position = 0 if self.ordered else next((i for i, c in enumerate(self.script) if not c.differences(sent)), 0)
            call = self.script.pop(position)
            number = len(self.sent)
        wrong = call.differences(sent)
        assert not wrong, "request #%d differs from the script: %s" % (number, "; ".join(wrong))
        if call.barrier is not None:
            call.barrier.wait(timeout=5)
        if call.raises is not None:
            raise call.raises
        return _Response(call)

    def assert_done(self):
        assert not self.script, "%d scripted repl(y/ies) unused, next for %s" % (len(self.script), self.script[0].url)


def _normal(data):
    if isinstance(data, bytes):
        return data.decode("utf-8")
    return data
