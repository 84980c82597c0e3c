-- issue 18 (session 11): the assessment counts the cases accepted in a month
-- per window, staff member and department. This covering index holds them in
-- that order after the day, so SQLite groups them as it reads (streamed, no
-- sort of the month's cases); the outcome's columns follow.
CREATE INDEX IF NOT EXISTS cases_assessment_accepted ON cases
    (accepted_on, window_number, staff, department, imported, ticket_id, completed_on, deadline, status);

-- The planner's statistics for the new index (an empty table gets none).
ANALYZE cases;
