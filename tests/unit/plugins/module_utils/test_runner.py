# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' shared skeleton: a missing Python library fails the task naming it, before any
request; the shared helpers."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import runner
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
    assert runner.batches(range(5), 2) == [[0, 1], [2, 3], [4]]
    assert runner.batches([], 3) == []


def test_nothing_changed_is_one_sentence_added():
    assert runner.nothing_changed(ValidationError("Bad.")).message == "Bad. Nothing was changed."
    assert runner.nothing_changed(ValidationError("Bad (x)")).message == "Bad (x). Nothing was changed."


def test_text_diff():
    assert runner.text_diff("h", ["a"], ["b", "c"]) == dict(
        before_header="h", after_header="h", before="a\n", after="b\nc\n"
    )
