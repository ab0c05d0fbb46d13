# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Use with ansible.builtin.action_common_attributes, which describes check_mode, diff_mode
    # and platform; the fragments below say how each kind of module supports them.

    DOCUMENTATION = r"""
options: {}
attributes:
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run
        reports no change and sends no write.
"""

    STATE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details: Nothing is written; the result says what would change.
  diff_mode:
    support: full
    details: The diff shows the learners that change, before and after.
  idempotent:
    support: full
  platform:
    platforms: all
"""

    INFO = r"""
options: {}
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: N/A
    details: The module only reads.
  idempotent:
    support: full
    details: The module only reads.
  platform:
    platforms: all
"""

    ACTIONGROUP_ISPRING = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/learnops.lms.ispring) in C(module_defaults) to set the connection for this module.
    support: full
    membership:
      - learnops.lms.ispring
"""

    ACTIONGROUP_EDUBRITE = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/learnops.lms.edubrite) in C(module_defaults) to set the connection for this module.
    support: full
    membership:
      - learnops.lms.edubrite
"""
