# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the iSpring Learn REST API, for example V(https://api-learn.ispringlearn.com).
      - If not set, the value of the E(ISPRING_API_URL) environment variable is used.
    type: str
    required: true
  api:
    description:
      - The iSpring Learn interface to use - V(soap), the SOAP methods (C(updateCourseStatus) and
        the listings), or V(rest), the REST API of the vendor's OpenAPI file (C(POST
        /statistics/course), C(GET /learners/results), C(GET /users), C(GET /task/{taskId}/status)),
        on the same host and with the same token. Results, idempotency and messages are the same.
      - Only V(rest) sets the statuses V(passed), V(failed), V(incomplete) and an awarded score.
      - If not set, the value of the E(ISPRING_API) environment variable is used.
    type: str
    version_added: 2.0.0
    choices: [soap, rest]
    default: soap
  soap_url:
    description:
      - Full URL of the iSpring Learn SOAP endpoint (O(api=soap)).
      - Defaults to O(api_url) followed by C(/api/v2/soap/2.0) (assumed; the vendor documents the
        path but not the host).
    type: str
  soap_namespace:
    description:
      - The XML namespace of the SOAP request elements.
      - Defaults to V(http://ispringlearn.com/go/services/api/soap), what every older revision of
        the vendor's pages and a tool-generated sample use; the current pages print the same with
        C(https://). Set it to the C(https://) form if the service refuses every request with
        C(Wrong parameters).
      - Replies are read in any namespace.
    type: str
    version_added: 2.0.0
  token:
    description:
      - A ready access token.
      - If not set, the value of the E(ISPRING_TOKEN) environment variable is used.
      - A token expires after 30 minutes and cannot be renewed by the module; prefer
        O(client_id) and O(client_secret) for unattended runs.
      - Mutually exclusive with O(client_id).
    type: str
  client_id:
    description:
      - API client ID, used with O(client_secret) to obtain an access token (client credentials).
      - If not set, the value of the E(ISPRING_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - API client secret.
      - If not set, the value of the E(ISPRING_CLIENT_SECRET) environment variable is used.
    type: str
notes:
  - Set the connection options once for all iSpring Learn modules with
    C(module_defaults) and the C(group/learnops.lms.ispring) action group.
  - The iSpring Learn API needs the Business subscription.
  - With client credentials the module renews the token when 80 % of its lifetime has passed, and
    once more when the service refuses it (C(Authorization failed) or HTTP 401).
  - "Documented by the vendor: the token endpoint C(/api/v3/token); the SOAP methods, their fault
    strings and C(pageSize)/C(nextPageToken) paging; the REST calls of the vendor's OpenAPI file
    (O(api=rest)), their JSON and C(ErrorResponse) errors."
  - "Pointed to by public evidence, coded as such: the SOAP body namespace
    C(http://ispringlearn.com/go/services/api/soap) (O(soap_namespace)); list items directly
    under the result element or inside one wrapper (C(results), C(users), C(userProfiles),
    C(enrollments)), named C(learnerResult) or C(result), C(userProfile) or C(user) - a listing in
    any other layout fails the task with an excerpt, it never reads as no records."
  - "Assumed, to check on a real tenant (each is one constant in C(module_utils/ispring_soap.py)
    or C(ispring_rest.py)): the SOAP endpoint is O(api_url) + C(/api/v2/soap/2.0); an expired
    token answers C(Authorization failed) or HTTP 401; an unknown course answers C(Unknown content
    item) (a REST 400 with that message) or an empty listing."
  - "Over REST, where the vendor's help pages, samples and public clients of real tenants contradict
    the OpenAPI file or fill its gaps (contract revision 3, each one constant in
    C(module_utils/ispring_rest.py)): array query parameters are sent as C(name[]=value) [evidence];
    a listing's filters are cut into as many requests as keep each request line under 8 KB
    [assumed], and a look-up of users by login, email or ID whatever their status (C(GET /users/v2))
    longer than one request goes as one C(POST /users/v2) with the filter in an XML body where the
    service serves it in one page, else as those requests [assumed]; dates are sent without an
    invented zone - a completion date as C(YYYY-MM-DD), an edited access date as C(YYYY-MM-DD
    00:00:00) - and the account records them on its own calendar day; dates read back are compared
    by their calendar day [evidence]; logins and emails are looked up in listings of their own
    [assumed]; a user's C(fields) is read as an object (keys in any case) or as C(name)/C(value)
    pairs, and a user with no readable login or email fails the task [evidence]; any HTTP 401,
    whatever its body, is a refused token. C(learnops.lms.ispring_tenant_check) checks these on an
    account."
attributes:
  action_group:
    description: Use C(group/learnops.lms.ispring) in C(module_defaults) to set the connection for this module.
    support: full
    membership:
      - learnops.lms.ispring
"""

    # The api option of the modules that speak REST only (arguments.rest_only_spec). List it before
    # learnops.lms.ispring: of two fragments that document an option, the first one's text wins.
    REST_ONLY = r"""
options:
  api:
    description:
      - The iSpring Learn interface. This module speaks REST only - iSpring documents users,
        departments and groups over REST only. V(soap) - from the task, C(module_defaults) or
        E(ISPRING_API) - fails the task before any request; set O(api=rest) on the task (or leave
        it out) when C(module_defaults) or E(ISPRING_API) set V(soap) for other modules.
      - If not set, the value of the E(ISPRING_API) environment variable is used.
    type: str
    choices: [soap, rest]
    default: rest
"""

    # The shortcuts of the modules that change learners (course_status, course_enrollment).
    LEARNERS = r"""
options:
  user_ids:
    description:
      - Shortcut for learners named by iSpring user ID, each with the values the task gives.
    type: list
    elements: str
    default: []
    version_added: 2.0.0
  logins:
    description:
      - Shortcut for learners named by login (active users only), each with the values the task gives.
      - For a cohort of thousands this is also lighter than O(learners) - Ansible holds a list of
        strings in a fraction of the memory of a list of dicts.
    type: list
    elements: str
    default: []
    version_added: 2.0.0
  emails:
    description:
      - Shortcut for learners named by email address (active users only; compared
        case-insensitively), each with the values the task gives.
      - An email that two users share (in any case) names neither - the task fails before any
        write, naming both; so does a login listed for two users.
    type: list
    elements: str
    default: []
    version_added: 2.0.0
"""

    # What the modules that read (course_status_info, course_enrollment_info) filter by: the
    # courses, and the learners; and what holds for every filter.
    LEARNER_FILTERS = r"""
options:
  course_ids:
    description:
      - IDs of the courses to read.
    type: list
    elements: str
    required: true
  user_ids:
    description: Only the learners with these iSpring user IDs.
    type: list
    elements: str
    default: []
  logins:
    description: Only the active users with these logins.
    type: list
    elements: str
    default: []
  emails:
    description: Only the active users with these email addresses (compared case-insensitively).
    type: list
    elements: str
    default: []
notes:
  - Every learner a filter names must have a record in the courses (a result for
    M(learnops.lms.course_status_info), an enrollment for M(learnops.lms.course_enrollment_info)); one
    that has none (a typo, a user who is not enrolled, a login of no active user) makes the module
    fail, naming it, with RV(not_found). A typo never reads as "nobody".
  - Several learner filters add up (a record of any of the learners is listed). Duplicates are
    read once.
  - The records carry each learner's login and email; for learners not named by login or email
    they come from one listing of the account's active users (inactive users have none).
  - A course asked for by ID that lists nothing is named in a warning - an unknown course may answer
    an empty listing rather than an error (assumed, contract 3.2, r3), so an empty report never
    passes for an empty course unnoticed.
"""

    # The shortcuts of the modules that manage members (ispring_group): the learners' shortcuts,
    # worded for members.
    MEMBERS = r"""
options:
  user_ids:
    description:
      - Shortcut for members named by iSpring user ID.
    type: list
    elements: str
    default: []
  logins:
    description:
      - Shortcut for members named by login (active users only).
      - For thousands of members this is also lighter than O(members) - Ansible holds a list of
        strings in a fraction of the memory of a list of dicts.
    type: list
    elements: str
    default: []
  emails:
    description:
      - Shortcut for members named by email address (active users only; compared case-insensitively).
      - An email that two users share (in any case) names neither - the task fails before any
        write, naming both; so does a login listed for two users.
    type: list
    elements: str
    default: []
"""
