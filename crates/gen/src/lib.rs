//! tousu-gen: a deterministic generator of synthetic complaints in the tousu import format,
//! with a ground-truth file, for tests, demos and benchmarks.
//!
//! [`generate`] writes `count` rows (CSV, UTF-8 without BOM, the Chinese headers of
//! [`tousu_core::columns::COLUMNS`] in order, RFC 4180 quoting, CRLF record ends) and a truth
//! CSV `external_ref,person_id,ring_id,surge_id,group_id,scenario`. The same seed and count
//! always give byte-identical files; rows are streamed, memory stays constant (a few small
//! tables for the planted rings, surges and groups).
//!
//! # What is generated
//!
//! **Background complaints** (about 97 % of rows), per scenario (share of background rows):
//!
//! | scenario (truth code) | share | notes |
//! |---|---|---|
//! | `claim_refusal_non_disclosure` | 6 % | 未如实告知; some policies older than two years (Art. 16 incontestability) |
//! | `claim_refusal_exclusion` | 4 % | 责任免除 (drunk driving, high-risk sports, cosmetic surgery, ride-hailing …) |
//! | `claim_refusal_waiting_period` | 3 % | 90/180-day waiting periods; 75 % diagnosed inside |
//! | `claim_refusal_pre_existing` | 3 % | 既往症 |
//! | `claim_refusal_not_covered` | 3 % | outpatient, self-paid drugs, CI definition not met … |
//! | `claim_refusal_documents` | 3 % | 材料不全 |
//! | `claim_delay` | 6 % | decision 处理中/审核中/未决, 35-150 days after the claim |
//! | `claim_amount_dispute` | 5 % | 部分赔付, paid 20-80 % of the claim |
//! | `surrender_cooling_off` | 3 % | half inside the 15-day 犹豫期 (3-14 days after the start), half outside (16-40 days) |
//! | `surrender_cash_value` | 8 % | policy years 1-6; cash value 6-25 % of premiums paid in year 1 rising to 70-90 % |
//! | `mis_selling` | 9 % | bank-branch "deposit" sales, agents promising returns, elderly buyers |
//! | `service_attitude` | 10 % | hotline, counter, nuisance calls, app |
//! | `fees_charges` | 7 % | annual fees, instalment APR, account fees, prepayment penalties, surrender fees |
//! | `card` | 10 % | fraud, limit cuts, frozen accounts, credit records, duplicate charges |
//! | `loan` | 8 % | tied sales, mortgage rates, approvals, credit records, early recall |
//! | `debt_collection` | 6 % | calls to relatives, threats, impersonation |
//! | `data_privacy` | 3 % | leaks, credit checks without consent, app permissions |
//! | `other` | 3 % | policy changes, reissue, points, transfers, certificates |
//!
//! Refusals carry `claim_decision` 拒赔/拒付/拒绝赔付, a `refusal_ground` and a claim amount;
//! insurance rows carry policy start, premiums paid, cash value, sum insured, sales channel and
//! the selling agent (2,500 agents per insurer, 30 % of them departed).
//!
//! **People.** About 88 % of background people complain once; 12 % file 2-6 complaints
//! (2: 45 %, 3: 25 %, 4: 15 %, 5: 10 %, 6: 5 %), spread 3-40 days apart, usually about the
//! same matter, escalating towards 12378 and letters. Their phone numbers rotate through the
//! formats `13800138000`, `138 0013 8000`, `138-0013-8000`, `+86 138 0013 8000`,
//! `0086 13800138000`, `+86-13800138000`, `+8613800138000` (consecutive complaints always
//! differ); an ID ending in X is sometimes written with a lower-case x; up to 14 % of their
//! later complaints spell the name with a homophone typo, traditional characters or a space.
//! About 2 % of background people share a phone and address with the previous person (family
//! members: different names and ID numbers, different persons in the truth). Resident ID
//! numbers are valid (real region codes, birth date, gender digit, check character) and unique;
//! mobile numbers are unique except within families. Ages 18-90 (about 15 % are 65 or older).
//!
//! **Texts** (mostly 50-1,500 characters): hotline notes (来电人…称), counter and petition
//! notes, 12378 referrals, online messages, e-mails, media-monitoring notes and formal
//! multi-paragraph letters; angry or polite; 12 % of first-person texts carry a typo (理陪,
//! 以经 …); escalation threats (12378, 媒体曝光, 起诉) in about a quarter, negated ones ("我不想
//! 闹到监管") in about 5 %; vulnerability cues (七十多岁老人, illness, 低保) for most elderly
//! complainants and 6 % of the others. Amounts appear as `35000元`, `3.5万`, `三万五千元`,
//! `¥35,000`, `叁万伍仟元整`, `35,000.00`, `人民币35000元`, `三万五`.
//!
//! **Black-industry rings** (`ring_id`, 1 per 2,000 rows + 1, at most 500; none below 500
//! rows): 5-40 members (skewed small; at most count/40) with different names, IDs and cities,
//! each filing 1-3 complaints in bursts a few days long, 15-40 days apart, 82 % through 12378.
//! Members share a representative (50 % of rings: third party name/phone, relationship 朋友/
//! 代理人/亲属…, 授权委托书 是), or one contact phone (20 %), e-mail (15 %) or office address
//! (15 %), given by at least the first two members and 85 % of the others; about a quarter of
//! the rings share a second identifier too (half of the members). All use one of four template
//! letters (mis-selling, 12378 style, written by the representative, surrender) paraphrased per
//! member (synonyms, sentence order, amount notation), citing 《保险法》第十六条/第十七条 and consumer-protection rules, alleging
//! 销售误导/虚假宣传, demanding 全额退保 with the amount; one departed selling agent per ring;
//! policies sold within nine months of each other.
//!
//! **Product surges** (`surge_id`, 1 per 50,000 rows + 1, at most 20; none below 1,000 rows):
//! about 1.2 % of rows in total; one product and one cause (claims system change, annual-fee
//! change, dividend cut, flood, app outage, data leak, bank-branch sales, loan recall), all
//! received within 14 days (triangular profile), from different people.
//!
//! **Group complaints** (`group_id`, 1 per 2,500 rows + 1, at most 400; none below 500 rows):
//! `group_size` 5-200 (skewed small), tag 群体投诉, 1-5 representatives filing within 5 days
//! (stalled housing project mortgages, elderly bancassurance buyers, company group medical
//! claims, participating policies below illustration).
//!
//! **Truth** `person_id`s: `P00001234` (background), `R003-12` (ring 3, member 12), `S02-00017`
//! (surge row), `G004-2` (group representative). A family member is a person of their own.
//!
//! Institutions and products are fictional. Received dates fall in 2025-01-01 ..= 2026-11-20.
//! Identifiers stay unique up to 13 million background persons (beyond that, person numbers
//! wrap and the same people complain again).

mod build;
mod case;
mod data;
mod fmt;
mod library;
mod person;
mod plan;
mod rng;
mod scenario;
mod texts;
mod tmpl;

use build::{Gen, Row, Truth};
use rng::Rng;
use std::fmt::Write as _;
use std::io::{self, Write};
use tousu_core::columns::COLUMNS;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenConfig {
    /// Number of complaint rows.
    pub count: u64,
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenStats {
    pub rows: u64,
    /// Distinct persons (truth `person_id`s).
    pub persons: u64,
    pub rings: u64,
    pub ring_rows: u64,
    pub surge_rows: u64,
    pub group_rows: u64,
}

/// The truth file's header.
pub const TRUTH_HEADER: [&str; 6] = ["external_ref", "person_id", "ring_id", "surge_id", "group_id", "scenario"];

/// Every scenario code the generator uses (the truth file's `scenario` column).
pub fn scenario_codes() -> Vec<&'static str> {
    scenario::Scenario::ALL.iter().map(|s| s.code()).collect()
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// Repeat complainants waiting for their next complaint.
struct Pending {
    pid: u64,
    next: u32,
    total: u32,
}

/// Writes `count` complaint rows in the tousu import format (CSV, UTF-8, no BOM, one header
/// row using the Chinese headers `c.zh` of every column in [`COLUMNS`], in that order; RFC 4180
/// quoting) to `out`, and the ground truth to `truth`.
pub fn generate<W: Write, T: Write>(cfg: &GenConfig, out: W, truth: T) -> io::Result<GenStats> {
    let seed = cfg.seed;
    let mut g = Gen::new(seed, cfg.count);
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).buffer_capacity(1 << 16).from_writer(out);
    let mut tw = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(truth);
    w.write_record(COLUMNS.iter().map(|c| c.zh)).map_err(csv_err)?;
    tw.write_record(TRUTH_HEADER).map_err(csv_err)?;

    let fields: Vec<Option<usize>> = COLUMNS.iter().map(|c| Row::index_of(c.key)).collect();
    let mut sched = Rng::keyed(&[seed, 1]);
    let mut planted_left = g.plan.total.min(cfg.count);
    let mut planted_done = 0u64;
    let mut pool: Vec<Pending> = Vec::new();
    let mut next_pid = 0u64;
    let mut row = Row::default();
    let mut t = Truth::default();
    let mut stats =
        GenStats { rows: 0, persons: 0, rings: g.plan.rings.len() as u64, ring_rows: 0, surge_rows: 0, group_rows: 0 };
    const POOL_DAMPING: u64 = 300;
    const POOL_MAX: usize = 4096;
    let background_cap = person::SPECIAL_BASE;
    for n in 0..cfg.count {
        row.clear();
        t.clear();
        let mut rr = Rng::keyed(&[seed, 2, n]);
        let left = cfg.count - n;
        if planted_left > 0 && sched.below(left) < planted_left {
            let item = g.plan.item(planted_done);
            planted_done += 1;
            planted_left -= 1;
            g.planted(item, &mut rr, &mut row, &mut t);
            match item {
                plan::Item::Ring { .. } => stats.ring_rows += 1,
                plan::Item::Surge { .. } => stats.surge_rows += 1,
                plan::Item::Group { .. } => stats.group_rows += 1,
            }
        } else {
            // Next complaint of a waiting repeat complainant, or a new person.
            let take = !pool.is_empty() && sched.below(pool.len() as u64 + POOL_DAMPING) >= POOL_DAMPING;
            let (pid, k, total) = if take || pool.len() >= POOL_MAX {
                let i = sched.index(pool.len());
                let p = &mut pool[i];
                let v = (p.pid, p.next, p.total);
                p.next += 1;
                if p.next >= p.total {
                    pool.swap_remove(i);
                }
                v
            } else {
                let pid = next_pid % background_cap;
                next_pid += 1;
                let total = if sched.chance(0.12) {
                    [2u32, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6][sched.index(20)]
                } else {
                    1
                };
                if total > 1 {
                    pool.push(Pending { pid, next: 1, total });
                }
                (pid, 0, total)
            };
            g.background(pid, k, total, &mut rr, &mut row, &mut t);
        }
        row.external_ref.clear();
        let _ = write!(row.external_ref, "GEN-{seed}-{n:08}");
        let cells = row.cells();
        w.write_record(fields.iter().map(|&i| i.map_or("", |i| cells[i]))).map_err(csv_err)?;
        tw.write_record([
            row.external_ref.as_str(),
            t.person_id.as_str(),
            t.ring_id.as_str(),
            t.surge_id.as_str(),
            t.group_id.as_str(),
            t.scenario,
        ])
        .map_err(csv_err)?;
        stats.rows += 1;
    }
    w.flush()?;
    tw.flush()?;
    stats.persons = next_pid.min(background_cap) + g.plan.persons();
    Ok(stats)
}
