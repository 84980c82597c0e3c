-- 指挥中心 (issue 18 part 1): the open cases near or past their deadline per
-- department, read from the index alone (amber and overdue by department).
CREATE INDEX cases_open_dashboard ON cases (deadline, status, department)
    WHERE status IN ('accepted', 'under_review', 'paused', 'decided');
