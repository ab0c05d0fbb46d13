# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-state planning of iSpring Learn departments (module ``ispring_department``).

The departments asked for are validated, matched with the account's departments (``GET
/departments``, all pages) - by ``code``, or, without one, by name under their parent - and
planned as one tree: the tree the account would have once the plan is applied must have no
cycle, and every parent named must be declared or exist.  Writes go out level by level (a new
child needs its new parent's id; a move goes after the moves above it), side by side within a
level; removals go children first, and are refused while a department keeps users or
sub-departments.  Every problem is found before the first write and reported in one message.
Wire code stays in ``ispring_rest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from ansible_collections.learnops.lms.plugins.module_utils import plans
from ansible_collections.learnops.lms.plugins.module_utils.calls import NOT_RUN, in_parallel, named
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, OutcomeUnknown, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import first_shown, sentence, some

OPTIONS = ("code", "name", "parent")
USERS_SHOWN = 3  # logins a refusal names, before "and N more"
KINDS = {"create": "to create", "rename": "to rename", "move": "to move", "delete": "to remove"}


# --- the desired state, validated before anything is read ---


@dataclass(frozen=True)
class Wanted:
    """A department as the task declares it; ``parent`` is the parent's code (None: the root)."""

    where: str
    code: str | None
    name: str | None
    parent: str | None

    @property
    def label(self):
        if self.code:
            return "%s (code %s)" % (self.where, self.code)
        return '%s (name "%s" under %s)' % (self.where, self.name, self.parent or "the root")

    @property
    def key(self):
        return ("code", self.code) if self.code else ("name", self.parent, self.name)

    def values(self):
        return (self.name, self.parent)


def _text(value):
    """A value as given; None for a missing or blank one."""
    if value is None or not str(value).strip():
        return None
    return str(value)


def wanted(params):
    """(the departments asked for, each once, in the order given; the problems found without a
    request): a name missing, a department declared twice with different values."""
    found, problems, first = [], [], {}
    for position, item in enumerate(params["departments"]):
        w = Wanted("departments[%d]" % position, *(_text(item.get(name)) for name in OPTIONS))
        missing = _missing(w, params["state"])
        if missing:
            problems.append("%s: %s" % (w.where, missing))
            continue
        other = first.setdefault(w.key, w)
        if other is w:
            found.append(w)
        elif other.values() != w.values():
            problems.append(
                "%s and %s both declare code %s, with different values (%s; %s); declare it once"
                % (other.where, w.where, w.code, _values(other), _values(w))
            )
    return found, problems


def _missing(w, state):
    if state == "present" and w.name is None:
        return "name is missing; every department declared present needs its name"
    if w.code is None and w.name is None:
        return "give the department's code, or its name (and parent)"
    return _spaced(w)


def _spaced(w):
    """A code (or parent's code) with spaces around it names another department than the one meant
    ("SALES " would be a second Sales): refused, never stripped silently."""
    spaced = [
        (name, getattr(w, name))
        for name in ("code", "parent")
        if (getattr(w, name) or "").strip() != (getattr(w, name) or "")
    ]
    if not spaced:
        return None
    return "; ".join(
        "%s %r has spaces around it; write it as %r (with them it is another department's code)"
        % (name, value, value.strip())
        for name, value in spaced
    )


def _values(w):
    return 'name "%s", parent %s' % (w.name, w.parent or "the root")


# --- the account's departments ---


class Tree:
    """The account's departments: by id, by code, by parent."""

    def __init__(self, departments):
        self.by_id = {d.department_id: d for d in departments}
        self.by_code, self.children = {}, {}
        for d in departments:
            if d.code:
                self.by_code.setdefault(d.code, []).append(d)
            self.children.setdefault(d.parent_id, []).append(d)
        self.roots = self.children.get(None, [])

    def label(self, department_id):
        """A department as messages and diffs show it: its code, else its name."""
        d = self.by_id.get(department_id)
        return None if d is None else (d.code or d.name)

    def depth(self, department_id):
        depth, seen = 0, set()
        while department_id in self.by_id and department_id not in seen:
            seen.add(department_id)
            department_id, depth = self.by_id[department_id].parent_id, depth + 1
        return depth


# --- the plan ---


@dataclass(eq=False)
class Entry:
    """One department asked for, what becomes of it, and what the module reports of it."""

    wanted: Wanted
    record: object = None  # the Department before the task, None: there is none
    parent: object = None  # the parent it should have: a Department, an Entry (declared), or None (unresolved)
    action: str | None = None  # create, rename, move, delete
    level: int = 0  # the round of writes it goes in
    department_id: str | None = None
    after: dict | None = None
    unconfirmed: bool = False
    tree: Tree | None = None

    @property
    def changed(self):
        return self.action is not None

    @property
    def kind_of_change(self):
        return KINDS[self.action]

    @property
    def who(self):
        w = self.wanted
        return w.code if w.code else '"%s" under %s' % (w.name, w.parent or "the root")

    @property
    def parent_id(self):
        """The parent's id: an existing department's, or a declared one's (None until it is created)."""
        return self.parent.department_id if self.parent is not None else None

    @property
    def before(self):
        """The department before the task (RETURN ``before``); None: there was none."""
        return None if self.record is None else view(self.record, self.tree)

    def not_applied(self):
        self.action, self.after = None, self.before

    def result(self):
        entry = dict(
            code=self.wanted.code,
            name=self.wanted.name,
            parent=self.wanted.parent,
            department_id=self.department_id,
            changed=self.changed,
            before=self.before,
            after=self.after,
        )
        if self.unconfirmed:
            entry["unconfirmed"] = True
        return entry


def view(department, tree):
    """What the module reports of a department (RETURN ``before`` and ``after``)."""
    return dict(
        department_id=department.department_id,
        name=department.name,
        code=department.code,
        parent_id=department.parent_id,
        parent=tree.label(department.parent_id),
    )


@dataclass
class Plan(plans.Plan):
    """What a run of ``ispring_department`` does."""

    ITEMS, LISTED_IN = "department(s)", "departments"
    tree: Tree
    state: str
    entries: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    claims: dict = field(default_factory=dict)  # {department ID: the Entry that declares it}

    @property
    def scope_size(self):
        """The account's departments as read (the root one included)."""
        return len(self.tree.by_id)

    def rounds(self):
        """The changing entries in rounds of writes: by level, ascending."""
        levels = {}
        for entry in self.entries:
            if entry.changed:
                levels.setdefault(entry.level, []).append(entry)
        return [levels[level] for level in sorted(levels)]

    def predicted(self, entry):
        """A department once the plan is applied (a new one's id unknown until it is created)."""
        if entry.action == "delete":
            return None
        parent = entry.parent
        return dict(
            department_id=entry.department_id,
            name=entry.wanted.name,
            code=entry.wanted.code or (entry.record.code if entry.record else None),
            parent_id=parent.department_id if parent is not None else None,
            parent=_label(parent),
        )

    def diff_row(self, entry):
        return entry.who, _shown(entry.before), _shown(entry.after)

    def result(self, diff=False, unchanged=True):
        result = self.listed(unchanged)
        if diff:
            result["diff"] = self.diff_of_changes("iSpring departments", absent="does not exist")
        return result


def _label(parent):
    if isinstance(parent, Entry):
        return parent.wanted.code or parent.wanted.name
    return None if parent is None else (parent.code or parent.name)


def _shown(values):
    """A department in the diff: its name, code and parent."""
    return None if values is None else {name: values[name] for name in ("name", "code", "parent")}


def plan(the_wanted, departments, state, problems=()):
    """The Plan of the departments asked for against the account's; its ``problems`` are every
    reason it cannot be applied (``refuse_problems`` raises them)."""
    the_plan = Plan(Tree(departments), state, problems=list(problems))
    the_plan.entries = [Entry(w, tree=the_plan.tree) for w in the_wanted]
    if state == "present":
        _plan_present(the_plan)
    else:
        _plan_absent(the_plan)
    return the_plan


def _one(found, w, what, problems):
    """The one department ``found`` holds; a problem when there are several."""
    if len(found) > 1:
        ids = some([d.department_id for d in found], shown=3)
        problems.append(
            "%s: %d departments have %s (%s); give them distinct codes first" % (w.label, len(found), what, ids)
        )
    return found[0] if len(found) == 1 else None


def _root(the_plan, w):
    roots = the_plan.tree.roots
    if len(roots) != 1:
        the_plan.problems.append(
            "%s: the account lists %d departments without a parent, so its root is unknown" % (w.label, len(roots))
        )
        return None
    return roots[0]


# --- present: create, rename, move ---


def _plan_present(the_plan):
    declared = _match_by_code(the_plan)
    for entry in the_plan.entries:
        entry.parent = _parent(the_plan, entry.wanted, declared)
    claimed = {entry.record.department_id: entry for entry in declared.values() if entry.record}
    for entry in the_plan.entries:
        if not entry.wanted.code:
            _match_by_name(the_plan, entry, claimed)
    for entry in the_plan.entries:
        _decide(the_plan, entry)
    _check_cycles(the_plan)
    for entry in the_plan.entries:
        entry.level = _level(the_plan, entry) if entry.action in ("create", "move") else 0


def _match_by_code(the_plan):
    """{code: entry} of the departments declared with a code, each matched with the account's
    department of that code (when there is one)."""
    declared = {entry.wanted.code: entry for entry in the_plan.entries if entry.wanted.code}
    for code, entry in declared.items():
        entry.record = _one(the_plan.tree.by_code.get(code, []), entry.wanted, "code " + code, the_plan.problems)
        entry.department_id = entry.record.department_id if entry.record else None
    return declared


def _parent(the_plan, w, declared):
    """The parent a department should have: a declared Entry, an existing Department, or the root."""
    if w.parent is None:
        return _root(the_plan, w)
    if w.parent in declared:
        return declared[w.parent]
    found = the_plan.tree.by_code.get(w.parent, [])
    if not found:
        the_plan.problems.append(
            "%s: parent %s is neither declared in the task nor the code of a department of the account; declare it, "
            "or correct the code" % (w.label, w.parent)
        )
        return None
    return _one(found, w, "the parent's code " + w.parent, the_plan.problems)


def _match_by_name(the_plan, entry, claimed):
    """A department without a code is the one of that name under its parent, if the parent exists."""
    parent_id = entry.parent_id
    if parent_id is None:
        return
    named = [d for d in the_plan.tree.children.get(parent_id, []) if d.name == entry.wanted.name]
    entry.record = _one(named, entry.wanted, 'the name "%s" under that parent' % entry.wanted.name, the_plan.problems)
    entry.department_id = entry.record.department_id if entry.record else None
    twin = claimed.get(entry.record.department_id) if entry.record else None
    if twin is not None and twin is not entry:
        the_plan.problems.append(
            "%s is the department %s declares by code %s; declare it once"
            % (entry.wanted.label, twin.wanted.where, twin.wanted.code)
        )


def _decide(the_plan, entry):
    record = entry.record
    if record is not None and record.parent_id is None and entry.wanted.code:
        the_plan.problems.append(
            "%s is the root department, which has no parent; leave it out (name it as a parent)" % entry.wanted.label
        )
        entry.parent = None  # so that it reads as no loop too
        return
    if record is None:
        entry.action = "create"
    elif entry.parent is not None and entry.parent_id != record.parent_id:
        entry.action = "move"
    elif record.name != entry.wanted.name:
        entry.action = "rename"
    entry.department_id = record.department_id if record else None
    entry.after = the_plan.predicted(entry)


def _final_parent(the_plan, node):
    """The parent a node (an Entry or a Department) has once the plan is applied, as one object
    per department (its Entry when one declares it)."""
    parent = node.parent if isinstance(node, Entry) else the_plan.tree.by_id.get(node.parent_id)
    if parent is None or isinstance(parent, Entry):
        return parent
    return the_plan.claims.get(parent.department_id, parent)


def _check_cycles(the_plan):
    """Refuse a plan whose tree would loop, naming the departments of each loop once."""
    the_plan.claims = {entry.record.department_id: entry for entry in the_plan.entries if entry.record}
    seen = set()
    for entry in the_plan.entries:
        loop = _loop(the_plan, entry)
        key = frozenset(id(node) for node in loop)
        if loop and key not in seen:
            seen.add(key)
            names = [_label(node) for node in loop]
            the_plan.problems.append(
                "a cycle: %s would each be the parent of the next; correct the parents" % " -> ".join(names + names[:1])
            )


def _loop(the_plan, entry):
    """The departments of the loop above ``entry`` (from where it starts), or [] when it reaches the root."""
    path, node = [], entry
    while node is not None:
        if any(node is other for other in path):
            return path[next(i for i, other in enumerate(path) if other is node) :]
        path.append(node)
        node = _final_parent(the_plan, node)
    return []


def _level(the_plan, entry):
    """The round of a creation or move: one after every creation or move above it in the tree
    the plan makes (so that a new parent has its id, and no move makes a loop on the way)."""
    level, node, seen = 0, _final_parent(the_plan, entry), set()
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        level += isinstance(node, Entry) and node.action in ("create", "move")
        node = _final_parent(the_plan, node)
    return level


# --- absent: remove, children first ---


def _plan_absent(the_plan):
    tree = the_plan.tree
    for entry in the_plan.entries:
        entry.record = _existing(the_plan, entry.wanted)
        if entry.record is not None:
            _remove(the_plan, entry)
    removed = {entry.department_id for entry in the_plan.entries if entry.changed}
    deepest = max([tree.depth(i) for i in removed] or [0])
    for entry in the_plan.entries:
        if entry.changed:
            entry.level = deepest - tree.depth(entry.department_id)  # children first
            _kept_children(the_plan, entry, removed)


def _remove(the_plan, entry):
    twin = the_plan.claims.setdefault(entry.record.department_id, entry)
    if entry.record.parent_id is None:
        the_plan.problems.append("%s is the root department, which cannot be removed" % entry.wanted.label)
    elif twin is not entry:
        the_plan.problems.append(
            "%s names the department %s names; name it once" % (entry.wanted.label, twin.wanted.where)
        )
    else:
        entry.action, entry.department_id = "delete", entry.record.department_id


def _existing(the_plan, w):
    """The existing department a removal names: by code, else by name under its (existing) parent."""
    tree = the_plan.tree
    if w.code:
        return _one(tree.by_code.get(w.code, []), w, "code " + w.code, the_plan.problems)
    parent = _root(the_plan, w) if w.parent is None else _one(tree.by_code.get(w.parent, []), w, "parent code", [])
    if parent is None:
        return None
    named = [d for d in tree.children.get(parent.department_id, []) if d.name == w.name]
    return _one(named, w, 'the name "%s" under that parent' % w.name, the_plan.problems)


def _kept_children(the_plan, entry, removed):
    kept = [d for d in the_plan.tree.children.get(entry.department_id, []) if d.department_id not in removed]
    if kept:
        the_plan.problems.append(
            "%s still has %d sub-department(s) the task does not remove: %s; remove or move them first"
            % (entry.wanted.label, len(kept), some([d.code or d.name for d in kept], shown=USERS_SHOWN))
        )


def refuse_problems(client, the_plan):
    """Raise every problem of the plan in one message, those of removals that would leave users
    without a department (one listing of users by the departments removed) included."""
    removing = {entry.department_id: entry for entry in the_plan.entries if entry.action == "delete"}
    if removing:
        users = client.department_users(sorted(removing))
        for department_id, entry in removing.items():
            _users_problem(the_plan, entry, users.get(department_id, []))
    if the_plan.problems:
        raise ValidationError(
            "%d problem(s) with the departments asked for: %s."
            % (len(the_plan.problems), "; ".join(first_shown(the_plan.problems))),
            problems=list(the_plan.problems),
        )


def _users_problem(the_plan, entry, users):
    if users:
        logins = [user.login or user.email or user.user_id for user in users]
        the_plan.problems.append(
            "%s still has %d user(s): %s; move them to another department first"
            % (entry.wanted.label, len(users), some(logins, shown=USERS_SHOWN))
        )


# --- writing ---


def _call(client, entry):
    """The write of one entry, returning the entry (a created one's id set)."""
    w, record = entry.wanted, entry.record
    if entry.action == "create":
        return lambda: _created(entry, client.create_department(w.name, entry.parent_id, w.code))
    if entry.action == "delete":
        return partial(_done, entry, client.delete_department, entry.department_id)
    code = w.code or record.code
    return partial(_done, entry, client.update_department, entry.department_id, w.name, entry.parent_id, code)


def _doing(entry):
    """What a write does, as its failure names it: 'create department SALES'."""
    return "%s department %s" % (KINDS[entry.action][3:], entry.who)


def _created(entry, department_id):
    entry.department_id = department_id
    return entry


def _done(entry, send, *args):
    send(*args)
    return entry


def write(client, the_plan):
    """Send the writes round by round (side by side within a round), then read the departments
    back; returns the task's warnings.  A failed write raises an error that says exactly which
    departments were written."""
    done = set()
    for entries in the_plan.rounds():
        outcomes, error = in_parallel([named(_doing(e), _call(client, e), e) for e in entries], client.transport)
        done.update(id(outcome) for outcome in outcomes if outcome is not NOT_RUN)
        if error is not None:
            raise _report_failure(client, the_plan, done, error) from None
    return read_back(client, the_plan)


def _report_failure(client, the_plan, done, failed):
    """The entries as the calls that succeeded say (and as read again, when the listing answers),
    and the failure's message saying so."""
    if isinstance(failed.error, OutcomeUnknown):
        failed.subject.unconfirmed = True
        done.add(id(failed.subject))
    for entry in the_plan.entries:
        if entry.changed and id(entry) not in done:
            entry.not_applied()
        elif entry.changed:
            entry.after = the_plan.predicted(entry)
    tree = _read_again(client)
    if tree is not None:
        _read_into(the_plan, tree)
    error = failed.message
    if failed.subject.unconfirmed:
        error = "%s Its outcome is unknown, so iSpring may have applied it (marked unconfirmed)" % sentence(error)
    return the_plan.failure(the_plan.after_failure(error, read=tree is not None))


def _read_again(client):
    """The account's departments after the writes; None when they cannot be read."""
    try:
        return Tree(client.list_departments())
    except LmsError:
        return None


def _read_into(the_plan, tree):
    """Set the changed entries' ``after`` as read; returns those that do not read as written."""
    wrong = []
    for entry in the_plan.entries:
        if entry.changed and not entry.unconfirmed:
            found = tree.by_id.get(entry.department_id)
            entry.after = None if found is None else view(found, tree)
            wrong += [entry.who] if _differs(entry, the_plan.predicted(entry)) else []
    return wrong


def read_back(client, the_plan):
    """Set the changed entries' ``after`` from a fresh listing; fail when a write did not take."""
    tree = _read_again(client)
    if tree is None:
        for entry in the_plan.entries:
            if entry.changed:
                entry.after = the_plan.predicted(entry)
        return ["The departments could not be read again after the changes; 'after' shows the expected values."]
    wrong = _read_into(the_plan, tree)
    if wrong:
        raise the_plan.failure(
            "iSpring accepted the changes, but %d department(s) do not read back as written: %s (see their "
            "'after'). The tenant may not move departments with UpdateDepartment; check them in iSpring Learn."
            % (len(wrong), some(wrong))
        )
    return []


def _differs(entry, predicted):
    if predicted is None or entry.after is None:
        return predicted != entry.after
    return any(entry.after[name] != predicted[name] for name in ("name", "code", "parent_id"))
