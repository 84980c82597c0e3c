//! 培训与考试 (issue 16, part 6): courses with their attendance, exams with
//! their questions, every attempt, and the retraining (补训) of those who did
//! not pass. Implemented for both backends by `crates/store/sql/training.rs`.
//!
//! For the monthly assessment: [`TrainingStore::exam_results`] and
//! [`TrainingStore::course_attendance`] over business dates.

use async_trait::async_trait;
use domain::training::Question;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::StoreResult;

/// A course (培训课程).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Course {
    pub id: Uuid,
    pub title: String,
    pub date: Date,
    /// Length in minutes (学时 × 60).
    pub minutes: i64,
    /// A department's code, or `None` for the whole hall.
    pub department: Option<String>,
    /// 授课人.
    pub trainer: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// One person's attendance at a course (培训签到); `date` is the course's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseAttendance {
    pub id: Uuid,
    pub course_id: Uuid,
    pub username: String,
    pub date: Date,
}

/// An exam (考试) without its questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exam {
    pub id: Uuid,
    pub title: String,
    /// A department's code, or `None` for every staff member.
    pub department: Option<String>,
    /// Open from this business date…
    pub opens_on: Date,
    /// …to this one, inclusive.
    pub closes_on: Date,
    /// 及格分 (百分制).
    pub pass_mark: i64,
    /// 考试次数 before any retraining.
    pub max_attempts: i64,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A question of an exam, at its position (from 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ExamQuestion {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub position: i64,
    pub question: Question,
}

/// One attempt at an exam, scored when it was submitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamAttempt {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub username: String,
    /// 1 for the first attempt; unique per exam and person.
    pub attempt_no: i64,
    /// The options chosen, per question.
    pub answers: Vec<Vec<u32>>,
    pub earned: i64,
    pub total: i64,
    /// 百分制.
    pub score: i64,
    pub passed: bool,
    /// The business date it was taken.
    pub taken_on: Date,
    pub at: Timestamp,
}

/// An attempt as the assessment reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExamResult {
    /// The attempt's id.
    pub id: Uuid,
    pub exam_id: Uuid,
    pub username: String,
    pub passed: bool,
    /// 百分制 (0..=100).
    pub score: i64,
    pub at: Timestamp,
}

/// A retraining (补训) recorded for someone without a passing attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retraining {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub username: String,
    pub date: Date,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

#[async_trait]
pub trait TrainingStore: Send + Sync {
    async fn add_course(&self, course: &Course) -> StoreResult<()>;
    /// `NotFound("course")` when there is none.
    async fn course(&self, id: Uuid) -> StoreResult<Course>;
    /// Courses held from `from` to `to` (both inclusive), newest first.
    async fn courses(&self, from: Date, to: Date) -> StoreResult<Vec<Course>>;
    /// Records that `usernames` attended course `course` (held on `date`);
    /// someone already recorded is left as is. Answers how many were added.
    async fn record_attendance(
        &self,
        course: Uuid,
        date: Date,
        usernames: &[String],
        by: &str,
        at: Timestamp,
    ) -> StoreResult<u64>;
    /// Who attended one course, by username.
    async fn attendance_of(&self, course: Uuid) -> StoreResult<Vec<CourseAttendance>>;
    /// Attendance at courses held from `from` to `to` (both inclusive), by date then username.
    async fn course_attendance(&self, from: Date, to: Date) -> StoreResult<Vec<CourseAttendance>>;

    async fn add_exam(&self, exam: &Exam) -> StoreResult<()>;
    /// `NotFound("exam")` when there is none.
    async fn exam(&self, id: Uuid) -> StoreResult<Exam>;
    /// Every exam, newest first.
    async fn exams(&self) -> StoreResult<Vec<Exam>>;
    /// Exams open on `day` (opens_on ≤ day ≤ closes_on), newest first.
    async fn open_exams(&self, day: Date) -> StoreResult<Vec<Exam>>;
    /// Adds a question at its position; `Conflict` when that position is taken.
    async fn add_question(&self, question: &ExamQuestion) -> StoreResult<()>;
    /// An exam's questions in order.
    async fn exam_questions(&self, exam: Uuid) -> StoreResult<Vec<ExamQuestion>>;

    /// Stores an attempt; `Conflict` when that person already has an attempt
    /// with the same number (two submissions at once).
    async fn add_attempt(&self, attempt: &ExamAttempt) -> StoreResult<()>;
    /// An exam's attempts (optionally one person's), by person then number.
    async fn attempts(&self, exam: Uuid, username: Option<&str>) -> StoreResult<Vec<ExamAttempt>>;
    /// Every attempt taken from `from` to `to` (business dates, both inclusive), oldest first.
    async fn exam_results(&self, from: Date, to: Date) -> StoreResult<Vec<ExamResult>>;

    async fn add_retraining(&self, retraining: &Retraining) -> StoreResult<()>;
    /// An exam's retrainings (optionally one person's), oldest first.
    async fn retrainings(&self, exam: Uuid, username: Option<&str>) -> StoreResult<Vec<Retraining>>;
}
