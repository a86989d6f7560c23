-- A fingerprint of each person's stored summary and tags: a complaint's assessment records it
-- and is stale when its person's facts change (the assessment uses them).
ALTER TABLE persons ADD COLUMN fingerprint TEXT;
