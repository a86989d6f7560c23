//! Identity resolution: which complaint records were filed by the same person.
//!
//! Pure and deterministic: records in, a cluster per record and the evidence for every merge out.
//! Rules, strongest first (see `docs/IDENTITY.md`):
//!
//! 1. same **valid** resident ID number (normalised, check character right) — confidence 1.0;
//! 2. same normalised e-mail **and** a similar name — 0.95;
//! 3. same normalised phone **and** a similar name — 0.9;
//! 4. same name **and** same birth date (from the ID number or the birth-date field) — 0.85.
//!
//! Guards: a cluster never holds two different valid resident ID numbers, nor (through rules 2-4)
//! two different known birth dates; a shared phone, e-mail or address alone never merges people
//! with different names (family members, rings). "Similar" names: equal after folding
//! (whitespace, middle dots, full-width, traditional → simplified, ASCII case), or one character
//! apart with the same first character (surname) — for two-character names only when both
//! sides have the same known birth date. Supervisor overrides: cannot-links are enforced during
//! every union; must-links are applied after the rules (and still never join two different
//! valid ID numbers).
//!
//! Blocking by key (ID, phone, e-mail, name + birth date) keeps the work near-linear: each block
//! is split by exact folded name, and only distinct names inside one small block are compared.

use crate::ident::{normalize_phone, parse_resident_id};
use crate::text::normalize::{BUILTIN_T2S, T2s, fold_char};
use chrono::NaiveDate;
use std::collections::HashMap;

/// One complaint's complainant identifiers, borrowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record<'a> {
    /// The caller's identifier for the record; echoed in [`Link`]s and used by [`Override`]s.
    pub idx: usize,
    pub name: Option<&'a str>,
    pub resident_id: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub birth_date: Option<NaiveDate>,
}

/// Evidence for one merge: records `a` and `b` (caller's `idx`) were joined by `rule`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub a: usize,
    pub b: usize,
    pub rule: &'static str,
    pub confidence: f32,
}

/// A supervisor's decision: records `a` and `b` (caller's `idx`) are (`same`) or are not the
/// same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    pub a: usize,
    pub b: usize,
    pub same: bool,
}

/// A merge a rule or a must-link proposed and a guard refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub a: usize,
    pub b: usize,
    pub rule: &'static str,
    /// `conflicting_resident_ids`, `conflicting_birth_dates` or `cannot_link`.
    pub reason: &'static str,
}

/// The result of [`resolve`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolution {
    /// Cluster (person) number per record, by position in the input slice; numbered densely
    /// from 0 in order of each cluster's first record.
    pub person_of: Vec<usize>,
    /// Every merge, in the order made, with its rule and confidence (a spanning forest of the
    /// clusters: `records.len() - clusters` links).
    pub links: Vec<Link>,
    /// Proposed merges refused by a guard (evidence for review).
    pub refusals: Vec<Refusal>,
    /// Number of clusters.
    pub persons: usize,
}

/// Rule names used in [`Link::rule`].
pub const RULE_RESIDENT_ID: &str = "resident_id";
pub const RULE_EMAIL_NAME: &str = "email_name";
pub const RULE_PHONE_NAME: &str = "phone_name";
pub const RULE_NAME_BIRTH: &str = "name_birth";
pub const RULE_OVERRIDE: &str = "override";

/// Confidence of each rule.
pub fn rule_confidence(rule: &str) -> f32 {
    match rule {
        RULE_RESIDENT_ID => 1.0,
        RULE_EMAIL_NAME => 0.95,
        RULE_PHONE_NAME => 0.9,
        RULE_NAME_BIRTH => 0.85,
        _ => 1.0,
    }
}

/// Blocks with more distinct names than this are only merged on exact names (no pairwise
/// near-name comparison), so a phone or mailbox shared by hundreds stays linear.
const MAX_FUZZY_NAMES: usize = 64;

/// Traditional → simplified pairs for characters common in personal names that the text table
/// (written for complaint language) lacks. Merged under the built-in table.
const NAME_T2S: &[(char, char)] = &[
    ('陳', '陈'),
    ('劉', '刘'),
    ('楊', '杨'),
    ('黃', '黄'),
    ('趙', '赵'),
    ('吳', '吴'),
    ('孫', '孙'),
    ('馬', '马'),
    ('羅', '罗'),
    ('鄭', '郑'),
    ('謝', '谢'),
    ('許', '许'),
    ('韓', '韩'),
    ('馮', '冯'),
    ('鄧', '邓'),
    // 蕭 is the traditional form of both 萧 and the far commoner 肖.
    ('蕭', '肖'),
    ('蔣', '蒋'),
    ('蘇', '苏'),
    ('呂', '吕'),
    ('盧', '卢'),
    ('鍾', '钟'),
    ('鐘', '钟'),
    ('譚', '谭'),
    ('陸', '陆'),
    ('賈', '贾'),
    ('韋', '韦'),
    ('鄒', '邹'),
    ('龍', '龙'),
    ('賀', '贺'),
    ('顧', '顾'),
    ('龔', '龚'),
    ('錢', '钱'),
    ('萬', '万'),
    ('葉', '叶'),
    ('閆', '闫'),
    ('嚴', '严'),
    ('湯', '汤'),
    ('張', '张'),
    ('國', '国'),
    ('華', '华'),
    ('偉', '伟'),
    ('麗', '丽'),
    ('軍', '军'),
    ('紅', '红'),
    ('蘭', '兰'),
    ('東', '东'),
    ('慶', '庆'),
    ('鳳', '凤'),
    ('雲', '云'),
    ('飛', '飞'),
    ('鵬', '鹏'),
    ('傑', '杰'),
    ('濤', '涛'),
    ('剛', '刚'),
    ('輝', '辉'),
    ('寧', '宁'),
    ('榮', '荣'),
    ('貴', '贵'),
    ('興', '兴'),
    ('鋒', '锋'),
    ('強', '强'),
    ('曉', '晓'),
    ('凱', '凯'),
    ('夢', '梦'),
    ('詩', '诗'),
    ('婭', '娅'),
    ('嬌', '娇'),
    ('廣', '广'),
    ('靜', '静'),
    ('愛', '爱'),
    ('寶', '宝'),
    ('鐵', '铁'),
    ('龐', '庞'),
    ('聶', '聂'),
    ('齊', '齐'),
    ('喬', '乔'),
];

/// Name folding: whitespace and name separators dropped, full-width folded, traditional →
/// simplified, ASCII lower-cased.
#[derive(Debug, Clone)]
pub struct NameFolder {
    t2s: T2s,
}

impl Default for NameFolder {
    fn default() -> Self {
        Self::new()
    }
}

impl NameFolder {
    pub fn new() -> Self {
        let mut t2s = T2s::parse(BUILTIN_T2S).unwrap_or_default();
        // The name table wins where both define a character.
        if let Ok(names) = T2s::parse(&NAME_T2S.iter().map(|(t, s)| format!("{t} {s}\n")).collect::<String>()) {
            t2s.extend(&names);
        }
        NameFolder { t2s }
    }

    /// The folded name, or `None` when nothing is left.
    pub fn fold(&self, name: &str) -> Option<String> {
        // A romanised name (pinyin or English, as in English-language records) is written in
        // either order and with or without a comma: "Zhang San", "San Zhang", "ZHANG, San".
        // Its words are compared as a set (sorted), so every order folds the same.
        if name.chars().any(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | ',' | '.' | '-' | '\'' | '\u{3000}'))
        {
            let mut words: Vec<String> = name
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            words.sort();
            let s = words.concat();
            return if s.is_empty() { None } else { Some(s) };
        }
        let s: String = name
            .chars()
            .map(|c| fold_char(c, &self.t2s).to_ascii_lowercase())
            .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '.' | '・' | '-' | '_'))
            .collect();
        if s.is_empty() { None } else { Some(s) }
    }
}

/// How close two folded names are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    Exact,
    /// One character apart, same first character, at least three characters.
    Near,
    /// One character apart, same first character, two characters: needs equal birth dates.
    NearShort,
    No,
}

fn name_match(a: &str, b: &str) -> NameMatch {
    if a == b {
        return NameMatch::Exact;
    }
    let ac: Vec<char> = a.chars().collect();
    let bc: Vec<char> = b.chars().collect();
    if ac.len() < 2 || bc.len() < 2 || ac[0] != bc[0] || !within_one_edit(&ac, &bc) {
        return NameMatch::No;
    }
    if ac.len().min(bc.len()) >= 3 { NameMatch::Near } else { NameMatch::NearShort }
}

/// Levenshtein distance ≤ 1 (the strings differ).
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// A record after normalisation.
struct Norm {
    name: Option<String>,
    /// Interned valid resident ID.
    id: Option<u32>,
    birth: Option<NaiveDate>,
}

/// Union-find with per-cluster guards.
struct Clusters {
    parent: Vec<u32>,
    size: Vec<u32>,
    id: Vec<Option<u32>>,
    birth: Vec<Option<NaiveDate>>,
    /// Cannot-link partners (positions) of the records of each root.
    cannot: Vec<Vec<u32>>,
}

impl Clusters {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let p = self.parent[x] as usize;
            self.parent[x] = self.parent[p];
            x = p;
        }
        x
    }

    /// Whether a cannot-link of root `r` points into the cluster of root `other`.
    fn forbids(&mut self, r: usize, other: usize) -> bool {
        let list = std::mem::take(&mut self.cannot[r]);
        let hit = list.iter().any(|&c| self.find(c as usize) == other);
        self.cannot[r] = list;
        hit
    }

    /// Join the clusters of `a` and `b`. `Ok(true)` when joined, `Ok(false)` when already one,
    /// `Err(reason)` when a guard refuses.
    fn union(&mut self, a: usize, b: usize, check_birth: bool, need_same_birth: bool) -> Result<bool, &'static str> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(false);
        }
        if let (Some(x), Some(y)) = (self.id[ra], self.id[rb])
            && x != y
        {
            return Err("conflicting_resident_ids");
        }
        match (self.birth[ra], self.birth[rb]) {
            (Some(x), Some(y)) if check_birth && x != y => return Err("conflicting_birth_dates"),
            (Some(_), Some(_)) => {}
            _ if need_same_birth => return Err("unknown_birth_date"),
            _ => {}
        }
        if self.forbids(ra, rb) || self.forbids(rb, ra) {
            return Err("cannot_link");
        }
        let (big, small) = if self.size[ra] >= self.size[rb] { (ra, rb) } else { (rb, ra) };
        self.parent[small] = big as u32;
        self.size[big] += self.size[small];
        self.id[big] = self.id[big].or(self.id[small]);
        self.birth[big] = self.birth[big].or(self.birth[small]);
        let moved = std::mem::take(&mut self.cannot[small]);
        self.cannot[big].extend(moved);
        Ok(true)
    }
}

/// Key kinds of [`record_keys`].
pub const KEY_RESIDENT_ID: &str = "resident_id";
pub const KEY_EMAIL: &str = "email";
pub const KEY_PHONE: &str = "phone";
pub const KEY_NAME_BIRTH: &str = "name_birth";

/// The normalised identifiers by which [`resolve_with`] can link a record to another, as
/// (kind, value): a valid resident ID number, an e-mail, a phone (each normalised as the rules
/// compare them), and folded name + birth date. Two records the rules could link share at least
/// one key, so a store can find the candidates of a new record by these keys alone.
pub fn record_keys(r: &Record, folder: &NameFolder) -> Vec<(&'static str, String)> {
    let mut out = Vec::with_capacity(4);
    let info = r.resident_id.and_then(|s| parse_resident_id(s).ok());
    let birth = info.as_ref().map(|i| i.birth_date).or(r.birth_date);
    if let Some(i) = info {
        out.push((KEY_RESIDENT_ID, i.number));
    }
    if let Some(e) = r.email.map(|e| e.trim().to_lowercase()).filter(|e| e.len() >= 3 && e.contains('@')) {
        out.push((KEY_EMAIL, e));
    }
    if let Some(p) = r.phone.map(normalize_phone).filter(|s| s.len() >= 7) {
        out.push((KEY_PHONE, p));
    }
    if let (Some(name), Some(b)) = (r.name.and_then(|n| folder.fold(n)), birth) {
        out.push((KEY_NAME_BIRTH, format!("{name}|{b}")));
    }
    out
}

/// Resolve identities with the rules only.
pub fn resolve(records: &[Record]) -> Resolution {
    resolve_with(records, &[], &NameFolder::new())
}

/// Resolve identities with supervisor overrides and a name folder (build it once and reuse).
/// Overrides naming an unknown `idx` are ignored.
pub fn resolve_with(records: &[Record], overrides: &[Override], folder: &NameFolder) -> Resolution {
    let n = records.len();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let norms: Vec<Norm> = records
        .iter()
        .map(|r| {
            let info = r.resident_id.and_then(|s| parse_resident_id(s).ok());
            let (id, birth) = match info {
                Some(info) => {
                    let next = ids.len() as u32;
                    (Some(*ids.entry(info.number).or_insert(next)), Some(info.birth_date))
                }
                None => (None, r.birth_date),
            };
            Norm { name: r.name.and_then(|s| folder.fold(s)), id, birth }
        })
        .collect();
    drop(ids);

    let mut uf = Clusters {
        parent: (0..n as u32).collect(),
        size: vec![1; n],
        id: norms.iter().map(|m| m.id).collect(),
        birth: norms.iter().map(|m| m.birth).collect(),
        cannot: vec![Vec::new(); n],
    };
    let pos_of: HashMap<usize, usize> = records.iter().enumerate().map(|(p, r)| (r.idx, p)).collect();
    for o in overrides.iter().filter(|o| !o.same) {
        if let (Some(&a), Some(&b)) = (pos_of.get(&o.a), pos_of.get(&o.b)) {
            uf.cannot[a].push(b as u32);
            uf.cannot[b].push(a as u32);
        }
    }

    let mut out = Resolution::default();
    let join = |uf: &mut Clusters, out: &mut Resolution, a: usize, b: usize, rule: &'static str, m: NameMatch| {
        let check_birth = rule != RULE_RESIDENT_ID && rule != RULE_OVERRIDE;
        match uf.union(a, b, check_birth, m == NameMatch::NearShort) {
            Ok(true) => {
                out.links.push(Link { a: records[a].idx, b: records[b].idx, rule, confidence: rule_confidence(rule) })
            }
            Ok(false) => {}
            Err("unknown_birth_date") => {}
            Err(reason) => out.refusals.push(Refusal { a: records[a].idx, b: records[b].idx, rule, reason }),
        }
    };

    // Rule 1: same valid resident ID.
    for block in blocks(n, |p| norms[p].id) {
        for &p in &block[1..] {
            join(&mut uf, &mut out, block[0], p, RULE_RESIDENT_ID, NameMatch::Exact);
        }
    }

    // Rules 2 and 3: same e-mail / phone and a similar name.
    let email_key =
        |p: usize| records[p].email.map(|e| e.trim().to_lowercase()).filter(|e| e.len() >= 3 && e.contains('@'));
    let phone_key = |p: usize| records[p].phone.map(normalize_phone).filter(|s| s.len() >= 7);
    for (key, rule) in [
        (&email_key as &dyn Fn(usize) -> Option<String>, RULE_EMAIL_NAME),
        (&phone_key as &dyn Fn(usize) -> Option<String>, RULE_PHONE_NAME),
    ] {
        for block in blocks(n, |p| if norms[p].name.is_some() { key(p) } else { None }) {
            if block.len() < 2 {
                continue;
            }
            // Split the block by exact folded name, in order of first appearance.
            let mut names: Vec<(&str, Vec<usize>)> = Vec::new();
            for &p in &block {
                let name = norms[p].name.as_deref().unwrap_or_default();
                match names.iter_mut().find(|(m, _)| *m == name) {
                    Some((_, v)) => v.push(p),
                    None => names.push((name, vec![p])),
                }
                if names.len() > MAX_FUZZY_NAMES * 4 {
                    break;
                }
            }
            if names.len() > MAX_FUZZY_NAMES * 4 {
                // A contact shared by very many: exact names only, via a map.
                let mut by_name: HashMap<&str, usize> = HashMap::new();
                for &p in &block {
                    let name = norms[p].name.as_deref().unwrap_or_default();
                    let first = *by_name.entry(name).or_insert(p);
                    if first != p {
                        join(&mut uf, &mut out, first, p, rule, NameMatch::Exact);
                    }
                }
                continue;
            }
            for (_, ps) in &names {
                for &p in &ps[1..] {
                    join(&mut uf, &mut out, ps[0], p, rule, NameMatch::Exact);
                }
            }
            if names.len() > MAX_FUZZY_NAMES {
                continue;
            }
            for i in 0..names.len() {
                for j in i + 1..names.len() {
                    let m = name_match(names[i].0, names[j].0);
                    if m == NameMatch::No {
                        continue;
                    }
                    // Try every record pair until one joins: the first pair may be refused by a
                    // guard that another pair passes.
                    'pairs: for &a in &names[i].1 {
                        for &b in &names[j].1 {
                            let before = out.links.len();
                            join(&mut uf, &mut out, a, b, rule, m);
                            if out.links.len() > before || uf.find(a) == uf.find(b) {
                                break 'pairs;
                            }
                        }
                    }
                }
            }
        }
    }

    // Rule 4: same name and same birth date.
    for block in blocks(n, |p| match (&norms[p].name, norms[p].birth) {
        (Some(name), Some(b)) => Some((name.as_str(), b)),
        _ => None,
    }) {
        // Two people may share a name and a birth date: only join records whose contacts do
        // not contradict (each phone and e-mail equal or missing on one side).
        let phones: Vec<Option<String>> = block.iter().map(|&p| phone_key(p)).collect();
        let emails: Vec<Option<String>> = block.iter().map(|&p| email_key(p)).collect();
        let agree = |x: &Option<String>, y: &Option<String>| x.is_none() || y.is_none() || x == y;
        for j in 1..block.len().min(256) {
            for i in 0..j {
                // Every record of the block already in i's cluster must agree with j.
                let root = uf.find(block[i]);
                let fits = (0..j).all(|k| {
                    uf.find(block[k]) != root || (agree(&phones[k], &phones[j]) && agree(&emails[k], &emails[j]))
                });
                if fits {
                    join(&mut uf, &mut out, block[i], block[j], RULE_NAME_BIRTH, NameMatch::Exact);
                    break;
                }
            }
        }
    }

    // Must-links.
    for o in overrides.iter().filter(|o| o.same) {
        if let (Some(&a), Some(&b)) = (pos_of.get(&o.a), pos_of.get(&o.b)) {
            join(&mut uf, &mut out, a, b, RULE_OVERRIDE, NameMatch::Exact);
        }
    }

    // Dense cluster numbers in order of first record.
    let mut number: Vec<usize> = vec![usize::MAX; n];
    let mut next = 0;
    out.person_of = (0..n)
        .map(|p| {
            let r = uf.find(p);
            if number[r] == usize::MAX {
                number[r] = next;
                next += 1;
            }
            number[r]
        })
        .collect();
    out.persons = next;
    out
}

/// Positions grouped by key (only keys held by at least two records), in order of each group's
/// first position; positions ascending inside a group.
fn blocks<K: std::hash::Hash + Eq>(n: usize, key: impl Fn(usize) -> Option<K>) -> Vec<Vec<usize>> {
    let mut map: HashMap<K, Vec<usize>> = HashMap::new();
    for p in 0..n {
        if let Some(k) = key(p) {
            map.entry(k).or_default().push(p);
        }
    }
    let mut out: Vec<Vec<usize>> = map.into_values().filter(|v| v.len() >= 2).collect();
    out.sort_unstable_by_key(|v| v[0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanised_names_fold_in_any_order() {
        let f = NameFolder::new();
        let z = f.fold("Zhang San");
        assert!(z.is_some());
        for v in ["San Zhang", "ZHANG, San", "zhang  san", "Zhang-San"] {
            assert_eq!(f.fold(v), z, "{v}");
        }
        assert_ne!(f.fold("Zhang Shan"), z);
        // Chinese names are not reordered.
        assert_ne!(f.fold("三张"), f.fold("张三"));
    }

    fn id(first17: &str) -> String {
        format!("{first17}{}", crate::ident::resident_id_check_char(first17).unwrap())
    }

    fn rec<'a>(idx: usize, name: &'a str, rid: Option<&'a str>, phone: Option<&'a str>) -> Record<'a> {
        Record { idx, name: Some(name), resident_id: rid, phone, ..Default::default() }
    }

    fn same(r: &Resolution, a: usize, b: usize) -> bool {
        r.person_of[a] == r.person_of[b]
    }

    #[test]
    fn resident_id_rule() {
        let a = id("11010519491231002");
        let lower = a.to_lowercase();
        let recs = [
            rec(0, "张三", Some(&a), None),
            rec(1, "張 三", Some(&lower), Some("13800138000")),
            rec(2, "张三", Some("110105194912310021"), None), // wrong check character
        ];
        let r = resolve(&recs);
        assert!(same(&r, 0, 1));
        // An invalid ID is no identifier; same name but no birth date → no merge.
        assert!(!same(&r, 0, 2));
        assert_eq!(r.links, vec![Link { a: 0, b: 1, rule: RULE_RESIDENT_ID, confidence: 1.0 }]);
        assert_eq!(r.persons, 2);
    }

    #[test]
    fn phone_variants_same_name_merge() {
        let recs = [
            rec(0, "李明", None, Some("13800138000")),
            rec(1, "李明", None, Some("+86 138 0013 8000")),
            rec(2, "李 明", None, Some("0086 13800138000")),
            rec(3, "李明", None, Some("138-0013-8000")),
            rec(4, "王建国", None, Some("13900139000")),
            rec(5, "王建國", None, Some("+8613900139000")),
            rec(6, "王建果", None, Some("139 0013 9000")), // one character off, three characters
        ];
        let r = resolve(&recs);
        assert!((1..4).all(|i| same(&r, 0, i)));
        assert!(same(&r, 4, 5) && same(&r, 4, 6));
        assert!(!same(&r, 0, 4));
        assert!(r.links.iter().all(|l| l.rule == RULE_PHONE_NAME && l.confidence == 0.9));
        assert_eq!(r.persons, 2);
    }

    #[test]
    fn family_sharing_a_phone_stays_apart() {
        let husband = id("32050519751110779");
        let wife = id("32050519780304882");
        let recs = [
            rec(0, "刘林", Some(&husband), Some("18208413969")),
            rec(1, "陈芳", Some(&wife), Some("182 0841 3969")),
            rec(2, "刘芳", None, Some("+86 18208413969")), // same surname, other given name
            rec(3, "陈芳", None, Some("18208413969")),
            // Two-character names one apart: only with equal known birth dates.
            rec(4, "刘森", None, Some("18208413969")),
        ];
        let r = resolve(&recs);
        assert!(!same(&r, 0, 1));
        assert!(!same(&r, 0, 2));
        assert!(!same(&r, 1, 2));
        assert!(same(&r, 1, 3));
        assert!(!same(&r, 0, 4));
        assert_eq!(r.persons, 4);
    }

    #[test]
    fn conflicting_ids_never_merge_even_through_a_chain() {
        let x = id("44030519990926663");
        let y = id("44030519990926664");
        // A (ID x) - B (no ID) by phone and name; B - C by name; C has ID y.
        let mut recs = vec![
            rec(0, "黄春永", Some(&x), Some("17603611519")),
            rec(1, "黄春永", None, Some("176 0361 1519")),
            rec(2, "黄春永", Some(&y), Some("+86 17603611519")),
            rec(3, "黄春永", Some(&y), None),
        ];
        recs[1].email = Some("hcy@example.com");
        recs[3].email = Some("HCY@example.com ");
        let r = resolve(&recs);
        assert!(!same(&r, 0, 2));
        assert!(!same(&r, 0, 3));
        assert!(same(&r, 2, 3));
        assert!(r.refusals.iter().any(|f| f.reason == "conflicting_resident_ids"));
        // A must-link cannot join them either.
        let folder = NameFolder::new();
        let r = resolve_with(&recs, &[Override { a: 0, b: 3, same: true }], &folder);
        assert!(!same(&r, 0, 3));
    }

    #[test]
    fn overrides() {
        let recs = [
            rec(10, "赵敏", None, Some("13511112222")),
            rec(11, "赵敏", None, Some("135 1111 2222")),
            rec(12, "赵敏", None, Some("135-1111-2222")),
            rec(13, "周芷若", None, Some("13622223333")),
        ];
        let folder = NameFolder::new();
        let r = resolve_with(&recs, &[Override { a: 10, b: 12, same: false }], &folder);
        assert!(!same(&r, 0, 2));
        assert!(same(&r, 0, 1) || same(&r, 1, 2));
        assert!(r.refusals.iter().any(|f| f.reason == "cannot_link"));
        let r = resolve_with(&recs, &[Override { a: 13, b: 10, same: true }], &folder);
        assert!(same(&r, 0, 3));
        assert!(r.links.iter().any(|l| l.rule == RULE_OVERRIDE && (l.a, l.b) == (13, 10)));
    }

    #[test]
    fn email_rule() {
        let mut recs = [
            rec(0, "孙鑫晨", None, None),
            rec(1, "孫鑫晨", None, None),
            rec(2, "王五", None, None), // a ring sharing the mailbox
            rec(3, "孙鑫辰", None, None),
        ];
        recs[0].email = Some("xinchen.sun@qq.com");
        recs[1].email = Some(" XinChen.Sun@QQ.com");
        recs[2].email = Some("xinchen.sun@qq.com");
        recs[3].email = Some("xinchen.sun@qq.com");
        let r = resolve(&recs);
        assert!(same(&r, 0, 1) && same(&r, 0, 3));
        assert!(!same(&r, 0, 2));
        assert!(r.links.iter().all(|l| l.rule == RULE_EMAIL_NAME && l.confidence == 0.95));
    }

    #[test]
    fn name_birth_rule() {
        let d = NaiveDate::from_ymd_opt(1981, 3, 27);
        let x = id("31011219810327033");
        let mut recs = [
            rec(0, "孙鑫晨", Some(&x), None),
            rec(1, "孙鑫晨", None, None),
            rec(2, "孙鑫晨", None, None),
            rec(3, "孙鑫晨", None, None),
        ];
        recs[1].birth_date = d;
        recs[2].birth_date = NaiveDate::from_ymd_opt(1981, 3, 28);
        // Same name and birth date but another phone than the ID holder's: another person.
        recs[0].phone = Some("13911112222");
        recs[3].phone = Some("13933334444");
        recs[3].birth_date = d;
        let r = resolve(&recs);
        assert!(same(&r, 0, 1));
        assert!(!same(&r, 0, 2) && !same(&r, 0, 3));
        assert_eq!(r.links[0].rule, RULE_NAME_BIRTH);
        assert_eq!(r.links[0].confidence, 0.85);
    }

    #[test]
    fn deterministic() {
        let ids: Vec<String> = (0..50).map(|i| id(&format!("110105198001{:02}{:03}", i % 28 + 1, i))).collect();
        let phones: Vec<String> = (0..50).map(|i| format!("+86 138 0000 {:04}", i % 7)).collect();
        let names = ["张伟", "张玮", "王芳", "王 芳", "李娜", "李那", "刘洋"];
        let recs: Vec<Record> = (0..300)
            .map(|i| Record {
                idx: i,
                name: Some(names[i % names.len()]),
                resident_id: if i % 3 == 0 { Some(ids[i % 50].as_str()) } else { None },
                phone: Some(phones[i % 50].as_str()),
                email: None,
                birth_date: if i % 5 == 0 { NaiveDate::from_ymd_opt(1980, 1, (i % 28 + 1) as u32) } else { None },
            })
            .collect();
        let a = resolve(&recs);
        let b = resolve(&recs);
        assert_eq!(a, b);
        // Never two valid IDs in one cluster.
        let mut seen: HashMap<usize, &str> = HashMap::new();
        for (p, r) in recs.iter().enumerate() {
            if let Some(i) = r.resident_id {
                assert_eq!(*seen.entry(a.person_of[p]).or_insert(i), i);
            }
        }
        assert_eq!(a.links.len(), recs.len() - a.persons);
    }

    #[test]
    fn near_names() {
        assert_eq!(name_match("王建国", "王建果"), NameMatch::Near);
        assert_eq!(name_match("王建国", "王建"), NameMatch::NearShort);
        assert_eq!(name_match("张伟", "张玮"), NameMatch::NearShort);
        assert_eq!(name_match("张伟", "李伟"), NameMatch::No);
        assert_eq!(name_match("张伟", "张伟强"), NameMatch::NearShort);
        assert_eq!(name_match("欧阳明", "欧阳铭"), NameMatch::Near);
        let f = NameFolder::new();
        assert_eq!(f.fold("劉 偉").as_deref(), Some("刘伟"));
        assert_eq!(f.fold("  ").as_deref(), None);
        assert_eq!(f.fold("Li·Ming").as_deref(), Some("liming"));
    }
}
