//! The facts of one complaint matter (a policy, a claim, a card, a loan), shared by every
//! complaint a person files about it.

use crate::data::{self, INSTITUTIONS, InstKind, ProdKind, Product};
use crate::person::Person;
use crate::rng::Rng;
use crate::scenario::Scenario;
use chrono::{Duration, NaiveDate};
use tousu_core::DemandKind;

#[derive(Debug, Clone)]
pub struct Agent {
    pub name: String,
    pub code: String,
    pub departed: bool,
}

/// Selling agent number `idx` of institution `inst`; a pure function of the seed.
pub fn agent(seed: u64, inst: usize, idx: u64) -> Agent {
    let mut r = Rng::keyed(&[seed, 40, inst as u64, idx]);
    let sur = data::SURNAMES[r.weighted(data::surname_weights())].0;
    let tab = if r.chance(0.5) { data::MALE_GIVEN } else { data::FEMALE_GIVEN };
    let mut name = sur.to_string();
    for _ in 0..r.range(1, 2) {
        name.push_str(r.pick(tab).0);
    }
    Agent {
        name,
        code: format!("{}{:05}", INSTITUTIONS[inst].policy_prefix.chars().next().unwrap_or('A'), 10_000 + idx),
        departed: r.chance(0.3),
    }
}

pub const AGENTS_PER_INST: u64 = 2500;

/// Overrides for planted complaints.
#[derive(Debug, Clone, Copy, Default)]
pub struct Force {
    pub inst: Option<usize>,
    pub product: Option<&'static Product>,
    pub cooling_inside: Option<bool>,
    /// Policy start date.
    pub start: Option<NaiveDate>,
    pub fact: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub scen: Scenario,
    pub cooling_inside: bool,
    pub inst: usize,
    pub product: &'static Product,
    pub product_name: String,
    pub policy_no: String,
    pub start: Option<NaiveDate>,
    pub premium: i64,
    pub paid: i64,
    pub cash: i64,
    pub sum: i64,
    pub sales_channel: &'static str,
    pub agent: Option<Agent>,
    pub claim: i64,
    pub got: i64,
    pub decision: &'static str,
    pub ground_cell: String,
    pub ground_text: String,
    pub decision_date: Option<NaiveDate>,
    pub event_date: Option<NaiveDate>,
    pub disease: &'static str,
    pub history: &'static str,
    pub event: &'static str,
    pub reduce: &'static str,
    pub fee: i64,
    pub amount: i64,
    pub loan_amt: i64,
    pub limit: i64,
    pub limit2: i64,
    pub interest: i64,
    pub days_since: i64,
    pub wait: i64,
    pub wait_days: i64,
    pub years_held: u32,
    pub term: u32,
    pub rate: &'static str,
    pub svc_item: &'static str,
    pub proof: &'static str,
    pub overdue: u32,
    pub incontest: bool,
    pub demands: Vec<(DemandKind, i64)>,
    pub other_demand: &'static str,
    pub fact: usize,
    pub subcategory: &'static str,
}

const EXCLUSION_EVENTS: &[(&str, &str, &str, ProdKind)] = &[
    (
        "骑摩托车时发生交通事故导致骨折",
        "驾驶证已过期，属于无有效驾驶证驾驶的免责情形",
        "责任免除：无有效驾驶证",
        ProdKind::Accident,
    ),
    ("酒后驾车发生事故受伤", "酒后驾驶属于责任免除", "责任免除：酒后驾驶", ProdKind::Auto),
    ("潜水时受伤住院", "潜水属于高风险运动，在责任免除范围内", "责任免除：高风险运动", ProdKind::Accident),
    ("做了鼻部整形手术后感染住院", "医疗美容及其并发症属于责任免除", "责任免除", ProdKind::Medical),
    ("开车跑网约车时发生事故", "车辆从事营运活动，属于责任免除", "责任免除：改变使用性质", ProdKind::Auto),
    ("种植牙花了两万多", "牙科治疗属于除外责任", "除外责任", ProdKind::Medical),
    ("车辆涉水后熄火，二次启动导致发动机损坏", "发动机进水后二次启动属于免责", "责任免除", ProdKind::Auto),
    ("攀岩时摔伤", "攀岩属于高风险运动，不在保障范围", "责任免除：高风险运动", ProdKind::Accident),
];

const NOT_COVERED: &[(&str, ProdKind)] = &[
    ("门诊费用不在保险责任范围内", ProdKind::Medical),
    ("自费药品不属于保险责任", ProdKind::Medical),
    ("未达到合同约定的重大疾病标准", ProdKind::CriticalIllness),
    ("就诊医院不属于约定的二级及以上公立医院", ProdKind::Medical),
    ("原位癌不属于重大疾病保险责任", ProdKind::CriticalIllness),
    ("属于轻症，不符合重疾赔付条件", ProdKind::CriticalIllness),
    ("院外购药不在保障范围", ProdKind::Medical),
    ("地震造成的损失不属于保险责任", ProdKind::Home),
];

const DOC_GROUNDS: &[&str] = &[
    "缺少病理报告原件",
    "未提供完整病历资料，无法核实",
    "发票为复印件，材料不全",
    "未在规定时间内补充材料",
    "无法提供事故认定书",
];

const AMOUNT_EVENTS: &[(&str, &str, ProdKind)] = &[
    ("胆结石手术住院", "扣除了自费药和一万元免赔额", ProdKind::Medical),
    ("肺炎住院", "按社保目录外费用比例扣减", ProdKind::Medical),
    ("住院治疗", "未经社保结算，只能按60%赔付", ProdKind::Medical),
    ("车辆追尾事故", "按照定损金额赔付，远低于4S店维修报价", ProdKind::Auto),
    ("车辆被刮擦", "配件价格只按副厂件核定", ProdKind::Auto),
    ("摔伤骨折", "按伤残等级比例给付", ProdKind::Accident),
    ("意外受伤住院", "只认可部分住院天数", ProdKind::Accident),
    ("家里水管爆裂泡坏地板", "按折旧后的价值赔付", ProdKind::Home),
];

const SVC_ITEMS: &[&str] = &[
    "保单变更",
    "修改银行卡",
    "查询保单",
    "退保",
    "理赔进度查询",
    "挂失",
    "信用卡激活",
    "开具证明",
    "更换手机号",
    "续期缴费",
];

const PROOFS: &[&str] = &["缴费证明", "保单贷款结清证明", "贷款结清证明", "存款证明", "理赔结案证明"];

const RATES: &[&str] = &["4.5%", "5%", "6%", "3.8%", "4.025%", "7%", "8%"];

fn premium_for(r: &mut Rng, k: ProdKind) -> i64 {
    let yuan = match k {
        ProdKind::WholeLife | ProdKind::Endowment | ProdKind::Annuity => r.pick(&[
            3_000, 5_000, 6_000, 8_000, 10_000, 12_000, 15_000, 20_000, 24_000, 30_000, 36_000, 50_000, 60_000, 100_000,
        ]),
        ProdKind::CriticalIllness => r.range(20, 150) * 100,
        ProdKind::Medical => r.range(3, 25) * 100 + r.range(0, 99),
        ProdKind::Accident => r.range(1, 6) * 100,
        ProdKind::Auto => r.range(20, 90) * 100 + r.range(0, 99),
        ProdKind::Home => r.range(2, 10) * 100,
        _ => 0,
    };
    yuan * 100
}

fn sum_for(r: &mut Rng, k: ProdKind) -> i64 {
    let yuan = match k {
        ProdKind::WholeLife | ProdKind::Endowment | ProdKind::Annuity => r.range(2, 20) * 50_000,
        ProdKind::CriticalIllness => r.range(2, 10) * 50_000,
        ProdKind::Medical => r.pick(&[2_000_000, 3_000_000, 4_000_000]),
        ProdKind::Accident => r.range(1, 10) * 100_000,
        ProdKind::Auto => r.range(8, 40) * 10_000,
        ProdKind::Home => r.range(2, 10) * 100_000,
        _ => 0,
    };
    yuan * 100
}

/// A bill-like amount in fen with cents, roughly log-uniform between `lo` and `hi` yuan.
fn bill(r: &mut Rng, lo: f64, hi: f64) -> i64 {
    let x = lo * (hi / lo).powf(r.unit());
    (x * 100.0) as i64
}

fn round_yuan(fen: i64, step_yuan: i64) -> i64 {
    let step = step_yuan * 100;
    ((fen + step / 2) / step).max(1) * step
}

fn kinds_for(scen: Scenario) -> &'static [ProdKind] {
    use ProdKind::*;
    match scen {
        Scenario::NonDisclosure | Scenario::Waiting => &[CriticalIllness, CriticalIllness, Medical],
        Scenario::PreExisting => &[Medical, Medical, CriticalIllness],
        Scenario::Exclusion => &[Accident, Auto, Medical],
        Scenario::NotCovered => &[Medical, CriticalIllness, Medical, Home],
        Scenario::Documents | Scenario::Delay => &[CriticalIllness, Medical, Accident, Auto],
        Scenario::Amount => &[Medical, Auto, Accident, Home],
        Scenario::CoolingOff => &[WholeLife, Endowment, Annuity, CriticalIllness],
        Scenario::CashValue => &[WholeLife, Endowment, Endowment, Annuity, CriticalIllness],
        Scenario::MisSelling => &[WholeLife, Endowment, Annuity, WholeLife],
        Scenario::Card => &[CreditCard, CreditCard, DebitCard],
        Scenario::Fees => &[CreditCard, CreditCard, DebitCard, Loan, WholeLife],
        Scenario::Loan => &[Loan, Loan, Mortgage],
        Scenario::Collection => &[CreditCard, Loan],
        Scenario::Service | Scenario::Privacy | Scenario::Other => {
            &[WholeLife, CriticalIllness, Medical, Auto, CreditCard, DebitCard, Loan, Endowment]
        }
    }
}

/// Product kinds a particular fact template needs (a card fact needs a card …).
fn kinds_for_fact(scen: Scenario, fact: usize) -> Option<&'static [ProdKind]> {
    use ProdKind::*;
    const INSURANCE: &[ProdKind] = &[WholeLife, CriticalIllness, Endowment, Medical, Annuity];
    Some(match (scen, fact) {
        (Scenario::Fees, 0 | 1) => &[CreditCard],
        (Scenario::Fees, 2) => &[DebitCard],
        (Scenario::Fees, 3) => &[Loan, Mortgage],
        (Scenario::Fees, _) => &[WholeLife, Endowment, Annuity],
        (Scenario::Card, 0) => &[CreditCard, DebitCard],
        (Scenario::Card, 2) => &[DebitCard],
        (Scenario::Card, _) => &[CreditCard],
        (Scenario::Loan, 1) => &[Mortgage],
        (Scenario::Loan, 3) => &[Loan, Mortgage],
        (Scenario::Loan, _) => &[Loan],
        (Scenario::Privacy, 1) => &[CreditCard, Loan],
        (Scenario::Privacy, 3) => INSURANCE,
        (Scenario::Other, 2) => &[CreditCard],
        (Scenario::Other, 4) => return None,
        (Scenario::Other, _) => INSURANCE,
        _ => return None,
    })
}

/// Pick an institution and product of the given kind.
pub fn pick_product(r: &mut Rng, kind: ProdKind) -> (usize, &'static Product) {
    use ProdKind::*;
    let insts: &[usize] = match kind {
        WholeLife | Endowment | Annuity => &[0, 1],
        CriticalIllness => &[0, 1, 2],
        Medical => &[2, 2, 3, 0],
        Accident => &[0, 1, 3],
        Auto | Home => &[3],
        CreditCard | DebitCard | Mortgage | Wealth => &[4, 5],
        Loan => &[4, 5, 6, 6],
    };
    let inst = r.pick(insts);
    let table: &'static [Product] = match INSTITUTIONS[inst].kind {
        InstKind::Life | InstKind::Health => data::INSURANCE_PRODUCTS,
        InstKind::Property => data::PROPERTY_PRODUCTS,
        InstKind::Bank => data::BANK_PRODUCTS,
        InstKind::ConsumerFinance => data::CF_PRODUCTS,
    };
    for _ in 0..64 {
        let p = &table[r.index(table.len())];
        if p.kind == kind {
            return (inst, p);
        }
    }
    (inst, &table[0])
}

pub fn product_name(inst: usize, p: &Product) -> String {
    let i = &INSTITUTIONS[inst];
    match p.kind {
        ProdKind::Auto => format!("{}{}", i.brand, p.name),
        _ => format!("{}{}", i.brand, p.name),
    }
}

fn policy_no(r: &mut Rng, inst: usize, p: &Product, start: NaiveDate) -> String {
    use chrono::Datelike;
    let pre = INSTITUTIONS[inst].policy_prefix;
    match p.kind {
        ProdKind::CreditCard | ProdKind::DebitCard => {
            let bin = r.pick(&["6222", "6228", "6217", "4367", "5187", "6259", "6226"]);
            match r.below(3) {
                0 => format!("{bin}********{:04}", r.below(10_000)),
                1 => format!("{bin} **** **** {:04}", r.below(10_000)),
                _ => format!("{bin}{:02}******{:04}", r.below(100), r.below(10_000)),
            }
        }
        ProdKind::Loan | ProdKind::Mortgage => format!("{pre}DK{}{:08}", start.year(), r.below(100_000_000)),
        ProdKind::Wealth => format!("{pre}LC{}{:06}", start.year(), r.below(1_000_000)),
        _ => format!("{pre}{}{:010}", start.year(), r.below(10_000_000_000)),
    }
}

fn cash_ratio(r: &mut Rng, years: u32) -> f64 {
    let (lo, hi) = match years {
        0 | 1 => (0.06, 0.25),
        2 => (0.22, 0.45),
        3 => (0.38, 0.6),
        4 => (0.5, 0.7),
        5 => (0.6, 0.8),
        _ => (0.7, 0.9),
    };
    lo + (hi - lo) * r.unit()
}

impl Case {
    /// Build the facts. `base` is the date the matter is first complained about.
    pub fn new(seed: u64, r: &mut Rng, scen: Scenario, person: &Person, base: NaiveDate, force: &Force) -> Case {
        let ptext = scen.text(force.cooling_inside.unwrap_or(true));
        let fact = force.fact.unwrap_or_else(|| r.index(ptext.fact.len())).min(ptext.fact.len() - 1);
        let kinds = kinds_for_fact(scen, fact).unwrap_or_else(|| kinds_for(scen));
        let (inst, product) = match (force.inst, force.product) {
            (Some(i), Some(p)) => (i, p),
            _ => {
                let kind = r.pick(kinds);
                pick_product(r, kind)
            }
        };
        let insurance = !matches!(INSTITUTIONS[inst].kind, InstKind::Bank | InstKind::ConsumerFinance);
        let mut c = Case {
            scen,
            cooling_inside: true,
            inst,
            product,
            product_name: product_name(inst, product),
            policy_no: String::new(),
            start: None,
            premium: 0,
            paid: 0,
            cash: 0,
            sum: 0,
            sales_channel: "",
            agent: None,
            claim: 0,
            got: 0,
            decision: "",
            ground_cell: String::new(),
            ground_text: String::new(),
            decision_date: None,
            event_date: None,
            disease: "",
            history: "",
            event: "",
            reduce: "",
            fee: 0,
            amount: 0,
            loan_amt: 0,
            limit: 0,
            limit2: 0,
            interest: 0,
            days_since: 0,
            wait: 90,
            wait_days: 0,
            years_held: 1,
            term: 10,
            rate: r.pick(RATES),
            svc_item: r.pick(SVC_ITEMS),
            proof: r.pick(PROOFS),
            overdue: r.range(1, 12) as u32,
            incontest: false,
            demands: Vec::new(),
            other_demand: "",
            fact: 0,
            subcategory: "",
        };
        c.fact = fact;
        c.subcategory = ptext.fact[c.fact].0;
        let k = product.kind;
        c.premium = premium_for(r, k);
        c.sum = sum_for(r, k);
        c.disease = if k == ProdKind::CriticalIllness { r.pick(data::DISEASES_CI) } else { r.pick(data::DISEASES_MED) };
        c.history = r.pick(data::HISTORIES);
        if insurance {
            c.sales_channel = r.pick_w(data::SALES_CHANNELS);
            if matches!(c.sales_channel, "个险" | "银保" | "经代") || r.chance(0.3) {
                let mut a = agent(seed, inst, r.below(AGENTS_PER_INST));
                if matches!(scen, Scenario::MisSelling | Scenario::CashValue) && !a.departed && r.chance(0.3) {
                    a = agent(seed, inst, r.below(AGENTS_PER_INST));
                }
                c.agent = Some(a);
            }
        } else {
            c.sales_channel = r.pick(&["柜面", "手机银行", "客户经理推荐", "线上申请", "APP"]);
        }
        // Claims: event before the decision before the complaint.
        let decision_date = base - Duration::days(r.range(3, 45));
        let event_date = decision_date - Duration::days(r.range(10, 90));
        let claim = match k {
            ProdKind::CriticalIllness | ProdKind::WholeLife | ProdKind::Endowment | ProdKind::Annuity => c.sum,
            ProdKind::Medical => bill(r, 3_000.0, 300_000.0),
            ProdKind::Accident => round_yuan(bill(r, 5_000.0, 100_000.0), 100),
            ProdKind::Auto => bill(r, 3_000.0, 150_000.0),
            ProdKind::Home => round_yuan(bill(r, 5_000.0, 200_000.0), 100),
            _ => 0,
        };
        let mut start = base - Duration::days(r.range(60, 1500));
        match scen {
            Scenario::NonDisclosure => {
                start = event_date - Duration::days(r.range(120, 1800));
                c.incontest = (event_date - start).num_days() > 730;
                c.ground_text = format!("投保前未如实告知{}病史", c.history);
                c.ground_cell = r.pick(&["未如实告知", "未如实告知", "违反如实告知义务"]).to_string();
                if r.chance(0.3) {
                    c.ground_cell = c.ground_text.clone();
                }
            }
            Scenario::Exclusion => {
                let mut e = r.pick(EXCLUSION_EVENTS);
                for _ in 0..16 {
                    if e.3 == k {
                        break;
                    }
                    e = r.pick(EXCLUSION_EVENTS);
                }
                c.event = e.0;
                c.ground_text = e.1.to_string();
                c.ground_cell = if r.chance(0.5) { "责任免除".to_string() } else { e.2.to_string() };
            }
            Scenario::Waiting => {
                c.wait = if r.chance(0.7) { 90 } else { 180 };
                let inside = r.chance(0.75);
                c.wait_days = if inside { r.range(10, c.wait - 1) } else { c.wait + r.range(3, 40) };
                start = event_date - Duration::days(c.wait_days);
                c.ground_text = if inside {
                    format!("确诊日期在{}天等待期内", c.wait)
                } else {
                    "首次出现症状在等待期内".to_string()
                };
                c.ground_cell = r.pick(&["等待期内出险", "等待期", "等待期内确诊"]).to_string();
            }
            Scenario::PreExisting => {
                c.ground_text = if r.chance(0.5) {
                    format!("{}属于投保前已患疾病（既往症）", c.history)
                } else {
                    "属于投保前已患疾病".to_string()
                };
                c.ground_cell = r.pick(&["既往症", "投保前已患疾病", "既往症除外"]).to_string();
            }
            Scenario::NotCovered => {
                let mut g = r.pick(NOT_COVERED);
                for _ in 0..16 {
                    if g.1 == k {
                        break;
                    }
                    g = r.pick(NOT_COVERED);
                }
                c.ground_text = g.0.to_string();
                c.ground_cell = r.pick(&["不属于保险责任", "不在保险责任范围内", "非保险责任"]).to_string();
            }
            Scenario::Documents => {
                c.ground_text = r.pick(DOC_GROUNDS).to_string();
                c.ground_cell = r.pick(&["材料不全", "理赔材料不完整", "资料不全"]).to_string();
            }
            _ => {}
        }
        if scen.is_refusal() {
            c.claim = claim.max(100_000);
            c.decision = r.pick(&["拒赔", "拒赔", "拒付", "拒绝赔付"]);
            c.decision_date = Some(decision_date);
            c.event_date = Some(event_date);
            c.demands.push((DemandKind::ClaimPayment, c.claim));
            if r.chance(0.15) {
                c.demands.push((DemandKind::Interest, round_yuan(c.claim / 50, 10)));
            }
            if r.chance(0.1) {
                c.demands.push((DemandKind::Apology, -1));
            }
        }
        match scen {
            Scenario::Delay => {
                let ev = base - Duration::days(r.range(35, 150));
                c.event_date = Some(ev);
                c.wait_days = (base - ev).num_days() - r.range(1, 10);
                c.claim = claim.max(100_000);
                c.decision = r.pick(&["处理中", "审核中", "未决", "处理中"]);
                c.demands.push((DemandKind::ClaimPayment, c.claim));
                if r.chance(0.3) {
                    c.demands.push((DemandKind::Interest, round_yuan(c.claim / r.range(30, 100), 10)));
                }
            }
            Scenario::Amount => {
                let mut e = r.pick(AMOUNT_EVENTS);
                for _ in 0..16 {
                    if e.2 == k {
                        break;
                    }
                    e = r.pick(AMOUNT_EVENTS);
                }
                c.event = e.0;
                c.reduce = e.1;
                c.claim = claim.max(200_000);
                c.got = (c.claim as f64 * (0.2 + 0.6 * r.unit())) as i64;
                c.decision = r.pick(&["部分赔付", "部分赔付", "已赔付"]);
                c.decision_date = Some(decision_date);
                c.event_date = Some(event_date);
                c.demands.push((DemandKind::ClaimPayment, c.claim - c.got));
            }
            Scenario::CoolingOff => {
                let inside = force.cooling_inside.unwrap_or_else(|| r.chance(0.5));
                c.cooling_inside = inside;
                c.days_since = if inside { r.range(3, 14) } else { r.range(16, 40) };
                start = base - Duration::days(c.days_since + r.range(0, 1));
                c.paid = c.premium;
                if inside {
                    c.fee = r.range(1, 5) * 1000;
                } else {
                    c.cash = (c.premium as f64 * (0.03 + 0.25 * r.unit())) as i64;
                }
                c.demands.push((DemandKind::FullRefund, c.premium));
            }
            Scenario::CashValue | Scenario::MisSelling => {
                let years = [1u32, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6][r.index(11)];
                c.years_held = years;
                start = base - Duration::days(years as i64 * 365 - r.range(0, 300));
                c.paid = c.premium * years as i64;
                c.cash = (c.paid as f64 * cash_ratio(r, years)) as i64 + r.range(0, 99);
                c.term = r.pick(&[5, 10, 10, 15, 20]);
                c.demands.push((DemandKind::FullRefund, c.paid));
                if r.chance(if scen == Scenario::MisSelling { 0.4 } else { 0.2 }) {
                    c.interest = round_yuan(c.paid / r.range(15, 40), 10);
                    c.demands.push((DemandKind::Interest, c.interest));
                }
                if scen == Scenario::MisSelling && r.chance(0.15) {
                    c.demands.push((DemandKind::StaffPunishment, -1));
                }
                if scen == Scenario::MisSelling && c.fact == 0 {
                    c.sales_channel = "银保";
                }
            }
            Scenario::Service => {
                c.demands.push((DemandKind::Apology, -1));
                if r.chance(0.4) {
                    c.demands.push((DemandKind::StaffPunishment, -1));
                }
            }
            Scenario::Fees => {
                c.fee = match c.fact {
                    0 => r.pick(&[200, 300, 480, 600, 880, 1000, 2000, 3600]) * 100,
                    2 => r.range(10, 240) * 100,
                    3 => r.range(10, 300) * 10_000,
                    _ => r.range(5, 50) * 10_000 + r.range(0, 99) * 100,
                };
                c.amount = r.range(5, 100) * 100_000;
                if c.fact == 1 {
                    c.fee = c.amount / r.range(8, 14);
                }
                if r.chance(0.6) {
                    c.demands.push((DemandKind::Compensation, c.fee));
                } else {
                    c.other_demand = "退还多收的费用";
                    c.demands.push((DemandKind::Other, c.fee));
                }
            }
            Scenario::Card => {
                c.amount = bill(r, 1_000.0, 80_000.0);
                c.limit = r.range(20, 100) * 100_000;
                c.limit2 = round_yuan((c.limit as f64 * (0.1 + 0.4 * r.unit())) as i64, 1000);
                let (kind, other): (DemandKind, &'static str) = match c.fact {
                    0 => (DemandKind::Compensation, ""),
                    1 => (DemandKind::Other, "恢复信用额度"),
                    2 => (DemandKind::Other, "解冻账户"),
                    3 => (DemandKind::Other, "更正征信记录"),
                    _ => (DemandKind::Other, "退还重复扣款"),
                };
                c.other_demand = other;
                let amt = if matches!(c.fact, 0 | 4) { c.amount } else { -1 };
                c.demands.push((kind, amt));
            }
            Scenario::Loan => {
                c.loan_amt =
                    if k == ProdKind::Mortgage { r.range(30, 300) * 1_000_000 } else { r.range(3, 100) * 1_000_000 };
                c.fee = r.range(10, 200) * 10_000;
                c.interest = r.range(20, 300) * 10_000;
                match c.fact {
                    0 => {
                        c.other_demand = "退还搭售产品费用";
                        c.demands.push((DemandKind::Other, c.fee));
                    }
                    1 => {
                        c.other_demand = "调整贷款利率";
                        c.demands.push((DemandKind::Other, -1));
                        c.demands.push((DemandKind::Interest, c.interest));
                    }
                    2 => {
                        c.other_demand = "尽快审批放款";
                        c.demands.push((DemandKind::Other, -1));
                    }
                    3 => {
                        c.other_demand = "更正征信记录";
                        c.demands.push((DemandKind::Other, -1));
                    }
                    _ => {
                        c.other_demand = "撤销提前还款要求";
                        c.demands.push((DemandKind::Other, -1));
                    }
                }
            }
            Scenario::Collection => {
                c.amount = round_yuan(bill(r, 5_000.0, 200_000.0), 1);
                c.demands.push((DemandKind::Apology, -1));
                c.other_demand = "停止骚扰";
                c.demands.push((DemandKind::Other, -1));
                if r.chance(0.2) {
                    c.demands.push((DemandKind::StaffPunishment, -1));
                }
            }
            Scenario::Privacy => {
                c.demands.push((DemandKind::Apology, -1));
                if r.chance(0.3) {
                    c.demands.push((DemandKind::Compensation, r.range(1, 10) * 1_000_000));
                }
                if r.chance(0.5) {
                    c.other_demand = "删除个人信息并查明泄露原因";
                    c.demands.push((DemandKind::Other, -1));
                }
            }
            Scenario::Other => {
                c.other_demand =
                    ["尽快办理变更", "补发保单", "发放兑换礼品", "尽快办理保单迁移", "开具证明"][c.fact.min(4)];
                c.demands.push((DemandKind::Other, -1));
            }
            _ => {}
        }
        if let Some(s) = force.start {
            start = s;
        }
        c.start = Some(start);
        c.years_held = c.years_held.max((((base - start).num_days()) / 365).max(1) as u32);
        if scen == Scenario::CashValue || scen == Scenario::MisSelling {
            c.years_held = c.years_held.min(((base - start).num_days() / 365 + 1).max(1) as u32);
            c.paid = c.premium * c.years_held as i64;
            if force.start.is_some() {
                c.cash = (c.paid as f64 * cash_ratio(r, c.years_held)) as i64 + r.range(0, 99);
            }
            c.cash = c.cash.min(c.paid - 100);
            if let Some((_, amt)) = c.demands.iter_mut().find(|d| d.0 == DemandKind::FullRefund) {
                *amt = c.paid;
            }
        }
        c.policy_no = policy_no(r, inst, product, start);
        let _ = person;
        c
    }

    pub fn institution(&self) -> &'static data::Institution {
        &INSTITUTIONS[self.inst]
    }

    pub fn is_insurance(&self) -> bool {
        !matches!(self.institution().kind, InstKind::Bank | InstKind::ConsumerFinance)
    }
}
