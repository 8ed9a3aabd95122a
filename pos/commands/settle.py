"""`pos settle`: the headless face of the settlement engine (contracts/settlement.md)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import IO

from pydantic import ValidationError

from engine.errors import describe
from engine.models import SettleRequest
from engine.settle import settle_request


class BadRequest(ValueError):
    """A request that cannot be settled; the message names the field and the problem."""


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def parse_request(text: str) -> SettleRequest:
    try:
        # Decimal, never float: a JSON number is read exactly as written.
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
    except (json.JSONDecodeError, ValueError) as exc:
        raise BadRequest(f"request: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BadRequest("request: must be a JSON object")
    try:
        return SettleRequest.model_validate(data)
    except ValidationError as exc:
        raise BadRequest(describe(exc)) from None


def settle_text(text: str, lang: str = "zh") -> dict:
    """Settle one JSON request; BadRequest for anything a person or script got wrong."""
    req = parse_request(text)
    try:
        result = settle_request(req, lang)
    except ValueError as exc:  # an unknown policy id or a combination the policy does not cover
        raise BadRequest(f"policy: {exc}") from None
    return result.to_wire()


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def run_one(stdin: IO[str], stdout: IO[str], stderr: IO[str], lang: str) -> int:
    try:
        out = settle_text(stdin.read(), lang)
    except BadRequest as exc:
        print(str(exc).replace("\n", " "), file=stderr)
        return 2
    stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0


def run_jsonl(stdin: IO[str], stdout: IO[str], lang: str) -> int:
    """One request per line in, one result per line out; a bad line answers {"error": ...}."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            out = settle_text(line, lang)
        except BadRequest as exc:
            out = {"error": str(exc)}
        stdout.write(_dump(out) + "\n")
    stdout.flush()
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "settle", help="settle one JSON request from stdin (contracts/settlement.md)"
    )
    p.add_argument(
        "--jsonl", action="store_true", help="JSON Lines: one request per line, one result per line"
    )
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of the setl_proc_info trace"
    )
    p.set_defaults(
        func=lambda args: (
            run_jsonl(sys.stdin, sys.stdout, args.lang)
            if args.jsonl
            else run_one(sys.stdin, sys.stdout, sys.stderr, args.lang)
        )
    )
