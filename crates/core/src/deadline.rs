//! Deadline regimes and clocks (being written).
