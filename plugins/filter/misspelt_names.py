# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter misspelt_names (documented in misspelt_names.yml): which variable names look like a
misspelling of a known one.  The role learner_states runs it on every variable of the play, so
that a misspelt state list or connection variable fails the run instead of being ignored."""

from __future__ import annotations

import re

# The role's prefix misspelt: learner_state_, learners_states_, learner-states-, LearnerStates_ ...
PREFIX = "learner_states_"
PREFIX_LIKE = re.compile(r"^learn[a-z]*?_?stat[a-z]*?_(?P<rest>.+)$")
# A longer name tolerates one more slip before it reads as another word.
SHORT = 12


def _limit(known):
    return 1 if len(known) < SHORT else 2


def distance(a, b, limit):
    """Edit distance (insertions, deletions, substitutions, swaps of neighbours) of ``a`` and
    ``b``; any value above ``limit`` is returned as ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[-1], limit + 1)


def closest(name, known, slack=0):
    """The known name nearest to ``name`` within the tolerance, or None."""
    best = None
    for candidate in known:
        limit = _limit(candidate) + slack
        found = distance(name, candidate, limit)
        if found <= limit and (best is None or found < best[0]):
            best = (found, candidate)
    return best[1] if best else None


def misspelt_names(names, known):
    """{name: the known name it probably means, or "" when none is near} for every name in
    ``names`` that is not in ``known`` but is near one of them (case and - for _ aside), or
    spells the prefix learner_states_ another way."""
    if isinstance(names, (str, bytes)) or isinstance(known, (str, bytes)):
        # a plain TypeError (ansible-core reports it with the template): no controller import, so
        # the filter stays importable beside module code
        raise TypeError("misspelt_names takes two lists of names, not a string")
    known = sorted(set(known))
    found = {}
    for name in names:
        if name in known or name.startswith("_"):
            continue
        normal = str(name).lower().replace("-", "_")
        like = PREFIX_LIKE.match(normal)
        if like and not normal.startswith(PREFIX):
            meant = PREFIX + like.group("rest")
            found[name] = meant if meant in known else (closest(meant, known, slack=1) or "")
            continue
        meant = closest(normal, known)
        if meant is not None:
            found[name] = meant
    return found


class FilterModule:
    def filters(self):
        return {"misspelt_names": misspelt_names}
