-- 投诉 (GB/T 36113): 受理 → 调查 → 处置 → 反馈 → 归档, each step by
-- someone, at a time, with a note. The complainant's name and phone are
-- sealed by the app (none at all when anonymous); the public follows
-- progress by the query code. `department` is the department the complaint
-- concerns (its full name, as cases and rectifications carry it), resolved
-- at intake from what it names.
CREATE TABLE complaints (
    id UUID PRIMARY KEY,
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
    received_at TIMESTAMPTZ NOT NULL,
    received_on DATE NOT NULL,
    accept_due DATE NOT NULL,
    answer_due DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    substantiated BOOLEAN,
    finding TEXT NOT NULL,
    answer TEXT NOT NULL,
    complainant_accepted BOOLEAN,
    reopened BOOLEAN NOT NULL,
    escalated BOOLEAN NOT NULL,
    escalation TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- The 督查科's open list (most urgent first) and the month's complaints.
CREATE INDEX complaints_open ON complaints (answer_due) WHERE status <> 'archived';
CREATE INDEX complaints_received ON complaints (received_on);
CREATE INDEX complaints_department ON complaints (department, received_on);
CREATE INDEX complaints_staff ON complaints (about_staff, received_on);

-- The day's last complaint number (taken inside the writing transaction).
CREATE TABLE complaint_counters (
    business_date DATE PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE complaint_steps (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id UUID NOT NULL REFERENCES complaints(id),
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    step TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX complaint_steps_of ON complaint_steps (complaint_id, id);

-- One rectification model (整改): a 差评, a substantiated complaint or a
-- failed inspection item opens one; exactly one source is named.
ALTER TABLE rectifications ALTER COLUMN evaluation_id DROP NOT NULL;
ALTER TABLE rectifications ADD COLUMN complaint_id UUID UNIQUE REFERENCES complaints(id);
ALTER TABLE rectifications ADD COLUMN inspection_id UUID;
ALTER TABLE rectifications ADD COLUMN inspection_item TEXT;
ALTER TABLE rectifications ADD CONSTRAINT rectifications_one_source CHECK (
    (evaluation_id IS NOT NULL)::int + (complaint_id IS NOT NULL)::int + (inspection_id IS NOT NULL)::int = 1
);
CREATE UNIQUE INDEX rectifications_inspection_item ON rectifications (inspection_id, inspection_item)
    WHERE inspection_id IS NOT NULL;
