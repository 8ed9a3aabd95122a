"""Demo people from fixtures/families/*.toml, one per rule the screens must show."""

# 博尔塔拉州人民医院 (cashier 1001)
MINOR_ONE_GIVER = "652701201406010152"  # 艾孜买提: resident minor, father's co-pay (quota left 800)
MINOR_TWO_GIVERS = "652701202011200263"  # 阿依努尔: father then mother
MINOR_TWO_GIVERS_CARD = "X65270004"  # her 社保卡
GRANDSON_REFUSED = (
    "652701201604180355"  # 王小宇: father's account frozen; grandfather not allowed in 博州
)
SON_ARREARS_EXPIRED = "652722201310090196"  # 巴图: father in arrears; mother's binding expired
GRANDMA_TERMINATED = "652722195505050241"  # 乌云: resident insurance terminated
RETIREE_OWN_ACCOUNT = "652701195802140110"  # 王建国: retiree, own account 5600, 慢特病 order
MOTHER_UNBOUND = (
    "652701198709050421"  # 古丽娜尔: employee, own account 800; her spouse binding unbound
)
FATHER_ECERT = "YB652700HS4JYSK92Q99KZ963TZBM3"  # 艾力's e-voucher token

# 昭通市第一人民医院 (cashier 2001)
ZT_SON_TWO_GIVERS = "530602201702070717"  # 陈小龙: father then mother; 昭通 checks the proof
ZT_FAMILY_ACCOUNT_TOKEN = "YB530600SR4V4UJDBZAWASVQUV6TUB"  # 赵桂英, shown from her son's app
ZT_STUDENT_FILED = "652701200509160407"  # 张晓燕: 博州 insured, filed 异地就医 to 昭通
ZT_GRANDPA_NO_FILING = "652701195012240571"  # 张建华: 博州 insured in 昭通 without a filing
ZT_DAUGHTER_QUOTA_10 = "530621201509090627"  # 杨柳: quota 10 left; mother's balance zero

UNKNOWN_ID = "110101199003077571"  # valid check digit, nobody in the center
BAD_CHECK_DIGIT = "652701201406010153"
UNKNOWN_TOKEN = "YB652700AAAAAAAAAAAAAAAAAAAAAA"
