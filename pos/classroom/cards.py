"""`pos cards`: printable A4 demo cards of the fixture people, for a real scanner in class.

Each card carries the person's 医保电子凭证 as a QR code (segno) whose content is exactly the
token the scan field accepts (a USB wedge scanner types it and Enter), their 社保卡 number (a card
reader types it) and 身份证 number (keyed), with name, region and role — every one a fictional
fixture person, and the card says so (虚构人物 · 培训用 / for training only). A 亲情账户 code gets a
card of its own: it identifies the relative, shown on the holder's phone.

The people come from the fixtures (engine.fixtures via engine.center.seed.load_families), so a new
family in fixtures/families/ gets its cards without a change here; the region of a person is the
policy (fixtures/policies/) whose 参保地 shares the first four digits of theirs, as the center
decides. Ten cards to an A4 page (2 × 5, about 90 × 54 mm: cut them out), drawn with reportlab's
built-in CID font STSong-Light; segno and reportlab are imported only when a PDF is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos.printing.pdf import FONT, cid_text, wrap

INSUTYPE = {"310": "职工医保", "390": "城乡居民医保"}


@dataclass(frozen=True)
class Region:
    key: str  # "bortala": the policy id before its year
    admdvs: str  # "652700"
    name: str  # 博尔塔拉蒙古自治州


@dataclass(frozen=True)
class Card:
    region: Region
    family: str
    name: str
    token: str  # exactly what the scanner types
    card_no: str | None = None  # 社保卡
    certno: str | None = None  # 身份证
    insutype: str = ""
    role: str = ""
    shown_by: str | None = None  # 亲情账户: whose phone shows this code


def regions() -> list[Region]:
    from engine.policy import list_policies, load_policy

    out = []
    for policy_id in list_policies():
        p = load_policy(policy_id)
        out.append(Region(policy_id.split("-")[0], p.admdvs, p.region_name))
    return out


def _region_of(admdvs: str, known: list[Region]) -> Region:
    for r in known:
        if r.admdvs[:4] == admdvs[:4]:
            return r
    return Region(admdvs, admdvs, admdvs)


def load_cards(region: str | None = None) -> list[Card]:
    """Every fixture person (and 亲情账户 code), in fixture order; `region` a key, admdvs or name."""
    from engine.center.seed import load_families
    from engine.fixtures import fixtures_dir

    known = regions()
    cards: list[Card] = []
    for fam in load_families(fixtures_dir()):
        people = {p.psn_no: p for p in fam.person}
        for p in fam.person:
            cards.append(
                Card(
                    _region_of(p.enrolment.admdvs, known),
                    fam.name,
                    p.name,
                    p.ecert_token,
                    p.card_no,
                    p.certno,
                    p.enrolment.insutype.value,
                    p.role,
                )
            )
        for fa in fam.family_account:
            relative, holder = people.get(fa.relative), people.get(fa.holder)
            if relative is None:
                continue
            cards.append(
                Card(
                    _region_of(relative.enrolment.admdvs, known),
                    fam.name,
                    relative.name,
                    fa.token,
                    shown_by=holder.name if holder else fa.holder,
                )
            )
    if region is not None:
        cards = [c for c in cards if region in (c.region.key, c.region.admdvs, c.region.name)]
    return cards


# ---------------------------------------------------------------------- the PDF

COLS, ROWS = 2, 5


def render_cards(cards: list[Card]) -> bytes:
    """The cards as an A4 PDF, ten to a page."""
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("医保电子凭证 演示卡（培训用）/ demo cards (for training only)")
    page_w, page_h = A4
    margin, gap = 10 * mm, 4 * mm
    w = (page_w - 2 * margin - (COLS - 1) * gap) / COLS
    h = (page_h - 2 * margin - 6 * mm - (ROWS - 1) * gap) / ROWS
    per_page = COLS * ROWS
    for start in range(0, len(cards), per_page):
        if start:
            c.showPage()
        c.setFont(FONT, 8)
        c.setFillGray(0.35)
        c.drawString(
            margin,
            page_h - margin - 3 * mm,
            cid_text(
                "医保电子凭证 演示卡 · 虚构人物，培训用，非真实凭证 / demo cards of fictional people"
                f" — for training only · 第 {start // per_page + 1} 页"
            ),
        )
        for i, card in enumerate(cards[start : start + per_page]):
            col, row = i % COLS, i // COLS
            x = margin + col * (w + gap)
            y = page_h - margin - 6 * mm - (row + 1) * h - row * gap
            _draw_card(c, card, x, y, w, h)
    c.save()
    return buf.getvalue()


def _draw_card(c, card: Card, x: float, y: float, w: float, h: float) -> None:
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 3 * mm
    c.setLineWidth(0.4)
    c.setStrokeGray(0.55)
    c.setDash(2, 2)
    c.roundRect(x, y, w, h, 3 * mm, stroke=1, fill=0)  # the cut line
    c.setDash()
    top = y + h
    # Header band
    c.setFillGray(0.9)
    c.rect(x + 0.6, top - 7 * mm, w - 1.2, 7 * mm - 0.6, stroke=0, fill=1)
    c.setFillGray(0)
    c.setFont(FONT, 8.5)
    title = "亲情账户码 · 培训用" if card.shown_by else "医保电子凭证 · 培训用"
    c.drawString(x + pad, top - 4.8 * mm, cid_text(title))
    c.setFont(FONT, 7.5)
    c.drawRightString(x + w - pad, top - 4.8 * mm, cid_text(card.region.name))
    # The QR, left
    side = 30 * mm
    qx, qy = x + pad - 1 * mm, top - 8 * mm - side
    _draw_qr(c, card.token, qx, qy, side)
    c.setFont("Courier", 6.2)
    c.drawString(x + pad, qy - 2.4 * mm, card.token)
    # The text, right of the QR
    tx = qx + side + 1.5 * mm
    width = x + w - pad - tx
    ty = top - 12 * mm
    c.setFont(FONT, 12.5)
    c.drawString(tx, ty, cid_text(card.name))
    ty -= 5.5 * mm
    lines: list[tuple[str, float]] = []
    if card.shown_by:
        lines.append((f"由 {card.shown_by} 的手机出示", 8))
        lines.append(("此码识别的是上面这位亲属，", 7.5))
        lines.append(("不动用出示人的钱。", 7.5))
        lines.append(("Shown on a relative's phone:", 6.5))
        lines.append(("it identifies the person named.", 6.5))
    else:
        lines.append((f"社保卡 {card.card_no}", 8.5))
        lines.append((f"身份证 {card.certno}", 8.5))
        lines.append((INSUTYPE.get(card.insutype, card.insutype), 8))
        if card.role:
            lines += [(part, 7.5) for part in wrap(card.role, width, 7.5, stringWidth)]
    for text, size in lines[:7]:
        c.setFont(FONT, size)
        c.drawString(tx, ty, cid_text(text))
        ty -= size * 1.45
    # Footer
    c.setFont(FONT, 6.5)
    c.setFillGray(0.3)
    c.drawString(
        x + pad,
        y + 2.2 * mm,
        cid_text(f"虚构人物 · 培训用 · 非真实凭证 / for training only · {card.family}"),
    )
    c.setFillGray(0)


def _draw_qr(c, token: str, x: float, y: float, side: float) -> None:
    """segno's matrix, one filled path of row runs, with a quiet zone of four modules."""
    from itertools import groupby

    import segno

    qr = segno.make_qr(token, error="m")
    border = 4
    n = qr.symbol_size(border=border)[0]
    unit = side / n
    path = c.beginPath()
    for r, row in enumerate(qr.matrix_iter(border=border)):
        col = 0
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + col * unit, y + side - (r + 1) * unit, length * unit, unit)
            col += length
    c.setFillGray(0)
    c.drawPath(path, stroke=0, fill=1)
