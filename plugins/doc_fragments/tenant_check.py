# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # What the read-only tenant checks share (module_utils/tenant_check.py): the saved exchanges.
    # What each masks is the module's own (its notes).
    DOCUMENTATION = r"""
options:
  save_replies:
    description:
      - A directory on the controller (made if missing) to save what the check sent and received, to
        attach to a bug report - one file per request, named after the LMS, the request's number and
        its call (C(ispring-NN-<call>.txt), C(edubrite-NN-<call>.txt)); the files of an earlier check
        of the same LMS there are replaced.
      - Each file holds the request line, headers and body (a form, for EduBrite), then the reply's
        status, main headers and raw body, with the secrets masked as C(<masked>) and personal values
        replaced by stable placeholders, the same value getting the same placeholder in every file;
        the module's notes say which.
      - Written in check mode too - it writes nothing to the LMS.
    type: path
notes:
  - O(max_parallel) has no effect - the check sends no write, and its reads one after the other.
"""
