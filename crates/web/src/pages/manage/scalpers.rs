//! 黄牛、非法中介 for supervisors: the suspects of a chosen period with
//! their rule, figures and evidence (clear or register), the register with
//! photos and actions, the open alerts of the floor, and the thresholds.

use super::{back, guard, guard_post, local};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, PageForm, render};
use app::scalper::{ActionView, RegisterRequest, ReviewRequest, SuspectView};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::permission::Permission;
use domain::scalper::{ScalperAction, ScalperRules};
use serde::Deserialize;
use store::scalper::{Scalper, ScalperAlert};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/scalpers",
            get(page)
                .post(register)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::security::UPLOAD_LIMIT,
                )),
        )
        .route("/admin/scalpers/review", post(review))
        .route("/admin/scalpers/rules", post(set_rules))
        .route("/admin/scalpers/{id}/actions", post(add_action))
        .route("/admin/scalpers/alerts/{id}/ack", post(acknowledge))
}

/// What a figure's name means, in the hall's words.
fn figure_label(name: &str) -> &'static str {
    match name {
        "max_per_day" => "单日最多",
        "per_day_threshold" => "每日标准",
        "max_in_window" => "期间最多",
        "window_threshold" => "期间标准",
        "window_days" => "统计天数",
        "tickets" => "取号",
        "appointments" => "预约",
        "refused" => "被拒",
        "applicants" => "申请人数",
        "threshold" => "标准",
        "cases" => "办件",
        "bookings" => "预约次数",
        "minutes" => "分钟",
        _ => "其他",
    }
}

pub struct SuspectRow {
    v: SuspectView,
    figures: String,
    reviewed: Option<String>,
}

pub struct RegisterRow {
    s: Scalper,
    registered: String,
    actions: Vec<ActionView>,
}

pub struct AlertRow {
    pub(super) a: ScalperAlert,
    pub(super) at: String,
    pub(super) what: &'static str,
}

#[derive(Template)]
#[template(path = "manage/scalpers.html")]
struct ScalperPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    from: String,
    to: String,
    today: String,
    suspects: Vec<SuspectRow>,
    register: Vec<RegisterRow>,
    alerts: Vec<AlertRow>,
    rules: ScalperRules,
    can_manage: bool,
    actions: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
struct Params {
    from: Option<String>,
    to: Option<String>,
    ok: Option<String>,
}

pub(super) fn alert_rows(state: &AppState, alerts: Vec<ScalperAlert>) -> Vec<AlertRow> {
    alerts
        .into_iter()
        .map(|a| AlertRow {
            at: local(state, a.at),
            what: match a.source {
                domain::scalper::FactSource::Appointment => "预约",
                _ => "取号",
            },
            a,
        })
        .collect()
}

impl AlertRow {
    pub fn id(&self) -> Uuid {
        self.a.id
    }
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    from: Option<String>,
    to: Option<String>,
    ok: Option<String>,
    error: Option<String>,
) -> Response {
    let today = state.app.today();
    let from = from
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| today.saturating_sub(jiff::Span::new().days(29)).to_string());
    let to = to
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| today.to_string());
    let session = &user.session;
    let scalpers = &state.app.scalpers;
    let mut error = error;
    let suspects = match scalpers.suspects(session, &from, &to).await {
        Ok(list) => list
            .items
            .into_iter()
            .map(|v| SuspectRow {
                figures: v
                    .figures
                    .iter()
                    .map(|(k, n)| format!("{}{n}", figure_label(k)))
                    .collect::<Vec<_>>()
                    .join("，"),
                reviewed: v.review.as_ref().map(|r| {
                    format!(
                        "{}（{} {}：{}）",
                        r.decision_label,
                        r.reviewed_by,
                        local(state, r.reviewed_at),
                        r.note
                    )
                }),
                v,
            })
            .collect(),
        Err(e @ app::AppError::Invalid { .. }) => {
            error.get_or_insert(e.to_string());
            Vec::new()
        }
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let list = match scalpers.scalpers(session).await {
        Ok(l) => l,
        Err(e) => return PageError::from_app(state, e).into_response(),
    };
    let mut register = Vec::new();
    for s in list.into_iter().take(100) {
        let actions = match scalpers.scalper(session, s.id).await {
            Ok(v) => v.actions,
            Err(e) => return PageError::from_app(state, e).into_response(),
        };
        register.push(RegisterRow {
            registered: local(state, s.registered_at),
            s,
            actions,
        });
    }
    let (alerts, rules) = match (
        scalpers.alerts(session, true).await,
        scalpers.rules(session).await,
    ) {
        (Ok(a), Ok(r)) => (a, r),
        (Err(e), _) | (_, Err(e)) => return PageError::from_app(state, e).into_response(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ScalperPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: session.csrf.clone(),
        ok,
        error,
        from,
        to,
        today: today.to_string(),
        suspects,
        register,
        alerts: alert_rows(state, alerts),
        rules,
        can_manage: session.user.role.can(Permission::ScalperManage),
        actions: ScalperAction::ALL.iter().map(|a| (a.code(), a.label())).collect(),
    };
    (status, render(state, &page)).into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(p): Query<Params>,
) -> PageResult {
    let user = guard(&state, user, Permission::ScalperRead, &uri)?;
    Ok(show(&state, &user, p.from, p.to, p.ok, None).await)
}

/// Registers a person (multipart: the photo is a file).
async fn register(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::ScalperManage, &uri)?;
    let mut csrf = String::new();
    let mut req = RegisterRequest::default();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return Ok(show(&state, &user, None, None, None, Some("上传中断，请重试".into())).await);
                };
                let text = || String::from_utf8_lossy(&bytes).into_owned();
                match name.as_str() {
                    "csrf" => csrf = text(),
                    "description" => req.description = text(),
                    "phone" => req.phone = Some(text()),
                    "id_number" => req.id_number = Some(text()),
                    "photo" if !bytes.is_empty() => req.photo = Some(bytes.to_vec()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                let msg = "照片不能超过5MB，或表单无法读取".to_owned();
                return Ok(show(&state, &user, None, None, None, Some(msg)).await);
            }
        }
    }
    super::check_form(&state, &user, &headers, &csrf)?;
    match state.app.scalpers.register(&user.session, &req).await {
        Ok(v) => Ok(back(
            "/admin/scalpers",
            &format!(
                "已登记：{}",
                v.scalper.phone_masked.or(v.scalper.id_masked).unwrap_or_else(|| v
                    .scalper
                    .description
                    .chars()
                    .take(20)
                    .collect())
            ),
        )),
        Err(e) => Ok(show(&state, &user, None, None, None, Some(e.to_string())).await),
    }
}

#[derive(Deserialize)]
struct ActionForm {
    csrf: String,
    action: String,
    date: String,
    note: String,
    #[serde(default)]
    evidence: String,
}

async fn add_action(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<ActionForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::ScalperManage, &uri, &headers, &f.csrf)?;
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有这个登记对象", "链接有误").into_response(),
        );
    };
    match state
        .app
        .scalpers
        .add_action(&user.session, id, &f.action, &f.date, &f.note, &f.evidence)
        .await
    {
        Ok(_) => Ok(back("/admin/scalpers", "已记录处置措施")),
        Err(e @ app::AppError::NotFound(_)) => Err(PageError::from_app(&state, e).into_response()),
        Err(e) => Ok(show(&state, &user, None, None, None, Some(e.to_string())).await),
    }
}

#[derive(Deserialize)]
struct ReviewForm {
    csrf: String,
    #[serde(rename = "ref")]
    reference: String,
    kind: String,
    rule: String,
    from: String,
    to: String,
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    description: String,
}

async fn review(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<ReviewForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::ScalperManage, &uri, &headers, &f.csrf)?;
    let period = format!("/admin/scalpers?from={}&to={}", f.from.trim(), f.to.trim());
    match state
        .app
        .scalpers
        .review(
            &user.session,
            &ReviewRequest {
                reference: f.reference,
                kind: f.kind,
                rule: f.rule,
                from: f.from.clone(),
                to: f.to.clone(),
                decision: f.decision,
                note: f.note,
                description: f.description,
            },
        )
        .await
    {
        Ok(r) => Ok(back(&period, &format!("{}：{}", r.decision.label(), r.masked))),
        Err(e) => Ok(show(&state, &user, Some(f.from), Some(f.to), None, Some(e.to_string())).await),
    }
}

#[derive(Deserialize)]
struct RulesForm {
    csrf: String,
    per_day: String,
    per_window: String,
    window_days: String,
    phone_applicants: String,
    agent_applicants: String,
    case_window_days: String,
    burst_bookings: String,
    burst_minutes: String,
    release_time: String,
}

async fn set_rules(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    PageForm(f): PageForm<RulesForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::ScalperManage, &uri, &headers, &f.csrf)?;
    let number = |label: &str, raw: &str| -> Result<u32, String> {
        raw.trim().parse().map_err(|_| format!("{label}应为整数"))
    };
    let parsed = (|| -> Result<ScalperRules, String> {
        Ok(ScalperRules {
            per_day: number("每日次数", &f.per_day)?,
            per_window: number("期间次数", &f.per_window)?,
            window_days: number("统计期间", &f.window_days)?,
            phone_applicants: number("同一手机号的申请人数", &f.phone_applicants)?,
            agent_applicants: number("同一代办员的申请人数", &f.agent_applicants)?,
            case_window_days: number("办件统计期间", &f.case_window_days)?,
            burst_bookings: number("放号后预约次数", &f.burst_bookings)?,
            burst_minutes: number("放号后时长", &f.burst_minutes)?,
            release_time: f.release_time.trim().to_owned(),
        })
    })();
    let rules = match parsed {
        Ok(r) => r,
        Err(msg) => return Ok(show(&state, &user, None, None, None, Some(msg)).await),
    };
    match state.app.scalpers.set_rules(&user.session, rules).await {
        Ok(_) => Ok(back("/admin/scalpers", "已保存可疑标准")),
        Err(e) => Ok(show(&state, &user, None, None, None, Some(e.to_string())).await),
    }
}

#[derive(Deserialize)]
struct AckForm {
    csrf: String,
    /// Where to go back to: the floor view or this page.
    #[serde(default)]
    back: String,
}

async fn acknowledge(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(f): PageForm<AckForm>,
) -> PageResult {
    let user = guard_post(&state, user, Permission::ScalperManage, &uri, &headers, &f.csrf)?;
    let to = if f.back == "/admin/floor" {
        "/admin/floor"
    } else {
        "/admin/scalpers"
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(
            PageError::new(&state, StatusCode::NOT_FOUND, "没有这条预警", "链接有误").into_response(),
        );
    };
    match state.app.scalpers.acknowledge(&user.session, id).await {
        Ok(a) => Ok(back(to, &format!("已处理预警：{}", a.reference))),
        Err(e @ app::AppError::Conflict(..)) => Ok(back(to, &e.to_string())),
        Err(e) => Err(PageError::from_app(&state, e).into_response()),
    }
}
