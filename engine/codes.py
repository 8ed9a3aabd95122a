"""The national platform's dictionaries (国家医保信息平台 接口规范 §1.10) as enums with labels.

Each member's value is the code sent on the wire; `.zh` and `.en` are the labels shown to people.
"""

from __future__ import annotations

from enum import StrEnum


class CodeEnum(StrEnum):
    """A platform code with a Chinese and an English label."""

    def __new__(cls, code: str, zh: str, en: str) -> CodeEnum:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh = zh  # type: ignore[attr-defined]
        member.en = en  # type: ignore[attr-defined]
        return member

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en  # type: ignore[attr-defined]

    @classmethod
    def parse(cls, value: object) -> CodeEnum:
        """The member for `value`, or ValueError naming the allowed codes."""
        try:
            return cls(str(value))
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown {cls.__name__} {value!r} (allowed: {allowed})") from None


class Insutype(CodeEnum):
    EMPLOYEE = "310", "职工基本医疗保险", "employee basic medical insurance"
    CIVIL_SERVANT = "320", "公务员医疗补助", "civil-servant medical subsidy"
    LARGE_AMOUNT = "330", "大额医疗费用补助", "large-amount medical subsidy"
    RESIDENT = "390", "城乡居民基本医疗保险", "urban-rural resident basic medical insurance"


class PsnType(CodeEnum):
    EMPLOYED = "1101", "职工在职", "employee, in service"
    CIVIL_EMPLOYED = "1102", "公务员在职", "civil servant, in service"
    FLEX_EMPLOYED = "1103", "灵活就业人员在职", "flexible worker, in service"
    RETIRED = "1201", "职工退休", "employee, retired"
    CIVIL_RETIRED = "1202", "公务员退休", "civil servant, retired"
    FLEX_RETIRED = "1203", "灵活就业人员退休", "flexible worker, retired"
    NEWBORN = "1401", "新生儿", "newborn"
    PRESCHOOL = "1402", "学龄前儿童", "pre-school child"
    PUPIL = "1403", "中小学生", "school pupil"
    STUDENT = "1404", "大学生", "university student"
    MINOR = "1405", "未成年（未入学）", "minor, not in school"
    ADULT_RESIDENT = "1501", "普通居民（成年）", "adult resident"

    @property
    def retired(self) -> bool:
        return self.value.startswith("12")

    @property
    def minor(self) -> bool:
        return self.value.startswith("14") and self is not PsnType.STUDENT


class MedType(CodeEnum):
    """医疗类别 (med_type), the national dictionary's common codes. Which of them a region settles,
    and under which of its rule sections, is the region policy's business (fixtures/policies)."""

    OUTPATIENT = "11", "普通门诊", "general outpatient"
    REGISTRATION = "12", "门诊挂号", "outpatient registration"
    EMERGENCY = "13", "急诊", "emergency"
    CHRONIC = "14", "门诊慢特病", "outpatient chronic/special disease"
    SPECIAL_DRUG = "15", "特药", "special drugs"
    TCM_OUTPATIENT = "16", "中医特色门诊", "TCM outpatient"
    INPATIENT = "21", "普通住院", "inpatient"
    TRAUMA_INPATIENT = "22", "外伤住院", "trauma inpatient"
    REFERRAL_INPATIENT = "23", "转外诊治住院", "referred-out inpatient"
    EMERGENCY_ADMISSION = "24", "急诊转住院", "emergency admission"
    DAY_SURGERY = "28", "日间手术", "day surgery"
    PHARMACY = "41", "定点药店购药", "designated-pharmacy purchase"
    MATERNITY_OUTPATIENT = "51", "生育门诊", "maternity outpatient"
    MATERNITY_INPATIENT = "52", "生育住院", "maternity inpatient"

    @property
    def inpatient(self) -> bool:
        return self.value.startswith("2") or self is MedType.MATERNITY_INPATIENT


class MdtrtCertType(CodeEnum):
    ECERT = "01", "医保电子凭证", "medical-insurance e-voucher"
    ID_CARD = "02", "居民身份证", "resident ID card"
    SSC = "03", "社会保障卡", "social-security card"


class ChrgitmLv(CodeEnum):
    CLASS_A = "01", "甲类", "class A"
    CLASS_B = "02", "乙类", "class B"
    CLASS_C = "03", "丙类（自费）", "class C (self-pay)"

    @property
    def short_zh(self) -> str:
        return self.zh[0]


class MedChrgitmType(CodeEnum):
    BED = "01", "床位费", "bed"
    CONSULT = "02", "诊察费", "consultation"
    EXAM = "03", "检查费", "examination"
    LAB = "04", "化验费", "laboratory"
    TREATMENT = "05", "治疗费", "treatment"
    SURGERY = "06", "手术费", "surgery"
    NURSING = "07", "护理费", "nursing"
    MATERIAL = "08", "卫生材料费", "medical materials"
    WESTERN_DRUG = "09", "西药费", "western medicine"
    HERBAL = "10", "中药饮片费", "herbal pieces"
    PATENT_DRUG = "11", "中成药费", "Chinese patent medicine"
    GENERAL_CARE = "12", "一般诊疗费", "general care"
    REGISTRATION = "13", "挂号费", "registration"
    OTHER = "14", "其他费", "other"


class FundPayType(CodeEnum):
    EMP_POOL = "310100", "职工基本医疗保险统筹基金", "employee pooled fund"
    EMP_ACCT = "310200", "职工基本医疗保险个人账户基金", "employee personal account"
    LARGE_AMOUNT = "330100", "大额医疗费用补助基金", "large-amount subsidy fund"
    RES_POOL = "390100", "城乡居民基本医疗保险基金", "resident pooled fund"
    RES_BIG_ILLNESS = "390200", "城乡居民大病医疗保险基金", "resident big-illness fund"


class ClrType(CodeEnum):
    OUTPATIENT = "11", "门诊", "outpatient"
    INPATIENT = "21", "住院", "inpatient"
    PHARMACY = "41", "药店购药", "pharmacy"
    OTHER = "99", "其他", "other"


class PsnInsuStas(CodeEnum):
    NOT_INSURED = "0", "未参保", "not insured"
    NORMAL = "1", "正常参保", "insured"
    PAUSED = "2", "暂停参保", "paused"
    # 终止 is 4 in the national dictionary (a captured public 1101 answer shows "4"); 3 is unused.
    TERMINATED = "4", "终止参保", "terminated"


class Relationship(CodeEnum):
    SPOUSE = "spouse", "配偶", "spouse"
    PARENT = "parent", "父母", "parent"
    CHILD = "child", "子女", "child"
    SIBLING = "sibling", "兄弟姐妹", "sibling"
    GRANDPARENT = "grandparent", "祖父母/外祖父母", "grandparent"
    GRANDCHILD = "grandchild", "孙子女/外孙子女", "grandchild"

    @property
    def near_relative(self) -> bool:
        """近亲属 beyond the core family (2024+ policy)."""
        return self in (Relationship.SIBLING, Relationship.GRANDPARENT, Relationship.GRANDCHILD)


class HospLv(CodeEnum):
    """Hospital level for policy lookup: 1/2/3 = 一/二/三级, pharmacy = 定点药店."""

    LEVEL1 = "1", "一级", "level 1"
    LEVEL2 = "2", "二级", "level 2"
    LEVEL3 = "3", "三级", "level 3"
    PHARMACY = "pharmacy", "定点药店", "designated pharmacy"


def clr_type_for(med_type: MedType) -> ClrType:
    """清算类别 of a visit: 门诊 (1x), 住院 (2x, 生育住院), 药店 (41), else 其他."""
    if med_type is MedType.PHARMACY:
        return ClrType.PHARMACY
    if med_type.inpatient:
        return ClrType.INPATIENT
    if med_type.value.startswith("1"):
        return ClrType.OUTPATIENT
    return ClrType.OTHER
