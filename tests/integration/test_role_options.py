# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role learnops.lms.learner_states reaches every connection option of the modules (a tenant
whose check says "set soap_namespace" converges through the role), and a name to remove or to
mark as quit that EduBrite does not know fails the run before any write, like an unknown member;
thousands of unknown learners fail in a message a person can read."""

from __future__ import annotations

import shutil

import pytest
import yaml

from .helpers import WRITES, task_name, writes
from .test_playbooks import COURSE, STATES, by_name, declare, logins, report_rows

HTTPS_NS = "https://ispringlearn.com/go/services/api/soap"
SAFETY = "yyyy-yyyy-yyyy-yyyy"
ONBOARDING = "xxxx-xxxx-xxxx-xxxx"
SAFETY_COURSE = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"
# The role's tasks, by the LMS whose connection they take.
ISPRING_TASKS = ("Course enrollments", "Course completions")
EDUBRITE_TASKS = ("Program members",)  # members, quit and removed: one task per program


def members(lms, program):
    found = next(p for p in lms.state()["edubrite"]["programs"] if p["id"] == program)
    return {m["userName"]: m for m in found["members"]}


def invocations(run, starts):
    """The module arguments of every item of the role's tasks whose names start with ``starts``."""
    found = {}
    for entry in run.results:
        name = task_name(entry)
        if name.startswith(starts):
            items = entry["result"].get("results", [entry["result"]])
            found[name] = [item["invocation"]["module_args"] for item in items if "invocation" in item]
    return found


def test_a_tenant_that_needs_the_https_namespace_converges_through_the_role(lms, tmp_path):
    """The tenant check's advice "set soap_namespace", in the form its report gives for the role,
    followed through the role's variable: the run converges, and a rerun writes nothing."""
    lms.settings(ispring_namespace="https", ispring_namespace_strict=True)
    check = by_name(
        lms, tmp_path, "tenant_check", "-e", "tenant_check_course_id=" + COURSE, "-e", "tenant_check_print=false"
    )
    assert check.rc == 0, check.output
    advice = (tmp_path / "tenant-check.md").read_text().split("## What to set", 1)[1]
    assert 'ispring_soap_namespace: "%s"' % HTTPS_NS in advice, advice
    (tmp_path / "connection.yml").write_text('ispring_soap_namespace: "%s"\n' % HTTPS_NS)
    # Only what goes over SOAP, the interface the namespace is for.
    states = declare(tmp_path, course_completions=[{"course_id": COURSE, "date": "2020-07-22", "logins": ["jdoe"]}])
    lms.clear_requests()
    first = by_name(lms, tmp_path, "converge", "-e", states, "-e", "@connection.yml")
    assert first.rc == 0, first.output
    assert writes(lms.requests(), ("updateCourseStatus",)), "no completion was written"
    lms.clear_requests()
    second = by_name(lms, tmp_path, "converge", "-e", states, "-e", "@connection.yml")
    assert second.rc == 0 and "changed=0" in second.output, second.output
    assert writes(lms.requests(), WRITES) == []


def test_every_connection_variable_reaches_every_task_of_its_lms(lms, tmp_path):
    shutil.copy(STATES, tmp_path / "states.yml")
    (tmp_path / "ca.pem").write_text("")  # a file; validate_certs is false and the sandbox is http
    soap_url = lms.url + "/api/v2/soap/2.0"
    connection = {
        "ispring_soap_url": soap_url,
        "ispring_soap_namespace": "http://ispringlearn.com/go/services/api/soap",
        "ispring_validate_certs": False,
        "ispring_ca_path": str(tmp_path / "ca.pem"),
        "ispring_timeout": 45.5,
        "ispring_retries": 4,
        "ispring_retry_max_time": 90.0,
        "ispring_max_parallel": 3,
        "edubrite_validate_certs": False,
        "edubrite_ca_path": str(tmp_path / "ca.pem"),
        "edubrite_timeout": 44.5,
        "edubrite_retries": 2,
        "edubrite_retry_max_time": 80.0,
        "edubrite_max_parallel": 5,
        "learner_states_max_parallel": 7,
    }
    (tmp_path / "connection.yml").write_text(yaml.safe_dump(connection))
    # from ansible-core 2.21 the modules return their invocation only on request
    args = ["--check", "-e", "@states.yml", "-e", "@connection.yml"]
    run = by_name(lms, tmp_path, "converge", *args, ANSIBLE_INJECT_INVOCATION="1")
    assert run.rc == 0, run.output
    for starts, lms_name in ((ISPRING_TASKS, "ispring"), (EDUBRITE_TASKS, "edubrite")):
        tasks = invocations(run, starts)
        assert all(any(name.startswith(start) for name in tasks) for start in starts), list(tasks)
        for name, items in tasks.items():
            assert items, name
            for args in items:
                for variable, value in connection.items():
                    if variable.startswith(lms_name + "_"):
                        option = variable[len(lms_name) + 1 :]
                        assert args[option] == value, (name, option, args[option])


@pytest.mark.any_line  # the membership rules the role's tasks run: the same on every line
def test_a_misspelt_name_to_remove_fails_naming_it_and_writes_nothing(lms, tmp_path):
    before = members(lms, SAFETY)
    assert "user1" in before
    states = declare(tmp_path, program_memberships=[{"program_id": SAFETY, "removed": ["user1", "usr1"]}])
    run = by_name(lms, tmp_path, "converge", "-e", states)
    assert run.rc != 0, run.output
    assert "1 user(s) unknown to EduBrite: member username=usr1" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []
    assert members(lms, SAFETY) == before


@pytest.mark.any_line  # the membership rules the role's tasks run: the same on every line
def test_a_name_to_mark_as_quit_that_edubrite_does_not_know_fails(lms, tmp_path):
    states = declare(tmp_path, program_memberships=[{"program_id": SAFETY, "quit": ["user1", "ghost3"]}])
    run = by_name(lms, tmp_path, "converge", "-e", states)
    assert run.rc != 0, run.output
    assert "member username=ghost3" in run.output and "leave the user meant active" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []
    assert members(lms, SAFETY)["user1"]["quit"] is False


@pytest.mark.any_line  # the membership rules the role's tasks run: the same on every line
def test_a_known_user_who_is_not_a_member_is_still_no_change(lms, tmp_path):
    assert "user4" not in members(lms, SAFETY) and "user4" not in members(lms, ONBOARDING)
    states = declare(
        tmp_path,
        program_memberships=[{"program_id": SAFETY, "removed": ["user4"]}, {"ext_id": "ONBOARDING", "quit": ["user4"]}],
    )
    run = by_name(lms, tmp_path, "converge", "-e", states)
    assert run.rc == 0 and "changed=0" in run.output, run.output
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # the membership rules the role's tasks run: the same on every line
def test_the_drift_report_lists_an_unknown_name_to_remove_and_compares_the_others(lms, tmp_path):
    states = declare(
        tmp_path,
        program_memberships=[{"program_id": SAFETY, "removed": ["user1", "usr1"], "quit": ["ghost3", "user4"]}],
    )
    run = by_name(lms, tmp_path, "drift_report", "-e", states, "-e", "learner_states_report_print=false")
    assert run.rc == 0, run.output
    rows, errors = report_rows(run)
    assert errors == []
    found = {(row["learner"], row["before"], row["differs"], row["note"]) for row in rows}
    assert ("username usr1", "not found", True, "unknown to EduBrite") in found
    assert ("username ghost3", "not found", True, "unknown to EduBrite") in found
    assert any(row["learner"] == "username user1" and row["differs"] for row in rows), rows
    assert any(row["learner"] == "username user4" and not row["differs"] for row in rows), rows
    assert writes(lms.requests(), WRITES) == []
    # issue 28: one EduBrite session per program per pass; the second pass asks again without the unknown names
    assert len(logins(lms)) == 2, [entry["params"] for entry in logins(lms)]


def test_unknown_learners_fail_in_a_short_message_that_does_not_grow_with_their_number(lms, tmp_path):
    """Issue 28, item 11: three entries of unknown learners printed every learner three times
    (the loop item, with the whole entry, and the module's not_found, in each failed result: 1.9 MB
    at 20,000 a course).  The message says how many and names the first 10 of each entry; the
    registered results keep every one in not_found, the output does not."""
    count = 400  # the old output: about 32 KB (every name twice a course); now about 6 KB at any count
    ghosts = [["ghost%d-%03d" % (entry, number) for number in range(count)] for entry in range(3)]
    courses = [COURSE, SAFETY_COURSE, COURSE]
    entries = [
        {"course_id": course, "date": "2020-07-0%d" % (n + 1), "logins": ghosts[n]} for n, course in enumerate(courses)
    ]
    run = by_name(lms, tmp_path, "converge", "-e", declare(tmp_path, course_completions=entries))
    assert run.rc != 0, run.output[-3000:]
    assert writes(lms.requests(), WRITES) == []
    assert len(run.output) < 16000, "%d bytes of output for %d unknown learners" % (len(run.output), 3 * count)
    for n, names in enumerate(ghosts):
        assert names[9] in run.output and names[10] not in run.output, "the 11th name of entry %d was printed" % (n + 1)
        assert (
            "learner_states_course_completions[%d] (entry %d): course_id %s: %d learner(s) cannot be found: "
            "learner login=%s " % (n, n + 1, courses[n], count, names[0]) in run.output
        ), run.output[-3000:]
    # every one stays in the registered results (the drift report asks again without them)
    results = [
        item
        for entry in run.results
        if task_name(entry).startswith("Course completions")
        for item in entry["result"]["results"]
    ]
    assert [item["not_found"] for item in results] == [{"login": names} for names in ghosts]
    assert not any("course" in item for item in results), "the loop item (the whole entry) is in the result"
