-- 暂定期限: a case deadline that counted a day of a provisional calendar year
-- (no official schedule yet) is marked, and recomputed when the year arrives;
-- `deadline_before` keeps the deadline it replaced (shown when it moved earlier).
ALTER TABLE cases ADD COLUMN deadline_provisional BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN deadline_before TEXT;
CREATE INDEX cases_provisional ON cases (deadline_provisional) WHERE deadline_provisional = TRUE;

-- 所属部门: window staff and department liaisons belong to a department
-- (its code); admin, leader and supervisor accounts may have none.
ALTER TABLE users ADD COLUMN department TEXT REFERENCES departments(code);

-- 安全限流: failed guesses (passwords, public lookups) counted per scope and
-- key (an address, an account at an address, a case number), never locking an
-- account for everyone. Replaces the per-account login_failures.
CREATE TABLE security_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX security_failures_key ON security_failures (scope, key, at);
CREATE INDEX security_failures_at ON security_failures (at);
DROP TABLE login_failures;
