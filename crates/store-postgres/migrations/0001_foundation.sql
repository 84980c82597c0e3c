-- Foundation: departments, catalog versions, calendar, accounts, audit.
CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE catalog_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    bundle_count BIGINT NOT NULL,
    published_at TIMESTAMPTZ
);

-- Items keep their published JSON text as-is (jsonb would reorder the keys
-- an export must reproduce); the columns beside it are for filtering.
CREATE TABLE catalog_items (
    version_id BIGINT NOT NULL REFERENCES catalog_versions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments(code),
    kind TEXT NOT NULL,
    handling TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);
CREATE INDEX catalog_items_position ON catalog_items (version_id, position);

CREATE TABLE catalog_bundles (
    version_id BIGINT NOT NULL REFERENCES catalog_versions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);

CREATE TABLE catalog_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    published_version BIGINT REFERENCES catalog_versions(id)
);

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    workday BOOLEAN NOT NULL
);

CREATE TABLE calendar_imports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    imported_at TIMESTAMPTZ NOT NULL,
    imported_by TEXT NOT NULL,
    years TEXT NOT NULL
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, id);

CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
