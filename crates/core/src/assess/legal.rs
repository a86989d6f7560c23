//! Legal-merit checks on refusal and surrender complaints (保险法; DOMAIN.md §3).
//!
//! Each check that applies to the case gives pass / fail / unknown with the data it used
//! (field names and values), the data it lacked and the article it tests. A check that does
//! not apply (e.g. the Art. 16 check on a refusal for another ground) is left out. Any fail
//! makes the institution's position *legally vulnerable*; [`super::assess`] then raises the
//! grade one level.
//!
//! Periods are counted in calendar days from the day after the starting day; a period whose
//! last day is not a business day ends on the next business day (《民法典》第二百零一条、
//! 第二百零三条), on the calendar named in `legal.toml`. "Later than N days" means after that
//! last day.
//!
//! Dates the model does not hold (claim request, incident, refusal notice, agreement, payment,
//! surrender notice, refund, policy receipt) and the refund amount come in [`LegalFacts`],
//! read from the complaint's `extra` columns and tags by [`LegalFacts::from_complaint`] or
//! filled by the caller (e.g. from lifecycle events).

use super::{AssessInput, Bilingual, bad, check_version, contains_ci};
use crate::calendar::Calendar;
use crate::error::Error;
use crate::model::{ClaimDecision, Complaint, DemandKind};
use crate::money::{Currency, Money, parse_money};
use crate::parse::{DateOrder, parse_date};
use crate::text::Category;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Facts the legal checks need beyond the model. All optional: a check that lacks one says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalFacts {
    /// The claim request (with its documents) was received (保险法第二十三条、第二十五条).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_request_date: Option<NaiveDate>,
    /// The insured event happened (出险日; start of the Art. 26 limitation period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_date: Option<NaiveDate>,
    /// The refusal notice (拒赔通知书) was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_notice_date: Option<NaiveDate>,
    /// Insurer and claimant agreed the amount (达成赔付协议).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_date: Option<NaiveDate>,
    /// The claim (or its first part) was paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_date: Option<NaiveDate>,
    /// The policyholder's surrender notice arrived (收到解除合同通知).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surrender_notice_date: Option<NaiveDate>,
    /// The surrender refund was paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_date: Option<NaiveDate>,
    /// The surrender refund paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Money>,
    /// The policyholder signed for the policy (start of the cooling-off period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_receipt_date: Option<NaiveDate>,
    /// Evidence that the exclusion clause was explained at sale (Art. 17): `Some(true)` with
    /// evidence (signed notice, dual recording), `Some(false)` when known to be missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion_explained: Option<bool>,
}

impl LegalFacts {
    /// Read the facts from the complaint's `extra` columns (headers in `legal.toml` `[fields]`)
    /// and tags (`explained_tags`, `not_explained_tags`). Unreadable values are ignored.
    pub fn from_complaint(c: &Complaint, cfg: &LegalConfig) -> LegalFacts {
        let get = |headers: &[String]| -> Option<&str> {
            c.extra.iter().find_map(|(k, v)| {
                let k = k.trim().to_lowercase();
                headers
                    .iter()
                    .any(|h| h.trim().to_lowercase() == k)
                    .then_some(v.as_str())
                    .filter(|v| !v.trim().is_empty())
            })
        };
        let date = |headers: &[String]| get(headers).and_then(|v| parse_date(v, DateOrder::Auto).ok());
        let f = &cfg.fields;
        let currency =
            c.policy.as_ref().and_then(|p| p.premiums_paid.or(p.cash_value)).map_or(Currency::Cny, |m| m.currency);
        let mut explained = get(&f.exclusion_explained).and_then(crate::columns::parse_bool);
        let has_tag =
            |tags: &[String]| c.tags.iter().any(|t| tags.iter().any(|x| x.trim().eq_ignore_ascii_case(t.trim())));
        if has_tag(&cfg.explained_tags) {
            explained = Some(true);
        }
        if has_tag(&cfg.not_explained_tags) {
            explained = Some(false);
        }
        LegalFacts {
            claim_request_date: date(&f.claim_request_date),
            incident_date: date(&f.incident_date),
            refusal_notice_date: date(&f.refusal_notice_date),
            agreement_date: date(&f.agreement_date),
            paid_date: date(&f.paid_date),
            surrender_notice_date: date(&f.surrender_notice_date),
            refund_date: date(&f.refund_date),
            refund_amount: get(&f.refund_amount).and_then(|v| parse_money(v, currency).ok()),
            policy_receipt_date: date(&f.policy_receipt_date),
            exclusion_explained: explained,
        }
    }

    /// These facts with every fact `other` has replacing them.
    pub fn merged(self, other: &LegalFacts) -> LegalFacts {
        LegalFacts {
            claim_request_date: other.claim_request_date.or(self.claim_request_date),
            incident_date: other.incident_date.or(self.incident_date),
            refusal_notice_date: other.refusal_notice_date.or(self.refusal_notice_date),
            agreement_date: other.agreement_date.or(self.agreement_date),
            paid_date: other.paid_date.or(self.paid_date),
            surrender_notice_date: other.surrender_notice_date.or(self.surrender_notice_date),
            refund_date: other.refund_date.or(self.refund_date),
            refund_amount: other.refund_amount.or(self.refund_amount),
            policy_receipt_date: other.policy_receipt_date.or(self.policy_receipt_date),
            exclusion_explained: other.exclusion_explained.or(self.exclusion_explained),
        }
    }
}

/// `extra` column headers per fact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldHeaders {
    #[serde(default)]
    pub claim_request_date: Vec<String>,
    #[serde(default)]
    pub incident_date: Vec<String>,
    #[serde(default)]
    pub refusal_notice_date: Vec<String>,
    #[serde(default)]
    pub agreement_date: Vec<String>,
    #[serde(default)]
    pub paid_date: Vec<String>,
    #[serde(default)]
    pub surrender_notice_date: Vec<String>,
    #[serde(default)]
    pub refund_date: Vec<String>,
    #[serde(default)]
    pub refund_amount: Vec<String>,
    #[serde(default)]
    pub policy_receipt_date: Vec<String>,
    #[serde(default)]
    pub exclusion_explained: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLegal {
    version: u32,
    calendar: String,
    incontestable_years: u32,
    decision_days: u32,
    refusal_notice_days: u32,
    payment_days: u32,
    determinable_days: u32,
    surrender_refund_days: u32,
    limitation_years_life: u32,
    limitation_years_other: u32,
    cooling_off_days: u32,
    cooling_off_fee_max_minor: i64,
    life_terms: Vec<String>,
    non_life_terms: Vec<String>,
    nondisclosure_terms: Vec<String>,
    exclusion_terms: Vec<String>,
    limitation_terms: Vec<String>,
    explained_tags: Vec<String>,
    not_explained_tags: Vec<String>,
    #[serde(default)]
    fields: FieldHeaders,
}

/// `data/assess/legal.toml`, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalConfig {
    pub calendar_id: String,
    calendar: Option<Calendar>,
    pub incontestable_years: u32,
    pub decision_days: u32,
    pub refusal_notice_days: u32,
    pub payment_days: u32,
    pub determinable_days: u32,
    pub surrender_refund_days: u32,
    pub limitation_years_life: u32,
    pub limitation_years_other: u32,
    pub cooling_off_days: u32,
    pub cooling_off_fee_max_minor: i64,
    pub life_terms: Vec<String>,
    pub non_life_terms: Vec<String>,
    pub nondisclosure_terms: Vec<String>,
    pub exclusion_terms: Vec<String>,
    pub limitation_terms: Vec<String>,
    pub explained_tags: Vec<String>,
    pub not_explained_tags: Vec<String>,
    pub fields: FieldHeaders,
}

impl LegalConfig {
    pub fn from_toml(src: &str) -> Result<LegalConfig, Error> {
        const WHAT: &str = "legal checks file";
        let r: RawLegal = toml::from_str(src).map_err(|e| bad(WHAT, e.to_string()))?;
        check_version(WHAT, r.version)?;
        let calendar = match r.calendar.trim() {
            "none" | "" => None,
            id => Some(Calendar::builtin(id).ok_or_else(|| bad(WHAT, format!("unknown calendar {id:?}")))?),
        };
        for (name, v) in [
            ("decision_days", r.decision_days),
            ("refusal_notice_days", r.refusal_notice_days),
            ("payment_days", r.payment_days),
            ("determinable_days", r.determinable_days),
            ("surrender_refund_days", r.surrender_refund_days),
            ("cooling_off_days", r.cooling_off_days),
        ] {
            if v == 0 || v > 3660 {
                return Err(bad(WHAT, format!("{name} must be 1..=3660 days")));
            }
        }
        for (name, v) in [
            ("incontestable_years", r.incontestable_years),
            ("limitation_years_life", r.limitation_years_life),
            ("limitation_years_other", r.limitation_years_other),
        ] {
            if v == 0 || v > 100 {
                return Err(bad(WHAT, format!("{name} must be 1..=100 years")));
            }
        }
        if r.cooling_off_fee_max_minor < 0 {
            return Err(bad(WHAT, "cooling_off_fee_max_minor must not be negative"));
        }
        Ok(LegalConfig {
            calendar_id: r.calendar,
            calendar,
            incontestable_years: r.incontestable_years,
            decision_days: r.decision_days,
            refusal_notice_days: r.refusal_notice_days,
            payment_days: r.payment_days,
            determinable_days: r.determinable_days,
            surrender_refund_days: r.surrender_refund_days,
            limitation_years_life: r.limitation_years_life,
            limitation_years_other: r.limitation_years_other,
            cooling_off_days: r.cooling_off_days,
            cooling_off_fee_max_minor: r.cooling_off_fee_max_minor,
            life_terms: r.life_terms,
            non_life_terms: r.non_life_terms,
            nondisclosure_terms: r.nondisclosure_terms,
            exclusion_terms: r.exclusion_terms,
            limitation_terms: r.limitation_terms,
            explained_tags: r.explained_tags,
            not_explained_tags: r.not_explained_tags,
            fields: r.fields,
        })
    }

    /// The last day of a period of `days` calendar days starting on `start` (rolled to the next
    /// business day on the configured calendar).
    pub fn last_day(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let end = start.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX);
        match &self.calendar {
            Some(cal) => cal.next_business_day_on_or_after(end),
            None => end,
        }
    }
}

fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MAX)
}

/// The checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// Non-disclosure refusal on a contract formed more than 2 years before (Art. 16).
    NonDisclosureIncontestable,
    /// Exclusion refusal: was the exclusion explained at sale? (Art. 17)
    ExclusionExplained,
    /// Claim decided within 30 days of the request (Art. 23).
    DecisionTimely,
    /// Refusal notice within 3 days of the decision (Art. 24).
    RefusalNoticeTimely,
    /// Payment within 10 days of the agreement (Art. 23).
    PaymentTimely,
    /// Determinable part paid within 60 days of the request (Art. 25).
    DeterminablePartPaid,
    /// Surrender refund within 30 days of the notice (Art. 47).
    SurrenderRefundTimely,
    /// Surrender inside the cooling-off period refunded in full less a small fee.
    CoolingOffRefund,
    /// Limitation period (Art. 26: 2 years non-life, 5 years life).
    Limitation,
}

impl CheckId {
    pub const ALL: &'static [CheckId] = &[
        CheckId::NonDisclosureIncontestable,
        CheckId::ExclusionExplained,
        CheckId::DecisionTimely,
        CheckId::RefusalNoticeTimely,
        CheckId::PaymentTimely,
        CheckId::DeterminablePartPaid,
        CheckId::SurrenderRefundTimely,
        CheckId::CoolingOffRefund,
        CheckId::Limitation,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CheckId::NonDisclosureIncontestable => "non_disclosure_incontestable",
            CheckId::ExclusionExplained => "exclusion_explained",
            CheckId::DecisionTimely => "decision_timely",
            CheckId::RefusalNoticeTimely => "refusal_notice_timely",
            CheckId::PaymentTimely => "payment_timely",
            CheckId::DeterminablePartPaid => "determinable_part_paid",
            CheckId::SurrenderRefundTimely => "surrender_refund_timely",
            CheckId::CoolingOffRefund => "cooling_off_refund",
            CheckId::Limitation => "limitation",
        }
    }
    pub fn title(self) -> Bilingual {
        let (zh, en) = match self {
            CheckId::NonDisclosureIncontestable => {
                ("未如实告知拒赔：合同成立是否已满二年", "Non-disclosure refusal: contract older than 2 years?")
            }
            CheckId::ExclusionExplained => {
                ("免责条款拒赔：是否有明确说明的证据", "Exclusion refusal: evidence the exclusion was explained?")
            }
            CheckId::DecisionTimely => ("30日内作出核定", "Claim decided within 30 days"),
            CheckId::RefusalNoticeTimely => {
                ("核定后3日内发出拒赔通知并说明理由", "Refusal notice within 3 days of the decision")
            }
            CheckId::PaymentTimely => ("达成协议后10日内支付", "Paid within 10 days of the agreement"),
            CheckId::DeterminablePartPaid => ("60日内先行支付可确定部分", "Determinable part paid within 60 days"),
            CheckId::SurrenderRefundTimely => {
                ("收到退保通知后30日内退还现金价值", "Cash value refunded within 30 days of the surrender notice")
            }
            CheckId::CoolingOffRefund => (
                "犹豫期内退保应退还全部保费（扣除少量工本费）",
                "Cooling-off surrender refunds the premium (less a small fee)",
            ),
            CheckId::Limitation => {
                ("诉讼时效（非寿险2年、寿险5年）", "Limitation period (2 years non-life, 5 years life)")
            }
        };
        Bilingual::new(zh, en)
    }
    pub fn article(self) -> Bilingual {
        let (zh, en) = match self {
            CheckId::NonDisclosureIncontestable => ("《保险法》第十六条", "Insurance Law Art. 16"),
            CheckId::ExclusionExplained => ("《保险法》第十七条", "Insurance Law Art. 17"),
            CheckId::DecisionTimely | CheckId::PaymentTimely => ("《保险法》第二十三条", "Insurance Law Art. 23"),
            CheckId::RefusalNoticeTimely => ("《保险法》第二十四条", "Insurance Law Art. 24"),
            CheckId::DeterminablePartPaid => ("《保险法》第二十五条", "Insurance Law Art. 25"),
            CheckId::SurrenderRefundTimely => ("《保险法》第四十七条", "Insurance Law Art. 47"),
            CheckId::CoolingOffRefund => {
                ("犹豫期规定（行业实践，保险合同约定）", "Cooling-off rules (industry practice, policy terms)")
            }
            CheckId::Limitation => ("《保险法》第二十六条", "Insurance Law Art. 26"),
        };
        Bilingual::new(zh, en)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The institution's position holds on this point.
    Pass,
    /// The institution's position does not hold: legally vulnerable.
    Fail,
    /// Data is missing (see `missing`).
    Unknown,
}

/// A value a check used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataUsed {
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalCheck {
    pub id: CheckId,
    pub title: Bilingual,
    pub article: Bilingual,
    pub status: CheckStatus,
    pub used: Vec<DataUsed>,
    /// Fields the check needed and did not have (status unknown).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    pub note: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalReport {
    /// The checks that apply, in [`CheckId::ALL`] order.
    pub checks: Vec<LegalCheck>,
    /// At least one check failed.
    pub vulnerable: bool,
}

impl LegalReport {
    pub fn get(&self, id: CheckId) -> Option<&LegalCheck> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// Collects the data a check uses.
struct B {
    id: CheckId,
    used: Vec<DataUsed>,
    missing: Vec<String>,
}

impl B {
    fn new(id: CheckId) -> B {
        B { id, used: Vec::new(), missing: Vec::new() }
    }
    fn use_value(&mut self, field: &str, value: impl ToString) {
        self.used.push(DataUsed { field: field.to_string(), value: value.to_string() });
    }
    fn date(&mut self, field: &str, d: Option<NaiveDate>) -> Option<NaiveDate> {
        match d {
            Some(d) => self.use_value(field, d),
            None => self.missing.push(field.to_string()),
        }
        d
    }
    fn money(&mut self, field: &str, m: Option<Money>) -> Option<Money> {
        match m {
            Some(m) => self.use_value(field, m.display()),
            None => self.missing.push(field.to_string()),
        }
        m
    }
    fn done(self, status: CheckStatus, zh: impl Into<String>, en: impl Into<String>) -> LegalCheck {
        LegalCheck {
            id: self.id,
            title: self.id.title(),
            article: self.id.article(),
            status,
            used: self.used,
            missing: self.missing,
            note: Bilingual::new(zh, en),
        }
    }
    fn unknown(self) -> LegalCheck {
        let list = self.missing.join(", ");
        self.done(CheckStatus::Unknown, format!("缺少数据：{list}"), format!("missing data: {list}"))
    }
}

fn matches_any(hay: &str, terms: &[String]) -> bool {
    terms.iter().any(|t| !t.is_empty() && contains_ci(hay, t))
}

/// Whether the product is life insurance: `Some(true)` life, `Some(false)` non-life, `None`
/// unknown.
fn is_life(c: &Complaint, cfg: &LegalConfig) -> Option<bool> {
    let names: Vec<&str> = [c.product_line.as_deref(), c.product.as_deref()].into_iter().flatten().collect();
    if names.iter().any(|n| matches_any(n, &cfg.life_terms)) {
        Some(true)
    } else if names.iter().any(|n| matches_any(n, &cfg.non_life_terms)) {
        Some(false)
    } else {
        None
    }
}

/// Run the checks that apply.
pub fn check(input: &AssessInput<'_>, cfg: &LegalConfig) -> LegalReport {
    let c = input.complaint;
    let f = &input.legal;
    let today = input.today;
    let category = input.category();
    let claim = c.claim.as_ref();
    let decision = claim.and_then(|cl| cl.decision);
    let ground = claim.and_then(|cl| cl.refusal_ground.clone()).unwrap_or_default();
    let refused =
        decision == Some(ClaimDecision::Refused) || (decision.is_none() && category == Some(Category::ClaimRefusal));
    let claim_related = claim.is_some()
        || matches!(category, Some(Category::ClaimRefusal | Category::ClaimDelay | Category::ClaimAmountDispute));
    let surrender_related = category == Some(Category::SurrenderDispute)
        || f.surrender_notice_date.is_some()
        || c.demands.iter().any(|d| d.kind == DemandKind::FullRefund);
    let decision_date = claim.and_then(|cl| cl.decision_date);
    let mut checks = Vec::new();

    // Art. 16: incontestability.
    if refused && matches_any(&ground, &cfg.nondisclosure_terms) {
        let mut b = B::new(CheckId::NonDisclosureIncontestable);
        b.use_value("claim.refusal_ground", &ground);
        let start = b.date("policy.start_date", c.policy.as_ref().and_then(|p| p.start_date));
        let refusal = match (decision_date, f.refusal_notice_date) {
            (Some(d), _) => b.date("claim.decision_date", Some(d)),
            (None, Some(d)) => b.date("refusal_notice_date", Some(d)),
            (None, None) => b.date("claim.decision_date", None),
        };
        checks.push(match (start, refusal) {
            (Some(s), Some(r)) => {
                let limit = add_years(s, cfg.incontestable_years);
                b.use_value("incontestable_from", limit);
                if r > limit {
                    b.done(
                        CheckStatus::Fail,
                        format!("合同成立于{s}，至{r}拒赔时已超过{}年（{limit}后不得解除合同），应当承担保险责任", cfg.incontestable_years),
                        format!("contract formed {s}; refused {r}, more than {} years later (no rescission after {limit}): the insurer must pay", cfg.incontestable_years),
                    )
                } else {
                    b.done(
                        CheckStatus::Pass,
                        format!("拒赔时合同成立未满{}年（至{limit}）；另须在知道解除事由后30日内行使（未检查）", cfg.incontestable_years),
                        format!("refused within {} years of formation (until {limit}); rescission must also come within 30 days of learning the ground (not checked)", cfg.incontestable_years),
                    )
                }
            }
            _ => b.unknown(),
        });
    }

    // Art. 17: exclusions explained.
    if refused && matches_any(&ground, &cfg.exclusion_terms) {
        let mut b = B::new(CheckId::ExclusionExplained);
        b.use_value("claim.refusal_ground", &ground);
        checks.push(match f.exclusion_explained {
            Some(true) => {
                b.use_value("exclusion_explained", true);
                b.done(CheckStatus::Pass, "有免责条款已提示并明确说明的证据", "evidence that the exclusion was flagged and explained")
            }
            Some(false) => {
                b.use_value("exclusion_explained", false);
                b.done(
                    CheckStatus::Fail,
                    "无免责条款明确说明的证据：该条款不产生效力，拒赔依据不足",
                    "no evidence the exclusion was explained: the clause is void, the refusal has no basis",
                )
            }
            None => {
                b.missing.push("exclusion_explained".into());
                b.done(
                    CheckStatus::Unknown,
                    "未记录免责条款说明的证据（投保提示书签字、双录）；举证责任在保险人，请调取并记录",
                    "no record of the exclusion being explained (signed notice, dual recording); the insurer bears the burden: find and record it",
                )
            }
        });
    }

    // Art. 23: decision within 30 days.
    if claim_related {
        let mut b = B::new(CheckId::DecisionTimely);
        let req = b.date("claim_request_date", f.claim_request_date);
        checks.push(match req {
            None => b.unknown(),
            Some(req) => {
                let last = cfg.last_day(req, cfg.decision_days);
                b.use_value("last_day", last);
                match decision_date {
                    Some(d) => {
                        b.use_value("claim.decision_date", d);
                        let days = (d - req).num_days();
                        if d > last {
                            b.done(
                                CheckStatus::Fail,
                                format!("申请后第{days}天才核定，超过{}日期限（最后一日{last}）", cfg.decision_days),
                                format!(
                                    "decided {days} days after the request, beyond {} days (last day {last})",
                                    cfg.decision_days
                                ),
                            )
                        } else {
                            b.done(
                                CheckStatus::Pass,
                                format!("申请后第{days}天核定，在期限内"),
                                format!("decided {days} days after the request, in time"),
                            )
                        }
                    }
                    None if matches!(
                        decision,
                        Some(ClaimDecision::Paid | ClaimDecision::PartiallyPaid | ClaimDecision::Refused)
                    ) =>
                    {
                        b.missing.push("claim.decision_date".into());
                        b.unknown()
                    }
                    None if today > last => {
                        b.use_value("today", today);
                        b.done(
                            CheckStatus::Fail,
                            format!("申请后{}天仍未核定，已超过期限（最后一日{last}）", (today - req).num_days()),
                            format!(
                                "no decision {} days after the request; the last day was {last}",
                                (today - req).num_days()
                            ),
                        )
                    }
                    None => {
                        b.use_value("today", today);
                        b.done(
                            CheckStatus::Pass,
                            format!("尚未核定，期限至{last}"),
                            format!("not decided yet; due by {last}"),
                        )
                    }
                }
            }
        });
    }

    // Art. 24: refusal notice within 3 days.
    if claim_related && refused {
        let mut b = B::new(CheckId::RefusalNoticeTimely);
        let d = b.date("claim.decision_date", decision_date);
        let n = b.date("refusal_notice_date", f.refusal_notice_date);
        checks.push(match (d, n) {
            (Some(d), Some(n)) => {
                let last = cfg.last_day(d, cfg.refusal_notice_days);
                b.use_value("last_day", last);
                if n > last {
                    b.done(
                        CheckStatus::Fail,
                        format!("核定后第{}天才发出拒赔通知（最后一日{last}）", (n - d).num_days()),
                        format!("refusal notice {} days after the decision (last day {last})", (n - d).num_days()),
                    )
                } else {
                    b.done(
                        CheckStatus::Pass,
                        "拒赔通知在期限内发出；请确认通知书写明理由",
                        "notice sent in time; check that it states the reasons",
                    )
                }
            }
            _ => b.unknown(),
        });
    }

    // Art. 23: payment within 10 days of the agreement.
    let paid_decision = matches!(decision, Some(ClaimDecision::Paid | ClaimDecision::PartiallyPaid));
    if claim_related && (f.agreement_date.is_some() || paid_decision) {
        let mut b = B::new(CheckId::PaymentTimely);
        checks.push(match b.date("agreement_date", f.agreement_date) {
            None => b.unknown(),
            Some(a) => {
                let last = cfg.last_day(a, cfg.payment_days);
                b.use_value("last_day", last);
                match f.paid_date {
                    Some(p) => {
                        b.use_value("paid_date", p);
                        if p > last {
                            b.done(
                                CheckStatus::Fail,
                                format!("协议后第{}天才支付（最后一日{last}）", (p - a).num_days()),
                                format!("paid {} days after the agreement (last day {last})", (p - a).num_days()),
                            )
                        } else {
                            b.done(CheckStatus::Pass, "协议后按时支付", "paid in time after the agreement")
                        }
                    }
                    None if today > last => {
                        b.use_value("today", today);
                        b.done(
                            CheckStatus::Fail,
                            format!("协议后{}天仍未支付（最后一日{last}）", (today - a).num_days()),
                            format!("unpaid {} days after the agreement (last day {last})", (today - a).num_days()),
                        )
                    }
                    None => {
                        b.use_value("today", today);
                        b.done(
                            CheckStatus::Pass,
                            format!("尚未支付，期限至{last}"),
                            format!("not paid yet; due by {last}"),
                        )
                    }
                }
            }
        });
    }

    // Art. 25: the determinable part within 60 days.
    if claim_related && !refused {
        let mut b = B::new(CheckId::DeterminablePartPaid);
        checks.push(match b.date("claim_request_date", f.claim_request_date) {
            None => b.unknown(),
            Some(req) => {
                let last = cfg.last_day(req, cfg.determinable_days);
                b.use_value("last_day", last);
                let decided_in_time = decision_date.filter(|d| *d <= last);
                let paid_in_time = f.paid_date.filter(|p| *p <= last);
                if let Some(d) = decision_date {
                    b.use_value("claim.decision_date", d);
                }
                if let Some(p) = f.paid_date {
                    b.use_value("paid_date", p);
                }
                if decided_in_time.is_some() || paid_in_time.is_some() {
                    b.done(
                        CheckStatus::Pass,
                        "60日内已核定数额或已先行支付",
                        "the amount was decided, or a part paid, within 60 days",
                    )
                } else if decision_date.is_none() && paid_decision {
                    b.missing.push("claim.decision_date".into());
                    b.unknown()
                } else if decision_date.is_none() && today <= last {
                    b.use_value("today", today);
                    b.done(CheckStatus::Pass, format!("尚在60日内（至{last}）"), format!("still within 60 days (until {last})"))
                } else {
                    b.use_value("today", today);
                    b.done(
                        CheckStatus::Fail,
                        format!("申请后60日（{last}）内既未确定数额，也未先行支付可确定部分（除非确无可确定的数额）"),
                        format!("no amount decided and nothing paid within 60 days (by {last}), unless no part could be determined"),
                    )
                }
            }
        });
    }

    // Art. 47: surrender refund within 30 days.
    if surrender_related {
        let mut b = B::new(CheckId::SurrenderRefundTimely);
        checks.push(match b.date("surrender_notice_date", f.surrender_notice_date) {
            None => b.unknown(),
            Some(n) => {
                let last = cfg.last_day(n, cfg.surrender_refund_days);
                b.use_value("last_day", last);
                match f.refund_date {
                    Some(r) => {
                        b.use_value("refund_date", r);
                        if r > last {
                            b.done(
                                CheckStatus::Fail,
                                format!("收到退保通知后第{}天才退款（最后一日{last}）", (r - n).num_days()),
                                format!("refunded {} days after the notice (last day {last})", (r - n).num_days()),
                            )
                        } else {
                            b.done(CheckStatus::Pass, "按时退款", "refunded in time")
                        }
                    }
                    None if today > last => {
                        b.use_value("today", today);
                        b.done(
                            CheckStatus::Fail,
                            format!("收到退保通知{}天仍未退款（最后一日{last}）", (today - n).num_days()),
                            format!("no refund {} days after the notice (last day {last})", (today - n).num_days()),
                        )
                    }
                    None => {
                        b.use_value("today", today);
                        b.done(
                            CheckStatus::Pass,
                            format!("尚未退款，期限至{last}"),
                            format!("not refunded yet; due by {last}"),
                        )
                    }
                }
            }
        });
    }

    // Cooling-off: inside it, the premium less a small fee.
    if surrender_related {
        let mut b = B::new(CheckId::CoolingOffRefund);
        let notice = b.date("surrender_notice_date", f.surrender_notice_date);
        let start = match (f.policy_receipt_date, c.policy.as_ref().and_then(|p| p.start_date)) {
            (Some(d), _) => b.date("policy_receipt_date", Some(d)),
            (None, Some(d)) => b.date("policy.start_date", Some(d)),
            (None, None) => b.date("policy_receipt_date", None),
        };
        checks.push(match (notice, start) {
            (Some(n), Some(s)) => {
                let last = cfg.last_day(s, cfg.cooling_off_days);
                b.use_value("cooling_off_last_day", last);
                if n > last {
                    b.done(
                        CheckStatus::Pass,
                        format!("退保申请在犹豫期（至{last}）之后，按现金价值退还"),
                        format!("surrendered after the cooling-off period (ended {last}): the cash value applies"),
                    )
                } else {
                    let premium = b.money("policy.premiums_paid", c.policy.as_ref().and_then(|p| p.premiums_paid));
                    let refund = b.money("refund_amount", f.refund_amount);
                    match (premium, refund) {
                        (Some(p), Some(r)) if p.currency == r.currency => {
                            let floor = Money::new(p.minor - cfg.cooling_off_fee_max_minor, p.currency);
                            b.use_value("minimum_refund", floor.display());
                            if r.minor < floor.minor {
                                b.done(
                                    CheckStatus::Fail,
                                    format!("犹豫期内退保，仅退{}，低于保费{}减工本费上限（至少{}）", r.display(), p.display(), floor.display()),
                                    format!("surrendered in the cooling-off period but refunded {}, below premium {} less the fee cap (at least {})", r.display(), p.display(), floor.display()),
                                )
                            } else {
                                b.done(CheckStatus::Pass, "犹豫期内退保，已退还保费", "cooling-off surrender; the premium was refunded")
                            }
                        }
                        (Some(_), Some(_)) => {
                            b.missing.push("refund_amount (same currency as premiums)".into());
                            b.unknown()
                        }
                        _ => {
                            let list = b.missing.join(", ");
                            b.done(
                                CheckStatus::Unknown,
                                format!("退保申请在犹豫期内（至{last}）：应退还全部保费（扣除少量工本费）；缺少数据：{list}"),
                                format!("surrendered inside the cooling-off period (until {last}): the premium is due less a small fee; missing data: {list}"),
                            )
                        }
                    }
                }
            }
            _ => b.unknown(),
        });
    }

    // Art. 26: limitation.
    let relies_on_limitation = refused && matches_any(&ground, &cfg.limitation_terms);
    if claim_related && (f.incident_date.is_some() || relies_on_limitation) {
        let mut b = B::new(CheckId::Limitation);
        if relies_on_limitation {
            b.use_value("claim.refusal_ground", &ground);
        }
        let life = is_life(c, cfg);
        if let Some(l) = life {
            b.use_value("product (life insurance)", l);
        }
        checks.push(match b.date("incident_date", f.incident_date) {
            None => b.unknown(),
            Some(inc) => {
                let claimed = match f.claim_request_date {
                    Some(d) => {
                        b.use_value("claim_request_date", d);
                        d
                    }
                    None => {
                        b.use_value("today", today);
                        today
                    }
                };
                let end_life = add_years(inc, cfg.limitation_years_life);
                let end_other = add_years(inc, cfg.limitation_years_other);
                let within = |end: NaiveDate| claimed <= end;
                let end = match life {
                    Some(true) => Some(end_life),
                    Some(false) => Some(end_other),
                    None if within(end_life) == within(end_other) => Some(end_other),
                    None => None,
                };
                match end {
                    None => {
                        b.missing.push("product_line (life or non-life)".into());
                        b.unknown()
                    }
                    Some(end) => {
                        b.use_value("limitation_ends", end);
                        match (relies_on_limitation, within(end)) {
                            (true, true) => b.done(
                                CheckStatus::Fail,
                                format!("以时效拒赔，但索赔在时效内（至{end}）"),
                                format!("refused as time-barred, but the claim came within the period (until {end})"),
                            ),
                            (true, false) => b.done(
                                CheckStatus::Pass,
                                format!("索赔时已过时效（{end}届满）；请核实知道事故发生的日期及时效中断情况"),
                                format!("claimed after the period ended ({end}); check when the insured learned of the event and any interruption"),
                            ),
                            (false, true) => b.done(
                                CheckStatus::Pass,
                                format!("索赔在时效内；起诉时效至{end}（可中断）"),
                                format!("claimed within the period; the right to sue runs until {end} (can be interrupted)"),
                            ),
                            (false, false) => b.done(
                                CheckStatus::Pass,
                                format!("索赔时已过时效（{end}届满），但拒赔并非以时效为由"),
                                format!("claimed after the period ended ({end}), though the refusal does not rely on it"),
                            ),
                        }
                    }
                }
            }
        });
    }

    let vulnerable = checks.iter().any(|c| c.status == CheckStatus::Fail);
    LegalReport { checks, vulnerable }
}
