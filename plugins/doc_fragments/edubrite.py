# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  site_url:
    description:
      - Base URL of the EduBrite site, for example V(https://acme.edubrite.com).
      - If not set, the value of the E(EDUBRITE_SITE_URL) environment variable is used.
    type: str
    required: true
  api_username:
    description:
      - User name of the API user (C(api_<uuid>)), created in the site's API settings.
      - If not set, the value of the E(EDUBRITE_API_USERNAME) environment variable is used.
    type: str
    required: true
  api_password:
    description:
      - Password of the API user.
      - If not set, the value of the E(EDUBRITE_API_PASSWORD) environment variable is used.
    type: str
    required: true
  run_as:
    description:
      - The user whose permissions apply to every call (sent as the C(REAL_UNAME) header),
        normally a site administrator.
      - If not set, the value of the E(EDUBRITE_RUN_AS) environment variable is used.
    type: str
    required: true
notes:
  - Set the connection options once for all EduBrite modules with C(module_defaults) and the
    C(group/learnops.lms.edubrite) action group.
  - The module logs in once per task and reuses the session; EduBrite throttles API sessions.
"""

    # The program a module works on (arguments.program_spec).
    PROGRAM = r"""
options:
  program_id:
    description:
      - ID of the program. One of O(program_id) and O(ext_id) is required.
      - The safer selector for reads - on C(listProgramMembers) the vendor documents C(extId) as
        naming a program session rather than the program (see the notes).
    type: str
  ext_id:
    description: External ID of the program, instead of O(program_id).
    type: str
"""
