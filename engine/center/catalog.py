"""fixtures/catalog.toml: one list both sides read (the hospital its prices, the center its
classification: 甲/乙/丙, ceiling price, 先行自付 ratio, whether account money may pay)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.codes import ChrgitmLv, MedChrgitmType
from engine.errors import describe
from engine.fixtures import fixtures_dir
from engine.models import Price, Ratio

CATALOG_PATH = fixtures_dir() / "catalog.toml"


class CatalogItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    med_list_codg: str = Field(max_length=50)  # "" = not in the national catalogue
    medins_list_codg: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    pinyin: str = Field(pattern=r"^[a-z]+$")
    spec: str
    unit: str
    kind: Literal["drug", "exam", "service", "material", "goods"]
    chrgitm_lv: ChrgitmLv
    med_chrgitm_type: MedChrgitmType
    price: Price
    pric_uplmt_amt: Price | None = None
    selfpay_prop: Ratio | None = None
    acct_payable: bool = True


class Catalog:
    def __init__(self, items: list[CatalogItem]) -> None:
        self.items = items
        self.by_medins = {i.medins_list_codg: i for i in items}
        self.by_national = {i.med_list_codg: i for i in items if i.med_list_codg}
        if len(self.by_medins) != len(items):
            raise ValueError("catalog: medins_list_codg must be unique")

    def lookup(self, medins_list_codg: str, med_list_codg: str) -> CatalogItem | None:
        """The hospital code (目录对照) first, then the national code."""
        return self.by_medins.get(medins_list_codg) or self.by_national.get(med_list_codg)

    def search(self, text: str) -> list[CatalogItem]:
        text = text.strip().lower()
        return [
            i
            for i in self.items
            if text in i.pinyin or text in i.name or text == i.medins_list_codg.lower()
        ]


@lru_cache(maxsize=4)
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    items = []
    for n, raw in enumerate(data.get("item", [])):
        try:
            items.append(CatalogItem.model_validate(raw))
        except ValidationError as exc:
            raise ValueError(f"{path}: item[{n}] {describe(exc)}") from None
    return Catalog(items)
