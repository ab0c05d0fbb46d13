# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters drift_plan and drift_plan_compare (documented in their .yml files): the drift report's
plan as data (the JSON written beside the Markdown), and the comparison of a reviewed plan with the
one converging would apply (learner_states_plan_file).  The rows come from drift_rows (the modules'
check-mode verdicts); nothing here decides what differs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from ansible_collections.learnops.lms.plugins.plugin_utils.learner_states import STATE_LISTS

FORMAT = "learnops.lms.plan"
FORMAT_VERSION = 1
# The role's variables whose canonical JSON is hashed, in this order (the keys of one object).
HASHED = STATE_LISTS
SATISFIED = ("complete", "passed", "accepted")
LMS = {"enrollment": "iSpring Learn", "course": "iSpring Learn", "program": "EduBrite"}
LMS.update(department="iSpring Learn", user="iSpring Learn", group="iSpring Learn")
SCOPE = {"enrollment": "course", "course": "course", "program": "program", "group": "group"}
SCOPE.update(department="department list", user="user list")
SUBJECT = {"enrollment": "learner", "course": "learner", "program": "member", "group": "member"}
SUBJECT.update(department="department", user="user")
VERBS = {"enrollment": ("enroll", "remove"), "program": ("add", "remove")}
SHOWN = 20  # lines of a difference listed in the failure; the rest is counted
GROUP_ROWS = ("(the group)", "(the group's name)")  # rows of the group itself, not of a member


def _secret(key):
    return "password" in str(key).lower()


def canonical(value):
    """``value`` as plain JSON data: mappings with their keys as text, without any key that names a
    password (at any depth), lists, and scalars (dates as their ISO text)."""
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in value.items() if not _secret(key)}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def states_checksum(states):
    """sha256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the HASHED variables of
    ``states`` (a missing one counts as an empty list), passwords left out."""
    declared = {name: canonical((states or {}).get(name) or []) for name in HASHED}
    text = json.dumps(declared, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(current, wanted):
    """{field: {current, wanted}} of the fields whose values differ (never a password)."""
    current, wanted = current or {}, wanted or {}
    names = sorted({str(key) for key in list(current) + list(wanted)} - {"changed"})
    return {
        name: {"current": current.get(name), "wanted": wanted.get(name)}
        for name in names
        if not _secret(name) and current.get(name) != wanted.get(name)
    }


def _action(section, current, wanted):
    """What converging does to the row's subject."""
    if current is None and wanted is None:
        return "unresolved"  # not found: converging fails there until the states or the LMS change
    if section == "course":
        done = (wanted or {}).get("status") in SATISFIED and (current or {}).get("status") not in SATISFIED
        return "complete" if done else "update"
    if section == "group":
        if "name" in (wanted or {}):
            return "rename"
        flag = "exists" if "exists" in (wanted or {}) else "member"
        verbs = ("create", "delete") if flag == "exists" else ("add", "remove")
        return verbs[0] if (wanted or {}).get(flag) else verbs[1]
    created, removed = VERBS.get(section, ("create", "delete"))
    if current is None:
        return created
    if wanted is None:
        return removed
    if section == "program" and wanted.get("quit") and not current.get("quit"):
        return "quit"
    return "update"


def _row(row):
    section = row["section"]
    current, wanted = (canonical(value) for value in (row.get("values") or (None, None)))
    if row.get("before") == "not found":
        current = wanted = None
    return {
        "lms": LMS[section],
        "section": section,
        "scope": {"kind": SCOPE[section], "id": canonical(row["subject"])},
        "subject": {"kind": "group" if row["learner"] in GROUP_ROWS else SUBJECT[section], "id": row["learner"]},
        "action": _action(section, current, wanted),
        "fields": _fields(current, wanted),
        "note": row.get("note") or "",
    }


def drift_plan(report, states, generated_at=None):
    """The plan as data from ``report`` ({rows, errors, over_guard} of drift_rows): one row per
    change, the counts by action, the checksum of ``states`` (the role's variables)."""
    report = canonical(report)
    rows = [_row(row) for row in report.get("rows") or [] if row.get("differs")]
    counts = {}
    for row in rows:
        counts[row["action"]] = counts.get(row["action"], 0) + 1
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": generated_at,
        "checksum": {"algorithm": "sha256", "states": states_checksum(states), "of": list(HASHED)},
        "counts": {"total": len(rows), "by_action": dict(sorted(counts.items()))},
        "complete": not report.get("errors"),
        "errors": report.get("errors") or [],
        "over_guard": report.get("over_guard") or [],
        "rows": rows,
    }


def _key(row):
    where = (row.get("scope"), row.get("subject"))
    return (row.get("lms"), row.get("section")) + tuple(json.dumps(part, sort_keys=True) for part in where)


def _name(row):
    scope, subject = row.get("scope") or {}, row.get("subject") or {}
    return "%s %s, %s %s" % (scope.get("kind"), scope.get("id"), subject.get("kind"), subject.get("id"))


def _change(row):
    fields = ", ".join(
        "%s %s -> %s" % (name, json.dumps(value.get("current")), json.dumps(value.get("wanted")))
        for name, value in sorted((row.get("fields") or {}).items())
    )
    return "%s%s" % (row.get("action"), " (%s)" % fields if fields else "")


def _rows_differences(reviewed, current):
    before = {_key(row): row for row in reviewed}
    after = {_key(row): row for row in current}
    added = [row for key, row in after.items() if key not in before]
    removed = [row for key, row in before.items() if key not in after]
    changed = []
    for key, row in after.items():
        old = before.get(key)
        if old is not None and (old.get("action"), old.get("fields")) != (row.get("action"), row.get("fields")):
            changed.append({"reviewed": old, "now": row})
    return added, removed, changed


def _lines(added, removed, changed):
    lines = ["added: %s: %s" % (_name(row), _change(row)) for row in added]
    lines += ["removed: %s: %s" % (_name(row), _change(row)) for row in removed]
    lines += [
        "changed: %s: reviewed %s, now %s" % (_name(c["now"]), _change(c["reviewed"]), _change(c["now"]))
        for c in changed
    ]
    return lines


def _refused(over_guard):
    return ", ".join("%s (%s changes)" % (o.get("subject"), sum((o.get("planned") or {}).values())) for o in over_guard)


def _over_guard(reviewed, current):
    """A plan with courses or programs over learner_states_max_changes cannot be applied as reviewed:
    converge stops at the first of them, after the writes of the tasks before it; and a plan
    reviewed with some over the limit said those would not change."""
    problems = []
    now, then = current.get("over_guard") or [], reviewed.get("over_guard") or []
    if now:
        problems.append(
            "converging would refuse %s over learner_states_max_changes and stop there, after the writes of the"
            " tasks before it, so the plan cannot be applied whole: if those changes are meant, make the plan again"
            " with the learner_states_max_changes of the run that applies it" % _refused(now)
        )
    elif then:
        problems.append(
            "the reviewed plan has %s over learner_states_max_changes (converging would have refused them), and"
            " converging would now change them: make the plan again with the learner_states_max_changes of the run"
            " that applies it" % _refused(then)
        )
    return problems


def _parsed(reviewed):
    """(the plan, None), or (None, why not) when ``reviewed`` is the text of a file that is no JSON."""
    if not isinstance(reviewed, str):
        return reviewed, None
    try:
        return json.loads(reviewed), None
    except ValueError as exc:
        return None, "the plan file is not JSON (%s): give the JSON the drift report wrote, unedited" % exc


def _is_row(row):
    fields = row.get("fields") or {} if isinstance(row, Mapping) else None
    return isinstance(fields, Mapping) and all(isinstance(value, Mapping) for value in fields.values())


def _not_a_plan(reviewed):
    """Why ``reviewed`` is not a plan that can be compared (a file edited by hand); None if it is one."""
    if not isinstance(reviewed, Mapping) or reviewed.get("format") != FORMAT:
        return "the plan file is not a plan of learnops.lms (format %s expected)" % FORMAT
    shapes = {"checksum": Mapping, "rows": list, "over_guard": list}
    wrong = [key for key, kind in shapes.items() if key in reviewed and not isinstance(reviewed[key], kind)]
    if "rows" not in wrong and not all(_is_row(row) for row in reviewed.get("rows") or []):
        wrong.append("rows")
    if "over_guard" not in wrong and not all(isinstance(o, Mapping) for o in reviewed.get("over_guard") or []):
        wrong.append("over_guard")
    if not wrong:
        return None
    verb = "is" if len(wrong) == 1 else "are"
    return (
        "the plan file's %s %s not as the drift report writes them (edited by hand?): make the plan again with"
        " the drift report" % (" and ".join(wrong), verb)
    )


def drift_plan_compare(current, reviewed):
    """Whether ``current`` (the plan converging would apply, drift_plan) is ``reviewed`` (the plan
    file, parsed, or its text): the same format, checksum and rows (their order, generated_at and
    the notes aside)."""
    reviewed, problem = _parsed(reviewed)
    current, reviewed = canonical(current), canonical(reviewed)
    problem = problem or _not_a_plan(reviewed)
    if problem:
        return {"same": False, "problems": [problem], "added": [], "removed": [], "changed": []}
    problems = []
    if reviewed.get("format_version") != current["format_version"]:
        problems.append(
            "the plan file's format_version is %s, this collection writes %s: make the plan again"
            % (reviewed.get("format_version"), current["format_version"])
        )
    old_sum, new_sum = (plan.get("checksum", {}).get("states") for plan in (reviewed, current))
    if old_sum != new_sum:
        problems.append("the declared states changed since the review (checksum %s, now %s)" % (old_sum, new_sum))
    if not current.get("complete"):
        messages = "; ".join("%s: %s" % (e.get("subject"), e.get("msg")) for e in current.get("errors") or [])
        problems.append("the plan cannot be computed completely now: %s" % messages)
    problems += _over_guard(reviewed, current)
    added, removed, changed = _rows_differences(reviewed.get("rows") or [], current.get("rows") or [])
    if added or removed or changed:
        problems.append(
            "the changes differ from the reviewed ones: %d added, %d removed, %d changed"
            % (len(added), len(removed), len(changed))
        )
    lines = _lines(added, removed, changed)
    if len(lines) > SHOWN:
        lines = lines[:SHOWN] + ["... and %d more" % (len(lines) - SHOWN)]
    same = not problems
    return {"same": same, "problems": problems + lines, "added": added, "removed": removed, "changed": changed}


class FilterModule:
    def filters(self):
        return {"drift_plan": drift_plan, "drift_plan_compare": drift_plan_compare}
