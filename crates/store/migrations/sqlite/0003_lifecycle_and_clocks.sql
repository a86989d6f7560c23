-- The lifecycle (state, merges), events on a complaint (pauses, extensions, escalations, claim
-- milestones), and the deadline clocks derived from them.
ALTER TABLE complaints ADD COLUMN state TEXT NOT NULL DEFAULT 'registered';
ALTER TABLE complaints ADD COLUMN merged_into BIGINT;
-- Earliest due date among the running clocks of an open complaint (derived; recomputable).
ALTER TABLE complaints ADD COLUMN due_date TEXT;
CREATE INDEX complaints_due ON complaints (due_date, id);
CREATE INDEX complaints_state ON complaints (state, received_at, id);

CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY,
    complaint_id  BIGINT NOT NULL REFERENCES complaints (id),
    kind          TEXT   NOT NULL,
    on_date       TEXT   NOT NULL,
    recorded_at   TEXT   NOT NULL,
    actor         TEXT   NOT NULL,
    reason        TEXT,
    data          TEXT   NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TABLE complaint_clocks (
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    clock_id     TEXT   NOT NULL,
    regime_id    TEXT   NOT NULL,
    start_date   TEXT   NOT NULL,
    due_date     TEXT   NOT NULL,
    status       TEXT   NOT NULL,
    remaining    BIGINT NOT NULL,
    paused_days  BIGINT NOT NULL,
    detail       TEXT   NOT NULL,
    PRIMARY KEY (complaint_id, clock_id)
);
