-- An import records the complaints a batch created as one audit row ('create_range':
-- complaint_id is the first id, after_value the last; ids inside one batch are consecutive)
-- instead of one row per complaint. This small partial index finds the range of a complaint.
CREATE INDEX audit_log_ranges ON audit_log (complaint_id) WHERE action = 'create_range';
