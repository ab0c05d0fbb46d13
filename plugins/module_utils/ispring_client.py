# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn: the client of the interface (SOAP or REST) a module's connection options name.
Apart from ``ispring.py`` so that the wire files import it and it imports them, without a circle."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.module_utils import ispring_rest, ispring_soap
from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.messages import nothing_changed
from ansible_collections.learnops.lms.plugins.module_utils.transport import Transport


def client_from(module, api=None):
    """The client of the interface a module's connection options name (``api``, unless the
    module names one); tokens it obtains are masked in all the module's output."""
    params = module.params
    transport = Transport.from_params(params)
    credentials = dict(
        token=params["token"],
        client_id=params["client_id"],
        client_secret=params["client_secret"],
        on_secret=module.no_log_values.add,
    )
    if (api or params["api"]) == "rest":
        return ispring_rest.RestClient(transport, params["api_url"], **credentials)
    return ispring_soap.SoapClient(
        transport, params["api_url"], soap_url=params["soap_url"], namespace=params["soap_namespace"], **credentials
    )


def rest_client_from(module):
    """The REST client, whatever the module's ``api`` option says: for the calls that iSpring
    documents over REST only (the enrollments)."""
    return client_from(module, api="rest")


def rest_only_client_from(module):
    """The REST client of a module that speaks REST only (users, departments, groups; its ``api``
    from ``arguments.rest_only_spec``): a task that asks for SOAP fails before any request."""
    if module.params["api"] == "soap":
        raise nothing_changed(
            ValidationError(
                "api=soap: this module speaks iSpring's REST interface only (iSpring documents users, departments and "
                "groups over REST only). Set api: rest on this task, or leave api out (module_defaults of "
                "group/learnops.lms.ispring or ISPRING_API may set it)"
            )
        )
    return client_from(module, api="rest")
