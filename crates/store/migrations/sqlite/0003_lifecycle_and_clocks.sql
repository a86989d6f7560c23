-- The lifecycle (state, merges) and events on a complaint (transitions, pauses, extensions,
-- escalations, claim milestones). Deadline clocks are computed from these on demand; only the
-- earliest due date is kept, for sorting and counting.
ALTER TABLE complaints ADD COLUMN state TEXT NOT NULL DEFAULT 'registered';
ALTER TABLE complaints ADD COLUMN merged_into BIGINT;
-- Earliest due date among the running clocks of an open complaint (derived; recomputable).
ALTER TABLE complaints ADD COLUMN due_date TEXT;
CREATE INDEX complaints_due ON complaints (due_date, id) WHERE due_date IS NOT NULL;

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
