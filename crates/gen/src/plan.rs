//! The planted structure: black-industry rings, product surges and group complaints. Small
//! tables computed up front; their rows are spread over the file by a keyed permutation.

use crate::case::{Agent, agent, pick_product};
use crate::data::{self, ProdKind, Product};
use crate::person::{SPECIAL_BASE, office_address};
use crate::rng::{Perm, Rng, hash};
use crate::scenario::Scenario;
use chrono::{Duration, NaiveDate};

/// Days in the generated period 2025-01-01 ..= 2026-11-20.
pub const SPAN_DAYS: i64 = 689;

pub fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
}

pub fn day(d: i64) -> NaiveDate {
    day0() + Duration::days(d.clamp(0, SPAN_DAYS - 1))
}

/// What ring members share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// A representative (third party) with a power of attorney.
    Rep,
    /// One contact phone given as the complainant's phone.
    Phone,
    /// One e-mail address.
    Email,
    /// One postal address (the agent's office).
    Address,
}

#[derive(Debug, Clone)]
pub struct RingPlan {
    pub idx: usize,
    pub key: u64,
    /// Complaints per member.
    pub members: Vec<u8>,
    /// Cumulative rows after each member.
    pub cum: Vec<u64>,
    pub primary: Share,
    pub secondary: Option<Share>,
    pub rep_pid: u64,
    pub rels: Vec<&'static str>,
    pub email: String,
    pub office: String,
    pub inst: usize,
    pub product: &'static Product,
    pub agent: Agent,
    pub template: usize,
    pub law: usize,
    pub burst_start: i64,
    pub burst_gap: [i64; 3],
    pub sales_start: NaiveDate,
    pub scenario: Scenario,
}

impl RingPlan {
    pub fn member_pid(&self, m: usize) -> u64 {
        SPECIAL_BASE + (self.idx as u64) * 64 + m as u64
    }
}

#[derive(Debug, Clone)]
pub struct SurgePlan {
    pub first: u64,
    pub start: i64,
    pub cause: usize,
    pub scenario: Scenario,
    pub inst: usize,
    pub product: &'static Product,
    pub fact: usize,
}

#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub first: u64,
    pub size: u32,
    pub start: i64,
    pub kind: usize,
    pub inst: usize,
    pub product: &'static Product,
    pub scenario: Scenario,
    pub estate: &'static str,
    pub company: &'static str,
    pub year: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    Ring { r: usize, m: usize, k: u32 },
    Surge { s: usize, i: u64 },
    Group { g: usize, i: u64 },
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub rings: Vec<RingPlan>,
    ring_cum: Vec<u64>,
    pub surges: Vec<SurgePlan>,
    surge_cum: Vec<u64>,
    pub groups: Vec<GroupPlan>,
    group_cum: Vec<u64>,
    pub ring_rows: u64,
    pub surge_rows: u64,
    pub group_rows: u64,
    pub total: u64,
    perm: Perm,
}

/// (surge cause, scenario, product kind, product name, forced fact)
const SURGES: &[(usize, Scenario, ProdKind, &str, usize)] = &[
    (0, Scenario::Delay, ProdKind::Medical, "安心百万医疗保险(2024版)", 1),
    (1, Scenario::Fees, ProdKind::CreditCard, "白金信用卡", 0),
    (2, Scenario::CashValue, ProdKind::Endowment, "福满堂两全保险(分红型)", 0),
    (3, Scenario::Amount, ProdKind::Auto, "家庭自用汽车损失保险", 1),
    (4, Scenario::Service, ProdKind::DebitCard, "借记卡", 3),
    (5, Scenario::Privacy, ProdKind::WholeLife, "鑫享年年增额终身寿险", 0),
    (6, Scenario::MisSelling, ProdKind::WholeLife, "鑫享年年增额终身寿险", 0),
    (7, Scenario::Loan, ProdKind::Loan, "随心借", 4),
];

fn product_by_name(r: &mut Rng, kind: ProdKind, name: &str) -> (usize, &'static Product) {
    for _ in 0..200 {
        let (i, p) = pick_product(r, kind);
        if p.name == name {
            return (i, p);
        }
    }
    pick_product(r, kind)
}

impl Plan {
    pub fn new(seed: u64, count: u64) -> Plan {
        let mut r = Rng::keyed(&[seed, 50]);
        let mut rings = Vec::new();
        let mut ring_cum = Vec::new();
        let mut ring_rows = 0;
        if count >= 500 {
            let n_rings = (count / 2000 + 1).clamp(1, 500) as usize;
            let max_size = (count / 40).clamp(5, 40) as f64;
            for idx in 0..n_rings {
                let key = hash(&[seed, 51, idx as u64]);
                let mut rr = Rng::new(key);
                let u = rr.unit();
                let size = 5 + ((max_size - 5.0) * u * u).round() as usize;
                let members: Vec<u8> = (0..size).map(|_| [1u8, 1, 1, 1, 1, 2, 2, 2, 3, 3][rr.index(10)]).collect();
                let mut cum = Vec::with_capacity(size);
                let mut t = 0u64;
                for &c in &members {
                    t += c as u64;
                    cum.push(t);
                }
                let primary =
                    rr.pick_w(&[(50, Share::Rep), (20, Share::Phone), (15, Share::Email), (15, Share::Address)]);
                let secondary = if rr.chance(0.3) {
                    let s = rr.pick(&[Share::Phone, Share::Email, Share::Address]);
                    if s != primary { Some(s) } else { None }
                } else {
                    None
                };
                let kind = rr.pick(&[ProdKind::WholeLife, ProdKind::Endowment, ProdKind::Annuity, ProdKind::WholeLife]);
                let (inst, product) = pick_product(&mut rr, kind);
                let template = if primary == Share::Rep {
                    rr.pick_w(&[(30, 0usize), (25, 1), (30, 2), (15, 3)])
                } else {
                    rr.pick_w(&[(40, 0usize), (35, 1), (25, 3)])
                };
                let scenario = if template == 3 { Scenario::CashValue } else { Scenario::MisSelling };
                let mut ag = agent(seed, inst, 5000 + idx as u64);
                ag.departed = true;
                let burst_start = rr.range(30, SPAN_DAYS - 140);
                let burst_gap = [0, rr.range(15, 40), rr.range(15, 40)];
                let sales_start = day(burst_start) - Duration::days(rr.range(400, 1400));
                let region = &data::REGIONS[rr.weighted(data::region_weights())];
                let email = format!(
                    "{}{}@{}",
                    rr.pick(&["bxweiquan", "tuibao", "jinrongfw", "baoxian_wq", "lvshi_zx", "xiaobao"]),
                    100 + idx * 7 + rr.index(5),
                    rr.pick(&["163.com", "126.com", "qq.com", "sina.com"])
                );
                let office = office_address(&mut rr, region);
                let n_rels = rr.range(1, 3) as usize;
                let rels = (0..n_rels)
                    .map(|_| rr.pick(&["朋友", "代理人", "委托代理人", "亲属", "表哥", "维权顾问", "法律顾问", "表姐"]))
                    .collect();
                rings.push(RingPlan {
                    idx,
                    key,
                    members,
                    cum,
                    primary,
                    secondary,
                    rep_pid: SPECIAL_BASE + 50_000 + idx as u64,
                    rels,
                    email,
                    office,
                    inst,
                    product,
                    agent: ag,
                    template,
                    law: rr.index(3),
                    burst_start,
                    burst_gap,
                    sales_start,
                    scenario,
                });
                ring_rows += t;
                ring_cum.push(ring_rows);
            }
        }
        let mut surges = Vec::new();
        let mut surge_cum = Vec::new();
        let mut surge_rows = 0;
        if count >= 1000 {
            let n = (count / 50_000 + 1).clamp(1, 20) as usize;
            let offset = r.index(SURGES.len());
            for idx in 0..n {
                let def = SURGES[(idx + offset) % SURGES.len()];
                let base = count as f64 * 0.012 / n as f64;
                let rows = ((base * (0.7 + 0.6 * r.unit())) as u64).clamp(20, 15_000);
                let (inst, product) = product_by_name(&mut r, def.2, def.3);
                surges.push(SurgePlan {
                    first: surge_rows,
                    start: r.range(0, SPAN_DAYS - 16),
                    cause: def.0,
                    scenario: def.1,
                    inst,
                    product,
                    fact: def.4,
                });
                surge_rows += rows;
                surge_cum.push(surge_rows);
            }
        }
        let mut groups = Vec::new();
        let mut group_cum = Vec::new();
        let mut group_rows = 0;
        if count >= 500 {
            let n = (count / 2500 + 1).clamp(1, 400) as usize;
            for _ in 0..n {
                let kind = r.index(4);
                let rows = [1u64, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5][r.index(11)];
                let u = r.unit();
                let size = 5 + (195.0 * u.powf(2.2)) as u32;
                let (scenario, (inst, product)) = match kind {
                    0 => (Scenario::Loan, product_by_name(&mut r, ProdKind::Mortgage, "个人住房按揭贷款")),
                    1 => (Scenario::MisSelling, pick_product(&mut r, ProdKind::WholeLife)),
                    2 => (Scenario::Delay, product_by_name(&mut r, ProdKind::Medical, "惠享住院医疗保险")),
                    _ => (Scenario::MisSelling, pick_product(&mut r, ProdKind::Endowment)),
                };
                groups.push(GroupPlan {
                    first: group_rows,
                    size,
                    start: r.range(0, SPAN_DAYS - 8),
                    kind,
                    inst,
                    product,
                    scenario,
                    estate: r.pick(data::ESTATES),
                    company: r.pick(data::COMPANIES),
                    year: r.range(2016, 2022) as i32,
                });
                group_rows += rows;
                group_cum.push(group_rows);
            }
        }
        let total = ring_rows + surge_rows + group_rows;
        Plan {
            rings,
            ring_cum,
            surges,
            surge_cum,
            groups,
            group_cum,
            ring_rows,
            surge_rows,
            group_rows,
            total,
            perm: Perm::new(total.max(1), hash(&[seed, 52])),
        }
    }

    /// Persons in planted rows (each ring member, surge row and group row is one person).
    pub fn persons(&self) -> u64 {
        self.rings.iter().map(|r| r.members.len() as u64).sum::<u64>() + self.surge_rows + self.group_rows
    }

    /// The `j`-th planted row in file order.
    pub fn item(&self, j: u64) -> Item {
        let x = self.perm.apply(j);
        if x < self.ring_rows {
            let r = self.ring_cum.partition_point(|&c| c <= x);
            let before = if r == 0 { 0 } else { self.ring_cum[r - 1] };
            let within = x - before;
            let ring = &self.rings[r];
            let m = ring.cum.partition_point(|&c| c <= within);
            let mb = if m == 0 { 0 } else { ring.cum[m - 1] };
            return Item::Ring { r, m, k: (within - mb) as u32 };
        }
        let x = x - self.ring_rows;
        if x < self.surge_rows {
            let s = self.surge_cum.partition_point(|&c| c <= x);
            return Item::Surge { s, i: x - self.surges[s].first };
        }
        let x = x - self.surge_rows;
        let g = self.group_cum.partition_point(|&c| c <= x).min(self.groups.len().saturating_sub(1));
        Item::Group { g, i: x - self.groups[g].first }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_cover_everything_once() {
        let p = Plan::new(5, 20_000);
        assert!(!p.rings.is_empty() && !p.surges.is_empty() && !p.groups.is_empty());
        let mut seen = std::collections::HashSet::new();
        for j in 0..p.total {
            assert!(seen.insert(p.item(j)));
        }
        assert!(p.total < 20_000 / 10);
    }
}
