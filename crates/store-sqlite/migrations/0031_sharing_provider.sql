-- issue 17: who answered a sharing lookup (数据来源渠道): 'local' (the records the
-- administrator imported) or 'exchange' (the province's data sharing exchange).
ALTER TABLE data_accesses ADD COLUMN provider TEXT NOT NULL DEFAULT 'local';
