//! The error answers every operation can give, added to the document in one
//! place from what the operation takes: a body, query or path parameters, a
//! token. A handler documents only the answers that are its own (201, 204,
//! 409, a specific 404 or 422…); a 4xx it lists without a body gets the error
//! shape here, and one without a description the standard one.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, Ref, RefOr, Response};

/// Operations throttled per client address (or account and address): the
/// security throttles stay on even with `rate_limit = false`, the kiosk and
/// public-form limits only with it.
const THROTTLED: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/auth/login",
        "密码错误次数过多，请稍后再试（按地址和账号计）",
    ),
    (
        "GET",
        "/api/progress",
        "查询失败次数过多，请稍后再试（按地址和办件编号计）",
    ),
    ("POST", "/api/pad/pair", "配对码错误次数过多，请稍后再试"),
    ("POST", "/api/tickets", "同一地址取号过于频繁"),
    ("POST", "/api/home-visits", "同一地址提交过于频繁"),
    ("POST", "/api/complaints", "同一地址提交过于频繁"),
    (
        "GET",
        "/api/complaints/progress",
        "查询失败次数过多，请稍后再试（按地址计）",
    ),
    (
        "POST",
        "/api/complaints/feedback",
        "查询失败次数过多，请稍后再试（按地址计）",
    ),
    // issue 17: a case rated online with a wrong query code counts like a wrong lookup
    (
        "POST",
        "/api/evaluations",
        "查询码错误次数过多，请稍后再试（按地址和办件计）",
    ),
];

/// Operations that read their body themselves (any content type, or none):
/// the case lifecycle actions.
const RAW_BODY: &[&str] = &[
    "/api/cases/{id}/pause",
    "/api/cases/{id}/resume",
    "/api/cases/{id}/review",
    "/api/cases/{id}/decide",
    "/api/cases/{id}/complete",
    "/api/cases/{id}/deliver",
    "/api/cases/{id}/refuse",
    "/api/cases/{id}/extend",
];

/// The answer an operation gives for `status` when it does not say more.
fn standard(status: u16) -> &'static str {
    match status {
        400 => "请求格式错误：JSON 或查询参数无法解析",
        401 => "未登录，或登录凭证无效、已过期",
        403 => "无权执行此操作（角色或部门不符）",
        404 => "要找的记录不存在",
        405 => "此接口不支持该请求方法",
        409 => "与当前状态冲突",
        413 => "请求正文过大（JSON 请求不超过1MB，导入文件不超过64MB）",
        415 => "请求须带 Content-Type: application/json",
        422 => "请求数据无效，error.field 指出哪一项",
        429 => "请求过于频繁，请稍后再试",
        _ => "错误",
    }
}

fn error_content() -> RefOr<Content> {
    RefOr::T(Content::new(Some(Ref::from_schema_name("ErrorBody"))))
}

/// Adds the error answers that apply to `op` (at `method path`) and gives
/// every 4xx the error shape and a description.
pub fn add_error_responses(method: &str, path: &str, op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path = path.contains('{');
    let has_query = params.iter().any(|p| match p {
        RefOr::T(p) => matches!(p.parameter_in, ParameterIn::Query),
        RefOr::Ref(_) => false,
    });
    let body = op.request_body.as_ref().and_then(|b| match b {
        RefOr::T(b) => Some(b),
        RefOr::Ref(_) => None,
    });
    let raw = RAW_BODY.contains(&path);
    let json_body = body.is_some_and(|b| b.content.contains_key("application/json")) && !raw;
    let secured = op.security.is_some();
    let throttled = THROTTLED
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, d)| *d);

    let mut add: Vec<(u16, &str)> = Vec::new();
    if has_query || body.is_some() || has_path {
        add.push((400, standard(400)));
    }
    if secured {
        add.push((401, standard(401)));
        add.push((403, standard(403)));
    }
    if has_path {
        add.push((404, standard(404)));
    }
    if body.is_some() {
        add.push((413, standard(413)));
    }
    if json_body {
        add.push((415, standard(415)));
    }
    if has_query || body.is_some() {
        add.push((422, standard(422)));
    }
    if let Some(d) = throttled {
        add.push((429, d));
    }
    let responses = &mut op.responses.responses;
    for (status, description) in add {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new(description)));
    }
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if !(400..500).contains(&code) {
            continue;
        }
        if response.description.is_empty() {
            response.description = standard(code).to_owned();
        }
        if response.content.is_empty() {
            response
                .content
                .insert("application/json".into(), error_content());
        }
    }
}
