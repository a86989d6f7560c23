//! Dashboard charts as inline SVG strings: a pure renderer, no IO, no dependencies.
//!
//! The output is one self-contained `<svg>` element to embed directly in server-rendered HTML. It
//! has a `viewBox` but no `width`/`height`, so CSS sizes it; elements carry classes (`chart-axis`,
//! `chart-grid`, `chart-label`, `chart-legend`, `chart-bar`, `chart-value`, `chart-nodata`) for
//! styling, plus presentation attributes as fallbacks (any CSS rule overrides a presentation
//! attribute). Series colours are inline `fill`/`stroke`.
//!
//! Every piece of caller text is XML-escaped: labels come from complaint data and are
//! attacker-controlled. The output is deterministic: no randomness, no hash-map iteration, and
//! every coordinate is printed with at most one decimal.

use std::fmt::Write as _;

/// One line of a [`line_chart`]: `points[i]` is the value at `x_labels[i]`.
pub struct Series {
    pub label: String,
    pub points: Vec<u64>,
}

/// At most this many series are drawn; further ones are ignored (aggregate them into an
/// "other" series before calling).
pub const MAX_SERIES: usize = 8;

/// Okabe–Ito, the colour-blind-safe palette, most distinguishable first.
const PALETTE: [&str; MAX_SERIES] =
    ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#F0E442"];

const WIDTH: f64 = 640.0;
const FONT: f64 = 11.0;
const GRID: &str = "#e3e3e3";

// Line chart layout (height 260 with one legend row; each further row adds LEGEND_ROW).
const LINE_TOP: f64 = 12.0;
const LINE_PLOT_BOTTOM: f64 = 204.0;
const LINE_RIGHT_PAD: f64 = 10.0;
const X_LABEL_BASELINE: f64 = LINE_PLOT_BOTTOM + 16.0;
const LEGEND_FIRST_ROW: f64 = LINE_PLOT_BOTTOM + 34.0;
const LEGEND_ROW: f64 = 18.0;
const LINE_BOTTOM_PAD: f64 = 22.0;
const X_LABEL_MAX_CHARS: usize = 16;
const LEGEND_MAX_CHARS: usize = 24;

// Bar chart layout.
const BAR_ROW: f64 = 24.0;
const BAR_THICKNESS: f64 = 16.0;
const BAR_PAD: f64 = 8.0;
const BAR_LABEL_MAX_CHARS: usize = 14;
const BAR_LABEL_COL_MAX: f64 = 170.0;

/// `writeln!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {
        let _ = writeln!($dst, $($arg)*);
    };
}

/// Multi-series line chart over categorical x labels (e.g. months "2025-01".."2025-12").
///
/// The y axis starts at 0 with 4–6 "nice" ticks (1/2/5×10^k) and gridlines; x labels are thinned
/// when crowded; a wrapping legend sits below. Each point is a small circle with a `<title>`
/// tooltip "label · x: n". Points beyond `x_labels.len()` and series beyond [`MAX_SERIES`] are
/// ignored. With no x labels or no points, an axis and the caller's `no_data` text are drawn.
pub fn line_chart(title: &str, x_labels: &[String], series: &[Series], no_data: &str) -> String {
    let series = &series[..series.len().min(MAX_SERIES)];
    let n = x_labels.len();
    let has_data = n > 0 && series.iter().any(|s| !s.points.is_empty());
    let mut out = String::with_capacity(4096);

    if !has_data {
        let height = LINE_PLOT_BOTTOM + 56.0;
        let left = 40.0;
        open(&mut out, title, height);
        axes(&mut out, left, LINE_TOP, WIDTH - LINE_RIGHT_PAD, LINE_PLOT_BOTTOM);
        no_data_text(&mut out, (left + WIDTH - LINE_RIGHT_PAD) / 2.0, (LINE_TOP + LINE_PLOT_BOTTOM) / 2.0, no_data);
        close(&mut out);
        return out;
    }

    let max = series.iter().flat_map(|s| s.points.iter().take(n)).copied().max().unwrap_or(0);
    let ticks = nice_ticks(max);
    let tick_labels: Vec<String> = ticks.iter().map(|&t| thousands(t)).collect();
    let top_tick = ticks.last().copied().unwrap_or(1).max(1) as f64;
    let left = (tick_labels.iter().map(|l| text_width(l)).fold(0.0, f64::max) + 18.0).max(32.0).ceil();
    let right = WIDTH - LINE_RIGHT_PAD;
    let plot_h = LINE_PLOT_BOTTOM - LINE_TOP;
    let band = (right - left) / n as f64;
    let x_at = |i: usize| left + (i as f64 + 0.5) * band;
    let y_at = |v: f64| LINE_PLOT_BOTTOM - v / top_tick * plot_h;

    let legend = legend_layout(series, left, right);
    let rows = legend.iter().map(|item| item.row + 1).max().unwrap_or(1);
    let height = LEGEND_FIRST_ROW + (rows - 1) as f64 * LEGEND_ROW + LINE_BOTTOM_PAD;
    open(&mut out, title, height);

    // Gridlines (the 0 tick is the x axis itself).
    w!(out, r#"<g class="chart-grid" stroke="{GRID}" stroke-width="1">"#);
    for &t in ticks.iter().skip(1) {
        let y = num(y_at(t as f64));
        w!(out, r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#, num(left), num(right));
    }
    w!(out, "</g>");

    // X labels, thinned to a stride at which they no longer overlap.
    let shown: Vec<(String, bool)> = x_labels.iter().map(|l| truncate(l, X_LABEL_MAX_CHARS)).collect();
    let widest = shown.iter().map(|(l, _)| text_width(l)).fold(0.0, f64::max) + 3.0;
    let stride = ((widest / band).ceil() as usize).max(1);
    axes(&mut out, left, LINE_TOP, right, LINE_PLOT_BOTTOM);
    w!(out, r#"<g class="chart-axis" stroke="currentColor" stroke-width="1">"#);
    for i in (0..n).step_by(stride) {
        let x = num(x_at(i));
        w!(out, r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#, num(LINE_PLOT_BOTTOM), num(LINE_PLOT_BOTTOM + 4.0));
    }
    w!(out, "</g>");

    w!(out, r#"<g class="chart-label" fill="currentColor" text-anchor="end">"#);
    for (&t, label) in ticks.iter().zip(&tick_labels) {
        w!(out, r#"<text x="{}" y="{}">{label}</text>"#, num(left - 6.0), num(y_at(t as f64) + 4.0));
    }
    w!(out, "</g>");

    w!(out, r#"<g class="chart-label" fill="currentColor" text-anchor="middle">"#);
    for i in (0..n).step_by(stride) {
        let (text, truncated) = &shown[i];
        let text_el = format!(r#"<text x="{}" y="{}">{}</text>"#, num(x_at(i)), num(X_LABEL_BASELINE), esc(text));
        if *truncated {
            w!(out, "<g><title>{}</title>{text_el}</g>", esc(&x_labels[i]));
        } else {
            w!(out, "{text_el}");
        }
    }
    w!(out, "</g>");

    // Series: a polyline and one circle (with tooltip) per point.
    let r = num((band * 0.35).clamp(1.5, 3.0));
    for (idx, s) in series.iter().enumerate() {
        let colour = PALETTE[idx];
        let label = esc(&s.label);
        let pts: Vec<(String, String)> =
            s.points.iter().take(n).enumerate().map(|(i, &v)| (num(x_at(i)), num(y_at(v as f64)))).collect();
        w!(out, r#"<g class="chart-series">"#);
        if pts.len() > 1 {
            let coords: Vec<String> = pts.iter().map(|(x, y)| format!("{x},{y}")).collect();
            w!(
                out,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round" points="{}"/>"#,
                coords.join(" ")
            );
        }
        for (i, ((x, y), &v)) in pts.iter().zip(&s.points).enumerate() {
            w!(
                out,
                r#"<circle cx="{x}" cy="{y}" r="{r}" fill="{colour}"><title>{label} · {}: {}</title></circle>"#,
                esc(&x_labels[i]),
                thousands(v)
            );
        }
        w!(out, "</g>");
    }

    // Legend.
    w!(out, r#"<g class="chart-legend chart-label" fill="currentColor">"#);
    for (idx, item) in legend.iter().enumerate() {
        let cy = LEGEND_FIRST_ROW + item.row as f64 * LEGEND_ROW;
        let full = &series[idx].label;
        w!(out, "<g>");
        if item.truncated {
            w!(out, "<title>{}</title>", esc(full));
        }
        w!(out, r#"<rect x="{}" y="{}" width="14" height="4" fill="{}"/>"#, num(item.x), num(cy - 2.0), PALETTE[idx]);
        w!(out, r#"<text x="{}" y="{}">{}</text>"#, num(item.x + 18.0), num(cy + 4.0), esc(&item.text));
        w!(out, "</g>");
    }
    w!(out, "</g>");

    close(&mut out);
    out
}

/// Horizontal bar chart of `(label, value)`, in the order given, each value printed at its bar's
/// end. Labels longer than 14 characters (by char count, so CJK-safe) are truncated with "…";
/// every row carries a `<title>` with the full label and value. With no items, an axis and the
/// caller's `no_data` text are drawn.
pub fn bar_chart(title: &str, items: &[(String, u64)], no_data: &str) -> String {
    let mut out = String::with_capacity(1024 + items.len() * 256);
    if items.is_empty() {
        let height = 80.0;
        let axis_x = 120.0;
        open(&mut out, title, height);
        w!(
            out,
            r#"<line class="chart-axis" stroke="currentColor" stroke-width="1" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(axis_x),
            num(BAR_PAD / 2.0),
            num(axis_x),
            num(height - BAR_PAD / 2.0)
        );
        no_data_text(&mut out, WIDTH / 2.0, height / 2.0, no_data);
        close(&mut out);
        return out;
    }

    let labels: Vec<(String, bool)> = items.iter().map(|(l, _)| truncate(l, BAR_LABEL_MAX_CHARS)).collect();
    let values: Vec<String> = items.iter().map(|&(_, v)| thousands(v)).collect();
    let label_col =
        (labels.iter().map(|(l, _)| text_width(l)).fold(0.0, f64::max).clamp(24.0, BAR_LABEL_COL_MAX) + 12.0).ceil();
    let value_col = (values.iter().map(|v| text_width(v)).fold(0.0, f64::max) + 8.0).ceil();
    let bar_max = WIDTH - 12.0 - value_col - label_col;
    let max = items.iter().map(|&(_, v)| v).max().unwrap_or(0);
    let height = BAR_PAD * 2.0 + items.len() as f64 * BAR_ROW;
    open(&mut out, title, height);

    w!(
        out,
        r#"<line class="chart-axis" stroke="currentColor" stroke-width="1" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
        num(label_col),
        num(BAR_PAD / 2.0),
        num(label_col),
        num(height - BAR_PAD / 2.0)
    );
    for (i, ((full, v), ((text, _), value))) in items.iter().zip(labels.iter().zip(&values)).enumerate() {
        let mid = BAR_PAD + (i as f64 + 0.5) * BAR_ROW;
        let len = if max == 0 || *v == 0 { 0.0 } else { (*v as f64 / max as f64 * bar_max).max(1.0) };
        w!(out, "<g>");
        w!(out, "<title>{}: {value}</title>", esc(full));
        w!(
            out,
            r#"<text class="chart-label" fill="currentColor" text-anchor="end" x="{}" y="{}">{}</text>"#,
            num(label_col - 6.0),
            num(mid + 4.0),
            esc(text)
        );
        w!(
            out,
            r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            num(label_col),
            num(mid - BAR_THICKNESS / 2.0),
            num(len),
            num(BAR_THICKNESS),
            PALETTE[0]
        );
        w!(
            out,
            r#"<text class="chart-label chart-value" fill="currentColor" x="{}" y="{}">{value}</text>"#,
            num(label_col + len + 4.0),
            num(mid + 4.0)
        );
        w!(out, "</g>");
    }
    close(&mut out);
    out
}

fn open(out: &mut String, title: &str, height: f64) {
    let t = esc(title);
    w!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{t}" class="chart">"#,
        num(WIDTH),
        num(height)
    );
    w!(out, "<title>{t}</title>");
    w!(out, r#"<g font-family="inherit" font-size="{}">"#, num(FONT));
}

fn close(out: &mut String) {
    out.push_str("</g>\n</svg>");
}

/// The x and y axis lines of a plot area.
fn axes(out: &mut String, left: f64, top: f64, right: f64, bottom: f64) {
    let (l, t, r, b) = (num(left), num(top), num(right), num(bottom));
    w!(out, r#"<g class="chart-axis" stroke="currentColor" stroke-width="1">"#);
    w!(out, r#"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>"#);
    w!(out, r#"<line x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>"#);
    w!(out, "</g>");
}

fn no_data_text(out: &mut String, x: f64, y: f64, text: &str) {
    w!(
        out,
        r#"<text class="chart-label chart-nodata" fill="currentColor" text-anchor="middle" x="{}" y="{}">{}</text>"#,
        num(x),
        num(y + 4.0),
        esc(text)
    );
}

struct LegendItem {
    x: f64,
    row: usize,
    text: String,
    truncated: bool,
}

/// Left-aligned legend entries (swatch + name), wrapping onto new rows when the width runs out.
fn legend_layout(series: &[Series], left: f64, right: f64) -> Vec<LegendItem> {
    let mut items = Vec::with_capacity(series.len());
    let (mut x, mut row) = (left, 0);
    for s in series {
        let (text, truncated) = truncate(&s.label, LEGEND_MAX_CHARS);
        let w = 18.0 + text_width(&text) + 20.0;
        if x > left && x + w > right {
            x = left;
            row += 1;
        }
        items.push(LegendItem { x, row, text, truncated });
        x += w;
    }
    items
}

/// Y-axis ticks from 0: the smallest step of 1/2/5×10^k giving at most 5 intervals, and at least
/// 3 intervals, so 4–6 ticks. The last tick is ≥ `max`. u128 so the top of a u64 range fits.
fn nice_ticks(max: u64) -> Vec<u128> {
    let max = u128::from(max);
    let mut magnitude: u128 = 1;
    let step = loop {
        if let Some(step) = [1, 2, 5].into_iter().map(|m| m * magnitude).find(|&s| max.div_ceil(s) <= 5) {
            break step;
        }
        magnitude *= 10;
    };
    let intervals = max.div_ceil(step).max(3);
    (0..=intervals).map(|i| i * step).collect()
}

/// A coordinate with at most one decimal, without a trailing ".0" and never "-0".
fn num(v: f64) -> String {
    let s = format!("{:.1}", (v * 10.0).round() / 10.0);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

/// An integer with thousands separators: 12000 → "12,000".
fn thousands(v: impl Into<u128>) -> String {
    let digits = v.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// XML-escape text for element content and attribute values. Characters XML 1.0 forbids
/// (control characters, U+FFFE/U+FFFF) become U+FFFD; tab and newlines become spaces.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` chars (not bytes, so CJK-safe), the last one "…" when cut; and whether it was cut.
fn truncate(s: &str, max: usize) -> (String, bool) {
    if s.chars().count() <= max {
        (s.to_owned(), false)
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        (t, true)
    }
}

/// Estimated rendered width at the chart font size (typical sans-serif advance widths): CJK and
/// other wide characters take a full em, digits a bit over half, punctuation less.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            let em = match c {
                c if is_wide(c) => 1.0,
                '0'..='9' => 0.6,
                ' ' | ',' | '.' | ':' | ';' | '-' | '\'' | '!' | '|' | 'i' | 'j' | 'l' => 0.3,
                'A'..='Z' | 'm' | 'w' => 0.7,
                c if c.is_ascii() => 0.6,
                _ => 0.7,
            };
            FONT * em
        })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1FAFF
            | 0x20000..=0x3FFFD
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One parsed element: its name, attributes, immediate text, and the classes of its ancestors.
    #[derive(Debug)]
    struct El {
        name: String,
        attrs: Vec<(String, String)>,
        text: String,
        ancestor_classes: Vec<String>,
    }

    impl El {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
        }
    }

    /// A tiny XML well-formedness check, enough for what the charts emit: balanced tags, exactly one
    /// root, quoted unique attributes, no stray `<`, only known or numeric entities, no comments,
    /// processing instructions or CDATA. Returns the elements in document order.
    fn parse(doc: &str) -> Result<Vec<El>, String> {
        let mut els: Vec<El> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut roots = 0;
        let mut rest = doc;
        loop {
            let lt = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..lt];
            check_chars(text)?;
            match stack.last() {
                Some(&open) => els[open].text.push_str(text),
                None if !text.trim().is_empty() => return Err(format!("text outside the root: {text:?}")),
                None => {}
            }
            if lt == rest.len() {
                break;
            }
            rest = &rest[lt + 1..];
            let end = tag_end(rest)?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or_else(|| format!("unopened </{name}>"))?;
                if els[open].name != name.trim_end() {
                    return Err(format!("<{}> closed by </{name}>", els[open].name));
                }
                continue;
            }
            let (body, self_closing) = match tag.strip_suffix('/') {
                Some(b) => (b, true),
                None => (tag, false),
            };
            let (name, attrs) = parse_tag(body)?;
            if stack.is_empty() {
                roots += 1;
            }
            let ancestor_classes = stack
                .iter()
                .filter_map(|&i| els[i].attr("class"))
                .flat_map(|c| c.split(' ').map(str::to_owned).collect::<Vec<_>>())
                .collect();
            els.push(El { name, attrs, text: String::new(), ancestor_classes });
            if !self_closing {
                stack.push(els.len() - 1);
            }
        }
        if let Some(&open) = stack.last() {
            return Err(format!("<{}> never closed", els[open].name));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(els)
    }

    /// Index of the `>` ending a tag that starts just after `<`, skipping quoted attribute values.
    fn tag_end(s: &str) -> Result<usize, String> {
        let mut quote = None;
        for (i, c) in s.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => return Ok(i),
                (None, '<') => return Err("'<' inside a tag".into()),
                _ => {}
            }
        }
        Err("unterminated tag".into())
    }

    fn is_name(s: &str) -> bool {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
    }

    fn parse_tag(body: &str) -> Result<(String, Vec<(String, String)>), String> {
        let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_end];
        if !is_name(name) {
            return Err(format!("bad element name {name:?}"));
        }
        let mut attrs: Vec<(String, String)> = Vec::new();
        let mut rest = body[name_end..].trim_start();
        while !rest.is_empty() {
            let eq = rest.find('=').ok_or_else(|| format!("attribute without value in <{name}>"))?;
            let key = &rest[..eq];
            if !is_name(key) {
                return Err(format!("bad attribute name {key:?} in <{name}>"));
            }
            let after = &rest[eq + 1..];
            let q = after.chars().next().filter(|c| matches!(c, '"' | '\'')).ok_or("unquoted attribute")?;
            let close = after[1..].find(q).ok_or("unterminated attribute")? + 1;
            let value = &after[1..close];
            if value.contains('<') {
                return Err(format!("'<' in attribute {key}"));
            }
            check_chars(value)?;
            if attrs.iter().any(|(k, _)| k == key) {
                return Err(format!("duplicate attribute {key} in <{name}>"));
            }
            attrs.push((key.to_owned(), value.to_owned()));
            let next = &after[close + 1..];
            if !next.is_empty() && !next.starts_with(char::is_whitespace) {
                return Err(format!("no space after attribute {key}"));
            }
            rest = next.trim_start();
        }
        Ok((name.to_owned(), attrs))
    }

    /// Every `&` starts a valid entity, and no character XML 1.0 forbids occurs.
    fn check_chars(s: &str) -> Result<(), String> {
        if let Some(c) = s.chars().find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}') {
            return Err(format!("forbidden char {c:?}"));
        }
        let mut rest = s;
        while let Some(amp) = rest.find('&') {
            rest = &rest[amp + 1..];
            let semi = rest.find(';').ok_or("'&' without ';'")?;
            let entity = &rest[..semi];
            let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity.strip_prefix("#x").is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || entity.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("bad entity &{entity};"));
            }
            rest = &rest[semi + 1..];
        }
        Ok(())
    }

    fn well_formed(svg: &str) -> Vec<El> {
        let els = parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
        let root = &els[0];
        assert_eq!(root.name, "svg");
        assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
        assert_eq!(root.attr("role"), Some("img"));
        assert_eq!(root.attr("class"), Some("chart"));
        assert!(root.attr("width").is_none() && root.attr("height").is_none(), "fixed size on the root");
        assert!(root.attr("viewBox").is_some_and(|v| v.starts_with("0 0 640 ")));
        assert_eq!(els[1].name, "title");
        assert_numbers(&els);
        els
    }

    /// All coordinates are finite numbers with at most one decimal.
    fn assert_numbers(els: &[El]) {
        const NUMERIC: &[&str] =
            &["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "points", "viewBox"];
        for el in els {
            for (k, v) in &el.attrs {
                if !NUMERIC.contains(&k.as_str()) {
                    continue;
                }
                for tok in v.split([' ', ',']) {
                    let n: f64 = tok.parse().unwrap_or_else(|_| panic!("{k}={v:?} is not numeric"));
                    assert!(n.is_finite(), "{k}={v:?}");
                    assert!(tok.split('.').nth(1).is_none_or(|d| d.len() == 1), "{k}={v:?} has >1 decimal");
                    assert_ne!(tok, "-0", "{k}={v:?}");
                }
            }
        }
    }

    fn months(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{}-{:02}", 2025 + i / 12, i % 12 + 1)).collect()
    }

    fn series(label: &str, points: &[u64]) -> Series {
        Series { label: label.to_owned(), points: points.to_vec() }
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    const XSS: &str = "<script>alert(1)</script>";
    const XSS_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

    #[test]
    fn nice_ticks_are_1_2_5_steps_from_zero() {
        assert_eq!(nice_ticks(0), [0, 1, 2, 3]);
        assert_eq!(nice_ticks(7), [0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(95), [0, 20, 40, 60, 80, 100]);
        assert_eq!(nice_ticks(1234), [0, 500, 1000, 1500]);
        assert_eq!(nice_ticks(1_000_000), [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
        for max in (0..2000).chain([9_999, 123_456_789, u64::MAX - 1, u64::MAX]) {
            let ticks = nice_ticks(max);
            assert!((4..=6).contains(&ticks.len()), "{max}: {ticks:?}");
            assert_eq!(ticks[0], 0);
            assert!(*ticks.last().unwrap() >= u128::from(max), "{max}: {ticks:?}");
            let step = ticks[1];
            let mut mantissa = step;
            while mantissa.is_multiple_of(10) {
                mantissa /= 10;
            }
            assert!(matches!(mantissa, 1 | 2 | 5), "{max}: step {step}");
            assert!(ticks.windows(2).all(|w| w[1] - w[0] == step));
        }
    }

    #[test]
    fn formatting_helpers() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(12_000u64), "12,000");
        assert_eq!(thousands(1_234_567u64), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(2.96), "3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(esc(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
        assert_eq!(esc("a\nb\u{0}c\u{FFFF}"), "a b\u{FFFD}c\u{FFFD}");
        assert_eq!(truncate("abc", 3), ("abc".to_owned(), false));
        assert_eq!(truncate("abcd", 3), ("ab…".to_owned(), true));
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let x = vec!["2025-01".to_owned(), XSS.to_owned()];
        let line = line_chart(XSS, &x, &[series(XSS, &[1, 2])], XSS);
        well_formed(&line);
        assert!(!line.contains("<script") && !line.contains("</script"), "{line}");
        assert!(line.contains(&format!(r#"aria-label="{XSS_ESCAPED}""#)));
        assert!(line.contains(&format!("<title>{XSS_ESCAPED}</title>")));
        assert!(line.contains(&format!("<title>{XSS_ESCAPED} · {XSS_ESCAPED}: 2</title>")));
        // The label is 25 chars, longer than legend entries and x labels may be: both are cut, with
        // the full label in a <title> (besides the chart's own <title>).
        assert_eq!(count(&line, &format!("<title>{XSS_ESCAPED}</title>")), 3);
        assert!(line.contains(&format!(">{}</text>", esc(&truncate(XSS, LEGEND_MAX_CHARS).0))));

        let empty = line_chart(XSS, &[], &[], XSS);
        well_formed(&empty);
        assert!(!empty.contains("<script") && empty.contains(&format!(">{XSS_ESCAPED}</text>")));

        let quotes = line_chart(r#"a"b'c&d"#, &x, &[series(r#""'&"#, &[1, 2])], "");
        well_formed(&quotes);
        assert!(quotes.contains(r#"aria-label="a&quot;b&#39;c&amp;d""#));

        let bars = bar_chart(XSS, &[(XSS.to_owned(), 5), ("<b>".to_owned(), 3)], XSS);
        well_formed(&bars);
        assert!(!bars.contains("<script") && !bars.contains("<b>"), "{bars}");
        assert!(bars.contains(&format!("<title>{XSS_ESCAPED}: 5</title>")));
        assert!(bars.contains(">&lt;b&gt;</text>"));
        // Truncation happens before escaping, so no entity is ever cut in half.
        let amps = bar_chart("t", &[("&".repeat(40), 1)], "");
        well_formed(&amps);
        assert!(amps.contains(&format!(">{}…</text>", "&amp;".repeat(BAR_LABEL_MAX_CHARS - 1))));

        let control = bar_chart("t\u{1}", &[("a\u{0}b".to_owned(), 1)], "");
        well_formed(&control);
    }

    #[test]
    fn one_circle_per_point() {
        let x = months(12);
        let all: Vec<Series> = (0..MAX_SERIES)
            .map(|s| series(&format!("s{s}"), &(0..12).map(|i| (i * 37 + s as u64 * 11) % 50).collect::<Vec<_>>()))
            .collect();
        for k in 0..=MAX_SERIES {
            let svg = line_chart("t", &x, &all[..k], "none");
            let els = well_formed(&svg);
            let circles = els.iter().filter(|e| e.name == "circle").count();
            assert_eq!(circles, k * 12);
            assert_eq!(count(&svg, "<circle"), k * 12);
            assert_eq!(els.iter().filter(|e| e.name == "polyline").count(), k);
            // Each circle carries its own tooltip.
            assert_eq!(count(&svg, "</title></circle>"), k * 12);
        }
        // Ragged series: points beyond the x labels are ignored, shorter series draw what they have.
        let ragged = [series("long", &[1; 20]), series("short", &[2, 3, 4])];
        let svg = line_chart("t", &x, &ragged, "none");
        well_formed(&svg);
        assert_eq!(count(&svg, "<circle"), 15);
        // Series past MAX_SERIES are not drawn.
        let many: Vec<Series> = (0..12).map(|s| series(&format!("s{s}"), &[1, 2])).collect();
        let svg = line_chart("t", &months(2), &many, "none");
        assert_eq!(count(&svg, "<circle"), MAX_SERIES * 2);
        for colour in PALETTE {
            assert!(svg.contains(&format!(r#"stroke="{colour}""#)), "{colour}");
        }
    }

    #[test]
    fn tooltip_text() {
        let svg = line_chart("t", &months(2), &[series("网上投诉", &[3, 12_345])], "");
        assert!(svg.contains("<title>网上投诉 · 2025-01: 3</title>"));
        assert!(svg.contains("<title>网上投诉 · 2025-02: 12,345</title>"));
    }

    #[test]
    fn empty_inputs_draw_axis_and_no_data_text() {
        for svg in [
            line_chart("t", &[], &[], "暂无数据"),
            line_chart("t", &months(12), &[], "暂无数据"),
            line_chart("t", &[], &[series("a", &[1, 2])], "暂无数据"),
            line_chart("t", &months(3), &[series("a", &[]), series("b", &[])], "暂无数据"),
        ] {
            let els = well_formed(&svg);
            assert!(els.iter().any(|e| e.name == "text" && e.text == "暂无数据"), "{svg}");
            assert!(els.iter().any(|e| e.name == "line" && e.ancestor_classes.iter().any(|c| c == "chart-axis")));
            assert_eq!(count(&svg, "<circle"), 0);
        }
        let bars = bar_chart("t", &[], "暂无数据");
        let els = well_formed(&bars);
        assert!(els.iter().any(|e| e.name == "text" && e.text == "暂无数据"));
        assert!(els.iter().any(|e| e.name == "line" && e.attr("class") == Some("chart-axis")));
        assert_eq!(count(&bars, "<rect"), 0);
    }

    #[test]
    fn all_zeros_single_label_and_huge_values() {
        let zeros = line_chart("t", &months(12), &[series("a", &[0; 12]), series("b", &[0; 12])], "NO-DATA");
        let els = well_formed(&zeros);
        assert_eq!(count(&zeros, "<circle"), 24);
        assert!(!zeros.contains("NO-DATA"));
        let ticks: Vec<&str> = els
            .iter()
            .filter(|e| e.name == "text" && e.ancestor_classes.iter().any(|c| c == "chart-label"))
            .map(|e| e.text.as_str())
            .take(4)
            .collect();
        assert_eq!(ticks, ["0", "1", "2", "3"]);

        let single = line_chart("t", &months(1), &[series("a", &[5])], "none");
        well_formed(&single);
        assert_eq!(count(&single, "<circle"), 1);
        assert_eq!(count(&single, "<polyline"), 0);
        assert!(single.contains(">2025-01</text>"));

        let huge = line_chart("t", &months(3), &[series("a", &[0, u64::MAX, 1_000_000_000_000])], "none");
        well_formed(&huge);
        assert!(huge.contains(">20,000,000,000,000,000,000</text>"), "{huge}");
        assert!(huge.contains(": 18,446,744,073,709,551,615</title>"));

        let ticks = line_chart("t", &months(2), &[series("a", &[12_000, 3])], "none");
        assert!(ticks.contains(">10,000</text>") && ticks.contains(">15,000</text>"), "{ticks}");

        let zero_bars = bar_chart("t", &[("a".to_owned(), 0), ("b".to_owned(), 0)], "none");
        well_formed(&zero_bars);
        assert_eq!(count(&zero_bars, r#"width="0""#), 2);
        let huge_bars = bar_chart("t", &[("a".to_owned(), u64::MAX), ("b".to_owned(), 1)], "none");
        well_formed(&huge_bars);
        assert!(huge_bars.contains(">18,446,744,073,709,551,615</text>"));
    }

    #[test]
    fn crowded_x_labels_are_thinned() {
        let x = months(200);
        let svg = line_chart("t", &x, &[series("a", &(0..200).collect::<Vec<_>>())], "none");
        let els = well_formed(&svg);
        assert_eq!(count(&svg, "<circle"), 200);
        let shown: Vec<&El> =
            els.iter().filter(|e| e.name == "text" && e.text.starts_with("20") && e.text.contains('-')).collect();
        assert!((5..=14).contains(&shown.len()), "{} x labels", shown.len());
        assert_eq!(shown[0].text, "2025-01");
        // Shown labels do not overlap.
        let xs: Vec<f64> = shown.iter().map(|e| e.attr("x").unwrap().parse().unwrap()).collect();
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= text_width("2025-01")));

        // Twelve months all fit, even next to wide y tick labels.
        for max in [1, 1_000_000] {
            let svg = line_chart("t", &months(12), &[series("a", &[max; 12])], "none");
            for m in months(12) {
                assert!(svg.contains(&format!(">{m}</text>")), "{m} with max {max}");
            }
        }
    }

    #[test]
    fn legend_wraps_and_grows_the_chart() {
        let short: Vec<Series> = (0..2).map(|i| series(&format!("s{i}"), &[1, 2])).collect();
        let svg = line_chart("t", &months(2), &short, "");
        assert!(svg.contains(r#"viewBox="0 0 640 260""#), "{svg}");
        let long: Vec<Series> = (0..8).map(|i| series(&format!("很长的投诉渠道名称第{i}个"), &[1, 2])).collect();
        let svg = line_chart("t", &months(2), &long, "");
        let els = well_formed(&svg);
        let height: f64 = els[0].attr("viewBox").unwrap().rsplit(' ').next().unwrap().parse().unwrap();
        assert!(height > 260.0);
        let rects: Vec<&El> = els.iter().filter(|e| e.name == "rect").collect();
        assert_eq!(rects.len(), 8);
        for r in rects {
            let x: f64 = r.attr("x").unwrap().parse().unwrap();
            assert!(x < WIDTH - LINE_RIGHT_PAD, "legend entry at x={x}");
        }
    }

    #[test]
    fn bar_truncates_long_cjk_label() {
        let label: String = "市民反映小区物业管理混乱垃圾清运不及时噪音扰民严重停车位被长期占用且无人处理问题"
            .chars()
            .take(40)
            .collect();
        assert_eq!(label.chars().count(), 40);
        let svg = bar_chart("渠道", &[(label.clone(), 1234), ("短".to_owned(), 7)], "none");
        let els = well_formed(&svg);
        let shown: String = label.chars().take(BAR_LABEL_MAX_CHARS - 1).chain(['…']).collect();
        let text = els.iter().find(|e| e.name == "text" && e.text.ends_with('…')).expect("truncated label");
        assert_eq!(text.text, shown);
        assert_eq!(text.text.chars().count(), BAR_LABEL_MAX_CHARS);
        assert!(svg.contains(&format!("<title>{label}: 1,234</title>")));
        assert!(svg.contains(">短</text>"));
        assert!(svg.contains(">1,234</text>") && svg.contains(">7</text>"));
        // Order is kept, and bars are proportional to the values.
        let bars: Vec<f64> =
            els.iter().filter(|e| e.name == "rect").map(|e| e.attr("width").unwrap().parse().unwrap()).collect();
        assert_eq!(bars.len(), 2);
        assert!((bars[1] / bars[0] - 7.0 / 1234.0).abs() < 0.01);
        // Height grows with the number of bars.
        let items: Vec<(String, u64)> = (0..20).map(|i| (format!("item {i}"), i)).collect();
        let tall = bar_chart("t", &items, "none");
        well_formed(&tall);
        assert!(tall.contains(&format!(r#"viewBox="0 0 640 {}""#, num(BAR_PAD * 2.0 + 20.0 * BAR_ROW))));
    }

    #[test]
    fn output_is_deterministic() {
        let x = months(24);
        let s = [series("a", &(0..24).map(|i| i * i).collect::<Vec<_>>()), series("b", &[3; 24])];
        assert_eq!(line_chart("t", &x, &s, "n"), line_chart("t", &x, &s, "n"));
        let items = [("a".to_owned(), 1), ("b".to_owned(), 2)];
        assert_eq!(bar_chart("t", &items, "n"), bar_chart("t", &items, "n"));
    }
}
