# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter misspelt_names, which the role learner_states runs on the play's variables."""

from __future__ import annotations

import pytest

from ansible_collections.learnops.lms.plugins.filter.misspelt_names import FilterModule, distance, misspelt_names

KNOWN = [
    "learner_states_course_enrollments",
    "learner_states_course_completions",
    "learner_states_program_memberships",
    "learner_states_max_changes",
    "ispring_api",
    "ispring_api_url",
    "ispring_soap_namespace",
    "ispring_token",
    "edubrite_run_as",
]


@pytest.mark.parametrize(
    "name, meant",
    [
        ("learner_state_program_memberships", "learner_states_program_memberships"),
        ("learners_states_course_completions", "learner_states_course_completions"),
        ("learner-states-course-enrollments", "learner_states_course_enrollments"),
        ("learnerstates_course_completions", "learner_states_course_completions"),
        ("learner_state_program_membership", "learner_states_program_memberships"),  # two slips
        ("learner_state_something_else", ""),  # the prefix is misspelt, nothing near
        ("lerner_states_course_completions", "learner_states_course_completions"),
        ("Learner_States_Course_Completions", "learner_states_course_completions"),
        ("ispring_soap_namespce", "ispring_soap_namespace"),
        ("ispring_soap_nmaespace", "ispring_soap_namespace"),  # a swap is one slip
        ("ISPRING_API_URL", "ispring_api_url"),
        ("ispring_tokn", "ispring_token"),
        ("edubrite_run_us", "edubrite_run_as"),
    ],
)
def test_a_misspelt_name_is_named_with_the_one_it_probably_means(name, meant):
    assert misspelt_names([name], KNOWN) == {name: meant}


@pytest.mark.parametrize(
    "name",
    [
        "learner_states_course_completions",  # known
        "ispring_api",
        "__learner_states_specs",  # the role's own
        "ansible_check_mode",
        "inventory_hostname",
        "playbook_dir",
        "ispring_apikey_file",  # three slips from ispring_api: another name
        "course_completions",  # the 1.0.0 name: another check
        "edubrite_site",
        "learning_path",
    ],
)
def test_names_that_are_known_or_far_from_every_known_one_pass(name):
    assert misspelt_names([name], KNOWN) == {}


def test_distance_counts_slips_up_to_the_limit():
    assert distance("ispring_token", "ispring_token", 2) == 0
    assert distance("ispring_tokne", "ispring_token", 2) == 1
    assert distance("ispring_tk", "ispring_token", 2) == 3  # beyond the limit: limit + 1
    assert distance("abc", "xyz", 1) == 2


def test_the_filter_is_registered_and_refuses_a_string():
    assert FilterModule().filters()["misspelt_names"] is misspelt_names
    with pytest.raises(TypeError):
        misspelt_names("learner_state_x", KNOWN)
