//! tousu-intake: getting complaints in without losing a row.
//!
//! `decode` detects encodings, `source` reads CSV/XLSX files into rows of cells, `formats`
//! recognises the tousu template and the CFPB and Texas TDI exports and maps their columns,
//! `validate` turns one mapped row into a [`tousu_core::Complaint`] or a list of problems,
//! `import` drives a whole file into a [`tousu_store::Store`] in resumable batches, and
//! `template` writes the documented import template.

pub mod decode;
pub mod formats;
pub mod import;
pub mod source;
pub mod template;
pub mod validate;

use thiserror::Error;

/// File-level failures (row-level problems are reported per row, not as errors).
#[derive(Debug, Error)]
pub enum Error {
    #[error("{file}: {reason}")]
    File { file: String, reason: String },
    #[error("{file}: unknown format {name:?} (expected tousu, cfpb or tx-tdi)")]
    UnknownFormat { file: String, name: String },
    #[error("{file}: {reason}")]
    Header { file: String, reason: String },
    #[error(transparent)]
    Store(#[from] tousu_store::Error),
}

impl Error {
    pub fn file(file: &str, reason: impl ToString) -> Self {
        Error::File { file: file.to_string(), reason: reason.to_string() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
