# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How writes go out: cut into batches, and side by side over the task's one transport, at most
as many at a time as it allows (``transport.parallel``, which throttling lowers and raises)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError


def batches(items, size):
    """``items`` in consecutive lists of at most ``size``."""
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def in_parallel(work, transport):
    """Run the callables of ``work`` over the task's one transport, at most ``transport.parallel``
    at a time (a number the transport lowers when the service throttles and raises again, up to
    ``transport.max_parallel``, when it no longer does).  After the first failure
    no further call starts; the calls in flight finish.  Returns (outcomes, first error): each
    outcome is the call's return value, or ``NOT_RUN`` for a call that failed or never started."""
    stop, gate = threading.Event(), threading.Condition()
    flight = [0]
    errors = []

    def run(call):
        with gate:
            while flight[0] >= transport.parallel and not stop.is_set():
                gate.wait()
            if stop.is_set():
                return NOT_RUN
            flight[0] += 1
        try:
            return call()
        except LmsError as exc:
            errors.append(exc)
            stop.set()
            return NOT_RUN
        finally:
            with gate:
                flight[0] -= 1
                gate.notify_all()

    work = list(work)
    most = max(transport.parallel, getattr(transport, "max_parallel", 1))  # threads for when it grows back
    if most <= 1 or len(work) <= 1:
        return in_turn(work)
    with ThreadPoolExecutor(max_workers=min(most, len(work))) as pool:
        outcomes = list(pool.map(run, work))
    return outcomes, (errors[0] if errors else None)


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
