# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter states_problems (documented in states_problems.yml): every problem of the states of the
role learner_states that can be found without the LMS, so that the role fails before its first
task sends anything, instead of after the earlier entries were written.

Each entry is checked by the very functions its module runs before its first request
(module_utils ``runner.check_params``, ``enrollment.validate``, ``completion.wanted_learners``,
``membership.validate``, ``department.wanted``, ``user.validate``, ``group.validate``), with the
values the role's task passes (the departments and the users as one list each: one task takes them
all); then the entries are compared
with each other: a learner or member declared twice with different values, in one entry or in
two, would be changed back and forth on every run."""

from __future__ import annotations

import re
from functools import partial

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.learnops.lms.plugins.module_utils import (
    completion,
    dates,
    department,
    enrollment,
    group,
    membership,
    plans,
    user,
)
from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import NOTHING_CHANGED
from ansible_collections.learnops.lms.plugins.module_utils.runner import check_params
from ansible_collections.learnops.lms.plugins.plugin_utils.learner_states import (
    COMPLETIONS,
    DEPARTMENTS,
    ENROLLMENTS,
    GROUPS,
    MEMBERSHIPS,
    STATE_LISTS,
    USERS,
)

PEOPLE = (DEPARTMENTS, USERS)  # one module task for the whole list: checked as one
MAX_CHANGES = "learner_states_max_changes"
NAMED_BY = ("course_id", "course_ids", "program_id", "ext_id", "code", "login", "name", "group_id")
# The people modules name an entry by its position in the list they are given ("users[3]").
POSITION = re.compile(r"\b(departments|users)\[(\d+)\]")
# What the role's people tasks pass besides the entries (REST always).
DEPARTMENT_TASK = dict(state="present")
USER_TASK = dict(state="present", max_changes=None)
GROUP_TASK = dict(api="rest")
# The rules of a list option of the role's argument spec, as ArgumentSpecValidator takes them.
RULES = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")
# What the role's tasks (tasks/states.yml) pass besides the entry's keys, or leave to the modules' defaults.
ENROLLMENT_TASK = dict(state="present", batch_size=1000)
COMPLETION_TASK = dict(batch_size=1000, wait_timeout=300)
MEMBER_TASK = dict(batch_size=500, user_ids=[], open_ids=[])
# The lists of users who quit and who are not members, by the state each asks for, and its words.
LEAVING = (("quit", "quit"), ("removed", "absent"))
LEFT = {"quit": "quit", "absent": "not a member"}
DATE_PARAMS = frozenset(membership.DATE_OPTIONS.values())
# What an exclusive entry is about, for its message: (what, who).
KINDS = {"enrollment": ("course", "learners"), "membership": ("program", "members"), "group": ("group", "members")}


class Entry:
    """One entry of a state list as messages name it: the list, the position (from 0 as in Jinja,
    and from 1), and its course or program."""

    def __init__(self, variable, position, item):
        self.variable, self.position, self.item = variable, position, item

    @property
    def short(self):
        return "%s[%d] (entry %d)" % (self.variable, self.position, self.position + 1)

    @property
    def name(self):
        item = self.item if isinstance(self.item, dict) else {}
        key = next((key for key in NAMED_BY if item.get(key)), None)
        of = ", %s %s" % (key, _text(item[key])) if key else ""
        return "%s[%d] (entry %d%s)" % (self.variable, self.position, self.position + 1, of)


def _kind(value):
    """The plain type name of a value (ansible-core 2.21 hands over tagged subclasses of str, ...)."""
    plain = (bool, str, int, float, dict)
    return next((kind.__name__ for kind in plain if isinstance(value, kind)), type(value).__name__)


def _text(value):
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


class Found:
    """The problems found so far, and what every entry declares of whom, to compare the entries."""

    def __init__(self):
        self.problems = []
        self.claims = {}  # (course or program, who) -> [(entry, what is declared, as shown)]
        self.declared = {}  # course or program -> [entries], the exclusive ones marked
        self.kept = {}  # course -> (exclusive enrollment entry, {kind: the learners it keeps}), no audience
        self.completed = []  # (course, wanted learner, entry) of the completion entries

    def problem(self, entry, message):
        if message.endswith(NOTHING_CHANGED):  # true, but the pre-check says it once for all
            message = message[: -len(NOTHING_CHANGED)].rstrip()
        self.problems.append("%s: %s" % (entry.name, message))

    def claim(self, target, who, entry, said, shown):
        self.claims.setdefault((target, who), []).append((entry, said, shown))

    def names(self, target, entry, exclusive):
        self.declared.setdefault(target, []).append((entry, exclusive))


def states_problems(states, specs, api=None):
    """The problems of ``states`` (a dict of the role's three state lists, and of any other of its
    variables to check), each a message that names the entry (list, position, course or program)
    and the field; ``specs`` are the options of the role's argument spec
    (meta/argument_specs.yml), ``api`` the iSpring interface the modules use (soap when not
    given)."""
    if not isinstance(states, dict) or not isinstance(specs, dict):
        raise TypeError("states_problems takes the dict of the state lists and the options of the role's argument spec")
    states, specs = _plain(states), _plain(specs)
    found = Found()
    _options(found, states, specs)
    checks = {ENROLLMENTS: _enrollment, COMPLETIONS: partial(_completion, api=api or "soap"), MEMBERSHIPS: _program}
    checks.update({GROUPS: _group})
    for variable in STATE_LISTS:
        entries = states.get(variable) or []
        if not isinstance(entries, list):
            found.problems.append("%s: a list of entries, not a %s." % (variable, _kind(entries)))
            continue
        valid = {}
        for position, item in enumerate(entries):
            entry = Entry(variable, position, item)
            params = _validated(found, entry, specs.get(variable) or {})
            if params is not None and variable in PEOPLE:
                valid[position] = params
            elif params is not None:
                checks[variable](found, entry, params)
        if variable in PEOPLE:
            _people(found, variable, valid)
    _conflicts(found)
    return found.problems


def _options(found, states, specs):
    """The role's other variables given with the states (connection, guards, report), against
    their argument spec: ansible-core's message names them too, but prints the whole spec."""
    names = [name for name in states if name in specs and name not in STATE_LISTS]
    result = ArgumentSpecValidator({name: specs[name] for name in names}).validate(
        {name: states[name] for name in names}
    )
    found.problems += [message.rstrip(".") + "." for message in result.error_messages]
    if states.get(MAX_CHANGES) is not None:  # raw in the argument spec: a count or a share "N%"
        try:
            plans.parse_max_changes(states[MAX_CHANGES], option=MAX_CHANGES)
        except ValidationError as exc:
            found.problems.append(str(exc))


def _plain(value):
    """Plain dicts, lists and strings of ``value``: the validator deep-copies what it is given, and
    a deep copy of ansible-core's lazy template containers (2.21) copies its plugin loaders, with a
    deprecation warning."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):  # not the tagged subclass, which messages would name
        return str(value)
    return value


def _validated(found, entry, spec):
    """The entry's values as the role's argument spec converts them (types, defaults); None, with
    the problems noted, when the spec refuses the entry."""
    if not isinstance(entry.item, dict):
        found.problem(entry, "not a dict of the keys ansible-doc -t role learnops.lms.learner_states lists.")
        return None
    result = _validator(spec).validate(entry.item)
    if not result.error_messages:
        return result.validated_parameters
    for message in _spec_problems(spec, entry.item):
        found.problem(entry, message.rstrip(".") + ".")
    return None


def _validator(spec):
    return ArgumentSpecValidator(spec.get("options") or {}, **{rule: spec[rule] for rule in RULES if spec.get(rule)})


def _spec_problems(spec, item):
    """What the spec refuses in an entry, a learner's or member's problems named with its position
    (``learners[3]: ...``; the validator says only ``learners``): the entry without its lists of
    learners or members, then each of them."""
    options = spec.get("options") or {}
    nested = [name for name, option in options.items() if option.get("options") and option.get("elements") == "dict"]
    flat = dict(
        spec,
        options={name: _without_suboptions(option) if name in nested else option for name, option in options.items()},
    )
    messages = list(_validator(flat).validate(item).error_messages)
    for name in nested:
        messages += _element_problems(name, options[name], item.get(name))
    return messages


def _element_problems(name, option, elements):
    """The problems of each learner or member of a list (``learners[3]: ...``)."""
    messages = []
    for position, element in enumerate(elements if isinstance(elements, list) else []):
        if isinstance(element, dict):  # else the entry's own validation says so
            found = _validator(option).validate(element).error_messages
            messages += ["%s[%d]: %s" % (name, position, message) for message in found]
    return messages


def _without_suboptions(option):
    return {key: value for key, value in option.items() if key != "options" and key not in RULES}


def _module_checked(found, entry, params, id_options, validate):
    """What the module's ``validate`` makes of the task's ``params`` after its ID options are
    checked; None, with the problem noted, when either refuses them."""
    ok = _checked(found, entry, check_params, params, id_options)[0]
    ok, validated = _checked(found, entry, validate, params) if ok else (False, None)
    return validated if ok else None


def _checked(found, entry, check, params, *args):
    """(True, ``check(params, *args)``), or (False, None) with its ValidationError noted as the
    entry's problem."""
    try:
        return True, check(params, *args)
    except ValidationError as exc:
        found.problem(entry, exc.message)
        return False, None


def _who(wanted):
    """The learner or member as named (the label of the modules' messages): the same string is
    the same person; an email in any case is the same (the modules look emails up without case)."""
    return wanted.label.lower() if wanted.kind == "email" else wanted.label


def _nobody(what, options):
    return (
        "declares no %s (%s are empty or not set), so it would converge nothing and report no drift - "
        "more often a list that was lost than one meant. List the %ss, or remove the entry." % (what, options, what)
    )


# --- one entry each ---


def _enrollment(found, entry, entry_params):
    params = dict(entry_params, **ENROLLMENT_TASK)
    validated = _module_checked(found, entry, params, enrollment.ID_OPTIONS, enrollment.validate)
    if validated is None:
        return
    courses, wanted = validated
    audience = params.get("departments") or params.get("groups")  # resolved at run time
    if not wanted and not params["exclusive"] and not audience:
        found.problem(entry, _nobody("learner", "learners, user_ids, logins, emails, departments and groups"))
    for course in courses:
        target = ("course %s" % course, "enrollment")
        if wanted or params["exclusive"] or audience:
            found.names(target, entry, params["exclusive"])
        if params["exclusive"] and not audience:
            kept = {}
            for w in wanted:
                kept.setdefault(w.kind, set()).add(_who(w))
            found.kept[target[0]] = (entry, kept)
        for w in wanted:
            found.claim(target, _who(w), entry, w.values, _enrolled_shown(w.values))


def _enrolled_shown(values):
    shown = ", ".join("%s %s" % item for item in vars(values).items() if item[1] is not None)
    return "enrolled with " + (shown or "the values as they are")


def _completion(found, entry, entry_params, api):
    params = dict(entry_params, api=api, **COMPLETION_TASK)
    wanted = _module_checked(found, entry, params, completion.ID_OPTIONS, completion.wanted_learners)
    if wanted is None:
        return
    if not wanted:
        found.problem(entry, _nobody("learner", "learners, enrollment_ids, user_ids, logins and emails"))
    target = ("course %s" % params["course_id"], "completion")
    found.completed += [(target[0], w, entry) for w in wanted]
    for w in wanted:
        status, date, reason, score = w.change
        shown = ["status %s" % status] + [
            "%s %s" % (k, v) for k, v in (("date", date), ("reason", reason), ("awarded_score", score)) if v is not None
        ]
        found.claim(target, _who(w), entry, w.change, ", ".join(shown))


def _program(found, entry, entry_params):
    """The program's one task (state present, with the users who quit and who are not members)."""
    key = "program_id" if entry_params.get("program_id") else "ext_id"
    target = ("%s %s" % (key, entry_params[key]), "membership")
    lists = {name: entry_params.get(name) or [] for name in ("members", "usernames", "quit", "removed")}
    if not any(lists.values()) and not entry_params["exclusive"]:
        found.problem(entry, _nobody("member", "members, usernames, quit and removed"))
        return
    params = dict(entry_params, state="present", **MEMBER_TASK)
    params.update(lists)
    wanted = _program_task(found, entry, params)
    if wanted is None:
        return
    if wanted or params["exclusive"]:
        found.names(target, entry, params["exclusive"])
    for w in wanted:
        found.claim(target, _who(w), entry, *_member_claim(w))


def _member_claim(wanted):
    """(what the entry wants of the user, in words) for a program's member, or who quits or leaves."""
    if wanted.state == "present":
        return ("present", wanted.fields), _member_shown(wanted.fields)
    option = next(name for name, state in LEAVING if state == wanted.state)
    return (wanted.state,), "%s (in %s)" % (LEFT[wanted.state], option)


def _program_task(found, entry, params):
    validated = _module_checked(found, entry, params, membership.ID_OPTIONS, membership.validate)
    return None if validated is None else validated[2]


def _member_shown(fields):
    """A member's declared fields, by the options that give them, dates in ISO 8601."""
    shown = [
        "%s %s" % (membership.OPTION_OF[param], dates.from_epoch_ms(value) if param in DATE_PARAMS else value)
        for param, value in fields.items()
    ]
    return "a member" + (" with " + ", ".join(shown) if shown else " (fields as they are)")


def _people(found, variable, valid):
    """The departments or users (``valid``: {position: the entry as the spec converts it}) checked
    as their module's one task checks its list; the module's positions become the list's."""
    positions = list(valid)
    for position in positions:
        _checked(found, Entry(variable, position, valid[position]), check_params, valid[position])
    items = [valid[position] for position in positions]
    if variable == DEPARTMENTS:
        problems = department.wanted(dict(DEPARTMENT_TASK, departments=items))[1]
    else:
        problems = user.validate(dict(USER_TASK, users=items))[1]

    def renamed(match):
        return "learner_states_%s[%d]" % (match.group(1), positions[int(match.group(2))])

    found.problems += [POSITION.sub(renamed, problem).rstrip(".") + "." for problem in problems]


def _group(found, entry, entry_params):
    """A group's one task: its options and members as the module checks them, then what the
    entry declares of the group, to compare with the other entries of the same group."""
    params = dict(entry_params, **GROUP_TASK)
    ok = _checked(found, entry, check_params, params, group.ID_OPTIONS)[0]
    if not ok or not _checked(found, entry, group.validate, params)[0]:
        return
    target = ("group %s" % (params["name"] or params["group_id"]), "group")
    found.names(target, entry, params["exclusive"])
    found.claim(target, "state", entry, params["state"], params["state"])


# --- the entries compared ---


def _conflicts(found):
    for (target, who), claims in found.claims.items():
        first = claims[0]
        other = next((claim for claim in claims[1:] if claim[1] != first[1]), None)
        if other is not None:
            found.problems.append(
                "%s of %s is declared twice with different values: %s says %s; %s says %s. Declare it once "
                "(or the same way both times), or it is changed back and forth on every run."
                % (who, target[0], first[0].short, first[2], other[0].short, other[2])
            )
    for target, entries in found.declared.items():
        _exclusive(found, target, entries)
    _completed_but_removed(found)


def _completed_but_removed(found):
    """A completion of a learner whom an exclusive enrollment of the course removes: the removal
    goes first, and the completion then fails (not enrolled), on every run.  Known only when both
    entries name learners the same way (a login may be the user an email names), or when the
    enrollment keeps nobody."""
    for course, wanted, entry in found.completed:
        remover, kept = found.kept.get(course, (None, {}))
        if remover is None or kept and (set(kept) != {wanted.kind} or _who(wanted) in kept[wanted.kind]):
            continue
        found.problems.append(
            "%s of %s: %s completes the learner, whom the exclusive %s does not list and so unenrolls before "
            "the completion is set; the completion then fails on every run. List the learner in the enrollment "
            "entry, or drop the completion." % (_who(wanted), course, entry.short, remover.short)
        )


def _exclusive(found, target, entries):
    """An exclusive entry removes the learners or members another entry of the same course or
    program declares, and the other entry adds them back, on every run."""
    exclusive = next((entry for entry, is_exclusive in entries if is_exclusive), None)
    other = next((entry for entry, _exclusive in entries if entry is not exclusive), None)
    if exclusive is None or other is None:
        return
    found.problems.append(
        "%s: %s has exclusive: true, which removes whom %s declares in the same %s, and that entry adds them "
        "back on every run. Declare the %s in one entry." % (target[0], exclusive.short, other.short, *KINDS[target[1]])
    )


class FilterModule:
    def filters(self):
        return {"states_problems": states_problems}
