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
        change more, the task fails before any write - in check mode as well - with the limit, the
        number (and share) of changes planned, and the first names of each kind of change.
      - A number (V(0) or more), or a share of the records the task reads in its scope, V("N%") with
        N from 0 to 100 (decimals allowed, V("2.5%")). Anything else fails before any request,
        naming the option and the value. The share V("N%") is new in 2.1.0.
      - "The scope a share counts against: M(learnops.lms.program_member) - the program's members (all
        of them, read once); M(learnops.lms.course_enrollment) - every enrollment read in the task's
        courses; M(learnops.lms.course_status) - the enrollments of the learners the task declares;
        M(learnops.lms.ispring_group) - the group's members (none for a group the task creates);
        M(learnops.lms.ispring_department) - the account's departments; M(learnops.lms.ispring_user) -
        the declared users the account has."
      - A share allows at most that share of the records read, rounded down (V("50%") of 5 records
        allows 2). Additions count too, so a share can refuse filling an empty or small scope (a new
        course, group or program allows no change under any share); give a number for such a run,
        or leave the option out.
      - A guard for unattended runs, where a truncated vars file or a lookup that returned nothing
        could otherwise remove or rewrite a whole course or program.
      - In check mode the failed result still lists the changes it refuses, as a check-mode run
        without the limit would (the learners, members or enrollments with their C(before) and
        C(after), and the diff with C(--diff)), and C(planned) counts each kind of change; the
        drift report of the role C(learnops.lms.learner_states) shows them. Since 2.1.0.
      - Not set - no limit.
    type: raw
    version_added: 2.0.0
"""
