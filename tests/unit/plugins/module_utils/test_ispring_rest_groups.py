# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iSpring REST group calls (tag group) against scripted requests and replies."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.module_utils import ispring_rest
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, OutcomeUnknown, ReplyError
from ansible_collections.learnops.lms.tests.unit.group_wire import (
    GROUP,
    NEW_GROUP,
    delete_group_call,
    group_call,
    groups_call,
    members_call,
    new_group_call,
    remove_member_call,
    rest_group,
)
from ansible_collections.learnops.lms.tests.unit.ispring_wire import API, TOKEN, rest_call


def client(transport):
    return ispring_rest.RestClient(transport, API, token=TOKEN)


def test_list_groups_reads_every_page(script):
    transport = script(
        groups_call([rest_group(GROUP, "Managers")], next_token="p2"),
        groups_call([rest_group(NEW_GROUP, "All sales", smart=True)], page_token="p2"),
    )
    assert client(transport).list_groups() == [
        ispring_rest.Group(GROUP, "Managers", False),
        ispring_rest.Group(NEW_GROUP, "All sales", True),
    ]


def test_a_listed_item_that_is_not_a_group_fails_with_an_excerpt(script):
    transport = script(rest_call("GET", "/groups", {"groups": [{"name": "no id"}]}, params=[("pageSize", "1000")]))
    with pytest.raises(ReplyError, match='an item is not a Group. Item reads: {"name": "no id"}'):
        client(transport).list_groups()


def test_get_group_returns_the_group_and_its_member_ids(script):
    transport = script(group_call(GROUP, "Managers", ["u1", "u2"]))
    assert client(transport).get_group(GROUP) == (ispring_rest.Group(GROUP, "Managers", False, 2), ["u1", "u2"])


@pytest.mark.parametrize("reply", ['"%s"' % NEW_GROUP, NEW_GROUP, " %s\n" % NEW_GROUP])
def test_add_group_reads_the_new_id_as_a_json_string_or_plain_text(script, reply):
    transport = script(new_group_call("New hires", ["u1"], reply=reply))
    assert client(transport).add_group("New hires", ["u1"]) == NEW_GROUP


@pytest.mark.parametrize("reply", ["", "{}", "<html>Created</html>", "null"])
def test_a_201_without_an_id_is_a_success_that_cannot_be_told_apart(script, reply):
    transport = script(new_group_call("New hires", reply=reply))
    with pytest.raises(OutcomeUnknown, match="does not carry the new id"):
        client(transport).add_group("New hires")


def test_add_group_error_response_is_an_api_error(script):
    transport = script(new_group_call("X", status=403, reply={"code": 403, "message": "Permission denied"}))
    with pytest.raises(ApiError, match="HTTP 403: Permission denied"):
        client(transport).add_group("X")


def test_update_group_members_sends_the_current_members_plus_the_new_ones(script):
    transport = script(members_call(GROUP, ["u1", "u2", "u3"]))
    client(transport).update_group_members(GROUP, ["u1", "u2"], ["u2", "u3"])


def test_removals_and_deletion_send_the_documented_calls(script):
    transport = script(remove_member_call("u1", GROUP), delete_group_call(GROUP))
    client(transport).remove_user_from_groups("u1", [GROUP])
    client(transport).remove_group(GROUP)
