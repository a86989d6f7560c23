//! SQLite implementation of [`crate::PersonStore`].

use super::SqliteStore;

impl crate::PersonStore for SqliteStore {}
