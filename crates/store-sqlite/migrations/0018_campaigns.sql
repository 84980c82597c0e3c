-- Issue 16, part 7: 专项活动 (improvement campaigns, the 百日大提升).

-- A campaign over business dates (both inclusive). Its KPIs' baselines are
-- final once `baseline_fixed` is set (the start has come); before that they
-- are read again as the baseline period passes.
CREATE TABLE campaigns (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    baseline_fixed BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX campaigns_dates ON campaigns (from_date, to_date);

-- 阶段: in order, inside the campaign, never overlapping (checked by the app).
CREATE TABLE campaign_phases (
    campaign_id BLOB NOT NULL REFERENCES campaigns(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    PRIMARY KEY (campaign_id, position)
);

-- 任务: the owner's username, the due date and the status the owner sets
-- (not_started, in_progress, done; 逾期 is computed from the due date).
CREATE TABLE campaign_tasks (
    id BLOB PRIMARY KEY,
    campaign_id BLOB NOT NULL REFERENCES campaigns(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (campaign_id, position)
);
CREATE INDEX campaign_tasks_owner ON campaign_tasks (owner, campaign_id);

-- 指标: one per metric; the baseline as read over the period before the start
-- (NULL when there was nothing to measure).
CREATE TABLE campaign_kpis (
    campaign_id BLOB NOT NULL REFERENCES campaigns(id),
    position INTEGER NOT NULL,
    metric TEXT NOT NULL,
    target REAL NOT NULL,
    baseline REAL,
    PRIMARY KEY (campaign_id, position),
    UNIQUE (campaign_id, metric)
);
