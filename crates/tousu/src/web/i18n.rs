//! UI text from the locale files (`locales/zh-CN.txt`, `locales/en.txt`), embedded in the
//! binary. zh-CN is the default language.

use std::collections::HashMap;
use std::sync::OnceLock;

fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

fn table(lang: &str) -> &'static HashMap<&'static str, &'static str> {
    static ZH: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    static EN: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    if lang == "en" {
        EN.get_or_init(|| parse(include_str!("../../locales/en.txt")))
    } else {
        ZH.get_or_init(|| parse(include_str!("../../locales/zh-CN.txt")))
    }
}

/// The text for `key` when the language has one.
pub fn lookup(lang: &str, key: &str) -> Option<&'static str> {
    table(lang).get(key).copied()
}

/// The texts of one language; cheap to copy into every view.
#[derive(Clone, Copy)]
pub struct T {
    pub lang: &'static str,
}

impl T {
    pub fn new(lang: &str) -> T {
        T { lang: if lang == "en" { "en" } else { "zh-CN" } }
    }
    /// The text for `key`; a visible placeholder when missing (never a crash, never a leak).
    pub fn get(&self, key: &str) -> &'static str {
        match table(self.lang).get(key) {
            Some(v) => v,
            None => {
                tracing::warn!(key, lang = self.lang, "missing UI text");
                "⟨?⟩"
            }
        }
    }
    /// A text with `{n}` replaced.
    pub fn n(&self, key: &str, n: u64) -> String {
        self.get(key).replace("{n}", &group_digits(n))
    }
    /// The other language, for the switch.
    pub fn other_lang(&self) -> &'static str {
        if self.lang == "en" { "zh-CN" } else { "en" }
    }
    pub fn html_lang(&self) -> &'static str {
        self.lang
    }
}

pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh = parse(include_str!("../../locales/zh-CN.txt"));
        let en = parse(include_str!("../../locales/en.txt"));
        let mut a: Vec<_> = zh.keys().collect();
        let mut b: Vec<_> = en.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert!(zh.values().all(|v| !v.is_empty()));
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let zh = parse(include_str!("../../locales/zh-CN.txt"));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = Vec::new();
        for sub in ["src/web", "templates"] {
            for e in std::fs::read_dir(format!("{dir}{sub}")).unwrap() {
                let p = e.unwrap().path();
                if p.file_name().is_some_and(|n| n != "i18n.rs") {
                    sources.push(std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let mut missing = Vec::new();
        for src in &sources {
            for part in src.split("t.get(\"").skip(1).chain(src.split("t.n(\"").skip(1)) {
                let key = part.split('"').next().unwrap();
                if !zh.contains_key(key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "missing UI texts: {missing:?}");
    }

    #[test]
    fn digits() {
        assert_eq!(group_digits(1234567), "1,234,567");
        assert_eq!(group_digits(12), "12");
    }
}
