# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the integration tests that are not about running Ansible (see runner.py for that)."""

from __future__ import annotations

import pytest


def hostile_replies(operation):
    """Fault rules whose replies must fail a run before any write, and the words the failure
    message must contain, for ``pytest.mark.parametrize``."""
    return pytest.mark.parametrize(
        "rule, words",
        [
            ({"kind": "malformed", "count": 1, "operations": [operation]}, "not well-formed XML (HTTP 200"),
            ({"kind": "html", "code": 500, "count": 1, "operations": [operation]}, "HTTP 500"),
            ({"kind": "xxe", "count": 1, "operations": [operation]}, "DOCTYPE"),
            ({"kind": "bomb", "count": 1, "operations": [operation]}, "DOCTYPE"),
            ({"kind": "status", "code": 503, "count": -1}, "after 3 attempt(s)"),
        ],
        ids=["malformed", "html-500", "xxe", "billion-laughs", "503-forever"],
    )


# The operations that write, as the sandbox logs them: iSpring SOAP, iSpring REST (the vendor's
# operationIds), EduBrite.  Every "nothing was written" assertion uses it: a write it lacks would
# pass unseen.
ISPRING_WRITES = (
    "updateCourseStatus",
    "UpdateCourseStatus",
    "EnrollLearnersInCourses",
    "ChangeEnrollment",
    "Unenroll",
    # people (contract 3.3)
    "AddDepartment",
    "UpdateDepartment",
    "RemoveDepartment",
    "AddUser",
    "UpdateUserProfile",
    "ChangeUserStatus",
    "RemoveUser",
    "AddGroup",
    "UpdateGroup",
    "RemoveGroup",
    "UpdateGroupMembers",
    "RemoveUserFromGroups",
    "Activate users",
    "Deactivate users",
    "Terminate users",
)
EDUBRITE_WRITES = ("updateProgramMember", "enrollUsersInProgram")
WRITES = ISPRING_WRITES + EDUBRITE_WRITES


def writes(requests, operations=WRITES):
    """The requests of the log whose operation is one of ``operations`` (default: every write)."""
    return [entry for entry in requests if entry["operation"] in operations]


def task_name(entry):
    """A recorded task result's task name, without the role's: ansible-core 2.21 prefixes the
    tasks of a role with "<role> : ", 2.19 does not."""
    return entry.get("task", "").rpartition(" : ")[2]
