//! What every service shares (大厅公共部分): the settings, the clock, the
//! audit log, the working-day calendar, the published catalog and the
//! security throttles. Each service holds a `Hall` and derefs to it, so a
//! use case reads `self.today()`, `self.calendar()`, `self.published()` and
//! writes `self.audit(…)` whatever its capability.

use crate::{AppError, AppResult, Clock, Conflict, Settings, calendar, catalog};
use domain::search::Tokenizer;
use std::sync::Arc;
use store::evaluation::{OutboxMessage, SmsOutboxStore};
use store::{AccountStore, AttachmentStore, AuditStore, CalendarStore, CatalogStore, ThrottleStore};

#[derive(Clone)]
pub struct Hall {
    pub settings: Arc<Settings>,
    clock: Arc<dyn Clock>,
    pub(crate) audit_store: Arc<dyn AuditStore>,
    pub(crate) calendar_store: Arc<dyn CalendarStore>,
    pub(crate) calendar_cache: Arc<calendar::CalendarCache>,
    pub(crate) catalog_store: Arc<dyn CatalogStore>,
    pub(crate) catalog_cache: Arc<catalog::PublishedCache>,
    pub(crate) attachment_store: Arc<dyn AttachmentStore>,
    pub(crate) tokenizer: Arc<Tokenizer>,
    pub(crate) throttle_store: Arc<dyn ThrottleStore>,
    pub(crate) outbox_store: Arc<dyn SmsOutboxStore>,
    /// Read only, for the names of the staff on what people read.
    pub(crate) people: Arc<dyn AccountStore>,
    /// issue 15 part 5: the register's lookup and the refused attempts, for
    /// the hooks where tickets are taken and slots booked (`crate::scalper`).
    pub(crate) scalper_store: Arc<dyn store::scalper::ScalperStore>,
    // issue 18: dashboard
    /// 大厅变动: bumped after a ticket is taken or called, a case accepted, an
    /// evaluation recorded, so the live dashboard recomputes at once.
    pub(crate) changes: Arc<crate::dashboard::HallChanges>,
}

impl Hall {
    pub(crate) fn new(store: Arc<dyn store::Store>, settings: Settings, clock: Arc<dyn Clock>) -> Hall {
        Hall {
            settings: Arc::new(settings),
            clock,
            audit_store: store.clone(),
            calendar_store: store.clone(),
            calendar_cache: Arc::default(),
            catalog_store: store.clone(),
            catalog_cache: Arc::default(),
            attachment_store: store.clone(),
            tokenizer: Arc::new(Tokenizer::default()),
            throttle_store: store.clone(),
            outbox_store: store.clone(),
            scalper_store: store.clone(),
            people: store,
            // issue 18: dashboard
            changes: Arc::default(),
        }
    }

    /// The instant now, from the application's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Whether the hall takes tickets now, and what the kiosk says.
    pub async fn opening(&self) -> AppResult<Opening> {
        use domain::opening_hours::OpenState;
        let hours = &self.settings.hours;
        let summary = hours.summary();
        if !hours.enabled.0 {
            return Ok(Opening {
                open: true,
                message: String::new(),
                summary,
            });
        }
        let rule = hours
            .opening_hours()
            .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?;
        let now = self.now().to_zoned(self.settings.time_zone());
        let calendar = self.calendar().await?;
        Ok(match rule.state_at(&calendar, now.date(), now.time())? {
            OpenState::Open { .. } => Opening {
                open: true,
                message: String::new(),
                summary,
            },
            OpenState::Closed { next } => {
                let today_open = !rule.periods_of(&calendar, now.date())?.is_empty();
                let head = if today_open {
                    "现在不在办公时间"
                } else {
                    "今日不办公"
                };
                let message = match next {
                    Some((date, period)) if date == now.date() => {
                        format!("{head}，今天{}开始办理", period.start.strftime("%H:%M"))
                    }
                    Some((date, period)) => format!(
                        "{head}，下次办公：{}月{}日（{}）{}",
                        date.month(),
                        date.day(),
                        weekday_name(date.weekday()),
                        period.start.strftime("%H:%M")
                    ),
                    None => head.to_owned(),
                };
                Opening {
                    open: false,
                    message,
                    summary,
                }
            }
        })
    }

    /// Refuses with `closed` outside the opening hours (unless they are off).
    pub async fn check_open(&self) -> AppResult<()> {
        let opening = self.opening().await?;
        if opening.open {
            Ok(())
        } else {
            Err(AppError::conflict(
                Conflict::Closed,
                format!("{}。办公时间：{}", opening.message, opening.summary),
            ))
        }
    }

    /// Queues one SMS (短信) of `kind` about `subject` (once per kind and
    /// subject; false when it was already queued). The phone stays sealed.
    pub async fn send_sms(
        &self,
        kind: domain::evaluation::SmsKind,
        subject: &str,
        ticket_id: Option<uuid::Uuid>,
        phone_sealed: &str,
        body: String,
    ) -> AppResult<bool> {
        let message = OutboxMessage {
            id: uuid::Uuid::now_v7(),
            kind,
            dedupe_key: kind.dedupe_key(subject),
            ticket_id,
            phone_sealed: phone_sealed.to_owned(),
            body: format!("【{}】{body}", self.settings.hall.name),
            queued_at: self.now(),
            status: domain::evaluation::SmsStatus::Queued,
        };
        Ok(self.outbox_store.queue_sms(&message).await?)
    }

    /// A staff member's name (姓名) as citizens and the director read it; the
    /// username when the account is gone (a historical import), empty for none.
    pub async fn staff_name(&self, username: &str) -> AppResult<String> {
        if username.trim().is_empty() {
            return Ok(String::new());
        }
        Ok(match self.people.user_by_username(username).await? {
            Some(c) if !c.user.display_name.trim().is_empty() => c.user.display_name,
            _ => username.to_owned(),
        })
    }

    /// Today in the hall's time zone.
    pub fn today(&self) -> jiff::civil::Date {
        self.now().to_zoned(self.settings.time_zone()).date()
    }
}

/// A capability's service: its own store and the shared [`Hall`].
macro_rules! service_derefs_to_hall {
    ($($service:ty),*) => {$(
        impl std::ops::Deref for $service {
            type Target = Hall;
            fn deref(&self) -> &Hall {
                &self.hall
            }
        }
    )*};
}

service_derefs_to_hall!(
    crate::complaint::ComplaintService,
    crate::queue::QueueService,
    crate::appointment::AppointmentService,
    crate::case::CaseService,
    crate::evaluation::EvaluationService,
    crate::rectification::RectificationService,
    crate::auth::AccountService,
    crate::home_visit::HomeVisitService,
    crate::pad::PadService,
    // Issue 15 part 2: inspections (督查).
    crate::inspection::InspectionService,
    // issue 15 part 5: scalpers
    crate::scalper::ScalperService
);

// issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
service_derefs_to_hall!(
    crate::morning_meeting::MorningMeetingService,
    crate::card::CardService,
    crate::duty_log::DutyLogService
);

// issue 16 part 7: campaigns
service_derefs_to_hall!(crate::campaign::CampaignService);
// issue 16: the monthly assessment
service_derefs_to_hall!(crate::assessment::AssessmentService);
// issue 17: 告知承诺制, 数据共享、电子证照
service_derefs_to_hall!(crate::commitment::CommitmentService);
// issue 17: online application (网上申报) and pre-review (预审)
service_derefs_to_hall!(crate::application::ApplicationService);
// issue 17: smart guide (智能导办)
service_derefs_to_hall!(crate::guide::GuideService);
// issue 18: reports
service_derefs_to_hall!(crate::hall_report::HallReportService);
// issue 18: dashboard
service_derefs_to_hall!(crate::dashboard::DashboardService);

/// The hall's state for the kiosk and the API: open now, or why not and when next.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Opening {
    pub open: bool,
    /// 今日不办公，下次办公：12月7日（周一）09:00 — empty while open.
    pub message: String,
    /// 周一至周五 09:00-12:00、13:30-17:30（法定节假日除外）
    pub summary: String,
}

/// 周一 … 周日.
pub fn weekday_name(day: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday::*;
    match day {
        Monday => "周一",
        Tuesday => "周二",
        Wednesday => "周三",
        Thursday => "周四",
        Friday => "周五",
        Saturday => "周六",
        Sunday => "周日",
    }
}

// issue 16 part 6: training
service_derefs_to_hall!(
    crate::training::TrainingService,
    crate::staff_profile::StaffProfileService
);

// issue 17: one timeline from ticket to case to evaluation
service_derefs_to_hall!(crate::case_timeline::CaseTimelineService);

// issue 18: staffing planner (动态调整窗口)
service_derefs_to_hall!(crate::staffing::StaffingService);
// issue 18: dashboard
impl Hall {
    /// Tells this instance's dashboard that the hall changed (cheap; no one
    /// listening is normal).
    pub fn hall_changed(&self) {
        self.changes.bump();
    }

    /// The signal itself, for a writer task that outlives the request.
    pub(crate) fn change_signal(&self) -> Arc<crate::dashboard::HallChanges> {
        self.changes.clone()
    }
}
