# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' shared start: a missing Python library fails the task naming it."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import arguments


class Failed(Exception):
    pass


class Module:
    def fail_json(self, **result):
        raise Failed(result)


@pytest.mark.parametrize("name, attribute", [("requests", "REQUESTS_IMPORT_ERROR"), ("lxml", "LXML_IMPORT_ERROR")])
def test_a_missing_library_is_named(monkeypatch, name, attribute):
    monkeypatch.setattr(arguments, attribute, ImportError("No module named %r" % name))
    with pytest.raises(Failed) as caught:
        arguments.require_libraries(Module())
    result = caught.value.args[0]
    assert "Failed to import the required Python library (%s)" % name in result["msg"]
    assert "No module named" in result["exception"]


def test_nothing_happens_when_both_are_there():
    arguments.require_libraries(Module())
