-- 办件全程时间线与办件评价 (issue 17): a case's timeline reads a ticket's
-- calls, the SMS about its ticket and the evaluations of a case; these
-- indexes keep each read to the rows it needs. A case is rated once per
-- channel: its evaluations carry `event_key` `case:<id>:<channel>`, kept
-- unique by the existing unique index on `event_key`.
CREATE INDEX call_events_ticket ON call_events (ticket_id);
CREATE INDEX sms_outbox_ticket ON sms_outbox (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX evaluations_case ON evaluations (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX evaluations_ticket ON evaluations (ticket_id) WHERE ticket_id IS NOT NULL;
