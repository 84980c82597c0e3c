//! 网上预约: the citizen's booking pages (no login) — pick a category, a
//! working day and a slot with room, enter a phone, get a printable code;
//! look the appointment up or cancel it with the code and the phone's last
//! four digits. Public forms are refused when posted from another site
//! (the Origin check of the login form) and are rate-limited per address.

use super::{Chrome, PageError, PageForm, render};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, same_origin};
use app::AppError;
use app::appointment::{BookRequest, Slot};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::appointment::BookingRules;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use store::queue::{Appointment, Category};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appointments", get(book_page).post(book))
        .route("/appointments/mine", get(find_page).post(find))
        .route("/appointments/cancel", get(cancel_page).post(cancel))
}

/// A refused public form: the status and the Chinese message to show beside
/// the form, or the error page when it is not the person's input.
pub(super) fn refusal(state: &AppState, e: AppError) -> Result<(StatusCode, String, String), PageError> {
    match e {
        AppError::Invalid { field, message } => Ok((StatusCode::UNPROCESSABLE_ENTITY, message, field)),
        e @ AppError::Internal(_) => Err(PageError::from_app(state, e)),
        other => {
            let api = crate::ApiError::from(other);
            Ok((api.status, api.message, api.field.unwrap_or_default()))
        }
    }
}

/// The Origin check and the rate limit every public POST passes.
pub(super) async fn check_public_post(
    state: &AppState,
    headers: &HeaderMap,
    client: &str,
) -> Result<(), PageError> {
    if !same_origin(headers) {
        return Err(PageError::new(
            state,
            StatusCode::FORBIDDEN,
            "拒绝请求",
            "表单来自其他网站，请从本站页面重新填写",
        ));
    }
    state
        .check_public_rate(client)
        .await
        .map_err(|e| PageError::new(state, e.status, "请稍后再试", e.message))
}

/// "11月24日 周二".
pub(super) fn day_label(d: Date) -> String {
    let w = match d.weekday() {
        Weekday::Monday => "一",
        Weekday::Tuesday => "二",
        Weekday::Wednesday => "三",
        Weekday::Thursday => "四",
        Weekday::Friday => "五",
        Weekday::Saturday => "六",
        Weekday::Sunday => "日",
    };
    format!("{}月{}日 周{w}", d.month(), d.day())
}

pub struct DayChoice {
    date: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "portal/appointments.html")]
struct BookPage {
    chrome: Chrome,
    categories: Vec<Category>,
    category: Option<Category>,
    days: Vec<DayChoice>,
    date: String,
    date_label: String,
    slots: Vec<Slot>,
    form: BookForm,
    error: Option<String>,
    field: String,
    rules: BookingRules,
    /// The service booked, when chosen from a guide.
    item_name: String,
}

#[derive(Deserialize, Default)]
struct BookForm {
    #[serde(default)]
    category: String,
    /// 事项编码, when the citizen came from a guide's 预约办理.
    #[serde(default)]
    item: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    id_number: String,
}

async fn book_view(
    state: &AppState,
    user: Option<&CurrentUser>,
    form: BookForm,
    error: Option<(StatusCode, String, String)>,
) -> Result<Response, PageError> {
    let page_err = |e| PageError::from_app(state, e);
    let categories = state.app.queue.categories().await.map_err(page_err)?;
    let mut form = form;
    // From a guide: the service's category, and its name on the page.
    let mut item_name = String::new();
    if !form.item.trim().is_empty() {
        if let Ok(item) = state.app.item(form.item.trim()).await {
            if form.category.is_empty()
                && let Some(c) = categories.iter().find(|c| c.items.contains(&item.code))
            {
                form.category = c.prefix.clone();
            }
            item_name = item.name;
        } else {
            form.item.clear();
        }
    }
    let category = categories.iter().find(|c| c.prefix == form.category).cloned();
    let mut days = Vec::new();
    let mut slots = Vec::new();
    let mut date_label = String::new();
    if let Some(c) = &category {
        days = state
            .app
            .appointments
            .booking_days()
            .await
            .map_err(page_err)?
            .into_iter()
            .map(|d| DayChoice {
                date: d.to_string(),
                label: day_label(d),
                selected: d.to_string() == form.date,
            })
            .collect();
        if let Some(day) = days.iter().find(|d| d.selected) {
            date_label = day.label.clone();
            slots = state
                .app
                .appointments
                .open_slots(&c.prefix, &day.date)
                .await
                .map_err(page_err)?;
        }
    }
    let (status, error, field) = match error {
        Some((s, m, f)) => (s, Some(m), f),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = BookPage {
        chrome: Chrome::new(state, user, "appointments"),
        categories,
        category,
        days,
        date: form.date.clone(),
        date_label,
        slots,
        form,
        error,
        field,
        rules: state.app.settings.appointments.booking.clone(),
        item_name,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn book_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(form): Query<BookForm>,
) -> Result<Response, PageError> {
    book_view(&state, user.as_ref(), form, None).await
}

async fn book(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<BookForm>,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    if form.time.trim().is_empty() {
        let refused = (
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择预约时段".to_owned(),
            "time".to_owned(),
        );
        return book_view(&state, user.as_ref(), form, Some(refused)).await;
    }
    let id_number = Some(form.id_number.trim().to_owned()).filter(|s| !s.is_empty());
    let booked = state
        .app
        .appointments
        .book(&BookRequest {
            category: form.category.clone(),
            item: Some(form.item.clone()).filter(|i| !i.trim().is_empty()),
            date: form.date.clone(),
            time: form.time.clone(),
            phone: form.phone.clone(),
            id_number,
            channel: domain::appointment::AppointmentChannel::Online.code().into(),
        })
        .await;
    match booked {
        Ok(a) => confirmation(&state, user.as_ref(), a, true).await,
        Err(e) => {
            let refused = refusal(&state, e)?;
            book_view(&state, user.as_ref(), form, Some(refused)).await
        }
    }
}

#[derive(Template)]
#[template(path = "portal/appointment_ticket.html")]
struct ConfirmPage {
    chrome: Chrome,
    a: Appointment,
    just_booked: bool,
    category_name: String,
    day: String,
    arrive_from: String,
    arrive_until: String,
    status_label: &'static str,
    rules: BookingRules,
    /// 办理地点: the hall's address.
    address: String,
}

/// "HH:MM" moved by `minutes`.
fn shift(time: &str, minutes: i32) -> String {
    time.parse::<jiff::civil::Time>()
        .ok()
        .and_then(|t| {
            t.checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                .ok()
        })
        .map(|t| t.strftime("%H:%M").to_string())
        .unwrap_or_default()
}

async fn confirmation(
    state: &AppState,
    user: Option<&CurrentUser>,
    a: Appointment,
    just_booked: bool,
) -> Result<Response, PageError> {
    let categories = state
        .app
        .queue
        .categories()
        .await
        .map_err(|e| PageError::from_app(state, e))?;
    let rules = &state.app.settings.appointments.booking;
    let page = ConfirmPage {
        chrome: Chrome::new(state, user, "appointments"),
        category_name: categories
            .iter()
            .find(|c| c.prefix == a.category)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| a.category.clone()),
        day: day_label(a.slot_date),
        arrive_from: shift(&a.slot_time, -rules.early_minutes),
        arrive_until: shift(&a.slot_time, rules.late_minutes),
        status_label: a.status.label(),
        rules: rules.clone(),
        address: state.app.settings.hall.address.clone(),
        just_booked,
        a,
    };
    let status = if just_booked {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, render(state, &page)).into_response())
}

#[derive(Template)]
#[template(path = "portal/appointment_find.html")]
struct FindPage {
    chrome: Chrome,
    /// "mine" (查询) or "cancel" (取消).
    mode: &'static str,
    code: String,
    error: Option<String>,
    field: String,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    phone_last4: String,
}

fn find_view(
    state: &AppState,
    user: Option<&CurrentUser>,
    mode: &'static str,
    code: String,
    error: Option<(StatusCode, String, String)>,
    done: Option<String>,
) -> Response {
    let (status, error, field) = match error {
        Some((s, m, f)) => (s, Some(m), f),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = FindPage {
        chrome: Chrome::new(state, user, "appointments"),
        mode,
        code,
        error,
        field,
        done,
    };
    (status, render(state, &page)).into_response()
}

async fn find_page(State(state): State<AppState>, user: Option<CurrentUser>) -> Response {
    find_view(&state, user.as_ref(), "mine", String::new(), None, None)
}

async fn find(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    match state
        .app
        .appointments
        .my_appointment(&f.code, &f.phone_last4, &client)
        .await
    {
        Ok(a) => confirmation(&state, user.as_ref(), a, false).await,
        Err(e) => {
            let refused = refusal(&state, e)?;
            Ok(find_view(
                &state,
                user.as_ref(),
                "mine",
                f.code,
                Some(refused),
                None,
            ))
        }
    }
}

#[derive(Deserialize, Default)]
struct CodeParam {
    #[serde(default)]
    code: String,
}

async fn cancel_page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(p): Query<CodeParam>,
) -> Response {
    let code: String = p.code.chars().filter(char::is_ascii_digit).take(12).collect();
    find_view(&state, user.as_ref(), "cancel", code, None, None)
}

async fn cancel(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    let code = f.code.trim().to_owned();
    if code.is_empty() {
        let refused = (
            StatusCode::UNPROCESSABLE_ENTITY,
            "请填写预约号".to_owned(),
            "code".to_owned(),
        );
        return Ok(find_view(
            &state,
            user.as_ref(),
            "cancel",
            code,
            Some(refused),
            None,
        ));
    }
    match state
        .app
        .appointments
        .cancel_appointment(&code, &f.phone_last4, &client)
        .await
    {
        Ok(a) => {
            let done = format!(
                "预约号 {} 已取消（原定 {} {}）。如需办理，可重新预约或到大厅现场取号。",
                a.code,
                day_label(a.slot_date),
                a.slot_time
            );
            Ok(find_view(
                &state,
                user.as_ref(),
                "cancel",
                String::new(),
                None,
                Some(done),
            ))
        }
        Err(e) => {
            let refused = refusal(&state, e)?;
            Ok(find_view(
                &state,
                user.as_ref(),
                "cancel",
                code,
                Some(refused),
                None,
            ))
        }
    }
}
