-- 黄牛、非法中介 (scalpers and illegal agents): the marks detection groups
-- by, the refused attempts, the register with its photos, actions, keys and
-- alerts, the supervisors' reviews of suspects and the thresholds.

-- Tickets and appointments keep the masked forms of the numbers their keyed
-- hashes stand for (138****5678), and appointments the phone's and the ID
-- number's keys apart (person_key is one or the other).
ALTER TABLE tickets ADD COLUMN phone_masked TEXT;
ALTER TABLE tickets ADD COLUMN id_masked TEXT;
ALTER TABLE appointments ADD COLUMN phone_key TEXT;
ALTER TABLE appointments ADD COLUMN phone_masked TEXT;
ALTER TABLE appointments ADD COLUMN id_key TEXT;
ALTER TABLE appointments ADD COLUMN id_masked TEXT;
-- Detection groups by key over a range of days; rows written before this
-- migration (no masked form) are left out.
CREATE INDEX tickets_scalper_phone ON tickets (business_date, phone_key, phone_masked) WHERE phone_masked IS NOT NULL;
CREATE INDEX tickets_scalper_id ON tickets (business_date, id_key, id_masked) WHERE id_masked IS NOT NULL;
CREATE INDEX appointments_scalper_phone ON appointments (slot_date, phone_key, phone_masked) WHERE phone_masked IS NOT NULL;
CREATE INDEX appointments_scalper_id ON appointments (slot_date, id_key, id_masked) WHERE id_masked IS NOT NULL;
-- Cases: the applicant's phone as a keyed hash and masked.
ALTER TABLE cases ADD COLUMN phone_key TEXT;
ALTER TABLE cases ADD COLUMN phone_masked TEXT;
CREATE INDEX cases_scalper_phone ON cases (received_on, phone_key, id_key) WHERE phone_key IS NOT NULL;
CREATE INDEX cases_scalper_agent ON cases (received_on, agent, id_key) WHERE agent <> '';

-- Tickets and bookings refused by the per-person limits (限额拒绝).
CREATE TABLE scalper_refusals (
    id UUID PRIMARY KEY,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    business_date DATE NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    phone_key TEXT,
    phone_masked TEXT,
    id_key TEXT,
    id_masked TEXT
);
CREATE INDEX scalper_refusals_phone ON scalper_refusals (business_date, phone_key, phone_masked) WHERE phone_masked IS NOT NULL;
CREATE INDEX scalper_refusals_id ON scalper_refusals (business_date, id_key, id_masked) WHERE id_masked IS NOT NULL;

-- Photos of registered persons, kept apart from the register.
CREATE TABLE scalper_photos (
    id UUID PRIMARY KEY,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    body BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);

-- 黄牛登记: never a number in the clear, only keyed hashes and masked forms.
CREATE TABLE scalpers (
    id UUID PRIMARY KEY,
    description TEXT NOT NULL,
    phone_key TEXT,
    phone_masked TEXT,
    id_key TEXT,
    id_masked TEXT,
    photo_id UUID REFERENCES scalper_photos(id),
    registered_by TEXT NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX scalpers_registered ON scalpers (registered_at);

-- The keys the ticket and booking hook looks up: one indexed lookup.
CREATE TABLE scalper_keys (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    scalper_id UUID NOT NULL REFERENCES scalpers(id)
);

-- 处置措施: 劝离、警告、驱逐、移交公安.
CREATE TABLE scalper_actions (
    id UUID PRIMARY KEY,
    scalper_id UUID NOT NULL REFERENCES scalpers(id),
    action TEXT NOT NULL,
    action_date DATE NOT NULL,
    note TEXT NOT NULL,
    evidence TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX scalper_actions_of ON scalper_actions (scalper_id, action_date);

-- A registered phone or ID took a ticket or booked: the floor captain's alert.
CREATE TABLE scalper_alerts (
    id UUID PRIMARY KEY,
    scalper_id UUID NOT NULL REFERENCES scalpers(id),
    source TEXT NOT NULL,
    record_id UUID NOT NULL,
    reference TEXT NOT NULL,
    kind TEXT NOT NULL,
    business_date DATE NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMPTZ
);
CREATE INDEX scalper_alerts_open ON scalper_alerts (at) WHERE acknowledged_at IS NULL;
CREATE INDEX scalper_alerts_day ON scalper_alerts (business_date, at);

-- 可疑对象复核: a supervisor cleared a suspect or registered the person.
CREATE TABLE scalper_reviews (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    masked TEXT NOT NULL,
    rule TEXT NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    scalper_id UUID REFERENCES scalpers(id),
    reviewed_by TEXT NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX scalper_reviews_key ON scalper_reviews (kind, key, rule, reviewed_at);

-- The thresholds the administrator set (one row; absent: the defaults).
CREATE TABLE scalper_rules (
    id BIGINT PRIMARY KEY,
    rules TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
