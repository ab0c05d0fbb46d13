# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  report_unchanged:
    description:
      - List every learner or member asked for in the result, V(true), or only those that change,
        V(false), with the others counted in RV(unchanged) - for tasks of thousands whose results
        are stored (AWX keeps every job event).
    type: bool
    version_added: 2.0.0
    default: true
"""
