# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters drift_retry, drift_rows and drift_markdown (documented in their .yml files): the drift
report of the role learner_states, built from the modules' check-mode results in Python rather
than in Jinja loops, which took minutes at tens of thousands of learners.  No rule of what differs
is made here: that is the modules' job (each result entry's ``changed``)."""

from __future__ import annotations

from functools import partial

FIELDS = ("status", "quit", "awarded", "score", "start_date", "end_date", "due_date", "award_date", "award_expiry_date")
LABELS = {
    "login": "login",
    "email": "email",
    "enrollment_id": "enrollment",
    "user_id": "user id",
    "username": "username",
    "open_id": "open id",
    "department": "department",  # an audience of course_enrollment (departments, groups) the account lacks
    "group": "group",
}
SATISFIED = ("complete", "passed", "accepted")
# What course_enrollment returns of a removed learner's result (read before the removal).
RESULT_FIELDS = ("completion_status", "completion_date")
EXCLUSIVE = "not declared (exclusive): converging removes it"
QUIT = "quit the program: converging cannot make a member who quit active again"
STATE_NOTES = {"present": "", "quit": "declared quit", "absent": "declared not a member"}


def _plain(value):
    """``value`` itself, or, from ansible-core 2.19 on, a copy of the lazy container that holds it:
    item by item access through it costs tens of microseconds a value (minutes for the report at
    tens of thousands of learners).  What it holds are the modules' results, never templates."""
    copy = getattr(value, "_non_lazy_copy", None)
    return copy() if callable(copy) else value


def _results(registered):
    """The per-item results of a registered loop (none when the task was skipped or never ran)."""
    registered = _plain(registered)
    if not isinstance(registered, dict):
        return []
    return [_plain(result) for result in _plain(registered.get("results") or [])]


# The loop variable of the role's tasks (states.yml): they loop over the entries' positions, so
# that Ansible does not copy each entry, with all its learners, into the result it prints.
POSITION = "__learner_states_position"


def _entries(registered, key, name):
    """(result, declared entry) of each result of the task ``key`` (enrollments, courses,
    programs): the entry at the result's position in ``registered["entries"][key]``, or the result's
    ``name`` (enrollment, course, program) when the loop was over the entries themselves."""
    # Read through ansible-core's lazy containers, not _plain: the entries are the user's, and may
    # hold templates, which only that access renders (as the loop did).
    declared = (registered.get("entries") or {}).get(key) or []
    return [
        (result, result[name] if name in result else declared[result[POSITION]])
        for result in _results(registered.get(key))
    ]


def _text(value):
    """A value as Jinja's ``~`` writes it."""
    return "" if value is None else str(value)


def _without(items, not_found):
    """``items`` (dicts) but those that name a value of ``not_found`` ({kind: [values]})."""
    unknown = {kind: set(values) for kind, values in not_found.items()}
    return [item for item in items if not any(kind in item and item[kind] in unknown[kind] for kind in unknown)]


def _reject(values, unknown):
    unknown = set(unknown or ())
    return [value for value in values or () if value not in unknown]


def _failed(registered, key, name):
    """(result, entry) of the results of a task's loop that name learners or members that cannot be found."""
    return [(result, entry) for result, entry in _entries(registered, key, name) if "not_found" in result]


def _again(declared, missing, listed):
    """A declared course or enrollment without ``missing``: in its ``learners`` and in each option
    of ``listed`` ({kind: the option that lists that kind})."""
    entry = dict(declared)
    entry["learners"] = _without(entry.get("learners") or [], missing)
    for kind, option in listed.items():
        entry[option] = _reject(entry.get(option), missing.get(kind))
    return entry


def drift_retry(first):
    """The courses and programs of the first check-mode pass that failed because learners or
    members cannot be found, declared again without them (the modules' ``not_found`` says which),
    in the order of the first pass, so that drift_rows finds each second result by counting."""
    by_name = {"login": "logins", "email": "emails"}
    by_any = dict(by_name, enrollment_id="enrollment_ids", user_id="user_ids")
    audiences = dict(by_name, department="departments", group="groups")
    enrollments = [_again(e, r["not_found"], audiences) for r, e in _failed(first, "enrollments", "enrollment")]
    courses = [_again(e, r["not_found"], by_any) for r, e in _failed(first, "courses", "course")]
    programs = []
    for result, declared in _failed(first, "programs", "program"):
        entry, missing = dict(declared), result["not_found"]
        entry["members"] = _without(entry.get("members") or [], missing)
        for option in ("usernames", "quit", "removed"):
            if option in entry:
                entry[option] = _reject(entry[option], missing.get("username"))
        programs.append(entry)
    return {"enrollments": enrollments, "courses": courses, "programs": programs}


def enrollment_state(values):
    if values is None:
        return "not enrolled"
    return "access %s, due %s%s%s" % (
        values.get("access_date") or "none",
        values.get("due_date") or "none",
        ", locked after the due date" if values.get("lock_after_due_date") else "",
        ", from the catalog" if values.get("enrolled_by") == "catalog" else "",
    )


def _with_result(entry):
    """A removal's current values with the learner's result in the course, which the removal takes
    with it: a field of the plan's row, so that a result earned after the review changes the row."""
    before = entry.get("before")
    if before is None or not any(name in entry for name in RESULT_FIELDS):
        return before
    return dict(before, **{name: entry.get(name) for name in RESULT_FIELDS})


def course_state(values):
    text = _text(values.get("status"))
    if values.get("completion_date"):
        text += " on " + _text(values["completion_date"])
    if values.get("progress") is not None:
        text += ", progress " + _text(values["progress"])
    if values.get("awarded_score") is not None:
        text += ", score " + _text(values["awarded_score"])
    return text


def member_state(record, other):
    """The fields of a member's record that differ from ``other`` (all that are set, without one)."""
    if record is None:
        return "not a member"
    shown = []
    for name in FIELDS:
        value = record.get(name)
        if (value != other.get(name)) if other is not None else (value not in (None, False)):
            word = "(none)" if value is None else (str(value).lower() if isinstance(value, bool) else _text(value))
            shown.append("%s %s" % (name, word))
    return ", ".join(shown) if shown else "member"


def _learner(entry, order):
    """'login jdoe': the first of ``order`` the entry names ((key, label, present-or-truthy))."""
    for key, label, by_key in order:
        if (key in entry) if by_key else entry.get(key):
            return "%s %s" % (label, _text(entry[key]))
    key, label = order[-1][0], order[-1][1]
    return "%s %s" % (label, _text(entry.get(key)))


ENROLLMENT_LEARNER = (("login", "login", True), ("email", "email", True), ("user_id", "user id", True))
COURSE_LEARNER = (
    ("login", "login", True),
    ("email", "email", True),
    ("enrollment_id", "enrollment", False),
    ("user_id", "user id", True),
)
MEMBER = (("username", "username", False), ("open_id", "open id", False), ("user_id", "user id", True))


def _why_not_found(not_enrolled, kind, value):
    """Why a learner a task names has no row of its own (``not_enrolled``: {kind: names} a course's
    task found but not enrolled; None for the enrollments' task, which looks up users only)."""
    if kind in ("department", "group"):
        return "no such %s in the account" % kind
    if not_enrolled is None:
        return "no active user"
    if kind == "enrollment_id":
        return "no such enrollment in the course"
    return "not enrolled in the course" if value in not_enrolled.get(kind, ()) else "no active user"


class _Report:
    """The rows, errors and over-guard courses and programs, built pass by pass."""

    def __init__(self, second):
        self.second = second or {}
        self.rows, self.errors, self.over_guard = [], [], []
        self.retried = {}

    def final(self, result, key):
        """The result that counts: the second pass's when the first asked again without the
        learners that cannot be found (the n-th retried of that task is its n-th result)."""
        if "not_found" not in result:
            return result
        position = self.retried.get(key, 0)
        self.retried[key] = position + 1
        results = _results(self.second.get(key))
        return results[position] if position < len(results) else {"failed": True, "msg": "no second result"}

    def failure(self, final, subject):
        """A failed course or program: refused by max_changes (its check-mode result still lists
        the changes: shown, and marked) or an error (the report is incomplete)."""
        if not final.get("failed"):
            return
        if "planned" in final:
            self.over_guard.append({"subject": subject, "msg": final.get("msg", ""), "planned": final["planned"]})
        else:
            self.errors.append({"subject": subject, "msg": final.get("msg", "unknown error")})

    def add(self, section, subject, learner, before, after, differs, note, stuck=None, values=None):
        row = {"section": section, "subject": subject, "learner": learner, "before": before, "after": after}
        row.update(differs=differs, note=note)
        if stuck is not None:
            row["stuck"] = stuck
        if differs:
            # The module's values (current, wanted) for the plan as data (drift_plan); None: absent.
            row["values"] = list(values or (None, None))
        self.rows.append(row)

    def enrollments(self, first):
        for result, declared in _entries(first, "enrollments", "enrollment"):
            courses = [declared["course_id"]] if "course_id" in declared else list(declared.get("course_ids") or [])
            final = self.final(result, "enrollments")
            self.failure(final, "enrollments in " + ", ".join(_text(course) for course in courses))
            for entry in final.get("enrollments") or []:
                self._enrollment(entry)
            self._not_found("enrollment", courses, result, partial(_why_not_found, None))

    def _enrollment(self, entry):
        changed = entry.get("changed")
        note = EXCLUSIVE if entry.get("removed_by_exclusive") else ""
        if changed and entry.get("completion_status") in SATISFIED:
            day = entry.get("completion_date")
            note += ", with their %s result%s" % (entry["completion_status"], (" of %s" % day) if day else "")
        before = enrollment_state(entry.get("before"))
        after = enrollment_state(entry.get("after")) if changed else ""
        learner = _learner(entry, ENROLLMENT_LEARNER)
        values = (_with_result(entry), entry.get("after"))
        self.add("enrollment", entry.get("course_id"), learner, before, after, changed, note, values=values)

    def courses(self, first):
        for result, declared in _entries(first, "courses", "course"):
            subject = declared["course_id"]
            final = self.final(result, "courses")
            self.failure(final, "course %s" % subject)
            for entry in final.get("learners") or []:
                changed = entry.get("changed")
                before = course_state(entry["before"]) if entry.get("before") else "not enrolled"
                after = course_state(entry.get("after") or {}) if changed else ""
                learner = _learner(entry, COURSE_LEARNER)
                values = (entry.get("before"), entry.get("after"))
                self.add("course", subject, learner, before, after, changed, entry.get("note", ""), values=values)
            not_enrolled = {kind: set(values) for kind, values in (result.get("not_enrolled") or {}).items()}
            self._not_found("course", [subject], result, partial(_why_not_found, not_enrolled))

    def _not_found(self, section, subjects, result, why):
        """A row for each learner the task named that was not found, in each of its subjects."""
        for kind, values in (result.get("not_found") or {}).items():
            for value in values:
                for subject in subjects:
                    learner = "%s %s" % (LABELS[kind], value)
                    self.add(section, subject, learner, "not found", "", True, why(kind, value))

    def programs(self, first):
        for result, declared in _entries(first, "programs", "program"):
            if result.get("skipped"):
                continue
            subject = declared["program_id"] if "program_id" in declared else declared.get("ext_id")
            final = self.final(result, "programs")
            self.failure(final, "program %s" % subject)
            for entry in final.get("members") or []:
                self.member(subject, entry.get("state", "present"), entry)
            for kind, values in (result.get("not_found") or {}).items():
                for value in values:
                    learner = "%s %s" % (LABELS[kind], value)
                    self.add("program", subject, learner, "not found", "", True, "unknown to EduBrite")

    def member(self, subject, state, entry):
        changed, before, after = entry.get("changed"), entry.get("before"), entry.get("after")
        if entry.get("removed_by_exclusive"):
            note = EXCLUSIVE
        elif state == "present" and before and before.get("quit"):
            note = QUIT
        else:
            note = STATE_NOTES[state]
        shown_before = member_state(before, after if changed else None)
        shown_after = member_state(after, before) if changed else ""
        learner = _learner(entry, MEMBER)
        values = (before, after)
        self.add("program", subject, learner, shown_before, shown_after, changed, note, note == QUIT, values)


def people_state(values, other, names):
    """A department's or user's values (``names``) that differ from ``other`` (all that are set,
    without one); None: it does not exist.  Never a password: the modules do not return one."""
    if values is None:
        return "does not exist"
    shown = []
    for name in names:
        value = values.get(name)
        if (value != other.get(name)) if other is not None else value not in (None, "", [], {}):
            shown.append("%s %s" % (name, "(none)" if value in (None, "", [], {}) else _text(_shown(value))))
    return ", ".join(shown) if shown else "exists"


def _shown(value):
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join("%s=%s" % (key, _text(item)) for key, item in sorted(value.items()))
    return value


DEPARTMENT_FIELDS = ("name", "parent")
USER_FIELDS = ("email", "first_name", "last_name", "department", "role", "status", "fields", "groups")
DEPARTMENTS = "learner_states_departments"
USERS = "learner_states_users"
NEW_MEMBER = "a user the run creates"


class _People:
    """The rows of the departments, the users and the groups (the first pass's results: the
    second asks only courses and programs again)."""

    def __init__(self, report):
        self.report = report

    def single(self, registered, key, section, subject, who, fields):
        result = _plain(registered)
        if not isinstance(result, dict) or result.get("skipped"):
            return
        self.report.failure(result, subject)
        for entry in result.get(key) or []:
            changed, before, after = entry.get("changed"), entry.get("before"), entry.get("after")
            shown_before = people_state(before, after if changed else None, fields)
            shown_after = people_state(after, before, fields) if changed else ""
            values = (before, after)
            self.report.add(section, subject, who(entry), shown_before, shown_after, changed, "", values=values)

    def groups(self, registered, new_logins):
        for result in _results(registered):
            if result.get("skipped"):
                continue
            declared = result.get("declared_group") or {}
            subject = declared.get("name") or declared.get("group_id")
            self.report.failure(result, "group %s" % subject)
            group = result.get("group") or {}
            note = "the group is created" if group.get("created") else ""
            note = "the group is deleted" if group.get("deleted") else note
            members = result.get("members") or []
            for entry in members:
                changed = entry.get("changed")
                before = "member" if entry.get("before") else "not a member"
                after = ("member" if entry.get("after") else "not a member") if changed else ""
                why = EXCLUSIVE if entry.get("removed_by_exclusive") else note
                why = NEW_MEMBER if changed and entry.get("login") in new_logins and not entry.get("before") else why
                values = ({"member": bool(entry.get("before"))}, {"member": bool(entry.get("after"))})
                learner = _learner(entry, ENROLLMENT_LEARNER)
                self.report.add("group", subject, learner, before, after, changed, why, values=values)
            if result.get("failed"):
                continue
            listed = {entry.get("login") for entry in members}
            declared_logins = list(declared.get("logins") or []) + [
                m["login"] for m in declared.get("members") or [] if m.get("login")
            ]
            for login in dict.fromkeys(declared_logins):
                if login in new_logins and login not in listed:
                    values = ({"member": False}, {"member": True})
                    learner = "login %s" % login
                    self.report.add("group", subject, learner, "not a member", "member", True, NEW_MEMBER, None, values)
            if group.get("renamed_from"):
                names = ({"name": group["renamed_from"]}, {"name": group.get("name")})
                shown = ("name %s" % group["renamed_from"], "name %s" % group.get("name"))
                self.report.add("group", subject, "(the group's name)", *shown, True, "", values=names)
            if not members and (group.get("created") or group.get("deleted")):
                before, after = ("does not exist", "exists") if group.get("created") else ("exists", "does not exist")
                values = ({"exists": not group.get("created")}, {"exists": bool(group.get("created"))})
                self.report.add("group", subject, "(the group)", before, after, True, note, values=values)


def _department(entry):
    return "code %s" % entry["code"] if entry.get("code") else 'name "%s"' % _text(entry.get("name"))


def _user(entry):
    return "login %s" % _text(entry.get("login"))


def _new_logins(users):
    users = _plain(users)
    if not isinstance(users, dict):
        return set()
    return {u.get("login") for u in users.get("users") or [] if u.get("changed") and u.get("before") is None}


def drift_rows(first, second=None):
    """{rows, errors, over_guard} of the drift report from the first check-mode pass (``first``:
    the registered results of states.yml's tasks, by the keys enrollments, courses and programs)
    and the second (``second``: the same keys, for what drift_retry declared again)."""
    if not isinstance(first, dict):
        raise TypeError("drift_rows takes the first pass's results, a dict, not %s" % type(first).__name__)
    report = _Report(second)
    people = _People(report)
    people.single(first.get("departments"), "departments", "department", DEPARTMENTS, _department, DEPARTMENT_FIELDS)
    people.single(first.get("users"), "users", "user", USERS, _user, USER_FIELDS)
    people.groups(first.get("groups"), _new_logins(first.get("users")))
    report.enrollments(first)
    report.courses(first)
    report.programs(first)
    return {"rows": report.rows, "errors": report.errors, "over_guard": report.over_guard}


LMS = {"enrollment": "iSpring Learn", "course": "iSpring Learn", "program": "EduBrite"}
LMS.update(department="iSpring Learn", user="iSpring Learn", group="iSpring Learn")
WHAT = {"enrollment": "enrollments in course", "course": "completions of course", "program": "program"}
WHAT.update(department="departments of", user="users of", group="members of group")
DECLARED = (
    "Declared in `learner_states_course_enrollments`, `learner_states_course_completions` and\n"
    "`learner_states_program_memberships`; compared by `course_enrollment`, `course_status` and\n"
    "`program_member` in check mode (what converging would change), nothing written.\n"
)
# With people declared (issue 25): the same sentence, with them first.
DECLARED_PEOPLE = (
    "Declared in `learner_states_departments`, `learner_states_users`, `learner_states_groups`,\n"
    "`learner_states_course_enrollments`, `learner_states_course_completions` and\n"
    "`learner_states_program_memberships`; compared by `ispring_department`, `ispring_user`,\n"
    "`ispring_group`, `course_enrollment`, `course_status` and `program_member` in check mode\n"
    "(what converging would change), nothing written. No password is shown.\n"
)


def cell(text):
    """A Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _line(*cells):
    return "| %s |\n" % " | ".join(cells)


def _tables(rows):
    """(groups, stuck, differ): the courses and programs in the order they first appear, each
    {section, subject, declared, met, differ, lines (of the rows that differ)}; the lines of the
    members converging cannot change; how many rows differ."""
    groups, stuck, differ = {}, [], 0
    for row in _plain(rows):
        row = _plain(row)
        key = (row["section"], row["subject"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = dict(section=key[0], subject=key[1], declared=0, met=0, differ=0, lines=[])
        group["declared"] += 1
        if row["differs"]:
            differ += 1
            group["differ"] += 1
            group["lines"].append(_line(*(cell(row[name]) for name in ("learner", "before", "after", "note"))))
        else:
            group["met"] += 1
        if row.get("stuck"):
            cells = (cell(row[name]) for name in ("learner", "before", "note"))
            stuck.append(_line("`%s`" % cell(row["subject"]), *cells))
    return list(groups.values()), stuck, differ


def _more(shown, total, path):
    if total <= shown:
        return ""
    return "\n... and %d more row(s), not printed: the full report is %s\n" % (total - shown, path)


def _verdict(rows, errors, over_guard, differ):
    if not differ and not errors:
        text = "**No drift**: all %d declared learner states are met." % len(rows)
    else:
        text = "**Drift**: %d of %d declared learner states differ" % (differ, len(rows))
        if errors:
            text += ", and %d course(s) or program(s) could not be read" % len(errors)
        text += (
            ".\nConverging (the role `learnops.lms.learner_states`) makes the changes below, the ones its modules\n"
            "would make in check mode."
        )
    if over_guard:
        text += (
            "\n\n**Over `learner_states_max_changes`**: %d course(s) or program(s) would change more than it\n"
            "allows. Converging stops at the first of them, before its first write there: what comes before it\n"
            "in the run is converged, it and what comes after it are not (see the section below)." % len(over_guard)
        )
    return text


def _over_guard(over_guard, max_changes):
    text = (
        "\n## Over learner_states_max_changes\n\n"
        "Each would change more than `learner_states_max_changes` (%s) allows. Converging stops at the\n"
        "first of them, before its first write there (departments, users, groups, enrollments, completions,\n"
        "programs, each in the order declared): what comes before it is converged, it and what comes after\n"
        "it are not. Their changes are listed under Differences all the same; if they are meant, raise the\n"
        "limit for the run that makes them (a reviewed plan with any of them is refused whole).\n\n"
        "| Course / program | Would change |\n|---|---:|\n" % ("not set" if max_changes is None else max_changes)
    )
    for refused in over_guard:
        planned = _plain(refused["planned"])
        counts = sorted(planned.items(), key=lambda item: item[0].lower())  # as Jinja's dictsort
        kinds = ", ".join("%s %s" % (count, kind) for kind, count in counts)
        text += _line(cell(refused["subject"]), "%d (%s)" % (sum(planned.values()), kinds))
    return text


def drift_markdown(report, limit=None, path=""):
    """The drift report in Markdown from ``report`` ({rows, errors, over_guard} of drift_rows, and
    max_changes); with ``limit`` (the printed copy), each table of learners has that many rows at
    most and a line saying how many more the file (``path``) has."""
    rows, errors = _plain(report["rows"]), _plain(report.get("errors") or [])  # (not report: its values are templates)
    over_guard = _plain(report.get("over_guard") or [])
    groups, stuck, differ = _tables(rows)
    text = "# Drift report: declared learner states vs. the LMSs\n\n"
    people = any(_plain(row)["section"] in ("department", "user", "group") for row in rows)
    text += _verdict(rows, errors, over_guard, differ) + "\n\n" + (DECLARED_PEOPLE if people else DECLARED)
    text += "\n## Summary\n\n"
    text += _summary(groups)
    if errors:
        text += "\n## Could not be read\n\n| Course / program | Error |\n|---|---|\n"
        text += "".join(_line(cell(error["subject"]), cell(error["msg"])) for error in map(_plain, errors))
    if over_guard:
        text += _over_guard(over_guard, report.get("max_changes"))
    if stuck:
        shown = stuck if limit is None else stuck[: max(limit, 0)]
        text += "\n## Cannot be converged\n\n| Program | Member | In the LMS | Note |\n|---|---|---|---|\n"
        text += "".join(shown) + _more(len(shown), len(stuck), path)
    if differ:
        text += _differences(groups, differ, limit, path)
    return text


def _summary(groups):
    """The summary table: one line per course or program."""
    text = "| LMS | Course / program | Declared | Met | Differ |\n|---|---|---:|---:|---:|\n"
    for group in groups:
        subject = "%s `%s`" % (WHAT[group["section"]], cell(group["subject"]))
        text += _line(LMS[group["section"]], subject, *(str(group[name]) for name in ("declared", "met", "differ")))
    return text


def _differences(groups, differ, limit, path):
    """The tables of the learners and members that differ, ``limit`` rows in all (None: every one)."""
    text = "\n## Differences\n"
    budget = differ if limit is None else max(limit, 0)
    for group in groups:
        lines = group["lines"][:budget]
        if not lines:
            continue
        budget -= len(lines)
        title = WHAT[group["section"]].capitalize()
        text += "\n### %s `%s`\n\n| Learner | In the LMS | After converging | Note |\n|---|---|---|---|\n" % (
            title,
            group["subject"],
        )
        text += "".join(lines)
    return text + _more(differ if limit is None else min(max(limit, 0), differ), differ, path)


class FilterModule:
    def filters(self):
        return {"drift_retry": drift_retry, "drift_rows": drift_rows, "drift_markdown": drift_markdown}
