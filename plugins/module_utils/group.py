# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state planning of iSpring Learn groups (module ``ispring_group``).

The wanted members are validated, resolved to users (``people.py``: by user ID, login or email),
the group is found among the account's groups (``GET /groups``) and its members read (``GET
/group/{id}``), and only the difference is written: a new group with its members in one ``POST
/group``; members added with one ``POST /group/{id}/members`` that sends the current members plus
the new ones (contract 3.3: the call may add or may replace, so both readings give the group
wanted); members removed with one ``POST /user/{id}/groups/remove`` each, side by side; a group
deleted with ``DELETE /group/{id}``.  After a write the group is read back, and a group that is not
what was wanted fails the task loudly.  Wire code stays in ``ispring_rest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from ansible_collections.learnops.lms.plugins.module_utils import ispring_rest, people, plans
from ansible_collections.learnops.lms.plugins.module_utils.calls import CallFailed, in_parallel
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, OutcomeUnknown, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import first_shown, sentence, some
from ansible_collections.learnops.lms.plugins.module_utils.plans import by_kind, changes_of

IDENTIFIERS = ("user_id", "login", "email")
# The options whose values (or list items) must not be empty (runner.check_params).
ID_OPTIONS = ("name", "group_id", "user_ids", "logins", "emails")
# A member that is only planned (check mode, new_logins: a user an earlier task of the run creates):
# never sent, as nothing is written then.
PLANNED_USER_ID = "(new user %s)"
CONTRACT_HINT = (
    "Contract 3.3: POST /group/{id}/members may add or may replace members on a tenant; check the group in "
    "iSpring Learn, and report what the call did"
)


# --- the desired state, validated before anything is read ---


@dataclass(eq=False)
class Wanted:
    """A member as the task names them."""

    kind: str
    value: str
    user_id: str | None = None  # given, or found for a login or email
    new_user: bool = False  # a user the run creates (check mode): PLANNED_USER_ID

    @property
    def label(self):
        return "member %s=%s" % (self.kind, self.value)

    @property
    def named(self):
        """(kind, value) when the member is named by login or email, for the result."""
        return (self.kind, self.value) if self.kind in people.BY_NAME else None


def validate(params):
    """Every check that needs no request: the wanted members, in the order asked."""
    if params["exclusive"] and params["state"] != "present":
        raise ValidationError("exclusive=true only applies to state=present, not %s." % params["state"])
    wanted = wanted_members(params)
    if wanted and params["state"] == "absent":
        raise ValidationError(
            "state=absent deletes the group %s; members cannot be listed with it. Leave members, user_ids, logins "
            "and emails out, or use state=present with exclusive=true to keep only some members." % group_label(params)
        )
    if params["exclusive"] and not wanted and not params["allow_empty"]:
        raise ValidationError(
            "exclusive=true with no members would remove every member of the group %s. List the members, or set "
            "allow_empty=true if that is what you want." % group_label(params)
        )
    return wanted


def group_label(params):
    if params["group_id"]:
        return "group_id=%s" % params["group_id"]
    return "name=%s" % params["name"]


def wanted_members(params):
    """The members asked for (``members``, then ``user_ids``, ``logins``, ``emails``)."""
    items = [("members[%d]" % n, item) for n, item in enumerate(params["members"])]
    for kind in IDENTIFIERS:
        items += [("%ss[%d]" % (kind, n), {kind: value}) for n, value in enumerate(params[kind + "s"])]
    return [_wanted(where, item) for where, item in items]


def _wanted(where, item):
    kind = next((name for name in IDENTIFIERS if (item.get(name) or "").strip()), None)
    if kind is None:
        raise ValidationError("%s: name the member with one of %s; all are empty." % (where, ", ".join(IDENTIFIERS)))
    return Wanted(kind, item[kind], user_id=item[kind] if kind == "user_id" else None)


# --- the current state ---


def resolve(client, wanted, new_logins=()):
    """Set the user ID of the members named by login or email (active users); fails naming every
    member that matches none, but a login of ``new_logins`` (check mode only: a user an earlier
    task creates) is planned as a new user.  Returns {user ID: user} of the users found."""
    directory, missing = people.resolve(client, wanted)
    missing = plan_new_users(missing, new_logins)
    if missing:
        raise _unknown(
            missing,
            "match no active iSpring user",
            "Check the logins and emails; iSpring lists only active users, so name an inactive user by user_id",
        )
    return directory.by_id


def plan_new_users(missing, new_logins):
    """Those of ``missing`` that are not new users: a member named by a login of ``new_logins``
    gets a user ID that no request names (PLANNED_USER_ID)."""
    new = set(new_logins)
    for w in missing:
        if w.kind == "login" and w.value in new:
            w.user_id, w.new_user = PLANNED_USER_ID % w.value, True
    return [w for w in missing if not w.new_user]


def _unknown(missing, what, hint):
    labels = [w.label for w in missing]
    return ValidationError(
        "%d member(s) %s: %s. %s." % (len(missing), what, some(labels, separator="; "), hint),
        missing=first_shown(labels),
        not_found=by_kind(missing),
    )


def read_current(client, params):
    """(the Group or None, its member IDs): the group named by ``group_id`` or ``name`` among the
    account's groups, and its members.  A name two groups have fails, naming their IDs."""
    by_id, groups = params["group_id"], client.list_groups()
    found = [g for g in groups if (g.group_id == by_id if by_id else g.name == params["name"])]
    if by_id and params["name"] and params["state"] == "present":
        _check_new_name(params, groups)
    if len(found) > 1:
        raise ValidationError(
            "name=%s: %d groups have this name (%s); give the one meant by group_id."
            % (params["name"], len(found), some(g.group_id for g in found))
        )
    if not found:
        _check_absent(params)
        return None, []
    group, member_ids = client.get_group(found[0].group_id)
    return group, member_ids


def _check_absent(params):
    """A group asked for by ID must exist, unless the task deletes it."""
    if params["group_id"] and params["state"] == "present":
        raise ValidationError(
            "group_id=%s: the account has no such group. Check the ID; to create a group, give its name "
            "instead." % params["group_id"]
        )


def _check_new_name(params, groups):
    """A group renamed (group_id and name) must not take the name of another group."""
    taken = [g.group_id for g in groups if g.name == params["name"] and g.group_id != params["group_id"]]
    if taken:
        raise ValidationError(
            "group_id=%s: name=%s is the name of group %s already; two groups of one name could no longer be told "
            "apart by name. Choose another name." % (params["group_id"], params["name"], some(taken))
        )


def check_user_ids(client, wanted, the_plan, known=None):
    """Fail naming every member named by user_id that the plan adds and that is no user of the
    account: one listing of users by those IDs (GET /users/v2), before any write, in check mode too."""
    if not ispring_rest.USER_IDS_LIST_EVERY_STATUS:
        return
    adding = {entry.user_id for entry in the_plan.doing("add")} - set(known or {})
    missing = people.unknown_ids(client, {w.user_id: w for w in wanted if w.kind == "user_id" and w.user_id in adding})
    if missing:
        raise _unknown(
            missing,
            "named by user_id are no user of the iSpring account",
            "Check the user IDs, or name the members by login or email",
        )


def describe(client, the_plan, known, diff=False):
    """Learn the login and email of the members the result or the diff names by user ID only: the
    ``known`` users, else one listing of the account's active users (reads only; in check mode too)."""
    asked = [entry.user_id for entry in the_plan.doing("remove")]
    if diff:
        asked += the_plan.before_ids
    if any(user_id not in known for user_id in asked):
        known = client.people(asked, known)
    the_plan.users = dict(known)
    for entry in the_plan.entries:
        entry.user = the_plan.users.get(entry.user_id)


# --- the plan ---


@dataclass(eq=False)
class Entry:
    """One member: asked for, or removed (by ``exclusive``, or with the group)."""

    user_id: str
    named: tuple | None
    before: bool
    action: str | None = None  # add, remove
    after: bool | None = None
    removed_by_exclusive: bool = False
    twin: Entry | None = None  # the entry of the same user asked for earlier
    user: object = None  # the user's record, when known (login, email)
    new_user: bool = False  # a user the run creates (check mode)

    @property
    def changed(self):
        return self.action is not None

    def settle(self, now):
        """The member as read back (``now``: is a member): a change that did not happen is none, and
        one that happened unasked (a member lost to a call that replaced) is reported as made."""
        self.after = now
        if self.after == self.before:
            self.action = None
        elif self.action is None:
            self.action = "add" if now else "remove"

    @property
    def kind_of_change(self):
        return {"add": "to add", "remove": "to remove"}[self.action]

    @property
    def name(self):
        """The member as the task named them, else by login or email when known, else by user ID."""
        if self.named:
            return self.named[1] + (" (new user)" if self.new_user else "")
        return display(self.user_id, self.user)

    @property
    def who(self):
        return self.name + (" (not declared)" if self.removed_by_exclusive else "")

    def result(self):
        """The documented RETURN entry (``members[]``)."""
        source = self.twin or self
        entry = dict(user_id=self.user_id, changed=self.changed, before=source.before, after=source.after)
        for kind in people.BY_NAME:
            value = getattr(self.user, kind, None)
            if value:
                entry[kind] = value
        if self.named:
            entry[self.named[0]] = self.named[1]
        if self.removed_by_exclusive:
            entry["removed_by_exclusive"] = True
        return entry


def display(user_id, user):
    """A member by login, else email, else user ID."""
    if user is not None and (user.login or user.email):
        return user.login or user.email
    return "user %s" % user_id


@dataclass
class Plan(plans.Plan):
    """What a run of ``ispring_group`` does to its group."""

    ITEMS, LISTED_IN = "member(s)", "members"
    name: str | None
    group: ispring_rest.Group | None  # before the task
    state: str
    before_ids: list
    entries: list = field(default_factory=list)
    action: str | None = None  # create, delete
    new_name: str | None = None  # the name a group found by ID is given
    name_read: str | None = None  # as read back
    renamed: bool = False  # the rename call succeeded
    group_id: str | None = None
    after_ids: list | None = None  # as read back (or predicted)
    users: dict = field(default_factory=dict)
    done: list = field(default_factory=list)  # the entries whose calls succeeded (or whose reply was lost)
    unconfirmed: bool = False  # a call's reply was lost (OutcomeUnknown): the service may have acted

    @property
    def scope_size(self):
        """The group's members as read (none for a group the task creates)."""
        return len(self.before_ids)

    def keep_done(self):
        """With no read-back: only what the calls that succeeded, or whose reply was lost, changed is
        changed (a write that may have taken counts, as ispring_user's)."""
        done = set(self.done)
        for entry in self.entries:
            if entry.changed and entry not in done:
                entry.settle(entry.before)
        if not self.unconfirmed:
            self.action = None  # a creation or deletion is the one call: the one that failed
        self.new_name = self.new_name if self.renamed else None

    def after_failure(self, error, read=True):
        """A call whose reply was lost, and a group that could not be read again: it is reported as
        changed, which the message says (the members the calls changed may be none)."""
        if self.unconfirmed and not read:
            done = {"create": "created", "delete": "deleted"}.get(self.action, "changed")
            return (
                "%s %s may have been %s (the reply was lost and the group could not be read again), so it is "
                "reported as changed. Run the task again to finish." % (sentence(error), self.label, done)
            )
        return super().after_failure(error, read)

    @property
    def label(self):
        return "group %s" % (self.name if self.group_id is None else "%s (%s)" % (self.name, self.group_id))

    @property
    def changed(self):
        return self.action is not None or self.new_name is not None or any(entry.changed for entry in self.entries)

    def changes(self):
        found = changes_of(self.entries)
        if self.action:
            found["group to %s" % self.action] = [self.label]
        if self.new_name is not None:
            found["group to rename"] = ["%s to %s" % (self.label, self.new_name)]
        return found

    def doing(self, action):
        return [entry for entry in self.entries if entry.action == action]

    def wanted_ids(self):
        """The members the group should have after the task (None: no group)."""
        if self.state == "absent":
            return None
        removed = {entry.user_id for entry in self.doing("remove")}
        kept = [user_id for user_id in self.before_ids if user_id not in removed]
        return kept + [entry.user_id for entry in self.doing("add")]

    def result(self, diff=False, unchanged=True):
        """The module's result; with ``unchanged=False`` the unchanged members are only counted."""
        result = dict(self.listed(unchanged), group=self._group())
        if diff:
            result["diff"] = self.diff()
        return result

    def _group(self):
        after = self.wanted_ids() if self.after_ids is None else self.after_ids
        if self.group is None and self.action is None:
            return None
        found = dict(
            group_id=self.group_id,
            name=self.name_read or self.new_name or self.name,
            is_smart=bool(self.group and self.group.is_smart),
            created=self.action == "create",
            deleted=self.action == "delete",
            user_ids=[] if after is None or self.action == "delete" else list(after),
        )
        if self.new_name is not None:
            found["renamed_from"] = self.name
        return found

    def diff(self):
        """before/after: the group's name and its members by login (else email, else user ID)."""
        after = self.wanted_ids() if self.after_ids is None else self.after_ids
        exists_after = (self.group is not None or self.action == "create") and self.action != "delete"
        return dict(
            before_header=self.label,
            after_header=self.label,
            before=self._text(self.name, self.before_ids) if self.group is not None else "",
            after=self._text(self.new_name or self.name, after or []) if exists_after else "",
        )

    def _text(self, name, user_ids):
        names = {entry.user_id: entry.name for entry in self.entries}
        shown = sorted(names.get(user_id) or display(user_id, self.users.get(user_id)) for user_id in user_ids)
        return "name: %s\nmembers:%s\n" % (name, "".join("\n  - %s" % member for member in shown) or " []")


def plan(params, wanted, group, member_ids):
    """The plan: the group created or deleted, one entry per member asked for (a member asked for
    twice is changed once), then, with ``exclusive``, one per member not asked for.  A smart group
    the plan would change fails here, before any write."""
    the_plan = Plan(
        name=group.name if group else params["name"],
        group=group,
        state=params["state"],
        before_ids=list(member_ids),
        group_id=group.group_id if group else None,
    )
    if params["state"] == "absent":
        if group is not None:
            the_plan.action = "delete"
            the_plan.entries = [Entry(user_id, None, True, action="remove", after=False) for user_id in member_ids]
    else:
        the_plan.action = "create" if group is None else None
        the_plan.entries = _members(wanted, member_ids, params["exclusive"])
        the_plan.new_name = _new_name(params, group)
    check_smart(the_plan)
    check_listed(the_plan, params["exclusive"])
    return the_plan


def _new_name(params, group):
    """The name a group found by ID is to get (group_id and name both given); None: no rename."""
    renames = group is not None and params["group_id"] and params["name"] and params["name"] != group.name
    return params["name"] if renames else None


def _members(wanted, member_ids, exclusive):
    current, first, entries = set(member_ids), {}, []
    for w in wanted:
        if w.user_id in first:
            entries.append(
                Entry(w.user_id, w.named, first[w.user_id].before, twin=first[w.user_id], new_user=w.new_user)
            )
            continue
        entry = Entry(w.user_id, w.named, w.user_id in current, after=True, new_user=w.new_user)
        entry.action = None if entry.before else "add"
        first[w.user_id] = entry
        entries.append(entry)
    if exclusive:
        entries += [
            Entry(user_id, None, True, action="remove", after=False, removed_by_exclusive=True)
            for user_id in member_ids
            if user_id not in first
        ]
    return entries


def check_smart(the_plan):
    """A smart group's members follow its rules: refuse to change one (reading it is fine)."""
    if the_plan.group is None or not the_plan.group.is_smart or not the_plan.changed:
        return
    asked = ["%d %s" % (len(names), kind) for kind, names in sorted(the_plan.changes().items())]
    raise ValidationError(
        "%s is a smart group: its members follow its rules, so this module does not change it (the task asks for: "
        "%s). Change the group's rules in iSpring Learn, or name a group that is not smart."
        % (the_plan.label, "; ".join(asked))
    )


def check_listed(the_plan, exclusive):
    """A group whose reply lists fewer members than it counts (ispring_rest.GROUP_COUNT_CHECKED):
    refuse to add or remove members (the unlisted ones could be dropped), and ``exclusive`` (they
    would stay unseen), before any write; a rename or a deletion does not depend on its members."""
    if the_plan.group is None or the_plan.state != "present":
        return
    if exclusive or any(entry.changed for entry in the_plan.entries):
        problem = the_plan.group.cut_list(the_plan.before_ids)
        if problem:
            raise ValidationError(sentence(problem))


# --- writing ---


def write(client, the_plan):
    """Send the writes, read the group back and set what really happened; returns the task's
    warnings.  A failed write, or a group read back that is not the one wanted, raises an error
    whose result says exactly what was changed."""
    wanted = the_plan.wanted_ids()
    failure = _send(client, the_plan)
    read = read_back(client, the_plan)
    if failure is not None:
        doing, exc = failure
        if not read:
            the_plan.keep_done()
        raise the_plan.failure(the_plan.after_failure(CallFailed(doing, exc).message, read)) from None
    if not read:
        return ["%s could not be read again after the changes; 'after' shows the expected members." % the_plan.label]
    wrong = mismatch(the_plan, wanted)
    if wrong:
        raise the_plan.failure(the_plan.after_failure(wrong))
    return []


def _send(client, the_plan):
    """The writes, in order: the group created or deleted, else the members added, then removed
    (side by side, max_parallel).  None, or the first failure as (what it was doing, error)."""
    if the_plan.action == "delete":
        delete = partial(client.remove_group, the_plan.group_id)
        return _call("deleting %s" % the_plan.label, delete, the_plan, the_plan.entries)
    if the_plan.new_name is not None:
        rename = partial(_rename, client, the_plan)
        failure = _call("renaming %s to %s" % (the_plan.label, the_plan.new_name), rename, the_plan, [])
        if failure is not None:
            return failure
    adds = the_plan.doing("add")
    if the_plan.action == "create":
        create = partial(_create, client, the_plan, [entry.user_id for entry in adds])
        return _call("creating %s" % the_plan.label, create, the_plan, adds)
    if adds:
        add = partial(client.update_group_members, the_plan.group_id, the_plan.before_ids, [e.user_id for e in adds])
        failure = _call("adding %d member(s) to %s" % (len(adds), the_plan.label), add, the_plan, adds)
        if failure is not None:
            return failure
    return _remove(client, the_plan)


def _remove(client, the_plan):
    """Each member to remove taken out of the group, side by side (at most max_parallel at a time)."""
    removals = the_plan.doing("remove")
    work = [
        partial(_call, "", partial(client.remove_user_from_groups, e.user_id, [the_plan.group_id]), the_plan, [e])
        for e in removals
    ]
    _outcomes, error = in_parallel(work, client.transport)
    return None if error is None else ("removing %d member(s) from %s" % (len(removals), the_plan.label), error)


def _rename(client, the_plan):
    client.rename_group(the_plan.group_id, the_plan.new_name)
    the_plan.renamed = True


def _create(client, the_plan, user_ids):
    the_plan.group_id = client.add_group(the_plan.name, user_ids)


def _call(doing, send, the_plan, entries):
    """``send()``; the entries it changes are done when it succeeds.  Returns None, or (doing,
    error) when it fails (an error re-raised as it is when ``doing`` is empty: in_parallel stops)."""
    try:
        send()
    except LmsError as exc:
        if isinstance(exc, OutcomeUnknown):  # sent, its reply lost: it may have taken
            the_plan.unconfirmed = True
            the_plan.done.extend(entries)
        if not doing:
            raise
        return doing, exc
    the_plan.done.extend(entries)
    return None


def read_back(client, the_plan):
    """Set the plan from the group as iSpring now has it (found by ID, or by name when a creation
    gave none); False when it cannot be read (then the plan says what the calls that succeeded did)."""
    try:
        exists = _exists(client, the_plan)
        group, member_ids = client.get_group(the_plan.group_id) if exists else (None, [])
    except LmsError:
        return False
    settle(the_plan, exists, member_ids)
    the_plan.name_read = group.name if group is not None else None
    return True


def _exists(client, the_plan):
    """Whether the group is listed; a group created without a known ID is looked for by name."""
    if the_plan.action not in ("create", "delete"):
        return True
    groups = client.list_groups()
    if the_plan.group_id is None:
        found = [group for group in groups if group.name == the_plan.name]
        the_plan.group_id = found[0].group_id if len(found) == 1 else None
    return any(group.group_id == the_plan.group_id for group in groups) and the_plan.group_id is not None


def settle(the_plan, exists, member_ids):
    """The plan as read back: each entry's membership, the group created or deleted or not."""
    now = set(member_ids)
    for entry in the_plan.entries:
        if entry.twin is None:
            entry.settle(exists and entry.user_id in now)
    if (the_plan.action == "create" and not exists) or (the_plan.action == "delete" and exists):
        the_plan.action = None
    the_plan.after_ids = list(member_ids) if exists else None


def mismatch(the_plan, wanted):
    """What in the group read back differs from ``wanted`` (its member IDs; None: no group)."""
    if wanted is None:
        return None if the_plan.after_ids is None else "%s is still listed after its deletion" % the_plan.label
    if the_plan.after_ids is None:
        return "%s is not listed after the change. %s" % (the_plan.label, CONTRACT_HINT)
    if the_plan.new_name not in (None, the_plan.name_read):
        return "%s read back after the change is named %s, not %s" % (
            the_plan.label,
            the_plan.name_read,
            the_plan.new_name,
        )
    parts = _member_differences(the_plan, wanted)
    if not parts:
        return None
    return "%s read back after the change does not have the members wanted (%s). %s" % (
        the_plan.label,
        "; ".join(parts),
        sentence(CONTRACT_HINT),
    )


def _member_differences(the_plan, wanted):
    """'missing ...', 'not wanted ...': how the members read back differ from ``wanted``."""
    now = set(the_plan.after_ids)
    missing = [user_id for user_id in wanted if user_id not in now]
    extra = [user_id for user_id in the_plan.after_ids if user_id not in set(wanted)]
    parts = ["missing %s" % some(_names(the_plan, missing))] if missing else []
    return parts + (["not wanted %s" % some(_names(the_plan, extra))] if extra else [])


def _names(the_plan, user_ids):
    names = {entry.user_id: entry.name for entry in the_plan.entries}
    return [names.get(user_id) or display(user_id, the_plan.users.get(user_id)) for user_id in user_ids]
