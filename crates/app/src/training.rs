//! 培训与考试 (issue 16 part 6): the administrator records courses and who
//! attended, builds exams (单选题、多选题, a pass mark, a number of attempts);
//! staff sit the exams open to them online — the right answers never leave
//! the server before an answer sheet is scored — and every attempt is kept.
//! Whoever has no passing attempt is listed for retraining (补训); each
//! retraining recorded allows one more attempt.
//!
//! Who an exam is for: every active account that may sit exams (窗口人员、督查、
//! 部门联络) — of one department when the exam names one. The monthly
//! assessment reads [`TrainingService::exam_results`] and
//! [`TrainingService::course_attendance`].

use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::Role;
use domain::permission::Permission;
use domain::training::{self, Question, QuestionKind, TrainingError};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use store::StoreError;
use store::training::*;
use uuid::Uuid;

/// The longest span a course list covers (days).
const MAX_SPAN_DAYS: i32 = 3 * 366;

/// 培训 service.
#[derive(Clone)]
pub struct TrainingService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn TrainingStore>,
}

impl TrainingService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn TrainingStore>) -> TrainingService {
        TrainingService { hall, store }
    }
}

fn invalid(e: TrainingError) -> AppError {
    AppError::invalid(e.field, e.message)
}

fn actor(session: &Session) -> Actor {
    Actor::user(&session.user)
}

fn day(field: &str, label: &str, raw: &str) -> AppResult<Date> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{label}“{}”无效，应为YYYY-MM-DD", raw.trim())))
}

fn text(field: &str, label: &str, raw: &str, max: usize) -> AppResult<String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(field, format!("{label}最多{max}个字")));
    }
    Ok(v.to_owned())
}

/// What the administrator fills in for a course.
#[derive(Debug, Clone, Default)]
pub struct CourseInput {
    pub title: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// 学时 (hours, 0.5 steps are usual).
    pub hours: f64,
    /// A department's code or name; empty or absent for the whole hall.
    pub department: Option<String>,
    /// 授课人.
    pub trainer: String,
}

/// What the administrator fills in for an exam.
#[derive(Debug, Clone, Default)]
pub struct ExamInput {
    pub title: String,
    /// A department's code or name; empty or absent for every staff member.
    pub department: Option<String>,
    /// YYYY-MM-DD.
    pub opens_on: String,
    /// YYYY-MM-DD.
    pub closes_on: String,
    pub pass_mark: u32,
    pub max_attempts: u32,
}

/// A question as the administrator writes it.
#[derive(Debug, Clone, Default)]
pub struct QuestionInput {
    /// `single` or `multiple`.
    pub kind: String,
    pub text: String,
    pub options: Vec<String>,
    /// Indexes (from 0) of the right options.
    pub answers: Vec<u32>,
    /// 分值 (default 1).
    pub points: Option<u32>,
}

/// A person as lists show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub username: String,
    pub name: String,
}

/// A course with its attendance.
#[derive(Debug, Clone, Serialize)]
pub struct CourseView {
    pub id: Uuid,
    pub title: String,
    pub date: Date,
    /// 学时.
    pub hours: f64,
    pub department: Option<String>,
    /// The department's name, or 全厅.
    pub audience: String,
    pub trainer: String,
    pub attendees: Vec<Person>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// Where an exam stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExamStatus {
    Upcoming,
    Open,
    Closed,
}

impl ExamStatus {
    pub fn of(exam: &Exam, today: Date) -> ExamStatus {
        if today < exam.opens_on {
            ExamStatus::Upcoming
        } else if today > exam.closes_on {
            ExamStatus::Closed
        } else {
            ExamStatus::Open
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExamStatus::Upcoming => "未开始",
            ExamStatus::Open => "进行中",
            ExamStatus::Closed => "已结束",
        }
    }
}

/// An exam as lists show it (never its answers).
#[derive(Debug, Clone, Serialize)]
pub struct ExamView {
    pub id: Uuid,
    pub title: String,
    pub department: Option<String>,
    /// The department's name, or 全体工作人员.
    pub audience: String,
    pub opens_on: Date,
    pub closes_on: Date,
    pub pass_mark: i64,
    pub max_attempts: i64,
    pub status: ExamStatus,
    pub status_label: &'static str,
    pub questions: usize,
    pub total_points: u32,
}

/// A question with its right answers (administrator only).
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub number: usize,
    pub kind: QuestionKind,
    pub kind_label: &'static str,
    pub text: String,
    pub options: Vec<String>,
    pub answers: Vec<u32>,
    /// The right options as letters (A、C).
    pub answer_letters: String,
    pub points: u32,
}

/// An exam with its questions and answers (administrator only).
#[derive(Debug, Clone, Serialize)]
pub struct ExamDetail {
    pub exam: ExamView,
    pub questions: Vec<QuestionView>,
    /// Whether anyone has sat it (its questions are then fixed).
    pub started: bool,
    /// Every attempt, by person then number (成绩).
    pub attempts: Vec<AttemptLine>,
}

/// One attempt as the administrator's list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptLine {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub attempt_no: i64,
    pub score: i64,
    pub passed: bool,
    pub at: Timestamp,
}

/// A question as the person sitting the exam sees it: no answers.
#[derive(Debug, Clone, Serialize)]
pub struct PaperQuestion {
    pub number: usize,
    pub kind: QuestionKind,
    pub kind_label: &'static str,
    pub text: String,
    pub options: Vec<String>,
    pub points: u32,
}

/// Where one person stands with one exam.
#[derive(Debug, Clone, Serialize)]
pub struct MyExam {
    pub exam: ExamView,
    pub attempts_used: u32,
    pub attempts_allowed: u32,
    pub passed: bool,
    pub best_score: Option<i64>,
    /// Whether the person may sit it now.
    pub can_attempt: bool,
    /// Why not, when not.
    pub refusal: Option<String>,
}

/// The answer paper (试卷): the questions without their answers.
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    #[serde(flatten)]
    pub mine: MyExam,
    pub questions: Vec<PaperQuestion>,
}

/// A scored attempt as its taker sees it: which questions were right, never
/// the right answers.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub exam_title: String,
    pub attempt_no: i64,
    pub earned: i64,
    pub total: i64,
    /// 百分制.
    pub score: i64,
    pub pass_mark: i64,
    pub passed: bool,
    /// Per question, whether it was answered right.
    pub right: Vec<bool>,
    pub attempts_left: u32,
    pub at: Timestamp,
}

/// Someone without a passing attempt (补训名单).
#[derive(Debug, Clone, Serialize)]
pub struct RetrainingLine {
    pub exam_id: Uuid,
    pub exam_title: String,
    pub username: String,
    pub name: String,
    /// `failed` (sat it, never passed) or `absent` (never sat a closed exam).
    pub status: &'static str,
    pub status_label: &'static str,
    pub attempts: u32,
    pub best_score: Option<i64>,
    pub attempts_left: u32,
    pub retrainings: Vec<Retraining>,
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

impl TrainingService {
    /// A department given by code or name, to its code; `None` for empty.
    async fn department(&self, raw: Option<&str>) -> AppResult<Option<String>> {
        let Some(d) = raw.map(str::trim).filter(|d| !d.is_empty()) else {
            return Ok(None);
        };
        self.departments()
            .await?
            .into_iter()
            .find(|x| x.is_named(d))
            .map(|x| Some(x.code))
            .ok_or_else(|| AppError::invalid("department", format!("没有部门“{d}”")))
    }

    async fn audience_label(&self, department: Option<&str>, everyone: &str) -> AppResult<String> {
        Ok(match department {
            None => everyone.to_owned(),
            Some(code) => self
                .departments()
                .await?
                .into_iter()
                .find(|d| d.code == code)
                .map_or_else(|| code.to_owned(), |d| d.name),
        })
    }

    async fn person(&self, username: &str) -> AppResult<Person> {
        Ok(Person {
            username: username.to_owned(),
            name: self.staff_name(username).await?,
        })
    }

    async fn course_view(&self, c: Course) -> AppResult<CourseView> {
        let mut attendees = Vec::new();
        for a in self.store.attendance_of(c.id).await? {
            attendees.push(self.person(&a.username).await?);
        }
        Ok(CourseView {
            id: c.id,
            audience: self.audience_label(c.department.as_deref(), "全厅").await?,
            title: c.title,
            date: c.date,
            hours: hours(c.minutes),
            department: c.department,
            trainer: c.trainer,
            attendees,
            created_by: c.created_by,
            created_at: c.created_at,
        })
    }

    async fn exam_view(&self, e: &Exam, questions: &[ExamQuestion]) -> AppResult<ExamView> {
        let status = ExamStatus::of(e, self.today());
        Ok(ExamView {
            id: e.id,
            title: e.title.clone(),
            department: e.department.clone(),
            audience: self
                .audience_label(e.department.as_deref(), "全体工作人员")
                .await?,
            opens_on: e.opens_on,
            closes_on: e.closes_on,
            pass_mark: e.pass_mark,
            max_attempts: e.max_attempts,
            status,
            status_label: status.label(),
            questions: questions.len(),
            total_points: questions.iter().map(|q| q.question.points).sum(),
        })
    }

    async fn exam_of(&self, id: Uuid) -> AppResult<Exam> {
        self.store.exam(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("没有这场考试".into()),
            other => other.into(),
        })
    }

    // ------------------------------------------------------------ courses

    /// Records a course (administrator).
    #[tracing::instrument(skip_all)]
    pub async fn add_course(&self, session: &Session, input: &CourseInput) -> AppResult<CourseView> {
        require(session, Permission::TrainingManage)?;
        let title = text("title", "课程名称", &input.title, 100)?;
        let date = day("date", "培训日期", &input.date)?;
        let minutes = training::course_minutes(input.hours).map_err(invalid)?;
        let trainer = text("trainer", "授课人", &input.trainer, 40)?;
        let department = self.department(input.department.as_deref()).await?;
        let course = Course {
            id: Uuid::now_v7(),
            title,
            date,
            minutes: i64::from(minutes),
            department,
            trainer,
            created_by: session.user.username.clone(),
            created_at: self.now(),
        };
        self.store.add_course(&course).await?;
        self.audit(
            &actor(session),
            "training.course",
            &course.id.to_string(),
            &course.title,
        )
        .await?;
        self.course_view(course).await
    }

    /// Courses held in a period (default: the last year to a month ahead), newest first.
    #[tracing::instrument(skip_all)]
    pub async fn courses(
        &self,
        session: &Session,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<Vec<CourseView>> {
        require(session, Permission::TrainingRead)?;
        let today = self.today();
        let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
            Some(t) => day("to", "结束日期", t)?,
            None => today.saturating_add(jiff::Span::new().days(31)),
        };
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            Some(f) => day("from", "开始日期", f)?,
            None => to.saturating_sub(jiff::Span::new().days(365)),
        };
        if from > to {
            return Err(AppError::invalid("from", "开始日期不能晚于结束日期"));
        }
        if (to - from).get_days() > MAX_SPAN_DAYS {
            return Err(AppError::invalid("from", "一次最多查询三年"));
        }
        let mut out = Vec::new();
        for c in self.store.courses(from, to).await? {
            out.push(self.course_view(c).await?);
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    pub async fn course(&self, session: &Session, id: Uuid) -> AppResult<CourseView> {
        require(session, Permission::TrainingRead)?;
        let c = self.store.course(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("没有这个培训课程".into()),
            other => other.into(),
        })?;
        self.course_view(c).await
    }

    /// Records who attended (签到): active accounts only; someone already
    /// recorded is left as is.
    #[tracing::instrument(skip_all)]
    pub async fn record_attendance(
        &self,
        session: &Session,
        course: Uuid,
        usernames: &[String],
    ) -> AppResult<CourseView> {
        require(session, Permission::TrainingManage)?;
        let c = self.course(session, course).await?;
        let mut names: Vec<String> = Vec::new();
        for u in usernames.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
            match self.people.user_by_username(u).await? {
                Some(x) if !x.user.disabled => {
                    if !names.contains(&x.user.username) {
                        names.push(x.user.username);
                    }
                }
                _ => {
                    return Err(AppError::invalid("usernames", format!("“{u}”不是本厅在用账号")));
                }
            }
        }
        if names.is_empty() {
            return Err(AppError::invalid("usernames", "请选择参加培训的人员"));
        }
        if names.len() > 500 {
            return Err(AppError::invalid("usernames", "一次最多登记500人"));
        }
        let added = self
            .store
            .record_attendance(course, c.date, &names, &session.user.username, self.now())
            .await?;
        self.audit(
            &actor(session),
            "training.attendance",
            &course.to_string(),
            &format!("{added}人"),
        )
        .await?;
        self.course(session, course).await
    }

    /// Attendance at courses held from `from` to `to` (for the monthly assessment).
    pub async fn course_attendance(&self, from: Date, to: Date) -> AppResult<Vec<CourseAttendance>> {
        Ok(self.store.course_attendance(from, to).await?)
    }

    /// Every attempt taken from `from` to `to` (for the monthly assessment).
    pub async fn exam_results(&self, from: Date, to: Date) -> AppResult<Vec<ExamResult>> {
        Ok(self.store.exam_results(from, to).await?)
    }

    /// The attempts and attendance of a period, for leaders to check what the
    /// monthly assessment counts.
    #[tracing::instrument(skip_all)]
    pub async fn results(
        &self,
        session: &Session,
        from: Date,
        to: Date,
    ) -> AppResult<(Vec<ExamResult>, Vec<CourseAttendance>)> {
        require(session, Permission::TrainingRead)?;
        Ok((
            self.store.exam_results(from, to).await?,
            self.store.course_attendance(from, to).await?,
        ))
    }

    // ------------------------------------------------------------ exams

    /// Creates an exam (administrator); questions are added next.
    #[tracing::instrument(skip_all)]
    pub async fn add_exam(&self, session: &Session, input: &ExamInput) -> AppResult<ExamView> {
        require(session, Permission::TrainingManage)?;
        let title = text("title", "考试名称", &input.title, 100)?;
        let opens_on = day("opens_on", "开考日期", &input.opens_on)?;
        let closes_on = day("closes_on", "截止日期", &input.closes_on)?;
        if closes_on < opens_on {
            return Err(AppError::invalid("closes_on", "截止日期不能早于开考日期"));
        }
        training::check_exam_rules(input.pass_mark, input.max_attempts).map_err(invalid)?;
        let department = self.department(input.department.as_deref()).await?;
        let exam = Exam {
            id: Uuid::now_v7(),
            title,
            department,
            opens_on,
            closes_on,
            pass_mark: i64::from(input.pass_mark),
            max_attempts: i64::from(input.max_attempts),
            created_by: session.user.username.clone(),
            created_at: self.now(),
        };
        self.store.add_exam(&exam).await?;
        self.audit(
            &actor(session),
            "training.exam",
            &exam.id.to_string(),
            &exam.title,
        )
        .await?;
        self.exam_view(&exam, &[]).await
    }

    /// Every exam, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn exams(&self, session: &Session) -> AppResult<Vec<ExamView>> {
        require(session, Permission::TrainingRead)?;
        let mut out = Vec::new();
        for e in self.store.exams().await? {
            let qs = self.store.exam_questions(e.id).await?;
            out.push(self.exam_view(&e, &qs).await?);
        }
        Ok(out)
    }

    /// An exam with its questions and right answers (administrator only).
    #[tracing::instrument(skip_all)]
    pub async fn exam_detail(&self, session: &Session, id: Uuid) -> AppResult<ExamDetail> {
        require(session, Permission::TrainingManage)?;
        let e = self.exam_of(id).await?;
        let qs = self.store.exam_questions(id).await?;
        let mut attempts = Vec::new();
        for a in self.store.attempts(id, None).await? {
            attempts.push(AttemptLine {
                id: a.id,
                name: self.staff_name(&a.username).await?,
                username: a.username,
                attempt_no: a.attempt_no,
                score: a.score,
                passed: a.passed,
                at: a.at,
            });
        }
        Ok(ExamDetail {
            started: !attempts.is_empty(),
            attempts,
            exam: self.exam_view(&e, &qs).await?,
            questions: qs
                .into_iter()
                .enumerate()
                .map(|(i, q)| {
                    let q = q.question;
                    QuestionView {
                        number: i + 1,
                        kind: q.kind,
                        kind_label: q.kind.label(),
                        answer_letters: q
                            .answers
                            .iter()
                            .map(|a| training::option_letter(*a).to_string())
                            .collect::<Vec<_>>()
                            .join("、"),
                        text: q.text,
                        options: q.options,
                        answers: q.answers,
                        points: q.points,
                    }
                })
                .collect(),
        })
    }

    /// Adds a question at the end (administrator); refused once anyone has sat the exam.
    #[tracing::instrument(skip_all)]
    pub async fn add_question(
        &self,
        session: &Session,
        exam: Uuid,
        input: &QuestionInput,
    ) -> AppResult<ExamDetail> {
        require(session, Permission::TrainingManage)?;
        self.exam_of(exam).await?;
        let kind = QuestionKind::parse(input.kind.trim())
            .ok_or_else(|| AppError::invalid("kind", "题型应为single（单选题）或multiple（多选题）"))?;
        let question = Question::new(
            kind,
            &input.text,
            &input.options,
            &input.answers,
            input.points.unwrap_or(1),
        )
        .map_err(invalid)?;
        if !self.store.attempts(exam, None).await?.is_empty() {
            return Err(AppError::conflict(
                Conflict::WrongStatus,
                "已有人参加这场考试，不能再增加题目",
            ));
        }
        let existing = self.store.exam_questions(exam).await?;
        if existing.len() >= training::MAX_QUESTIONS {
            return Err(AppError::invalid(
                "text",
                format!("一场考试最多{}题", training::MAX_QUESTIONS),
            ));
        }
        let position = existing.iter().map(|q| q.position + 1).max().unwrap_or(0);
        let q = ExamQuestion {
            id: Uuid::now_v7(),
            exam_id: exam,
            position,
            question,
        };
        self.store.add_question(&q).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::conflict(Conflict::ChangedMeanwhile, "题目刚被他人修改，请刷新后重试")
            }
            other => other.into(),
        })?;
        self.audit(
            &actor(session),
            "training.question",
            &exam.to_string(),
            &format!("第{}题", position + 1),
        )
        .await?;
        self.exam_detail(session, exam).await
    }

    // ------------------------------------------------------------ sitting an exam

    /// Whether `user` is among those an exam is for.
    fn is_for(exam: &Exam, user: &store::User) -> bool {
        user.role != Role::Admin
            && user.role.can(Permission::ExamTake)
            && !user.disabled
            && exam
                .department
                .as_ref()
                .is_none_or(|d| user.department.as_deref() == Some(d.as_str()))
    }

    async fn mine(&self, exam: &Exam, questions: &[ExamQuestion], username: &str) -> AppResult<MyExam> {
        let attempts = self.store.attempts(exam.id, Some(username)).await?;
        let retrainings = self.store.retrainings(exam.id, Some(username)).await?;
        let used = attempts.len() as u32;
        let allowed = training::attempts_allowed(exam.max_attempts as u32, retrainings.len() as u32);
        let passed = attempts.iter().any(|a| a.passed);
        let view = self.exam_view(exam, questions).await?;
        let refusal = if view.status != ExamStatus::Open {
            Some(format!(
                "考试{}（{}至{}）",
                view.status_label, exam.opens_on, exam.closes_on
            ))
        } else if questions.is_empty() {
            Some("试卷还没有题目".to_owned())
        } else {
            training::may_attempt(passed, used, allowed)
                .err()
                .map(|r| r.message())
        };
        Ok(MyExam {
            exam: view,
            attempts_used: used,
            attempts_allowed: allowed,
            passed,
            best_score: attempts.iter().map(|a| a.score).max(),
            can_attempt: refusal.is_none(),
            refusal,
        })
    }

    /// The exams open today to the signed-in person, with where they stand.
    #[tracing::instrument(skip_all)]
    pub async fn my_exams(&self, session: &Session) -> AppResult<Vec<MyExam>> {
        require(session, Permission::ExamTake)?;
        let mut out = Vec::new();
        for e in self.store.open_exams(self.today()).await? {
            if Self::is_for(&e, &session.user) {
                let qs = self.store.exam_questions(e.id).await?;
                out.push(self.mine(&e, &qs, &session.user.username).await?);
            }
        }
        Ok(out)
    }

    async fn exam_for(&self, session: &Session, id: Uuid) -> AppResult<(Exam, Vec<ExamQuestion>)> {
        let e = self.exam_of(id).await?;
        if !Self::is_for(&e, &session.user) {
            return Err(AppError::Forbidden("这场考试不是为您安排的".into()));
        }
        let qs = self.store.exam_questions(id).await?;
        Ok((e, qs))
    }

    /// The answer paper: the questions without their answers.
    #[tracing::instrument(skip_all)]
    pub async fn paper(&self, session: &Session, id: Uuid) -> AppResult<Paper> {
        require(session, Permission::ExamTake)?;
        let (e, qs) = self.exam_for(session, id).await?;
        let mine = self.mine(&e, &qs, &session.user.username).await?;
        Ok(Paper {
            mine,
            questions: qs
                .into_iter()
                .enumerate()
                .map(|(i, q)| PaperQuestion {
                    number: i + 1,
                    kind: q.question.kind,
                    kind_label: q.question.kind.label(),
                    text: q.question.text,
                    options: q.question.options,
                    points: q.question.points,
                })
                .collect(),
        })
    }

    /// Scores and keeps an answer sheet (one list of chosen option indexes
    /// per question). Refused: an exam not open today (409 wrong_status), one
    /// already passed (409 wrong_status) or without attempts left (409
    /// attempts_exhausted), a sheet that does not fit the paper (422).
    #[tracing::instrument(skip_all)]
    pub async fn submit(&self, session: &Session, id: Uuid, sheet: &[Vec<u32>]) -> AppResult<AttemptView> {
        require(session, Permission::ExamTake)?;
        let (e, qs) = self.exam_for(session, id).await?;
        let username = session.user.username.clone();
        let status = ExamStatus::of(&e, self.today());
        if status != ExamStatus::Open {
            return Err(AppError::conflict(
                Conflict::WrongStatus,
                format!(
                    "考试{}（{}至{}），不能交卷",
                    status.label(),
                    e.opens_on,
                    e.closes_on
                ),
            ));
        }
        let attempts = self.store.attempts(id, Some(&username)).await?;
        let retrainings = self.store.retrainings(id, Some(&username)).await?.len() as u32;
        let allowed = training::attempts_allowed(e.max_attempts as u32, retrainings);
        let used = attempts.len() as u32;
        if let Err(r) = training::may_attempt(attempts.iter().any(|a| a.passed), used, allowed) {
            let kind = match r {
                training::AttemptRefusal::Passed => Conflict::WrongStatus,
                training::AttemptRefusal::Exhausted { .. } => Conflict::AttemptsExhausted,
            };
            return Err(AppError::conflict(kind, r.message()));
        }
        let questions: Vec<Question> = qs.into_iter().map(|q| q.question).collect();
        let scored = training::score(&questions, sheet, e.pass_mark as u32).map_err(invalid)?;
        let attempt = ExamAttempt {
            id: Uuid::now_v7(),
            exam_id: id,
            username: username.clone(),
            attempt_no: i64::from(used) + 1,
            answers: sheet.to_vec(),
            earned: i64::from(scored.earned),
            total: i64::from(scored.total),
            score: i64::from(scored.score),
            passed: scored.passed,
            taken_on: self.today(),
            at: self.now(),
        };
        self.store.add_attempt(&attempt).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::conflict(Conflict::ChangedMeanwhile, "这份答卷已经交过，请勿重复提交")
            }
            other => other.into(),
        })?;
        self.audit(
            &actor(session),
            "training.attempt",
            &id.to_string(),
            &format!("第{}次，{}分", attempt.attempt_no, attempt.score),
        )
        .await?;
        Ok(AttemptView {
            id: attempt.id,
            exam_id: id,
            exam_title: e.title,
            attempt_no: attempt.attempt_no,
            earned: attempt.earned,
            total: attempt.total,
            score: attempt.score,
            pass_mark: e.pass_mark,
            passed: attempt.passed,
            right: scored.right,
            attempts_left: if attempt.passed {
                0
            } else {
                allowed.saturating_sub(used + 1)
            },
            at: attempt.at,
        })
    }

    // ------------------------------------------------------------ 补训

    /// Everyone without a passing attempt at an exam that has opened (one
    /// exam, or all): `failed` when they sat it, `absent` when they never
    /// sat an exam now closed.
    #[tracing::instrument(skip_all)]
    pub async fn retraining_list(
        &self,
        session: &Session,
        exam: Option<Uuid>,
    ) -> AppResult<Vec<RetrainingLine>> {
        require(session, Permission::TrainingRead)?;
        let today = self.today();
        let exams = match exam {
            Some(id) => vec![self.exam_of(id).await?],
            None => self.store.exams().await?,
        };
        let users = self.people.list_users().await?;
        let mut out = Vec::new();
        for e in exams.into_iter().filter(|e| e.opens_on <= today) {
            let status = ExamStatus::of(&e, today);
            let mut attempts: BTreeMap<String, Vec<ExamAttempt>> = BTreeMap::new();
            for a in self.store.attempts(e.id, None).await? {
                attempts.entry(a.username.clone()).or_default().push(a);
            }
            let mut retrainings: BTreeMap<String, Vec<Retraining>> = BTreeMap::new();
            for r in self.store.retrainings(e.id, None).await? {
                retrainings.entry(r.username.clone()).or_default().push(r);
            }
            for u in users
                .iter()
                .filter(|u| Self::is_for(&e, u) || attempts.contains_key(&u.username))
            {
                let mine = attempts.get(&u.username).map(Vec::as_slice).unwrap_or_default();
                if mine.iter().any(|a| a.passed) {
                    continue;
                }
                let (code, label) = if !mine.is_empty() {
                    ("failed", "未通过")
                } else if status == ExamStatus::Closed {
                    ("absent", "未参加")
                } else {
                    continue;
                };
                let rs = retrainings.remove(&u.username).unwrap_or_default();
                let allowed = training::attempts_allowed(e.max_attempts as u32, rs.len() as u32);
                out.push(RetrainingLine {
                    exam_id: e.id,
                    exam_title: e.title.clone(),
                    username: u.username.clone(),
                    name: u.display_name.clone(),
                    status: code,
                    status_label: label,
                    attempts: mine.len() as u32,
                    best_score: mine.iter().map(|a| a.score).max(),
                    attempts_left: allowed.saturating_sub(mine.len() as u32),
                    retrainings: rs,
                });
            }
        }
        Ok(out)
    }

    /// Records a retraining (补训) for someone without a passing attempt; it
    /// allows one more attempt. Refused for someone who passed (409).
    #[tracing::instrument(skip_all)]
    pub async fn record_retraining(
        &self,
        session: &Session,
        exam: Uuid,
        username: &str,
        date: &str,
        note: &str,
    ) -> AppResult<Retraining> {
        require(session, Permission::TrainingManage)?;
        let e = self.exam_of(exam).await?;
        let username = username.trim();
        let user = match self.people.user_by_username(username).await? {
            Some(c) if !c.user.disabled => c.user,
            _ => {
                return Err(AppError::invalid(
                    "username",
                    format!("“{username}”不是本厅在用账号"),
                ));
            }
        };
        let date = day("date", "补训日期", date)?;
        if date > self.today() {
            return Err(AppError::invalid("date", "补训日期不能晚于今天"));
        }
        let note = note.trim();
        if note.chars().count() > 500 {
            return Err(AppError::invalid("note", "说明最多500个字"));
        }
        let attempts = self.store.attempts(exam, Some(&user.username)).await?;
        if attempts.iter().any(|a| a.passed) {
            return Err(AppError::conflict(
                Conflict::WrongStatus,
                format!("{}已通过“{}”，无需补训", user.display_name, e.title),
            ));
        }
        let r = Retraining {
            id: Uuid::now_v7(),
            exam_id: exam,
            username: user.username.clone(),
            date,
            note: note.to_owned(),
            recorded_by: session.user.username.clone(),
            recorded_at: self.now(),
        };
        self.store.add_retraining(&r).await?;
        self.audit(
            &actor(session),
            "training.retraining",
            &exam.to_string(),
            &user.username,
        )
        .await?;
        Ok(r)
    }
}
