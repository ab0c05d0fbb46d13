# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the planners share (``completion.py``: course statuses, ``enrollment.py``: enrollments,
``membership.py``: program members).  A plan is a list of entries, each of which knows whether it
changes (``changed``), how (``kind_of_change``) and whom (``who``).  ``Plan`` gives every planner
the same ``changed``, ``changes`` (for max_changes), ``failure`` (an error carrying the result) and
the one wording of a failure after writes (``after_failure``)."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError
from ansible_collections.learnops.lms.plugins.module_utils.runner import NOTHING_CHANGED, changes_of, sentence, some


class Plan:
    """The base of each planner's plan: a dataclass with ``entries`` and ``result()``."""

    ITEMS = "item(s)"  # how messages count the entries
    LISTED_IN = "items"  # the result key that lists them

    @property
    def changed(self):
        return any(entry.changed for entry in self.entries)

    def changes(self):
        """{kind of change: who} of the entries that change, for max_changes."""
        return changes_of(self.entries)

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
