-- Identifiers are kept as 64-bit hashes of their normalised values (kind, key): narrower and
-- faster to load than the values, and no second plain copy of personal identifiers. A
-- collision only adds a candidate, which the identity rules then reject. Every link is made
-- stale so that the next refresh rebuilds the keys.
DROP TABLE identity_keys;
CREATE TABLE identity_keys (
    kind         TEXT   NOT NULL,
    key          BIGINT NOT NULL,
    complaint_id BIGINT NOT NULL
);
CREATE INDEX identity_keys_value ON identity_keys (key, kind);
CREATE INDEX identity_keys_complaint ON identity_keys (complaint_id);
UPDATE person_of SET person_for = NULL;
