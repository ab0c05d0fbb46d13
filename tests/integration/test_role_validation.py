# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad states files are refused by the role learnops.lms.learner_states before any request
reaches the sandbox, naming the key: the role's own checks, which the collection's playbooks run
before ansible-core's argument validation (which checks the variables' types, and that the state
lists are lists) and the role runs first (unknown keys at every level of an entry, types, choices,
required and mutually exclusive keys, a misspelt state list, a variable that looks
like a misspelt variable of the role, a variable of the 1.0.0 playbooks, nothing declared, then
every value check of the modules for every entry, an entry that declares nobody, and entries that
contradict each other)."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from .helpers import task_name
from .runner import ROLE_PASSWORD, run_command

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
COURSE2 = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"
PROGRAM = "xxxx-xxxx-xxxx-xxxx"
ENTRIES = "entries"  # the role's check of every entry (checks.yml), which the playbooks run before the role
CHECKS = "checks"  # the role's other checks

# name: (the states file, the stage that refuses it, what the message must say)
CASES = {
    # Named by list, position and course (ansible-core's own message named neither, and printed the
    # whole argument spec, 14 KB, for a play that lists only the role: no more, see the last tests).
    "typo-in-a-learner": (
        """
        learner_states_course_completions:
          - {course_id: %(c1)s, date: "2020-07-01", learners: [{login: jdoe}]}
          - {course_id: %(c2)s, date: "2020-07-01", learners: [{login: jdoe}, {logn: kwong}]}
        """
        % dict(c1=COURSE, c2=COURSE2),
        ENTRIES,
        [
            "learner_states_course_completions[1] (entry 2, course_id %s): learners[1]: logn. Supported "
            "parameters include: awarded_score, date, email, enrollment_id, login, reason, status, user_id." % COURSE2
        ],
    ),
    "typo-in-a-member": (
        """
        learner_states_program_memberships:
          - {program_id: %s, members: [{username: user1, scroe: 9}]}
        """
        % PROGRAM,
        ENTRIES,
        [
            "learner_states_program_memberships[0] (entry 1, program_id %s): members[0]: scroe. Supported "
            "parameters include:" % PROGRAM
        ],
    ),
    "typo-in-an-enrollment": (
        """
        learner_states_course_enrollments:
          - {course_id: %s, acess_date: "2026-03-02", logins: [jdoe]}
        """
        % COURSE,
        ENTRIES,
        [
            "learner_states_course_enrollments[0] (entry 1, course_id %s): acess_date. Supported parameters include:"
            % COURSE
        ],
    ),
    "wrong-type": (
        """
        learner_states_course_enrollments:
          - {course_id: %s, due_date_type: due_period, due_period: a month, logins: [jdoe]}
        """
        % COURSE,
        ENTRIES,
        [
            "learner_states_course_enrollments[0] (entry 1, course_id %s): argument 'due_period' is of type str and we "
            "were unable to convert to int" % COURSE,
            "'a month'",
        ],
    ),
    "wrong-type-in-a-member": (
        """
        learner_states_program_memberships:
          - {ext_id: ONBOARDING, members: [{username: user1, awarded: maybe}]}
        """,
        ENTRIES,
        [
            "learner_states_program_memberships[0] (entry 1, ext_id ONBOARDING): members[0]: argument 'awarded' is "
            "of type str and we were unable to convert to bool"
        ],
    ),
    "not-a-choice": (
        """
        learner_states_course_completions:
          - {course_id: %s, status: completed, date: "2020-07-01", enrollment_ids: [x]}
        """
        % COURSE,
        ENTRIES,
        [
            "learner_states_course_completions[0] (entry 1, course_id %s): value of status must be one of: complete, "
            "automatic, passed, failed, incomplete, got: completed" % COURSE
        ],
    ),
    "program-id-and-ext-id": (
        """
        learner_states_program_memberships:
          - {program_id: %s, ext_id: ONBOARDING, usernames: [user1]}
        """
        % PROGRAM,
        ENTRIES,
        [
            "learner_states_program_memberships[0] (entry 1, program_id %s): parameters are mutually exclusive: "
            "program_id|ext_id" % PROGRAM
        ],
    ),
    "exclusive-with-quit": (
        """
        learner_states_program_memberships:
          - {ext_id: SAFETY, exclusive: true, usernames: [user1], quit: [user3]}
        """,
        ENTRIES,
        [
            "learner_states_program_memberships[0] (entry 1, ext_id SAFETY): parameters are mutually exclusive: "
            "exclusive|quit"
        ],
    ),
    "a-learner-named-twice": (
        """
        learner_states_course_enrollments:
          - {course_id: %s, learners: [{login: jdoe, email: jdoe@example.com}]}
        """
        % COURSE,
        ENTRIES,
        [
            "learner_states_course_enrollments[0] (entry 1, course_id %s): learners[0]: parameters are mutually "
            "exclusive: user_id|login|email" % COURSE
        ],
    ),
    "due-date-type-without-its-date": (
        """
        learner_states_course_enrollments:
          - {course_id: %s, due_date_type: due_date, logins: [jdoe]}
        """
        % COURSE,
        ENTRIES,
        [
            "learner_states_course_enrollments[0] (entry 1, course_id %s): due_date_type is due_date but all of the "
            "following are missing: due_date" % COURSE
        ],
    ),
    "no-course": (
        """
        learner_states_course_completions:
          - {date: "2020-07-01", learners: [{login: jdoe}]}
        """,
        ENTRIES,
        ["learner_states_course_completions[0] (entry 1): missing required arguments: course_id"],
    ),
    "misspelt-state-list": (
        """
        learner_states_course_completion:
          - {course_id: %s, date: "2020-07-01", enrollment_ids: [x]}
        """
        % COURSE,
        CHECKS,
        ["learner_states_course_completion: not a variable of the role learnops.lms.learner_states (misspelt?)"],
    ),
    "misspelt-prefix": (
        """
        learner_state_program_memberships:
          - {ext_id: SAFETY, usernames: [user3]}
        learner_states_course_completions:
          - {course_id: %s, date: "2020-07-01", enrollment_ids: [x]}
        """
        % COURSE,
        CHECKS,
        [
            "learner_state_program_memberships: not a variable of the role learnops.lms.learner_states, so it "
            "would be ignored - did you mean learner_states_program_memberships?"
        ],
    ),
    "near-a-state-list": (
        """
        lerner_states_course_completions:
          - {course_id: %s, date: "2020-07-01", enrollment_ids: [x]}
        learner_states_program_memberships: [{ext_id: SAFETY, usernames: [user3]}]
        """
        % COURSE,
        CHECKS,
        ["lerner_states_course_completions: not a variable", "did you mean learner_states_course_completions?"],
    ),
    "misspelt-connection-variable": (
        """
        ispring_soap_namespce: https://ispringlearn.com/go/services/api/soap
        learner_states_program_memberships: [{ext_id: SAFETY, usernames: [user3]}]
        """,
        CHECKS,
        ["ispring_soap_namespce: not a variable", "did you mean ispring_soap_namespace?"],
    ),
    "internal-variable": (
        """
        learner_states_completions: [{course_id: %s}]
        learner_states_program_memberships: [{ext_id: SAFETY, usernames: [user3]}]
        """
        % COURSE,
        CHECKS,
        ["learner_states_completions: not a variable of the role learnops.lms.learner_states"],
    ),
    "names-of-the-1.0.0-playbooks": (
        """
        course_completions: []
        drift_report_fail_on_drift: true
        """,
        CHECKS,
        [
            "course_completions is a variable of the 1.0.0 playbooks: the role reads "
            "learner_states_course_completions;",
            "drift_report_fail_on_drift is a variable of the 1.0.0 playbooks: the role reads "
            "learner_states_report_fail_on_drift.",
        ],
    ),
    # The role's other variables too: named in one line, not with the whole argument spec.
    "wrong-type-of-other-variables": (
        """
        learner_states_course_completions:
          - {course_id: %s, date: "2020-07-01", logins: [jdoe]}
        ispring_timeout: soon
        learner_states_max_changes: many
        """
        % COURSE,
        ENTRIES,
        [
            "2 problem(s) in the declared states",
            "argument 'ispring_timeout' is of type str and we were unable to convert to float",
            "learner_states_max_changes must be a number of changes (0 or more) or a share of the records",
            "not 'many'.",
        ],
    ),
    # The case: the first entries are good, later ones are not; before the fix the role
    # wrote the first entries and then failed on the first bad one.  One run names every problem.
    "later-entries-bad": (
        """
        learner_states_course_enrollments:
          - {course_id: %(c2)s, logins: [asmith], access_date: "2026-01-05"}
          - {course_id: %(c1)s, logins: [jdoe], due_date_type: due_date, due_date: "2026-13-01"}
          - {course_id: %(c1)s, logins: []}
        learner_states_course_completions:
          - {course_id: %(c1)s, date: "2020-07-01", logins: [jdoe]}
          - {course_id: %(c2)s, status: passed, date: "2020-07-01", logins: [kwong]}
          - {course_id: %(c1)s, learners: []}
        learner_states_program_memberships:
          - {ext_id: SAFETY, usernames: [user3]}
          - {program_id: %(program)s, due_date: "2026-02-30", usernames: [user1]}
          - {ext_id: ONBOARDING, timezone: Europe/Atlantis, usernames: [user2]}
          - {ext_id: ONBOARDING, members: [{username: user4, start_date: "2026-03-01", end_date: "2026-02-01"}]}
          - {ext_id: SAFETY, usernames: []}
        """
        % dict(c1=COURSE, c2=COURSE2, program=PROGRAM),
        ENTRIES,
        [
            "8 problem(s) in the declared states, found before any request (nothing was sent)",
            "learner_states_course_enrollments[1] (entry 2, course_id %s): due_date: '2026-13-01' is not a valid date"
            % COURSE,
            "learner_states_course_enrollments[2] (entry 3, course_id %s): declares no learner" % COURSE,
            "learner_states_course_completions[1] (entry 2, course_id %s): learner login=kwong: status passed needs "
            "api: rest" % COURSE2,
            "learner_states_course_completions[2] (entry 3, course_id %s): declares no learner" % COURSE,
            "learner_states_program_memberships[1] (entry 2, program_id %s): member username=user1: due_date: "
            "'2026-02-30' is not a valid date" % PROGRAM,
            "learner_states_program_memberships[2] (entry 3, ext_id ONBOARDING): timezone: 'Europe/Atlantis' is "
            "not a known IANA time zone name",
            "learner_states_program_memberships[3] (entry 4, ext_id ONBOARDING): member username=user4: end_date "
            "2026-02-01T00:00:00+00:00 is before start_date 2026-03-01T00:00:00+00:00",
            "learner_states_program_memberships[4] (entry 5, ext_id SAFETY): declares no member",
        ],
    ),
    # Entries that contradict each other would change something back and forth on every run.
    "contradicting-entries": (
        """
        learner_states_course_enrollments:
          - {course_id: %(c1)s, logins: [jdoe], access_date: "2026-01-05"}
          - {course_ids: [%(c2)s, %(c1)s], learners: [{login: jdoe, access_date: "2026-02-01"}]}
          - {course_id: %(c2)s, exclusive: true, logins: [kwong]}
        learner_states_course_completions:
          - {course_id: %(c1)s, date: "2020-07-01", logins: [jdoe]}
          - {course_id: %(c1)s, status: automatic, learners: [{login: jdoe}]}
          - {course_id: %(c2)s, date: "2020-08-01", logins: [jdoe]}
        learner_states_program_memberships:
          - {ext_id: SAFETY, usernames: [user1, user2], removed: [user2]}
          - {ext_id: ONBOARDING, usernames: [user1]}
          - {ext_id: ONBOARDING, due_date: "2026-06-30", usernames: [user1]}
          - {program_id: %(program)s, usernames: [user3], quit: [user3]}
        """
        % dict(c1=COURSE, c2=COURSE2, program=PROGRAM),
        ENTRIES,
        [
            "7 problem(s) in the declared states",
            "learner login=jdoe of course %s is declared twice with different values: "
            "learner_states_course_enrollments[0] (entry 1) says enrolled with access_date 2026-01-05; "
            "learner_states_course_enrollments[1] (entry 2) says enrolled with access_date 2026-02-01." % COURSE,
            "learner login=jdoe of course %s is declared twice with different values: "
            "learner_states_course_completions[0] (entry 1) says status complete, date 2020-07-01; "
            "learner_states_course_completions[1] (entry 2) says status automatic." % COURSE,
            "course %s: learner_states_course_enrollments[2] (entry 3) has exclusive: true, which removes whom "
            "learner_states_course_enrollments[1] (entry 2) declares in the same course" % COURSE2,
            "learner login=jdoe of course %s: learner_states_course_completions[2] (entry 3) completes the learner, "
            "whom the exclusive learner_states_course_enrollments[2] (entry 3) does not list and so unenrolls "
            "before the completion is set" % COURSE2,
            # within one entry: the program's one task refuses it, as program_member does
            "learner_states_program_memberships[0] (entry 1, ext_id SAFETY): username user2 is in usernames/members "
            "and in removed; a user can be declared once per program - remove it from one.",
            "member username=user1 of ext_id ONBOARDING is declared twice with different values: "
            "learner_states_program_memberships[1] (entry 2) says a member (fields as they are); "
            "learner_states_program_memberships[2] (entry 3) says a member with due_date 2026-06-30T00:00:00+00:00.",
            "learner_states_program_memberships[3] (entry 4, program_id %s): username user3 is in usernames/members "
            "and in quit; a user can be declared once per program - remove it from one." % PROGRAM,
        ],
    ),
    "nothing-declared": (
        """
        learner_states_course_completions: []
        learner_states_report_print: false
        """,
        CHECKS,
        ["No learner state is declared: learner_states_departments, learner_states_users, learner_states_groups,"],
    ),
    # issue 25: the people modules' own checks, each entry named by list and position (the departments
    # and the users are one task each, so their modules name the position); no password in the output
    # (ROLE_PASSWORD is a canary of the runner).
    "bad-people": (
        """
        learner_states_departments:
          - {code: EU, name: Europe}
          - {code: EU, name: Europa}
        learner_states_users:
          - {login: pnew, email: pnew-at-example.com, department: EU, password: "%s"}
          - {login: kwong, status: gone}
        learner_states_groups:
          - {name: Cohort, logins: [jdoe]}
          - {name: Old cohort, state: absent, logins: [jdoe]}
        learner_states_course_enrollments:
          - {course_id: %s, logins: [jdoe]}
        """
        % (ROLE_PASSWORD, COURSE),
        ENTRIES,
        [
            "4 problem(s) in the declared states, found before any request",
            "learner_states_departments[0] and learner_states_departments[1] both declare code EU, with different "
            'values (name "Europe", parent the root; name "Europa", parent the root); declare it once.',
            "learner_states_users[0] (login pnew): email 'pnew-at-example.com' is not an email address.",
            "learner_states_users[1] (login kwong): status 'gone' is unknown; use one of active, inactive, terminated.",
            "learner_states_groups[1] (entry 2, name Old cohort): state=absent deletes the group name=Old cohort; "
            "members cannot be listed with it.",
        ],
    ),
}
# The drift report's entry point declares the same states (YAML aliases): a few cases prove it.
DRIFT_CASES = [
    "typo-in-a-learner",
    "exclusive-with-quit",
    "misspelt-state-list",
    "misspelt-prefix",
    "contradicting-entries",
]


def refused(lms, tmp_path, playbook, states, stage, words):
    (tmp_path / "states.yml").write_text(textwrap.dedent(states))
    run = run_command(lms, tmp_path, ["ansible-playbook", playbook, "-e", "@states.yml"])
    assert run.rc != 0, run.output
    sent = [entry["operation"] for entry in lms.requests()]
    assert sent == [], "requests reached the sandbox before the states were refused: %s" % sent
    for expected in words:
        assert expected in run.output, run.output
    failed = [task_name(entry) for entry in run.results if entry["status"] == "failed"]
    assert len(failed) == 1, run.results
    # the playbooks run the role's checks before the role, so ansible-core's validation never runs
    # on a bad file, nor prints the role's whole argument spec (14 KB)
    assert not any(task_name(entry).startswith("Validating arguments") for entry in run.results), run.results
    assert '"argument_spec_data"' not in run.output
    if stage == ENTRIES:
        assert failed[0].startswith("Every entry of the states is valid"), failed
    else:
        assert not failed[0].startswith(("Every entry", "Course", "Program")), failed


@pytest.mark.parametrize("case", sorted(CASES))
def test_converge_refuses_a_bad_states_file_before_any_request(lms, tmp_path, case):
    refused(lms, tmp_path, "learnops.lms.converge", *CASES[case])


@pytest.mark.parametrize("case", DRIFT_CASES)
def test_the_drift_report_refuses_a_bad_states_file_before_any_request(lms, tmp_path, case):
    refused(lms, tmp_path, "learnops.lms.drift_report", *CASES[case])


def test_a_play_of_ones_own_that_lists_only_the_role_gets_the_message_naming_the_entry(lms, tmp_path):
    """Issue 28, item 11: a play that lists only the role (no checks in pre_tasks, as the
    collection's playbooks have) got ansible-core's validation failure first: the key but not the
    entry, and the role's whole argument spec, 14 KB.  ansible-core now checks that the state
    lists are lists; the role's first tasks check the entries, in one message naming the entry."""
    play = [{"name": "Own play", "hosts": "localhost", "gather_facts": False, "roles": ["learnops.lms.learner_states"]}]
    (tmp_path / "own.yml").write_text(yaml.safe_dump(play))
    states, stage, words = CASES["typo-in-a-learner"]
    (tmp_path / "states.yml").write_text(textwrap.dedent(states))
    run = run_command(lms, tmp_path, ["ansible-playbook", "own.yml", "-e", "@states.yml"])
    assert run.rc != 0, run.output
    assert [entry["operation"] for entry in lms.requests()] == []
    assert '"argument_spec_data"' not in run.output and len(run.output) < 6000, "%d bytes" % len(run.output)
    statuses = {task_name(entry).split(" - ")[0]: entry["status"] for entry in run.results}
    assert statuses["Validating arguments against arg spec 'main'"] == "ok", statuses
    assert [name for name, status in statuses.items() if status == "failed"] == [
        "Every entry of the states is valid, declares someone, and no two entries contradict each other"
    ]
    for expected in words:
        assert expected in run.output, run.output


def test_a_good_states_file_passes_the_same_checks(lms, tmp_path):
    """The other side of the cases above: the same shapes, spelt right, reach the sandbox."""
    states = {
        "learner_states_course_enrollments": [
            {"course_id": COURSE, "due_date_type": "due_period", "due_period": 30, "learners": [{"login": "jdoe"}]}
        ],
        "learner_states_course_completions": [
            {"course_id": COURSE, "date": "2020-07-01", "learners": [{"login": "jdoe"}]},
            # the same learner in two entries, the same way: no contradiction
            {"course_id": COURSE, "date": "2020-07-01", "logins": ["jdoe", "kwong"]},
        ],
        "learner_states_program_memberships": [
            {"ext_id": "SAFETY", "exclusive": False, "usernames": ["user3"], "removed": ["user2"]},
            {"ext_id": "SAFETY", "due_date": "2026-06-30", "members": [{"username": "user4"}]},
        ],
    }
    (tmp_path / "states.yml").write_text(yaml.safe_dump(states))
    run = run_command(lms, tmp_path, ["ansible-playbook", "learnops.lms.converge", "--check", "-e", "@states.yml"])
    assert run.rc == 0, run.output
    assert lms.requests()
    # checked once: in the playbook's pre_tasks, not again in the role (the same states)
    checked = [entry for entry in run.results if task_name(entry).startswith("Every entry of the states is valid")]
    assert len(checked) == 1, run.results
