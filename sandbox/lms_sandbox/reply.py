"""A reply the HTTP layer sends as is."""

from __future__ import annotations

import json


class Reply:
    """HTTP status, body (bytes), Content-Type (None: no such header), extra headers."""

    __slots__ = ("status", "body", "content_type", "headers")

    def __init__(self, status, body, content_type="text/plain; charset=utf-8", headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or ())


def json_reply(status, data, headers=None):
    return Reply(status, json.dumps(data), "application/json", headers)


def text_reply(status, text, headers=None):
    return Reply(status, text, "text/plain; charset=utf-8", headers)
