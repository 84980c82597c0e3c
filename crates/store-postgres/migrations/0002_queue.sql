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
    business_date DATE NOT NULL,
    category TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (business_date, category)
);

CREATE TABLE tickets (
    line_order BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    business_date DATE NOT NULL,
    category TEXT NOT NULL REFERENCES queue_categories(prefix),
    sequence BIGINT NOT NULL,
    number TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT,
    id_key TEXT,
    phone_key TEXT,
    taken_at TIMESTAMPTZ NOT NULL,
    called_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    window_number TEXT,
    called_by TEXT,
    passed_by BIGINT NOT NULL DEFAULT 0,
    recalls BIGINT NOT NULL DEFAULT 0,
    transferred_from UUID,
    appointment_at TIMESTAMPTZ,
    UNIQUE (business_date, category, sequence)
);
CREATE INDEX tickets_waiting ON tickets (business_date, status, category, line_order);
CREATE INDEX tickets_window ON tickets (window_number, status);
CREATE INDEX tickets_appointments ON tickets (business_date, category, line_order) WHERE status = 'waiting' AND appointment_at IS NOT NULL;
CREATE INDEX tickets_green ON tickets (business_date, category, line_order) WHERE status = 'waiting' AND (priority IS NOT NULL OR transferred_from IS NOT NULL);
CREATE INDEX tickets_by_id_key ON tickets (business_date, id_key) WHERE id_key IS NOT NULL;
CREATE INDEX tickets_by_phone_key ON tickets (business_date, phone_key) WHERE phone_key IS NOT NULL;

CREATE TABLE call_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    ticket_id UUID NOT NULL,
    number TEXT NOT NULL,
    window_number TEXT NOT NULL,
    kind TEXT NOT NULL
);

-- Every call reaches the displays connected to any instance: the instance
-- that serves a display LISTENs on this channel and replays from call_events.
CREATE FUNCTION notify_call_event() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('govhall_calls', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER call_events_notify AFTER INSERT ON call_events
    FOR EACH ROW EXECUTE FUNCTION notify_call_event();

CREATE TABLE appointments (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL REFERENCES queue_categories(prefix),
    slot_date DATE NOT NULL,
    slot_time TEXT NOT NULL,
    person_key TEXT NOT NULL,
    phone_tail TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    ticket_id UUID
);
CREATE INDEX appointments_slot ON appointments (category, slot_date, slot_time, status);
CREATE INDEX appointments_person ON appointments (person_key, slot_date);
