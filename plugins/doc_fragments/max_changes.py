# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  max_changes:
    description:
      - The most learners, members or enrollments the task may change. When the plan would
        change more, the task fails before any write - in check mode as well - with the counts and
        the first names of each kind of change.
      - A guard for unattended runs, where a truncated vars file or a lookup that returned nothing
        could otherwise remove or rewrite a whole course or program.
      - In check mode the failed result still lists the changes it refuses, as a check-mode run
        without the limit would (the learners, members or enrollments with their C(before) and
        C(after), and the diff with C(--diff)), and C(planned) counts each kind of change; the
        drift report of the role C(learnops.lms.learner_states) shows them. Since 2.1.0.
      - Not set - no limit.
    type: int
    version_added: 2.0.0
"""
