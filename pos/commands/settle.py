"""`pos settle`: the headless face of the settlement engine (docs/SETTLEMENT.md).

It must start like a script, so nothing here imports pydantic, the models or the policy loader
until a request needs them: a plainly well-formed request is read by engine.models_plain, its
policy resolved by engine.policy_plain (from a file validated once before) and its result written
by `Settlement.wire`. Anything in doubt takes the validating path (engine.models, engine.policy),
which accepts and refuses exactly as before and names the field.
"""

from __future__ import annotations

import sys

from engine.models_plain import read_head, read_request
from engine.settle import settle_lines, settle_wire
from pos.commands import jsonlines

TYPE_CHECKING = False  # typing's own flag, without importing typing (a few ms of `pos settle`)
if TYPE_CHECKING:
    from typing import IO


class BadRequest(ValueError):
    """A request that cannot be settled; the message names the field and the problem."""


def parse_request(text: str | bytes, fast: bool = False):
    """The request (plain records or the validated model); BadRequest naming the field.

    `fast` (the batch path): orjson reads the line first, and the plain reader takes its value only
    if every value in it is of its exact JSON type — it accepts no float, so a JSON number with a
    fraction never reaches an amount as a float. Anything else is read again below, as before.
    """
    if fast:
        data = jsonlines.loads_plain(text if isinstance(text, bytes) else _bytes(text))
        if data is not None:
            req = read_request(data)
            if req is not None:
                return req
    try:
        # Decimal, never float: a JSON number is read exactly as written.
        data = jsonlines.decode(text if isinstance(text, bytes) else _bytes(text))
    except jsonlines.LineError as exc:
        raise BadRequest(f"request: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("request: must be a JSON object")
    return read_request(data) or _validated(data)


def _validated(data: dict):
    from pydantic import ValidationError

    from engine.errors import describe
    from engine.models import SettleRequest

    try:
        return SettleRequest.model_validate(data)
    except ValidationError as exc:
        raise BadRequest(describe(exc)) from None


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _params(req):
    if req.params is not None:
        return req.params
    if req.cross_region is None or req.cross_region.filing:
        from engine.policy_plain import resolve

        params = resolve(req.policy, req.insutype, req.psn_type, req.med_type, req.hosp_lv)
        if params is not None:
            return params
    from engine.settle import resolve_params

    return resolve_params(req)


def settle_text(text: str | bytes, lang: str = "zh", fast: bool = False) -> dict:
    """Settle one JSON request; BadRequest for anything a person or script got wrong."""
    req = parse_request(text, fast)
    try:
        params = _params(req)
    except ValueError as exc:  # an unknown policy id or a combination the policy does not cover
        raise BadRequest(f"policy: {exc}") from None
    return settle_wire(req, params, lang)


def _plain_answer(raw: bytes, lang: str) -> dict | None:
    """The batch path's answer for a plainly well-formed line, read, checked, split and written
    in one pass (engine.settle.settle_lines); None for anything else, however small the doubt
    (a refused line, a value not of its exact type, a policy that does not resolve, a bug): the
    caller answers it exactly as before."""
    data = jsonlines.loads_plain(raw)
    if data is None:
        return None
    return _plain_settle(data, lang)


def _plain_settle(data: object, lang: str) -> dict | None:
    """`_plain_answer` for the line's value as orjson read it."""
    req = read_head(data)
    if req is None:
        return None
    try:
        return settle_lines(req, _params(req), lang)
    except Exception:
        return None


def _answer(raw: bytes | jsonlines.LineError, lang: str, fast: bool = False) -> dict:
    """One line's answer: the result, or {"error": ...}; never an exception."""
    if fast and type(raw) is bytes:
        answer = _plain_answer(raw, lang)
        if answer is not None:
            return answer
    try:
        if isinstance(raw, jsonlines.LineError):
            raise BadRequest(f"request: {raw}")
        return settle_text(raw, lang, fast)
    except BadRequest as exc:
        return {"error": str(exc).replace("\n", " ")}
    except Exception as exc:  # a bug must cost only its own line, never the stream
        return {"error": f"internal error: {type(exc).__name__}: {exc}".replace("\n", " ")}


def run_one(stdin: IO, stdout: IO[str], stderr: IO[str], lang: str) -> int:
    out = _answer(jsonlines.read_all(stdin), lang)
    if "error" in out:
        # backslashreplace: an echoed lone surrogate must not crash the one line we print
        print(out["error"].encode("utf-8", "backslashreplace").decode("utf-8"), file=stderr)
        return 2
    stdout.write(jsonlines.dump(out, indent=2, separators=None) + "\n")
    return 0


def run_jsonl(stdin: IO, stdout: IO[str], lang: str) -> int:
    """One request per line in, one result per line out, in order; a bad line (blank, broken,
    too long, not UTF-8) answers {"error": ...} and costs nothing but its own answer."""
    binary = getattr(stdout, "buffer", None)  # sys.stdout: write the bytes, encoded once
    if binary is None:
        write = lambda line: stdout.write(line.decode("utf-8"))  # noqa: E731
    else:
        stdout.flush()
        write = binary.write
    # `write(dump_line(_answer(raw, lang, True)))` for every line, with the plain path's steps
    # (orjson's reading, the plain answer, orjson's writing) called here without a wrapper.
    codec = jsonlines._codec()
    loads, dumps, newline = codec.loads, codec.dumps, codec.OPT_APPEND_NEWLINE
    dump_line = jsonlines.dump_line
    for raw in jsonlines.lines(stdin):
        answer = None
        if type(raw) is bytes:
            try:
                data = loads(raw)
            except ValueError:  # orjson refuses the line: the usual path says why
                data = None
            if data is not None:
                answer = _plain_settle(data, lang)
        if answer is None:
            write(dump_line(_answer(raw, lang)))
            continue
        try:
            write(dumps(answer, option=newline))
        except TypeError:  # what orjson cannot write (a lone surrogate): json writes it
            write(dump_line(answer))
    if binary is not None:
        binary.flush()
    stdout.flush()
    return 0


def run(jsonl: bool, lang: str) -> int:
    """`pos settle [--jsonl] [--lang LANG]` (pos.cli calls it directly for the common spellings)."""
    if jsonl:
        return run_jsonl(sys.stdin, sys.stdout, lang)
    return run_one(sys.stdin, sys.stdout, sys.stderr, lang)


def register(sub) -> None:
    p = sub.add_parser("settle", help="settle one JSON request from stdin (docs/SETTLEMENT.md)")
    p.add_argument(
        "--jsonl", action="store_true", help="JSON Lines: one request per line, one result per line"
    )
    p.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of the setl_proc_info trace"
    )
    p.set_defaults(func=lambda args: run(args.jsonl, args.lang))
