#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ispring_tenant_check
short_description: Check which assumed iSpring Learn API behaviours hold on a tenant, by reads only
version_added: 2.0.0
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
    /learners/results)), for the learners in O(logins) and O(emails) or for the whole course.
    Dates are compared by their calendar day, as the modules compare them."
  - "Then the points of contract revision 3 that the modules depend on since it (the contract's
    section 3): V(enrollments_listing) - C(GET /enrollments) of the course (one page of 100) with
    C(courseIds[]=) (and C(courseIds=) when that does not filter): the fields listed, the forms of
    C(accessDate) and C(dueDate), and C(enrollmentTypeGroup); V(rest_array_params) - two enrollment
    IDs of the course sent to C(GET /learners/results) as C(enrollmentIds[]=a&enrollmentIds[]=b)
    (the modules' spelling) and as C(enrollmentIds=a&enrollmentIds=b), saying which returns both;
    V(rest_url_length) - a read filtered by 200 made-up user IDs (a request line of about 10 KB),
    and when that is refused one as long as the modules send (a query under 6000 bytes), with the
    length of each and the answer; V(rest_dates) - the forms and offsets of C(completionDate) and
    C(accessDate) as C(GET /learners/results) writes them (with Z, an offset, zone-less, date only);
    V(rest_unauthorized) - a REST read with a made-up token, and the form of its 401 (a JSON
    C(ErrorResponse), an empty body, an HTML page) or the status it got instead;
    V(rest_user_fields) - the form of a user's C(fields) in C(GET /users) (an object, name/value
    pairs, or pairs under C(field)), whether the modules read the login and email from it, which of
    O(logins) and O(emails) are found, and, with both given, whether one listing AND-s or OR-s them;
    V(rest_users_by_post) - C(POST /users/v2) with two made-up user IDs in an XML body (a read: it
    lists users), saying whether it lists nobody (served), lists users anyway (the filter is not
    read) or is refused - the modules use it for long look-ups only where served;
    V(unknown_course) - a made-up course ID read over SOAP and REST (an error or an empty listing)."
  - "V(due_period_unit) is always V(not checked): C(duePeriod)'s unit (hours, contract 3.1 r3) cannot
    be read without a write. Its advice says how to check it by hand: enroll a test learner on a
    test course with M(learnops.lms.course_enrollment) (C(due_period: 2), not in check mode) and
    look at the due date - 2 days after the access date means the modules' conversion holds."
  - It never writes - no C(updateCourseStatus), no enrollment created, changed or deleted - and
    behaves the same in check mode. Every request it sends is listed in RV(requests).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - learnops.lms.attributes.info
  - learnops.lms.ispring
  - learnops.lms.transport
  - learnops.lms.tenant_check
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
      - The first C(ListUsers) asks for one user of these logins (else of O(emails)), or for any one
        user when none are given, to see the listing's layout.
    type: list
    elements: str
    default: []
  emails:
    description:
      - Emails of learners enrolled in O(course_id), looked up like O(logins) (C(ListUsers) and
        C(GET /users) by email, in listings of their own), to check email lookup on the tenant; their
        results are compared with those of O(logins).
      - V(rest_user_fields) says which were found over REST; with O(logins) too, one more C(GET
        /users) with both filters shows whether the tenant AND-s or OR-s them.
    type: list
    elements: str
    default: []
notes:
  - In the files of O(save_replies), the body of the token request is never saved; tokens, the
    client secret and cookies are masked; logins, emails, names and other profile fields are
    replaced by placeholders (C(login-1), C(email-1@masked.invalid), C(name-2)).
  - The check uses both interfaces whatever O(api) says; O(soap_url) and O(soap_namespace), when
    set, are checked as well as the defaults.
  - An unknown token stands in for an expired one - reads cannot make a token expire.
  - The module fails, naming the culprit, when the credentials are refused or when neither
    interface can read O(course_id); the failed result still carries the checks made so far and
    the saved files.
  - "The wire behaviours it checks, with the contract's marks: 1.2 [doc] token reply; 1.1 [assumed]
    SOAP URL; 1.1 (r2) [evidence] body namespace; 1.2 (r2) [assumed] refused token; 1.3 (r2)
    [evidence] list layouts; 1.3a [doc] SOAP and REST results; 3.1 (r3) [evidence]
    C(enrollments_listing), C(rest_array_params), C(rest_dates); 3.1 (r3) [assumed]
    C(rest_url_length); 3.1, 3.3 (r3) [assumed] C(rest_users_by_post); 3.2 (r3) [assumed]
    C(rest_unauthorized), C(unknown_course); 3.2 (r3) [evidence] C(rest_user_fields); 3.1 (r3) [doc]
    C(due_period_unit) (not checked)."
  - V(rest_url_length), V(rest_users_by_post) and V(unknown_course) use made-up IDs
    (C(00000000-0000-4000-8000-...)); they match nothing, and the listing reads them only as filters.
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
    emails: [test.learner3@example.com]
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
          V(invalid_token), V(list_layout_results), V(list_layout_users), V(soap_rest_results),
          V(enrollments_listing), V(rest_array_params), V(rest_url_length), V(rest_dates),
          V(rest_unauthorized), V(rest_user_fields), V(rest_users_by_post), V(unknown_course),
          V(due_period_unit).
      type: str
    point:
      description: What the contract says, in one sentence.
      type: str
    contract:
      description: The contract section and its mark, for example C(1.1 [assumed]) or C(3.1 (r3) [evidence]).
      type: str
    verdict:
      description: V(holds), V(differs) or V(not checked).
      type: str
    observed:
      description: What the tenant answered, with secrets and personal values masked.
      type: str
    advice:
      description: What to set or do about it (empty when nothing is to be done).
      type: str
settings:
  description:
    - The connection options to set on this tenant, by name (V(api), V(soap_url), V(soap_namespace));
      empty when the defaults hold. V(api=rest) is named only when SOAP cannot be used and REST read
      results of the learners.
    - The revision-3 points set no option; their RV(checks[].advice) says what to do.
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

from ansible_collections.learnops.lms.plugins.module_utils import arguments, ispring_check, tenant_check


def main():
    module = AnsibleModule(
        argument_spec=arguments.ispring_spec(
            course_id=dict(type="str", required=True),
            **arguments.name_lists("logins", "emails"),
            save_replies=dict(type="path"),
        ),
        supports_check_mode=True,
        **arguments.ISPRING_RULES,
    )
    tenant_check.run_module(module, ispring_check.check_from, identifiers=("course_id", "logins", "emails"))


if __name__ == "__main__":
    main()
