-- 窗口评价器: a pad paired to one window. The one-time pairing code and the
-- pad's long-lived token are kept only as SHA-256 hashes; a revoked pad is
-- kept for the record.
CREATE TABLE evaluation_pads (
    id UUID PRIMARY KEY,
    window_number TEXT NOT NULL,
    code_hash TEXT UNIQUE,
    code_expires_at TIMESTAMPTZ NOT NULL,
    token_hash TEXT UNIQUE,
    layout TEXT NOT NULL CHECK (layout IN ('2', '3', '5')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    paired_at TIMESTAMPTZ,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX evaluation_pads_window ON evaluation_pads (window_number);

-- 三亮: what a pad shows of the staff member on duty (photo, name, number,
-- duties). The name is the account's display name; the photo is a data URL or ''.
CREATE TABLE staff_profiles (
    username TEXT PRIMARY KEY,
    staff_number TEXT NOT NULL,
    duties TEXT NOT NULL,
    photo TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
