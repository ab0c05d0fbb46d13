# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters exported_states and exported_states_file (documented in their .yml files): what the
info modules read of a tenant, as the states of the role learner_states that a person would write,
so that converging the exported file changes nothing.

Only what converging keeps is declared: the enrollments an administrator made (a learner's own
enrollment from the catalog is theirs), manual completions (status ``complete``; ``passed`` and the
automatic statuses follow the learner's progress, which converge leaves alone), the members of a
program with the values their record has, and who quit; the members of groups, but smart groups'
(their members follow their rules)."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit, urlunsplit

import yaml

from ansible_collections.learnops.lms.plugins.module_utils import dates, membership
from ansible_collections.learnops.lms.plugins.plugin_utils.learner_states import (
    COMPLETIONS,
    DEPARTMENTS,
    ENROLLMENTS,
    GROUPS,
    MEMBERSHIPS,
    USERS,
)

# A user's values as learner_states_users declares them (no password: iSpring gives none back).
USER_VALUES = ("login", "email", "first_name", "last_name", "department", "role", "status")
# A manual completion: iSpring's "complete" (passed and accepted are the learner's own results).
DECLARED_STATUS = "complete"
# The order of a member's keys, as the role's docs list them.
MEMBER_FIELDS = tuple(membership.DATE_OPTIONS) + ("awarded", "score")


def learner_name(record):
    """A learner as a person names them: login, else email, else user ID (an inactive user has
    neither login nor email in iSpring's replies)."""
    for key in ("login", "email", "user_id"):
        if record.get(key):
            return {key: record[key]}
    raise ValueError("a record of course %s names no learner: %r" % (record.get("course_id"), record))


def enrollment_entries(enrollments):
    """One entry per course, in the order read: every administrator's enrollment with its access
    date, due date (none is "unlimited") and lock."""
    courses = {}
    for record in enrollments:
        if record.get("enrolled_by") != "administrator":
            continue
        learner = learner_name(record)
        if record.get("access_date"):
            learner["access_date"] = dates.date_of(record["access_date"])
        if record.get("due_date"):
            learner.update(due_date_type="due_date", due_date=dates.date_of(record["due_date"]))
        else:
            learner["due_date_type"] = "unlimited"
        if record.get("lock_after_due_date") is not None:
            learner["lock_after_due_date"] = bool(record["lock_after_due_date"])
        courses.setdefault(record["course_id"], []).append(learner)
    return [dict(course_id=course, learners=learners) for course, learners in courses.items()]


def completion_entries(results):
    """One entry per course that has manual completions: each learner with the day of theirs."""
    courses = {}
    for record in results:
        if record.get("status") != DECLARED_STATUS:
            continue
        day = dates.date_of(record.get("completion_date"))
        if day is None:
            raise ValueError(
                "the completion of %s in course %s has no date in iSpring's reply, so it cannot be declared;"
                " leave the course out of learner_states_export_courses or declare it by hand."
                % (learner_name(record), record.get("course_id"))
            )
        courses.setdefault(record["course_id"], []).append(dict(learner_name(record), date=day))
    return [dict(course_id=course, status=DECLARED_STATUS, learners=learners) for course, learners in courses.items()]


def member_value(option, record):
    """A member's value as a person writes it: a date at midnight UTC as YYYY-MM-DD, another
    moment in ISO 8601 (UTC), a score as a number; None for a value to leave out."""
    if option in membership.DATE_OPTIONS:
        millis = record.get(option + "_ms")
        if millis is None:
            return None
        moment = datetime.datetime.fromtimestamp(millis / 1000.0, dates.UTC)
        if moment.time() == datetime.time(0):
            return moment.date().isoformat()
        return dates.from_epoch_ms(millis, dates.UTC)
    value = record.get(option)
    if option == "awarded":
        return True if value else None  # not awarded is what every member starts as
    return value


def membership_entry(program, members):
    """The entry of one program: its members with their values, and the user names who quit;
    None for a program with neither (the role refuses an entry that declares nobody)."""
    entry = {key: program[key] for key in ("program_id", "ext_id") if program.get(key)}
    if len(entry) != 1:
        raise ValueError("a program to export is named by program_id or by ext_id, one of them: %r" % (program,))
    declared, quit = [], []
    for member in members:
        record = member.get("record") or {}
        if record.get("quit"):
            quit.append(member["username"])
            continue
        wanted = dict(username=member["username"])
        for option in MEMBER_FIELDS:
            value = member_value(option, record)
            if value is not None:
                wanted[option] = value
        declared.append(wanted)
    if declared:
        entry["members"] = declared
    if quit:
        entry["quit"] = quit
    return entry if declared or quit else None


def department_entries(departments):
    """The tree but its root: each department by its code (else its name) under its parent's
    code; a department whose parent is neither the root nor has a code cannot be declared (the
    role names a parent by code) and is left out, as left_out_departments says."""
    by_id = {d["department_id"]: d for d in departments}
    entries = []
    for department in departments:
        parent = by_id.get(department.get("parent_id"))
        if parent is None or not _nameable_parent(parent):
            continue
        entry = {"code": department["code"]} if department.get("code") else {}
        entry["name"] = department["name"]
        if parent.get("parent_id"):
            entry["parent"] = parent["code"]
        entries.append(entry)
    return entries


def _nameable_parent(parent):
    return not parent.get("parent_id") or bool(parent.get("code"))


def left_out_departments(departments):
    """The names of the departments that department_entries cannot declare."""
    by_id = {d["department_id"]: d for d in departments}
    return [
        d["name"] for d in departments if d.get("parent_id") in by_id and not _nameable_parent(by_id[d["parent_id"]])
    ]


def user_entries(users):
    """Each user by login with the values iSpring has (the department by code, else by ID)."""
    entries = []
    for user in users:
        values = dict(user, department=user.get("department") or user.get("department_id"))
        entries.append({key: values[key] for key in USER_VALUES if values.get(key) is not None})
    return entries


def group_entries(names, users, account_groups=()):
    """Each group named, with its members among the users read (an active user by login, another
    by user ID: iSpring finds only active users by login); a group with none, or a smart one (its
    members follow its rules, see smart_groups), is left out."""
    entries = []
    smart = set(smart_groups(names, account_groups))
    for name in names:
        members = [
            {"login": user["login"]}
            if user.get("status") == "active" and user.get("login")
            else {"user_id": user["user_id"]}
            for user in users
            if name in (user.get("groups") or [])
        ]
        if members and name not in smart:
            entries.append(dict(name=name, members=members))
    return entries


def smart_groups(names, account_groups):
    """The names among ``names`` of smart groups (ispring_user_info's groups): their members follow
    their rules and ispring_group refuses to change them, so a converge would fail on a declaration
    as soon as the rules move someone."""
    smart = {group["name"] for group in account_groups or [] if group.get("smart")}
    return [name for name in names if name in smart]


def exported_states(reads):
    """The role's states of what was read: ``enrollments`` (course_enrollment_info's),
    ``results`` (course_status_info's), ``programs`` (one item per program, with ``program``,
    its entry, and ``members``, program_member_info's), ``departments``, ``users`` and
    ``account_groups`` (ispring_user_info's ``groups``) and ``groups`` (names of groups to declare
    with their members among the users; smart ones are not)."""
    programs = [membership_entry(read["program"], read.get("members") or []) for read in reads.get("programs") or []]
    users = reads.get("users") or []
    states = {
        DEPARTMENTS: department_entries(reads.get("departments") or []),
        USERS: user_entries(users),
        GROUPS: group_entries(reads.get("groups") or [], users, reads.get("account_groups")),
        ENROLLMENTS: enrollment_entries(reads.get("enrollments") or []),
        COMPLETIONS: completion_entries(reads.get("results") or []),
        MEMBERSHIPS: [entry for entry in programs if entry],
    }
    return {name: entries for name, entries in states.items() if entries}


def without_credentials(url):
    """A URL without user name, password, query or fragment (where a token may be)."""
    if not url:
        return None
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host += ":%d" % parts.port
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def plain(value):
    """Plain Python types for yaml.safe_dump, which refuses ansible-core's tagged str, dict and list."""
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def exported_states_file(reads, sources, exported_at):
    """The states file: a header comment (when, from where) and the states in YAML."""
    lines = ["# Learner states exported by learnops.lms.export_states at %s" % exported_at]
    for lms, url in sorted((sources or {}).items()):
        shown = without_credentials(url)
        if shown:
            lines.append("#   from %s %s" % (lms, shown))
    left_out = left_out_departments(reads.get("departments") or [])
    if left_out:
        lines.append("# Not exported (the parent department has no code to name it by): %s" % ", ".join(left_out))
    for name in smart_groups(reads.get("groups") or [], reads.get("account_groups")):
        lines.append("# smart group %s: its members follow its rules; not declared" % name)
    lines += [
        "# Converging this file changes nothing until it is edited:",
        "#   ansible-playbook learnops.lms.converge -e @<this file> --check",
    ]
    states = plain(exported_states(reads))
    body = yaml.safe_dump(states, sort_keys=False, default_flow_style=False, allow_unicode=True) if states else "{}\n"
    return "\n".join(lines) + "\n---\n" + body


class FilterModule:
    def filters(self):
        return {"exported_states": exported_states, "exported_states_file": exported_states_file}
