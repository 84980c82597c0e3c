-- Issue 16: the monthly assessment (月度考核).

-- 考核方案: each saved scheme is a new version, effective from a month
-- (YYYY-MM); a month is scored with the latest version effective on or
-- before it (the default scheme when there is none).
CREATE TABLE assessment_schemes (
    version BIGINT PRIMARY KEY,
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- 三评: 党员互评 (peer) and 领导点评 (leader), 0..10, once per reviewer,
-- person, month and kind.
CREATE TABLE assessment_reviews (
    id UUID PRIMARY KEY,
    month TEXT NOT NULL,
    staff TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    kind TEXT NOT NULL,
    score BIGINT NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (month, staff, reviewer, kind)
);
CREATE INDEX assessment_reviews_staff ON assessment_reviews (staff, month);

-- 创新加分: the leader's bonus with its reason.
CREATE TABLE assessment_bonuses (
    id UUID PRIMARY KEY,
    month TEXT NOT NULL,
    level TEXT NOT NULL,
    subject TEXT NOT NULL,
    points DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessment_bonuses_month ON assessment_bonuses (month);

-- 严重违纪、安全事故 recorded by the leader: a one-vote veto for the month.
CREATE TABLE assessment_incidents (
    id UUID PRIMARY KEY,
    month TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    level TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessment_incidents_month ON assessment_incidents (month);

-- 定档: a frozen month, the scheme version it was scored with (0: the
-- default) and its red flag and stars (JSON decisions).
CREATE TABLE assessment_months (
    month TEXT PRIMARY KEY,
    scheme_version BIGINT NOT NULL,
    frozen_by TEXT NOT NULL,
    frozen_at TIMESTAMPTZ NOT NULL,
    rescores BIGINT NOT NULL,
    red_flag TEXT NOT NULL,
    stars TEXT NOT NULL
);

-- A frozen month's results, in list order per level: the summary (JSON,
-- without evidence) apart from the evidence (a kind letter and the id per
-- entry, one list per part: store::assessment::encode_evidence), so
-- lists and awards read little.
CREATE TABLE assessment_results (
    month TEXT NOT NULL,
    level TEXT NOT NULL,
    subject TEXT NOT NULL,
    position BIGINT NOT NULL,
    score BIGINT NOT NULL,
    grade BIGINT NOT NULL,
    vetoed BOOLEAN NOT NULL,
    summary TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (month, level, subject)
);
CREATE INDEX assessment_results_order ON assessment_results (month, level, position);

-- Freezing and every re-score, with who, when and why.
CREATE TABLE assessment_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX assessment_log_month ON assessment_log (month, id);

-- The month's rectifications by due date (the veto for late ones).
CREATE INDEX rectifications_due ON rectifications (due_date);
