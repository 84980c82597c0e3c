-- Queue: categories, windows, tickets with daily numbering, call events.
CREATE TABLE queue_categories (
    prefix TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    items TEXT NOT NULL
);

CREATE TABLE service_windows (
    number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    categories TEXT NOT NULL,
    status TEXT NOT NULL,
    pause_reason TEXT NOT NULL,
    temporary BOOLEAN NOT NULL,
    staff TEXT NOT NULL
);

CREATE TABLE ticket_counters (
    business_date TEXT NOT NULL,
    category TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (business_date, category)
);

CREATE TABLE tickets (
    line_order INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    business_date TEXT NOT NULL,
    category TEXT NOT NULL REFERENCES queue_categories(prefix),
    sequence INTEGER NOT NULL,
    number TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT,
    id_key TEXT,
    phone_key TEXT,
    taken_at TEXT NOT NULL,
    called_at TEXT,
    finished_at TEXT,
    window_number TEXT,
    called_by TEXT,
    passed_by INTEGER NOT NULL DEFAULT 0,
    recalls INTEGER NOT NULL DEFAULT 0,
    transferred_from BLOB,
    appointment_at TEXT,
    UNIQUE (business_date, category, sequence)
);
CREATE INDEX tickets_waiting ON tickets (business_date, status, category, line_order);
CREATE INDEX tickets_window ON tickets (window_number, status);
CREATE INDEX tickets_appointments ON tickets (business_date, category, line_order) WHERE status = 'waiting' AND appointment_at IS NOT NULL;
CREATE INDEX tickets_green ON tickets (business_date, category, line_order) WHERE status = 'waiting' AND (priority IS NOT NULL OR transferred_from IS NOT NULL);
CREATE INDEX tickets_by_id_key ON tickets (business_date, id_key) WHERE id_key IS NOT NULL;
CREATE INDEX tickets_by_phone_key ON tickets (business_date, phone_key) WHERE phone_key IS NOT NULL;

CREATE TABLE call_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    ticket_id BLOB NOT NULL,
    number TEXT NOT NULL,
    window_number TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE appointments (
    id BLOB PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL REFERENCES queue_categories(prefix),
    slot_date TEXT NOT NULL,
    slot_time TEXT NOT NULL,
    person_key TEXT NOT NULL,
    phone_tail TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    ticket_id BLOB
);
CREATE INDEX appointments_slot ON appointments (category, slot_date, slot_time, status);
CREATE INDEX appointments_person ON appointments (person_key, slot_date);
