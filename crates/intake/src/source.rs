//! Reading CSV and XLSX files into rows of cells, streaming where the format allows.

use crate::decode::{self, Encoding};
use crate::{Error, Result};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date-time, as its serial number.
    DateTime(f64),
    Bool(bool),
    /// The cell could not be read (bad encoding, spreadsheet error value); the reason.
    Invalid(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// Text form of the cell, as a person would read it.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::DateTime(n) => tousu_core::parse::from_excel_serial(*n)
                .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_else(|| format_number(*n)),
            Cell::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            Cell::Invalid(r) => format!("<{r}>"),
        }
    }
}

/// Numbers from spreadsheets: integers without a trailing `.0`, others as Rust prints them.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// A data row: its number as a person sees it in the file (header = 1) and its cells.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub row: u64,
    pub cells: Vec<Cell>,
}

/// What kind of file this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

pub fn kind_of(path: &Path) -> FileKind {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods") => FileKind::Xlsx,
        _ => FileKind::Csv,
    }
}

/// A source of rows: the header, then data rows one by one.
pub trait RowSource {
    fn headers(&self) -> &[String];
    /// Next data row; `None` at the end. Blank rows are skipped.
    fn next_row(&mut self) -> Option<Result<RawRow>>;
    /// Bytes consumed so far, for progress (approximate for decoded streams).
    fn position(&self) -> u64;
    fn encoding(&self) -> Option<Encoding>;
}

/// Open a CSV or spreadsheet file. `encoding` overrides detection for CSV.
pub fn open(path: &Path, encoding: Option<Encoding>) -> Result<Box<dyn RowSource + Send>> {
    match kind_of(path) {
        FileKind::Xlsx => Ok(Box::new(XlsxSource::open(path)?)),
        FileKind::Csv => Ok(Box::new(CsvSource::open(path, encoding)?)),
    }
}

pub struct CsvSource {
    reader: csv::Reader<Box<dyn Read + Send>>,
    headers: Vec<String>,
    encoding: Encoding,
    /// Fields decode as UTF-8 (after transcoding for UTF-16) or per `encoding`.
    field_encoding: Encoding,
    record: csv::ByteRecord,
    row: u64,
    file: String,
}

impl CsvSource {
    pub fn open(path: &Path, encoding: Option<Encoding>) -> Result<Self> {
        let name = path.display().to_string();
        let mut f = File::open(path).map_err(|e| Error::file(&name, e))?;
        let mut sample = vec![0u8; 256 * 1024];
        let mut n = 0;
        loop {
            let k = f.read(&mut sample[n..]).map_err(|e| Error::file(&name, e))?;
            if k == 0 {
                break;
            }
            n += k;
            if n == sample.len() {
                break;
            }
        }
        sample.truncate(n);
        let enc = encoding.unwrap_or_else(|| decode::detect(&sample));
        let f = File::open(path).map_err(|e| Error::file(&name, e))?;
        Self::from_reader(Box::new(f), enc, &name)
    }

    /// Read CSV from any byte stream in a known encoding.
    pub fn from_reader(mut inner: Box<dyn Read + Send>, enc: Encoding, name: &str) -> Result<Self> {
        let (stream, field_encoding): (Box<dyn Read + Send>, Encoding) = match enc {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let e = if enc == Encoding::Utf16Le { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
                let r =
                    encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(e)).bom_sniffing(true).build(inner);
                (Box::new(r), Encoding::Utf8)
            }
            Encoding::Utf8Bom => {
                let mut bom = [0u8; 3];
                inner.read_exact(&mut bom).map_err(|e| Error::file(name, e))?;
                (inner, Encoding::Utf8)
            }
            other => (inner, other),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(Box::new(BufReader::with_capacity(1 << 20, stream)) as Box<dyn Read + Send>);
        let mut rec = csv::ByteRecord::new();
        let got = reader.read_byte_record(&mut rec).map_err(|e| Error::file(name, e))?;
        if !got {
            return Err(Error::Header { file: name.to_string(), reason: "the file is empty: no header row".into() });
        }
        let headers = rec
            .iter()
            .enumerate()
            .map(|(i, b)| {
                decode::decode_field(b, field_encoding).ok_or_else(|| Error::Header {
                    file: name.to_string(),
                    reason: format!("header cell {} is not valid {}", i + 1, enc.name()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let headers = headers.into_iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
        Ok(CsvSource { reader, headers, encoding: enc, field_encoding, record: rec, row: 1, file: name.to_string() })
    }
}

impl RowSource for CsvSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self) -> Option<Result<RawRow>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => {
                    self.row += 1;
                    return Some(Err(Error::file(&self.file, format!("row {}: {e}", self.row))));
                }
                Ok(true) => {
                    self.row += 1;
                    if self.record.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace())) {
                        continue;
                    }
                    let enc = self.field_encoding;
                    let cells = self
                        .record
                        .iter()
                        .map(|b| {
                            if b.is_empty() {
                                Cell::Empty
                            } else {
                                match decode::decode_field(b, enc) {
                                    Some(s) => Cell::Text(s),
                                    None => {
                                        Cell::Invalid(format!("not valid {} text", self.encoding.name().to_uppercase()))
                                    }
                                }
                            }
                        })
                        .collect();
                    return Some(Ok(RawRow { row: self.row, cells }));
                }
            }
        }
    }

    fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    fn encoding(&self) -> Option<Encoding> {
        Some(self.encoding)
    }
}

/// A spreadsheet: the first worksheet, read whole (spreadsheets are bounded by Excel's own
/// 1,048,576-row limit).
pub struct XlsxSource {
    headers: Vec<String>,
    rows: std::vec::IntoIter<RawRow>,
    done: u64,
}

impl XlsxSource {
    pub fn open(path: &Path) -> Result<Self> {
        use calamine::{Data, Reader};
        let name = path.display().to_string();
        let mut wb = calamine::open_workbook_auto(path).map_err(|e| Error::file(&name, e))?;
        let sheet = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| Error::Header { file: name.clone(), reason: "the workbook has no sheet".into() })?;
        let range = wb.worksheet_range(&sheet).map_err(|e| Error::file(&name, e))?;
        let start_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
        let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let mut it = range.rows();
        let header_row = it.next().ok_or_else(|| Error::Header {
            file: name.clone(),
            reason: "the first sheet is empty: no header row".into(),
        })?;
        let mut headers: Vec<String> = vec![String::new(); start_col];
        headers.extend(header_row.iter().map(|c| c.to_string().trim().to_string()));
        let mut rows = Vec::new();
        for (i, r) in it.enumerate() {
            let mut cells: Vec<Cell> = vec![Cell::Empty; start_col];
            cells.extend(r.iter().map(|d| match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(d) => Cell::DateTime(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::Error(e) => Cell::Invalid(format!("spreadsheet error {e}")),
            }));
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            // Header is row start_row + 1 (1-based); data row i is two further on.
            rows.push(RawRow { row: start_row + i as u64 + 2, cells });
        }
        Ok(XlsxSource { headers, rows: rows.into_iter(), done: 0 })
    }
}

impl RowSource for XlsxSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }
    fn next_row(&mut self) -> Option<Result<RawRow>> {
        self.done += 1;
        self.rows.next().map(Ok)
    }
    fn position(&self) -> u64 {
        self.done
    }
    fn encoding(&self) -> Option<Encoding> {
        None
    }
}
