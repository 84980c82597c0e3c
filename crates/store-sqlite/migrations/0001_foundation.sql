-- Foundation: departments, catalog versions, calendar, accounts, audit.
CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE catalog_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    bundle_count INTEGER NOT NULL,
    published_at TEXT
);

CREATE TABLE catalog_items (
    version_id INTEGER NOT NULL REFERENCES catalog_versions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments(code),
    kind TEXT NOT NULL,
    handling TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);
CREATE INDEX catalog_items_position ON catalog_items (version_id, position);

CREATE TABLE catalog_bundles (
    version_id INTEGER NOT NULL REFERENCES catalog_versions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);

CREATE TABLE catalog_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    published_version INTEGER REFERENCES catalog_versions(id)
);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    workday BOOLEAN NOT NULL
);

CREATE TABLE calendar_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    years TEXT NOT NULL
);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

CREATE TABLE auth_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
