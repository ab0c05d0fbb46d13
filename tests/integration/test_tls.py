# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS against the sandbox over HTTPS with a self-signed certificate."""

from __future__ import annotations

import pytest

from .runner import player

pytestmark = pytest.mark.any_line  # its subject is module_utils: run on one line (conftest.py)

COURSE = "14b847e8-c10f-11ea-b4e1-ae33e75597e9"


@pytest.fixture
def https(tls_sandbox, tmp_path):
    tls_sandbox.reset()
    return player(tls_sandbox, tmp_path)


def task(**tls):
    return {"name": "Over HTTPS", "learnops.lms.course_status_info": dict(course_ids=[COURSE], **tls)}


def test_default_refuses_a_self_signed_certificate(https, tls_sandbox):
    run = https([task()])
    assert run.failed
    assert "TLS verification" in run.result["msg"] and "ca_path" in run.result["msg"]
    assert tls_sandbox.requests() == []


def test_ca_path_trusts_the_certificate(https, tls_sandbox):
    run = https([task(ca_path=tls_sandbox.cert_path)])
    assert run.rc == 0, run.output
    assert len(run.result["results"]) == 6


def test_validate_certs_false_skips_verification(https, tls_sandbox):
    run = https([task(validate_certs=False)])
    assert run.rc == 0, run.output
    assert [entry["operation"] for entry in tls_sandbox.requests()] == ["ListLearnersResults", "ListUsers"]
