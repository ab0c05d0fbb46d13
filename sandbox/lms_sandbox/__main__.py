"""Command line: ``python -m lms_sandbox [options]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from . import assumptions as A
from .server import Config, Sandbox, Server
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
    parser.add_argument("--quiet", action="store_true", help="do not log API requests to stderr")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    config = Config(
        host=args.host,
        port=args.port,
        fixture=args.fixture,
        token_ttl=args.token_ttl,
        task_delay=args.task_delay,
        session_ttl=args.session_ttl,
        max_sessions=args.max_sessions,
        latency_ms=args.latency_ms,
        tls=args.tls,
        cert_dir=args.cert_dir,
        scale=args.scale,
        quiet=args.quiet,
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
