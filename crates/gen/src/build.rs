//! Turning a person, a case and a plan item into one CSV row and its truth.

use crate::case::{Case, Force};
use crate::data::{self, InstKind};
use crate::fmt::{self as f, Notation};
use crate::library::{Lib, lib};
use crate::person::{People, Person};
use crate::plan::{self, Item, Plan, Share};
use crate::rng::{Rng, hash};
use crate::scenario::Scenario;
use crate::tmpl::{Ctx, M, Paraphraser, S, Tpl, expand};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use std::fmt::Write;
use tousu_core::DemandKind;

/// One output row; field names are the column keys of `tousu_core::columns::COLUMNS`.
#[derive(Debug, Default, Clone)]
pub struct Row {
    pub external_ref: String,
    pub source: String,
    pub received_at: String,
    pub channel: String,
    pub institution: String,
    pub branch: String,
    pub region: String,
    pub product_line: String,
    pub product: String,
    pub category: String,
    pub subcategory: String,
    pub text: String,
    pub demands: String,
    pub group_size: String,
    pub tags: String,
    pub complainant_name: String,
    pub resident_id: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub birth_date: String,
    pub gender: String,
    pub third_party_name: String,
    pub third_party_phone: String,
    pub third_party_relationship: String,
    pub power_of_attorney: String,
    pub policy_number: String,
    pub policy_start_date: String,
    pub premiums_paid: String,
    pub cash_value: String,
    pub sum_insured: String,
    pub sales_channel: String,
    pub selling_agent: String,
    pub agent_departed: String,
    pub claim_amount: String,
    pub claim_decision: String,
    pub refusal_ground: String,
    pub claim_decision_date: String,
}

macro_rules! row_fields {
    ($($f:ident),*) => {
        impl Row {
            const KEYS: &'static [&'static str] = &[$(stringify!($f)),*];
            pub fn clear(&mut self) { $(self.$f.clear();)* }
            /// The index of a column key among the row's fields (`None`: not filled here).
            pub fn index_of(key: &str) -> Option<usize> {
                Self::KEYS.iter().position(|k| *k == key)
            }
            /// Every cell, in field order (see [`Row::index_of`]).
            pub fn cells(&self) -> [&str; Self::KEYS.len()] {
                [$(self.$f.as_str()),*]
            }
        }
    };
}

row_fields!(
    external_ref,
    source,
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
    complainant_name,
    resident_id,
    phone,
    email,
    address,
    birth_date,
    gender,
    third_party_name,
    third_party_phone,
    third_party_relationship,
    power_of_attorney,
    policy_number,
    policy_start_date,
    premiums_paid,
    cash_value,
    sum_insured,
    sales_channel,
    selling_agent,
    agent_departed,
    claim_amount,
    claim_decision,
    refusal_ground,
    claim_decision_date
);

#[derive(Debug, Default, Clone)]
pub struct Truth {
    pub person_id: String,
    pub ring_id: String,
    pub surge_id: String,
    pub group_id: String,
    pub scenario: &'static str,
}

impl Truth {
    pub fn clear(&mut self) {
        self.person_id.clear();
        self.ring_id.clear();
        self.surge_id.clear();
        self.group_id.clear();
        self.scenario = "";
    }
}

/// How the complaint is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Note,
    Online,
    Referral,
    Counter,
    Letter,
    Email,
    Media,
    Petition,
}

impl Style {
    fn first_person(self) -> bool {
        matches!(self, Style::Online | Style::Letter | Style::Email)
    }
}

const CH_HOTLINE: &[&str] = &["电话", "电话", "热线", "客服热线", "电话"];
const CH_REG: &[&str] = &["12378", "12378", "12378", "监管转办", "监管转送", "监管转交"];
const CH_COUNTER: &[&str] = &["柜面", "柜台", "网点", "临柜", "柜面"];
const CH_ONLINE: &[&str] = &["网上", "网络", "APP", "在线", "官网", "微信", "互联网"];
const CH_LETTER: &[&str] = &["信函", "来信", "书面"];
const CH_EMAIL: &[&str] = &["邮件", "电子邮件"];
const CH_MEDIA: &[&str] = &["媒体", "舆情", "自媒体"];
const CH_PETITION: &[&str] = &["信访", "来访", "上访"];

fn channel_cell(r: &mut Rng, style: Style) -> &'static str {
    match style {
        Style::Note => {
            if r.chance(0.04) {
                r.pick(&["其他", ""])
            } else {
                r.pick(CH_HOTLINE)
            }
        }
        Style::Online => r.pick(CH_ONLINE),
        Style::Referral => r.pick(CH_REG),
        Style::Counter => r.pick(CH_COUNTER),
        Style::Letter => r.pick(CH_LETTER),
        Style::Email => r.pick(CH_EMAIL),
        Style::Media => r.pick(CH_MEDIA),
        Style::Petition => r.pick(CH_PETITION),
    }
}

const TYPOS: &[(&str, &str)] = &[
    ("已经", "以经"),
    ("账户", "帐户"),
    ("理赔", "理陪"),
    ("拒赔", "拒陪"),
    ("的时候", "得时候"),
    ("再次", "在次"),
    ("根本", "跟本"),
    ("赔偿", "陪偿"),
    ("部门", "部们"),
    ("一直", "一只"),
    ("处理", "处里"),
    ("合同", "和同"),
    ("这样", "这杨"),
    ("现在", "现再"),
];

/// Everything needed to write rows; built once per `generate` call.
pub struct Gen {
    pub seed: u64,
    pub people: People,
    pub plan: Plan,
    lib: &'static Lib,
    ctx: Ctx,
    scratch: String,
    scen_weights: Vec<u32>,
}

/// Options for one row's text and identifiers.
#[derive(Debug, Clone, Copy, Default)]
struct Opts {
    /// Complaint number of this person on the matter (0 = first).
    k: u32,
    /// This person files several complaints: vary the identifiers' formats.
    repeat_person: bool,
    /// Per-person base phone format (repeat persons rotate through formats).
    phone_base: usize,
    surge_cause: Option<usize>,
}

impl Gen {
    pub fn new(seed: u64, count: u64) -> Gen {
        Gen {
            seed,
            people: People::new(seed),
            plan: Plan::new(seed, count),
            lib: lib(),
            ctx: Ctx::default(),
            scratch: String::new(),
            scen_weights: Scenario::ALL.iter().map(|s| s.share()).collect(),
        }
    }

    // ------------------------------------------------------------------ background rows

    /// Background complaint number `k` (of `total`) of person `pid`.
    pub fn background(&mut self, pid: u64, k: u32, total: u32, rng: &mut Rng, row: &mut Row, truth: &mut Truth) {
        let person = self.people.person(pid);
        // Dates: a base day and gaps, all from the person's own stream.
        let mut pr = Rng::keyed(&[self.seed, 30, pid]);
        let gaps: Vec<i64> = (1..total.max(1)).map(|_| pr.range(3, 40)).collect();
        let span: i64 = gaps.iter().sum();
        let base = pr.range(0, (plan::SPAN_DAYS - 1 - span).max(0));
        let phone_base = pr.index(f::PHONE_STYLES);
        let day_of = |j: u32| base + gaps.iter().take(j as usize).sum::<i64>();
        // The matter: usually the same for every complaint of the person.
        let case_no = if k > 0 && hash(&[self.seed, 32, pid, k as u64]).is_multiple_of(5) { k } else { 0 };
        let mut cr = Rng::keyed(&[self.seed, 31, pid, case_no as u64]);
        let scen = Scenario::ALL[cr.weighted(&self.scen_weights)];
        let case_day = day_of(case_no);
        let case = Case::new(self.seed, &mut cr, scen, &person, plan::day(case_day), &Force::default());
        let d = plan::day(day_of(k));
        // Channel: repeat complaints climb the escalation ladder.
        let mut w = [40u32, 20, 15, 9, 6, 4, 2, 2];
        if k > 0 {
            w[2] *= 3;
            w[4] *= 2;
        }
        let style = [
            Style::Note,
            Style::Online,
            Style::Referral,
            Style::Counter,
            Style::Letter,
            Style::Email,
            Style::Media,
            Style::Petition,
        ][rng.weighted(&w)];
        let opts = Opts { k, repeat_person: total > 1, phone_base, surge_cause: None };
        self.fill(rng, row, &person, &case, style, d, opts);
        let _ = write!(truth.person_id, "P{pid:08}");
        truth.scenario = scen.code();
    }

    // ------------------------------------------------------------------ planted rows

    pub fn planted(&mut self, item: Item, rng: &mut Rng, row: &mut Row, truth: &mut Truth) {
        match item {
            Item::Ring { r, m, k } => self.ring_row(r, m, k, rng, row, truth),
            Item::Surge { s, i } => self.surge_row(s, i, rng, row, truth),
            Item::Group { g, i } => self.group_row(g, i, rng, row, truth),
        }
    }

    fn surge_row(&mut self, s: usize, i: u64, rng: &mut Rng, row: &mut Row, truth: &mut Truth) {
        let sp = self.plan.surges[s].clone();
        let pid = crate::person::SPECIAL_BASE + 100_000 + sp.first + i;
        let person = self.people.person(pid);
        // Triangular profile over two weeks.
        let off = ((rng.unit() + rng.unit()) * 7.0) as i64;
        let d = plan::day(sp.start + off);
        let mut cr = Rng::keyed(&[self.seed, 60, s as u64, i]);
        let force = Force { inst: Some(sp.inst), product: Some(sp.product), fact: Some(sp.fact), ..Force::default() };
        let case = Case::new(self.seed, &mut cr, sp.scenario, &person, d, &force);
        let style = [Style::Note, Style::Online, Style::Referral, Style::Counter, Style::Letter, Style::Media]
            [rng.weighted(&[35, 30, 20, 6, 5, 4])];
        let opts = Opts { surge_cause: Some(sp.cause), phone_base: rng.index(3), ..Opts::default() };
        self.fill(rng, row, &person, &case, style, d, opts);
        let _ = write!(truth.person_id, "S{:02}-{:05}", s + 1, i + 1);
        let _ = write!(truth.surge_id, "SURGE-{:02}", s + 1);
        truth.scenario = sp.scenario.code();
    }

    fn group_row(&mut self, g: usize, i: u64, rng: &mut Rng, row: &mut Row, truth: &mut Truth) {
        let gp = self.plan.groups[g].clone();
        let pid = crate::person::SPECIAL_BASE + 400_000 + gp.first + i;
        let person = self.people.person(pid);
        let d = plan::day(gp.start + rng.range(0, 5));
        let mut cr = Rng::keyed(&[self.seed, 70, g as u64, i]);
        let force = Force { inst: Some(gp.inst), product: Some(gp.product), fact: Some(0), ..Force::default() };
        let case = Case::new(self.seed, &mut cr, gp.scenario, &person, d, &force);
        let style = [Style::Petition, Style::Counter, Style::Referral, Style::Letter, Style::Media]
            [rng.weighted(&[30, 20, 25, 20, 5])];
        let opts = Opts { phone_base: rng.index(3), ..Opts::default() };
        self.fill(rng, row, &person, &case, style, d, opts);
        // Replace the text by the group's own.
        let ctx = &mut self.ctx;
        let lib = self.lib;
        let size = if i == 0 || rng.chance(0.8) { gp.size } else { (gp.size as i64 + rng.range(-3, 6)).max(5) as u32 };
        ctx.set_fmt(S::Group, format_args!("{}", size));
        ctx.set(S::Estate, gp.estate);
        ctx.set(S::Company, gp.company);
        ctx.set_fmt(S::Year, format_args!("{}", gp.year));
        let mut text = String::new();
        match style {
            Style::Letter => {
                expand(&lib.letter_head, ctx, rng, &mut text);
            }
            Style::Referral => expand(&lib.open_referral, ctx, rng, &mut text),
            Style::Counter => expand(&lib.open_counter, ctx, rng, &mut text),
            Style::Media => expand(&lib.open_media, ctx, rng, &mut text),
            _ => expand(&lib.open_petition, ctx, rng, &mut text),
        }
        expand(&lib.groups[gp.kind], ctx, rng, &mut text);
        if rng.chance(0.4) {
            expand(&lib.escalate, ctx, rng, &mut text);
        }
        if style == Style::Letter {
            text.push_str("\n\n联名人代表：");
            text.push_str(ctx.get(S::Name));
            text.push('\n');
            text.push_str(ctx.get(S::Recv));
        }
        row.text = text;
        // Demands of the group.
        row.demands.clear();
        let demand = match gp.kind {
            0 => (DemandKind::Other, -1),
            1 => (DemandKind::FullRefund, case.paid),
            2 => (DemandKind::ClaimPayment, case.claim),
            _ => (if rng.chance(0.5) { DemandKind::FullRefund } else { DemandKind::Compensation }, case.paid),
        };
        push_demand(rng, &mut row.demands, demand.0, demand.1, "；");
        row.group_size = size.to_string();
        row.tags.clear();
        row.tags.push_str("群体投诉");
        if gp.kind == 1 {
            row.tags.push_str("；老年人");
        }
        if size >= 20 && rng.chance(0.5) {
            row.tags.push_str("；重大投诉");
        }
        let _ = write!(truth.person_id, "G{:03}-{}", g + 1, i + 1);
        let _ = write!(truth.group_id, "GROUP-{:03}", g + 1);
        truth.scenario = gp.scenario.code();
    }

    fn ring_row(&mut self, r: usize, m: usize, k: u32, rng: &mut Rng, row: &mut Row, truth: &mut Truth) {
        let ring = self.plan.rings[r].clone();
        let pid = ring.member_pid(m);
        let person = self.people.person(pid);
        let mut mr = Rng::keyed(&[self.seed, 80, r as u64, m as u64]);
        let burst: i64 = ring.burst_gap.iter().take(k as usize + 1).sum();
        let d = plan::day(ring.burst_start + burst + mr.range(0, 4) + rng.range(0, 1));
        let first_day = plan::day(ring.burst_start + mr.range(0, 4));
        let start = ring.sales_start + Duration::days(mr.range(0, 270));
        let force =
            Force { inst: Some(ring.inst), product: Some(ring.product), start: Some(start), ..Force::default() };
        let mut case = Case::new(self.seed, &mut mr, ring.scenario, &person, first_day, &force);
        case.agent = Some(ring.agent.clone());
        case.sales_channel = if rng.chance(0.8) { "个险" } else { "银保" };
        if case.interest <= 0 {
            case.interest = (case.paid / mr.range(15, 40) / 1000).max(1) * 1000;
        }
        let style = if rng.chance(0.82) {
            Style::Referral
        } else if rng.chance(0.5) {
            Style::Letter
        } else {
            Style::Online
        };
        let opts = Opts { k, repeat_person: true, phone_base: mr.index(f::PHONE_STYLES), surge_cause: None };
        self.fill(rng, row, &person, &case, style, d, opts);
        // Shared identifiers.
        let rep = self.people.person(ring.rep_pid);
        let uses = |s: Share, rng: &mut Rng| {
            ring.primary == s && (m < 2 || rng.chance(0.85)) || ring.secondary == Some(s) && (m < 2 || rng.chance(0.5))
        };
        let mut contact = person.phone.clone();
        if uses(Share::Phone, rng) {
            row.phone.clear();
            f::phone(&mut row.phone, &rep.phone, rng.index(f::PHONE_STYLES));
            contact = row.phone.clone();
        }
        if uses(Share::Email, rng) {
            row.email.clone_from(&ring.email);
        }
        if uses(Share::Address, rng) {
            row.address.clone_from(&ring.office);
        }
        row.third_party_name.clear();
        row.third_party_phone.clear();
        row.third_party_relationship.clear();
        row.power_of_attorney.clear();
        let tp_rel = rng.pick(&ring.rels);
        if uses(Share::Rep, rng) {
            row.third_party_name.push_str(&rep.name);
            f::phone(&mut row.third_party_phone, &rep.phone, rng.index(3));
            row.third_party_relationship.push_str(tp_rel);
            row.power_of_attorney.push_str(if rng.chance(0.9) { "是" } else { "否" });
            contact = row.third_party_phone.clone();
        }
        if row.resident_id.is_empty() && rng.chance(0.8) {
            row.resident_id.push_str(&person.id);
        }
        // The template letter: the ring's master choices, with the member's own departures.
        let ctx = &mut self.ctx;
        ctx.set(S::Contact, &contact);
        ctx.set(S::Tp, tp_rel);
        ctx.set(S::TpName, &rep.name);
        ctx.set(S::IdNo, &person.id);
        let mut law = String::new();
        {
            let mut p = Paraphraser { master: Rng::new(hash(&[ring.key, 1])), own: &mut *rng, p: 0.15 };
            expand(&self.lib.ring_law[ring.law], ctx, &mut p, &mut law);
            let second = if ring.law == 0 { 1 + (ring.key % 3) as usize } else { 0 };
            if p.own.chance(0.85) {
                expand(&self.lib.ring_law[second], ctx, &mut p, &mut law);
            }
        }
        ctx.set(S::Law, &law);
        let mut text = String::new();
        if k > 0 {
            let _ = write!(text, "[第{}次投诉] ", k + 1);
            if rng.chance(0.5) {
                text.clear();
                let _ = write!(text, "此前已于{}向贵公司反映，至今未获解决，现再次投诉。\n\n", f::cn_date(first_day));
            }
        }
        {
            let mut p = Paraphraser { master: Rng::new(hash(&[ring.key, 2])), own: &mut *rng, p: 0.15 };
            expand(&self.lib.ring_letters[ring.template], ctx, &mut p, &mut text);
        }
        row.text = text;
        row.demands.clear();
        push_demand(rng, &mut row.demands, DemandKind::FullRefund, case.paid, "；");
        if ring.template == 0 || rng.chance(0.4) {
            row.demands.push('；');
            push_demand(rng, &mut row.demands, DemandKind::Interest, case.interest, "；");
        }
        row.agent_departed.clear();
        row.agent_departed.push('是');
        row.selling_agent.clear();
        let _ = write!(row.selling_agent, "{}({})", ring.agent.name, ring.agent.code);
        row.group_size.clear();
        let _ = write!(truth.person_id, "R{:03}-{:02}", r + 1, m + 1);
        let _ = write!(truth.ring_id, "RING-{:03}", r + 1);
        truth.scenario = ring.scenario.code();
    }

    // ------------------------------------------------------------------ the row itself

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        rng: &mut Rng,
        row: &mut Row,
        person: &Person,
        case: &Case,
        style: Style,
        d: NaiveDate,
        o: Opts,
    ) {
        let inst = case.institution();
        let bank = matches!(inst.kind, InstKind::Bank);
        // Received date-time.
        let hour = match style {
            Style::Online | Style::Media => {
                rng.pick(&[7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 20, 21, 22])
            }
            Style::Note | Style::Counter => rng.range(8, 20) as u32,
            _ => rng.range(9, 17) as u32,
        };
        let t = NaiveTime::from_hms_opt(hour, rng.range(0, 59) as u32, rng.range(0, 59) as u32).unwrap_or_default();
        let recv = NaiveDateTime::new(d, t);
        let date_only = matches!(style, Style::Letter | Style::Petition) && rng.chance(0.6);
        let rs = if date_only { rng.pick(&[2usize, 4, 7, 8]) } else { rng.weighted(f::RECEIVED_STYLES) };
        f::received_at(&mut row.received_at, recv, rs);
        row.channel.push_str(channel_cell(rng, style));
        if rng.chance(0.2) {
            row.source.push_str(if style == Style::Referral { "12378" } else { "crm" });
        }
        row.institution.push_str(if rng.chance(0.85) { inst.name } else { inst.short });
        let home = person.home;
        let pshort = data::province_short(home.province);
        let cshort = data::city_short(home.city);
        match inst.kind {
            InstKind::Bank => {
                if rng.chance(0.5) {
                    let _ = write!(row.branch, "{cshort}分行");
                } else {
                    let _ = write!(
                        row.branch,
                        "{cshort}{}支行",
                        data::province_short(home.district).trim_end_matches('区')
                    );
                }
            }
            InstKind::ConsumerFinance => row.branch.push_str("客户服务中心"),
            _ => match rng.below(10) {
                0..=5 => {
                    let _ = write!(row.branch, "{pshort}分公司");
                }
                6..=8 => {
                    let _ = write!(row.branch, "{cshort}中心支公司");
                }
                _ => {
                    let _ = write!(row.branch, "{cshort}{}营销服务部", home.district);
                }
            },
        }
        if rng.chance(0.8) {
            row.region.push_str(home.province);
        } else {
            row.region.push_str(pshort);
        }
        row.product_line.push_str(case.product.line);
        if rng.chance(0.93) {
            row.product.push_str(&case.product_name);
        }
        if rng.chance(0.95) {
            row.category.push_str(case.scen.category());
            if rng.chance(0.85) {
                row.subcategory.push_str(case.subcategory);
            }
        }
        // Complainant identifiers.
        let name = person.name_variant(rng, o.repeat_person && o.k > 0);
        row.complainant_name.push_str(&name);
        let id_p = match style {
            Style::Letter | Style::Petition => 0.85,
            Style::Note | Style::Counter => 0.55,
            Style::Media => 0.1,
            _ => 0.6,
        };
        if rng.chance(id_p) || (o.repeat_person && rng.chance(0.5)) {
            let st = if o.repeat_person && person.id.ends_with('X') && rng.chance(0.5) {
                1
            } else if rng.chance(0.03) {
                2
            } else {
                0
            };
            f::resident_id(&mut row.resident_id, &person.id, st);
        }
        if o.repeat_person || rng.chance(0.95) {
            let st = if o.repeat_person {
                (o.phone_base + o.k as usize) % f::PHONE_STYLES
            } else {
                [0usize, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6][rng.index(15)]
            };
            f::phone(&mut row.phone, &person.phone, st);
        }
        if let Some(e) = &person.email
            && (rng.chance(0.5) || style == Style::Email)
        {
            row.email.push_str(e);
        }
        if rng.chance(if style == Style::Letter { 0.8 } else { 0.4 }) {
            row.address.push_str(&person.address);
        }
        if rng.chance(0.35) {
            f::date(&mut row.birth_date, person.birth, rng.weighted(f::DATE_STYLES));
        }
        if rng.chance(0.65) {
            row.gender.push_str(if person.male { "男" } else { "女" });
        }
        let age = person.age_at(d);
        let elderly = age >= 65;
        // Third party (background): children of the elderly, lawyers.
        if rng.chance(if elderly { 0.2 } else { 0.04 }) {
            let tp = self.people.person(hash(&[self.seed, 90, person.pid]) % 12_000_000);
            if elderly {
                let _ = write!(row.third_party_name, "{}{}", person.surname, &tp.name[tp.surname.len()..]);
                row.third_party_relationship.push_str(rng.pick(data::CHILD_REL));
            } else {
                row.third_party_name.push_str(&tp.name);
                row.third_party_relationship.push_str(rng.pick(&["律师", "配偶", "亲属", "朋友"]));
            }
            f::phone(&mut row.third_party_phone, &tp.phone, rng.index(3));
            if rng.chance(0.6) {
                row.power_of_attorney.push_str(if rng.chance(0.7) { "是" } else { "否" });
            }
        }
        // Policy, account, claim.
        let start = case.start.unwrap_or(d);
        if rng.chance(0.85) {
            row.policy_number.push_str(&case.policy_no);
        }
        if (case.is_insurance() || rng.chance(0.3)) && rng.chance(0.8) {
            f::date(&mut row.policy_start_date, start, rng.weighted(f::DATE_STYLES));
        }
        let cell_money = |out: &mut String, fen: i64, rng: &mut Rng| {
            if fen > 0 {
                f::money(out, fen, rng.pick_w(f::CELL_NOTATIONS));
            }
        };
        let surrender = matches!(case.scen, Scenario::CoolingOff | Scenario::CashValue | Scenario::MisSelling);
        if case.is_insurance() {
            let paid =
                if case.paid > 0 { case.paid } else { case.premium * (((d - start).num_days() / 365) + 1).max(1) };
            if surrender || rng.chance(0.4) {
                cell_money(&mut row.premiums_paid, paid, rng);
            }
            if (surrender && rng.chance(0.9)) || rng.chance(0.05) {
                cell_money(&mut row.cash_value, case.cash, rng);
            }
            if rng.chance(0.5) || case.scen.is_refusal() {
                cell_money(&mut row.sum_insured, case.sum, rng);
            }
            if rng.chance(0.7) {
                row.sales_channel.push_str(case.sales_channel);
            }
            if let Some(a) = &case.agent
                && rng.chance(0.75)
            {
                let _ = match rng.below(4) {
                    0 => write!(row.selling_agent, "{}", a.name),
                    1 => write!(row.selling_agent, "{}（工号{}）", a.name, a.code),
                    _ => write!(row.selling_agent, "{}({})", a.name, a.code),
                };
                if rng.chance(0.7) {
                    row.agent_departed.push_str(if a.departed {
                        rng.pick(&["是", "是", "已离职"])
                    } else {
                        rng.pick(&["否", "否", "在职"])
                    });
                }
            }
        } else if rng.chance(0.5) {
            row.sales_channel.push_str(case.sales_channel);
        }
        if case.scen.is_claim() {
            cell_money(&mut row.claim_amount, case.claim, rng);
            row.claim_decision.push_str(case.decision);
            row.refusal_ground.push_str(&case.ground_cell);
            if let Some(dd) = case.decision_date
                && rng.chance(0.8)
            {
                f::date(&mut row.claim_decision_date, dd, rng.weighted(f::DATE_STYLES));
            }
        }
        // Demands cell.
        if rng.chance(0.9) {
            let sep = if rng.chance(0.9) { "；" } else { ";" };
            for (i, (kind, amt)) in case.demands.iter().enumerate() {
                if i > 0 {
                    row.demands.push_str(sep);
                }
                push_demand(rng, &mut row.demands, *kind, *amt, sep);
            }
        }
        if rng.chance(0.12) {
            row.group_size.push('1');
        }
        // Tags.
        let mut tags: Vec<&str> = Vec::new();
        if elderly && rng.chance(0.6) {
            tags.push("老年人");
        }
        if o.k > 0 && rng.chance(0.5) {
            tags.push("重复投诉");
        }
        if style == Style::Referral && rng.chance(0.3) {
            tags.push("监管转办");
        }
        if style == Style::Media {
            tags.push("舆情");
        }
        row.tags.push_str(&tags.join("；"));

        // ----- the text
        let ctx = &mut self.ctx;
        ctx.clear();
        let first = style.first_person();
        ctx.set(S::Name, &name);
        ctx.set(S::Honor, &person.honorific());
        ctx.set(
            S::I,
            if first {
                if style == Style::Letter && rng.chance(0.4) { "本人" } else { "我" }
            } else {
                match style {
                    Style::Referral => rng.pick(&["投诉人", "其"]),
                    Style::Media => rng.pick(&["该用户", "其"]),
                    _ => rng.pick(&["客户", "客户", "其"]),
                }
            },
        );
        ctx.set(S::My, if first { "我的" } else { rng.pick(&["其", "客户的"]) });
        let co: &str = if first || matches!(style, Style::Referral) {
            match (bank, rng.below(4)) {
                (true, 0) => "贵行",
                (true, 1) => "你们银行",
                (_, 2) => "你们",
                (_, 3) => inst.short,
                _ => {
                    if style == Style::Referral {
                        "该公司"
                    } else {
                        "贵公司"
                    }
                }
            }
        } else if style == Style::Media {
            inst.short
        } else if bank {
            "我行"
        } else {
            "我司"
        };
        ctx.set(S::Co, co);
        ctx.set(S::Inst, inst.name);
        ctx.set(S::CoShort, inst.short);
        ctx.set(S::Product, &case.product_name);
        ctx.set(S::PolicyNo, &case.policy_no);
        let start_s = match rng.below(3) {
            0 => f::cn_date(start),
            1 => f::cn_month(start),
            _ => format!("{}年", start.year()),
        };
        ctx.set(S::Start, &start_s);
        ctx.set(S::StartYm, &f::cn_month(start));
        let years = if rng.chance(0.5) {
            format!("{}年", case.years_held)
        } else {
            format!("{}年", f::cn_count(case.years_held))
        };
        ctx.set(S::Years, &years);
        ctx.set(S::YearsPaid, &years);
        if let Some(a) = &case.agent {
            ctx.set(S::Agent, &a.name);
            ctx.set(S::AgentCode, &a.code);
            if a.departed && rng.chance(0.7) {
                let s = rng.pick(&[
                    "业务员已经离职了，电话也打不通。",
                    "现在业务员已经离职，找不到人。",
                    "卖保险的业务员早就离职了，没人负责。",
                ]);
                ctx.set(S::AgentLeft, s);
            }
        } else {
            ctx.set(S::Agent, "业务员");
        }
        ctx.set(S::Disease, case.disease);
        ctx.set(S::History, case.history);
        ctx.set(S::Ground, &case.ground_text);
        ctx.set_fmt(S::DaysSince, format_args!("{}", case.days_since));
        ctx.set_fmt(S::Wait, format_args!("{}", case.wait));
        ctx.set_fmt(S::WaitDays, format_args!("{}", case.wait_days));
        if let Some(e) = case.event_date {
            let s = match rng.below(3) {
                0 => f::cn_month(e),
                1 => f::cn_date(e),
                _ if e.year() == d.year() => format!("今年{}月", e.month()),
                _ => format!("去年{}月", e.month()),
            };
            ctx.set(S::ClaimWhen, &s);
        } else {
            ctx.set(S::ClaimWhen, rng.pick(&["上个月", "前段时间", "今年年初"]));
        }
        ctx.set(S::Event, case.event);
        let outcome = match case.scen {
            Scenario::Delay => "迟迟未给出结论".to_string(),
            Scenario::Amount => "只赔付了部分金额".to_string(),
            _ => format!("以“{}”为由拒赔", case.ground_text),
        };
        ctx.set(S::Outcome, &outcome);
        ctx.set(S::Reduce, case.reduce);
        ctx.set(S::City, home.city);
        ctx.set(S::District, home.district);
        ctx.set(S::City2, data::REGIONS[rng.index(data::REGIONS.len())].city);
        ctx.set_fmt(S::Age, format_args!("{}", age));
        let agedesc = match if elderly { age } else { rng.range(70, 89) as u32 } {
            0..=69 => "六十多岁",
            70..=79 => "七十多岁",
            80..=89 => "八十多岁",
            _ => "九十多岁",
        };
        ctx.set(S::AgeDesc, agedesc);
        ctx.set(S::Chronic, rng.pick(data::CHRONIC));
        ctx.set(S::Rate, case.rate);
        ctx.set(S::Branch, &row.branch);
        ctx.set(S::IdNo, &person.id);
        ctx.set(S::Phone, &person.phone);
        ctx.set(S::Contact, &person.phone);
        let recv_s = f::cn_date(d);
        ctx.set(S::Recv, &recv_s);
        ctx.set(S::Term, &f::cn_count(case.term));
        ctx.set(S::SvcItem, case.svc_item);
        ctx.set(S::Card, &case.product_name);
        ctx.set(S::Loan, &case.product_name);
        ctx.set_fmt(S::Overdue, format_args!("{}", case.overdue));
        ctx.set(S::Proof, case.proof);
        ctx.set(S::OtherDemand, case.other_demand);
        ctx.set(S::Hotline, inst.hotline);
        ctx.set(S::Who, if person.male { "男" } else { "女" });
        ctx.set(S::Repeat, &f::cn_count(o.k + 1));
        let handle = format!(
            "{}{}",
            rng.pick(&["维权", "小", "老", "追风", "一只", "爱吃"]),
            rng.pick(&["的猫", "少年", "阿姨", "打工人", "123", "2025"])
        );
        ctx.set(S::Handle, &handle);
        if case.incontest {
            ctx.set(
                S::Incontest,
                rng.pick(&[
                    "保单已经生效两年多了，按照《保险法》第十六条，保险公司已经不能解除合同。",
                    "合同成立已经超过两年，根据保险法规定不得再以未告知为由解除合同。",
                    "买了两年多才说我没告知，早干什么去了？",
                ]),
            );
        }
        ctx.set_money(M::Premium, case.premium);
        ctx.set_money(M::Paid, case.paid);
        ctx.set_money(M::Cash, case.cash);
        ctx.set_money(M::Loss, (case.paid - case.cash).max(0));
        ctx.set_money(M::Claim, case.claim);
        ctx.set_money(M::Got, case.got);
        ctx.set_money(M::Fee, case.fee);
        ctx.set_money(M::Amount, case.amount);
        ctx.set_money(M::Loan, case.loan_amt);
        ctx.set_money(M::Interest, case.interest);
        ctx.set_money(M::Sum, case.sum);
        ctx.set_money(M::Limit, case.limit);
        ctx.set_money(M::Limit2, case.limit2);

        // Demand sentence.
        let mut dem = std::mem::take(&mut self.scratch);
        dem.clear();
        let mut dem_list = String::new();
        {
            let n = case.demands.len();
            for (i, (kind, amt)) in case.demands.iter().enumerate() {
                if i > 0 {
                    dem.push_str(if i + 1 == n && n > 2 { "，并" } else { "，" });
                }
                ctx.set_money(M::Demand, *amt);
                let idx = DemandKind::ALL.iter().position(|x| x == kind).unwrap_or(0);
                let before = dem.len();
                expand(&self.lib.demand[idx], ctx, rng, &mut dem);
                let _ = write!(dem_list, "\n{}. {}{}", i + 1, &dem[before..], if i + 1 == n { "。" } else { "；" });
            }
        }
        let lib = self.lib;
        let st = &lib.scen[case.scen.text_index(case.cooling_inside)];
        let fact = &st.fact[case.fact.min(st.fact.len() - 1)].1;
        let argue = &st.argue[rng.index(st.argue.len())];
        let out = &mut row.text;
        let vulnerable_other = rng.chance(0.06);
        let vulnerable_old = elderly && rng.chance(0.6);
        let threat = rng.chance(0.22 + 0.1 * o.k as f64);
        let neg_threat = !threat && rng.chance(0.07);
        let surge = o.surge_cause.map(|c| &lib.surges[c.min(lib.surges.len() - 1)]);
        match style {
            Style::Note | Style::Counter | Style::Petition => {
                let open: &Tpl = match style {
                    Style::Counter => &lib.open_counter,
                    Style::Petition => &lib.open_petition,
                    _ if rng.chance(0.15) => &lib.open_note_anon,
                    _ => &lib.open_note,
                };
                if o.k > 0 {
                    expand(&lib.repeat_3p, ctx, rng, out);
                }
                expand(open, ctx, rng, out);
                if let Some(sc) = surge {
                    expand(sc, ctx, rng, out);
                }
                expand(fact, ctx, rng, out);
                if rng.chance(0.3) {
                    out.push_str(rng.pick(&["客户认为：", "客户表示，", "其称"]));
                    expand(argue, ctx, rng, out);
                }
                if vulnerable_old {
                    expand(&lib.vuln_note_old, ctx, rng, out);
                } else if vulnerable_other {
                    expand(&lib.vuln_note, ctx, rng, out);
                }
                if !dem.is_empty() {
                    out.push_str(rng.pick(&["客户要求", "客户诉求：", "诉求：", "要求"]));
                    out.push_str(&dem);
                    out.push('。');
                }
                if threat {
                    expand(&lib.escalate_note, ctx, rng, out);
                } else if neg_threat {
                    expand(&lib.neg_esc_note, ctx, rng, out);
                }
                expand(&lib.note_tone, ctx, rng, out);
                if style == Style::Note {
                    expand(&lib.note_tail, ctx, rng, out);
                }
            }
            Style::Referral | Style::Media => {
                expand(if style == Style::Referral { &lib.open_referral } else { &lib.open_media }, ctx, rng, out);
                if let Some(sc) = surge {
                    expand(sc, ctx, rng, out);
                }
                expand(fact, ctx, rng, out);
                if rng.chance(0.4) {
                    out.push_str(if style == Style::Referral { "投诉人认为，" } else { "该用户称，" });
                    expand(argue, ctx, rng, out);
                }
                if vulnerable_old {
                    expand(&lib.vuln_note_old, ctx, rng, out);
                }
                if !dem.is_empty() {
                    out.push_str(if style == Style::Referral { "投诉人诉求：" } else { "要求" });
                    out.push_str(&dem);
                    out.push('。');
                }
                if style == Style::Referral {
                    expand(&lib.referral_tail, ctx, rng, out);
                } else {
                    out.push_str(rng.pick(&[
                        "该帖已有数百条评论。",
                        "视频播放量已超过十万。",
                        "已有多名网友留言称有类似遭遇。",
                        "",
                    ]));
                }
            }
            Style::Online | Style::Email | Style::Letter => {
                let angry = rng.chance(0.45);
                match style {
                    Style::Letter => expand(&lib.letter_head, ctx, rng, out),
                    Style::Email => expand(&lib.open_email, ctx, rng, out),
                    _ => expand(&lib.open_online, ctx, rng, out),
                }
                if o.k > 0 {
                    expand(&lib.repeat_1p, ctx, rng, out);
                }
                if let Some(sc) = surge {
                    expand(sc, ctx, rng, out);
                }
                expand(fact, ctx, rng, out);
                let long = style == Style::Letter || (style == Style::Email && rng.chance(0.5));
                if long {
                    if rng.chance(0.5) {
                        out.push_str("\n\n");
                        expand(&lib.personal, ctx, rng, out);
                    }
                    let sold = matches!(
                        case.scen,
                        Scenario::MisSelling
                            | Scenario::CashValue
                            | Scenario::CoolingOff
                            | Scenario::NonDisclosure
                            | Scenario::Exclusion
                            | Scenario::NotCovered
                            | Scenario::Waiting
                    );
                    if sold && case.agent.is_some() && rng.chance(0.6) {
                        out.push_str("\n\n");
                        expand(&lib.purchase, ctx, rng, out);
                    }
                    if rng.chance(0.6) {
                        if case.scen.is_claim() {
                            out.push_str("\n\n");
                            expand(&lib.timeline_claim, ctx, rng, out);
                        } else if matches!(case.scen, Scenario::CashValue | Scenario::MisSelling) {
                            out.push_str("\n\n");
                            expand(&lib.timeline_policy, ctx, rng, out);
                        }
                    }
                    out.push_str("\n\n");
                    expand(&lib.history, ctx, rng, out);
                    out.push_str("\n\n");
                } else if rng.chance(0.3) {
                    out.push('\n');
                    if rng.chance(0.3) {
                        expand(&lib.history, ctx, rng, out);
                    }
                }
                if rng.chance(0.75) || style == Style::Letter {
                    expand(argue, ctx, rng, out);
                }
                if long && rng.chance(0.7) {
                    out.push_str("\n\n");
                    expand(&lib.points, ctx, rng, out);
                }
                if long && rng.chance(if case.is_insurance() { 0.75 } else { 0.3 }) {
                    out.push_str("\n\n");
                    if case.scen == Scenario::Delay {
                        expand(&lib.law_23, ctx, rng, out);
                    } else {
                        let insurance_law = case.scen.is_claim()
                            || matches!(case.scen, Scenario::MisSelling | Scenario::CashValue | Scenario::CoolingOff);
                        let li = if insurance_law { rng.index(lib.laws.len()) } else { 1 + rng.index(2) };
                        expand(&lib.laws[li], ctx, rng, out);
                        if rng.chance(0.3) {
                            expand(&lib.laws[(li + 1) % lib.laws.len()], ctx, rng, out);
                        }
                    }
                }
                if long && rng.chance(0.6) {
                    out.push_str("\n\n");
                    expand(&lib.feeling, ctx, rng, out);
                } else if !long && rng.chance(0.2) {
                    expand(&lib.feeling, ctx, rng, out);
                }
                if vulnerable_old {
                    expand(&lib.vuln_old, ctx, rng, out);
                } else if vulnerable_other {
                    expand(&lib.vuln, ctx, rng, out);
                }
                if angry {
                    expand(&lib.angry, ctx, rng, out);
                }
                if style == Style::Letter {
                    out.push_str("\n\n");
                }
                if long && case.demands.len() > 1 && rng.chance(0.7) {
                    expand(&lib.demand_list, ctx, rng, out);
                    out.push_str(&dem_list);
                    out.push('\n');
                } else if !dem.is_empty() {
                    out.push_str(rng.pick(&["我要求", "本人要求", "我的诉求是：", "希望"]));
                    out.push_str(co);
                    out.push_str(&dem);
                    out.push('。');
                }
                if threat {
                    expand(&lib.escalate, ctx, rng, out);
                } else if neg_threat {
                    expand(&lib.neg_esc, ctx, rng, out);
                }
                if long && rng.chance(0.6) {
                    out.push_str("\n\n");
                    expand(&lib.request, ctx, rng, out);
                } else if !angry {
                    expand(&lib.polite, ctx, rng, out);
                }
                match style {
                    Style::Letter => expand(&lib.letter_close, ctx, rng, out),
                    Style::Email => {
                        out.push_str("\n\n");
                        out.push_str(&name);
                        out.push('\n');
                        out.push_str(&person.phone);
                    }
                    _ => expand(&lib.online_close, ctx, rng, out),
                }
                if rng.chance(0.12) {
                    typo(rng, out);
                }
            }
        }
        self.scratch = dem;
    }
}

/// `全额退保:3.5万` and friends.
fn push_demand(rng: &mut Rng, out: &mut String, kind: DemandKind, amt: i64, _sep: &str) {
    let names: &[&str] = match kind {
        DemandKind::FullRefund => &["全额退保", "全额退保", "退还全部保费", "全额退款"],
        DemandKind::ClaimPayment => &["理赔", "理赔", "赔付", "支付理赔款"],
        DemandKind::Compensation => &["赔偿", "赔偿", "补偿", "经济补偿"],
        DemandKind::Interest => &["利息", "赔偿利息"],
        DemandKind::Apology => &["道歉", "道歉", "赔礼道歉"],
        DemandKind::StaffPunishment => &["处分", "处理责任人", "处罚员工"],
        DemandKind::Other => &["其他"],
    };
    out.push_str(rng.pick(names));
    if amt > 0 {
        out.push(':');
        let n: Notation = rng.pick_w(f::CELL_NOTATIONS);
        f::money(out, amt, n);
    }
}

fn typo(rng: &mut Rng, text: &mut String) {
    let start = rng.index(TYPOS.len());
    for i in 0..TYPOS.len() {
        let (a, b) = TYPOS[(start + i) % TYPOS.len()];
        if let Some(p) = text.find(a) {
            text.replace_range(p..p + a.len(), b);
            return;
        }
    }
}
