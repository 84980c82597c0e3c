-- 服务台账: work lists by deadline (open cases only), overdue supervision,
-- the ledger's pages by acceptance date, and its figures per department and
-- item read from the index alone.
CREATE INDEX cases_open_department ON cases (department, deadline)
    WHERE status IN ('accepted', 'under_review', 'paused', 'decided');
CREATE INDEX cases_open_window ON cases (window_number, deadline)
    WHERE status IN ('accepted', 'under_review', 'paused', 'decided');
CREATE INDEX cases_open_deadline ON cases (deadline)
    WHERE status IN ('accepted', 'under_review', 'paused', 'decided');
CREATE INDEX cases_ledger_order ON cases (accepted_on, number);
CREATE INDEX cases_ledger_figures ON cases
    (accepted_on, department, item_code, item_name, status, deadline, completed_on, parent_id);
