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
      - Not set - no limit.
    type: int
    version_added: 2.0.0
"""
