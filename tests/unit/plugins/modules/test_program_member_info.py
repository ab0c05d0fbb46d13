# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""program_member_info through its real main()."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.modules import program_member_info
from ansible_collections.learnops.lms.tests.unit.edubrite_wire import (
    API_USER,
    PASSWORD,
    PROGRAM,
    REPORT,
    RUN_AS,
    SITE,
    list_call,
    listing,
    login,
    member_xml,
    response,
)
from ansible_collections.learnops.lms.tests.unit.scripted import Call

MEMBERS = [
    member_xml("u1", "user1", startDate="1767571200000"),
    member_xml("u2", "user2", status="COMPLETED", award="true", score="92.5"),
    member_xml("u3", "user3", quit="true"),
]


def args(**overrides):
    base = dict(site_url=SITE, api_username=API_USER, api_password=PASSWORD, run_as=RUN_AS, program_id=PROGRAM[0][1])
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def test_members_with_their_records_in_the_timezone(run_module):
    outcome = run_module(
        program_member_info, args(timezone="Europe/Berlin"), *login(), list_call(0, listing(MEMBERS)), check_mode=True
    )
    members = outcome.result["members"]
    assert outcome.result["changed"] is False
    assert [(m["username"], m["record"]["status"], m["record"]["quit"]) for m in members] == [
        ("user1", "ENROLLED", False),
        ("user2", "COMPLETED", False),
        ("user3", "ENROLLED", True),
    ]
    assert members[0]["record"]["start_date"] == "2026-01-05T01:00:00+01:00"
    assert members[1]["record"]["awarded"] is True and members[1]["record"]["score"] == 92.5
    assert outcome.result["invocation"]["module_args"]["api_password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_filters_by_username_and_status(run_module):
    outcome = run_module(
        program_member_info,
        args(usernames=["user1", "user2"], status="COMPLETED"),
        *login(),
        list_call(0, listing(MEMBERS)),
    )
    assert [m["username"] for m in outcome.result["members"]] == ["user2"]


def test_by_ext_id_and_unknown_program(run_module):
    outcome = run_module(
        program_member_info,
        args(program_id=None, ext_id="NOPE"),
        *login(),
        Call(REPORT, status=404, body=response(-1, "0004", "Program not found: NOPE")),
    )
    assert outcome.failed and outcome.msg.startswith("extId NOPE: EduBrite knows no such program")


def test_status_choices_are_checked_before_any_request(run_module):
    outcome = run_module(program_member_info, args(status="DONE"))
    assert outcome.failed and "value of status must be one of: ENROLLED, COMPLETED" in outcome.msg


def test_a_user_name_that_is_not_a_member_is_named(run_module):
    outcome = run_module(
        program_member_info, args(usernames=["user1", "ghost"]), *login(), list_call(0, listing(MEMBERS))
    )
    assert outcome.failed and outcome.result["not_found"] == {"username": ["ghost"]}
    assert outcome.msg.startswith("usernames: ghost is not a member of the program.")
