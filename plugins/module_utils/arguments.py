# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by the modules of each API (documented in the doc fragments)."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def _transport_spec():
    return dict(
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
        retry_max_time=dict(type="float", default=120),
        max_parallel=dict(type="int", default=16),
    )


def ispring_spec(**module_options):
    """iSpring Learn connection options (doc fragment ``ispring``) plus the module's own."""
    spec = dict(
        api_url=dict(type="str", required=True, fallback=(env_fallback, ["ISPRING_API_URL"])),
        api=dict(type="str", choices=["soap", "rest"], default="soap", fallback=(env_fallback, ["ISPRING_API"])),
        soap_url=dict(type="str"),
        soap_namespace=dict(type="str"),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["ISPRING_TOKEN"])),
        client_id=dict(type="str", fallback=(env_fallback, ["ISPRING_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["ISPRING_CLIENT_SECRET"])),
    )
    spec.update(_transport_spec())
    spec.update(module_options)
    return spec


def rest_only_spec(**module_options):
    """The iSpring connection of a module that speaks REST only: ``api`` defaults to rest (doc
    fragment ``ispring.rest_only``; ``ispring_client.rest_only_client_from`` refuses soap)."""
    api = dict(type="str", choices=["soap", "rest"], default="rest", fallback=(env_fallback, ["ISPRING_API"]))
    return ispring_spec(api=api, **module_options)


def present_or_absent():
    """``state``: present (the default) or absent."""
    return dict(type="str", choices=["present", "absent"], default="present")


def plan_options():
    """``max_changes`` and ``report_unchanged`` (doc fragments ``max_changes``, ``report_unchanged``):
    the guard and the listing of a module that plans its writes.  ``max_changes`` is an int or a
    share "N%" (raw: ``runner.check_params`` checks it, ``plans.parse_max_changes``)."""
    return dict(max_changes=dict(type="raw"), report_unchanged=dict(type="bool", default=True))


def learner_filters_spec(**module_options):
    """The iSpring connection, the courses and learners a module that reads filters by (doc
    fragment ``ispring.learner_filters``), and the module's own options."""
    return ispring_spec(
        course_ids=dict(type="list", elements="str", required=True),
        **name_lists("user_ids", "logins", "emails"),
        **module_options,
    )


ISPRING_RULES = dict(
    required_one_of=[("token", "client_id")],
    mutually_exclusive=[("token", "client_id")],
    required_together=[("client_id", "client_secret")],
)


def ispring_rules(*exactly_one_of, at_least_one_of=()):
    """``ISPRING_RULES`` plus the module's own options of which exactly one is given (a pair such
    as ``("course_id", "course_ids")``), and those of which one or both are."""
    return dict(
        required_one_of=ISPRING_RULES["required_one_of"] + list(exactly_one_of) + list(at_least_one_of),
        mutually_exclusive=ISPRING_RULES["mutually_exclusive"] + list(exactly_one_of),
        required_together=ISPRING_RULES["required_together"],
    )


def edubrite_spec(**module_options):
    """EduBrite connection options (doc fragment ``edubrite``) plus the module's own."""
    spec = dict(
        site_url=dict(type="str", required=True, fallback=(env_fallback, ["EDUBRITE_SITE_URL"])),
        api_username=dict(type="str", required=True, fallback=(env_fallback, ["EDUBRITE_API_USERNAME"])),
        api_password=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["EDUBRITE_API_PASSWORD"])),
        run_as=dict(type="str", required=True, fallback=(env_fallback, ["EDUBRITE_RUN_AS"])),
    )
    spec.update(_transport_spec())
    spec.update(module_options)
    return spec


def program_spec(**module_options):
    """The EduBrite connection, the program selector (doc fragment ``edubrite.program``) and the
    module's own options."""
    return edubrite_spec(program_id=dict(type="str"), ext_id=dict(type="str"), **module_options)


PROGRAM_RULES = dict(
    required_one_of=[("program_id", "ext_id")],
    mutually_exclusive=[("program_id", "ext_id")],
)


def named_items(options, identifiers):
    """A list of learners or members (``learners``, ``members``), each named by exactly one of
    ``identifiers`` (string options, declared here) and carrying ``options``."""
    return dict(
        type="list",
        elements="dict",
        default=[],
        options=dict({name: dict(type="str") for name in identifiers}, **options),
        mutually_exclusive=[identifiers],
        required_one_of=[identifiers],
    )


def name_lists(*names):
    """Options that each take a list of names or IDs (``user_ids``, ``logins``, ...), none by default."""
    return {name: dict(type="list", elements="str", default=[]) for name in names}
