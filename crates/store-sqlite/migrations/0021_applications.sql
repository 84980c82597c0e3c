-- 网上申报 (issue 17 part 2): online applications, their steps and the
-- uploaded materials' bodies, kept apart from the main tables with a SHA-256
-- content hash. Personal data is sealed by the app (`*_sealed`), with a
-- keyed hash for lookups and a masked form for screens.
CREATE TABLE application_counters (
    business_date TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE applications (
    id BLOB PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    query_code TEXT NOT NULL,
    item_code TEXT NOT NULL,
    item_name TEXT NOT NULL,
    department TEXT NOT NULL,
    applicant_kind TEXT NOT NULL,
    name_sealed TEXT NOT NULL,
    name_masked TEXT NOT NULL,
    id_sealed TEXT NOT NULL,
    id_key TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    phone_sealed TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    delivery TEXT NOT NULL,
    address_sealed TEXT NOT NULL,
    status TEXT NOT NULL,
    materials TEXT NOT NULL,
    notice_missing TEXT NOT NULL,
    notice_note TEXT NOT NULL,
    case_id BLOB REFERENCES cases(id),
    submitted_on TEXT NOT NULL,
    review_due TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX applications_queue ON applications (status, queued_at);
CREATE INDEX applications_case ON applications (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BLOB NOT NULL REFERENCES applications(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX application_events_of ON application_events (application_id, id);

CREATE TABLE application_files (
    id BLOB PRIMARY KEY,
    application_id BLOB NOT NULL REFERENCES applications(id),
    material TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    body BLOB NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX application_files_of ON application_files (application_id, uploaded_at);
