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
    size BIGINT NOT NULL,
    body BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);

-- 培训课程: for one department (its code) or, when NULL, the whole hall.
CREATE TABLE training_courses (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    course_date DATE NOT NULL,
    minutes BIGINT NOT NULL,
    department TEXT,
    trainer TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX training_courses_date ON training_courses (course_date);

-- 培训签到: one line per course and person; attended_on is the course's date.
CREATE TABLE course_attendance (
    id UUID PRIMARY KEY,
    course_id UUID NOT NULL REFERENCES training_courses(id),
    username TEXT NOT NULL,
    attended_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (course_id, username)
);
CREATE INDEX course_attendance_date ON course_attendance (attended_on);

-- 考试: open from opens_on to closes_on (business dates) to one department
-- (its code) or, when NULL, to every staff member.
CREATE TABLE exams (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    department TEXT,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    pass_mark BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX exams_open ON exams (closes_on, opens_on);

-- 题目: options and right answers (option indexes) as JSON arrays.
CREATE TABLE exam_questions (
    id UUID PRIMARY KEY,
    exam_id UUID NOT NULL REFERENCES exams(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    options TEXT NOT NULL,
    answers TEXT NOT NULL,
    points BIGINT NOT NULL,
    UNIQUE (exam_id, position)
);

-- 考试记录: every attempt, numbered per exam and person (so two submissions
-- at once cannot both be the last allowed one); answers as JSON.
CREATE TABLE exam_attempts (
    id UUID PRIMARY KEY,
    exam_id UUID NOT NULL REFERENCES exams(id),
    username TEXT NOT NULL,
    attempt_no BIGINT NOT NULL,
    answers TEXT NOT NULL,
    earned BIGINT NOT NULL,
    total BIGINT NOT NULL,
    score BIGINT NOT NULL,
    passed BOOLEAN NOT NULL,
    -- The business date of the attempt (months are counted by it).
    taken_on DATE NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    UNIQUE (exam_id, username, attempt_no)
);
CREATE INDEX exam_attempts_taken ON exam_attempts (taken_on);

-- 补训: a retraining recorded for someone without a passing attempt; each
-- one allows one more attempt.
CREATE TABLE exam_retrainings (
    id UUID PRIMARY KEY,
    exam_id UUID NOT NULL REFERENCES exams(id),
    username TEXT NOT NULL,
    trained_on DATE NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX exam_retrainings_person ON exam_retrainings (exam_id, username);
