-- Case assessment (issue #7). The stored summary of each complaint's assessment: the grade
-- (for sorting the queue by risk and the dashboard's grade mix; grade_rank 0 low .. 3 critical,
-- -1 not assessed yet), a JSON summary (overall score, dimension scores, failed legal checks,
-- playbook, reasons) and what it was computed from (content hash and version of the complaint);
-- the full assessment, with its evidence and scripts, is recomputed when shown.
ALTER TABLE complaints ADD COLUMN grade TEXT;
ALTER TABLE complaints ADD COLUMN grade_rank INTEGER NOT NULL DEFAULT -1;
ALTER TABLE complaints ADD COLUMN assessment TEXT;
ALTER TABLE complaints ADD COLUMN assessment_for TEXT;
CREATE INDEX complaints_risk ON complaints (grade_rank, received_at, id);
-- Negotiation plans built for a complaint (the planner's input and its ladder, as JSON).
CREATE TABLE negotiation_plans (
    id             INTEGER PRIMARY KEY,
    complaint_id   BIGINT  NOT NULL,
    created_at     TEXT    NOT NULL,
    actor          TEXT    NOT NULL,
    input          TEXT    NOT NULL,
    plan           TEXT    NOT NULL,
    needs_approval INTEGER NOT NULL
);
CREATE INDEX negotiation_plans_complaint ON negotiation_plans (complaint_id, id);
-- Requests for a supervisor's approval of an offer above the handler's authority, and the
-- decision. status: pending, granted, denied.
CREATE TABLE approvals (
    id             INTEGER PRIMARY KEY,
    complaint_id   BIGINT  NOT NULL,
    plan_id        BIGINT,
    total_minor    BIGINT  NOT NULL,
    goodwill_minor BIGINT  NOT NULL,
    currency       TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    requested_by   TEXT    NOT NULL,
    requested_at   TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    note           TEXT
);
CREATE INDEX approvals_complaint ON approvals (complaint_id, id);
CREATE INDEX approvals_status ON approvals (status, id);
-- Concessions granted on a complaint (goodwill, the entitlement paid, non-monetary items);
-- totalled per complaint and, through person_of, per person.
CREATE TABLE concessions (
    id           INTEGER PRIMARY KEY,
    complaint_id BIGINT  NOT NULL,
    kind         TEXT    NOT NULL,
    amount_minor BIGINT  NOT NULL,
    currency     TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    approval_id  BIGINT,
    actor        TEXT    NOT NULL,
    at           TEXT    NOT NULL
);
CREATE INDEX concessions_complaint ON concessions (complaint_id, id);
