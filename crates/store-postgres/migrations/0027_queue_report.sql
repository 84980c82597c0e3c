-- issue 18: the queue report (and the hall's summary) count a period's
-- tickets in SQL per category, window and staff member, by status and whole
-- seconds waited and served. This index holds every column those counts
-- read, so a month is an index-only range read of its days, however the
-- tickets lie in the table.
CREATE INDEX IF NOT EXISTS tickets_report ON tickets (business_date, category, status)
    INCLUDE (taken_at, called_at, finished_at, window_number, called_by);

-- The assessment's evaluations of a month counted per window, department,
-- staff member, level and flags (`month_evaluation_counts`): an index-only
-- range read of the month's days.
CREATE INDEX IF NOT EXISTS evaluations_assessment ON evaluations (business_date)
    INCLUDE (window_number, department, staff, level, imported, excluded, weight);
