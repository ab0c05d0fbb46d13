# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safe parsing of XML replies, tolerant lookups by local name, and the few calls that build a
request.  The one file that uses lxml directly.

Replies come from the network: no DTD, no entity expansion, no network access, a size cap.
Lookups ignore prefixes and namespaces and the order of siblings, as the contract asks.
"""

from __future__ import annotations

import re

from ansible_collections.learnops.lms.plugins.module_utils.errors import ReplyError

try:
    from lxml import etree

    LXML_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    etree = None
    LXML_IMPORT_ERROR = exc

MAX_REPLY_BYTES = 64 * 1024 * 1024
EXCERPT_CHARS = 160


def excerpt(body, limit=EXCERPT_CHARS):
    """A short, one-line excerpt of a reply body for error messages."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = re.sub(r"\s+", " ", body or "").strip()
    return text if len(text) <= limit else text[:limit] + "..."


def element_excerpt(element, limit=EXCERPT_CHARS):
    """A short, one-line excerpt of an element of a parsed reply, for error messages."""
    return excerpt(etree.tostring(element), limit)


def namespace_of(element):
    """The namespace URI of an element (None: no namespace)."""
    return etree.QName(element).namespace


def new_element(tag, nsmap=None):
    """The root element of a request (``tag`` in Clark notation: ``{uri}name``)."""
    return etree.Element(tag, nsmap=nsmap)


def add_element(parent, tag):
    return etree.SubElement(parent, tag)


def serialize(root):
    """A request document as UTF-8 bytes, with its XML declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(body, status, what):
    """Parse ``body`` (bytes) and return the root element.

    ``what`` names the call for messages ("iSpring updateCourseStatus").  Raises ReplyError with
    the HTTP status and a short excerpt for anything that is not plain, well-formed XML.
    """
    if len(body) > MAX_REPLY_BYTES:
        raise ReplyError(
            "%s: the reply is larger than %d bytes (HTTP %s); refused." % (what, MAX_REPLY_BYTES, status),
            http_status=status,
        )
    if not body.strip():
        raise ReplyError("%s: empty reply (HTTP %s)." % (what, status), http_status=status)
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise ReplyError(
            "%s: the reply is not well-formed XML (HTTP %s: %s). Reply begins: %s"
            % (what, status, exc.msg, excerpt(body)),
            http_status=status,
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ReplyError(
            "%s: the reply declares a DOCTYPE (HTTP %s); refused for safety, nothing in it was read." % (what, status),
            http_status=status,
        )
    return root


def local(element):
    """The local name of an element, without namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element, name):
    """Direct children of ``element`` whose local name is ``name``; none for a missing element."""
    if element is None:
        return []
    return [child for child in element if local(child) == name]


def child(element, name):
    """The first direct child named ``name``, or None."""
    for candidate in element:
        if local(candidate) == name:
            return candidate
    return None


def path(element, *names):
    """Follow direct children by local name; None when a step is missing."""
    for name in names:
        if element is None:
            return None
        element = child(element, name)
    return element


def fields(element):
    """{local name: stripped text, or None when empty} of the direct children of ``element``; the
    first child of a name wins.  One pass, for records read field by field."""
    found = {}
    for candidate in element:
        name = local(candidate)
        if name not in found:
            value = candidate.text.strip() if candidate.text else ""
            found[name] = value or None
    return found


def text(element, name, default=None):
    """The stripped text of the first child named ``name``; ``default`` when absent or empty."""
    found = child(element, name)
    if found is None or found.text is None or not found.text.strip():
        return default
    return found.text.strip()
