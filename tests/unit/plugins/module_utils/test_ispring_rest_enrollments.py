# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The iSpring REST enrollment calls (the OpenAPI file's ListEnrollments, EnrollLearnersInCourses,
ChangeEnrollment, Unenroll) against scripted requests and replies."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.learnops.lms.plugins.module_utils import ispring, ispring_rest
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, ReplyError, TransportError
from ansible_collections.learnops.lms.tests.unit.enrollment_wire import (
    OTHER_COURSE,
    change_call,
    delete_call,
    enroll_call,
    enrollments_call,
    rest_enrollment,
)
from ansible_collections.learnops.lms.tests.unit.ispring_wire import API, COURSE, TOKEN, rest_call


def client(transport):
    return ispring_rest.RestClient(transport, API, token=TOKEN)


def test_enrollments_are_read_page_by_page_with_the_documented_filter_names(script):
    transport = script(
        enrollments_call([rest_enrollment("e1", "u1", due="2020-08-31", lock=True)], next_token="p2"),
        enrollments_call([rest_enrollment("e2", "u2", access="2020-07-10T09:00:00Z", group=1)], page_token="p2"),
    )
    found = client(transport).list_enrollments(course_ids=[COURSE])
    assert found == [
        ispring_rest.Enrollment("e1", COURSE, "u1", "2020-07-10", "2020-08-31", None, True, 0),
        ispring_rest.Enrollment("e2", COURSE, "u2", "2020-07-10", None, None, False, 1),
    ]


def test_learner_filter(script):
    transport = script(enrollments_call([], learner_ids=["u1", "u2"]))
    assert client(transport).list_enrollments(course_ids=[COURSE], learner_ids=["u1", "u2"]) == []


@pytest.mark.parametrize(
    "item, words",
    [
        ({"courseId": COURSE, "learnerId": "u1"}, "an item is not an Enrollment"),
        ({"enrollmentId": "e1", "accessDate": "2020-07-10"}, "an item is not an Enrollment"),
        (dict(rest_enrollment("e1", "u1"), dueDate="31/08/2020"), "dueDate '31/08/2020' is not a date"),
        (dict(rest_enrollment("e1", "u1"), shouldLockAfterDueDate="maybe"), "is not true or false"),
        (dict(rest_enrollment("e1", "u1"), enrollmentTypeGroup="admin"), "enrollmentTypeGroup 'admin' is not a number"),
    ],
)
def test_a_record_in_another_shape_fails_loudly(script, item, words):
    transport = script(rest_call("GET", "/enrollments", {"enrollments": [item]}, params=None))
    with pytest.raises(ReplyError) as caught:
        client(transport).list_enrollments(course_ids=[COURSE])
    assert words in caught.value.message


def test_string_flags_and_numbers_are_read():
    item = dict(rest_enrollment("e1", "u1"), shouldLockAfterDueDate="true", enrollmentTypeGroup="1")
    record = ispring_rest._enrollment(item, "test")
    assert (record.lock_after_due_date, record.type_group) == (True, 1)


def test_enroll_posts_a_new_enrollment(script):
    transport = script(
        enroll_call(
            ["u1", "u2"],
            "due_period",
            courses=(COURSE, OTHER_COURSE),
            duePeriod=720,
            accessDate="2026-03-02",
            lockAfterDueDate=True,
        )
    )
    rest = client(transport)
    rest.enroll([COURSE, OTHER_COURSE], ["u1", "u2"], "due_period", due_period=30, access_date="2026-03-02", lock=True)
    assert transport.scripted.sent[0]["headers"]["Content-Type"] == "application/json"


def test_enroll_sends_only_the_values_given(script):
    transport = script(enroll_call(["u1"], "due_date", dueDate="2026-04-30"))
    client(transport).enroll([COURSE], ["u1"], "due_date", due_date="2026-04-30")


def test_change_sends_the_access_date_as_a_date_time(script):
    transport = script(change_call("e1", "2026-03-02", "unlimited", lockAfterDueDate=False))
    client(transport).change_enrollment("e1", "2026-03-02", "unlimited", lock=False)


def test_delete(script):
    transport = script(delete_call(["e1", "e2"]))
    client(transport).delete_enrollments(["e1", "e2"])


def test_an_enrollment_call_whose_reply_is_lost_is_not_repeated(script):
    lost = enroll_call(["u1"])
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    transport = script(lost)
    with pytest.raises(TransportError, match="not repeated, because the service may have acted"):
        client(transport).enroll([COURSE], ["u1"], "unlimited")


def test_a_change_whose_reply_is_lost_is_repeated(script):
    lost = change_call("e1", "2026-03-02", "unlimited")
    lost.raises = requests.exceptions.ReadTimeout("read timed out")
    transport = script(lost, change_call("e1", "2026-03-02", "unlimited"))
    client(transport).change_enrollment("e1", "2026-03-02", "unlimited")
    assert len(transport.sleeps) == 1


def test_an_unknown_course_carries_its_code(script):
    transport = script(
        rest_call(
            "GET",
            "/enrollments",
            {"code": 400, "message": "Unknown content item: courseIds: nope"},
            status=400,
        )
    )
    with pytest.raises(ApiError) as caught:
        client(transport).list_enrollments(course_ids=["nope"])
    assert caught.value.code == ispring.FAULT_UNKNOWN_COURSE
