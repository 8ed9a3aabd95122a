"""`pos serve`: the training app in a browser (textual-serve), one training database per session.

    pos serve                          http://127.0.0.1:8000, the scenario picker in each browser
    pos serve --scenario ID            every browser goes straight to that scenario (after a name)
    pos serve --host 0.0.0.0 --public-url http://classroom-pc:8000   on the local network

Each browser session is a process of its own on its OWN fresh training database (a temp
directory per session, removed when the session ends); it never opens the live database. Every
attempt's record (trainee, keys, messages, score card) is kept in the classroom directory
(--workdir, default: the user's data directory /classroom): `pos train --history --dir DIR`
lists the class's scores and `pos train --replay ID --dir DIR` plays an attempt back.
Binding anything but 127.0.0.1 (--host) exposes the training app to the network: anyone who
reaches the port can use it. No login protects the page itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="the training app in a browser (textual-serve), a fresh training database per session",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; any other host exposes the training app to the network)",
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--scenario", default=None, help="one scenario id for every browser")
    p.add_argument(
        "--public-url",
        default=None,
        help="the URL browsers use to reach this server (needed with --host 0.0.0.0)",
    )
    p.add_argument(
        "--workdir",
        default=None,
        type=Path,
        help="the classroom directory: the training template, the sessions, the class's records "
        "(default: the user's data directory /classroom)",
    )
    p.add_argument("--session", default=None, type=Path, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from pos.classroom.serve import is_loopback, is_wildcard, run_session, serve
    from pos.training.scenarios import ScenarioError, load_scenarios

    if getattr(args, "db", None):
        return _fail(
            "pos serve 只用培训数据库，不接受 --db / the classroom never opens a live database"
        )
    if args.session is not None:  # one browser session, started by textual-serve
        return run_session(args.session, args.scenario, args.lang)
    if not 0 < args.port < 65536:
        return _fail(f"--port: 应在 1–65535 之间 / must be 1–65535, not {args.port}")
    try:
        known = [s.id for s in load_scenarios()]
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.scenario and args.scenario not in known:
        return _fail(f"--scenario: 没有场景 / no scenario {args.scenario!r} (pos train --list)")
    if is_wildcard(args.host) and not args.public_url:
        return _fail(
            f"--host {args.host!r}: 请用 --public-url 指明浏览器访问的地址 / "
            "give --public-url, the address browsers use to reach this machine"
        )
    if not is_loopback(args.host):
        print(
            f"警告：--host {args.host} 把培训应用开放给网络上能访问此端口的任何人。 / "
            f"Warning: --host {args.host} exposes the training app to anyone on the network "
            "who can reach this port.",
            file=sys.stderr,
        )
    return serve(
        host=args.host,
        port=args.port,
        scenario_id=args.scenario,
        lang=args.lang,
        workdir=args.workdir,
        public_url=args.public_url,
    )
