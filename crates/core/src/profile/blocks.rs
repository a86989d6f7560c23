//! The profile's blocks, each from the person's prepared items.

use super::*;
use crate::ClaimDecision;
use crate::ident::parse_resident_id;
use chrono::Datelike;
use std::collections::BTreeSet;

/// One item with what every block needs worked out once.
pub(super) struct Prep<'a> {
    pub id: &'a str,
    pub c: &'a Complaint,
    pub a: Option<&'a AnalysisFacts>,
    pub h: Option<&'a HandlingFacts>,
    pub date: NaiveDate,
    /// The complaint's category code (its own, else the text analysis').
    pub category: Option<String>,
    /// Demand kinds, structured and found in the text, sorted and distinct.
    pub kinds: Vec<DemandKind>,
    /// Demanded totals per currency (structured demands, else the text's).
    pub demanded: Vec<Money>,
}

/// Normalise a category value to its code where it is a known category.
pub(super) fn category_code(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    Some(Category::parse(t).map(|c| c.code().to_string()).unwrap_or_else(|| t.to_string()))
}

pub(super) fn prepare<'a>(items: &[ProfileItem<'a>]) -> Vec<Prep<'a>> {
    let mut out: Vec<Prep<'a>> = items
        .iter()
        .map(|it| {
            let c = it.complaint;
            let category = c
                .category
                .as_deref()
                .and_then(category_code)
                .or_else(|| it.analysis.and_then(|a| a.category).map(|k| k.code().to_string()));
            let mut kinds: Vec<DemandKind> = c.demands.iter().map(|d| d.kind).collect();
            if let Some(a) = it.analysis {
                kinds.extend(a.demands.iter().copied());
            }
            kinds.sort();
            kinds.dedup();
            let mut demanded = c.demanded_total();
            if demanded.is_empty()
                && let Some(a) = it.analysis
            {
                demanded = a.demanded_total.clone();
            }
            Prep { id: it.id, c, a: it.analysis, h: it.handling, date: c.received_at.date(), category, kinds, demanded }
        })
        .collect();
    out.sort_by(|x, y| (x.c.received_at, x.id).cmp(&(y.c.received_at, y.id)));
    out
}

/// Full years from `birth` to `on`; `None` when born after `on`.
pub(super) fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if birth > on {
        return None;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

fn counts<K: Ord + Clone>(values: impl Iterator<Item = K>) -> Vec<(K, u32)> {
    let mut m: BTreeMap<K, u32> = BTreeMap::new();
    for v in values {
        *m.entry(v).or_default() += 1;
    }
    let mut v: Vec<(K, u32)> = m.into_iter().collect();
    // Most frequent first; ties in key order (the sort is stable).
    v.sort_by_key(|b| std::cmp::Reverse(b.1));
    v
}

fn code_counts(values: impl Iterator<Item = String>) -> Vec<CodeCount> {
    counts(values).into_iter().map(|(code, count)| CodeCount { code, count }).collect()
}

pub(super) fn basic(p: &[Prep], ctx: &ProfileContext, cfg: &ProfileConfig) -> Basic {
    let mut b = Basic::default();
    // Valid resident IDs: the most frequent wins; ties go to the earliest seen.
    let mut ids: Vec<(crate::ident::ResidentIdInfo, u32)> = Vec::new();
    for x in p {
        if let Some(raw) = x.c.complainant.resident_id.as_deref()
            && let Ok(info) = parse_resident_id(raw)
        {
            match ids.iter_mut().find(|(i, _)| i.number == info.number) {
                Some((_, n)) => *n += 1,
                None => ids.push((info, 1)),
            }
        }
    }
    b.resident_ids = ids.len() as u32;
    let mut conflicts: BTreeSet<&str> = BTreeSet::new();
    if ids.len() > 1 {
        conflicts.insert("resident_id");
    }
    let best = ids.iter().fold(None, |acc: Option<&(crate::ident::ResidentIdInfo, u32)>, x| match acc {
        Some(a) if a.1 >= x.1 => Some(a),
        _ => Some(x),
    });
    // Stated values: the latest complaint's wins.
    let stated_birth = p.iter().rev().find_map(|x| x.c.complainant.birth_date);
    let stated_gender = p.iter().rev().find_map(|x| x.c.complainant.gender);
    let births: BTreeSet<NaiveDate> =
        p.iter().filter_map(|x| x.c.complainant.birth_date).chain(best.map(|(i, _)| i.birth_date)).collect();
    if births.len() > 1 {
        conflicts.insert("birth_date");
    }
    let genders: BTreeSet<Gender> =
        p.iter().filter_map(|x| x.c.complainant.gender).chain(best.map(|(i, _)| i.gender)).collect();
    if genders.len() > 1 {
        conflicts.insert("gender");
    }
    if let Some((info, _)) = best {
        b.birth_date = Some(info.birth_date);
        b.birth_date_source = Some(FactSource::ResidentId);
        b.gender = Some(info.gender);
        b.gender_source = Some(FactSource::ResidentId);
        b.region_code = Some(info.region_code.clone());
        let code = info.region_code[..2].to_string();
        let names = cfg.provinces.get(&code);
        b.province = Some(Province { zh: names.map(|n| n.zh.clone()), en: names.map(|n| n.en.clone()), code });
    } else {
        b.birth_date = stated_birth;
        b.birth_date_source = stated_birth.map(|_| FactSource::Stated);
        b.gender = stated_gender;
        b.gender_source = stated_gender.map(|_| FactSource::Stated);
    }
    b.age = b.birth_date.and_then(|d| age_on(d, ctx.today));
    b.age_band = b.age.and_then(|a| cfg.age_band(a)).map(str::to_string);
    b.complaint_regions = code_counts(
        p.iter().filter_map(|x| x.c.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)),
    );
    b.conflicts = conflicts.into_iter().map(String::from).collect();
    b
}

/// The busiest window: most dates no more than `window` days apart (dates sorted). Returns
/// (count, first index, last index).
pub(super) fn busiest_window(dates: &[NaiveDate], window: i64) -> (usize, usize, usize) {
    let mut best = (0usize, 0usize, 0usize);
    let mut i = 0;
    for j in 0..dates.len() {
        while (dates[j] - dates[i]).num_days() > window {
            i += 1;
        }
        if j + 1 - i > best.0 {
            best = (j + 1 - i, i, j);
        }
    }
    best
}

pub(super) fn behaviour(p: &[Prep], ctx: &ProfileContext, cfg: &ProfileConfig) -> Behaviour {
    let mut b = Behaviour { complaints: p.len() as u32, ..Default::default() };
    let (Some(first), Some(last)) = (p.first(), p.last()) else { return b };
    b.first_received = Some(first.c.received_at);
    b.last_received = Some(last.c.received_at);
    let recent = i64::from(cfg.behaviour.recent_days);
    b.recent = p.iter().filter(|x| (ctx.today - x.date).num_days() < recent).count() as u32;
    let observed = (ctx.today - first.date).num_days().max(i64::from(cfg.behaviour.rate_min_days)).max(1);
    b.rate_per_90_days = r4(p.len() as f64 / observed as f64 * 90.0);
    b.channels = counts(p.iter().map(|x| x.c.channel))
        .into_iter()
        .map(|(channel, count)| ChannelCount { channel, count })
        .collect();
    b.categories = code_counts(p.iter().filter_map(|x| x.category.clone()));
    b.product_lines = code_counts(
        p.iter().filter_map(|x| x.c.product_line.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)),
    );
    // Same issue: per category, the busiest window.
    let mut by_cat: BTreeMap<&str, Vec<&Prep>> = BTreeMap::new();
    for x in p {
        if let Some(c) = x.category.as_deref() {
            by_cat.entry(c).or_default().push(x);
        }
    }
    let window = i64::from(cfg.tags.repeat.window_days);
    for (cat, xs) in by_cat {
        if xs.len() < 2 {
            continue;
        }
        let dates: Vec<NaiveDate> = xs.iter().map(|x| x.date).collect();
        let (n, i, j) = busiest_window(&dates, window);
        b.same_issue.push(SameIssue {
            category: cat.to_string(),
            complaints: xs.len() as u32,
            max_in_window: n as u32,
            window_from: dates[i],
            window_to: dates[j],
            window_complaints: xs[i..=j].iter().map(|x| x.id.to_string()).collect(),
        });
    }
    b.same_issue.sort_by(|a, b| b.max_in_window.cmp(&a.max_in_window).then(b.complaints.cmp(&a.complaints)));
    // Regulator.
    for x in p {
        let referral = x.c.channel == Channel::RegulatorReferral;
        let escalated = x.h.is_some_and(|h| h.escalated_to_regulator);
        let threatened = x.a.is_some_and(|a| a.threats.contains(&Threat::Regulator));
        b.regulator.referrals += u32::from(referral);
        b.regulator.escalated += u32::from(escalated);
        b.regulator.threatened += u32::from(threatened);
        if referral || escalated || threatened {
            b.regulator.complaints += 1;
            b.regulator.complaint_refs.push(x.id.to_string());
        }
    }
    b.threats = counts(p.iter().filter_map(|x| x.a).flat_map(|a| {
        let mut t = a.threats.clone();
        t.sort();
        t.dedup();
        t
    }))
    .into_iter()
    .map(|(threat, count)| ThreatCount { threat, count })
    .collect();
    for x in p {
        if let Some(h) = x.h {
            b.withdrawals += u32::from(h.withdrawn || h.state == "withdrawn");
            b.answers_rejected = b.answers_rejected.saturating_add(h.answers_rejected);
        }
    }
    b.states = code_counts(p.iter().filter_map(|x| x.h).map(|h| h.state.trim().to_string()).filter(|s| !s.is_empty()));
    if p.len() >= 2 {
        let mut gaps: Vec<i64> = p.windows(2).map(|w| (w[1].date - w[0].date).num_days()).collect();
        let mean = gaps.iter().sum::<i64>() as f64 / gaps.len() as f64;
        gaps.sort_unstable();
        let m = gaps.len() / 2;
        let median = if gaps.len() % 2 == 1 { gaps[m] as f64 } else { (gaps[m - 1] + gaps[m]) as f64 / 2.0 };
        b.gaps = Some(Gaps {
            median_days: r4(median),
            mean_days: r4(mean),
            min_days: gaps[0],
            max_days: gaps[gaps.len() - 1],
        });
    }
    b
}

/// Least-squares slope of `ys` over x = 0, 1, 2 …
pub(super) fn slope(ys: &[f64]) -> f64 {
    let n = ys.len() as f64;
    if ys.len() < 2 {
        return 0.0;
    }
    let mx = (n - 1.0) / 2.0;
    let my = ys.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in ys.iter().enumerate() {
        let dx = i as f64 - mx;
        sxy += dx * (y - my);
        sxx += dx * dx;
    }
    if sxx == 0.0 { 0.0 } else { sxy / sxx }
}

pub(super) fn psychology(p: &[Prep], cfg: &ProfileConfig) -> Psychology {
    let analysed: Vec<&Prep> = p.iter().filter(|x| x.a.is_some()).collect();
    let mut out = Psychology { analysed: analysed.iter().map(|x| x.id.to_string()).collect(), ..Default::default() };
    let n = analysed.len();
    if n == 0 {
        return out;
    }
    for &e in Emotion::ALL {
        let series: Vec<f64> = analysed
            .iter()
            .map(|x| {
                x.a.map(|a| {
                    a.emotions
                        .iter()
                        .filter(|s| s.emotion == e && s.intensity.is_finite())
                        .map(|s| f64::from(s.intensity.clamp(0.0, 1.0)))
                        .fold(0.0, f64::max)
                })
                .unwrap_or(0.0)
            })
            .collect();
        let present_in = series.iter().filter(|v| **v > 0.0).count() as u32;
        if present_in == 0 {
            continue;
        }
        let change = slope(&series) * (n as f64 - 1.0);
        let t = cfg.psychology.trend_min_change;
        let direction = if (n as u32) < cfg.psychology.trend_min_points.max(2) {
            Direction::Insufficient
        } else if change >= t {
            Direction::Rising
        } else if change <= -t {
            Direction::Falling
        } else {
            Direction::Stable
        };
        let mean = series.iter().sum::<f64>() / n as f64;
        out.emotions.push(EmotionTrend {
            emotion: e,
            present_in,
            first: r4(series[0]),
            last: r4(series[n - 1]),
            mean: r4(mean),
            max: r4(series.iter().copied().fold(0.0, f64::max)),
            change: r4(change),
            direction,
            series: series.into_iter().map(r4).collect(),
        });
    }
    out.dominant = out
        .emotions
        .iter()
        .fold(None, |acc: Option<&EmotionTrend>, e| match acc {
            Some(a) if a.mean >= e.mean => Some(a),
            _ => Some(e),
        })
        .map(|e| e.emotion);
    out
}

fn ratio(num: Money, den: Money) -> Option<f64> {
    (num.currency == den.currency && den.minor > 0).then(|| num.minor as f64 / den.minor as f64)
}

pub(super) fn policies(p: &[Prep], ctx: &ProfileContext) -> Vec<PolicyFact> {
    let mut out: Vec<PolicyFact> = Vec::new();
    let mut by_number: BTreeMap<String, usize> = BTreeMap::new();
    fn set<T: Clone>(slot: &mut Option<T>, v: &Option<T>) {
        if v.is_some() {
            slot.clone_from(v);
        }
    }
    for x in p {
        let Some(pol) = &x.c.policy else { continue };
        let number = pol.number.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let idx = match number.and_then(|n| by_number.get(n)) {
            Some(i) => *i,
            None => {
                out.push(PolicyFact::default());
                if let Some(n) = number {
                    by_number.insert(n.to_string(), out.len() - 1);
                }
                out.len() - 1
            }
        };
        let f = &mut out[idx];
        f.number = number.map(String::from);
        set(&mut f.product_line, &x.c.product_line);
        set(&mut f.product, &x.c.product);
        set(&mut f.start_date, &pol.start_date);
        set(&mut f.premiums_paid, &pol.premiums_paid);
        set(&mut f.cash_value, &pol.cash_value);
        set(&mut f.sum_insured, &pol.sum_insured);
        set(&mut f.sales_channel, &pol.sales_channel);
        set(&mut f.agent, &pol.agent);
        set(&mut f.agent_departed, &pol.agent_departed);
        f.complaints.push(x.id.to_string());
    }
    for f in &mut out {
        f.policy_year = f.start_date.and_then(|s| age_on(s, ctx.today)).map(|y| y + 1);
        if let (Some(cv), Some(pp)) = (f.cash_value, f.premiums_paid) {
            f.cash_value_ratio = ratio(cv, pp).map(r4);
            f.loss_ratio = f.cash_value_ratio.map(|r| r4(1.0 - r));
        }
    }
    out
}

fn is_claim(x: &Prep) -> bool {
    x.kinds.contains(&DemandKind::ClaimPayment) || x.category.as_deref().is_some_and(|c| c.starts_with("claim_"))
}

fn is_surrender(x: &Prep) -> bool {
    x.kinds.contains(&DemandKind::FullRefund) || x.category.as_deref() == Some(Category::SurrenderDispute.code())
}

/// The entitlement a complaint's demand is measured against (docs/PROFILES.md).
pub(super) fn entitlement(x: &Prep, cfg: &ProfileConfig) -> Option<(Money, EntitlementBasis)> {
    let claimed = x.c.claim.as_ref().and_then(|c| c.amount_claimed);
    let pol = x.c.policy.as_ref();
    if is_claim(x)
        && let Some(m) = claimed
    {
        return Some((m, EntitlementBasis::ClaimAmount));
    }
    if is_surrender(x) {
        let cooling = pol.and_then(|p| p.start_date).is_some_and(|s| {
            let d = (x.date - s).num_days();
            (0..=i64::from(cfg.tags.excessive_demand.cooling_off_days)).contains(&d)
        });
        if cooling {
            if let Some(m) = pol.and_then(|p| p.premiums_paid) {
                return Some((m, EntitlementBasis::PremiumsCoolingOff));
            }
        } else if let Some(m) = pol.and_then(|p| p.cash_value) {
            return Some((m, EntitlementBasis::CashValue));
        }
    }
    if let Some(m) = claimed {
        return Some((m, EntitlementBasis::ClaimAmount));
    }
    pol.and_then(|p| p.premiums_paid).map(|m| (m, EntitlementBasis::PremiumsPaid))
}

pub(super) fn demands(p: &[Prep], cfg: &ProfileConfig) -> Demands {
    let mut d = Demands {
        kinds: code_counts(p.iter().flat_map(|x| x.kinds.iter().map(|k| k.code().to_string()))),
        ..Default::default()
    };
    let mut totals: BTreeMap<crate::Currency, i64> = BTreeMap::new();
    for m in p.iter().flat_map(|x| x.demanded.iter()) {
        let t = totals.entry(m.currency).or_default();
        *t = t.saturating_add(m.minor);
    }
    d.totals = totals.into_iter().map(|(c, m)| Money::new(m, c)).collect();
    let ed = &cfg.tags.excessive_demand;
    for x in p {
        let Some((ent, basis)) = entitlement(x, cfg) else { continue };
        let Some(demanded) = x.demanded.iter().find(|m| m.currency == ent.currency).copied() else { continue };
        if demanded.minor <= 0 {
            continue;
        }
        let ratio = (ent.minor > 0).then(|| demanded.minor as f64 / ent.minor as f64);
        let big_enough = demanded.minor >= ed.min_demand.saturating_mul(100);
        let excessive = big_enough && ratio.is_none_or(|r| r >= ed.min_ratio);
        d.assessments.push(DemandAssessment {
            complaint: x.id.to_string(),
            demanded,
            entitlement: ent,
            basis,
            ratio: ratio.map(r4),
            excessive,
        });
    }
    d
}

pub(super) fn third_parties(p: &[Prep]) -> ThirdParties {
    let mut t = ThirdParties::default();
    let clean = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    for x in p {
        let marker = x.a.is_some_and(|a| a.markers.contains(&Marker::Representative));
        if marker {
            t.representative_marker.push(x.id.to_string());
        }
        let tp = x.c.third_party.as_ref();
        if tp.is_some() || marker {
            t.complaints += 1;
        }
        let Some(tp) = tp else { continue };
        if tp.power_of_attorney == Some(true) {
            t.power_of_attorney += 1;
        }
        let (name, relationship) = (clean(&tp.name), clean(&tp.relationship));
        let f = match t.parties.iter_mut().position(|f| f.name == name && f.relationship == relationship) {
            Some(i) => &mut t.parties[i],
            None => {
                t.parties.push(ThirdPartyFact { name, relationship, power_of_attorney: None, complaints: Vec::new() });
                let last = t.parties.len() - 1;
                &mut t.parties[last]
            }
        };
        f.power_of_attorney = match (f.power_of_attorney, tp.power_of_attorney) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        };
        f.complaints.push(x.id.to_string());
    }
    t
}

pub(super) fn concessions(p: &[Prep]) -> Concessions {
    let mut c = Concessions::default();
    let mut totals: BTreeMap<crate::Currency, i64> = BTreeMap::new();
    for x in p {
        let Some(h) = x.h else { continue };
        if h.concessions.is_empty() {
            continue;
        }
        c.complaints.push(x.id.to_string());
        for m in &h.concessions {
            let t = totals.entry(m.currency).or_default();
            *t = t.saturating_add(m.minor);
        }
    }
    c.totals = totals.into_iter().map(|(cur, m)| Money::new(m, cur)).collect();
    c
}

pub(super) fn vulnerability(p: &[Prep], basic: &Basic, cfg: &ProfileConfig) -> VulnerabilityBlock {
    let mut v = VulnerabilityBlock::default();
    if let Some(age) = basic.age
        && age >= cfg.vulnerability.elderly_age
    {
        v.flags.push(VulnerabilityFlag {
            kind: Vulnerability::Elderly,
            source: VulnerabilitySource::Age,
            complaints: Vec::new(),
        });
    }
    for &k in Vulnerability::ALL {
        let refs: Vec<String> =
            p.iter().filter(|x| x.a.is_some_and(|a| a.vulnerability.contains(&k))).map(|x| x.id.to_string()).collect();
        if !refs.is_empty() {
            v.flags.push(VulnerabilityFlag { kind: k, source: VulnerabilitySource::Text, complaints: refs });
        }
    }
    v.vulnerable = !v.flags.is_empty();
    v
}

/// Whether any complaint's claim was refused (motive signal).
pub(super) fn claim_refused(x: &Prep) -> bool {
    x.c.claim.as_ref().is_some_and(|c| c.decision == Some(ClaimDecision::Refused))
}
