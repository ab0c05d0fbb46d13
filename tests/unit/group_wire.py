# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring REST group requests and replies for scripted tests (the OpenAPI file's ListGroups,
GetGroup, AddGroup, UpdateGroupMembers, RemoveUserFromGroups and RemoveGroup)."""

from __future__ import annotations

from ansible_collections.learnops.lms.tests.unit.ispring_wire import rest_call

GROUP = "6f1d2c3b-4a59-4e8f-9b0a-1c2d3e4f5a60"
NEW_GROUP = "0b7a3e42-5d1c-4f6e-8a9b-2c3d4e5f6a71"
SMART_GROUP = "9c8b7a65-4321-4fed-8cba-987654321000"


def rest_group(group_id, name, smart=False):
    return dict(groupId=group_id, name=name, isSmart=smart)


def groups_call(groups=(), next_token=None, page_token=None):
    """GET /groups, one page."""
    params = [("pageSize", "1000")] + ([("pageToken", page_token)] if page_token else [])
    reply = {"groups": list(groups)}
    if next_token:
        reply["nextPageToken"] = next_token
    return rest_call("GET", "/groups", reply, params=params)


def group_call(group_id, name, user_ids=(), smart=False, users_count=None):
    """GET /group/{id}: a DetailedGroup (``users_count``: its usersCount, by default the ids listed;
    False: none answered)."""
    count = len(user_ids) if users_count is None else users_count
    reply = dict(rest_group(group_id, name, smart), usersCount=count, userIds=list(user_ids))
    if count is False:
        del reply["usersCount"]
    return rest_call("GET", "/group/%s" % group_id, reply)


def new_group_call(name, user_ids=(), reply='"%s"' % NEW_GROUP, status=201):
    """POST /group (NewGroup); the reply is the new id as a JSON string by default."""
    body = dict(name=name)
    if user_ids:
        body["userIds"] = list(user_ids)
    return rest_call("POST", "/group", reply, body=body, status=status)


def members_call(group_id, user_ids, status=200, reply=None):
    """POST /group/{id}/members (UpdateGroupMembers)."""
    return rest_call("POST", "/group/%s/members" % group_id, reply, body={"userIds": list(user_ids)}, status=status)


def remove_member_call(user_id, group_id, status=200, reply=None):
    """POST /user/{id}/groups/remove (RemoveUserFromGroups)."""
    return rest_call("POST", "/user/%s/groups/remove" % user_id, reply, body={"groupIds": [group_id]}, status=status)


def delete_group_call(group_id, status=204, reply=None):
    return rest_call("DELETE", "/group/%s" % group_id, reply, status=status)


def members_after(world, current, sent):
    """The members UpdateGroupMembers leaves under each reading of contract 3.3: ``add`` adds the
    ids sent to the current members, ``replace`` makes them the members."""
    if world == "add":
        return list(current) + [user_id for user_id in sent if user_id not in current]
    return list(sent)
