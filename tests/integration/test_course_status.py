# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""course_status and course_status_info, run by ansible-playbook against the sandbox."""

from __future__ import annotations

import os

import pytest
from lxml import etree

from .helpers import WRITES, writes

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
SAFETY = "3c5d2f10-c10f-11ea-b4e1-ae33e75597e9"
SEED_ENROLLMENT = "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"
JDOE = "7c1d9a20-c1ae-11ea-8592-a6eabe180001"
ASMITH = "7c1d9a20-c1ae-11ea-8592-a6eabe180002"
MGARCIA = "7c1d9a20-c1ae-11ea-8592-a6eabe180003"  # passed, all modules
LTAN = "7c1d9a20-c1ae-11ea-8592-a6eabe180004"  # complete by hand, progress 50
SEED = os.path.join(
    os.path.dirname(__file__),
    "..",
    "unit",
    "plugins",
    "module_utils",
    "fixtures",
    "seed_update_course_status_request.xml",
)


def task(**args):
    return {"name": "Course status", "learnops.lms.course_status": args}


def enrollment(lms, enrollment_id):
    return next(e for e in lms.state()["ispring"]["enrollments"] if e["enrollmentId"] == enrollment_id)


def shape(xml):
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    return [(etree.QName(e).localname, (e.text or "").strip()) for e in root.iter()]


@pytest.mark.any_line
def test_seed_sample_input_sends_the_seed_sample_request(play, lms):
    run = play(
        [
            task(
                course_id=COURSE,
                status="complete",
                date="2020-07-22",
                reason="Completed offline",
                enrollment_ids=[SEED_ENROLLMENT],
            )
        ]
    )
    assert run.rc == 0, run.output
    sent = writes(lms.requests(), WRITES)
    assert len(sent) == 1
    with open(SEED, "rb") as handle:
        assert shape(sent[0]["body"]) == shape(handle.read())
    after = enrollment(lms, SEED_ENROLLMENT)
    assert after["completionStatus"] == "complete"
    assert after["completionDate"].startswith("2020-07-22")
    assert run.result["learners"][0]["after"]["status"] == "complete"
    assert run.result["task_ids"] and run.result["changed"] is True


def test_apply_then_reapply_changes_nothing(play, lms):
    learners = [
        {"enrollment_id": SEED_ENROLLMENT},
        {"login": "jdoe"},
        {"email": "ASMITH@example.com", "date": "2020-07-20"},
        {"login": "mgarcia"},
    ]
    first = play([task(course_id=COURSE, date="2020-07-22", reason="Completed offline", learners=learners)])
    assert first.rc == 0, first.output
    changed = {e["enrollment_id"]: e["changed"] for e in first.result["learners"]}
    assert changed == {SEED_ENROLLMENT: True, JDOE: True, ASMITH: True, MGARCIA: False}
    # learners sharing status, date and reason go in one call
    assert len(writes(lms.requests(), WRITES)) == 2
    assert enrollment(lms, ASMITH)["completionDate"].startswith("2020-07-20")
    assert enrollment(lms, JDOE)["completionDate"].startswith("2020-07-22")
    assert enrollment(lms, MGARCIA)["completionStatus"] == "passed"

    lms.clear_requests()
    second = play([task(course_id=COURSE, date="2020-07-22", reason="Completed offline", learners=learners)])
    assert second.rc == 0, second.output
    assert second.result["changed"] is False
    assert not any(e["changed"] for e in second.result["learners"])
    log = lms.requests()
    assert writes(log, WRITES) == []
    assert len(log) <= 4, [e["operation"] for e in log]  # logins and emails listed apart (3.1, r3)


@pytest.mark.any_line
def test_cohort_shortcuts_logins_and_emails(play, lms):
    args = dict(course_id=COURSE, date="2020-07-22", logins=["jdoe", "mgarcia"], emails=["asmith@EXAMPLE.com"])
    run = play([task(**args)])
    assert run.rc == 0, run.output
    changed = {e["enrollment_id"]: e["changed"] for e in run.result["learners"]}
    assert changed == {JDOE: True, MGARCIA: False, ASMITH: True}
    sent = writes(lms.requests(), WRITES)
    assert len(sent) == 1 and sent[0]["body"].count("<id>") == 2  # one date: one call
    for learner in (JDOE, ASMITH):
        assert enrollment(lms, learner)["completionDate"].startswith("2020-07-22")
    lms.clear_requests()
    assert play([task(**args)]).result["changed"] is False
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line
def test_empty_login_is_refused_before_anything_is_read(play, lms):
    run = play([task(course_id=COURSE, date="2020-07-22", logins=["jdoe", " "])])
    assert run.rc != 0 and "logins[1] is empty" in run.result["msg"]
    assert lms.requests() == []


def test_check_mode_reports_and_writes_nothing(play, lms):
    before = lms.state()["ispring"]["enrollments"]
    run = play(
        [task(course_id=COURSE, date="2020-07-22", learners=[{"login": "jdoe"}, {"login": "mgarcia"}])], check=True
    )
    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert [e["changed"] for e in run.result["learners"]] == [True, False]
    assert run.result["learners"][0]["after"] == {
        "status": "complete",
        "completion_date": "2020-07-22",
        "progress": 50,
        "awarded_score": 20,
    }
    assert writes(lms.requests(), WRITES + ("getTaskStatus",)) == []
    assert lms.state()["ispring"]["enrollments"] == before


def test_diff_shows_before_and_after(play, lms):
    run = play([task(course_id=COURSE, date="2020-07-22", learners=[{"login": "jdoe"}])], diff=True)
    assert run.rc == 0, run.output
    assert "course %s: 1 learner(s) change (1 to complete)" % COURSE in run.output
    assert "- jdoe (enrollment %s): status in_progress, completion_date none" % JDOE in run.output
    assert "+ jdoe (enrollment %s): status complete, completion_date 2020-07-22" % JDOE in run.output
    no_diff = play([task(course_id=COURSE, date="2020-07-22", learners=[{"login": "asmith"}])])
    assert "diff" not in no_diff.result


@pytest.mark.any_line
def test_automatic_only_resets_manual_completions(play, lms):
    run = play([task(course_id=COURSE, status="automatic", enrollment_ids=[LTAN, MGARCIA, JDOE])])
    assert run.rc == 0, run.output
    assert [e["changed"] for e in run.result["learners"]] == [True, False, False]
    assert writes(lms.requests(), WRITES)[0]["body"].count("<id>") == 1
    assert enrollment(lms, LTAN)["completionStatus"] == "in_progress"
    assert enrollment(lms, MGARCIA)["completionStatus"] == "passed"
    assert run.result["learners"][0]["after"]["status"] == "in_progress"


@pytest.mark.any_line
def test_match_date_updates_a_completed_learner_with_another_date(play, lms):
    args = dict(course_id=COURSE, date="2021-01-15", enrollment_ids=[LTAN])
    assert play([task(**args)]).result["changed"] is False
    run = play([task(match_date=True, **args)])
    assert run.rc == 0 and run.result["changed"] is True
    assert enrollment(lms, LTAN)["completionDate"].startswith("2021-01-15")


def as_client(lms, client, **args):
    """A task with client credentials instead of the token of the module defaults."""
    return task(api_url=lms.url, client_id=client, client_secret=client.replace("-client", "-secret"), **args)


@pytest.mark.any_line
def test_client_credentials(play, lms):
    run = play(
        [as_client(lms, "demo-client", course_id=COURSE, date="2020-07-22", learners=[{"login": "jdoe"}])],
        defaults=False,
    )
    assert run.rc == 0, run.output
    assert [e["operation"] for e in lms.requests()][0] == "token"


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
@pytest.mark.parametrize("form, words", [("error", "Unknown content item"), ("empty", "check the course_id")])
def test_unknown_course(play, lms, form, words):
    """An unknown course answers an error, or (3.2, r3) an empty listing: either way the task fails
    before any write, naming the course."""
    lms.settings(ispring_unknown_course=form)
    run = play([task(course_id="no-such-course", date="2020-07-22", learners=[{"login": "jdoe"}])])
    assert run.rc != 0 and run.failed
    assert "no-such-course" in run.result["msg"] and words in run.result["msg"]
    assert "Nothing was changed" in run.result["msg"]
    assert writes(lms.requests()) == []


@pytest.mark.any_line
def test_unknown_learners_are_reported_together_before_any_write(play, lms):
    run = play(
        [
            task(
                course_id=COURSE,
                date="2020-07-22",
                learners=[
                    {"login": "jdoe"},
                    {"login": "nobody"},
                    {"email": "ghost@example.com"},
                    {"enrollment_id": "no-such-enrollment"},
                    {"login": "bjones"},
                ],
            )
        ]
    )
    assert run.failed
    message = run.result["msg"]
    for culprit in ("nobody", "ghost@example.com", "no-such-enrollment", "bjones"):
        assert culprit in message
    assert "4 learner(s)" in message
    assert writes(lms.requests(), WRITES) == []
    assert enrollment(lms, JDOE)["completionStatus"] == "in_progress"


@pytest.mark.any_line
def test_learner_not_enrolled(play, lms):
    run = play([task(course_id=SAFETY, date="2020-07-22", learners=[{"login": "mgarcia"}])])
    assert run.failed and "mgarcia" in run.result["msg"] and "not enrolled" in run.result["msg"]


@pytest.mark.any_line
def test_bad_and_missing_dates(play, lms):
    bad = play([task(course_id=COURSE, date="22/07/2020", learners=[{"login": "jdoe"}])])
    assert bad.failed and "22/07/2020" in bad.result["msg"] and "login=jdoe" in bad.result["msg"]
    missing = play([task(course_id=COURSE, learners=[{"login": "jdoe"}])])
    assert missing.failed and "needs a completion date" in missing.result["msg"]
    assert lms.requests() == []


@pytest.mark.any_line
def test_department_administrator_sees_only_their_departments(play, lms):
    run = play(
        [
            as_client(
                lms,
                "sales-admin-client",
                course_id=COURSE,
                date="2020-07-22",
                learners=[{"login": "jdoe"}, {"login": "asmith"}],
            )
        ],
        defaults=False,
    )
    assert run.failed
    assert "asmith" in run.result["msg"] and "jdoe" not in run.result["msg"]
    assert writes(lms.requests(), WRITES) == []
    inside = play(
        [
            as_client(
                lms,
                "sales-admin-client",
                course_id=COURSE,
                date="2020-07-22",
                learners=[{"login": "jdoe"}, {"login": "kwong"}],
            )
        ],
        defaults=False,
    )
    assert inside.rc == 0, inside.output
    assert enrollment(lms, JDOE)["completionStatus"] == "complete"


@pytest.mark.any_line
def test_permission_denied_names_the_course(play, lms):
    run = play(
        [as_client(lms, "viewer-client", course_id=COURSE, date="2020-07-22", learners=[{"login": "jdoe"}])],
        defaults=False,
    )
    assert run.failed
    assert COURSE in run.result["msg"] and "Permission denied" in run.result["msg"]
    assert writes(lms.requests(), WRITES) == []


def test_info_lists_normalised_results(play, lms):
    run = play(
        [
            {
                "name": "Read",
                "learnops.lms.course_status_info": {"course_ids": [COURSE], "statuses": ["passed", "complete"]},
            }
        ]
    )
    assert run.rc == 0, run.output
    found = {r["enrollment_id"]: r for r in run.result["results"]}
    assert set(found) == {MGARCIA, LTAN}
    assert found[MGARCIA]["status"] == "passed" and found[MGARCIA]["completion_date"].startswith("2020-06-30")
    by_login = play(
        [{"name": "Read", "learnops.lms.course_status_info": {"course_ids": [COURSE, SAFETY], "logins": ["jdoe"]}}]
    )
    assert [(r["course_id"], r["login"]) for r in by_login.result["results"]] == [(COURSE, "jdoe"), (SAFETY, "jdoe")]
    assert writes(lms.requests(), WRITES) == []


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
def test_a_score_only_change_keeps_the_pass_and_its_date(play, lms):
    """Issue 28: mgarcia passed on 2020-06-30 with 95; a task that asks for a completion with a score
    of 50 changes the score only: the pass and its day stay."""
    args = task(api="rest", course_id=COURSE, enrollment_ids=[MGARCIA], date="2026-01-01", awarded_score=50)
    first = play([args])
    assert first.rc == 0, first.output
    mgarcia = enrollment(lms, MGARCIA)
    assert (mgarcia["completionStatus"], mgarcia["completionDate"][:10], mgarcia["awardedScore"]) == (
        "passed",
        "2020-06-30",
        50,
    )
    [sent] = writes(lms.requests(), ("UpdateCourseStatus",))
    assert '"status": "passed"' in sent["body"] and '"date": "2020-06-30"' in sent["body"]
    assert first.result["learners"][0]["after"]["status"] == "passed"
    lms.clear_requests()
    again = play([args])
    assert (again.rc, again.result["changed"]) == (0, False), again.output
    assert writes(lms.requests()) == []
