"""Hostile-input-proof JSON reading for the machine faces (`pos settle`, `pos settle --jsonl`,
`pos txn`): bytes in, decoded per line, bounded, never a traceback.

- Input is read as bytes and split on b"\\n" (a CR before it is dropped); each line is decoded as
  UTF-8 on its own, so bad bytes cost only their own line, never the lines read before or after.
- A line longer than MAX_LINE_BYTES is skipped to its end and answered with an error.
- JSON nested deeper than MAX_DEPTH, a lone surrogate (\\ud800 written as an escape), NaN and
  Infinity are refused; JSON numbers are read as Decimal (exact), never float.
- `lines()` yields one item per input line, blank ones included, so every line gets one answer.

The batch path (`pos settle --jsonl`) reads and writes through orjson, a C codec, imported only
there (`loads_plain`, `dump_line`); every line orjson refuses, and every value its caller does
not accept, takes `decode()` above, so the answers and the error messages are the same as with
the standard library alone, byte for byte.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal

TYPE_CHECKING = False  # typing's own flag, without importing typing (a few ms of `pos settle`)
if TYPE_CHECKING:
    from typing import IO

MAX_LINE_BYTES = 32 * 1024 * 1024  # a 3202 with 100,000 details fits; a runaway stream does not
MAX_DEPTH = 32  # the deepest real message (2204 feedetail, 2206 exp_content) nests 3-4 levels
_CHUNK = 64 * 1024
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class LineError(ValueError):
    """A line that is not a usable JSON value; the message says why, in one line."""


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _binary(stream: IO) -> IO[bytes]:
    if isinstance(stream, io.TextIOBase) and hasattr(stream, "buffer"):
        return stream.buffer  # sys.stdin: read the bytes under the text layer
    if isinstance(stream, io.TextIOBase):  # io.StringIO in tests: its text, as UTF-8 bytes
        return io.BytesIO(stream.read().encode("utf-8", "surrogatepass"))
    return stream


def lines(stream: IO) -> Iterator[bytes | LineError]:
    """Each input line as bytes (without its line ending), or a LineError if it was too long."""
    source = _binary(stream)
    while True:
        line = source.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of the runaway line, in bounded chunks
                rest = source.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield LineError(f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        yield line.removesuffix(b"\n").removesuffix(b"\r")


def read_all(stream: IO) -> bytes | LineError:
    """The whole input as bytes (bounded), for the one-request face."""
    data = _binary(stream).read(MAX_LINE_BYTES + 1)
    if len(data) > MAX_LINE_BYTES:
        return LineError(f"input longer than {MAX_LINE_BYTES} bytes")
    return data


def decode(raw: bytes) -> object:
    """One JSON value from UTF-8 bytes; LineError naming what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(
            f"not UTF-8 (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})"
        ) from None
    if not text.strip():
        raise LineError("blank line: expected one JSON value")
    # Nesting can be no deeper than the count of opening brackets: most lines are cleared by one
    # count, and only the rest pay for the exact measure.
    depth = 0 if text.count("[") + text.count("{") <= MAX_DEPTH else _depth(text)
    if depth > MAX_DEPTH:
        raise LineError(f"JSON nested {depth} deep (at most {MAX_DEPTH})")
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
    except RecursionError:  # unreachable after the depth check; kept as a second guard
        raise LineError(f"JSON nested too deep (at most {MAX_DEPTH})") from None
    except ValueError as exc:
        raise LineError(f"not valid JSON ({exc})") from None
    # A lone surrogate can only come in as a \\u escape (UTF-8 bytes cannot carry one): a line
    # without "\\u" needs no walk through its values.
    if "\\u" in text and _has_surrogate(value):
        raise LineError("a string holds a lone surrogate (\\ud800–\\udfff): not valid Unicode")
    return value


def _depth(text: str) -> int:
    """Deepest bracket nesting outside strings (over-counts only text that is not JSON anyway)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub('""', text))
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _has_surrogate(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


_orjson = None


def _codec():
    """orjson, imported on first use: the one-request face and `pos txn` never pay for it."""
    global _orjson
    if _orjson is None:
        import orjson

        _orjson = orjson
    return _orjson


def loads_plain(raw: bytes) -> object | None:
    """orjson's reading of one line, or None where it refuses the line (bad UTF-8, a lone
    surrogate, NaN, a BOM, broken or too deep JSON): take `decode()` then, which names the problem.

    orjson reads a JSON number with a fraction or an exponent (and an integer beyond 64 bits) as a
    float. The value is for a reader that accepts no float anywhere (engine.models_plain): whatever
    it does not accept must be read again with `decode()`, where every number is an exact Decimal.
    """
    try:
        return _codec().loads(raw)
    except ValueError:  # orjson.JSONDecodeError is a ValueError
        return None


def dump(obj: object, **kw) -> str:
    """Compact JSON on one line that any UTF-8 stream can take (escaped if it cannot)."""
    kw.setdefault("separators", (",", ":"))
    text = json.dumps(obj, ensure_ascii=False, default=str, **kw)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, ensure_ascii=True, default=str, **kw)
    return text


def dump_line(obj: object) -> bytes:
    """`dump(obj)` plus a newline, as UTF-8 bytes: encoded once, for a binary stream.

    For what an answer holds (dicts, lists, str, bool, None; never a float: every amount is a
    string) orjson writes what json.dumps(ensure_ascii=False, separators=(",", ":")) writes: the
    same key order, escapes and UTF-8. What it refuses (a Decimal, a lone surrogate, an int beyond
    64 bits) the standard library writes, as before.
    """
    codec = _codec()
    try:
        return codec.dumps(obj, option=codec.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        pass
    text = json.dumps(obj, ensure_ascii=False, default=str, separators=(",", ":"))
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return (
            json.dumps(obj, ensure_ascii=True, default=str, separators=(",", ":")).encode() + b"\n"
        )
