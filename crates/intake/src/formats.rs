//! The file formats tousu recognises and how their columns map to the model.
//!
//! - `tousu`: the documented template (`tousu template`), Chinese or English headers.
//! - `cfpb`: the US CFPB Consumer Complaint Database export (18 columns).
//! - `tx-tdi`: the Texas Department of Insurance complaint export.
//!
//! Columns that map to no field are kept in the complaint's `extra`, by header.

use crate::source::{Cell, RawRow};
use crate::{Error, Result};
use std::collections::BTreeMap;
use tousu_core::Channel;
use tousu_core::columns::{COLUMNS, column_for_header};
use tousu_core::parse::DateOrder;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Tousu,
    Cfpb,
    TxTdi,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Tousu => "tousu",
            Format::Cfpb => "cfpb",
            Format::TxTdi => "tx-tdi",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tousu" => Some(Format::Tousu),
            "cfpb" => Some(Format::Cfpb),
            "tx-tdi" | "tdi" | "txtdi" => Some(Format::TxTdi),
            _ => None,
        }
    }
    /// Recognise a format from its header row.
    pub fn detect(headers: &[String]) -> Format {
        let has = |h: &str| headers.iter().any(|x| x.eq_ignore_ascii_case(h));
        if has("Complaint ID") && has("Consumer complaint narrative") && has("Date received") {
            Format::Cfpb
        } else if has("Complaint number") && has("Reason complaint filed") && has("Received date") {
            Format::TxTdi
        } else {
            Format::Tousu
        }
    }
}

/// Where one source column goes.
#[derive(Debug, Clone)]
enum Target {
    Field(&'static str),
    Extra(String),
    /// CFPB "Tags": comma-separated.
    CommaTags,
    /// TDI "Complaint number" and "Respondent ID": together the external reference (one
    /// complaint number can name several respondents, each its own record).
    TdiNumber,
    TdiRespondent,
    /// TDI "Reason complaint filed": reasons joined by "; ".
    TdiReasons,
    /// TDI "Complaint filed by": Insured, Attorney, Relative, …
    TdiFiledBy,
}

/// A row mapped to tousu column keys: one slot per column of the catalogue, in its order.
#[derive(Debug)]
pub struct Mapped {
    cells: Vec<Cell>,
    pub extra: BTreeMap<String, String>,
    pub tags: Vec<String>,
}

impl Default for Mapped {
    fn default() -> Self {
        Mapped { cells: vec![Cell::Empty; COLUMNS.len()], extra: BTreeMap::new(), tags: Vec::new() }
    }
}

/// The slot of a column key (a hashed lookup; plans resolve their columns' slots once).
fn slot(key: &str) -> Option<usize> {
    type Slots = std::collections::HashMap<&'static str, usize, tousu_core::fnv::FnvBuild>;
    static SLOTS: std::sync::OnceLock<Slots> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| COLUMNS.iter().enumerate().map(|(i, c)| (c.key, i)).collect()).get(key).copied()
}

impl Mapped {
    /// The non-empty cell of a column.
    pub fn get(&self, key: &str) -> Option<&Cell> {
        slot(key).and_then(|i| self.cells.get(i)).filter(|c| !c.is_empty())
    }
    pub fn insert(&mut self, key: &str, cell: Cell) {
        if let Some(i) = slot(key) {
            self.cells[i] = cell;
        }
    }
    fn insert_at(&mut self, slot: Option<usize>, cell: Cell) {
        if let Some(c) = slot.and_then(|i| self.cells.get_mut(i)) {
            *c = cell;
        }
    }
    /// Every non-empty cell with its column key, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Cell)> {
        COLUMNS.iter().zip(&self.cells).filter(|(_, c)| !c.is_empty()).map(|(col, c)| (col.key, c))
    }
}

/// How to read one file: the format, the column targets and the fixed facts of the format.
#[derive(Debug, Clone)]
pub struct Plan {
    pub format: Format,
    targets: Vec<Target>,
    /// The slot of each `Target::Field`, resolved once.
    slots: Vec<Option<usize>>,
    /// Source system implied by the format.
    pub source: Option<&'static str>,
    /// Channel implied by the format.
    pub channel: Option<Channel>,
    /// Date order implied by the format (`None`: take the caller's).
    pub date_order: Option<DateOrder>,
    /// The file's headers, for reports.
    pub headers: Vec<String>,
}

impl Plan {
    pub fn new(format: Format, headers: &[String], file: &str) -> Result<Plan> {
        let mut targets = Vec::with_capacity(headers.len());
        let (source, channel, date_order) = match format {
            Format::Tousu => (None, None, None),
            // Both are complaints the regulator received and sent on to the institution.
            Format::Cfpb => (Some("cfpb"), Some(Channel::RegulatorReferral), Some(DateOrder::Auto)),
            Format::TxTdi => (Some("tx-tdi"), Some(Channel::RegulatorReferral), Some(DateOrder::Mdy)),
        };
        let mut used: Vec<&'static str> = Vec::new();
        for h in headers {
            let t = match format {
                Format::Tousu => match column_for_header(h) {
                    Some(c) if !used.contains(&c.key) => {
                        used.push(c.key);
                        Target::Field(c.key)
                    }
                    _ => Target::Extra(h.clone()),
                },
                Format::Cfpb => match h.as_str() {
                    "Date received" => Target::Field("received_at"),
                    "Product" => Target::Field("product_line"),
                    "Sub-product" => Target::Field("product"),
                    "Issue" => Target::Field("category"),
                    "Sub-issue" => Target::Field("subcategory"),
                    "Consumer complaint narrative" => Target::Field("text"),
                    "Company" => Target::Field("institution"),
                    "State" => Target::Field("region"),
                    "Complaint ID" => Target::Field("external_ref"),
                    "Tags" => Target::CommaTags,
                    other => Target::Extra(other.to_string()),
                },
                Format::TxTdi => match h.as_str() {
                    "Complaint number" => Target::TdiNumber,
                    "Respondent ID" => Target::TdiRespondent,
                    "Complaint filed against" => Target::Field("institution"),
                    "Complaint filed by" => Target::TdiFiledBy,
                    "Reason complaint filed" => Target::TdiReasons,
                    "Received date" => Target::Field("received_at"),
                    "Coverage type" => Target::Field("product_line"),
                    "Coverage level" => Target::Field("product"),
                    other => Target::Extra(other.to_string()),
                },
            };
            targets.push(t);
        }
        let has_field = |k: &str| targets.iter().any(|t| matches!(t, Target::Field(x) if *x == k));
        if format == Format::Tousu {
            if !targets.iter().any(|t| matches!(t, Target::Field(_))) {
                return Err(Error::Header {
                    file: file.to_string(),
                    reason: "no known column in the header row; see `tousu template` for the import format".into(),
                });
            }
            for c in COLUMNS.iter().filter(|c| c.required) {
                if !has_field(c.key) {
                    return Err(Error::Header {
                        file: file.to_string(),
                        reason: format!("required column {} ({}) is missing", c.key, c.zh),
                    });
                }
            }
        } else if !has_field("received_at") {
            return Err(Error::Header { file: file.to_string(), reason: "the received-date column is missing".into() });
        }
        let slots = targets.iter().map(|t| if let Target::Field(k) = t { slot(k) } else { None }).collect();
        Ok(Plan { format, targets, slots, source, channel, date_order, headers: headers.to_vec() })
    }

    /// Map one raw row to column keys (the row's cells move into the result).
    pub fn map(&self, raw: RawRow) -> Mapped {
        let mut m = Mapped::default();
        let mut tdi_number = String::new();
        let mut tdi_resp = String::new();
        for (i, cell) in raw.cells.into_iter().enumerate() {
            let Some(t) = self.targets.get(i) else {
                if !cell.is_empty() {
                    m.extra.insert(format!("column {}", i + 1), cell.as_text());
                }
                continue;
            };
            match t {
                Target::Field(_) => m.insert_at(self.slots[i], cell),
                Target::Extra(h) => {
                    if !cell.is_empty() {
                        m.extra.insert(h.clone(), cell.as_text());
                    }
                }
                Target::CommaTags => {
                    m.tags.extend(cell.as_text().split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from));
                }
                Target::TdiNumber => tdi_number = cell.as_text().trim().to_string(),
                Target::TdiRespondent => {
                    tdi_resp = cell.as_text().trim().to_string();
                    m.extra.insert(self.headers[i].clone(), tdi_resp.clone());
                }
                Target::TdiReasons => {
                    let text = cell.as_text();
                    let reasons: Vec<String> =
                        text.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
                    if let Some(first) = reasons.first() {
                        m.insert("category", Cell::Text(first.clone()));
                    }
                    if reasons.len() > 1 {
                        m.insert("subcategory", Cell::Text(reasons[1..].join("; ")));
                    }
                    m.tags.extend(reasons);
                }
                Target::TdiFiledBy => {
                    let who = cell.as_text().trim().to_string();
                    if !who.is_empty() {
                        m.extra.insert(self.headers[i].clone(), who.clone());
                        if !who.eq_ignore_ascii_case("Insured") {
                            m.insert("third_party_relationship", Cell::Text(who));
                        }
                    }
                }
            }
        }
        if self.format == Format::TxTdi && !tdi_number.is_empty() {
            let r = if tdi_resp.is_empty() { tdi_number } else { format!("{tdi_number}/{tdi_resp}") };
            m.insert("external_ref", Cell::Text(r));
        }
        m
    }
}
