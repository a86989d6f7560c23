-- Complainants as persons (投诉人), found by identity resolution (core::identity).
-- A person's id is the smallest complaint id among its complaints, so a rebuild gives the same
-- ids for the same clusters. The full profile is computed on demand from the person's
-- complaints; this row keeps what lists, filters and population analysis need.
CREATE TABLE persons (
    id          BIGINT PRIMARY KEY,
    complaints  BIGINT NOT NULL,
    age_band    TEXT,
    gender      TEXT,
    region      TEXT,
    motive      TEXT,
    tags        TEXT   NOT NULL,
    summary     TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);
-- Which person each complaint belongs to, and the link that put it there (rule, confidence,
-- the complaint it was linked to). Narrow on purpose: a rebuild rewrites it, not complaints.
CREATE TABLE person_of (
    complaint_id BIGINT PRIMARY KEY,
    person_id    BIGINT NOT NULL,
    rule         TEXT,
    confidence   REAL,
    linked_to    BIGINT,
    -- The complaint's content hash when it was linked: a differing hash means re-resolve.
    person_for   TEXT
);
CREATE INDEX person_of_person ON person_of (person_id, complaint_id);
-- Normalised identifiers of each complaint (resident_id, phone, email, name_birth), to find
-- the candidates of a new complaint without reading every record.
CREATE TABLE identity_keys (
    kind         TEXT   NOT NULL,
    value        TEXT   NOT NULL,
    complaint_id BIGINT NOT NULL
);
CREATE INDEX identity_keys_value ON identity_keys (kind, value);
CREATE INDEX identity_keys_complaint ON identity_keys (complaint_id);
-- Supervisor decisions (must-link / cannot-link between two complaints' persons); they
-- survive every rebuild.
CREATE TABLE identity_overrides (
    id          INTEGER PRIMARY KEY,
    complaint_a BIGINT  NOT NULL,
    complaint_b BIGINT  NOT NULL,
    same        INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    at          TEXT    NOT NULL
);
