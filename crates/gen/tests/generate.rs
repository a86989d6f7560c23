//! End-to-end checks of the generated files against the core parsers and the truth.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use tousu_core::columns::{COLUMNS, parse_bool};
use tousu_core::ident::{normalize_phone, parse_resident_id};
use tousu_core::money::parse_money;
use tousu_core::parse::{DateOrder, parse_date, parse_datetime};
use tousu_core::{Channel, ClaimDecision, Currency, DemandKind, Gender};
use tousu_gen::{GenConfig, GenStats, TRUTH_HEADER, generate, scenario_codes};

fn gen_bytes(count: u64, seed: u64) -> (Vec<u8>, Vec<u8>, GenStats) {
    let mut out = Vec::new();
    let mut truth = Vec::new();
    let stats = generate(&GenConfig { count, seed }, &mut out, &mut truth).unwrap();
    (out, truth, stats)
}

struct Data {
    header: Vec<String>,
    rows: Vec<HashMap<&'static str, String>>,
    truth: Vec<HashMap<String, String>>,
    stats: GenStats,
}

fn load(count: u64, seed: u64) -> Data {
    let (out, truth, stats) = gen_bytes(count, seed);
    let mut rd = csv::ReaderBuilder::new().from_reader(out.as_slice());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let rows = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            COLUMNS.iter().zip(r.iter()).map(|(c, v)| (c.key, v.to_string())).collect()
        })
        .collect();
    let mut tr = csv::ReaderBuilder::new().from_reader(truth.as_slice());
    let th: Vec<String> = tr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(th, TRUTH_HEADER);
    let truth = tr.records().map(|r| th.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect();
    Data { header, rows, truth, stats }
}

fn sample() -> &'static Data {
    static D: std::sync::OnceLock<Data> = std::sync::OnceLock::new();
    D.get_or_init(|| load(5000, 7))
}

#[test]
fn deterministic() {
    let a = gen_bytes(1500, 1);
    let b = gen_bytes(1500, 1);
    assert!(a.0 == b.0, "same seed, different output");
    assert!(a.1 == b.1, "same seed, different truth");
    let c = gen_bytes(1500, 2);
    assert!(a.0 != c.0, "different seeds, same output");
    assert!(!a.0.starts_with(&[0xEF, 0xBB, 0xBF]), "no BOM");
}

#[test]
fn small_counts() {
    for n in [0u64, 1, 2, 10, 499, 501] {
        let (out, truth, stats) = gen_bytes(n, 3);
        assert_eq!(stats.rows, n);
        let lines = csv::ReaderBuilder::new().from_reader(out.as_slice()).records().count() as u64;
        assert_eq!(lines, n);
        let tl = csv::ReaderBuilder::new().from_reader(truth.as_slice()).records().count() as u64;
        assert_eq!(tl, n);
    }
}

#[test]
fn header_is_the_catalogue() {
    let d = sample();
    let want: Vec<String> = COLUMNS.iter().map(|c| c.zh.to_string()).collect();
    assert_eq!(d.header, want);
    assert_eq!(d.rows.len(), 5000);
}

#[test]
fn every_cell_parses() {
    let d = sample();
    let lo = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let hi = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut refs = HashSet::new();
    let mut text_ok = 0;
    let mut received_forms = HashSet::new();
    for r in &d.rows {
        let g = |k: &str| r[k].as_str();
        assert!(refs.insert(g("external_ref").to_string()), "duplicate external_ref");
        let t = parse_datetime(g("received_at"), DateOrder::Auto).unwrap_or_else(|e| panic!("{e}"));
        assert!(t.date() >= lo && t.date() <= hi, "{t}");
        received_forms
            .insert(g("received_at").chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect::<String>());
        if !g("channel").is_empty() {
            assert!(Channel::parse(g("channel")).is_some(), "channel {}", g("channel"));
        }
        for k in ["premiums_paid", "cash_value", "sum_insured", "claim_amount"] {
            if !g(k).is_empty() {
                let m = parse_money(g(k), Currency::Cny).unwrap_or_else(|e| panic!("{k}: {e}"));
                assert!(m.minor > 0, "{k} {}", g(k));
            }
        }
        for k in ["birth_date", "policy_start_date", "claim_decision_date"] {
            if !g(k).is_empty() {
                parse_date(g(k), DateOrder::Auto).unwrap_or_else(|e| panic!("{k}: {e}"));
            }
        }
        for k in ["power_of_attorney", "agent_departed"] {
            if !g(k).is_empty() {
                assert!(parse_bool(g(k)).is_some(), "{k} {}", g(k));
            }
        }
        if !g("claim_decision").is_empty() {
            assert!(ClaimDecision::parse(g("claim_decision")).is_some(), "{}", g("claim_decision"));
        }
        if !g("demands").is_empty() {
            for part in g("demands").split(['；', ';']) {
                let (kind, amount) = match part.split_once(':') {
                    Some((k, a)) => (k, Some(a)),
                    None => (part, None),
                };
                assert!(DemandKind::parse(kind).is_some(), "demand kind {kind}");
                if let Some(a) = amount {
                    parse_money(a, Currency::Cny).unwrap_or_else(|e| panic!("demand amount {a}: {e}"));
                }
            }
        }
        if !g("group_size").is_empty() {
            let n: u32 = g("group_size").parse().unwrap();
            assert!(n >= 1);
        }
        let gender = if g("gender").is_empty() { None } else { Some(Gender::parse(g("gender")).expect("gender")) };
        if !g("resident_id").is_empty() {
            let info = parse_resident_id(g("resident_id")).unwrap_or_else(|e| panic!("{}: {e}", g("resident_id")));
            if let Some(gd) = gender {
                assert_eq!(gd, info.gender);
            }
            if !g("birth_date").is_empty() {
                assert_eq!(parse_date(g("birth_date"), DateOrder::Auto).unwrap(), info.birth_date);
            }
        }
        for k in ["phone", "third_party_phone"] {
            if !g(k).is_empty() {
                let p = normalize_phone(g(k));
                assert!(
                    p.len() == 11 && p.starts_with('1') && (b'3'..=b'9').contains(&p.as_bytes()[1]),
                    "{k} {}",
                    g(k)
                );
            }
        }
        assert!(!g("complainant_name").is_empty());
        let n = g("text").chars().count();
        assert!((20..=4000).contains(&n), "text of {n} characters: {}", g("text"));
        if (50..=1500).contains(&n) {
            text_ok += 1;
        }
    }
    assert!(text_ok * 100 >= d.rows.len() * 90, "only {text_ok} texts of 50-1500 characters");
    assert!(received_forms.len() >= 6, "{received_forms:?}");
}

#[test]
fn texts_are_varied() {
    let d = sample();
    let texts: Vec<&str> = d.rows.iter().map(|r| r["text"].as_str()).collect();
    let count = |pat: &str| texts.iter().filter(|t| t.contains(pat)).count();
    for pat in [
        "来电人",
        "12378",
        "起诉",
        "曝光",
        "不想",
        "七十多岁",
        "《保险法》第十七条",
        "第十六条",
        "万元",
        "¥",
        "元整",
        "尊敬的",
        "此致",
    ] {
        assert!(count(pat) > 0, "no text contains {pat}");
    }
    let distinct: HashSet<&&str> = texts.iter().collect();
    assert!(distinct.len() > 4990);
    let long = texts.iter().filter(|t| t.chars().count() > 500).count();
    let short = texts.iter().filter(|t| t.chars().count() < 200).count();
    assert!(long > 100 && short > 1000, "long {long} short {short}");
}

#[test]
fn truth_matches_rows() {
    let d = sample();
    assert_eq!(d.truth.len(), d.rows.len());
    for (r, t) in d.rows.iter().zip(&d.truth) {
        assert_eq!(r["external_ref"], t["external_ref"]);
        assert!(!t["person_id"].is_empty());
    }
    let codes: BTreeSet<&str> = d.truth.iter().map(|t| t["scenario"].as_str()).collect();
    for c in scenario_codes() {
        assert!(codes.contains(c), "scenario {c} missing");
    }
    assert_eq!(codes.len(), scenario_codes().len());
    let persons: HashSet<&str> = d.truth.iter().map(|t| t["person_id"].as_str()).collect();
    assert_eq!(d.stats.persons, persons.len() as u64);
    let nonempty = |k: &str| d.truth.iter().filter(|t| !t[k].is_empty()).count() as u64;
    assert_eq!(nonempty("ring_id"), d.stats.ring_rows);
    assert_eq!(nonempty("surge_id"), d.stats.surge_rows);
    assert_eq!(nonempty("group_id"), d.stats.group_rows);
    assert!(
        d.stats.rings >= 2 && d.stats.ring_rows > 0 && d.stats.surge_rows > 0 && d.stats.group_rows > 0,
        "{:?}",
        d.stats
    );
    // A person has one identity: one ID number (normalised) across their complaints.
    let mut ids: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (r, t) in d.rows.iter().zip(&d.truth) {
        if !r["resident_id"].is_empty() {
            ids.entry(t["person_id"].as_str())
                .or_default()
                .insert(parse_resident_id(&r["resident_id"]).unwrap().number);
        }
    }
    let mut owner: HashMap<String, &str> = HashMap::new();
    for (p, set) in &ids {
        assert_eq!(set.len(), 1, "{p} has several ID numbers");
        let id = set.iter().next().unwrap().clone();
        if let Some(o) = owner.insert(id.clone(), p) {
            panic!("{id} belongs to {o} and {p}");
        }
    }
}

#[test]
fn rings_share_a_contact_or_representative() {
    let d = sample();
    let mut rings: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in d.truth.iter().enumerate() {
        if !t["ring_id"].is_empty() {
            rings.entry(t["ring_id"].as_str()).or_default().push(i);
        }
    }
    assert!(rings.len() >= 2);
    for (ring, idx) in &rings {
        let names: HashSet<String> = idx.iter().map(|&i| d.rows[i]["complainant_name"].replace(' ', "")).collect();
        let persons: HashSet<&str> = idx.iter().map(|&i| d.truth[i]["person_id"].as_str()).collect();
        assert!(names.len() >= 2, "{ring}: one name");
        assert!(persons.len() >= 5, "{ring}: {} members", persons.len());
        // The most shared identifier is shared by at least half the members.
        let mut by_value: HashMap<(&str, String), HashSet<&str>> = HashMap::new();
        for &i in idx {
            let r = &d.rows[i];
            let p = d.truth[i]["person_id"].as_str();
            for (k, v) in [
                ("phone", normalize_phone(&r["phone"])),
                ("tp", normalize_phone(&r["third_party_phone"])),
                ("email", r["email"].clone()),
                ("address", r["address"].clone()),
            ] {
                if !v.is_empty() {
                    by_value.entry((k, v)).or_default().insert(p);
                }
            }
        }
        let best = by_value.values().map(|s| s.len()).max().unwrap_or(0);
        assert!(
            best * 2 >= persons.len() && best >= 2,
            "{ring}: best shared identifier covers {best} of {}",
            persons.len()
        );
        let departed = idx.iter().filter(|&&i| d.rows[i]["agent_departed"] == "是").count();
        assert_eq!(departed, idx.len());
        let full_refund = idx
            .iter()
            .filter(|&&i| d.rows[i]["demands"].contains("全额") || d.rows[i]["demands"].contains("退还全部"))
            .count();
        assert_eq!(full_refund, idx.len());
    }
}

#[test]
fn surges_and_groups() {
    let d = sample();
    let mut surges: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in d.truth.iter().enumerate() {
        if !t["surge_id"].is_empty() {
            surges.entry(t["surge_id"].as_str()).or_default().push(i);
        }
        if !t["group_id"].is_empty() {
            groups.entry(t["group_id"].as_str()).or_default().push(i);
        }
    }
    assert!(!surges.is_empty() && !groups.is_empty());
    for idx in surges.values() {
        assert!(idx.len() >= 20);
        let products: HashSet<&str> = idx.iter().map(|&i| d.rows[i]["product_line"].as_str()).collect();
        assert_eq!(products.len(), 1);
        let days: Vec<chrono::NaiveDate> =
            idx.iter().map(|&i| parse_datetime(&d.rows[i]["received_at"], DateOrder::Auto).unwrap().date()).collect();
        let span = (*days.iter().max().unwrap() - *days.iter().min().unwrap()).num_days();
        assert!(span <= 15, "surge over {span} days");
    }
    for idx in groups.values() {
        for &i in idx {
            let n: u32 = d.rows[i]["group_size"].parse().unwrap();
            assert!((5..=210).contains(&n));
            assert!(d.rows[i]["tags"].contains("群体投诉"));
        }
    }
}

#[test]
fn repeat_persons_vary_their_phone_format() {
    let d = sample();
    let mut phones: HashMap<&str, Vec<&str>> = HashMap::new();
    for (r, t) in d.rows.iter().zip(&d.truth) {
        if t["person_id"].starts_with('P') && !r["phone"].is_empty() {
            phones.entry(t["person_id"].as_str()).or_default().push(r["phone"].as_str());
        }
    }
    let repeats: Vec<&Vec<&str>> = phones.values().filter(|v| v.len() >= 2).collect();
    assert!(repeats.len() >= 50, "only {} repeat persons", repeats.len());
    for v in &repeats {
        let raw: HashSet<&&str> = v.iter().collect();
        let norm: HashSet<String> = v.iter().map(|p| normalize_phone(p)).collect();
        assert!(raw.len() >= 2, "one format only: {v:?}");
        assert_eq!(norm.len(), 1, "{v:?}");
    }
    // Family members: different persons, one phone.
    let mut owners: HashMap<String, HashSet<&str>> = HashMap::new();
    for (r, t) in d.rows.iter().zip(&d.truth) {
        if t["person_id"].starts_with('P') && !r["phone"].is_empty() {
            owners.entry(normalize_phone(&r["phone"])).or_default().insert(t["person_id"].as_str());
        }
    }
    let shared = owners.values().filter(|s| s.len() >= 2).count();
    let persons = owners.values().map(|s| s.len()).sum::<usize>();
    assert!(shared > 0 && shared * 100 <= persons * 4, "{shared} shared phones among {persons} persons");
}
