use super::blocks::{age_on, busiest_window, slope};
use super::population::z_score;
use super::*;
use crate::{Claim, ClaimDecision, Demand, Policy, ThirdParty};

const TODAY: (i32, u32, u32) = (2026, 11, 26);
/// Born 1949-12-31, female, registered in 110105 (Beijing, Chaoyang).
const ID_1949: &str = "11010519491231002X";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1, TODAY.2)
}

/// A resident ID with the given birth date and sequence (odd last sequence digit = male).
fn resident_id(region: &str, birth: NaiveDate, seq: u32) -> String {
    let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    let check = crate::ident::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

#[derive(Default)]
struct Fx {
    complaints: Vec<Complaint>,
    analyses: Vec<Option<AnalysisFacts>>,
    handling: Vec<Option<HandlingFacts>>,
    links: u32,
}

impl Fx {
    /// Add a complaint received on the day, with the given channel; returns its index.
    fn add(&mut self, date: NaiveDate, channel: Channel) -> usize {
        let i = self.complaints.len();
        let c = Complaint::new("t", &format!("C{}", i + 1), date.and_hms_opt(10, 0, 0).unwrap(), channel, "");
        self.complaints.push(c);
        self.analyses.push(None);
        self.handling.push(None);
        i
    }
    fn add_cat(&mut self, date: NaiveDate, category: &str) -> usize {
        let i = self.add(date, Channel::Hotline);
        self.complaints[i].category = Some(category.into());
        i
    }
    fn c(&mut self, i: usize) -> &mut Complaint {
        &mut self.complaints[i]
    }
    fn a(&mut self, i: usize) -> &mut AnalysisFacts {
        self.analyses[i].get_or_insert_with(AnalysisFacts::default)
    }
    fn h(&mut self, i: usize) -> &mut HandlingFacts {
        self.handling[i].get_or_insert_with(HandlingFacts::default)
    }
    fn ids(&self) -> Vec<String> {
        (1..=self.complaints.len()).map(|i| format!("C{i}")).collect()
    }
    fn profile_with(&self, cfg: &ProfileConfig) -> Profile {
        let ids = self.ids();
        let items: Vec<ProfileItem> = (0..self.complaints.len())
            .map(|i| ProfileItem {
                id: &ids[i],
                complaint: &self.complaints[i],
                analysis: self.analyses[i].as_ref(),
                handling: self.handling[i].as_ref(),
            })
            .collect();
        build_profile("P1", &items, &ProfileContext { today: today(), shared_contact_links: self.links }, cfg)
    }
    fn profile(&self) -> Profile {
        self.profile_with(&cfg())
    }
}

fn cfg() -> ProfileConfig {
    ProfileConfig::builtin().unwrap()
}

fn emotion(e: Emotion, intensity: f32) -> EmotionScore {
    EmotionScore { emotion: e, intensity }
}

// ---------------------------------------------------------------- configuration

#[test]
fn builtin_config_reads() {
    let c = cfg();
    assert_eq!(c.version, 1);
    assert_eq!(c.age_band(0), Some("under_30"));
    assert_eq!(c.age_band(29), Some("under_30"));
    assert_eq!(c.age_band(30), Some("30_39"));
    assert_eq!(c.age_band(59), Some("50_59"));
    assert_eq!(c.age_band(60), Some("60_69"));
    assert_eq!(c.age_band(120), Some("70_plus"));
    assert_eq!(c.provinces.get("44").map(|p| p.zh.as_str()), Some("广东省"));
    assert_eq!(c.provinces.len(), 35);
    assert_eq!(c.motive.order.len(), 4);
    assert!(c.motive.rules.iter().all(|r| Signal::parse(&r.signal.code()) == Some(r.signal)));
    assert_eq!(ProfileConfig::from_toml(ProfileConfig::builtin_toml()).unwrap(), c);
}

#[test]
fn bad_configs_are_refused() {
    let base = ProfileConfig::builtin_toml();
    let cases = [
        (base.replace("version = 1", "version = 2"), "version"),
        (base.replace("{ code = \"under_30\", min = 0 }", "{ code = \"under_30\", min = 5 }"), "start at 0"),
        (base.replace("{ code = \"40_49\", min = 40 }", "{ code = \"40_49\", min = 30 }"), "must start after"),
        (base.replace("signal = \"money_demand\"", "signal = \"money_demands\""), "unknown signal"),
        (base.replace("signal = \"category:claim_delay\"", "signal = \"category:nope\""), "unknown signal"),
        (base.replace("motive = \"rights_fairness\", signal", "motive = \"greed\", signal"), "unknown motive"),
        (base.replace("emotional_vent = 1.0\n", ""), "no minimum"),
        (base.replace("min_ratio = 2.0", "min_ratio = 0.0"), "min_ratio"),
        (base.replace("\"11\" = {", "\"1\" = {"), "two digits"),
        (base.replace("min_z = 3.0", "min_z = 3.0\nsurprise = 1"), "unknown field"),
    ];
    for (text, want) in cases {
        let e = ProfileConfig::from_toml(&text).unwrap_err().to_string();
        assert!(e.contains(want), "{want}: {e}");
    }
}

// ---------------------------------------------------------------- basic

#[test]
fn basic_from_resident_id() {
    let mut fx = Fx::default();
    let i = fx.add(day(2026, 1, 5), Channel::Hotline);
    fx.c(i).complainant.resident_id = Some(ID_1949.to_lowercase());
    fx.c(i).region = Some("广州".into());
    let p = fx.profile();
    let b = &p.basic;
    assert_eq!(b.birth_date, Some(day(1949, 12, 31)));
    assert_eq!(b.birth_date_source, Some(FactSource::ResidentId));
    assert_eq!(b.age, Some(76));
    assert_eq!(b.age_band.as_deref(), Some("70_plus"));
    assert_eq!(b.gender, Some(Gender::Female));
    assert_eq!(b.region_code.as_deref(), Some("110105"));
    let prov = b.province.as_ref().unwrap();
    assert_eq!((prov.code.as_str(), prov.zh.as_deref(), prov.en.as_deref()), ("11", Some("北京市"), Some("Beijing")));
    assert_eq!(b.complaint_regions, vec![CodeCount { code: "广州".into(), count: 1 }]);
    assert!(b.conflicts.is_empty());
    assert_eq!(b.resident_ids, 1);
}

#[test]
fn basic_from_stated_fields_and_conflicts() {
    let mut fx = Fx::default();
    let a = fx.add(day(2026, 1, 5), Channel::Hotline);
    fx.c(a).complainant.birth_date = Some(day(1980, 6, 1));
    fx.c(a).complainant.gender = Some(Gender::Male);
    fx.c(a).complainant.resident_id = Some("110105194912310021".into()); // wrong check character: ignored
    let p = fx.profile();
    assert_eq!(p.basic.birth_date, Some(day(1980, 6, 1)));
    assert_eq!(p.basic.birth_date_source, Some(FactSource::Stated));
    assert_eq!(p.basic.age, Some(46));
    assert_eq!(p.basic.age_band.as_deref(), Some("40_49"));
    assert_eq!(p.basic.gender_source, Some(FactSource::Stated));
    assert_eq!(p.basic.region_code, None);
    assert_eq!(p.basic.resident_ids, 0);
    // A valid ID wins over stated fields; the disagreement is reported.
    let b = fx.add(day(2026, 2, 5), Channel::Hotline);
    fx.c(b).complainant.resident_id = Some(ID_1949.into());
    let p = fx.profile();
    assert_eq!(p.basic.birth_date, Some(day(1949, 12, 31)));
    assert_eq!(p.basic.conflicts, vec!["birth_date".to_string(), "gender".to_string()]);
    // Two different valid IDs.
    let c = fx.add(day(2026, 3, 5), Channel::Hotline);
    fx.c(c).complainant.resident_id = Some(resident_id("440106", day(1980, 6, 1), 11));
    let p = fx.profile();
    assert_eq!(p.basic.resident_ids, 2);
    assert!(p.basic.conflicts.contains(&"resident_id".to_string()));
    // No information at all.
    let p = Fx { ..Default::default() }.profile();
    assert_eq!(p.basic, Basic::default());
    assert_eq!(p.behaviour.complaints, 0);
    assert_eq!(p.motive.primary, MotiveCode::Unclear);
}

#[test]
fn ages_count_full_years() {
    assert_eq!(age_on(day(1966, 11, 26), day(2026, 11, 26)), Some(60));
    assert_eq!(age_on(day(1966, 11, 27), day(2026, 11, 26)), Some(59));
    assert_eq!(age_on(day(2000, 2, 29), day(2001, 2, 28)), Some(0));
    assert_eq!(age_on(day(2000, 2, 29), day(2001, 3, 1)), Some(1));
    assert_eq!(age_on(day(2027, 1, 1), day(2026, 11, 26)), None);
}

// ---------------------------------------------------------------- behaviour

#[test]
fn behaviour_counts_rates_and_gaps() {
    let mut fx = Fx::default();
    // Given out of order on purpose.
    let a = fx.add(day(2026, 10, 1), Channel::RegulatorReferral);
    let b = fx.add(day(2026, 1, 1), Channel::Hotline);
    let c = fx.add(day(2026, 1, 11), Channel::Hotline);
    let d = fx.add(day(2026, 11, 20), Channel::Online);
    fx.c(b).product_line = Some("health".into());
    fx.c(c).product_line = Some("health".into());
    fx.h(a).state = "closed".into();
    fx.h(a).answers_rejected = 1;
    fx.h(b).state = "withdrawn".into();
    fx.h(c).withdrawn = true;
    fx.h(c).state = "closed".into();
    fx.h(d).escalated_to_regulator = true;
    fx.a(c).threats = vec![Threat::Regulator, Threat::Media, Threat::Media];
    let p = fx.profile();
    let bh = &p.behaviour;
    assert_eq!(bh.complaints, 4);
    assert_eq!(bh.first_received.map(|t| t.date()), Some(day(2026, 1, 1)));
    assert_eq!(bh.last_received.map(|t| t.date()), Some(day(2026, 11, 20)));
    // 2026-01-01 → 2026-11-26 is 329 days: 4 / 329 × 90.
    assert_eq!(bh.rate_per_90_days, r4(4.0 / 329.0 * 90.0));
    assert_eq!(bh.recent, 2, "2026-10-01 (56 days) and 2026-11-20");
    assert_eq!(
        bh.channels,
        vec![
            ChannelCount { channel: Channel::Hotline, count: 2 },
            ChannelCount { channel: Channel::RegulatorReferral, count: 1 },
            ChannelCount { channel: Channel::Online, count: 1 },
        ]
    );
    assert_eq!(bh.product_lines, vec![CodeCount { code: "health".into(), count: 2 }]);
    assert_eq!(bh.withdrawals, 2);
    assert_eq!(bh.answers_rejected, 1);
    assert_eq!(
        bh.states,
        vec![CodeCount { code: "closed".into(), count: 2 }, CodeCount { code: "withdrawn".into(), count: 1 }]
    );
    assert_eq!(
        bh.regulator,
        RegulatorFacts {
            referrals: 1,
            escalated: 1,
            threatened: 1,
            complaints: 3,
            complaint_refs: vec!["C3".into(), "C1".into(), "C4".into()],
        }
    );
    assert_eq!(
        bh.threats,
        vec![ThreatCount { threat: Threat::Regulator, count: 1 }, ThreatCount { threat: Threat::Media, count: 1 }]
    );
    // Gaps: 10, 263, 50 days.
    let g = bh.gaps.as_ref().unwrap();
    assert_eq!((g.median_days, g.min_days, g.max_days), (50.0, 10, 263));
    assert_eq!(g.mean_days, r4(323.0 / 3.0));
}

#[test]
fn rate_has_a_floor_of_rate_min_days() {
    let mut fx = Fx::default();
    fx.add(day(2026, 11, 25), Channel::Hotline);
    assert_eq!(fx.profile().behaviour.rate_per_90_days, 1.0);
    let mut fx = Fx::default();
    for m in [1, 4, 7, 10] {
        fx.add(day(2025, 11, 26) + chrono::Duration::days((m - 1) * 30), Channel::Hotline);
    }
    // 365 days observed, 4 complaints.
    assert_eq!(fx.profile().behaviour.rate_per_90_days, r4(4.0 / 365.0 * 90.0));
}

#[test]
fn busiest_window_edges() {
    let d = [day(2025, 1, 1), day(2025, 6, 1), day(2026, 1, 1), day(2026, 1, 2)];
    // 2025-01-01 .. 2026-01-01 is exactly 365 days: inside.
    assert_eq!(busiest_window(&d, 365), (3, 0, 2));
    assert_eq!(busiest_window(&d, 364), (3, 1, 3));
    assert_eq!(busiest_window(&d[..1], 365), (1, 0, 0));
}

// ---------------------------------------------------------------- tags

#[test]
fn repeat_tag_at_and_below_threshold() {
    // Exactly 3 in 365 days → tagged.
    let mut fx = Fx::default();
    fx.add_cat(day(2025, 3, 1), "claim_refusal");
    fx.add_cat(day(2025, 9, 1), "理赔拒付");
    fx.add_cat(day(2026, 3, 1), "claim_refusal");
    fx.add_cat(day(2026, 3, 2), "service_attitude");
    let p = fx.profile();
    let t = p.tag(TagCode::Repeat).expect("repeat");
    assert_eq!(t.complaints, vec!["C1", "C2", "C3"]);
    assert_eq!(t.reason.code, "profile.reason.repeat");
    assert_eq!(t.reason.params["count"], 3);
    assert_eq!(t.reason.params["threshold"], 3);
    assert_eq!(t.reason.params["category"], "claim_refusal");
    assert!(t.reason.en.contains("C1, C2, C3"), "{}", t.reason.en);
    assert!(!t.protective);
    assert_eq!(t.label_key, "profile.tag.repeat");
    // The same three spread over 366 days → not.
    let mut fx = Fx::default();
    fx.add_cat(day(2025, 3, 1), "claim_refusal");
    fx.add_cat(day(2025, 9, 1), "claim_refusal");
    fx.add_cat(day(2026, 3, 2), "claim_refusal");
    let p = fx.profile();
    assert!(!p.has_tag(TagCode::Repeat));
    assert_eq!(p.behaviour.same_issue[0].max_in_window, 2);
    assert_eq!(p.behaviour.same_issue[0].complaints, 3);
    // Three "other" complaints never make a repeat; nor do uncategorised ones.
    let mut fx = Fx::default();
    for d in 1..=3 {
        fx.add_cat(day(2026, 1, d), "other");
        fx.add(day(2026, 2, d), Channel::Hotline);
    }
    assert!(!fx.profile().has_tag(TagCode::Repeat));
    // The category from the text analysis counts when the complaint has none.
    let mut fx = Fx::default();
    for d in 1..=3 {
        let i = fx.add(day(2026, 1, d), Channel::Hotline);
        fx.a(i).category = Some(Category::SurrenderDispute);
    }
    assert!(fx.profile().has_tag(TagCode::Repeat));
}

#[test]
fn persistent_tag_at_and_below_threshold() {
    let mut fx = Fx::default();
    let a = fx.add(day(2026, 1, 1), Channel::Hotline);
    fx.h(a).answers_rejected = 1;
    assert!(!fx.profile().has_tag(TagCode::Persistent));
    let b = fx.add(day(2026, 2, 1), Channel::Hotline);
    fx.h(b).answers_rejected = 1;
    fx.add(day(2026, 3, 1), Channel::Hotline);
    let p = fx.profile();
    let t = p.tag(TagCode::Persistent).expect("persistent");
    assert_eq!(t.complaints, vec!["C1", "C2"]);
    assert_eq!(t.reason.params["answers_rejected"], 2);
}

#[test]
fn regulator_tag_by_count_or_escalation() {
    // One referral: not yet.
    let mut fx = Fx::default();
    fx.add(day(2026, 1, 1), Channel::RegulatorReferral);
    assert!(!fx.profile().has_tag(TagCode::RegulatorEscalating));
    // A second complaint announcing the regulator: 2 complaints → tagged.
    let b = fx.add(day(2026, 2, 1), Channel::Hotline);
    fx.a(b).threats = vec![Threat::Regulator];
    let p = fx.profile();
    let t = p.tag(TagCode::RegulatorEscalating).expect("regulator");
    assert_eq!(t.reason.params["complaint_count"], 2);
    assert_eq!(t.reason.params["referrals"], 1);
    assert_eq!(t.reason.params["threatened"], 1);
    // One escalation after our answer is enough on its own.
    let mut fx = Fx::default();
    let a = fx.add(day(2026, 1, 1), Channel::Hotline);
    fx.h(a).escalated_to_regulator = true;
    assert!(fx.profile().has_tag(TagCode::RegulatorEscalating));
}

fn surrender_fx(demand_yuan: i64, cash_yuan: i64, start: NaiveDate) -> Fx {
    let mut fx = Fx::default();
    let i = fx.add_cat(day(2026, 6, 1), "surrender_dispute");
    fx.c(i).demands.push(Demand { kind: DemandKind::FullRefund, amount: Some(Money::cny_yuan(demand_yuan)) });
    fx.c(i).policy = Some(Policy {
        number: Some("P-1".into()),
        start_date: Some(start),
        premiums_paid: Some(Money::cny_yuan(40_000)),
        cash_value: Some(Money::cny_yuan(cash_yuan)),
        ..Default::default()
    });
    fx
}

#[test]
fn excessive_demand_at_and_below_ratio() {
    // 30,000 / 15,000 = 2.0 exactly → tagged.
    let p = surrender_fx(30_000, 15_000, day(2024, 1, 1)).profile();
    let t = p.tag(TagCode::ExcessiveDemand).expect("excessive");
    assert_eq!(t.reason.params["ratio"], 2.0);
    assert_eq!(t.reason.params["basis"], "cash_value");
    assert_eq!(t.reason.params["entitlement"]["amount"], "15000.00");
    assert!(t.reason.en.contains("paid in full regardless"), "{}", t.reason.en);
    assert_eq!(p.demands.assessments.len(), 1);
    assert_eq!(p.demands.assessments[0].basis, EntitlementBasis::CashValue);
    // 29,999 → 1.99993 → not.
    let p = surrender_fx(29_999, 15_000, day(2024, 1, 1)).profile();
    assert!(!p.has_tag(TagCode::ExcessiveDemand));
    assert!(!p.demands.assessments[0].excessive);
    // Inside the cooling-off period the entitlement is the premiums: 30,000 / 40,000.
    let p = surrender_fx(30_000, 15_000, day(2026, 5, 20)).profile();
    assert_eq!(p.demands.assessments[0].basis, EntitlementBasis::PremiumsCoolingOff);
    assert!(!p.has_tag(TagCode::ExcessiveDemand));
    // Zero cash value (first year): unbounded.
    let p = surrender_fx(30_000, 0, day(2026, 1, 1)).profile();
    assert_eq!(p.demands.assessments[0].ratio, None);
    assert!(p.has_tag(TagCode::ExcessiveDemand));
    // Small demands are never excessive: 999 yuan vs 1 yuan.
    let p = surrender_fx(999, 1, day(2024, 1, 1)).profile();
    assert!(!p.has_tag(TagCode::ExcessiveDemand));
    let p = surrender_fx(1000, 1, day(2024, 1, 1)).profile();
    assert!(p.has_tag(TagCode::ExcessiveDemand));
}

#[test]
fn claim_demand_is_measured_against_the_amount_claimed() {
    let mut fx = Fx::default();
    let i = fx.add_cat(day(2026, 6, 1), "claim_refusal");
    fx.c(i).claim = Some(Claim {
        amount_claimed: Some(Money::cny_yuan(50_000)),
        decision: Some(ClaimDecision::Refused),
        ..Default::default()
    });
    fx.a(i).demands = vec![DemandKind::ClaimPayment, DemandKind::Compensation];
    fx.a(i).demanded_total = vec![Money::cny_yuan(150_000)];
    let p = fx.profile();
    let a = &p.demands.assessments[0];
    assert_eq!((a.basis, a.ratio, a.excessive), (EntitlementBasis::ClaimAmount, Some(3.0), true));
    assert_eq!(p.demands.totals, vec![Money::cny_yuan(150_000)]);
    assert_eq!(p.demands.kinds.len(), 2);
    // No entitlement known: no assessment.
    let mut fx = Fx::default();
    let i = fx.add(day(2026, 6, 1), Channel::Hotline);
    fx.c(i).demands.push(Demand { kind: DemandKind::Compensation, amount: Some(Money::cny_yuan(9_000)) });
    assert!(fx.profile().demands.assessments.is_empty());
}

#[test]
fn third_party_tag() {
    let mut fx = Fx::default();
    fx.add(day(2026, 1, 1), Channel::Hotline);
    assert!(!fx.profile().has_tag(TagCode::ThirdParty));
    let b = fx.add(day(2026, 2, 1), Channel::Letter);
    fx.c(b).third_party = Some(ThirdParty {
        name: Some("某维权公司".into()),
        relationship: Some("代理机构".into()),
        power_of_attorney: Some(true),
        ..Default::default()
    });
    let c = fx.add(day(2026, 3, 1), Channel::Letter);
    fx.a(c).markers = vec![Marker::Representative];
    let p = fx.profile();
    let t = p.tag(TagCode::ThirdParty).expect("third party");
    assert_eq!(t.complaints, vec!["C2", "C3"]);
    assert_eq!(p.third_parties.complaints, 2);
    assert_eq!(p.third_parties.power_of_attorney, 1);
    assert_eq!(p.third_parties.parties[0].power_of_attorney, Some(true));
    assert_eq!(p.third_parties.representative_marker, vec!["C3"]);
    assert!(t.reason.en.contains("lawful"));
    // The text marker alone is enough.
    let mut fx = Fx::default();
    let a = fx.add(day(2026, 1, 1), Channel::Hotline);
    fx.a(a).markers = vec![Marker::Representative];
    assert!(fx.profile().has_tag(TagCode::ThirdParty));
}

#[test]
fn linked_contacts_tag() {
    let mut fx = Fx::default();
    fx.add(day(2026, 1, 1), Channel::Hotline);
    assert!(!fx.profile().has_tag(TagCode::LinkedContacts));
    fx.links = 1;
    let p = fx.profile();
    let t = p.tag(TagCode::LinkedContacts).expect("linked");
    assert_eq!(t.reason.params["links"], 1);
    assert!(t.reason.en.contains("not proof"));
}

#[test]
fn vulnerable_tag_is_protective() {
    // Exactly 60 today → elderly.
    let mut fx = Fx::default();
    let i = fx.add(day(2026, 1, 1), Channel::Hotline);
    fx.c(i).complainant.resident_id = Some(resident_id("440106", day(1966, 11, 26), 12));
    let p = fx.profile();
    assert_eq!(p.basic.age, Some(60));
    let t = p.tag(TagCode::Vulnerable).expect("vulnerable");
    assert!(t.protective);
    assert!(t.reason.en.contains("route to careful handling"), "{}", t.reason.en);
    assert!(t.reason.en.contains("age 60 ≥ 60"), "{}", t.reason.en);
    assert_eq!(t.reason.params["handling"], "careful");
    assert_eq!(p.vulnerability.flags[0].source, VulnerabilitySource::Age);
    // One day short of 60 → not.
    fx.c(i).complainant.resident_id = Some(resident_id("440106", day(1966, 11, 27), 12));
    let p = fx.profile();
    assert_eq!(p.basic.age, Some(59));
    assert!(!p.has_tag(TagCode::Vulnerable));
    assert!(!p.vulnerability.vulnerable);
    // Illness in the text.
    fx.a(i).vulnerability = vec![Vulnerability::Illness];
    let p = fx.profile();
    let t = p.tag(TagCode::Vulnerable).expect("vulnerable");
    assert_eq!(t.complaints, vec!["C1"]);
    assert_eq!(t.reason.params["kinds"], serde_json::json!(["illness"]));
    assert!(t.reason.en.contains("never counts against"));
}

// ---------------------------------------------------------------- psychology

#[test]
fn emotion_trends() {
    let mut fx = Fx::default();
    // Received order: C3 (Jan), C1 (Feb), C2 (Mar); anger rises, anxiety falls, grief stable.
    let a = fx.add(day(2026, 2, 1), Channel::Hotline);
    let b = fx.add(day(2026, 3, 1), Channel::Hotline);
    let c = fx.add(day(2026, 1, 1), Channel::Hotline);
    fx.a(c).emotions = vec![emotion(Emotion::Anger, 0.2), emotion(Emotion::Anxiety, 0.9), emotion(Emotion::Grief, 0.5)];
    fx.a(a).emotions =
        vec![emotion(Emotion::Anger, 0.5), emotion(Emotion::Anxiety, 0.5), emotion(Emotion::Grief, 0.55)];
    fx.a(b).emotions = vec![emotion(Emotion::Anger, 0.8), emotion(Emotion::Grief, 0.5)];
    let p = fx.profile();
    let ps = &p.psychology;
    assert_eq!(ps.analysed, vec!["C3", "C1", "C2"]);
    let get = |e: Emotion| ps.emotions.iter().find(|t| t.emotion == e).unwrap();
    let anger = get(Emotion::Anger);
    assert_eq!((anger.first, anger.last, anger.mean, anger.max), (0.2, 0.8, 0.5, 0.8));
    assert_eq!(anger.direction, Direction::Rising);
    assert_eq!(anger.change, 0.6);
    assert_eq!(anger.series, vec![0.2, 0.5, 0.8]);
    let anxiety = get(Emotion::Anxiety);
    assert_eq!(anxiety.direction, Direction::Falling);
    assert_eq!(anxiety.present_in, 2);
    assert_eq!(anxiety.series, vec![0.9, 0.5, 0.0]);
    assert_eq!(get(Emotion::Grief).direction, Direction::Stable);
    assert!(ps.emotions.iter().all(|t| t.emotion != Emotion::Disgust));
    assert_eq!(ps.dominant, Some(Emotion::Grief), "grief mean 0.5167 beats anger 0.5");
}

#[test]
fn emotion_trend_threshold_and_points() {
    // Change exactly at the threshold (0.15) is rising; just below is stable.
    let at = |first: f32, last: f32| {
        let mut fx = Fx::default();
        let a = fx.add(day(2026, 1, 1), Channel::Hotline);
        let b = fx.add(day(2026, 2, 1), Channel::Hotline);
        fx.a(a).emotions = vec![emotion(Emotion::Anger, first)];
        fx.a(b).emotions = vec![emotion(Emotion::Anger, last)];
        fx.profile().psychology.emotions[0].direction
    };
    assert_eq!(at(0.25, 0.5), Direction::Rising);
    assert_eq!(at(0.5, 0.25), Direction::Falling);
    assert_eq!(at(0.5, 0.625), Direction::Stable);
    // One analysed complaint (the other has no analysis): insufficient.
    let mut fx = Fx::default();
    let a = fx.add(day(2026, 1, 1), Channel::Hotline);
    fx.add(day(2026, 2, 1), Channel::Hotline);
    fx.a(a).emotions = vec![emotion(Emotion::Anger, 0.9)];
    let p = fx.profile();
    assert_eq!(p.psychology.emotions[0].direction, Direction::Insufficient);
    assert_eq!(p.psychology.analysed, vec!["C1"]);
    assert_eq!(slope(&[1.0, 2.0, 3.0]), 1.0);
    assert_eq!(slope(&[1.0]), 0.0);
}

// ---------------------------------------------------------------- motive

#[test]
fn motive_economic_recovery() {
    let mut fx = Fx::default();
    let i = fx.add_cat(day(2026, 6, 1), "claim_refusal");
    fx.c(i).claim = Some(Claim { decision: Some(ClaimDecision::Refused), ..Default::default() });
    fx.c(i).demands.push(Demand { kind: DemandKind::ClaimPayment, amount: None });
    let p = fx.profile();
    assert_eq!(p.motive.primary, MotiveCode::EconomicRecovery);
    let s = &p.motive.scores[0];
    assert_eq!(s.score, 2.0);
    let signals: Vec<&str> = s.evidence.iter().map(|e| e.signal.as_str()).collect();
    assert_eq!(signals, vec!["money_demand", "claim_refused", "category:claim_refusal"]);
    assert_eq!(p.motive.reason.code, "profile.reason.motive.economic_recovery");
    assert_eq!(p.motive.reason.params["complaints"], serde_json::json!(["C1"]));
}

#[test]
fn motive_rights_and_vent() {
    let mut fx = Fx::default();
    let i = fx.add_cat(day(2026, 6, 1), "mis_selling");
    fx.c(i).demands.push(Demand { kind: DemandKind::Apology, amount: None });
    let p = fx.profile();
    assert_eq!(p.motive.primary, MotiveCode::RightsFairness);
    // Strong anger, no money demand, service attitude → vent (1.0 + 0.5 + 0.5) beats rights (0.5).
    let mut fx = Fx::default();
    let i = fx.add_cat(day(2026, 6, 1), "service_attitude");
    fx.a(i).emotions = vec![emotion(Emotion::Anger, 0.8)];
    let p = fx.profile();
    assert_eq!(p.motive.primary, MotiveCode::EmotionalVent);
    let vent = p.motive.scores.iter().find(|s| s.motive == MotiveCode::EmotionalVent).unwrap();
    assert_eq!(vent.score, 2.0);
    // Anger below strong_emotion does not count.
    fx.a(i).emotions = vec![emotion(Emotion::Anger, 0.49)];
    let p = fx.profile();
    let vent = p.motive.scores.iter().find(|s| s.motive == MotiveCode::EmotionalVent).unwrap();
    assert_eq!(vent.score, 1.0);
}

#[test]
fn motive_leverage_needs_several_signals() {
    // Excessive demand alone (1.5) + full refund (0.25) stays below 2.5: economic wins.
    let mut fx = surrender_fx(40_000, 8_000, day(2024, 1, 1));
    let p = fx.profile();
    assert!(p.has_tag(TagCode::ExcessiveDemand));
    let lev = p.motive.scores.iter().find(|s| s.motive == MotiveCode::LeverageSeeking).unwrap();
    assert_eq!(lev.score, 1.75);
    assert!(!lev.qualifies);
    assert_eq!(p.motive.primary, MotiveCode::EconomicRecovery);
    // Add scripted-letter markers and a shared contact: leverage qualifies and wins.
    fx.a(0).markers = vec![Marker::SalesMisleadingCombo, Marker::Scripted];
    fx.links = 2;
    let p = fx.profile();
    let lev = p.motive.scores.iter().find(|s| s.motive == MotiveCode::LeverageSeeking).unwrap();
    assert_eq!(lev.score, 4.0);
    assert_eq!(p.motive.primary, MotiveCode::LeverageSeeking);
    assert!(p.motive.reason.en.contains("never a verdict"));
}

#[test]
fn motive_unclear_and_ties() {
    let mut fx = Fx::default();
    fx.add(day(2026, 6, 1), Channel::Hotline);
    // No money demand: emotional_vent 0.5 < 1.0.
    let p = fx.profile();
    assert_eq!(p.motive.primary, MotiveCode::Unclear);
    assert_eq!(p.motive.reason.code, "profile.reason.motive.unclear");
    // A tie goes to the earlier motive in `order`: economic 1.0 (money) vs rights 1.0 (apology).
    let mut fx = Fx::default();
    let i = fx.add(day(2026, 6, 1), Channel::Hotline);
    fx.c(i).demands.push(Demand { kind: DemandKind::Apology, amount: None });
    fx.c(i).demands.push(Demand { kind: DemandKind::Interest, amount: None });
    let p = fx.profile();
    assert_eq!(p.motive.primary, MotiveCode::EconomicRecovery);
    let mut c = cfg();
    c.motive.order.swap(0, 1);
    assert_eq!(fx.profile_with(&c).motive.primary, MotiveCode::RightsFairness);
}

// ---------------------------------------------------------------- policy, concessions, json

#[test]
fn policy_facts_merge_by_number() {
    let mut fx = Fx::default();
    let a = fx.add(day(2025, 6, 1), Channel::Hotline);
    let b = fx.add(day(2026, 6, 1), Channel::Hotline);
    fx.c(a).policy = Some(Policy {
        number: Some(" P-9 ".into()),
        start_date: Some(day(2024, 12, 1)),
        premiums_paid: Some(Money::cny_yuan(20_000)),
        cash_value: Some(Money::cny_yuan(4_000)),
        agent: Some("李四".into()),
        ..Default::default()
    });
    fx.c(b).policy = Some(Policy {
        number: Some("P-9".into()),
        premiums_paid: Some(Money::cny_yuan(40_000)),
        cash_value: Some(Money::cny_yuan(10_000)),
        agent_departed: Some(true),
        ..Default::default()
    });
    fx.c(b).product_line = Some("life".into());
    let p = fx.profile();
    assert_eq!(p.policies.len(), 1);
    let f = &p.policies[0];
    assert_eq!(f.number.as_deref(), Some("P-9"));
    assert_eq!(f.policy_year, Some(2), "2024-12-01 → 2026-11-26 is in the second year");
    assert_eq!(f.premiums_paid, Some(Money::cny_yuan(40_000)), "the latest value wins");
    assert_eq!((f.cash_value_ratio, f.loss_ratio), (Some(0.25), Some(0.75)));
    assert_eq!(f.agent.as_deref(), Some("李四"));
    assert_eq!(f.agent_departed, Some(true));
    assert_eq!(f.product_line.as_deref(), Some("life"));
    assert_eq!(f.complaints, vec!["C1", "C2"]);
    // surrender_loss and agent_departed signals feed the motive.
    let eco = &p.motive.scores[0];
    assert!(eco.evidence.iter().any(|e| e.signal == "surrender_loss"));
    let lev = p.motive.scores.iter().find(|s| s.motive == MotiveCode::LeverageSeeking).unwrap();
    assert!(lev.evidence.iter().any(|e| e.signal == "agent_departed"));
}

#[test]
fn concessions_total_per_currency() {
    let mut fx = Fx::default();
    let a = fx.add(day(2026, 1, 1), Channel::Hotline);
    let b = fx.add(day(2026, 2, 1), Channel::Hotline);
    fx.add(day(2026, 3, 1), Channel::Hotline);
    fx.h(a).concessions = vec![Money::cny_yuan(500), Money::new(1_000, crate::Currency::Usd)];
    fx.h(b).concessions = vec![Money::cny_yuan(1_200)];
    let p = fx.profile();
    assert_eq!(p.concessions.complaints, vec!["C1", "C2"]);
    assert_eq!(p.concessions.totals, vec![Money::cny_yuan(1_700), Money::new(1_000, crate::Currency::Usd)]);
}

#[test]
fn profile_serialises_with_codes() {
    let mut fx = surrender_fx(40_000, 8_000, day(2024, 1, 1));
    fx.links = 1;
    fx.a(0).emotions = vec![emotion(Emotion::Anger, 0.7)];
    let p = fx.profile();
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["person_id"], "P1");
    assert_eq!(v["as_of"], "2026-11-26");
    assert_eq!(v["tags"][0]["code"], "excessive_demand");
    assert_eq!(v["tags"][0]["reason"]["code"], "profile.reason.excessive_demand");
    assert_eq!(v["tags"][1]["code"], "linked_contacts");
    // excessive demand 1.5 + shared contact 0.75 + full refund 0.25 = 2.5 ≥ 2.5 beats economic 2.0.
    assert_eq!(v["motive"]["primary"], "leverage_seeking");
    assert_eq!(v["psychology"]["emotions"][0]["emotion"], "anger");
    assert_eq!(v["psychology"]["emotions"][0]["direction"], "insufficient");
    assert_eq!(v["behaviour"]["channels"][0]["channel"], "hotline");
    assert_eq!(v["demands"]["assessments"][0]["basis"], "cash_value");
    let back: Profile = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
}

#[test]
fn analysis_facts_from_text_and_summary() {
    let an = crate::text::Analyzer::builtin().unwrap();
    let ta = an.analyze("我父亲今年78岁，住院治疗，理赔被拒，我非常愤怒，要求全额赔付5万元，否则向银保监会投诉！");
    let f = AnalysisFacts::from(&ta);
    assert!(f.threats.contains(&Threat::Regulator), "{f:?}");
    assert!(!f.emotions.is_empty(), "{f:?}");
    let summary = serde_json::json!({
        "version": "x",
        "category": "claim_refusal",
        "emotions": ["anger", {"emotion": "anxiety", "intensity": 0.4}, "nonsense"],
        "threats": ["regulator", "unknown"],
        "markers": ["scripted"],
        "vulnerability": ["elderly"],
        "demanded_total": [{"amount": "50000.00", "currency": "CNY"}],
    });
    let s = AnalysisFacts::from_summary_json(&summary);
    assert_eq!(s.category, Some(Category::ClaimRefusal));
    assert_eq!(s.emotions, vec![emotion(Emotion::Anger, 1.0), emotion(Emotion::Anxiety, 0.4)]);
    assert_eq!(s.threats, vec![Threat::Regulator]);
    assert_eq!(s.markers, vec![Marker::Scripted]);
    assert_eq!(s.vulnerability, vec![Vulnerability::Elderly]);
    assert_eq!(s.demanded_total, vec![Money::cny_yuan(50_000)]);
    assert_eq!(AnalysisFacts::from_summary_json(&serde_json::json!("garbage")), AnalysisFacts::default());
}

// ---------------------------------------------------------------- population

fn row<'a>(category: &'a str, product: &'a str, band: &'a str, gender: Gender) -> PopulationRow<'a> {
    PopulationRow {
        category: Some(category),
        product_line: Some(product),
        age_band: Some(band),
        gender: Some(gender),
        region: Some("44"),
        channel: Channel::Hotline,
        motive: Some(MotiveCode::EconomicRecovery),
    }
}

#[test]
fn population_flags_over_representation() {
    // 1,000 complaints: claim_refusal 200 of which 100 from 60_69 (50 %); elsewhere 60_69 is
    // 100 of 800 (12.5 %). Overall 60_69 share 20 % → lift 2.5.
    let mut rows = Vec::new();
    for i in 0..200 {
        rows.push(row("claim_refusal", "health", if i < 100 { "60_69" } else { "30_39" }, Gender::Male));
    }
    for i in 0..800 {
        rows.push(row("service_attitude", "life", if i < 100 { "60_69" } else { "30_39" }, Gender::Female));
    }
    rows.push(PopulationRow {
        category: None,
        product_line: Some(" "),
        age_band: None,
        gender: None,
        region: None,
        channel: Channel::Online,
        motive: None,
    });
    let pop = population(&rows, &cfg());
    assert_eq!(pop.total, 1001);
    let age = &pop.fields[0];
    assert_eq!(age.field, "age_band");
    let values: Vec<&str> = age.overall.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, vec!["30_39", "60_69", UNKNOWN], "band order, unknown last");
    let cr = age.by_category.iter().find(|g| g.group == "claim_refusal").unwrap();
    assert_eq!(cr.total, 200);
    let cell = cr.cells.iter().find(|c| c.value == "60_69").unwrap();
    assert_eq!((cell.count, cell.share), (100, 0.5));
    assert_eq!(cell.overall_share, r4(200.0 / 1001.0));
    assert!(cell.lift.unwrap() > 2.4);
    assert!(cell.z.unwrap() > 3.0);
    assert!(cell.over_represented);
    let other = age.by_category.iter().find(|g| g.group == "service_attitude").unwrap();
    assert!(other.cells.iter().all(|c| !c.over_represented));
    assert!(age.by_category.iter().any(|g| g.group == UNKNOWN && g.total == 1));
    // Gender is fully determined by the category here: both genders are over-represented in
    // their category (claim_refusal: male share 1.0 vs 0.2 overall).
    let g = &pop.fields[1];
    assert!(g.by_category.iter().find(|x| x.group == "claim_refusal").unwrap().cells[1].over_represented);
    let fields: Vec<&str> = pop.highlights.iter().map(|h| h.field.as_str()).collect();
    assert!(fields.contains(&"age_band") && fields.contains(&"gender"), "{fields:?}");
    assert!(pop.highlights.windows(2).all(|w| w[0].z >= w[1].z));
    assert_eq!(
        pop.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["age_band", "gender", "region", "channel", "motive"]
    );
}

#[test]
fn population_min_count_edge() {
    // The over-represented cell has exactly min_count (30) rows → flagged; 29 → not.
    let make = |k: usize| {
        let mut rows = Vec::new();
        for i in 0..60 {
            rows.push(row("claim_refusal", "health", if i < k { "60_69" } else { "30_39" }, Gender::Male));
        }
        for i in 0..940 {
            rows.push(row("card", "card", if i < 20 { "60_69" } else { "30_39" }, Gender::Male));
        }
        let pop = population(&rows, &cfg());
        let g = pop.fields[0].by_category.iter().find(|g| g.group == "claim_refusal").unwrap().clone();
        g.cells.iter().find(|c| c.value == "60_69").unwrap().clone()
    };
    let at = make(30);
    assert_eq!(at.count, 30);
    assert!(at.over_represented, "{at:?}");
    let below = make(29);
    assert!(!below.over_represented, "{below:?}");
    assert!(below.lift.unwrap() >= 1.5 && below.z.unwrap() >= 3.0, "only the count is short: {below:?}");
}

#[test]
fn z_score_cases() {
    assert_eq!(z_score(10, 100, 10, 100), None, "the group is the population");
    assert_eq!(z_score(0, 0, 5, 100), None);
    assert_eq!(z_score(0, 50, 0, 100), None, "value never occurs");
    let z = z_score(50, 100, 60, 200).unwrap();
    // p1 = 0.5, p2 = 0.1, p = 0.3: z = 0.4 / sqrt(0.21 × 0.02).
    assert!((z - 0.4 / (0.21f64 * 0.02).sqrt()).abs() < 1e-9);
    assert!(population(&[], &cfg()).fields.iter().all(|f| f.overall.is_empty()));
}

#[test]
fn population_rows_from_profile() {
    let mut fx = Fx::default();
    let i = fx.add_cat(day(2026, 1, 1), "claim_refusal");
    fx.c(i).complainant.resident_id = Some(ID_1949.into());
    fx.c(i).product_line = Some("health".into());
    let j = fx.add(day(2026, 2, 1), Channel::Online);
    fx.a(j).category = Some(Category::Card);
    let p = fx.profile();
    let ids = fx.ids();
    let items: Vec<ProfileItem> = (0..2)
        .map(|k| ProfileItem {
            id: &ids[k],
            complaint: &fx.complaints[k],
            analysis: fx.analyses[k].as_ref(),
            handling: None,
        })
        .collect();
    let rows = population_rows(&p, &items);
    assert_eq!(rows[0].category, Some("claim_refusal"));
    assert_eq!(rows[1].category, Some("card"));
    assert_eq!(rows[0].region, Some("11"));
    assert_eq!(rows[0].age_band, Some("70_plus"));
    assert_eq!(rows[1].channel, Channel::Online);
    assert_eq!(rows[0].motive, Some(p.motive.primary));
}

// ---------------------------------------------------------------- properties

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// The profile does not depend on the order of the items; counts add up; the repeat tag
    /// agrees with a brute-force window count.
    #[test]
    fn order_independent_and_consistent(
        specs in proptest::collection::vec((0i64..1500, 0usize..3, 0usize..4, 0u32..3), 1..25),
        seed in 0u64..1000,
    ) {
        let cats = ["claim_refusal", "surrender_dispute", "other"];
        let mut fx = Fx::default();
        for (d, cat, ch, rejected) in &specs {
            let i = fx.add_cat(day(2022, 1, 1) + chrono::Duration::days(*d), cats[*cat]);
            fx.c(i).channel = Channel::ALL[*ch];
            fx.h(i).answers_rejected = *rejected;
        }
        let p1 = fx.profile();
        // Reverse and rotate the input.
        let n = fx.complaints.len();
        let ids = fx.ids();
        let mut order: Vec<usize> = (0..n).rev().collect();
        order.rotate_left(seed as usize % n);
        let items: Vec<ProfileItem> = order
            .iter()
            .map(|&k| ProfileItem {
                id: &ids[k],
                complaint: &fx.complaints[k],
                analysis: fx.analyses[k].as_ref(),
                handling: fx.handling[k].as_ref(),
            })
            .collect();
        let p2 = build_profile("P1", &items, &ProfileContext { today: today(), shared_contact_links: 0 }, &cfg());
        proptest::prop_assert_eq!(&p1, &p2);
        proptest::prop_assert_eq!(p1.behaviour.complaints as usize, n);
        proptest::prop_assert_eq!(p1.behaviour.channels.iter().map(|c| c.count as usize).sum::<usize>(), n);
        let rejected: u32 = specs.iter().map(|s| s.3).sum();
        proptest::prop_assert_eq!(p1.has_tag(TagCode::Persistent), rejected >= 2);
        // Brute force: any category but "other" with 3 complaints within 365 days.
        let mut brute = false;
        for c in 0..2 {
            let mut ds: Vec<i64> = specs.iter().filter(|s| s.1 == c).map(|s| s.0).collect();
            ds.sort();
            for i in 0..ds.len() {
                if ds[i..].iter().filter(|d| **d - ds[i] <= 365).count() >= 3 {
                    brute = true;
                }
            }
        }
        proptest::prop_assert_eq!(p1.has_tag(TagCode::Repeat), brute);
        // Every tag cites only the person's complaints.
        for t in &p1.tags {
            for r in &t.complaints {
                proptest::prop_assert!(ids.contains(r));
            }
        }
    }
}
