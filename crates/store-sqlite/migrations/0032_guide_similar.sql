-- 智能导办: 相似问法 (similar questions) an admin answered, usually a logged question
-- that found nothing: a question worded almost the same gets the same answer, similar
-- wordings vote for its code. `code` (and `kind`, item or bundle) NULL: 不属本大厅 (the
-- matter is not the hall's; such a question finds nothing). The question is kept as the
-- no-hit log keeps questions: without digits, at most 40 characters.
CREATE TABLE guide_similar (
    id BLOB PRIMARY KEY,
    question TEXT NOT NULL UNIQUE,
    code TEXT,
    kind TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
