-- issue 18 (session 11): PostgreSQL's `tickets_report` now holds the window
-- and the staff member after the status, so it groups the queue's counts in
-- the index's order. SQLite's (migration 0028) already leads with the day,
-- the status, the window, the staff member and the category, the order
-- `dialect::TICKET_SECONDS_GROUP` names for it: nothing to change here.
SELECT 1;
