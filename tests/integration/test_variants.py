# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract revision 2: the four modules against the sandbox answering in every form the public
evidence allows (list layouts, namespaces, expiry answers, connect bodies, member layouts,
paging), and over SOAP and REST.  Every variant must converge, rerun without a write, agree with
check mode, and report the same results as the default forms."""

from __future__ import annotations

import sys

import pytest

from lms_sandbox.testing import Sandbox

from .helpers import WRITES, writes
from .runner import SEED_TOKEN, player

pytestmark = pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"
PROGRAM = "xxxx-xxxx-xxxx-xxxx"
HTTPS_NS = "https://ispringlearn.com/go/services/api/soap"

# (sandbox settings, extra iSpring connection options): each row mixes an iSpring and an EduBrite form.
VARIANTS = {
    "default": ({}, {}),
    "bare-lists+html-connect": (dict(ispring_list_layout="bare", edubrite_connect_body="html"), {}),
    "rest-style-lists+empty-connect": (dict(ispring_list_layout="rest", edubrite_connect_body="empty"), {}),
    "https-namespace-strict+member-elements": (
        dict(ispring_namespace="https", ispring_namespace_strict=True, edubrite_member_layout="elements"),
        dict(soap_namespace=HTTPS_NS),
    ),
    "http401-expiry+lenient-paging": (dict(ispring_expired_token="http401", edubrite_paging="lenient"), {}),
    # REST dates in UTC, as the SOAP reference writes them (the account west of UTC: test_real_tenant.py)
    "rest-interface": (dict(ispring_rest_dates="utc"), dict(api="rest")),
    "step2-keeps-session-id": (dict(edubrite_step2_session_id="same"), {}),
}


def scenario(url, connection):
    """The main scenario of all four modules, in one play."""

    def ispring(**args):
        return dict(api_url=url, client_id="demo-client", client_secret="demo-secret", **args)

    def edubrite(**args):
        return dict(site_url=url, api_username="api_demo", api_password="demo-password", run_as="adminusername", **args)

    learners = [
        {"enrollment_id": "e1f2c50e-c1ae-11ea-8592-a6eabe1809b2"},
        {"login": "jdoe"},
        {"email": "ASMITH@example.com", "date": "2020-07-20"},
        {"login": "mgarcia"},
        {"login": "ltan", "status": "automatic"},
    ]
    tasks = [
        {
            "name": "Course status",
            "learnops.lms.course_status": ispring(
                course_id=COURSE, date="2020-07-22", reason="Completed offline", learners=learners, **connection
            ),
        },
        {
            "name": "Course status info",
            "learnops.lms.course_status_info": ispring(course_ids=[COURSE], logins=["jdoe", "kwong"], **connection),
        },
        {
            "name": "Program member",
            "learnops.lms.program_member": edubrite(
                program_id=PROGRAM,
                due_date="2026-03-31",
                members=[{"username": "user1"}, {"username": "user2", "score": 90}],
            ),
        },
        {"name": "Program member info", "learnops.lms.program_member_info": edubrite(ext_id="ONBOARDING")},
    ]
    return tasks


def outcomes(run):
    """What the four modules reported, without the run-specific task ids."""
    found = {}
    for entry in run.results:
        result = dict(entry["result"])
        result.pop("task_ids", None)
        found[entry["task"]] = (
            entry["status"],
            result.get("learners") or result.get("results") or result.get("members"),
        )
    return found


@pytest.fixture(scope="module")
def expected(sandbox, tmp_path_factory):
    """The default forms' results: the reference every variant must match."""
    sandbox.reset()
    play = player(sandbox, tmp_path_factory.mktemp("reference"))
    first = play(scenario(sandbox.url, {}), defaults=False)
    assert first.rc == 0, first.output
    second = play(scenario(sandbox.url, {}), defaults=False)
    return outcomes(first), outcomes(second)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_form_converges_reruns_without_a_write_and_reports_the_same(lms, tmp_path, expected, name):
    settings, connection = VARIANTS[name]
    if settings:
        lms.settings(**settings)
    if settings.get("ispring_expired_token"):
        lms.faults([{"kind": "expire_auth", "count": 1, "operations": ["ListLearnersResults"], "after": 1}])
    play = player(lms, tmp_path)
    check = play(scenario(lms.url, connection), check=True, defaults=False)
    assert check.rc == 0, check.output
    assert writes(lms.requests(), WRITES) == []
    first = play(scenario(lms.url, connection), defaults=False)
    assert first.rc == 0, first.output
    assert outcomes(first) == expected[0]
    changed_in_check = [e["changed"] for e in check.results[0]["result"]["learners"]]
    assert changed_in_check == [e["changed"] for e in first.results[0]["result"]["learners"]]
    lms.clear_requests()
    second = play(scenario(lms.url, connection), defaults=False)
    assert second.rc == 0, second.output
    assert writes(lms.requests(), WRITES) == []
    assert outcomes(second) == expected[1]
    if connection.get("api") == "rest":
        assert {e["interface"] for e in lms.requests(api="ispring")} <= {"rest", "token"}
    if settings.get("ispring_expired_token"):
        assert lms.faults()[0]["hits"] == 1  # the refused token was renewed, the call repeated


@pytest.mark.parametrize("step2", ["new", "same"])
@pytest.mark.parametrize("body", ["xml", "empty"])
def test_the_session_cookies_set_last_are_used_and_one_login_serves_the_run(play, lms, step2, body):
    """Contract 3.4 (r3): with step 2 setting a new SESSION_ID (the default) the step-1 one is
    refused; a client that kept it could not call anything."""
    lms.settings(edubrite_step2_session_id=step2, edubrite_connect_body=body)
    member = {"program_id": PROGRAM, "usernames": ["user1", "user2"], "score": 77}
    first = play([{"name": "Member", "learnops.lms.program_member": member}])
    assert first.rc == 0, first.output
    assert [m["changed"] for m in first.result["members"]] == [True, True]
    assert len(lms.requests(api="edubrite", operation="connect")) == 2  # one login, no retry
    assert [e["status"] for e in lms.requests(api="edubrite") if e["operation"] != "connect"] == [200] * 3
    lms.clear_requests()
    again = play([{"name": "Member", "learnops.lms.program_member": member}])
    assert again.rc == 0 and again.result["changed"] is False
    assert writes(lms.requests(), WRITES) == []
    assert len(lms.requests(api="edubrite", operation="connect")) == 2


def test_a_member_date_that_is_not_epoch_ms_fails_naming_it_and_writes_nothing(play, lms):
    lms.settings(edubrite_member_dates="iso")
    run = play(
        [{"name": "Member", "learnops.lms.program_member": {"program_id": PROGRAM, "usernames": ["user1"], "score": 1}}]
    )
    assert run.rc != 0
    assert "EduBrite listProgramMembers: a member's record cannot be read: startDate '" in run.result["msg"]
    assert "is not epoch milliseconds" in run.result["msg"] and "Member reads: <member" in run.result["msg"]
    assert writes(lms.requests(), WRITES) == []


def test_a_login_refused_with_an_html_page_fails_with_an_excerpt(play, lms):
    lms.settings(edubrite_connect_body="html")
    task = {"program_id": PROGRAM, "usernames": ["user1"], "api_password": "wrong-password"}
    run = play([{"name": "Member", "learnops.lms.program_member": task}])
    assert run.rc != 0
    assert run.result["msg"].startswith(
        "EduBrite refused the login of API user 'api_demo' (HTTP 200 without a SESSION_INFO cookie; reply begins: <"
    )
    assert writes(lms.requests(), WRITES) == []


def test_both_connect_steps_ask_for_xml(play, lms):
    run = play([{"name": "Info", "learnops.lms.program_member_info": {"program_id": PROGRAM}}])
    assert run.rc == 0, run.output
    connects = lms.requests(api="edubrite", operation="connect")
    assert len(connects) == 2 and all(entry["params"].get("xml") in ("true", ["true"]) for entry in connects)


def test_no_empty_filter_goes_out_over_soap(play, lms):
    run = play([{"name": "Info", "learnops.lms.course_status_info": {"course_ids": [COURSE]}}])
    assert run.rc == 0, run.output
    [listing] = lms.requests(api="ispring", operation="ListLearnersResults")
    assert "<enrollmentIds" not in listing["body"] and "<userIds" not in listing["body"]
    assert 'xmlns="http://ispringlearn.com/go/services/api/soap"' in listing["body"]


@pytest.fixture(scope="module")
def big_program(tmp_path_factory):
    """A sandbox whose bench-program has 2,500 members: three pages of 1,000."""
    with Sandbox(python=sys.executable, task_delay=0.05, scale=2500, scale_members=2500) as running:
        yield running


def test_a_program_of_2500_members_is_read_whole_with_num_items_on_every_later_page(big_program, tmp_path):
    big_program.reset()
    play = player(big_program, tmp_path)
    info = play([{"name": "Info", "learnops.lms.program_member_info": {"ext_id": "BENCH"}}], verbosity=0)
    assert info.rc == 0, info.output
    assert len(info.result["members"]) == 2500
    pages = big_program.requests(api="edubrite", operation="listProgramMembers")
    assert [entry["params"]["currPage"] for entry in pages] in ([["0"], ["1"], ["2"]], ["0", "1", "2"])
    for entry in pages[1:]:
        assert entry["params"].get("numItems") in ("2500", ["2500"]), entry["params"]
    big_program.clear_requests()
    update = {"ext_id": "BENCH", "usernames": ["member02500", "member00001"], "score": 50}
    first = play([{"name": "Member", "learnops.lms.program_member": update}], verbosity=0)
    assert first.rc == 0 and [m["changed"] for m in first.result["members"]] == [True, True]
    big_program.clear_requests()
    again = play([{"name": "Member", "learnops.lms.program_member": update}], verbosity=0)
    assert again.rc == 0 and again.result["changed"] is False
    assert writes(big_program.requests(), WRITES) == []


def test_seed_token_still_works_over_rest(play, lms):
    run = play(
        [
            {
                "name": "Info",
                "learnops.lms.course_status_info": {"course_ids": [COURSE], "api": "rest", "token": SEED_TOKEN},
            }
        ]
    )
    assert run.rc == 0, run.output
    assert {e["interface"] for e in lms.requests(api="ispring")} == {"rest"}
