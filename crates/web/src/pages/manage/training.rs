//! 培训与考试 pages (issue 16 part 6): courses and exams (/admin/training),
//! a course's attendance, an exam's questions, the retraining list (补训),
//! and for staff their open exams (/my/exams) and the answer paper.

use super::{back, guard, guard_post};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use app::AppError;
use app::training::{
    AttemptView, CourseInput, CourseView, ExamDetail, ExamInput, ExamView, MyExam, Paper, QuestionInput,
    RetrainingLine,
};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::permission::Permission;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/training", get(overview))
        .route("/admin/training/courses", post(add_course))
        .route("/admin/training/courses/{id}", get(course).post(attendance))
        .route("/admin/training/exams", post(add_exam))
        .route("/admin/training/exams/{id}", get(exam).post(add_question))
        .route(
            "/admin/training/retraining",
            get(retraining).post(record_retraining),
        )
        .route("/my/exams", get(my_exams))
        .route("/my/exams/{id}", get(paper).post(submit))
}

fn field<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// A refusal the page shows above its form, or the error page.
fn refusal(e: AppError) -> Result<(StatusCode, String), AppError> {
    match e {
        AppError::Invalid { message, .. } => Ok((StatusCode::UNPROCESSABLE_ENTITY, message)),
        AppError::Conflict(_, message) => Ok((StatusCode::CONFLICT, message)),
        other => Err(other),
    }
}

fn not_found(state: &AppState, what: &str) -> Response {
    PageError::new(state, StatusCode::NOT_FOUND, "没有找到", what.to_owned()).into_response()
}

// A refusal is the page the handler returns as it is (as in `guard`).
#[allow(clippy::result_large_err)]
fn id_of(state: &AppState, raw: &str, what: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw).map_err(|_| not_found(state, what))
}

#[derive(Deserialize, Default)]
struct Notice {
    ok: Option<String>,
}

// ---------------------------------------------------------------- overview

#[derive(Template)]
#[template(path = "manage/training.html")]
struct Overview {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    can_manage: bool,
    today: String,
    departments: Vec<(String, String)>,
    courses: Vec<CourseView>,
    exams: Vec<ExamView>,
}

async fn show_overview(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let t = &state.app.training;
    let loaded = async {
        let courses = t.courses(&user.session, None, None).await?;
        let exams = t.exams(&user.session).await?;
        let departments = state.app.departments().await?;
        Ok::<_, AppError>((courses, exams, departments))
    }
    .await;
    let (courses, exams, departments) = match loaded {
        Ok(v) => v,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = Overview {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        can_manage: user.session.user.role.can(Permission::TrainingManage),
        today: state.app.today().to_string(),
        departments: departments.into_iter().map(|d| (d.code, d.name)).collect(),
        courses,
        exams,
    };
    (status, render(state, &page)).into_response()
}

async fn overview(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::TrainingRead, &uri)?;
    Ok(show_overview(&state, &user, n.ok, None).await)
}

async fn add_course(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::TrainingManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let hours = match field(&f, "hours").trim().parse::<f64>() {
        Ok(h) => h,
        Err(_) => {
            let e = (StatusCode::UNPROCESSABLE_ENTITY, "学时应为数字，如1.5".to_owned());
            return Ok(show_overview(&state, &user, None, Some(e)).await);
        }
    };
    let input = CourseInput {
        title: field(&f, "title").to_owned(),
        date: field(&f, "date").to_owned(),
        hours,
        department: Some(field(&f, "department").to_owned()),
        trainer: field(&f, "trainer").to_owned(),
    };
    match state.app.training.add_course(&user.session, &input).await {
        Ok(c) => Ok(back(
            &format!("/admin/training/courses/{}", c.id),
            &format!("已登记培训“{}”，请登记签到", c.title),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_overview(&state, &user, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

async fn add_exam(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::TrainingManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let number = |key: &str, label: &str| -> Result<u32, (StatusCode, String)> {
        field(&f, key)
            .trim()
            .parse()
            .map_err(|_| (StatusCode::UNPROCESSABLE_ENTITY, format!("{label}应为整数")))
    };
    let (pass_mark, max_attempts) = match (number("pass_mark", "及格分"), number("max_attempts", "考试次数"))
    {
        (Ok(p), Ok(m)) => (p, m),
        (Err(e), _) | (_, Err(e)) => return Ok(show_overview(&state, &user, None, Some(e)).await),
    };
    let input = ExamInput {
        title: field(&f, "title").to_owned(),
        department: Some(field(&f, "department").to_owned()),
        opens_on: field(&f, "opens_on").to_owned(),
        closes_on: field(&f, "closes_on").to_owned(),
        pass_mark,
        max_attempts,
    };
    match state.app.training.add_exam(&user.session, &input).await {
        Ok(e) => Ok(back(
            &format!("/admin/training/exams/{}", e.id),
            &format!("已新建考试“{}”，请添加题目", e.title),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_overview(&state, &user, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

// ---------------------------------------------------------------- a course

#[derive(Template)]
#[template(path = "manage/training_course.html")]
struct CoursePage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    can_manage: bool,
    c: CourseView,
    /// (username, name, attended) of every active account.
    people: Vec<(String, String, bool)>,
}

async fn show_course(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let c = match state.app.training.course(&user.session, id).await {
        Ok(c) => c,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let users = match state.app.accounts.users().await {
        Ok(u) => u,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let people = users
        .into_iter()
        .filter(|u| !u.disabled)
        .filter(|u| {
            c.department.is_none()
                || u.department == c.department
                || c.attendees.iter().any(|a| a.username == u.username)
        })
        .map(|u| {
            let attended = c.attendees.iter().any(|a| a.username == u.username);
            (u.username, u.display_name, attended)
        })
        .collect();
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = CoursePage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        can_manage: user.session.user.role.can(Permission::TrainingManage),
        c,
        people,
    };
    (status, render(state, &page)).into_response()
}

async fn course(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::TrainingRead, &uri)?;
    let id = id_of(&state, &id, "没有这个培训课程")?;
    Ok(show_course(&state, &user, id, n.ok, None).await)
}

async fn attendance(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::TrainingManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let id = id_of(&state, &id, "没有这个培训课程")?;
    let names: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "usernames")
        .map(|(_, v)| v.clone())
        .collect();
    match state
        .app
        .training
        .record_attendance(&user.session, id, &names)
        .await
    {
        Ok(c) => Ok(back(
            &format!("/admin/training/courses/{id}"),
            &format!("已登记签到，共{}人", c.attendees.len()),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_course(&state, &user, id, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

// ---------------------------------------------------------------- an exam

#[derive(Template)]
#[template(path = "manage/training_exam.html")]
struct ExamPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    d: ExamDetail,
    zone: jiff::tz::TimeZone,
}

impl ExamPage {
    /// Local time for the table.
    fn local(&self, t: &jiff::Timestamp) -> String {
        t.to_zoned(self.zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }
}

async fn show_exam(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let d = match state.app.training.exam_detail(&user.session, id).await {
        Ok(d) => d,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = ExamPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        d,
        zone: state.app.settings.time_zone(),
    };
    (status, render(state, &page)).into_response()
}

async fn exam(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::TrainingManage, &uri)?;
    let id = id_of(&state, &id, "没有这场考试")?;
    Ok(show_exam(&state, &user, id, n.ok, None).await)
}

/// "AC" or "A、C" or "a c" → [0, 2]; anything else is refused.
fn letters(raw: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for c in raw
        .chars()
        .filter(|c| !c.is_whitespace() && !"、,，".contains(*c))
    {
        let up = c.to_ascii_uppercase();
        if !up.is_ascii_uppercase() {
            return Err(format!("正确答案“{raw}”应为选项字母，如A或ACD"));
        }
        out.push(u32::from(up) - u32::from('A'));
    }
    Ok(out)
}

async fn add_question(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::TrainingManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let id = id_of(&state, &id, "没有这场考试")?;
    let answers = match letters(field(&f, "answers")) {
        Ok(a) => a,
        Err(m) => {
            return Ok(show_exam(
                &state,
                &user,
                id,
                None,
                Some((StatusCode::UNPROCESSABLE_ENTITY, m)),
            )
            .await);
        }
    };
    let points = match field(&f, "points").trim() {
        "" => None,
        p => match p.parse() {
            Ok(p) => Some(p),
            Err(_) => {
                let m = "分值应为整数".to_owned();
                return Ok(show_exam(
                    &state,
                    &user,
                    id,
                    None,
                    Some((StatusCode::UNPROCESSABLE_ENTITY, m)),
                )
                .await);
            }
        },
    };
    let input = QuestionInput {
        kind: field(&f, "kind").to_owned(),
        text: field(&f, "text").to_owned(),
        options: field(&f, "options")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        answers,
        points,
    };
    match state.app.training.add_question(&user.session, id, &input).await {
        Ok(d) => Ok(back(
            &format!("/admin/training/exams/{id}"),
            &format!("已添加第{}题", d.questions.len()),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_exam(&state, &user, id, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

// ---------------------------------------------------------------- 补训

#[derive(Template)]
#[template(path = "manage/retraining.html")]
struct RetrainingPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    can_manage: bool,
    today: String,
    lines: Vec<RetrainingLine>,
}

async fn show_retraining(
    state: &AppState,
    user: &CurrentUser,
    ok: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let lines = match state.app.training.retraining_list(&user.session, None).await {
        Ok(l) => l,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = RetrainingPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        can_manage: user.session.user.role.can(Permission::TrainingManage),
        today: state.app.today().to_string(),
        lines,
    };
    (status, render(state, &page)).into_response()
}

async fn retraining(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = guard(&state, user, Permission::TrainingRead, &uri)?;
    Ok(show_retraining(&state, &user, n.ok, None).await)
}

async fn record_retraining(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::TrainingManage,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let exam = id_of(&state, field(&f, "exam_id"), "没有这场考试")?;
    match state
        .app
        .training
        .record_retraining(
            &user.session,
            exam,
            field(&f, "username"),
            field(&f, "date"),
            field(&f, "note"),
        )
        .await
    {
        Ok(r) => Ok(back(
            "/admin/training/retraining",
            &format!("已登记{}的补训，可再考一次", r.username),
        )),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_retraining(&state, &user, None, Some(err)).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}

// ---------------------------------------------------------------- 在线考试

#[derive(Template)]
#[template(path = "manage/my_exams.html")]
struct MyExamsPage {
    chrome: Chrome,
    exams: Vec<MyExam>,
}

async fn my_exams(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::ExamTake, &uri)?;
    let exams = state
        .app
        .training
        .my_exams(&user.session)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    Ok(render(
        &state,
        &MyExamsPage {
            chrome: Chrome::new(&state, Some(&user), "admin"),
            exams,
        },
    ))
}

#[derive(Template)]
#[template(path = "manage/exam_paper.html")]
struct PaperPage {
    chrome: Chrome,
    csrf: String,
    error: Option<String>,
    p: Paper,
    result: Option<AttemptView>,
}

impl PaperPage {
    /// A, B, C… for option `i`.
    fn letter(&self, i: &usize) -> char {
        domain::training::option_letter(*i as u32)
    }
}

async fn show_paper(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<(StatusCode, String)>,
    result: Option<AttemptView>,
) -> Response {
    let p = match state.app.training.paper(&user.session, id).await {
        Ok(p) => p,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None if result.is_some() => (StatusCode::CREATED, None),
        None => (StatusCode::OK, None),
    };
    let page = PaperPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        error,
        p,
        result,
    };
    (status, render(state, &page)).into_response()
}

async fn paper(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let user = guard(&state, user, Permission::ExamTake, &uri)?;
    let id = id_of(&state, &id, "没有这场考试")?;
    Ok(show_paper(&state, &user, id, None, None).await)
}

/// The answer sheet: `q1`, `q2`… each with the chosen option indexes.
async fn submit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard_post(
        &state,
        user,
        Permission::ExamTake,
        &uri,
        &headers,
        field(&f, "csrf"),
    )?;
    let id = id_of(&state, &id, "没有这场考试")?;
    let count: usize = field(&f, "questions").parse().unwrap_or(0);
    let mut sheet = vec![Vec::new(); count.min(domain::training::MAX_QUESTIONS)];
    for (k, v) in &f {
        let Some(n) = k.strip_prefix('q').and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if let (Some(slot), Ok(choice)) = (n.checked_sub(1).and_then(|i| sheet.get_mut(i)), v.parse::<u32>())
        {
            slot.push(choice);
        }
    }
    match state.app.training.submit(&user.session, id, &sheet).await {
        Ok(a) => Ok(show_paper(&state, &user, id, None, Some(a)).await),
        Err(e) => match refusal(e) {
            Ok(err) => Ok(show_paper(&state, &user, id, Some(err), None).await),
            Err(e) => Ok(PageError::from_app(&state, e).into_response()),
        },
    }
}
