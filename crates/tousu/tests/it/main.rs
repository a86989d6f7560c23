//! The one integration-test binary: the real `tousu` executable, a temporary database per test.

mod api;
mod assess;
mod audit;
mod import;
mod import_gen;
mod lifecycle;
mod persons;
mod support;
