-- Users, sessions, API tokens, the unmasking log, assignment columns and daily statistics.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    team          TEXT,
    lang          TEXT NOT NULL,
    disabled      BIGINT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE unmask_log (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    field        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX unmask_log_complaint ON unmask_log (complaint_id, id);

ALTER TABLE complaints ADD COLUMN assignee TEXT;
ALTER TABLE complaints ADD COLUMN team TEXT;
-- Partial: unassigned complaints (every freshly imported one) are not indexed, so imports do
-- not pay for these.
CREATE INDEX complaints_assignee ON complaints (assignee, received_at, id) WHERE assignee IS NOT NULL;
CREATE INDEX complaints_team ON complaints (team, received_at, id) WHERE team IS NOT NULL;

-- Complaint counts per received day and dimension value, kept up to date by every write, so
-- that dashboards never scan the complaints table.
CREATE TABLE daily_stats (
    day   TEXT   NOT NULL,
    dim   TEXT   NOT NULL,
    value TEXT   NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (day, dim, value)
);
INSERT INTO daily_stats (day, dim, value, n)
    SELECT substr(received_at, 1, 10), 'all', '', COUNT(*) FROM complaints GROUP BY substr(received_at, 1, 10);
INSERT INTO daily_stats (day, dim, value, n)
    SELECT substr(received_at, 1, 10), 'channel', channel, COUNT(*) FROM complaints GROUP BY 1, 3;
INSERT INTO daily_stats (day, dim, value, n)
    SELECT substr(received_at, 1, 10), 'category', COALESCE(category, ''), COUNT(*) FROM complaints GROUP BY 1, 3;
INSERT INTO daily_stats (day, dim, value, n)
    SELECT substr(received_at, 1, 10), 'product', COALESCE(product, ''), COUNT(*) FROM complaints GROUP BY 1, 3;
CREATE INDEX daily_stats_dim ON daily_stats (dim, value, day);
