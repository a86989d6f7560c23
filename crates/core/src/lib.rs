//! tousu-core: the pure heart of tousu.
//!
//! Domain types and (in later work) every analysis. No IO, no async, no database:
//! data in, results out, deterministic.

pub mod assess;
pub mod calendar;
pub mod clocks;
pub mod columns;
pub mod deadline;
pub mod error;
pub mod fnv;
pub mod ident;
pub mod identity;
pub mod model;
pub mod money;
pub mod parse;
pub mod profile;
pub mod text;
pub mod workflow;

pub use error::Error;
pub use model::*;
pub use money::{Currency, Money};

/// Maximum length of a complaint's free text, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
