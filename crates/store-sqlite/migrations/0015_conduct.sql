-- Issue 15, parts 3, 4 and 6: the conduct of the hall.

-- 晨会 (morning meetings): held for one window (window_number) or for a
-- department (department, its code); exactly one of the two is set.
CREATE TABLE morning_meetings (
    id BLOB PRIMARY KEY,
    meeting_date TEXT NOT NULL,
    window_number TEXT,
    department TEXT,
    host TEXT NOT NULL,
    -- JSON array of usernames.
    attendees TEXT NOT NULL,
    topics TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK ((window_number IS NULL) <> (department IS NULL))
);
CREATE INDEX morning_meetings_date ON morning_meetings (meeting_date);
CREATE INDEX morning_meetings_window ON morning_meetings (window_number, meeting_date);

-- 效能监察: yellow (临期) and red (超期) cards, one per case and colour, against
-- the department (its full name, as cases carry it) and the staff member
-- holding the case; the department's explanation and the 督查科's ruling.
CREATE TABLE deadline_cards (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    case_number TEXT NOT NULL,
    item_name TEXT NOT NULL,
    color TEXT NOT NULL,
    department TEXT NOT NULL,
    staff TEXT NOT NULL,
    window_number TEXT NOT NULL,
    deadline TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    explanation TEXT,
    explained_by TEXT,
    explained_at TEXT,
    ruling TEXT,
    ruling_note TEXT NOT NULL,
    ruled_by TEXT,
    ruled_at TEXT,
    UNIQUE (case_id, color)
);
CREATE INDEX deadline_cards_month ON deadline_cards (issued_on, department);
CREATE INDEX deadline_cards_department ON deadline_cards (department, issued_on);

-- 楼层值班长: one log per floor and day; the opening checks as JSON.
CREATE TABLE duty_logs (
    id BLOB PRIMARY KEY,
    floor TEXT NOT NULL,
    log_date TEXT NOT NULL,
    captain TEXT NOT NULL,
    checks TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    handover TEXT,
    handed_over_by TEXT,
    handed_over_at TEXT,
    UNIQUE (floor, log_date)
);
CREATE INDEX duty_logs_date ON duty_logs (log_date);

-- What happened during the day, and the action taken.
CREATE TABLE duty_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id BLOB NOT NULL REFERENCES duty_logs(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    description TEXT NOT NULL,
    action TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX duty_events_log ON duty_events (log_id, id);
