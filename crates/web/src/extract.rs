//! Extractors whose rejections are our error shape: bad JSON, wrong types,
//! unknown fields and bad query strings all answer 4xx in Chinese.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body.
pub struct AppJson<T>(pub T);

/// Pulls the field name out of serde's message ("unknown field `x`", "missing field `y`").
fn field_of(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let end = start + text[start..].find('`')?;
    Some(text[start..end].to_owned())
}

fn explain(text: &str) -> String {
    if text.contains("unknown field") {
        "未知字段".into()
    } else if text.contains("missing field") {
        "缺少必填字段".into()
    } else if text.contains("invalid type") {
        "类型错误".into()
    } else if text.contains("unknown variant") {
        "取值无效".into()
    } else {
        "格式错误".into()
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // issue 16 part 7: a body is one JSON object. serde also reads a
        // struct from the array of its fields (`["done"]`, or `[]` when every
        // field has a default), which no operation documents.
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(rejection) => return Err(json_error(rejection)),
        };
        if !value.is_object() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_json",
                "请求数据有误：正文应为一个JSON对象（{…}）",
            ));
        }
        serde_json::from_value(value)
            .map(AppJson)
            .map_err(|e| data_error(&e.to_string()))
    }
}

/// A body that is JSON but not what the operation takes: 422 naming the field.
fn data_error(text: &str) -> ApiError {
    let field = field_of(text);
    let reason = explain(text);
    let text = crate::error::excerpt(text);
    let message = match &field {
        Some(f) => format!("请求数据有误：字段 {f} {reason}（{text}）"),
        None => format!("请求数据有误：{reason}（{text}）"),
    };
    let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_json", message);
    err.field = field;
    err
}

fn json_error(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            let text = std::error::Error::source(&e)
                .map(|s| s.to_string())
                .unwrap_or_else(|| e.body_text());
            data_error(&text)
        }
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "请求正文不是有效的JSON：{}",
                crate::error::excerpt(&e.body_text())
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "请求须带 Content-Type: application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "请求正文过大（JSON 请求不超过1MB）",
        ),
        other => ApiError::bad_request(format!(
            "无法读取请求正文：{}",
            crate::error::excerpt(&other.body_text())
        )),
    }
}

/// A query string.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(AppQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = crate::error::excerpt(&e.body_text());
                let field = field_of(&text);
                let mut err = ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("查询参数有误：{}（{text}）", explain(&text)),
                );
                err.field = field;
                Err(err)
            }
            Err(other) => Err(ApiError::bad_request(format!(
                "查询参数有误：{}",
                other.body_text()
            ))),
        }
    }
}

/// Parses a YYYY-MM-DD date from a query or form field.
pub fn parse_date(field: &str, raw: &str) -> Result<jiff::civil::Date, ApiError> {
    raw.trim().parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{field}：日期“{raw}”无效，应为YYYY-MM-DD"),
        )
        .field(field)
    })
}

/// The `{id}` of a path as a UUID; one that does not parse names nothing, so
/// it answers 404 `not_found` with the reason a missing record gives.
macro_rules! id_paths {
    ($($(#[$doc:meta])* $name:ident = $missing:literal;)*) => {$(
        $(#[$doc])*
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn parse(raw: &str) -> Result<uuid::Uuid, ApiError> {
                uuid::Uuid::parse_str(raw).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", $missing))
            }
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = axum::response::Response;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                use axum::response::IntoResponse;
                let axum::extract::Path(params) =
                    axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
                        .await
                        .map_err(IntoResponse::into_response)?;
                let raw = params.iter().find(|(k, _)| k == "id").map_or("", |(_, v)| v.as_str());
                Self::parse(raw).map(Self).map_err(IntoResponse::into_response)
            }
        }
    )*};
}

id_paths! {
    /// A ticket's `{id}`.
    TicketId = "没有这张号票";
    /// A case's `{id}`.
    CaseId = "办件不存在";
    /// A home-visit request's `{id}`.
    VisitId = "没有这个上门服务申请";
    /// An evaluation pad's `{id}`.
    PadId = "没有这个评价器";
    /// A rectification's `{id}`.
    RectificationId = "整改记录不存在";
    /// An evaluation's `{id}`.
    EvaluationId = "评价不存在";
    /// An appeal's `{id}`.
    AppealId = "申诉不存在";
    /// A complaint's `{id}`.
    ComplaintId = "投诉不存在";
}

/// The app's state and the signed-in caller, which most handlers start from:
/// `Caller(state, user): Caller` extracts `State<AppState>`, then `CurrentUser`.
pub struct Caller(pub crate::AppState, pub crate::auth::CurrentUser);

impl FromRequestParts<crate::AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &crate::AppState) -> Result<Self, Self::Rejection> {
        let user = crate::auth::CurrentUser::from_request_parts(parts, state).await?;
        Ok(Caller(state.clone(), user))
    }
}

// issue 15 parts 4, 6: yellow/red cards, floor duty log
id_paths! {
    /// A yellow or red card's `{id}`.
    CardId = "没有这张黄牌/红牌";
    /// A floor duty log's `{id}`.
    DutyLogId = "没有这份值班日志";
}
