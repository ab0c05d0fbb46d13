#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: program_member
short_description: Manage the members of an EduBrite program and their records, idempotently
version_added: 1.0.0
author:
  - learnops.lms developers (@learnops)
description:
  - Brings the members of an EduBrite program to a declared state with C(updateProgramMember) and
    C(enrollUsersInProgram) - membership, start, end and due dates, award, award and expiry dates,
    score, removal and quitting.
  - Reads the program's members once (all pages), adds the members who are absent, and updates only
    the fields that differ. A field the task does not set is left as it is. A second run changes
    nothing and sends no write.
  - Members that need the same change are sent in one call (up to O(batch_size) users a call).
  - Everything is resolved and validated before the first write - the program, every user, every
    date and score, and the permissions of O(run_as) - so bad input changes nothing.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.edubrite
  - learnops.lms.transport
options:
  program_id:
    description: ID of the program. One of O(program_id) and O(ext_id) is required.
    type: str
  ext_id:
    description: External ID of the program, instead of O(program_id).
    type: str
  state:
    description:
      - V(present) - the users are members, with the fields given. Users who are not members are
        added (C(enrollUsersInProgram)), then their fields are set.
      - V(absent) - the users are not members; members are removed (C(remove=true)). A user who is
        not a member is no change.
      - V(quit) - the users' status in the program is Quit (C(quitProgram=true)). A member who
        already quit is no change, and so is a user who is not a member.
      - The fields (O(start_date) to O(score)) may only be given with V(present).
    type: str
    choices: [present, absent, quit]
    default: present
  start_date:
    description:
      - Start date of every member that does not give its own. An ISO 8601 date (V(2026-01-05),
        midnight in O(timezone)), an ISO 8601 date-time (V(2026-01-05T09:00:00+01:00); without
        an offset it is taken in O(timezone)), or epoch milliseconds (V(1767571200000)).
      - Compared with the member's date at millisecond precision.
    type: raw
  end_date:
    description: End date, in the forms of O(start_date).
    type: raw
  due_date:
    description: Due date, in the forms of O(start_date).
    type: raw
  awarded:
    description:
      - V(true) awards the program (status C(COMPLETED)); V(false) resets the award.
      - Not set - the award is left as it is.
    type: bool
  award_date:
    description: Award (completion) date, in the forms of O(start_date).
    type: raw
  award_expiry_date:
    description: Award expiry (validity) date, in the forms of O(start_date).
    type: raw
  score:
    description: Total points, a number (compared as a number, so V(88) and V(88.0) are the same).
    type: raw
  members:
    description:
      - The users, each named one way, each may override the fields above.
    type: list
    elements: dict
    default: []
    suboptions:
      username:
        description: User name (login) of the user. Exactly one of O(members[].username),
          O(members[].user_id) and O(members[].open_id) is required.
        type: str
      user_id:
        description: EduBrite ID of the user.
        type: str
      open_id:
        description: Open ID of the user.
        type: str
      start_date:
        description: Start date for this member, instead of O(start_date).
        type: raw
      end_date:
        description: End date for this member, instead of O(end_date).
        type: raw
      due_date:
        description: Due date for this member, instead of O(due_date).
        type: raw
      awarded:
        description: Award for this member, instead of O(awarded).
        type: bool
      award_date:
        description: Award date for this member, instead of O(award_date).
        type: raw
      award_expiry_date:
        description: Award expiry date for this member, instead of O(award_expiry_date).
        type: raw
      score:
        description: Score for this member, instead of O(score).
        type: raw
  usernames:
    description: Shortcut for members named by user name, with the task's fields.
    type: list
    elements: str
    default: []
  user_ids:
    description: Shortcut for members named by user ID, with the task's fields.
    type: list
    elements: str
    default: []
  open_ids:
    description: Shortcut for members named by open ID, with the task's fields.
    type: list
    elements: str
    default: []
  exclusive:
    description:
      - Also remove the members of the program that the task does not list (they are reported in
        RV(members) with RV(members[].removed_by_exclusive)).
      - With no member listed, every member is removed.
      - Only with O(state=present).
    type: bool
    default: false
  send_mail:
    description:
      - Have EduBrite send its enrolment mail to the users that are added.
      - With V(true), the call that adds users is not repeated after a lost reply (the mail could go
        out twice); the task fails instead and a rerun finishes the job.
    type: bool
    default: false
  timezone:
    description:
      - IANA time zone in which a bare date (V(2026-01-05)) or a date-time without offset is meant,
        and in which the returned ISO dates are given.
    type: str
    default: UTC
  batch_size:
    description: Most users named in one C(updateProgramMember) or C(enrollUsersInProgram) call.
    type: int
    default: 500
notes:
  - Supports C(check_mode) (nothing is written; the result says what would change) and C(diff_mode).
  - Users who are not members yet are looked up one by one (C(userService get), EduBrite has no call
    that looks up many users), eight at a time, before anything is written, so that unknown users
    are reported together; members already listed need no lookup.
  - After writing, the module reads the members again, so that RV(members[].after) shows the values
    EduBrite set (for example the start date it gives a new member). In check mode RV(members[].after)
    is the predicted record.
  - When a write fails after its retries, the task fails and RV(members) says, from a fresh listing
    when one can be read, which members were changed and which were not. Running the task again
    finishes the job.
  - Reads, logins and C(updateProgramMember) (it sets absolute values) are repeated after a lost
    reply or HTTP 502/504; adding users with O(send_mail=true) is not (the mail could go out twice).
  - The module does not re-activate a member who quit (the API has no such call); with
    O(state=present) such a member's fields are still set, it stays quit, and the task warns.
  - "Inferred from the vendor documentation and to check on a real tenant (each is one constant in
    C(module_utils/edubrite.py)): C(listProgramMembers) answers with C(<programMembers>) holding one
    C(<member>) element per member whose attributes (C(userId), C(userName), C(openId), C(status),
    C(quit), C(award), C(score) and the five dates in epoch milliseconds, empty when not set) hold
    the record, with C(numItems), at most 1000 a page, paged by C(currPage) from 0; C(status)
    C(COMPLETED) means awarded; an unknown program or user, and C(updateProgramMember) on a user who
    is not a member, answer msg C(0004) (so absent users are first added with
    C(enrollUsersInProgram)); an expired session answers msg C(0174) (the module then logs in again once and repeats the call); C(enrollUsersInProgram)
    answers msg C(0) and C(updateProgramMember) msg C(0226)."
  - "Not stated by the vendor at all, and only used to predict records in check mode: resetting the
    award (O(awarded=false)) also clears the award and award expiry dates."
seealso:
  - module: learnops.lms.program_member_info
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: all
"""

EXAMPLES = r"""
- name: Spring cohort of the onboarding program
  learnops.lms.program_member:
    site_url: https://acme.edubrite.com
    api_username: "{{ edubrite_api_username }}"
    api_password: "{{ edubrite_api_password }}"
    run_as: adminusername
    program_id: xxxx-xxxx-xxxx-xxxx
    start_date: "2026-01-05"
    due_date: "2026-03-31"
    members:
      - username: user1
      - username: user2
        awarded: true
        award_date: "2026-02-10"
        award_expiry_date: "2027-02-10"
        score: 92.5
      - user_id: 0a94dd08-1000-4000-8000-000000000014
      - open_id: oid-user3

- name: End date of two learners, in epoch milliseconds (the vendor's sample)
  learnops.lms.program_member:
    program_id: xxxx-xxxx-xxxx-xxxx
    usernames: [user1, user2]
    end_date: 1495163497116

- name: Exactly these members, nobody else (connection from module_defaults)
  learnops.lms.program_member:
    ext_id: ONBOARDING
    usernames: "{{ onboarding_cohort }}"
    exclusive: true

- name: Reset the award of a learner
  learnops.lms.program_member:
    ext_id: ONBOARDING
    usernames: [user2]
    awarded: false

- name: Two learners quit the program
  learnops.lms.program_member:
    program_id: xxxx-xxxx-xxxx-xxxx
    state: quit
    usernames: [user3, user4]

- name: Remove a learner
  learnops.lms.program_member:
    program_id: xxxx-xxxx-xxxx-xxxx
    state: absent
    open_ids: [oid-user4]

# The connection is usually set once per play:
#   module_defaults:
#     group/learnops.lms.edubrite:
#       site_url: https://acme.edubrite.com
#       api_username: "{{ edubrite_api_username }}"
#       api_password: "{{ edubrite_api_password }}"
#       run_as: adminusername
- name: Due dates in Berlin time, previewed first with --check --diff
  learnops.lms.program_member:
    ext_id: ONBOARDING
    timezone: Europe/Berlin
    due_date: "2026-03-31"
    usernames: [user1, user2]
"""

RETURN = r"""
members:
  description:
    - One entry per member asked for, in the order asked (O(members), then O(usernames),
      O(user_ids), O(open_ids)), then one per member removed by O(exclusive).
    - In a failed task, says which members were changed before the failure.
  returned: always
  type: list
  elements: dict
  contains:
    username:
      description: User name.
      type: str
      sample: user1
    user_id:
      description: EduBrite user ID (null for a user who is not a member and was not looked up).
      type: str
      sample: 0a1b2c3d-1000-4000-8000-000000000011
    open_id:
      description: Open ID.
      type: str
    changed:
      description: Whether this member was (or, in check mode, would be) changed.
      type: bool
    before:
      description:
        - The record before the task, or null when the user was not a member.
        - Keys C(status) (C(ENROLLED) or C(COMPLETED)), C(quit), C(awarded), C(score), and
          C(start_date), C(end_date), C(due_date), C(award_date), C(award_expiry_date), each an ISO
          8601 date-time in O(timezone) (null when not set), with its epoch milliseconds under the
          same key followed by C(_ms).
      type: dict
      sample:
        status: ENROLLED
        quit: false
        awarded: false
        score: null
        start_date: "2026-01-05T00:00:00+00:00"
        start_date_ms: 1767571200000
        end_date: null
        end_date_ms: null
        due_date: null
        due_date_ms: null
        award_date: null
        award_date_ms: null
        award_expiry_date: null
        award_expiry_date_ms: null
    after:
      description: The record after the task, in the same form, or null when the user is not a member.
      type: dict
    removed_by_exclusive:
      description: Present and true for members removed because O(exclusive=true) and not listed.
      type: bool
"""

import math

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, dates, edubrite
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, ValidationError

IDENTIFIERS = ("username", "user_id", "open_id")
DATE_OPTIONS = edubrite.DATE_OPTIONS
FIELD_OPTIONS = tuple(DATE_OPTIONS) + ("awarded", "score")
NOTHING_CHANGED = "Nothing was changed."


# --- desired state, validated before anything is read or written ---


def number(value, label):
    """A finite score as a float; booleans and text that is not a number are refused."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        score = float(value)
    except (TypeError, ValueError):
        raise ValidationError("%s: score %r is not a number." % (label, value))
    if not math.isfinite(score):
        raise ValidationError("%s: score %r is not a finite number." % (label, value))
    return score


def wanted_fields(item, params, label, tz):
    """The fields a member should have, as updateProgramMember parameters, validated."""
    fields = {}
    for option in FIELD_OPTIONS:
        value = item.get(option)
        if value is None:
            value = params[option]
        if value is None:
            continue
        if option in DATE_OPTIONS:
            fields[DATE_OPTIONS[option]] = dates.to_epoch_ms(value, "%s: %s" % (label, option), tz)
        elif option == "score":
            fields["score"] = number(value, label)
        else:
            fields["award"] = bool(value)
    return fields


def wanted_members(params, tz):
    """One dict per user asked for: how it is named, a label for messages, and its fields."""
    items = list(params["members"])
    for kind in IDENTIFIERS:
        items += [{kind: value} for value in params[kind + "s"]]
    wanted = []
    for position, item in enumerate(items):
        kind = next((name for name in IDENTIFIERS if item.get(name)), None)
        if kind is None:
            raise ValidationError(
                "members[%d]: name the user with one of %s; all are empty." % (position, ", ".join(IDENTIFIERS))
            )
        label = "member %s=%s" % (kind, item[kind])
        fields = wanted_fields(item, params, label, tz)
        if fields and params["state"] != "present":
            raise ValidationError(
                "%s: the fields (%s) can only be set with state=present, not %s."
                % (
                    label,
                    ", ".join(sorted(o for o in FIELD_OPTIONS if item.get(o) is not None or params[o] is not None)),
                    params["state"],
                )
            )
        wanted.append(dict(kind=kind, value=item[kind], label=label, fields=fields))
    return wanted


def check_options(params):
    if params["batch_size"] < 1:
        raise ValidationError("batch_size must be at least 1, not %d." % params["batch_size"])
    if params["exclusive"] and params["state"] != "present":
        raise ValidationError("exclusive=true only applies to state=present, not %s." % params["state"])


# --- current state ---


def resolve(client, params, wanted, members):
    """Attach the current record to every wanted user; users who are not members are looked up
    (only with state=present, where they must be added).  Fails listing every unknown user."""
    index = {kind: {m[kind]: m for m in members if m[kind]} for kind in IDENTIFIERS}
    for w in wanted:
        w["member"] = index[w["kind"]].get(w["value"])
        w["user"] = None
    absent = [w for w in wanted if w["member"] is None] if params["state"] == "present" else []
    names = list(dict.fromkeys((w["kind"], w["value"]) for w in absent))
    users = dict(zip(names, client.get_users(names)))
    unknown = []
    for w in absent:
        w["user"] = user = users[(w["kind"], w["value"])]
        if user is None:
            unknown.append(w["label"])
        elif user["user_id"] in index["user_id"]:
            # a member the listing names differently (for example without its open id)
            w["member"] = index["user_id"][user["user_id"]]
    if unknown:
        raise ValidationError(
            "%d user(s) unknown to EduBrite: %s. Check the names." % (len(unknown), ", ".join(unknown)), unknown=unknown
        )


# --- the plan ---


def changes_for(w, state):
    """(must be added, updateProgramMember fields) for one wanted user (contract 2.6)."""
    member = w["member"]
    if state == "absent":
        return False, ({"remove": True} if member else {})
    if state == "quit":
        return False, ({"quitProgram": True} if member and not member["quit"] else {})
    if member is None:
        return True, dict(w["fields"])
    return False, {
        name: value for name, value in w["fields"].items() if not edubrite.same_value(name, member.get(name), value)
    }


def predicted(member, add, fields, ids):
    """The member's record once the change is applied, as the contract describes it."""
    if fields.get("remove"):
        return None
    if member is None and not add:
        return None
    after = (
        dict(member)
        if member
        else dict(
            ids,
            status=edubrite.STATUS_ENROLLED,
            quit=False,
            award=False,
            score=None,
            **{param: None for param in edubrite.DATE_PARAMS},
        )
    )
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


class Plan:
    """What a run does: result entries, users to add, and updates grouped by identical change."""

    def __init__(self):
        self.entries = []
        self.adds = []  # items: dict(entry, named=(kind, value), user_id)
        self.groups = {}  # fields key -> [items]
        self.records = {}  # id(entry) -> (record before, predicted record)

    def add_entry(self, entry, before, after):
        self.entries.append(entry)
        self.records[id(entry)] = (before, after)

    @property
    def changed(self):
        return any(entry["changed"] for entry in self.entries)


def plan(params, wanted, members, tz):
    result, claimed = Plan(), {}
    for w in wanted:
        add, fields = changes_for(w, params["state"])
        source = w["member"] or w["user"] or {}
        ids = dict((kind, source.get(kind)) for kind in IDENTIFIERS)
        ids[w["kind"]] = w["value"]
        key = ids["user_id"] or (w["kind"], w["value"])
        if key in claimed:
            first = claimed[key]
            if first["wish"] != (add, fields):
                raise ValidationError(
                    "%s is asked for twice with different values (also as %s); ask once." % (w["label"], first["label"])
                )
            entry = dict(ids, changed=False, before=first["entry"]["before"], after=first["entry"]["after"])
            result.add_entry(entry, *result.records[id(first["entry"])])
            continue
        after = predicted(w["member"], add, fields, ids) if (add or fields) else w["member"]
        entry = dict(
            ids,
            changed=bool(add or fields),
            before=edubrite.member_view(w["member"], tz),
            after=edubrite.member_view(after, tz),
        )
        claimed[key] = dict(wish=(add, fields), label=w["label"], entry=entry)
        result.add_entry(entry, w["member"], after)
        item = dict(entry=entry, named=(w["kind"], w["value"]), user_id=ids["user_id"])
        if add:
            result.adds.append(item)
        if fields:
            result.groups.setdefault(tuple(sorted(fields.items())), []).append(item)
    if params["exclusive"]:
        listed = set(claimed)
        for member in members:
            if member["user_id"] in listed:
                continue
            entry = dict(
                ((kind, member[kind]) for kind in IDENTIFIERS),
                changed=True,
                before=edubrite.member_view(member, tz),
                after=None,
                removed_by_exclusive=True,
            )
            result.add_entry(entry, member, None)
            result.groups.setdefault((("remove", True),), []).append(
                dict(entry=entry, named=("user_id", member["user_id"]), user_id=member["user_id"])
            )
    return result


def users_param(batch, allowed):
    """Name the users of a call the way the task named them when they agree (the seed's usernames
    stay usernames on the wire); otherwise by user ID."""
    kinds = {item["named"][0] for item in batch}
    if len(kinds) == 1:
        param = edubrite.USER_PARAMS[kinds.pop()]
        if param in allowed:
            return param, [item["named"][1] for item in batch]
    return edubrite.USER_PARAMS["user_id"], [item["user_id"] for item in batch]


# --- writing ---


def apply(client, prog, params, the_plan):
    """Add the absent members, then send the grouped updates, ``batch_size`` users a call.

    Returns None, or on a failure (exception, {id(entry): writes done}) for the entries with a
    planned change, so that the caller can report exactly who changed.
    """
    size = params["batch_size"]
    done = {}
    calls = [("enroll", None, the_plan.adds[start : start + size]) for start in range(0, len(the_plan.adds), size)]
    for fields, items in the_plan.groups.items():
        calls += [("update", dict(fields), items[start : start + size]) for start in range(0, len(items), size)]
    for kind, fields, batch in calls:
        try:
            if kind == "enroll":
                param, names = users_param(batch, edubrite.ENROLL_USER_PARAMS)
                client.enroll_users_in_program(prog, param, names, params["send_mail"])
            else:
                param, names = users_param(batch, tuple(edubrite.USER_PARAMS.values()))
                client.update_program_member(prog, param, names, fields)
        except LmsError as exc:
            return exc, done
        for item in batch:
            done[id(item["entry"])] = done.get(id(item["entry"]), 0) + 1
    return None


def writes_planned(the_plan):
    planned = {}
    for item in the_plan.adds + [item for items in the_plan.groups.values() for item in items]:
        planned[id(item["entry"])] = planned.get(id(item["entry"]), 0) + 1
    return planned


def read_back(client, prog, the_plan, tz):
    """The records after the writes, from a fresh listing: {id(entry): record or None}; None when
    the listing cannot be read."""
    try:
        members = client.list_program_members(prog)
    except LmsError:
        return None
    by_id = {m["user_id"]: m for m in members if m["user_id"]}
    return {id(entry): by_id.get(entry["user_id"]) for entry in the_plan.entries if entry["user_id"]}


def report_failure(exc, the_plan, done, actual, tz):
    """Turn the entries into what really happened, and the failure into a message that says so."""
    planned = writes_planned(the_plan)
    for entry in the_plan.entries:
        if not entry["changed"]:
            continue
        before, after = the_plan.records[id(entry)]
        if actual is not None and entry["user_id"]:
            now = actual.get(id(entry))
            entry["changed"] = now != before
            entry["after"] = edubrite.member_view(now, tz)
        elif done.get(id(entry), 0) == 0:
            entry["changed"], entry["after"] = False, entry["before"]
        elif done[id(entry)] < planned[id(entry)]:
            # added, but the update of its fields failed: a new member without them
            entry["after"] = edubrite.member_view(
                predicted(None, True, {}, dict((kind, entry[kind]) for kind in IDENTIFIERS)), tz
            )
    changed = the_plan.changed
    names = [member_name(entry) for entry in the_plan.entries if entry["changed"]]
    source = "" if actual is not None else " (from the calls that succeeded; the members could not be read again)"
    if names:
        exc.message += (
            " Some members were changed before the failure (%s); the members list says which were "
            "changed%s. Run the task again to finish." % (", ".join(names), source)
        )
    else:
        exc.message += " Nothing was changed before the failure%s. Run the task again to finish." % source
    exc.details.update(changed=changed, members=the_plan.entries)
    return exc


# --- results ---


def member_name(entry):
    return entry.get("username") or entry.get("open_id") or entry.get("user_id")


def describe(entry, state):
    values = entry[state]
    if values is None:
        return "%s: not a member\n" % member_name(entry)
    shown = ["status %s" % values["status"]] + (["quit"] if values["quit"] else [])
    shown += ["awarded"] if values["awarded"] else []
    shown += ["score %s" % values["score"]] if values["score"] is not None else []
    shown += ["%s %s" % (option, values[option]) for option in DATE_OPTIONS if values[option]]
    return "%s: %s\n" % (member_name(entry), ", ".join(shown))


def run(module, client):
    params = module.params
    try:
        check_options(params)
        tz = dates.timezone(params["timezone"])
        prog = edubrite.program(params["program_id"], params["ext_id"])
        wanted = wanted_members(params, tz)
        members = client.members_of(prog)
        resolve(client, params, wanted, members)
        the_plan = plan(params, wanted, members, tz)
    except LmsError as exc:
        exc.message = exc.message.rstrip(".") + ". " + NOTHING_CHANGED
        raise
    for w in wanted:
        if params["state"] == "present" and w["member"] and w["member"]["quit"]:
            module.warn(
                "%s quit the program; the module cannot re-activate a member who quit, so the "
                "member stays quit." % w["label"]
            )
    if the_plan.changed and not module.check_mode:
        failure = apply(client, prog, params, the_plan)
        actual = read_back(client, prog, the_plan, tz)
        if failure is not None:
            exc, done = failure
            raise report_failure(exc, the_plan, done, actual, tz)
        if actual is None:
            module.warn("The members could not be read again after the changes; 'after' shows the expected records.")
        else:
            for entry in the_plan.entries:
                if entry["user_id"] and (entry["changed"] or entry["after"] is not None):
                    entry["after"] = edubrite.member_view(actual.get(id(entry)), tz)
    result = dict(changed=the_plan.changed, members=the_plan.entries)
    if module._diff:
        shown = [entry for entry in the_plan.entries if entry["changed"]]
        header = "EduBrite program %s" % prog[0][1]
        result["diff"] = dict(
            before_header=header,
            after_header=header,
            before="".join(describe(e, "before") for e in shown),
            after="".join(describe(e, "after") for e in shown),
        )
    return result


def main():
    member_options = dict(
        username=dict(type="str"),
        user_id=dict(type="str"),
        open_id=dict(type="str"),
        start_date=dict(type="raw"),
        end_date=dict(type="raw"),
        due_date=dict(type="raw"),
        awarded=dict(type="bool"),
        award_date=dict(type="raw"),
        award_expiry_date=dict(type="raw"),
        score=dict(type="raw"),
    )
    module = AnsibleModule(
        argument_spec=arguments.edubrite_spec(
            program_id=dict(type="str"),
            ext_id=dict(type="str"),
            state=dict(type="str", choices=["present", "absent", "quit"], default="present"),
            start_date=dict(type="raw"),
            end_date=dict(type="raw"),
            due_date=dict(type="raw"),
            awarded=dict(type="bool"),
            award_date=dict(type="raw"),
            award_expiry_date=dict(type="raw"),
            score=dict(type="raw"),
            members=dict(
                type="list",
                elements="dict",
                default=[],
                options=member_options,
                mutually_exclusive=[IDENTIFIERS],
                required_one_of=[IDENTIFIERS],
            ),
            usernames=dict(type="list", elements="str", default=[]),
            user_ids=dict(type="list", elements="str", default=[]),
            open_ids=dict(type="list", elements="str", default=[]),
            exclusive=dict(type="bool", default=False),
            send_mail=dict(type="bool", default=False),
            timezone=dict(type="str", default="UTC"),
            batch_size=dict(type="int", default=500),
        ),
        required_one_of=[("program_id", "ext_id")],
        mutually_exclusive=[("program_id", "ext_id")],
        supports_check_mode=True,
    )
    arguments.require_libraries(module)
    try:
        result = run(module, arguments.edubrite_client(module))
    except LmsError as exc:
        details = dict(changed=False, members=[])
        details.update(exc.details)
        module.fail_json(msg=exc.message, **details)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
