//! Evaluate identity resolution against a generated file and its truth.
//!
//! ```text
//! cargo run -q --release -p tousu -- gen --count 50000 --seed 9 --out /tmp/idgen.csv
//! cargo run -q --release -p tousu-core --example identity_eval -- /tmp/idgen.csv
//! ```
//!
//! Reads the tousu import CSV (Chinese headers) and `<file>.truth.csv` (next to it, `.csv`
//! replaced by `.truth.csv`), resolves, and prints pairwise precision and recall (record pairs in
//! one predicted cluster vs one truth `person_id`), the merges by rule, wrong merges by rule, and
//! how pairs of different persons sharing a phone or e-mail (families, rings) ended.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::time::Instant;
use tousu_core::columns::COLUMNS;
use tousu_core::ident::normalize_phone;
use tousu_core::identity::{NameFolder, Record, resolve_with};
use tousu_core::parse::{DateOrder, parse_date};

/// A minimal RFC 4180 reader: quoted fields with doubled quotes, CR LF or LF record ends.
struct CsvReader<R: BufRead> {
    input: R,
    line: String,
}

impl<R: BufRead> CsvReader<R> {
    fn new(input: R) -> Self {
        CsvReader { input, line: String::new() }
    }

    /// The next record, or `None` at the end.
    fn next_record(&mut self) -> std::io::Result<Option<Vec<String>>> {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut in_quotes = false;
        let mut started = false;
        loop {
            self.line.clear();
            if self.input.read_line(&mut self.line)? == 0 {
                if !started {
                    return Ok(None);
                }
                fields.push(field);
                return Ok(Some(fields));
            }
            started = true;
            let mut chars = self.line.chars().peekable();
            while let Some(c) = chars.next() {
                if in_quotes {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            field.push('"');
                        } else {
                            in_quotes = false;
                        }
                    } else {
                        field.push(c);
                    }
                } else {
                    match c {
                        '"' => in_quotes = true,
                        ',' => fields.push(std::mem::take(&mut field)),
                        '\r' if chars.peek() == Some(&'\n') => {}
                        '\n' => {
                            fields.push(field);
                            return Ok(Some(fields));
                        }
                        _ => field.push(c),
                    }
                }
            }
            // A quoted field goes on over the line break (kept in the field).
        }
    }
}

fn open(path: &str) -> Result<CsvReader<BufReader<Box<dyn Read>>>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    Ok(CsvReader::new(BufReader::with_capacity(1 << 20, Box::new(f) as Box<dyn Read>)))
}

struct Row {
    ext: String,
    name: Option<String>,
    rid: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    birth: Option<chrono::NaiveDate>,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/idgen.csv".into());
    let truth_path = path.strip_suffix(".csv").map(|s| format!("{s}.truth.csv")).unwrap_or(format!("{path}.truth"));

    let t0 = Instant::now();
    let mut csv = open(&path)?;
    let header = csv.next_record().map_err(|e| e.to_string())?.ok_or("empty file")?;
    let col = |key: &str| -> Result<usize, String> {
        let zh = COLUMNS.iter().find(|c| c.key == key).map(|c| c.zh).ok_or(format!("no column {key}"))?;
        header.iter().position(|h| h.trim_start_matches('\u{feff}') == zh).ok_or(format!("no header {zh}"))
    };
    let c_ext = col("external_ref")?;
    let c_name = col("complainant_name")?;
    let c_id = col("resident_id")?;
    let c_phone = col("phone")?;
    let c_email = col("email")?;
    let c_birth = col("birth_date")?;
    let nonempty = |s: &str| if s.trim().is_empty() { None } else { Some(s.to_string()) };
    let mut rows: Vec<Row> = Vec::new();
    while let Some(r) = csv.next_record().map_err(|e| e.to_string())? {
        if r.len() < header.len() {
            continue;
        }
        rows.push(Row {
            ext: r[c_ext].clone(),
            name: nonempty(&r[c_name]),
            rid: nonempty(&r[c_id]),
            phone: nonempty(&r[c_phone]),
            email: nonempty(&r[c_email]),
            birth: nonempty(&r[c_birth]).and_then(|s| parse_date(&s, DateOrder::Auto).ok()),
        });
    }
    let mut truth: HashMap<String, String> = HashMap::new();
    let mut t = open(&truth_path)?;
    let th = t.next_record().map_err(|e| e.to_string())?.ok_or("empty truth")?;
    let (t_ext, t_pid) = (
        th.iter().position(|h| h == "external_ref").ok_or("truth: no external_ref")?,
        th.iter().position(|h| h == "person_id").ok_or("truth: no person_id")?,
    );
    while let Some(r) = t.next_record().map_err(|e| e.to_string())? {
        if r.len() > t_pid.max(t_ext) {
            truth.insert(r[t_ext].clone(), r[t_pid].clone());
        }
    }
    println!("read {} rows in {:.1} s", rows.len(), t0.elapsed().as_secs_f64());

    let records: Vec<Record> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| Record {
            idx: i,
            name: r.name.as_deref(),
            resident_id: r.rid.as_deref(),
            phone: r.phone.as_deref(),
            email: r.email.as_deref(),
            birth_date: r.birth,
        })
        .collect();
    let folder = NameFolder::new();
    let t1 = Instant::now();
    let res = resolve_with(&records, &[], &folder);
    let secs = t1.elapsed().as_secs_f64();
    println!("resolved {} records into {} persons in {:.2} s", records.len(), res.persons, secs);

    // Truth person numbers.
    let mut person_num: HashMap<&str, usize> = HashMap::new();
    let truth_of: Vec<usize> = rows
        .iter()
        .map(|r| {
            let pid = truth.get(&r.ext).map(String::as_str).unwrap_or(r.ext.as_str());
            let next = person_num.len();
            *person_num.entry(pid).or_insert(next)
        })
        .collect();
    let pid_names: Vec<&str> = {
        let mut v = vec![""; person_num.len()];
        for (k, &i) in &person_num {
            v[i] = k;
        }
        v
    };
    println!("truth: {} persons", person_num.len());

    // Pairwise precision and recall.
    let mut cell: HashMap<(usize, usize), u64> = HashMap::new();
    let mut pred_n: HashMap<usize, u64> = HashMap::new();
    let mut truth_n: HashMap<usize, u64> = HashMap::new();
    for (p, &t) in truth_of.iter().enumerate() {
        *cell.entry((res.person_of[p], t)).or_default() += 1;
        *pred_n.entry(res.person_of[p]).or_default() += 1;
        *truth_n.entry(t).or_default() += 1;
    }
    let tp: u64 = cell.values().map(|&n| pairs(n)).sum();
    let pp: u64 = pred_n.values().map(|&n| pairs(n)).sum();
    let tpairs: u64 = truth_n.values().map(|&n| pairs(n)).sum();
    let precision = if pp == 0 { 1.0 } else { tp as f64 / pp as f64 };
    let recall = if tpairs == 0 { 1.0 } else { tp as f64 / tpairs as f64 };
    println!(
        "pairs: predicted {pp}, truth {tpairs}, correct {tp}; precision {precision:.4}, recall {recall:.4}, F1 {:.4}",
        2.0 * precision * recall / (precision + recall)
    );

    // Merges by rule, wrong merges by rule (a link joining two truth persons).
    let mut by_rule: HashMap<&str, (u64, u64)> = HashMap::new();
    for l in &res.links {
        let e = by_rule.entry(l.rule).or_default();
        e.0 += 1;
        if truth_of[l.a] != truth_of[l.b] {
            e.1 += 1;
        }
    }
    let mut rules: Vec<_> = by_rule.into_iter().collect();
    rules.sort();
    for (rule, (n, wrong)) in rules {
        println!("  links {rule:<12} {n:>8}  wrong {wrong}");
    }
    let mut refusals: HashMap<(&str, &str), u64> = HashMap::new();
    for f in &res.refusals {
        *refusals.entry((f.rule, f.reason)).or_default() += 1;
    }
    let mut refusals: Vec<_> = refusals.into_iter().collect();
    refusals.sort();
    for ((rule, reason), n) in refusals {
        println!("  refused {rule:<12} {reason:<26} {n}");
    }

    // Pairs of different persons sharing a phone or e-mail, by cause, and how many were merged.
    let kind = |t: usize| -> &str {
        let pid = pid_names[t];
        match pid.as_bytes().first() {
            Some(b'P') => "background",
            Some(b'R') => "ring",
            _ => "other",
        }
    };
    let ring_of = |t: usize| pid_names[t].split('-').next().unwrap_or("");
    let mut block: HashMap<String, Vec<usize>> = HashMap::new();
    for (p, r) in rows.iter().enumerate() {
        if let Some(ph) = &r.phone {
            block.entry(format!("p:{}", normalize_phone(ph))).or_default().push(p);
        }
        if let Some(e) = &r.email {
            block.entry(format!("e:{}", e.trim().to_lowercase())).or_default().push(p);
        }
    }
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut causes: HashMap<&str, (u64, u64)> = HashMap::new();
    for ps in block.values().filter(|v| v.len() >= 2 && v.len() <= 2000) {
        for (i, &a) in ps.iter().enumerate() {
            for &b in &ps[i + 1..] {
                let (ta, tb) = (truth_of[a], truth_of[b]);
                if ta == tb || !seen.insert((a.min(b), a.max(b))) {
                    continue;
                }
                let cause = match (kind(ta), kind(tb)) {
                    ("background", "background") => "family shared phone",
                    ("ring", "ring") if ring_of(ta) == ring_of(tb) => "ring shared contact",
                    _ => "other shared contact",
                };
                let e = causes.entry(cause).or_default();
                e.0 += 1;
                if res.person_of[a] == res.person_of[b] {
                    e.1 += 1;
                }
            }
        }
    }
    let mut causes: Vec<_> = causes.into_iter().collect();
    causes.sort();
    for (cause, (n, merged)) in causes {
        println!("  {cause:<22} record pairs {n:>8}  falsely merged {merged}");
    }
    // Wrong pairs not explained by a shared contact.
    let shared_wrong: u64 = seen.iter().filter(|&&(a, b)| res.person_of[a] == res.person_of[b]).count() as u64;
    println!("  false pairs total {}  (via shared contact {shared_wrong})", pp - tp);
    // A few missed pairs (same truth person, different clusters), with IDENTITY_EVAL_SHOW=n.
    let show: usize = std::env::var("IDENTITY_EVAL_SHOW").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    if show > 0 {
        let mut first_of: HashMap<usize, usize> = HashMap::new();
        let mut shown = 0;
        for (p, &t) in truth_of.iter().enumerate() {
            let f = *first_of.entry(t).or_insert(p);
            if f != p && res.person_of[f] != res.person_of[p] && shown < show {
                shown += 1;
                for q in [f, p] {
                    let r = &rows[q];
                    println!(
                        "  missed {} {:?} {:?} {:?} {:?} {:?}",
                        pid_names[t], r.name, r.rid, r.phone, r.email, r.birth
                    );
                }
            }
        }
    }
    Ok(())
}
