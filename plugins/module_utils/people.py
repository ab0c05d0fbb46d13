# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring users named by user ID, login or email: the one resolver of every iSpring module, over
SOAP and REST (``client.find_users``), and the one report of the names that were not found.

The agreed rule: a login and a user ID compare exactly, an email address case-insensitively
(``email_key``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import some

BY_NAME = ("login", "email")


def email_key(email):
    """What two email addresses are compared by: the address in lower case."""
    return (email or "").lower()


def learner_label(kind, value):
    """How every message names a learner the task asked for: ``learner login=jdoe``."""
    return "learner %s=%s" % (kind, value)


@dataclass(eq=False)
class Learner:
    """A learner as the task names them: by which identifier (``kind``) and its value; each
    planner's wanted learner adds what it asks for."""

    kind: str
    value: str

    @property
    def label(self):
        return learner_label(self.kind, self.value)


class Directory:
    """Users (records with user_id, login and email), found by user ID, login or email."""

    def __init__(self, users=()):
        self.by_id = {user.user_id: user for user in users}
        self._named = {}  # (kind, value or email key): the users of that name, in the order listed
        for user in self.by_id.values():
            for kind in BY_NAME:
                if getattr(user, kind):
                    self._named.setdefault(_key(kind, getattr(user, kind)), []).append(user)

    def find(self, kind, value):
        """The user named so (``kind``: user_id, login or email); None: no such user here.  Of users
        who share the name (``sharing``), the last listed."""
        if kind == "user_id":
            return self.by_id.get(value)
        found = self._named.get(_key(kind, value))
        return found[-1] if found else None

    def sharing(self, kind, value):
        """The users who share this login or email (compared by ``email_key``); empty when one has it or none."""
        found = self._named.get(_key(kind, value), []) if kind in BY_NAME else []
        return list(found) if len(found) > 1 else []

    def knows(self, kind, value):
        return self.find(kind, value) is not None

    def among(self, user_ids):
        """The directory of those of its users whose IDs are in ``user_ids``."""
        return Directory(user for user_id, user in self.by_id.items() if user_id in user_ids)


def _key(kind, value):
    return (kind, email_key(value) if kind == "email" else value)


def check_single(directory, named):
    """Fail naming every (kind, value) of ``named`` that several users of ``directory`` have: an
    email that two users share (compared case-insensitively), or a login listed for two users
    (logins are unique per account, contract 3.3) names no single user; none is ever picked."""
    problems = []
    for kind, value in dict.fromkeys(named):
        users = directory.sharing(kind, value)
        if users:
            problems.append(
                "%s %s names %d users of the account (%s)"
                % (kind, value, len(users), some(("%s (ID %s)" % (u.login or u.email, u.user_id) for u in users)))
            )
    if problems:
        raise ValidationError("%s. %s." % ("; ".join(problems), SHARED_HINT))


SHARED_HINT = (
    "Emails compare case-insensitively and logins are unique per account (contract 3.3), so such a name is "
    "taken for neither user: name the user meant by login (a shared email) or by user_id (a login listed twice, "
    "which is worth checking in iSpring Learn)"
)


def look_up(client, logins=(), emails=(), every_status=False):
    """A Directory of the active users with these logins and emails (no request when none);
    ``every_status``: of the users whatever their status (REST, ``client.find_users``)."""
    if not (logins or emails):
        return Directory()
    if every_status:
        return Directory(client.find_users(list(logins), list(emails), every_status=True))
    return Directory(client.find_users(list(logins), list(emails)))


def resolve(client, wanted):
    """Set the ``user_id`` of every wanted learner (``kind``, ``value``, ``user_id``) named by login
    or email.  Returns the Directory of the users found and the learners that match none; a login
    or email that several users have fails (``check_single``)."""
    named = [w for w in wanted if w.kind in BY_NAME]
    directory = look_up(
        client, [w.value for w in named if w.kind == "login"], [w.value for w in named if w.kind == "email"]
    )
    check_single(directory, [(w.kind, w.value) for w in named])
    unmatched = []
    for w in named:
        user = directory.find(w.kind, w.value)
        if user is None:
            unmatched.append(w)
        else:
            w.user_id = user.user_id
    return directory, unmatched


def department_id(departments, value):
    """(the ID of the department of ``departments`` with this code, else with this ID; None) and
    (None; the problem naming ``value``: no such department, or a code that several departments
    have - never one of them picked at random).  The one rule of every module that names a
    department (ispring_user, ispring_user_info, course_enrollment's audiences)."""
    by_code = [d.department_id for d in departments if d.code == value]
    if len(by_code) > 1:
        return None, "department %r is the code of %d departments (IDs %s); give the one meant by its ID" % (
            value,
            len(by_code),
            some(by_code),
        )
    found = by_code[0] if by_code else next((d.department_id for d in departments if d.department_id == value), None)
    return found, None if found else "department %r is no department code or ID of the account" % value


def unknown_ids(client, asked):
    """Those of ``asked`` ({user ID: the item that names it}) that are no user of the account: one
    listing by those IDs (``client.existing_user_ids``; no request when none is asked)."""
    if not asked:
        return []
    found = client.existing_user_ids(sorted(asked))
    return [item for user_id, item in asked.items() if user_id not in found]


def not_found(asked, found):
    """{kind: values} of the ``asked`` ones ({kind: values}) that ``found(kind, value)`` denies, in
    the order asked; kinds with none are left out."""
    missing = {kind: [value for value in values if not found(kind, value)] for kind, values in asked.items()}
    return {kind: values for kind, values in missing.items() if values}


def labels(missing):
    """["login jdoe", "email a@example.com", ...] of a ``not_found`` report."""
    return ["%s %s" % (kind, value) for kind, values in missing.items() for value in values]
