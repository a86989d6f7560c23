//! Importing whole files into a store: streaming, validated, in resumable batches.
//!
//! One thread reads and validates rows into batches while the calling thread commits them;
//! each batch (its complaints, its row errors and the run's progress) is one transaction, so a
//! process killed mid-import leaves only whole batches, and running the same import again
//! resumes after the last committed batch with the run's counts intact.

use crate::decode::Encoding;
use crate::formats::{Format, Plan};
use crate::source::{self, RowSource};
use crate::validate::{self, Context};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use tousu_core::Currency;
use tousu_core::parse::DateOrder;
use tousu_store::{ImportBatch, ImportCounts, RowError, Severity, Store};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: recognise from the header row.
    pub format: Option<Format>,
    /// Source system for rows that name none (default: `import`, or the format's own).
    pub source: Option<String>,
    pub date_order: DateOrder,
    /// `None`: detect.
    pub encoding: Option<Encoding>,
    pub currency: Currency,
    pub batch_size: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            source: None,
            date_order: DateOrder::Auto,
            encoding: None,
            currency: Currency::Cny,
            batch_size: 20_000,
        }
    }
}

/// Progress of one file, reported after every committed batch.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub position: u64,
    pub total: u64,
    pub rows: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    pub format: String,
    pub encoding: Option<String>,
    pub run_id: i64,
    /// True when this run continued an interrupted one.
    pub resumed: bool,
    #[serde(flatten)]
    pub counts: ImportCounts,
    /// CPU seconds of the reading thread and of the committing thread (Linux; for benchmarks).
    #[serde(skip)]
    pub cpu_seconds: Option<(f64, f64)>,
}

/// CPU time of the calling thread, in seconds, from /proc (Linux); `None` elsewhere.
fn thread_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// A fingerprint of the file and the options that change its result: size, the first and
/// last MiB, the format, source, date order and currency.
fn fingerprint(path: &Path, plan: &Plan, opts: &ImportOptions) -> Result<String> {
    let name = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| Error::file(&name, e))?;
    let len = f.metadata().map_err(|e| Error::file(&name, e))?.len();
    let mut h = Sha256::new();
    h.update(len.to_le_bytes());
    let mut buf = vec![0u8; 1 << 20];
    let n = read_full(&mut f, &mut buf).map_err(|e| Error::file(&name, e))?;
    h.update(&buf[..n]);
    if len > buf.len() as u64 {
        f.seek(SeekFrom::Start(len - buf.len() as u64)).map_err(|e| Error::file(&name, e))?;
        let n = read_full(&mut f, &mut buf).map_err(|e| Error::file(&name, e))?;
        h.update(&buf[..n]);
    }
    h.update(
        format!(
            "{}|{}|{:?}|{}",
            plan.format.name(),
            opts.source.as_deref().unwrap_or(""),
            opts.date_order,
            opts.currency.code()
        )
        .as_bytes(),
    );
    Ok(h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect())
}

fn read_full(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = f.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// Import one file. Row problems are stored with the run (see [`Store::import_errors`]);
/// only file-level failures are errors.
pub fn import_file(
    store: &dyn Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<FileReport> {
    let name = path.display().to_string();
    let total = std::fs::metadata(path).map_err(|e| Error::file(&name, e))?.len();
    let mut src = source::open(path, opts.encoding)?;
    let format = opts.format.unwrap_or_else(|| Format::detect(src.headers()));
    let plan = Plan::new(format, src.headers(), &name)?;
    let ctx = Context {
        file: name.clone(),
        source: opts.source.clone().unwrap_or_else(|| plan.source.unwrap_or("import").to_string()),
        date_order: plan.date_order.filter(|_| opts.date_order == DateOrder::Auto).unwrap_or(opts.date_order),
        currency: opts.currency,
    };
    let fp = fingerprint(path, &plan, opts)?;
    let run = store.begin_import(&name, &fp, format.name())?;
    let resumed = run.rows_done > 0;
    let skip = run.rows_done;
    let batch_size = opts.batch_size.max(1);
    let encoding = src.encoding().map(|e| e.name().to_string());

    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(ImportBatch, u64)>>(2);
    let writer_cpu0 = thread_cpu();
    let mut reader_cpu = None;
    let outcome: Result<()> = std::thread::scope(|s| {
        let plan = &plan;
        let ctx = &ctx;
        let reader = std::thread::Builder::new()
            .name("import-reader".into())
            .spawn_scoped(s, move || {
                let mut done: u64 = 0;
                let mut batch = ImportBatch::default();
                let src: &mut (dyn RowSource + Send) = &mut *src;
                loop {
                    let next = src.next_row();
                    let raw = match next {
                        None => break,
                        Some(Err(e)) => {
                            let _ = tx.send(Err(e));
                            return thread_cpu();
                        }
                        Some(Ok(r)) => r,
                    };
                    done += 1;
                    if done <= skip {
                        continue;
                    }
                    batch.read += 1;
                    let row_no = raw.row;
                    let mapped = plan.map(raw);
                    match validate::build(plan, &mapped, row_no, ctx) {
                        Ok((c, warnings)) => {
                            match tousu_store::PreparedComplaint::new(c) {
                                Ok(p) => batch.complaints.push(p),
                                Err(e) => {
                                    let _ = tx.send(Err(e.into()));
                                    return thread_cpu();
                                }
                            }
                            batch.errors.extend(warnings);
                        }
                        Err(problems) => {
                            batch.rejected += 1;
                            batch.errors.extend(problems);
                        }
                    }
                    if batch.read as usize >= batch_size {
                        batch.rows_done = done;
                        if tx.send(Ok((std::mem::take(&mut batch), src.position()))).is_err() {
                            return thread_cpu();
                        }
                    }
                }
                batch.rows_done = done.max(skip);
                let _ = tx.send(Ok((batch, src.position())));
                thread_cpu()
            })
            .map_err(|e| Error::file(&name, e))?;
        for msg in rx {
            let (batch, pos) = msg?;
            if batch.read == 0 && batch.rows_done <= skip {
                continue;
            }
            store.commit_batch(run.id, &batch)?;
            progress(Progress { position: pos, total, rows: batch.rows_done });
        }
        reader_cpu = reader.join().ok().flatten();
        Ok(())
    });
    outcome?;
    let finished = store.finish_import(run.id)?;
    Ok(FileReport {
        file: name,
        format: format.name().to_string(),
        encoding,
        run_id: run.id,
        resumed,
        counts: finished.counts,
        cpu_seconds: reader_cpu.zip(thread_cpu().zip(writer_cpu0).map(|(b, a)| b - a)),
    })
}

/// Write a row-error report as CSV (UTF-8 with BOM so that Excel shows Chinese), one line per
/// problem: file, row, column, value, reason, severity. Values that a spreadsheet would run as
/// formulas are prefixed with an apostrophe.
pub fn write_error_report(path: &Path, errors: &[RowError]) -> Result<()> {
    let name = path.display().to_string();
    let tmp = path.with_extension("csv.tmp");
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        f.write_all(&[0xEF, 0xBB, 0xBF])?;
        let mut w = csv::Writer::from_writer(f);
        w.write_record(["file", "row", "column", "value", "reason", "severity"])?;
        for e in errors {
            let value = e.value.clone().unwrap_or_default();
            let value = if validate::is_formula_like(&value) { format!("'{value}") } else { value };
            w.write_record([
                e.file.as_str(),
                &e.row.to_string(),
                e.column.as_deref().unwrap_or(""),
                &value,
                &e.reason,
                match e.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    write().map_err(|e| Error::file(&name, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::file(&name, e))
}
