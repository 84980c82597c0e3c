-- issue 18: the queue report (and the hall's summary) count a period's
-- tickets in SQL per category, window and staff member, by status and whole
-- seconds waited and served. This index holds every column those counts
-- read (a covering index), so a month is a range read of its days.
CREATE INDEX IF NOT EXISTS tickets_report ON tickets (business_date, category, status, taken_at, called_at,
    finished_at, window_number, called_by);

-- The assessment's evaluations of a month counted per window, department,
-- staff member, level and flags (`month_evaluation_counts`): a covering index
-- over the month's days.
CREATE INDEX IF NOT EXISTS evaluations_assessment ON evaluations (business_date, window_number, department, staff,
    level, imported, excluded, weight);
