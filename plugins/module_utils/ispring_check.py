# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn: the read-only tenant check (module ``ispring_tenant_check``).

Which of the contract's [doc], [evidence] and [assumed] points (lms-api-contract.md, sections 1
and 3) hold on a tenant, settled by reads only: the token reply, the default SOAP URL, the body
namespace the service accepts and answers in, how an invalid token is refused, the list layouts
of ``ListLearnersResults`` and ``ListUsers``, SOAP against REST results of one course, and the
points of revision 3 (``ispring_check_rest.py``).  The wire code is the clients'
(``ispring_soap.py``, ``ispring_rest.py``); the transport refuses every call that is not one of
``READS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ansible_collections.learnops.lms.plugins.module_utils import dates, safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    LmsError,
    ReplyError,
    TransportError,
    ValidationError,
)
from ansible_collections.learnops.lms.plugins.module_utils.ispring import (
    FAULT_AUTH,
    FAULT_UNKNOWN_COURSE,
    FAULT_WRONG_PARAMETERS,
    IspringClient,
    number,
)
from ansible_collections.learnops.lms.plugins.module_utils.ispring_check_rest import RestPoints
from ansible_collections.learnops.lms.plugins.module_utils.ispring_rest import RestClient
from ansible_collections.learnops.lms.plugins.module_utils.ispring_soap import (
    BODY_NS,
    LIST_WRAPPERS,
    NEXT_PAGE,
    TOKEN_REFUSED_HTTP,
    SoapClient,
    ids,
    list_items,
    soap_url_for,
)
from ansible_collections.learnops.lms.plugins.module_utils.tenant_check import (
    DIFFERS,
    HOLDS,
    NOT_CHECKED,
    TenantCheck,
)

# The only calls the check sends (transport `what` names): the token, two SOAP listings, four REST listings
# (ListUsersV2ByPost is a POST that lists).
READS = (
    "iSpring token",
    "iSpring ListLearnersResults",
    "iSpring ListUsers",
    "iSpring GET /learners/results",
    "iSpring GET /users",
    "iSpring GET /enrollments",
    "iSpring POST /users/v2",
)
# 1.1 (r2): the namespace the current help pages (and the seed) print, tried after the default.
HTTPS_BODY_NS = "https://ispringlearn.com/go/services/api/soap"
# Sent once, to see how the service refuses a token it does not know (reads cannot make a token
# expire; an unknown token is the nearest a read can come).  Not a secret.
INVALID_TOKEN = "learnops-tenant-check-invalid-token"
PROBE = "ListLearnersResults"  # the harmless read of the SOAP probes: one result of the course
# 1.3 (r2): (wrapper, item) of each list layout the contract accepts, by the names the report uses.
LAYOUTS = {
    "ListLearnersResults": {
        ("results", "learnerResult"): "wrapped",
        (None, "learnerResult"): "bare",
        ("results", "result"): "rest-style",
        (None, "result"): "bare",
    },
    "ListUsers": {
        ("users", "userProfile"): "wrapped",
        (None, "userProfile"): "bare",
        ("userProfiles", "user"): "rest-style",
        (None, "user"): "bare",
    },
}
COMPARED = ("user_id", "status", "completion_date", "progress", "awarded_score")
SHOWN_DIFFERENCES = 5

POINTS = {
    "token_reply": ("The token endpoint answers access_token, expires_in and token_type bearer", "1.2 [doc]"),
    "soap_url": ("The SOAP endpoint is <api_url>/api/v2/soap/2.0", "1.1 [assumed]"),
    "soap_namespace": ("SOAP requests in the body namespace %s are accepted" % BODY_NS, "1.1 (r2) [evidence]"),
    "reply_namespace": ("SOAP replies are in the body namespace %s" % BODY_NS, "1.1 (r2) [evidence]"),
    "invalid_token": (
        "An invalid or expired token is refused with the fault Authorization failed or HTTP 401",
        "1.2 (r2) [assumed]",
    ),
    "list_layout_results": (
        "ListLearnersResults lists its items in a layout the modules read (wrapped, bare or rest-style)",
        "1.3 (r2) [evidence]",
    ),
    "list_layout_users": (
        "ListUsers lists its items in a layout the modules read (wrapped, bare or rest-style)",
        "1.3 (r2) [evidence]",
    ),
    "soap_rest_results": ("SOAP and REST give the same results for the same learners", "1.3a [doc]"),
    "enrollments_listing": (
        "GET /enrollments of the course filters by courseIds[]= and lists enrollments the modules read, "
        "with enrollmentTypeGroup",
        "3.1 (r3) [evidence]",
    ),
    "rest_array_params": (
        "Array query parameters sent as name[]= (one per value) return every value",
        "3.1 (r3) [evidence]",
    ),
    "rest_url_length": (
        "Request lines as long as the modules send (query under 6000 bytes) are served; longer ones may be "
        "refused (HTTP 414)",
        "3.1 (r3) [assumed]",
    ),
    "rest_dates": (
        "REST dates are read on their own calendar day (date only, zone-less, or with Z or an offset)",
        "3.1 (r3) [evidence]",
    ),
    "rest_unauthorized": (
        "A REST read with a refused token answers HTTP 401 (whatever its body)",
        "3.2 (r3) [assumed]",
    ),
    "rest_user_fields": (
        "A REST user's fields (an object, name/value pairs, or pairs under field) give its login and email",
        "3.2 (r3) [evidence]",
    ),
    "rest_users_by_post": (
        "POST /users/v2 with the filter in an XML body lists only the users asked for, or the modules see that "
        "it does not and look users up by GET listings",
        "3.1, 3.3 (r3) [assumed]",
    ),
    "unknown_course": (
        "An unknown course answers an error or an empty listing, over SOAP and REST",
        "3.2 (r3) [assumed]",
    ),
    "due_period_unit": ("duePeriod is a number of hours (the modules send days x 24)", "3.1 (r3) [doc]"),
}
SOAP_POINTS = ("reply_namespace", "invalid_token", "list_layout_results", "list_layout_users")


@dataclass
class Probe:
    """What one SOAP read answered: ``result`` (a result element), ``fault`` (a fault other than
    Wrong parameters: the request was understood), ``refused`` (Wrong parameters) or ``other``
    (HTTP 401, not SOAP, no reply)."""

    kind: str
    detail: str
    status: int | None = None
    code: str | None = None
    result: object = None

    @property
    def accepted(self):
        return self.kind in ("result", "fault")


@dataclass
class Side:
    """One interface's results of the course (by enrollment ID), the users its logins found, or
    the error that stopped it."""

    results: dict | None = None
    users: list | None = None
    error: str | None = None
    exc: LmsError | None = None


class IspringCheck(RestPoints, TenantCheck):
    prefix = "ispring"
    reads = READS
    secret_bodies = ("iSpring token",)
    invalid_token = INVALID_TOKEN

    def check(self, check_id, verdict, observed, advice=""):
        point, contract = POINTS[check_id]
        self.add(check_id, point, contract, verdict, observed, advice)

    def run_checks(self):
        params = self.params
        self.secret(params["token"])
        self.secret(params["client_secret"])
        for login in params["logins"]:
            self.masker.person("login", login)
        for email in params["emails"]:
            self.masker.person("email", email)
        token = self._token()
        soap = self._soap(token)
        rest = RestClient(self.transport, params["api_url"], token=token)
        rest_side = self._compare(soap, rest)
        self.rest_points(soap, rest, rest_side)

    # --- the token (1.2) ---

    def _token(self):
        params = self.params
        if not params["client_id"]:
            self.check(
                "token_reply",
                NOT_CHECKED,
                "A ready token was given (option token); the token endpoint was not called.",
                "Run the check with client_id and client_secret instead of token to check it.",
            )
            return params["token"]
        client = IspringClient(
            self.transport,
            params["api_url"],
            client_id=params["client_id"],
            client_secret=params["client_secret"],
            on_secret=self.secret,
        )
        try:
            token = client.fetch_token()
        except ReplyError as exc:
            self.check("token_reply", DIFFERS, exc.message, "Check api_url: it must be the account's REST API host.")
            raise
        reply = self.transport.last.reply
        answer = json.loads(reply.body.decode("utf-8"))
        lifetime, kind = answer.get("expires_in"), answer.get("token_type")
        observed = "HTTP %s: access_token (masked), expires_in %s, token_type %s" % (
            reply.status,
            "missing" if lifetime is None else json.dumps(lifetime),
            "missing" if kind is None else json.dumps(kind),
        )
        if number(lifetime) and str(kind).lower() == "bearer":
            self.check("token_reply", HOLDS, observed)
        else:
            self.check(
                "token_reply",
                DIFFERS,
                observed,
                "Nothing to set: without a usable expires_in the modules take 1800 s and renew the token "
                "after 80 % of it, and once more when it is refused. Report the reply if runs fail with "
                "Authorization failed.",
            )
        return token

    # --- SOAP: URL, namespaces, invalid token, list layouts (1.1, 1.2, 1.3) ---

    def _soap_client(self, url, namespace, token):
        return SoapClient(self.transport, self.params["api_url"], soap_url=url, namespace=namespace, token=token)

    def _soap(self, token):
        """The checks of the SOAP interface; returns the SOAP client to compare with REST, or None
        when no namespace was accepted."""
        params = self.params
        default_url = soap_url_for(params["api_url"])
        url = soap_url_for(params["api_url"], params["soap_url"])
        probes = [(namespace, self._probe(url, namespace, token)) for namespace in _candidates(params)]
        first = probes[0][1]
        self._check_soap_url(
            default_url, url, first if url == default_url else self._probe(default_url, BODY_NS, token)
        )
        accepted = [namespace for namespace, probe in probes if probe.accepted]
        self._check_namespace(url, probes, accepted)
        if not accepted:
            for check_id in SOAP_POINTS:
                self.check(check_id, NOT_CHECKED, "No SOAP request was accepted (see soap_namespace and soap_url).")
            return None
        namespace = accepted[0]
        probe = dict(probes)[namespace]
        self._check_reply_namespace(probe)
        self._check_invalid_token(url, namespace)
        self._check_layout("list_layout_results", PROBE, probe)
        client = self._soap_client(url, namespace, token)
        self._check_layout("list_layout_users", "ListUsers", self._users_probe(client))
        return client

    def _probe(self, url, namespace, token):
        elements = [("courseIds", ids("id", [self.params["course_id"]])), ("pageSize", 1)]
        return self._ask(self._soap_client(url, namespace, token), PROBE, elements)

    def _users_probe(self, client):
        """One user of the logins (or else of the emails, or else any one), to see the layout."""
        logins, emails = sorted(set(self.params["logins"])), sorted(set(self.params["emails"]))
        named = [("logins", ids("login", logins))] if logins else [("emails", ids("email", emails))]
        return self._ask(client, "ListUsers", named + [("pageSize", 1)])

    def _ask(self, client, method, elements):
        """One SOAP read, whatever it answers, as a Probe."""
        try:
            result = client.call(method, elements)
        except ApiError as exc:
            status = self.transport.last.status
            if status == TOKEN_REFUSED_HTTP:
                return Probe("other", "HTTP %s, not a SOAP reply" % status, status, exc.code)
            kind = "refused" if exc.code == FAULT_WRONG_PARAMETERS else "fault"
            return Probe(
                kind, "the fault %s (HTTP %s)" % (exc.code or "without a fault string", status), status, exc.code
            )
        except (ReplyError, TransportError) as exc:
            return Probe("other", exc.message, self.transport.last.status)
        status = self.transport.last.status
        return Probe("result", "a <%s> (HTTP %s)" % (safexml.local(result), status), status, result=result)

    def _check_soap_url(self, default_url, url, probe):
        observed = "POST %s answered %s." % (default_url, probe.detail)
        if probe.kind != "other":
            advice = "" if url == default_url else "soap_url may be left out: the default answers."
            self.check("soap_url", HOLDS, observed, advice)
        elif url != default_url:
            self.settings["soap_url"] = url
            self.check("soap_url", DIFFERS, observed, "Keep soap_url: %s (the default endpoint does not answer)." % url)
        else:
            self.check(
                "soap_url",
                DIFFERS,
                observed,
                "Set soap_url to your account's SOAP endpoint (iSpring support can name it), or set api: rest "
                "if the SOAP and REST check holds for REST.",
            )

    def _check_namespace(self, url, probes, accepted):
        observed = "; ".join("%s: %s" % (namespace, _acceptance(probe)) for namespace, probe in probes) + "."
        if BODY_NS in accepted:
            configured = self.params["soap_namespace"]
            advice = "soap_namespace may be left out." if configured and configured != BODY_NS else ""
            self.check("soap_namespace", HOLDS, observed, advice)
        elif accepted:
            self.settings["soap_namespace"] = accepted[0]
            self.check("soap_namespace", DIFFERS, observed, "Set soap_namespace: %s." % accepted[0])
        elif any(probe.kind == "refused" for _namespace, probe in probes):
            self.check(
                "soap_namespace",
                DIFFERS,
                observed,
                "Every namespace tried was refused with Wrong parameters: report it with the saved replies; "
                "meanwhile set api: rest if the SOAP and REST check holds for REST.",
            )
        else:
            self.check("soap_namespace", NOT_CHECKED, "%s answered no SOAP request: %s" % (url, observed))

    def _check_reply_namespace(self, probe):
        if probe.result is None:
            self.check("reply_namespace", NOT_CHECKED, "The read answered %s, no result." % probe.detail)
            return
        namespace = safexml.namespace_of(probe.result) or "no namespace"
        observed = "The result <%s> is in %s." % (safexml.local(probe.result), namespace)
        if namespace == BODY_NS:
            self.check("reply_namespace", HOLDS, observed)
        else:
            self.check(
                "reply_namespace", DIFFERS, observed, "Nothing to set: the modules read replies in any namespace."
            )

    def _check_invalid_token(self, url, namespace):
        elements = [("courseIds", ids("id", [self.params["course_id"]])), ("pageSize", 1)]
        probe = self._ask(self._soap_client(url, namespace, INVALID_TOKEN), PROBE, elements)
        observed = "A read with an unknown token (reads cannot make a token expire) answered %s." % probe.detail
        if probe.status == TOKEN_REFUSED_HTTP or (probe.kind == "fault" and probe.code == FAULT_AUTH):
            self.check("invalid_token", HOLDS, observed)
            return
        self.check(
            "invalid_token",
            DIFFERS,
            observed,
            "The modules renew a token only when it is refused with Authorization failed or HTTP 401, so a run "
            "longer than a token's lifetime may fail: report it with the saved replies.",
        )

    def _check_layout(self, check_id, method, probe):
        if probe.result is None:
            self.check(check_id, NOT_CHECKED, "%s answered %s, no listing." % (method, probe.detail))
            return
        try:
            list_items(probe.result, method)
        except ReplyError as exc:
            self.check(
                check_id, DIFFERS, exc.message, "The modules fail on this listing: report it with the saved replies."
            )
            return
        layout, shape = _layout(probe.result, method)
        if layout is None:
            advice = "Give logins of active users." if method == "ListUsers" else "Choose a course with learners."
            self.check(check_id, NOT_CHECKED, "The listing was empty: %s." % shape, advice)
        else:
            self.check(check_id, HOLDS, "%s: %s" % (layout, shape))

    # --- SOAP against REST (1.3a) ---

    def _compare(self, soap, rest):
        """The soap_rest_results point; returns what REST read of the course."""
        soap_side = self._side(soap) if soap is not None else Side(error="SOAP cannot be used (see the checks above)")
        rest_side = self._side(rest)
        if soap_side.error and rest_side.error:
            raise _unreadable(self.params["course_id"], soap_side, rest_side)
        if soap_side.error:
            self._rest_only(soap_side, rest_side)
        elif rest_side.error:
            self.check(
                "soap_rest_results",
                DIFFERS,
                "REST: %s SOAP: %d result(s) read." % (_sentence(rest_side.error), len(soap_side.results)),
                "Keep api: soap (the default): the REST interface cannot be used.",
            )
        else:
            self._agreement(soap_side, rest_side)
        return rest_side

    def _rest_only(self, soap_side, rest_side):
        """SOAP cannot be used: api: rest is advised only when REST read the learners."""
        observed = "SOAP: %s REST: %d result(s) read%s." % (
            _sentence(soap_side.error),
            len(rest_side.results),
            "" if rest_side.users is None else " of %d learner(s) found" % len(rest_side.users),
        )
        if rest_side.results:
            self.settings["api"] = "rest"
            self.check("soap_rest_results", DIFFERS, observed, "Set api: rest.")
            return
        self.check(
            "soap_rest_results",
            DIFFERS,
            observed,
            "Do not set api: rest yet: REST read none of the learners either. Check course_id (a course with "
            "learners) and the logins and emails (active learners enrolled in it), and run the check again.",
        )

    def _side(self, client):
        params = self.params
        try:
            users = None
            if params["logins"] or params["emails"]:
                found = client.find_users(logins=params["logins"], emails=params["emails"])
                users = sorted({user.user_id for user in found})
                results = client.course_results(params["course_id"], user_ids=users) if users else []
            else:
                results = client.list_learners_results([params["course_id"]])
        except LmsError as exc:
            return Side(error=exc.message, exc=exc)
        return Side(results={result.enrollment_id: result for result in results}, users=users)

    def _agreement(self, soap, rest):
        differences = _differences(soap.results, rest.results)
        if soap.users != rest.users:
            differences.insert(
                0, "the logins and emails found %d user(s) over SOAP, %d over REST" % _counts(soap.users, rest.users)
            )
        scope = "the whole course"
        if soap.users is not None:
            scope = "%d learner(s) found by %s" % (len(soap.users), _by(self.params))
        observed = "%d result(s) over SOAP, %d over REST, of %s" % (len(soap.results), len(rest.results), scope)
        if not differences and not soap.results:
            self.check(
                "soap_rest_results",
                NOT_CHECKED,
                observed + ": nothing to compare.",
                "Choose a course with learners (and logins or emails of learners enrolled in it); a course that "
                "lists nothing may also be an unknown course_id (see unknown_course).",
            )
        elif not differences:
            self.check("soap_rest_results", HOLDS, "%s; the same %s." % (observed, ", ".join(COMPARED)))
        else:
            shown = "; ".join(differences[:SHOWN_DIFFERENCES]) + (
                "; ..." if len(differences) > SHOWN_DIFFERENCES else ""
            )
            self.check(
                "soap_rest_results",
                DIFFERS,
                "%s; %d difference(s): %s." % (observed, len(differences), shown),
                "The interfaces disagree: use the one whose results match the course's report in iSpring Learn "
                "(api: soap, the default, or api: rest), and report the difference with the saved replies.",
            )


def _by(params):
    """How the learners compared were named: ``login``, ``email`` or ``login or email``."""
    kinds = [kind for kind, option in (("login", "logins"), ("email", "emails")) if params[option]]
    return " or ".join(kinds)


def _candidates(params):
    """The body namespaces to try: the default, the https:// form, and the one configured."""
    found = [BODY_NS, HTTPS_BODY_NS]
    if params["soap_namespace"] and params["soap_namespace"] not in found:
        found.append(params["soap_namespace"])
    return found


def _acceptance(probe):
    if probe.accepted:
        return "accepted (%s)" % probe.detail
    if probe.kind == "refused":
        return "refused with Wrong parameters (HTTP %s)" % probe.status
    return "no answer to judge (%s)" % _sentence(probe.detail).rstrip(".")


def _layout(result, method):
    """(layout name or None when empty, the shape seen) of a list result."""
    children = [child for child in result if isinstance(child.tag, str) and safexml.local(child) != NEXT_PAGE]
    name = safexml.local(result)
    if not children:
        return None, "<%s> holds no items" % name
    first = safexml.local(children[0])
    if first in LIST_WRAPPERS:
        inner = [child for child in children[0] if isinstance(child.tag, str)]
        if not inner:
            return None, "<%s><%s> holds no items" % (name, first)
        wrapper, item = first, safexml.local(inner[0])
    else:
        wrapper, item = None, first
    shape = "<%s>%s<%s>..." % (name, "<%s>" % wrapper if wrapper else "", item)
    return LAYOUTS[method].get((wrapper, item), "another accepted layout"), shape


def _differences(soap, rest):
    """What differs between the SOAP and the REST results (by enrollment ID), one text each."""
    found = []
    for enrollment in sorted(set(soap) | set(rest)):
        if enrollment not in rest or enrollment not in soap:
            found.append("enrollment %s only over %s" % (enrollment, "SOAP" if enrollment in soap else "REST"))
            continue
        for name in COMPARED:
            ours, theirs = getattr(soap[enrollment], name), getattr(rest[enrollment], name)
            if _comparable(name, ours) != _comparable(name, theirs):
                found.append(
                    "enrollment %s %s %s over SOAP, %s over REST"
                    % (enrollment, name, json.dumps(ours), json.dumps(theirs))
                )
    return found


def _comparable(name, value):
    """Dates as their calendar day, as the modules compare them (3.1 r3: an account west of UTC may
    write Z over SOAP and its zone-less local time over REST), the rest as they are."""
    if name != "completion_date" or not value:
        return value
    return dates.date_of(value) or value


def _counts(soap_users, rest_users):
    return len(soap_users or []), len(rest_users or [])


def _sentence(text):
    text = (text or "").rstrip()
    return text if text.endswith(".") else text + "."


def _unreadable(course_id, soap, rest):
    """The failure when neither interface could read the course: the course named when it is
    unknown, else both interfaces' errors."""
    for side in (soap, rest):
        if isinstance(side.exc, ApiError) and side.exc.code == FAULT_UNKNOWN_COURSE:
            return ValidationError(
                "course_id %s: iSpring knows no such course (%s). Give the ID of a course the API account can "
                "read (the course's URL in iSpring Learn shows it)." % (course_id, side.exc.message)
            )
    return LmsError(
        "Neither interface could read course %s. SOAP: %s REST: %s"
        % (course_id, _sentence(soap.error), _sentence(rest.error))
    )


def check_from(module):
    """The check a module's options describe; secrets it obtains are masked in all the module's output."""
    return IspringCheck(module.params, module.no_log_values.add)
