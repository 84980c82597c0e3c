//! 办件全程时间线 over HTTP (issue 17): `GET /api/cases/{id}/timeline` — the
//! ticket, every step, notices, SMS and evaluations of a case in time order.

use crate::error::ApiResult;
use crate::extract::{Caller, CaseId};
use app::case_timeline::TimelineEvent;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The kinds of timeline event (stable lowercase codes). Documentation of
/// [`domain::timeline::TimelineKind`], which the answer serialises.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TimelineKindCode {
    /// 取号 (the ticket the case came from).
    Ticket,
    /// 叫号.
    Call,
    /// 重呼.
    Recall,
    /// 窗口服务结束.
    Served,
    /// 受理.
    Accepted,
    /// 一次性告知补正材料 (the one-time notice).
    Notice,
    /// 补正材料.
    Supplemented,
    /// 暂停计时.
    Paused,
    /// 恢复计时.
    Resumed,
    /// 开始审查.
    Reviewed,
    /// 作出决定.
    Decided,
    /// 延期.
    Extended,
    /// 办结.
    Completed,
    /// 送达.
    Delivered,
    /// 不予受理.
    Refused,
    /// Any other step of the case.
    Step,
    /// 短信 (from the hall's SMS outbox).
    Sms,
    /// 评价 (of the case, or of its ticket's service).
    Evaluation,
    /// 网上申报: the online application the case came from (submitted, 补正, passed on).
    Application,
}

/// One event. Fields that do not apply are null.
#[derive(Serialize, ToSchema)]
pub struct TimelineEventBody {
    #[schema(value_type = TimelineKindCode)]
    kind: domain::timeline::TimelineKind,
    /// RFC 3339 instant (UTC).
    #[schema(value_type = String, format = DateTime)]
    at: jiff::Timestamp,
    /// What happened, in Chinese (取号 A001、受理、评价：满意（线上评价）…).
    label: String,
    /// The case (or 一件事 sub-case) number the event is of.
    case_number: Option<String>,
    /// Window number.
    window: Option<String>,
    /// Staff username and name (经办人).
    staff: Option<String>,
    staff_name: Option<String>,
    /// The step's reason, the SMS text, the evaluation's reasons and comment.
    note: String,
    /// The status a case step left the case in (accepted, paused, completed…).
    #[schema(value_type = Option<String>)]
    status: Option<domain::case::CaseStatus>,
    /// The document the step issues: notice, receipt, approval or refusal.
    #[schema(value_type = Option<String>)]
    document: Option<domain::timeline::TimelineDocument>,
    document_label: Option<&'static str>,
    /// Evaluations: pad, online, phone or sms.
    #[schema(value_type = Option<String>)]
    channel: Option<domain::evaluation::Channel>,
    /// Evaluations: very_satisfied … very_dissatisfied.
    #[schema(value_type = Option<String>)]
    level: Option<domain::evaluation::Level>,
    /// SMS: case_status, evaluation_invitation, turn_reminder…
    #[schema(value_type = Option<String>)]
    sms_kind: Option<domain::evaluation::SmsKind>,
    /// SMS: queued or sent.
    #[schema(value_type = Option<String>)]
    sms_status: Option<domain::evaluation::SmsStatus>,
}

impl From<TimelineEvent> for TimelineEventBody {
    fn from(e: TimelineEvent) -> TimelineEventBody {
        TimelineEventBody {
            kind: e.kind,
            at: e.at,
            label: e.label,
            case_number: e.case_number,
            window: e.window,
            staff: e.staff,
            staff_name: e.staff_name,
            note: e.note,
            status: e.status,
            document: e.document,
            document_label: e.document_label,
            channel: e.channel,
            level: e.level,
            sms_kind: e.sms_kind,
            sms_status: e.sms_status,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TimelineBody {
    /// The case's number, item and status.
    number: String,
    item: String,
    #[schema(value_type = String)]
    status: domain::case::CaseStatus,
    status_label: &'static str,
    /// In time order.
    events: Vec<TimelineEventBody>,
}

/// 办件全程时间线: the ticket it came from, every step with its documents, the
/// SMS sent about it and its evaluations, in time order (staff who handled
/// it, the liaison of its department, the 督查科).
#[utoipa::path(get, path = "/api/cases/{id}/timeline", operation_id = "case_timeline",
    params(("id" = String, Path, description = "办件ID")), tag = "办件",
    responses((status = 200, body = TimelineBody, description = "按时间排列的事件"),
        (status = 403, description = "不是经办人、本部门联络员或督查"),
        (status = 404, description = "办件不存在")))]
pub async fn timeline(Caller(state, user): Caller, CaseId(id): CaseId) -> ApiResult<Json<TimelineBody>> {
    let t = state.app.timelines.case_timeline(&user.session, id).await?;
    Ok(Json(TimelineBody {
        number: t.number,
        item: t.item,
        status: t.status,
        status_label: t.status_label,
        events: t.events.into_iter().map(TimelineEventBody::from).collect(),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_documented_kinds_are_the_domain_s() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(super::TimelineKindCode::schema()).unwrap_or_default();
        let documented: Vec<String> = schema["enum"]
            .as_array()
            .or_else(|| schema["oneOf"].as_array())
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().or_else(|| v["enum"][0].as_str()).map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let codes: Vec<String> = domain::timeline::TimelineKind::ALL
            .iter()
            .map(|k| k.code().to_owned())
            .collect();
        assert_eq!(documented, codes);
    }
}
