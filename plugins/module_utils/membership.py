# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state planning of EduBrite program members (module ``program_member``).

The wanted members are validated, matched with the program's members (users who are not members
yet are looked up), compared field by field with the contract's rule (lms-api-contract.md 2.6),
and the members that need the same change are sent in one call.  Wire code stays in
``edubrite.py``; records are the dicts ``edubrite.member_record`` reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

from ansible_collections.learnops.lms.plugins.module_utils import dates, edubrite, plans
from ansible_collections.learnops.lms.plugins.module_utils.calls import NOT_RUN, batches, in_parallel
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, ReplyError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import first_shown, some
from ansible_collections.learnops.lms.plugins.module_utils.plans import by_kind

IDENTIFIERS = ("username", "user_id", "open_id")
DATE_OPTIONS = edubrite.DATE_OPTIONS
FIELD_OPTIONS = tuple(DATE_OPTIONS) + ("awarded", "score")
STATES = ("present", "absent", "quit")
# The options whose values (or list items) must not be empty (runner.check_params).
ID_OPTIONS = ("program_id", "ext_id", "usernames", "user_ids", "open_ids", "quit", "removed")
# The option of the task behind each updateProgramMember field, for messages.
OPTION_OF = dict({param: option for option, param in DATE_OPTIONS.items()}, award="awarded", score="score")
OPTION_OF["quitProgram"] = "state=quit"
EARLIEST_MS = 10**11  # 1973-03-03: an EduBrite date below it is probably in seconds

# Why an unknown name fails a removal too: it is more often a typo than a user already gone.
UNKNOWN_HINT = {
    "absent": " A user to remove must be one EduBrite knows (a member or not): a misspelt name would leave the "
    "user meant in the program.",
    "quit": " A user to mark as quit must be one EduBrite knows: a misspelt name would leave the user meant "
    "active in the program.",
}


# --- the desired state, validated before anything is read or written ---


@dataclass(eq=False)
class Wanted:
    """A user as the task names them, with the fields (updateProgramMember parameters) they should have."""

    kind: str
    value: str
    fields: dict
    member: dict | None = None  # the user's current record, when a member
    user: dict | None = None  # the user as looked up, when not a member
    state: str = "present"  # what the task asks for the user: present, quit or absent

    @property
    def label(self):
        return "member %s=%s" % (self.kind, self.value)

    def ids(self):
        """username, user_id and open_id as far as known; the one the task used always."""
        source = self.member or self.user or {}
        found = {kind: source.get(kind) for kind in IDENTIFIERS}
        found[self.kind] = self.value
        return found


# The lists of user names that state=present takes besides the members (one session for a
# program's whole declaration), and the state each asks for.
ALSO = {"quit": "quit", "removed": "absent"}


def validate(params):
    """Every check of the task's values that needs no request, in the order the module runs them
    before its first request (the role learner_states runs the same for every entry of its states
    file before any task): (the time zone, the program, the wanted users)."""
    check_options(params)
    tz = dates.timezone(params["timezone"])
    prog = edubrite.program(params["program_id"], params["ext_id"])
    return tz, prog, wanted_members(params, tz)


def check_options(params):
    if params["batch_size"] < 1:
        raise ValidationError("batch_size must be at least 1, not %d." % params["batch_size"])
    also = [option for option in ALSO if params.get(option)]
    if also and params["state"] != "present":
        raise ValidationError(
            "%s only apply to state=present (the users to mark as quit or to remove besides the members), not "
            "state=%s; with state=%s list the users in usernames."
            % (" and ".join(also), params["state"], params["state"])
        )
    _check_listed_once(params)
    if params["exclusive"] and params["state"] != "present":
        raise ValidationError("exclusive=true only applies to state=present, not %s." % params["state"])
    listed = params["members"] or any(params[kind + "s"] for kind in IDENTIFIERS)
    if params["exclusive"] and not listed and not params["allow_empty"]:
        raise ValidationError(
            "exclusive=true with no member listed would remove every member of the program; if that is meant, "
            "say so with allow_empty=true (a vars file that lost its list would otherwise empty the program)."
        )


def _check_listed_once(params):
    """A user name in two of members/usernames, quit and removed would change on every run (added,
    then removed): refused, naming both lists."""
    lists = {"members": [m.get("username") for m in params["members"]] + list(params["usernames"])}
    lists.update((option, params.get(option) or []) for option in ALSO)
    seen = {}
    for option, names in lists.items():
        for name in names:
            if name and seen.setdefault(name, option) != option:
                shown = "usernames/members" if seen[name] == "members" else seen[name]
                raise ValidationError(
                    "username %s is in %s and in %s; a user can be declared once per program - remove it from one."
                    % (name, shown, option)
                )


def wanted_members(params, tz):
    """The users asked for (``members``, then ``usernames``, ``user_ids``, ``open_ids``, then the
    user names in ``quit`` and ``removed``), validated."""
    items = list(params["members"])
    for kind in IDENTIFIERS:
        items += [{kind: value} for value in params[kind + "s"]]
    wanted = [_wanted(position, item, params, tz) for position, item in enumerate(items)]
    for option, state in ALSO.items():
        wanted += [Wanted("username", name, {}, state=state) for name in params.get(option) or []]
    return wanted


def _wanted(position, item, params, tz):
    kind = next((name for name in IDENTIFIERS if item.get(name)), None)
    if kind is None:
        raise ValidationError(
            "members[%d]: name the user with one of %s; all are empty." % (position, ", ".join(IDENTIFIERS))
        )
    wanted = Wanted(kind, item[kind], {}, state=params["state"])
    wanted.fields = _fields(item, params, wanted.label, tz)
    if wanted.fields and params["state"] != "present":
        given = sorted(o for o in FIELD_OPTIONS if item.get(o) is not None or params[o] is not None)
        raise ValidationError(
            "%s: the fields (%s) can only be set with state=present, not %s."
            % (wanted.label, ", ".join(given), params["state"])
        )
    return wanted


def _fields(item, params, label, tz):
    """The fields a member should have, as updateProgramMember parameters."""
    fields = {}
    for option in FIELD_OPTIONS:
        value = item.get(option)
        if value is None:
            value = params[option]
        if value is None:
            continue
        if option in DATE_OPTIONS:
            fields[DATE_OPTIONS[option]] = _millis(value, "%s: %s" % (label, option), tz)
        elif option == "score":
            fields["score"] = number(value, label)
        else:
            fields["award"] = bool(value)
    if fields.get("award") is False and any(param in fields for param in edubrite.AWARD_DATE_PARAMS):
        raise ValidationError(
            "%s: award_date and award_expiry_date need awarded=true (awarded=false resets the award)." % label
        )
    _check_order(fields, label)
    return fields


# Dates that must not come before another one of the same member.
DATE_ORDER = (("startDate", "endDate"), ("awardDate", "awardExpDate"))


def _check_order(fields, label):
    for first, then in DATE_ORDER:
        if first in fields and then in fields and fields[then] < fields[first]:
            raise ValidationError(
                "%s: %s %s is before %s %s; give the dates in their order."
                % (label, OPTION_OF[then], _when(fields[then]), OPTION_OF[first], _when(fields[first]))
            )


def _when(millis):
    return dates.from_epoch_ms(millis)


def _millis(value, what, tz):
    """Epoch milliseconds of a date; a value before 1973 is refused as probably epoch seconds."""
    millis = dates.to_epoch_ms(value, what, tz)
    if millis < EARLIEST_MS:
        hint = ""
        if isinstance(value, int) or str(value).strip().lstrip("-").isdigit():
            hint = " As epoch seconds it would be %s (%d ms)." % (dates.from_epoch_ms(millis * 1000), millis * 1000)
        raise ValidationError(
            "%s: %r is %s, before 1973: probably epoch seconds, not milliseconds.%s Give epoch milliseconds or an "
            "ISO 8601 date." % (what, value, dates.from_epoch_ms(millis), hint)
        )
    return millis


def number(value, label):
    """A finite score as a float; booleans and text that is not a number are refused."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        score = float(value)
    except (TypeError, ValueError):
        raise ValidationError("%s: score %r is not a number." % (label, value)) from None
    if not math.isfinite(score):
        raise ValidationError("%s: score %r is not a finite number." % (label, value))
    return score


# --- the current state ---


def resolve(client, wanted, members):
    """Attach the current record to every wanted user.  Users who are not members are looked up,
    whatever the state: with present they must be added; with absent or quit a name EduBrite does
    not know is a typo that would read as done while the user meant keeps access.  The task fails
    listing every unknown user."""
    index = {kind: {m[kind]: m for m in members if m[kind]} for kind in IDENTIFIERS}
    for w in wanted:
        w.member = index[w.kind].get(w.value)
    unknown = _look_up(client, [w for w in wanted if w.member is None], index["user_id"])
    if unknown:
        labels = [w.label for w in unknown]
        hint = "".join(UNKNOWN_HINT.get(kind, "") for kind in dict.fromkeys(w.state for w in unknown))
        raise ValidationError(
            "%d user(s) unknown to EduBrite: %s. Check the names.%s" % (len(unknown), some(labels), hint),
            unknown=first_shown(labels),
            not_found=by_kind(unknown),
        )


def _look_up(client, absent, members_by_id):
    """Attach the user record of each wanted user the listing does not hold (one look-up per
    distinct name); returns those EduBrite does not know."""
    names = list(dict.fromkeys((w.kind, w.value) for w in absent))
    users = dict(zip(names, client.get_users(names), strict=True))
    unknown = []
    for w in absent:
        w.user = users[(w.kind, w.value)]
        if w.user is None:
            unknown.append(w)
        elif w.user["user_id"] in members_by_id:
            # a member the listing names differently (for example without its open id)
            w.member = members_by_id[w.user["user_id"]]
    return unknown


def check_carried(prog, state, wanted, members):
    """A field the task compares that the listing never carries fails before any write (contract
    3.4 r3): read as "not set", it would be sent again on every run."""
    compared = {name for w in wanted for name in w.fields if w.state == "present"}
    if state == "quit" or any(w.state == "quit" for w in wanted):
        compared.add("quitProgram")
    missing = members.never_carried([name for name in edubrite.FIELD_ORDER if name in compared])
    if not missing:
        return
    options = ", ".join(OPTION_OF[name] for name in missing)
    raise ReplyError(
        "EduBrite listProgramMembers of %s: no member listed (%d) carries %s (neither as an attribute nor as a "
        "child element of <member>), so this task cannot compare %s: read as not set, it would be sent again "
        "on every run. Leave %s out of this task, or ask EduBrite why the listing leaves it out; "
        "edubrite_tenant_check (point member_fields) lists the member values the site's listing carries. "
        "Listing reads: %s"
        % (
            edubrite.program_label(prog),
            len(members),
            ", ".join(" or ".join(edubrite.CARRIED_BY[name]) for name in missing),
            options,
            options,
            members.sample,
        ),
        never_carried=missing,
    )


# --- the plan ---


def same_value(param, current, wanted):
    """The contract's comparison (2.6): dates at millisecond precision, score as a number."""
    if param == "score" and current is not None and wanted is not None:
        return math.isclose(float(current), float(wanted), rel_tol=edubrite.SCORE_RELATIVE_TOLERANCE, abs_tol=1e-9)
    return current == wanted


def changes_for(member, fields, state):
    """(must be added, updateProgramMember fields) for one user (contract 2.6)."""
    if state == "absent":
        return False, ({"remove": True} if member else {})
    if state == "quit":
        return False, ({"quitProgram": True} if member and not member["quit"] else {})
    if member is None:
        return True, dict(fields)
    return False, {name: value for name, value in fields.items() if not same_value(name, member.get(name), value)}


def predicted(member, add, fields, ids):
    """The member's record once the change is applied, as the contract describes it."""
    if fields.get("remove") or (member is None and not add):
        return None
    after = dict(member) if member else new_member(ids)
    for name, value in fields.items():
        if name == "award":
            after["award"] = value
            after["status"] = edubrite.STATUS_COMPLETED if value else edubrite.STATUS_ENROLLED
            if not value and edubrite.AWARD_RESET_CLEARS_AWARD_DATES:
                after.update({p: None for p in edubrite.AWARD_DATE_PARAMS if p not in fields})
        elif name == "quitProgram":
            after["quit"] = True
        else:
            after[name] = value
    return after


def new_member(ids):
    """The record of a member just added, before any field is set."""
    record = dict(ids, status=edubrite.STATUS_ENROLLED, quit=False, award=False, score=None)
    record.update((param, None) for param in edubrite.DATE_PARAMS)
    return record


def _shown(member, tz):
    """A member's record as the diff shows it: the ISO dates, without their epoch copies."""
    view = member_view(member, tz)
    return None if view is None else {name: value for name, value in view.items() if not name.endswith("_ms")}


def member_view(member, tz=dates.UTC):
    """A member's record for results and diffs: each date in ISO 8601 and in epoch milliseconds."""
    if member is None:
        return None
    view = dict(status=member["status"], quit=member["quit"], awarded=member["award"], score=member["score"])
    for option, param in DATE_OPTIONS.items():
        view[option] = dates.from_epoch_ms(member[param], tz)
        view[option + "_ms"] = member[param]
    return view


@dataclass(eq=False)
class Entry:
    """One user of the plan: the record before, the record after (predicted, then as read back),
    the writes that take it there, and what the module reports of it."""

    ids: dict
    named: tuple  # how the user is named on the wire: (kind, value)
    before: dict | None
    after: dict | None
    add: bool = False
    fields: dict = field(default_factory=dict)
    removed_by_exclusive: bool = False
    state: str = "present"  # asked for: present, quit or absent (removed, also by exclusive)
    twin: Entry | None = None  # the entry of the same user asked for earlier
    writes_done: int = 0

    @property
    def changed(self):
        return self.twin is None and bool(self.add or self.fields)

    @property
    def writes_planned(self):
        return int(self.add) + int(bool(self.fields))

    @property
    def who(self):
        return self.name

    @property
    def name(self):
        return self.ids.get("username") or self.ids.get("open_id") or self.ids.get("user_id")

    def result(self, tz):
        """The documented RETURN entry (``members[]``)."""
        source = self.twin or self
        entry = dict(self.ids, state=self.state, changed=self.changed, before=member_view(source.before, tz))
        entry["after"] = member_view(source.after, tz)
        if self.removed_by_exclusive:
            entry["removed_by_exclusive"] = True
        return entry

    def undo(self):
        """None of the writes happened: nothing changes for this user."""
        self.add, self.fields, self.after = False, {}, self.before

    @property
    def kind_of_change(self):
        if self.removed_by_exclusive or self.fields.get("remove"):
            return "removed"
        if self.fields.get("quitProgram"):
            return "quit"
        return "added" if self.add else "updated"


@dataclass
class Plan(plans.Plan):
    """What a run of ``program_member`` does in one program."""

    ITEMS, LISTED_IN = "member(s)", "members"
    prog: list
    entries: list
    tz: object
    warnings: list = field(default_factory=list)
    read: int = 0  # the program's members read

    @property
    def scope_size(self):
        """The program's members as read (every member, quit ones too)."""
        return self.read

    def calls(self, batch_size):
        """The writes, in order: the users to add, then the updates grouped by identical fields."""
        adds = [entry for entry in self.entries if entry.changed and entry.add]
        groups = {}
        for entry in self.entries:
            if entry.changed and entry.fields:
                groups.setdefault(tuple(sorted(entry.fields.items())), []).append(entry)
        calls = [("enroll", None, batch) for batch in batches(adds, batch_size)]
        for fields, entries in groups.items():
            calls += [("update", dict(fields), batch) for batch in batches(entries, batch_size)]
        return calls

    def diff_row(self, entry):
        return entry.name, _shown(entry.before, self.tz), _shown(entry.after, self.tz)

    def result(self, diff=False, unchanged=True):
        """The module's result; with ``unchanged=False`` the unchanged members are only counted."""
        result = self.listed(unchanged, tz=self.tz)
        if diff:
            result["diff"] = self.diff_of_changes("EduBrite program %s" % self.prog[0][1], absent="not a member")
        return result


def plan(prog, params, wanted, members, tz):
    """One entry per wanted user (a user asked for twice must be asked for with the same values),
    then, with exclusive, one per member not listed, to be removed."""
    the_plan, first = Plan(prog, [], tz, read=len(members)), {}
    for w in wanted:
        add, fields = changes_for(w.member, w.fields, w.state)
        ids = w.ids()
        key = ids["user_id"] or (w.kind, w.value)
        if key in first:
            twin, label, wish = first[key]
            if wish != (add, fields):
                raise ValidationError(
                    "%s is asked for twice with different values (also as %s); ask once." % (w.label, label)
                )
            the_plan.entries.append(Entry(ids, (w.kind, w.value), twin.before, twin.after, state=w.state, twin=twin))
            continue
        after = predicted(w.member, add, fields, ids) if (add or fields) else w.member
        entry = Entry(ids, (w.kind, w.value), w.member, after, add=add, fields=fields, state=w.state)
        first[key] = (entry, w.label, (add, fields))
        the_plan.entries.append(entry)
        if w.state == "present" and w.member and w.member["quit"]:
            the_plan.warnings.append(
                "%s quit the program; the module cannot re-activate a member who quit, so the member stays quit."
                % w.label
            )
    if params["exclusive"]:
        the_plan.entries += [_removal(member) for member in members if member["user_id"] not in first]
    return the_plan


def _removal(member):
    ids = {kind: member[kind] for kind in IDENTIFIERS}
    return Entry(
        ids,
        ("user_id", member["user_id"]),
        member,
        None,
        fields={"remove": True},
        removed_by_exclusive=True,
        state="absent",
    )


# --- writing ---


def users_param(batch, allowed):
    """Name the users of a call the way the task named them when they agree (the seed's usernames
    stay usernames on the wire); otherwise, or when a name holds the list's separator (it would
    name other users), by user ID."""
    kinds = {entry.named[0] for entry in batch}
    names = [entry.named[1] for entry in batch]
    if len(kinds) == 1 and not any(edubrite.USER_SEPARATOR in name for name in names):
        param = edubrite.USER_PARAMS[kinds.pop()]
        if param in allowed:
            return param, names
    return edubrite.USER_PARAMS["user_id"], [entry.ids["user_id"] for entry in batch]


def write(client, the_plan, batch_size, send_mail):
    """Add the absent members, send the grouped updates, and read the members back.  Returns the
    warnings for the task; a failed write raises an error that says exactly who was changed."""
    failure = _send(client, the_plan, batch_size, send_mail)
    read = read_back(client, the_plan)
    if failure is not None:
        raise _report_failure(failure, the_plan, read) from None
    if not read:
        return ["The members could not be read again after the changes; 'after' shows the expected records."]
    return []


def _send(client, the_plan, batch_size, send_mail):
    """The writes, one call per batch, several at a time (``max_parallel``): the users to add
    first, then the updates.  Returns the error that stopped them, or None."""
    for phase in ("enroll", "update"):
        calls = [call for call in the_plan.calls(batch_size) if call[0] == phase]
        outcomes, error = in_parallel(
            [partial(_write, client, the_plan, send_mail, *call) for call in calls], client.transport
        )
        for (_kind, _fields, batch), outcome in zip(calls, outcomes, strict=True):
            if outcome is not NOT_RUN:
                for entry in batch:
                    entry.writes_done += 1
        if error is not None:
            return error
    return None


def _write(client, the_plan, send_mail, kind, fields, batch):
    if kind == "enroll":
        param, names = users_param(batch, edubrite.ENROLL_USER_PARAMS)
        client.enroll_users_in_program(the_plan.prog, param, names, send_mail)
    else:
        param, names = users_param(batch, tuple(edubrite.USER_PARAMS.values()))
        client.update_program_member(the_plan.prog, param, names, fields)
    return True


def read_back(client, the_plan):
    """Set every known member's ``after`` from a fresh listing; False when it cannot be read."""
    try:
        members = client.list_program_members(the_plan.prog)
    except LmsError:
        return False
    by_id = {m["user_id"]: m for m in members if m["user_id"]}
    for entry in the_plan.entries:
        if entry.twin is None and entry.ids["user_id"] and (entry.changed or entry.after is not None):
            entry.after = by_id.get(entry.ids["user_id"])
    return True


def _report_failure(exc, the_plan, read):
    """The entries as what really happened (from the fresh listing when there is one, else from
    the calls that succeeded), and the failure's message saying so."""
    for entry in the_plan.entries:
        if entry.changed:
            _settle(entry, read)
    exc.message = the_plan.after_failure(exc.message, read)
    exc.details.update(the_plan.result())
    return exc


def _settle(entry, read):
    """A changed entry as the fresh listing (``read``) or the calls that succeeded show it."""
    if read and entry.ids["user_id"]:
        if entry.after == entry.before:
            entry.undo()
    elif entry.writes_done == 0:
        entry.undo()
    elif entry.writes_done < entry.writes_planned:
        entry.after = new_member(entry.ids)  # added, but its fields were not set


# --- reports (program_member_info) ---


def report(members, usernames, status, tz):
    """The members as program_member_info returns them; every user name asked for must be a
    member (a typo never reads as "nobody")."""
    wanted = list(dict.fromkeys(usernames))
    listed = {m["username"] for m in members}
    unknown = [name for name in wanted if name not in listed]
    if unknown:
        raise ValidationError(
            "usernames: %s is not a member of the program. Check the names (removed members are not listed)."
            % some(unknown),
            not_found={"username": unknown},
        )
    return [
        dict(username=m["username"], user_id=m["user_id"], open_id=m["open_id"], record=member_view(m, tz))
        for m in members
        if (not wanted or m["username"] in wanted) and (not status or m["status"] == status)
    ]
