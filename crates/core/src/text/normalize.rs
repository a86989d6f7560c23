//! Char-to-char normalisation: full-width ASCII folded, traditional → simplified, ASCII
//! lower-cased. Because every character maps to exactly one character, a character offset in
//! the normalised text is the same offset in the original.

use crate::Error;

/// The built-in traditional → simplified table.
pub const BUILTIN_T2S: &str = include_str!("../../data/text/t2s.txt");

/// A traditional → simplified table, sorted for binary search.
#[derive(Debug, Clone, Default)]
pub struct T2s {
    pairs: Vec<(char, char)>,
}

impl T2s {
    /// Parse lines `繁 简` (comments start with `#`). Later lines override earlier ones.
    pub fn parse(text: &str) -> Result<T2s, Error> {
        let mut pairs: Vec<(char, char)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
            if chars.len() != 2 {
                return Err(Error::InvalidData {
                    what: "t2s table".into(),
                    reason: format!("line {}: expected two characters, got {line:?}", n + 1),
                });
            }
            pairs.push((chars[0], chars[1]));
        }
        // Stable sort keeps the order of duplicates; keep the last of each key.
        pairs.sort_by_key(|p| p.0);
        let mut out: Vec<(char, char)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match out.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => out.push(p),
            }
        }
        Ok(T2s { pairs: out })
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Merge another table into this one (its pairs win).
    pub fn extend(&mut self, other: &T2s) {
        for &(t, s) in &other.pairs {
            match self.pairs.binary_search_by_key(&t, |p| p.0) {
                Ok(i) => self.pairs[i].1 = s,
                Err(i) => self.pairs.insert(i, (t, s)),
            }
        }
    }

    pub fn get(&self, c: char) -> Option<char> {
        self.pairs.binary_search_by_key(&c, |p| p.0).ok().map(|i| self.pairs[i].1)
    }

    pub fn memory_bytes(&self) -> usize {
        self.pairs.capacity() * std::mem::size_of::<(char, char)>()
    }
}

/// Fold one character: full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII,
/// a few look-alikes (￥, curly apostrophes), then traditional → simplified.
/// Case is preserved; see [`fold_lower`].
pub fn fold_char(c: char, t2s: &T2s) -> char {
    let u = c as u32;
    if u < 0x80 {
        return c;
    }
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFF01 + 0x21).unwrap_or(c),
        0x3000 => ' ',
        0xFFE5 => '¥',
        0xFFE1 => '£',
        0x2018 | 0x2019 => '\'',
        _ if u >= 0x3400 => t2s.get(c).unwrap_or(c),
        _ => c,
    }
}

/// [`fold_char`] followed by ASCII lower-casing (what the lexicons are matched against).
pub fn fold_lower(c: char, t2s: &T2s) -> char {
    fold_char(c, t2s).to_ascii_lowercase()
}

/// Normalised text for matching, with the mapping from byte offsets back to character offsets.
pub struct Normalized {
    /// Folded and lower-cased text (same number of characters as the original).
    pub lower: String,
    /// Folded characters, case preserved (for amounts).
    pub chars: Vec<char>,
    /// `char_at[b]` = character index of the character starting at byte `b` of `lower`
    /// (only meaningful at character boundaries); `char_at[lower.len()]` = number of chars.
    char_at: Vec<u32>,
}

impl Normalized {
    pub fn new(text: &str, t2s: &T2s) -> Normalized {
        let mut lower = String::with_capacity(text.len());
        let mut chars = Vec::with_capacity(text.len());
        let mut char_at = Vec::with_capacity(text.len() + 1);
        for (i, c) in text.chars().enumerate() {
            let f = fold_char(c, t2s);
            chars.push(f);
            let l = f.to_ascii_lowercase();
            lower.push(l);
            for _ in 0..l.len_utf8() {
                char_at.push(i as u32);
            }
        }
        char_at.push(chars.len() as u32);
        Normalized { lower, chars, char_at }
    }

    /// Character offset of a byte offset of `lower` (a character boundary).
    pub fn char_of(&self, byte: usize) -> usize {
        self.char_at.get(byte).copied().unwrap_or(self.chars.len() as u32) as usize
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }
}

/// Normalise a lexicon term the way texts are normalised.
pub fn normalize_term(term: &str, t2s: &T2s) -> String {
    term.trim().chars().map(|c| fold_lower(c, t2s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses_and_is_large() {
        let t = T2s::parse(BUILTIN_T2S).unwrap();
        assert!(t.len() >= 400, "{}", t.len());
        for (tr, si) in
            [('險', '险'), ('賠', '赔'), ('償', '偿'), ('們', '们'), ('錢', '钱'), ('題', '题'), ('帳', '账')]
        {
            assert_eq!(t.get(tr), Some(si), "{tr}");
        }
        // No chains: a simplified character is never itself a key.
        for &(_, s) in &t.pairs {
            assert!(t.get(s).is_none(), "chain through {s}");
        }
    }

    #[test]
    fn folds_full_width_and_keeps_char_count() {
        let t = T2s::parse(BUILTIN_T2S).unwrap();
        let text = "ＣＦＰＢ，保險賠償３５０００元！";
        let n = Normalized::new(text, &t);
        assert_eq!(n.lower, "cfpb,保险赔偿35000元!");
        assert_eq!(n.len(), text.chars().count());
        assert_eq!(n.chars.iter().collect::<String>(), "CFPB,保险赔偿35000元!");
        let b = n.lower.find('保').unwrap();
        assert_eq!(n.char_of(b), 5);
        assert_eq!(n.char_of(n.lower.len()), n.len());
    }

    #[test]
    fn rejects_bad_lines_and_overrides() {
        assert!(T2s::parse("險险x\n").is_err());
        let mut t = T2s::parse("# c\n帳 帐\n").unwrap();
        t.extend(&T2s::parse("帳 账").unwrap());
        assert_eq!(t.get('帳'), Some('账'));
    }
}
