# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors raised by module_utils.

API and transport code raises these; a module turns them into one ``fail_json`` in ``main``.
Every message names the culprit and says what to do, and never contains a secret.
"""

from __future__ import annotations


class LmsError(Exception):
    """Base class. ``details`` is a dict merged into the module's failure result."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message

    def fail_args(self, always=None):
        """The arguments of the module's one ``fail_json``: ``always`` (the keys a failed result of
        that module always has), then the error's details, then its message."""
        args = dict(always or {})
        args.update(self.details)
        args["msg"] = self.message
        return args


class ValidationError(LmsError):
    """The task's input is wrong; raised before anything is written."""


class TransportError(LmsError):
    """The service could not be reached, or kept failing after the retries."""


class OutcomeUnknown(TransportError):
    """A call that is not safe to repeat was sent and its reply was lost: the service may have acted."""


class ReplyError(LmsError):
    """The service answered with something that is not the expected reply."""


class AuthenticationError(LmsError):
    """The credentials were refused."""


class ApiError(LmsError):
    """The API answered with an error. ``code`` is the fault string (iSpring) or msg code (EduBrite)."""

    def __init__(self, message, code=None, **details):
        super().__init__(message, **details)
        self.code = code
