//! 窗口评价器 (window evaluation pads): the administrator pairs a pad to a
//! window and edits the staff profiles it shows (三亮); the pad pairs itself
//! with the one-time code and polls its state.

use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, cookie};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AppJson, Caller, PadId};
use app::AppError;
use app::pad::{PadInfo, PadState, format_code, layout_code, pad_status};
use axum::Json;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub const PAD_COOKIE: &str = "govhall_pad";
pub const PAD_HEADER: &str = "x-pad-token";
/// A pad stays paired until revoked; the cookie lasts ten years.
const PAD_COOKIE_MAX_AGE: i64 = 10 * 365 * 24 * 3600;

fn pad_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(PAD_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or_else(|| cookie(headers, PAD_COOKIE))
}

/// A paired, unrevoked pad, by the `X-Pad-Token` header or the `govhall_pad`
/// cookie. As an optional extractor it is `None` for an unknown or revoked token.
#[derive(Debug, Clone)]
pub struct CurrentPad(pub PadInfo);

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<CurrentPad>, ApiError> {
    let Some(token) = pad_token(&parts.headers) else {
        return Ok(None);
    };
    Ok(state.app.pads.pad_by_token(token).await?.map(CurrentPad))
}

fn unpaired() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "pad_unpaired",
        "评价器未配对或已停用，请输入管理员提供的配对码",
    )
}

impl FromRequestParts<AppState> for CurrentPad {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        resolve(parts, state).await?.ok_or_else(unpaired)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentPad {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        resolve(parts, state).await
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPad {
    /// The window number.
    window: String,
    /// "2", "3" or "5" buttons.
    layout: String,
}

#[derive(Serialize, ToSchema)]
pub struct PadView {
    id: Uuid,
    window: String,
    layout: String,
    /// 待配对, 已配对, 配对码已过期 or 已停用.
    status: &'static str,
    created_by: String,
    #[schema(value_type = String)]
    created_at: Timestamp,
    #[schema(value_type = Option<String>)]
    paired_at: Option<Timestamp>,
    revoked: bool,
}

impl PadView {
    fn of(p: store::pad::Pad, now: Timestamp) -> PadView {
        PadView {
            status: pad_status(&p, now),
            id: p.id,
            window: p.window,
            layout: p.layout,
            created_by: p.created_by,
            created_at: p.created_at,
            paired_at: p.paired_at,
            revoked: p.revoked,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedPad {
    #[serde(flatten)]
    pad: PadView,
    /// The one-time pairing code (shown once, stored only as a hash).
    code: String,
    /// The same code grouped for reading: ABCD-EFGH-JKMN.
    code_display: String,
    #[schema(value_type = String)]
    code_expires_at: Timestamp,
}

/// Creates a pad for a window and its one-time pairing code, valid 30 minutes (admin).
#[utoipa::path(post, path = "/api/pads", operation_id = "create_pad", request_body = NewPad, tag = "好差评",
    responses((status = 201, body = CreatedPad, description = "评价器及一次性配对码"),
        (status = 404, description = "没有这个窗口"), (status = 422, description = "窗口或按键布局无效")))]
pub async fn create(
    Caller(state, user): Caller,
    AppJson(b): AppJson<NewPad>,
) -> ApiResult<(StatusCode, Json<CreatedPad>)> {
    let p = state
        .app
        .pads
        .create_pad(&user.actor(), &b.window, &b.layout)
        .await?;
    let expires = p.pad.code_expires_at;
    Ok((
        StatusCode::CREATED,
        Json(CreatedPad {
            pad: PadView::of(p.pad, state.app.now()),
            code_display: format_code(&p.code),
            code: p.code,
            code_expires_at: expires,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PadList {
    pads: Vec<PadView>,
}

/// Every pad, newest first (admin).
#[utoipa::path(get, path = "/api/pads", operation_id = "list_pads", tag = "好差评",
    responses((status = 200, body = PadList, description = "全部评价器，最新在前")))]
pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<PadList>> {
    let now = state.app.now();
    Ok(Json(PadList {
        pads: state
            .app
            .pads
            .pads()
            .await?
            .into_iter()
            .map(|p| PadView::of(p, now))
            .collect(),
    }))
}

/// Revokes a pad: its token stops working at once (admin).
#[utoipa::path(post, path = "/api/pads/{id}/revoke", operation_id = "revoke_pad",
    params(("id" = String, Path, description = "评价器ID")), tag = "好差评",
    responses((status = 204, description = "已停用"), (status = 404, description = "没有这个评价器")))]
pub async fn revoke(Caller(state, user): Caller, PadId(id): PadId) -> ApiResult<StatusCode> {
    state.app.pads.revoke_pad(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairBody {
    /// The pairing code from the administrator (case, spaces and dashes ignored).
    code: String,
}

#[derive(Serialize, ToSchema)]
pub struct PairedPad {
    window: String,
    layout: &'static str,
    /// The pad's token, also set as the HttpOnly cookie `govhall_pad`; a
    /// device that does not keep cookies sends it as `X-Pad-Token`.
    token: String,
}

/// Pairs this device as its window's pad (public; wrong codes are audit-logged
/// and limited per client address).
#[utoipa::path(post, path = "/api/pad/pair", operation_id = "pair_pad", request_body = PairBody, tag = "好差评",
    responses((status = 200, body = PairedPad, description = "已配对：令牌（同时写入 Cookie）"),
        (status = 422, description = "配对码错误或已过期")))]
pub async fn pair(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppJson(b): AppJson<PairBody>,
) -> ApiResult<Response> {
    let paired = state
        .app
        .pads
        .pair_pad(&b.code, &client)
        .await
        .map_err(|e| match e {
            e @ AppError::TooManyAttempts { .. } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!(
                    "配对码错误次数过多，{}",
                    e.to_string().rsplit('，').next().unwrap_or_default()
                ),
            )
            .field("code"),
            other => other.into(),
        })?;
    let cookie = format!(
        "{PAD_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={PAD_COOKIE_MAX_AGE}",
        paired.token
    );
    Ok((
        [(SET_COOKIE, cookie)],
        Json(PairedPad {
            window: paired.pad.window,
            layout: layout_code(paired.pad.layout),
            token: paired.token,
        }),
    )
        .into_response())
}

/// A pad's state, or `{"paired": false}` for a device without a valid pad token.
#[derive(Serialize, ToSchema)]
pub struct PadStateAnswer {
    /// Whether the caller is a paired, unrevoked pad.
    paired: bool,
    /// window, window_name, staff (三亮), layout, buttons, pending, reasons.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    state: Option<PadState>,
}

/// What the pad shows now: the window, the staff member on duty (三亮), the
/// layout's buttons, the ticket just finished at this window awaiting its
/// rating (or null) and the 差评 reasons. Public: a device that is not a
/// paired pad learns only `{"paired": false}` and shows the pairing screen.
#[utoipa::path(get, path = "/api/pad/state", operation_id = "pad_state", tag = "好差评",
    params(("X-Pad-Token" = Option<String>, Header, description = "评价器令牌（不用 Cookie 时）")),
    responses((status = 200, body = PadStateAnswer, description = "评价器当前状态")))]
pub async fn pad_state(
    State(state): State<AppState>,
    pad: Option<CurrentPad>,
) -> ApiResult<Json<PadStateAnswer>> {
    Ok(Json(match pad {
        Some(CurrentPad(pad)) => PadStateAnswer {
            paired: true,
            state: Some(state.app.pads.pad_state(&pad).await?),
        },
        None => PadStateAnswer {
            paired: false,
            state: None,
        },
    }))
}
