# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iSpring Learn tenant check: the points of contract revision 3 (section 3) that the modules now
depend on, settled by reads only (``RestPoints``, mixed into ``ispring_check.IspringCheck``):
``GET /enrollments`` of the course, the spelling of array query parameters, the longest request
line served, the forms of dates, the body of a 401, the form of a user's ``fields``, a made-up
course over both interfaces; and ``duePeriod``'s unit, which no read can settle.

Every request goes through the clients' wire code (``RestClient.request``, ``SoapClient.call``);
the query parameters are spelled with the client's own constants (``ARRAY_PARAM``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from ansible_collections.learnops.lms.plugins.module_utils import safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import ApiError, LmsError, ReplyError
from ansible_collections.learnops.lms.plugins.module_utils.ispring import PAGE_SIZE
from ansible_collections.learnops.lms.plugins.module_utils.ispring_rest import (
    ARRAY_PARAM,
    ENROLLED_BY_ADMIN,
    ENROLLMENTS,
    FIELD_LIST,
    LEARNER_RESULTS,
    MAX_QUERY_BYTES,
    USER_ID_FILTER,
    USERS,
    USERS_BY_ID,
    RestClient,
    _enrollment,
    _user,
    _xml_filter,
)
from ansible_collections.learnops.lms.plugins.module_utils.ispring_soap import ids, list_items
from ansible_collections.learnops.lms.plugins.module_utils.tenant_check import DIFFERS, HOLDS, NOT_CHECKED

# One page of the course's enrollments: enough to see the filter, the fields and the date forms.
ENROLLMENT_SAMPLE = 100
# Made-up ids, recognisably so: a listing filtered by them matches nothing.
MADE_UP_ID = "00000000-0000-4000-8000-%012d"
UNKNOWN_COURSE_ID = MADE_UP_ID % 0
# 3.1 (r3) [assumed]: front ends commonly refuse request lines over 8 KB; about 200 ids make one.
LONG_LINE_IDS = 200
LINE_LIMIT = 8192
# The most logins or emails looked up in one read (the modules cut longer filters; the check needs few).
MOST_LOOKUPS = 20
# The forms of a date as read (3.1 r3), in the order tried: (pattern, name).
DATE_FORMS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date only"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ][\d:.]+$"), "zone-less date-time"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ][\d:.]+[Zz]$"), "with Z (UTC)"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ][\d:.]+([+-]\d{2}:?\d{2})$"), "with offset %s"),
)
UTC_FORMS = ("with Z (UTC)", "with offset +00:00", "with offset +0000", "with offset -00:00")
ENROLLMENT_FIELDS = ("enrollmentId", "courseId", "learnerId", "accessDate", "shouldLockAfterDueDate")
REPORT = "report it with the saved replies (save_replies)"
REST_POINTS = (
    "enrollments_listing",
    "rest_array_params",
    "rest_url_length",
    "rest_dates",
    "rest_unauthorized",
    "rest_user_fields",
    "rest_users_by_post",
)


@dataclass
class Read:
    """What one REST read answered: the listed items, or why none (``error``; ``status`` the HTTP
    status when there was a reply)."""

    items: list = field(default_factory=list)
    users: list = field(default_factory=list)
    more: bool = False
    error: str | None = None
    status: int | None = None


def date_form(value):
    """The form of a date as read: ``date only``, ``zone-less date-time``, ``with Z (UTC)``,
    ``with offset -05:00``, or ``unreadable``."""
    text = str(value).strip()
    for pattern, name in DATE_FORMS:
        found = pattern.match(text)
        if found:
            return name % found.group(1) if "%s" in name else name
    return "unreadable"


def _forms(values):
    """``zone-less date-time 2 (e.g. 2020-06-30 14:12:00)``, one per form seen, in order of appearance."""
    seen = {}
    for value in values:
        seen.setdefault(date_form(value), []).append(value)
    return ", ".join("%s %d (e.g. %s)" % (form, len(found), found[0]) for form, found in seen.items())


def _sentence(text):
    text = (text or "").rstrip()
    return text if text.endswith(".") else text + "."


class RestPoints:
    """The revision-3 points of the iSpring tenant check (contract section 3)."""

    def rest_points(self, soap, rest, rest_side):
        """Every revision-3 point, in the order of POINTS; ``rest_side``: the course as the
        SOAP/REST comparison read it over REST."""
        results = list((rest_side.results or {}).values())
        enrollment_ids = self._enrollments_listing(rest)
        self._array_params(rest, sorted(set(enrollment_ids) | {r.enrollment_id for r in results if r.enrollment_id}))
        self._url_length(rest)
        self._dates(results, rest_side.error)
        self._unauthorized()
        self._user_fields(rest)
        self._users_by_post(rest)
        self._unknown_course(soap, rest)
        self.check(
            "due_period_unit",
            NOT_CHECKED,
            "duePeriod's unit cannot be read without a write: an enrollment is listed with its due date, not "
            "the due period it was made with, and this check writes nothing.",
            "Check it by hand on a test course: enroll a test learner with learnops.lms.course_enrollment "
            "(due_date_type: due_period, due_period: 2, not in check mode), then look at the enrollment "
            "(course_enrollment_info, or the learner's enrollment in iSpring Learn). A due date 2 days after "
            "the access date means the modules' conversion (days x 24 hours on the wire) holds; a due date 2 "
            "hours after it (the same day) means this tenant counts duePeriod in days: report it. An existing "
            "enrollment made in iSpring Learn with a due period of N days tells the same: due date = access "
            "date + N days.",
        )

    # --- reads ---

    def _read(self, rest, path, key, params):
        """One page of a REST listing, whatever it answers, as a Read."""
        what = "iSpring GET %s" % path
        try:
            answer = rest.request("GET", path, what, params=params)
        except LmsError as exc:
            last = self.transport.last
            return Read(error=exc.message, status=last.status if last else None)
        status = self.transport.last.status
        if not isinstance(answer, dict) or not isinstance(answer.get(key), list):
            found = safexml.excerpt(json.dumps(answer))
            return Read(error="%s: the reply is not a listing (no %r list): %s" % (what, key, found), status=status)
        return Read(items=answer[key], more=bool(answer.get("nextPageToken")), status=status)

    # --- enrollments_listing (3.1 r3) ---

    def _enrollments_listing(self, rest):
        """Checks GET /enrollments of the course; returns the enrollment IDs it listed."""
        course = self.params["course_id"]
        tried = []
        for name in (ARRAY_PARAM % "courseIds", "courseIds"):
            read = self._read(rest, ENROLLMENTS, "enrollments", [(name, course), ("pageSize", str(ENROLLMENT_SAMPLE))])
            tried.append((name, read))
            if _of_course(read, course):
                break
        read = tried[-1][1]
        self._listing_verdict(tried, course)
        return [str(item.get("enrollmentId")) for item in read.items if isinstance(item, dict)]

    def _listing_verdict(self, tried, course):
        """enrollments_listing, from the spellings tried in turn ([(name, read)], the one that
        listed the course's enrollments last, if any)."""
        name, read = tried[-1]
        if tried[0][1] is read and _of_course(read, course):
            self._enrollments_verdict(read)
        elif _of_course(read, course):
            self.check(
                "enrollments_listing",
                DIFFERS,
                "%s; only %s= filters: %s." % (_listing_text(*tried[0], course), name, _enrollment_forms(read)),
                "The modules send courseIds[]= (ARRAY_PARAM in plugins/module_utils/ispring_rest.py), so "
                "course_enrollment and course_enrollment_info read the wrong enrollments here: do not use them on "
                "this tenant, and %s." % REPORT,
            )
        elif all(not r.error and not r.items for _name, r in tried):
            self.check(
                "enrollments_listing",
                NOT_CHECKED,
                "The course lists no enrollment with courseIds[]= or courseIds=.",
                "Choose a course with learners (an unknown course may list nothing too: see unknown_course).",
            )
        else:
            self.check(
                "enrollments_listing",
                DIFFERS,
                "; ".join(_listing_text(n, r, course) for n, r in tried) + ".",
                "course_enrollment and course_enrollment_info cannot read this course's enrollments: check that "
                "the API account may read it, and %s." % REPORT,
            )

    def _enrollments_verdict(self, read):
        try:
            for item in read.items:
                _enrollment(item, "iSpring GET %s" % ENROLLMENTS)
        except ReplyError as exc:
            self.check(
                "enrollments_listing",
                DIFFERS,
                exc.message,
                "course_enrollment and course_enrollment_info fail on this listing: %s." % REPORT,
            )
            return
        observed = "courseIds[]= lists %s. %s." % (_count(read), _enrollment_forms(read))
        grouped = [item for item in read.items if item.get("enrollmentTypeGroup") not in (None, "")]
        if len(grouped) < len(read.items):
            self.check(
                "enrollments_listing",
                DIFFERS,
                observed,
                "Without enrollmentTypeGroup, exclusive: true of course_enrollment removes no enrollment (it removes "
                "only those an administrator made, group %d): %s." % (ENROLLED_BY_ADMIN, REPORT),
            )
            return
        self.check("enrollments_listing", HOLDS, observed)

    # --- rest_array_params (3.1 r3) ---

    def _array_params(self, rest, known):
        if len(known) < 2:
            self.check(
                "rest_array_params",
                NOT_CHECKED,
                "The course gave %d enrollment ID(s) over REST: two are needed." % len(known),
                "Choose a course with two learners or more.",
            )
            return
        pair = known[:2]
        found = []
        for name in (ARRAY_PARAM % "enrollmentIds", "enrollmentIds"):
            read = self._read(
                rest, LEARNER_RESULTS, "results", [(name, value) for value in pair] + [("pageSize", "10")]
            )
            found.append((name, _pair_outcome(read, pair)))
        observed = "Two enrollment IDs of the course sent as %s." % "; as ".join(
            "%s=a&%s=b returned %s" % (name, name, outcome) for name, outcome in found
        )
        brackets, bare = found[0][1], found[1][1]
        if brackets == "both" and bare == "both":
            self.check("rest_array_params", HOLDS, observed + " This tenant takes both spellings.")
        elif brackets == "both":
            self.check(
                "rest_array_params",
                HOLDS,
                observed + " This tenant parses queries the PHP way: only name[]= is an array (the modules' spelling).",
            )
        else:
            self.check(
                "rest_array_params",
                DIFFERS,
                observed,
                "The modules send every array as name[]= (ARRAY_PARAM in plugins/module_utils/ispring_rest.py), and "
                "this tenant loses values of it: REST filters of several values read too little. Keep api: soap "
                "(the default) for course_status and course_status_info, do not use course_enrollment here, and %s."
                % REPORT,
            )

    # --- rest_url_length (3.1 r3) ---

    def _url_length(self, rest):
        long_line, long_read = self._line_read(rest, LONG_LINE_IDS)
        if not long_read.error:
            self.check(
                "rest_url_length",
                HOLDS,
                "A request line of %d bytes (%d made-up user IDs) was served (HTTP %s): this tenant takes lines over "
                "8 KB." % (long_line, LONG_LINE_IDS, long_read.status),
                "Nothing to set: the modules keep every query under %d bytes anyway." % MAX_QUERY_BYTES,
            )
            return
        count = self._most_ids()
        line, read = self._line_read(rest, count)
        observed = "A request line of %d bytes (%d made-up user IDs) was refused (%s); one of %d bytes (%d IDs, " % (
            long_line,
            LONG_LINE_IDS,
            _refusal(long_read),
            line,
            count,
        )
        if not read.error:
            self.check(
                "rest_url_length",
                HOLDS,
                observed + "as long as the modules send) was served (HTTP %s)." % read.status,
                "Nothing to set: the modules cut their filters into requests whose query stays under %d bytes."
                % MAX_QUERY_BYTES,
            )
            return
        self.check(
            "rest_url_length",
            DIFFERS,
            observed + "as long as the modules send) was refused too (%s)." % _refusal(read),
            "REST tasks naming many learners may be refused on this tenant: name fewer learners per task (about "
            "50), and %s (MAX_QUERY_BYTES in plugins/module_utils/ispring_rest.py is the modules' longest query)."
            % REPORT,
        )

    def _line_params(self, count):
        prefix = [(ARRAY_PARAM % "courseIds", self.params["course_id"])]
        made_up = [(ARRAY_PARAM % "userIds", MADE_UP_ID % (number + 1)) for number in range(count)]
        return prefix + made_up + [("pageSize", "1")]

    def _line_read(self, rest, count):
        """(the request line's length in bytes, the Read) of a results listing filtered by ``count``
        made-up user IDs."""
        params = self._line_params(count)
        path = urlsplit(self.params["api_url"]).path.rstrip("/") + LEARNER_RESULTS
        line = len("GET %s?%s HTTP/1.1" % (path, urlencode(params)))
        return line, self._read(rest, LEARNER_RESULTS, "results", params)

    def _most_ids(self):
        """How many made-up user IDs fit in the longest query the modules send."""
        count = 1
        while len(urlencode(self._line_params(count + 1))) <= MAX_QUERY_BYTES:
            count += 1
        return count

    # --- rest_dates (3.1 r3) ---

    def _dates(self, results, error):
        completion, access = _dates_of(results, "completion_date"), _dates_of(results, "access_date")
        if not completion and not access:
            self.check(
                "rest_dates",
                NOT_CHECKED,
                "REST read no date: %s" % (_sentence(error) if error else "no result of the course carries one."),
                "Choose a course with learners who completed it.",
            )
            return
        observed = "GET /learners/results writes completionDate %s; accessDate %s" % (
            _forms(completion) if completion else "never",
            _forms(access) if access else "never",
        )
        self._dates_verdict(observed, {date_form(value) for value in completion + access})

    def _dates_verdict(self, observed, forms):
        if "unreadable" in forms:
            self.check(
                "rest_dates",
                DIFFERS,
                observed + ".",
                "The modules read a date's first ten characters (YYYY-MM-DD), and these dates have none: %s." % REPORT,
            )
        elif forms <= set(UTC_FORMS):
            self.check(
                "rest_dates",
                HOLDS,
                observed + ": the account writes UTC.",
                "Nothing to set: the modules send dates without a zone and compare calendar days.",
            )
        else:
            self.check(
                "rest_dates",
                HOLDS,
                observed + ": the account writes its own local time.",
                "Nothing to set: the modules send dates without a zone (recorded on the account's own day) and "
                "compare calendar days as written, so a date does not move a day west of UTC.",
            )

    # --- rest_unauthorized (3.2 r3) ---

    def _unauthorized(self):
        invalid = RestClient(self.transport, self.params["api_url"], token=self.invalid_token)
        params = [(ARRAY_PARAM % "courseIds", self.params["course_id"]), ("pageSize", "1")]
        read = self._read(invalid, LEARNER_RESULTS, "results", params)
        reply = self.transport.last.reply
        if reply is None:
            observed = "A REST read with a made-up token got no reply: %s" % _sentence(read.error)
            self.check("rest_unauthorized", NOT_CHECKED, observed)
            return
        observed = "A REST read with a made-up token answered HTTP %s with %s." % (reply.status, _body_form(reply.body))
        if reply.status == 401:
            self.check(
                "rest_unauthorized",
                HOLDS,
                observed,
                "Nothing to set: the modules renew the token on any HTTP 401, whatever its body.",
            )
            return
        self.check(
            "rest_unauthorized",
            DIFFERS,
            observed,
            "The modules renew a REST token only on HTTP 401, so a REST run longer than a token's lifetime may fail "
            "here: give client_id and client_secret (not a token), keep runs short, and %s." % REPORT,
        )

    # --- rest_user_fields (3.2 r3) ---

    def _user_fields(self, rest):
        wanted = [(kind, sorted(set(self.params[kind]))[:MOST_LOOKUPS]) for kind in ("logins", "emails")]
        wanted = [(kind, values) for kind, values in wanted if values]
        try:
            items, users, found_by, lookups = self._named_users(rest, wanted)
        except _Unread as exc:
            self._user_fields_failed(exc.error)
            return
        if not items:
            self.check(
                "rest_user_fields",
                NOT_CHECKED,
                "GET /users listed no user%s." % (" for the logins and emails given" if lookups else ""),
                "Give logins or emails of active learners (options logins, emails).",
            )
            return
        observed = _fields_text(list(items.values()), list(users.values()))
        observed += "".join("; " + text for text, _missing in lookups)
        if len(found_by) == 2:
            observed += "; " + self._filter_join(rest, wanted, found_by)
        self._user_fields_verdict(observed, any(missing for _text, missing in lookups))

    def _user_fields_verdict(self, observed, some_missing):
        if some_missing:
            self.check(
                "rest_user_fields",
                DIFFERS,
                observed + ".",
                "Learners named by these are not found over REST: check that they are exact and name active "
                "users; if SOAP finds them (soap_rest_results), %s." % REPORT,
            )
        else:
            self.check("rest_user_fields", HOLDS, observed + ".", "Nothing to set: the modules read every form.")

    def _named_users(self, rest, wanted):
        """({user ID: item}, {user ID: user}, {kind: IDs found}, [lookup text]) of one listing per kind
        named (or one unfiltered page); raises _Unread when a listing cannot be read."""
        items, users, found_by, lookups = {}, {}, {}, []
        for kind, values in wanted or [("", [])]:
            read = self._users_read(rest, [(kind, values)])
            if read.error:
                raise _Unread(read.error)
            items.update((user.user_id, item) for user, item in zip(read.users, read.items, strict=True))
            users.update((user.user_id, user) for user in read.users)
            if kind:
                found_by[kind] = _ids_found(kind, values, read.users)
                lookups.append(_lookup(kind, values, read.users))
        return items, users, found_by, lookups

    def _users_read(self, rest, filters):
        """A GET /users read (one page), its users also read as the modules read them."""
        params = [(ARRAY_PARAM % kind, value) for kind, values in filters if kind for value in values]
        read = self._read(rest, USERS, "userProfiles", params + [("pageSize", str(PAGE_SIZE if params else 1))])
        if not read.error:
            try:
                read.users = [_user(item, "iSpring GET %s" % USERS) for item in read.items]
            except ReplyError as exc:
                read.error = exc.message
        return read

    def _user_fields_failed(self, error):
        self.check(
            "rest_user_fields",
            DIFFERS,
            error,
            "Over REST, learners named by login or email cannot be found on this tenant: name them by user_id, or "
            "keep api: soap (the default) where the module has it, and %s." % REPORT,
        )

    def _filter_join(self, rest, wanted, found_by):
        """How one listing with both logins and emails joins them (the modules list them apart)."""
        read = self._users_read(rest, wanted)
        if read.error:
            return "logins and emails in one listing: %s" % _sentence(read.error).rstrip(".")
        return _join_text({user.user_id for user in read.users}, found_by["logins"], found_by["emails"])

    # --- rest_users_by_post (3.1, 3.3 r3 [assumed]) ---

    def _users_by_post(self, rest):
        """POST /users/v2 with two made-up user IDs in an XML body: served (lists nobody), reading no
        filter from the body (lists someone), or refused.  The modules go by GET listings unless served."""
        made_up = [MADE_UP_ID % (number + 1) for number in range(2)]
        what = "iSpring POST %s" % USERS_BY_ID
        try:
            answer = rest.request("POST", USERS_BY_ID, what, body=_xml_filter(USER_ID_FILTER, made_up))
        except LmsError as exc:
            last = self.transport.last
            read = Read(error=exc.message, status=last.status if last else None)
            return self._by_get("was refused (%s)" % _refusal(read))
        listed = answer.get("userProfiles") if isinstance(answer, dict) else None
        if not isinstance(listed, list):
            return self._by_get("answered no listing: %s" % safexml.excerpt(json.dumps(answer)))
        if listed:
            return self._by_get("listed %d user(s): this tenant reads no filter from the body" % len(listed))
        self.check(
            "rest_users_by_post",
            HOLDS,
            "POST /users/v2 with two made-up user IDs in an XML body listed nobody (HTTP %s): this tenant serves "
            "ListUsersV2ByPost." % self.transport.last.status,
            "Nothing to set: a long look-up of users goes as one request (as GET listings where a reply pages).",
        )
        return None

    def _by_get(self, outcome):
        self.check(
            "rest_users_by_post",
            HOLDS,
            "POST /users/v2 with two made-up user IDs in an XML body %s." % outcome,
            "Nothing to set: the modules look users up by GET listings here, one request per about %d bytes of "
            "filter (USERS_BY_POST in plugins/module_utils/ispring_rest.py)." % MAX_QUERY_BYTES,
        )

    # --- unknown_course (3.2 r3) ---

    def _unknown_course(self, soap, rest):
        soap_form = self._soap_unknown(soap) if soap is not None else (None, "not read (SOAP cannot be used)")
        params = [(ARRAY_PARAM % "courseIds", UNKNOWN_COURSE_ID), ("pageSize", "1")]
        rest_form = _unknown_form(self._read(rest, LEARNER_RESULTS, "results", params))
        observed = "A made-up course ID (%s) read over SOAP: %s; over REST: %s." % (
            UNKNOWN_COURSE_ID,
            soap_form[1],
            rest_form[1],
        )
        kinds = {soap_form[0], rest_form[0]} - {None}
        if "other" in kinds or not kinds:
            self.check(
                "unknown_course",
                DIFFERS if kinds else NOT_CHECKED,
                observed,
                "The modules take an unknown course to answer an error or an empty listing: %s." % REPORT,
            )
        elif "empty" in kinds:
            self.check(
                "unknown_course",
                HOLDS,
                observed,
                "Nothing to set, but mind your course IDs: here a mistyped course_id lists nothing instead of "
                "failing, so course_status_info and course_enrollment_info only warn that the course lists nothing, "
                "and the other modules report its learners as not enrolled.",
            )
        else:
            self.check("unknown_course", HOLDS, observed, "Nothing to set: an unknown course_id fails the task.")

    def _soap_unknown(self, soap):
        """(kind, text) of a SOAP read of the made-up course."""
        try:
            result = soap.call("ListLearnersResults", [("courseIds", ids("id", [UNKNOWN_COURSE_ID])), ("pageSize", 1)])
            listed, _token = list_items(result, "ListLearnersResults")
        except ApiError as exc:
            return "error", "an error (the fault %s)" % (exc.code or "without a fault string")
        except LmsError as exc:
            return "other", "an unreadable reply (%s)" % _sentence(exc.message).rstrip(".")
        if listed:
            return "other", "%d result(s) of a course that does not exist" % len(listed)
        return "empty", "an empty listing"


def _of_course(read, course):
    """The read listed enrollments, all of this course (the filter was honoured)."""
    return bool(read.items) and all(isinstance(i, dict) and str(i.get("courseId")) == course for i in read.items)


def _count(read):
    return "%d enrollment(s)%s" % (len(read.items), " (the first page)" if read.more else "")


def _listing_text(name, read, course):
    if read.error:
        return "%s= answered %s" % (name, _sentence(read.error).rstrip("."))
    if not read.items:
        return "%s= lists nothing" % name
    others = sum(1 for item in read.items if not isinstance(item, dict) or str(item.get("courseId")) != course)
    if others:
        return "%s= lists %s, %d of other courses (the filter is ignored)" % (name, _count(read), others)
    return "%s= lists %s of the course" % (name, _count(read))


class _Unread(Exception):
    """A listing the check could not read; ``error`` says why."""

    def __init__(self, error):
        Exception.__init__(self, error)
        self.error = error


def _enrollment_forms(read):
    """The fields, date forms and enrollmentTypeGroup of listed enrollments, in words."""
    items = [item for item in read.items if isinstance(item, dict)]
    names = sorted({name for item in items for name in item})
    missing = [name for name in ENROLLMENT_FIELDS if name not in names]
    text = "Fields: %s%s" % (", ".join(names), "; never %s" % ", ".join(missing) if missing else "")
    for name in ("accessDate", "dueDate"):
        text += "; %s %s" % (name, _date_forms(items, name))
    return text + "; " + _type_groups(items)


def _date_forms(items, name):
    values = [item[name] for item in items if item.get(name)]
    return _forms(values) if values else "never set"


def _type_groups(items):
    """How many enrollments carry enrollmentTypeGroup, and with which values, in words."""
    groups = Counter(str(i["enrollmentTypeGroup"]) for i in items if i.get("enrollmentTypeGroup") not in (None, ""))
    shown = ", ".join("%s: %d" % pair for pair in sorted(groups.items()))
    return "enrollmentTypeGroup in %d of %d%s" % (sum(groups.values()), len(items), " (%s)" % shown if shown else "")


def _pair_outcome(read, pair):
    """What a listing filtered by two IDs returned, in words."""
    if read.error:
        return "an error (%s)" % _sentence(read.error).rstrip(".")
    listed = {str(item.get("enrollmentId")) for item in read.items if isinstance(item, dict)}
    if listed - set(pair):
        return "other enrollments too (the filter is ignored)"
    if listed == set(pair):
        return "both"
    if not listed:
        return "none"
    return "only the %s" % ("last" if pair[-1] in listed else "first")


def _refusal(read):
    if read.status is None:
        return "no reply: %s" % _sentence(read.error).rstrip(".")
    return "HTTP %s" % read.status


def _body_form(body):
    """A 401's body in words: empty, a JSON ErrorResponse, other JSON, an HTML page or text."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return "an empty body"
    try:
        answer = json.loads(text)
    except ValueError:
        kind = "an HTML page" if text.startswith("<") else "a text body"
        return "%s (%s)" % (kind, safexml.excerpt(text))
    if isinstance(answer, dict) and "code" in answer and "message" in answer:
        return "a JSON ErrorResponse (code %s, message %s)" % (
            json.dumps(answer["code"]),
            json.dumps(answer["message"]),
        )
    return "JSON that is not an ErrorResponse (%s)" % safexml.excerpt(text)


def _fields_text(items, users):
    """The form of the users' `fields`, the names they carry, and how many logins and emails the
    modules read from them, in words."""
    forms, names = Counter(), set()
    for item in items:
        form, fields = _fields_form(item.get("fields"))
        forms[form] += 1
        names.update(_field_names(fields))
    return "%d user(s) listed, their fields as %s, with the names %s; login readable for %d, email for %d" % (
        len(items),
        ", ".join("%s (%d)" % pair for pair in forms.items()),
        ", ".join(sorted(names)) or "none",
        sum(1 for user in users if user.login),
        sum(1 for user in users if user.email),
    )


def _dates_of(results, name):
    return [getattr(result, name) for result in results if getattr(result, name)]


def _field_names(fields):
    """The names of a user's fields (an object, or name/value pairs)."""
    if isinstance(fields, dict):
        return [str(name) for name in fields]
    return [str(pair.get("name")) for pair in fields if isinstance(pair, dict)]


def _fields_form(fields):
    """(the form's name, the object or the list of pairs) of a user's `fields` (3.2 r3)."""
    if isinstance(fields, dict) and isinstance(fields.get(FIELD_LIST), list):
        return 'name/value pairs under "%s"' % FIELD_LIST, fields[FIELD_LIST]
    if isinstance(fields, list):
        return "name/value pairs", fields
    if isinstance(fields, dict):
        return "an object", fields
    return "neither an object nor pairs", []


def _lookup(kind, values, users):
    """(text, values not found) of a lookup by logins or emails."""
    missing = _missing(kind, values, users)
    text = "%s: %d of %d found" % (kind, len(values) - len(missing), len(values))
    if missing:
        text += " (not found: %s)" % ", ".join(missing)
    return text, missing


def _key(kind, user):
    value = user.login if kind == "logins" else user.email
    return None if value is None else (value if kind == "logins" else value.lower())


def _missing(kind, values, users):
    found = {_key(kind, user) for user in users}
    return [value for value in values if (value if kind == "logins" else value.lower()) not in found]


def _ids_found(kind, values, users):
    wanted = {value if kind == "logins" else value.lower() for value in values}
    return {user.user_id for user in users if _key(kind, user) in wanted}


def _join_text(both, by_login, by_email):
    if by_login == by_email:
        return "logins and emails in one listing: cannot tell AND from OR (they name the same users)"
    if both == by_login | by_email:
        return "logins and emails in one listing are OR-ed (the modules list them apart anyway)"
    if both == by_login & by_email:
        return "logins and emails in one listing are AND-ed (the modules list them apart)"
    return "logins and emails in one listing found %d user(s), neither AND nor OR of the two" % len(both)


def _unknown_form(read):
    """(kind, text) of a REST read of the made-up course: error, empty, other."""
    if read.error and read.status is not None and read.status >= 400 and "not JSON" not in read.error:
        return "error", "an error (HTTP %s: %s)" % (read.status, _message(read.error))
    if read.error:
        return "other", "an unreadable reply (%s)" % _sentence(read.error).rstrip(".")
    if read.items:
        return "other", "%d result(s) of a course that does not exist" % len(read.items)
    return "empty", "an empty listing"


def _message(error):
    """The service's words in a REST error message ("… failed: HTTP 400: <words>.")."""
    return _sentence(error.split(": HTTP ", 1)[-1].split(": ", 1)[-1]).rstrip(".")
