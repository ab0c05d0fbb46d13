# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one skeleton of every module (the words of its messages are in ``messages.py``, the plans'
shared shape in ``plans.py``, how writes go out in ``calls.py``).

A module's ``main`` builds its ``AnsibleModule`` and calls ``run_module``; its ``run(module,
client)`` returns the result or raises a typed error (``errors.LmsError``), which becomes the
module's one ``fail_json`` here.  ``docs/module_template.md`` describes the shape.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.learnops.lms.plugins.module_utils import plans
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import nothing_changed
from ansible_collections.learnops.lms.plugins.module_utils.safexml import LXML_IMPORT_ERROR
from ansible_collections.learnops.lms.plugins.module_utils.transport import (
    REQUESTS_IMPORT_ERROR,
    URL_OPTIONS,
    plain_http,
    url_password,
)

# What XML 1.0 cannot carry (and no LMS field needs): control characters but tab, line feed and
# carriage return, lone surrogates, U+FFFE and U+FFFF.
UNSENDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def require_libraries(module):
    """Fail naming the Python library the modules need that is missing on the controller."""
    for name, error in (("requests", REQUESTS_IMPORT_ERROR), ("lxml", LXML_IMPORT_ERROR)):
        if error is not None:
            module.fail_json(msg=missing_required_lib(name), exception=str(error))


def run_module(module, make_client, run, always=None, identifiers=()):
    """Check the libraries and the parameters, build the client, run, and exit with the result; a
    typed error fails the task with its message and details on top of ``always`` (the keys the
    module's failed result always has).  ``identifiers`` name the options whose values (or list
    items) must not be empty."""
    require_libraries(module)
    for option in URL_OPTIONS:  # a password in a URL is refused below; it must not show in the result either
        password = url_password(module.params.get(option))
        if password:
            module.no_log_values.add(password)
    client = None
    try:
        check_params(module.params, identifiers)
        client = make_client(module)
        for option in URL_OPTIONS:
            if plain_http(module.params.get(option)):
                module.warn(
                    "%s is a plain http:// URL to another host: the credentials and the learners' records go "
                    "over the network unencrypted. Use https://." % option
                )
        result = run(module, client)
    except LmsError as exc:
        warn_if_throttled(module, client)
        module.fail_json(**exc.fail_args(always))
    warn_if_throttled(module, client)
    module.exit_json(**result)


@contextmanager
def before_writes():
    """The part of a module's ``run`` before its first write: a typed error raised in it says that
    nothing was changed."""
    try:
        yield
    except LmsError as exc:
        raise nothing_changed(exc) from None


def apply(module, the_plan, write, **result_options):
    """The end of a module's ``run``: ``write()`` the plan (not in check mode, nor when it changes
    nothing), warn what ``write`` returns, and return the plan's result (``report_unchanged``, when
    the module has it, says whether the unchanged entries are listed)."""
    if the_plan.changed and not module.check_mode:
        for text in write():
            module.warn(text)
    if "report_unchanged" in module.params:
        result_options.setdefault("unchanged", module.params["report_unchanged"])
    return the_plan.result(diff=module._diff, **result_options)


def warn_if_throttled(module, client):
    """Say so when the service throttled the task (the transport halved its parallelism)."""
    transport = getattr(client, "transport", None)
    if getattr(transport, "throttled", 0):
        module.warn(
            "The LMS throttled this task (HTTP 429 or 503, %d time(s)); it went down to %d call(s) in flight "
            "(max_parallel %d). If this happens on every run, lower max_parallel."
            % (transport.throttled, transport.lowest, module.params.get("max_parallel") or 1)
        )


def check_params(params, identifiers=()):
    """Refuse, naming the option, text that cannot be sent, identifiers that are empty and a
    max_changes that is neither a count nor a share (kept as ``plans.parse_max_changes`` reads it)."""
    if "max_changes" in params:
        try:
            params["max_changes"] = plans.parse_max_changes(params["max_changes"])
        except ValidationError as exc:
            raise nothing_changed(exc) from None
    for path, value in _strings(params):
        found = UNSENDABLE.search(value)
        if found:
            raise nothing_changed(
                ValidationError(
                    "%s: the value holds the character U+%04X, which cannot be sent; remove it."
                    % (path, ord(found.group()))
                )
            )
    for option in identifiers:
        value = params.get(option)
        for position, item in enumerate(value if isinstance(value, list) else [value]):
            if item is not None and not str(item).strip():
                where = "%s[%d]" % (option, position) if isinstance(value, list) else option
                raise nothing_changed(ValidationError("%s is empty; give the ID, or leave the option out." % where))


def _strings(value, path=""):
    """(option path, text) of every string in the parameters, nested lists and dicts included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, "%s.%s" % (path, key) if path else key)
    elif isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            yield from _strings(item, "%s[%d]" % (path, position))
