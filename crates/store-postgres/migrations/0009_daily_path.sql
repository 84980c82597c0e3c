-- 短信发件箱: more than evaluation invitations (到号提醒, appointment
-- confirmations, case status notices). Each message has a kind and a
-- dedupe key (kind and subject), so each notice is queued once; a message
-- may concern no ticket.
ALTER TABLE sms_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'evaluation_invitation';
ALTER TABLE sms_outbox ADD COLUMN dedupe_key TEXT;
UPDATE sms_outbox SET dedupe_key = 'evaluation_invitation:' || replace(ticket_id::text, '-', '');
ALTER TABLE sms_outbox ALTER COLUMN dedupe_key SET NOT NULL;
ALTER TABLE sms_outbox ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE sms_outbox ALTER COLUMN ticket_id DROP NOT NULL;
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_ticket_id_key;
CREATE UNIQUE INDEX sms_outbox_dedupe ON sms_outbox (dedupe_key);

-- 到号提醒: a ticket taken with a phone and more than N ahead of it wants
-- one reminder when N remain ahead.
ALTER TABLE tickets ADD COLUMN reminder_wanted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX tickets_reminder_wanted ON tickets (business_date) WHERE reminder_wanted;
