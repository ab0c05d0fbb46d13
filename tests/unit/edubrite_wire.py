# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EduBrite requests and replies for scripted tests: the site, the login, forms, listings."""

from __future__ import annotations

from ansible_collections.learnops.lms.plugins.module_utils import edubrite
from ansible_collections.learnops.lms.tests.unit.scripted import Call

SITE = "https://acme.edubrite.com"
CONNECT = SITE + "/oltpublish/site/connect.do"
ENROLLMENT = SITE + "/oltpublish/site/enrollmentService.do"
REPORT = SITE + "/oltpublish/site/reportService.do"
USERS = SITE + "/oltpublish/site/userService.do"
API_USER = "api_6f0c2a4e-3b1d-4c8e-9f7a-2d5e8b1c0a93"
PASSWORD = "9Zq4-uuid-style-secret"
RUN_AS = "adminusername"
SID, INFO = "sid-0001", "info-0001"
SID2, INFO2 = "sid-0002", "info-0002"
PROGRAM = [("programId", "xxxx-xxxx-xxxx-xxxx")]
SESSION = {"Cookie": "SESSION_ID=%s; SESSION_INFO=%s" % (SID, INFO), "REAL_UNAME": RUN_AS}
SESSION2 = {"Cookie": "SESSION_ID=%s; SESSION_INFO=%s" % (SID2, INFO2), "REAL_UNAME": RUN_AS}

# The seed's reply, verbatim (003_4ff6ab2eb90375eb.txt).
SEED_REPLY = """<response code="0">
   <msgs>
      <msg>
         <code>0226</code>
         <value>
            <![CDATA[Program member updated successfully]]>
         </value>
      </msg>
   </msgs>
</response>"""


def response(code, msg, text, data=None):
    return '<response code="%s"><msgs><msg><code>%s</code><value><![CDATA[%s]]></value></msg></msgs>%s</response>' % (
        code,
        msg,
        text,
        "<data>%s</data>" % data if data is not None else "",
    )


OK = response(0, "0", "Success")
SESSION_EXPIRED = response(-1, "0174", "Session is not valid")


def login(sid=SID, info=INFO, first=None, second=None, new_sid=None):
    """The two requests of the contract's login (2.2), exactly; ``first`` and ``second`` are the
    bodies the steps answer with (r2: an XML response, an HTML page or nothing); with ``new_sid``
    step 2 also sets a new SESSION_ID (3.4 r3)."""
    return [
        Call(
            CONNECT,
            data=[("xml", "true")],
            body=response(0, "0", "Session started") if first is None else first,
            cookies={"SESSION_ID": sid},
        ),
        Call(
            CONNECT,
            data=[("xml", "true"), ("username", API_USER), ("password", PASSWORD)],
            headers={"Cookie": "SESSION_ID=%s" % sid},
            body=response(0, "0152", "Connected successfully") if second is None else second,
            cookies=dict({"SESSION_INFO": info}, **({"SESSION_ID": new_sid} if new_sid else {})),
        ),
    ]


def form(dispatch, *params):
    return [("dispatch", dispatch), ("xml", "true")] + list(params)


def client_for(transport, secrets=None, run_as=RUN_AS):
    on_secret = secrets.append if secrets is not None else None
    client = edubrite.EduBriteClient(transport, SITE + "/", API_USER, PASSWORD, run_as, on_secret=on_secret)
    client.lookup_workers = 1  # scripted replies come in order; concurrent lookups are tested on their own
    return client


def member_xml(user_id, name, drop=(), elements=False, **values):
    """A ``<member>`` with every value (empty = not set) but those in ``drop`` (never carried, 3.4
    r3), as attributes or, with ``elements``, as child elements."""
    attributes = dict(
        userId=user_id,
        userName=name,
        openId="",
        status="ENROLLED",
        quit="false",
        award="false",
        score="",
        startDate="",
        endDate="",
        dueDate="",
        awardDate="",
        awardExpDate="",
    )
    attributes.update(values)
    attributes = {name: value for name, value in attributes.items() if name not in drop}
    if elements:
        return "<member>%s</member>" % "".join("<%s>%s</%s>" % (n, v, n) for n, v in attributes.items())
    return "<member %s/>" % " ".join('%s="%s"' % item for item in attributes.items())


def listing(members, num_items=None, page=0, size=1000, num_pages=None):
    """A listProgramMembers reply; numItems defaults to the members given."""
    attributes = 'numItems="%s" currPage="%d" pageSize="%d"' % (
        len(members) if num_items is None else num_items,
        page,
        size,
    )
    attributes += ' numPages="%d"' % num_pages if num_pages is not None else ""
    return response(0, "0", "Success", "<programMembers %s>%s</programMembers>" % (attributes, "".join(members)))


def list_call(page, body, headers=None, program=None, totals=(), size=1000):
    """A listProgramMembers request: page 0, or a later page with page 0's ``totals``
    ([("numItems", "2500"), ("numPages", "3")]) as the vendor requires."""
    paging = [("currPage", str(page)), ("pageSize", str(size))] + (list(totals) if page else [])
    return Call(
        REPORT,
        data=form("listProgramMembers", *(program or PROGRAM)) + paging,
        headers=SESSION if headers is None else headers,
        body=body,
    )
