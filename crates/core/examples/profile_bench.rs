//! Complainant profiles at scale: build_profile over ~1,000,000 synthetic complaints grouped
//! into persons, then population() over 1,000,000 rows.
//!
//! cargo run --release -p tousu-core --example profile_bench [-- ITEMS]

use chrono::{Duration, NaiveDate};
use std::time::Instant;
use tousu_core::profile::{
    AnalysisFacts, EmotionScore, HandlingFacts, MotiveCode, PopulationRow, ProfileConfig, ProfileContext, ProfileItem,
    build_profile, population,
};
use tousu_core::text::{Emotion, Marker, Threat, Vulnerability};
use tousu_core::{Channel, Claim, ClaimDecision, Complaint, Demand, DemandKind, Gender, Money, Policy, ThirdParty};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const CATEGORIES: [&str; 8] = [
    "claim_refusal",
    "claim_delay",
    "surrender_dispute",
    "mis_selling",
    "service_attitude",
    "fees_charges",
    "card",
    "other",
];
const PRODUCTS: [&str; 6] = ["life", "health", "property", "auto", "card", "loan"];
const REGIONS: [&str; 8] = ["110105", "310101", "440106", "510104", "330102", "420102", "370102", "650102"];

fn resident_id(region: &str, birth: NaiveDate, seq: u64) -> String {
    let first17 = format!("{region}{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let check = tousu_core::ident::resident_id_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

struct Item {
    id: String,
    complaint: Complaint,
    analysis: Option<AnalysisFacts>,
    handling: HandlingFacts,
}

fn person_items(rng: &mut Rng, next_id: &mut u64) -> Vec<Item> {
    let k = match rng.below(100) {
        0..60 => 1,
        60..80 => 2,
        80..90 => 3 + rng.below(3),
        90..98 => 6 + rng.below(5),
        _ => 11 + rng.below(30),
    };
    let birth = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default() + Duration::days(rng.below(60 * 365) as i64);
    let old = birth.year_ce().1 < 1966;
    let id = rng.chance(70).then(|| resident_id(REGIONS[rng.below(8) as usize], birth, rng.next()));
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    let premiums = 10_000 + rng.below(90_000) as i64;
    let cash = premiums * rng.below(100) as i64 / 100;
    let mut out = Vec::with_capacity(k as usize);
    for _ in 0..k {
        *next_id += 1;
        let day = start + Duration::days(rng.below(1425) as i64);
        let channel = if rng.chance(15) { Channel::RegulatorReferral } else { Channel::ALL[rng.below(8) as usize] };
        let mut c =
            Complaint::new("bench", &format!("B{next_id}"), day.and_hms_opt(9, 0, 0).unwrap_or_default(), channel, "");
        // Older complainants complain about refused claims more often (a pattern to find).
        let cat = if old && rng.chance(40) { "claim_refusal" } else { CATEGORIES[rng.below(8) as usize] };
        c.category = Some(cat.into());
        c.product_line = Some(PRODUCTS[rng.below(6) as usize].into());
        c.complainant.resident_id = id.clone();
        c.complainant.birth_date = id.is_none().then_some(birth).filter(|_| rng.chance(50));
        c.complainant.gender = Some(if rng.chance(50) { Gender::Male } else { Gender::Female });
        c.policy = Some(Policy {
            number: Some(format!("P{}", rng.below(3))),
            start_date: Some(day - Duration::days(rng.below(2000) as i64)),
            premiums_paid: Some(Money::cny_yuan(premiums)),
            cash_value: Some(Money::cny_yuan(cash)),
            agent_departed: Some(rng.chance(20)),
            ..Default::default()
        });
        if cat.starts_with("claim_") {
            c.claim = Some(Claim {
                amount_claimed: Some(Money::cny_yuan(5_000 + rng.below(100_000) as i64)),
                decision: Some(ClaimDecision::Refused),
                ..Default::default()
            });
        }
        if rng.chance(40) {
            c.demands.push(Demand { kind: DemandKind::FullRefund, amount: Some(Money::cny_yuan(premiums)) });
        }
        if rng.chance(5) {
            c.third_party = Some(ThirdParty { relationship: Some("代理机构".into()), ..Default::default() });
        }
        let analysis = rng.chance(80).then(|| AnalysisFacts {
            emotions: (0..rng.below(3))
                .map(|_| EmotionScore {
                    emotion: Emotion::ALL[rng.below(5) as usize],
                    intensity: rng.below(100) as f32 / 100.0,
                })
                .collect(),
            threats: if rng.chance(20) { vec![Threat::Regulator] } else { vec![] },
            markers: if rng.chance(5) { vec![Marker::Scripted, Marker::LegalBoilerplate] } else { vec![] },
            vulnerability: if rng.chance(3) { vec![Vulnerability::Illness] } else { vec![] },
            ..Default::default()
        });
        let handling = HandlingFacts {
            state: if rng.chance(90) { "closed".into() } else { "investigating".into() },
            answers_rejected: if rng.chance(10) { 1 + rng.below(2) as u32 } else { 0 },
            escalated_to_regulator: rng.chance(3),
            withdrawn: rng.chance(5),
            concessions: if rng.chance(5) { vec![Money::cny_yuan(500)] } else { vec![] },
        };
        out.push(Item { id: next_id.to_string(), complaint: c, analysis, handling });
    }
    out
}

fn items_of(items: &[Item]) -> Vec<ProfileItem<'_>> {
    items
        .iter()
        .map(|i| ProfileItem {
            id: &i.id,
            complaint: &i.complaint,
            analysis: i.analysis.as_ref(),
            handling: Some(&i.handling),
        })
        .collect()
}

use chrono::Datelike;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let cfg = ProfileConfig::builtin()?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("date")?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let t = Instant::now();
    let mut persons: Vec<Vec<Item>> = Vec::new();
    let mut next_id = 0u64;
    let mut total = 0usize;
    while total < target {
        let p = person_items(&mut rng, &mut next_id);
        total += p.len();
        persons.push(p);
    }
    println!("generated {total} complaints of {} persons in {:.2} s", persons.len(), t.elapsed().as_secs_f64());

    // Build every profile; keep what the population analysis needs.
    struct Facts {
        band: Option<usize>,
        gender: Option<Gender>,
        province: Option<String>,
        motive: MotiveCode,
    }
    let mut facts: Vec<Facts> = Vec::with_capacity(persons.len());
    let mut per_person: Vec<(f64, usize)> = Vec::with_capacity(persons.len());
    let mut tags = 0usize;
    let t = Instant::now();
    for (n, items) in persons.iter().enumerate() {
        let t1 = Instant::now();
        let view = items_of(items);
        let ctx = ProfileContext { today, shared_contact_links: (n % 50 == 0) as u32 };
        let p = build_profile(&n.to_string(), &view, &ctx, &cfg);
        per_person.push((t1.elapsed().as_secs_f64() * 1e6, items.len()));
        tags += p.tags.len();
        facts.push(Facts {
            band: p.basic.age_band.as_deref().and_then(|b| cfg.age_band_index(b)),
            gender: p.basic.gender,
            province: p.basic.province.map(|p| p.code),
            motive: p.motive.primary,
        });
    }
    let build = t.elapsed().as_secs_f64();
    let mut us: Vec<f64> = per_person.iter().map(|x| x.0).collect();
    us.sort_by(f64::total_cmp);
    let pct = |q: f64| us[((us.len() as f64 - 1.0) * q) as usize];
    println!(
        "build_profile: {} persons, {total} complaints in {build:.2} s ({:.2} µs per complaint); per person p50 {:.1} µs, \
         p99 {:.1} µs, max {:.1} µs; {tags} tags",
        persons.len(),
        build * 1e6 / total as f64,
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    let biggest = per_person.iter().max_by_key(|x| x.1).copied().unwrap_or_default();
    println!("largest person: {} complaints, {:.1} µs", biggest.1, biggest.0);

    // Incremental update: one person with 40 complaints gets one more.
    let mut big: Vec<Item> = Vec::new();
    while big.len() < 40 {
        big.extend(person_items(&mut rng, &mut next_id));
    }
    big.truncate(40);
    let t = Instant::now();
    let runs = 1000;
    for _ in 0..runs {
        let view = items_of(&big);
        std::hint::black_box(build_profile("big", &view, &ProfileContext { today, shared_contact_links: 0 }, &cfg));
    }
    let per = t.elapsed().as_secs_f64() * 1e6 / runs as f64;
    let p = build_profile("big", &items_of(&big), &ProfileContext { today, shared_contact_links: 0 }, &cfg);
    let json = serde_json::to_string(&p)?;
    println!("update: rebuild one person of 40 complaints: {per:.1} µs; its profile JSON {} bytes", json.len());

    // Population over every complaint.
    let bands: Vec<&str> = cfg.age_bands.iter().map(|b| b.code.as_str()).collect();
    let mut rows: Vec<PopulationRow> = Vec::with_capacity(total);
    for (items, f) in persons.iter().zip(&facts) {
        for i in items {
            rows.push(PopulationRow {
                category: i.complaint.category.as_deref(),
                product_line: i.complaint.product_line.as_deref(),
                age_band: f.band.map(|b| bands[b]),
                gender: f.gender,
                region: f.province.as_deref(),
                channel: i.complaint.channel,
                motive: Some(f.motive),
            });
        }
    }
    let t = Instant::now();
    let pop = population(&rows, &cfg);
    let pt = t.elapsed().as_secs_f64();
    let cells: usize = pop
        .fields
        .iter()
        .map(|f| f.by_category.iter().chain(&f.by_product_line).map(|g| g.cells.len()).sum::<usize>())
        .sum();
    println!("population: {} rows in {:.3} s; {cells} cells, {} over-represented", pop.total, pt, pop.highlights.len());
    for h in pop.highlights.iter().take(5) {
        println!(
            "  {} = {} in {} {}: {} ({:.1} % vs {:.1} %), lift {:.2}, z {:.1}",
            h.field,
            h.value,
            h.grouping,
            h.group,
            h.count,
            h.share * 100.0,
            h.overall_share * 100.0,
            h.lift,
            h.z
        );
    }
    Ok(())
}
