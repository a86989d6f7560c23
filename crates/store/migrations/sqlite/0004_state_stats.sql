-- Complaints per received day and lifecycle state, and per due day, so that the dashboard's
-- open, due-soon and overdue counts never scan the table.
INSERT INTO daily_stats (day, dim, value, n)
    SELECT substr(received_at, 1, 10), 'state', state, COUNT(*) FROM complaints GROUP BY 1, 3;
-- Running complaints per due day (the earliest due date of their running clocks).
INSERT INTO daily_stats (day, dim, value, n)
    SELECT due_date, 'due', '', COUNT(*) FROM complaints WHERE due_date IS NOT NULL GROUP BY due_date;
