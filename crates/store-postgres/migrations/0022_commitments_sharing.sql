-- 证明事项告知承诺制 (国办发〔2020〕42号): one verification task (核查) per
-- committed material of a case, due on a working day counted from acceptance.
CREATE TABLE commitments (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    case_number TEXT NOT NULL,
    item_name TEXT NOT NULL,
    department TEXT NOT NULL,
    material TEXT NOT NULL,
    applicant_key TEXT NOT NULL,
    applicant_masked TEXT NOT NULL,
    accepted_on DATE NOT NULL,
    due DATE NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    verified_by TEXT,
    verified_at TIMESTAMPTZ,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX commitments_open ON commitments (status, department, due);
CREATE INDEX commitments_case ON commitments (case_id);

-- 信用记录: a commitment found false (核查不实), against the applicant's keyed hash.
CREATE TABLE credit_records (
    id UUID PRIMARY KEY,
    subject_key TEXT NOT NULL,
    subject_masked TEXT NOT NULL,
    commitment_id UUID NOT NULL REFERENCES commitments(id),
    case_id UUID NOT NULL REFERENCES cases(id),
    case_number TEXT NOT NULL,
    material TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX credit_records_subject ON credit_records (subject_key, recorded_at);

-- 撤销: a decision revoked after a false commitment, once per case.
CREATE TABLE case_revocations (
    case_id UUID PRIMARY KEY REFERENCES cases(id),
    reason TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL
);

-- 电子证照 (the local sharing records an administrator imports): the holder
-- sealed, found by its keyed hash, listed masked.
CREATE TABLE licences (
    id UUID PRIMARY KEY,
    holder_key TEXT NOT NULL,
    holder_kind TEXT NOT NULL,
    holder_sealed TEXT NOT NULL,
    holder_masked TEXT NOT NULL,
    licence_type TEXT NOT NULL,
    number TEXT NOT NULL,
    valid_until DATE,
    source TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    UNIQUE (holder_key, licence_type, number)
);
CREATE INDEX licences_imported ON licences (imported_at);

-- 数据共享调取记录: every record used for a case (who, when, which source, which fields).
CREATE TABLE data_accesses (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    source TEXT NOT NULL,
    material TEXT NOT NULL,
    licence_type TEXT NOT NULL,
    licence_number TEXT NOT NULL,
    valid_until DATE,
    fields TEXT NOT NULL,
    accessed_by TEXT NOT NULL,
    accessed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX data_accesses_case ON data_accesses (case_id, accessed_at);
