# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbook learnops.lms.tenant_check against every reply form of the sandbox (sandbox/README.md, "Reply
forms"): the report names the forms each variant uses and what to set, the sandbox's request log
holds no write, and the saved replies hold no secret and none of the fixture's personal data."""

from __future__ import annotations

import os
import re

import pytest

from lms_sandbox.server import SETTINGS

from .helpers import writes
from .runner import FIXTURE_SECRETS, issued_secrets, run_command

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
PROGRAM = "xxxx-xxxx-xxxx-xxxx"
HTTP_NS = "http://ispringlearn.com/go/services/api/soap"
HTTPS_NS = "https://ispringlearn.com/go/services/api/soap"
# Every write either API knows (SOAP, REST operationIds, EduBrite dispatches).
WRITES = (
    "updateCourseStatus",
    "UpdateCourseStatus",
    "EnrollLearnersInCourses",
    "ChangeEnrollment",
    "Unenroll",
    "updateProgramMember",
    "enrollUsersInProgram",
)
# A report row by the start of its point.
POINTS = {
    "token_reply": "The token endpoint",
    "soap_url": "The SOAP endpoint",
    "soap_namespace": "SOAP requests in the body namespace",
    "reply_namespace": "SOAP replies are in",
    "invalid_token": "An invalid or expired token",
    "list_layout_results": "ListLearnersResults lists",
    "list_layout_users": "ListUsers lists",
    "soap_rest_results": "SOAP and REST",
    "connect_body": "The login is judged",
    "session_cookies": "The session cookies are those set last",
    "user_lookup": "userService get answers",
    "member_fields": "Every member value a task compares",
    "member_layout": "listProgramMembers answers",
    "member_dates": "Member dates",
    "paging_num_items": "From page 1 on",
    "list_ext_id": "listProgramMembers by extId",
}
DEFAULT_SOAP = (
    "**iSpring Learn**: nothing: the defaults (`api: soap`, the default `soap_url` and `soap_namespace`) work."
)

# (settings, {point: (verdict, words its observed cell holds)}, words "What to set" holds), per variant.
ISPRING_VARIANTS = {
    "ispring_list_layout=wrapped": (
        dict(ispring_list_layout="wrapped"),
        {
            "list_layout_results": ("holds", r"wrapped: \<ListLearnersResultsResult>\<results>\<learnerResult>..."),
            "list_layout_users": ("holds", r"wrapped: \<ListUsersResult>\<users>\<userProfile>..."),
        },
        DEFAULT_SOAP,
    ),
    "ispring_list_layout=bare": (
        dict(ispring_list_layout="bare"),
        {
            "list_layout_results": ("holds", r"bare: \<ListLearnersResultsResult>\<learnerResult>..."),
            "list_layout_users": ("holds", r"bare: \<ListUsersResult>\<userProfile>..."),
        },
        DEFAULT_SOAP,
    ),
    "ispring_list_layout=rest": (
        dict(ispring_list_layout="rest"),
        {
            "list_layout_results": ("holds", r"rest-style: \<ListLearnersResultsResult>\<results>\<result>..."),
            "list_layout_users": ("holds", r"rest-style: \<ListUsersResult>\<userProfiles>\<user>..."),
        },
        DEFAULT_SOAP,
    ),
    "ispring_namespace=http": (
        dict(ispring_namespace="http"),
        {"reply_namespace": ("holds", r"The result \<ListLearnersResultsResult> is in %s." % HTTP_NS)},
        DEFAULT_SOAP,
    ),
    "ispring_namespace=https": (
        dict(ispring_namespace="https"),
        {"reply_namespace": ("differs", r"The result \<ListLearnersResultsResult> is in %s." % HTTPS_NS)},
        DEFAULT_SOAP,
    ),
    "ispring_namespace_strict=false": (
        dict(ispring_namespace_strict=False),
        {"soap_namespace": ("holds", "%s: accepted (a \\<ListLearnersResultsResult> (HTTP 200))." % HTTPS_NS)},
        DEFAULT_SOAP,
    ),
    "ispring_namespace_strict=true": (
        dict(ispring_namespace_strict=True),
        {"soap_namespace": ("holds", "%s: refused with Wrong parameters (HTTP 500)." % HTTPS_NS)},
        DEFAULT_SOAP,
    ),
    "ispring_namespace_strict=true,ispring_namespace=https": (
        dict(ispring_namespace_strict=True, ispring_namespace="https"),
        {
            "soap_namespace": (
                "differs",
                "%s: refused with Wrong parameters (HTTP 500); %s: accepted" % (HTTP_NS, HTTPS_NS),
            ),
            "reply_namespace": ("differs", "is in %s." % HTTPS_NS),
        },
        'group/learnops.lms.ispring:\n    soap_namespace: "%s"' % HTTPS_NS,
    ),
    "ispring_expired_token=fault": (
        dict(ispring_expired_token="fault"),
        {"invalid_token": ("holds", "answered the fault Authorization failed (HTTP 500).")},
        DEFAULT_SOAP,
    ),
    "ispring_expired_token=http401": (
        dict(ispring_expired_token="http401"),
        {"invalid_token": ("holds", "answered HTTP 401, not a SOAP reply.")},
        DEFAULT_SOAP,
    ),
}
EDUBRITE_VARIANTS = {
    "edubrite_connect_body=xml": (
        dict(edubrite_connect_body="xml"),
        {
            "connect_body": (
                "holds",
                r'step 1: xml: an XML \<response code="0"> (msg 0), HTTP 200, SESSION_ID set; '
                r'step 2: xml: an XML \<response code="0"> (msg 0152), HTTP 200, SESSION_ID set, SESSION_INFO set.',
            )
        },
        "**EduBrite**: nothing.",
    ),
    "edubrite_connect_body=html": (
        dict(edubrite_connect_body="html"),
        {
            "connect_body": (
                "holds",
                "step 1: html: an HTML page, HTTP 200, SESSION_ID set; step 2: html: an HTML page, HTTP 200, "
                "SESSION_ID set, SESSION_INFO set.",
            )
        },
        "**EduBrite**: nothing.",
    ),
    "edubrite_connect_body=empty": (
        dict(edubrite_connect_body="empty"),
        {
            "connect_body": (
                "holds",
                "step 1: empty: an empty body, HTTP 200, SESSION_ID set; step 2: empty: an empty body, HTTP 200, "
                "SESSION_ID set, SESSION_INFO set.",
            )
        },
        "**EduBrite**: nothing.",
    ),
    "edubrite_paging=num_items_required": (
        dict(edubrite_paging="num_items_required"),
        {
            "paging_num_items": (
                "holds",
                "numItems 2 at pageSize 1; page 1 with numItems 2 and numPages 2 holds 1 other member(s); "
                "page 1 without numItems answers page 0 again (numItems required).",
            )
        },
        "**EduBrite**: nothing.",
    ),
    "edubrite_paging=lenient": (
        dict(edubrite_paging="lenient"),
        {"paging_num_items": ("holds", "page 1 without numItems is served too (numItems not required).")},
        "**EduBrite**: nothing.",
    ),
    "edubrite_member_layout=attributes": (
        dict(edubrite_member_layout="attributes"),
        {"member_layout": ("holds", r"2 member(s), their values as attributes of \<member>.")},
        "**EduBrite**: nothing.",
    ),
    "edubrite_member_layout=elements": (
        dict(edubrite_member_layout="elements"),
        {"member_layout": ("holds", r"2 member(s), their values as child elements of \<member>.")},
        "**EduBrite**: nothing.",
    ),
    "edubrite_member_dates=epoch_ms": (
        dict(edubrite_member_dates="epoch_ms"),
        {"member_dates": ("holds", "6 date(s) epoch milliseconds (for example startDate 1595376000000).")},
        "**EduBrite**: nothing.",
    ),
    "edubrite_member_dates=iso": (
        dict(edubrite_member_dates="iso"),
        {"member_dates": ("differs", "6 date(s) ISO 8601 (for example startDate 2020-07-22T00:00:00Z).")},
        "**EduBrite**: nothing (no option changes what differs: see the advice).",
    ),
    "edubrite_list_ext_id=program": (
        dict(edubrite_list_ext_id="program"),
        {"list_ext_id": ("holds", "By extId ONBOARDING and by programId %s: the same 2 member(s)." % PROGRAM)},
        "**EduBrite**: nothing.",
    ),
    "edubrite_step2_session_id=new": (
        dict(edubrite_step2_session_id="new"),
        {
            "session_cookies": (
                "holds",
                "step 1 sets SESSION_ID; step 2 sets SESSION_ID, SESSION_INFO; step 2 sets a new SESSION_ID; a "
                "userService get with the step-1 SESSION_ID after step 2: refused (EduBrite get failed (HTTP 401, "
                "msg 0174: Session is not valid)).",
            )
        },
        "**EduBrite**: nothing.",
    ),
    "edubrite_step2_session_id=same": (
        dict(edubrite_step2_session_id="same"),
        {
            "session_cookies": (
                "holds",
                "step 1 sets SESSION_ID; step 2 sets SESSION_INFO; step 2 sets no new SESSION_ID: the step-1 one "
                "stays the session's.",
            )
        },
        "**EduBrite**: nothing.",
    ),
    "edubrite_member_missing_fields=none": (
        dict(edubrite_member_missing_fields=[]),
        {"member_fields": ("holds", "never carried: none; status values: COMPLETED (1), ENROLLED (1).")},
        "**EduBrite**: nothing.",
    ),
    "edubrite_member_missing_fields=awardExpDate": (
        dict(edubrite_member_missing_fields=["awardExpDate"]),
        {"member_fields": ("differs", "awardDate; never carried: awardExpDate; status values: COMPLETED (1)")},
        "**EduBrite**: nothing (no option changes what differs: see the advice).",
    ),
    "edubrite_list_ext_id=session": (
        dict(edubrite_list_ext_id="session"),
        {"list_ext_id": ("differs", "msg 0004: No program session with extId ONBOARDING")},
        "name it by\n`program_id: %s`, not by `ext_id`." % PROGRAM,
    ),
}


def report_rows(report):
    """{point id: (verdict, observed, advice)} of the report's tables."""
    rows = {}
    for line in report.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for check_id, start in POINTS.items():
            if len(cells) == 5 and cells[0].startswith(start):
                rows[check_id] = (cells[2].strip("*"), cells[3], cells[4])
    return rows


def personal_values(lms):
    """The fixture's personal data: logins, emails, names, user names, open IDs, API user names."""
    state = lms.state()
    found = {"api_demo", "adminusername"}
    for user in state["ispring"]["users"]:
        found.update(user[key] for key in ("login", "email", "firstName", "lastName") if user.get(key))
    for user in state["edubrite"]["users"]:
        found.update(user[key] for key in ("userName", "openId", "email", "firstName", "lastName") if user.get(key))
    return found


def saved_text(directory):
    names = sorted(os.listdir(directory))
    return names, "".join((directory / name).read_text() for name in names)


def assert_masked(lms, directory):
    """No secret (the fixture's and every token and cookie issued) and no personal value in the files."""
    names, text = saved_text(directory)
    assert names, "no replies saved"
    leaked = sorted(secret for secret in set(FIXTURE_SECRETS) | issued_secrets(lms) if secret and secret in text)
    assert not leaked, "secret(s) %s in the saved replies" % leaked
    personal = sorted(
        value
        for value in personal_values(lms)
        if re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(value), text)
    )
    assert not personal, "personal data %s in the saved replies" % personal
    assert "@example.com" not in text and "demo-client" not in text


def run_playbook(lms, cwd, *args):
    """The collection's tenant check playbook, by name, in ``cwd``."""
    return run_command(lms, cwd, ["ansible-playbook", "learnops.lms.tenant_check"] + list(args))


def check_run(lms, tmp_path, *extra):
    return run_playbook(
        lms,
        tmp_path,
        "-e",
        "tenant_check_course_id=%s" % COURSE,
        "-e",
        "tenant_check_program_id=%s" % PROGRAM,
        "-e",
        "tenant_check_ext_id=ONBOARDING",
        "-e",
        "tenant_check_print=false",
        *extra,
    )


def paired_variants():
    """Each iSpring variant run together with an EduBrite one (the two LMSs do not meet), so that every
    variant of both is run once."""
    ispring, edubrite = list(ISPRING_VARIANTS.items()), list(EDUBRITE_VARIANTS.items())
    pairs = []
    for number in range(max(len(ispring), len(edubrite))):
        first, second = ispring[number % len(ispring)], edubrite[number % len(edubrite)]
        settings, expected = dict(first[1][0], **second[1][0]), dict(first[1][1], **second[1][1])
        pairs.append(pytest.param(settings, expected, (first[1][2], second[1][2]), id="%s+%s" % (first[0], second[0])))
    return pairs


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
@pytest.mark.parametrize("settings, expected, to_set", paired_variants())
def test_the_report_names_the_forms_of_each_variant_and_nothing_is_written(lms, tmp_path, settings, expected, to_set):
    lms.settings(**settings)
    run = check_run(lms, tmp_path)
    assert run.rc == 0, run.output
    report = (tmp_path / "tenant-check.md").read_text()
    rows = report_rows(report)
    assert set(rows) == set(POINTS), report
    for check_id, (verdict, words) in expected.items():
        assert rows[check_id][0] == verdict, (check_id, rows[check_id])
        assert words in rows[check_id][1], (check_id, rows[check_id])
    for words in to_set:
        assert words in report.split("## What to set", 1)[1]
    unexpected = {check_id: row for check_id, row in rows.items() if row[0] != "holds" and check_id not in expected}
    assert unexpected == {}, "only the variant's points may differ"
    assert writes(lms.requests(), WRITES) == []
    assert_masked(lms, tmp_path / "tenant-check-replies")


def test_every_value_of_every_reply_form_of_the_sandbox_is_a_variant_here():
    """A reply form (or a value of one) added to the sandbox must be added to the variants too."""
    forms = {
        (name, str(value).lower())
        for name, (_default, parse) in SETTINGS.items()
        if name.startswith(("ispring_", "edubrite_"))
        for value in parse.values
    }
    covered = {
        (name, str(value).lower())
        for settings, _expected, _to_set in list(ISPRING_VARIANTS.values()) + list(EDUBRITE_VARIANTS.values())
        for name, value in settings.items()
    }
    assert covered == forms


def test_check_mode_gives_the_same_report_and_learners_are_compared_by_login(lms, tmp_path):
    before = lms.state()
    run = check_run(lms, tmp_path, "--check", "-e", '{"tenant_check_logins": ["jdoe", "asmith"]}')
    assert run.rc == 0, run.output
    rows = report_rows((tmp_path / "tenant-check.md").read_text())
    assert {row[0] for row in rows.values()} == {"holds"}
    assert rows["soap_rest_results"][1].startswith("2 result(s) over SOAP, 2 over REST, of 2 learner(s) found by login")
    assert writes(lms.requests(), WRITES) == []
    after = lms.state()
    assert (after["ispring"]["enrollments"], after["edubrite"]["programs"]) == (
        before["ispring"]["enrollments"],
        before["edubrite"]["programs"],
    )
    assert_masked(lms, tmp_path / "tenant-check-replies")


def test_a_check_that_cannot_run_is_reported_and_fails_the_play_after_the_report(lms, tmp_path):
    run = check_run(lms, tmp_path, "-e", "tenant_check_course_id=no-such-course", "-e", "tenant_check_replies=")
    assert run.rc != 0
    assert "A check could not run: course_id no-such-course: iSpring knows no such course" in run.output
    report = (tmp_path / "tenant-check.md").read_text()
    assert "| iSpring Learn | course `no-such-course`: **the check could not run** |" in report
    assert "**iSpring Learn**: nothing can be said: not checked." in report
    assert report_rows(report)["connect_body"][0] == "holds"  # the other LMS was still checked
    assert not (tmp_path / "tenant-check-replies").exists()
    assert writes(lms.requests(), WRITES) == []


def test_differences_can_fail_the_play_and_one_lms_alone_can_be_checked(lms, tmp_path):
    lms.settings(edubrite_member_dates="iso")
    run = run_playbook(
        lms,
        tmp_path,
        "-e",
        "tenant_check_program_id=%s" % PROGRAM,
        "-e",
        "tenant_check_fail_on_differs=true",
        "-e",
        "tenant_check_report_path=reports/check.md",
    )
    assert run.rc != 0 and "1 point(s) differ on your tenants: member_dates" in run.output
    report = (tmp_path / "reports" / "check.md").read_text()
    assert "| iSpring Learn | not checked: no tenant_check_course_id" in report
    assert report_rows(report)["list_ext_id"][0] == "not checked"  # no ext_id given
    # 2 logins steps, the read with the step-1 SESSION_ID, 2 user lookups, the listing, 3 pages
    assert [entry["api"] for entry in lms.requests()] == ["edubrite"] * 9
