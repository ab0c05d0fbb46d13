# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the read-only tenant checks of both LMSs share (``ispring_check.py``, ``edubrite_check.py``).

- ``Check``: one verdict on one point of the wire contract (holds, differs, not checked).
- ``RecordingTransport``: the one HTTP layer, recording every exchange, and refusing any request
  that is not one of the reads the check declared: a check cannot send a write, even by mistake.
- ``Masker``: the masked text of what the check saw: secrets (tokens, client secret, password,
  session cookies) masked, personal values (logins, emails, names, user names, open IDs) replaced
  by stable placeholders (the same value gets the same placeholder everywhere in one run).
- ``TenantCheck``: runs a check, and saves the masked exchanges to a directory (``save_replies``).
- ``run_module``: what the two modules' ``main`` do once their argument spec is built.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import quote, quote_plus, urlencode
from xml.sax.saxutils import escape

from ansible_collections.learnops.lms.plugins.module_utils import runner, safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import LmsError, TransportError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.transport import Transport

HOLDS, DIFFERS, NOT_CHECKED = "holds", "differs", "not checked"
VERDICTS = (HOLDS, DIFFERS, NOT_CHECKED)

MASKED = "<masked>"
# Names of fields (elements, attributes, JSON keys; case, "_" and "-" ignored) that hold personal
# data, and the placeholder kind each gets.  iSpring profile fields (<field><name>..<value>) and
# the values of a REST user's "fields" are all personal: those not named here become "field-N".
PERSONAL_FIELDS = {
    "login": "login",
    "email": "email",
    "username": "username",
    "uname": "username",
    "openid": "openid",
    "firstname": "name",
    "lastname": "name",
    "middlename": "name",
    "fullname": "name",
    "displayname": "name",
    "phone": "phone",
    "mobilephone": "phone",
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Secrets found by their place, whether or not the value was handed to the masker.
SECRET_PLACES = (
    (re.compile(r"(<(?:[\w-]+:)?token>)[^<]*(</)"), r"\1" + MASKED + r"\2"),
    (re.compile(r'("access_token"\s*:\s*")[^"]*(")'), r"\1" + MASKED + r"\2"),
    (re.compile(r"((?:^|[&?])password=)[^&\s]*", re.M), r"\1" + MASKED),
)
SECRET_HEADERS = {"cookie": None, "authorization": "Bearer "}  # value kept before the mask
REPLY_HEADERS = ("Content-Type", "Location", "Retry-After", "WWW-Authenticate")
NOT_SAVED_BODY = "(request body not saved: it holds the client credentials)"
SAVED_NAME = r"^%s-\d{2,}-[A-Za-z0-9-]*\.txt$"


@dataclass
class Check:
    """One point of the contract and what the tenant showed about it."""

    id: str
    point: str
    contract: str
    verdict: str
    observed: str
    advice: str = ""

    def as_dict(self, masker):
        found = asdict(self)
        found.update(observed=masker.mask(self.observed), advice=masker.mask(self.advice))
        return found


@dataclass
class Exchange:
    """One request the check sent and the reply (or the transport error) it got."""

    method: str
    url: str
    what: str
    params: list | None
    data: object
    headers: dict
    reply: object = None
    error: str | None = None

    @property
    def status(self):
        return None if self.reply is None else self.reply.status

    def line(self):
        """``POST https://…/path (iSpring ListUsers): HTTP 200`` for the result's ``requests``."""
        outcome = "HTTP %s" % self.status if self.reply is not None else "no reply"
        return "%s %s (%s): %s" % (self.method, self.url, self.what, outcome)


class RecordingTransport(Transport):
    """A Transport that records every exchange and sends only the declared reads (``reads``, the
    ``what`` names of the calls); anything else is a bug of the check and raises RuntimeError."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads = frozenset()
        self.exchanges = []

    def request(self, method, url, what, data=None, headers=None, params=None, safe_to_repeat=False):
        if what not in self.reads:
            raise RuntimeError("tenant check: %s is not one of the reads this check may send; not sent" % what)
        exchange = Exchange(method, url, what, list(params) if params else None, data, dict(headers or {}))
        self.exchanges.append(exchange)
        try:
            exchange.reply = super().request(
                method, url, what, data=data, headers=headers, params=params, safe_to_repeat=safe_to_repeat
            )
        except TransportError as exc:
            exchange.error = exc.message
            raise
        return exchange.reply

    @property
    def last(self):
        return self.exchanges[-1] if self.exchanges else None


class Masker:
    """Masks secrets and replaces personal values in texts; the values are handed to it
    (``secret``, ``person``) or found in replies (``learn``)."""

    def __init__(self):
        self.secrets = set()
        self.personal = {}
        self._counts = {}

    def secret(self, value):
        if value:
            self.secrets.add(str(value))

    def person(self, kind, value):
        """The placeholder of a personal value (``login-1``, ``email-2@masked.invalid``); values
        that cannot identify anyone (empty, one character, numbers, true/false) are left alone."""
        value = (value or "").strip() if isinstance(value, str) else value
        if not isinstance(value, str) or len(value) < 2 or value.isdigit() or value.lower() in ("true", "false"):
            return value
        if value not in self.personal:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            number = self._counts[kind]
            self.personal[value] = (
                "%s-%d@masked.invalid" % (kind, number) if kind == "email" else "%s-%d" % (kind, number)
            )
        return self.personal[value]

    def learn(self, body):
        """Finds the personal values of a reply body (XML or JSON) by the names of their fields."""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body or ""
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            try:
                self._learn_json(json.loads(text))
            except ValueError:
                pass
        elif stripped.startswith("<"):
            try:
                root = safexml.parse(text.encode("utf-8"), 200, "reply")
            except LmsError:
                root = None
            if root is not None:
                self._learn_xml(root)
        for found in EMAIL.findall(text):
            self.person("email", found)

    def _learn_xml(self, root):
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            name = safexml.local(element)
            if name == "field":
                self.person(_kind(safexml.text(element, "name") or "") or "field", safexml.text(element, "value"))
            elif _kind(name):
                self.person(_kind(name), element.text)
            for attribute, value in element.attrib.items():
                kind = _kind(attribute.rsplit("}", 1)[-1])
                if kind:
                    self.person(kind, value)

    def _learn_json(self, found, key=None):
        if isinstance(found, dict):
            self._learn_object(found, key)
        elif isinstance(found, list):
            for value in found:
                self._learn_json(value, key)
        elif isinstance(found, str) and key and _kind(key):
            self.person(_kind(key), found)

    def _learn_object(self, found, key):
        if key in ("fields", "field") and "name" in found and "value" in found:  # a REST user's pair (3.2 r3)
            self.person(_kind(str(found["name"])) or "field", found["value"])
            return
        for name, value in found.items():
            if name == "fields" and isinstance(value, dict) and not isinstance(value.get("field"), list):
                self._learn_fields(value)
            else:
                self._learn_json(value, name)

    def _learn_fields(self, fields):
        """A REST user's ``fields`` as an object (3.2 r3): every value is personal."""
        for name, value in fields.items():
            self.person(_kind(name) or "field", value)

    def mask(self, text):
        """``text`` with every secret masked and every personal value replaced, in one pass each."""
        if not text:
            return text
        for pattern, replacement in SECRET_PLACES:
            text = pattern.sub(replacement, text)
        text = _replace(text, {form: MASKED for value in self.secrets for form in _forms(value)}, bounded=False)
        for found in EMAIL.findall(text):
            self.person("email", found)
        places = {form: placeholder for value, placeholder in self.personal.items() for form in _forms(value)}
        return _replace(text, places, bounded=True)


def _kind(name):
    return PERSONAL_FIELDS.get(re.sub(r"[_-]", "", name or "").lower())


def _forms(value):
    """The ways a value may be written in a request or a reply: as is, XML-escaped, URL-encoded,
    JSON-escaped."""
    forms = {value, escape(value, {'"': "&quot;", "'": "&apos;"}), quote(value, safe=""), quote_plus(value)}
    forms.add(json.dumps(value)[1:-1])
    return {form for form in forms if form}


def _replace(text, places, bounded):
    """Every occurrence of a key of ``places`` replaced by its value, longest first, in one pass
    (a replacement is never replaced again); ``bounded``: only where no letter or digit adjoins."""
    if not places:
        return text
    alternatives = "|".join(re.escape(key) for key in sorted(places, key=len, reverse=True))
    if bounded:
        alternatives = r"(?<![A-Za-z0-9_])(?:%s)(?![A-Za-z0-9_])" % alternatives
    return re.sub(alternatives, lambda match: places[match.group(0)], text)


def _body_text(data):
    if data is None:
        return ""
    if isinstance(data, (list, tuple)):
        return urlencode(list(data))
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)


def _request_headers(headers):
    lines = []
    for name, value in headers.items():
        kept = SECRET_HEADERS.get(name.lower(), False)
        if kept is None:  # cookies: the names stay, the values are masked
            value = "; ".join("%s=%s" % (part.split("=", 1)[0].strip(), MASKED) for part in str(value).split(";"))
        elif kept:
            value = kept + MASKED
        lines.append("%s: %s" % (name, value))
    return lines


def exchange_text(exchange, number, total, secret_body):
    """The saved form of one exchange (not yet masked): the request line, its headers and body
    (``secret_body``: not the body), then the reply's status, main headers, cookies and body."""
    url = exchange.url + ("?" + urlencode(exchange.params) if exchange.params else "")
    lines = ["# learnops.lms tenant check: request %d of %d, %s" % (number, total, exchange.what)]
    lines += ["%s %s" % (exchange.method, url)] + _request_headers(exchange.headers) + [""]
    lines += [NOT_SAVED_BODY if secret_body else _body_text(exchange.data), ""]
    reply = exchange.reply
    if reply is None:
        return "\n".join(lines + ["No reply: %s" % exchange.error, ""])
    lines.append("HTTP %s" % reply.status)
    lines += ["%s: %s" % (name, reply.headers.get(name)) for name in REPLY_HEADERS if reply.headers.get(name)]
    lines += ["Set-Cookie: %s=%s" % (name, MASKED) for name in sorted(reply.cookies)]
    return "\n".join(lines + ["", reply.body.decode("utf-8", "replace"), ""])


def _slug(what):
    return re.sub(r"[^A-Za-z0-9]+", "-", what.split(" ", 1)[-1]).strip("-")


@dataclass
class TenantCheck:
    """A check of one LMS: subclasses set ``prefix`` (of the saved files' names) and ``reads``
    (the calls they may send), and implement ``run_checks``; ``result`` runs it."""

    params: dict
    on_secret: object = None
    checks: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    prefix = None
    reads = ()
    secret_bodies = ()  # the calls whose request body holds credentials: never saved

    def __post_init__(self):
        self.transport = RecordingTransport.from_params(self.params)
        self.transport.reads = frozenset(self.reads)
        self.masker = Masker()

    def secret(self, value):
        """A secret the check holds or receives: masked in the module's output and in saved files."""
        if value:
            if self.on_secret is not None:
                self.on_secret(value)
            self.masker.secret(value)

    def add(self, check_id, point, contract, verdict, observed, advice=""):
        self.checks.append(Check(check_id, point, contract, verdict, observed, advice))

    def run_checks(self):
        raise NotImplementedError

    def validate(self):
        """Refuses input that needs no request to be refused (the check's own options)."""
        directory = self.params.get("save_replies")
        if not directory:
            return
        unusable = "save_replies: %s is not a directory you may write to. Give another one, or leave save_replies out."
        if os.path.exists(directory) and not os.path.isdir(directory):
            raise ValidationError(unusable % directory + " Nothing was sent.")
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise ValidationError(
                "save_replies: cannot create the directory %s (%s). Give a directory you may write to, "
                "or leave save_replies out. Nothing was sent." % (directory, exc.strerror)
            ) from None
        if not os.access(directory, os.W_OK | os.X_OK):
            raise ValidationError(unusable % directory + " Nothing was sent.")

    def result(self):
        """Runs the checks; returns the module's result.  A failure still saves what was seen and
        carries the checks made so far."""
        self.validate()
        try:
            self.run_checks()
        except LmsError as exc:
            exc.details.update(self._outcome(self._save()))
            exc.message = self.masker.mask(exc.message)
            raise
        return dict(changed=False, **self._outcome(self._save()))

    def _outcome(self, saved):
        return dict(
            checks=[check.as_dict(self.masker) for check in self.checks],
            settings=dict(self.settings),
            saved=saved,
            requests=[self.masker.mask(exchange.line()) for exchange in self.transport.exchanges],
        )

    def _save(self):
        """Writes each exchange, masked, to ``<save_replies>/<prefix>-NN-<call>.txt`` (the files
        of an earlier check of the same LMS there are replaced); returns the paths."""
        exchanges = self.transport.exchanges
        for exchange in exchanges:
            if exchange.reply is not None:
                self.masker.learn(exchange.reply.body)
        directory = self.params.get("save_replies")
        if not directory:
            return []
        try:
            return self._write(directory, exchanges)
        except OSError as exc:
            raise LmsError(
                "save_replies: cannot write to %s (%s). The checks ran; give a directory you may write "
                "to to save the replies." % (directory, exc.strerror)
            ) from None

    def _write(self, directory, exchanges):
        earlier = re.compile(SAVED_NAME % re.escape(self.prefix))
        for name in os.listdir(directory):
            if earlier.match(name):
                os.remove(os.path.join(directory, name))
        paths = []
        for number, exchange in enumerate(exchanges, 1):
            text = exchange_text(exchange, number, len(exchanges), exchange.what in self.secret_bodies)
            path = os.path.join(directory, "%s-%02d-%s.txt" % (self.prefix, number, _slug(exchange.what)))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(self.masker.mask(text))
            paths.append(path)
        return paths


def run_module(module, check_from, identifiers):
    """Runs the check ``check_from(module)`` builds and exits with its result; a failed result
    carries the same keys, with the checks made so far."""
    runner.run_module(
        module,
        check_from,
        _run,
        always=dict(changed=False, checks=[], settings={}, saved=[], requests=[]),
        identifiers=identifiers,
    )


def _run(module, check):
    return check.result()
