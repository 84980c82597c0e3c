//! 办件全程时间线 (issue 17): one timeline from the ticket taken at the kiosk
//! to the case accepted from it, every step of the case (受理、一次性告知、
//! 补正、暂停/恢复、延期、决定、办结、送达), the documents those steps issue,
//! the SMS sent about it and its evaluations. It reads the records each
//! capability keeps (tickets and their calls, case steps, the SMS outbox,
//! evaluations) and copies nothing. Staff see it whole (`case_timeline`);
//! the applicant sees a citizen-safe version on the progress page
//! (`public_progress`): no staff names, no SMS texts, the name masked.

use crate::Hall;
use crate::auth::{Session, require};
use crate::case::{CaseService, Progress, SMS_STEPS};
use crate::{AppError, AppResult};
use domain::case::{CaseStatus, Handling};
use domain::evaluation::{Channel, Level, SmsKind, SmsStatus};
use domain::permission::Permission;
use domain::timeline::{TimelineDocument, TimelineKind, sort_events};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use store::StoreError;
use store::case::CaseRecord;
use store::timeline::TimelineStore;
use uuid::Uuid;

/// One event of a case's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEvent {
    /// Stable code: ticket, call, recall, served, accepted, notice,
    /// supplemented, paused, resumed, reviewed, decided, extended, completed,
    /// delivered, refused, step, sms, evaluation.
    pub kind: TimelineKind,
    pub at: Timestamp,
    /// What happened, in Chinese.
    pub label: String,
    /// The case (or 一件事 sub-case) the event belongs to; none for the ticket's.
    pub case_number: Option<String>,
    /// The window it happened at, where known.
    pub window: Option<String>,
    /// The staff member's username and name (经办人), where known.
    pub staff: Option<String>,
    pub staff_name: Option<String>,
    /// The step's reason or note, the SMS text, the evaluation's reasons and comment.
    pub note: String,
    /// The status a case step left the case in.
    pub status: Option<CaseStatus>,
    /// The document the step issues (一次性告知书, 受理回执, 决定书…).
    pub document: Option<TimelineDocument>,
    pub document_label: Option<&'static str>,
    /// Evaluations: channel and level.
    pub channel: Option<Channel>,
    pub level: Option<Level>,
    /// SMS: its kind and whether the gateway has sent it.
    pub sms_kind: Option<SmsKind>,
    pub sms_status: Option<SmsStatus>,
}

impl TimelineEvent {
    fn new(kind: TimelineKind, at: Timestamp) -> TimelineEvent {
        TimelineEvent {
            kind,
            at,
            label: kind.label().to_owned(),
            case_number: None,
            window: None,
            staff: None,
            staff_name: None,
            note: String::new(),
            status: None,
            document: None,
            document_label: None,
            channel: None,
            level: None,
            sms_kind: None,
            sms_status: None,
        }
    }
}

/// A case's timeline as staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseTimeline {
    pub case_id: Uuid,
    pub number: String,
    pub item: String,
    pub status: CaseStatus,
    pub status_label: &'static str,
    pub events: Vec<TimelineEvent>,
}

/// One event as the applicant sees it: no staff, no SMS texts.
#[derive(Debug, Clone, Serialize)]
pub struct PublicEvent {
    pub kind: TimelineKind,
    pub at: Timestamp,
    /// Local time (Asia/Shanghai), for the page.
    pub at_local: String,
    pub label: String,
    pub window: Option<String>,
    /// Only the notes owed to the applicant (why the clock stopped, why the
    /// deadline moved, what to bring, why refused).
    pub note: String,
}

/// The public progress with its timeline and whether the case can be rated.
#[derive(Debug, Clone, Serialize)]
pub struct CaseProgressView {
    #[serde(flatten)]
    pub progress: Progress,
    /// The case's id, for the rating form (`POST /api/evaluations`).
    pub case_id: Uuid,
    pub timeline: Vec<PublicEvent>,
    /// Completed and not yet rated online: the page offers the rating form.
    pub can_rate: bool,
    /// Already rated online.
    pub rated: bool,
}

/// 办件全程时间线 service: reads cases, the queue and the records about them.
#[derive(Clone)]
pub struct CaseTimelineService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn TimelineStore>,
    /// 网上申报: the online application a case came from, and its steps.
    pub(crate) applications: Arc<dyn store::application::ApplicationStore>,
    pub(crate) cases: CaseService,
    pub(crate) queue: crate::queue::QueueService,
}

impl CaseTimelineService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::Store>,
        cases: CaseService,
        queue: crate::queue::QueueService,
    ) -> CaseTimelineService {
        CaseTimelineService {
            hall,
            applications: store.clone(),
            store,
            cases,
            queue,
        }
    }

    /// The whole timeline of a case, for the staff who handled it, its
    /// department's liaison and the 督查科 (unknown → 404, outside → 403).
    #[tracing::instrument(skip_all)]
    pub async fn case_timeline(&self, session: &Session, id: Uuid) -> AppResult<CaseTimeline> {
        require(session, Permission::CaseTimeline)?;
        let c = self.cases.store.case_by_id(id).await.map_err(not_found)?;
        self.cases.case_scope(session).await?.check(&c)?;
        let events = self.gather(&c).await?;
        Ok(CaseTimeline {
            case_id: c.id,
            number: c.number,
            item: c.item_name,
            status: c.status,
            status_label: c.status.label(),
            events,
        })
    }

    /// Public progress (throttled like [`CaseService::case_progress`]) with
    /// the citizen-safe timeline and the rating offer.
    #[tracing::instrument(skip_all)]
    pub async fn public_progress(
        &self,
        number: Option<&str>,
        phone_last4: Option<&str>,
        code: Option<&str>,
        client: &str,
    ) -> AppResult<CaseProgressView> {
        let progress = self
            .cases
            .case_progress(number, phone_last4, code, client)
            .await?;
        let c = self
            .cases
            .store
            .case_by_number(&progress.number)
            .await
            .map_err(not_found)?;
        let events = self.gather(&c).await?;
        let rated = events
            .iter()
            .any(|e| e.kind == TimelineKind::Evaluation && e.channel == Some(Channel::Online));
        let tz = self.settings.time_zone();
        let timeline = events
            .into_iter()
            .filter(|e| e.kind.public())
            .map(|e| PublicEvent {
                kind: e.kind,
                at: e.at,
                at_local: e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                label: e.label,
                window: e.window,
                note: if e.kind.public_note() {
                    e.note
                } else {
                    String::new()
                },
            })
            .collect();
        Ok(CaseProgressView {
            can_rate: c.status.is_completed() && !rated && !c.imported,
            rated,
            case_id: c.id,
            timeline,
            progress,
        })
    }

    /// Every event of a case (and, for a 一件事, of its sub-cases), in order.
    async fn gather(&self, c: &CaseRecord) -> AppResult<Vec<TimelineEvent>> {
        let mut family = vec![c.clone()];
        if c.handling == Handling::Bundle {
            family.extend(self.cases.store.sub_cases(c.id).await?);
        }
        let mut names = Names::default();
        let mut events = Vec::new();
        // The ticket it came from: taken, called (and recalled), served.
        let ticket = match c.ticket_id {
            Some(id) => match self.queue.store.ticket(id).await {
                Ok(t) => Some(t),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        if let Some(t) = &ticket {
            let category = self
                .queue
                .cached_categories()
                .await?
                .iter()
                .find(|k| k.prefix == t.category)
                .map(|k| k.name.clone())
                .unwrap_or_else(|| t.category.clone());
            let mut e = TimelineEvent::new(TimelineKind::Ticket, t.taken_at);
            e.label = format!("取号 {}", t.number);
            e.note = format!(
                "{category}{}",
                t.priority
                    .map(|p| format!("（绿色通道：{}）", p.label()))
                    .unwrap_or_default()
            );
            events.push(e);
            let staff = t.called_by.clone();
            for call in self.store.ticket_calls(t.id).await? {
                let kind = match call.kind {
                    domain::queue::CallKind::Call => TimelineKind::Call,
                    domain::queue::CallKind::Recall => TimelineKind::Recall,
                };
                let mut e = TimelineEvent::new(kind, call.at);
                e.label = format!("{} {} 请到{}号窗口", kind.label(), call.number, call.window);
                e.window = Some(call.window);
                self.who(&mut e, staff.as_deref(), &mut names).await?;
                events.push(e);
            }
            if let Some(finished) = t.finished_at {
                let mut e = TimelineEvent::new(TimelineKind::Served, finished);
                e.window = t.window.clone();
                self.who(&mut e, staff.as_deref(), &mut names).await?;
                events.push(e);
            }
        }
        // The online application it came from (网上申报): submitted, 补正, resubmitted, passed on.
        if let Some(a) = self.applications.application_of_case(c.id).await? {
            for step in self.applications.application_events(a.id).await? {
                let label = match step.action.as_str() {
                    "submit" => format!("网上申报提交 {}", a.number),
                    "supplement_notice" => "网上预审：一次性告知补正".to_owned(),
                    "resubmit" => "网上补正后重新提交".to_owned(),
                    "accept" => "网上预审通过，转窗口受理".to_owned(),
                    _ => continue,
                };
                let mut e = TimelineEvent::new(TimelineKind::Application, step.at);
                e.label = label;
                e.note = step.note;
                if step.action == "supplement_notice" || step.action == "accept" {
                    self.who(&mut e, Some(&step.actor), &mut names).await?;
                }
                events.push(e);
            }
        }
        // Every step of each case of the family, with the document it issues.
        for case in &family {
            for step in self.cases.store.case_events(case.id).await? {
                let kind = TimelineKind::of_case_action(&step.action);
                let mut e = TimelineEvent::new(kind, step.at);
                if kind == TimelineKind::Step {
                    e.label = step.action.clone();
                }
                if kind == TimelineKind::Decided {
                    e.label = match case.approved {
                        Some(true) => "作出决定：准予".into(),
                        Some(false) => "作出决定：不予许可".into(),
                        None => e.label,
                    };
                }
                e.case_number = Some(case.number.clone());
                e.window = Some(case.window.clone()).filter(|w| !w.is_empty());
                e.note = step.note;
                e.status = Some(step.status);
                e.document = TimelineDocument::of_step(kind, step.status, case.approved);
                e.document_label = e.document.map(TimelineDocument::label);
                self.who(&mut e, Some(&step.actor), &mut names).await?;
                events.push(e);
            }
        }
        // The SMS about the cases (办件进度) and about the ticket.
        let keys: Vec<String> = family
            .iter()
            .flat_map(|case| {
                SMS_STEPS
                    .iter()
                    .map(move |step| SmsKind::CaseStatus.dedupe_key(&format!("{}:{step}", case.number)))
            })
            .collect();
        for m in self.store.sms_about(&keys, c.ticket_id).await? {
            let mut e = TimelineEvent::new(TimelineKind::Sms, m.queued_at);
            e.label = format!("短信：{}", m.kind.label());
            e.note = m.body;
            e.sms_kind = Some(m.kind);
            e.sms_status = Some(m.status);
            events.push(e);
        }
        // Its evaluations, and the evaluation of its ticket's service.
        let ids: Vec<Uuid> = family.iter().map(|f| f.id).collect();
        for ev in self.store.evaluations_about(&ids, c.ticket_id).await? {
            let mut e = TimelineEvent::new(TimelineKind::Evaluation, ev.rated_at);
            e.label = format!(
                "评价：{}（{}{}）",
                ev.level.label(),
                ev.channel.label(),
                if ev.case_id.is_some() {
                    "，评办件"
                } else {
                    "，评窗口服务"
                }
            );
            e.case_number = family
                .iter()
                .find(|f| Some(f.id) == ev.case_id)
                .map(|f| f.number.clone());
            e.window = Some(ev.window.clone()).filter(|w| !w.is_empty());
            let mut note = ev.reasons.join("、");
            if !ev.comment.is_empty() {
                if !note.is_empty() {
                    note.push('；');
                }
                note.push_str(&ev.comment);
            }
            if ev.excluded {
                note.push_str("（申诉成立，不计入统计）");
            }
            e.note = note;
            e.channel = Some(ev.channel);
            e.level = Some(ev.level);
            self.who(&mut e, Some(&ev.staff), &mut names).await?;
            events.push(e);
        }
        sort_events(&mut events, |e| (e.at, e.kind));
        Ok(events)
    }

    /// Sets the staff member of an event (username and name), if any.
    async fn who(&self, e: &mut TimelineEvent, username: Option<&str>, names: &mut Names) -> AppResult<()> {
        let Some(u) = username.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(());
        };
        let name = match names.0.get(u) {
            Some(n) => n.clone(),
            None => {
                let n = self.staff_name(u).await?;
                names.0.insert(u.to_owned(), n.clone());
                n
            }
        };
        e.staff = Some(u.to_owned());
        e.staff_name = Some(name);
        Ok(())
    }
}

/// Staff names already looked up.
#[derive(Default)]
struct Names(HashMap<String, String>);

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("办件不存在".into()),
        other => other.into(),
    }
}
