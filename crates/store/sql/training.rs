//! The shared SQL of training and exams (培训与考试, issue 16 part 6).
//! Attempts are numbered per exam and person under a unique key, so two
//! submissions at once cannot both take the last allowed attempt; attendance
//! is unique per course and person, so recording it twice adds nothing.

use crate::dialect::Backend;
use domain::training::Question;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::sql::{decode, from_json, refusal as err, to_json};
use store::training::*;
use store::{StoreError, StoreResult};
use uuid::Uuid;

// Constants spliced into constant text: no user input reaches SQL text.
const COURSE_COLUMNS: &str = "id, title, course_date, minutes, department, trainer, created_by, created_at";
const EXAM_COLUMNS: &str =
    "id, title, department, opens_on, closes_on, pass_mark, max_attempts, created_by, created_at";
const ATTEMPT_COLUMNS: &str =
    "id, exam_id, username, attempt_no, answers, earned, total, score, passed, taken_on, at";
const RETRAINING_COLUMNS: &str = "id, exam_id, username, trained_on, note, recorded_by, recorded_at";

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: Uuid,
    title: String,
    course_date: jiff_sqlx::Date,
    minutes: i64,
    department: Option<String>,
    trainer: String,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

impl From<CourseRow> for Course {
    fn from(r: CourseRow) -> Course {
        Course {
            id: r.id,
            title: r.title,
            date: r.course_date.to_jiff(),
            minutes: r.minutes,
            department: r.department,
            trainer: r.trainer,
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct AttendanceRow {
    id: Uuid,
    course_id: Uuid,
    username: String,
    attended_on: jiff_sqlx::Date,
}

impl From<AttendanceRow> for CourseAttendance {
    fn from(r: AttendanceRow) -> CourseAttendance {
        CourseAttendance {
            id: r.id,
            course_id: r.course_id,
            username: r.username,
            date: r.attended_on.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ExamRow {
    id: Uuid,
    title: String,
    department: Option<String>,
    opens_on: jiff_sqlx::Date,
    closes_on: jiff_sqlx::Date,
    pass_mark: i64,
    max_attempts: i64,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
}

impl From<ExamRow> for Exam {
    fn from(r: ExamRow) -> Exam {
        Exam {
            id: r.id,
            title: r.title,
            department: r.department,
            opens_on: r.opens_on.to_jiff(),
            closes_on: r.closes_on.to_jiff(),
            pass_mark: r.pass_mark,
            max_attempts: r.max_attempts,
            created_by: r.created_by,
            created_at: r.created_at.to_jiff(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: Uuid,
    exam_id: Uuid,
    position: i64,
    kind: String,
    text: String,
    options: String,
    answers: String,
    points: i64,
}

impl TryFrom<QuestionRow> for ExamQuestion {
    type Error = StoreError;
    fn try_from(r: QuestionRow) -> StoreResult<ExamQuestion> {
        Ok(ExamQuestion {
            id: r.id,
            exam_id: r.exam_id,
            position: r.position,
            question: Question {
                kind: decode(&r.kind)?,
                text: r.text,
                options: from_json(&r.options)?,
                answers: from_json(&r.answers)?,
                points: u32::try_from(r.points)
                    .map_err(|_| StoreError::Corrupt(format!("points {}", r.points)))?,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: Uuid,
    exam_id: Uuid,
    username: String,
    attempt_no: i64,
    answers: String,
    earned: i64,
    total: i64,
    score: i64,
    passed: bool,
    taken_on: jiff_sqlx::Date,
    at: jiff_sqlx::Timestamp,
}

impl TryFrom<AttemptRow> for ExamAttempt {
    type Error = StoreError;
    fn try_from(r: AttemptRow) -> StoreResult<ExamAttempt> {
        Ok(ExamAttempt {
            id: r.id,
            exam_id: r.exam_id,
            username: r.username,
            attempt_no: r.attempt_no,
            answers: from_json(&r.answers)?,
            earned: r.earned,
            total: r.total,
            score: r.score,
            passed: r.passed,
            taken_on: r.taken_on.to_jiff(),
            at: r.at.to_jiff(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    id: Uuid,
    exam_id: Uuid,
    username: String,
    passed: bool,
    score: i64,
    at: jiff_sqlx::Timestamp,
}

#[derive(sqlx::FromRow)]
struct RetrainingRow {
    id: Uuid,
    exam_id: Uuid,
    username: String,
    trained_on: jiff_sqlx::Date,
    note: String,
    recorded_by: String,
    recorded_at: jiff_sqlx::Timestamp,
}

impl From<RetrainingRow> for Retraining {
    fn from(r: RetrainingRow) -> Retraining {
        Retraining {
            id: r.id,
            exam_id: r.exam_id,
            username: r.username,
            date: r.trained_on.to_jiff(),
            note: r.note,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.to_jiff(),
        }
    }
}

#[async_trait::async_trait]
impl TrainingStore for Backend {
    async fn add_course(&self, c: &Course) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO training_courses ({COURSE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(c.id)
            .bind(&c.title)
            .bind(c.date.to_sqlx())
            .bind(c.minutes)
            .bind(&c.department)
            .bind(&c.trainer)
            .bind(&c.created_by)
            .bind(c.created_at.to_sqlx())
            .execute(&self.pool)
            .await
            .map_err(err("course"))?;
        Ok(())
    }

    async fn course(&self, id: Uuid) -> StoreResult<Course> {
        let sql = format!("SELECT {COURSE_COLUMNS} FROM training_courses WHERE id = $1");
        let row = sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("course"))?;
        Ok(row.into())
    }

    async fn courses(&self, from: Date, to: Date) -> StoreResult<Vec<Course>> {
        let sql = format!(
            "SELECT {COURSE_COLUMNS} FROM training_courses WHERE course_date >= $1 AND course_date <= $2 \
             ORDER BY course_date DESC, id DESC"
        );
        let rows = sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql))
            .bind(from.to_sqlx())
            .bind(to.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("courses"))?;
        Ok(rows.into_iter().map(Course::from).collect())
    }

    async fn record_attendance(
        &self,
        course: Uuid,
        date: Date,
        usernames: &[String],
        by: &str,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for u in usernames {
            let done = sqlx::query(
                "INSERT INTO course_attendance (id, course_id, username, attended_on, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (course_id, username) DO NOTHING",
            )
            .bind(Uuid::now_v7())
            .bind(course)
            .bind(u)
            .bind(date.to_sqlx())
            .bind(by)
            .bind(at.to_sqlx())
            .execute(tx.conn())
            .await
            .map_err(err("course"))?;
            added += done.rows_affected();
        }
        tx.commit().await.map_err(err("course attendance"))?;
        Ok(added)
    }

    async fn attendance_of(&self, course: Uuid) -> StoreResult<Vec<CourseAttendance>> {
        let rows = sqlx::query_as::<_, AttendanceRow>(
            "SELECT id, course_id, username, attended_on FROM course_attendance WHERE course_id = $1 \
             ORDER BY username",
        )
        .bind(course)
        .fetch_all(&self.pool)
        .await
        .map_err(err("course attendance"))?;
        Ok(rows.into_iter().map(CourseAttendance::from).collect())
    }

    async fn course_attendance(&self, from: Date, to: Date) -> StoreResult<Vec<CourseAttendance>> {
        let rows = sqlx::query_as::<_, AttendanceRow>(
            "SELECT id, course_id, username, attended_on FROM course_attendance \
             WHERE attended_on >= $1 AND attended_on <= $2 ORDER BY attended_on, username, course_id",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("course attendance"))?;
        Ok(rows.into_iter().map(CourseAttendance::from).collect())
    }

    async fn add_exam(&self, e: &Exam) -> StoreResult<()> {
        let sql = format!("INSERT INTO exams ({EXAM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(e.id)
            .bind(&e.title)
            .bind(&e.department)
            .bind(e.opens_on.to_sqlx())
            .bind(e.closes_on.to_sqlx())
            .bind(e.pass_mark)
            .bind(e.max_attempts)
            .bind(&e.created_by)
            .bind(e.created_at.to_sqlx())
            .execute(&self.pool)
            .await
            .map_err(err("exam"))?;
        Ok(())
    }

    async fn exam(&self, id: Uuid) -> StoreResult<Exam> {
        let sql = format!("SELECT {EXAM_COLUMNS} FROM exams WHERE id = $1");
        let row = sqlx::query_as::<_, ExamRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("exam"))?;
        Ok(row.into())
    }

    async fn exams(&self) -> StoreResult<Vec<Exam>> {
        let sql = format!("SELECT {EXAM_COLUMNS} FROM exams ORDER BY opens_on DESC, id DESC");
        let rows = sqlx::query_as::<_, ExamRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(err("exams"))?;
        Ok(rows.into_iter().map(Exam::from).collect())
    }

    async fn open_exams(&self, day: Date) -> StoreResult<Vec<Exam>> {
        let sql = format!(
            "SELECT {EXAM_COLUMNS} FROM exams WHERE closes_on >= $1 AND opens_on <= $1 \
             ORDER BY opens_on DESC, id DESC"
        );
        let rows = sqlx::query_as::<_, ExamRow>(sqlx::AssertSqlSafe(sql))
            .bind(day.to_sqlx())
            .fetch_all(&self.pool)
            .await
            .map_err(err("exams"))?;
        Ok(rows.into_iter().map(Exam::from).collect())
    }

    async fn add_question(&self, q: &ExamQuestion) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO exam_questions (id, exam_id, position, kind, text, options, answers, points) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(q.id)
        .bind(q.exam_id)
        .bind(q.position)
        .bind(q.question.kind.code())
        .bind(&q.question.text)
        .bind(to_json(&q.question.options)?)
        .bind(to_json(&q.question.answers)?)
        .bind(i64::from(q.question.points))
        .execute(&self.pool)
        .await
        .map_err(err("exam question"))?;
        Ok(())
    }

    async fn exam_questions(&self, exam: Uuid) -> StoreResult<Vec<ExamQuestion>> {
        let rows = sqlx::query_as::<_, QuestionRow>(
            "SELECT id, exam_id, position, kind, text, options, answers, points FROM exam_questions \
             WHERE exam_id = $1 ORDER BY position",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await
        .map_err(err("exam questions"))?;
        rows.into_iter().map(ExamQuestion::try_from).collect()
    }

    async fn add_attempt(&self, a: &ExamAttempt) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO exam_attempts ({ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(a.id)
            .bind(a.exam_id)
            .bind(&a.username)
            .bind(a.attempt_no)
            .bind(to_json(&a.answers)?)
            .bind(a.earned)
            .bind(a.total)
            .bind(a.score)
            .bind(a.passed)
            .bind(a.taken_on.to_sqlx())
            .bind(a.at.to_sqlx())
            .execute(&self.pool)
            .await
            .map_err(err("exam attempt"))?;
        Ok(())
    }

    async fn attempts(&self, exam: Uuid, username: Option<&str>) -> StoreResult<Vec<ExamAttempt>> {
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM exam_attempts WHERE exam_id = $1 \
             AND ($2 IS NULL OR username = $2) ORDER BY username, attempt_no"
        );
        let rows = sqlx::query_as::<_, AttemptRow>(sqlx::AssertSqlSafe(sql))
            .bind(exam)
            .bind(username)
            .fetch_all(&self.pool)
            .await
            .map_err(err("exam attempts"))?;
        rows.into_iter().map(ExamAttempt::try_from).collect()
    }

    async fn exam_results(&self, from: Date, to: Date) -> StoreResult<Vec<ExamResult>> {
        let rows = sqlx::query_as::<_, ResultRow>(
            "SELECT id, exam_id, username, passed, score, at FROM exam_attempts \
             WHERE taken_on >= $1 AND taken_on <= $2 ORDER BY taken_on, id",
        )
        .bind(from.to_sqlx())
        .bind(to.to_sqlx())
        .fetch_all(&self.pool)
        .await
        .map_err(err("exam results"))?;
        Ok(rows
            .into_iter()
            .map(|r| ExamResult {
                id: r.id,
                exam_id: r.exam_id,
                username: r.username,
                passed: r.passed,
                score: r.score,
                at: r.at.to_jiff(),
            })
            .collect())
    }

    async fn add_retraining(&self, r: &Retraining) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO exam_retrainings ({RETRAINING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(r.id)
            .bind(r.exam_id)
            .bind(&r.username)
            .bind(r.date.to_sqlx())
            .bind(&r.note)
            .bind(&r.recorded_by)
            .bind(r.recorded_at.to_sqlx())
            .execute(&self.pool)
            .await
            .map_err(err("exam"))?;
        Ok(())
    }

    async fn retrainings(&self, exam: Uuid, username: Option<&str>) -> StoreResult<Vec<Retraining>> {
        let sql = format!(
            "SELECT {RETRAINING_COLUMNS} FROM exam_retrainings WHERE exam_id = $1 \
             AND ($2 IS NULL OR username = $2) ORDER BY trained_on, id"
        );
        let rows = sqlx::query_as::<_, RetrainingRow>(sqlx::AssertSqlSafe(sql))
            .bind(exam)
            .bind(username)
            .fetch_all(&self.pool)
            .await
            .map_err(err("retrainings"))?;
        Ok(rows.into_iter().map(Retraining::from).collect())
    }
}
