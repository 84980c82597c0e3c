-- 办件: cases accepted at a window or online. Personal numbers are sealed by
-- the app; `*_key` columns are their keyed hashes for lookups.
CREATE TABLE case_counters (
    business_date TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE cases (
    id BLOB PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    query_code TEXT NOT NULL UNIQUE,
    parent_id BLOB REFERENCES cases(id),
    item_code TEXT NOT NULL,
    item_name TEXT NOT NULL,
    department TEXT NOT NULL,
    handling TEXT NOT NULL,
    promised_days BIGINT NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_sealed TEXT NOT NULL,
    id_key TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    phone_sealed TEXT NOT NULL,
    phone_tail TEXT NOT NULL,
    legal_rep TEXT NOT NULL,
    agent TEXT NOT NULL,
    agent_basis TEXT NOT NULL,
    ticket_id BLOB,
    window_number TEXT NOT NULL,
    staff TEXT NOT NULL,
    status TEXT NOT NULL,
    status_before_pause TEXT,
    materials TEXT NOT NULL,
    missing TEXT NOT NULL,
    received_on TEXT NOT NULL,
    accepted_on TEXT,
    deadline TEXT,
    paused_days BIGINT NOT NULL DEFAULT 0,
    pause_started_on TEXT,
    extension_days BIGINT NOT NULL DEFAULT 0,
    approved BOOLEAN,
    decision_reason TEXT NOT NULL,
    completed_on TEXT,
    imported BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_department ON cases (department, status, deadline);
CREATE INDEX cases_accepted ON cases (accepted_on);
CREATE INDEX cases_completed ON cases (completed_on);
CREATE INDEX cases_parent ON cases (parent_id) WHERE parent_id IS NOT NULL;

-- Every step of a case: who, when, what (受理、补正、暂停、恢复、决定、办结…).
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BLOB NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX case_events_of ON case_events (case_id, id);
