-- A summary of each complaint's text analysis (JSON: category, emotions, threats, markers,
-- vulnerability, demanded total, lexicon version) and the content hash it was computed from;
-- stale when that differs from the complaint's content hash or the lexicon version changed.
ALTER TABLE complaints ADD COLUMN analysis TEXT;
ALTER TABLE complaints ADD COLUMN analysis_for TEXT;
