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
CREATE INDEX complaints_received ON complaints (received_at, id);
CREATE INDEX complaints_channel ON complaints (channel, received_at, id);
CREATE INDEX complaints_category ON complaints (category, received_at, id);
CREATE INDEX complaints_product ON complaints (product, received_at, id);
CREATE INDEX complaints_branch ON complaints (branch, received_at, id);

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

CREATE TABLE complaint_changes (
    id            INTEGER PRIMARY KEY,
    complaint_id  BIGINT NOT NULL REFERENCES complaints (id),
    changed_at    TEXT   NOT NULL,
    actor         TEXT   NOT NULL,
    import_run_id BIGINT,
    field         TEXT   NOT NULL,
    before_value  TEXT,
    after_value   TEXT
);
CREATE INDEX complaint_changes_complaint ON complaint_changes (complaint_id, id);
