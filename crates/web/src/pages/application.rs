//! 网上申报 pages (issue 17 part 2). For citizens, no sign-in: the apply
//! form of an item (one file input per material, the size limits shown), the
//! submitted page with the number and query code, and the progress page,
//! where a 补正 notice is answered by uploading again on the same
//! application. For staff: the pre-review queue and an application's detail
//! with its files, 预审通过 and 补正 (ticking the materials, with a note).

use super::appointments::{check_public_post, refusal};
use super::manage::{check_form, guard};
use super::{Chrome, PageError, PageForm, PageResult, render};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use app::application::{
    ApplicantIn, ApplicationDetail, ApplicationProgress, MaterialSupply, QueueEntry, Review, Submission,
    Submitted, Upload,
};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::application::ApplicationStatus;
use domain::catalog::Item;
use domain::permission::Permission;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    let upload = || axum::extract::DefaultBodyLimit::max(crate::api::application::APPLICATION_BODY_LIMIT);
    Router::new()
        .route("/apply/progress", get(progress))
        .route("/apply/{code}", get(form).post(submit).layer(upload()))
        .route("/apply/{id}/supplement", post(supplement).layer(upload()))
        .route("/admin/applications", get(queue))
        .route("/admin/applications/{id}", get(detail))
        .route("/admin/applications/{id}/review", post(review))
        .route("/admin/applications/{id}/files/{file}", get(file))
}

/// One material on the form: its index, name, whether required and shareable.
struct MaterialRow {
    index: usize,
    name: String,
    required: bool,
    shareable: bool,
    /// 告知承诺: the catalog lets a signed commitment replace this proof.
    commitment: bool,
    form: String,
}

/// What the citizen typed, shown again after a refusal (files must be chosen again).
#[derive(Default)]
struct Entered {
    organisation: bool,
    name: String,
    id_number: String,
    uscc: String,
    phone: String,
    post: bool,
    address: String,
}

#[derive(Template)]
#[template(path = "portal/apply.html")]
struct ApplyPage {
    chrome: Chrome,
    item: Item,
    materials: Vec<MaterialRow>,
    limits: String,
    f: Entered,
    error: Option<String>,
    field: String,
}

#[derive(Template)]
#[template(path = "portal/apply_done.html")]
struct DonePage {
    chrome: Chrome,
    done: Submitted,
}

fn rows(item: &Item) -> Vec<MaterialRow> {
    item.materials
        .iter()
        .enumerate()
        .map(|(index, m)| MaterialRow {
            index,
            name: m.name.clone(),
            required: m.required,
            shareable: m.shareable,
            commitment: m.commitment,
            form: m.form.clone(),
        })
        .collect()
}

async fn apply_page(
    state: &AppState,
    user: Option<&CurrentUser>,
    item: Item,
    f: Entered,
    error: Option<(StatusCode, String, String)>,
) -> Response {
    let (status, error, field) = match error {
        Some((s, m, f)) => (s, Some(m), f),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = ApplyPage {
        chrome: Chrome::new(state, user, "items"),
        materials: rows(&item),
        limits: state.app.applications.limits_text(),
        item,
        f,
        error,
        field,
    };
    (status, render(state, &page)).into_response()
}

async fn form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let item = state
        .app
        .applications
        .online_item(&code)
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    Ok(apply_page(&state, user.as_ref(), item, Entered::default(), None).await)
}

/// A multipart form's text fields and its files (empty file inputs are left out).
async fn read_form(
    mut form: Multipart,
) -> Result<(HashMap<String, String>, HashMap<String, Upload>), String> {
    let mut text = HashMap::new();
    let mut files = HashMap::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err("上传的文件过大，请压缩后重试".into());
            }
            Err(e) => return Err(format!("表单无法读取：{}", e.body_text())),
        };
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| format!("文件无法读取：{}", e.body_text()))?;
                if !bytes.is_empty() || !file_name.is_empty() {
                    files.insert(
                        name,
                        Upload {
                            file_name,
                            bytes: bytes.to_vec(),
                        },
                    );
                }
            }
            None => {
                let value = field
                    .text()
                    .await
                    .map_err(|e| format!("表单无法读取：{}", e.body_text()))?;
                text.insert(name, value);
            }
        }
    }
    Ok((text, files))
}

async fn submit(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    let item = state
        .app
        .applications
        .online_item(&code)
        .await
        .map_err(|e| PageError::from_app(&state, e))?;
    let (text, mut files) = match read_form(multipart).await {
        Ok(v) => v,
        Err(m) => {
            let e = (StatusCode::UNPROCESSABLE_ENTITY, m, "materials".to_owned());
            return Ok(apply_page(&state, user.as_ref(), item, Entered::default(), Some(e)).await);
        }
    };
    let get = |k: &str| text.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let f = Entered {
        organisation: get("kind") == "organisation",
        name: get("name"),
        id_number: get("id_number"),
        uscc: get("uscc"),
        phone: get("phone"),
        post: get("delivery") == "post",
        address: get("address"),
    };
    // Each material: `s{i}` = file / shared / commitment, and its file `f{i}`.
    let mut materials = Vec::new();
    for (i, m) in item.materials.iter().enumerate() {
        let choice = get(&format!("s{i}"));
        let upload = files.remove(&format!("f{i}"));
        match choice.as_str() {
            "shared" | "commitment" => materials.push(MaterialSupply {
                name: m.name.clone(),
                file: None,
                status: Some(choice),
            }),
            _ => {
                if let Some(u) = upload {
                    materials.push(MaterialSupply {
                        name: m.name.clone(),
                        file: Some(u),
                        status: None,
                    });
                }
            }
        }
    }
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let req = Submission {
        item: item.code.clone(),
        applicant: ApplicantIn {
            name: f.name.clone(),
            id_number: if f.organisation { None } else { some(&f.id_number) },
            uscc: if f.organisation { some(&f.uscc) } else { None },
            phone: f.phone.clone(),
        },
        delivery: Some(if f.post { "post" } else { "pickup" }.to_owned()),
        address: some(&f.address),
        materials,
    };
    match state.app.applications.submit(&req).await {
        Ok(done) => {
            let page = DonePage {
                chrome: Chrome::new(&state, user.as_ref(), "items"),
                done,
            };
            Ok((StatusCode::CREATED, render(&state, &page)).into_response())
        }
        Err(e) => {
            let refused = refusal(&state, e)?;
            Ok(apply_page(&state, user.as_ref(), item, f, Some(refused)).await)
        }
    }
}

#[derive(Deserialize, Default)]
struct ProgressQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "portal/apply_progress.html")]
struct ProgressPage {
    chrome: Chrome,
    q: ProgressQuery,
    found: Option<ApplicationProgress>,
    limits: String,
    error: Option<String>,
    field: String,
}

async fn progress_page(
    state: &AppState,
    user: Option<&CurrentUser>,
    client: &str,
    q: ProgressQuery,
    error: Option<(StatusCode, String, String)>,
) -> Result<Response, PageError> {
    let asked = !(q.number.trim().is_empty() && q.code.trim().is_empty());
    let (mut status, found, mut message, mut field) = if asked {
        match state.app.applications.progress(&q.number, &q.code, client).await {
            Ok(p) => (StatusCode::OK, Some(p), None, String::new()),
            Err(e) => {
                let (s, m, f) = refusal(state, e)?;
                (s, None, Some(m), f)
            }
        }
    } else {
        (StatusCode::OK, None, None, String::new())
    };
    if let Some((s, m, f)) = error {
        status = s;
        message = Some(m);
        field = f;
    }
    let page = ProgressPage {
        chrome: Chrome::new(state, user, "progress"),
        q,
        found,
        limits: state.app.applications.limits_text(),
        error: message,
        field,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn progress(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    Query(q): Query<ProgressQuery>,
) -> Result<Response, PageError> {
    progress_page(&state, user.as_ref(), &client, q, None).await
}

/// 补正 from the progress page: the number and query code ride along.
async fn supplement(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    check_public_post(&state, &headers, &client).await?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| PageError::new(&state, StatusCode::NOT_FOUND, "没有找到", "申报不存在"))?;
    let (text, mut files) = match read_form(multipart).await {
        Ok(v) => v,
        Err(m) => {
            let e = (StatusCode::UNPROCESSABLE_ENTITY, m, "materials".to_owned());
            return progress_page(&state, user.as_ref(), &client, ProgressQuery::default(), Some(e)).await;
        }
    };
    let get = |k: &str| text.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let q = ProgressQuery {
        number: get("number"),
        code: get("code"),
    };
    // Each material of the notice: `n{i}` its name, `f{i}` its file.
    let mut materials = Vec::new();
    for i in 0..50 {
        let name = get(&format!("n{i}"));
        if name.is_empty() {
            continue;
        }
        materials.push(MaterialSupply {
            name,
            file: files.remove(&format!("f{i}")),
            status: None,
        });
    }
    match state
        .app
        .applications
        .supplement(id, &q.code, &materials, &client)
        .await
    {
        Ok(p) => {
            let to = format!("/apply/progress?number={}&code={}", p.number, q.code.trim());
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Err(e) => {
            let refused = refusal(&state, e)?;
            progress_page(&state, user.as_ref(), &client, q, Some(refused)).await
        }
    }
}

#[derive(Template)]
#[template(path = "manage/applications.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<QueueEntry>,
}

async fn queue(State(state): State<AppState>, user: Option<CurrentUser>, uri: Uri) -> PageResult {
    let user = guard(&state, user, Permission::ApplicationReview, &uri)?;
    let rows = state
        .app
        .applications
        .review_queue(&user.session)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    let page = QueuePage {
        chrome: Chrome::new(&state, Some(&user), "admin"),
        rows,
    };
    Ok(render(&state, &page))
}

#[derive(Template)]
#[template(path = "manage/application.html")]
struct DetailPage {
    chrome: Chrome,
    csrf: String,
    d: ApplicationDetail,
    error: Option<String>,
}

#[allow(clippy::result_large_err)]
fn parse_id(state: &AppState, raw: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(raw)
        .map_err(|_| PageError::new(state, StatusCode::NOT_FOUND, "没有找到", "申报不存在").into_response())
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let d = state
        .app
        .applications
        .detail(&user.session, id)
        .await
        .map_err(|e| PageError::from_app(state, e).into_response())?;
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let page = DetailPage {
        chrome: Chrome::new(state, Some(user), "admin"),
        csrf: user.session.csrf.clone(),
        d,
        error,
    };
    Ok((status, render(state, &page)).into_response())
}

async fn detail(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let user = guard(&state, user, Permission::ApplicationReview, &uri)?;
    let id = parse_id(&state, &id)?;
    detail_page(&state, &user, id, None).await
}

/// The decision arrives as pairs: `csrf`, `decision` (accept / supplement),
/// `missing` once per ticked material, `note`.
async fn review(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let user = guard(&state, user, Permission::ApplicationReview, &uri)?;
    let id = parse_id(&state, &id)?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    check_form(&state, &user, &headers, &get("csrf"))?;
    let decision = if get("decision") == "accept" {
        Review::Accept
    } else {
        Review::Supplement {
            missing: pairs
                .iter()
                .filter(|(k, _)| k == "missing")
                .map(|(_, v)| v.clone())
                .collect(),
            note: get("note"),
        }
    };
    match state.app.applications.review(&user.session, id, &decision).await {
        Ok(r) => {
            let to = match r.case_id {
                Some(case) => format!("/cases/{case}"),
                None => format!("/admin/applications/{id}"),
            };
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Err(e) => {
            let (status, message, _) = refusal(&state, e).map_err(IntoResponse::into_response)?;
            detail_page(&state, &user, id, Some((status, message))).await
        }
    }
}

async fn file(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    uri: Uri,
    Path((id, file)): Path<(String, String)>,
) -> PageResult {
    let user = guard(&state, user, Permission::ApplicationReview, &uri)?;
    let id = parse_id(&state, &id)?;
    let file = parse_id(&state, &file)?;
    let (meta, body) = state
        .app
        .applications
        .file(&user.session, id, file)
        .await
        .map_err(|e| PageError::from_app(&state, e).into_response())?;
    Ok(crate::api::application::file_response(&meta, body))
}
