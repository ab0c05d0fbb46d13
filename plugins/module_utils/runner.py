# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one skeleton of every module, and the helpers their ``run`` functions share.

A module's ``main`` builds its ``AnsibleModule`` and calls ``run_module``; its ``run(module,
client)`` returns the result or raises a typed error (``errors.LmsError``), which becomes the
module's one ``fail_json`` here.  ``docs/module_template.md`` describes the shape.
"""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError
from ansible_collections.learnops.lms.plugins.module_utils.safexml import LXML_IMPORT_ERROR
from ansible_collections.learnops.lms.plugins.module_utils.transport import REQUESTS_IMPORT_ERROR

NOTHING_CHANGED = "Nothing was changed."


def require_libraries(module):
    """Fail naming the Python library the modules need that is missing on the controller."""
    for name, error in (("requests", REQUESTS_IMPORT_ERROR), ("lxml", LXML_IMPORT_ERROR)):
        if error is not None:
            module.fail_json(msg=missing_required_lib(name), exception=str(error))


def run_module(module, make_client, run, always=None):
    """Check the libraries, build the client, run, and exit with the result; a typed error fails
    the task with its message and details on top of ``always`` (the keys the module's failed
    result always has)."""
    require_libraries(module)
    try:
        result = run(module, make_client(module))
    except LmsError as exc:
        module.fail_json(**exc.fail_args(always))
    module.exit_json(**result)


def nothing_changed(exc):
    """The error of a task that failed before its first write, saying so."""
    exc.message = sentence(exc.message) + " " + NOTHING_CHANGED
    return exc


def sentence(text):
    """``text`` ending with a full stop."""
    text = text.rstrip()
    return text if text.endswith(".") else text + "."


def batches(items, size):
    """``items`` in consecutive lists of at most ``size``."""
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def by_kind(wanted):
    """{kind: [values]} of items named by ``kind`` and ``value`` (the learners or members a task
    asked for), in the order asked: how a failed result lists those that cannot be found."""
    found = {}
    for item in wanted:
        found.setdefault(item.kind, []).append(item.value)
    return found


def text_diff(header, before, after):
    """An Ansible diff of two lists of lines, both under ``header``."""
    return dict(
        before_header=header,
        after_header=header,
        before="".join(line + "\n" for line in before),
        after="".join(line + "\n" for line in after),
    )
