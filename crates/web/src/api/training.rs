//! 培训与考试 (issue 16 part 6): courses and attendance, exams and their
//! questions, sitting an exam online (the right answers never leave the
//! server before the sheet is scored), the retraining list (补训) and the
//! results the monthly assessment reads.

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, AppQuery, Caller, parse_date};
use app::training::{
    AttemptView, CourseInput, CourseView, ExamDetail, ExamInput, ExamView, MyExam, Paper, QuestionInput,
    RetrainingLine,
};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store::training::{CourseAttendance, ExamResult, Retraining};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn course_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个培训课程"))
}

fn exam_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这场考试"))
}

// ---------------------------------------------------------------- courses

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    /// 课程名称.
    title: String,
    /// 培训日期, YYYY-MM-DD.
    date: String,
    /// 学时 (hours, e.g. 1.5), more than 0 and at most 24.
    hours: f64,
    /// A department's code or name; absent or empty for the whole hall.
    department: Option<String>,
    /// 授课人.
    trainer: String,
}

/// Records a course (administrator).
#[utoipa::path(post, path = "/api/training/courses", operation_id = "create_course", request_body = NewCourse, tag = "培训考试",
    responses((status = 201, body = Object, description = "{id, title, date, hours, department, audience, trainer, attendees, created_by, created_at}"),
        (status = 422, description = "名称、日期、学时、部门或授课人无效")))]
pub async fn create_course(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewCourse>,
) -> ApiResult<(StatusCode, Json<CourseView>)> {
    let c = state
        .app
        .training
        .add_course(
            &user.session,
            &CourseInput {
                title: b.title,
                date: b.date,
                hours: b.hours,
                department: b.department,
                trainer: b.trainer,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// YYYY-MM-DD (default a year before `to`).
    from: Option<String>,
    /// YYYY-MM-DD (default a month after today).
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CourseList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<CourseView>,
}

/// Courses of a period with their attendance, newest first.
#[utoipa::path(get, path = "/api/training/courses", operation_id = "list_courses", params(PeriodQuery), tag = "培训考试",
    responses((status = 200, body = CourseList, description = "培训课程，最新在前"),
        (status = 422, description = "日期无效或跨度超过三年")))]
pub async fn list_courses(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<CourseList>> {
    Ok(Json(CourseList {
        items: state
            .app
            .training
            .courses(&user.session, q.from.as_deref(), q.to.as_deref())
            .await?,
    }))
}

/// One course with who attended.
#[utoipa::path(get, path = "/api/training/courses/{id}", operation_id = "get_course",
    params(("id" = String, Path, description = "培训课程ID")), tag = "培训考试",
    responses((status = 200, body = Object, description = "培训课程及签到人员"),
        (status = 404, description = "没有这个培训课程")))]
pub async fn get_course(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<Json<CourseView>> {
    let id = course_id(&id)?;
    Ok(Json(state.app.training.course(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    /// Usernames of those who attended (someone already recorded is left as is).
    usernames: Vec<String>,
}

/// Records attendance at a course (签到, administrator).
#[utoipa::path(post, path = "/api/training/courses/{id}/attendance", operation_id = "record_attendance",
    params(("id" = String, Path, description = "培训课程ID")), request_body = AttendanceBody, tag = "培训考试",
    responses((status = 200, body = Object, description = "培训课程及签到人员"),
        (status = 404, description = "没有这个培训课程"),
        (status = 422, description = "人员不是本厅在用账号，或没有人员")))]
pub async fn record_attendance(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(b): AppJson<AttendanceBody>,
) -> ApiResult<Json<CourseView>> {
    let id = course_id(&id)?;
    Ok(Json(
        state
            .app
            .training
            .record_attendance(&user.session, id, &b.usernames)
            .await?,
    ))
}

// ---------------------------------------------------------------- exams

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExam {
    /// 考试名称.
    title: String,
    /// A department's code or name; absent or empty for every staff member.
    department: Option<String>,
    /// 开考日期, YYYY-MM-DD.
    opens_on: String,
    /// 截止日期, YYYY-MM-DD (inclusive).
    closes_on: String,
    /// 及格分 (百分制, 1..=100).
    pass_mark: u32,
    /// 考试次数 (1..=10); each retraining recorded allows one more.
    max_attempts: u32,
}

/// Creates an exam (administrator); add its questions next.
#[utoipa::path(post, path = "/api/training/exams", operation_id = "create_exam", request_body = NewExam, tag = "培训考试",
    responses((status = 201, body = Object, description = "{id, title, department, audience, opens_on, closes_on, pass_mark, max_attempts, status, questions, total_points}"),
        (status = 422, description = "名称、日期、及格分、次数或部门无效")))]
pub async fn create_exam(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewExam>,
) -> ApiResult<(StatusCode, Json<ExamView>)> {
    let e = state
        .app
        .training
        .add_exam(
            &user.session,
            &ExamInput {
                title: b.title,
                department: b.department,
                opens_on: b.opens_on,
                closes_on: b.closes_on,
                pass_mark: b.pass_mark,
                max_attempts: b.max_attempts,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[derive(Serialize, ToSchema)]
pub struct ExamList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<ExamView>,
}

/// Every exam (without questions), newest first.
#[utoipa::path(get, path = "/api/training/exams", operation_id = "list_exams", tag = "培训考试",
    responses((status = 200, body = ExamList, description = "考试列表")))]
pub async fn list_exams(Caller(state, user): Caller) -> ApiResult<Json<ExamList>> {
    Ok(Json(ExamList {
        items: state.app.training.exams(&user.session).await?,
    }))
}

/// An exam with its questions and right answers (administrator only).
#[utoipa::path(get, path = "/api/training/exams/{id}", operation_id = "get_exam",
    params(("id" = String, Path, description = "考试ID")), tag = "培训考试",
    responses((status = 200, body = Object, description = "{exam, questions: [{number, kind, text, options, answers, answer_letters, points}], started, attempts: [{id, username, name, attempt_no, score, passed, at}]}"),
        (status = 404, description = "没有这场考试")))]
pub async fn get_exam(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<Json<ExamDetail>> {
    let id = exam_id(&id)?;
    Ok(Json(state.app.training.exam_detail(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuestion {
    /// `single` (单选题) or `multiple` (多选题).
    kind: String,
    /// 题目.
    text: String,
    /// 2 to 8 distinct options.
    options: Vec<String>,
    /// Indexes (from 0) of the right options: exactly one for `single`.
    answers: Vec<u32>,
    /// 分值 (1..=100, default 1).
    points: Option<u32>,
}

/// Adds a question at the end of an exam (administrator); refused once anyone has sat it.
#[utoipa::path(post, path = "/api/training/exams/{id}/questions", operation_id = "add_exam_question",
    params(("id" = String, Path, description = "考试ID")), request_body = NewQuestion, tag = "培训考试",
    responses((status = 201, body = Object, description = "考试及全部题目（含答案）"),
        (status = 404, description = "没有这场考试"),
        (status = 409, description = "已有人参加考试，题目不能再改"),
        (status = 422, description = "题型、题目、选项、答案或分值无效")))]
pub async fn add_question(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(b): AppJson<NewQuestion>,
) -> ApiResult<(StatusCode, Json<ExamDetail>)> {
    let id = exam_id(&id)?;
    let d = state
        .app
        .training
        .add_question(
            &user.session,
            id,
            &QuestionInput {
                kind: b.kind,
                text: b.text,
                options: b.options,
                answers: b.answers,
                points: b.points,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[derive(Serialize, ToSchema)]
pub struct MyExamList {
    /// exam, attempts_used, attempts_allowed, passed, best_score, can_attempt, refusal.
    #[schema(value_type = Vec<Object>)]
    items: Vec<MyExam>,
}

/// The exams open today to the signed-in person, with their attempts.
#[utoipa::path(get, path = "/api/training/my-exams", operation_id = "my_exams", tag = "培训考试",
    responses((status = 200, body = MyExamList, description = "本人今日可参加的考试")))]
pub async fn my_exams(Caller(state, user): Caller) -> ApiResult<Json<MyExamList>> {
    Ok(Json(MyExamList {
        items: state.app.training.my_exams(&user.session).await?,
    }))
}

/// The answer paper: the questions without their answers.
#[utoipa::path(get, path = "/api/training/exams/{id}/paper", operation_id = "exam_paper",
    params(("id" = String, Path, description = "考试ID")), tag = "培训考试",
    responses((status = 200, body = Object, description = "{exam, attempts_used, attempts_allowed, passed, best_score, can_attempt, refusal, questions: [{number, kind, text, options, points}]}"),
        (status = 403, description = "这场考试不是为本人安排的"),
        (status = 404, description = "没有这场考试")))]
pub async fn paper(Caller(state, user): Caller, Path(id): Path<String>) -> ApiResult<Json<Paper>> {
    let id = exam_id(&id)?;
    Ok(Json(state.app.training.paper(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerSheet {
    /// Per question in the paper's order, the indexes (from 0) of the options chosen; [] leaves it unanswered.
    answers: Vec<Vec<u32>>,
}

/// Submits an answer sheet: scored at once (a 多选题 is right only with all
/// and only its right options) and kept. Answers which questions were right,
/// never the right answers.
#[utoipa::path(post, path = "/api/training/exams/{id}/attempts", operation_id = "submit_exam",
    params(("id" = String, Path, description = "考试ID")), request_body = AnswerSheet, tag = "培训考试",
    responses((status = 201, body = Object, description = "{id, exam_id, attempt_no, earned, total, score, pass_mark, passed, right, attempts_left, at}"),
        (status = 403, description = "这场考试不是为本人安排的"),
        (status = 404, description = "没有这场考试"),
        (status = 409, description = "考试未开始或已结束、已通过，或考试次数已用完（attempts_exhausted）"),
        (status = 422, description = "答卷与试卷不符：题数不对、选项不存在或单选题选了多个")))]
pub async fn submit(
    Caller(state, user): Caller,
    Path(id): Path<String>,
    AppJson(b): AppJson<AnswerSheet>,
) -> ApiResult<(StatusCode, Json<AttemptView>)> {
    let id = exam_id(&id)?;
    let a = state.app.training.submit(&user.session, id, &b.answers).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

// ---------------------------------------------------------------- 补训

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RetrainingQuery {
    /// One exam's id; every exam that has opened when absent.
    exam: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RetrainingList {
    /// exam_id, exam_title, username, name, status (failed|absent), attempts, best_score, attempts_left, retrainings.
    #[schema(value_type = Vec<Object>)]
    items: Vec<RetrainingLine>,
}

/// Everyone without a passing attempt (补训名单): `failed` when they sat the
/// exam, `absent` when they never sat one now closed.
#[utoipa::path(get, path = "/api/training/retraining", operation_id = "retraining_list", params(RetrainingQuery), tag = "培训考试",
    responses((status = 200, body = RetrainingList, description = "补训名单"),
        (status = 404, description = "没有这场考试")))]
pub async fn retraining_list(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<RetrainingQuery>,
) -> ApiResult<Json<RetrainingList>> {
    let exam = match q.exam.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(raw) => Some(exam_id(raw)?),
        None => None,
    };
    Ok(Json(RetrainingList {
        items: state.app.training.retraining_list(&user.session, exam).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRetraining {
    /// The exam's id.
    exam_id: String,
    /// Who was retrained.
    username: String,
    /// 补训日期, YYYY-MM-DD, today or before.
    date: String,
    /// What the retraining covered.
    #[serde(default)]
    note: String,
}

/// Records a retraining (补训, administrator): it allows one more attempt.
#[utoipa::path(post, path = "/api/training/retraining", operation_id = "record_retraining", request_body = NewRetraining, tag = "培训考试",
    responses((status = 201, body = Object, description = "{id, exam_id, username, date, note, recorded_by, recorded_at}"),
        (status = 404, description = "没有这场考试"),
        (status = 409, description = "此人已通过考试，无需补训"),
        (status = 422, description = "人员、日期或说明无效")))]
pub async fn record_retraining(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewRetraining>,
) -> ApiResult<(StatusCode, Json<Retraining>)> {
    let exam = exam_id(&b.exam_id)?;
    let r = state
        .app
        .training
        .record_retraining(&user.session, exam, &b.username, &b.date, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    /// YYYY-MM-DD, the first business date.
    from: String,
    /// YYYY-MM-DD, the last business date (inclusive).
    to: String,
}

#[derive(Serialize, ToSchema)]
pub struct TrainingResults {
    /// Every attempt: {id (the attempt), exam_id, username, passed, score, at}.
    #[schema(value_type = Vec<Object>)]
    exam_results: Vec<ExamResult>,
    /// Attendance: {id, course_id, username, date}.
    #[schema(value_type = Vec<Object>)]
    course_attendance: Vec<CourseAttendance>,
}

/// The exam attempts and course attendance of a period (what the monthly assessment counts).
#[utoipa::path(get, path = "/api/training/results", operation_id = "training_results", params(ResultsQuery), tag = "培训考试",
    responses((status = 200, body = TrainingResults, description = "考试成绩与培训签到"),
        (status = 422, description = "日期无效或开始晚于结束")))]
pub async fn results(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<ResultsQuery>,
) -> ApiResult<Json<TrainingResults>> {
    let from = parse_date("from", &q.from)?;
    let to = parse_date("to", &q.to)?;
    if from > to || (to - from).get_days() > 3 * 366 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "开始日期应不晚于结束日期，且跨度不超过三年",
        )
        .field("from"));
    }
    let (exam_results, course_attendance) = state.app.training.results(&user.session, from, to).await?;
    Ok(Json(TrainingResults {
        exam_results,
        course_attendance,
    }))
}
