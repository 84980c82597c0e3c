-- issue 18 (session 11): the assessment counts the cases accepted in a month
-- per window, staff member and department. The same covering index as
-- SQLite's (where it lets the count stream with no sort); PostgreSQL reads a
-- month of it index-only and hashes the groups.
CREATE INDEX IF NOT EXISTS cases_assessment_accepted ON cases
    (accepted_on, window_number, staff, department, imported, ticket_id, completed_on, deadline, status);

ANALYZE cases;
