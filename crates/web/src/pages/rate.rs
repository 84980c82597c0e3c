//! 线上评价: the page a citizen opens from the ticket's QR code, the
//! tracking page or the SMS invitation, to rate one finished service.

use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, same_origin};
use app::AppError;
use app::evaluation::{EvaluationRequest, Rater};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::evaluation::Level;
use store::queue::TicketStatus;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/rate/{id}", get(page).post(submit))
}

struct LevelChoice {
    code: &'static str,
    label: &'static str,
    bad: bool,
}

#[derive(Template)]
#[template(path = "portal/rate.html")]
struct RatePage {
    chrome: Chrome,
    id: String,
    number: String,
    category_name: String,
    window: String,
    finished: bool,
    rated: bool,
    levels: Vec<LevelChoice>,
    reasons: Vec<String>,
    chosen_level: String,
    chosen_reasons: Vec<String>,
    comment: String,
    error: Option<String>,
    thanks: bool,
}

async fn show(
    state: &AppState,
    raw: &str,
    form: Option<(&str, &[String], &str)>,
    error: Option<String>,
    thanks: bool,
) -> Result<RatePage, PageError> {
    let id = Uuid::parse_str(raw.trim())
        .map_err(|_| PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "没有这张号票"))?;
    let view = state
        .app
        .queue
        .ticket_view(id)
        .await
        .map_err(|e| PageError::from_app(state, e))?;
    let rated = state
        .app
        .store
        .evaluation_of_event(&format!("ticket:{id}"))
        .await
        .map_err(|e| PageError::from_app(state, AppError::from(e)))?
        .is_some();
    let reasons = state
        .app
        .evaluations
        .evaluation_reasons()
        .await
        .map_err(|e| PageError::from_app(state, e))?;
    let (level, chosen, comment) = form.unwrap_or(("", &[], ""));
    Ok(RatePage {
        chrome: Chrome::new(state, None, ""),
        id: id.to_string(),
        number: view.ticket.number.clone(),
        category_name: view.category_name.clone(),
        window: view.ticket.window.clone().unwrap_or_default(),
        finished: view.ticket.status == TicketStatus::Finished,
        rated,
        levels: Level::ALL
            .into_iter()
            .map(|l| LevelChoice {
                code: l.code(),
                label: l.label(),
                bad: l.is_bad(),
            })
            .collect(),
        reasons,
        chosen_level: level.to_owned(),
        chosen_reasons: chosen.to_vec(),
        comment: comment.to_owned(),
        error,
        thanks,
    })
}

async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PageError> {
    Ok(render(&state, &show(&state, &id, None, None, false).await?))
}

async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if !same_origin(&headers) {
        return Err(PageError::new(
            &state,
            StatusCode::FORBIDDEN,
            "拒绝请求",
            "表单来自其他网站",
        ));
    }
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let reasons: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "reasons")
        .map(|(_, v)| v.clone())
        .collect();
    let (level, comment) = (value("level"), value("comment"));
    let req = EvaluationRequest {
        ticket_id: Some(id.clone()),
        case_id: None,
        channel: domain::evaluation::Channel::Online.code().into(),
        level: level.clone(),
        reasons: reasons.clone(),
        comment: comment.clone(),
        query_code: None,
    };
    let rater = Rater {
        pad_token: None,
        session: user.map(|u| u.session),
        device: client,
    };
    match state.app.evaluations.evaluate(&req, &rater).await {
        Ok(_) => Ok(render(&state, &show(&state, &id, None, None, true).await?)),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(..) | AppError::Forbidden(_))) => {
            let status = match &e {
                AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Conflict(..) => StatusCode::CONFLICT,
                _ => StatusCode::FORBIDDEN,
            };
            let message = match &e {
                AppError::Invalid { message, .. } => message.clone(),
                other => other.to_string(),
            };
            let page = show(
                &state,
                &id,
                Some((&level, &reasons, &comment)),
                Some(message),
                false,
            )
            .await?;
            Ok((status, render(&state, &page)).into_response())
        }
        Err(e) => Err(PageError::from_app(&state, e)),
    }
}
