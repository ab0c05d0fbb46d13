# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state planning of iSpring Learn course statuses (module ``course_status``).

The wanted learners are validated, resolved to their current results in one course, compared
with the contract's rule (lms-api-contract.md 1.7), and the learners that need a change are sent
in groups that share status, date, reason and score.  Wire code stays in ``ispring.py``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import partial

from ansible_collections.learnops.lms.plugins.module_utils import dates, ispring, people, plans
from ansible_collections.learnops.lms.plugins.module_utils.calls import NOT_RUN, batches, in_parallel, named
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, LmsError, ReplyError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import first_shown, sentence, some
from ansible_collections.learnops.lms.plugins.module_utils.plans import by_kind
from ansible_collections.learnops.lms.plugins.module_utils.transport import may_have_acted

IDENTIFIERS = ("enrollment_id", "user_id", "login", "email")
# The options whose values (or list items) must not be empty (runner.check_params).
ID_OPTIONS = ("course_id", "enrollment_ids", "user_ids", "logins", "emails")
# How many rounds of reading the learners again before getTaskStatus is asked for the tasks whose
# learners have not arrived yet (a failed task's learners never do).
STATUS_CHECK_EVERY = 3
BY_NAME = people.BY_NAME
NOT_ENROLLED = "not enrolled in the course"
STATUSES = ("complete", "automatic", "passed", "failed", "incomplete")
REST_ONLY = ("passed", "failed", "incomplete")  # 1.3a: what only POST /statistics/course sets
# Which current statuses already satisfy a wanted one (1.7, and the same rule for the REST-only
# statuses): complete is met by complete, passed and accepted; passed by passed and accepted.
SATISFIED_BY = {
    "complete": ispring.COMPLETED_STATUSES,
    "passed": frozenset(("passed", "accepted")),
    "failed": frozenset(("failed",)),
    "incomplete": frozenset(("incomplete",)),
}
# 1.3a [doc]: the statuses POST /statistics/course sets, so the ones a score-only change can send back.
SETTABLE = frozenset(("complete", "passed", "failed", "incomplete"))
# The result shown for a learner the same run enrolls (check mode): none yet.
NEW_RESULT = dict(status=None, completion_date=None, progress=None, awarded_score=None)


@dataclass(eq=False)
class Wanted(people.Learner):
    """A learner as the task names it, with the status, date and reason the learner should have."""

    status: str
    date: str | None
    reason: str | None
    awarded_score: float | None = None
    user_id: str | None = None  # given, or found for a login or email

    @property
    def change(self):
        return (self.status, self.date, self.reason, self.awarded_score)


def wanted_learners(params):
    """The learners asked for (``learners``, then ``enrollment_ids``, ``user_ids``, ``logins`` and
    ``emails``), validated: every check of the task's values that needs no request (the role
    learner_states runs it for every entry of its states file before any task)."""
    if params["batch_size"] < 1:
        raise ValidationError("batch_size must be at least 1, not %d." % params["batch_size"])
    if params["wait_timeout"] < 0:
        raise ValidationError("wait_timeout must be 0 or more seconds, not %d." % params["wait_timeout"])
    items = list(params["learners"])
    for kind in IDENTIFIERS:
        items += [{kind: value} for value in params[kind + "s"]]
    wanted = [_wanted(position, item, params) for position, item in enumerate(items)]
    if params["date"] and params["status"] == ispring.STATUS_AUTOMATIC and not any(w.date for w in wanted):
        raise ValidationError(
            "date is not used with status automatic (iSpring recalculates the result); remove it, or give the "
            "learners that are to be completed their own status."
        )
    return wanted


def _wanted(position, item, params):
    kind = next((name for name in IDENTIFIERS if item.get(name)), None)
    if kind is None:
        raise ValidationError(
            "learners[%d]: name the learner with one of %s; all are empty." % (position, ", ".join(IDENTIFIERS))
        )
    wanted = Wanted(
        kind=kind,
        value=item[kind],
        status=item.get("status") or params["status"],
        date=None,
        reason=item.get("reason") or params["reason"],
        awarded_score=_score(item, params),
        user_id=item[kind] if kind == "user_id" else None,
    )
    _check_interface(wanted, params["api"])
    if wanted.status == ispring.STATUS_AUTOMATIC and item.get("date"):
        raise ValidationError(
            "%s: date is not used with status automatic (iSpring recalculates the result); remove it." % wanted.label
        )
    if wanted.status != ispring.STATUS_AUTOMATIC:
        date = item.get("date") or params["date"]
        if not date:
            raise ValidationError(
                "%s: status %s needs a completion date; set date on the task or on the learner."
                % (wanted.label, wanted.status)
            )
        wanted.date = dates.iso_date(date, "%s: date" % wanted.label)
    return wanted


def _score(item, params):
    value = item.get("awarded_score")
    if value is None:
        value = params["awarded_score"]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise ValidationError("awarded_score must be a number from 0 to 100, not %r." % (value,))
    return float(value)


def _check_interface(wanted, api):
    if wanted.status in REST_ONLY and api != "rest":
        raise ValidationError(
            "%s: status %s needs api: rest (the SOAP method updateCourseStatus sets only complete and automatic)."
            % (wanted.label, wanted.status)
        )
    if wanted.awarded_score is not None and api != "rest":
        raise ValidationError(
            "%s: awarded_score needs api: rest (the SOAP method updateCourseStatus sets no score)." % wanted.label
        )
    if wanted.awarded_score is not None and wanted.status == ispring.STATUS_AUTOMATIC:
        raise ValidationError(
            "%s: awarded_score cannot be set with status automatic (iSpring recalculates the result)." % wanted.label
        )


# --- current state ---


def read_current(client, course_id, wanted, enrolling=()):
    """The current result of every wanted learner in the course, in the order asked; None for a
    learner who is not enrolled but whose user ID is in ``enrolling`` (check mode: the same run
    enrolls them first).  Raises a ValidationError naming every other learner that cannot be found."""
    enrolling = set(enrolling)
    try:
        missing = _find_users(client, wanted)
        results = client.course_results(
            course_id, [w.value for w in wanted if w.kind == "enrollment_id"], [w.user_id for w in wanted if w.user_id]
        )
    except ApiError as exc:
        raise explain(exc, course_id) from None
    current = _matched(wanted, results, missing, enrolling)
    _check_readable(course_id, wanted, current)
    if missing:
        found = ["%s (%s)" % (w.label, why) for w, why in missing.items()]
        # 3.2 (r3) [assumed]: an unknown course may list as empty rather than answer an error.
        course = " None of them is listed in the course: check the course_id too." if not results else ""
        raise ValidationError(
            "course_id %s: %d learner(s) cannot be found: %s. Check the names, that the learners are active and "
            "enrolled, and that the account may see their department.%s"
            % (course_id, len(found), some(found, separator="; "), course),
            missing=first_shown(found),
            not_found=by_kind(missing),
            **_not_enrolled(missing),
        )
    return current


def _matched(wanted, results, missing, enrolling):
    """The result of each wanted learner, in order (None: none); ``missing`` gets why a learner
    has none, unless the same run enrolls them (``enrolling``)."""
    by_enrollment = {r.enrollment_id: r for r in results}
    by_user = {r.user_id: r for r in results}
    current = []
    for w in wanted:
        by_enrollment_id = w.kind == "enrollment_id"
        result = by_enrollment.get(w.value) if by_enrollment_id else by_user.get(w.user_id)
        if result is None and w not in missing and (by_enrollment_id or w.user_id not in enrolling):
            missing[w] = "no such enrollment in the course" if by_enrollment_id else NOT_ENROLLED
        current.append(result)
    return current


def _check_readable(course_id, wanted, current):
    """Every result the plan compares must carry what the rule (1.7) reads: a documented completion
    status (read as "not complete", a pass would be replaced), and, for status automatic, the
    progress of a completed result (read as 0, a completion is handed back on every run)."""
    for w, result in zip(wanted, current, strict=True):
        if result is None:
            continue
        if result.status not in COMPLETION_STATUSES:
            shown = "no completionStatus" if result.status is None else repr(result.status)
            why = "has %s, not one of iSpring's completion statuses (%s)" % (shown, ", ".join(COMPLETION_STATUSES))
        elif (
            w.status == ispring.STATUS_AUTOMATIC
            and result.status == ispring.STATUS_COMPLETE
            and result.progress is None
        ):
            why = "is complete but gives no progress, so whether the completion was set by hand cannot be told"
        else:
            continue
        raise ReplyError(
            "course_id %s: %s: the listed result (enrollment %s) %s. Leave the learner out of the task meanwhile, "
            "and report the reply's form. Result reads: %s"
            % (course_id, w.label, result.enrollment_id, why, result.as_dict())
        )


def _not_enrolled(missing):
    """{not_enrolled: {kind: [values]}} of the learners who are users but not enrolled (the
    others of ``not_found`` match no active user, or no enrollment by ID), when there are any."""
    found = by_kind(w for w, why in missing.items() if why == NOT_ENROLLED)
    return {"not_enrolled": found} if found else {}


def _find_users(client, wanted):
    """Set the user id of the learners named by login or email; {learner: why} for those that
    match no active user."""
    return {w: "no active user" for w in people.resolve(client, wanted)[1]}


def explain(exc, course_id):
    """The API's course faults, with the course named and what to do."""
    if isinstance(exc, ApiError) and exc.code == ispring.FAULT_UNKNOWN_COURSE:
        return ValidationError(
            "course_id %s: iSpring knows no such course (Unknown content item). Check the course ID." % course_id
        )
    if isinstance(exc, ApiError) and exc.code == ispring.FAULT_PERMISSION:
        return ApiError(
            "course_id %s: the account behind the token lacks the right to read or change course statuses of these "
            "learners (Permission denied). Use an account administrator, the administrator of the learners' "
            "departments, or a role with 'Can edit' on the course." % course_id,
            code=exc.code,
        )
    return exc


# --- the plan ---


def needs_change(result, status, date, match_date, awarded_score=None):
    """The contract's idempotency rule (lms-api-contract.md 1.7): a satisfied status is left
    alone; with match_date, a learner whose result has the wanted status itself and another date
    is changed (a passed or accepted learner is never replaced by a manual completion); a score is
    compared as a number."""
    if status == ispring.STATUS_AUTOMATIC:
        return result.status == ispring.STATUS_COMPLETE and (result.progress or 0) < 100
    if result.status not in SATISFIED_BY[status]:
        return True
    if match_date and result.status == status and dates.date_of(result.completion_date) != date:
        return True
    return awarded_score is not None and not _same_score(result.awarded_score, awarded_score)


def sent_change(wanted, result, match_date):
    """(status, date, reason, score) to send for a learner that needs a change.  A learner whose
    status already satisfies the wanted one differs only in the score (or, with match_date, in the
    date of that very status): it keeps its own status, and its own date unless match_date asks for
    another, so that a pass and its date are never replaced by a manual completion."""
    if wanted.status == ispring.STATUS_AUTOMATIC or result.status not in SATISFIED_BY[wanted.status]:
        return wanted.change
    if wanted.status == result.status:
        date = wanted.date if match_date or not result.completion_date else dates.date_of(result.completion_date)
        return (wanted.status, date, wanted.reason, wanted.awarded_score)
    if result.status not in SETTABLE:
        raise ValidationError(
            "%s: only the awarded score differs, but the learner's status %s cannot be sent back with a new score "
            "(iSpring's API sets %s), and it is not replaced by %s. Change the score in iSpring Learn, or leave "
            "awarded_score out for this learner."
            % (wanted.label, result.status, ", ".join(sorted(SETTABLE)), wanted.status)
        )
    date = dates.date_of(result.completion_date) or wanted.date
    return (result.status, date, wanted.reason, wanted.awarded_score)


def _same_score(current, wanted):
    return current is not None and math.isclose(float(current), wanted, abs_tol=1e-6)


def snapshot(result):
    """What the module reports of a learner's result (RETURN ``before`` and ``after``); None for a
    learner not enrolled yet."""
    if result is None:
        return None
    return dict(
        status=result.status,
        completion_date=dates.date_of(result.completion_date),
        progress=result.progress,
        awarded_score=result.awarded_score,
    )


@dataclass(eq=False)
class Entry:
    """One wanted learner in the plan, and what the module reports of it."""

    wanted: Wanted
    current: ispring.LearnerResult | None  # None: not enrolled yet, enrolled by this run (check mode)
    changed: bool
    sent: tuple = None  # (status, date, reason, score) of the change: sent_change
    after: dict = field(default=None)

    def __post_init__(self):
        if self.after is None:
            after = snapshot(self.current)
            if self.changed:
                status, date, _reason, score = self.sent
                after = dict(after or NEW_RESULT)
                after.update(status=status, completion_date=date)
                if score is not None:
                    after["awarded_score"] = score
            self.after = after

    def arrived(self, result):
        """Whether a result read back shows the change sent."""
        status, date, _reason, score = self.sent
        return not needs_change(result, status, date, True, score)

    @property
    def enrollment_id(self):
        return self.current.enrollment_id if self.current else None

    @property
    def note(self):
        """What is said of a learner that the same run enrolls (check mode), else None."""
        if self.current is not None:
            return None
        if not self.changed:
            return "not enrolled yet (this run enrolls them); nothing to change once enrolled"
        if self.wanted.status in SATISFIED_BY["complete"]:
            return "would be completed once enrolled (this run enrolls them)"
        return "would be set to %s once enrolled (this run enrolls them)" % self.wanted.status

    def not_applied(self):
        """The change did not happen: the learner stays as before."""
        self.changed = False
        self.after = snapshot(self.current)

    def result(self):
        """The documented RETURN entry (``learners[]``)."""
        entry = dict(
            enrollment_id=self.enrollment_id,
            user_id=self.current.user_id if self.current else self.wanted.user_id,
            changed=self.changed,
            before=snapshot(self.current),
            after=self.after,
        )
        if self.wanted.kind in BY_NAME:
            entry[self.wanted.kind] = self.wanted.value
        if self.note:
            entry["note"] = self.note
        return entry

    @property
    def kind_of_change(self):
        if self.sent[0] != self.wanted.status:
            return "awarded score"
        return "to %s" % self.wanted.status

    @property
    def who(self):
        """The learner as the task named them, or by enrollment."""
        if self.current is None:
            name = self.wanted.value if self.wanted.kind in BY_NAME else "user %s" % self.wanted.user_id
            return "%s (not enrolled yet)" % name
        if self.wanted.kind in BY_NAME:
            return "%s (enrollment %s)" % (self.wanted.value, self.enrollment_id)
        return "enrollment %s" % self.enrollment_id


@dataclass
class Plan(plans.Plan):
    """What a run of ``course_status`` does in one course."""

    ITEMS, LISTED_IN = "learner(s)", "learners"
    course_id: str
    entries: list
    task_ids: list = field(default_factory=list)

    @property
    def scope_size(self):
        """The enrollments of the declared learners read in the course (each once)."""
        return len({entry.enrollment_id for entry in self.entries if entry.current is not None})

    def groups(self):
        """The learners to change, grouped by (status, date, reason, score): one call per group and batch."""
        found = {}
        for entry in self.entries:
            if entry.changed and entry.current is not None:  # a learner not enrolled yet is only previewed
                found.setdefault(entry.sent, []).append(entry)
        return found

    def diff_row(self, entry):
        return entry.who, snapshot(entry.current), entry.after

    def result(self, diff=False, unchanged=True):
        """The module's result; with ``unchanged=False`` the unchanged learners are only counted."""
        result = dict(self.listed(unchanged), task_ids=list(self.task_ids))
        if diff:
            result["diff"] = self.diff_of_changes("course %s" % self.course_id, absent="not enrolled")
        return result


def plan(course_id, wanted, current, match_date):
    """One entry per wanted learner; a learner asked for twice is changed once, and must be asked
    for with the same values."""
    entries, claimed = [], {}
    for w, result in zip(wanted, current, strict=True):
        first = _claim(claimed, w, result)
        if result is None:
            entries.append(_enrolling(w, first))
            continue
        changed = first and needs_change(result, w.status, w.date, match_date, w.awarded_score)
        if changed:
            _check_enrollment_id(course_id, w, result)
        entries.append(Entry(w, result, changed=changed, sent=sent_change(w, result, match_date) if changed else None))
    return Plan(course_id, entries)


def _claim(claimed, wanted, result):
    """Whether this is the first time the learner's enrollment (or user) is asked for; asked for
    again, it must be with the same change."""
    key = result.enrollment_id if result is not None and result.enrollment_id else ("user", _user_of(wanted, result))
    first = key not in claimed
    if claimed.setdefault(key, wanted.change) != wanted.change:
        raise ValidationError(
            "%s is asked for twice with different status, date or reason (%s); ask once."
            % ("enrollment %s" % key if result is not None else "user %s" % wanted.user_id, wanted.label)
        )
    return first


def _check_enrollment_id(course_id, wanted, result):
    if not result.enrollment_id:
        raise ReplyError(
            "course_id %s: %s: the listed result gives no enrollmentId, which the status change needs (it names "
            "the enrollments to change). Leave the learner out of the task meanwhile, and report the reply's "
            "form. Result reads: %s" % (course_id, wanted.label, result.as_dict())
        )


def _user_of(wanted, result):
    return result.user_id if result is not None else wanted.user_id


def _enrolling(wanted, first):
    """A learner the same run enrolls (check mode): a new enrollment has no result yet, so any
    status but automatic is a change (once enrolled); automatic has nothing to hand back."""
    changed = first and wanted.status != ispring.STATUS_AUTOMATIC
    return Entry(wanted, None, changed=changed, sent=wanted.change if changed else None)


# --- writing ---


def apply(client, the_plan, batch_size):
    """Send the grouped changes, ``batch_size`` learners a call, several calls at a time (the
    connection's ``max_parallel``); returns {task id: enrollment ids}.  On a failure, the error says
    exactly which learners were sent and which not."""
    calls = [
        (change, batch)
        for change, entries in the_plan.groups().items()
        for batch in batches([entry.enrollment_id for entry in entries], batch_size)
    ]
    work = [
        named("the status change", partial(client.update_course_status, the_plan.course_id, batch, *change), batch)
        for change, batch in calls
    ]
    outcomes, failed = in_parallel(work, client.transport)
    tasks = {
        task_id: batch for (_change, batch), task_id in zip(calls, outcomes, strict=True) if task_id is not NOT_RUN
    }
    the_plan.task_ids.extend(tasks)
    if failed is not None:
        raise _failure_of(failed, the_plan, tasks) from None
    return tasks


def _failure_of(failed, the_plan, tasks):
    """The error of a failed status change, after the calls that went out (``tasks``)."""
    sent = {enrollment for batch in tasks.values() for enrollment in batch}
    # a call whose reply was lost or unreadable may have started its task: its learners stay changed
    unsure = set(failed.subject) if may_have_acted(failed.error) else set()
    return _partial_failure(explain(failed.error, the_plan.course_id), the_plan, sent, unsure)


def _partial_failure(exc, the_plan, sent, unsure=frozenset()):
    for entry in the_plan.entries:
        if entry.changed and entry.enrollment_id not in sent | unsure:
            entry.not_applied()
    if not unsure:
        return the_plan.failure(the_plan.after_failure(exc.message))
    who = [entry.who for entry in the_plan.entries if entry.changed and entry.enrollment_id in unsure]
    return the_plan.failure(
        "%s Its reply was lost or unreadable, so iSpring may have applied it: %d learner(s) may have been changed "
        "(%s; reported as changed, 'after' as requested). Run the task again to check and finish."
        % (sentence(exc.message), len(who), some(who))
    )


def wait_for(client, the_plan, tasks, timeout):
    """Wait until the changed learners show the wanted state: their results are read again (a few
    paged listings a round), and ``getTaskStatus`` is asked only for the tasks whose learners have
    not arrived after a few rounds, or when the wait ends, to name the failed ones.  Fails naming
    any task that failed or did not finish (its learners are reported as read back); returns the
    task's warnings."""
    waiting = {task_id: set(batch) for task_id, batch in tasks.items()}
    deadline, interval, rounds, failed = time.monotonic() + timeout, 0.5, 0, []
    while waiting:
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval, rounds = min(interval * 1.5, 5.0), rounds + 1
        try:
            _read_arrivals(client, the_plan, waiting)
        except LmsError as exc:
            return _wait_on_tasks(client, the_plan, waiting, timeout, exc)
        ended = time.monotonic() >= deadline
        if waiting and (ended or rounds % STATUS_CHECK_EVERY == 0):
            failed += _ask_tasks(client, the_plan, waiting)
        if ended:
            break
    _fail_unless_done(the_plan, failed, list(waiting), timeout)
    return []


def _read_arrivals(client, the_plan, waiting):
    """Read the results of the learners still waited for; drop those that show the wanted state,
    and the tasks none of whose learners is waited for any more."""
    entries = {entry.enrollment_id: entry for entry in the_plan.entries if entry.changed}
    asked = sorted({enrollment for batch in waiting.values() for enrollment in batch})
    for result in client.course_results(the_plan.course_id, asked):
        entry = entries.get(result.enrollment_id)
        if entry is None:
            continue
        entry.after = snapshot(result)
        if entry.arrived(result):
            _no_longer_waited(waiting, result.enrollment_id)


def _no_longer_waited(waiting, enrollment_id):
    """Drop the enrollment from every task waited for, and the tasks left with none."""
    for task_id, batch in list(waiting.items()):
        batch.discard(enrollment_id)
        if not batch:
            del waiting[task_id]


def _ask_tasks(client, the_plan, waiting):
    """getTaskStatus of the tasks still waited for: a finished one is no longer waited for (its
    learners are reported as read), a failed one neither, and its learners are unchanged."""
    failed = []
    try:
        statuses = {task_id: client.task_status(task_id) for task_id in list(waiting)}
    except LmsError as exc:
        raise _unconfirmed(the_plan, waiting, exc) from None
    for task_id, status in statuses.items():
        if status in ispring.TASK_FAILED:
            failed.append(task_id)
            for entry in the_plan.entries:
                if entry.enrollment_id in waiting[task_id]:
                    entry.changed = False
        if status in ispring.TASK_FAILED | ispring.TASK_SUCCEEDED:
            del waiting[task_id]
    return failed


def _wait_on_tasks(client, the_plan, waiting, timeout, exc):
    """The learners cannot be read: wait on the tasks' status instead; ``after`` stays as requested."""
    try:
        statuses = client.wait_for_tasks(list(waiting), timeout)
    except LmsError as error:
        raise _unconfirmed(the_plan, waiting, error) from None
    failed = [t for t, s in statuses.items() if s in ispring.TASK_FAILED]
    pending = [t for t, s in statuses.items() if s not in ispring.TASK_FAILED | ispring.TASK_SUCCEEDED]
    for entry in the_plan.entries:
        if any(entry.enrollment_id in waiting[task_id] for task_id in failed):
            entry.changed = False
    _fail_unless_done(the_plan, failed, pending, timeout)
    return [
        "The learners could not be read again after the changes (%s); 'after' shows the requested state."
        % exc.message.rstrip(".")
    ]


def _unconfirmed(the_plan, waiting, exc):
    return the_plan.failure(
        "%s The changes were sent and accepted (task(s) %s), but whether iSpring applied them could not be "
        "read; the learners are reported as requested. Run the task again to check."
        % (sentence(exc.message), some(waiting))
    )


def _fail_unless_done(the_plan, failed, pending, timeout):
    if not (failed or pending):
        return
    problems = ["iSpring task(s) %s failed" % some(failed)] if failed else []
    if pending:
        problems.append("task(s) %s did not finish within wait_timeout (%s s)" % (some(pending), timeout))
    raise the_plan.failure(
        "course_id %s: %s. The learners are reported as read back now; run the task again to finish."
        % (the_plan.course_id, " and ".join(problems))
    )


# --- reports (course_status_info) ---

# 1.3 [doc]: the completion statuses a result may have.
COMPLETION_STATUSES = (
    "not_started",
    "in_progress",
    "pending",
    "complete",
    "passed",
    "accepted",
    "incomplete",
    "failed",
    "declined",
)


def report(client, params):
    """The results of the courses as course_status_info returns them, ordered by course and
    enrollment ID, each with the learner's login and email.  Every learner a filter names must have
    a result, and every status word must be one iSpring uses: a typo never reads as "nobody"."""
    statuses = _statuses(params["statuses"])
    users = named_users(client, params["logins"], params["emails"])
    enrollment_ids, user_ids = _unique(params["enrollment_ids"]), _unique(params["user_ids"])
    results = []
    for course_id in _unique(params["course_ids"]):
        results += _course_report(client, course_id, enrollment_ids, user_ids + list(users))
    _all_found(results, params, enrollment_ids, user_ids, users)
    people = client.people([r.user_id for r in results], users)
    return [_reported(r, people.get(r.user_id)) for r in results if not statuses or r.status in statuses]


def _unique(values):
    return list(dict.fromkeys(values))


def _statuses(words):
    wanted = {word.lower() for word in words}
    unknown = sorted(wanted - set(COMPLETION_STATUSES))
    if unknown:
        raise ValidationError(
            "statuses: %s is not a completion status; use %s." % (some(unknown), ", ".join(COMPLETION_STATUSES)),
            not_found={"status": unknown},
        )
    return wanted


def named_users(client, logins, emails):
    """{user_id: user} for the logins and emails; fails naming those that match no active user."""
    directory = people.look_up(client, logins, emails)
    missing = people.not_found({"login": logins, "email": emails}, directory.knows)
    if missing:
        raise ValidationError(
            "%d learner(s) match no active iSpring user: %s."
            % (len(people.labels(missing)), some(people.labels(missing))),
            missing=first_shown(people.labels(missing)),
            not_found=missing,
        )
    return directory.by_id


def _course_report(client, course_id, enrollment_ids, user_ids):
    try:
        if enrollment_ids or user_ids:
            results = client.course_results(course_id, enrollment_ids, user_ids)
        else:
            results = client.list_learners_results([course_id])
    except ApiError as exc:
        if exc.code == ispring.FAULT_UNKNOWN_COURSE:
            raise ValidationError(
                "course_ids: iSpring knows no course %s (Unknown content item)." % course_id
            ) from None
        raise
    return sorted(results, key=lambda r: r.enrollment_id or "")


def _all_found(results, params, enrollment_ids, user_ids, users):
    enrollments, learners = {r.enrollment_id for r in results}, {r.user_id for r in results}
    enrolled = people.Directory(users.values()).among(learners)

    def found(kind, value):
        if kind == "enrollment_id":
            return value in enrollments
        return value in learners if kind == "user_id" else enrolled.knows(kind, value)

    asked = dict(enrollment_id=enrollment_ids, user_id=user_ids, login=params["logins"], email=params["emails"])
    missing = people.not_found(asked, found)
    if missing:
        raise ValidationError(
            "course_ids %s: no result for %d learner(s): %s. Check the IDs; a learner who is not enrolled in these "
            "courses, or whose department the account may not see, has no result."
            % (some(_unique(params["course_ids"])), len(people.labels(missing)), some(people.labels(missing))),
            missing=first_shown(people.labels(missing)),
            not_found=missing,
        )


def _reported(result, user):
    entry = result.as_dict()
    entry.update(login=user.login if user else None, email=user.email if user else None)
    return entry
