-- Issue 16, parts 5 (三亮) and 6 (培训与考试).

-- 三亮: the post (岗位) and the service commitment (服务承诺) beside the
-- 工号 and duties the pads already show.
ALTER TABLE staff_profiles ADD COLUMN post TEXT NOT NULL DEFAULT '';
ALTER TABLE staff_profiles ADD COLUMN commitment TEXT NOT NULL DEFAULT '';

-- 三亮 photos, typed by their bytes, one per staff member, kept apart from the
-- profile. A photo saved earlier as a data URL (staff_profiles.photo) is read
-- until the next save or removal clears it.
CREATE TABLE staff_photos (
    username TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    body BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

-- 培训课程: for one department (its code) or, when NULL, the whole hall.
CREATE TABLE training_courses (
    id BLOB PRIMARY KEY,
    title TEXT NOT NULL,
    course_date TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    department TEXT,
    trainer TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX training_courses_date ON training_courses (course_date);

-- 培训签到: one line per course and person; attended_on is the course's date.
CREATE TABLE course_attendance (
    id BLOB PRIMARY KEY,
    course_id BLOB NOT NULL REFERENCES training_courses(id),
    username TEXT NOT NULL,
    attended_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (course_id, username)
);
CREATE INDEX course_attendance_date ON course_attendance (attended_on);

-- 考试: open from opens_on to closes_on (business dates) to one department
-- (its code) or, when NULL, to every staff member.
CREATE TABLE exams (
    id BLOB PRIMARY KEY,
    title TEXT NOT NULL,
    department TEXT,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    pass_mark INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX exams_open ON exams (closes_on, opens_on);

-- 题目: options and right answers (option indexes) as JSON arrays.
CREATE TABLE exam_questions (
    id BLOB PRIMARY KEY,
    exam_id BLOB NOT NULL REFERENCES exams(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    options TEXT NOT NULL,
    answers TEXT NOT NULL,
    points INTEGER NOT NULL,
    UNIQUE (exam_id, position)
);

-- 考试记录: every attempt, numbered per exam and person (so two submissions
-- at once cannot both be the last allowed one); answers as JSON.
CREATE TABLE exam_attempts (
    id BLOB PRIMARY KEY,
    exam_id BLOB NOT NULL REFERENCES exams(id),
    username TEXT NOT NULL,
    attempt_no INTEGER NOT NULL,
    answers TEXT NOT NULL,
    earned INTEGER NOT NULL,
    total INTEGER NOT NULL,
    score INTEGER NOT NULL,
    passed BOOLEAN NOT NULL,
    -- The business date of the attempt (months are counted by it).
    taken_on TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (exam_id, username, attempt_no)
);
CREATE INDEX exam_attempts_taken ON exam_attempts (taken_on);

-- 补训: a retraining recorded for someone without a passing attempt; each
-- one allows one more attempt.
CREATE TABLE exam_retrainings (
    id BLOB PRIMARY KEY,
    exam_id BLOB NOT NULL REFERENCES exams(id),
    username TEXT NOT NULL,
    trained_on TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX exam_retrainings_person ON exam_retrainings (exam_id, username);
