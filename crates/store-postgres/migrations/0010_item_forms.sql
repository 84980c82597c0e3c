-- 空白表格与示范文本: the blank forms and filled-in samples a guide offers
-- for download (PDF or DOCX), kept apart from the catalog's versions so a
-- new catalog version keeps them.
CREATE TABLE item_attachments (
    id UUID PRIMARY KEY,
    item_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    body BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX item_attachments_item ON item_attachments (item_code, uploaded_at);
