//! 日常督查、不定时巡查、明查暗访: the 督查科 records an inspection of a
//! window against the hall's checklist (督查清单, edited by the
//! administrator), with photos taken on a tablet; the staff named see it and
//! acknowledge it (确认) or contest it (申辩), and the 督查科 leader rules on
//! the contest — an upheld contest cancels the deduction. Unannounced visits
//! (暗访) are planned on a random schedule the inspected never see.
//!
//! Who sees which inspection: leadership, supervision and the administrator
//! all; a liaison its department's; a staff member those naming them.

use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::Role;
use domain::inspection::{
    ChecklistItem, InspectionError, InspectionKind, InspectionStatus, ItemResult, OpenDay, default_checklist,
    draw_visits, total_deduction, validate_item,
};
use domain::permission::Permission;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use store::StoreError;
use store::inspection::{
    ChecklistEntry, Inspection, InspectionFilter, InspectionPlan, InspectionStore, NewInspection, NewPhoto,
    PhotoInfo, PlanVisit, ResultEntry, StatusChange,
};
use uuid::Uuid;

/// The largest photo kept (decoded).
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Photos one inspection may carry.
pub const PHOTOS_MAX: usize = 6;
/// The most visits one 暗访 plan may draw.
pub const PLAN_VISITS_MAX: i64 = 60;
/// The longest period one plan may cover, in days.
pub const PLAN_DAYS_MAX: i32 = 92;
/// The longest list answer.
const LIST_LIMIT: i64 = 500;

/// What the inspector sends.
#[derive(Debug, Clone, Default)]
pub struct InspectionInput {
    /// routine, patrol or unannounced.
    pub kind: String,
    pub window: String,
    pub staff: Vec<String>,
    pub results: Vec<ItemResult>,
    /// Data URLs (`data:image/jpeg;base64,…`).
    pub photos: Vec<String>,
    pub note: String,
    /// The 暗访 plan visit this inspection carries out.
    pub plan_visit: Option<String>,
}

/// What a list asks for (`?window=&staff=&from=&to=&status=`).
#[derive(Debug, Clone, Default)]
pub struct InspectionQuery {
    pub window: Option<String>,
    pub staff: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub to: Option<String>,
    pub status: Option<String>,
}

/// A checklist line as the administrator sends it.
#[derive(Debug, Clone, Default)]
pub struct ChecklistInput {
    pub code: String,
    pub name: String,
    pub standard: String,
    pub deduction: f64,
    /// Display order; at the end when absent.
    pub position: Option<i64>,
    /// Retire (停用) or restore the line.
    pub retired: bool,
}

/// A failed item as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct FailedItem {
    /// With the inspection's id, the item's address (a rectification hooks here).
    pub position: i64,
    pub code: String,
    pub name: String,
    pub deduction: f64,
    pub note: String,
}

/// An inspection as people read it.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionView {
    pub id: Uuid,
    pub kind: InspectionKind,
    pub kind_label: &'static str,
    pub at: Timestamp,
    pub day: Date,
    pub inspector: String,
    pub inspector_name: String,
    pub window: String,
    pub department: String,
    pub staff: Vec<String>,
    pub staff_names: Vec<String>,
    /// The deduction that counts (0 once a contest is upheld).
    pub deduction: f64,
    /// The deduction as recorded.
    pub recorded_deduction: f64,
    /// Why the deduction differs from the recorded one (empty when it does not).
    pub deduction_note: String,
    pub failed: Vec<FailedItem>,
    pub status: InspectionStatus,
    pub status_label: &'static str,
    pub response: String,
    pub responded_by: Option<String>,
    pub responded_at: Option<Timestamp>,
    pub decision: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub note: String,
    pub plan_visit_id: Option<Uuid>,
    pub photo_count: i64,
    pub results: Vec<ResultEntry>,
}

/// One inspection with its photos' facts.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionDetail {
    #[serde(flatten)]
    pub view: InspectionView,
    pub photos: Vec<PhotoInfo>,
}

/// Whose inspections a person sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectionScope {
    All,
    /// A liaison: its department's (full name).
    Department(String),
    /// A staff member: those naming them.
    Staff(String),
}

impl InspectionScope {
    pub fn allows(&self, i: &Inspection) -> bool {
        match self {
            InspectionScope::All => true,
            InspectionScope::Department(name) => &i.department == name,
            InspectionScope::Staff(username) => i.staff.contains(username),
        }
    }
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这条督查记录".into()),
        other => other.into(),
    }
}

fn wrong_status(e: InspectionError) -> AppError {
    AppError::Conflict(Conflict::WrongStatus, e.to_string())
}

fn text(field: &str, label: &str, raw: &str, max: usize, required: bool) -> AppResult<String> {
    let v = raw.trim();
    if required && v.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(field, format!("{label}最多{max}个字")));
    }
    Ok(v.to_owned())
}

/// Reads one photo data URL: decoded, at most [`PHOTO_MAX_BYTES`], and a
/// JPEG, PNG or WebP by its content.
pub fn photo_from_data_url(n: usize, url: &str) -> AppResult<NewPhoto> {
    let refuse = |why: &str| AppError::invalid("photos", format!("第{}张照片{why}", n + 1));
    let rest = url
        .trim()
        .strip_prefix("data:")
        .ok_or_else(|| refuse("不是图片数据（应为 data:image/…;base64,…）"))?;
    let (_, b64) = rest
        .split_once(";base64,")
        .ok_or_else(|| refuse("不是base64编码的图片数据"))?;
    if b64.len() > PHOTO_MAX_BYTES / 3 * 4 + 8 {
        return Err(refuse(&format!("超过{}MB", PHOTO_MAX_BYTES / 1024 / 1024)));
    }
    let body = crate::photo::photo_bytes(url, false).map_err(|_| refuse("数据无法解码"))?;
    if body.len() > PHOTO_MAX_BYTES {
        return Err(refuse(&format!("超过{}MB", PHOTO_MAX_BYTES / 1024 / 1024)));
    }
    let content_type = domain::photo::photo_type(&body).ok_or_else(|| refuse("不是JPEG、PNG或WebP图片"))?;
    Ok(NewPhoto {
        content_type: content_type.into(),
        sha256: hex::encode(Sha256::digest(&body)),
        body,
    })
}

/// 督查 service.
#[derive(Clone)]
pub struct InspectionService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn InspectionStore>,
    pub(crate) accounts: Arc<dyn store::AccountStore>,
    /// The windows, their staff and the categories they serve.
    pub(crate) queue: crate::queue::QueueService,
}

impl InspectionService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn InspectionStore>,
        accounts: Arc<dyn store::AccountStore>,
        queue: crate::queue::QueueService,
    ) -> InspectionService {
        InspectionService {
            hall,
            store,
            accounts,
            queue,
        }
    }
}

impl InspectionService {
    /// The checklist, the default written on first use.
    async fn stored_checklist(&self) -> AppResult<Vec<ChecklistEntry>> {
        let list = self.store.checklist().await?;
        if !list.is_empty() {
            return Ok(list);
        }
        let now = self.now();
        let defaults: Vec<ChecklistEntry> = default_checklist()
            .into_iter()
            .enumerate()
            .map(|(i, item)| ChecklistEntry {
                code: item.code,
                name: item.name,
                standard: item.standard,
                deduction: item.deduction,
                position: i as i64,
                retired: false,
                updated_by: "系统（默认清单）".into(),
                updated_at: now,
            })
            .collect();
        self.store.seed_checklist(&defaults).await?;
        Ok(self.store.checklist().await?)
    }

    /// The items an inspector checks today (retired ones left out).
    #[tracing::instrument(skip_all)]
    pub async fn active_checklist(&self, session: &Session) -> AppResult<Vec<ChecklistEntry>> {
        require(session, Permission::InspectionRead)?;
        Ok(self
            .stored_checklist()
            .await?
            .into_iter()
            .filter(|i| !i.retired)
            .collect())
    }

    /// Every line, retired ones included (the administrator's page).
    #[tracing::instrument(skip_all)]
    pub async fn full_checklist(&self, session: &Session) -> AppResult<Vec<ChecklistEntry>> {
        require(session, Permission::InspectionChecklistManage)?;
        self.stored_checklist().await
    }

    fn checked_entry(
        &self,
        actor: &Actor,
        input: &ChecklistInput,
        position: i64,
    ) -> AppResult<ChecklistEntry> {
        let item = ChecklistItem {
            code: input.code.trim().to_owned(),
            name: input.name.trim().to_owned(),
            standard: input.standard.trim().to_owned(),
            deduction: input.deduction,
        };
        validate_item(&item).map_err(|e| {
            let field = match e {
                InspectionError::BadCode(_) => "code",
                InspectionError::BadName => "name",
                InspectionError::BadStandard => "standard",
                _ => "deduction",
            };
            AppError::invalid(field, e.to_string())
        })?;
        Ok(ChecklistEntry {
            code: item.code,
            name: item.name,
            standard: item.standard,
            deduction: (item.deduction * 10.0).round() / 10.0,
            position,
            retired: input.retired,
            updated_by: actor.username.clone(),
            updated_at: self.now(),
        })
    }

    /// Adds a line to the checklist.
    #[tracing::instrument(skip_all)]
    pub async fn add_checklist_item(
        &self,
        session: &Session,
        input: &ChecklistInput,
    ) -> AppResult<ChecklistEntry> {
        require(session, Permission::InspectionChecklistManage)?;
        let list = self.stored_checklist().await?;
        let position = input
            .position
            .unwrap_or_else(|| list.iter().map(|i| i.position + 1).max().unwrap_or(0));
        let actor = Actor::user(&session.user);
        let entry = self.checked_entry(&actor, input, position)?;
        match self.store.add_checklist_item(&entry).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict(
                    Conflict::AlreadyExists,
                    format!("项目代码“{}”已存在", entry.code),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        self.audit(
            &actor,
            "inspection.checklist_add",
            &entry.code,
            &format!("新增督查项目{}，扣{}分", entry.name, entry.deduction),
        )
        .await?;
        Ok(entry)
    }

    /// Renames, re-scores, re-orders, retires or restores a line. Inspections
    /// already recorded keep the name and deduction they had.
    #[tracing::instrument(skip_all)]
    pub async fn update_checklist_item(
        &self,
        session: &Session,
        code: &str,
        input: &ChecklistInput,
    ) -> AppResult<ChecklistEntry> {
        require(session, Permission::InspectionChecklistManage)?;
        let list = self.stored_checklist().await?;
        let old = list
            .iter()
            .find(|i| i.code == code.trim())
            .ok_or_else(|| AppError::NotFound(format!("没有督查项目“{}”", code.trim())))?;
        let actor = Actor::user(&session.user);
        let input = ChecklistInput {
            code: old.code.clone(),
            ..input.clone()
        };
        let entry = self.checked_entry(&actor, &input, input.position.unwrap_or(old.position))?;
        self.store
            .update_checklist_item(&entry)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => AppError::NotFound(format!("没有督查项目“{}”", entry.code)),
                other => other.into(),
            })?;
        let detail = format!(
            "{}：{}，扣{}分{}",
            entry.code,
            entry.name,
            entry.deduction,
            if entry.retired { "（已停用）" } else { "" }
        );
        self.audit(&actor, "inspection.checklist_edit", &entry.code, &detail)
            .await?;
        Ok(entry)
    }

    /// Whose inspections a person sees.
    pub async fn scope(&self, session: &Session) -> AppResult<InspectionScope> {
        let user = &session.user;
        Ok(match user.role {
            Role::Admin | Role::Leader | Role::Supervisor => InspectionScope::All,
            Role::Liaison => {
                let code = user
                    .department
                    .clone()
                    .ok_or_else(|| AppError::Forbidden("您的账号未设置所属部门，请联系管理员".into()))?;
                InspectionScope::Department(self.department_name(&code).await?)
            }
            Role::Staff => InspectionScope::Staff(user.username.clone()),
        })
    }

    /// The department a window serves for: the one department of every item
    /// its categories cover, else none (a 综合窗口).
    async fn window_department(&self, window: &store::queue::Window) -> AppResult<String> {
        Ok(self.queue.window_department(window).await?.unwrap_or_default())
    }

    /// A person's name, looked up once per list.
    async fn name(&self, names: &mut HashMap<String, String>, username: &str) -> AppResult<String> {
        if let Some(n) = names.get(username) {
            return Ok(n.clone());
        }
        let n = self.staff_name(username).await?;
        names.insert(username.to_owned(), n.clone());
        Ok(n)
    }

    async fn view(&self, i: Inspection) -> AppResult<InspectionView> {
        self.view_named(i, &mut HashMap::new()).await
    }

    async fn view_named(
        &self,
        i: Inspection,
        names: &mut HashMap<String, String>,
    ) -> AppResult<InspectionView> {
        let mut staff_names = Vec::with_capacity(i.staff.len());
        for s in &i.staff {
            staff_names.push(self.name(names, s).await?);
        }
        let counted = i.status.counted(i.deduction);
        let deduction_note = if counted == i.deduction {
            String::new()
        } else {
            format!("申辩成立，原扣{}分已取消：{}", i.deduction, i.decision)
        };
        Ok(InspectionView {
            id: i.id,
            kind: i.kind,
            kind_label: i.kind.label(),
            at: i.at,
            day: i.day,
            inspector_name: self.name(names, &i.inspector).await?,
            inspector: i.inspector,
            window: i.window,
            department: i.department,
            staff: i.staff,
            staff_names,
            deduction: counted,
            recorded_deduction: i.deduction,
            deduction_note,
            failed: i
                .results
                .iter()
                .filter(|r| !r.pass)
                .map(|r| FailedItem {
                    position: r.position,
                    code: r.code.clone(),
                    name: r.name.clone(),
                    deduction: r.deduction,
                    note: r.note.clone(),
                })
                .collect(),
            status: i.status,
            status_label: i.status.label(),
            response: i.response,
            responded_by: i.responded_by,
            responded_at: i.responded_at,
            decision: i.decision,
            decided_by: i.decided_by,
            decided_at: i.decided_at,
            note: i.note,
            plan_visit_id: i.plan_visit_id,
            photo_count: i.photo_count,
            results: i.results,
        })
    }

    /// Records an inspection: the window and its department, the staff, a
    /// pass or fail per checklist item with notes, and the photos; the
    /// deduction is the failed items' sum.
    #[tracing::instrument(skip_all)]
    pub async fn record(&self, session: &Session, input: &InspectionInput) -> AppResult<InspectionView> {
        require(session, Permission::InspectionRecord)?;
        let kind = InspectionKind::parse(&input.kind).ok_or_else(|| {
            AppError::invalid(
                "kind",
                format!(
                    "督查类型“{}”无效，应为 routine（日常督查）、patrol（不定时巡查）或 unannounced（明查暗访）",
                    input.kind.trim()
                ),
            )
        })?;
        let number = input.window.trim();
        if number.is_empty() {
            return Err(AppError::invalid("window", "请选择被督查的窗口"));
        }
        let windows = self.queue.cached_windows().await?;
        let window = windows
            .iter()
            .find(|w| w.number == number)
            .ok_or_else(|| AppError::invalid("window", format!("没有{number}号窗口")))?;
        let mut staff: Vec<String> = Vec::new();
        for raw in &input.staff {
            let name = raw.trim();
            if name.is_empty() || staff.iter().any(|s| s == name) {
                continue;
            }
            let known = self
                .accounts
                .user_by_username(name)
                .await?
                .filter(|u| !u.user.disabled);
            if known.is_none() {
                return Err(AppError::invalid(
                    "staff",
                    format!("工作人员“{name}”不存在或已停用"),
                ));
            }
            staff.push(name.to_owned());
        }
        if staff.is_empty() {
            return Err(AppError::invalid("staff", "请填写被督查的窗口工作人员"));
        }
        if staff.len() > 10 {
            return Err(AppError::invalid("staff", "一次督查最多记录10名工作人员"));
        }
        let checklist: Vec<ChecklistEntry> = self
            .stored_checklist()
            .await?
            .into_iter()
            .filter(|i| !i.retired)
            .collect();
        let items: Vec<ChecklistItem> = checklist
            .iter()
            .map(|i| ChecklistItem {
                code: i.code.clone(),
                name: i.name.clone(),
                standard: i.standard.clone(),
                deduction: i.deduction,
            })
            .collect();
        let deduction = total_deduction(&items, &input.results).map_err(|e| {
            let at = |code: &str| {
                input
                    .results
                    .iter()
                    .rposition(|r| r.code.trim() == code)
                    .map_or("results".to_owned(), |i| format!("results[{i}].code"))
            };
            match &e {
                InspectionError::UnknownItem(code) => AppError::invalid(&at(code), e.to_string()),
                InspectionError::Repeated(code) => AppError::invalid(&at(code), e.to_string()),
                _ => AppError::invalid("results", e.to_string()),
            }
        })?;
        let mut results = Vec::with_capacity(input.results.len());
        for (n, r) in input.results.iter().enumerate() {
            let item = checklist
                .iter()
                .find(|i| i.code == r.code.trim())
                .ok_or_else(|| AppError::invalid(&format!("results[{n}].code"), "督查项目不在检查清单中"))?;
            let note = text(&format!("results[{n}].note"), "说明", &r.note, 200, false)?;
            results.push(ResultEntry {
                position: n as i64,
                code: item.code.clone(),
                name: item.name.clone(),
                deduction: item.deduction,
                pass: r.pass,
                note,
            });
        }
        if input.photos.len() > PHOTOS_MAX {
            return Err(AppError::invalid(
                "photos",
                format!("每次督查最多{PHOTOS_MAX}张照片"),
            ));
        }
        let photos = input
            .photos
            .iter()
            .enumerate()
            .map(|(n, url)| photo_from_data_url(n, url))
            .collect::<AppResult<Vec<_>>>()?;
        let note = text("note", "备注", &input.note, 500, false)?;
        let plan_visit_id = match input
            .plan_visit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(_) if kind != InspectionKind::Unannounced => {
                return Err(AppError::invalid("plan_visit", "只有明查暗访可以对应暗访安排"));
            }
            Some(raw) => {
                Some(Uuid::parse_str(raw).map_err(|_| AppError::invalid("plan_visit", "暗访安排编号无效"))?)
            }
        };
        let at = self.now();
        let status = InspectionStatus::initial(&input.results);
        let inspection = Inspection {
            id: Uuid::now_v7(),
            kind,
            at,
            day: at.to_zoned(self.settings.time_zone()).date(),
            inspector: session.user.username.clone(),
            window: window.number.clone(),
            department: self.window_department(window).await?,
            staff,
            note,
            deduction,
            status,
            response: String::new(),
            responded_by: None,
            responded_at: None,
            decision: String::new(),
            decided_by: None,
            decided_at: None,
            plan_visit_id,
            photo_count: photos.len() as i64,
            results,
        };
        let new = NewInspection {
            inspection: inspection.clone(),
            photos,
        };
        match self.store.create_inspection(&new).await {
            Ok(()) => {}
            Err(StoreError::Conflict { what }) if what == "plan_visit" => {
                return Err(AppError::Conflict(
                    Conflict::WrongStatus,
                    "该暗访安排不存在或已完成".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        self.audit(
            &Actor::user(&session.user),
            "inspection.record",
            &inspection.id.to_string(),
            &format!(
                "{}：{}号窗口（{}），扣{}分",
                kind.label(),
                inspection.window,
                inspection.staff.join("、"),
                deduction
            ),
        )
        .await?;
        self.view(inspection).await
    }

    /// The inspections a person may see, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, session: &Session, q: &InspectionQuery) -> AppResult<Vec<InspectionView>> {
        require(session, Permission::InspectionRead)?;
        let zone = self.settings.time_zone();
        let day = |field: &str, raw: &Option<String>| -> AppResult<Option<Date>> {
            match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => s
                    .parse::<Date>()
                    .map(Some)
                    .map_err(|_| AppError::invalid(field, format!("日期“{s}”无效，应为YYYY-MM-DD"))),
            }
        };
        let start = |d: Date| -> AppResult<Timestamp> {
            d.to_zoned(zone.clone())
                .map(|z| z.timestamp())
                .map_err(|_| AppError::invalid("from", "日期超出范围"))
        };
        let (from_day, to_day) = (day("from", &q.from)?, day("to", &q.to)?);
        if let (Some(f), Some(t)) = (from_day, to_day)
            && t < f
        {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        let from = from_day.map(start).transpose()?;
        let to = match to_day {
            Some(t) => Some(start(
                t.tomorrow()
                    .map_err(|_| AppError::invalid("to", "日期超出范围"))?,
            )?),
            None => None,
        };
        let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(InspectionStatus::parse(s).ok_or_else(|| {
                AppError::invalid(
                    "status",
                    "状态应为 clean、pending、acknowledged、contested、upheld 或 rejected",
                )
            })?),
        };
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut filter = InspectionFilter {
            window: clean(&q.window),
            staff: clean(&q.staff),
            department: None,
            from,
            to,
            status,
            limit: LIST_LIMIT,
        };
        match self.scope(session).await? {
            InspectionScope::All => {}
            InspectionScope::Department(name) => filter.department = Some(name),
            InspectionScope::Staff(me) => {
                if filter.staff.as_ref().is_some_and(|s| *s != me) {
                    return Ok(Vec::new());
                }
                filter.staff = Some(me);
            }
        }
        let mut out = Vec::new();
        let mut names = HashMap::new();
        for i in self.store.inspections(&filter).await? {
            out.push(self.view_named(i, &mut names).await?);
        }
        Ok(out)
    }

    async fn visible(&self, session: &Session, id: Uuid) -> AppResult<Inspection> {
        require(session, Permission::InspectionRead)?;
        let i = self.store.inspection(id).await.map_err(not_found)?;
        if !self.scope(session).await?.allows(&i) {
            return Err(AppError::Forbidden("该督查记录不属于您或您的部门".into()));
        }
        Ok(i)
    }

    /// One inspection with its items and photos.
    #[tracing::instrument(skip_all)]
    pub async fn detail(&self, session: &Session, id: Uuid) -> AppResult<InspectionDetail> {
        let i = self.visible(session, id).await?;
        let photos = self.store.inspection_photos(id).await?;
        Ok(InspectionDetail {
            view: self.view(i).await?,
            photos,
        })
    }

    /// A photo's bytes.
    #[tracing::instrument(skip_all)]
    pub async fn photo(&self, session: &Session, id: Uuid, n: i64) -> AppResult<(PhotoInfo, Vec<u8>)> {
        self.visible(session, id).await?;
        self.store.inspection_photo(id, n).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound(format!("该督查记录没有第{n}张照片")),
            other => other.into(),
        })
    }

    /// The staff member named acknowledges (`contest: None`) or contests
    /// with a reason.
    #[tracing::instrument(skip_all)]
    pub async fn respond(
        &self,
        session: &Session,
        id: Uuid,
        contest: Option<&str>,
    ) -> AppResult<InspectionView> {
        require(session, Permission::InspectionRespond)?;
        let i = self.store.inspection(id).await.map_err(not_found)?;
        let me = &session.user.username;
        if !i.staff.contains(me) {
            return Err(AppError::Forbidden(
                "只有被督查的工作人员本人可以确认或申辩".into(),
            ));
        }
        let reason = match contest {
            Some(r) => text("reason", "申辩理由", r, 500, true)?,
            None => String::new(),
        };
        let to = i.status.respond(contest.is_some()).map_err(wrong_status)?;
        let change = StatusChange {
            id,
            from: i.status,
            to,
            text: reason.clone(),
            by: me.clone(),
            at: self.now(),
        };
        let changed = self
            .store
            .change_inspection_status(&change)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict(
                    Conflict::ChangedMeanwhile,
                    "该督查记录刚刚已被处理，请刷新后查看".into(),
                ),
                other => not_found(other),
            })?;
        let (action, detail) = if contest.is_some() {
            ("inspection.contest", format!("申辩：{reason}"))
        } else {
            ("inspection.acknowledge", "确认督查结果".to_owned())
        };
        self.audit(&Actor::user(&session.user), action, &id.to_string(), &detail)
            .await?;
        self.view(changed).await
    }

    /// The 督查科 leader rules on a contest; upheld cancels the deduction.
    #[tracing::instrument(skip_all)]
    pub async fn decide(
        &self,
        session: &Session,
        id: Uuid,
        upheld: bool,
        note: &str,
    ) -> AppResult<InspectionView> {
        require(session, Permission::InspectionDecide)?;
        let note = text("note", "裁定意见", note, 500, true)?;
        let i = self.store.inspection(id).await.map_err(not_found)?;
        let to = i.status.decide(upheld).map_err(wrong_status)?;
        let change = StatusChange {
            id,
            from: i.status,
            to,
            text: note.clone(),
            by: session.user.username.clone(),
            at: self.now(),
        };
        let changed = self
            .store
            .change_inspection_status(&change)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict(
                    Conflict::ChangedMeanwhile,
                    "该申辩刚刚已被裁定，请刷新后查看".into(),
                ),
                other => not_found(other),
            })?;
        self.audit(
            &Actor::user(&session.user),
            "inspection.decide",
            &id.to_string(),
            &format!("{}：{note}", if upheld { "申辩成立" } else { "申辩不成立" }),
        )
        .await?;
        self.view(changed).await
    }

    /// Draws a 暗访 schedule: `visits` visits on the working days from `from`
    /// to `to`, within opening hours, at random windows (of `windows`, or
    /// every window).
    #[tracing::instrument(skip_all)]
    pub async fn draw_plan(
        &self,
        session: &Session,
        from: &str,
        to: &str,
        visits: i64,
        windows: Option<&[String]>,
    ) -> AppResult<InspectionPlan> {
        require(session, Permission::InspectionRecord)?;
        let parse = |field: &str, raw: &str| -> AppResult<Date> {
            raw.trim()
                .parse()
                .map_err(|_| AppError::invalid(field, format!("日期“{}”无效，应为YYYY-MM-DD", raw.trim())))
        };
        let (from, to) = (parse("from", from)?, parse("to", to)?);
        if from < self.today() {
            return Err(AppError::invalid("from", "开始日期不能早于今天"));
        }
        let span = from.until(to).map(|s| s.get_days()).unwrap_or(-1);
        if span < 0 {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        if span >= PLAN_DAYS_MAX {
            return Err(AppError::invalid("to", format!("一次最多安排{PLAN_DAYS_MAX}天")));
        }
        if !(1..=PLAN_VISITS_MAX).contains(&visits) {
            return Err(AppError::invalid(
                "visits",
                format!("暗访次数应为1至{PLAN_VISITS_MAX}次"),
            ));
        }
        let all = self.queue.cached_windows().await?;
        let chosen: Vec<String> = match windows {
            Some(list) if !list.is_empty() => {
                let mut out = Vec::new();
                for w in list {
                    let w = w.trim();
                    if !all.iter().any(|x| x.number == w) {
                        return Err(AppError::invalid("windows", format!("没有{w}号窗口")));
                    }
                    if !out.iter().any(|x| x == w) {
                        out.push(w.to_owned());
                    }
                }
                out
            }
            _ => all
                .iter()
                .filter(|w| !w.temporary)
                .map(|w| w.number.clone())
                .collect(),
        };
        let rule = self
            .settings
            .hours
            .opening_hours()
            .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
        let calendar = self.calendar().await?;
        let mut days: Vec<OpenDay> = Vec::new();
        let mut d = from;
        while d <= to {
            let open = calendar
                .is_workday(d)
                .map_err(|e| AppError::invalid("to", format!("{d}：{e}")))?;
            if open {
                let periods = rule.periods_of(&calendar, d)?;
                days.push((d, periods.into_iter().map(|p| (p.start, p.end)).collect()));
            }
            d = d
                .tomorrow()
                .map_err(|_| AppError::invalid("to", "日期超出范围"))?;
        }
        // The generator is not Send: drawn and dropped before the next await.
        let drawn = {
            let mut rng = rand::rng();
            let mut random = |n: u64| {
                use rand::Rng;
                rng.random_range(0..n.max(1))
            };
            draw_visits(&days, &chosen, visits as usize, &mut random)
        }
        .map_err(|e| match e {
            InspectionError::NoWindows => AppError::invalid("windows", e.to_string()),
            _ => AppError::invalid("to", e.to_string()),
        })?;
        let plan = InspectionPlan {
            id: Uuid::now_v7(),
            from,
            to,
            created_by: session.user.username.clone(),
            created_at: self.now(),
            visits: drawn
                .into_iter()
                .map(|v| PlanVisit {
                    id: Uuid::now_v7(),
                    date: v.date,
                    time: v.time,
                    window: v.window,
                    inspection_id: None,
                })
                .collect(),
        };
        self.store.create_inspection_plan(&plan).await?;
        self.audit(
            &Actor::user(&session.user),
            "inspection.plan",
            &plan.id.to_string(),
            &format!("暗访安排：{from}至{to}，{}次", plan.visits.len()),
        )
        .await?;
        Ok(plan)
    }

    /// The 暗访 plans, newest first (never shown to the inspected).
    #[tracing::instrument(skip_all)]
    pub async fn plans(&self, session: &Session) -> AppResult<Vec<InspectionPlan>> {
        require(session, Permission::InspectionRecord)?;
        Ok(self.store.inspection_plans(50).await?)
    }

    /// The windows an inspector may choose, with the staff who serve there.
    #[tracing::instrument(skip_all)]
    pub async fn windows(&self, session: &Session) -> AppResult<Vec<store::queue::Window>> {
        require(session, Permission::InspectionRecord)?;
        Ok(self.queue.cached_windows().await?.as_ref().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn photos_are_checked_by_content_not_by_claim() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F'];
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0];
        let webp = *b"RIFF\x10\0\0\0WEBPVP8 ";
        // A PNG sent as JPEG is kept as the PNG it is.
        let p = photo_from_data_url(0, &format!("data:image/jpeg;base64,{}", b64(&png))).unwrap();
        assert_eq!(p.content_type, "image/png");
        assert_eq!(p.body, png);
        assert_eq!(p.sha256.len(), 64);
        let p = photo_from_data_url(0, &format!("data:image/jpeg;base64,{}", b64(&jpeg))).unwrap();
        assert_eq!(p.content_type, "image/jpeg");
        let p = photo_from_data_url(0, &format!("data:image/webp;base64,{}", b64(&webp))).unwrap();
        assert_eq!(p.content_type, "image/webp");
        for bad in [
            format!("data:image/jpeg;base64,{}", b64(b"<svg onload=alert(1)>")),
            format!("data:image/png;base64,{}", b64(b"GIF89a....")),
            "data:image/jpeg;base64,@@@@".to_owned(),
            "https://example.com/x.jpg".to_owned(),
            format!("data:image/jpeg,{}", b64(&jpeg)),
        ] {
            match photo_from_data_url(1, &bad) {
                Err(AppError::Invalid { field, message }) => {
                    assert_eq!(field, "photos");
                    assert!(message.contains("第2张"), "{message}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        let mut big = vec![0u8; PHOTO_MAX_BYTES + 1];
        big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert!(photo_from_data_url(0, &format!("data:image/jpeg;base64,{}", b64(&big))).is_err());
    }
}
