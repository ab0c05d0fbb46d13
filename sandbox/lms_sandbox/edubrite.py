"""EduBrite: form-post API with session cookies and XML replies (contract section 2).

Everything here runs with the sandbox lock held (server.py takes it around each call).
"""

from __future__ import annotations

import math
import re
import secrets
import time
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

from . import assumptions as A
from .reply import Reply
from .state import new_member

SERVICES = {
    "enrollmentService": ("updateProgramMember", "enrollUsersInProgram"),
    "reportService": ("listProgramMembers",),
    "userService": ("get",),
}
_EPOCH_RE = re.compile(r"^-?\d+$")
_INT_RE = re.compile(r"^\d+$")
DATE_PARAMS = ("startDate", "endDate", "dueDate", "awardDate", "awardExpDate")


def now_ms():
    return int(time.time() * 1000)


def cdata(text):
    return "<![CDATA[%s]]>" % str(text).replace("]]>", "]]]]><![CDATA[>")


def response(code, msg_code, text, data=None):
    return '<response code="%s"><msgs><msg><code>%s</code><value>%s</value></msg></msgs>%s</response>' % (
        code,
        msg_code,
        cdata(text),
        "<data>%s</data>" % data if data is not None else "",
    )


def xml_reply(http_status, code, msg_code, text, data=None, headers=None):
    return Reply(http_status, response(code, msg_code, text, data), A.EDUBRITE_CONTENT_TYPE, headers)


class ApiError(Exception):
    def __init__(self, http_status, msg_code, text):
        Exception.__init__(self, text)
        self.http_status, self.msg_code, self.text = http_status, msg_code, text

    def reply(self):
        return xml_reply(self.http_status, -1, self.msg_code, self.text)


def generic(text):
    return ApiError(A.HTTP_GENERIC_ERROR, A.MSG_GENERIC_ERROR, text)


def not_found(text):
    return ApiError(A.HTTP_NOT_FOUND, A.MSG_NOT_FOUND, text)


def parse_form(body, query, content_type):
    params = {}
    for source in (query or "", body.decode("utf-8", "replace") if body else ""):
        for key, values in parse_qs(source, keep_blank_values=True).items():
            params[key] = values[-1]
    return params


def parse_cookies(header):
    cookies = {}
    for part in (header or "").split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            cookies[key.strip()] = value.strip().strip('"')
    return cookies


def service_of(path):
    """``/oltpublish/site/<service>.do`` -> service name (or None)."""
    if not path.startswith(A.EDUBRITE_PATH_PREFIX):
        return None
    rest = path[len(A.EDUBRITE_PATH_PREFIX) :]
    if not rest.endswith(".do") or "/" in rest:
        return None
    return rest[: -len(".do")]


def _update_member(member, change, now):
    """updateProgramMember on one member (2.4): dates, score, award, quit."""
    dates = change["dates"]
    member.update(dates)
    if change["score"] is not None:
        member["score"] = change["score"]
    if change["award"] is True:
        if "awardDate" not in dates and not (member["award"] and member["awardDate"] is not None):
            member["awardDate"] = now
        member["award"] = True
    elif change["award"] is False:
        member["award"] = False
        if A.AWARD_FALSE_CLEARS_AWARD_DATES:
            for name in ("awardDate", "awardExpDate"):
                if name not in dates:
                    member[name] = None
    if change["quit"]:
        member["quit"] = True
    member["status"] = "COMPLETED" if member["award"] else "ENROLLED"


def _member_date(value, iso):
    if value is None:
        return ""
    if iso:
        return time.strftime(A.MEMBER_ISO_DATE_FORMAT, time.gmtime(value / 1000.0))
    return str(value)


class EdubriteApi:
    def __init__(self, state, config):
        self.state = state
        self.config = config

    # sessions ------------------------------------------------------------------------------------

    def _purge(self, now):
        for sid in [s for s, rec in self.state.sessions.items() if rec["expires"] <= now]:
            del self.state.sessions[sid]

    def live_sessions(self, now=None):
        now = time.time() if now is None else now
        return sum(1 for s in self.state.sessions.values() if s["info"] is not None and s["expires"] > now)

    def connect(self, params, cookies):
        st = self.state
        now = time.time()
        self._purge(now)
        username = params.get("username")
        if not username:
            sid = secrets.token_hex(16)
            st.sessions[sid] = {"info": None, "user": None, "expires": now + self.config.session_ttl}
            st.issued.append(sid)
            return self._connect_reply(A.MSG_SUCCESS, A.TEXT_SESSION_STARTED, "SESSION_ID=%s; Path=/" % sid)
        sid = cookies.get("SESSION_ID")
        session = st.sessions.get(sid) if sid else None
        if session is None and A.LOGIN_REQUIRES_STEP1_COOKIE:
            return self._connect_refused(A.TEXT_CONNECT_FAILED)
        password = st.api_users.get(username)
        if password is None or not secrets.compare_digest(password, params.get("password") or ""):
            return self._connect_refused(A.TEXT_CONNECT_FAILED)
        if session["info"] is None and self.live_sessions(now) >= self.config.max_sessions:
            return self._connect_refused(A.TEXT_TOO_MANY_SESSIONS)
        info = secrets.token_hex(16)
        st.issued.append(info)
        session.update(info=info, user=username, expires=now + self.config.session_ttl)
        return self._connect_reply(A.MSG_CONNECT_OK, A.TEXT_CONNECT_OK, *self._step2_cookies(sid, info))

    def _step2_cookies(self, sid, info):
        """The cookies step 2 sets, after setting `edubrite_step2_session_id` (3.4 r3)."""
        cookies = ["SESSION_INFO=%s; Path=/" % info]
        if self.config.edubrite_step2_session_id == "new":
            # the session moves to a new SESSION_ID: the step-1 one is refused from now on
            new_sid = secrets.token_hex(16)
            self.state.issued.append(new_sid)
            self.state.sessions[new_sid] = self.state.sessions.pop(sid)
            cookies.append("SESSION_ID=%s; Path=/" % new_sid)
        return cookies

    def _connect_reply(self, msg_code, text, *cookies):
        """A successful connect step in the body form of setting `edubrite_connect_body` (2.2 r2)."""
        headers = [("Set-Cookie", cookie) for cookie in cookies]
        form = self.config.edubrite_connect_body
        if form == "xml":
            return xml_reply(200, 0, msg_code, text, headers=headers)
        return Reply(200, A.CONNECT_HTML_PAGE if form == "html" else b"", A.CONNECT_PAGE_CONTENT_TYPE, headers)

    def _connect_refused(self, text):
        """A refused login: HTTP 401 msg 0154 in the xml form; in the html / empty forms HTTP 200 with
        the same page (or no body) as a success, and no SESSION_INFO cookie (2.2 r2)."""
        form = self.config.edubrite_connect_body
        if form == "xml":
            return xml_reply(A.HTTP_CONNECT_FAILED, -1, A.MSG_CONNECT_FAILED, text)
        return Reply(200, A.CONNECT_HTML_PAGE if form == "html" else b"", A.CONNECT_PAGE_CONTENT_TYPE)

    def _check_session(self, cookies, expire_auth):
        st = self.state
        now = time.time()
        sid, info = cookies.get("SESSION_ID"), cookies.get("SESSION_INFO")
        session = st.sessions.get(sid) if sid else None
        if expire_auth and session is not None:
            del st.sessions[sid]
            session = None
        if session is None or session["info"] is None or not info or session["info"] != info:
            raise ApiError(A.HTTP_SESSION_NOT_VALID, A.MSG_SESSION_NOT_VALID, A.TEXT_SESSION_NOT_VALID)
        if session["expires"] <= now:
            del st.sessions[sid]
            raise ApiError(A.HTTP_SESSION_NOT_VALID, A.MSG_SESSION_NOT_VALID, A.TEXT_SESSION_NOT_VALID)
        if A.SESSION_TTL_IS_IDLE_TIMEOUT:
            session["expires"] = now + self.config.session_ttl

    # dispatch ------------------------------------------------------------------------------------

    def call(self, service, params, cookies, real_uname, expire_auth=False):
        try:
            if service == "connect":
                return self.connect(params, cookies)
            if service not in SERVICES:
                raise generic("Unknown service: %s" % service)
            self._check_session(cookies, expire_auth)
            name = A.real_user_name(real_uname)
            user = self.state.by_name.get(name) if name else None
            if user is None or user["siteRole"] != "SITE_ADMIN" or user["status"] != "ACTIVE":
                raise ApiError(A.HTTP_NOT_ALLOWED, A.MSG_NOT_ALLOWED, A.TEXT_NOT_ALLOWED)
            dispatch = (params.get("dispatch") or "").strip()
            if dispatch not in SERVICES[service]:
                raise generic("Unknown dispatch for %s: %s" % (service, dispatch or "(none)"))
            return getattr(self, "_d_" + dispatch)(params)
        except ApiError as err:
            return err.reply()

    # helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _param(params, name):
        value = params.get(name)
        if value is None:
            return None
        value = value.strip()
        if value == "" and A.EMPTY_PARAM_IS_ABSENT:
            return None
        return value

    def _bool(self, params, name):
        value = self._param(params, name)
        if value is None:
            return None
        if value.lower() not in ("true", "false"):
            raise generic("Invalid value for parameter %s: %s" % (name, value))
        return value.lower() == "true"

    def _program(self, params):
        st = self.state
        pid, ext = self._param(params, "programId"), self._param(params, "extId")
        if pid is None and ext is None:
            raise generic("Either programId or extId must be specified")
        prog = st.programs.get(pid) if pid is not None else st.by_ext_id.get(ext)
        if prog is None:
            raise not_found("Program not found: %s" % (pid if pid is not None else ext))
        return prog

    def _users(self, params, kinds):
        """Users named by ids / usernames / openIds (comma-separated); all must exist."""
        st = self.state
        lookups = {"ids": st.users, "usernames": st.by_name, "openIds": st.by_open_id}
        wanted = []
        for kind in kinds:
            value = self._param(params, kind)
            if value is None:
                continue
            for ref in (x.strip() for x in value.split(",")):
                if ref:
                    wanted.append((kind, ref))
        if not wanted:
            raise generic("Either %s must be specified" % " or ".join(kinds))
        users, missing, seen = [], [], set()
        for kind, ref in wanted:
            user = lookups[kind].get(ref)
            if user is None:
                missing.append(ref)
            elif user["id"] not in seen:
                seen.add(user["id"])
                users.append(user)
        if missing:
            raise not_found("User not found: %s" % ", ".join(missing))
        return users

    # enrollmentService ---------------------------------------------------------------------------

    def _d_updateProgramMember(self, params):
        prog = self._program(params)
        users = self._users(params, ("ids", "usernames", "openIds"))
        dates, score = self._dates(params), self._score(params)
        remove = self._bool(params, "remove")
        change = {
            "dates": dates,
            "score": score,
            "award": self._bool(params, "award"),
            "quit": self._bool(params, "quitProgram"),
        }
        not_members = [u["userName"] for u in users if u["id"] not in prog["members"]]
        if not_members:
            raise not_found("User is not a member of program %s: %s" % (prog["id"], ", ".join(not_members)))
        now = now_ms()
        for user in users:
            if remove:
                del prog["members"][user["id"]]
            else:
                _update_member(prog["members"][user["id"]], change, now)
        return xml_reply(200, 0, A.MSG_PM_UPDATED, A.TEXT_PM_UPDATED)

    def _dates(self, params):
        dates = {}
        for name in DATE_PARAMS:
            value = self._param(params, name)
            if value is not None:
                if not _EPOCH_RE.match(value):
                    raise generic("Invalid value for parameter %s: %s (epoch milliseconds expected)" % (name, value))
                dates[name] = int(value)
        return dates

    def _score(self, params):
        score = self._param(params, "score")
        if score is None:
            return None
        try:
            value = float(score)
        except ValueError:
            raise generic("Invalid value for parameter score: %s" % score) from None
        if math.isnan(value) or math.isinf(value):
            raise generic("Invalid value for parameter score: %s" % params.get("score"))
        return value

    def _d_enrollUsersInProgram(self, params):
        prog = self._program(params)
        users = self._users(params, ("usernames", "ids"))
        send_mail = self._bool(params, "sendMail")
        now = now_ms()
        for user in users:
            if user["id"] in prog["members"]:
                continue
            prog["members"][user["id"]] = new_member(
                user["id"], startDate=now if A.ENROLL_SETS_START_DATE_NOW else None, sendMail=send_mail
            )
            if send_mail:
                self.state.mails.append(
                    {"programId": prog["id"], "userId": user["id"], "userName": user["userName"], "time": now}
                )
        return xml_reply(200, 0, A.MSG_SUCCESS, A.TEXT_SUCCESS)

    # reportService -------------------------------------------------------------------------------

    def _int_param(self, params, name, default, low, high):
        value = self._param(params, name)
        if value is None:
            return default
        if not _INT_RE.match(value) or not (low <= int(value) <= high):
            raise generic("Invalid value for parameter %s: %s" % (name, value))
        return int(value)

    def _list_program(self, params):
        """2.4 (r2): with `edubrite_list_ext_id` = session, an extId names a program session (none here)."""
        ext = self._param(params, "extId")
        if (
            self.config.edubrite_list_ext_id == "session"
            and ext is not None
            and self._param(params, "programId") is None
        ):
            raise not_found(A.TEXT_NO_PROGRAM_SESSION % ext)
        return self._program(params)

    def _requested_page(self, params):
        """currPage, after the numItems rule of setting `edubrite_paging` (2.4 r2)."""
        page = self._int_param(params, "currPage", 0, 0, 10**9)
        num_items = self._param(params, "numItems")
        if num_items is not None and not _INT_RE.match(num_items):
            raise generic("Invalid value for parameter numItems: %s" % num_items)
        if self.config.edubrite_paging == "num_items_required" and num_items is None:
            return 0  # the vendor documents numItems as required for page 1 onwards: page 0 again
        return page

    def _d_listProgramMembers(self, params):
        prog = self._list_program(params)
        user_id = self._param(params, "userId")
        open_id = self._param(params, "openId")
        status = self._param(params, "status")
        if status is not None:
            status = status.upper()
            if status not in ("COMPLETED", "ENROLLED"):
                raise generic("Invalid value for parameter status: %s" % params.get("status"))
        page = self._requested_page(params)
        size = self._int_param(params, "pageSize", A.EDUBRITE_PAGE_SIZE_DEFAULT, 1, A.EDUBRITE_PAGE_SIZE_MAX)
        users = self.state.users
        members = []
        for member in prog["members"].values():
            if user_id is not None and member["userId"] != user_id:
                continue
            user = users[member["userId"]]
            if open_id is not None and user["openId"] != open_id:
                continue
            if status is not None and member["status"] != status:
                continue
            members.append((member, user))
        chunk = members[page * size : (page + 1) * size]
        parts = [
            '<%s numItems="%d" numPages="%d" currPage="%d" pageSize="%d">'
            % (A.PROGRAM_MEMBERS_ELEMENT, len(members), A.num_pages(len(members), size), page, size)
        ]
        parts.extend(self._member_xml(member, user) for member, user in chunk)
        parts.append("</%s>" % A.PROGRAM_MEMBERS_ELEMENT)
        return xml_reply(200, 0, A.MSG_SUCCESS, A.TEXT_SUCCESS, data="".join(parts))

    def _member_xml(self, member, user):
        """One <member>, in the layout and date form of settings `edubrite_member_layout` / `_dates`,
        without the values of `edubrite_member_missing_fields`."""
        values = {
            "userId": user["id"],
            "userName": user["userName"],
            "openId": user["openId"] or "",
            "status": member["status"],
            "quit": "true" if member["quit"] else "false",
            "award": "true" if member["award"] else "false",
            "score": A.format_score(member["score"]),
        }
        iso = self.config.edubrite_member_dates == "iso"
        for name in DATE_PARAMS:
            values[name] = _member_date(member[name], iso)
        missing = self.config.edubrite_member_missing_fields  # 3.4 (r3): values the listing never carries
        names = [name for name in A.MEMBER_ATTRIBUTES if name not in missing]
        if self.config.edubrite_member_layout == "elements":
            return "<%s>%s</%s>" % (
                A.MEMBER_ELEMENT,
                "".join("<%s>%s</%s>" % (n, escape(values[n]), n) for n in names),
                A.MEMBER_ELEMENT,
            )
        return "<%s %s/>" % (A.MEMBER_ELEMENT, " ".join("%s=%s" % (n, quoteattr(values[n])) for n in names))

    # userService ---------------------------------------------------------------------------------

    def _d_get(self, params):
        st = self.state
        for name, index in (("id", st.users), ("userName", st.by_name), ("openId", st.by_open_id)):
            value = self._param(params, name)
            if value is not None:
                user = index.get(value)
                if user is None:
                    raise not_found("User not found: %s" % value)
                break
        else:
            raise generic("One of id, userName or openId must be specified")
        data = (
            "<user id=%s siteRole=%s status=%s><userName>%s</userName><firstName>%s</firstName>"
            "<lastName>%s</lastName><email>%s</email><openId>%s</openId></user>"
            % (
                quoteattr(user["id"]),
                quoteattr(user["siteRole"]),
                quoteattr(user["status"]),
                cdata(user["userName"]),
                escape(user["firstName"] or ""),
                escape(user["lastName"] or ""),
                escape(user["email"] or ""),
                escape(user["openId"] or ""),
            )
        )
        return xml_reply(200, 0, A.MSG_SUCCESS, A.TEXT_SUCCESS, data=data)


# --- hostile replies used by fault injection -----------------------------------------------------


def hostile_xml(kind):
    from .ispring import billion_laughs_dtd

    if kind == "xxe":
        dtd, ref = '<!DOCTYPE response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"
    else:
        dtd, ref = billion_laughs_dtd("response"), "&lol9;"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n%s\n<response code="0"><msgs><msg><code>%s</code>'
        '<value>%s</value></msg></msgs><data><programMembers numItems="1" currPage="0" pageSize="100">'
        '<member userId="x" userName="x" openId="" status="ENROLLED" quit="false" award="false" '
        'score="" startDate="" endDate="" dueDate="" awardDate="" awardExpDate=""/>'
        '</programMembers><user id="x" siteRole="STUDENT" status="ACTIVE"><userName>%s</userName>'
        "</user></data></response>" % (dtd, A.MSG_PM_UPDATED, ref, ref)
    )


def malformed_xml():
    full = response(0, A.MSG_PM_UPDATED, A.TEXT_PM_UPDATED)
    return full[: len(full) * 2 // 3]
