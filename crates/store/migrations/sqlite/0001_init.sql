-- tousu schema v1. Portable SQL: TEXT, INTEGER/BIGINT, no SQLite-only types; dates are ISO-8601
-- text so that they sort and compare the same on every backend.
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    source        TEXT    NOT NULL,
    external_ref  TEXT    NOT NULL,
    received_at   TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    institution   TEXT,
    branch        TEXT,
    region        TEXT,
    product_line  TEXT,
    product       TEXT,
    category      TEXT,
    subcategory   TEXT,
    text          TEXT    NOT NULL,
    doc           TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    version       BIGINT  NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    UNIQUE (source, external_ref)
);
-- One ordering index. Filters by channel, category, product or branch walk it newest first and
-- stop at a page; their counts come from daily_stats. Every further index on a column paired
-- with received_at costs a random B-tree insert per imported row (measured: see BENCHMARKS.md).
CREATE INDEX complaints_received ON complaints (received_at, id);

CREATE TABLE import_runs (
    id              INTEGER PRIMARY KEY,
    source_name     TEXT   NOT NULL,
    fingerprint     TEXT   NOT NULL,
    format          TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    started_at      TEXT   NOT NULL,
    finished_at     TEXT,
    rows_done       BIGINT NOT NULL,
    read_count      BIGINT NOT NULL,
    created_count   BIGINT NOT NULL,
    updated_count   BIGINT NOT NULL,
    unchanged_count BIGINT NOT NULL,
    rejected_count  BIGINT NOT NULL,
    warning_count   BIGINT NOT NULL
);
CREATE INDEX import_runs_fingerprint ON import_runs (fingerprint, status);

CREATE TABLE import_errors (
    id          INTEGER PRIMARY KEY,
    run_id      BIGINT NOT NULL REFERENCES import_runs (id),
    file        TEXT   NOT NULL,
    row_number  BIGINT NOT NULL,
    column_name TEXT,
    value       TEXT,
    reason      TEXT   NOT NULL,
    severity    TEXT   NOT NULL
);
CREATE INDEX import_errors_run ON import_errors (run_id, row_number);

-- The audit trail: every change to a complaint, appended, never updated or deleted. Each row
-- carries the hash of the previous one (a hash chain), so an edit or removal made outside tousu
-- is found by `tousu audit verify`.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    complaint_id  BIGINT NOT NULL,
    at            TEXT   NOT NULL,
    actor         TEXT   NOT NULL,
    action        TEXT   NOT NULL,
    field         TEXT,
    before_value  TEXT,
    after_value   TEXT,
    reason        TEXT,
    import_run_id BIGINT,
    prev_hash     TEXT   NOT NULL,
    hash          TEXT   NOT NULL
);
CREATE INDEX audit_log_complaint ON audit_log (complaint_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
