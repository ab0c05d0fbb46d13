# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Date conversions shared by the modules: ISO 8601 in, ISO 8601 and epoch milliseconds out."""

from __future__ import annotations

import datetime
import re

from ansible_collections.learnops.lms.plugins.module_utils.errors import ValidationError

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover - Python < 3.9 is not a controller Python any more
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH_MS = re.compile(r"^-?\d{1,15}$")
UTC = datetime.timezone.utc


def timezone(name):
    """The tzinfo for an IANA name such as ``Europe/Berlin``."""
    if name in (None, "", "UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "timezone: %r is not a known IANA time zone name (for example UTC or Europe/Berlin)." % (name,)
        ) from None


def _parse_date(text, what):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError("%s: %r is not a valid date; use YYYY-MM-DD." % (what, text)) from None


def iso_date(value, what):
    """A calendar date as ``YYYY-MM-DD`` from a date, or a string in that form."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if not _DATE.match(text):
        raise ValidationError("%s: %r is not a date; use YYYY-MM-DD (for example 2020-07-22)." % (what, value))
    return _parse_date(text, what).isoformat()


def to_epoch_ms(value, what, tz=UTC):
    """Epoch milliseconds from epoch ms, an ISO date (midnight in ``tz``) or an ISO date-time.

    A date-time without an offset is taken in ``tz``.
    """
    if isinstance(value, bool):
        raise ValidationError("%s: %r is not a date." % (what, value))
    if isinstance(value, int):
        return value
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if _EPOCH_MS.match(text):
            return int(text)
        if _DATE.match(text):
            day = _parse_date(text, what)
            moment = datetime.datetime(day.year, day.month, day.day)
        else:
            try:
                moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                raise ValidationError(
                    "%s: %r is not a date; use YYYY-MM-DD, an ISO 8601 date-time such as "
                    "2026-01-05T09:00:00+01:00, or epoch milliseconds." % (what, value)
                ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return int(round(moment.timestamp() * 1000))


def from_epoch_ms(millis, tz=UTC):
    """ISO 8601 date-time (with offset, in ``tz``) for epoch milliseconds; None stays None."""
    if millis is None:
        return None
    moment = datetime.datetime.fromtimestamp(millis / 1000.0, tz)
    return moment.isoformat(timespec="milliseconds" if millis % 1000 else "seconds")


def date_of(timestamp):
    """The ``YYYY-MM-DD`` part of an ISO date or date-time from an API reply; None if empty."""
    if not timestamp:
        return None
    text = str(timestamp).strip()
    if len(text) >= 10 and _DATE.match(text[:10]):
        return text[:10]
    return None
