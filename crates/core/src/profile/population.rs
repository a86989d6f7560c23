//! Population analysis: how profile fields (age band, gender, region, channel, motive) are
//! distributed per category and per product line against the whole, with over-representation
//! flagged (docs/PROFILES.md, "Population").
//!
//! One pass interns every value to a small number (FNV-hashed maps), a second counts into flat
//! arrays; 1,000,000 rows take well under a second.

use super::*;
use std::collections::HashMap;

/// One complaint with its person's profile fields. Missing values count as `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationRow<'a> {
    pub category: Option<&'a str>,
    pub product_line: Option<&'a str>,
    pub age_band: Option<&'a str>,
    pub gender: Option<Gender>,
    /// Province code (first two digits of the resident ID), or another region code.
    pub region: Option<&'a str>,
    pub channel: Channel,
    pub motive: Option<MotiveCode>,
}

/// The rows of one person's complaints, from the profile built from them.
pub fn population_rows<'a>(profile: &'a Profile, items: &[ProfileItem<'a>]) -> Vec<PopulationRow<'a>> {
    items
        .iter()
        .map(|it| PopulationRow {
            category: it
                .complaint
                .category
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .or_else(|| it.analysis.and_then(|a| a.category).map(|c| c.code())),
            product_line: it.complaint.product_line.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            age_band: profile.basic.age_band.as_deref(),
            gender: profile.basic.gender,
            region: profile.basic.province.as_ref().map(|p| p.code.as_str()),
            channel: it.complaint.channel,
            motive: Some(profile.motive.primary),
        })
        .collect()
}

/// A value's count and share of its whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
    pub share: f64,
}

/// A value inside one group (a category or a product line) against the whole population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub value: String,
    pub count: u64,
    /// count / the group's total.
    pub share: f64,
    /// The value's share of the whole population.
    pub overall_share: f64,
    /// share / overall_share; `null` when the value never occurs.
    pub lift: Option<f64>,
    /// Two-proportion z: the group against the rest of the population; `null` when undefined.
    pub z: Option<f64>,
    pub over_represented: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDistribution {
    pub group: String,
    pub total: u64,
    pub cells: Vec<Cell>,
}

/// One profile field: its overall distribution, and per category and product line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDistribution {
    /// `age_band`, `gender`, `region`, `channel` or `motive`.
    pub field: String,
    pub overall: Vec<ValueCount>,
    pub by_category: Vec<GroupDistribution>,
    pub by_product_line: Vec<GroupDistribution>,
}

/// An over-represented cell, for the list at the top of the analytics page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub field: String,
    /// `category` or `product_line`.
    pub grouping: String,
    pub group: String,
    pub value: String,
    pub count: u64,
    pub share: f64,
    pub overall_share: f64,
    pub lift: f64,
    pub z: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Population {
    pub total: u64,
    pub fields: Vec<FieldDistribution>,
    /// Every over-represented cell, highest z first.
    pub highlights: Vec<Highlight>,
    pub min_lift: f64,
    pub min_count: u64,
    pub min_z: f64,
}

/// Values of one column numbered densely; 0 is `unknown`.
struct Interner<'a> {
    ids: HashMap<&'a str, u32, crate::fnv::FnvBuild>,
    names: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn new() -> Self {
        Interner { ids: HashMap::default(), names: vec![UNKNOWN] }
    }
    fn id(&mut self, v: Option<&'a str>) -> u32 {
        let Some(v) = v.map(str::trim).filter(|s| !s.is_empty() && *s != UNKNOWN) else { return 0 };
        if let Some(i) = self.ids.get(v) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(v);
        self.ids.insert(v, i);
        i
    }
}

const FIELDS: [&str; 5] = ["age_band", "gender", "region", "channel", "motive"];
const GROUPINGS: [&str; 2] = ["category", "product_line"];

/// Two-proportion z of a group against the rest of the population.
pub(super) fn z_score(n_gv: u64, n_g: u64, n_v: u64, n: u64) -> Option<f64> {
    let rest = n.checked_sub(n_g)?;
    if n_g == 0 || rest == 0 || n == 0 {
        return None;
    }
    let p1 = n_gv as f64 / n_g as f64;
    let p2 = n_v.saturating_sub(n_gv) as f64 / rest as f64;
    let p = n_v as f64 / n as f64;
    let se = (p * (1.0 - p) * (1.0 / n_g as f64 + 1.0 / rest as f64)).sqrt();
    (se > 0.0).then(|| (p1 - p2) / se)
}

/// Distributions of the profile fields per category and product line (docs/PROFILES.md).
pub fn population(rows: &[PopulationRow], cfg: &ProfileConfig) -> Population {
    // Pass 1: intern.
    let mut groups = [Interner::new(), Interner::new()];
    let mut age = Interner::new();
    let mut region = Interner::new();
    let mut ids: Vec<[u32; 7]> = Vec::with_capacity(rows.len());
    let gender_id =
        |g: Option<Gender>| g.map_or(0, |g| 1 + Gender::ALL.iter().position(|x| *x == g).unwrap_or(0) as u32);
    let channel_id = |c: Channel| 1 + Channel::ALL.iter().position(|x| *x == c).unwrap_or(0) as u32;
    let motive_id =
        |m: Option<MotiveCode>| m.map_or(0, |m| 1 + MotiveCode::ALL.iter().position(|x| *x == m).unwrap_or(0) as u32);
    for r in rows {
        ids.push([
            groups[0].id(r.category),
            groups[1].id(r.product_line),
            age.id(r.age_band),
            gender_id(r.gender),
            region.id(r.region),
            channel_id(r.channel),
            motive_id(r.motive),
        ]);
    }
    let mut value_names: [Vec<String>; 5] = Default::default();
    value_names[0] = age.names.iter().map(|s| s.to_string()).collect();
    value_names[1] = std::iter::once(UNKNOWN).chain(Gender::ALL.iter().map(|g| g.code())).map(String::from).collect();
    value_names[2] = region.names.iter().map(|s| s.to_string()).collect();
    value_names[3] = std::iter::once(UNKNOWN).chain(Channel::ALL.iter().map(|c| c.code())).map(String::from).collect();
    value_names[4] =
        std::iter::once(UNKNOWN).chain(MotiveCode::ALL.iter().map(|m| m.code())).map(String::from).collect();
    let nv: [usize; 5] = std::array::from_fn(|f| value_names[f].len());
    let ng: [usize; 2] = [groups[0].names.len(), groups[1].names.len()];

    // Pass 2: count.
    let mut overall: [Vec<u64>; 5] = std::array::from_fn(|f| vec![0u64; nv[f]]);
    let mut group_total: [Vec<u64>; 2] = std::array::from_fn(|g| vec![0u64; ng[g]]);
    let mut cells: [[Vec<u64>; 5]; 2] = std::array::from_fn(|g| std::array::from_fn(|f| vec![0u64; ng[g] * nv[f]]));
    for id in &ids {
        for f in 0..5 {
            overall[f][id[2 + f] as usize] += 1;
        }
        for g in 0..2 {
            let gid = id[g] as usize;
            group_total[g][gid] += 1;
            for f in 0..5 {
                cells[g][f][gid * nv[f] + id[2 + f] as usize] += 1;
            }
        }
    }
    drop(ids);

    // Output.
    let n = rows.len() as u64;
    let share = |c: u64, t: u64| if t == 0 { 0.0 } else { c as f64 / t as f64 };
    let pc = &cfg.population;
    let mut highlights = Vec::new();
    let mut fields = Vec::with_capacity(5);
    for f in 0..5 {
        // Value order: age bands as configured, others by count; unknown last.
        let mut order: Vec<usize> = (1..nv[f]).collect();
        if f == 0 {
            order.sort_by_key(|&v| {
                (cfg.age_band_index(&value_names[0][v]).unwrap_or(usize::MAX), value_names[0][v].clone())
            });
        } else {
            order.sort_by(|&a, &b| {
                overall[f][b].cmp(&overall[f][a]).then_with(|| value_names[f][a].cmp(&value_names[f][b]))
            });
        }
        order.retain(|&v| overall[f][v] > 0);
        if overall[f][0] > 0 {
            order.push(0);
        }
        let overall_out: Vec<ValueCount> = order
            .iter()
            .map(|&v| ValueCount {
                value: value_names[f][v].clone(),
                count: overall[f][v],
                share: r4(share(overall[f][v], n)),
            })
            .collect();
        let mut by: [Vec<GroupDistribution>; 2] = Default::default();
        for g in 0..2 {
            let mut gorder: Vec<usize> = (0..ng[g]).filter(|&i| group_total[g][i] > 0).collect();
            gorder.sort_by(|&a, &b| {
                group_total[g][b].cmp(&group_total[g][a]).then_with(|| groups[g].names[a].cmp(groups[g].names[b]))
            });
            for gid in gorder {
                let total = group_total[g][gid];
                let group = groups[g].names[gid].to_string();
                let mut out_cells = Vec::with_capacity(order.len());
                for &v in &order {
                    let count = cells[g][f][gid * nv[f] + v];
                    let s = share(count, total);
                    let os = share(overall[f][v], n);
                    let lift = (os > 0.0).then(|| s / os);
                    let z = z_score(count, total, overall[f][v], n);
                    let over = v != 0
                        && count >= pc.min_count
                        && lift.is_some_and(|l| l >= pc.min_lift)
                        && z.is_some_and(|z| z >= pc.min_z);
                    if over {
                        highlights.push(Highlight {
                            field: FIELDS[f].to_string(),
                            grouping: GROUPINGS[g].to_string(),
                            group: group.clone(),
                            value: value_names[f][v].clone(),
                            count,
                            share: r4(s),
                            overall_share: r4(os),
                            lift: r4(lift.unwrap_or(0.0)),
                            z: r4(z.unwrap_or(0.0)),
                        });
                    }
                    out_cells.push(Cell {
                        value: value_names[f][v].clone(),
                        count,
                        share: r4(s),
                        overall_share: r4(os),
                        lift: lift.map(r4),
                        z: z.map(r4),
                        over_represented: over,
                    });
                }
                by[g].push(GroupDistribution { group, total, cells: out_cells });
            }
        }
        let [by_category, by_product_line] = by;
        fields.push(FieldDistribution {
            field: FIELDS[f].to_string(),
            overall: overall_out,
            by_category,
            by_product_line,
        });
    }
    highlights.sort_by(|a, b| {
        b.z.total_cmp(&a.z)
            .then_with(|| a.field.cmp(&b.field))
            .then_with(|| a.grouping.cmp(&b.grouping))
            .then_with(|| a.group.cmp(&b.group))
            .then_with(|| a.value.cmp(&b.value))
    });
    Population { total: n, fields, highlights, min_lift: pc.min_lift, min_count: pc.min_count, min_z: pc.min_z }
}
