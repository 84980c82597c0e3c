-- Issue 17 part 1: 智能导办 (the smart guide).

-- 常用说法: phrases an admin adds, each pointing at one item or 一件事 bundle code
-- (`kind` item or bundle). The shipped vocabulary lives in the code, versioned.
CREATE TABLE guide_phrases (
    id UUID PRIMARY KEY,
    phrase TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (phrase, code)
);

-- 无匹配问题: questions that found nothing, without personal data (digits and
-- letter-digit runs removed, at most 40 characters; never who asked), with counts.
CREATE TABLE guide_misses (
    question TEXT PRIMARY KEY,
    count BIGINT NOT NULL,
    first_at TIMESTAMPTZ NOT NULL,
    last_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX guide_misses_count ON guide_misses (count DESC, last_at DESC);
