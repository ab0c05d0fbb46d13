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
  - The module logs in once per task and reuses the session for every call. EduBrite has no call
    that ends an API session (the vendor's own client only forgets it), so each task's session
    stays open until the site expires it, and EduBrite throttles the API sessions of a site - many
    EduBrite tasks in a short time can be refused with a message that says so.
  - Program membership is not program-session membership - adding a user to a program does not
    add them to any program session (the vendor's own note).
  - "Documented by the vendor: the form posts to C(<site_url>/oltpublish/site/<service>.do),
    the two-step login, C(REAL_UNAME), the msg codes; C(listProgramMembers) needs the C(numItems)
    of the first page on every later page (the module passes C(numItems) and C(numPages) of
    page 0 on); on C(listProgramMembers), C(extId) names a program session, so O(program_id) is
    the safer selector for reads."
  - "Pointed to by public evidence (the vendor's Java client): the login succeeds when the
    C(SESSION_INFO) cookie is set, whatever the body (XML, an HTML page, empty); a
    C(<response code=\"-1\">) body or a missing cookie is a refused login."
  - "Assumed, to check on a real tenant (each is one constant in C(module_utils/edubrite.py)): the
    C(listProgramMembers) reply holds C(<data><programMembers>) with one C(<member>) per member,
    its values as attributes or child elements (C(userId), C(userName), C(openId), C(status),
    C(quit), C(award), C(score) and five dates in epoch milliseconds, empty when not set) - a
    reply in any other shape, or a date that is not epoch milliseconds, fails the task with an
    excerpt; at most 1000 members a page; C(status) C(COMPLETED) means awarded; an unknown program
    or user answers msg C(0004); an expired session answers msg C(0174) (the module logs in again
    once and repeats the call)."
attributes:
  action_group:
    description: Use C(group/learnops.lms.edubrite) in C(module_defaults) to set the connection for this module.
    support: full
    membership:
      - learnops.lms.edubrite
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
