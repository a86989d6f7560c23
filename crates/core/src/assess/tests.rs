//! Tests of the assessment. Dates in the legal tests are worked out by hand in the comments;
//! the business-day calendar is `cn` (DOMAIN.md §2 lists its 2025 holidays).

use super::legal::{CheckId, CheckStatus, LegalFacts};
use super::negotiation::{OfferKind, PlanInput, plan};
use super::playbook::{Scenario, mirror_phrase};
use super::reply::{ReplyChecker, TabooKind, evaluate, parse_corpus};
use super::*;
use crate::model::{Channel, Claim, ClaimDecision, Demand, DemandKind, Policy};
use crate::money::{Currency, Money};
use crate::text::{self, Category, Emotion, Lang, Marker, Span, TextAnalysis, Threat};
use proptest::prelude::*;
use std::sync::OnceLock;

fn cfg() -> &'static AssessConfig {
    static C: OnceLock<AssessConfig> = OnceLock::new();
    C.get_or_init(|| AssessConfig::builtin().unwrap())
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn complaint(text: &str) -> Complaint {
    Complaint::new("t", "1", d(2025, 3, 2).and_hms_opt(9, 0, 0).unwrap(), Channel::Hotline, text)
}

fn refused(ground: &str, decided: Option<NaiveDate>) -> Complaint {
    let mut c = complaint("拒赔投诉");
    c.category = Some("claim_refusal".into());
    c.claim = Some(Claim {
        decision: Some(ClaimDecision::Refused),
        refusal_ground: Some(ground.into()),
        decision_date: decided,
        ..Default::default()
    });
    c
}

fn input<'a>(c: &'a Complaint, legal: LegalFacts, today: NaiveDate) -> AssessInput<'a> {
    AssessInput { complaint: c, analysis: None, person: None, handling: HandlingFacts::default(), legal, today }
}

fn check_of(c: &Complaint, legal: LegalFacts, today: NaiveDate, id: CheckId) -> Option<legal::LegalCheck> {
    legal::check(&input(c, legal, today), &cfg().legal).get(id).cloned()
}

fn status(c: &Complaint, legal: LegalFacts, today: NaiveDate, id: CheckId) -> CheckStatus {
    check_of(c, legal, today, id).unwrap_or_else(|| panic!("{id:?} does not apply")).status
}

fn analysis(emotions: &[(Emotion, f32)]) -> TextAnalysis {
    TextAnalysis {
        category: None,
        subcategory: None,
        emotions: emotions
            .iter()
            .map(|(e, s)| text::Finding {
                value: *e,
                score: *s,
                evidence: vec![text::Evidence {
                    rule: format!("emotion.{}", e.code()),
                    spans: vec![Span::new(0, 2)],
                    note: "cue".into(),
                }],
            })
            .collect(),
        threats: vec![],
        demands: vec![],
        demanded_total: vec![],
        markers: vec![],
        vulnerability: vec![],
        lang: Lang::Zh,
        version: "test".into(),
    }
}

// ---- configuration ----------------------------------------------------------------------

#[test]
fn builtin_files_parse_and_overrides_replace_them() {
    let c = AssessConfig::builtin().unwrap();
    assert_eq!(c.legal.cooling_off_days, 15);
    assert_eq!(c.negotiation.steps, vec![65, 85, 95]);
    let legal = include_str!("../../data/assess/legal.toml").replace("cooling_off_days = 15", "cooling_off_days = 20");
    let c = AssessConfig::from_strs(&AssessSources { legal: Some(&legal), ..Default::default() }).unwrap();
    assert_eq!(c.legal.cooling_off_days, 20);
    assert_eq!(AssessConfig::builtin_files().len(), 5);
}

#[test]
fn bad_data_files_are_refused_with_reasons() {
    let dims = include_str!("../../data/assess/dimensions.toml");
    let err = |sources: AssessSources<'_>| AssessConfig::from_strs(&sources).unwrap_err().to_string();
    let v2 = dims.replace("version = 1", "version = 2");
    assert!(err(AssessSources { dimensions: Some(&v2), ..Default::default() }).contains("unsupported version 2"));
    let unknown = format!("{dims}\n[rules.\"content.nonsense\"]\npoints = 1\nzh = \"x\"\nen = \"x\"\n");
    assert!(err(AssessSources { dimensions: Some(&unknown), ..Default::default() }).contains("unknown rule"));
    let missing = dims.replace("[rules.\"feedback.recurring\"]", "[rules.\"feedback.recurring_gone\"]");
    assert!(err(AssessSources { dimensions: Some(&missing), ..Default::default() }).contains("unknown rule"));
    let grades = dims.replace("critical = 65", "critical = 40");
    assert!(
        err(AssessSources { dimensions: Some(&grades), ..Default::default() }).contains("medium < high < critical")
    );
    let legal = include_str!("../../data/assess/legal.toml").replace("calendar = \"cn\"", "calendar = \"mars\"");
    assert!(err(AssessSources { legal: Some(&legal), ..Default::default() }).contains("unknown calendar"));
    let neg =
        include_str!("../../data/assess/negotiation.toml").replace("steps = [65, 85, 95]", "steps = [65, 95, 85]");
    assert!(err(AssessSources { negotiation: Some(&neg), ..Default::default() }).contains("strictly increasing"));
}

// ---- legal checks -----------------------------------------------------------------------

#[test]
fn art16_non_disclosure_after_two_years_fails() {
    let mut c = refused("投保时未如实告知高血压病史", Some(d(2025, 6, 10)));
    // Formed 2023-03-01; 2 years later = 2025-03-01; refused 2025-06-10 > 2025-03-01 → fail.
    c.policy = Some(Policy { start_date: Some(d(2023, 3, 1)), ..Default::default() });
    let chk = check_of(&c, LegalFacts::default(), d(2025, 7, 1), CheckId::NonDisclosureIncontestable).unwrap();
    assert_eq!(chk.status, CheckStatus::Fail);
    assert_eq!(chk.article.zh, "《保险法》第十六条");
    assert!(chk.used.iter().any(|u| u.field == "incontestable_from" && u.value == "2025-03-01"), "{:?}", chk.used);
    // Exactly on the anniversary is not "more than two years": 2025-03-01 ≤ 2025-03-01 → pass.
    c.claim.as_mut().unwrap().decision_date = Some(d(2025, 3, 1));
    assert_eq!(
        status(&c, LegalFacts::default(), d(2025, 7, 1), CheckId::NonDisclosureIncontestable),
        CheckStatus::Pass
    );
    // Formed 2024-01-15: 2 years → 2026-01-15; refused 2025-06-10 is within → pass.
    c.claim.as_mut().unwrap().decision_date = Some(d(2025, 6, 10));
    c.policy = Some(Policy { start_date: Some(d(2024, 1, 15)), ..Default::default() });
    assert_eq!(
        status(&c, LegalFacts::default(), d(2025, 7, 1), CheckId::NonDisclosureIncontestable),
        CheckStatus::Pass
    );
    // No start date → unknown, naming it.
    c.policy = None;
    let chk = check_of(&c, LegalFacts::default(), d(2025, 7, 1), CheckId::NonDisclosureIncontestable).unwrap();
    assert_eq!((chk.status, chk.missing.clone()), (CheckStatus::Unknown, vec!["policy.start_date".to_string()]));
    // Another ground: the check does not apply.
    let other = refused("等待期内出险", Some(d(2025, 6, 10)));
    assert!(check_of(&other, LegalFacts::default(), d(2025, 7, 1), CheckId::NonDisclosureIncontestable).is_none());
}

#[test]
fn art17_exclusion_needs_evidence_of_explanation() {
    let mut c = refused("属于责任免除第三条", Some(d(2025, 6, 10)));
    let today = d(2025, 7, 1);
    let facts = |c: &Complaint| LegalFacts::from_complaint(c, &cfg().legal);
    // Nothing recorded → unknown, naming the fact.
    let chk = check_of(&c, facts(&c), today, CheckId::ExclusionExplained).unwrap();
    assert_eq!((chk.status, chk.missing.clone()), (CheckStatus::Unknown, vec!["exclusion_explained".to_string()]));
    // A tag saying it was explained (dual recording) → pass.
    c.tags = vec!["双录".into()];
    assert_eq!(status(&c, facts(&c), today, CheckId::ExclusionExplained), CheckStatus::Pass);
    // A tag saying it was not → fail (it wins over a positive one).
    c.tags.push("免责未说明".into());
    assert_eq!(status(&c, facts(&c), today, CheckId::ExclusionExplained), CheckStatus::Fail);
    // An extra column "免责说明: 否" → fail.
    c.tags.clear();
    c.extra.insert("免责说明".into(), "否".into());
    assert_eq!(status(&c, facts(&c), today, CheckId::ExclusionExplained), CheckStatus::Fail);
}

#[test]
fn art23_decision_within_30_days() {
    let mut c = refused("等待期内出险", Some(d(2025, 4, 2)));
    let facts = LegalFacts { claim_request_date: Some(d(2025, 3, 3)), ..Default::default() };
    // 2025-03-03 + 30 days = 2025-04-02 (Mar 3 + 28 = Mar 31, + 2 = Apr 2), a Wednesday and a
    // working day. Decided 04-02 → pass; 04-03 → fail.
    assert_eq!(status(&c, facts.clone(), d(2025, 5, 1), CheckId::DecisionTimely), CheckStatus::Pass);
    c.claim.as_mut().unwrap().decision_date = Some(d(2025, 4, 3));
    let chk = check_of(&c, facts.clone(), d(2025, 5, 1), CheckId::DecisionTimely).unwrap();
    assert_eq!(chk.status, CheckStatus::Fail);
    assert_eq!(chk.article.en, "Insurance Law Art. 23");
    // Rolled to the next business day: 2025-09-01 + 30 = 2025-10-01, inside the National Day
    // holiday (Oct 1-8) → last day Thu 2025-10-09. Decided 10-09 → pass, 10-10 → fail.
    let facts = LegalFacts { claim_request_date: Some(d(2025, 9, 1)), ..Default::default() };
    c.claim.as_mut().unwrap().decision_date = Some(d(2025, 10, 9));
    assert_eq!(status(&c, facts.clone(), d(2025, 11, 1), CheckId::DecisionTimely), CheckStatus::Pass);
    c.claim.as_mut().unwrap().decision_date = Some(d(2025, 10, 10));
    assert_eq!(status(&c, facts, d(2025, 11, 1), CheckId::DecisionTimely), CheckStatus::Fail);
    // Still pending: request 03-03, last day 04-02; on 03-20 → pass (running), on 04-10 → fail.
    let mut p = complaint("理赔太慢");
    p.claim = Some(Claim { decision: Some(ClaimDecision::Pending), ..Default::default() });
    let facts = LegalFacts { claim_request_date: Some(d(2025, 3, 3)), ..Default::default() };
    assert_eq!(status(&p, facts.clone(), d(2025, 3, 20), CheckId::DecisionTimely), CheckStatus::Pass);
    assert_eq!(status(&p, facts, d(2025, 4, 10), CheckId::DecisionTimely), CheckStatus::Fail);
    // No request date → unknown.
    assert_eq!(status(&p, LegalFacts::default(), d(2025, 4, 10), CheckId::DecisionTimely), CheckStatus::Unknown);
}

#[test]
fn art24_refusal_notice_within_3_days() {
    // Decided Mon 2025-04-07; + 3 = Thu 04-10 (working day). Notice 04-10 → pass, 04-11 → fail.
    let c = refused("等待期内出险", Some(d(2025, 4, 7)));
    let notice = |n| LegalFacts { refusal_notice_date: Some(n), ..Default::default() };
    assert_eq!(status(&c, notice(d(2025, 4, 10)), d(2025, 5, 1), CheckId::RefusalNoticeTimely), CheckStatus::Pass);
    assert_eq!(status(&c, notice(d(2025, 4, 11)), d(2025, 5, 1), CheckId::RefusalNoticeTimely), CheckStatus::Fail);
    // Decided Tue 2025-04-01; + 3 = Fri 04-04, Qingming (Apr 4-6) → last day Mon 04-07: pass.
    let c = refused("等待期内出险", Some(d(2025, 4, 1)));
    assert_eq!(status(&c, notice(d(2025, 4, 7)), d(2025, 5, 1), CheckId::RefusalNoticeTimely), CheckStatus::Pass);
    assert_eq!(status(&c, notice(d(2025, 4, 8)), d(2025, 5, 1), CheckId::RefusalNoticeTimely), CheckStatus::Fail);
    // No notice date recorded → unknown.
    assert_eq!(status(&c, LegalFacts::default(), d(2025, 5, 1), CheckId::RefusalNoticeTimely), CheckStatus::Unknown);
}

#[test]
fn art23_payment_within_10_days_of_agreement() {
    let mut c = complaint("赔款迟迟不到账");
    c.claim =
        Some(Claim { decision: Some(ClaimDecision::Paid), decision_date: Some(d(2025, 5, 9)), ..Default::default() });
    // Agreed Mon 2025-05-12; + 10 = Thu 05-22 (working day).
    let f = |paid: Option<NaiveDate>| LegalFacts {
        agreement_date: Some(d(2025, 5, 12)),
        paid_date: paid,
        ..Default::default()
    };
    assert_eq!(status(&c, f(Some(d(2025, 5, 22))), d(2025, 6, 1), CheckId::PaymentTimely), CheckStatus::Pass);
    assert_eq!(status(&c, f(Some(d(2025, 5, 23))), d(2025, 6, 1), CheckId::PaymentTimely), CheckStatus::Fail);
    // Unpaid on 06-01 (10 days after the last day) → fail; unpaid on 05-20 → pass (running).
    assert_eq!(status(&c, f(None), d(2025, 6, 1), CheckId::PaymentTimely), CheckStatus::Fail);
    assert_eq!(status(&c, f(None), d(2025, 5, 20), CheckId::PaymentTimely), CheckStatus::Pass);
    // Paid but no agreement date → unknown.
    assert_eq!(status(&c, LegalFacts::default(), d(2025, 6, 1), CheckId::PaymentTimely), CheckStatus::Unknown);
}

#[test]
fn art25_determinable_part_within_60_days() {
    let mut c = complaint("理赔拖了两个月");
    c.claim = Some(Claim { decision: Some(ClaimDecision::Pending), ..Default::default() });
    // Request 2025-03-03; + 60 = 2025-05-02 (Mar 3 + 30 = Apr 2, + 30 = May 2), inside the
    // Labour Day holiday (May 1-5) → last day Tue 2025-05-06.
    let f = |paid: Option<NaiveDate>| LegalFacts {
        claim_request_date: Some(d(2025, 3, 3)),
        paid_date: paid,
        ..Default::default()
    };
    let chk = check_of(&c, f(None), d(2025, 5, 7), CheckId::DeterminablePartPaid).unwrap();
    assert_eq!(chk.status, CheckStatus::Fail);
    assert!(chk.used.iter().any(|u| u.field == "last_day" && u.value == "2025-05-06"), "{:?}", chk.used);
    assert_eq!(chk.article.zh, "《保险法》第二十五条");
    // On the last day itself, still running → pass; a part paid on 05-06 → pass.
    assert_eq!(status(&c, f(None), d(2025, 5, 6), CheckId::DeterminablePartPaid), CheckStatus::Pass);
    assert_eq!(status(&c, f(Some(d(2025, 5, 6))), d(2025, 6, 1), CheckId::DeterminablePartPaid), CheckStatus::Pass);
    // Decided on 05-20 (after the last day) with nothing paid by then → fail.
    c.claim =
        Some(Claim { decision: Some(ClaimDecision::Paid), decision_date: Some(d(2025, 5, 20)), ..Default::default() });
    assert_eq!(status(&c, f(Some(d(2025, 5, 25))), d(2025, 6, 1), CheckId::DeterminablePartPaid), CheckStatus::Fail);
    // A refusal has no determinable part: the check does not apply.
    let r = refused("等待期内出险", Some(d(2025, 5, 20)));
    assert!(check_of(&r, f(None), d(2025, 6, 1), CheckId::DeterminablePartPaid).is_none());
}

fn surrender(start: NaiveDate, premiums_yuan: i64) -> Complaint {
    let mut c = complaint("要求全额退保");
    c.category = Some("surrender_dispute".into());
    c.demands.push(Demand { kind: DemandKind::FullRefund, amount: Some(Money::cny_yuan(premiums_yuan)) });
    c.policy = Some(Policy {
        start_date: Some(start),
        premiums_paid: Some(Money::cny_yuan(premiums_yuan)),
        cash_value: Some(Money::cny_yuan(premiums_yuan / 4)),
        ..Default::default()
    });
    c
}

#[test]
fn art47_surrender_refund_within_30_days() {
    let c = surrender(d(2024, 1, 1), 5000);
    // Notice Tue 2025-06-03; + 30 = Thu 07-03 (Jun 3 + 27 = Jun 30, + 3 = Jul 3), a working day.
    let f = |refund: Option<NaiveDate>| LegalFacts {
        surrender_notice_date: Some(d(2025, 6, 3)),
        refund_date: refund,
        ..Default::default()
    };
    assert_eq!(status(&c, f(Some(d(2025, 7, 3))), d(2025, 8, 1), CheckId::SurrenderRefundTimely), CheckStatus::Pass);
    assert_eq!(status(&c, f(Some(d(2025, 7, 4))), d(2025, 8, 1), CheckId::SurrenderRefundTimely), CheckStatus::Fail);
    assert_eq!(status(&c, f(None), d(2025, 7, 10), CheckId::SurrenderRefundTimely), CheckStatus::Fail);
    assert_eq!(status(&c, f(None), d(2025, 6, 20), CheckId::SurrenderRefundTimely), CheckStatus::Pass);
    let chk = check_of(&c, f(None), d(2025, 6, 20), CheckId::SurrenderRefundTimely).unwrap();
    assert_eq!(chk.article.zh, "《保险法》第四十七条");
}

#[test]
fn cooling_off_surrender_refunds_the_premium() {
    // Receipt Tue 2025-06-03; + 15 = Wed 06-18 (working day): the cooling-off period's last day.
    let c = surrender(d(2025, 6, 1), 5000);
    let f = |notice: NaiveDate, refund_yuan: Option<i64>| LegalFacts {
        policy_receipt_date: Some(d(2025, 6, 3)),
        surrender_notice_date: Some(notice),
        refund_amount: refund_yuan.map(Money::cny_yuan),
        refund_date: Some(d(2025, 6, 25)),
        ..Default::default()
    };
    // Premium ¥5,000.00, fee cap ¥10.00 → at least ¥4,990.00. ¥4,995 → pass; ¥4,200 → fail.
    assert_eq!(status(&c, f(d(2025, 6, 18), Some(4995)), d(2025, 7, 1), CheckId::CoolingOffRefund), CheckStatus::Pass);
    let chk = check_of(&c, f(d(2025, 6, 18), Some(4200)), d(2025, 7, 1), CheckId::CoolingOffRefund).unwrap();
    assert_eq!(chk.status, CheckStatus::Fail);
    assert!(chk.used.iter().any(|u| u.field == "minimum_refund" && u.value == "¥4,990.00"), "{:?}", chk.used);
    // Notice on 06-19: after the period → the cash value applies → pass.
    assert_eq!(status(&c, f(d(2025, 6, 19), Some(1250)), d(2025, 7, 1), CheckId::CoolingOffRefund), CheckStatus::Pass);
    // Inside the period, refund amount unknown → unknown naming it.
    let chk = check_of(&c, f(d(2025, 6, 10), None), d(2025, 7, 1), CheckId::CoolingOffRefund).unwrap();
    assert_eq!((chk.status, chk.missing.clone()), (CheckStatus::Unknown, vec!["refund_amount".to_string()]));
    // Without a receipt date the policy start (2025-06-01 + 15 = Mon 06-16) is used: 06-17 is outside.
    let no_receipt = LegalFacts { policy_receipt_date: None, ..f(d(2025, 6, 17), Some(4200)) };
    let chk = check_of(&c, no_receipt, d(2025, 7, 1), CheckId::CoolingOffRefund).unwrap();
    assert_eq!(chk.status, CheckStatus::Pass);
    assert!(chk.used.iter().any(|u| u.field == "policy.start_date"));
}

#[test]
fn art26_limitation_two_or_five_years() {
    let mut c = refused("已超过诉讼时效", Some(d(2024, 7, 1)));
    let f = |req: NaiveDate| LegalFacts {
        incident_date: Some(d(2020, 1, 10)),
        claim_request_date: Some(req),
        ..Default::default()
    };
    // Life: 2020-01-10 + 5 years = 2025-01-10; claimed 2024-06-01 within → refusing as
    // time-barred fails.
    c.product = Some("终身寿险".into());
    assert_eq!(status(&c, f(d(2024, 6, 1)), d(2024, 8, 1), CheckId::Limitation), CheckStatus::Fail);
    // Non-life (medical): + 2 years = 2022-01-10; claimed 2024-06-01 after → pass.
    c.product = Some("百万医疗险".into());
    assert_eq!(status(&c, f(d(2024, 6, 1)), d(2024, 8, 1), CheckId::Limitation), CheckStatus::Pass);
    // Unknown kind: 2 and 5 years disagree for 2024-06-01 → unknown; for 2021-05-01 both say
    // "within" → fail without knowing the kind.
    c.product = None;
    let chk = check_of(&c, f(d(2024, 6, 1)), d(2024, 8, 1), CheckId::Limitation).unwrap();
    assert_eq!(chk.status, CheckStatus::Unknown);
    assert!(chk.missing.iter().any(|m| m.starts_with("product_line")));
    assert_eq!(status(&c, f(d(2021, 5, 1)), d(2024, 8, 1), CheckId::Limitation), CheckStatus::Fail);
    assert_eq!(
        check_of(&c, f(d(2021, 5, 1)), d(2024, 8, 1), CheckId::Limitation).unwrap().article.zh,
        "《保险法》第二十六条"
    );
}

#[test]
fn legal_facts_from_extra_columns() {
    let mut c = complaint("x");
    c.extra.insert("理赔申请日".into(), "2025年3月3日".into());
    c.extra.insert("退保金额".into(), "4,200.00".into());
    c.extra.insert("unrelated".into(), "2025-01-01".into());
    c.extra.insert("出险日期".into(), "not a date".into());
    let f = LegalFacts::from_complaint(&c, &cfg().legal);
    assert_eq!(f.claim_request_date, Some(d(2025, 3, 3)));
    assert_eq!(f.refund_amount, Some(Money::cny_yuan(4200)));
    assert_eq!(f.incident_date, None);
    let g = f.clone().merged(&LegalFacts { incident_date: Some(d(2025, 1, 1)), ..Default::default() });
    assert_eq!((g.incident_date, g.claim_request_date), (Some(d(2025, 1, 1)), Some(d(2025, 3, 3))));
}

// ---- dimensions and grade ---------------------------------------------------------------

#[test]
fn empty_case_is_low() {
    let c = complaint("咨询一下");
    let r = dimensions::analyse(&input(&c, LegalFacts::default(), d(2025, 3, 3)), &cfg().dimensions);
    assert_eq!((r.overall, r.grade), (0, Grade::Low));
    assert_eq!(r.dimensions.len(), 5);
    assert!(r.findings().next().is_none());
}

#[test]
fn dimension_scores_and_weighted_overall() {
    let c = complaint("x");
    let person = PersonFacts { complaints_12m: 3, regulator_escalations: 1, ..Default::default() };
    let mut i = input(&c, LegalFacts::default(), d(2025, 3, 3));
    i.person = Some(&person);
    let r = dimensions::analyse(&i, &cfg().dimensions);
    // complainant: repeat 20 + regulator_history 20 = 40; overall = 0.25 × 40 = 10 → low.
    assert_eq!(r.score(Dimension::Complainant), 40);
    assert_eq!((r.overall, r.grade), (10, Grade::Low));
    let f = r.findings().find(|f| f.rule == "complainant.repeat").unwrap();
    assert_eq!(f.text.zh, "近12个月投诉3次");
    assert_eq!(f.evidence[0].field.as_deref(), Some("person.complaints_12m"));

    // Regulator referral (30) + litigation threat (25) = environment 55; refusal content 25;
    // complainant 40 → 0.25 × (40 + 25 + 55) = 30 → medium (≥ 25).
    let mut c = refused("等待期内出险", None);
    c.channel = Channel::RegulatorReferral;
    let mut a = analysis(&[]);
    a.threats.push(text::Finding {
        value: Threat::Lawsuit,
        score: 0.8,
        evidence: vec![text::Evidence {
            rule: "threat.lawsuit".into(),
            spans: vec![Span::new(0, 2)],
            note: "起诉".into(),
        }],
    });
    let mut i = input(&c, LegalFacts::default(), d(2025, 3, 3));
    i.person = Some(&person);
    i.analysis = Some(&a);
    let r = dimensions::analyse(&i, &cfg().dimensions);
    assert_eq!((r.score(Dimension::Environment), r.score(Dimension::Content)), (55, 25));
    assert_eq!((r.overall, r.grade), (30, Grade::Medium));
    let lit = r.findings().find(|f| f.rule == "environment.litigation").unwrap();
    assert_eq!(lit.evidence[0].spans, vec![Span::new(0, 2)]);
}

#[test]
fn floors_raise_the_grade() {
    // A major group complaint (25 people) floors the grade at critical.
    let mut c = complaint("x");
    c.group_size = Some(25);
    let r = dimensions::analyse(&input(&c, LegalFacts::default(), d(2025, 3, 3)), &cfg().dimensions);
    assert_eq!(r.grade, Grade::Critical);
    assert_eq!(r.floor_rule.as_deref(), Some("environment.major_group"));
    // Overdue by 2 days floors at high.
    let c = complaint("x");
    let mut i = input(&c, LegalFacts::default(), d(2025, 3, 3));
    i.handling.days_to_due = Some(-2);
    let r = dimensions::analyse(&i, &cfg().dimensions);
    assert_eq!(r.grade, Grade::High);
    assert_eq!(r.findings().next().unwrap().text.en, "overdue by 2 days");
}

#[test]
fn weights_come_from_the_data_file() {
    let dims = include_str!("../../data/assess/dimensions.toml")
        .replace("complainant = 0.25", "complainant = 1.0")
        .replace("content = 0.25", "content = 0.0")
        .replace("environment = 0.25", "environment = 0.0")
        .replace("handling = 0.15", "handling = 0.0")
        .replace("feedback = 0.10", "feedback = 0.0");
    let conf = AssessConfig::from_strs(&AssessSources { dimensions: Some(&dims), ..Default::default() }).unwrap();
    let c = complaint("x");
    let person = PersonFacts { complaints_12m: 3, regulator_escalations: 1, ..Default::default() };
    let mut i = input(&c, LegalFacts::default(), d(2025, 3, 3));
    i.person = Some(&person);
    // Only the complainant counts: overall = 40 → medium.
    let r = dimensions::analyse(&i, &conf.dimensions);
    assert_eq!((r.overall, r.grade), (40, Grade::Medium));
}

#[test]
fn legal_failure_raises_the_grade_one_level() {
    let mut c = refused("未如实告知", Some(d(2025, 6, 10)));
    c.policy = Some(Policy { start_date: Some(d(2020, 1, 1)), ..Default::default() });
    let i = input(&c, LegalFacts::default(), d(2025, 7, 1));
    let a = assess(&i, cfg());
    // Content 25 × 0.25 = 6.25 → 6 → low; Art. 16 fails → medium.
    assert_eq!(a.grade_before_legal, Grade::Low);
    assert!(a.legally_vulnerable);
    assert_eq!(a.grade, Grade::Medium);
    assert!(a.reasons[0].zh.contains("《保险法》第十六条"), "{:?}", a.reasons);
    assert_eq!(Grade::Critical.raised(), Grade::Critical);
    // The whole assessment serialises.
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["grade"], "medium");
    assert_eq!(json["legal"]["checks"][0]["status"], "fail");
    assert_eq!(json["playbook"]["id"], "refusal-stands");
}

// ---- playbooks and scripts --------------------------------------------------------------

fn select(i: &AssessInput<'_>) -> (String, Scenario) {
    let a = assess(i, cfg());
    (a.playbook.id, a.scenario)
}

#[test]
fn playbook_selection_most_specific_wins() {
    let c = refused("等待期内出险", Some(d(2025, 6, 10)));
    let today = d(2025, 6, 20);
    // Refused, first complaint → scenario 1 → "refusal-stands".
    assert_eq!(
        select(&input(&c, LegalFacts::default(), today)),
        ("refusal-stands".into(), Scenario::RefusalNotAccepted)
    );
    // With anger on a claim refusal → the 3-fact playbook.
    let a = analysis(&[(Emotion::Anger, 0.8)]);
    let mut i = input(&c, LegalFacts::default(), today);
    i.analysis = Some(&a);
    assert_eq!(select(&i).0, "claim-refusal-anger");
    // One rejected answer → scenario 2.
    let p1 = PersonFacts { answers_rejected: 1, ..Default::default() };
    let mut i = input(&c, LegalFacts::default(), today);
    i.person = Some(&p1);
    assert_eq!(select(&i), ("no-agreement".into(), Scenario::NoAgreement));
    // Three → scenario 3; with ring suspicion the 2-fact playbook beats both 1-fact ones.
    let p3 = PersonFacts { answers_rejected: 3, ..Default::default() };
    i.person = Some(&p3);
    assert_eq!(select(&i), ("repeated-rejection".into(), Scenario::RepeatedRejection));
    i.handling.ring_suspected = true;
    assert_eq!(select(&i).0, "repeated-rejection-ring");
    // Not a refusal → catch-all.
    let plain = complaint("服务态度差");
    assert_eq!(select(&input(&plain, LegalFacts::default(), today)), ("default".into(), Scenario::NotApplicable));
    // Surrender dispute, scenario 2 → the list-valued playbook.
    let s = surrender(d(2024, 1, 1), 5000);
    let mut i = input(&s, LegalFacts::default(), today);
    i.person = Some(&p1);
    assert_eq!(select(&i).0, "surrender-refusal");
}

#[test]
fn playbook_ties_go_to_the_first_listed() {
    // Scenario 3 and a critical grade: "repeated-rejection" and "critical" both match on one
    // fact; "repeated-rejection" comes first in the file.
    let mut c = refused("等待期内出险", Some(d(2025, 6, 10)));
    c.group_size = Some(30);
    let p3 = PersonFacts { answers_rejected: 3, ..Default::default() };
    let mut i = input(&c, LegalFacts::default(), d(2025, 6, 20));
    i.person = Some(&p3);
    let a = assess(&i, cfg());
    assert_eq!(a.grade, Grade::Critical);
    assert_eq!(a.playbook.id, "repeated-rejection");
    assert_eq!(a.playbook.matched_on, vec!["scenario=repeated_rejection".to_string()]);
    assert!(a.playbook.approval_required);
}

#[test]
fn playbook_files_are_checked() {
    let src = include_str!("../../data/assess/playbooks.toml");
    let no_default = src.replace("id = \"default\"\nwhen = {}", "id = \"default\"\nwhen = { ring = \"false\" }");
    let e = PlaybookSet::from_toml(&no_default).unwrap_err().to_string();
    assert!(e.contains("match every case"), "{e}");
    let bad_value = src.replace("when = { grade = \"critical\" }", "when = { grade = \"extreme\" }");
    assert!(PlaybookSet::from_toml(&bad_value).unwrap_err().to_string().contains("unknown value \"extreme\""));
    let bad_route = src.replace("routes = [\"internal_review\", \"mediation\", \"regulator\"]", "routes = [\"moon\"]");
    assert!(PlaybookSet::from_toml(&bad_route).unwrap_err().to_string().contains("unknown route"));
}

#[test]
fn scripts_label_mirror_question_and_audit() {
    let mut c = refused("等待期内出险", Some(d(2025, 6, 10)));
    c.text = "我买了五年保险，住院却被拒赔，你们到底讲不讲道理！".into();
    c.demands.push(Demand { kind: DemandKind::ClaimPayment, amount: None });
    let a = analysis(&[(Emotion::Disappointment, 0.5), (Emotion::Anger, 0.8), (Emotion::Grief, 0.1)]);
    let mut i = input(&c, LegalFacts::default(), d(2025, 6, 20));
    i.analysis = Some(&a);
    let pb = assess(&i, cfg()).playbook;
    let s = &pb.scripts;
    // Labels: strongest first; grief (0.1) is below the 0.3 threshold.
    assert_eq!(s.labels.len(), 2);
    assert_eq!(s.labels[0].text.zh, "听起来您对理赔被拒非常生气，觉得没有被公平对待。");
    assert_eq!(
        s.labels[1].text.en,
        "It sounds like you're very disappointed about the refused claim; you expected the policy to protect you."
    );
    // Mirror: the customer's last words.
    let m = s.mirror.as_ref().unwrap();
    assert_eq!(m.phrase, "你们到底讲不讲道理");
    assert_eq!(m.span.slice(&c.text), m.phrase);
    assert_eq!(m.text.zh, "“你们到底讲不讲道理”？");
    // Questions: the claim-payment ones, then the defaults.
    assert_eq!(s.questions[0].demand, Some(DemandKind::ClaimPayment));
    assert!(s.questions.iter().any(|q| q.demand.is_none()));
    assert!(s.questions.len() <= 5);
    // Accusation audit with the topic filled in.
    assert!(s.accusation_audit.iter().any(|l| l.zh == "您可能会觉得，我们根本不在乎理赔被拒给您带来的损失。"));
    // Principles: lawful (no legal check failed … the Art. 24 check lacks data → unknown),
    // reasonable (ground recorded), timely.
    assert_eq!(pb.principles.len(), 3);
    assert_eq!(pb.principles[1].status, CheckStatus::Pass);
    // Routes offered by the playbook.
    assert!(pb.routes.iter().any(|r| r.id == "mediation"));
}

#[test]
fn mirror_skips_insults_and_handles_english() {
    let text = "你们拖了三个月，骗子公司！";
    let mut a = analysis(&[(Emotion::Anger, 0.9)]);
    a.emotions[0].evidence.push(text::Evidence {
        rule: "anger.insult".into(),
        spans: vec![Span::new(9, 11)],
        note: "骗子".into(),
    });
    let (phrase, span) = mirror_phrase(text, Some(&a)).unwrap();
    assert_eq!(phrase, "你们拖了三个月");
    assert_eq!(span, Span::new(0, 7));
    let (phrase, _) = mirror_phrase("They refused my claim and I want my money back.", None).unwrap();
    assert_eq!(phrase, "want my money back");
    assert_eq!(mirror_phrase("", None), None);
    assert_eq!(mirror_phrase("！！", None), None);
}

#[test]
fn no_emotion_gives_a_neutral_label() {
    let c = refused("等待期内出险", Some(d(2025, 6, 10)));
    let pb = assess(&input(&c, LegalFacts::default(), d(2025, 6, 20)), cfg()).playbook;
    assert_eq!(pb.scripts.labels.len(), 1);
    assert_eq!(pb.scripts.labels[0].emotion, None);
    assert_eq!(pb.scripts.labels[0].text.zh, "听起来理赔被拒对您来说很重要。");
}

#[test]
fn ring_marks_concessions_for_approval() {
    let c = complaint("x");
    let mut i = input(&c, LegalFacts::default(), d(2025, 6, 20));
    i.handling.ring_suspected = true;
    let a = assess(&i, cfg());
    assert_eq!(a.playbook.id, "ring");
    assert!(a.playbook.approval_required);
    let env = a.dimensions.findings().find(|f| f.rule == "environment.ring").unwrap();
    assert_eq!(env.evidence[0].field.as_deref(), Some("handling.ring_suspected"));
    // The marker used for ghost-writing shows up as text evidence.
    let mut an = analysis(&[]);
    an.markers.push(text::Finding {
        value: Marker::LegalBoilerplate,
        score: 0.7,
        evidence: vec![text::Evidence {
            rule: "marker.legal_citation".into(),
            spans: vec![Span::new(3, 9)],
            note: "".into(),
        }],
    });
    i.analysis = Some(&an);
    let a = assess(&i, cfg());
    assert!(
        a.dimensions
            .findings()
            .any(|f| f.rule == "content.ghostwritten" && f.evidence[0].spans == vec![Span::new(3, 9)])
    );
}

// ---- reply checker ----------------------------------------------------------------------

fn kinds(text: &str) -> Vec<TabooKind> {
    let mut k: Vec<TabooKind> = cfg().reply.check(text).into_iter().map(|f| f.kind).collect();
    k.dedup();
    k
}

#[test]
fn reply_why_questions_and_blame() {
    let t = "为什么您当初不如实告知？这是您自己的责任。";
    let flags = cfg().reply.check(t);
    assert_eq!(flags[0].kind, TabooKind::WhyQuestion);
    assert_eq!(flags[0].span, Span::new(0, 4));
    assert_eq!(flags[0].matched, "为什么您");
    assert!(flags.iter().any(|f| f.kind == TabooKind::Blame && f.matched == "您自己"));
    assert!(!flags[0].rewrite.zh.is_empty() && !flags[0].rewrite.en.is_empty());
    assert_eq!(kinds("Why didn't you send the receipts?"), vec![TabooKind::WhyQuestion]);
    // Explanatory "why" is not a why-question; "was your" is not "as your".
    assert_eq!(kinds("That's why you received two letters."), vec![]);
    assert_eq!(kinds("我们理解您为什么不满意。"), vec![]);
    assert_eq!(kinds("You should have read the terms."), vec![TabooKind::Blame]);
}

#[test]
fn reply_refusals_need_reasons_and_routes() {
    // No reason, no route.
    assert_eq!(kinds("经审核，本次申请不予理赔。"), vec![TabooKind::AbsoluteRefusal, TabooKind::MissingEscalation]);
    // A reason in the same sentence, but no route.
    assert_eq!(kinds("根据条款第三条，本次申请不予理赔。"), vec![TabooKind::MissingEscalation]);
    // Reason and route.
    assert_eq!(kinds("根据条款第三条，本次申请不予理赔。如有异议，可申请复核或申请调解。"), vec![]);
    // "After review" is not a route offered.
    assert_eq!(kinds("After review, your claim is denied because of exclusion 4."), vec![TabooKind::MissingEscalation]);
    assert_eq!(kinds("Your claim is denied."), vec![TabooKind::AbsoluteRefusal, TabooKind::MissingEscalation]);
    // The reason may come in the next sentence.
    assert_eq!(kinds("We will not pay. The policy excludes flood damage. You may go to mediation."), vec![]);
}

#[test]
fn reply_promises_beyond_authority() {
    assert_eq!(kinds("我保证一定全额退给您。"), vec![TabooKind::OverPromise]);
    assert_eq!(kinds("I guarantee a full refund."), vec![TabooKind::OverPromise]);
    // Product names and honest disclaimers are not promises.
    assert_eq!(kinds("您的产品是保证续保的。"), vec![]);
    assert_eq!(kinds("We can't guarantee the outcome, but I will ask my supervisor."), vec![]);
}

#[test]
fn reply_corpus_is_labelled_and_scored() {
    let corpus = parse_corpus(include_str!("../../../../corpus/replies.jsonl")).unwrap();
    assert!(corpus.len() >= 50);
    assert!(corpus.iter().any(|r| r.lang == "zh") && corpus.iter().any(|r| r.lang == "en"));
    let mut ids: Vec<&str> = corpus.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), corpus.len(), "ids are unique");
    let eval = evaluate(&ReplyChecker::builtin().unwrap(), &corpus);
    // Regression guard for the figures in docs/ASSESS.md (measured on this same corpus).
    assert!(eval.micro.precision.unwrap() >= 0.95, "{:?}", eval.micro);
    assert!(eval.micro.recall.unwrap() >= 0.90, "{:?}", eval.micro);
    for k in &eval.per_kind {
        assert!(k.support >= 5, "{:?} has too few examples", k.kind);
    }
}

// ---- negotiation planner ----------------------------------------------------------------

fn cny(yuan: i64) -> Money {
    Money::cny_yuan(yuan)
}

fn plan_of(e: i64, t: i64, demand: i64) -> negotiation::Plan {
    let input = PlanInput {
        entitlement: cny(e),
        goodwill_max: cny(t),
        demand: cny(demand),
        demand_kinds: vec![],
        ring_suspected: false,
    };
    plan(&input, &cfg().negotiation).unwrap()
}

#[test]
fn ackerman_ladder_worked_example() {
    // E = ¥20,000, T = ¥10,000, demand ¥50,000 → cap G = min(10,000, 30,000) = 10,000.
    // Steps: 65 % → 6,500, 85 % → 8,500, 95 % → 9,500 → totals 26,500 / 28,500 / 29,500.
    // Final: offset = 3 + 10,000 mod 29 = 3 + 24 = 27 → goodwill 9,973 → total ¥29,973 (not a
    // multiple of 10).
    let p = plan_of(20_000, 10_000, 50_000);
    assert!(p.ladder);
    let totals: Vec<i64> = p.offers.iter().map(|o| o.total.minor / 100).collect();
    assert_eq!(totals, vec![26_500, 28_500, 29_500, 29_973]);
    assert_eq!(p.offers[3].kind, OfferKind::Final);
    assert_eq!(p.offers[0].percent, Some(65));
    // Goodwill above ¥5,000 needs approval: all four here.
    assert!(p.offers.iter().all(|o| o.needs_approval) && p.needs_approval);
    assert!(p.offers[3].say.zh.contains("¥29,973.00"), "{}", p.offers[3].say.zh);
    assert!(p.offers[3].say.zh.contains(&p.non_monetary.as_ref().unwrap().zh));
    assert!(p.entitlement_note.zh.contains("¥20,000.00"));
}

#[test]
fn demand_within_entitlement_is_paid_without_ladder() {
    let p = plan_of(30_000, 10_000, 25_000);
    assert!(!p.ladder);
    assert_eq!(p.offers.len(), 1);
    assert_eq!((p.offers[0].kind, p.offers[0].total), (OfferKind::Entitlement, cny(30_000)));
    assert!(!p.needs_approval);
}

#[test]
fn small_goodwill_single_offer_and_ring_approval() {
    // Cap = min(50, 1,000) = 50 < 100 → one offer of E + 50.
    let p = plan_of(1_000, 50, 2_000);
    assert!(!p.ladder);
    assert_eq!((p.offers[0].kind, p.offers[0].total), (OfferKind::Single, cny(1_050)));
    assert!(!p.needs_approval);
    // The demand caps the goodwill: E 1,000, T 10,000, demand 1,800 → cap 800 → final ≤ 1,800.
    let p = plan_of(1_000, 10_000, 1_800);
    assert!(p.offers.last().unwrap().total <= cny(1_800));
    // Ring suspicion: every goodwill offer needs approval, however small.
    let input = PlanInput {
        entitlement: cny(1_000),
        goodwill_max: cny(300),
        demand: cny(5_000),
        demand_kinds: vec![DemandKind::Apology],
        ring_suspected: true,
    };
    let p = plan(&input, &cfg().negotiation).unwrap();
    assert!(p.offers.iter().all(|o| o.needs_approval));
    // An apology was demanded: the apology item is chosen.
    assert!(p.non_monetary.unwrap().zh.contains("致歉"));
}

#[test]
fn planner_rejects_mixed_currencies_and_negative_amounts() {
    let mut input = PlanInput {
        entitlement: cny(1_000),
        goodwill_max: Money::new(100, Currency::Usd),
        demand: cny(2_000),
        demand_kinds: vec![],
        ring_suspected: false,
    };
    assert!(plan(&input, &cfg().negotiation).is_err());
    input.goodwill_max = Money::new(-1, Currency::Cny);
    assert!(plan(&input, &cfg().negotiation).is_err());
}

proptest! {
    #[test]
    fn planner_properties(e in 0i64..1_000_000_000, t in 0i64..100_000_000, dem in 0i64..2_000_000_000) {
        let input = PlanInput {
            entitlement: Money::new(e, Currency::Cny),
            goodwill_max: Money::new(t, Currency::Cny),
            demand: Money::new(dem, Currency::Cny),
            demand_kinds: vec![],
            ring_suspected: false,
        };
        let p = plan(&input, &cfg().negotiation).unwrap();
        prop_assert!(!p.offers.is_empty());
        for o in &p.offers {
            // Never below the entitlement, never above entitlement + authority.
            prop_assert!(o.total.minor >= e);
            prop_assert!(o.total.minor <= e + t);
            prop_assert_eq!(o.total.minor - o.goodwill.minor, e);
        }
        if dem <= e {
            prop_assert_eq!(p.offers.len(), 1);
            prop_assert_eq!(p.offers[0].total.minor, e);
        }
        if p.ladder {
            prop_assert_eq!(p.offers.len(), 4);
            // Strictly increasing.
            for w in p.offers.windows(2) {
                prop_assert!(w[0].total.minor < w[1].total.minor);
            }
            // The final figure's yuan are not a multiple of 100.
            let last = p.offers.last().unwrap();
            prop_assert_eq!(last.kind, OfferKind::Final);
            prop_assert_ne!(last.total.minor.div_euclid(100) % 100, 0);
            // Never above the demand either.
            prop_assert!(last.total.minor <= dem);
        }
        // A ladder exists whenever the goodwill cap reaches the minimum.
        let cap = t.min((dem - e).max(0));
        prop_assert_eq!(p.ladder, dem > e && cap / 100 >= 100);
    }
}

#[test]
fn category_synonyms_are_read() {
    let mut c = complaint("x");
    c.category = Some("退保纠纷".into());
    assert_eq!(input(&c, LegalFacts::default(), d(2025, 1, 1)).category(), Some(Category::SurrenderDispute));
}

#[test]
fn end_to_end_with_the_real_analyser() {
    let text = "我父亲住院花了八万元，你们以未如实告知为由拒赔，保单都买了三年了！太气人了，再不赔我就打12378投诉，还要起诉你们。要求赔付80000元。";
    let analyzer = crate::text::Analyzer::builtin().unwrap();
    let an = analyzer.analyze(text);
    let mut c = refused("未如实告知既往病史", Some(d(2025, 6, 10)));
    c.text = text.into();
    c.policy = Some(Policy { start_date: Some(d(2022, 5, 1)), ..Default::default() });
    c.claim.as_mut().unwrap().amount_claimed = Some(cny(80_000));
    let mut i = AssessInput::new(&c, Some(&an), cfg(), d(2025, 6, 20));
    i.handling.state = "investigating".into();
    let a = assess(&i, cfg());
    // 2022-05-01 + 2 years = 2024-05-01 < 2025-06-10 → Art. 16 fails → raised one level.
    assert!(a.legally_vulnerable);
    assert_eq!(a.grade, a.grade_before_legal.raised());
    assert!(
        a.dimensions.findings().any(|f| f.rule == "environment.regulator_threat" && !f.evidence[0].spans.is_empty())
    );
    assert!(a.playbook.scripts.mirror.is_some());
    assert!(!a.playbook.scripts.accusation_audit.is_empty());
    assert!(serde_json::to_string(&a).unwrap().contains("non_disclosure_incontestable"));
}
