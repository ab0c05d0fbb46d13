# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vendor's schema checks us: every REST request the integration suite sends, and the sandbox's
reply to it, validated against the vendor's OpenAPI file with openapi-core (issue 24, item 4).

The file is ``../shared/reference/ispring-learn-rest-openapi.yaml`` beside the repository (CI lays
``shared/`` beside its clone); it is never copied into the repository.  When it is absent the check
fails (SpecMissing), it never skips.  The file is parsed once per pytest session.

What is read: the sandbox's request log (``/_sandbox/requests?interface=rest``; the fields are
listed in sandbox/README.md).  conftest.py checks, after each test, the REST entries of every
sandbox the test used, and those a ``reset()`` or ``clear_requests()`` is about to drop.

EXCLUDED lists everything that is deliberately not checked, and why; KNOWN_NONCONFORMITIES the
problems the check finds today and lets pass, each with its reason.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPEC_PATH = os.path.normpath(os.path.join(ROOT, "..", "shared", "reference", "ispring-learn-rest-openapi.yaml"))

# Fault kinds whose reply is made up by the fault rule, not by the sandbox's REST code: their replies
# are not checked (the request still is).  `slow`, `expire_auth` and `task_failed` replies are the
# sandbox's own (a late reply, its 401, a task that ends in error) and are checked.
REPLACED_REPLY_FAULTS = ("status", "drop", "malformed", "html", "xxe", "bomb", "fail_write", "rate_limit")

# Everything not checked, in one place (also in sandbox/README.md).
EXCLUDED = (
    (
        "the token endpoint /api/v3/token",
        "its request carries client_secret and its reply an access_token: never read, validated or printed",
    ),
    ("SOAP, EduBrite and unknown paths", "not REST: only log entries with interface 'rest' are read"),
    ("the sandbox's own /_sandbox/ paths", "the operator surface is not logged and not in the vendor's file"),
    (
        "replies of fault rules " + ", ".join(REPLACED_REPLY_FAULTS),
        "injected on purpose by a test (truncated JSON, HTML pages, 429/5xx, dropped connections); "
        "recognised by the log entry's `fault`, never by test name",
    ),
    ("replies never sent (status null: dropped, or the client went away)", "there is nothing to check"),
    (
        "an error reply (4xx/5xx) with a status the operation does not declare (e.g. the sandbox's 404 of an "
        "unknown task or enrollment, 405 of a wrong method)",
        "the file declares no schema for it; a 2xx status it does not declare is still reported",
    ),
    (
        "array query spellings: name[]= and bare name= are taken as one parameter",
        "contract r3 section 3.1 sends name[]= on every REST listing, while the file spells some names without "
        "brackets (ListLearnerResults courseIds, userIds, enrollmentIds): each query name is renamed to the "
        "spelling the operation declares before validation",
    ),
    (
        "deepObject parameters are read as exploded (name[key]=value)",
        "the file declares them without `explode`; openapi-core deserialises deepObject only with "
        "explode: true and otherwise fails every request of the operation, even when the parameter is absent",
    ),
    (
        "formats the file names but JSON Schema does not know (datetime, dateTime, float)",
        "the validator ignores an unknown format: LearnerResult's dates are checked as strings only; "
        "date-time and uuid are checked",
    ),
    (
        "XML request bodies are read by their elements: each child of the root is an item of the array of its name",
        "openapi-core reads application/xml into an element, which no object schema accepts; the only XML body "
        "the client sends (ListUsersV2ByPost) holds arrays only, as unwrapped repeated elements (the file's xml "
        "names); the element names and values are then checked against the schema",
    ),
    (
        "the bearer token's value",
        "the log keeps only the Authorization scheme; a placeholder credential stands in for the token",
    ),
    (
        "the forms of contract revision 3 where the file is wrong or silent (R3_FORMS)",
        "a date sent without a zone, a User's fields as name/value pairs, a 401 that is not JSON: each is "
        "mapped to the file's form before validation (or, for the 401, not checked), so the rest is",
    ),
)

# Contract revision 3 (section 3): where a real tenant answers, or the client sends, another form than
# the file's.  The sandbox answers in them (STRICT_SETTINGS) and the client sends them, so each is
# mapped to the file's form before validation, and everything else in the value is still checked.
R3_DATES = {"UpdateCourseStatus": ("date",), "ChangeEnrollment": ("accessDate",)}  # 3.1: sent zone-less
R3_FORMS = (
    "3.1: UpdateCourseStatus.date sent as YYYY-MM-DD and UpdateEnrollment.accessDate as YYYY-MM-DD HH:MM:SS "
    "are checked as that moment in UTC (the file: date-time)",
    "3.2: a User's fields as name/value pairs (LOGIN, EMAIL, ...), or such pairs under 'field', are checked as "
    "the file's UserProfileFields object (login, email, ...)",
    "3.2: a 401 whose body is empty or not JSON (a gateway's page) is not checked (the file: ErrorResponse)",
    "3.3: a 201 whose body is the new id as plain text (AddUser, AddDepartment, AddGroup) is checked as the "
    "file's JSON string",
)
USER_REPLIES = {"ListUsers": "userProfiles", "ListUsersV2": "userProfiles", "GetUserProfile": "response"}
USER_REPLIES["ListUsersV2ByPost"] = "userProfiles"
USER_REPLIES["GetUserProfileV2"] = "response"
CREATED_ID_OPERATIONS = ("AddUser", "AddDepartment", "AddGroup")
_ZONELESS = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$")

# (operationId, "request" or "reply", words of the problem) -> why it is let pass.
KNOWN_NONCONFORMITIES = {
    ("ListEnrollments", "request", "courseIds[] at 0: 'no-such-course' is not a 'uuid'"): (
        "test_course_enrollment names a made-up course id that is not a uuid; course_enrollment sends the "
        "user's course_id as given although the file types it `format: uuid` (reported to the lead)"
    ),
}

PLACEHOLDER_CREDENTIALS = "masked"
MAX_PROBLEM_CHARS = 400


class SpecMissing(RuntimeError):
    """The vendor's OpenAPI file is not where CI and every checkout keep it."""


class Stats:
    """What the check did this session, for the summary line."""

    load_seconds = 0.0
    check_seconds = 0.0
    read_seconds = 0.0  # reading the sandboxes' logs
    requests = 0
    replies = 0


@functools.lru_cache(maxsize=None)
def spec():
    """(openapi_core.OpenAPI, server URL, operations) of the vendor's file, parsed once per session."""
    started = time.perf_counter()
    try:
        return load(SPEC_PATH)
    finally:
        Stats.load_seconds += time.perf_counter() - started


def load(path):
    """(openapi_core.OpenAPI, server URL, operations) of the OpenAPI file at ``path``; operations maps
    (method, path template) to (the query names it declares, its deepObject names, its statuses)."""
    if not os.path.isfile(path):
        raise SpecMissing(
            "the vendor's OpenAPI file %s is missing: the REST schema check needs ../shared/reference beside "
            "the repository (CI lays it there); put shared/ beside your checkout" % path
        )
    import yaml
    from openapi_core import Config, OpenAPI

    with open(path, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    operations = _operations(document)
    config = Config(extra_media_type_deserializers={"application/xml": xml_arrays})
    return OpenAPI.from_dict(document, config=config), document["servers"][0]["url"], operations


def xml_arrays(value, **_parameters):
    """An XML body as the object of its arrays (EXCLUDED): {child element name: [texts]}."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(value, parser)
    found = {}
    for child in root:
        found.setdefault(etree.QName(child).localname, []).append(child.text or "")
    return found


def _parameter(document, parameter):
    ref = parameter.get("$ref")
    if ref:
        node = document
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node
    return parameter


def _operations(document):
    """The query parameters each operation declares; deepObject ones made exploded (EXCLUDED)."""
    found = {}
    for template, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            names, deep = set(), set()
            for parameter in shared + operation.get("parameters", []):
                parameter = _parameter(document, parameter)
                if parameter.get("in") != "query":
                    continue
                names.add(parameter["name"])
                if parameter.get("style") == "deepObject":
                    parameter["explode"] = True
                    deep.add(parameter["name"])
            found[(method.upper(), template)] = (names, deep, set(operation.get("responses", {})))
    return found


def _template_of(operations, method, path):
    """The file's path template for a request path: a literal path first, then one with {parameters}."""
    if (method, path) in operations:
        return path
    got = path.strip("/").split("/")
    for verb, template in operations:
        want = template.strip("/").split("/")
        if verb == method and len(want) == len(got):
            if all(w == g or (w.startswith("{") and g) for w, g in zip(want, got, strict=True)):
                return template
    return None


def normalised_query(query, declared, deep):
    """([(name, value)] in the operation's spelling, [problem]): name[] and name are one parameter
    (contract r3 3.1); a name the operation does not declare at all is a problem (openapi-core
    ignores it)."""
    pairs, problems = [], []
    for name, values in query.items():
        base = name[:-2] if name.endswith("[]") else name
        spelled = next((n for n in (name, base, base + "[]") if n in declared), None)
        if spelled is None and name.split("[", 1)[0] in deep:
            spelled = name
        if spelled is None:
            problems.append("query parameter %r is not declared by the operation" % name)
            continue
        pairs.extend((spelled, value) for value in values)
    return pairs, problems


def _short(text):
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 3] + "..."


def describe(exc):
    """One line per schema error: where in the value, and what is wrong (not the whole value)."""
    errors = []
    seen = exc
    while seen is not None and not errors:
        errors = list(getattr(seen, "schema_errors", None) or ())
        seen = seen.__cause__
    if not errors:
        cause = exc.__cause__
        return _short("%s: %s%s" % (type(exc).__name__, exc, " (%s)" % cause if cause else ""))
    name, location = getattr(exc, "name", None), getattr(exc, "location", None)
    prefix = "%s parameter %s" % (location, name) if name and location else type(exc).__name__
    lines = []
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path)
        lines.append(_short("%s%s: %s" % (prefix, " at " + where if where else "", error.message)))
    return "; ".join(lines)


def _as_declared_body(entry):
    """The request body with R3_FORMS' zone-less dates written as the file's date-times."""
    body = entry.get("body") or ""
    names = R3_DATES.get(entry.get("operation"), ())
    try:
        data = json.loads(body) if names and body.strip() else None
    except ValueError:
        return body
    if not isinstance(data, dict):
        return body
    for name in names:
        found = _ZONELESS.match(str(data.get(name) or ""))
        if found:
            data[name] = "%sT%sZ" % (found.group(1), found.group(2) or "00:00:00")
    return json.dumps(data)


def _camel(name):
    head, *rest = str(name).lower().split("_")
    return head + "".join(part.title() for part in rest)


def _as_declared_reply(entry):
    """(body, content type) of the reply with R3_FORMS' users' fields written as the file's object and a
    plain-text new id as a JSON string."""
    body, content_type = entry.get("reply_body") or "", entry.get("reply_content_type") or ""
    operation = entry.get("operation")
    if operation in CREATED_ID_OPERATIONS and entry.get("status") == 201 and content_type.startswith("text/plain"):
        return json.dumps(body), "application/json"
    if operation not in USER_REPLIES or '"name"' not in body:
        return body, content_type
    data = json.loads(body)
    users = data.get(USER_REPLIES[operation]) if isinstance(data, dict) else None
    for user in users if isinstance(users, list) else [users]:
        fields = user.get("fields") if isinstance(user, dict) else None
        if isinstance(fields, dict) and isinstance(fields.get("field"), list):
            fields = fields["field"]
        if isinstance(fields, list):
            user["fields"] = {_camel(pair.get("name")): pair.get("value") for pair in fields if isinstance(pair, dict)}
    return json.dumps(data), content_type


def _request(entry, server, pairs):
    from openapi_core.testing import MockRequest

    headers = {}
    if entry.get("auth_scheme"):
        headers["Authorization"] = "%s %s" % (entry["auth_scheme"], PLACEHOLDER_CREDENTIALS)
    return MockRequest(
        server,
        entry["method"],
        entry["path"],
        args=pairs,
        headers=headers,
        data=_as_declared_body(entry).encode("utf-8"),
        content_type=entry.get("content_type") or "",
    )


def _reply_problems(api, request, entry, declared_statuses):
    from openapi_core.testing import MockResponse

    status = entry["status"]
    if status >= 400 and str(status) not in declared_statuses and "default" not in declared_statuses:
        return []  # EXCLUDED: an error status the operation does not declare
    if entry.get("reply_truncated"):
        return ["reply: not checked, its body was cut in the log (sandbox LOG_REPLY_CHARS)"]
    if status == 401 and "json" not in (entry.get("reply_content_type") or ""):
        return []  # R3_FORMS: any 401 is a refused token, whatever its body
    body, content_type = _as_declared_reply(entry)
    reply = MockResponse(body.encode("utf-8"), status_code=status, content_type=content_type)
    Stats.replies += 1
    try:
        api.validate_response(request, reply)
    except Exception as exc:  # openapi-core's errors have no common base worth naming
        return ["reply HTTP %s: %s" % (status, describe(exc))]
    return []


def check_entry(entry):
    """The problems of one log entry (request and reply), known non-conformities left out."""
    if entry.get("interface") != "rest":
        return []  # EXCLUDED: token, SOAP, EduBrite, unknown paths
    api, server, operations = spec()
    method = entry["method"].upper()
    template = _template_of(operations, method, entry["path"])
    if template is None:
        return ["request: %s %s is no operation of the vendor's file" % (method, entry["path"])]
    declared, deep, statuses = operations[(method, template)]
    pairs, problems = normalised_query(entry.get("query") or {}, declared, deep)
    problems = ["request: " + p for p in problems]
    request = _request(entry, server, pairs)
    Stats.requests += 1
    if entry.get("body_truncated"):
        problems.append("request: not checked, its body was cut in the log (sandbox LOG_BODY_CHARS)")
    else:
        try:
            api.validate_request(request)
        except Exception as exc:  # openapi-core's errors have no common base worth naming
            problems.append("request: " + describe(exc))
    if entry.get("status") is not None and entry.get("fault") not in REPLACED_REPLY_FAULTS:
        problems += _reply_problems(api, request, entry, statuses)
    return [p for p in problems if not _known(entry.get("operation"), p)]


def _known(operation, problem):
    side = problem.split(" ", 1)[0].rstrip(":")
    return any(op == operation and where == side and words in problem for (op, where, words) in KNOWN_NONCONFORMITIES)


def check_log(entries):
    """["METHOD path?query (operation): problem", ...] for a list of request log entries."""
    if not any(entry.get("interface") == "rest" for entry in entries):
        return []
    spec()  # parsed once, outside the check's timing
    started = time.perf_counter()
    try:
        found = []
        for entry in entries:
            for problem in check_entry(entry):
                found.append("%s %s (%s): %s" % (entry["method"], _where(entry), entry.get("operation"), problem))
        return found
    finally:
        Stats.check_seconds += time.perf_counter() - started


def _where(entry):
    query = entry.get("query") or {}
    text = "&".join("%s=%s" % (name, value) for name, values in query.items() for value in values)
    return _short(entry["path"] + ("?" + text if text else ""))


def summary():
    return (
        "REST schema check: %d requests and %d replies checked in %.2f s (the vendor's file parsed in %.2f s, "
        "request logs read in %.2f s)"
        % (Stats.requests, Stats.replies, Stats.check_seconds, Stats.load_seconds, Stats.read_seconds)
    )


class Watch:
    """Per sandbox, the REST log entries already checked, and the problems found and not yet reported.

    ``before_drop(sb)`` checks what a reset or clear is about to drop; ``after_test(sandboxes)``
    checks the rest and returns every problem found since the last call."""

    def __init__(self):
        self.checked = {}  # id(sandbox) -> how many of its REST entries were checked
        self.problems = []

    def _check(self, sb):
        started = time.perf_counter()
        entries = sb.requests(interface="rest")
        Stats.read_seconds += time.perf_counter() - started
        done = self.checked.get(id(sb), 0)
        if done > len(entries):  # the log was dropped behind our back: check it all
            done = 0
        self.problems += check_log(entries[done:])
        self.checked[id(sb)] = len(entries)

    def before_drop(self, sb):
        if sb.proc is not None and sb.proc.poll() is None:
            self._check(sb)
        self.checked[id(sb)] = 0

    def after_test(self, sandboxes):
        for sb in sandboxes:
            if sb.proc is not None and sb.proc.poll() is None:
                self._check(sb)
        found, self.problems = self.problems, []
        return found
