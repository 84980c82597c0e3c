-- 短信发件箱: more than evaluation invitations (到号提醒, appointment
-- confirmations, case status notices). Each message has a kind and a
-- dedupe key (kind and subject), so each notice is queued once; a message
-- may concern no ticket.
CREATE TABLE sms_outbox_new (
    id BLOB PRIMARY KEY,
    ticket_id BLOB,
    phone_sealed TEXT NOT NULL,
    body TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    sent_at TEXT,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL
);
INSERT INTO sms_outbox_new (id, ticket_id, phone_sealed, body, queued_at, sent_at, status, kind, dedupe_key)
SELECT id, ticket_id, phone_sealed, body, queued_at, sent_at, status,
       'evaluation_invitation', 'evaluation_invitation:' || lower(hex(ticket_id))
FROM sms_outbox;
DROP TABLE sms_outbox;
ALTER TABLE sms_outbox_new RENAME TO sms_outbox;
CREATE UNIQUE INDEX sms_outbox_dedupe ON sms_outbox (dedupe_key);
CREATE INDEX sms_outbox_status ON sms_outbox (status, queued_at);

-- 到号提醒: a ticket taken with a phone and more than N ahead of it wants
-- one reminder when N remain ahead.
ALTER TABLE tickets ADD COLUMN reminder_wanted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX tickets_reminder_wanted ON tickets (business_date) WHERE reminder_wanted;
