//! Server-rendered pages: the public portal and the staff's admin pages.

mod appointments;
mod case;
mod case_accept;
mod case_documents;
mod complaint;
mod home_visit;
mod login;
mod manage;
mod pad;
mod portal;
mod progress;
mod rate;
// Issue 15 part 2: inspections (督查).
mod inspection;
// issue 16 part 6: training (and the 三亮 window pages of part 5)
mod windows;
// issue 16 part 7: campaigns
mod campaign;
// issue 16: 光荣榜
mod honours;
// issue 17: the case timeline and 一件事 acceptance pages
mod case_bundle;
mod case_timeline;
// issue 17: 告知承诺制, 数据共享、电子证照
mod case_claims;
// issue 17: online application (网上申报) and pre-review (预审)
mod application;
// issue 17: smart guide (智能导办)
mod guide;
// issue 18: staffing planner (动态调整窗口)
mod staffing;
// issue 18: dashboard
mod command;
// issue 18: charts
mod charts;

use crate::AppState;
use crate::auth::CurrentUser;
use app::AppError;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(portal::routes())
        .merge(appointments::routes())
        .merge(case::routes())
        .merge(case_accept::routes())
        .merge(case_documents::routes())
        .merge(progress::routes())
        .merge(home_visit::routes())
        .merge(complaint::routes())
        .merge(login::routes())
        .merge(manage::routes())
        .merge(pad::routes())
        .merge(rate::routes())
        // Issue 15 part 2: inspections (督查).
        .merge(inspection::routes())
        // issue 16 part 6: training (and the 三亮 window pages of part 5)
        .merge(windows::routes())
        // issue 16 part 7: campaigns
        .merge(campaign::routes())
        // issue 16: 光荣榜 (the red flag and stars) and their certificates
        .merge(honours::routes())
        // issue 17: the case timeline and 一件事 acceptance pages
        .merge(case_timeline::routes())
        .merge(case_bundle::routes())
        // issue 17: online application (网上申报) and pre-review (预审)
        .merge(application::routes())
        // issue 17: smart guide (智能导办)
        .merge(guide::routes())
        // issue 18: staffing planner (动态调整窗口)
        .merge(staffing::routes())
        // issue 18: dashboard
        .merge(command::routes())
        // issue 18: charts
        .merge(charts::routes())
        .fallback(not_found)
}

async fn not_found(axum::extract::State(state): axum::extract::State<AppState>) -> PageError {
    PageError::new(
        &state,
        StatusCode::NOT_FOUND,
        "没有找到",
        "您要找的页面不存在，请从首页重新查找。",
    )
}

/// What every page's frame shows: the hall's name, the signed-in user, the current section.
pub struct Chrome {
    pub hall_name: String,
    pub user: Option<String>,
    pub current: &'static str,
}

impl Chrome {
    pub fn new(state: &AppState, user: Option<&CurrentUser>, current: &'static str) -> Chrome {
        Chrome {
            hall_name: state.app.settings.hall.name.clone(),
            user: user.map(|u| u.session.user.display_name.clone()),
            current,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: String,
    message: String,
    request_id: Option<String>,
}

/// A page handler's answer: the page, or what replaces it (a redirect to the
/// login, a refusal page), so a guard is one `?`.
pub type PageResult = Result<Response, Response>;

/// A page that could not be shown, rendered in the site's frame.
pub struct PageError {
    status: StatusCode,
    heading: String,
    message: String,
    hall_name: String,
}

impl PageError {
    pub fn new(state: &AppState, status: StatusCode, heading: &str, message: impl Into<String>) -> PageError {
        PageError {
            status,
            heading: heading.into(),
            message: message.into(),
            hall_name: state.app.settings.hall.name.clone(),
        }
    }

    pub fn from_app(state: &AppState, e: AppError) -> PageError {
        let api = crate::ApiError::from(e);
        let heading = match api.status {
            StatusCode::NOT_FOUND => "没有找到",
            StatusCode::FORBIDDEN => "没有权限",
            StatusCode::UNAUTHORIZED => "请先登录",
            s if s.is_server_error() => "系统暂时出错",
            _ => "无法完成",
        };
        PageError::new(state, api.status, heading, api.message)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            chrome: Chrome {
                hall_name: self.hall_name,
                user: None,
                current: "",
            },
            heading: self.heading,
            message: self.message,
            request_id: crate::request_id::current(),
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, "出错了").into_response(),
        }
    }
}

/// A submitted form whose rejection (missing field, wrong type, not a form)
/// is an error page in Chinese rather than axum's plain text.
pub struct PageForm<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::extract::Form::<T>::from_request(req, state).await {
            Ok(axum::extract::Form(v)) => Ok(PageForm(v)),
            Err(e) => Err(PageError::new(
                state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "表单有误",
                format!(
                    "提交的表单缺少内容或格式不对，请返回重新填写。（{}）",
                    e.body_text()
                ),
            )
            .into_response()),
        }
    }
}

/// Renders a template, turning a template failure into an error page.
pub fn render(state: &AppState, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            PageError::new(
                state,
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统暂时出错",
                "页面生成失败，请稍后再试",
            )
            .into_response()
        }
    }
}

/// A query-string value, percent-encoded (the notices after a redirect: `?ok=…`).
pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
