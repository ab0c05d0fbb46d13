# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the planners share (``completion.py``: course statuses, ``enrollment.py``: enrollments,
``membership.py``: program members).  A plan is a list of entries, each of which knows whether it
changes (``changed``), how (``kind_of_change``) and whom (``who``).  ``Plan`` gives every planner
the same ``changed``, ``changes`` (for max_changes), ``failure`` (an error carrying the result) and
the one wording of a failure after writes (``after_failure``)."""

from __future__ import annotations

import re
from fractions import Fraction

from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import NOTHING_CHANGED, sentence, some


class Plan:
    """The base of each planner's plan: a dataclass with ``entries`` and ``result()``."""

    ITEMS = "item(s)"  # how messages count the entries
    LISTED_IN = "items"  # the result key that lists them

    @property
    def scope_size(self):
        """How many records the task read in its scope: what a share of max_changes ("N%") counts
        against (each planner says which; the doc fragment max_changes lists them)."""
        raise NotImplementedError

    @property
    def changed(self):
        return any(entry.changed for entry in self.entries)

    def changes(self):
        """{kind of change: who} of the entries that change, for max_changes."""
        return changes_of(self.entries)

    def check_max_changes(self, limit, check_mode=False, diff=False):
        """Refuse the plan if it changes more than ``limit`` entries (``check_max_changes``); in
        check mode the refusal carries the plan's result: the guard is for writes, a preview shows
        what it refuses."""
        preview = (lambda: self.result(diff=diff)) if check_mode else None
        scope = self.scope_size if is_share(limit) else None
        check_max_changes(limit, self.changes(), self.ITEMS, preview, scope)

    def listed(self, unchanged=True, **entry_args):
        """The result's ``changed`` and its list of entries (``LISTED_IN``, each ``entry.result()``);
        with ``unchanged=False`` only the entries that change are listed, the others counted in
        ``unchanged`` (the option ``report_unchanged``)."""
        shown = [entry for entry in self.entries if unchanged or entry.changed]
        result = {"changed": self.changed, self.LISTED_IN: [entry.result(**entry_args) for entry in shown]}
        if not unchanged:
            result["unchanged"] = len(self.entries) - len(shown)
        return result

    def diff_of_changes(self, header, absent="none"):
        """The diff of the entries that change (``change_diff``), under ``header``."""
        changed = [entry for entry in self.entries if entry.changed]
        summary = change_summary(changes_of(changed), self.ITEMS)
        return change_diff(header, summary, [self.diff_row(entry) for entry in changed], absent)

    def diff_row(self, entry):
        """(who, before, after) of an entry in the diff: the fields it shows."""
        return entry.who, entry.before, entry.after

    def failure(self, message):
        """An error whose result says exactly what was changed."""
        return LmsError(message, **self.result())

    def after_failure(self, error, read=True):
        """The message of a failure after writes began: the error, then who was changed before it
        (as read again; else, ``read`` false, as the calls that succeeded say), and what to do."""
        changed = [entry.who for entry in self.entries if entry.changed]
        unread = "from the calls that succeeded; the %s could not be read again" % self.LISTED_IN
        if changed:
            done = "%d %s were changed before the failure (%s); the %s list says which%s." % (
                len(changed),
                self.ITEMS,
                some(changed),
                self.LISTED_IN,
                "" if read else " (%s)" % unread,
            )
        else:
            done = NOTHING_CHANGED + ("" if read else " This is %s." % unread)
        return "%s %s Run the task again to finish." % (sentence(error), done)


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


SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")  # "50%", "2.5%"


def is_share(limit):
    return isinstance(limit, str)


def parse_max_changes(value, option="max_changes"):
    """``max_changes`` as the task gives it: None, an int >= 0 (an integral text too: Ansible's
    templating may hand "3" over), or a share "N%" with 0 <= N <= 100 (decimals allowed), kept as
    its text.  Anything else is a ValidationError naming the option and the value."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        found = SHARE.match(text)
        if found and Fraction(found.group(1)) <= 100:
            return "%s%%" % found.group(1)
    raise ValidationError(
        "%s must be a number of changes (0 or more) or a share of the records the task reads, "
        '"N%%" with N from 0 to 100 (e.g. "10%%"), not %r.' % (option, value)
    )


def allowed_changes(limit, scope):
    """The most changes ``limit`` allows: an int as it is; a share "N%" of ``scope`` records,
    rounded down (a share is a ceiling: 50% of 5 records allows 2)."""
    if not is_share(limit):
        return limit
    return int(Fraction(limit.rstrip("%")) * scope / 100)


def check_max_changes(limit, changes, items, preview=None, scope=None):
    """Refuse a plan that would change more ``items`` (learners, members, enrollments) than
    ``limit`` (None: no limit; an int; or a share "N%" of the ``scope`` records the task read),
    naming how many of each kind and the first of each.  ``preview``
    (check mode): a callable returning the plan's result, which the failure carries too, so that
    a preview shows what the guard refuses (the drift report lists it; the guard is for writes)."""
    total = sum(len(names) for names in changes.values())
    if limit is None or total <= allowed_changes(limit, scope):
        return
    kinds = ["%d %s (%s)" % (len(names), kind, some(names, shown=3)) for kind, names in sorted(changes.items())]
    details = dict(preview()) if preview is not None else {}
    details.update(changed=False, planned={kind: len(names) for kind, names in changes.items()})
    raise ValidationError(
        "The task would change %d %s, more than max_changes (%s): %s. If that is meant, raise max_changes for this "
        "run (or leave it out); if not, check the declared states (a truncated vars file, a wrong course or program)."
        % (total, items, _limit_text(limit, total, scope, items), "; ".join(kinds)),
        **details,
    )


def _limit_text(limit, total, scope, items):
    """'2', or '50% of the 4 member(s) read: 2; the plan changes 75%'."""
    if not is_share(limit):
        return "%d" % limit
    text = "%s of the %d %s read: %d" % (limit, scope, items, allowed_changes(limit, scope))
    if scope:
        text += "; the plan changes %s%%" % _percent(Fraction(total * 100, scope))
    return text


def _percent(share):
    """75, 33.3: a share to one decimal, without a trailing .0."""
    text = "%.1f" % float(share)
    return text[:-2] if text.endswith(".0") else text


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
