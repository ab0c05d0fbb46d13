# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Use STATE or INFO with ansible.builtin.action_common_attributes, which describes
    # check_mode, diff_mode and platform; each says how its kind of module supports them.  The
    # action group attribute is in the vendor's connection fragment (ispring, edubrite).

    DOCUMENTATION = r"""
options: {}
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
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run
        reports no change and sends no write.
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
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run
        reports no change and sends no write.
    support: full
    details: The module only reads.
  platform:
    platforms: all
"""
