"""A visit's parameters from a policy file already validated, without pydantic (the pure CLI).

`engine.policy` validates a policy file with its models, which costs pydantic's import: more than
`pos settle`'s whole budget. So a file is validated once: each time `engine.policy` loads a file
and it passes, it leaves a stamp — the SHA-256 of the file's bytes together with the code that
validates and resolves them — in the cache directory (`POS_CACHE_DIR`, else
`$XDG_CACHE_HOME/hospital-pos`, else `~/.cache/hospital-pos`). `resolve` here reads the file,
and only when its stamp is there resolves the visit from the TOML itself, with the same parsers
and the same rules as `Policy.resolve`. No stamp (a new or edited file, new code), a combination
the policy does not cover, 异地就医 without a filing, an unwritable cache: None, and the caller
takes the validating path, which names any problem. tests/test_settle_fast.py holds both to the
same answers for every combination of both shipped policies.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.codes import HospLv
from engine.models_plain import BigIllness, SettleParams, parse_amount, parse_ratio

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_ENGINE = Path(__file__).resolve().parent
# The code whose verdict a stamp records: a change to any of it invalidates every stamp.
_VALIDATORS = (
    "policy.py",
    "policy_plain.py",
    "models.py",
    "models_plain.py",
    "codes.py",
    "money.py",
)
_DEFAULT_MED_TYPES = {"11": "outpatient", "14": "chronic", "21": "inpatient", "41": "pharmacy"}
_fingerprint: bytes | None = None


def cache_dir() -> Path:
    explicit = os.environ.get("POS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hospital-pos"


def _code_fingerprint() -> bytes:
    global _fingerprint
    if _fingerprint is None:
        h = hashlib.sha256()
        for name in _VALIDATORS:
            h.update((_ENGINE / name).read_bytes())
        _fingerprint = h.digest()
    return _fingerprint


def _stamp(raw: bytes) -> Path:
    digest = hashlib.sha256(_code_fingerprint() + raw).hexdigest()
    return cache_dir() / "policies" / f"{digest}.valid"


def remember_valid(raw: bytes) -> None:
    """Record that a policy file with exactly these bytes passed validation (best effort)."""
    try:
        stamp = _stamp(raw)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:
        pass  # a read-only home: every run validates, which is only slower


def _policy_dir(directory: Path | None) -> Path:
    """engine.fixtures.fixtures_dir()'s answer without importlib.resources (a few ms of a start
    this short): the wheel's engine/_fixtures, else the checkout's fixtures/. Anywhere else (a
    zipped install) the file is not found here and engine.policy finds it."""
    if directory is not None:
        return Path(directory)
    shipped = _ENGINE / "_fixtures"
    return (shipped if shipped.is_dir() else _ENGINE.parent / "fixtures") / "policies"


# A stamped file parsed, and each visit resolved from it, once per version of the file: a
# `--jsonl` stream naming a policy parsed its TOML for every request (≈ 2 ms each, twenty times
# the rest of the request). A version is the file's stat (size, mtime_ns, inode): an edited file
# is read, hashed and looked up in the stamps again, as before. Only stamped files are kept (a
# file not yet stamped is asked again, so it is taken once engine.policy has stamped it); the
# parameters per (险种, 人员类别, 医疗类别, 医院等级), bounded by the codes and the files.
_parsed: dict[Path, tuple[tuple[int, int, int], dict[str, Any], dict[tuple, Any]]] = {}


def resolve(
    policy_id: str, insutype, psn_type, med_type, hosp_lv, directory: Path | None = None
) -> SettleParams | None:
    """`load_policy(policy_id).resolve(...)` for a stamped file; None: ask engine.policy.
    The parameters returned are shared by every caller asking the same: never change them."""
    if not _ID.fullmatch(policy_id):
        return None
    path = _policy_dir(directory) / f"{policy_id}.toml"
    try:
        st = path.stat()
        version = (st.st_size, st.st_mtime_ns, st.st_ino)
        known = _parsed.get(path)
        if known is None or known[0] != version:
            raw = path.read_bytes()
            if not _stamp(raw).exists():
                return None
            known = _parsed[path] = (version, tomllib.loads(raw.decode(), parse_float=str), {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    _, data, resolved = known
    key = (insutype, psn_type, med_type, hosp_lv)
    if key not in resolved:
        resolved[key] = _resolve(data, insutype, psn_type, med_type, hosp_lv)
    return resolved[key]


def _resolve(data: dict[str, Any], insutype, psn_type, med_type, hosp_lv) -> SettleParams | None:
    rule = data["insutype"].get(insutype.value)
    section_name = data.get("med_types", _DEFAULT_MED_TYPES).get(med_type.value)
    if rule is None or section_name is None or psn_type.value not in rule["psn_types"]:
        return None
    section = rule.get(section_name)
    if section is None:
        return None
    level = section.get("pharmacy" if hosp_lv is HospLv.PHARMACY else f"level{hosp_lv.value}")
    if level is None:
        return None
    bonus = parse_ratio(section.get("retiree_bonus", 0)) if psn_type.retired else Decimal(0)
    big = rule.get("big_illness")
    return SettleParams(
        dedc=parse_amount(level["dedc"]),
        pool_ratio=min(parse_ratio(level["pool_ratio"]) + bonus, Decimal(1)),
        annual_cap=_cap(section["annual_cap"]),
        big_illness=BigIllness(
            threshold=parse_amount(big["threshold"]),
            ratio=parse_ratio(big["ratio"]),
            fund=big["fund"],
            cap=_cap(big["cap"]),
        )
        if big and med_type.value in big["med_types"]
        else None,
        acct_pays_ownpay=data["acct_pays_ownpay"],
        default_selfpay_prop=parse_ratio(data["default_selfpay_prop"]),
    )


def _cap(value: object) -> Decimal | None:
    return None if value == "none" else parse_amount(value)
