# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EduBrite: the read-only tenant check (module ``edubrite_tenant_check``).

Which of the contract's [doc], [evidence] and [assumed] points (lms-api-contract.md, section 2
and 3.4 r3) hold on a site, settled by reads only: the body of the two connect steps and the
cookies each sets (with a read using the step-1 SESSION_ID after step 2), a ``userService get`` of
run_as and of a made-up user, paging with ``numItems`` (a tiny page size, so that a small program
pages), listing by ``extId`` against listing by ``programId``, the layout of the member values,
the member values and status values the listing carries, and the member date format.  The wire
code is the client's (``edubrite.py``); the transport refuses every call that is not one of ``READS``.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

from ansible_collections.learnops.lms.plugins.module_utils import edubrite, membership, safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, LmsError, ReplyError, ValidationError
from ansible_collections.learnops.lms.plugins.module_utils.tenant_check import (
    DIFFERS,
    HOLDS,
    NOT_CHECKED,
    TenantCheck,
)

# The only calls the check sends (transport `what` names): the login, the member listing and the
# user lookup.
READS = ("EduBrite connect", "EduBrite listProgramMembers", "EduBrite get")
# 2.4: a user name no site has, to see what an unknown user answers (msg 0004 [assumed]).
MADE_UP_USER = "learnops-check-no-such-user"
STATUS_VALUES = (edubrite.STATUS_ENROLLED, edubrite.STATUS_COMPLETED)  # 2.4 [doc values]
CONNECT_FORMS = ("xml", "html", "empty")  # 2.2 (r2): the connect bodies the contract expects
HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html)", re.I)
# 2.4: the values of a <member>, as attributes or child elements.
MEMBER_FIELDS = ("userId", "userName", "openId", "status", "quit", "award", "score") + edubrite.DATE_PARAMS
LAYOUT_WORDS = {
    "attributes": "attributes of <member>",
    "elements": "child elements of <member>",
    "mixed": "attributes and child elements of <member>",
    "none": "neither attributes nor child elements of <member> that the modules know",
}
EPOCH_MS_FORM = "epoch milliseconds"

POINTS = {
    "connect_body": (
        "The login is judged by its cookies; the connect body is an XML <response>, an HTML page or empty",
        "2.2 (r2) [doc, evidence]",
    ),
    "member_layout": (
        "listProgramMembers answers <data><programMembers> with one <member> per member, its values as "
        "attributes or child elements",
        "2.4 (r2) [assumed]",
    ),
    "session_cookies": (
        "The session cookies are those set last: SESSION_ID and SESSION_INFO from whichever login step sets "
        "them, step 2 winning over step 1",
        "3.4 (r3) [evidence]",
    ),
    "user_lookup": (
        "userService get answers a <user> for a user of the site and msg 0004 for an unknown user name",
        "2.3, 2.4 [assumed]",
    ),
    "member_dates": ("Member dates are epoch milliseconds", "2.5 [doc]"),
    "member_fields": (
        "Every member value a task compares is carried by the listing (present, maybe empty); status is "
        "ENROLLED or COMPLETED",
        "3.4 (r3), 2.4 [doc values]",
    ),
    "paging_num_items": (
        "From page 1 on, listProgramMembers serves the page asked for when page 0's numItems is passed",
        "2.4 (r2) [doc]",
    ),
    "list_ext_id": ("listProgramMembers by extId lists the members it lists by programId", "2.4 (r2) [doc]"),
}


def raw_member(element):
    """A ``<member>`` as found, without judging its values: user_id, username, ``values`` {name:
    text} and ``layout`` (attributes, elements, mixed, none)."""
    attributes = {name: element.get(name).strip() for name in MEMBER_FIELDS if element.get(name) is not None}
    children = {
        safexml.local(child): (child.text or "").strip()
        for child in element
        if isinstance(child.tag, str) and safexml.local(child) in MEMBER_FIELDS
    }
    values = dict(children, **attributes)
    return dict(
        user_id=values.get("userId") or None,
        username=values.get("userName") or None,
        values=values,
        layout=_layout(attributes, children),
    )


def _layout(attributes, children):
    if attributes and children:
        return "mixed"
    return "attributes" if attributes else "elements" if children else "none"


def _fields_observed(members, statuses):
    """What the listing carries: the member values the modules know, others, those never carried, the statuses."""
    carried = [name for name in MEMBER_FIELDS if name in members.carried]
    never = [name for name in MEMBER_FIELDS if name not in members.carried]
    others = sorted(members.carried - set(MEMBER_FIELDS))
    return "%d member(s) carry %s%s; never carried: %s; status values: %s." % (
        len(members),
        ", ".join(carried) or "nothing the modules know",
        " (and %s)" % ", ".join(others) if others else "",
        ", ".join(never) or "none",
        ", ".join("%s (%d)" % item for item in sorted(statuses.items())) or "none",
    )


def _identities(members):
    return sorted((m["user_id"] or "", m["username"] or "") for m in members)


class EdubriteCheck(TenantCheck):
    prefix = "edubrite"
    reads = READS

    def check(self, check_id, verdict, observed, advice=""):
        point, contract = POINTS[check_id]
        self.add(check_id, point, contract, verdict, observed, advice)

    def validate(self):
        size = self.params["page_size"]
        if not 1 <= size <= edubrite.PAGE_SIZE:
            raise ValidationError(
                "page_size: %d is not from 1 to %d. Give a page size smaller than the program's number of "
                "members (1 pages any program of two). Nothing was sent." % (size, edubrite.PAGE_SIZE)
            )
        super().validate()

    def run_checks(self):
        params = self.params
        self.secret(params["api_password"])
        for name in (params["api_username"], params["run_as"]):
            self.masker.person("username", name)
        client = edubrite.EduBriteClient(
            self.transport,
            params["site_url"],
            params["api_username"],
            params["api_password"],
            params["run_as"],
            on_secret=self.secret,
        )
        client.lookup_workers = 1
        self._connect(client)
        self._session_cookies(client)
        self._user_lookup(client)
        members = self._by_program_id(client)
        self._paging(client)
        self._ext_id(client, members)

    # --- the login (2.2) ---

    def _connect(self, client):
        try:
            client.login()
        except LmsError as exc:
            self._check_connect(failed=exc.message)
            raise
        self._check_connect()

    def _check_connect(self, failed=None):
        steps = [e.reply for e in self.transport.exchanges if e.what == "EduBrite connect" and e.reply is not None]
        forms = [_connect_form(reply) for reply in steps]
        observed = "; ".join("step %d: %s" % (number, text) for number, (_form, text) in enumerate(forms, 1))
        unknown = [form for form, _text in forms if form not in CONNECT_FORMS]
        if unknown:
            advice = (
                "The modules judge the login by its cookies and read only an XML <response> that says failure: "
                "report this body with the saved replies."
            )
            self.check("connect_body", DIFFERS, observed + ".", advice)
        elif failed:
            self.check("connect_body", NOT_CHECKED, "%s; the login was refused." % observed)
        else:
            self.check("connect_body", HOLDS, observed + ".")

    # --- the cookies each login step sets (3.4 r3) ---

    def _session_cookies(self, client):
        steps = [e.reply for e in self.transport.exchanges if e.what == "EduBrite connect" and e.reply is not None]
        first, second = steps[:2]
        said = "; ".join(
            "step %d sets %s" % (number, ", ".join(sorted(reply.cookies)) or "no cookie")
            for number, reply in enumerate((first, second), 1)
        )
        step1_id = first.cookies.get(edubrite.COOKIE_SESSION_ID)
        if second.cookies.get(edubrite.COOKIE_SESSION_ID) in (None, step1_id):
            self.check(
                "session_cookies",
                HOLDS,
                "%s; step 2 sets no new SESSION_ID: the step-1 one stays the session's." % said,
                "Nothing to set: the modules send the cookies set last.",
            )
            return
        stale = edubrite.cookie_header(
            {edubrite.COOKIE_SESSION_ID: step1_id, edubrite.COOKIE_SESSION_INFO: second.cookies.get("SESSION_INFO")}
        )
        outcome = self._read(client, self.params["run_as"], stale)[1]
        self.check(
            "session_cookies",
            HOLDS,
            "%s; step 2 sets a new SESSION_ID; a userService get with the step-1 SESSION_ID after step 2: %s."
            % (said, outcome),
            "Nothing to set: the modules send the cookies set last (SESSION_ID of step 2). Versions of learnops.lms "
            "that kept the step-1 SESSION_ID fail on a site that refuses it, with msg 0174 right after each login.",
        )

    # --- userService get of run_as and of a made-up user (2.3, 2.4) ---

    def _read(self, client, name, cookies=None):
        """(kind, description) of a userService get of ``name``: user, unknown (msg 0004), other."""
        params = [(edubrite.GET_USER_PARAMS["username"], name)]
        try:
            if cookies:
                root = client.call_with(cookies, edubrite.USER_SERVICE, "get", params)
            else:
                root = client.call(edubrite.USER_SERVICE, "get", params)
        except ApiError as exc:
            kind = "unknown" if exc.code == edubrite.MSG_NOT_FOUND else "other"
            return kind, "refused (%s)" % exc.message.rstrip(".")
        except ReplyError as exc:
            return "other", "an unexpected reply (%s)" % exc.message.rstrip(".")
        user = safexml.path(root, "data", "user")
        if user is None:
            return "other", "a success without a <user>"
        return "user", "a <user> (status %s, siteRole %s)" % (
            edubrite._value(user, "status"),
            edubrite._value(user, "siteRole"),
        )

    def _user_lookup(self, client):
        run_as, made_up = self._read(client, self.params["run_as"]), self._read(client, MADE_UP_USER)
        observed = "run_as %s: %s; made-up user name %s: %s." % (
            self.params["run_as"],
            run_as[1],
            MADE_UP_USER,
            made_up[1],
        )
        if run_as[0] == "user" and made_up[0] == "unknown":
            self.check("user_lookup", HOLDS, observed, "Nothing to set: unknown users are reported by name.")
        elif run_as[0] != "user":
            self.check(
                "user_lookup",
                DIFFERS,
                observed,
                "Set run_as to the user name of a site administrator of this site (it names whose permissions apply).",
            )
        else:
            self.check(
                "user_lookup",
                DIFFERS,
                observed,
                "program_member cannot tell an unknown user here: a task naming a user who is not on the site fails "
                "with this reply instead of listing the unknown users. Report it with the saved replies.",
            )

    # --- the listing by programId: layout and dates (2.4, 2.5) ---

    def _by_program_id(self, client):
        program_id = self.params["program_id"]
        try:
            members = client.list_program_members(edubrite.program(program_id=program_id), read=raw_member)
        except ApiError as exc:
            if exc.code == edubrite.MSG_NOT_FOUND:
                raise ValidationError(
                    "program_id %s: EduBrite knows no such program (%s). Give the ID of a program of the site."
                    % (program_id, exc.message.rstrip(".")),
                    code=exc.code,
                ) from None
            raise
        except ReplyError as exc:
            self.check("member_layout", DIFFERS, exc.message, "The modules fail on this listing: report it.")
            self.check("member_dates", NOT_CHECKED, "The listing by programId could not be read.")
            return None
        self._check_layout(members)
        self._check_dates(members)
        self._check_fields(members)
        return members

    def _check_layout(self, members):
        if not members:
            self.check("member_layout", NOT_CHECKED, "The program has no members.", "Choose a program with members.")
            return
        layouts = sorted({member["layout"] for member in members})
        observed = "%d member(s), their values as %s." % (len(members), " / ".join(LAYOUT_WORDS[x] for x in layouts))
        if "none" in layouts:
            self.check("member_layout", DIFFERS, observed, "The modules cannot read these members: report it.")
        else:
            self.check("member_layout", HOLDS, observed)

    def _check_dates(self, members):
        found = [(name, m["values"][name]) for m in members for name in edubrite.DATE_PARAMS if m["values"].get(name)]
        if not found:
            self.check(
                "member_dates",
                NOT_CHECKED,
                "No member of the program has a date set.",
                "Choose a program whose members have dates (a start date is set when a user is added).",
            )
            return
        forms = {}
        for name, value in found:
            forms.setdefault(_date_form(value), [0, name, value])[0] += 1
        observed = "; ".join(
            "%d date(s) %s (for example %s %s)" % (count, form, name, value)
            for form, (count, name, value) in forms.items()
        )
        if set(forms) == {EPOCH_MS_FORM}:
            self.check("member_dates", HOLDS, observed + ".")
        else:
            self.check(
                "member_dates",
                DIFFERS,
                observed + ".",
                "The modules refuse member dates that are not epoch milliseconds (program_member and "
                "program_member_info fail with an excerpt); no option changes that: report it with the saved replies.",
            )

    def _check_fields(self, members):
        """The member values and status values the listing carries (3.4 r3)."""
        if not members:
            self.check("member_fields", NOT_CHECKED, "The program has no members.", "Choose a program with members.")
            return
        statuses = Counter(m["values"].get("status") or "(empty)" for m in members if "status" in m["values"])
        observed = _fields_observed(members, statuses)
        missing = members.never_carried(list(edubrite.CARRIED_BY))
        odd = sorted(set(statuses) - set(STATUS_VALUES))
        if missing:
            options = ", ".join(membership.OPTION_OF[name] for name in missing)
            advice = (
                "Leave %s out of the program_member tasks of this site: the listing never shows it, so such a task "
                "fails naming it (it could never settle). Ask EduBrite why listProgramMembers leaves it out." % options
            )
            self.check("member_fields", DIFFERS, observed, advice)
        elif odd:
            self.check(
                "member_fields",
                DIFFERS,
                observed,
                "The modules know the status values ENROLLED and COMPLETED only (program_member_info's status filter, "
                "awarded read from status): report %s with the saved replies." % ", ".join(odd),
            )
        else:
            self.check("member_fields", HOLDS, observed)

    # --- paging with numItems (2.4 r2) ---

    def _page(self, client, page, totals=()):
        prog = edubrite.program(program_id=self.params["program_id"])
        paging = [("currPage", str(page)), ("pageSize", str(self.params["page_size"]))] + list(totals)
        listing = edubrite.members_listing(client.call(edubrite.REPORT_SERVICE, "listProgramMembers", prog + paging))
        return listing, _identities(raw_member(m) for m in safexml.children(listing, edubrite.MEMBER_ELEMENT))

    def _paging(self, client):
        size = self.params["page_size"]
        try:
            listing, first = self._page(client, 0)
            total = (listing.get("numItems") or "").strip()
            if not total.isdigit() or int(total) <= size:
                self._paging_unsettled(total, size)
                return
            totals = [(name, listing.get(name).strip()) for name in edubrite.PAGING_TOTALS if listing.get(name)]
            without = self._page(client, 1)[1]
            passed = self._page(client, 1, totals)[1]
        except (ApiError, ReplyError) as exc:
            self.check("paging_num_items", NOT_CHECKED, "A page could not be read: %s" % exc.message)
            return
        self._paging_verdict(total, size, totals, first, without, passed)

    def _paging_unsettled(self, total, size):
        if not total.isdigit():
            self.check(
                "paging_num_items",
                DIFFERS,
                "Page 0 (pageSize %d) carries no numItems: the modules cannot pass it on." % size,
                "The modules then page by numPages or by a short page; report it with the saved replies.",
            )
            return
        self.check(
            "paging_num_items",
            NOT_CHECKED,
            "The program has %s member(s): one page at page_size %d." % (total, size),
            "Choose a program with more members than page_size, or lower page_size (1 pages a program of two).",
        )

    def _paging_verdict(self, total, size, totals, first, without, passed):
        sent = " and ".join("%s %s" % pair for pair in totals)
        if without == first:
            bare = "page 1 without numItems answers page 0 again (numItems required)"
        else:
            bare = "page 1 without numItems is served too (numItems not required)"
        works = bool(passed) and not set(passed) & set(first)
        if works:
            served = "page 1 with %s holds %d other member(s)" % (sent, len(passed))
        else:
            served = "page 1 with %s answers %s" % (sent, "page 0 again" if passed == first else "no new member")
        observed = "numItems %s at pageSize %d; %s; %s." % (total, size, served, bare)
        if works:
            self.check("paging_num_items", HOLDS, observed)
        else:
            self.check(
                "paging_num_items",
                DIFFERS,
                observed,
                "The modules cannot read a program of more than one page (1000 members) on this site: report it "
                "with the saved replies.",
            )

    # --- extId against programId (2.4 r2) ---

    def _ext_id(self, client, members):
        params = self.params
        ext_id = params["ext_id"]
        if not ext_id:
            self.check("list_ext_id", NOT_CHECKED, "ext_id was not given.", "Give ext_id (the program's external ID).")
            return
        if members is None:
            self.check("list_ext_id", NOT_CHECKED, "The listing by programId could not be read.")
            return
        try:
            by_ext = client.list_program_members(edubrite.program(ext_id=ext_id), read=raw_member)
        except (ApiError, ReplyError) as exc:
            self._ext_id_differs("By extId %s: %s" % (ext_id, exc.message))
            return
        ours, theirs = _identities(members), _identities(by_ext)
        if not ours and not theirs:
            self.check(
                "list_ext_id",
                NOT_CHECKED,
                "By extId %s and by programId %s: no member either way." % (ext_id, params["program_id"]),
                "Choose a program with members.",
            )
            return
        if ours == theirs:
            self.check(
                "list_ext_id",
                HOLDS,
                "By extId %s and by programId %s: the same %d member(s)." % (ext_id, params["program_id"], len(ours)),
                "Both selectors work; program_id stays the safer one (the vendor documents extId on this call "
                "as naming a program session).",
            )
            return
        alone = len(set(ours) ^ set(theirs))
        self._ext_id_differs(
            "By extId %s: %d member(s), by programId %s: %d; %d listed by one only."
            % (ext_id, len(theirs), params["program_id"], len(ours), alone)
        )

    def _ext_id_differs(self, observed):
        program_id = self.params["program_id"]
        self.settings["program_id"] = program_id
        self.check(
            "list_ext_id",
            DIFFERS,
            observed,
            "Name this program by program_id: %s (not ext_id) in program_member and program_member_info tasks: "
            "on this site, extId does not name the program when members are listed (the vendor documents a "
            "program session)." % program_id,
        )


def _connect_form(reply):
    """(form, description) of a connect step's reply: xml, html, empty or other."""
    body = reply.body.strip()
    cookies = ", ".join("%s set" % name for name in sorted(reply.cookies)) or "no cookie set"
    if not body:
        form, text = "empty", "an empty body"
    elif body.startswith(b"<response"):
        form, text = "xml", "an XML %s" % _outcome(reply)
    elif HTML_START.match(body):
        form, text = "html", "an HTML page"
    else:
        form, text = "other", "another body (%s)" % safexml.excerpt(body, 60)
    return form, "%s: %s, HTTP %s, %s" % (form, text, reply.status, cookies)


def _outcome(reply):
    """``<response code="0"> (msg 0152)`` of an XML connect reply."""
    try:
        root = safexml.parse(reply.body, reply.status, "EduBrite connect")
    except ReplyError:
        return "<response> that is not well-formed"
    msg = safexml.path(root, "msgs", "msg")
    shown = '<response code="%s">' % (root.get("code") or "")
    return shown + (" (msg %s)" % safexml.text(msg, "code") if msg is not None else "")


def _date_form(value):
    if edubrite.EPOCH_MS.match(value):
        return EPOCH_MS_FORM
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "in a form the modules do not know"
    return "ISO 8601"


def check_from(module):
    """The check a module's options describe; secrets it obtains are masked in all the module's output."""
    return EdubriteCheck(module.params, module.no_log_values.add)
