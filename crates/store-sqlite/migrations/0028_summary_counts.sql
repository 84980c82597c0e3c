-- issue 18 (session 10): the month's summary at full scale (10 M tickets,
-- 5 M cases) on SQLite.
--
-- The report index now leads, after the day, with the status, window and
-- staff member: the assessment's finished tickets per window and staff member
-- are then counted in index order, day by day, with no sort; the category and
-- the whole seconds the queue report counts by follow, still covered.
DROP INDEX IF EXISTS tickets_report;
CREATE INDEX tickets_report ON tickets (business_date, status, window_number, called_by, category,
    wait_seconds, service_seconds);

-- The cases the assessment counts are read from covering indexes instead of
-- the table's rows (a month's cases lie all over a large table): those
-- accepted in the month from the ledger's index, widened by what the
-- assessment reads, and those completed in it from `cases_completed`, widened.
DROP INDEX IF EXISTS cases_ledger_figures;
CREATE INDEX cases_ledger_figures ON cases
    (accepted_on, department, item_code, item_name, status, deadline, completed_on, parent_id,
     window_number, staff, imported, ticket_id);
DROP INDEX IF EXISTS cases_completed;
CREATE INDEX cases_completed ON cases
    (completed_on, accepted_on, deadline, status, imported, window_number, staff, department, ticket_id);

-- The planner's statistics for the indexes made again above (a database that
-- was analysed has none for them until it is analysed again, and SQLite then
-- prefers the analysed single-column index and reads the table's rows: the
-- ledger's figures went from 0.1 s to 0.9 s at 5 M cases). An empty table
-- gets no statistics.
ANALYZE cases;
ANALYZE tickets;
