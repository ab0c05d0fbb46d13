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

from .helpers import WRITES, writes
from .runner import FIXTURE_SECRETS, issued_secrets, run_command

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
PROGRAM = "xxxx-xxxx-xxxx-xxxx"
HTTP_NS = "http://ispringlearn.com/go/services/api/soap"
HTTPS_NS = "https://ispringlearn.com/go/services/api/soap"
# Every write either API knows (SOAP, REST operationIds, EduBrite dispatches).
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
    "enrollments_listing": "GET /enrollments of the course",
    "rest_array_params": "Array query parameters",
    "rest_url_length": "Request lines as long",
    "rest_dates": "REST dates are read",
    "rest_unauthorized": "A REST read with a refused token",
    "rest_user_fields": "A REST user's fields",
    "rest_users_by_post": "POST /users/v2 with the filter in an XML body",
    "unknown_course": "An unknown course answers",
    "due_period_unit": "duePeriod is a number",
    "connect_body": "The login is judged",
    "session_cookies": "The session cookies are those set last",
    "user_lookup": "userService get answers",
    "member_fields": "Every member value a task compares",
    "member_layout": "listProgramMembers answers",
    "member_dates": "Member dates",
    "paging_num_items": "From page 1 on",
    "list_ext_id": "listProgramMembers by extId",
}
# Points no read can settle: "not checked" on every tenant, with advice on checking them by hand.
ALWAYS_NOT_CHECKED = {"due_period_unit": ("cannot be read without a write", "Check it by hand on a test course")}
DEFAULT_SOAP = (
    "**iSpring Learn**: nothing: the defaults (`api: soap`, the default `soap_url` and `soap_namespace`) work."
)

# (settings, {point: (verdict, words its observed cell holds[, words its advice cell holds])}, words "What to
# set" holds), per variant.  The revision-3 forms (sandbox settings of assumptions.py part 3) go in three
# variants: each form's value named in the observed cell, the advice saying what to set or do.
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
    "r3-strict": (
        dict(
            ispring_rest_arrays="brackets",
            request_line_limit=8192,
            ispring_due_period_unit="hours",
            ispring_user_filters="and",
            ispring_rest_user_fields="pairs",
            ispring_rest_unauthorized="empty",
            ispring_rest_dates="west",
            ispring_unknown_course="empty",
            # forms only a write shows (a 201's new id, UpdateGroupMembers): the check reads, unaffected
            ispring_created_id="text",
            ispring_group_members="replace",
            # pages only show on a listing longer than a page: two made-up IDs list nobody, in one page
            ispring_users_by_post="pages",
        ),
        {
            "rest_users_by_post": ("holds", "listed nobody (HTTP 200): this tenant serves ListUsersV2ByPost."),
            "enrollments_listing": (
                "holds",
                "courseIds[]= lists 6 enrollment(s). Fields: accessDate, courseId, dueDate, enrollmentId, "
                "enrollmentTypeGroup, learnerId, shouldLockAfterDueDate; accessDate date only 6 (e.g. 2020-07-10); "
                "dueDate date only 2 (e.g. 2020-08-31); enrollmentTypeGroup in 6 of 6 (0: 5, 1: 1).",
            ),
            "rest_array_params": (
                "holds",
                "as enrollmentIds=a&enrollmentIds=b returned only the last. This tenant parses queries the PHP way",
                "",
            ),
            "rest_url_length": (
                "holds",
                "(200 made-up user IDs) was refused (HTTP 414); one of 6010 bytes (116 IDs, as long as the modules "
                "send) was served (HTTP 200).",
                "Nothing to set: the modules cut their filters",
            ),
            "rest_dates": (
                "holds",
                "completionDate zone-less date-time 2 (e.g. 2020-06-30 14:12:00); accessDate zone-less date-time 6 "
                "(e.g. 2020-07-10 09:00:00): the account writes its own local time.",
                "Nothing to set: the modules send dates without a zone",
            ),
            "rest_unauthorized": (
                "holds",
                "A REST read with a made-up token answered HTTP 401 with an empty body.",
                "Nothing to set: the modules renew the token on any HTTP 401",
            ),
            "rest_user_fields": (
                "holds",
                "1 user(s) listed, their fields as name/value pairs (1), with the names EMAIL, FIRST_NAME, "
                "LAST_NAME, LOGIN; login readable for 1, email for 1.",
                "Nothing to set: the modules read every form.",
            ),
            "unknown_course": (
                "holds",
                "read over SOAP: an empty listing; over REST: an empty listing.",
                "Nothing to set, but mind your course IDs: here a mistyped course_id lists nothing",
            ),
        },
        DEFAULT_SOAP,
    ),
    "r3-other": (
        dict(
            ispring_rest_arrays="lenient",
            request_line_limit=0,
            ispring_due_period_unit="days",
            ispring_user_filters="or",
            ispring_rest_user_fields="object",
            ispring_rest_unauthorized="json",
            ispring_rest_dates="utc",
            ispring_unknown_course="error",
            ispring_created_id="json",
            ispring_group_members="add",
            ispring_users_by_post="lists",
        ),
        {
            "rest_users_by_post": ("holds", "listed nobody (HTTP 200): this tenant serves ListUsersV2ByPost."),
            "rest_array_params": ("holds", "returned both. This tenant takes both spellings."),
            "rest_url_length": (
                "holds",
                "(200 made-up user IDs) was served (HTTP 200): this tenant takes lines over 8 KB.",
                "Nothing to set: the modules keep every query under 6000 bytes anyway.",
            ),
            "rest_dates": (
                "holds",
                "completionDate with Z (UTC) 2 (e.g. 2020-06-30T14:12:00Z); accessDate with Z (UTC) 6 "
                "(e.g. 2020-07-10T09:00:00Z): the account writes UTC.",
                "Nothing to set",
            ),
            "rest_unauthorized": (
                "holds",
                'answered HTTP 401 with a JSON ErrorResponse (code 401, message "Unauthorized',
                "Nothing to set",
            ),
            "rest_user_fields": (
                "holds",
                "their fields as an object (1), with the names email, firstName, lastName, login",
                "Nothing to set",
            ),
            "unknown_course": (
                "holds",
                "read over SOAP: an error (the fault Unknown content item); over REST: an error (HTTP 400: Unknown "
                "content item",
                "Nothing to set: an unknown course_id fails the task.",
            ),
        },
        DEFAULT_SOAP,
    ),
    "r3-field-list-html": (
        dict(ispring_rest_user_fields="field_list", ispring_rest_unauthorized="html", ispring_users_by_post="ignores"),
        {
            "rest_users_by_post": (
                "holds",
                "user(s): this tenant reads no filter from the body.",
                "the modules look users up by GET listings here",
            ),
            "rest_user_fields": ("holds", 'their fields as name/value pairs under "field" (1)'),
            "rest_unauthorized": (
                "holds",
                r"answered HTTP 401 with an HTML page (\<html>\<head>\<title>401 Authorization Required",
                "Nothing to set",
            ),
        },
        DEFAULT_SOAP,
    ),
    "ispring_users_by_post=refuses": (
        dict(ispring_users_by_post="refuses"),
        {"rest_users_by_post": ("holds", "in an XML body was refused (HTTP 405).", "by GET listings here")},
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


def assert_reads_only(lms):
    """The sandbox's request log holds no write of either API, and every iSpring REST request is a GET
    or the listing that is sent as a POST (ListUsersV2ByPost)."""
    assert writes(lms.requests(), WRITES) == []
    sent = {(entry["method"], entry["operation"]) for entry in lms.requests(api="ispring", interface="rest")}
    assert {operation for method, operation in sent if method != "GET"} <= {"ListUsersV2ByPost"}


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
    for check_id, (verdict, words, *advice) in expected.items():
        assert rows[check_id][0] == verdict, (check_id, rows[check_id])
        assert words in rows[check_id][1], (check_id, rows[check_id])
        assert all(said in rows[check_id][2] for said in advice), (check_id, rows[check_id])
    for words in to_set:
        assert words in report.split("## What to set", 1)[1]
    assert_not_checked_by_hand(report, rows)
    unexpected = {
        check_id: row
        for check_id, row in rows.items()
        if row[0] != "holds" and check_id not in expected and check_id not in ALWAYS_NOT_CHECKED
    }
    assert unexpected == {}, "only the variant's points may differ"
    assert_reads_only(lms)
    assert_masked(lms, tmp_path / "tenant-check-replies")


def assert_not_checked_by_hand(report, rows):
    """The points no read settles say so, and the report's "What to set" says how to check them by hand."""
    for check_id, (words, advice) in ALWAYS_NOT_CHECKED.items():
        assert rows[check_id][0] == "not checked" and words in rows[check_id][1] and advice in rows[check_id][2]
        assert "- `%s` (not checked): %s" % (check_id, advice) in report.split("## What to set", 1)[1]


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
        if name.startswith(("ispring_", "edubrite_"))
    }
    assert covered == forms


def test_check_mode_gives_the_same_report_and_learners_are_compared_by_login(lms, tmp_path):
    before = lms.state()
    run = check_run(lms, tmp_path, "--check", "-e", '{"tenant_check_logins": ["jdoe", "asmith"]}')
    assert run.rc == 0, run.output
    rows = report_rows((tmp_path / "tenant-check.md").read_text())
    assert {row[0] for check_id, row in rows.items() if check_id not in ALWAYS_NOT_CHECKED} == {"holds"}
    assert rows["soap_rest_results"][1].startswith("2 result(s) over SOAP, 2 over REST, of 2 learner(s) found by login")
    assert rows["rest_user_fields"][1].endswith("; logins: 2 of 2 found.")
    assert_reads_only(lms)
    after = lms.state()
    assert (after["ispring"]["enrollments"], after["edubrite"]["programs"]) == (
        before["ispring"]["enrollments"],
        before["edubrite"]["programs"],
    )
    assert_masked(lms, tmp_path / "tenant-check-replies")


def test_a_check_that_cannot_run_is_reported_and_fails_the_play_after_the_report(lms, tmp_path):
    lms.settings(ispring_unknown_course="error")  # the tenant refuses an unknown course (3.2 r3)
    run = check_run(lms, tmp_path, "-e", "tenant_check_course_id=no-such-course", "-e", "tenant_check_replies=")
    assert run.rc != 0
    assert "A check could not run: course_id no-such-course: iSpring knows no such course" in run.output
    report = (tmp_path / "tenant-check.md").read_text()
    assert "| iSpring Learn | course `no-such-course`: **the check could not run** |" in report
    assert "**iSpring Learn**: nothing can be said: not checked." in report
    assert report_rows(report)["connect_body"][0] == "holds"  # the other LMS was still checked
    assert not (tmp_path / "tenant-check-replies").exists()
    assert_reads_only(lms)


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
@pytest.mark.parametrize("join, words", [("and", "AND-ed"), ("or", "OR-ed")])
def test_learners_by_email_are_checked_and_the_join_of_logins_and_emails_is_named(lms, tmp_path, join, words):
    lms.settings(ispring_user_filters=join)
    run = check_run(
        lms, tmp_path, "-e", '{"tenant_check_logins": ["jdoe"], "tenant_check_emails": ["ASmith@example.com"]}'
    )
    assert run.rc == 0, run.output
    rows = report_rows((tmp_path / "tenant-check.md").read_text())
    assert rows["soap_rest_results"][0] == "holds"
    assert rows["soap_rest_results"][1].startswith(
        "2 result(s) over SOAP, 2 over REST, of 2 learner(s) found by login or email"
    )
    assert rows["rest_user_fields"][0] == "holds", rows["rest_user_fields"]
    assert rows["rest_user_fields"][1].endswith(
        "; logins: 1 of 1 found; emails: 1 of 1 found; logins and emails in one listing are %s" % words
        + (" (the modules list them apart)." if join == "and" else " (the modules list them apart anyway).")
    )
    assert len(lms.requests(api="ispring", operation="ListUsers", interface="rest")) == 5
    assert_reads_only(lms)
    assert_masked(lms, tmp_path / "tenant-check-replies")


@pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)
def test_an_unknown_course_that_lists_nothing_is_reported_not_taken_for_a_course_without_learners(lms, tmp_path):
    """STRICT_SETTINGS: an unknown course lists nothing (3.2 r3), so the check cannot fail on it; the
    report says the course lists nothing and that unknown courses do so on this tenant."""
    run = check_run(lms, tmp_path, "-e", "tenant_check_course_id=no-such-course", "-e", "tenant_check_program_id=")
    assert run.rc == 0, run.output
    rows = report_rows((tmp_path / "tenant-check.md").read_text())
    assert rows["soap_rest_results"][0] == "not checked"
    assert (
        "a course that lists nothing may also be an unknown course_id (see unknown_course)"
        in rows["soap_rest_results"][2]
    )
    assert rows["unknown_course"][:2] == (
        "holds",
        "A made-up course ID (00000000-0000-4000-8000-000000000000) read over SOAP: an empty listing; over REST: "
        "an empty listing.",
    )
    assert rows["enrollments_listing"][0] == "not checked"
    assert_reads_only(lms)


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
