# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words every module's messages share: how many names a message lists, the sentence a
failure before any write ends with."""

from __future__ import annotations

NOTHING_CHANGED = "Nothing was changed."
SHOWN = 10  # names listed in a message; the full list is in the result


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
