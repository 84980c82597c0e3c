//! The queue (取号叫号): set-up for administrators, tickets for the kiosk,
//! calls for the windows.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, Caller, TicketId};
use app::queue::{TakeTicket, TicketView};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Role;
use serde::{Deserialize, Serialize};
use store::queue::{Category, TicketStatus, Window, WindowStatus};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// Ticket prefix, 1–3 capital letters.
    prefix: String,
    name: String,
    /// Catalog item codes this category covers.
    #[serde(default)]
    items: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    #[schema(value_type = Vec<super::schemas::Category>)]
    categories: Vec<Category>,
}

/// Creates a service category (admin).
#[utoipa::path(post, path = "/api/categories", operation_id = "create_category", request_body = NewCategory, tag = "排队叫号",
    responses((status = 201, body = super::schemas::Category, description = "新业务类别"),
        (status = 409, description = "前缀或名称已存在"), (status = 422, description = "前缀、名称或事项编码无效")))]
pub async fn create_category(
    Caller(state, user): Caller,
    AppJson(req): AppJson<NewCategory>,
) -> ApiResult<(StatusCode, Json<Category>)> {
    let c = state
        .app
        .queue
        .create_category(&user.actor(), &req.prefix, &req.name, &req.items)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Service categories (public: the kiosk shows them).
#[utoipa::path(get, path = "/api/categories", operation_id = "list_categories", tag = "排队叫号",
    responses((status = 200, body = CategoryList, description = "全部业务类别")))]
pub async fn list_categories(State(state): State<AppState>) -> ApiResult<Json<CategoryList>> {
    Ok(Json(CategoryList {
        categories: state.app.queue.categories().await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWindow {
    number: String,
    #[serde(default)]
    name: String,
    categories: Vec<String>,
    /// Usernames of the staff who may call from this window.
    #[serde(default)]
    staff: Vec<String>,
    /// A temporary window opened at the peak (临时窗口).
    #[serde(default)]
    temporary: bool,
}

#[derive(Serialize, ToSchema)]
pub struct WindowList {
    #[schema(value_type = Vec<super::schemas::Window>)]
    windows: Vec<Window>,
}

/// Creates a window (admin).
#[utoipa::path(post, path = "/api/windows", operation_id = "create_window", request_body = NewWindow, tag = "排队叫号",
    responses((status = 201, body = super::schemas::Window, description = "新窗口"),
        (status = 409, description = "窗口号已存在"), (status = 422, description = "窗口号、类别或人员无效")))]
pub async fn create_window(
    Caller(state, user): Caller,
    AppJson(req): AppJson<NewWindow>,
) -> ApiResult<(StatusCode, Json<Window>)> {
    // The floor captain (督查) may only open temporary windows.
    let temporary = req.temporary || user.session.user.role == Role::Supervisor;
    let w = state
        .app
        .queue
        .create_window(
            &user.actor(),
            &req.number,
            &req.name,
            &req.categories,
            &req.staff,
            temporary,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(w)))
}

/// Windows and their state (public: displays show them).
#[utoipa::path(get, path = "/api/windows", operation_id = "list_windows", tag = "排队叫号",
    responses((status = 200, body = WindowList, description = "全部窗口及其状态")))]
pub async fn list_windows(State(state): State<AppState>) -> ApiResult<Json<WindowList>> {
    Ok(Json(WindowList {
        windows: state.app.queue.windows().await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    category: String,
    phone: Option<String>,
    id_number: Option<String>,
    /// elderly, disabled, pregnant or military (绿色通道).
    priority: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TicketResponse {
    id: String,
    number: String,
    category: String,
    category_name: String,
    /// waiting, called, serving, finished, skipped or transferred.
    status: String,
    waiting_before: i64,
    window: Option<String>,
    priority: Option<String>,
    taken_at: String,
    called_at: Option<String>,
}

impl From<TicketView> for TicketResponse {
    fn from(v: TicketView) -> TicketResponse {
        let t = v.ticket;
        TicketResponse {
            id: t.id.to_string(),
            number: t.number,
            category: t.category,
            category_name: v.category_name,
            status: t.status.code().into(),
            waiting_before: v.waiting_before,
            window: t.window,
            priority: t.priority.map(|p| p.code().into()),
            taken_at: t.taken_at.to_string(),
            called_at: t.called_at.map(|c| c.to_string()),
        }
    }
}

/// Takes a ticket (public, the kiosk). Over a per-person limit → 409.
#[utoipa::path(post, path = "/api/tickets", operation_id = "take_ticket", request_body = TicketRequest, tag = "排队叫号",
    responses((status = 201, body = TicketResponse, description = "号票"),
        (status = 404, description = "没有这个业务类别"),
        (status = 409, description = "同一人超过取号限制（person_limit），或不在办公时间（closed）"),
        (status = 422, description = "手机号、身份证号或优先类别无效")))]
pub async fn take_ticket(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppJson(req): AppJson<TicketRequest>,
) -> ApiResult<(StatusCode, Json<TicketResponse>)> {
    if state.app.settings.security.rate_limit && !state.ticket_limiter.allow(&client) {
        let actor = app::Actor {
            username: "取号机".into(),
            role: None,
        };
        state
            .app
            .audit(&actor, "queue.rate_limited", &client, "取号过于频繁被拒绝")
            .await?;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "取号过于频繁，请稍后再试或到咨询台",
        ));
    }
    let view = state
        .app
        .queue
        .take_ticket(&TakeTicket {
            category: req.category,
            phone: req.phone,
            id_number: req.id_number,
            priority: req.priority,
            appointment_at: None,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// A ticket's state and place in line (public: the phone tracking page).
#[utoipa::path(get, path = "/api/tickets/{id}", operation_id = "get_ticket",
    params(("id" = String, Path, description = "号票ID")), tag = "排队叫号",
    responses((status = 200, body = TicketResponse, description = "号票及前面等候人数"), (status = 404, description = "没有这张号票")))]
pub async fn get_ticket(
    State(state): State<AppState>,
    TicketId(id): TicketId,
) -> ApiResult<Json<TicketResponse>> {
    Ok(Json(state.app.queue.ticket_view(id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct CallResponse {
    ticket: TicketResponse,
}

async fn called(state: &AppState, t: store::queue::Ticket) -> ApiResult<Json<CallResponse>> {
    Ok(Json(CallResponse {
        ticket: state.app.queue.view_of(t).await?.into(),
    }))
}

/// Calls the next person to this window (staff of the window, or admin); 204 when nobody waits.
#[utoipa::path(post, path = "/api/windows/{number}/call", operation_id = "call_next_ticket",
    params(("number" = String, Path, description = "窗口号")), tag = "排队叫号",
    responses((status = 200, body = CallResponse, description = "叫到的号票"), (status = 204, description = "无人等候"),
        (status = 403, description = "不是本窗口的工作人员"), (status = 404, description = "没有这个窗口"),
        (status = 409, description = "窗口已暂停或关闭，或上一位尚未办结")))]
pub async fn call_next(Caller(state, user): Caller, Path(number): Path<String>) -> ApiResult<Response> {
    match state.app.queue.call_next(&user.session, &number).await? {
        Some(t) => Ok(called(&state, t).await?.into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// Which waiting ticket to call (叫指定号).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallNumberRequest {
    /// The ticket number of today, e.g. A005.
    number: String,
}

/// Calls a waiting ticket by its number to this window, out of turn (staff of the window, or admin).
#[utoipa::path(post, path = "/api/windows/{number}/call-number", operation_id = "call_ticket_number",
    params(("number" = String, Path, description = "窗口号")), request_body = CallNumberRequest, tag = "排队叫号",
    responses((status = 200, body = CallResponse, description = "叫到的号票"),
        (status = 403, description = "不是本窗口的工作人员"), (status = 404, description = "没有这个窗口或今天没有这个号"),
        (status = 409, description = "窗口已暂停或关闭，该号不在等候中，或不在本窗口办理"),
        (status = 422, description = "号码为空")))]
pub async fn call_number(
    Caller(state, user): Caller,
    Path(number): Path<String>,
    crate::extract::AppJson(body): crate::extract::AppJson<CallNumberRequest>,
) -> ApiResult<Json<CallResponse>> {
    let t = state
        .app
        .queue
        .call_number(&user.session, &number, &body.number)
        .await?;
    called(&state, t).await
}

/// Ends the ticket being served (skipped or finished) and answers it.
async fn end_ticket(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    status: TicketStatus,
) -> ApiResult<Json<CallResponse>> {
    let t = state.app.queue.end_ticket(&user.session, id, status).await?;
    called(state, t).await
}

/// Announces the ticket again (重呼).
#[utoipa::path(post, path = "/api/tickets/{id}/recall", operation_id = "recall_ticket",
    params(("id" = String, Path, description = "号票ID")), tag = "排队叫号",
    responses((status = 200, body = CallResponse, description = "重呼的号票"), (status = 404, description = "没有这张号票"),
        (status = 409, description = "号票不在叫号中")))]
pub async fn recall(Caller(state, user): Caller, TicketId(id): TicketId) -> ApiResult<Json<CallResponse>> {
    let t = state.app.queue.recall(&user.session, id).await?;
    called(&state, t).await
}

/// The person did not come (过号).
#[utoipa::path(post, path = "/api/tickets/{id}/skip", operation_id = "skip_ticket",
    params(("id" = String, Path, description = "号票ID")), tag = "排队叫号",
    responses((status = 200, body = CallResponse, description = "已过号的号票"), (status = 404, description = "没有这张号票"),
        (status = 409, description = "号票不在叫号中")))]
pub async fn skip(Caller(state, user): Caller, TicketId(id): TicketId) -> ApiResult<Json<CallResponse>> {
    end_ticket(&state, &user, id, TicketStatus::Skipped).await
}

/// Service finished (办结).
#[utoipa::path(post, path = "/api/tickets/{id}/finish", operation_id = "finish_ticket",
    params(("id" = String, Path, description = "号票ID")), tag = "排队叫号",
    responses((status = 200, body = CallResponse, description = "已办结的号票"), (status = 404, description = "没有这张号票"),
        (status = 409, description = "号票不在叫号中")))]
pub async fn finish(Caller(state, user): Caller, TicketId(id): TicketId) -> ApiResult<Json<CallResponse>> {
    end_ticket(&state, &user, id, TicketStatus::Finished).await
}

/// Puts a skipped ticket back in line (public: the citizen's phone), within the allowed minutes.
#[utoipa::path(post, path = "/api/tickets/{id}/requeue", operation_id = "requeue_ticket",
    params(("id" = String, Path, description = "号票ID")), tag = "排队叫号",
    responses((status = 200, body = TicketResponse, description = "重新排队的号票"), (status = 404, description = "没有这张号票"),
        (status = 409, description = "未过号或已超时")))]
pub async fn requeue(
    State(state): State<AppState>,
    TicketId(id): TicketId,
) -> ApiResult<Json<TicketResponse>> {
    Ok(Json(state.app.queue.requeue(id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    category: String,
}

/// Sends the person on to another category (转移); answers the new ticket.
#[utoipa::path(post, path = "/api/tickets/{id}/transfer", operation_id = "transfer_ticket",
    params(("id" = String, Path, description = "号票ID")), request_body = TransferRequest, tag = "排队叫号",
    responses((status = 200, body = CallResponse, description = "转移后的新号票"), (status = 404, description = "没有这张号票或这个业务类别"),
        (status = 409, description = "号票不在叫号中")))]
pub async fn transfer(
    Caller(state, user): Caller,
    TicketId(id): TicketId,
    AppJson(req): AppJson<TransferRequest>,
) -> ApiResult<Json<CallResponse>> {
    let view = state.app.queue.transfer(&user.session, id, &req.category).await?;
    Ok(Json(CallResponse { ticket: view.into() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowStatusRequest {
    /// open, paused or closed.
    status: String,
    #[serde(default)]
    reason: String,
}

/// Pauses (暂停服务, with a reason), reopens or closes a window.
#[utoipa::path(post, path = "/api/windows/{number}/status", operation_id = "set_window_status",
    params(("number" = String, Path, description = "窗口号")), request_body = WindowStatusRequest, tag = "排队叫号",
    responses((status = 204, description = "已更改"), (status = 404, description = "没有这个窗口"),
        (status = 422, description = "状态无效，或暂停未写理由")))]
pub async fn window_status(
    Caller(state, user): Caller,
    Path(number): Path<String>,
    AppJson(req): AppJson<WindowStatusRequest>,
) -> ApiResult<StatusCode> {
    let status = WindowStatus::parse(&req.status).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "status：应为 open、paused 或 closed",
        )
        .field("status")
    })?;
    state
        .app
        .queue
        .set_window_status(&user.session, &number, status, &req.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The live floor view: waiting per category, longest wait, each window's state
/// (floor captain, leadership, staff).
#[utoipa::path(get, path = "/api/floor", operation_id = "floor_status", tag = "排队叫号",
    responses((status = 200, body = Object, description = "各类别等候人数、最长等候时间、各窗口状态")))]
pub async fn floor(Caller(state, _user): Caller) -> ApiResult<Json<app::floor::FloorStatus>> {
    let floor = state.app.queue.floor_status().await?;
    // issue 15 part 3: today's duty captains
    Ok(Json(state.app.duty_logs.with_captains(floor).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// Business date, YYYY-MM-DD (default today).
    date: Option<String>,
    /// Start of a period, YYYY-MM-DD (with `to`: the period's sums instead of one day).
    from: Option<String>,
    /// End of the period, YYYY-MM-DD (at most a year after `from`).
    to: Option<String>,
    /// json (default) or xlsx.
    format: Option<String>,
}

/// Waiting and service times per category, window and staff (average, p90, max), of a day or a period.
#[utoipa::path(get, path = "/api/reports/queue", operation_id = "queue_report", params(ReportQuery), tag = "排队叫号",
    responses((status = 200, description = "当日等候与办理时长（平均、p90、最长），按类别、窗口、人员",
        content((Object = "application/json"),
            (super::schemas::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, description = "日期或格式无效")))]
pub async fn report(
    Caller(state, _user): Caller,
    crate::extract::AppQuery(q): crate::extract::AppQuery<ReportQuery>,
) -> ApiResult<Response> {
    let (from, to) = match (q.from.as_deref(), q.to.as_deref(), q.date.as_deref()) {
        (Some(f), t, _) => {
            let from = crate::extract::parse_date("from", f)?;
            let to = match t {
                Some(t) => crate::extract::parse_date("to", t)?,
                None => from,
            };
            (from, to)
        }
        (None, Some(_), _) => {
            return Err(crate::error::ApiError::from(app::AppError::invalid(
                "from",
                "请同时填写开始日期",
            )));
        }
        (None, None, Some(d)) => {
            let d = crate::extract::parse_date("date", d)?;
            (d, d)
        }
        (None, None, None) => (state.app.today(), state.app.today()),
    };
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(state.app.queue.queue_report_range(from, to).await?).into_response()),
        "xlsx" => {
            let bytes = state.app.queue.queue_report_range_xlsx(from, to).await?;
            let name = if from == to {
                format!("attachment; filename=\"queue-{from}.xlsx\"")
            } else {
                format!("attachment; filename=\"queue-{from}-{to}.xlsx\"")
            };
            Ok((
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                    ),
                    (axum::http::header::CONTENT_DISPOSITION, name),
                ],
                bytes,
            )
                .into_response())
        }
        other => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("format：“{other}”应为 json 或 xlsx"),
        )
        .field("format")),
    }
}

/// A change to a category: the fields given replace the current ones.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryUpdate {
    /// May be sent as in the POST body; must equal the prefix in the path (a prefix never changes).
    prefix: Option<String>,
    name: Option<String>,
    /// Catalog item codes this category covers (replaces the list).
    items: Option<Vec<String>>,
}

/// The identity in a body, if sent, must be the one in the path.
fn same_identity(field: &'static str, sent: Option<&str>, path: &str, message: &str) -> ApiResult<()> {
    match sent.map(str::trim) {
        Some(s) if s != path => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{field}：{message}"),
        )
        .field(field)),
        _ => Ok(()),
    }
}

/// Changes a category's name or items (admin); fields left out stay as they are.
#[utoipa::path(put, path = "/api/categories/{prefix}", operation_id = "update_category",
    params(("prefix" = String, Path, description = "号票前缀")), request_body = CategoryUpdate, tag = "排队叫号",
    responses((status = 200, body = super::schemas::Category, description = "修改后的业务类别"),
        (status = 404, description = "没有这个业务类别"), (status = 409, description = "名称已被使用"),
        (status = 422, description = "名称或事项编码无效")))]
pub async fn update_category(
    Caller(state, user): Caller,
    Path(prefix): Path<String>,
    AppJson(req): AppJson<CategoryUpdate>,
) -> ApiResult<Json<Category>> {
    same_identity("prefix", req.prefix.as_deref(), &prefix, "号票前缀不能修改")?;
    let change = app::queue_setup::CategoryChange {
        name: req.name,
        items: req.items,
    };
    Ok(Json(
        state
            .app
            .queue
            .edit_category(&user.actor(), &prefix, &change)
            .await?,
    ))
}

/// A change to a window: the fields given replace the current ones.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowUpdate {
    /// May be sent as in the POST body; must equal the number in the path.
    number: Option<String>,
    /// An empty name becomes "N号窗口".
    name: Option<String>,
    categories: Option<Vec<String>>,
    /// Usernames of the staff who may call from this window (replaces the list).
    staff: Option<Vec<String>>,
    temporary: Option<bool>,
}

/// Changes a window's name, categories, staff or temporary mark (admin);
/// fields left out stay as they are. Its status changes through `/status`.
#[utoipa::path(put, path = "/api/windows/{number}", operation_id = "update_window",
    params(("number" = String, Path, description = "窗口号")), request_body = WindowUpdate, tag = "排队叫号",
    responses((status = 200, body = super::schemas::Window, description = "修改后的窗口"),
        (status = 404, description = "没有这个窗口"), (status = 409, description = "与当前状态冲突"),
        (status = 422, description = "类别或人员无效")))]
pub async fn update_window(
    Caller(state, user): Caller,
    Path(number): Path<String>,
    AppJson(req): AppJson<WindowUpdate>,
) -> ApiResult<Json<Window>> {
    same_identity("number", req.number.as_deref(), &number, "窗口号不能修改")?;
    let change = app::queue_setup::WindowChange {
        name: req.name,
        categories: req.categories,
        staff: req.staff,
        temporary: req.temporary,
    };
    Ok(Json(
        state
            .app
            .queue
            .edit_window(&user.actor(), &number, &change)
            .await?,
    ))
}
