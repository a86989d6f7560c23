//! SQLite implementation of [`crate::AssessStore`].

use super::SqliteStore;

impl crate::AssessStore for SqliteStore {}
