//! The tousu import format: one column per field, with an English key (also the English
//! header), the Chinese header, synonyms seen in institutions' sheets, and a description.
//! The template (`tousu template`), the importer, the generator and the docs all read this
//! one table.

/// The value type of a column, for the template's description sheet and for validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    DateTime,
    Date,
    Money,
    Integer,
    Bool,
    Code,
    List,
}

impl ColumnKind {
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            ColumnKind::Text => ("text", "文本"),
            ColumnKind::DateTime => ("date or date-time", "日期或日期时间"),
            ColumnKind::Date => ("date", "日期"),
            ColumnKind::Money => ("amount (元/万元/¥/$/commas/中文数字)", "金额（元/万元/¥/$/千分位/中文数字）"),
            ColumnKind::Integer => ("whole number", "整数"),
            ColumnKind::Bool => ("yes/no (是/否)", "是/否"),
            ColumnKind::Code => ("one of the listed codes or their Chinese names", "列出的代码或中文名称之一"),
            ColumnKind::List => ("list separated by ； or ;", "以；或;分隔的列表"),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Stable key; also the English header.
    pub key: &'static str,
    /// Chinese header.
    pub zh: &'static str,
    /// Further accepted headers (compared after trimming and lower-casing).
    pub synonyms: &'static [&'static str],
    pub kind: ColumnKind,
    pub required: bool,
    pub en_help: &'static str,
    pub zh_help: &'static str,
    pub example: &'static str,
}

macro_rules! col {
    ($key:literal, $zh:literal, [$($syn:literal),*], $kind:ident, $req:literal, $en:literal, $zhh:literal, $ex:literal) => {
        Column { key: $key, zh: $zh, synonyms: &[$($syn),*], kind: ColumnKind::$kind, required: $req, en_help: $en, zh_help: $zhh, example: $ex }
    };
}

pub const COLUMNS: &[Column] = &[
    col!(
        "external_ref",
        "投诉编号",
        ["工单号", "投诉单号", "编号", "reference", "complaint id", "case id"],
        Text,
        false,
        "The source system's reference. With the source it identifies the complaint: re-importing updates instead of duplicating. If empty, a hash of the row is used.",
        "来源系统的投诉编号，与来源一起唯一标识投诉；重复导入时更新而不重复。为空时以整行内容的哈希代替。",
        "TS-2025-000123"
    ),
    col!(
        "source",
        "来源系统",
        ["来源", "source system"],
        Text,
        false,
        "Source system name; defaults to --source (or the file's format).",
        "来源系统名称；默认取 --source 参数。",
        "crm"
    ),
    col!(
        "received_at",
        "接收时间",
        ["受理时间", "投诉时间", "登记时间", "来电时间", "received", "date received", "received date"],
        DateTime,
        true,
        "When the complaint was received (local time).",
        "投诉接收时间（当地时间）。",
        "2025-03-01 14:05"
    ),
    col!(
        "channel",
        "投诉渠道",
        ["渠道", "来源渠道", "submitted via"],
        Code,
        false,
        "regulator_referral (12378), hotline, counter, online, letter, email, media, petition, other. Empty means other.",
        "监管转办(12378)、电话、柜面、网上、信函、邮件、媒体、信访、其他；为空视为其他。",
        "12378"
    ),
    col!(
        "institution",
        "机构",
        ["被投诉机构", "公司", "company"],
        Text,
        false,
        "Institution complained about.",
        "被投诉机构。",
        "某某人寿保险股份有限公司"
    ),
    col!(
        "branch",
        "分支机构",
        ["分公司", "支行", "网点名称"],
        Text,
        false,
        "Branch handling the complaint.",
        "承办分支机构。",
        "广东分公司"
    ),
    col!("region", "地区", ["省份", "区域", "state"], Text, false, "Region or province.", "地区或省份。", "广东省"),
    col!(
        "product_line",
        "产品线",
        ["业务条线", "险种大类"],
        Text,
        false,
        "Product line (life, health, P&C, card, loan …).",
        "产品线（寿险、健康险、财产险、信用卡、贷款等）。",
        "健康险"
    ),
    col!(
        "product",
        "产品",
        ["产品名称", "险种", "product name"],
        Text,
        false,
        "Product name.",
        "产品名称。",
        "安康重疾险"
    ),
    col!(
        "category",
        "投诉类别",
        ["类别", "投诉类型", "业务类别", "issue"],
        Text,
        false,
        "Category as classified by the source.",
        "来源系统的投诉分类。",
        "理赔纠纷"
    ),
    col!("subcategory", "投诉子类", ["子类别", "子类", "sub-issue"], Text, false, "Subcategory.", "投诉子类。", "拒赔"),
    col!(
        "text",
        "投诉内容",
        ["内容", "投诉详情", "诉求内容", "描述", "complaint text", "narrative", "description"],
        Text,
        false,
        "Free text, at most 100,000 characters.",
        "投诉内容全文，最多 100,000 字。",
        "本人于2020年投保……"
    ),
    col!(
        "demands",
        "诉求",
        ["客户诉求", "诉求类型", "demand"],
        List,
        false,
        "Demands as kind[:amount], separated by ；. Kinds: full_refund (全额退保), claim_payment (理赔), compensation (赔偿), interest (利息), apology (道歉), staff_punishment (处分), other.",
        "诉求，格式 类型[:金额]，以；分隔。类型：全额退保、理赔、赔偿、利息、道歉、处分、其他。",
        "全额退保:3.5万；道歉"
    ),
    col!(
        "group_size",
        "投诉人数",
        ["人数"],
        Integer,
        false,
        "Declared number of people complaining together.",
        "群体投诉的人数。",
        "1"
    ),
    col!("tags", "标签", [], List, false, "Free tags separated by ；.", "标签，以；分隔。", "老年人；重复投诉"),
    col!(
        "complainant_name",
        "投诉人姓名",
        ["投诉人", "客户姓名", "姓名", "name"],
        Text,
        false,
        "Complainant's name.",
        "投诉人姓名。",
        "张三"
    ),
    col!(
        "resident_id",
        "身份证号",
        ["证件号码", "身份证号码", "证件号", "id number"],
        Text,
        false,
        "Mainland resident ID number (18 characters); an invalid one is kept and reported as a warning.",
        "居民身份证号码（18位）；校验不通过时保留并给出警告。",
        "11010519491231002X"
    ),
    col!(
        "phone",
        "联系电话",
        ["电话", "手机", "手机号", "联系方式", "phone number"],
        Text,
        false,
        "Phone number.",
        "联系电话。",
        "138 0013 8000"
    ),
    col!("email", "电子邮箱", ["邮箱", "e-mail"], Text, false, "E-mail address.", "电子邮箱。", "zhang@example.com"),
    col!("address", "联系地址", ["地址", "住址"], Text, false, "Postal address.", "联系地址。", "广州市天河区某路1号"),
    col!("birth_date", "出生日期", ["生日", "date of birth"], Date, false, "Birth date.", "出生日期。", "1958-04-12"),
    col!("gender", "性别", ["sex"], Code, false, "male (男) or female (女).", "男或女。", "男"),
    col!(
        "third_party_name",
        "代理人姓名",
        ["第三方姓名", "委托代理人", "representative"],
        Text,
        false,
        "Representative's name.",
        "代理人（第三方）姓名。",
        "李四"
    ),
    col!(
        "third_party_phone",
        "代理人电话",
        ["第三方电话", "representative phone"],
        Text,
        false,
        "Representative's phone.",
        "代理人电话。",
        "13900139000"
    ),
    col!(
        "third_party_relationship",
        "代理人关系",
        ["与投诉人关系", "代理关系", "relationship", "complaint filed by"],
        Text,
        false,
        "Relationship to the complainant.",
        "代理人与投诉人的关系。",
        "亲属"
    ),
    col!(
        "power_of_attorney",
        "授权委托书",
        ["是否有授权委托书"],
        Bool,
        false,
        "Whether a signed power of attorney was provided.",
        "是否提供签字的授权委托书。",
        "是"
    ),
    col!(
        "policy_number",
        "保单号",
        ["合同号", "账号", "卡号", "policy no"],
        Text,
        false,
        "Policy, contract or account number.",
        "保单号、合同号或账号。",
        "P2020123456"
    ),
    col!(
        "policy_start_date",
        "保单生效日",
        ["生效日期", "承保日期", "投保日期", "policy start"],
        Date,
        false,
        "Policy start date.",
        "保单生效日期。",
        "2020-06-15"
    ),
    col!(
        "premiums_paid",
        "已交保费",
        ["已缴保费", "累计保费", "premiums"],
        Money,
        false,
        "Premiums paid so far.",
        "累计已交保费。",
        "36000元"
    ),
    col!("cash_value", "现金价值", ["退保金额"], Money, false, "Current cash value.", "当前现金价值。", "8,200.00"),
    col!("sum_insured", "保额", ["保险金额", "基本保额"], Money, false, "Sum insured.", "保险金额。", "30万"),
    col!(
        "sales_channel",
        "销售渠道",
        ["渠道类型"],
        Text,
        false,
        "Sales channel (agent, bancassurance, online …).",
        "销售渠道（个险、银保、网销等）。",
        "银保"
    ),
    col!(
        "selling_agent",
        "销售人员",
        ["业务员", "代理人工号", "销售人员姓名", "agent"],
        Text,
        false,
        "Selling agent.",
        "销售人员。",
        "王五(A10023)"
    ),
    col!(
        "agent_departed",
        "销售人员已离职",
        ["业务员是否离职", "是否离职"],
        Bool,
        false,
        "Whether the selling agent has left.",
        "销售人员是否已离职。",
        "是"
    ),
    col!("claim_amount", "索赔金额", ["申请理赔金额"], Money, false, "Amount claimed.", "申请理赔金额。", "¥50,000"),
    col!(
        "claim_decision",
        "理赔结论",
        ["理赔结果"],
        Code,
        false,
        "paid, partially_paid, refused, pending (已赔付/部分赔付/拒赔/处理中).",
        "已赔付、部分赔付、拒赔、处理中。",
        "拒赔"
    ),
    col!(
        "refusal_ground",
        "拒赔原因",
        ["拒付原因", "refusal reason"],
        Text,
        false,
        "Ground of refusal (未如实告知, 责任免除, 等待期 …).",
        "拒赔原因（未如实告知、责任免除、等待期等）。",
        "未如实告知"
    ),
    col!(
        "claim_decision_date",
        "理赔决定日期",
        ["结案日期", "decision date"],
        Date,
        false,
        "Date of the claim decision.",
        "理赔决定日期。",
        "2025-02-20"
    ),
];

/// Find the column a header names: key, Chinese header or synonym; case, spaces and the
/// full-width/half-width forms of brackets are ignored, as is a trailing `*` (required mark).
pub fn column_for_header(header: &str) -> Option<&'static Column> {
    let h = normalize_header(header);
    COLUMNS.iter().find(|c| {
        normalize_header(c.key) == h
            || normalize_header(c.zh) == h
            || c.synonyms.iter().any(|s| normalize_header(s) == h)
    })
}

pub fn normalize_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['*', '＊'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// Parse a yes/no cell.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "是" | "有" | "y" | "yes" | "true" | "1" | "已离职" | "离职" | "已提供" => Some(true),
        "否" | "无" | "没有" | "n" | "no" | "false" | "0" | "在职" | "未提供" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in COLUMNS {
            for h in std::iter::once(c.key).chain(std::iter::once(c.zh)).chain(c.synonyms.iter().copied()) {
                assert!(seen.insert(normalize_header(h)), "header {h} is used twice");
            }
        }
    }

    #[test]
    fn finds_headers() {
        assert_eq!(column_for_header("投诉编号").unwrap().key, "external_ref");
        assert_eq!(column_for_header(" Received_At ").unwrap().key, "received_at");
        assert_eq!(column_for_header("接收时间*").unwrap().key, "received_at");
        assert!(column_for_header("nonsense").is_none());
    }
}
