# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one resolver of iSpring users by user ID, login and email, and its not-found report."""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.learnops.lms.plugins.module_utils import people


@dataclass
class User:
    user_id: str
    login: str | None
    email: str | None


@dataclass
class Wanted:
    kind: str
    value: str
    user_id: str | None = None


JDOE = User("u1", "jdoe", "John.Doe@Example.com")
ASMITH = User("u2", "asmith", None)


class Client:
    def __init__(self, users):
        self.users, self.calls = users, []

    def find_users(self, logins, emails):
        self.calls.append((logins, emails))
        return self.users


def test_a_login_and_an_id_compare_exactly_an_email_case_insensitively():
    directory = people.Directory([JDOE, ASMITH])
    assert directory.find("login", "jdoe") is JDOE and directory.find("login", "JDOE") is None
    assert directory.find("email", "john.doe@example.COM") is JDOE
    assert directory.find("user_id", "u2") is ASMITH and directory.find("user_id", "U2") is None
    assert not directory.knows("email", "") and directory.among({"u2"}).by_id == {"u2": ASMITH}


def test_resolve_sets_the_user_ids_with_one_look_up_and_returns_the_unmatched():
    client = Client([JDOE])
    wanted = [
        Wanted("login", "jdoe"),
        Wanted("email", "JOHN.DOE@example.com"),
        Wanted("login", "ghost"),
        Wanted("user_id", "u9", "u9"),
    ]
    directory, unmatched = people.resolve(client, wanted)
    assert client.calls == [(["jdoe", "ghost"], ["JOHN.DOE@example.com"])]
    assert [w.user_id for w in wanted] == ["u1", "u1", None, "u9"] and unmatched == [wanted[2]]
    assert directory.by_id == {"u1": JDOE}


def test_no_name_asks_nothing():
    client = Client([JDOE])
    assert people.resolve(client, [Wanted("user_id", "u1", "u1")])[1] == [] and client.calls == []
    assert people.look_up(client).by_id == {} and client.calls == []


def test_not_found_keeps_the_order_asked_and_leaves_out_kinds_with_none():
    directory = people.Directory([JDOE])
    missing = people.not_found({"login": ["zed", "jdoe", "amy"], "email": ["JOHN.DOE@EXAMPLE.COM"]}, directory.knows)
    assert missing == {"login": ["zed", "amy"]}
    assert people.labels(missing) == ["login zed", "login amy"]
