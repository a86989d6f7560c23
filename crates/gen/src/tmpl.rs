//! A tiny template language for varied Chinese text.
//!
//! * `[a|b|c]` — one alternative (an empty alternative makes the part optional);
//! * `<a|b|c>` — every part, in a shuffled order (sentence reordering);
//! * `{slot}` — a text value from the context; `{$slot}` — an amount, written in a randomly
//!   chosen notation.
//!
//! Templates are parsed once into trees. Expansion draws its choices from a [`Chooser`]: a
//! plain random stream, or a [`Paraphraser`] that follows a shared "master" stream (a ring's
//! template letter) and departs from it now and then (paraphrase by synonym substitution and
//! sentence reordering).

use crate::fmt::{self, Notation};
use crate::rng::Rng;

macro_rules! slots {
    ($name:ident { $($v:ident = $s:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum $name { $($v),* }
        impl $name {
            pub const COUNT: usize = [$($s),*].len();
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$v),)* _ => None }
            }
        }
    };
}

slots!(S {
    Name = "name", Honor = "honor", I = "I", My = "my", Co = "co", Inst = "inst", CoShort = "coshort",
    Product = "product", PolicyNo = "policy_no", Start = "start", StartYm = "start_ym", Years = "years",
    YearsPaid = "years_paid", Agent = "agent", AgentCode = "agent_code", Disease = "disease",
    History = "history", Hospital = "hospital", Ground = "ground", DaysSince = "days_since", Wait = "wait",
    ClaimWhen = "claim_when", Rel = "rel", Tp = "tp", City = "city", District = "district", Age = "age",
    AgeDesc = "agedesc", Chronic = "chronic", Rate = "rate", Branch = "branch", IdNo = "idno",
    Phone = "phone", Contact = "contact", Recv = "recv", Term = "term", Event = "event", Reduce = "reduce",
    SvcItem = "svc_item", Card = "card", Loan = "loan", Overdue = "overdue", Proof = "proof",
    Incontest = "incontest", AgentLeft = "agent_left", Law = "law", Estate = "estate", Company = "company",
    Handle = "handle", Group = "group", WaitDays = "wait_days", City2 = "city2", Hotline = "hotline",
    Platform = "platform", Who = "who", Year = "year", Repeat = "repeat", OtherDemand = "other_demand", TpName = "tp_name", Outcome = "outcome",
});

slots!(M {
    Premium = "premium", Paid = "paid", Cash = "cash", Loss = "loss", Claim = "claim", Got = "got",
    Fee = "fee", Amount = "amount", Loan = "loanamt", Interest = "interest", Sum = "sum", Limit = "limit",
    Limit2 = "limit2", Demand = "demand",
});

#[derive(Debug, Clone)]
pub enum Node {
    Lit(&'static str),
    Slot(S),
    Money(M),
    Alt(Vec<Vec<Node>>),
    Shuf(Vec<Vec<Node>>),
}

pub type Tpl = Vec<Node>;

/// Parse a template; unknown slots are reported as errors (tests check every template).
pub fn parse(src: &'static str) -> Result<Tpl, String> {
    let mut pos = 0;
    let nodes = parse_seq(src, &mut pos, None)?;
    if pos != src.len() {
        return Err(format!("unbalanced template at byte {pos}: {src}"));
    }
    Ok(nodes)
}

/// Parse, turning errors into a literal (never fails at run time).
pub fn parse_lenient(src: &'static str) -> Tpl {
    parse(src).unwrap_or_else(|_| vec![Node::Lit(src)])
}

fn parse_seq(src: &'static str, pos: &mut usize, close: Option<u8>) -> Result<Vec<Node>, String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut lit_start = *pos;
    while *pos < b.len() {
        let c = b[*pos];
        let stop = match close {
            Some(cl) => c == cl || c == b'|',
            None => false,
        };
        if stop {
            break;
        }
        if matches!(c, b'[' | b'<' | b'{') {
            if lit_start < *pos {
                out.push(Node::Lit(&src[lit_start..*pos]));
            }
            match c {
                b'{' => {
                    let end = src[*pos..].find('}').ok_or_else(|| format!("unclosed slot in {src}"))? + *pos;
                    let name = &src[*pos + 1..end];
                    if let Some(m) = name.strip_prefix('$') {
                        out.push(Node::Money(M::from_name(m).ok_or_else(|| format!("unknown money slot {m}"))?));
                    } else {
                        out.push(Node::Slot(S::from_name(name).ok_or_else(|| format!("unknown slot {name}"))?));
                    }
                    *pos = end + 1;
                }
                _ => {
                    let cl = if c == b'[' { b']' } else { b'>' };
                    *pos += 1;
                    let mut alts = Vec::new();
                    loop {
                        let seq = parse_seq(src, pos, Some(cl))?;
                        alts.push(seq);
                        if *pos >= b.len() {
                            return Err(format!("unclosed group in {src}"));
                        }
                        let d = b[*pos];
                        *pos += 1;
                        if d == cl {
                            break;
                        }
                    }
                    out.push(if c == b'[' { Node::Alt(alts) } else { Node::Shuf(alts) });
                }
            }
            lit_start = *pos;
        } else if matches!(c, b']' | b'>' | b'|' | b'}') && close.is_none() {
            return Err(format!("stray '{}' in {src}", c as char));
        } else {
            *pos += 1;
        }
    }
    if lit_start < *pos {
        out.push(Node::Lit(&src[lit_start..*pos]));
    }
    Ok(out)
}

/// The values slots expand to.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub text: Vec<String>,
    /// Amounts in fen; negative means "not set".
    pub money: Vec<i64>,
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx { text: vec![String::new(); S::COUNT], money: vec![-1; M::COUNT] }
    }
}

impl Ctx {
    pub fn clear(&mut self) {
        for t in &mut self.text {
            t.clear();
        }
        for m in &mut self.money {
            *m = -1;
        }
    }
    pub fn set(&mut self, s: S, v: &str) {
        let t = &mut self.text[s as usize];
        t.clear();
        t.push_str(v);
    }
    pub fn set_fmt(&mut self, s: S, args: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        let t = &mut self.text[s as usize];
        t.clear();
        let _ = t.write_fmt(args);
    }
    pub fn get(&self, s: S) -> &str {
        &self.text[s as usize]
    }
    pub fn set_money(&mut self, m: M, fen: i64) {
        self.money[m as usize] = fen;
    }
    pub fn money(&self, m: M) -> i64 {
        self.money[m as usize]
    }
}

/// Where expansion choices come from.
pub trait Chooser {
    fn choose(&mut self, n: usize) -> usize;
    fn order(&mut self, n: usize, out: &mut Vec<usize>);
    fn notation(&mut self) -> Notation;
}

impl Chooser for Rng {
    fn choose(&mut self, n: usize) -> usize {
        self.index(n)
    }
    fn order(&mut self, n: usize, out: &mut Vec<usize>) {
        out.clear();
        out.extend(0..n);
        self.shuffle(out);
    }
    fn notation(&mut self) -> Notation {
        self.pick_w(fmt::TEXT_NOTATIONS)
    }
}

/// Follows a master stream (the same for every member of a ring) and departs from it with
/// probability `p` per choice, using the member's own stream.
pub struct Paraphraser<'a> {
    pub master: Rng,
    pub own: &'a mut Rng,
    pub p: f64,
}

impl Chooser for Paraphraser<'_> {
    fn choose(&mut self, n: usize) -> usize {
        let m = self.master.index(n);
        if self.own.chance(self.p) { self.own.index(n) } else { m }
    }
    fn order(&mut self, n: usize, out: &mut Vec<usize>) {
        out.clear();
        out.extend(0..n);
        self.master.shuffle(out);
        if n > 1 && self.own.chance(self.p * 2.0) {
            let i = self.own.index(n - 1);
            out.swap(i, i + 1);
        }
    }
    fn notation(&mut self) -> Notation {
        let m = self.master.pick_w(fmt::TEXT_NOTATIONS);
        if self.own.chance(self.p) { self.own.pick_w(fmt::TEXT_NOTATIONS) } else { m }
    }
}

/// Expand a template into `out`.
pub fn expand<C: Chooser>(nodes: &[Node], ctx: &Ctx, ch: &mut C, out: &mut String) {
    for n in nodes {
        match n {
            Node::Lit(s) => out.push_str(s),
            Node::Slot(s) => out.push_str(ctx.get(*s)),
            Node::Money(m) => {
                let v = ctx.money(*m);
                let notation = ch.notation();
                if v >= 0 {
                    fmt::money(out, v, notation);
                }
            }
            Node::Alt(alts) => {
                let i = ch.choose(alts.len());
                expand(&alts[i], ctx, ch, out);
            }
            Node::Shuf(parts) => {
                let mut order = Vec::with_capacity(parts.len());
                ch.order(parts.len(), &mut order);
                for i in order {
                    expand(&parts[i], ctx, ch, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_expands() {
        let t = parse("你好[甲|乙|]，{name}<A|B>{$paid}").unwrap();
        let mut ctx = Ctx::default();
        ctx.set(S::Name, "张三");
        ctx.set_money(M::Paid, 3_500_000);
        let mut r = Rng::new(1);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let mut s = String::new();
            expand(&t, &ctx, &mut r, &mut s);
            assert!(s.starts_with("你好"));
            assert!(s.contains("张三"));
            seen.insert(s);
        }
        assert!(seen.len() > 10);
        assert!(parse("[a|b").is_err());
        assert!(parse("{nope}").is_err());
        assert!(parse("a]").is_err());
    }
}
