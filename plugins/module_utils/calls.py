# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How writes go out: cut into batches, and side by side over the task's one transport, at most
as many at a time as it allows (``transport.parallel``, which throttling lowers and raises)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.learnops.lms.plugins.module_utils import transport as transport_module
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError


def batches(items, size):
    """``items`` in consecutive lists of at most ``size``."""
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def in_parallel(work, transport):
    """Run the callables of ``work`` over the task's one transport, at most ``transport.parallel``
    at a time (a number the transport lowers when the service throttles and raises again, up to
    ``transport.max_parallel``, when it no longer does).  A call waiting before a retry gives its
    place to another meanwhile, and gets one back before any new call starts.  After the first
    failure no further call starts; the calls in flight finish.  Returns (outcomes, first error):
    each outcome is the call's return value, or ``NOT_RUN`` for a call that failed or never started."""
    places, errors = _Places(transport), []

    def run(call):
        if not places.start():
            return NOT_RUN
        transport_module.while_waiting((places.release, places.regain))
        try:
            return call()
        except LmsError as exc:
            errors.append(exc)
            places.stop.set()
            return NOT_RUN
        finally:
            transport_module.while_waiting(None)
            places.release()

    work = list(work)
    most = max(transport.parallel, getattr(transport, "max_parallel", 1))  # threads for when it grows back
    if most <= 1 or len(work) <= 1:
        return in_turn(work)
    with ThreadPoolExecutor(max_workers=min(most, len(work))) as pool:
        outcomes = list(pool.map(run, work))
    return outcomes, (errors[0] if errors else None)


class _Places:
    """The places of calls in flight: ``transport.parallel`` of them, read at each turn."""

    def __init__(self, transport):
        self.transport, self.stop, self.gate = transport, threading.Event(), threading.Condition()
        self.flight = self.regaining = 0

    def start(self):
        """A place for a new call, after the calls back from a wait; False once a call failed."""
        with self.gate:
            while (self.flight >= self.transport.parallel or self.regaining) and not self.stop.is_set():
                self.gate.wait()
            if self.stop.is_set():
                return False
            self.flight += 1
            return True

    def release(self):
        with self.gate:
            self.flight -= 1
            self.gate.notify_all()

    def regain(self):
        """A place for a call back from its wait, before any new call, whether or not one failed."""
        with self.gate:
            self.regaining += 1
            while self.flight >= self.transport.parallel:
                self.gate.wait()
            self.regaining -= 1
            self.flight += 1
            self.gate.notify_all()


def in_turn(work):
    """Run the callables one after the other, up to the first that fails: (outcomes, first error)."""
    outcomes = []
    for call in work:
        try:
            outcomes.append(call())
        except LmsError as exc:
            return outcomes + [NOT_RUN] * (len(work) - len(outcomes)), exc
    return outcomes, None


NOT_RUN = object()


class CallFailed(LmsError):
    """A write that failed: the message says what it was doing ("Creating user jdoe failed: ..."),
    ``error`` is the error it met, ``subject`` what it was for (a plan entry)."""

    def __init__(self, doing, error, subject=None):
        super().__init__("%s%s failed: %s" % (doing[0].upper(), doing[1:], error.message))
        self.error, self.subject = error, subject


def named(doing, call, subject=None):
    """``call``, whose typed error becomes a ``CallFailed`` saying what it was doing."""

    def run():
        try:
            return call()
        except LmsError as exc:
            raise CallFailed(doing, exc, subject) from None

    return run
