-- 好差评: one evaluation per service event, never edited or deleted. The
-- event is a finished ticket or a handled case; `event_key` makes "one
-- event, one evaluation" a rule of the database. Imported history from an
-- earlier system is a row per (day, window, level) with its count in `weight`.
CREATE TABLE evaluations (
    id BLOB PRIMARY KEY,
    event_key TEXT UNIQUE,
    ticket_id BLOB,
    case_id BLOB,
    channel TEXT NOT NULL,
    level TEXT NOT NULL,
    reasons TEXT NOT NULL,
    comment TEXT NOT NULL,
    business_date TEXT NOT NULL,
    window_number TEXT NOT NULL,
    department TEXT NOT NULL,
    staff TEXT NOT NULL,
    item TEXT NOT NULL,
    weight BIGINT NOT NULL,
    imported BOOLEAN NOT NULL,
    excluded BOOLEAN NOT NULL DEFAULT FALSE,
    device TEXT NOT NULL,
    rater_key TEXT NOT NULL,
    seconds_after_service BIGINT,
    rated_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX evaluations_day ON evaluations (business_date);
CREATE INDEX evaluations_rater ON evaluations (rater_key, business_date) WHERE rater_key <> '';

-- Counts per day and every reporting dimension, kept in the same
-- transaction as each evaluation, so a month's report reads a few thousand
-- rows instead of millions.
CREATE TABLE evaluation_counts (
    business_date TEXT NOT NULL,
    window_number TEXT NOT NULL,
    department TEXT NOT NULL,
    staff TEXT NOT NULL,
    item TEXT NOT NULL,
    channel TEXT NOT NULL,
    level TEXT NOT NULL,
    n BIGINT NOT NULL,
    n_excluded BIGINT NOT NULL,
    PRIMARY KEY (business_date, window_number, department, staff, item, channel, level)
);

CREATE TABLE evaluation_reasons (
    reason TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO evaluation_reasons (reason, position) VALUES
    ('等候时间长', 1), ('服务态度差', 2), ('办事效率低', 3), ('一次性告知不清', 4), ('多次跑动', 5), ('其他', 6);

-- 整改: every 差评 opens one, due in working days.
CREATE TABLE rectifications (
    id BLOB PRIMARY KEY,
    evaluation_id BLOB NOT NULL UNIQUE REFERENCES evaluations(id),
    opened_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    department TEXT NOT NULL,
    window_number TEXT NOT NULL,
    assignee TEXT NOT NULL,
    escalated BOOLEAN NOT NULL DEFAULT FALSE,
    accepted BOOLEAN,
    updated_at TEXT NOT NULL
);
CREATE INDEX rectifications_status ON rectifications (status, due_date);

CREATE TABLE rectification_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rectification_id BLOB NOT NULL REFERENCES rectifications(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    step TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX rectification_steps_of ON rectification_steps (rectification_id, id);

-- 申诉: a malicious review appealed with evidence, decided by a supervisor.
CREATE TABLE evaluation_appeals (
    id BLOB PRIMARY KEY,
    evaluation_id BLOB NOT NULL REFERENCES evaluations(id),
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision TEXT NOT NULL
);
CREATE UNIQUE INDEX evaluation_appeals_pending ON evaluation_appeals (evaluation_id) WHERE status = 'pending';

-- SMS invitations after a service event; a gateway plug-in sends them later.
CREATE TABLE sms_outbox (
    id BLOB PRIMARY KEY,
    ticket_id BLOB NOT NULL UNIQUE,
    phone_sealed TEXT NOT NULL,
    body TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    sent_at TEXT,
    status TEXT NOT NULL
);
CREATE INDEX sms_outbox_status ON sms_outbox (status, queued_at);

-- The phone a citizen gave at the kiosk, sealed, for the SMS invitation.
ALTER TABLE tickets ADD COLUMN phone_sealed TEXT;
CREATE INDEX tickets_finished_at_window ON tickets (window_number, finished_at) WHERE status = 'finished';
