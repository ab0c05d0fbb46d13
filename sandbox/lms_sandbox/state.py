"""Fixture loading and the in-memory state of both emulated LMSs.

The state is plain dicts (JSON-friendly) plus a few indexes.  All access goes through
``Sandbox.lock`` (see server.py); the protocol modules never lock themselves.
"""

from __future__ import annotations

import copy
import hashlib
import os
import time

import yaml

from . import assumptions as A

DEFAULT_FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture.yml")

BENCH_COURSE_ID = "00000000-0000-4000-8000-000000000001"
BENCH_COURSE_MODULES = 4
BENCH_DEPARTMENT_ID = "00000000-0000-4000-8000-0000000000d1"
BENCH_PROGRAM_ID = "bench-program"
BENCH_PROGRAM_EXT_ID = "BENCH"
BENCH_MEMBER_START_DATE = 1704067200000  # 2024-01-01T00:00:00Z, the startDate of --scale-members members


class FixtureError(ValueError):
    pass


def load_fixture(path=None):
    path = path or DEFAULT_FIXTURE
    with open(path, "r", encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise FixtureError("%s: the fixture must be a mapping" % path)
    return data


def bench_learner_login(i):
    return "learner%05d" % i


def bench_member_name(i):
    return "member%05d" % i


# An iSpring enrollment record: these fields, with these defaults (a fixture may set any of them).
ENROLLMENT_FIELDS = {
    "accessDate": None,
    "dueDate": None,
    "passedModules": 0,
    "completionStatus": "not_started",
    "completionDate": None,
    "awardedScore": A.DEFAULT_AWARDED_SCORE,
    "enrollmentTypeGroup": A.ENROLLED_BY_ADMIN,
    "dueDateType": None,  # None: due_date when there is a dueDate, else unlimited
    "duePeriod": None,
    "lockAfterDueDate": False,
}


def enrollment_record(enrollmentId, courseId, learnerId, **fields):
    rec = {"enrollmentId": enrollmentId, "courseId": courseId, "learnerId": learnerId}
    rec.update(ENROLLMENT_FIELDS)
    rec.update(fields)
    rec["passedModules"] = int(rec["passedModules"])
    if rec["dueDateType"] is None:
        rec["dueDateType"] = "due_date" if rec["dueDate"] else "unlimited"
    return rec


class IspringState:
    def __init__(self, fixture, scale=0):
        fx = copy.deepcopy(fixture or {})
        self.departments = {}
        self.users = {}
        self.users_by_login = {}
        self.admins = {}  # userId -> admin record (role, scope, canEditCourses, ...)
        self.clients = {}  # client_id -> {secret, userId}
        self.permanent_tokens = {}  # token -> userId
        self.tokens = {}  # token -> {"userId", "expires"}
        self.issued = []  # every token handed out since the last reset (GET /_sandbox/secrets)
        self.courses = {}
        self.enrollments = {}  # insertion ordered
        self.by_course = {}  # courseId -> [enrollmentId]
        self.tasks = {}
        self.next_task_id = A.FIRST_TASK_ID
        self.enrollment_seq = 0  # enrollments made through the API
        self.groups = {}  # groupId -> {groupId, name, isSmart, members (static: userId -> True), smartDepartmentId}
        self.passwords = {}  # userId -> password set over REST (never in a reply or the state)
        self.login_emails = []  # AddUser calls with sendLoginEmail true
        self.new_ids = {}  # kind -> how many ids of that kind the API made

        self._dep_names = self._load_departments(fx.get("departments") or ())
        for user in fx.get("users") or ():
            self._add_user(user)
        for group in fx.get("groups") or ():
            self._load_group(group)
        for adm in fx.get("administrators") or ():
            self._load_admin(adm)
        for cli in fx.get("api_clients") or ():
            user = self._user_ref(cli, "API client")
            self.clients[str(cli["client_id"])] = {"secret": str(cli["client_secret"]), "userId": user["userId"]}
        for tok in fx.get("permanent_tokens") or ():
            user = self._user_ref(tok, "permanent token")
            self.permanent_tokens[str(tok["token"])] = user["userId"]
        for course in fx.get("courses") or ():
            rec = {
                "courseId": str(course["courseId"]),
                "title": course.get("title", ""),
                "modules": int(course.get("modules", 1)),
                "defaultDuePeriod": course.get("defaultDuePeriod"),
            }
            self.courses[rec["courseId"]] = rec
            self.by_course[rec["courseId"]] = []
        for enr in fx.get("enrollments") or ():
            self._load_enrollment(enr)
        if scale:
            self._add_scale(scale)

    def _load_departments(self, departments):
        """Departments by id; returns name -> id (a fixture may name a parent or a user's department)."""
        names = {}
        for dep in departments:
            rec = {
                "departmentId": str(dep["departmentId"]),
                "name": dep.get("name"),
                "parentId": None,
                "code": dep.get("code") or None,
            }
            self.departments[rec["departmentId"]] = rec
            if rec["name"]:
                names[rec["name"]] = rec["departmentId"]
        for dep in departments:
            parent = dep.get("parentId") or dep.get("parent")
            if parent:
                self.departments[str(dep["departmentId"])]["parentId"] = names.get(parent, parent)
        return names

    def _load_group(self, group):
        """A static group lists its members by login; a smart group names its rule's department."""
        smart = group.get("smart")
        rec = self.new_group(str(group["groupId"]), group["name"])
        if smart:
            dep = smart.get("departmentId") or self._dep_names.get(smart.get("department"))
            if dep not in self.departments:
                raise FixtureError("group %s: unknown department %r" % (rec["name"], smart))
            rec.update(isSmart=True, smartDepartmentId=dep)
        for login in group.get("members") or ():
            if login not in self.users_by_login:
                raise FixtureError("group %s: unknown user %r" % (rec["name"], login))
            rec["members"][self.users_by_login[login]["userId"]] = True

    def _load_admin(self, adm):
        names = self._dep_names
        user = self._user_ref(adm, "administrator")
        rec = {
            "userId": user["userId"],
            "login": user["login"],
            "role": adm["role"],
            "roleName": adm.get("roleName"),
            "departments": [names.get(d, d) for d in adm.get("departments") or ()],
            "canEditCourses": list(adm.get("canEditCourses") or ()),
        }
        if rec["role"] == A.ROLE_DEPARTMENT_ADMIN or (rec["role"] == A.ROLE_CUSTOM and rec["departments"]):
            rec["scope"] = A.sub_departments(self.departments, rec["departments"])
        else:
            rec["scope"] = None
        self.admins[user["userId"]] = rec

    def _load_enrollment(self, enr):
        learner_id = enr.get("learnerId")
        if not learner_id:
            login = enr.get("learner")
            if login not in self.users_by_login:
                raise FixtureError("enrollment %s: unknown learner %r" % (enr.get("enrollmentId"), login))
            learner_id = self.users_by_login[login]["userId"]
        fields = {k: enr[k] for k in ENROLLMENT_FIELDS if k in enr}
        fields.update(enrollmentId=str(enr["enrollmentId"]), courseId=str(enr["courseId"]), learnerId=str(learner_id))
        self._add_enrollment(enrollment_record(**fields))

    def _add_user(self, user):
        dep = user.get("departmentId") or self._dep_names.get(user.get("department"), user.get("department"))
        rec = {
            "userId": str(user["userId"]),
            "login": str(user["login"]),
            "email": user.get("email", ""),
            "firstName": user.get("firstName", ""),
            "lastName": user.get("lastName", ""),
            "status": user.get("status", "active"),
            "departmentId": dep,
        }
        if user.get("fields"):  # profile fields beyond login, email and names (REST AddUser / UpdateUser)
            rec["fields"] = dict(user["fields"])
        if rec["login"] in self.users_by_login:
            raise FixtureError("duplicate login %r" % rec["login"])
        self.users[rec["userId"]] = rec
        self.users_by_login[rec["login"]] = rec
        return rec

    def _user_ref(self, item, what):
        if item.get("userId") and item["userId"] in self.users:
            return self.users[item["userId"]]
        login = item.get("login")
        if login not in self.users_by_login:
            raise FixtureError("%s: unknown user %r" % (what, login))
        return self.users_by_login[login]

    def _add_enrollment(self, rec):
        if rec["courseId"] not in self.courses:
            raise FixtureError("enrollment %s: unknown course %s" % (rec["enrollmentId"], rec["courseId"]))
        if rec["learnerId"] not in self.users:
            raise FixtureError("enrollment %s: unknown learner %s" % (rec["enrollmentId"], rec["learnerId"]))
        self.enrollments[rec["enrollmentId"]] = rec
        self.by_course[rec["courseId"]].append(rec["enrollmentId"])

    def _add_scale(self, n):
        root = next((d for d, rec in self.departments.items() if not rec["parentId"]), None)
        self.departments[BENCH_DEPARTMENT_ID] = {
            "departmentId": BENCH_DEPARTMENT_ID,
            "name": "bench",
            "parentId": root,
            "code": None,
        }
        self.courses[BENCH_COURSE_ID] = {
            "courseId": BENCH_COURSE_ID,
            "title": "Benchmark course",
            "modules": BENCH_COURSE_MODULES,
            "defaultDuePeriod": None,
        }
        self.by_course[BENCH_COURSE_ID] = []
        for i in range(1, n + 1):
            login = bench_learner_login(i)
            user = self._add_user(
                {
                    "userId": "00000000-0000-4000-a000-%012d" % i,
                    "login": login,
                    "email": "%s@example.com" % login,
                    "firstName": "Learner",
                    "lastName": "%05d" % i,
                    "status": "active",
                    "departmentId": BENCH_DEPARTMENT_ID,
                }
            )
            self._add_enrollment(
                enrollment_record(
                    enrollmentId="00000000-0000-4000-b000-%012d" % i,
                    courseId=BENCH_COURSE_ID,
                    learnerId=user["userId"],
                    accessDate="2024-01-01T00:00:00Z",
                    passedModules=BENCH_COURSE_MODULES // 2,
                    completionStatus="in_progress",
                )
            )

    def new_enrollment(self, course_id, learner_id, **fields):
        """An enrollment made through the API (REST EnrollLearnersInCourses): not started, progress 0."""
        self.enrollment_seq += 1
        rec = enrollment_record(
            enrollmentId=A.NEW_ENROLLMENT_ID_FORMAT % self.enrollment_seq,
            courseId=course_id,
            learnerId=learner_id,
            **fields,
        )
        self._add_enrollment(rec)
        return rec

    def remove_enrollment(self, enrollment_id):
        rec = self.enrollments.pop(enrollment_id)
        self.by_course[rec["courseId"]].remove(enrollment_id)

    # --- people: departments, users, groups (REST) -------------------------------------------------

    def new_id(self, kind):
        """[sandbox] ids the API makes: deterministic per kind, restarting on reset."""
        self.new_ids[kind] = self.new_ids.get(kind, 0) + 1
        return A.NEW_ID_FORMATS[kind] % self.new_ids[kind]

    def new_group(self, group_id, name):
        rec = {"groupId": group_id, "name": name, "isSmart": False, "members": {}, "smartDepartmentId": None}
        self.groups[group_id] = rec
        return rec

    def group_members(self, group):
        """The user ids of a group: a static group's members, or a smart group's department's users."""
        if group["isSmart"]:
            return [u for u, user in self.users.items() if user["departmentId"] == group["smartDepartmentId"]]
        return list(group["members"])

    def user_groups(self, user_id):
        user = self.users[user_id]
        return [
            g["groupId"]
            for g in self.groups.values()
            if (user["departmentId"] == g["smartDepartmentId"] if g["isSmart"] else user_id in g["members"])
        ]

    def sub_departments(self, dep_id):
        return [d for d, rec in self.departments.items() if rec["parentId"] == dep_id]

    def department_users(self, dep_id):
        return [u for u, user in self.users.items() if user["departmentId"] == dep_id]

    def refresh_scopes(self):
        """Department administrators manage sub-departments made or moved under theirs (1.6)."""
        for adm in self.admins.values():
            adm["departments"] = [d for d in adm["departments"] if d in self.departments]
            if adm["scope"] is not None:
                adm["scope"] = A.sub_departments(self.departments, adm["departments"])

    def add_user(self, rec):
        """A user made over REST (AddUser): `rec` as _add_user reads it."""
        return self._add_user(rec)

    def rename_login(self, user, login):
        del self.users_by_login[user["login"]]
        user["login"] = login
        self.users_by_login[login] = user

    def set_role(self, user_id, role, departments):
        """A sandbox role (ROLE_*) for a user; learners have no administrator record."""
        if role == A.ROLE_LEARNER:
            self.admins.pop(user_id, None)
            return
        scoped = role == A.ROLE_DEPARTMENT_ADMIN
        self.admins[user_id] = {
            "userId": user_id,
            "login": self.users[user_id]["login"],
            "role": role,
            "roleName": None,
            "departments": list(departments) if scoped else [],
            "canEditCourses": [],
            "scope": A.sub_departments(self.departments, departments) if scoped else None,
        }

    def remove_user(self, user_id):
        """RemoveUser: the user, its enrollments, group memberships, role, API clients and tokens."""
        user = self.users.pop(user_id)
        del self.users_by_login[user["login"]]
        for eid in [e for e, enr in self.enrollments.items() if enr["learnerId"] == user_id]:
            self.remove_enrollment(eid)
        for group in self.groups.values():
            group["members"].pop(user_id, None)
        self.admins.pop(user_id, None)
        self.passwords.pop(user_id, None)
        for table in (self.clients, self.permanent_tokens, self.tokens):
            for key in [k for k, v in table.items() if (v if isinstance(v, str) else v["userId"]) == user_id]:
                del table[key]

    # --- views -------------------------------------------------------------------------------

    def progress(self, enr):
        return A.progress_percent(enr["passedModules"], self.courses[enr["courseId"]]["modules"])

    def admin_for(self, user_id):
        return self.admins.get(user_id)

    def role_name(self, user_id):
        adm = self.admins.get(user_id)
        if not adm:
            return A.ROLE_LEARNER
        return adm["role"] if adm["role"] != A.ROLE_CUSTOM else (adm.get("roleName") or A.ROLE_CUSTOM)

    def _group_json(self, group):
        members = self.group_members(group)
        return {
            "groupId": group["groupId"],
            "name": group["name"],
            "isSmart": group["isSmart"],
            "smartDepartmentId": group["smartDepartmentId"],
            "userIds": members,
            "logins": [self.users[u]["login"] for u in members],
        }

    def to_json(self):
        admins = []
        for adm in self.admins.values():
            item = dict(adm)
            item["scope"] = sorted(adm["scope"]) if adm["scope"] is not None else None
            admins.append(item)
        enrollments = []
        for enr in self.enrollments.values():
            item = dict(enr)
            item["progress"] = self.progress(enr)
            item["login"] = self.users[enr["learnerId"]]["login"]
            enrollments.append(item)
        now = time.time()
        return {
            "departments": list(self.departments.values()),
            "users": list(self.users.values()),
            "groups": [self._group_json(g) for g in self.groups.values()],
            "passwords": {u: hashlib.sha256(p.encode("utf-8")).hexdigest() for u, p in self.passwords.items()},
            "loginEmails": list(self.login_emails),
            "admins": admins,
            "courses": list(self.courses.values()),
            "enrollments": enrollments,
            "tasks": [dict(t) for t in self.tasks.values()],
            "tokens": [
                {"userId": t["userId"], "expires_in": round(t["expires"] - now, 3)} for t in self.tokens.values()
            ],
        }


class EdubriteState:
    def __init__(self, fixture, scale=0, scale_members=0):
        fx = copy.deepcopy(fixture or {})
        self.site = fx.get("site", "demo")
        self.api_users = {str(u["username"]): str(u["password"]) for u in fx.get("api_users") or ()}
        self.users = {}
        self.by_name = {}
        self.by_open_id = {}
        self.programs = {}
        self.by_ext_id = {}
        self.sessions = {}  # SESSION_ID -> {"info": str|None, "user": str|None, "expires": float}
        self.issued = []  # every SESSION_ID and SESSION_INFO handed out since the last reset
        self.mails = []  # enrollUsersInProgram calls with sendMail=true
        for user in fx.get("users") or ():
            self._add_user(user)
        for prog in fx.get("programs") or ():
            rec = self._add_program(prog)
            for mem in prog.get("members") or ():
                user = self._user_ref(mem)
                rec["members"][user["id"]] = new_member(
                    user["id"],
                    **{
                        k: mem.get(k) for k in ("startDate", "endDate", "dueDate", "awardDate", "awardExpDate", "score")
                    },
                    award=bool(mem.get("award", False)),
                    quit=bool(mem.get("quit", False)),
                )
        if scale:
            self._add_scale(scale, scale_members)

    def _add_scale(self, scale, scale_members):
        prog = self._add_program({"id": BENCH_PROGRAM_ID, "extId": BENCH_PROGRAM_EXT_ID, "name": "Benchmark program"})
        for i in range(1, scale + 1):
            name = bench_member_name(i)
            user = self._add_user(
                {
                    "id": "00000000-0000-4000-c000-%012d" % i,
                    "userName": name,
                    "openId": "oid-%s" % name,
                    "email": "%s@example.com" % name,
                    "firstName": "Member",
                    "lastName": "%05d" % i,
                    "siteRole": "STUDENT",
                    "status": "ACTIVE",
                }
            )
            if i <= scale_members:  # --scale-members: the first M are members, in order
                prog["members"][user["id"]] = new_member(user["id"], startDate=BENCH_MEMBER_START_DATE)

    def _add_user(self, user):
        rec = {
            "id": str(user["id"]),
            "userName": str(user["userName"]),
            "openId": str(user.get("openId") or ""),
            "email": user.get("email", ""),
            "firstName": user.get("firstName", ""),
            "lastName": user.get("lastName", ""),
            "siteRole": user.get("siteRole", "STUDENT"),
            "status": user.get("status", "ACTIVE"),
        }
        self.users[rec["id"]] = rec
        self.by_name[rec["userName"]] = rec
        if rec["openId"]:
            self.by_open_id[rec["openId"]] = rec
        return rec

    def _add_program(self, prog):
        rec = {"id": str(prog["id"]), "extId": prog.get("extId"), "name": prog.get("name", ""), "members": {}}
        self.programs[rec["id"]] = rec
        if rec["extId"]:
            self.by_ext_id[rec["extId"]] = rec
        return rec

    def _user_ref(self, item):
        if item.get("userId") in self.users:
            return self.users[item["userId"]]
        if item.get("userName") in self.by_name:
            return self.by_name[item["userName"]]
        raise FixtureError("program member: unknown user %r" % (item.get("userName") or item.get("userId")))

    def to_json(self):
        progs = []
        for prog in self.programs.values():
            item = {k: v for k, v in prog.items() if k != "members"}
            item["members"] = [dict(m, userName=self.users[m["userId"]]["userName"]) for m in prog["members"].values()]
            progs.append(item)
        now = time.time()
        return {
            "site": self.site,
            "users": list(self.users.values()),
            "programs": progs,
            "sessions": [
                {"loggedIn": s["info"] is not None, "user": s["user"], "expires_in": round(s["expires"] - now, 3)}
                for s in self.sessions.values()
            ],
            "mails": list(self.mails),
        }


def new_member(
    user_id,
    startDate=None,
    endDate=None,
    dueDate=None,
    awardDate=None,
    awardExpDate=None,
    score=None,
    award=False,
    quit=False,
    sendMail=None,
):
    return {
        "userId": user_id,
        "startDate": _int_or_none(startDate),
        "endDate": _int_or_none(endDate),
        "dueDate": _int_or_none(dueDate),
        "awardDate": _int_or_none(awardDate),
        "awardExpDate": _int_or_none(awardExpDate),
        "award": bool(award),
        "score": None if score is None else float(score),
        "quit": bool(quit),
        "status": "COMPLETED" if award else "ENROLLED",
        "sendMail": sendMail,
    }


def _int_or_none(value):
    return None if value is None else int(value)
