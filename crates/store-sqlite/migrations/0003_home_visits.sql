-- 上门服务 (door-to-door service) requests. The phone and the address are
-- stored sealed (encrypted by the app); phone_key is their keyed hash for
-- the per-person limit.
CREATE TABLE home_visits (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    phone_sealed TEXT NOT NULL,
    phone_key TEXT NOT NULL,
    address_sealed TEXT NOT NULL,
    item TEXT NOT NULL,
    reason TEXT NOT NULL,
    preferred_date TEXT,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    scheduled_date TEXT,
    assigned_to TEXT,
    outcome TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX home_visits_status ON home_visits (status, created_at);
CREATE INDEX home_visits_phone ON home_visits (phone_key, status);

-- Every step of a request: who, when, what.
CREATE TABLE home_visit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id BLOB NOT NULL REFERENCES home_visits(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX home_visit_events_visit ON home_visit_events (visit_id, id);

-- The no-show sweep looks for booked appointments by day.
CREATE INDEX appointments_booked ON appointments (slot_date, slot_time) WHERE status = 'booked';
