-- 网上申报 (issue 17 part 2): online applications, their steps and the
-- uploaded materials' bodies, kept apart from the main tables with a SHA-256
-- content hash. Personal data is sealed by the app (`*_sealed`), with a
-- keyed hash for lookups and a masked form for screens.
CREATE TABLE application_counters (
    business_date DATE PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE applications (
    id UUID PRIMARY KEY,
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
    case_id UUID REFERENCES cases(id),
    submitted_on DATE NOT NULL,
    review_due DATE NOT NULL,
    queued_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX applications_queue ON applications (status, queued_at);
CREATE INDEX applications_case ON applications (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE application_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX application_events_of ON application_events (application_id, id);

CREATE TABLE application_files (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    material TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    body BYTEA NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_files_of ON application_files (application_id, uploaded_at);
