"""A real HIS client's outpatient session, through `pos txn` (#10).

The messages are written from public HIS client code that talks to the national platform
(docs/MESSAGES.md names the sources):
- newtouch-cloud/openhis WinServiceAPI/YiBaoInterface: the envelope of `SettingsBase` and
  `InputPost1` (every header field, `sign_no`, `cainfo` ""), `Models/Input/Input_1101.cs`,
  `Input_2201.cs`, `Input_2208.cs` (C#: null for what is not filled, Newtonsoft's ISO DateTime
  for 2201 `begntime`), and the captured answers in `ClassHelper.cs` for what is read back;
- fengzaiqishi11/hsa-his hsa-insure `InsureCommonUtil.getInputMap` (input wrapped in `data`),
  `InsureUnifiedPayOutptBOImpl` (2204: integer `feedetl_sn`, BigDecimal amounts, `cnt` with four
  decimals), `OutptPreSettleReqUtil` / `OutptSettleReqUtil` (2206/2207: no exp_content,
  `pub_hosp_rfom_flag` null, the four split totals and `invono` sent as "").
Each line goes through pos txn's own reader and writer (`run_lines`: JSON text in, JSON text out).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import NOW

from engine.center import Center
from engine.center.jsontext import dumps
from pos.commands.txn import run_lines

ROOT = Path(__file__).resolve().parents[2]
HOSPITAL = "H65270100001"
D = Decimal
NUMBER = (Decimal, int)


def envelope(infno: str, seq: int, data: dict, *, insuplc: str = "") -> dict:
    """The header as openhis' SettingsBase fills it (dev_no, signtype … null when not set)."""
    return {
        "infno": infno,
        "msgid": f"{HOSPITAL}{NOW:%Y%m%d%H%M%S}{seq:04d}",
        "mdtrtarea_admvs": "652701",
        "insuplc_admdvs": insuplc,
        "recer_sys_code": "YBXT",
        "dev_no": None,
        "dev_safe_info": None,
        "cainfo": "",
        "signtype": None,
        "infver": "V1.0",
        "opter_type": "1",
        "opter": "1001",
        "opter_name": "收费员",
        "inf_time": f"{NOW:%Y-%m-%d %H:%M:%S}",
        "fixmedins_code": HOSPITAL,
        "fixmedins_name": "博尔塔拉蒙古自治州人民医院",
        "sign_no": "359754",
        "input": data,
    }


class Client:
    """Sends one recorded line at a time through pos txn's reader/writer, keeps the raw text."""

    def __init__(self, center: Center) -> None:
        self.center = center
        self.texts: list[str] = []
        self.seq = 0

    def send(self, infno: str, data: dict, **kw) -> dict:
        self.seq += 1
        line = dumps(envelope(infno, self.seq, data, **kw)) + "\n"
        out = io.StringIO()
        run_lines(self.center, io.BytesIO(line.encode()), out)
        text = out.getvalue()
        self.texts.append(text)
        answer = json.loads(text, parse_float=Decimal)
        assert answer["infcode"] == 0, (infno, answer.get("err_msg"))
        return answer


def check_envelope(answer: dict) -> None:
    assert answer["infcode"] == 0 and isinstance(answer["infcode"], int)
    # 接收方医保区划(6) + yyyyMMddHHmmss(14) + 流水号(10)
    assert re.fullmatch(r"652700\d{24}", answer["inf_refmsgid"]), answer["inf_refmsgid"]
    assert answer["inf_refmsgid"][6:20] == f"{NOW:%Y%m%d%H%M%S}"
    for key in ("refmsg_time", "respond_time"):
        assert re.fullmatch(r"\d{17}", answer[key]), (key, answer[key])
    assert "err_msg" in answer and answer["err_msg"] is None
    assert "warn_msg" in answer and answer["warn_msg"] is None
    assert isinstance(answer["output"], dict)


def typed(row: dict, strings=(), numbers=(), nullable=()) -> None:
    """Every field present, with its type (数值型 → a JSON number, 字符型 → a string)."""
    for key in strings:
        assert isinstance(row[key], str), (key, row.get(key))
    for key in numbers:
        assert isinstance(row[key], NUMBER) and not isinstance(row[key], bool), (key, row[key])
    for key in nullable:
        assert key in row, key


SETLINFO_STRINGS = (
    "mdtrt_id", "psn_no", "psn_name", "psn_cert_type", "certno", "gend", "naty", "brdy",
    "insutype", "psn_type", "cvlserv_flag", "setl_time", "mdtrt_cert_type", "med_type",
    "clr_optins", "clr_way", "clr_type", "medins_setl_id",
)  # fmt: skip
SETLINFO_NUMBERS = (
    "age", "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
    "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "cvlserv_pay", "hifes_pay",
    "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay",
    "psn_cash_pay", "hosp_part_amt", "balc", "acct_mulaid_pay",
)  # fmt: skip
# What the platform does not have stays off its nodes (the simulator's own is in exp_content).
NOT_ON_THE_WIRE = {"own_acct_pay", "insuplc_admdvs", "mdtrtarea_admvs"}


def check_setl(out: dict, *, settled: bool) -> None:
    info = out["setlinfo"]
    typed(info, SETLINFO_STRINGS, SETLINFO_NUMBERS)
    assert isinstance(info["setl_id"], str) if settled else info["setl_id"] is None
    assert not NOT_ON_THE_WIRE & set(info)
    for d in out["setldetail"]:
        typed(d, ("fund_pay_type", "fund_pay_type_name"), ("inscp_scp_amt", "fund_payamt"))
        assert "crt_payb_lmt_amt" in d and "setl_proc_info" in d
    acct = [d for d in out["setldetail"] if d["fund_pay_type"] == "310200"]
    if info["acct_pay"] != 0:  # a settlement's, or a refund's (negated)
        assert [d["fund_payamt"] for d in acct] == [info["acct_pay"]]
    else:
        assert acct == []


def session(client: Client, person, *, bill, med_type="11", acct="1", exp=None) -> dict:
    """1101 → 2201 → 2204 → 2206 → 2207 for one person; the answers by infno."""
    got: dict = {}
    got["1101"] = client.send(
        "1101",
        {
            "data": {
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": person.certno,
                "card_sn": None,
                "begntime": None,
                "psn_cert_type": "01",
                "certno": person.certno,
                "psn_name": person.name,
            }
        },
    )
    insu = got["1101"]["output"]["insuinfo"][0]
    insuplc = insu["insuplc_admdvs"]
    got["2201"] = client.send(
        "2201",
        {
            "data": {
                "psn_no": person.psn_no,
                "insutype": insu["insutype"],
                "begntime": f"{NOW:%Y-%m-%dT%H:%M:%S}",  # Newtonsoft's DateTime
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": person.certno,
                "ipt_otp_no": f"MZ{person.psn_no[-4:]}{med_type}{client.seq:04d}",
                "atddr_no": "D652701000001",
                "dr_name": "王医生",
                "dept_code": "A03",
                "dept_name": "内科",
                "caty": "A03",
            }
        },
        insuplc=insuplc,
    )
    mdtrt_id = got["2201"]["output"]["data"]["mdtrt_id"]
    batch = f"{client.seq:08d}"
    feedetail = [
        {
            "feedetl_sn": n,  # hsa-his: an integer
            "id": f"F{n}",
            "mdtrt_id": mdtrt_id,
            "psn_no": person.psn_no,
            "chrg_bchno": batch,
            "dise_code": None,
            "rxno": "",
            "rx_circ_flag": "0",
            "fee_ocur_time": f"{NOW:%Y-%m-%d %H:%M:%S}",
            "med_list_codg": "",
            "medins_list_codg": code,
            "med_list_name": "",
            "pric": D(pric),
            "cnt": D(cnt),
            "det_item_fee_sumamt": (D(pric) * D(cnt)).quantize(D("0.01")),
            "sin_dos_dscr": "",
            "prd_days": None,
            "bilg_dept_codg": "A03",
            "bilg_dept_name": "内科",
            "bilg_dr_codg": "D652701000001",
            "bilg_dr_name": "王医生",
            "hosp_appr_flag": "1",
            "etip_flag": None,
        }
        for n, (code, pric, cnt) in enumerate(bill, 1)
    ]
    got["2204"] = client.send("2204", {"feedetail": feedetail}, insuplc=insuplc)
    total = sum((f["det_item_fee_sumamt"] for f in feedetail), D(0))
    data = {
        "psn_no": person.psn_no,
        "mdtrt_cert_type": "02",
        "mdtrt_cert_no": person.certno,
        "card_sn": None,
        "psn_cert_type": "01",
        "certno": person.certno,
        "psn_type": insu["psn_type"],
        "psn_name": person.name,
        "med_type": med_type,
        "medfee_sumamt": total,
        "psn_setlway": "01",
        "mdtrt_id": mdtrt_id,
        "chrg_bchno": batch,
        "acct_used_flag": acct,
        "insutype": insu["insutype"],
        "pub_hosp_rfom_flag": None,
        "mdtrt_mode": "0",
    }
    if exp is not None:
        data["exp_content"] = exp
    got["2206"] = client.send("2206", {"data": data}, insuplc=insuplc)
    settle = {
        **data,
        "invono": "",
        "fulamt_ownpay_amt": "",
        "overlmt_selfpay": "",
        "preselfpay_amt": "",
        "inscp_scp_amt": "",
        "pub_hosp_rfom_flag": "",
        "mid_setl_flag": "0",
    }
    got["2207"] = client.send("2207", {"data": settle}, insuplc=insuplc)
    got["mdtrt_id"], got["insuplc"] = mdtrt_id, insuplc
    return got


BILL = [("HS00045", "10.00", "1.0000"), ("HD00001", "12.50", "2.0000"), ("HD00003", "18.60", "1")]


def test_a_real_clients_outpatient_session_is_accepted_end_to_end(center, people):
    aili = people["艾力·买买提"]  # employee, own account
    client = Client(center)
    got = session(client, aili, bill=BILL)

    for infno in ("1101", "2201", "2204", "2206", "2207"):
        check_envelope(got[infno])

    out = got["1101"]["output"]
    typed(
        out["baseinfo"],
        ("psn_no", "psn_cert_type", "certno", "psn_name", "gend", "naty", "brdy"),
        ("age",),
    )
    for row in out["insuinfo"]:
        typed(
            row,
            ("insutype", "psn_type", "psn_insu_stas", "psn_insu_date", "cvlserv_flag"),
            ("balc",),
        )
        typed(row, ("insuplc_admdvs", "emp_name"), nullable=("paus_insu_date",))
        assert not {"acct_frozen", "arrears", "psn_insu_stas_name"} & set(row)
    assert out["insuinfo"][0]["balc"] == D("3200.00")
    assert isinstance(out["idetinfo"], list)

    assert set(got["2201"]["output"]["data"]) == {"mdtrt_id", "psn_no", "ipt_otp_no"}

    lines = got["2204"]["output"]["result"]
    assert [r["feedetl_sn"] for r in lines] == ["1", "2", "3"]
    for r in lines:
        typed(
            r,
            ("feedetl_sn", "chrgitm_lv", "med_chrgitm_type", "bas_medn_flag", "hi_nego_drug_flag"),
            ("det_item_fee_sumamt", "cnt", "pric", "pric_uplmt_amt", "selfpay_prop"),
        )
        typed(
            r,
            ("chld_medc_flag", "list_sp_item_flag", "lmt_used_flag", "drt_reim_flag"),
            ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt"),
            nullable=("memo",),
        )
        assert not {"name", "acct_payable"} & set(r)  # the simulator's: in the line's exp_content
    assert lines[1]["pric_uplmt_amt"] == D("12.00")
    assert lines[2]["pric_uplmt_amt"] == D("999999")  # no ceiling: the platform's sentinel

    check_setl(got["2206"]["output"], settled=False)
    check_setl(got["2207"]["output"], settled=True)
    info = got["2207"]["output"]["setlinfo"]
    assert info["acct_pay"] > 0 and info["medfee_sumamt"] == D("53.60")
    assert got["2207"]["output"]["exp_content"]["own_acct_pay"] == info["acct_pay"]

    # 2208 as openhis sends it, and the refund answer negates every amount, inscp_scp_amt too.
    refund = client.send(
        "2208",
        {"data": {"setl_id": info["setl_id"], "mdtrt_id": got["mdtrt_id"], "psn_no": aili.psn_no}},
        insuplc=got["insuplc"],
    )
    check_envelope(refund)
    check_setl(refund["output"], settled=True)
    back = refund["output"]["setlinfo"]
    for key in SETLINFO_NUMBERS:
        if key not in ("age", "pool_prop_selfpay", "balc"):
            assert back[key] == -info[key], key
    assert back["inscp_scp_amt"] == -info["inscp_scp_amt"] < 0
    assert [d["fund_payamt"] for d in refund["output"]["setldetail"]] == [
        -d["fund_payamt"] for d in got["2207"]["output"]["setldetail"]
    ]

    # On the wire the amounts are JSON numbers written from Decimal: 53.60, never "53.60" or 53.6.
    text = "".join(client.texts)
    assert '"medfee_sumamt":53.60' in text and '"medfee_sumamt":-53.60' in text
    assert not re.search(r'"(medfee_sumamt|acct_pay|balc|pric|cnt)":"', text)
    answers = [json.loads(t) for t in client.texts]
    assert len({a["inf_refmsgid"] for a in answers}) == len(answers)


def test_a_real_shaped_2207_for_a_bound_child_uses_co_pay(center, people):
    """No exp_content (a real client never sends one): the bindings pay in deduction order."""
    son, father = people["艾孜买提·艾力"], people["艾力·买买提"]
    got = session(Client(center), son, bill=BILL)
    info = got["2207"]["output"]["setlinfo"]
    assert info["acct_mulaid_pay"] > 0 and info["acct_pay"] == info["acct_mulaid_pay"]
    [paid] = got["2207"]["output"]["exp_content"]["mulaid_detail"]
    assert (paid["giver_psn_no"], paid["binding_id"]) == (father.psn_no, "BND-BT-0101")
    assert paid["amount"] == info["acct_mulaid_pay"]
    assert [d["fund_pay_type"] for d in got["2207"]["output"]["setldetail"]][-1] == "310200"


@pytest.mark.parametrize(
    ("acct", "exp"),
    [("1", {"mulaid_psn_nos": []}), ("1", '{"mulaid_psn_nos": []}'), ("0", None), ("0", "")],
    ids=["declined", "declined-as-json-text", "no-account", "no-account-empty-exp"],
)
def test_co_pay_is_not_used_when_declined_or_without_the_account(center, people, acct, exp):
    son = people["艾孜买提·艾力"]
    got = session(Client(center), son, bill=BILL, acct=acct, exp=exp)
    info = got["2207"]["output"]["setlinfo"]
    assert info["acct_mulaid_pay"] == 0 and info["psn_cash_pay"] > 0
    assert got["2207"]["output"]["exp_content"]["mulaid_detail"] == []


def test_acct_used_flag_0_with_named_givers_is_refused(bt, people):
    son, father = people["艾孜买提·艾力"], people["艾力·买买提"]
    from center_helpers import open_visit

    answer = open_visit(bt, son).answer("2206", givers=[father.psn_no], acct_used=False)
    assert answer["infcode"] == -1
    assert answer["err_detail"]["field"] == "exp_content.mulaid_psn_nos"


@pytest.mark.parametrize("med_type", ["12", "13"])
def test_med_type_12_and_13_settle_as_outpatient_sharing_its_deductible(center, people, med_type):
    aili = people["艾力·买买提"]
    client = Client(center)
    first = session(client, aili, bill=BILL, med_type="11")["2207"]["output"]["setlinfo"]
    got = session(client, aili, bill=BILL, med_type=med_type)
    info = got["2207"]["output"]["setlinfo"]
    assert (info["med_type"], info["clr_type"]) == (med_type, "11")
    # 三级 outpatient: 起付线 300 a year, 120 paid before → 180 left, shared with the 11 visit.
    assert first["act_pay_dedc"] + info["act_pay_dedc"] == min(
        D("180.00"), first["inscp_scp_amt"] + info["inscp_scp_amt"]
    )
    assert first["act_pay_dedc"] > 0 and info["act_pay_dedc"] < D("180.00")


def test_a_med_type_the_region_does_not_settle_is_refused(bt, people):
    from center_helpers import open_visit

    from pos.bench.station import Refused

    with pytest.raises(Refused, match="51"):  # 生育门诊: not in 博州's [med_types]
        open_visit(bt, people["艾力·买买提"], med_type="51")


def test_a_real_shaped_3202_reports_nothing_missing(center, people):
    """3202 with file_qury_no (the rows are in a 9101 file the simulator never sees): totals."""
    aili = people["艾力·买买提"]
    client = Client(center)
    info = session(client, aili, bill=BILL)["2207"]["output"]["setlinfo"]
    data = {
        "clr_type": "11",
        "setl_optins": "652700",
        "file_qury_no": "FQ20250615000001",
        "stmt_begndate": f"{NOW:%Y-%m-%d}",
        "stmt_enddate": f"{NOW:%Y-%m-%d}",
        "medfee_sumamt": info["medfee_sumamt"],
        "fund_pay_sumamt": info["fund_pay_sumamt"],
        "cash_payamt": info["psn_cash_pay"],
        "fixmedins_setl_cnt": 1,
    }
    out = client.send("3202", {"data": data})["output"]
    assert out["stmtinfo"]["stmt_rslt"] == "0" and out["result"] == []
    wrong = client.send("3202", {"data": {**data, "fixmedins_setl_cnt": 2}})["output"]
    assert wrong["stmtinfo"]["stmt_rslt"] == "1"
    assert "fixmedins_setl_cnt" in wrong["stmtinfo"]["stmt_rslt_dscr"]


def _txn(db_url: str, lines: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pos.cli", "txn", "--db", db_url, "--no-init"]
    cmd += ["--clock", f"{NOW:%Y-%m-%dT%H:%M:%S}"]
    return subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_two_processes_never_answer_the_same_inf_refmsgid(engine, db_url, people):
    """Same fixed clock, same database: two processes at once, then a restart."""
    aili = people["艾力·买买提"]
    ask = dumps(
        envelope("1101", 1, {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": aili.certno}})
    )
    bad = dumps(envelope("1101", 2, {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}}))
    lines = "\n".join([ask, bad] * 3) + "\n"
    ids: list[str] = []
    for batch in ([_txn(db_url, lines), _txn(db_url, lines)], [_txn(db_url, lines)]):
        for proc in batch:
            out, err = proc.communicate(lines, timeout=120)
            assert proc.returncode == 0, err
            answers = [json.loads(line) for line in out.splitlines()]
            assert [a["infcode"] for a in answers] == [0, -1] * 3
            ids += [a["inf_refmsgid"] for a in answers]
    assert len(ids) == 18 and len(set(ids)) == 18, ids
