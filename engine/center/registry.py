"""What transaction handlers may read of the center besides their session: the read-only
registries (policies by region, the catalogue, id sources, the answer language) and the cache of
facts that never change while a center runs. Handlers get this, never the `Center` itself, so the
handlers and the center do not import each other."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.center.catalog import Catalog
from engine.center.ids import IdSource
from engine.policy import Policy


@dataclass
class Cache:
    """Facts that never change while a center runs: institutions, names, whose credential is whose."""

    institutions: dict = field(default_factory=dict)
    persons: dict = field(default_factory=dict)
    home: dict = field(default_factory=dict)
    certs: dict = field(default_factory=dict)


@dataclass
class Registry:
    policy_by_region: dict[str, Policy]  # a person's 参保地 admdvs prefix (4 digits) → policy
    catalog: Catalog
    ids: IdSource
    lang: str = "zh"
    cache: Cache = field(default_factory=Cache)
