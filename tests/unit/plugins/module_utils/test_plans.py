# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""max_changes as a count or a share (issue 26 item 4): the values accepted, the limit a share
allows of the records read, and the refusal's wording."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import (
    completion,
    department,
    enrollment,
    group,
    membership,
    plans,
    user,
)
from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError

REMOVALS = {"removed": ["user2", "user3", "user4"]}


@pytest.mark.parametrize(
    "value, kept",
    [(None, None), (0, 0), (3, 3), ("3", 3), ("50%", "50%"), (" 2.5 % ", "2.5%"), ("0%", "0%"), ("100%", "100%")],
)
def test_a_count_or_a_share_is_accepted(value, kept):
    assert plans.parse_max_changes(value) == kept


@pytest.mark.parametrize("value", [-1, "-1", "101%", "%", "-5%", "1e2%", "ten", True, 2.5, [], "50%%"])
def test_anything_else_is_refused_naming_the_option_and_the_value(value):
    with pytest.raises(ValidationError) as caught:
        plans.parse_max_changes(value)
    assert str(caught.value).startswith("max_changes must be a number of changes (0 or more) or a share")
    assert str(caught.value).endswith("not %r." % (value,))


@pytest.mark.parametrize(
    "limit, scope, allowed",
    [(2, None, 2), ("50%", 4, 2), ("50%", 5, 2), ("10%", 9, 0), ("2.5%", 1000, 25), ("100%", 4, 4), ("50%", 0, 0)],
)
def test_a_share_of_the_records_read_is_rounded_down(limit, scope, allowed):
    assert plans.allowed_changes(limit, scope) == allowed


def test_the_refusal_names_the_share_the_records_read_and_the_changes():
    with pytest.raises(ValidationError) as caught:
        plans.check_max_changes("50%", REMOVALS, "member(s)", scope=4)
    assert str(caught.value).startswith(
        "The task would change 3 member(s), more than max_changes (50% of the 4 member(s) read: 2; the plan "
        "changes 75%): 3 removed (user2, user3, user4). If that is meant, raise max_changes"
    )
    assert caught.value.details["planned"] == {"removed": 3} and caught.value.details["changed"] is False


def test_a_share_allows_what_it_covers_and_a_count_is_unchanged():
    plans.check_max_changes("75%", REMOVALS, "member(s)", scope=4)
    plans.check_max_changes(3, REMOVALS, "member(s)")
    with pytest.raises(ValidationError, match=r"more than max_changes \(2\): 3 removed"):
        plans.check_max_changes(2, REMOVALS, "member(s)")


def test_an_empty_scope_allows_no_change_under_a_share():
    with pytest.raises(ValidationError, match=r"more than max_changes \(100% of the 0 member\(s\) read: 0\): 1 added"):
        plans.check_max_changes("100%", {"added": ["user1"]}, "member(s)", scope=0)


def test_every_planner_tells_its_scope_size():
    """A planner without ``scope_size`` would fail a share with NotImplementedError, after its reads."""
    planners = (completion, department, enrollment, group, membership, user)
    assert {planner.Plan.scope_size is not plans.Plan.scope_size for planner in planners} == {True}
    assert {cls.__module__.rsplit(".", 1)[1] for cls in plans.Plan.__subclasses__()} <= {
        planner.__name__.rsplit(".", 1)[1] for planner in planners
    }
