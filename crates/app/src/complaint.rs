//! 投诉 (complaints), GB/T 36113: intake on the public form or by staff (hall
//! desk, 12345 hotline, letters and the 意见箱), the 督查科's steps 受理 →
//! 调查 → 处置 → 反馈 → 归档 with their deadlines in working days, one
//! reopening after a rejected answer and then the leadership, the
//! rectification a substantiated complaint opens (the same loop as a 差评's),
//! public progress by query code, and escalation of late steps.
//!
//! The complainant's name and phone are sealed at rest, none are kept for an
//! anonymous complaint, and only the 督查科 sees them (every view audit-logged):
//! never the department or the staff member complained about.

use crate::auth::{Session, require};
use crate::case_scope::CaseScope;
use crate::crypto::DataCipher;
use crate::{Actor, AppError, AppResult, Hall};
use domain::complaint::{self as rules, ComplaintCategory, ComplaintChannel, ComplaintStatus, ComplaintStep};
use domain::identity::{mask, mask_name, validate_mobile};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::complaint::{Complaint, ComplaintChange, ComplaintFilter, ComplaintStepRecord, ComplaintStore};
use store::evaluation::NewRectification;
use uuid::Uuid;

const NAME: &str = "complaint.name";
const PHONE: &str = "complaint.phone";

/// What a complaint names (投诉对象): any of a window, a staff member, a
/// department (code or name) or an item; all empty for the hall in general.
#[derive(Debug, Clone, Default)]
pub struct ComplaintAbout {
    pub window: String,
    pub staff: String,
    pub department: String,
    pub item: String,
}

/// A complaint as submitted (`POST /api/complaints`, the public form, the desk).
#[derive(Debug, Clone, Default)]
pub struct ComplaintRequest {
    pub channel: String,
    pub content: String,
    pub category: String,
    pub about: ComplaintAbout,
    pub anonymous: bool,
    pub name: String,
    pub phone: String,
}

/// What the complainant keeps: the number, the query code and the answer's due date.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintReceipt {
    pub id: Uuid,
    pub number: String,
    pub status: ComplaintStatus,
    pub status_label: &'static str,
    /// 答复期限: receipt date + `complaint_days` working days.
    pub due: Date,
    /// 受理期限: the next working day.
    pub accept_due: Date,
    pub query_code: String,
}

/// A complaint as the 督查科 (and, without the complainant, a department) reads it.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintView {
    #[serde(flatten)]
    pub complaint: Complaint,
    pub status_label: &'static str,
    pub channel_label: &'static str,
    pub category_label: &'static str,
    /// 答复期限 (the same as `answer_due`).
    pub due: Date,
    /// The step now due is late.
    pub overdue: bool,
    /// The staff member's name, when one is named.
    pub staff_name: String,
    /// The complainant in the clear: only for the 督查科 (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// One complaint with its history.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintDetail {
    #[serde(flatten)]
    pub view: ComplaintView,
    pub steps: Vec<ComplaintStepRecord>,
}

/// Public progress (投诉进度查询): masked, with the steps' names and dates.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintProgress {
    pub number: String,
    pub status: ComplaintStatus,
    pub status_label: &'static str,
    pub category_label: &'static str,
    pub received_on: Date,
    pub due: Date,
    /// 姓名 masked (王*), or 匿名.
    pub complainant: String,
    /// The answer, once given.
    pub answer: String,
    /// Whether the complainant may still say 认可 / 不认可.
    pub awaiting_feedback: bool,
    pub steps: Vec<ProgressStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressStep {
    pub at: String,
    pub step: &'static str,
}

/// A step the 督查科 takes (`POST /api/complaints/{id}/{step}`).
#[derive(Debug, Clone, Default)]
pub struct StepRequest {
    pub note: String,
    /// 处置: whether the complaint is substantiated (查实).
    pub substantiated: Option<bool>,
    /// 反馈: whether the complainant accepted the answer, when known.
    pub accepted: Option<bool>,
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("投诉不存在".into()),
        other => other.into(),
    }
}

/// 投诉 service.
#[derive(Clone)]
pub struct ComplaintService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn ComplaintStore>,
    /// Who sees which complaint follows who sees which cases (a liaison: its department).
    pub(crate) cases: crate::case::CaseService,
}

impl ComplaintService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn ComplaintStore>,
        cases: crate::case::CaseService,
    ) -> ComplaintService {
        ComplaintService { hall, store, cases }
    }

    fn cipher(&self) -> AppResult<DataCipher> {
        DataCipher::new(&self.settings.security.data_key)
    }

    /// The department a window serves: the one department of all its
    /// categories' items, else none.
    async fn window_department(&self, number: &str) -> AppResult<Option<String>> {
        let windows = self.cases.queue.cached_windows().await?;
        let Some(window) = windows.iter().find(|w| w.number == number) else {
            return Err(AppError::invalid("about.window", format!("没有{number}号窗口")));
        };
        self.cases.queue.window_department(window).await
    }

    /// Checks what a complaint names and tells the department it concerns.
    async fn resolve_about(&self, about: &ComplaintAbout) -> AppResult<(ComplaintAbout, String)> {
        let window = about.window.trim().to_owned();
        let staff = about.staff.trim().to_owned();
        let item_code = about.item.trim().to_owned();
        let given_department = about.department.trim().to_owned();
        let mut department = String::new();
        let mut department_code = String::new();
        if !given_department.is_empty() {
            let found = self
                .departments()
                .await?
                .into_iter()
                .find(|d| d.is_named(&given_department))
                .ok_or_else(|| {
                    AppError::invalid("about.department", format!("没有部门“{given_department}”"))
                })?;
            department = found.name;
            department_code = found.code;
        }
        if !item_code.is_empty() {
            let item = self
                .published()
                .await?
                .item(&item_code)
                .cloned()
                .ok_or_else(|| AppError::invalid("about.item", format!("事项清单中没有“{item_code}”")))?;
            if department.is_empty() {
                department = item.department;
            }
        }
        if !window.is_empty() {
            let of_window = self.window_department(&window).await?;
            if department.is_empty() {
                department = of_window.unwrap_or_default();
            }
        }
        if !staff.is_empty() {
            let user = self
                .people
                .user_by_username(&staff)
                .await?
                .ok_or_else(|| AppError::invalid("about.staff", format!("没有工作人员“{staff}”")))?
                .user;
            if department.is_empty() {
                if let Some(code) = &user.department {
                    department = self.department_name(code).await?;
                } else if let Some(w) = self
                    .cases
                    .queue
                    .cached_windows()
                    .await?
                    .iter()
                    .find(|w| w.staff.contains(&staff))
                {
                    department = self.window_department(&w.number).await?.unwrap_or_default();
                }
            }
        }
        Ok((
            ComplaintAbout {
                window,
                staff,
                department: department_code,
                item: item_code,
            },
            department,
        ))
    }

    /// Receives a complaint. The online form is public (`by` = None); the
    /// other channels are recorded by staff.
    #[tracing::instrument(skip_all)]
    pub async fn file_complaint(
        &self,
        req: &ComplaintRequest,
        by: Option<&Session>,
    ) -> AppResult<ComplaintReceipt> {
        let channel = ComplaintChannel::parse(req.channel.trim()).ok_or_else(|| {
            AppError::invalid(
                "channel",
                "投诉渠道应为 online（网上）、hall（现场）、hotline（12345热线）或 letter（信件、意见箱）",
            )
        })?;
        if !channel.is_public() {
            match by {
                Some(session) => require(session, Permission::ComplaintFile)?,
                None => {
                    return Err(AppError::Unauthorized(
                        "现场、热线和信件投诉由工作人员登录后登记".into(),
                    ));
                }
            }
        }
        let content = req.content.trim();
        if content.is_empty() {
            return Err(AppError::invalid("content", "请填写投诉内容"));
        }
        if content.chars().count() > 2000 {
            return Err(AppError::invalid("content", "投诉内容最多2000字"));
        }
        let category = match req.category.trim() {
            "" => ComplaintCategory::Other,
            c => ComplaintCategory::parse(c).ok_or_else(|| {
                AppError::invalid("category", "投诉类别应为态度、效率、推诿、违规收费、纪律或其他")
            })?,
        };
        let cipher = self.cipher()?;
        let (name_sealed, phone_sealed) = if req.anonymous {
            // An anonymous complaint keeps no identity at all.
            (None, None)
        } else {
            let phone = req.phone.trim();
            validate_mobile(phone).map_err(|e| AppError::invalid("phone", e.to_string()))?;
            let name = req.name.trim();
            if name.chars().count() > 40 {
                return Err(AppError::invalid("name", "姓名最多40个字"));
            }
            let name = if name.is_empty() {
                "（未留姓名）"
            } else {
                name
            };
            (Some(cipher.seal(NAME, name)?), Some(cipher.seal(PHONE, phone)?))
        };
        let (about, department) = self.resolve_about(&req.about).await?;
        let now = self.now();
        let today = self.today();
        let deadlines = rules::deadlines(&*self.calendar().await?, today, self.settings.hall.complaint_days)?;
        let recorded_by = by.map_or_else(|| "public".to_owned(), |s| s.user.username.clone());
        let complaint = Complaint {
            id: Uuid::now_v7(),
            number: String::new(),
            query_code: domain::case::query_code(rand::random()),
            channel,
            category,
            content: content.to_owned(),
            about_window: about.window,
            about_staff: about.staff,
            about_department: about.department,
            about_item: about.item,
            department,
            anonymous: req.anonymous,
            name_sealed,
            phone_sealed,
            status: ComplaintStatus::Received,
            received_at: now,
            received_on: today,
            accept_due: deadlines.accept_by.date,
            answer_due: deadlines.answer_by.date,
            recorded_by: recorded_by.clone(),
            substantiated: None,
            finding: String::new(),
            answer: String::new(),
            complainant_accepted: None,
            reopened: false,
            escalated: false,
            escalation: String::new(),
            updated_at: now,
        };
        let prefix = format!("{}TS", self.settings.hall.code);
        let stored = self.store.add_complaint(&complaint, &prefix).await?;
        let actor = by.map_or(
            Actor {
                username: "public".into(),
                role: None,
            },
            |s| Actor::user(&s.user),
        );
        self.audit(
            &actor,
            "complaint.file",
            &stored.id.to_string(),
            &format!("{} {} {}", stored.number, channel.label(), category.label()),
        )
        .await?;
        Ok(ComplaintReceipt {
            id: stored.id,
            number: stored.number,
            status: stored.status,
            status_label: stored.status.label(),
            due: stored.answer_due,
            accept_due: stored.accept_due,
            query_code: stored.query_code,
        })
    }

    /// The department a signed-in reader is limited to (a liaison's), if any.
    async fn reader_department(&self, session: &Session) -> AppResult<Option<String>> {
        Ok(match self.cases.case_scope(session).await? {
            CaseScope::Department { name, .. } => Some(name),
            _ => None,
        })
    }

    async fn view(&self, c: Complaint, identity: Option<(String, String)>) -> AppResult<ComplaintView> {
        let (name, phone) = identity.unzip();
        Ok(ComplaintView {
            status_label: c.status.label(),
            channel_label: c.channel.label(),
            category_label: c.category.label(),
            due: c.answer_due,
            overdue: self.is_overdue(&c),
            staff_name: self.staff_name(&c.about_staff).await?,
            name,
            phone,
            complaint: c,
        })
    }

    fn is_overdue(&self, c: &Complaint) -> bool {
        rules::step_overdue(c.status, c.accept_due, c.answer_due, self.today())
    }

    /// The 督查科's list (a liaison: its department's), without complainants.
    #[tracing::instrument(skip_all)]
    pub async fn complaints(
        &self,
        session: &Session,
        mut filter: ComplaintFilter,
    ) -> AppResult<Vec<ComplaintView>> {
        require(session, Permission::ComplaintRead)?;
        if let Some(own) = self.reader_department(session).await? {
            filter.department = Some(own);
        }
        filter.limit = filter.limit.clamp(1, 500);
        let mut out = Vec::new();
        for c in self.store.complaints(&filter).await? {
            out.push(self.view(c, None).await?);
        }
        Ok(out)
    }

    /// One complaint with its history. The 督查科 sees the complainant in the
    /// clear (each look audit-logged); a department never does.
    #[tracing::instrument(skip_all)]
    pub async fn complaint(&self, session: &Session, id: Uuid) -> AppResult<ComplaintDetail> {
        require(session, Permission::ComplaintRead)?;
        let (c, steps) = self.store.complaint(id).await.map_err(not_found)?;
        if let Some(own) = self.reader_department(session).await?
            && own != c.department
        {
            return Err(AppError::Forbidden("该投诉不涉及您的部门".into()));
        }
        let identity = if session.user.role.can(Permission::ComplaintIdentity)
            && let (Some(name), Some(phone)) = (&c.name_sealed, &c.phone_sealed)
        {
            let cipher = self.cipher()?;
            let identity = (cipher.open(NAME, name)?, cipher.open(PHONE, phone)?);
            self.audit(
                &Actor::user(&session.user),
                "complaint.identity",
                &id.to_string(),
                &format!("查看投诉{}的投诉人姓名和电话", c.number),
            )
            .await?;
            Some(identity)
        } else {
            None
        };
        Ok(ComplaintDetail {
            view: self.view(c, identity).await?,
            steps,
        })
    }

    /// Takes one step of the handling (督查科).
    #[tracing::instrument(skip_all)]
    pub async fn take_step(
        &self,
        session: &Session,
        id: Uuid,
        step: ComplaintStep,
        req: &StepRequest,
    ) -> AppResult<ComplaintDetail> {
        require(session, Permission::ComplaintHandle)?;
        let note = req.note.trim();
        if note.chars().count() > 2000 {
            return Err(AppError::invalid("note", "说明最多2000字"));
        }
        if note.is_empty() {
            return Err(AppError::invalid("note", "请填写本环节的情况说明"));
        }
        if step == ComplaintStep::Handle && req.substantiated.is_none() {
            return Err(AppError::invalid("substantiated", "处置须写明投诉是否查实"));
        }
        let (c, _) = self.store.complaint(id).await.map_err(not_found)?;
        self.apply(session, &c, step, note, req).await?;
        // 反馈 with the complainant's 不认可 recorded: reopen (once) or go up.
        if step == ComplaintStep::Answer && req.accepted == Some(false) {
            let (c, _) = self.store.complaint(id).await.map_err(not_found)?;
            self.apply(session, &c, ComplaintStep::Reject, "投诉人不认可答复", req)
                .await?;
        }
        self.complaint(session, id).await
    }

    async fn apply(
        &self,
        session: &Session,
        c: &Complaint,
        step: ComplaintStep,
        note: &str,
        req: &StepRequest,
    ) -> AppResult<Complaint> {
        self.apply_as(
            &session.user.username,
            Actor::user(&session.user),
            c,
            step,
            note,
            req,
        )
        .await
    }

    async fn apply_as(
        &self,
        username: &str,
        actor: Actor,
        c: &Complaint,
        step: ComplaintStep,
        note: &str,
        req: &StepRequest,
    ) -> AppResult<Complaint> {
        let t =
            rules::next_status(c.status, step, note, req.substantiated, c.reopened).map_err(|e| match e {
                rules::ComplaintError::OutOfOrder { .. } => {
                    AppError::Conflict(crate::Conflict::WrongStatus, e.to_string())
                }
                rules::ComplaintError::FindingMissing => AppError::invalid("substantiated", e.to_string()),
                rules::ComplaintError::NoteMissing => AppError::invalid("note", e.to_string()),
            })?;
        let today = self.today();
        // A substantiated 处置 opens the rectification, once per complaint.
        let rectification = if step == ComplaintStep::Handle
            && req.substantiated == Some(true)
            && c.substantiated != Some(true)
        {
            Some(NewRectification {
                id: Uuid::now_v7(),
                opened_on: today,
                due_date: self
                    .deadline(today, self.settings.evaluation.rectification_days)
                    .await?
                    .date,
                assignee: if c.department.is_empty() {
                    "大厅管理办".to_owned()
                } else {
                    format!("{}首席代表", c.department)
                },
            })
        } else {
            None
        };
        let change = ComplaintChange {
            id: c.id,
            from: c.status,
            to: t.to,
            step: ComplaintStepRecord {
                at: self.now(),
                actor: username.to_owned(),
                step: if t.to_leadership {
                    "leadership".into()
                } else {
                    step.code().into()
                },
                note: note.to_owned(),
            },
            substantiated: (step == ComplaintStep::Handle)
                .then_some(req.substantiated)
                .flatten(),
            finding: (step == ComplaintStep::Handle).then(|| note.to_owned()),
            answer: (step == ComplaintStep::Answer).then(|| note.to_owned()),
            complainant_accepted: match step {
                ComplaintStep::Answer => req.accepted,
                ComplaintStep::Reject => Some(false),
                _ => None,
            },
            reopened: t.reopened.then_some(true),
            escalation: t
                .to_leadership
                .then(|| "投诉人再次不认可答复，提请领导处理".to_owned()),
            rectification,
        };
        let changed = self.store.change_complaint(&change).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(
                crate::Conflict::ChangedMeanwhile,
                "该投诉刚被他人处理，请刷新后再试".into(),
            ),
            other => not_found(other),
        })?;
        self.audit(
            &actor,
            &format!("complaint.{}", step.code()),
            &c.id.to_string(),
            &format!("{} {note}", changed.number),
        )
        .await?;
        Ok(changed)
    }

    /// Public progress by the query code (throttled like every public lookup).
    #[tracing::instrument(skip_all)]
    pub async fn complaint_progress(&self, code: &str, client: &str) -> AppResult<ComplaintProgress> {
        let guards = self.lookup_guards("lookup.complaint", None, client);
        self.check_guards(&guards).await?;
        let found = self.find_progress(code).await;
        if matches!(found, Err(AppError::NotFound(_))) {
            self.record_guards(&guards).await?;
        }
        found
    }

    async fn find_progress(&self, code: &str) -> AppResult<ComplaintProgress> {
        let unknown = || AppError::NotFound("没有查到该投诉，请核对查询码".into());
        let code = domain::case::normalize_query_code(code).ok_or_else(unknown)?;
        let (c, steps) = self
            .store
            .complaint_by_query_code(&code)
            .await
            .map_err(|_| unknown())?;
        let complainant = match (&c.name_sealed, c.anonymous) {
            (Some(sealed), false) => mask_name(&self.cipher()?.open(NAME, sealed)?),
            _ => "匿名".to_owned(),
        };
        let tz = self.settings.time_zone();
        Ok(ComplaintProgress {
            awaiting_feedback: c.status == ComplaintStatus::Answered && c.complainant_accepted.is_none(),
            number: c.number,
            status: c.status,
            status_label: c.status.label(),
            category_label: c.category.label(),
            received_on: c.received_on,
            due: c.answer_due,
            complainant,
            answer: c.answer,
            steps: steps
                .iter()
                .map(|s| ProgressStep {
                    at: s.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                    step: rules::history_label(&s.step),
                })
                .collect(),
        })
    }

    /// The complainant says whether they accept the answer (认可 / 不认可),
    /// with the query code; 不认可 reopens the complaint once, then goes to
    /// the leadership.
    #[tracing::instrument(skip_all)]
    pub async fn complainant_feedback(
        &self,
        code: &str,
        accepted: bool,
        reason: &str,
        client: &str,
    ) -> AppResult<ComplaintProgress> {
        let guards = self.lookup_guards("lookup.complaint", None, client);
        self.check_guards(&guards).await?;
        let unknown = || AppError::NotFound("没有查到该投诉，请核对查询码".into());
        let Some(normal) = domain::case::normalize_query_code(code) else {
            self.record_guards(&guards).await?;
            return Err(unknown());
        };
        let Ok((c, _)) = self.store.complaint_by_query_code(&normal).await else {
            self.record_guards(&guards).await?;
            return Err(unknown());
        };
        if c.status != ComplaintStatus::Answered || c.complainant_accepted.is_some() {
            return Err(AppError::Conflict(
                crate::Conflict::WrongStatus,
                "该投诉当前不需要您评价答复".into(),
            ));
        }
        let reason = reason.trim();
        if reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "理由最多500字"));
        }
        let actor = Actor {
            username: "投诉人".into(),
            role: None,
        };
        if accepted {
            let change = ComplaintChange {
                id: c.id,
                from: c.status,
                to: c.status,
                step: ComplaintStepRecord {
                    at: self.now(),
                    actor: "投诉人".into(),
                    step: "feedback".into(),
                    note: if reason.is_empty() {
                        "投诉人认可答复".into()
                    } else {
                        format!("投诉人认可答复：{reason}")
                    },
                },
                substantiated: None,
                finding: None,
                answer: None,
                complainant_accepted: Some(true),
                reopened: None,
                escalation: None,
                rectification: None,
            };
            self.store.change_complaint(&change).await.map_err(not_found)?;
            self.audit(&actor, "complaint.feedback", &c.id.to_string(), "认可")
                .await?;
        } else {
            let note = if reason.is_empty() {
                "投诉人不认可答复".to_owned()
            } else {
                format!("投诉人不认可答复：{reason}")
            };
            self.apply_as(
                "投诉人",
                actor,
                &c,
                ComplaintStep::Reject,
                &note,
                &StepRequest::default(),
            )
            .await?;
        }
        self.find_progress(&normal).await
    }

    /// Marks late steps as escalated to the leadership (a background job).
    #[tracing::instrument(skip_all)]
    pub async fn escalate_overdue_complaints(&self) -> AppResult<usize> {
        let escalated = self
            .store
            .escalate_overdue_complaints(self.today(), self.now())
            .await?;
        if !escalated.is_empty() {
            let numbers: Vec<&str> = escalated.iter().map(|c| c.number.as_str()).collect();
            self.audit(&Actor::cli(), "complaint.escalate", "", &numbers.join(","))
                .await?;
        }
        Ok(escalated.len())
    }

    /// The complainant's phone masked (for the desk's confirmation), or none.
    pub fn masked_phone(&self, c: &Complaint) -> AppResult<Option<String>> {
        match &c.phone_sealed {
            Some(sealed) => Ok(Some(mask(&self.cipher()?.open(PHONE, sealed)?, 3, 4))),
            None => Ok(None),
        }
    }
}
