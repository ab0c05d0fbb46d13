# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state planning of iSpring Learn enrollments (module ``course_enrollment``; the reports
of ``course_enrollment_info``).

The wanted learners are validated, resolved to users (``GET /users`` by login or email), matched
with each course's enrollments (``GET /enrollments``, all pages), compared value by value (the
rules are the module's DOCUMENTATION: what "the same" means), and written in as few calls as the
values allow: one ``POST /enrollment`` per group of learners and courses that share every value,
one ``POST /enrollment/{id}`` per enrollment whose values differ, one ``POST /enrollment/delete``
per batch of removals.  Wire code stays in ``ispring_rest.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from functools import partial

from ansible_collections.learnops.lms.plugins.module_utils import dates, ispring, ispring_rest, people, plans
from ansible_collections.learnops.lms.plugins.module_utils.calls import NOT_RUN, batches, in_parallel, in_turn
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    LmsError,
    OutcomeUnknown,
    ReplyError,
    ValidationError,
)
from ansible_collections.learnops.lms.plugins.module_utils.messages import first_shown, sentence, some
from ansible_collections.learnops.lms.plugins.module_utils.plans import by_kind, change_diff, change_summary, changes_of

IDENTIFIERS = ("user_id", "login", "email")
BY_NAME = people.BY_NAME
STATES = ("present", "absent")
DUE_DATE_TYPES = ispring_rest.DUE_DATE_TYPES
DUE_OPTIONS = ("due_date_type", "due_date", "due_period")
VALUE_OPTIONS = ("access_date",) + DUE_OPTIONS + ("lock_after_due_date",)
# What a new enrollment gets for a value the task does not give.
NEW_DUE_DATE_TYPE = "unlimited"  # the module's choice: a due date only when the task asks for one
NEW_LOCK = False  # [assumed] NewEnrollment without lockAfterDueDate: not locked
NEW_TYPE_GROUP = ispring_rest.ENROLLED_BY_ADMIN  # [assumed] an enrollment made over the API is an administrator's
ENROLLED_BY = {ispring_rest.ENROLLED_BY_ADMIN: "administrator", ispring_rest.ENROLLED_FROM_CATALOG: "catalog"}
# The options whose values (or list items) must not be empty (runner.check_params).
ID_OPTIONS = ("course_id", "course_ids", "user_ids", "logins", "emails", "departments", "groups")
# The module's choice (issue 25 item 5): an audience (departments, groups) is its users of these
# statuses (ispring_rest.USER_STATUSES), as an administrator who enrolls "everyone in Sales" expects.
# Its inactive and terminated members are outside it, like a learner the task does not list: not
# enrolled, and removed by exclusive (the same whether a tenant's listings show them or not).
AUDIENCE_STATUSES = ("active",)
STATUS_WORDS = {str(number): word for word, number in ispring_rest.USER_STATUSES.items()}


def today():
    """[assumed] The access date iSpring gives an enrollment made without one: today, in UTC."""
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def plus_days(day, days):
    """``YYYY-MM-DD`` ``days`` calendar days after ``day``."""
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=days)).isoformat()


# --- the desired state, validated before anything is read ---


@dataclass(frozen=True)
class Values:
    """An enrollment's values as the task gives them; None is "not given": not compared, and kept."""

    access_date: str | None = None
    due_date_type: str | None = None
    due_date: str | None = None
    due_period: int | None = None
    lock_after_due_date: bool | None = None

    def wire(self):
        """The keyword arguments of ``RestClient.enroll`` and ``RestClient.change_enrollment``."""
        return dict(
            access_date=self.access_date,
            due_date_type=self.due_date_type,
            due_date=self.due_date,
            due_period=self.due_period,
            lock=self.lock_after_due_date,
        )


@dataclass(eq=False)
class Wanted(people.Learner):
    """A learner as the task names them, with the values their enrollments should have."""

    values: Values
    user_id: str | None = None  # given, or found for a login or email
    audience: str | None = None  # a learner of a department or group: which one (``department SALES``)

    @property
    def named(self):
        """(kind, value) when the learner is named by login or email, for the result."""
        return (self.kind, self.value) if self.kind in BY_NAME else None


def validate(params):
    """Every check of the task's values that needs no request, in the order the module runs them
    before its first request (the role learner_states runs the same for every entry of its states
    file before any task): (the courses, the wanted learners)."""
    check_options(params)
    courses = course_ids(params)
    return courses, wanted_learners(params, courses)


def check_options(params):
    """What can be checked of the task's own options, first."""
    if params["batch_size"] < 1:
        raise ValidationError("batch_size must be at least 1, not %d." % params["batch_size"])
    if params["exclusive"] and params["state"] != "present":
        raise ValidationError("exclusive=true only applies to state=present, not %s." % params["state"])
    given = [name for name in VALUE_OPTIONS if params[name] is not None]
    if given and params["state"] == "absent":
        raise ValidationError(
            "%s can only be set with state=present (state=absent removes the enrollments)." % ", ".join(given)
        )
    _values({}, params, None)


def course_ids(params):
    """The courses, in the order given, each once; an empty ID is refused."""
    if params["course_id"] is not None:
        given, name = [params["course_id"]], "course_id"
    else:
        given, name = list(params["course_ids"]), "course_ids"
    if not given:
        raise ValidationError("course_ids is empty; give the ID of at least one course.")
    for position, value in enumerate(given):
        if not value.strip():
            where = name if name == "course_id" else "%s[%d]" % (name, position)
            raise ValidationError("%s is empty; give the ID of a course." % where)
    return list(dict.fromkeys(given))


def wanted_learners(params, courses):
    """The learners asked for (``learners``, then ``user_ids``, ``logins``, ``emails``), validated."""
    items = [("learners[%d]" % n, item) for n, item in enumerate(params["learners"])]
    for kind in IDENTIFIERS:
        items += [("%ss[%d]" % (kind, n), {kind: value}) for n, value in enumerate(params[kind + "s"])]
    wanted = [_wanted(where, item, params) for where, item in items]
    if not (params.get("departments") or params.get("groups")):  # an audience is checked once read (check_empty)
        check_empty(params, courses, wanted)
    return wanted


def check_empty(params, courses, wanted):
    """exclusive=true with no learner at all (none listed, no active user in the audience) is refused
    unless allow_empty: it would remove every enrollment an administrator made."""
    if not params["exclusive"] or wanted or params["allow_empty"]:
        return
    audience = _audience_words(params)
    raise ValidationError(
        "exclusive=true with no learners%s would remove every enrollment an administrator made in course(s) %s. "
        "List the learners, or set allow_empty=true if that is what you want."
        % (" (and no active user in %s)" % audience if audience else "", some(courses))
    )


def _audience_words(params):
    words = ["department %s" % value for value in params.get("departments") or ()]
    return some(words + ["group %s" % name for name in params.get("groups") or ()])


def _wanted(where, item, params):
    kind = next((name for name in IDENTIFIERS if (item.get(name) or "").strip()), None)
    if kind is None:
        raise ValidationError("%s: name the learner with one of %s; all are empty." % (where, ", ".join(IDENTIFIERS)))
    label = people.learner_label(kind, item[kind])
    given = [name for name in VALUE_OPTIONS if item.get(name) is not None]
    if given and params["state"] == "absent":
        raise ValidationError("%s: %s can only be set with state=present." % (label, ", ".join(given)))
    user_id = item[kind] if kind == "user_id" else None
    return Wanted(kind, item[kind], _values(item, params, label), user_id=user_id)


def _values(item, params, label):
    """The values for one learner: ``access_date`` and ``lock_after_due_date`` each from the learner
    or else the task; the due date settings (``due_date_type``, ``due_date``, ``due_period``) all
    three from the learner when the learner gives any of them, else all three from the task."""
    due = item if any(item.get(name) is not None for name in DUE_OPTIONS) else params
    values = Values(
        access_date=_day(_own(item, params, "access_date"), label, "access_date"),
        due_date_type=due.get("due_date_type"),
        due_date=_day(due.get("due_date"), label, "due_date"),
        due_period=due.get("due_period"),
        lock_after_due_date=_own(item, params, "lock_after_due_date"),
    )
    _check_due(values, label)
    return values


def _own(item, params, name):
    value = item.get(name)
    return params[name] if value is None else value


def _day(value, label, name):
    if value is None:
        return None
    return dates.iso_date(value, "%s: %s" % (label, name) if label else name)


def _check_due(values, label):
    """A due date with due_date_type=due_date, a period of at least a day with due_period, neither
    otherwise."""
    prefix = label + ": " if label else ""
    kind = values.due_date_type
    for name in ("due_date", "due_period"):
        if getattr(values, name) is not None and kind != name:
            raise ValidationError(
                "%s%s goes with due_date_type=%s, not with %s; set due_date_type=%s or leave %s out."
                % (prefix, name, name, "due_date_type=%s" % kind if kind else "no due_date_type", name, name)
            )
    if kind == "due_date" and values.due_date is None:
        raise ValidationError("%sdue_date_type=due_date needs due_date (YYYY-MM-DD)." % prefix)
    if kind == "due_period" and (values.due_period is None or values.due_period < 1):
        raise ValidationError(
            "%sdue_date_type=due_period needs due_period, a number of days of at least 1%s."
            % (prefix, "" if values.due_period is None else ", not %d" % values.due_period)
        )


# --- the current state ---


def resolve(client, wanted):
    """Set the user ID of the learners named by login or email (active users, ``GET /users``); fails
    naming every learner that matches none.  Returns {user ID: user} of the users found."""
    directory, missing = people.resolve(client, wanted)
    if missing:
        labels = [w.label for w in missing]
        raise ValidationError(
            "%d learner(s) match no active iSpring user: %s. Check the logins and emails; iSpring lists only "
            "active users, so name an inactive user by user_id." % (len(missing), some(labels, separator="; ")),
            missing=first_shown(labels),
            not_found=by_kind(missing),
        )
    return directory.by_id


# --- audiences: departments and groups, resolved to their users at every run ---


@dataclass
class Source:
    """A department or group of the task, and who is in it."""

    label: str  # ``department SALES``, ``group Managers``
    department_ids: set = field(default_factory=set)  # the department and (AUDIENCE_SUB_DEPARTMENTS) those under it
    group_id: str | None = None
    member_ids: set = field(default_factory=set)  # a group's members (GET /group/{id}), smart groups too

    def holds(self, user):
        return user.department_id in self.department_ids or user.user_id in self.member_ids


def audience(client, params, wanted, known):
    """The learners of the task's departments and groups: their users of AUDIENCE_STATUSES, each once,
    those the task lists itself left out (the listed learner's values win), as Wanted with the task's
    values and where they come from.  The users read are added to ``known`` ({user ID: user}).
    Unknown department codes and group names fail the task, all named, before members are read."""
    if not (params.get("departments") or params.get("groups")):
        return []
    sources = _sources(client, params["departments"], params["groups"])
    users = _audience_users(client, sources)
    known.update((user.user_id, user) for user in users)
    return _members(sources, users, {w.user_id for w in wanted}, _values({}, params, None))


def _audience_users(client, sources):
    """The users of the sources' groups (their members read first) and departments, in one listing."""
    for source in sources:
        if source.group_id is not None:
            group, member_ids = client.get_group(source.group_id)
            _check_whole(source, group, member_ids)
            source.member_ids = set(member_ids)
    user_ids = sorted(set().union(*(source.member_ids for source in sources)))
    department_ids = sorted(set().union(*(source.department_ids for source in sources)))
    return client.users_where(user_ids, department_ids) if user_ids or department_ids else []


def _check_whole(source, group, member_ids):
    """A group whose reply lists fewer members than it counts (ispring_rest.GROUP_COUNT_CHECKED) is
    no audience: the members it does not list would not be enrolled, and exclusive would unenroll them."""
    unlisted = group.unlisted(member_ids)
    if unlisted:
        raise ReplyError(
            "%s (ID %s) lists %d member(s) but counts %d (usersCount of GET /group/{id}): the %d it does not list "
            "would be missed by the audience (and unenrolled with exclusive). Run the task with a token that sees "
            "every member of the group (an account administrator's), or name the learners instead"
            % (source.label, group.group_id, len(set(member_ids)), group.users_count, unlisted)
        )


def _members(sources, users, taken, values):
    """The Wanted learners of the sources, source by source, each source's users by login; a user
    already ``taken`` (listed, or in an earlier source) is skipped."""
    members = []
    for source in sources:
        for user in sorted((u for u in users if source.holds(u)), key=lambda u: (u.login or u.email or "", u.user_id)):
            if user.user_id in taken or not _learner_of_audience(user):
                continue
            taken.add(user.user_id)
            kind = "login" if user.login else "email"
            members.append(Wanted(kind, getattr(user, kind), values, user_id=user.user_id, audience=source.label))
    return members


def _learner_of_audience(user):
    """Whether a member of an audience is one of its learners (AUDIENCE_STATUSES; a user listed
    without a status is)."""
    status = str(user.status).strip().lower()
    return user.status is None or STATUS_WORDS.get(status, status) in AUDIENCE_STATUSES


def _sources(client, departments, groups):
    """The Sources of the departments (by code, else ID) and groups (by name), in the order given;
    fails naming every one the account does not have (or has twice)."""
    problems, missing, sources = [], {}, []
    audiences = (
        ("department", departments, client.list_departments, _department_source),
        ("group", groups, client.list_groups, _group_source),
    )
    for kind, values, listing, source_of in audiences:
        listed = listing() if values else []
        for value in dict.fromkeys(values or ()):
            source, problem = source_of(listed, value)
            if source is None:
                problems.append(problem)
                missing.setdefault(kind, []).append(value)
            else:
                sources.append(source)
    if problems:
        raise ValidationError(
            "%s. Check the names (departments by code, groups by name); ispring_user_info lists the users of "
            "a department or group." % "; ".join(problems),
            not_found=missing,
        )
    return sources


def _department_source(tree, value):
    """The Source of a department by code or ID, or None and the problem."""
    found, problem = people.department_id(tree, value)
    if found is None:
        return None, problem
    return Source("department %s" % value, department_ids=_under(tree, found)), None


def _group_source(listed, name):
    """The Source of a group by name, or None and the problem (no such group, or several)."""
    named = [group for group in listed if group.name == name]
    if len(named) == 1:
        return Source("group %s" % name, group_id=named[0].group_id), None
    if not named:
        return None, "group %r is no group of the account" % name
    return None, "%d groups are named %r; rename one, or list its learners instead" % (len(named), name)


def _under(departments, department_id):
    """The department and, with ispring_rest.AUDIENCE_SUB_DEPARTMENTS, every department under it."""
    found, todo = {department_id}, [department_id]
    while todo and ispring_rest.AUDIENCE_SUB_DEPARTMENTS:
        parent = todo.pop()
        children = [d.department_id for d in departments if d.parent_id == parent and d.department_id not in found]
        found.update(children)
        todo += children
    return found


def check_twins(wanted):
    """A user asked for twice (say by login and by user ID) must be asked for with the same values."""
    first = {}
    for w in wanted:
        other = first.setdefault(w.user_id, w)
        if other is not w and other.values != w.values:
            raise ValidationError(
                "%s and %s are the same user (%s), asked for with different values; ask once."
                % (other.label, w.label, w.user_id)
            )


def check_user_ids(client, wanted, the_plan, known=None):
    """Fail naming every learner named by user_id that the plan enrolls and that is no user of the
    account: one listing of users by those IDs (GET /users/v2), before any write and in check mode
    too.  A learner already enrolled in a course, or found by login or email, needs no look-up."""
    if not ispring_rest.USER_IDS_LIST_EVERY_STATUS:
        return
    asked = _enrolled_by_id(wanted, the_plan, known or {})
    if not asked:
        return
    found = client.existing_user_ids(sorted(asked))
    missing = [w for user_id, w in asked.items() if user_id not in found]
    if missing:
        labels = [w.label for w in missing]
        raise ValidationError(
            "%d learner(s) named by user_id are no user of the iSpring account, so they cannot be enrolled: %s. "
            "Check the user IDs (a deleted user has none; course_enrollment_info or the iSpring user list shows "
            "them), or name the learners by login or email." % (len(missing), some(labels, separator="; ")),
            missing=first_shown(labels),
            not_found=by_kind(missing),
        )


def _enrolled_by_id(wanted, the_plan, known):
    """{user ID: learner} of the learners named by user_id whom the plan enrolls and who are not
    ``known`` users already."""
    enrolling = {entry.user_id for entry in the_plan.doing("create")}
    return {w.user_id: w for w in wanted if w.kind == "user_id" and w.user_id in enrolling and w.user_id not in known}


def keep_access_times(client, the_plan):
    """Set the time of day that each change keeping its access day sends: an Enrollment gives its
    access date as a day only, a LearnerResult as a date-time (ispring_rest.ACCESS_TIME_OF_DAY), so
    the changed learners' results are read, one listing per course, before the first write."""
    for course_id in the_plan.courses:
        keeping = [
            entry
            for entry in the_plan.doing("update")
            if entry.course_id == course_id and entry.sent.access_date == entry.record.access_date
        ]
        if not keeping:
            continue
        try:
            results = _learners_results(client, course_id, {entry.user_id for entry in keeping})
        except ApiError as exc:
            raise explain(exc, course_id) from None
        _keep_times(keeping, results)


def _keep_times(keeping, results):
    """Each entry's access time of day, from its learner's result (matched by enrollment, else by user)."""
    by_enrollment = {result.enrollment_id: result for result in results if result.enrollment_id}
    by_user = {result.user_id: result for result in results if not result.enrollment_id}
    for entry in keeping:
        result = by_enrollment.get(entry.enrollment_id) or by_user.get(entry.user_id)
        if result is not None:
            entry.access_time = ispring_rest.access_time(result.access_date, entry.record.access_date)


def _learners_results(client, course_id, user_ids):
    found = []
    for chunk in batches(sorted(user_ids), ispring.PAGE_SIZE):
        found += client.list_learners_results(course_ids=[course_id], user_ids=chunk)
    return found


def read_current(client, courses):
    """{course ID: [Enrollment]}: every enrollment of every course, all pages."""
    found = {}
    for course_id in courses:
        try:
            found[course_id] = client.list_enrollments(course_ids=[course_id])
        except ApiError as exc:
            raise explain(exc, course_id) from None
    return found


def explain(exc, course_id):
    """The API's course faults, with the course named and what to do."""
    if exc.code == ispring.FAULT_UNKNOWN_COURSE:
        return ValidationError(
            "course_id %s: iSpring knows no such course (Unknown content item). Check the course ID." % course_id
        )
    if exc.code == ispring.FAULT_PERMISSION:
        return ApiError(
            "course_id %s: the account behind the token lacks the right to read or change the enrollments of this "
            "course (Permission denied). Use an account administrator, the administrator of the learners' "
            "departments, or a role with 'Can edit' on the course. %s" % (course_id, exc.message),
            code=exc.code,
        )
    return exc


# --- the rules: what "the same" means ---


def same_due(record, values):
    """The due date rule: unlimited is no due date; due_date is a due date on that day; due_period
    is a due date that many days after the access date (the wanted one, else the enrollment's);
    default is not compared (the API reports neither an enrollment's due date type nor the course's
    default period); no due_date_type given is not compared."""
    kind = values.due_date_type
    if kind in (None, "default"):
        return True
    if kind == "unlimited":
        return record.due_date is None
    if kind == "due_date":
        return record.due_date == values.due_date
    access = values.access_date or record.access_date
    return access is not None and record.due_date == plus_days(access, values.due_period)


def differences(record, values):
    """The values given that the enrollment does not have: dates by calendar day, the lock as a flag."""
    found = []
    if values.access_date is not None and record.access_date != values.access_date:
        found.append("access_date")
    if not same_due(record, values):
        found.append("due_date")
    if values.lock_after_due_date is not None and record.lock_after_due_date is not values.lock_after_due_date:
        found.append("lock_after_due_date")
    return found


def update_values(record, values, label):
    """The whole UpdateEnrollment of an enrollment that differs: the values given, and what the
    enrollment has for the others (its due date as a fixed date, since its type cannot be read)."""
    access = values.access_date or record.access_date
    if access is None:
        raise ValidationError(
            "%s: iSpring reports no access date for enrollment %s, and a change needs one; set access_date."
            % (label, record.enrollment_id)
        )
    if values.due_date_type is None:
        due = dict(due_date_type="due_date" if record.due_date else "unlimited", due_date=record.due_date)
    else:
        due = dict(due_date_type=values.due_date_type, due_date=values.due_date, due_period=values.due_period)
    lock = record.lock_after_due_date if values.lock_after_due_date is None else values.lock_after_due_date
    return Values(access_date=access, lock_after_due_date=lock, **due)


def create_values(values):
    """The NewEnrollment of a learner not enrolled: the values given, due_date_type unlimited if not."""
    return replace(values, due_date_type=values.due_date_type or NEW_DUE_DATE_TYPE)


def snapshot(record):
    """What the module reports of an enrollment (RETURN ``before`` and ``after``); None: not enrolled."""
    if record is None:
        return None
    return dict(
        access_date=record.access_date,
        due_date=record.due_date,
        lock_after_due_date=record.lock_after_due_date,
        enrolled_by=ENROLLED_BY.get(record.type_group),
    )


def predicted(record, sent):
    """An enrollment's values once ``sent`` is applied to it (``record`` None: a new enrollment).
    With due_date_type=default the due date cannot be known here: it is shown as it is (none for a
    new enrollment) until read back."""
    access = sent.access_date or today()
    kind = sent.due_date_type
    if kind == "due_period":
        due = plus_days(access, sent.due_period)
    elif kind in ("due_date", "unlimited"):
        due = sent.due_date
    else:
        due = record.due_date if record else None
    lock = sent.lock_after_due_date
    if lock is None:
        lock = record.lock_after_due_date if record else NEW_LOCK
    enrolled_by = snapshot(record)["enrolled_by"] if record else ENROLLED_BY[NEW_TYPE_GROUP]
    return dict(access_date=access, due_date=due, lock_after_due_date=lock, enrolled_by=enrolled_by)


# --- the plan ---


@dataclass(eq=False)
class Entry:
    """One learner in one course (declared, or removed by ``exclusive``), and what the module reports of it."""

    course_id: str
    user_id: str
    named: tuple | None
    record: ispring_rest.Enrollment | None  # before the task
    action: str | None = None  # create, update, delete
    sent: Values | None = None
    after: dict | None = None
    enrollment_id: str | None = None
    removed_by_exclusive: bool = False
    twin: Entry | None = None  # the entry of the same user asked for earlier
    unconfirmed: bool = False  # its write's reply was lost: the service may yet apply it
    leaving: dict | None = None  # a removal: the learner's login, email and result, as read before (describe_removals)
    access_time: str | None = None  # a change keeping its access day: the time of day read (keep_access_times)
    audience: str | None = None  # a learner of a department or group of the task: which one

    @property
    def changed(self):
        return self.action is not None

    def not_applied(self):
        """The write did not happen: the enrollment stays as before."""
        self.action, self.after = None, snapshot(self.record)

    def result(self):
        """The documented RETURN entry (``enrollments[]``)."""
        source = self.twin or self
        entry = dict(
            course_id=self.course_id,
            user_id=self.user_id,
            enrollment_id=source.enrollment_id,
            changed=self.changed,
            before=snapshot(source.record),
            after=source.after,
        )
        if self.leaving:
            entry.update((name, self.leaving[name]) for name in BY_NAME if self.leaving[name])
            entry.update(completion_status=self.leaving["completion_status"])
            entry.update(completion_date=self.leaving["completion_date"])
        if self.named:
            entry[self.named[0]] = self.named[1]
        if self.removed_by_exclusive:
            entry["removed_by_exclusive"] = True
        if self.audience:
            entry["audience"] = self.audience
        if self.unconfirmed:
            entry["unconfirmed"] = True
        return entry

    @property
    def who(self):
        """The learner as the task named them (else by user ID), and the enrollment, for diffs."""
        source = self.twin or self
        where = "enrollment %s" % source.enrollment_id if source.enrollment_id else "new enrollment"
        if self.removed_by_exclusive:
            where += ", not declared"
        if self.audience:
            where += ", %s" % self.audience
        if self.leaving and self.leaving["completion_status"]:
            where += ", %s" % _result_words(self.leaving)
        return "%s (%s)" % (self.name, where)

    @property
    def name(self):
        """The learner as the task named them, else by login or email when known, else by user ID."""
        if self.named:
            return self.named[1]
        known = self.leaving or {}
        return known.get("login") or known.get("email") or "user %s" % self.user_id

    @property
    def kind_of_change(self):
        return {"create": "to enroll", "update": "to change", "delete": "to remove"}[self.action]


@dataclass
class Plan(plans.Plan):
    """What a run of ``course_enrollment`` does in its courses."""

    ITEMS, LISTED_IN = "enrollment(s)", "enrollments"
    courses: list
    entries: list = field(default_factory=list)
    read: int = 0  # the enrollments read in the courses

    @property
    def scope_size(self):
        """Every enrollment read in the task's courses."""
        return self.read

    def doing(self, action):
        return [entry for entry in self.entries if entry.action == action]

    def create_calls(self, batch_size):
        """(values, courses, entries) of each ``POST /enrollment``: the learners to enroll grouped by
        identical values, then by identical courses (a call enrolls every learner in every course,
        so a call only holds learners who are to be enrolled in all of its courses)."""
        groups = {}
        for entry in self.doing("create"):
            groups.setdefault(entry.sent, {}).setdefault(entry.user_id, []).append(entry)
        calls = []
        for sent, by_user in groups.items():
            for courses, learners in _by_courses(by_user.values()).items():
                for batch in batches(learners, batch_size):
                    calls.append((sent, list(courses), [entry for entries in batch for entry in entries]))
        return calls

    def delete_calls(self, batch_size):
        return batches(self.doing("delete"), batch_size)

    def result(self, diff=False):
        result = dict(changed=self.changed, enrollments=[entry.result() for entry in self.entries])
        if diff:
            result["diff"] = dict(prepared="".join(self._diff(course_id) for course_id in self.courses))
        return result

    def _diff(self, course_id):
        """One course's part of the diff: a summary line, then each changing enrollment."""
        shown = [entry for entry in self.entries if entry.course_id == course_id and entry.changed]
        summary = change_summary(changes_of(shown), "enrollment(s)")
        rows = [(entry.who, snapshot(entry.record), entry.after) for entry in shown]
        return change_diff("course %s" % course_id, summary, rows, absent="not enrolled")["prepared"]


def _by_courses(learners):
    """{courses: [the entries of one learner]}: learners grouped by the courses they are enrolled in."""
    found = {}
    for entries in learners:
        found.setdefault(tuple(entry.course_id for entry in entries), []).append(entries)
    return found


def plan(courses, wanted, current, state, exclusive):
    """One entry per wanted learner and course (a learner asked for twice is changed once), then,
    with ``exclusive``, one per enrollment made by an administrator of a learner not asked for."""
    check_twins(wanted)
    the_plan = Plan(list(courses), read=sum(len(current[course_id]) for course_id in courses))
    for course_id in courses:
        the_plan.entries += _course_entries(course_id, wanted, current[course_id], state, exclusive)
    return the_plan


def _course_entries(course_id, wanted, records, state, exclusive):
    by_learner = {}
    for record in records:
        by_learner.setdefault(record.learner_id, record)
    entries, first = [], {}
    for w in wanted:
        if w.user_id in first:
            entries.append(Entry(course_id, w.user_id, w.named, None, twin=first[w.user_id]))
            continue
        first[w.user_id] = _entry(course_id, w, by_learner.get(w.user_id), state)
        entries.append(first[w.user_id])
    if exclusive:
        entries += [
            _removal(course_id, record)
            for record in records
            if record.learner_id not in first and record.type_group == ispring_rest.ENROLLED_BY_ADMIN
        ]
    return entries


def _entry(course_id, w, record, state):
    enrollment_id = record.enrollment_id if record else None
    entry = Entry(course_id, w.user_id, w.named, record, enrollment_id=enrollment_id, audience=w.audience)
    if state == "absent":
        entry.action = "delete" if record else None
    elif record is None:
        entry.action, entry.sent = "create", create_values(w.values)
    elif differences(record, w.values):
        entry.action, entry.sent = "update", update_values(record, w.values, w.label)
    if entry.action in ("create", "update"):
        entry.after = predicted(record, entry.sent)
    elif entry.action is None:
        entry.after = snapshot(record)
    return entry


def _removal(course_id, record):
    return Entry(
        course_id,
        record.learner_id,
        None,
        record,
        action="delete",
        enrollment_id=record.enrollment_id,
        removed_by_exclusive=True,
    )


# --- what a removal takes with it ---


def describe_removals(client, the_plan, known=None):
    """Set who each enrollment to be removed belongs to (login, email: the ``known`` users, else one
    listing of the account's active users) and the learner's current result in the course (one
    listing of results per course, filtered by the removed learners); returns a warning for each
    removal that takes a completed or passed result with it.  Reads only; also in check mode."""
    removals = the_plan.doing("delete")
    if not removals:
        return []
    users = client.people([entry.user_id for entry in removals], known)
    warnings = []
    for course_id in the_plan.courses:
        leaving = [entry for entry in removals if entry.course_id == course_id]
        if leaving:
            warnings += _describe(client, course_id, leaving, users)
    return warnings


def _describe(client, course_id, leaving, users):
    """Set who leaves the course and with what result; the warnings of results lost."""
    try:
        results = client.course_results(course_id, (), [entry.user_id for entry in leaving])
    except ApiError as exc:
        raise explain(exc, course_id) from None
    by_enrollment = {result.enrollment_id: result for result in results}
    by_user = {result.user_id: result for result in results}
    warnings = []
    for entry in leaving:
        found = by_enrollment.get(entry.enrollment_id) or by_user.get(entry.user_id)
        entry.leaving = _leaving(users.get(entry.user_id), found)
        warnings += _loss(entry)
    return warnings


def _leaving(user, result):
    return dict(
        login=user.login if user else None,
        email=user.email if user else None,
        completion_status=result.status if result else None,
        completion_date=dates.date_of(result.completion_date) if result else None,
    )


def _result_words(leaving):
    day = leaving["completion_date"]
    return "%s result%s" % (leaving["completion_status"], " of %s" % day if day else "")


def _loss(entry):
    """The warning for a removal that takes an earned result (complete, passed, accepted) with it."""
    status = entry.leaving["completion_status"]
    if status not in ispring.COMPLETED_STATUSES:
        return []
    keep = "list the learner in the task" if entry.removed_by_exclusive else "leave them out of state=absent"
    return [
        "course %s: removing %s's enrollment (%s) takes their %s result (%s) with it; to keep it, %s."
        % (
            entry.course_id,
            entry.name,
            entry.enrollment_id,
            status,
            entry.leaving["completion_date"] or "no date",
            keep,
        )
    ]


# --- writing ---


def _phases(client, the_plan, batch_size):
    """The writes as three phases run in turn - the enrollments to create, then the changes, then
    the removals -, each (side by side, [(what it does, its entries, the call)]).  The changes, one
    call per enrollment, go out side by side (max_parallel); the creations and removals, a few
    batched calls, one after the other (so that new enrollments are made in the order planned)."""
    creates = []
    for sent, courses, entries in the_plan.create_calls(batch_size):
        learners = list(dict.fromkeys(entry.user_id for entry in entries))
        doing = "enrolling %d learner(s) in course(s) %s" % (len(learners), some(courses))
        creates.append((doing, entries, partial(client.enroll, courses, learners, **sent.wire())))
    updates = []
    for entry in the_plan.doing("update"):
        doing = "changing enrollment %s (course %s, user %s)" % (entry.enrollment_id, entry.course_id, entry.user_id)
        values = dict(entry.sent.wire(), access_time=entry.access_time)
        updates.append((doing, [entry], partial(client.change_enrollment, entry.enrollment_id, **values)))
    removals = []
    for batch in the_plan.delete_calls(batch_size):
        ids = [entry.enrollment_id for entry in batch]
        doing = "removing %d enrollment(s) (%s)" % (len(ids), some(ids))
        removals.append((doing, batch, partial(client.delete_enrollments, ids)))
    return [(False, creates), (True, updates), (False, removals)]


class _Failed(LmsError):
    """A write that failed, with what it was doing and its entries (unwrapped by _run_phase)."""

    def __init__(self, doing, entries, exc):
        super().__init__(exc.message)
        self.failure = (doing, entries, exc)


def _named(doing, entries, send):
    """The call, failing with what it was doing and its entries (``_Failed``)."""

    def call():
        try:
            send()
        except LmsError as exc:
            raise _Failed(doing, entries, exc) from None
        return entries

    return call


def write(client, the_plan, batch_size):
    """Send the writes and read the enrollments back; returns the task's warnings.  A failed write
    raises an error that says exactly which enrollments were written."""
    done, failure = [], None
    for side_by_side, phase in _phases(client, the_plan, batch_size):
        outcomes, failure = _run_phase(phase, client.transport if side_by_side else None)
        done += [entry for outcome in outcomes if outcome is not NOT_RUN for entry in outcome]
        if failure is not None:
            break
    read = read_back(client, the_plan)
    if failure is not None:
        raise _report_failure(failure, the_plan, done, read) from None
    if not read:
        return ["The enrollments could not be read again after the changes; 'after' shows the expected values."]
    return []


def _run_phase(phase, transport=None):
    """(outcomes, the first failure as (doing, entries, error) or None) of one phase's calls: side
    by side over ``transport``, or (None) one after the other."""
    work = [_named(*write) for write in phase]
    outcomes, error = in_parallel(work, transport) if transport else in_turn(work)
    return outcomes, None if error is None else error.failure


def read_back(client, the_plan):
    """Set the changed entries' ``after`` (and a created one's ID) from a fresh listing of their
    learners, course by course; False when it cannot be read (then nothing is set)."""
    try:
        found = _changed_records(client, the_plan)
    except LmsError:
        return False
    for entry in the_plan.entries:
        if entry.changed:
            record = found[entry.course_id].get(entry.user_id)
            entry.after = snapshot(record)
            entry.enrollment_id = record.enrollment_id if record else entry.enrollment_id
    return True


def _changed_records(client, the_plan):
    """{course ID: {user ID: Enrollment}} of the learners changed in each course."""
    found = {}
    for course_id in the_plan.courses:
        changed = {entry.user_id for entry in the_plan.entries if entry.course_id == course_id and entry.changed}
        if changed:
            found[course_id] = _learners_records(client, course_id, changed)
    return found


def _learners_records(client, course_id, user_ids):
    records = {}
    for chunk in batches(sorted(user_ids), ispring.PAGE_SIZE):
        for record in client.list_enrollments(course_ids=[course_id], learner_ids=chunk):
            records.setdefault(record.learner_id, record)
    return records


def _report_failure(failure, the_plan, done, read):
    """The entries as what really happened, and the failure's message saying so."""
    doing, failed, exc = failure
    _settle(the_plan, failed if isinstance(exc, OutcomeUnknown) else [], set(done), read)
    error = "%s%s failed: %s" % (doing[0].upper(), doing[1:], exc.message)
    return the_plan.failure(_outcome(the_plan, error, read))


def _settle(the_plan, unconfirmed, written, read):
    """Each changed entry as the fresh listing shows it when there is one, else as the calls that
    succeeded say.  The entries of a call whose reply was lost (``unconfirmed``) may still be
    applied after the listing: they stay changed, marked unconfirmed."""
    written.update(unconfirmed)
    for entry in unconfirmed:
        entry.unconfirmed = True
    for entry in the_plan.entries:
        shown_unchanged = read and entry.after == snapshot(entry.record) and not entry.unconfirmed
        if entry.changed and (shown_unchanged or (not read and entry not in written)):
            entry.not_applied()


def _outcome(the_plan, error, read):
    """The message of the failure: the error, then what it leaves behind."""
    unconfirmed = [entry.who for entry in the_plan.entries if entry.unconfirmed]
    if unconfirmed:
        return (
            "%s Its reply was lost, so iSpring may still apply it: %d enrollment(s) may have been changed (%s; "
            "marked unconfirmed in the enrollments list). Check them with course_enrollment_info, then run the "
            "task again." % (sentence(error), len(unconfirmed), some(unconfirmed))
        )
    return the_plan.after_failure(error, read)


# --- reports (course_enrollment_info) ---


def report(client, params, users):
    """The enrollments of the courses as ``course_enrollment_info`` returns them, ordered by course
    (as given) and enrollment ID, each with the learner's login and email: all, or those of the
    learners named, made the ways given.  Every learner a filter names must have an enrollment in
    the courses: a typo never reads as "nobody"."""
    courses = list(dict.fromkeys(params["course_ids"]))
    user_ids = list(dict.fromkeys(params["user_ids"]))
    learner_ids = list(dict.fromkeys(user_ids + list(users)))
    records = []
    for course_id in courses:
        try:
            found = _course_records(client, course_id, learner_ids)
        except ApiError as exc:
            raise explain(exc, course_id) from None
        records += [(course_id, record) for record in sorted(found, key=lambda record: record.enrollment_id)]
    _all_found(courses, [record for _course, record in records], params, user_ids, users)
    enrolled_by = set(params["enrolled_by"])
    kept = [(c, r) for c, r in records if not enrolled_by or ENROLLED_BY.get(r.type_group) in enrolled_by]
    known = client.people([record.learner_id for _course, record in kept], users)
    return [reported(record, course_id, known.get(record.learner_id)) for course_id, record in kept]


def _course_records(client, course_id, learner_ids):
    if not learner_ids:
        return client.list_enrollments(course_ids=[course_id])
    found = []
    for chunk in batches(learner_ids, ispring.PAGE_SIZE):
        found += client.list_enrollments(course_ids=[course_id], learner_ids=chunk)
    return found


def _all_found(courses, records, params, user_ids, users):
    learners = {record.learner_id for record in records}
    enrolled = people.Directory(users.values()).among(learners)
    asked = dict(user_id=user_ids, login=params["logins"], email=params["emails"])
    missing = people.not_found(
        asked, lambda kind, value: value in learners if kind == "user_id" else enrolled.knows(kind, value)
    )
    if missing:
        raise ValidationError(
            "course_ids %s: no enrollment of %d learner(s): %s. Check the IDs; a learner who is not enrolled in "
            "these courses, or whose department the account may not see, has none."
            % (some(courses), len(people.labels(missing)), some(people.labels(missing))),
            missing=first_shown(people.labels(missing)),
            not_found=missing,
        )


def reported(record, course_id, user=None):
    """An enrollment as ``course_enrollment_info`` returns it (login and email null for a learner
    who is not an active user)."""
    return dict(
        enrollment_id=record.enrollment_id,
        course_id=record.course_id or course_id,
        user_id=record.learner_id,
        login=user.login if user else None,
        email=user.email if user else None,
        access_date=record.access_date,
        due_date=record.due_date,
        expiration_date=record.expiration_date,
        lock_after_due_date=record.lock_after_due_date,
        enrolled_by=ENROLLED_BY.get(record.type_group),
        enrollment_type_group=record.type_group,
    )
