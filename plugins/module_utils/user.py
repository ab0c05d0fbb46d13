# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state planning of iSpring Learn users (module ``ispring_user``; the reports of
``ispring_user_info``).

The wanted users are validated, matched by login with the account's users (``GET /users/v2`` by
logins[], whatever their status), their departments found by code or ID (``GET /departments``) and
their groups by name (``GET /groups``, then ``GET /group/{id}`` for the members), compared value by
value (only the values given), and written: ``POST /user`` for a new user, ``POST /user/{id}`` and
``POST /user/{id}/status`` for one that differs, ``DELETE /user/{id}`` for ``state=absent``, side
by side; then one ``POST /group/{id}/members`` per group that gains members, with its current
members (contract 3.3: the call may add or may replace), each group read back after.
Wire code stays in ``ispring_rest.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from ansible_collections.learnops.lms.plugins.module_utils import ispring_rest, people, plans
from ansible_collections.learnops.lms.plugins.module_utils.calls import NOT_RUN, CallFailed, in_parallel, named
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    LmsError,
    OutcomeUnknown,
    ReplyError,
    ValidationError,
)
from ansible_collections.learnops.lms.plugins.module_utils.ispring import field_key
from ansible_collections.learnops.lms.plugins.module_utils.ispring_rest import as_text
from ansible_collections.learnops.lms.plugins.module_utils.messages import sentence, some

STATUSES = tuple(ispring_rest.USER_STATUSES)
STATUS_WORDS = {str(number): word for word, number in ispring_rest.USER_STATUSES.items()}
ROLES = ispring_rest.USER_ROLES
NAMES = ("email", "first_name", "last_name")  # profile fields with options of their own
VALUES = NAMES + ("department", "role", "status", "fields", "groups")
NEW_ONLY = ("password", "send_login_email")
# [assumed] what POST /user gives for a value NewUser leaves out: an active learner.
NEW_STATUS, NEW_ROLE = "active", "learner"
# A department that is only planned (check mode, new_departments): never sent, as nothing is written.
PLANNED_DEPARTMENT_ID = "(new department %s)"
# An address with one @, something before it and a dotted domain after it, no spaces.
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# Field names that have options of their own (or are the key), refused under `fields`.
OWN_FIELDS = {field_key(name) for name in ("login",) + NAMES + (ispring_rest.FIRST_NAME_FIELD, "lastName")}
WIRE_NAMES = dict(email="email", first_name=ispring_rest.FIRST_NAME_FIELD, last_name=ispring_rest.LAST_NAME_FIELD)


# --- the desired state, validated before anything is written ---


@dataclass(eq=False)
class Wanted:
    """A user as the task declares them: the values given (None: not given, neither compared nor
    changed), the groups to be in, and what only a new user takes."""

    where: str
    login: str
    values: dict
    groups: tuple = ()
    password: str | None = None
    send_login_email: bool | None = None
    department_id: str | None = None  # found for values["department"]
    group_ids: tuple = ()  # found for groups

    @property
    def label(self):
        return "%s (login %s)" % (self.where, self.login)


def validate(params):
    """(the wanted users, each login once; the problems found without a request)."""
    problems, by_login = [], {}
    for position, item in enumerate(params["users"]):
        wanted = _wanted("users[%d]" % position, item, params["state"], problems)
        if wanted is None:
            continue
        first = by_login.setdefault(wanted.login, wanted)
        if first is not wanted and _declared(first) != _declared(wanted):
            problems.append(
                "%s and %s declare login %s with different values (%s); declare the user once"
                % (first.where, wanted.where, wanted.login, ", ".join(_conflicts(first, wanted)))
            )
    return list(by_login.values()), problems


def _declared(wanted):
    return (wanted.values, wanted.groups, wanted.password, wanted.send_login_email)


def _conflicts(first, other):
    names = [name for name in VALUES if first.values.get(name) != other.values.get(name)]
    names += ["groups"] if first.groups != other.groups else []
    return names + [name for name in NEW_ONLY if getattr(first, name) != getattr(other, name)]


def _wanted(where, item, state, problems):
    login = (item.get("login") or "").strip()
    if not login:
        problems.append("%s: login is empty; every user is named by login" % where)
        return None
    wanted = Wanted(
        where,
        login,
        {name: item.get(name) for name in VALUES if name != "groups" and item.get(name) is not None},
        groups=tuple(dict.fromkeys(item.get("groups") or ())),
        password=item.get("password"),
        send_login_email=item.get("send_login_email"),
    )
    problems += ["%s: %s" % (wanted.label, text) for text in _value_problems(wanted, state)]
    return wanted


def _value_problems(wanted, state):
    """What is wrong with one user's values, without a request."""
    if state == "absent":
        given = [
            name for name in VALUES + NEW_ONLY if wanted.values.get(name) is not None or getattr(wanted, name, None)
        ]
        return ["%s cannot be set with state=absent (it deletes the user)" % ", ".join(given)] if given else []
    return _format_problems(wanted.values) + _name_problems(wanted)


def _format_problems(values):
    """The email, status, role and department given that cannot be right."""
    found = []
    if "email" in values and not EMAIL.match(values["email"]):
        found.append("email %r is not an email address" % values["email"])
    if "status" in values and values["status"] not in STATUSES:
        found.append("status %r is unknown; use one of %s" % (values["status"], ", ".join(STATUSES)))
    if "role" in values and values["role"] not in ROLES:
        found.append("role %r is unknown; use one of %s" % (values["role"], ", ".join(ROLES)))
    if "department" in values and not str(values["department"]).strip():
        found.append("department is empty; give a department code or ID")
    return found


def _name_problems(wanted):
    """Empty group names, and fields that have options of their own."""
    found = ["groups[%d] is empty; give a group name" % n for n, name in enumerate(wanted.groups) if not name.strip()]
    own = sorted(name for name in wanted.values.get("fields") or {} if field_key(name) in OWN_FIELDS)
    if own:
        found.append("fields %s have options of their own (login, email, first_name, last_name)" % ", ".join(own))
    return found


def fail_on(problems):
    """One error listing every problem, each with its culprit."""
    problems = list(problems)
    if problems:
        raise ValidationError(
            "%d problem(s) in users: %s." % (len(problems), "; ".join(problems)), problems=list(problems)
        )


# --- the current state ---


@dataclass
class Account:
    """What the task reads of the account before it plans: the users by login, the departments
    (when a user names one) and the groups (when a user names one) with their members."""

    users: dict  # login: UserProfile
    departments: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    members: dict = field(default_factory=dict)  # group ID: set of user IDs
    case_twins: dict = field(default_factory=dict)  # login declared: the user listed for it in another case
    cut: dict = field(default_factory=dict)  # group ID: the problem of its cut member list (read_members)
    counts: dict = field(default_factory=dict)  # group ID: usersCount of its GET /group/{id} (reports)
    unlisted: dict = field(default_factory=dict)  # group ID: how many members it counts but does not list (reports)

    def department(self, department_id):
        """The department with this ID; None: none read."""
        return next((d for d in self.departments if d.department_id == department_id), None)

    def department_code(self, department_id):
        """A department's code (else its ID) for the result."""
        found = self.department(department_id)
        return (found.code or found.department_id) if found else department_id

    def group_names(self, user_id, group_ids):
        """The names of the ``group_ids`` groups that the user is in."""
        names = {group.group_id: group.name for group in self.groups}
        return sorted(names[gid] for gid in group_ids if user_id in self.members.get(gid, ()))


def read(client, wanted):
    """The Account as the task needs it: one listing of users by login (every status), and the
    departments and groups only when some user names them."""
    directory = people.look_up(client, [w.login for w in wanted], every_status=True)
    people.check_single(directory, [("login", w.login) for w in wanted])
    users = {w.login: directory.find("login", w.login) for w in wanted}
    account = Account({login: user for login, user in users.items() if user is not None})
    account.case_twins = _case_twins(directory, [login for login, user in users.items() if user is None])
    _read_named(client, account, wanted)
    return account


def _read_named(client, account, wanted):
    """The departments and the groups, when some user names them."""
    if any("department" in w.values for w in wanted):
        account.departments = list(client.list_departments())
    if any(w.groups for w in wanted):
        account.groups = client.list_groups()


def _case_twins(directory, unfound):
    """{login: the user listed for it in another case}.  Such a user is that login's user to the
    service: never "no such user" (a delete that does nothing), nor a second account to create."""
    folded = {user.login.lower(): user for user in directory.by_id.values() if user.login}
    return {login: folded[login.lower()] for login in unfound if login.lower() in folded}


def plan_departments(account, codes):
    """Check mode: the departments an earlier task of the run would create (``new_departments``), as
    departments of the account that no request names (PLANNED_DEPARTMENT_ID), so that users may name them."""
    known = {department.code for department in account.departments}
    account.departments += [
        ispring_rest.Department(PLANNED_DEPARTMENT_ID % code, code, code, None)
        for code in dict.fromkeys(code.strip() for code in codes)
        if code and code not in known
    ]


def resolve(wanted, account, state):
    """Set each user's department and group IDs; the problems (unknown department or group, a smart
    group, a new user without what NewUser needs), each naming its user."""
    problems = []
    for w in wanted:
        problems += ["%s: %s" % (w.label, text) for text in _resolve_one(w, account, state)]
    return problems


def _resolve_one(w, account, state):
    found = _resolve_department(w, account) + _resolve_groups(w, account)
    twin = account.case_twins.get(w.login)
    if twin is not None:
        found.append(
            "iSpring lists user %s (ID %s) for this login, which differs only in case; write the login as the "
            "account has it" % (twin.login, twin.user_id)
        )
    elif state == "present" and w.login not in account.users:
        lacking = [name for name in ("email", "department") if name not in w.values]
        if lacking:
            found.append("a new user needs %s (NewUser requires a department and an email)" % " and ".join(lacking))
    return found


def _resolve_department(w, account):
    if "department" not in w.values:
        return []
    w.department_id, problem = people.department_id(account.departments, str(w.values["department"]).strip())
    return [problem] if problem else []


def _resolve_groups(w, account):
    found, ids = [], []
    for name in w.groups:
        group, problem = _group(account.groups, name)
        found += [problem] if problem else []
        ids += [group.group_id] if group and not problem else []
    w.group_ids = tuple(ids)
    return found


def _group(groups, name):
    """(the group of this name, a problem or None)."""
    named = [group for group in groups if group.name == name]
    if not named:
        return None, "group %r is no group of the account" % name
    if len(named) > 1:
        return None, "%d groups are named %r; rename one" % (len(named), name)
    if named[0].is_smart:
        return None, "group %r is a smart group, whose members follow its rules; leave it out" % name
    return named[0], None


def read_members(client, wanted, account):
    """The members of every group a user is to be in (GET /group/{id} each); the problem of each
    group whose reply lists fewer members than it counts goes in ``account.cut``."""
    group_ids = {gid for w in wanted for gid in w.group_ids}
    for group_id in sorted(group_ids):
        group, member_ids = client.get_group(group_id)
        account.members[group_id] = set(member_ids)
        problem = group.cut_list(member_ids)
        if problem:
            account.cut[group_id] = problem


def check_cut_groups(the_plan, account):
    """Fail before any write when a user is to join a group whose member list is cut (the members it
    does not list could be dropped by UpdateGroupMembers), naming the group and who joins it."""
    joining = {}
    for entry in the_plan.entries:
        for group_id in entry.joining:
            joining.setdefault(group_id, []).append(entry.who)
    fail_on(
        "%s (users to join it: %s)" % (account.cut[gid], ", ".join(logins))
        for gid, logins in sorted(joining.items())
        if gid in account.cut
    )


# --- the rules: what "the same" means ---


def snapshot(user, w, account):
    """What the module reports of a user (RETURN ``before`` and ``after``); None: no such user.
    ``fields`` and ``groups`` hold only those the task names."""
    if user is None:
        return None
    return dict(
        login=user.login,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        department=account.department_code(user.department_id),
        role=user.role,
        status=STATUS_WORDS.get(str(user.status), user.status),
        fields={name: user.field_value(name) for name in w.values.get("fields") or {}},
        groups=account.group_names(user.user_id, w.group_ids),
    )


def differences(user, w):
    """The values given that the user does not have (an email case-insensitively)."""
    found = _profile_differences(user, w.values)
    if w.department_id is not None and str(user.department_id) != w.department_id:
        found.append("department")
    if "status" in w.values and STATUS_WORDS.get(str(user.status)) != w.values["status"]:
        found.append("status")
    given = w.values.get("fields") or {}
    return found + ["fields.%s" % name for name in given if not _same(user.field_value(name), given[name])]


def _same(current, value):
    """A name or field as read and as given: empty text, null and a value not listed are one
    (the service need not list an empty value), else the same text."""
    return (current or None) == (as_text(value) or None)


def _profile_differences(user, values):
    """Of the email, names and role given, those the user does not have."""
    found = []
    if "email" in values and people.email_key(user.email) != people.email_key(values["email"]):
        found.append("email")
    found += [
        name for name in ("first_name", "last_name") if name in values and not _same(getattr(user, name), values[name])
    ]
    return found + (["role"] if "role" in values and user.role != values["role"] else [])


def predicted(before, w, account, differing):
    """A user's report once the task's values are applied (``before`` None: a new user)."""
    after = dict(before) if before is not None else _new_report(w)
    for name in ("email", "first_name", "last_name", "role", "status"):
        if name in w.values and (before is None or name in differing):
            after[name] = w.values[name] or None  # an empty name reads back as none
    if w.department_id is not None:
        after["department"] = account.department_code(w.department_id)
    return _with_fields_and_groups(after, w, account)


def _with_fields_and_groups(after, w, account):
    """``after`` with the fields the task gives, and in the groups it names."""
    after["fields"] = dict(after["fields"], **{name: as_text(v) for name, v in (w.values.get("fields") or {}).items()})
    names = {group.group_id: group.name for group in account.groups}
    after["groups"] = sorted(set(after["groups"]) | {names[gid] for gid in w.group_ids})
    return after


def _new_report(w):
    """What a new user is before the task's values: an active learner (NEW_ROLE, NEW_STATUS)."""
    return dict(
        login=w.login,
        first_name=None,
        last_name=None,
        email=None,
        fields={},
        groups=[],
        role=NEW_ROLE,
        status=NEW_STATUS,
        department=None,
    )


# --- the plan ---


@dataclass(eq=False)
class Entry:
    """One declared user and what the task does to them."""

    wanted: Wanted
    current: object  # the UserProfile before the task, or None
    before: dict | None
    action: str | None = None  # create, update, delete
    differing: list = field(default_factory=list)  # the values an update changes
    joining: list = field(default_factory=list)  # IDs of the groups the user is added to
    after: dict | None = None
    user_id: str | None = None
    sent: bool = False  # a write of it took
    maybe: bool = False  # its calls failed after a write took or went out (reply lost): it may have changed

    @property
    def changed(self):
        return self.action is not None or bool(self.joining)

    @property
    def who(self):
        return self.wanted.login

    @property
    def kind_of_change(self):
        return {"create": "to create", "delete": "to delete"}.get(self.action, "to update")

    def not_applied(self):
        self.action, self.differing, self.joining, self.after = None, [], [], self.before

    def result(self):
        return dict(
            login=self.wanted.login, user_id=self.user_id, changed=self.changed, before=self.before, after=self.after
        )


@dataclass
class Plan(plans.Plan):
    """What a run of ``ispring_user`` does."""

    ITEMS, LISTED_IN = "user(s)", "users"
    entries: list = field(default_factory=list)

    @property
    def scope_size(self):
        """The declared users the account has (each once): the users the task reads."""
        return len({entry.user_id for entry in self.entries if entry.user_id is not None})

    def doing(self, action):
        return [entry for entry in self.entries if entry.action == action]

    def result(self, diff=False, unchanged=True):
        """The module's result; with ``unchanged=False`` the unchanged users are only counted."""
        result = self.listed(unchanged)
        if diff:
            result["diff"] = self.diff_of_changes("users", absent="no such user")
        return result


def plan(wanted, account, state):
    """One entry per declared user, in the order declared."""
    return Plan([_entry(w, account, state) for w in wanted])


def _entry(w, account, state):
    user = account.users.get(w.login)
    entry = Entry(w, user, snapshot(user, w, account), user_id=user.user_id if user else None)
    if state == "absent":
        entry.action = "delete" if user else None
        entry.after = None if user else entry.before
        return entry
    if user is None:
        entry.action, entry.joining = "create", list(w.group_ids)
    else:
        entry.differing = differences(user, w)
        entry.action = "update" if entry.differing else None
        entry.joining = [gid for gid in w.group_ids if user.user_id not in account.members.get(gid, ())]
    entry.after = predicted(entry.before, w, account, entry.differing) if entry.changed else entry.before
    return entry


# --- writing ---


def _new_fields(w):
    """NewUser.fields: the login, the names given, and the other fields given."""
    found = dict(login=w.login)
    found.update((WIRE_NAMES[name], w.values[name]) for name in NAMES if name in w.values)
    found.update((name, _sent(value)) for name, value in (w.values.get("fields") or {}).items())
    return found


def _sent(value):
    """A field's value as text; a null one as empty text (UserProfileFields holds strings)."""
    return "" if value is None else str(value)


def _changed_fields(entry):
    """UpdateUser.fields: the login and email (the schema requires them) and the fields that differ;
    None when no field differs."""
    w, user = entry.wanted, entry.current
    names = [name for name in NAMES if name in entry.differing]
    custom = [name for name in w.values.get("fields") or {} if "fields.%s" % name in entry.differing]
    if not (names or custom):
        return None
    found = dict(login=w.login, email=w.values.get("email", user.email))
    found.update((WIRE_NAMES[name], w.values[name]) for name in names)
    found.update((name, _sent(w.values["fields"][name])) for name in custom)
    return found


def _create(client, entry):
    w = entry.wanted
    try:
        entry.user_id = client.add_user(
            w.department_id,
            _new_fields(w),
            password=w.password,
            role=w.values.get("role"),
            send_login_email=w.send_login_email,
        )
        entry.sent = True
    except ApiError as exc:
        exc.message = sentence(exc.message) + (
            " If login %s is taken, its user was not listed by login (GET /users/v2 lists every status here: "
            "ispring_rest.USERS_EVERY_STATUS), or is outside the token's departments" % w.login
        )
        raise
    if w.values.get("status", NEW_STATUS) != NEW_STATUS:
        client.set_user_status(entry.user_id, w.values["status"])
    return entry


def _update(client, entry):
    w, differing = entry.wanted, entry.differing
    fields = _changed_fields(entry)
    department = w.department_id if "department" in differing else None
    role = w.values["role"] if "role" in differing else None
    if fields or department or role:
        client.update_user(entry.user_id, department_id=department, role=role, fields=fields)
        entry.sent = True
    if "status" in differing:
        client.set_user_status(entry.user_id, w.values["status"])
    return entry


def _delete(client, entry):
    client.delete_user(entry.user_id)
    return entry


def _user_calls(client, the_plan):
    """(entry, call) of each user to create, change or delete."""
    sends = dict(create=_create, update=_update, delete=_delete)
    words = dict(create="creating", update="changing", delete="deleting")
    return [
        (
            entry,
            named("%s user %s" % (words[entry.action], entry.who), partial(_send, sends[entry.action], client, entry)),
        )
        for entry in the_plan.entries
        if entry.action in sends
    ]


def _send(send, client, entry):
    """``send(client, entry)``; when it fails after a write took, or with a write whose reply was lost,
    the entry ``maybe`` changed (read back, else reported as changed)."""
    try:
        return send(client, entry)
    except LmsError as exc:
        entry.maybe = entry.sent or isinstance(exc, OutcomeUnknown)
        raise


def _join(client, group_id, user_ids):
    """Add the users to the group: its current members (read now) and the new ones, then read back
    (3.3: the call may add or may replace).  Returns (the members it should have, those read back)."""
    group, current = client.get_group(group_id)
    problem = group.cut_list(current)
    if problem:  # read again just before the call: the list may be cut now
        raise ValidationError(sentence(problem))
    wanted = list(dict.fromkeys(current + list(user_ids)))
    if len(wanted) > len(current):
        client.update_group_members(group_id, current, user_ids)
    return wanted, set(client.get_group(group_id)[1])


def write(client, the_plan, account):
    """Send the writes (users side by side, then the groups side by side) and read the users back;
    returns the task's warnings.  A failed write raises an error saying exactly who was changed."""
    work = _user_calls(client, the_plan)
    outcomes, error = in_parallel([call for _entry, call in work], client.transport)
    done = {id(entry) for (entry, _call), outcome in zip(work, outcomes, strict=True) if outcome is not NOT_RUN}
    joined = {}
    if error is None:
        joined, error = _write_groups(client, the_plan)
    failed = [entry for entry, _call in work if id(entry) not in done and not entry.maybe]
    return _settle(client, the_plan, account, joined, failed, error)


def _write_groups(client, the_plan):
    """One call per group that gains members; ({group ID: members read back}, the first error).  A
    group read back without someone it should have is an error, after its members are recorded: the
    users it did take in were changed all the same."""
    adding = _joining(the_plan)
    groups = sorted(adding)
    work = [named(_adding(g, adding[g]), partial(_join, client, g, adding[g])) for g in groups]
    outcomes, error = in_parallel(work, client.transport)
    done = {g: outcome for g, outcome in zip(groups, outcomes, strict=True) if outcome is not NOT_RUN}
    for group_id, (wanted, found) in done.items():
        lacking = [user_id for user_id in wanted if user_id not in found]
        if lacking and error is None:
            error = CallFailed(_adding(group_id, adding[group_id]), _lacking(group_id, lacking, adding[group_id]))
    return {g: found for g, (_wanted, found) in done.items()}, error


def _joining(the_plan):
    """{group ID: the IDs of the users the plan adds to it}."""
    adding = {}
    for entry in the_plan.entries:
        for group_id in entry.joining:
            adding.setdefault(group_id, []).append(entry.user_id)
    return adding


def _lacking(group_id, lacking, added):
    """The error of a group read back without members it should have; those it had before the call
    were removed by it, which a rerun does not undo (they are no users of the task)."""
    lost = [user_id for user_id in lacking if user_id not in added]
    text = "group %s: after UpdateGroupMembers it lacks %d of the users it should have (%s)" % (
        group_id,
        len(lacking),
        some(lacking),
    )
    if lost:
        text += "; %d of them were members before the call (%s), which a rerun does not add back" % (
            len(lost),
            some(lost),
        )
    return ReplyError(text + ". Check the group in iSpring and report how UpdateGroupMembers behaved.")


def _adding(group_id, user_ids):
    return "adding %d user(s) to group %s" % (len(user_ids), group_id)


def _settle(client, the_plan, account, joined, failed, error):
    """Each planned entry as a fresh listing shows it (else as the calls that succeeded say); the
    failure, if any, with what was changed before it."""
    planned = [entry for entry in the_plan.entries if entry.changed]
    for entry in failed:
        entry.not_applied()
    for entry in the_plan.entries:  # a user joined a group if it read back with them
        entry.joining = [gid for gid in entry.joining if entry.user_id in joined.get(gid, ())]
    account.members.update(joined)
    read = read_back(client, planned, account)
    if error is not None:
        raise the_plan.failure(the_plan.after_failure(error.message, read)) from None
    return [] if read else ["The users could not be read again after the changes; 'after' shows the expected values."]


def read_back(client, planned, account):
    """Set the planned entries' ``after`` from one listing of their logins (an entry whose call
    failed but which changed all the same counts as changed); False when it cannot be read."""
    if not planned:
        return True
    try:
        directory = people.look_up(client, [entry.who for entry in planned], every_status=True)
    except LmsError:
        return False
    for entry in planned:
        _settle_entry(entry, directory.find("login", entry.who), account)
    return True


def _settle_entry(entry, user, account):
    """The entry as the user read back shows it."""
    entry.user_id = user.user_id if user else entry.user_id
    entry.after = snapshot(user, entry.wanted, account)
    if entry.maybe and entry.after == entry.before:  # its calls failed, and changed nothing
        entry.not_applied()
    if not entry.changed and entry.after != entry.before:
        entry.action = "create" if entry.before is None else "delete" if entry.after is None else "update"


# --- reports (ispring_user_info) ---


def report(client, params):
    """The users as ``ispring_user_info`` returns them, ordered by login, the account's
    departments and its groups: the users named (login, email, user ID) and those in the departments (codes or IDs)
    and groups (names); every user when no filter is given.  A department, group or user named
    that the account does not have fails the task, all named: a typo never reads as "nobody"."""
    account = Account({}, client.list_departments(), client.list_groups())
    department_ids, group_ids, problems = _audiences(account, params)
    _fail_report(problems, {})
    named = people.look_up(client, params["logins"], params["emails"], every_status=True)
    users = {user.user_id: user for user in named.by_id.values()}
    users.update(_audience_users(client, params, account, department_ids, group_ids))
    missing = people.not_found(
        dict(login=params["logins"], email=params["emails"], user_id=params["user_ids"]),
        lambda kind, value: (value in users) if kind == "user_id" else named.knows(kind, value),
    )
    _fail_report(["no user has %s" % label for label in people.labels(missing)], missing)
    _read_all_members(client, account, users.values())
    return (
        [reported(user, account) for user in sorted(users.values(), key=lambda user: user.login or "")],
        [reported_department(department, account) for department in account.departments],
        [reported_group(group, account) for group in account.groups],
        [_cut_warning(group, account) for group in account.groups if account.unlisted.get(group.group_id)],
    )


def _cut_warning(group, account):
    """The warning of a group read whose reply lists fewer members than it counts: the users
    reported as its members are those listed."""
    listed = len(account.members[group.group_id])
    return (
        "group %s (ID %s) lists %d member(s) but counts %d (usersCount of GET /group/{id}): the users reported as its "
        "members are the %d listed (a token that sees part of the group, or a cut list)"
        % (group.name, group.group_id, listed, listed + account.unlisted[group.group_id], listed)
    )


def _audience_users(client, params, account, department_ids, group_ids):
    """{user ID: user} of the users named by ID and those of the departments and groups (every user
    when the task names nobody)."""
    for group_id in group_ids:  # a group's members from the group itself (DetailedGroup.userIds)
        _read_group(client, account, group_id)
    user_ids = list(dict.fromkeys(list(params["user_ids"]) + sorted(set().union(*account.members.values()))))
    if user_ids or department_ids or not (params["logins"] or params["emails"] or group_ids):
        return {user.user_id: user for user in client.users_where(user_ids, department_ids)}
    return {}


def _fail_report(problems, missing):
    if problems:
        raise ValidationError(
            "%s. Check the names (departments by code or ID, groups by name); nothing is reported."
            % "; ".join(problems),
            not_found=missing,
        )


def _audiences(account, params):
    """(department IDs, group IDs, problems) of the departments and groups the task names."""
    department_ids, group_ids, problems = [], [], []
    for value in params["departments"]:
        found, problem = people.department_id(account.departments, value)
        department_ids += [found] if found else []
        problems += [problem] if problem else []
    for name in params["groups"]:
        named = [group for group in account.groups if group.name == name]
        group_ids += [group.group_id for group in named]
        problems += [] if named else ["group %r is no group of the account" % name]
    return department_ids, group_ids, problems


def _read_all_members(client, account, users):
    """The members of every group (those not read yet), when some user's record does not list its groups."""
    if any(user.groups is None for user in users):
        for group in account.groups:
            if group.group_id not in account.members:
                _read_group(client, account, group.group_id)
        return
    for user in users:
        for group_id in user.groups:
            account.members.setdefault(group_id, set()).add(user.user_id)


def _read_group(client, account, group_id):
    """One group's members and count (GET /group/{id}, a DetailedGroup)."""
    detailed, member_ids = client.get_group(group_id)
    account.members[group_id] = set(member_ids)
    account.counts[group_id] = detailed.users_count
    account.unlisted[group_id] = detailed.unlisted(member_ids)


def reported_group(group, account):
    """A group as ``ispring_user_info`` returns them (listed anyway for the names): a smart group's
    members follow its rules; the count only of a group read (GET /group/{id})."""
    return dict(
        group_id=group.group_id,
        name=group.name,
        smart=group.is_smart,
        users_count=account.counts.get(group.group_id, group.users_count),
    )


def reported_department(department, account):
    """A department as ``ispring_user_info`` returns them (read anyway for the users' codes)."""
    parent = account.department(department.parent_id)
    return dict(
        department_id=department.department_id,
        name=department.name,
        code=department.code,
        parent_id=department.parent_id,
        parent=parent.code if parent else None,
    )


def reported(user, account):
    """A user as ``ispring_user_info`` returns them."""
    department = account.department(user.department_id)
    return dict(
        user_id=user.user_id,
        login=user.login,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        department_id=user.department_id,
        department=department.code if department else None,
        status=STATUS_WORDS.get(str(user.status), user.status),
        role=user.role,
        groups=account.group_names(user.user_id, [group.group_id for group in account.groups]),
    )
