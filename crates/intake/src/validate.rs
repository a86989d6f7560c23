//! From a mapped row to a valid [`Complaint`], or every reason it is not one.
//!
//! Errors reject the row; warnings keep it (an unknown channel becomes `other`, an invalid
//! resident ID number is kept as given) so that no complaint is lost for a detail.

use crate::formats::{Mapped, Plan};
use crate::source::{Cell, format_number};
use sha2::{Digest, Sha256};
use tousu_core::columns::parse_bool;
use tousu_core::money::parse_money;
use tousu_core::parse::{DateOrder, from_excel_serial, parse_datetime};
use tousu_core::{
    Channel, Claim, ClaimDecision, Complaint, Currency, Demand, DemandKind, Gender, MAX_TEXT_CHARS, Money, Policy,
    ThirdParty,
};
use tousu_store::{RowError, Severity};

/// What a whole file shares: where rows come from and how to read ambiguous cells.
#[derive(Debug, Clone)]
pub struct Context {
    /// File name for reports.
    pub file: String,
    /// Source system when the row names none.
    pub source: String,
    pub date_order: DateOrder,
    pub currency: Currency,
}

/// Collects the problems of one row.
struct Row<'a> {
    ctx: &'a Context,
    row: u64,
    problems: Vec<RowError>,
}

impl Row<'_> {
    fn push(&mut self, col: &str, value: Option<&str>, reason: impl Into<String>, severity: Severity) {
        self.problems.push(RowError {
            file: self.ctx.file.clone(),
            row: self.row,
            column: Some(col.to_string()),
            value: value.map(tousu_core::error::clip),
            reason: reason.into(),
            severity,
        });
    }
    fn error(&mut self, col: &str, value: Option<&str>, reason: impl Into<String>) {
        self.push(col, value, reason, Severity::Error)
    }
    fn warn(&mut self, col: &str, value: Option<&str>, reason: impl Into<String>) {
        self.push(col, value, reason, Severity::Warning)
    }

    /// Text of a cell after the checks every cell gets.
    fn text(&mut self, m: &Mapped, key: &str) -> Option<String> {
        let cell = m.get(key)?;
        match cell {
            Cell::Invalid(reason) => {
                self.error(key, None, reason.clone());
                None
            }
            Cell::Text(s) => {
                if s.contains('\0') {
                    self.error(key, Some(&s.replace('\0', "\\0")), "embedded NUL character");
                    return None;
                }
                if is_formula_like(s) {
                    self.error(key, Some(s), "formula-like cell (starts with =, @, + or -): refused to prevent spreadsheet formula injection");
                    return None;
                }
                let t = s.trim();
                if t.is_empty() { None } else { Some(t.to_string()) }
            }
            other => Some(other.as_text()),
        }
    }

    fn money(&mut self, m: &Mapped, key: &str) -> Option<Money> {
        match m.get(key)? {
            Cell::Number(n) => {
                let minor = (n * 100.0).round();
                if *n < 0.0 {
                    self.error(key, Some(&format_number(*n)), "amount must not be negative");
                    None
                } else if (n * 100.0 - minor).abs() > 1e-6 || minor > 9e15 {
                    self.error(key, Some(&format_number(*n)), "more precise than a cent or too large");
                    None
                } else {
                    Some(Money::new(minor as i64, self.ctx.currency))
                }
            }
            _ => {
                let s = self.text(m, key)?;
                match parse_money(&s, self.ctx.currency) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        self.error(key, Some(&s), e.reason().to_string());
                        None
                    }
                }
            }
        }
    }

    fn datetime(&mut self, m: &Mapped, key: &str) -> Option<chrono::NaiveDateTime> {
        match m.get(key)? {
            Cell::DateTime(n) | Cell::Number(n) => {
                let r = from_excel_serial(*n);
                if r.is_none() {
                    self.error(key, Some(&format_number(*n)), "Excel serial date out of range");
                }
                r
            }
            _ => {
                let s = self.text(m, key)?;
                match parse_datetime(&s, self.ctx.date_order) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        self.error(key, Some(&s), e.reason().to_string());
                        None
                    }
                }
            }
        }
    }

    fn date(&mut self, m: &Mapped, key: &str) -> Option<chrono::NaiveDate> {
        self.datetime(m, key).map(|d| d.date())
    }

    fn boolean(&mut self, m: &Mapped, key: &str) -> Option<bool> {
        if let Some(Cell::Bool(b)) = m.get(key) {
            return Some(*b);
        }
        let s = self.text(m, key)?;
        let v = parse_bool(&s);
        if v.is_none() {
            self.warn(key, Some(&s), "not a yes/no value (是/否); left empty");
        }
        v
    }
}

/// A cell that a spreadsheet would run as a formula: `=…`, `@…`, or `+`/`-` followed by
/// something other than a number (`+86 138…` and `-5` are fine). Tabs and carriage returns
/// before these count too.
pub fn is_formula_like(s: &str) -> bool {
    let t = s.trim_start_matches([' ', '\t', '\r', '\n']);
    let mut it = t.chars();
    match it.next() {
        Some('=') | Some('@') => t.chars().count() > 1,
        Some('+') | Some('-') => match it.next() {
            None | Some(' ') => false,
            Some(_) => !t.chars().all(|c| c.is_ascii_digit() || " .,()+-".contains(c)),
        },
        _ => false,
    }
}

/// A stable reference for rows that carry none: a hash of the row's cells.
fn row_hash(m: &Mapped) -> String {
    let mut h = Sha256::new();
    for (k, cell) in m.iter() {
        h.update(k.as_bytes());
        h.update([0x1f]);
        h.update(cell.as_text().as_bytes());
        h.update([0x1e]);
    }
    for (k, v) in &m.extra {
        h.update(k.as_bytes());
        h.update([0x1f]);
        h.update(v.as_bytes());
        h.update([0x1e]);
    }
    let d = h.finalize();
    let hex: String = d.iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("row-{hex}")
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['；', ';', '\n']).map(str::trim).filter(|x| !x.is_empty())
}

/// Build a complaint from one mapped row. `Ok` carries the warnings; `Err` every problem
/// (errors and warnings) of a rejected row.
pub fn build(plan: &Plan, m: &Mapped, row: u64, ctx: &Context) -> Result<(Complaint, Vec<RowError>), Vec<RowError>> {
    let mut r = Row { ctx, row, problems: Vec::new() };
    let received_at = r.datetime(m, "received_at");
    if m.get("received_at").is_none() {
        r.error("received_at", None, "required value is missing");
    }
    let external_ref = r.text(m, "external_ref").unwrap_or_else(|| row_hash(m));
    let source = r.text(m, "source").or_else(|| plan.source.map(String::from)).unwrap_or_else(|| ctx.source.clone());
    let channel = match plan.channel {
        Some(c) => c,
        None => match r.text(m, "channel") {
            None => Channel::Other,
            Some(s) => Channel::parse(&s).unwrap_or_else(|| {
                r.warn("channel", Some(&s), "unknown channel; stored as other");
                Channel::Other
            }),
        },
    };
    let text = r.text(m, "text").unwrap_or_default();
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        r.error("text", None, format!("text has {n} characters; at most {MAX_TEXT_CHARS} are allowed"));
    }
    let mut demands = Vec::new();
    if let Some(s) = r.text(m, "demands") {
        for item in split_list(&s) {
            let (kind_s, amount_s) = match item.split_once([':', '：']) {
                Some((k, a)) => (k.trim(), Some(a.trim())),
                None => (item, None),
            };
            let kind = DemandKind::parse(kind_s).unwrap_or_else(|| {
                r.warn("demands", Some(item), "unknown demand kind; stored as other");
                DemandKind::Other
            });
            let amount = match amount_s.filter(|a| !a.is_empty()) {
                None => None,
                Some(a) => match parse_money(a, ctx.currency) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        r.error("demands", Some(item), e.reason().to_string());
                        None
                    }
                },
            };
            demands.push(Demand { kind, amount });
        }
    }
    let group_size = match m.get("group_size") {
        None => None,
        Some(Cell::Number(n)) if n.fract() == 0.0 && *n >= 1.0 && *n <= u32::MAX as f64 => Some(*n as u32),
        Some(_) => {
            let s = r.text(m, "group_size").unwrap_or_default();
            match s.trim_end_matches('人').trim().parse::<u32>() {
                Ok(v) if v >= 1 => Some(v),
                _ => {
                    r.error("group_size", Some(&s), "not a whole number of at least 1");
                    None
                }
            }
        }
    };
    let mut tags: Vec<String> = m.tags.clone();
    if let Some(s) = r.text(m, "tags") {
        tags.extend(split_list(&s).map(String::from));
    }

    let mut complainant = tousu_core::Complainant {
        name: r.text(m, "complainant_name"),
        resident_id: None,
        phone: r.text(m, "phone"),
        email: r.text(m, "email"),
        address: r.text(m, "address"),
        birth_date: r.date(m, "birth_date"),
        gender: None,
    };
    if let Some(g) = r.text(m, "gender") {
        complainant.gender = Gender::parse(&g);
        if complainant.gender.is_none() {
            r.warn("gender", Some(&g), "unknown gender; left empty");
        }
    }
    if let Some(id) = r.text(m, "resident_id") {
        match tousu_core::ident::parse_resident_id(&id) {
            Ok(info) => {
                if complainant.birth_date.is_some_and(|b| b != info.birth_date) {
                    r.warn("birth_date", None, "differs from the birth date in the resident ID number");
                }
                complainant.birth_date.get_or_insert(info.birth_date);
                complainant.gender.get_or_insert(info.gender);
                complainant.resident_id = Some(info.number);
            }
            Err(p) => {
                r.warn("resident_id", Some(&id), format!("{p}; kept as given"));
                complainant.resident_id = Some(id);
            }
        }
    }

    let tp = ThirdParty {
        name: r.text(m, "third_party_name"),
        phone: r.text(m, "third_party_phone"),
        relationship: r.text(m, "third_party_relationship"),
        power_of_attorney: r.boolean(m, "power_of_attorney"),
    };
    let third_party = (tp != ThirdParty::default()).then_some(tp);
    let policy = Policy {
        number: r.text(m, "policy_number"),
        start_date: r.date(m, "policy_start_date"),
        premiums_paid: r.money(m, "premiums_paid"),
        cash_value: r.money(m, "cash_value"),
        sum_insured: r.money(m, "sum_insured"),
        sales_channel: r.text(m, "sales_channel"),
        agent: r.text(m, "selling_agent"),
        agent_departed: r.boolean(m, "agent_departed"),
    };
    let policy = (policy != Policy::default()).then_some(policy);
    let mut claim = Claim {
        amount_claimed: r.money(m, "claim_amount"),
        decision: None,
        refusal_ground: r.text(m, "refusal_ground"),
        decision_date: r.date(m, "claim_decision_date"),
    };
    if let Some(d) = r.text(m, "claim_decision") {
        claim.decision = ClaimDecision::parse(&d);
        if claim.decision.is_none() {
            r.warn("claim_decision", Some(&d), "unknown claim decision; left empty");
        }
    }
    let claim = (claim != Claim::default()).then_some(claim);

    // Every other field of the catalogue that is text.
    let institution = r.text(m, "institution");
    let branch = r.text(m, "branch");
    let region = r.text(m, "region");
    let product_line = r.text(m, "product_line");
    let product = r.text(m, "product");
    let category = r.text(m, "category");
    let subcategory = r.text(m, "subcategory");

    let rejected = r.problems.iter().any(|p| p.severity == Severity::Error);
    match received_at {
        Some(received_at) if !rejected => {
            let c = Complaint {
                source,
                external_ref,
                received_at,
                channel,
                institution,
                branch,
                region,
                product_line,
                product,
                category,
                subcategory,
                text,
                demands,
                group_size,
                tags,
                complainant,
                third_party,
                policy,
                claim,
                extra: m.extra.clone(),
            };
            Ok((c, r.problems))
        }
        _ => Err(r.problems),
    }
}

/// (field, reason) pairs.
pub type FieldProblems = Vec<(String, String)>;

/// The checks a complaint arriving by the API gets: the model's invariants as errors, and the
/// resident ID number normalised or warned about. Returns (field, reason) errors and warnings.
pub fn check_complaint(c: &mut Complaint) -> (FieldProblems, FieldProblems) {
    let errors: Vec<(String, String)> = c.problems().into_iter().map(|(f, r)| (f.to_string(), r)).collect();
    let mut warnings = Vec::new();
    if let Some(id) = c.complainant.resident_id.clone() {
        match tousu_core::ident::parse_resident_id(&id) {
            Ok(info) => {
                c.complainant.birth_date.get_or_insert(info.birth_date);
                c.complainant.gender.get_or_insert(info.gender);
                c.complainant.resident_id = Some(info.number);
            }
            Err(p) => warnings.push(("complainant.resident_id".to_string(), format!("{p}; kept as given"))),
        }
    }
    (errors, warnings)
}

/// The column keys this validator reads; kept equal to the catalogue by a test.
pub const READ_KEYS: &[&str] = &[
    "external_ref",
    "source",
    "received_at",
    "channel",
    "institution",
    "branch",
    "region",
    "product_line",
    "product",
    "category",
    "subcategory",
    "text",
    "demands",
    "group_size",
    "tags",
    "complainant_name",
    "resident_id",
    "phone",
    "email",
    "address",
    "birth_date",
    "gender",
    "third_party_name",
    "third_party_phone",
    "third_party_relationship",
    "power_of_attorney",
    "policy_number",
    "policy_start_date",
    "premiums_paid",
    "cash_value",
    "sum_insured",
    "sales_channel",
    "selling_agent",
    "agent_departed",
    "claim_amount",
    "claim_decision",
    "refusal_ground",
    "claim_decision_date",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;
    use crate::source::RawRow;
    use tousu_core::columns::COLUMNS;

    #[test]
    fn every_catalogue_column_is_read() {
        let keys: Vec<&str> = COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(keys, READ_KEYS);
    }

    #[test]
    fn formula_detection() {
        for f in ["=cmd|' /C calc'!A0", "@SUM(A1)", "+cmd", "-2+3+cmd|x", "\t=1+1"] {
            assert!(is_formula_like(f), "{f}");
        }
        for ok in ["+86 138 0013 8000", "-5", "-1,200.50", "理赔 = 拒付", "a=b", "", "=", "- 列表项"] {
            assert!(!is_formula_like(ok), "{ok}");
        }
    }

    fn ctx() -> Context {
        Context { file: "t.csv".into(), source: "import".into(), date_order: DateOrder::Auto, currency: Currency::Cny }
    }

    fn row(headers: &[&str], cells: &[&str]) -> Result<(Complaint, Vec<RowError>), Vec<RowError>> {
        let h: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        let plan = Plan::new(Format::Tousu, &h, "t.csv").unwrap();
        let raw = RawRow {
            row: 2,
            cells: cells.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect(),
        };
        build(&plan, &plan.map(raw), 2, &ctx())
    }

    #[test]
    fn builds_a_full_row() {
        let (c, warnings) = row(
            &[
                "投诉编号",
                "接收时间",
                "投诉渠道",
                "投诉内容",
                "诉求",
                "身份证号",
                "已交保费",
                "现金价值",
                "授权委托书",
                "理赔结论",
                "未知列",
            ],
            &[
                "A1",
                "2025年3月1日 14:05",
                "12378",
                "要求全额退保",
                "全额退保:3.5万；道歉",
                "11010519491231002x",
                "36,000元",
                "8200",
                "是",
                "拒赔",
                "保留",
            ],
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(c.external_ref, "A1");
        assert_eq!(c.source, "import");
        assert_eq!(c.channel, Channel::RegulatorReferral);
        assert_eq!(c.demands.len(), 2);
        assert_eq!(c.demands[0].amount, Some(Money::cny_yuan(35_000)));
        assert_eq!(c.complainant.resident_id.as_deref(), Some("11010519491231002X"));
        assert_eq!(c.complainant.gender, Some(Gender::Female));
        let p = c.policy.unwrap();
        assert_eq!(p.premiums_paid, Some(Money::cny_yuan(36_000)));
        assert_eq!(c.third_party.unwrap().power_of_attorney, Some(true));
        assert_eq!(c.claim.unwrap().decision, Some(ClaimDecision::Refused));
        assert_eq!(c.extra.get("未知列").map(String::as_str), Some("保留"));
    }

    #[test]
    fn reports_every_problem() {
        let errs = row(
            &["投诉编号", "接收时间", "已交保费", "投诉内容"],
            &["A2", "2025-02-30", "12元3", "=cmd|' /C calc'!A0"],
        )
        .unwrap_err();
        let cols: Vec<_> = errs.iter().map(|e| e.column.clone().unwrap()).collect();
        assert_eq!(cols, ["received_at", "text", "premiums_paid"]);
        assert!(errs.iter().all(|e| e.row == 2 && e.file == "t.csv"));
        let errs = row(&["投诉编号", "接收时间"], &["A3", ""]).unwrap_err();
        assert_eq!(errs[0].reason, "required value is missing");
    }

    #[test]
    fn warnings_keep_the_row() {
        let (c, w) = row(&["接收时间", "投诉渠道", "身份证号"], &["2025-03-01", "信鸽", "110105194912310021"]).unwrap();
        assert_eq!(c.channel, Channel::Other);
        assert!(c.external_ref.starts_with("row-"));
        assert_eq!(w.len(), 2);
        assert!(w.iter().all(|e| e.severity == Severity::Warning));
    }
}
