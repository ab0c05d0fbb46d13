"""Command line: ``python -m lms_sandbox [options]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from . import assumptions as A
from .server import SETTINGS, Config, Sandbox, Server, SettingError
from .state import DEFAULT_FIXTURE, FixtureError


def parse_args(argv=None):
    env_port = os.environ.get("SANDBOX_PORT")
    parser = argparse.ArgumentParser(
        prog="python -m lms_sandbox",
        description="Local emulator of the iSpring Learn and EduBrite APIs (learnops.lms sandbox).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(env_port) if env_port else 8780,
        help="port (default $SANDBOX_PORT or 8780; 0 picks a free port)",
    )
    parser.add_argument("--fixture", default=DEFAULT_FIXTURE, help="state fixture YAML (default: packaged)")
    parser.add_argument(
        "--token-ttl", type=float, default=A.TOKEN_TTL_DEFAULT, help="iSpring token lifetime in seconds (default 1800)"
    )
    parser.add_argument(
        "--task-delay", type=float, default=0.3, help="seconds until an updateCourseStatus task completes (default 0.3)"
    )
    parser.add_argument(
        "--session-ttl",
        type=float,
        default=A.SESSION_TTL_DEFAULT,
        help="EduBrite session idle lifetime in seconds (default 1800)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=A.MAX_SESSIONS_DEFAULT,
        help="EduBrite concurrent logged-in sessions (default 20)",
    )
    parser.add_argument("--latency-ms", type=float, default=0, help="latency added per API request (ms)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a self-signed certificate")
    parser.add_argument("--cert-dir", help="with --tls: write cert.pem (= ca.pem) and key.pem here")
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="add N synthetic learners (bench-course) and N EduBrite users (bench-program)",
    )
    parser.add_argument(
        "--scale-members",
        type=int,
        default=0,
        help="with --scale: the first M synthetic EduBrite users are members of bench-program (default 0)",
    )
    parser.add_argument(
        "--rate-limit-concurrency",
        type=int,
        default=A.RATE_LIMIT_CONCURRENCY_DEFAULT,
        help="HTTP 429 for a request that arrives while N API requests are in flight (default 0: off)",
    )
    for name, help_text in FORM_OPTIONS:
        default, parse = SETTINGS[name]
        default = str(default).lower() if isinstance(default, bool) else default
        parser.add_argument(
            "--" + name.replace("_", "-"),
            choices=parse.values,
            default=default,
            help="%s (one of %s; default %s)" % (help_text, ", ".join(parse.values), default),
        )
    parser.add_argument(
        "--request-line-limit",
        type=int,
        default=A.REQUEST_LINE_LIMIT_DEFAULT,
        help="HTTP 414 for a request line longer than N bytes (default %d; 0: off)" % A.REQUEST_LINE_LIMIT_DEFAULT,
    )
    parser.add_argument(
        "--edubrite-member-missing-fields",
        type=_member_values,
        default=[],
        help="member values listProgramMembers leaves out, a comma list of %s (default: none)"
        % ", ".join(A.MEMBER_OPTIONAL_VALUES),
    )
    parser.add_argument("--quiet", action="store_true", help="do not log API requests to stderr")
    args = parser.parse_args(argv)
    if args.scale_members < 0 or args.scale_members > args.scale:
        parser.error("--scale-members must be between 0 and --scale (%d)" % args.scale)
    if args.rate_limit_concurrency < 0:
        parser.error("--rate-limit-concurrency must be 0 (off) or N >= 1")
    return args


def _member_values(value):
    try:
        return SETTINGS["edubrite_member_missing_fields"][1]("edubrite_member_missing_fields", value)
    except SettingError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# The reply forms of contract revision 2 (see assumptions.py); the first value is the default.
FORM_OPTIONS = (
    ("ispring_list_layout", "SOAP list replies"),
    ("ispring_namespace", "body namespace of SOAP replies"),
    ("ispring_namespace_strict", "refuse SOAP requests outside that namespace"),
    ("ispring_expired_token", "what a SOAP request with a bad token gets"),
    ("edubrite_connect_body", "body of both connect.do steps"),
    ("edubrite_paging", "listProgramMembers pages >= 1 without numItems"),
    ("edubrite_member_layout", "member values as attributes or child elements"),
    ("edubrite_member_dates", "member dates in listings"),
    ("edubrite_list_ext_id", "what extId names on listProgramMembers"),
    ("ispring_rest_arrays", "how REST array query parameters are read"),
    ("ispring_due_period_unit", "the unit of duePeriod"),
    ("ispring_user_filters", "logins and emails filters given together"),
    ("ispring_rest_user_fields", "a REST user's fields"),
    ("ispring_rest_unauthorized", "the body of a REST 401"),
    ("ispring_rest_dates", "the account's time zone in REST dates"),
    ("ispring_unknown_course", "a listing filtered by an unknown course"),
    ("edubrite_step2_session_id", "whether connect step 2 sets a new SESSION_ID"),
    ("ispring_created_id", "the body of a REST 201 holding the new id"),
    ("ispring_group_members", "whether UpdateGroupMembers adds or replaces"),
    ("ispring_users_by_post", "how POST /users/v2 (filters in an XML body) is served"),
)


def main(argv=None):
    args = parse_args(argv)
    config = Config(
        host=args.host,
        port=args.port,
        fixture=args.fixture,
        tls=args.tls,
        cert_dir=args.cert_dir,
        scale=args.scale,
        scale_members=args.scale_members,
        quiet=args.quiet,
        **{name: getattr(args, name) for name in SETTINGS},
    )
    try:
        server = Server(Sandbox(config))
    except (OSError, FixtureError) as exc:
        sys.stderr.write("lms_sandbox: cannot start: %s\n" % exc)
        return 2
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    sys.stdout.write("LMS sandbox listening on %s\n" % server.url)
    sys.stdout.flush()
    while not stop.wait(0.5):
        if not thread.is_alive():
            return 1
    server.shutdown()
    server.server_close()
    sys.stdout.write("LMS sandbox stopped\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
