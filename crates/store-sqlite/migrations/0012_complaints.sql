-- 投诉 (GB/T 36113): 受理 → 调查 → 处置 → 反馈 → 归档, each step by
-- someone, at a time, with a note. The complainant's name and phone are
-- sealed by the app (none at all when anonymous); the public follows
-- progress by the query code. `department` is the department the complaint
-- concerns (its full name, as cases and rectifications carry it), resolved
-- at intake from what it names.
CREATE TABLE complaints (
    id BLOB PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    query_code TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    content TEXT NOT NULL,
    about_window TEXT NOT NULL,
    about_staff TEXT NOT NULL,
    about_department TEXT NOT NULL,
    about_item TEXT NOT NULL,
    department TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    name_sealed TEXT,
    phone_sealed TEXT,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_on TEXT NOT NULL,
    accept_due TEXT NOT NULL,
    answer_due TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    substantiated BOOLEAN,
    finding TEXT NOT NULL,
    answer TEXT NOT NULL,
    complainant_accepted BOOLEAN,
    reopened BOOLEAN NOT NULL,
    escalated BOOLEAN NOT NULL,
    escalation TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The 督查科's open list (most urgent first) and the month's complaints.
CREATE INDEX complaints_open ON complaints (answer_due) WHERE status <> 'archived';
CREATE INDEX complaints_received ON complaints (received_on);
CREATE INDEX complaints_department ON complaints (department, received_on);
CREATE INDEX complaints_staff ON complaints (about_staff, received_on);

-- The day's last complaint number (taken inside the writing transaction).
CREATE TABLE complaint_counters (
    business_date TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE complaint_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id BLOB NOT NULL REFERENCES complaints(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    step TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX complaint_steps_of ON complaint_steps (complaint_id, id);

-- One rectification model (整改): a 差评, a substantiated complaint or a
-- failed inspection item opens one; exactly one source is named. SQLite
-- cannot drop NOT NULL in place, so the table is rebuilt; its steps keep
-- pointing at it (foreign keys deferred to the end of this migration).
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE rectifications_copy AS SELECT * FROM rectifications;
DROP TABLE rectifications;
CREATE TABLE rectifications (
    id BLOB PRIMARY KEY,
    evaluation_id BLOB UNIQUE REFERENCES evaluations(id),
    opened_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    department TEXT NOT NULL,
    window_number TEXT NOT NULL,
    assignee TEXT NOT NULL,
    escalated BOOLEAN NOT NULL DEFAULT FALSE,
    accepted BOOLEAN,
    updated_at TEXT NOT NULL,
    complaint_id BLOB UNIQUE REFERENCES complaints(id),
    inspection_id BLOB,
    inspection_item TEXT,
    CHECK ((evaluation_id IS NOT NULL) + (complaint_id IS NOT NULL) + (inspection_id IS NOT NULL) = 1)
);
INSERT INTO rectifications (id, evaluation_id, opened_on, due_date, status, department, window_number,
    assignee, escalated, accepted, updated_at)
SELECT id, evaluation_id, opened_on, due_date, status, department, window_number,
    assignee, escalated, accepted, updated_at
FROM rectifications_copy;
DROP TABLE rectifications_copy;
CREATE INDEX rectifications_status ON rectifications (status, due_date);
CREATE UNIQUE INDEX rectifications_inspection_item ON rectifications (inspection_id, inspection_item)
    WHERE inspection_id IS NOT NULL;
