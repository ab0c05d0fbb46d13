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
  soap_url:
    description:
      - Full URL of the iSpring Learn SOAP endpoint.
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
"""
