# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' shared skeleton: a missing Python library fails the task naming it, before any
request; the shared helpers."""

from __future__ import annotations

import threading
from functools import partial

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import calls, messages, plans, runner
from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.plugins.modules import course_status_info, program_member_info

ISPRING = dict(api_url="https://api-learn.example.com", token="runner-test-token", course_ids=["c"])
EDUBRITE = dict(
    site_url="https://acme.example.com",
    api_username="u",
    api_password="runner-test-password",
    run_as="a",
    program_id="p1",
)


@pytest.mark.parametrize("name, attribute", [("requests", "REQUESTS_IMPORT_ERROR"), ("lxml", "LXML_IMPORT_ERROR")])
@pytest.mark.parametrize("module, args", [(course_status_info, ISPRING), (program_member_info, EDUBRITE)])
def test_a_missing_library_is_named(run_module, monkeypatch, name, attribute, module, args):
    monkeypatch.setattr(runner, attribute, ImportError("No module named %r" % name))
    outcome = run_module(module, args)
    assert outcome.failed
    assert "Failed to import the required Python library (%s)" % name in outcome.msg


def test_batches():
    assert calls.batches(range(5), 2) == [[0, 1], [2, 3], [4]]
    assert calls.batches([], 3) == []


def test_nothing_changed_is_one_sentence_added():
    assert messages.nothing_changed(ValidationError("Bad.")).message == "Bad. Nothing was changed."
    assert messages.nothing_changed(ValidationError("Bad (x)")).message == "Bad (x). Nothing was changed."


def test_change_diff_puts_each_before_and_after_together_with_the_fields_that_differ():
    rows = [
        ("jdoe", {"status": "in_progress", "progress": 50}, {"status": "complete", "progress": 50}),
        ("new", None, {"a": 1, "b": None}),
    ]
    assert plans.change_diff("course c", "2 learner(s) change", rows)["prepared"] == (
        "course c: 2 learner(s) change\n- jdoe: status in_progress\n+ jdoe: status complete\n- new: none\n+ new: a 1\n"
    )


def test_some_names_the_first_and_counts_the_rest():
    assert messages.some(range(3)) == "0, 1, 2"
    assert messages.some(range(12)) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more"


@pytest.mark.parametrize(
    "params, words",
    [
        (
            {"learners": [{"login": "a"}, {"reason": "bad \u0001 char"}]},
            "learners[1].reason: the value holds the character U+0001",
        ),
        ({"course_id": "x\x0bz"}, "course_id: the value holds the character U+000B"),
        ({"course_id": " "}, "course_id is empty"),
        ({"course_ids": ["a", ""]}, "course_ids[1] is empty"),
    ],
)
def test_parameters_that_cannot_be_sent_are_named(params, words):
    with pytest.raises(ValidationError) as caught:
        runner.check_params(params, identifiers=("course_id", "course_ids"))
    assert caught.value.message.startswith(words) and caught.value.message.endswith("Nothing was changed.")


def test_tab_and_newline_are_fine():
    runner.check_params({"reason": "two\nlines\tand a tab"})


class Gauge:
    """A stand-in transport that counts the calls in flight.  The first ``parallel`` calls meet at a
    barrier, which only opens with all of them in flight at once; as it opens, the service
    'throttles' (what Transport does on HTTP 429: fewer calls at a time; here one)."""

    def __init__(self, parallel):
        self.parallel = parallel
        self.lock = threading.Lock()
        self.flight = 0
        self.started = []
        self.barrier = threading.Barrier(parallel, action=self.throttle)

    def throttle(self):
        self.parallel = 1

    def call(self, number):
        with self.lock:
            self.flight += 1
            self.started.append((number, self.flight))
        if number < self.barrier.parties:
            self.barrier.wait(timeout=30)  # broken, and the call fails, unless all are in flight together
        with self.lock:
            self.flight -= 1
        return number


def test_in_parallel_keeps_to_the_transports_current_limit():
    gauge = Gauge(parallel=4)
    outcomes, error = calls.in_parallel([partial(gauge.call, n) for n in range(8)], gauge)
    assert error is None and outcomes == list(range(8))
    assert sorted(n for n, _flight in gauge.started[:4]) == [0, 1, 2, 3]  # side by side at first
    assert all(flight == 1 for _n, flight in gauge.started[4:])  # then, throttled, one at a time


def test_in_parallel_runs_more_calls_side_by_side_when_the_transport_grows_back():
    """Issue 28: a task throttled down to one call in flight goes back up when the limit grows."""
    transport = type("Grown", (), {"parallel": 1, "max_parallel": 3})()
    side_by_side = threading.Barrier(3, timeout=5)

    def call(number):
        if number == 0:
            transport.parallel = 3  # what Transport does after GROW_AFTER replies in a row, here at once
            return number
        side_by_side.wait()  # broken, and the call fails, unless three run at once
        return number

    outcomes, error = calls.in_parallel([partial(call, n) for n in range(4)], transport)
    assert error is None and outcomes == [0, 1, 2, 3]


def test_in_parallel_starts_nothing_after_a_failure():
    started = []

    def call(number):
        started.append(number)
        if number == 1:
            raise ValidationError("call 1 failed")
        return number

    gauge = Gauge(parallel=1)
    outcomes, error = calls.in_parallel([partial(call, n) for n in range(4)], gauge)
    assert error.message == "call 1 failed" and started == [0, 1]
    assert outcomes == [0, calls.NOT_RUN, calls.NOT_RUN, calls.NOT_RUN]


def test_before_writes_says_nothing_changed_of_a_typed_error_only():
    with pytest.raises(ValidationError) as caught, runner.before_writes():
        raise ValidationError("learners[0]: name the learner")
    assert caught.value.message == "learners[0]: name the learner. Nothing was changed."
    with pytest.raises(KeyError), runner.before_writes():  # a bug is not dressed as a failure
        raise KeyError("status")
    with runner.before_writes():
        found = 1
    assert found == 1
