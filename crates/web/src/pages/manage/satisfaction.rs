//! 满意度评价统计表: the statistics of a period by window, department, staff,
//! item or channel, printable on A4 and downloadable as XLSX; the monthly
//! figures for the staff assessment; the import of an earlier system's counts.

use super::{check_form, guard};
use crate::auth::CurrentUser;
use crate::pages::PageResult;
use crate::pages::{Chrome, PageError, render};
use crate::{ApiError, AppState};
use app::evaluation_report::{Figures, SatisfactionReport, period};
use app::evaluation_xlsx::{COLUMNS, counts, group_label};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::Role;
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Deserialize;
use store::evaluation::Dimension;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const GROUPS: [(&str, &str); 6] = [
    ("window", "按窗口"),
    ("department", "按部门"),
    ("staff", "按工作人员"),
    ("item", "按事项"),
    ("channel", "按评价渠道"),
    ("none", "仅全中心合计"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/satisfaction", get(page))
        .route("/admin/satisfaction.xlsx", get(xlsx))
        .route("/admin/satisfaction/monthly", get(monthly))
        .route(
            "/admin/satisfaction/import",
            get(import_form)
                .post(import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::security::IMPORT_LIMIT,
                )),
        )
}

/// One line of the table: a group or the hall's total.
pub struct Line {
    name: String,
    counts: [u64; 9],
    rate_text: String,
}

impl Line {
    fn of(name: &str, f: &Figures) -> Line {
        Line {
            name: name.to_owned(),
            counts: counts(f),
            rate_text: f.rate_text.clone(),
        }
    }
}

/// A quick period link.
pub struct Quick {
    label: &'static str,
    from: Date,
    to: Date,
}

#[derive(Template)]
#[template(path = "manage/satisfaction.html")]
struct StatsPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    hall_name: String,
    from: String,
    to: String,
    group_by: String,
    groups: Vec<(&'static str, &'static str)>,
    quick: Vec<Quick>,
    grouping: &'static str,
    column: &'static str,
    columns: [&'static str; 10],
    lines: Vec<Line>,
    total: Option<Line>,
    formula: &'static str,
    printed_on: Date,
    year: i16,
    admin: bool,
}

#[derive(Deserialize, Default)]
struct StatsQuery {
    from: Option<String>,
    to: Option<String>,
    group_by: Option<String>,
    format: Option<String>,
}

fn quick_links(today: Date) -> Vec<Quick> {
    let this_month = today.first_of_month();
    let last_month_end = this_month.yesterday().unwrap_or(this_month);
    vec![
        Quick {
            label: "本月",
            from: this_month,
            to: today.last_of_month(),
        },
        Quick {
            label: "上月",
            from: last_month_end.first_of_month(),
            to: last_month_end,
        },
        Quick {
            label: "本年",
            from: today.first_of_year(),
            to: today.last_of_year(),
        },
    ]
}

/// The period and grouping asked for (this month by window when not given).
fn parse(today: Date, q: &StatsQuery) -> Result<(Date, Date, Option<Dimension>, String), ApiError> {
    let (from, to) = match q.from.as_deref().filter(|f| !f.trim().is_empty()) {
        Some(f) => period(f, q.to.as_deref())?,
        None => (today.first_of_month(), today.last_of_month()),
    };
    let code = q.group_by.clone().unwrap_or_else(|| "window".into());
    let by = match code.as_str() {
        "none" | "" => None,
        other => Some(Dimension::parse(other).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("分组方式“{other}”应为 window、department、staff、item 或 channel"),
            )
            .field("group_by")
        })?),
    };
    Ok((from, to, by, code))
}

fn xlsx_response(bytes: Vec<u8>, from: Date, to: Date) -> Response {
    let name = format!("attachment; filename=\"satisfaction-{from}-{to}.xlsx\"");
    (
        [(CONTENT_TYPE, XLSX.to_owned()), (CONTENT_DISPOSITION, name)],
        bytes,
    )
        .into_response()
}

async fn page(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<StatsQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::ReportsRead, &uri)?;
    if q.format.as_deref() == Some("xlsx") {
        return Ok(download(&state, &user, &q).await);
    }
    let today = state.app.today();
    let mut page = StatsPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        ok: None,
        error: None,
        hall_name: state.app.settings.hall.name.clone(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        group_by: q.group_by.clone().unwrap_or_else(|| "window".into()),
        groups: GROUPS.to_vec(),
        quick: quick_links(today),
        grouping: "",
        column: "",
        columns: COLUMNS,
        lines: Vec::new(),
        total: None,
        formula: domain::evaluation::RATE_FORMULA,
        printed_on: today,
        year: today.year(),
        admin: user.session.user.role == Role::Admin,
    };
    let report: Result<SatisfactionReport, ApiError> = match parse(today, &q) {
        Ok((from, to, by, code)) => {
            page.from = from.to_string();
            page.to = to.to_string();
            page.group_by = code;
            state
                .app
                .evaluations
                .satisfaction(&user.session, from, to, by)
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(e),
    };
    match report {
        Ok(r) => {
            (page.grouping, page.column) = group_label(r.group_by);
            page.lines = r
                .groups
                .iter()
                .flatten()
                .map(|g| Line::of(&g.name, &g.figures))
                .collect();
            page.total = Some(Line::of("全中心合计", &r.figures));
            Ok(render(&state, &page))
        }
        Err(e) => {
            let status = e.status;
            page.error = Some(e.message);
            Ok((status, render(&state, &page)).into_response())
        }
    }
}

async fn download(state: &AppState, user: &CurrentUser, q: &StatsQuery) -> Response {
    let answer = match parse(state.app.today(), q) {
        Ok((from, to, by, _)) => state
            .app
            .evaluations
            .satisfaction_xlsx(&user.session, from, to, by)
            .await
            .map(|bytes| xlsx_response(bytes, from, to))
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    answer.unwrap_or_else(|e| PageError::new(state, e.status, "无法导出", e.message).into_response())
}

async fn xlsx(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<StatsQuery>,
) -> Response {
    match guard(&state, user, Permission::ReportsRead, &uri) {
        Ok(user) => download(&state, &user, &q).await,
        Err(r) => r,
    }
}

/// One month (or the year) in the assessment table.
pub struct MonthLine {
    label: String,
    total: u64,
    valid: u64,
    excluded: u64,
    bad: u64,
    rate_text: String,
}

impl MonthLine {
    fn of(label: String, f: &Figures) -> MonthLine {
        MonthLine {
            label,
            total: f.total,
            valid: f.valid,
            excluded: f.excluded,
            bad: f.bad,
            rate_text: f.rate_text.clone(),
        }
    }
}

pub struct DepartmentLines {
    name: String,
    months: Vec<MonthLine>,
    year: MonthLine,
}

#[derive(Template)]
#[template(path = "manage/satisfaction_monthly.html")]
struct MonthlyPage {
    chrome: Chrome,
    ok: Option<String>,
    error: Option<String>,
    hall_name: String,
    year: i16,
    hall: Vec<MonthLine>,
    hall_year: Option<MonthLine>,
    departments: Vec<DepartmentLines>,
    formula: &'static str,
    printed_on: Date,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    year: Option<String>,
}

async fn monthly(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let user = guard(&state, user, Permission::ReportsRead, &uri)?;
    let today = state.app.today();
    let mut page = MonthlyPage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        ok: None,
        error: None,
        hall_name: state.app.settings.hall.name.clone(),
        year: today.year(),
        hall: Vec::new(),
        hall_year: None,
        departments: Vec::new(),
        formula: domain::evaluation::RATE_FORMULA,
        printed_on: today,
    };
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(today.year()),
        Some(y) => y
            .parse::<i16>()
            .map_err(|_| app::AppError::invalid("year", "年份应为四位数字，如 2026")),
    };
    let answer = match year {
        Ok(y) => {
            page.year = y;
            state.app.evaluations.satisfaction_monthly(&user.session, y).await
        }
        Err(e) => Err(e),
    };
    match answer {
        Ok(m) => {
            let month = |n: i8| format!("{n}月");
            page.hall = m
                .hall
                .iter()
                .map(|h| MonthLine::of(month(h.month), &h.figures))
                .collect();
            page.hall_year = Some(MonthLine::of("全年".into(), &m.hall_year));
            page.departments = m
                .departments
                .iter()
                .map(|d| DepartmentLines {
                    name: d.department.clone(),
                    months: d
                        .months
                        .iter()
                        .map(|h| MonthLine::of(month(h.month), &h.figures))
                        .collect(),
                    year: MonthLine::of("全年".into(), &d.year),
                })
                .collect();
            Ok(render(&state, &page))
        }
        Err(e) => {
            let e = ApiError::from(e);
            page.error = Some(e.message);
            Ok((e.status, render(&state, &page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "manage/satisfaction_import.html")]
struct ImportPage {
    chrome: Chrome,
    csrf: String,
    ok: Option<String>,
    error: Option<String>,
    csv: String,
}

fn import_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    ok: Option<String>,
    error: Option<String>,
    csv: String,
) -> Response {
    let page = ImportPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        ok,
        error,
        csv,
    };
    (status, render(state, &page)).into_response()
}

async fn import_form(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> Response {
    match guard(&state, user, Permission::HistoryImport, &uri) {
        Ok(user) => import_page(&state, &user, StatusCode::OK, None, None, String::new()),
        Err(r) => r,
    }
}

async fn import(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let user = guard(&state, user, Permission::HistoryImport, &uri)?;
    let mut csrf = String::new();
    let mut pasted = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return Ok(import_page(
                        &state,
                        &user,
                        StatusCode::BAD_REQUEST,
                        None,
                        Some("上传中断，请重试".into()),
                        pasted,
                    ));
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "csv" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
                    "file" if !bytes.is_empty() => file = Some(bytes.to_vec()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return Ok(import_page(
                    &state,
                    &user,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some("表单无法读取，请重新提交".into()),
                    pasted,
                ));
            }
        }
    }
    if let Err(r) = check_form(&state, &user, &headers, &csrf) {
        return Ok(r);
    }
    let text = match file {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Ok(import_page(
                    &state,
                    &user,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    Some("文件应为 UTF-8 编码的 CSV（Excel 请“另存为 CSV UTF-8”）".into()),
                    pasted,
                ));
            }
        },
        None => pasted.clone(),
    };
    if text.trim().is_empty() {
        return Ok(import_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("请选择 CSV 文件或粘贴 CSV 内容".into()),
            pasted,
        ));
    }
    match state
        .app
        .evaluations
        .import_evaluations(&user.session, &text)
        .await
    {
        Ok((rows, total)) => Ok(import_page(
            &state,
            &user,
            StatusCode::OK,
            Some(format!("已导入 {rows} 行，共 {total} 条评价（标记为历史导入）")),
            None,
            String::new(),
        )),
        Err(e) => {
            let e = ApiError::from(e);
            Ok(import_page(
                &state,
                &user,
                e.status,
                None,
                Some(e.message),
                pasted,
            ))
        }
    }
}
