# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one skeleton of every module, and the helpers their ``run`` functions share.

A module's ``main`` builds its ``AnsibleModule`` and calls ``run_module``; its ``run(module,
client)`` returns the result or raises a typed error (``errors.LmsError``), which becomes the
module's one ``fail_json`` here.  ``docs/module_template.md`` describes the shape.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.safexml import LXML_IMPORT_ERROR
from ansible_collections.learnops.lms.plugins.module_utils.transport import (
    REQUESTS_IMPORT_ERROR,
    URL_OPTIONS,
    plain_http,
    url_password,
)

NOTHING_CHANGED = "Nothing was changed."
SHOWN = 10  # names listed in a message; the full list is in the result
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
    """Refuse, naming the option, text that cannot be sent and identifiers that are empty."""
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


def changes_of(entries):
    """{kind of change: who} of the plan entries that change (each entry has ``changed``,
    ``kind_of_change`` and ``who``)."""
    found = {}
    for entry in entries:
        if entry.changed:
            found.setdefault(entry.kind_of_change, []).append(entry.who)
    return found


def change_summary(changes, items):
    """'3 learner(s) change (1 to automatic, 2 to complete)': a diff's summary line."""
    text = "%d %s change" % (sum(len(names) for names in changes.values()), items)
    if changes:
        text += " (%s)" % ", ".join("%d %s" % (len(names), kind) for kind, names in sorted(changes.items()))
    return text


def check_max_changes(limit, changes, items, preview=None):
    """Refuse a plan that would change more ``items`` (learners, members, enrollments) than
    ``limit`` (None: no limit), naming how many of each kind and the first of each.  ``preview``
    (check mode): a callable returning the plan's result, which the failure carries too, so that
    a preview shows what the guard refuses (the drift report lists it; the guard is for writes)."""
    total = sum(len(names) for names in changes.values())
    if limit is None or total <= limit:
        return
    kinds = ["%d %s (%s)" % (len(names), kind, some(names, shown=3)) for kind, names in sorted(changes.items())]
    details = dict(preview()) if preview is not None else {}
    details.update(changed=False, planned={kind: len(names) for kind, names in changes.items()})
    raise ValidationError(
        "The task would change %d %s, more than max_changes (%d): %s. If that is meant, raise max_changes for this "
        "run (or leave it out); if not, check the declared states (a truncated vars file, a wrong course or program)."
        % (total, items, limit, "; ".join(kinds)),
        **details,
    )


def first_shown(names, shown=SHOWN):
    """The first names of a long list, as a message lists them: for result keys that repeat the
    message (``missing``, ``unknown``), while ``not_found`` has every one.  At 20,000 unknown
    learners the full lists printed megabytes with each failed task."""
    return list(names)[:shown]


def some(names, shown=SHOWN, separator=", "):
    """The first names of a list and how many more: for messages about long lists."""
    names = list(names)
    text = separator.join(str(name) for name in names[:shown])
    return text + (" and %d more" % (len(names) - shown) if len(names) > shown else "")


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


def change_diff(header, summary, rows, absent="none"):
    """An Ansible diff of the items that change: a summary line, then each item's before and
    after on adjacent lines with only the fields that differ.  ``rows`` are (who, before, after)
    with dicts of the shown fields, or None for an item that does not exist (``absent``)."""
    lines = ["%s: %s" % (header, summary)]
    for who, before, after in rows:
        lines.append("- %s: %s" % (who, _shown(before, after, absent)))
        lines.append("+ %s: %s" % (who, _shown(after, before, absent)))
    return dict(prepared="\n".join(lines) + "\n")


def _shown(values, other, absent):
    if values is None:
        return absent
    shown = ["%s %s" % (name, _word(values[name])) for name in _differing(values, other)]
    return ", ".join(shown) or ("no field set" if other is None else "as before")


def _differing(values, other):
    """The fields to show: those that differ from ``other``; with no other side, those set."""
    if other is None:
        return [name for name in values if values[name] not in (None, False)]
    return [name for name in values if values[name] != other.get(name)]


def _word(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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
        return _in_turn(work)
    with ThreadPoolExecutor(max_workers=min(most, len(work))) as pool:
        outcomes = list(pool.map(run, work))
    return outcomes, (errors[0] if errors else None)


def _in_turn(work):
    outcomes = []
    for call in work:
        try:
            outcomes.append(call())
        except LmsError as exc:
            return outcomes + [NOT_RUN] * (len(work) - len(outcomes)), exc
    return outcomes, None


NOT_RUN = object()
