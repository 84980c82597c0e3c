-- issue 18 (session 10): the month's summary at full scale. The assessment
-- counts a month's cases in three disjoint parts (accepted in the month;
-- completed in it; open past a deadline in it), each an index range read:
-- the two large parts now find every column they read in their index, so
-- they are index-only reads however the month's cases lie in the table.
-- (SQLite's migration also reorders `tickets_report`; PostgreSQL groups the
-- tickets by hashing and keeps its order.)
DROP INDEX IF EXISTS cases_ledger_figures;
CREATE INDEX cases_ledger_figures ON cases
    (accepted_on, department, item_code, item_name, status, deadline, completed_on, parent_id)
    INCLUDE (window_number, staff, imported, ticket_id);
DROP INDEX IF EXISTS cases_completed;
CREATE INDEX cases_completed ON cases (completed_on)
    INCLUDE (accepted_on, deadline, status, imported, window_number, staff, department, ticket_id);
