# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by the modules of each API (documented in the doc fragments)."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.learnops.lms.plugins.module_utils.edubrite import EduBriteClient
from ansible_collections.learnops.lms.plugins.module_utils.ispring import IspringClient
from ansible_collections.learnops.lms.plugins.module_utils.safexml import LXML_IMPORT_ERROR
from ansible_collections.learnops.lms.plugins.module_utils.transport import REQUESTS_IMPORT_ERROR, Transport


def require_libraries(module):
    """Fail naming the Python library the modules need that is missing on the controller."""
    for name, error in (("requests", REQUESTS_IMPORT_ERROR), ("lxml", LXML_IMPORT_ERROR)):
        if error is not None:
            module.fail_json(msg=missing_required_lib(name), exception=str(error))


def _transport_spec():
    return dict(
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
        retry_max_time=dict(type="float", default=120),
    )


def ispring_spec(**module_options):
    """iSpring Learn connection options plus the module's own."""
    spec = dict(
        api_url=dict(type="str", required=True, fallback=(env_fallback, ["ISPRING_API_URL"])),
        soap_url=dict(type="str"),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["ISPRING_TOKEN"])),
        client_id=dict(type="str", fallback=(env_fallback, ["ISPRING_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["ISPRING_CLIENT_SECRET"])),
    )
    spec.update(_transport_spec())
    spec.update(module_options)
    return spec


ISPRING_RULES = dict(
    required_one_of=[("token", "client_id")],
    mutually_exclusive=[("token", "client_id")],
    required_together=[("client_id", "client_secret")],
)


def edubrite_spec(**module_options):
    """EduBrite connection options plus the module's own."""
    spec = dict(
        site_url=dict(type="str", required=True, fallback=(env_fallback, ["EDUBRITE_SITE_URL"])),
        api_username=dict(type="str", required=True, fallback=(env_fallback, ["EDUBRITE_API_USERNAME"])),
        api_password=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["EDUBRITE_API_PASSWORD"])),
        run_as=dict(type="str", required=True, fallback=(env_fallback, ["EDUBRITE_RUN_AS"])),
    )
    spec.update(_transport_spec())
    spec.update(module_options)
    return spec


def transport_from(params):
    """The HTTP transport configured by a module's connection options."""
    return Transport(
        timeout=params["timeout"],
        validate_certs=params["validate_certs"],
        ca_path=params["ca_path"],
        retries=params["retries"],
        retry_max_time=params["retry_max_time"],
    )


def ispring_client(module):
    """An IspringClient for a module's parameters; tokens it obtains are masked in all output."""
    params = module.params
    return IspringClient(
        transport_from(params),
        params["api_url"],
        soap_url=params["soap_url"],
        token=params["token"],
        client_id=params["client_id"],
        client_secret=params["client_secret"],
        on_secret=module.no_log_values.add,
    )


def edubrite_client(module):
    """An EduBriteClient for a module's parameters; session cookies are masked in all output."""
    params = module.params
    return EduBriteClient(
        transport_from(params),
        params["site_url"],
        params["api_username"],
        params["api_password"],
        params["run_as"],
        on_secret=module.no_log_values.add,
    )
