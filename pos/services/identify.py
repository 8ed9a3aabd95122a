"""Who is at the counter: classify the scan, ask the center (1101), show the patient.

Also the F2 card reader's tray of training cards (the fixture people's 社保卡).
"""

from __future__ import annotations

from functools import cache

from engine.masking import mask_certno, mask_name
from engine.policy import list_policies, load_policy
from pos.errors import PosError
from pos.services.scan import classify
from pos.services.views import PatientView, VirtualCard, shown_insurance
from pos.services.window import Window
from pos.services.wire import copay_option, insurance_view, int_or_none
from pos.store import queries


@cache
def region_names() -> dict[str, str]:
    """参保地 admdvs → the region's name, from the policy files."""
    names = {}
    for policy_id in list_policies():
        policy = load_policy(policy_id)
        names[policy.admdvs] = policy.region_name
    return names


@cache
def _training_cards() -> tuple[VirtualCard, ...]:
    from engine.center.seed import load_families  # the one reader of the families fixtures

    cards = []
    for family in load_families():
        for person in family.person:
            role = person.role.split("·")[0].strip()
            label = f"{person.card_no}  {mask_name(person.name)}  {role}"
            cards.append(VirtualCard(label, person.card_no))
    return tuple(cards)


class Identification:
    """Uses the window's link and books; sets `counter.patient` (and clears the visit)."""

    def __init__(self, window: Window) -> None:
        self.window = window

    def identify(self, scan_text: str) -> PatientView:
        """Classify the scan (e-voucher / 身份证 / 社保卡), ask the center (1101), show the patient."""
        window = self.window
        window.require_cashier()
        cert_type, cert_no = classify(scan_text)
        patient = self._read(cert_type.value, cert_no, "identify")
        window.counter.clear_patient()
        window.counter.patient = patient
        return patient

    def refresh(self) -> PatientView:
        """Ask the center again (1101) about the patient on the counter, with the credential they
        showed: after a settlement the account balance and each giver's available amount are the
        center's new ones. The open visit stays as it is."""
        window = self.window
        window.require_cashier()
        current = window.require_patient()
        patient = self._read(current.mdtrt_cert_type, current.mdtrt_cert_no, "identify.refresh")
        if patient.psn_no != current.psn_no:  # the same credential names the same person
            raise PosError(
                "CENTER_BAD_OUTPUT",
                "1101 返回了另一位人员",
                "1101 answered with another person",
            )
        window.counter.patient = patient
        return patient

    def _read(self, cert_type: str, cert_no: str, action: str) -> PatientView:
        window = self.window
        cashier = window.require_cashier()
        out = window.link.call(
            "1101",
            {"mdtrt_cert_type": cert_type, "mdtrt_cert_no": cert_no},
            opter=cashier.cashier_no,
        )
        base = out.get("baseinfo") or {}
        if not base.get("psn_no"):
            raise PosError("CENTER_BAD_OUTPUT", "1101 未返回人员编号", "1101 returned no psn_no")
        exp = out.get("exp_content") or {}
        certno = str(base.get("certno", ""))
        with window.db.transaction() as s:
            orders = queries.waiting_order_nos(s, certno, window.station.fixmedins_code)
            window.audit(s, action, base["psn_no"], {"cert_type": cert_type})
        ext = exp.get("insuinfo")
        insurances = tuple(insurance_view(row, ext) for row in out.get("insuinfo") or [])
        name = str(base.get("psn_name", ""))
        shown = shown_insurance(insurances)
        return PatientView(
            mdtrt_cert_type=cert_type,
            mdtrt_cert_no=cert_no,
            psn_no=base["psn_no"],
            psn_name=name,
            name_masked=mask_name(name),
            certno=certno,
            certno_masked=mask_certno(certno),
            gend=str(base.get("gend", "")),
            brdy=str(base.get("brdy", "")),
            age=int_or_none(base.get("age")),
            insurances=insurances,
            bindings=tuple(copay_option(row) for row in exp.get("bindings") or []),
            shown_by=exp.get("shown_by") or None,
            pending_orders=tuple(orders),
            region_name=region_names().get(shown.insuplc_admdvs, "") if shown else "",
        )

    @staticmethod
    def virtual_cards() -> list[VirtualCard]:
        return list(_training_cards())
