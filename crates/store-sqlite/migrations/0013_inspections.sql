-- 日常督查、不定时巡查、明查暗访: the checklist (admin-edited; a retired
-- item stays readable on the inspections that used it), the inspections
-- with their staff, per-item results and photos, and the unannounced-visit
-- plans the inspected never see.
CREATE TABLE inspection_checklist (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    standard TEXT NOT NULL,
    deduction REAL NOT NULL,
    position INTEGER NOT NULL,
    retired BOOLEAN NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE inspections (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    -- The business date (Asia/Shanghai) of `at`, for a day's or a month's list.
    day TEXT NOT NULL,
    inspector TEXT NOT NULL,
    window_number TEXT NOT NULL,
    department TEXT NOT NULL,
    -- The staff usernames, as a JSON array (inspection_staff indexes them).
    staff TEXT NOT NULL,
    note TEXT NOT NULL,
    deduction REAL NOT NULL,
    status TEXT NOT NULL,
    response TEXT NOT NULL,
    responded_by TEXT,
    responded_at TEXT,
    decision TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    plan_visit_id BLOB,
    photo_count INTEGER NOT NULL
);
CREATE INDEX inspections_window ON inspections (window_number, at, id);
CREATE INDEX inspections_at ON inspections (at, id);
CREATE INDEX inspections_day ON inspections (day, at);
CREATE INDEX inspections_department ON inspections (department, at, id);
CREATE INDEX inspections_status ON inspections (status, at, id);

-- Who an inspection names, for the staff member's own list.
CREATE TABLE inspection_staff (
    inspection_id BLOB NOT NULL REFERENCES inspections(id),
    username TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (inspection_id, username)
);
CREATE INDEX inspection_staff_user ON inspection_staff (username, at, inspection_id);

-- Each checked item, with the name and deduction it had that day.
CREATE TABLE inspection_results (
    inspection_id BLOB NOT NULL REFERENCES inspections(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    deduction REAL NOT NULL,
    pass BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (inspection_id, position)
);

-- The photos taken on the tablet, checked by content.
CREATE TABLE inspection_photos (
    inspection_id BLOB NOT NULL REFERENCES inspections(id),
    n INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (inspection_id, n)
);

-- 暗访安排: a random schedule of visits.
CREATE TABLE inspection_plans (
    id BLOB PRIMARY KEY,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX inspection_plans_created ON inspection_plans (created_at);

CREATE TABLE inspection_plan_visits (
    id BLOB PRIMARY KEY,
    plan_id BLOB NOT NULL REFERENCES inspection_plans(id),
    slot_date TEXT NOT NULL,
    slot_time TEXT NOT NULL,
    window_number TEXT NOT NULL,
    inspection_id BLOB
);
CREATE INDEX inspection_plan_visits_plan ON inspection_plan_visits (plan_id, slot_date, slot_time);
