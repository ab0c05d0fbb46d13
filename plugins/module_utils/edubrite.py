# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EduBrite wire code: two-step session login, form posts, XML replies, paging.

Contract: lms-api-contract.md, section 2 and 3.4 (r3).  Every point marked [assumed] there is a named
constant below, so a real tenant can correct it here and nowhere else.  Modules hold only the
desired-state logic; everything that goes on the wire is built and read here.
"""

from __future__ import annotations

import math
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.learnops.lms.plugins.module_utils import safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import (
    ApiError,
    AuthenticationError,
    ReplyError,
    ValidationError,
)
from ansible_collections.learnops.lms.plugins.module_utils.transport import Transport

# --- What the contract documents or assumes (section numbers of lms-api-contract.md) ---
PATH_PREFIX = "/oltpublish/site/"  # 2.1 [doc]: https://<site>/oltpublish/site/<service>.do
CONNECT_SERVICE = "connect"  # 2.2 [doc]
COOKIE_SESSION_ID = "SESSION_ID"  # 2.2 [doc]: set by connect step 1
COOKIE_SESSION_INFO = "SESSION_INFO"  # 2.2 [doc]: set by connect step 2
# 3.4 (r3) [evidence: both vendor clients]: the session cookies are those set LAST, step 2 winning
# over step 1 (a cookie jar), sent in this order.
SESSION_COOKIES = (COOKIE_SESSION_ID, COOKIE_SESSION_INFO)
HEADER_RUN_AS = "REAL_UNAME"  # 2.1 [doc]: whose permissions apply
CODE_SUCCESS = "0"  # 2.3 [doc]: <response code="0">; "-1" is a failure
MSG_SUCCESS = "0"  # 2.3 [doc]
MSG_NOT_FOUND = "0004"  # 2.3 [doc]; unknown program/user/member [assumed]
MSG_NOT_ALLOWED = "0005"  # 2.3 [doc]
MSG_GENERIC_ERROR = "0026"  # 2.3 [doc]
MSG_CONNECTED = "0152"  # 2.2 [doc]
MSG_CONNECT_FAILED = "0154"  # 2.2 [doc]
MSG_SESSION_INVALID = "0174"  # 2.2 [doc code, assumed trigger]: log in again once
MSG_MEMBER_UPDATED = "0226"  # 2.3 [doc, seed]
PAGE_SIZE = 1000  # 2.4 listProgramMembers pageSize [assumed maximum]
# 2.4 (r2) [doc]: numItems "must be specified for 2nd page onwards ... pass it as-is"; the vendor's
# Java client also passes numPages.  Both are taken from page 0's <programMembers> attributes.
PAGING_TOTALS = ("numItems", "numPages")
# 2.2 (r2): both connect steps ask for XML; the login is judged by the cookies, not the body.
CONNECT_FORM = [("xml", "true")]
PROGRAM_MEMBERS_ELEMENT = "programMembers"  # 2.4 [assumed reply shape]
MEMBER_ELEMENT = "member"  # 2.4 [assumed reply shape]
STATUS_ENROLLED = "ENROLLED"  # 2.4 [doc values]
STATUS_COMPLETED = "COMPLETED"  # 2.4 [doc values]; COMPLETED = awarded [assumed]
# Not in the contract; the sandbox's choice, mirrored when the module predicts a record in check
# mode: award=false also clears awardDate and awardExpDate unless the same call sets them.
AWARD_RESET_CLEARS_AWARD_DATES = True
# Scores are "Float number" [doc]; a tenant storing 32-bit floats may answer 0.10000000149 for
# 0.1, so scores are compared with this relative tolerance.
SCORE_RELATIVE_TOLERANCE = 1e-6

# Not in the contract: how many userService get lookups are in flight at once.  EduBrite has no
# call that looks up many users (2.4), so a task adding N new members makes N lookups; they are
# reads, safe to run side by side in the one API session.
LOOKUP_WORKERS = 2  # times max_parallel: user look-ups are reads, lighter than the writes it limits

# Services and dispatches (2.4).
ENROLLMENT_SERVICE = "enrollmentService"
REPORT_SERVICE = "reportService"
USER_SERVICE = "userService"

# updateProgramMember's optional fields, in the order of the seed's parameter table [doc, seed].
FIELD_ORDER = (
    "startDate",
    "endDate",
    "dueDate",
    "remove",
    "award",
    "score",
    "awardDate",
    "awardExpDate",
    "quitProgram",
)
DATE_PARAMS = ("startDate", "endDate", "dueDate", "awardDate", "awardExpDate")
# 3.4 (r3): a member value the listing never carries (absent from every <member>, as attribute and
# as child element) is not "not set" (present but empty).  The updateProgramMember fields a task
# compares, each with the member values that carry it (award is read from status without it, 2.4).
CARRIED_BY = {"award": ("award", "status"), "score": ("score",), "quitProgram": ("quit",)}
CARRIED_BY.update((param, (param,)) for param in DATE_PARAMS)
AWARD_DATE_PARAMS = ("awardDate", "awardExpDate")
# How users are named in each call (2.4): updateProgramMember takes all three, enrollUsersInProgram
# only ids and usernames, userService get one of id, userName, openId.
USER_PARAMS = {"user_id": "ids", "username": "usernames", "open_id": "openIds"}
ENROLL_USER_PARAMS = ("ids", "usernames")
USER_SEPARATOR = ","  # 2.4 [doc]: the users of one call, "comma separated"
GET_USER_PARAMS = {"user_id": "id", "username": "userName", "open_id": "openId"}

EPOCH_MS = re.compile(r"^-?\d{1,15}$")  # 2.5 [doc]: dates are epoch milliseconds

# Module option -> updateProgramMember date parameter.
DATE_OPTIONS = dict(
    start_date="startDate",
    end_date="endDate",
    due_date="dueDate",
    award_date="awardDate",
    award_expiry_date="awardExpDate",
)


def _unseen(found, seen, page):
    """The members of a page not listed before (``seen`` keeps them); a page of members all listed
    already is a service that pages wrong, and stops the listing rather than loop."""
    fresh = [m for m in found if (m["user_id"], m["username"]) not in seen]
    if found and not fresh:
        raise ReplyError(
            "EduBrite listProgramMembers: page %d repeats members already listed (page 0 again?); "
            "stopped paging. Nothing was written." % page
        )
    seen.update((m["user_id"], m["username"]) for m in fresh)
    return fresh


def _last_page(listing, page, on_page, read, page_size):
    """Whether the listing ends with this page: by numItems, else numPages, else a short page."""
    total, pages = (listing.get(name, "").strip() for name in PAGING_TOTALS)
    if not on_page:
        _check_complete(page, read, total, pages)
        return True
    if total.isdigit():
        return read >= int(total)
    if pages.isdigit():
        return page + 1 >= int(pages)
    size = listing.get("pageSize", "").strip()
    return on_page < (int(size) if size.isdigit() and int(size) > 0 else page_size)


def _check_complete(page, read, total, pages):
    """An empty page ends the listing only once the totals are reached: the members they promise
    and no page gave would read as non-members (to be added)."""
    short_of_items = total.isdigit() and read < int(total)
    short_of_pages = pages.isdigit() and page + 1 < int(pages)
    if short_of_items or short_of_pages:
        raise ReplyError(
            "EduBrite listProgramMembers: page %d is empty after %d member(s), while the listing gives "
            "numItems %s and numPages %s; stopped reading. The members may have changed while they were "
            "listed: run the task again, and if it fails the same way, report the reply's form."
            % (page, read, total or "(none)", pages or "(none)")
        )


def cookie_header(jar):
    """The Cookie header of the session cookies in ``jar`` ({name: value})."""
    return "; ".join("%s=%s" % (name, jar[name]) for name in SESSION_COOKIES if name in jar)


class Members(list):
    """The members of a listing, and what the listing carries (3.4 r3): ``carried``, the member
    value names seen on any member (attribute or child element); ``sample``, the first member."""

    def __init__(self):
        super().__init__()
        self.carried = set()
        self.sample = None

    def saw(self, elements):
        for element in elements:
            self.carried.update(name.rpartition("}")[2] for name in element.keys())
            self.carried.update(safexml.local(child) for child in element if isinstance(child.tag, str))
            if self.sample is None:
                self.sample = safexml.element_excerpt(element)

    def never_carried(self, fields):
        """Those of ``fields`` (updateProgramMember parameters) that no listed member carries; none
        when no member is listed (nothing to judge)."""
        if not self:
            return []
        return [name for name in fields if name in CARRIED_BY and not self.carried & set(CARRIED_BY[name])]


def program(program_id=None, ext_id=None):
    """The form parameter naming a program, as an ordered list: its id, else its external id."""
    return [("programId", program_id)] if program_id else [("extId", ext_id)]


def program_label(prog):
    """``programId xxxx`` / ``extId ONBOARDING`` for messages."""
    return "%s %s" % prog[0]


def _flag(value):
    return "true" if value else "false"


def wire_value(param, value):
    """A field's value as the form sends it: booleans true/false, score a float, dates epoch ms."""
    if isinstance(value, bool):
        return _flag(value)
    if param == "score":
        return repr(float(value))
    return str(int(value))


def _value(element, name):
    """An attribute of ``element``, or the text of a child of that name (tolerant parser)."""
    value = element.get(name)
    if value is None:
        value = safexml.text(element, name)
    value = (value or "").strip()
    return value or None


def member_record(element, what="EduBrite listProgramMembers"):
    """A ``<member>`` of listProgramMembers as a dict; empty values are None [assumed shape].

    Dates are epoch ms ints, ``award`` and ``quit`` booleans, ``score`` a float, ``status`` upper case.
    A date that is not epoch milliseconds, or a score that is not a finite number, is refused
    (contract 2.4 r2): read as "not set", it would differ on every run.  So is a member without a
    userId: exclusive would take it for a member the task does not list, and remove it.
    """
    user_id = _value(element, "userId")
    if user_id is None:
        # every plan step (exclusive's removals, the read-back, the calls by ids) tells members by it
        raise _unreadable(element, what, "it has no userId")
    status = (_value(element, "status") or "").upper() or None
    award = _value(element, "award")
    record = dict(
        user_id=user_id,
        username=_value(element, "userName"),
        open_id=_value(element, "openId"),
        status=status,
        quit=(_value(element, "quit") or "").lower() == "true",
        award=award.lower() == "true" if award else status == STATUS_COMPLETED,
        score=_score(element, what),
    )
    record.update((param, _millis(element, param, what)) for param in DATE_PARAMS)
    return record


def _millis(element, name, what):
    value = _value(element, name)
    if value is None:
        return None
    if not EPOCH_MS.match(value):
        raise _unreadable(element, what, "%s %r is not epoch milliseconds" % (name, value))
    return int(value)


def _score(element, what):
    value = _value(element, "score")
    if value is None:
        return None
    try:
        score = float(value)
    except ValueError:
        score = math.nan
    if not math.isfinite(score):
        raise _unreadable(element, what, "score %r is not a number" % value)
    return score


def _unreadable(element, what, why):
    return ReplyError(
        "%s: a member's record cannot be read: %s. Nothing was written. Member reads: %s"
        % (what, why, safexml.element_excerpt(element))
    )


def members_listing(root, what="EduBrite listProgramMembers"):
    """The ``<programMembers>`` element of a listing reply; any other content of ``<data>``, or
    anything but members in it, fails loudly with an excerpt (contract 2.4 r2), never reads as
    "no members"."""
    data = safexml.child(root, "data")
    found = [child for child in data if isinstance(child.tag, str)] if data is not None else []
    shown = data if data is not None else root
    if len(found) != 1 or safexml.local(found[0]) != PROGRAM_MEMBERS_ELEMENT:
        raise _unexpected_listing(shown, what, "its <data> does not hold one <%s>" % PROGRAM_MEMBERS_ELEMENT)
    listing = found[0]
    if any(isinstance(c.tag, str) and safexml.local(c) != MEMBER_ELEMENT for c in listing):
        raise _unexpected_listing(
            shown, what, "<%s> holds elements other than <%s>" % (PROGRAM_MEMBERS_ELEMENT, MEMBER_ELEMENT)
        )
    return listing


def _unexpected_listing(shown, what, why):
    return ReplyError(
        "%s: the reply is not a member listing in the expected form (%s). Nothing was written. Reply reads: %s"
        % (what, why, safexml.element_excerpt(shown))
    )


class EduBriteClient:
    """Calls to one EduBrite site, in one API session logged in on first use.

    ``on_secret`` is called with every secret the client holds or receives (the password, the
    session cookies), so that a module can mask them in all its output.
    """

    def __init__(self, transport, site_url, username, password, run_as, on_secret=None):
        self.transport = transport
        self.base = site_url.rstrip("/") + PATH_PREFIX
        self.username = username
        self.password = password
        self.run_as = run_as
        self._on_secret = on_secret or (lambda value: None)
        self._cookies = None
        self._session_lock = threading.Lock()  # one login at a time, also with lookups in flight
        self._lookup_workers = None
        self.logins = 0
        if password:
            self._on_secret(password)

    # --- session ---

    def login(self):
        """The two-step login of contract 2.2, judged by its cookies (r2), keeping the session
        cookies set last (3.4 r3); the session is reused for every later call."""
        what = "EduBrite connect"
        first = self._post(CONNECT_SERVICE, what, CONNECT_FORM, {}, safe_to_repeat=True)
        self._check_connect_body(first)
        session_id = first.cookies.get(COOKIE_SESSION_ID)
        if not session_id:
            raise ReplyError(
                "%s: the first step set no %s cookie (HTTP %s). Check site_url. Reply begins: %s"
                % (what, COOKIE_SESSION_ID, first.status, safexml.excerpt(first.body)),
                http_status=first.status,
            )
        jar = self._keep_cookies({}, first)
        second = self._post(
            CONNECT_SERVICE,
            what,
            CONNECT_FORM + [("username", self.username), ("password", self.password)],
            {"Cookie": cookie_header(jar)},
            safe_to_repeat=True,
        )
        self._check_connect_body(second)
        if second.status >= 400 or not second.cookies.get(COOKIE_SESSION_INFO):
            raise self._login_refused(second.status, None, None, reply=second)
        self._cookies = cookie_header(self._keep_cookies(jar, second))
        self.logins += 1

    def _keep_cookies(self, jar, reply):
        """The session cookies of ``jar`` updated with those ``reply`` sets (3.4 r3: set last wins)."""
        found = {name: reply.cookies[name] for name in SESSION_COOKIES if reply.cookies.get(name)}
        for value in found.values():
            self._on_secret(value)
        return dict(jar, **found)

    def _check_connect_body(self, reply):
        """A connect reply's body is not documented (r2): only an EduBrite ``<response>`` that
        says failure is read; an HTML page, an empty body or a success leave it to the cookies."""
        if not reply.body.lstrip().startswith(b"<response"):
            return
        code, msg, text = self._outcome(self._parse(reply, "EduBrite connect"))
        if code != CODE_SUCCESS:
            raise self._login_refused(reply.status, msg, text)

    def _login_refused(self, status, msg, text, reply=None):
        if reply is not None:
            said = "HTTP %s without a %s cookie; reply begins: %s" % (
                status,
                COOKIE_SESSION_INFO,
                safexml.excerpt(reply.body) or "(empty)",
            )
        else:
            said = "HTTP %s, msg %s: %s" % (status, msg, text or "no text")
        if "session" in (text or "").lower():
            return AuthenticationError(
                "EduBrite refused the login of API user %r because too many API sessions of the site are open "
                "(%s). EduBrite has no call that ends a session: each task's session stays open until it "
                "expires. Wait for older sessions to expire, run fewer EduBrite tasks at once, or ask EduBrite "
                "for a higher session limit." % (self.username, said),
                code=msg,
                http_status=status,
            )
        message = "EduBrite refused the login of API user %r (%s)." % (self.username, said)
        if reply is not None or msg == MSG_CONNECT_FAILED or status in (401, 403):
            return AuthenticationError(
                message + " Check api_username and api_password; EduBrite also refuses logins when "
                "too many API sessions of the site are open.",
                code=msg,
                http_status=status,
            )
        return ApiError(message, code=msg, http_status=status)

    # --- calls ---

    def call(self, service, dispatch, params, expect=(MSG_SUCCESS,), safe_to_repeat=True):
        """Post ``dispatch`` to ``service`` and return the reply's root element.

        ``params`` is an ordered list of (name, value) pairs, sent after ``dispatch`` and ``xml``.
        ``expect`` names the msg codes that mean success.  An expired session (0174) logs in again
        and repeats the call once (the call was refused, so repeating it is safe); any other failure
        raises ApiError with code = the msg code.
        """
        cookies = self._session()
        try:
            return self._call_once(service, dispatch, params, expect, safe_to_repeat, cookies)
        except ApiError as exc:
            if exc.code != MSG_SESSION_INVALID:
                raise
        cookies = self._session(expired=cookies)
        return self._call_once(service, dispatch, params, expect, safe_to_repeat, cookies, again=True)

    def _session(self, expired=None):
        """The session cookies; logs in when there is no session yet, or when ``expired`` is still
        the current one (a concurrent call may have logged in again already)."""
        with self._session_lock:
            if self._cookies is None or self._cookies == expired:
                self.login()
            return self._cookies

    def call_with(self, cookies, service, dispatch, params):
        """One read with the session cookies given, never logging in again (the tenant check's
        read with the step-1 SESSION_ID, 3.4 r3); failures raise as in ``call``."""
        self._session()
        return self._call_once(service, dispatch, params, (MSG_SUCCESS,), True, cookies)

    def _call_once(self, service, dispatch, params, expect, safe_to_repeat, cookies, again=False):
        what = "EduBrite %s" % dispatch
        form = [("dispatch", dispatch), ("xml", "true")] + list(params)
        reply = self._post(
            service, what, form, {"Cookie": cookies, HEADER_RUN_AS: self.run_as}, safe_to_repeat=safe_to_repeat
        )
        # The body is judged before the HTTP status: errors come as XML with 401/403/404 [doc].
        root = self._parse(reply, what)
        code, msg, text = self._outcome(root)
        if code == CODE_SUCCESS and (msg is None or msg in expect):
            if reply.status >= 400:
                raise ReplyError(
                    "%s: the reply says success (msg %s) with HTTP %s; not trusted." % (what, msg, reply.status),
                    http_status=reply.status,
                )
            return root
        error = AuthenticationError if msg == MSG_CONNECT_FAILED else ApiError
        raise error(self._explain(what, reply.status, code, msg, text, again), code=msg, http_status=reply.status)

    def _explain(self, what, status, code, msg, text, again):
        if code == CODE_SUCCESS:
            message = "%s: unexpected reply (HTTP %s, msg %s: %s)" % (what, status, msg, text or "no text")
        else:
            message = "%s failed (HTTP %s, msg %s: %s)" % (what, status, msg, text or "no text")
        if msg == MSG_NOT_ALLOWED:
            message += (
                ". The permissions used were those of run_as %r (sent as %s); it must name a user "
                "allowed to do this, normally a site administrator" % (self.run_as, HEADER_RUN_AS)
            )
        elif msg == MSG_SESSION_INVALID and again:
            message += ". The API session expired again right after a new login"
        return message + "."

    def _post(self, service, what, form, headers, safe_to_repeat=True):
        url = self.base + service + ".do"
        return self.transport.post(url, what, data=form, headers=headers, safe_to_repeat=safe_to_repeat)

    @staticmethod
    def _parse(reply, what):
        root = safexml.parse(reply.body, reply.status, what)
        if safexml.local(root) != "response":
            raise ReplyError(
                "%s: the reply is not an EduBrite <response> (HTTP %s). Reply begins: %s"
                % (what, reply.status, safexml.excerpt(reply.body)),
                http_status=reply.status,
            )
        return root

    @staticmethod
    def _outcome(root):
        """(response code, first msg code, its text); codes stripped, None when absent."""
        msg = safexml.path(root, "msgs", "msg")
        code = (root.get("code") or "").strip()
        if msg is None:
            return code, None, None
        return code, safexml.text(msg, "code"), safexml.text(msg, "value")

    # --- methods ---

    def list_program_members(self, prog, page_size=PAGE_SIZE, read=member_record):
        """Every member of the program, all pages (currPage from 0; from page 1 on with page 0's
        numItems and numPages, as the vendor requires), as member_record dicts (or what ``read``
        makes of each ``<member>``: a dict with at least ``user_id`` and ``username``), in a
        ``Members`` list that knows which member values the listing carries."""
        members, seen, page, totals = Members(), set(), 0, []
        while True:
            paging = [("currPage", str(page)), ("pageSize", str(page_size))] + (totals if page else [])
            listing = members_listing(self.call(REPORT_SERVICE, "listProgramMembers", list(prog) + paging))
            elements = list(safexml.children(listing, MEMBER_ELEMENT))
            members.saw(elements)
            found = [read(element) for element in elements]
            members.extend(_unseen(found, seen, page))
            if page == 0:
                totals = [(name, listing.get(name).strip()) for name in PAGING_TOTALS if listing.get(name)]
            if _last_page(listing, page, len(found), len(members), page_size):
                return members
            page += 1

    def members_of(self, prog):
        """Every member of the program; an unknown program (0004) is a ValidationError naming it."""
        try:
            return self.list_program_members(prog)
        except ApiError as exc:
            if exc.code == MSG_NOT_FOUND:
                raise ValidationError(
                    "%s: EduBrite knows no such program (%s)" % (program_label(prog), exc.message), code=exc.code
                ) from None
            raise

    def get_user(self, user_id=None, username=None, open_id=None):
        """The user named by exactly one of the keywords, as dict(user_id, username, open_id,
        status, site_role); None when EduBrite knows no such user (0004)."""
        given = [
            (kind, value)
            for kind, value in (("user_id", user_id), ("username", username), ("open_id", open_id))
            if value is not None
        ]
        if len(given) != 1:
            raise ValueError("get_user needs exactly one of user_id, username, open_id")
        kind, value = given[0]
        try:
            root = self.call(USER_SERVICE, "get", [(GET_USER_PARAMS[kind], value)])
        except ApiError as exc:
            if exc.code == MSG_NOT_FOUND:
                return None
            raise
        user = safexml.path(root, "data", "user")
        if user is None:
            raise ReplyError(
                "EduBrite get: the reply names no <user> for %s %s. Nothing was written. Reply begins: %s"
                % (GET_USER_PARAMS[kind], value, safexml.element_excerpt(root))
            )
        return dict(
            user_id=_value(user, "id"),
            username=_value(user, "userName"),
            open_id=_value(user, "openId"),
            status=_value(user, "status"),
            site_role=_value(user, "siteRole"),
        )

    @property
    def lookup_workers(self):
        """User look-ups in flight at once: LOOKUP_WORKERS times the transport's current parallelism."""
        return self._lookup_workers or LOOKUP_WORKERS * getattr(self.transport, "parallel", 2)

    @lookup_workers.setter
    def lookup_workers(self, value):
        self._lookup_workers = value

    def get_users(self, named):
        """``get_user`` for each (kind, value) of ``named``, ``lookup_workers`` at a time; the
        answers in the same order.  The first failure stops the lookups not yet started."""
        named = list(named)
        if len(named) <= 1 or self.lookup_workers <= 1:
            return [self.get_user(**{kind: value}) for kind, value in named]
        self._session()  # log in once, before the lookups start
        with ThreadPoolExecutor(max_workers=min(self.lookup_workers, len(named))) as pool:
            # map's iterator cancels the lookups not started when one of them raises
            return list(pool.map(lambda item: self.get_user(**{item[0]: item[1]}), named))

    def enroll_users_in_program(self, prog, user_param, users, send_mail):
        """Add users (``user_param`` ids or usernames) as members.  Repeating it after a lost reply
        could mail the users twice, so it is repeated only when no mail is sent."""
        if user_param not in ENROLL_USER_PARAMS:
            raise ValueError(
                "enrollUsersInProgram names users by %s, not %s" % (" or ".join(ENROLL_USER_PARAMS), user_param)
            )
        self.call(
            ENROLLMENT_SERVICE,
            "enrollUsersInProgram",
            list(prog) + [(user_param, USER_SEPARATOR.join(users)), ("sendMail", _flag(send_mail))],
            safe_to_repeat=not send_mail,
        )

    def update_program_member(self, prog, user_param, users, fields):
        """Set ``fields`` ({param: value}) for the users (``user_param`` ids, usernames or openIds).

        Absolute values, so safe to repeat.  (A removal repeated after a lost reply that had in
        fact been applied is refused with 0004; the module then reads the members to say what
        happened, which is still better than not repeating a removal that never arrived.)
        """
        if user_param not in USER_PARAMS.values():
            raise ValueError("updateProgramMember names users by ids, usernames or openIds, not %s" % user_param)
        unknown = set(fields) - set(FIELD_ORDER)
        if unknown:
            raise ValueError("updateProgramMember has no field %s" % ", ".join(sorted(unknown)))
        params = list(prog) + [(user_param, USER_SEPARATOR.join(users))]
        params += [(name, wire_value(name, fields[name])) for name in FIELD_ORDER if name in fields]
        self.call(
            ENROLLMENT_SERVICE,
            "updateProgramMember",
            params,
            expect=(MSG_MEMBER_UPDATED, MSG_SUCCESS),
            safe_to_repeat=True,
        )


def client_from(module):
    """The EduBriteClient a module's connection options describe; the password and the session
    cookies are masked in all the module's output."""
    params = module.params
    return EduBriteClient(
        Transport.from_params(params, fan_out=LOOKUP_WORKERS),
        params["site_url"],
        params["api_username"],
        params["api_password"],
        params["run_as"],
        on_secret=module.no_log_values.add,
    )
