//! The conduct of the hall (issue 15, parts 3, 4 and 6): 晨会 (morning
//! meetings) and their weekly compliance list, 效能监察 yellow and red cards
//! with the department's explanation and the 督查科's ruling, and the floor
//! duty captain's log (楼层值班长).

use crate::error::ApiResult;
use crate::extract::{AppJson, AppQuery, Caller, CardId, DutyLogId};
use app::card::{CardList, CardView};
use app::duty_log::DutyLogView;
use app::morning_meeting::{MeetingInput, MeetingView, WeekCompliance};
use axum::Json;
use axum::http::StatusCode;
use domain::duty_log::CheckResult;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

// ---------------------------------------------------------------- 晨会

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    /// YYYY-MM-DD, today or before.
    date: String,
    /// The window's number; or give `department` instead.
    window: Option<String>,
    /// A department's code (or full name): its meeting counts for every
    /// window serving the department's items.
    department: Option<String>,
    /// Username of the host (主持人).
    host: String,
    /// Usernames of those present.
    attendees: Vec<String>,
    /// What was discussed (晨会内容).
    topics: String,
}

/// Records a morning meeting (督查科 for any window or department; window
/// staff only for a window they serve, else 403).
#[utoipa::path(post, path = "/api/morning-meetings", operation_id = "record_morning_meeting", request_body = NewMeeting, tag = "督查",
    responses((status = 201, body = Object, description = "已登记的晨会（含 id、所属周次）"),
        (status = 403, description = "窗口人员只能登记本人所在窗口或部门的晨会"),
        (status = 422, description = "日期在今天之后、窗口或部门不存在、人员不是在用账号、内容为空")))]
pub async fn record_meeting(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewMeeting>,
) -> ApiResult<(StatusCode, Json<MeetingView>)> {
    let m = state
        .app
        .meetings
        .record_meeting(
            &user.session,
            &MeetingInput {
                date: b.date,
                window: b.window,
                department: b.department,
                host: b.host,
                attendees: b.attendees,
                topics: b.topics,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeetingListQuery {
    /// YYYY-MM-DD (default 30 days before `to`).
    from: Option<String>,
    /// YYYY-MM-DD (default today).
    to: Option<String>,
    /// Only the meetings held for this window.
    window: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<MeetingView>,
}

/// Meetings of a period, newest first.
#[utoipa::path(get, path = "/api/morning-meetings", operation_id = "list_morning_meetings", params(MeetingListQuery), tag = "督查",
    responses((status = 200, body = MeetingList, description = "晨会记录，最新在前"),
        (status = 422, description = "日期无效或跨度超过一年")))]
pub async fn list_meetings(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<MeetingListQuery>,
) -> ApiResult<Json<MeetingList>> {
    Ok(Json(MeetingList {
        items: state
            .app
            .meetings
            .meetings(
                &user.session,
                q.from.as_deref(),
                q.to.as_deref(),
                q.window.as_deref(),
            )
            .await?,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WeekQuery {
    /// ISO week, YYYY-Www (2026-W49); this week when absent.
    week: Option<String>,
}

/// The weekly compliance list (晨会周检查): `missing` names each window (not
/// temporary) without a meeting that ISO week. A department's meeting counts
/// for every window serving one of the department's items; `windows` gives
/// each window's count.
#[utoipa::path(get, path = "/api/morning-meetings/compliance", operation_id = "morning_meeting_compliance", params(WeekQuery), tag = "督查",
    responses((status = 200, body = Object, description = "{week, from, to, missing: [窗口号], windows: [{window, name, departments, meetings, complied}], meetings}"),
        (status = 422, description = "周次无效（应为YYYY-Www）")))]
pub async fn meeting_compliance(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<WeekQuery>,
) -> ApiResult<Json<WeekCompliance>> {
    Ok(Json(
        state
            .app
            .meetings
            .weekly_compliance(&user.session, q.week.as_deref())
            .await?,
    ))
}

// ---------------------------------------------------------------- 黄牌/红牌

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CardListQuery {
    /// YYYY-MM (default this month).
    month: Option<String>,
    /// A department's code or full name (a liaison: only its own).
    department: Option<String>,
    /// yellow (黄牌) or red (红牌).
    color: Option<String>,
}

/// The yellow and red cards of a month, newest first, with per-department
/// counts (`red_faulted`: 无正当理由超时办结). A liaison sees its own
/// department only.
#[utoipa::path(get, path = "/api/cards", operation_id = "list_cards", params(CardListQuery), tag = "督查",
    responses((status = 200, body = Object, description = "{month, from, to, department, color, items, departments: [{department, yellow, red, red_faulted, unexplained, unruled}]}"),
        (status = 403, description = "部门联络只能查看本部门"),
        (status = 422, description = "月份、部门或颜色无效")))]
pub async fn list_cards(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<CardListQuery>,
) -> ApiResult<Json<CardList>> {
    Ok(Json(
        state
            .app
            .cards
            .cards(
                &user.session,
                q.month.as_deref(),
                q.department.as_deref(),
                q.color.as_deref(),
            )
            .await?,
    ))
}

/// One card.
#[utoipa::path(get, path = "/api/cards/{id}", operation_id = "get_card", params(("id" = String, Path, description = "黄牌/红牌ID")), tag = "督查",
    responses((status = 200, body = Object, description = "黄牌/红牌及说明、认定"),
        (status = 404, description = "没有这张黄牌/红牌")))]
pub async fn get_card(Caller(state, user): Caller, CardId(id): CardId) -> ApiResult<Json<CardView>> {
    Ok(Json(state.app.cards.card(&user.session, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainBody {
    /// The department's explanation (情况说明).
    explanation: String,
}

/// The department explains a card (its liaison, for its own department);
/// it may correct the explanation until the 督查科 rules.
#[utoipa::path(post, path = "/api/cards/{id}/explain", operation_id = "explain_card", params(("id" = String, Path, description = "黄牌/红牌ID")),
    request_body = ExplainBody, tag = "督查",
    responses((status = 200, body = Object, description = "已说明的黄牌/红牌"),
        (status = 403, description = "不是本部门的黄牌/红牌"),
        (status = 404, description = "没有这张黄牌/红牌"),
        (status = 409, description = "督查科已认定，不能再修改"),
        (status = 422, description = "未写情况说明")))]
pub async fn explain_card(
    Caller(state, user): Caller,
    CardId(id): CardId,
    AppJson(b): AppJson<ExplainBody>,
) -> ApiResult<Json<CardView>> {
    Ok(Json(
        state
            .app
            .cards
            .explain_card(&user.session, id, &b.explanation)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    /// lawful_pause (依法中止), approved_extension (批准延期) or fault (过错;
    /// on a red card: 无正当理由超时办结).
    ruling: String,
    #[serde(default)]
    note: String,
}

/// The 督查科 rules on a card, once.
#[utoipa::path(post, path = "/api/cards/{id}/rule", operation_id = "rule_card", params(("id" = String, Path, description = "黄牌/红牌ID")),
    request_body = RuleBody, tag = "督查",
    responses((status = 200, body = Object, description = "已认定的黄牌/红牌"),
        (status = 404, description = "没有这张黄牌/红牌"),
        (status = 409, description = "已经认定过"),
        (status = 422, description = "认定结果无效")))]
pub async fn rule_card(
    Caller(state, user): Caller,
    CardId(id): CardId,
    AppJson(b): AppJson<RuleBody>,
) -> ApiResult<Json<CardView>> {
    Ok(Json(
        state
            .app
            .cards
            .rule_card(&user.session, id, &b.ruling, &b.note)
            .await?,
    ))
}

// ---------------------------------------------------------------- 楼层值班长

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// call_system (叫号机), evaluator (评价器), display (显示屏),
    /// ticket_machine (取号机), self_service (自助终端), hygiene (环境卫生).
    item: String,
    ok: bool,
    /// Required when not ok.
    #[serde(default)]
    note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenLogBody {
    /// The floor (一楼, 2F…).
    floor: String,
    /// Username of the captain on duty (default: the caller).
    captain: Option<String>,
    /// The six opening checks, each once.
    checks: Vec<CheckBody>,
}

/// Opens today's duty log for a floor with the opening checks.
#[utoipa::path(post, path = "/api/duty-logs", operation_id = "open_duty_log", request_body = OpenLogBody, tag = "督查",
    responses((status = 201, body = Object, description = "今天该楼层的值班日志"),
        (status = 409, description = "该楼层今天的值班日志已经开启"),
        (status = 422, description = "楼层、值班长或开厅检查项无效（异常项须写明情况）")))]
pub async fn open_duty_log(
    Caller(state, user): Caller,
    AppJson(b): AppJson<OpenLogBody>,
) -> ApiResult<(StatusCode, Json<DutyLogView>)> {
    let checks: Vec<CheckResult> = b
        .checks
        .into_iter()
        .map(|c| CheckResult {
            item: c.item,
            ok: c.ok,
            note: c.note,
        })
        .collect();
    let log = state
        .app
        .duty_logs
        .open_duty_log(&user.session, &b.floor, b.captain.as_deref(), &checks)
        .await?;
    Ok((StatusCode::CREATED, Json(log)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// YYYY-MM-DD (default today).
    date: Option<String>,
    /// One floor's log only (一楼, 2F…).
    floor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LogList {
    #[schema(value_type = Vec<Object>)]
    items: Vec<DutyLogView>,
}

/// The duty logs of a day, with their checks and events.
#[utoipa::path(get, path = "/api/duty-logs", operation_id = "list_duty_logs", params(LogQuery), tag = "督查",
    responses((status = 200, body = LogList, description = "当天各楼层的值班日志"),
        (status = 422, description = "日期无效")))]
pub async fn list_duty_logs(
    Caller(state, user): Caller,
    AppQuery(q): AppQuery<LogQuery>,
) -> ApiResult<Json<LogList>> {
    Ok(Json(LogList {
        items: state
            .app
            .duty_logs
            .duty_logs(&user.session, q.date.as_deref(), q.floor.as_deref())
            .await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// crowding (拥挤), equipment_fault (设备故障), dispute (纠纷),
    /// scalper_seen (发现黄牛) or other (其他).
    kind: String,
    /// HH:MM of the log's day (default now).
    time: Option<String>,
    description: String,
    /// The action taken (处置措施).
    #[serde(default)]
    action: String,
}

/// Records an event on an open log.
#[utoipa::path(post, path = "/api/duty-logs/{id}/events", operation_id = "add_duty_event", params(("id" = String, Path, description = "值班日志ID")),
    request_body = EventBody, tag = "督查",
    responses((status = 201, body = Object, description = "值班日志（含新记录的事件）"),
        (status = 404, description = "没有这份值班日志"),
        (status = 409, description = "已交接班"),
        (status = 422, description = "事件类型、时间或经过无效")))]
pub async fn add_duty_event(
    Caller(state, user): Caller,
    DutyLogId(id): DutyLogId,
    AppJson(b): AppJson<EventBody>,
) -> ApiResult<(StatusCode, Json<DutyLogView>)> {
    let log = state
        .app
        .duty_logs
        .add_event(
            &user.session,
            id,
            &b.kind,
            b.time.as_deref(),
            &b.description,
            &b.action,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(log)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverBody {
    /// The handover note for the next captain (交接班事项).
    note: String,
}

/// Closes the log with the handover note, once.
#[utoipa::path(post, path = "/api/duty-logs/{id}/handover", operation_id = "hand_over_duty_log", params(("id" = String, Path, description = "值班日志ID")),
    request_body = HandoverBody, tag = "督查",
    responses((status = 200, body = Object, description = "已交接班的值班日志"),
        (status = 404, description = "没有这份值班日志"),
        (status = 409, description = "已交接班"),
        (status = 422, description = "未写交接班事项")))]
pub async fn hand_over_duty_log(
    Caller(state, user): Caller,
    DutyLogId(id): DutyLogId,
    AppJson(b): AppJson<HandoverBody>,
) -> ApiResult<Json<DutyLogView>> {
    Ok(Json(
        state.app.duty_logs.hand_over(&user.session, id, &b.note).await?,
    ))
}
