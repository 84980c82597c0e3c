//! 光荣榜 (issue 16): the month's rotating red flag (流动红旗) and service
//! stars (服务标兵) for the public, with the rule and the reasons, and each
//! award's certificate (荣誉证书) printable on A4.

use super::{Chrome, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use app::assessment::{ContenderView, Honours};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/honours", get(honours))
        .route("/honours/certificate", get(certificate))
}

#[derive(Deserialize)]
struct MonthParams {
    month: Option<String>,
}

#[derive(Template)]
#[template(path = "honours/honours.html")]
struct HonoursPage {
    chrome: Chrome,
    h: Honours,
}

/// 光荣榜 of a month (default: last month).
async fn honours(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(q): Query<MonthParams>,
) -> Result<Response, PageError> {
    let h = state
        .app
        .assessment
        .honours(q.month.as_deref())
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    Ok(render(
        &state,
        &HonoursPage {
            chrome: Chrome::new(&state, user.as_ref(), "home"),
            h,
        },
    ))
}

#[derive(Deserialize)]
struct CertificateParams {
    /// red-flag or star.
    kind: Option<String>,
    month: Option<String>,
    /// A star's username.
    staff: Option<String>,
}

#[derive(Template)]
#[template(path = "honours/certificate.html")]
struct CertificatePage {
    hall_name: String,
    /// 流动红旗 or 服务标兵.
    title: &'static str,
    month_label: String,
    /// 3号窗口（综合窗口） or the star's name.
    who: String,
    citation: String,
    issued: String,
}

fn who(c: &ContenderView, window: bool) -> String {
    if window {
        if c.name.is_empty() || c.name == c.subject || c.name == format!("{}号窗口", c.subject) {
            format!("{}号窗口", c.subject)
        } else {
            format!("{}号窗口（{}）", c.subject, c.name)
        }
    } else if c.name.is_empty() {
        c.subject.clone()
    } else {
        c.name.clone()
    }
}

/// "，群众满意率99.10%", or nothing without evaluations.
fn satisfaction(rate: Option<f64>) -> String {
    match rate {
        Some(_) => format!("，群众满意率{}", domain::evaluation::percent(rate)),
        None => String::new(),
    }
}

/// 荣誉证书 of a red flag or a star, on A4.
async fn certificate(
    State(state): State<AppState>,
    Query(q): Query<CertificateParams>,
) -> Result<Response, PageError> {
    let h = state
        .app
        .assessment
        .honours(q.month.as_deref())
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let not_found =
        |what: &str| PageError::new(&state, StatusCode::NOT_FOUND, "没有这张证书", what.to_owned());
    let hall_name = state.app.settings.hall.name.clone();
    let issued = {
        let d = state.app.today();
        format!("{}年{}月{}日", d.year(), d.month(), d.day())
    };
    let page = match q.kind.as_deref().unwrap_or("red-flag") {
        "red-flag" => {
            let winner = match (&h.red_flag.window, &h.red_flag.name) {
                (Some(w), name) => ContenderView {
                    subject: w.clone(),
                    name: name.clone().unwrap_or_default(),
                    score: h.red_flag.score.unwrap_or_default(),
                    satisfaction: h.red_flag.satisfaction,
                    volume: h.red_flag.volume.unwrap_or_default(),
                },
                (None, _) => return Err(not_found(&format!("{}流动红旗空缺", h.month_label))),
            };
            CertificatePage {
                hall_name,
                title: "流动红旗",
                citation: format!(
                    "在{}月度考核中综合得分第一（{}分），服务群众{}件{}，被评为“流动红旗窗口”，特发此证，以资鼓励。",
                    h.month_label,
                    winner.score,
                    winner.volume,
                    satisfaction(winner.satisfaction)
                ),
                who: who(&winner, true),
                month_label: h.month_label,
                issued,
            }
        }
        "star" => {
            let staff = q.staff.unwrap_or_default();
            let star = h
                .stars
                .stars
                .iter()
                .find(|s| s.subject == staff)
                .ok_or_else(|| not_found(&format!("{}的服务标兵中没有“{staff}”", h.month_label)))?;
            CertificatePage {
                hall_name,
                title: "服务标兵",
                citation: format!(
                    "在{}月度考核中成绩优异（{}分），服务群众{}件{}，被评为“服务标兵”，特发此证，以资鼓励。",
                    h.month_label,
                    star.score,
                    star.volume,
                    satisfaction(star.satisfaction)
                ),
                who: who(star, false),
                month_label: h.month_label.clone(),
                issued,
            }
        }
        _ => return Err(not_found("证书类别应为 red-flag 或 star")),
    };
    Ok(render(&state, &page))
}
