//! The audit log (操作日志), for administrators.

use crate::error::ApiResult;
use crate::extract::{AppQuery, Caller};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// From 1.
    page: Option<i64>,
    /// Entries a page (1–500, default 50).
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    entries: Vec<AuditRow>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    action_label: String,
    target: String,
    detail: String,
}

/// Newest entries first.
#[utoipa::path(get, path = "/api/audit", operation_id = "list_audit_log", params(AuditQuery), tag = "审计",
    responses((status = 200, body = AuditList, description = "一页操作日志，最新在前")))]
pub async fn list(
    Caller(state, _user): Caller,
    AppQuery(q): AppQuery<AuditQuery>,
) -> ApiResult<Json<AuditList>> {
    let entries = state
        .app
        .audit_log(q.page.unwrap_or(1), q.per_page.unwrap_or(50))
        .await?
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            at: e.at.to_string(),
            action_label: app::audit::action_label(&e.action).to_owned(),
            actor: e.actor,
            action: e.action,
            target: e.target,
            detail: e.detail,
        })
        .collect();
    Ok(Json(AuditList { entries }))
}
