# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safe XML parsing and date conversions, with property-based tests."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.learnops.lms.plugins.module_utils import dates, ispring_soap, safexml
from ansible_collections.learnops.lms.plugins.module_utils.errors import ReplyError, ValidationError

XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r><taskId>&x;</taskId></r>"""
BOMB = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;</l>"""


@pytest.mark.parametrize("body", [XXE, BOMB])
def test_doctypes_are_refused_and_nothing_is_read(body):
    with pytest.raises(ReplyError) as caught:
        safexml.parse(body, 200, "test")
    assert "DOCTYPE" in caught.value.message
    assert "root:" not in caught.value.message


def test_size_cap(monkeypatch):
    monkeypatch.setattr(safexml, "MAX_REPLY_BYTES", 10)
    with pytest.raises(ReplyError, match="larger than"):
        safexml.parse(b"<r>0123456789</r>", 200, "test")


def test_fields_reads_a_record_in_one_pass():
    root = safexml.parse(b'<a:r xmlns:a="u1"><a:x> 1 </a:x><y/><z>  </z><x>2</x><!-- c --></a:r>', 200, "t")
    assert safexml.fields(root) == {"x": "1", "y": None, "z": None}


def test_lookups_ignore_namespaces_and_order():
    root = safexml.parse(b'<a:r xmlns:a="u1" xmlns:b="u2"><b:y>2</b:y><a:x> 1 </a:x><x>3</x></a:r>', 200, "t")
    assert safexml.text(root, "x") == "1"
    assert [e.text for e in safexml.children(root, "x")] == [" 1 ", "3"]
    assert safexml.path(root, "y") is not None and safexml.path(root, "z", "y") is None
    assert safexml.children(None, "x") == []


@given(st.binary(max_size=300))
def test_parse_never_raises_anything_but_reply_error(body):
    try:
        safexml.parse(body, 200, "fuzz")
    except ReplyError as exc:
        assert "fuzz" in exc.message


_words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@given(st.lists(st.tuples(_words, st.integers(min_value=0, max_value=100)), max_size=5))
def test_learner_results_round_trip(rows):
    def esc(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    items = "".join(
        "<learnerResult><enrollmentId>%s</enrollmentId><progress>%d</progress>"
        "<completionStatus>PASSED</completionStatus></learnerResult>" % (esc(e), p)
        for e, p in rows
    )
    body = (
        "<Envelope><Body><ListLearnersResultsResult><results>%s</results></ListLearnersResultsResult></Body></Envelope>"
    )
    body %= items
    root = safexml.parse(body.encode(), 200, "t")
    results = [
        ispring_soap.learner_result(r)
        for r in safexml.children(safexml.path(root, "Body", "ListLearnersResultsResult", "results"), "learnerResult")
    ]
    assert [(r.enrollment_id, r.progress, r.status) for r in results] == [
        (e.strip() or None, p, "passed") for e, p in rows
    ]


def test_to_epoch_ms_forms():
    assert dates.to_epoch_ms("2026-01-05", "d") == 1767571200000
    assert dates.to_epoch_ms(datetime.date(2026, 1, 5), "d") == 1767571200000
    assert dates.to_epoch_ms("2026-01-05T01:00:00+01:00", "d") == 1767571200000
    assert dates.to_epoch_ms("2026-01-05T00:00:00Z", "d") == 1767571200000
    assert dates.to_epoch_ms("1495163497116", "d") == 1495163497116
    assert dates.to_epoch_ms(1495163497116, "d") == 1495163497116
    assert dates.to_epoch_ms("2026-01-05", "d", dates.timezone("Europe/Berlin")) == 1767567600000


@pytest.mark.parametrize("value", ["05/01/2026", "2026-13-01", "yesterday", True, "2026-02-30"])
def test_bad_dates_name_the_option(value):
    with pytest.raises(ValidationError) as caught:
        dates.to_epoch_ms(value, "members[2].start_date")
    assert "members[2].start_date" in caught.value.message


def test_unknown_timezone():
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        dates.timezone("Mars/Olympus")


_zones = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])


@given(st.integers(min_value=0, max_value=4102444800000), _zones)
def test_epoch_ms_survives_iso_round_trip(millis, zone):
    tz = dates.timezone(zone)
    assert dates.to_epoch_ms(dates.from_epoch_ms(millis, tz), "d") == millis


@given(st.dates(min_value=datetime.date(1971, 1, 1), max_value=datetime.date(2100, 12, 31)), _zones)
def test_a_bare_date_is_midnight_in_the_timezone(day, zone):
    tz = dates.timezone(zone)
    millis = dates.to_epoch_ms(day.isoformat(), "d", tz)
    local = datetime.datetime.fromtimestamp(millis / 1000, tz)
    assert (local.date(), local.hour, local.minute) == (day, 0, 0)
    assert dates.iso_date(day.isoformat(), "d") == day.isoformat()
    assert dates.date_of(dates.from_epoch_ms(millis, tz)) == day.isoformat()
