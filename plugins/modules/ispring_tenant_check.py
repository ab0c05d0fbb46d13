#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ispring_tenant_check
short_description: Check which assumed iSpring Learn API behaviours hold on a tenant, by reads only
version_added: 1.1.0
author:
  - learnops.lms developers (@learnops)
description:
  - Runs only reads against an iSpring Learn account and says, for every point of the collection's
    wire contract that reads can settle, whether it V(holds), V(differs) or was V(not checked), with
    what was observed and what to do; RV(settings) names the options to set
    (O(api), O(soap_url), O(soap_namespace)) when something differs.
  - "What it checks, in this order: the token reply (with O(client_id) and O(client_secret)); the
    default SOAP endpoint (O(api_url) + C(/api/v2/soap/2.0)); the body namespaces the service
    accepts (C(http://ispringlearn.com/go/services/api/soap), the C(https://) form, and
    O(soap_namespace) when set, each with a one-result C(ListLearnersResults) of O(course_id)) and
    the one it answers in; how a read with an unknown token is refused (fault C(Authorization
    failed) or HTTP 401); the list layouts of C(ListLearnersResults) and C(ListUsers) (wrapped, bare
    or rest-style); and the course's results over SOAP against those over REST (C(GET
    /learners/results)), for the learners in O(logins) or for the whole course."
  - It never writes - no C(updateCourseStatus), no enrollment call - and behaves the same in check
    mode. Every request it sends is listed in RV(requests).
  - O(save_replies) saves every request line and raw reply, secrets masked and personal data
    replaced, to attach to a bug report.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes
  - learnops.lms.attributes.info
  - learnops.lms.attributes.actiongroup_ispring
  - learnops.lms.ispring
  - learnops.lms.transport
options:
  course_id:
    description:
      - ID of a course the API account can read, best one with a few learners. Its results are read
        over both interfaces and compared.
    type: str
    required: true
  logins:
    description:
      - Logins of learners enrolled in O(course_id) whose results are compared over SOAP and REST
        (they are looked up with C(ListUsers) and C(GET /users)); without them the results of the
        whole course are compared.
      - The first C(ListUsers) asks for one user of these logins, or for any one user when none are
        given, to see the listing's layout.
    type: list
    elements: str
    default: []
  save_replies:
    description:
      - A directory on the controller (made if missing) to save what the check sent and received,
        one file per request, named C(ispring-NN-<call>.txt) (the C(ispring-*) files of an earlier
        check there are replaced).
      - Each file holds the request line, headers and body, then the reply's status, main headers
        and raw body. The body of the token request is never saved; tokens, the client secret and
        cookies are masked as C(<masked>); logins, emails, names and other profile fields are
        replaced by stable placeholders (C(login-1), C(email-1@masked.invalid), C(name-2), the same
        value getting the same placeholder in every file).
      - Written in check mode too - it writes nothing to the LMS.
    type: path
notes:
  - The check uses both interfaces whatever O(api) says; O(soap_url) and O(soap_namespace), when
    set, are checked as well as the defaults.
  - An unknown token stands in for an expired one - reads cannot make a token expire.
  - The module fails, naming the culprit, when the credentials are refused or when neither
    interface can read O(course_id); the failed result still carries the checks made so far and
    the saved files.
  - O(max_parallel) has no effect - the check sends no write, and its reads one after the other.
  - The verdicts are those of the tenant at the time of the run, for the account and course given.
seealso:
  - module: learnops.lms.edubrite_tenant_check
  - module: learnops.lms.course_status_info
"""

EXAMPLES = r"""
- name: Which iSpring Learn behaviours hold on this account
  learnops.lms.ispring_tenant_check:
    api_url: https://api-learn.ispringlearn.com
    client_id: "{{ ispring_client_id }}"
    client_secret: "{{ ispring_client_secret }}"
    course_id: 14b847e8-c10f-11ea-b4e1-ae33e75597e9
    logins: [test.learner1, test.learner2]
    save_replies: "{{ playbook_dir }}/tenant-check-replies"
  register: ispring_check

- name: What differs
  ansible.builtin.debug:
    msg: "{{ ispring_check.checks | selectattr('verdict', 'equalto', 'differs') | list }}"
"""

RETURN = r"""
checks:
  description: One entry per contract point, in the order checked.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description:
        - The point's key - V(token_reply), V(soap_url), V(soap_namespace), V(reply_namespace),
          V(invalid_token), V(list_layout_results), V(list_layout_users), V(soap_rest_results).
      type: str
    point:
      description: What the contract says, in one sentence.
      type: str
    contract:
      description: The contract section and its mark, for example C(1.1 [assumed]).
      type: str
    verdict:
      description: V(holds), V(differs) or V(not checked).
      type: str
    observed:
      description: What the tenant answered, with secrets and personal values masked.
      type: str
    advice:
      description: What to do about it (empty when nothing is to be done).
      type: str
settings:
  description:
    - The connection options to set on this tenant, by name (V(api), V(soap_url), V(soap_namespace));
      empty when the defaults hold.
  returned: always
  type: dict
  sample: {"soap_namespace": "https://ispringlearn.com/go/services/api/soap"}
saved:
  description: The files written to O(save_replies), in the order of the requests.
  returned: always
  type: list
  elements: str
requests:
  description: Every request sent, with the call and the HTTP status of its reply - reads only.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.learnops.lms.plugins.module_utils import arguments, ispring_check, runner


def run(module, check):
    return check.result()


def main():
    module = AnsibleModule(
        argument_spec=arguments.ispring_spec(
            course_id=dict(type="str", required=True),
            logins=dict(type="list", elements="str", default=[]),
            save_replies=dict(type="path"),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    runner.run_module(
        module,
        ispring_check.check_from,
        run,
        always=dict(changed=False, checks=[], settings={}, saved=[], requests=[]),
        identifiers=("course_id", "logins"),
    )


if __name__ == "__main__":
    main()
