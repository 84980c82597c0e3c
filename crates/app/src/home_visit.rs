//! 上门服务 (door-to-door service): a citizen who cannot come — elderly,
//! disabled, seriously ill — or a family member asks for staff to come to
//! them; staff schedule the visit, go, and close it. The phone and address
//! are sealed at rest ([`crate::crypto`]); lists show them masked, and every
//! look at them in full is audit-logged.

use crate::Hall;
use crate::crypto::DataCipher;
use crate::queue::person_key;
use crate::{Actor, AppError, AppResult};
use domain::home_visit::{HomeVisitReason, HomeVisitStatus};
use domain::identity::{mask, validate_mobile};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::home_visit::{HomeVisit, HomeVisitChange, HomeVisitEvent, NewHomeVisit};
use uuid::Uuid;

const PHONE: &str = "home_visit.phone";
const ADDRESS: &str = "home_visit.address";
/// How far ahead a preferred or scheduled date may lie.
const DAYS_AHEAD: i32 = 90;

/// What the person (or a family member) fills in.
#[derive(Debug, Clone, Default)]
pub struct HomeVisitRequest {
    pub name: String,
    pub phone: String,
    pub address: String,
    /// The item or service category to be handled.
    pub item: String,
    /// elderly, disabled, ill or other.
    pub reason: String,
    /// YYYY-MM-DD, optional.
    pub preferred_date: Option<String>,
    pub note: String,
}

/// A request as lists show it: the phone masked, no address.
#[derive(Debug, Clone, Serialize)]
pub struct HomeVisitSummary {
    pub id: Uuid,
    /// A short reference to quote on the phone (the id's last 8 characters).
    pub reference: String,
    pub name: String,
    /// 138****1234
    pub phone: String,
    pub item: String,
    pub reason: HomeVisitReason,
    pub reason_label: &'static str,
    pub preferred_date: Option<Date>,
    pub note: String,
    pub status: HomeVisitStatus,
    pub status_label: &'static str,
    pub scheduled_date: Option<Date>,
    pub assigned_to: Option<String>,
    pub outcome: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One request in full, for the staff who handle it.
#[derive(Debug, Clone, Serialize)]
pub struct HomeVisitDetail {
    #[serde(flatten)]
    pub summary: HomeVisitSummary,
    /// Unmasked.
    pub phone_full: String,
    pub address: String,
    pub history: Vec<HomeVisitEvent>,
}

/// A required text field, trimmed, at most `max` characters.
fn text(field: &str, label: &str, raw: &str, max: usize) -> AppResult<String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{label}")));
    }
    optional_text(field, label, v, max)
}

fn optional_text(field: &str, label: &str, raw: &str, max: usize) -> AppResult<String> {
    let v = raw.trim();
    if v.chars().count() > max {
        return Err(AppError::invalid(field, format!("{label}最多{max}个字")));
    }
    Ok(v.to_owned())
}

/// The id's random tail, upper-case: what a citizen reads out on the phone.
pub fn reference(id: Uuid) -> String {
    let s = id.simple().to_string().to_uppercase();
    s[s.len().saturating_sub(8)..].to_owned()
}

fn map_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这个上门服务申请".into()),
        StoreError::Conflict { what } if what == "home_visit_status" => AppError::Conflict(
            crate::Conflict::WrongStatus,
            "该申请当前状态不能进行此操作（可能已办结或已取消）".into(),
        ),
        other => other.into(),
    }
}

/// A list's status filter as sent (`?status=`): none or empty for every
/// status, else one of the [`HomeVisitStatus`] codes.
pub fn status_filter(raw: Option<&str>) -> AppResult<Option<HomeVisitStatus>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => HomeVisitStatus::parse(s).map(Some).ok_or_else(|| {
            AppError::invalid(
                "status",
                format!("状态“{s}”无效，应为 requested、scheduled、done 或 cancelled"),
            )
        }),
    }
}

/// 上门服务 service.
#[derive(Clone)]
pub struct HomeVisitService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::home_visit::HomeVisitStore>,
    pub(crate) accounts: Arc<dyn store::AccountStore>,
}

impl HomeVisitService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::home_visit::HomeVisitStore>,
        accounts: Arc<dyn store::AccountStore>,
    ) -> HomeVisitService {
        HomeVisitService {
            hall,
            store,
            accounts,
        }
    }
}

impl HomeVisitService {
    fn data_cipher(&self) -> AppResult<DataCipher> {
        DataCipher::new(&self.settings.security.data_key)
    }

    /// A date from today on, within [`DAYS_AHEAD`], on a working day.
    async fn visit_date(&self, field: &str, label: &str, raw: &str) -> AppResult<Date> {
        let date: Date = raw
            .trim()
            .parse()
            .map_err(|_| AppError::invalid(field, format!("{label}“{raw}”无效，应为YYYY-MM-DD")))?;
        let today = self.today();
        let ahead = today.until(date).map(|s| s.get_days()).unwrap_or(-1);
        if !(0..=DAYS_AHEAD).contains(&ahead) {
            return Err(AppError::invalid(
                field,
                format!("{label}应在今天至{DAYS_AHEAD}天内"),
            ));
        }
        match self.calendar().await?.is_workday(date) {
            Ok(true) => Ok(date),
            Ok(false) => Err(AppError::invalid(field, format!("{label}{date}不是工作日"))),
            Err(e) => Err(AppError::invalid(field, format!("{label}：{e}"))),
        }
    }

    fn summary(&self, v: &HomeVisit, cipher: &DataCipher) -> AppResult<HomeVisitSummary> {
        let phone = cipher.open(PHONE, &v.phone_sealed)?;
        Ok(HomeVisitSummary {
            id: v.id,
            reference: reference(v.id),
            name: v.name.clone(),
            phone: mask(&phone, 3, 4),
            item: v.item.clone(),
            reason: v.reason,
            reason_label: v.reason.label(),
            preferred_date: v.preferred_date,
            note: v.note.clone(),
            status: v.status,
            status_label: v.status.label(),
            scheduled_date: v.scheduled_date,
            assigned_to: v.assigned_to.clone(),
            outcome: v.outcome.clone(),
            created_at: v.created_at,
            updated_at: v.updated_at,
        })
    }

    /// Records a request. `by` is the staff member entering it for someone
    /// (hotline, help desk); `None` is the citizen online.
    #[tracing::instrument(skip_all)]
    pub async fn request_home_visit(
        &self,
        req: &HomeVisitRequest,
        by: Option<&Actor>,
    ) -> AppResult<HomeVisitSummary> {
        let name = text("name", "姓名", &req.name, 40)?;
        let phone = req.phone.trim();
        validate_mobile(phone).map_err(|e| AppError::invalid("phone", format!("联系电话：{e}")))?;
        let address = text("address", "上门地址", &req.address, 200)?;
        let item = text("item", "要办理的事项", &req.item, 100)?;
        let reason = HomeVisitReason::parse(req.reason.trim())
            .ok_or_else(|| AppError::invalid("reason", "请选择申请原因（高龄、残疾、重病或其他）"))?;
        let preferred_date = match req.preferred_date.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => Some(self.visit_date("preferred_date", "希望上门日期", d).await?),
            _ => None,
        };
        let note = optional_text("note", "备注", &req.note, 500)?;
        if reason == HomeVisitReason::Other && note.is_empty() {
            return Err(AppError::invalid("note", "原因为“其他”时请在备注中说明情况"));
        }
        let cipher = self.data_cipher()?;
        let now = self.now();
        let by_name = by.map_or_else(|| "申请人（网上）".to_owned(), |a| a.username.clone());
        let new = NewHomeVisit {
            visit: HomeVisit {
                id: Uuid::now_v7(),
                name,
                phone_sealed: cipher.seal(PHONE, phone)?,
                address_sealed: cipher.seal(ADDRESS, &address)?,
                item,
                reason,
                preferred_date,
                note,
                status: HomeVisitStatus::Requested,
                scheduled_date: None,
                assigned_to: None,
                outcome: String::new(),
                created_at: now,
                updated_at: now,
            },
            phone_key: person_key(&self.settings.security.data_key, "phone", phone)?,
            max_open_per_phone: self.settings.appointments.max_open_home_visits_per_phone,
            by: by_name.clone(),
        };
        let actor = by.cloned().unwrap_or(Actor {
            username: by_name,
            role: None,
        });
        match self.store.create_home_visit(&new).await {
            Ok(v) => {
                self.audit(&actor, "home_visit.request", &v.id.to_string(), &v.item)
                    .await?;
                self.summary(&v, &cipher)
            }
            Err(StoreError::Conflict { what }) if what == "person_limit" => {
                self.audit(
                    &actor,
                    "home_visit.limit",
                    &mask(phone, 3, 4),
                    "同一手机号上门服务申请超限被拒绝",
                )
                .await?;
                Err(AppError::Conflict(
                    crate::Conflict::PersonLimit,
                    format!(
                        "同一手机号最多可有{}个未办结的上门服务申请，请等待工作人员联系或致电咨询",
                        self.settings.appointments.max_open_home_visits_per_phone
                    ),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Requests of one status or all, newest first, phones masked (staff lists).
    #[tracing::instrument(skip_all)]
    pub async fn home_visits(&self, status: Option<HomeVisitStatus>) -> AppResult<Vec<HomeVisitSummary>> {
        let cipher = self.data_cipher()?;
        self.store
            .home_visits(status, 500)
            .await?
            .iter()
            .map(|v| self.summary(v, &cipher))
            .collect()
    }

    /// One request with the phone and address in full and its history.
    /// Every call is one audit record: who looked at whose data, when.
    #[tracing::instrument(skip_all)]
    pub async fn home_visit_detail(&self, actor: &Actor, id: Uuid) -> AppResult<HomeVisitDetail> {
        let v = self.store.home_visit(id).await.map_err(map_error)?;
        let cipher = self.data_cipher()?;
        let phone_full = cipher.open(PHONE, &v.phone_sealed)?;
        let address = cipher.open(ADDRESS, &v.address_sealed)?;
        let history = self.store.home_visit_events(id).await?;
        self.audit(
            actor,
            "home_visit.view",
            &id.to_string(),
            &format!("查看{}的联系电话和上门地址", v.name),
        )
        .await?;
        Ok(HomeVisitDetail {
            summary: self.summary(&v, &cipher)?,
            phone_full,
            address,
            history,
        })
    }

    async fn change_home_visit(
        &self,
        actor: &Actor,
        change: HomeVisitChange,
        action: &str,
    ) -> AppResult<HomeVisitSummary> {
        let detail = change.detail.clone();
        let v = self.store.change_home_visit(&change).await.map_err(map_error)?;
        self.audit(actor, action, &v.id.to_string(), &detail).await?;
        self.summary(&v, &self.data_cipher()?)
    }

    /// Plans (or re-plans) the visit: a working day and the staff member who goes.
    #[tracing::instrument(skip_all)]
    pub async fn schedule_home_visit(
        &self,
        actor: &Actor,
        id: Uuid,
        date: &str,
        staff: &str,
    ) -> AppResult<HomeVisitSummary> {
        let date = self.visit_date("date", "上门日期", date).await?;
        let staff = staff.trim();
        if staff.is_empty() {
            return Err(AppError::invalid("staff", "请选择负责上门的工作人员"));
        }
        let who = self
            .accounts
            .user_by_username(staff)
            .await?
            .filter(|u| !u.user.disabled)
            .ok_or_else(|| AppError::invalid("staff", format!("工作人员“{staff}”不存在或已停用")))?;
        let change = HomeVisitChange {
            id,
            to: HomeVisitStatus::Scheduled,
            scheduled_date: Some(date),
            assigned_to: Some(who.user.username.clone()),
            outcome: None,
            by: actor.username.clone(),
            at: self.now(),
            detail: format!("安排{date}上门，由{}负责", who.user.display_name),
        };
        self.change_home_visit(actor, change, "home_visit.schedule").await
    }

    /// The visit took place and the matter was handled.
    #[tracing::instrument(skip_all)]
    pub async fn finish_home_visit(
        &self,
        actor: &Actor,
        id: Uuid,
        note: &str,
    ) -> AppResult<HomeVisitSummary> {
        let note = optional_text("note", "办理结果", note, 500)?;
        let change = HomeVisitChange {
            id,
            to: HomeVisitStatus::Done,
            scheduled_date: None,
            assigned_to: None,
            detail: if note.is_empty() {
                "已上门办结".into()
            } else {
                format!("已上门办结：{note}")
            },
            outcome: Some(note),
            by: actor.username.clone(),
            at: self.now(),
        };
        self.change_home_visit(actor, change, "home_visit.done").await
    }

    /// Closes an open request without a visit; the reason is required.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_home_visit(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> AppResult<HomeVisitSummary> {
        let reason = text("reason", "取消原因", reason, 200)?;
        let change = HomeVisitChange {
            id,
            to: HomeVisitStatus::Cancelled,
            scheduled_date: None,
            assigned_to: None,
            detail: format!("取消：{reason}"),
            outcome: Some(reason),
            by: actor.username.clone(),
            at: self.now(),
        };
        self.change_home_visit(actor, change, "home_visit.cancel").await
    }
}
