# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state variables of the role learner_states, for the filters that read or write them
(states_problems, exported_states, drift_plan)."""

from __future__ import annotations

DEPARTMENTS = "learner_states_departments"
USERS = "learner_states_users"
GROUPS = "learner_states_groups"
ENROLLMENTS = "learner_states_course_enrollments"
COMPLETIONS = "learner_states_course_completions"
MEMBERSHIPS = "learner_states_program_memberships"
# In the order the role converges them (tasks/main.yml): the people before the learners' states.
STATE_LISTS = (DEPARTMENTS, USERS, GROUPS, ENROLLMENTS, COMPLETIONS, MEMBERSHIPS)
