//! 月度考核 (issue 16): every staff member, window and department scored
//! each month from the records the hall already holds, each point traceable
//! to its record (`domain::assessment`); 定档 (freezing) by the leader, after
//! which late records change nothing and a re-score is an explicit, logged
//! act; 一票否决; the rotating red flag (流动红旗) and the service stars
//! (服务标兵), public; 三评 (党员互评、领导点评); the leader's 创新加分 and
//! incidents; the scheme's versions (admin).
//!
//! Who sees what: the month's lists — leadership (领导), the administrator
//! and the 督查科; one person's score — that person, their department's
//! liaison (部门负责人) and leadership; the red flag and stars — everyone.

use crate::auth::{Session, require};
use crate::card::parse_month;
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::Role;
use domain::assessment::{
    self as rules, Assessment, AwardDecision, BonusFact, CaseFact, CaseOutcome, ComplaintFact, ComplaintKind,
    CountedCase, CountedService, DepartmentInfo, EvaluationFact, ExamFact, Facts, FaultCardFact, Grade,
    IncidentFact, IncidentKind, InspectionFact, MeetingFact, MonthScores, Names, RectificationFact,
    ReviewFact, ReviewKind, Roster, Scheme, ServiceFact, StaffMember, SubjectLevel, WindowInfo,
    choose_awards, points,
};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use store::StoreError;
use store::assessment::{
    AssessmentLogEntry, AssessmentStore, Bonus, FrozenMonth, Incident, ResultQuery, Review, SchemeVersion,
};
use uuid::Uuid;

const MAX_TEXT: usize = 500;

/// A month (YYYY-MM) checked: its first and last day and its canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub text: String,
    pub first: Date,
    pub last: Date,
}

impl Month {
    pub fn parse(raw: &str) -> AppResult<Month> {
        let (first, last) = parse_month(raw)?;
        Ok(Month {
            text: first.strftime("%Y-%m").to_string(),
            first,
            last,
        })
    }

    pub fn of(date: Date) -> Month {
        let first = date.first_of_month();
        Month {
            text: first.strftime("%Y-%m").to_string(),
            first,
            last: first.last_of_month(),
        }
    }

    pub fn previous(&self) -> Month {
        Month::of(self.first.yesterday().unwrap_or(self.first))
    }
}

// ---------------------------------------------------------------- views

/// One record behind a part (`kind`: evaluation, ticket, case, inspection,
/// complaint, review, meeting, exam, bonus, import; for a veto also
/// rectification or incident).
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub kind: &'static str,
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    /// 群众评议, 办件效能, 督查, 投诉, 晨会与培训, 三评, 创新加分.
    pub name: &'static str,
    pub code: &'static str,
    pub points: f64,
    pub max: f64,
    /// How the points came about.
    pub detail: String,
    pub evidence: Vec<EvidenceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VetoView {
    pub cause: &'static str,
    pub label: &'static str,
    pub reason: String,
    pub evidence: EvidenceView,
}

/// One subject's month as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    /// Username, window number or department name.
    pub subject: String,
    pub name: String,
    /// Always the sum of the parts' points.
    pub score: f64,
    /// Stars, 1..=5 (评星定档).
    pub grade: u8,
    /// 五星（优秀）…一星（不合格）.
    pub grade_label: &'static str,
    pub stars: String,
    pub rank: u32,
    pub vetoed: bool,
    pub veto_reasons: Vec<String>,
    pub vetoes: Vec<VetoView>,
    pub parts: Vec<PartView>,
    /// The satisfaction rate of the month's valid evaluations.
    pub satisfaction: Option<f64>,
    pub volume: u64,
    pub evaluations: u64,
    /// 五星（优秀）this month and the two before (as frozen).
    pub excellent_streak: bool,
}

fn evidence_view(e: &rules::Evidence) -> EvidenceView {
    EvidenceView {
        kind: e.kind.code(),
        id: e.id,
    }
}

impl AssessmentView {
    pub fn of(a: &Assessment, streak: bool) -> AssessmentView {
        AssessmentView {
            subject: a.subject.clone(),
            name: a.name.clone(),
            score: points(a.score),
            grade: a.grade.stars(),
            grade_label: a.grade.label(),
            stars: a.grade.symbols(),
            rank: a.rank,
            vetoed: a.vetoed,
            veto_reasons: a.vetoes.iter().map(|v| v.reason.clone()).collect(),
            vetoes: a
                .vetoes
                .iter()
                .map(|v| VetoView {
                    cause: v.cause.code(),
                    label: v.cause.label(),
                    reason: v.reason.clone(),
                    evidence: evidence_view(&v.evidence),
                })
                .collect(),
            parts: a
                .parts
                .iter()
                .map(|p| PartView {
                    name: p.kind.label(),
                    code: p.kind.code(),
                    points: points(p.points),
                    max: points(p.max),
                    detail: p.detail.clone(),
                    evidence: p.evidence.iter().map(evidence_view).collect(),
                })
                .collect(),
            satisfaction: a.satisfaction,
            volume: a.volume,
            evaluations: a.evaluations,
            excellent_streak: streak,
        }
    }
}

/// A month's list at one level.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentList {
    pub month: String,
    pub level: &'static str,
    /// 定档: frozen by the leader; late records no longer change it.
    pub frozen: bool,
    pub frozen_by: Option<String>,
    pub frozen_at: Option<jiff::Timestamp>,
    pub rescores: i64,
    /// The scheme version the month is scored with (0: the default).
    pub scheme_version: i64,
    pub items: Vec<AssessmentView>,
}

/// The red flag of a month (流动红旗).
#[derive(Debug, Clone, Serialize)]
pub struct RedFlag {
    pub month: String,
    /// The window's number, or none when no window qualifies.
    pub window: Option<String>,
    pub name: Option<String>,
    pub score: Option<f64>,
    pub satisfaction: Option<f64>,
    pub volume: Option<u64>,
    pub runner_up: Option<ContenderView>,
    pub reasons: Vec<String>,
    pub frozen: bool,
    /// The fewest services a window needs (the scheme's).
    pub min_volume: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContenderView {
    pub subject: String,
    pub name: String,
    pub score: f64,
    pub satisfaction: Option<f64>,
    pub volume: u64,
}

impl ContenderView {
    fn of(c: &rules::Contender) -> ContenderView {
        ContenderView {
            subject: c.subject.clone(),
            name: c.name.clone(),
            score: points(c.score),
            satisfaction: c.satisfaction,
            volume: c.volume,
        }
    }
}

/// The service stars of a month (服务标兵).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceStars {
    pub month: String,
    pub stars: Vec<ContenderView>,
    pub runner_up: Option<ContenderView>,
    pub reasons: Vec<String>,
    pub frozen: bool,
    pub min_volume: u64,
}

/// The scheme in force and its history.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeView {
    /// The month asked about (this month by default).
    pub month: String,
    /// 0: the default scheme.
    pub version: i64,
    pub scheme: Scheme,
    pub versions: Vec<SchemeVersionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchemeVersionView {
    pub version: i64,
    pub effective_from: String,
    pub note: String,
    pub created_by: String,
    pub created_at: jiff::Timestamp,
}

/// A review as shown: to the person reviewed without the peer's name.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub id: Uuid,
    pub month: String,
    pub staff: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// The reviewer's username (hidden from the person for a peer review).
    pub reviewer: Option<String>,
    pub score: i64,
    pub comment: String,
    pub created_at: jiff::Timestamp,
}

/// What the leader entered for a month: 创新加分 and incidents.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderEntries {
    pub month: String,
    pub bonuses: Vec<Bonus>,
    pub incidents: Vec<Incident>,
    pub log: Vec<AssessmentLogEntry>,
}

/// A new review.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub month: String,
    pub staff: String,
    pub kind: String,
    pub score: i64,
    pub comment: String,
}

/// A new bonus or incident.
#[derive(Debug, Clone)]
pub struct EntryInput {
    pub month: String,
    pub level: String,
    pub subject: String,
    /// A bonus's points.
    pub points: f64,
    /// An incident's kind (discipline, safety).
    pub kind: String,
    /// YYYY-MM-DD, an incident's date (default: today, or the month's last day).
    pub date: Option<String>,
    /// The bonus's reason or the incident's description.
    pub text: String,
}

/// The red flag and stars of a month, as the display, the portal and the
/// certificates show them.
#[derive(Debug, Clone, Serialize)]
pub struct Honours {
    pub month: String,
    /// 2026年2月
    pub month_label: String,
    pub red_flag: RedFlag,
    pub stars: ServiceStars,
}

/// How long the display and the portal reuse a month's honours.
const HONOURS_SECONDS: u64 = 60;

/// 月度考核 service.
#[derive(Clone)]
pub struct AssessmentService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn AssessmentStore>,
    pub(crate) queue: crate::queue::QueueService,
    /// The month's exam attempts (培训考试, issue 16 part 6).
    pub(crate) training: Arc<dyn store::training::TrainingStore>,
    /// The honours shown on the displays and the portal, per month, for a
    /// minute (a thousand displays do not score the month a thousand times).
    honours_cache: Arc<std::sync::Mutex<HashMap<String, (std::time::Instant, Honours)>>>,
}

fn map_error(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { what } if what == "review_duplicate" => {
            AppError::conflict(Conflict::AlreadyExists, "本月已评议过此人，每人每月只能评议一次")
        }
        StoreError::Conflict { what } if what == "assessment_frozen" => AppError::conflict(
            Conflict::WrongStatus,
            "该月已定档；如需重新评分请使用“重新评分”并说明理由",
        ),
        StoreError::NotFound(what) if what == "assessment month" => {
            AppError::conflict(Conflict::WrongStatus, "该月尚未定档，无需重新评分")
        }
        other => other.into(),
    }
}

fn text(field: &str, label: &str, raw: &str, required: bool) -> AppResult<String> {
    let v = raw.trim();
    if required && v.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{label}")));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(field, format!("{label}最多{MAX_TEXT}个字")));
    }
    Ok(v.to_owned())
}

fn parse_level(raw: &str) -> AppResult<SubjectLevel> {
    SubjectLevel::parse(raw)
        .ok_or_else(|| AppError::invalid("level", "level 应为 staff、window 或 department"))
}

fn is_leadership(role: Role) -> bool {
    role.can(Permission::AssessmentRead)
}

impl AssessmentService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn AssessmentStore>,
        training: Arc<dyn store::training::TrainingStore>,
        queue: crate::queue::QueueService,
    ) -> AssessmentService {
        AssessmentService {
            hall,
            store,
            training,
            queue,
            honours_cache: Arc::default(),
        }
    }

    fn forget_honours(&self) {
        if let Ok(mut c) = self.honours_cache.lock() {
            c.clear();
        }
    }

    /// The red flag and stars of a month (default: the month before this
    /// one, the last complete month), reused for a minute.
    #[tracing::instrument(skip_all)]
    pub async fn honours(&self, month: Option<&str>) -> AppResult<Honours> {
        let month = match month.map(str::trim).filter(|s| !s.is_empty()) {
            Some(m) => Month::parse(m)?,
            None => Month::of(self.today()).previous(),
        };
        if let Ok(c) = self.honours_cache.lock()
            && let Some((at, h)) = c.get(&month.text)
            && at.elapsed().as_secs() < HONOURS_SECONDS
        {
            return Ok(h.clone());
        }
        let (frozen, scheme, flag, stars) = self.red_flag_and_stars(&month).await?;
        let w = flag.winners.first();
        let honours = Honours {
            month_label: format!("{}年{}月", month.first.year(), month.first.month()),
            red_flag: RedFlag {
                month: month.text.clone(),
                window: w.map(|c| c.subject.clone()),
                name: w.map(|c| c.name.clone()),
                score: w.map(|c| points(c.score)),
                satisfaction: w.and_then(|c| c.satisfaction),
                volume: w.map(|c| c.volume),
                runner_up: flag.runner_up.as_ref().map(ContenderView::of),
                reasons: flag.reasons,
                frozen,
                min_volume: scheme.awards.min_volume,
            },
            stars: ServiceStars {
                month: month.text.clone(),
                stars: stars.winners.iter().map(ContenderView::of).collect(),
                runner_up: stars.runner_up.as_ref().map(ContenderView::of),
                reasons: stars.reasons,
                frozen,
                min_volume: scheme.awards.min_volume,
            },
            month: month.text,
        };
        if let Ok(mut c) = self.honours_cache.lock() {
            if c.len() > 24 {
                c.clear();
            }
            c.insert(
                honours.month.clone(),
                (std::time::Instant::now(), honours.clone()),
            );
        }
        Ok(honours)
    }

    /// A month given by the caller, or this month.
    pub fn month_or_current(&self, raw: Option<&str>) -> AppResult<Month> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            Some(m) => Month::parse(m),
            None => Ok(Month::of(self.today())),
        }
    }

    // ---------------------------------------------------------------- scheme

    /// The scheme a month is scored with: the latest version effective on
    /// or before it, else the default (version 0).
    pub async fn scheme_for(&self, month: &Month) -> AppResult<(i64, Scheme)> {
        let versions = self.store.scheme_versions().await?;
        let keys: Vec<(String, i64)> = versions
            .iter()
            .map(|v| (v.effective_from.clone(), v.version))
            .collect();
        match rules::version_in_force(&keys, &month.text) {
            Some((_, n)) => {
                let v = versions
                    .iter()
                    .find(|v| v.version == *n)
                    .ok_or_else(|| AppError::internal(std::io::Error::other("scheme version vanished")))?;
                let scheme: Scheme = serde_json::from_str(&v.body).map_err(AppError::internal)?;
                Ok((v.version, scheme))
            }
            None => Ok((0, Scheme::default())),
        }
    }

    /// The scheme in force for a month, and every saved version.
    #[tracing::instrument(skip_all)]
    pub async fn scheme(&self, session: &Session, month: Option<&str>) -> AppResult<SchemeView> {
        require(session, Permission::AssessmentRead)?;
        let month = self.month_or_current(month)?;
        let (version, scheme) = self.scheme_for(&month).await?;
        let versions = self.store.scheme_versions().await?;
        Ok(SchemeView {
            month: month.text,
            version,
            scheme,
            versions: versions.into_iter().map(version_view).collect(),
        })
    }

    /// Saves a new version of the scheme (admin), effective from a month no
    /// earlier than this one: a month already under way or past keeps the
    /// scheme it was scored with.
    #[tracing::instrument(skip_all)]
    pub async fn save_scheme(
        &self,
        session: &Session,
        effective_from: Option<&str>,
        scheme: Scheme,
        note: &str,
    ) -> AppResult<SchemeVersionView> {
        require(session, Permission::AssessmentScheme)?;
        let this_month = Month::of(self.today());
        let from = match effective_from {
            Some(m) => Month::parse(m)?,
            None => this_month.clone(),
        };
        if from.first < this_month.first {
            return Err(AppError::invalid(
                "effective_from",
                format!(
                    "生效月份不能早于本月（{}）：已过的月份按当时的方案评分",
                    this_month.text
                ),
            ));
        }
        scheme
            .validate()
            .map_err(|e| AppError::invalid(e.field, e.message))?;
        let note = text("note", "说明", note, false)?;
        let body = serde_json::to_string(&scheme).map_err(AppError::internal)?;
        let v = self
            .store
            .add_scheme_version(&from.text, &body, &note, &session.user.username, self.now())
            .await?;
        self.audit(
            &Actor::user(&session.user),
            "assessment.scheme",
            &format!("v{}", v.version),
            &format!("生效月份{}：{note}", from.text),
        )
        .await?;
        Ok(version_view(v))
    }

    // ---------------------------------------------------------------- scoring

    async fn roster(&self) -> AppResult<Roster> {
        let departments = self.departments().await?;
        let name_of: HashMap<&str, &str> = departments
            .iter()
            .map(|d| (d.code.as_str(), d.name.as_str()))
            .collect();
        let users = self.people.list_users().await?;
        let staff = users
            .iter()
            .filter(|u| u.role == Role::Staff && !u.disabled)
            .map(|u| StaffMember {
                username: u.username.clone(),
                name: if u.display_name.trim().is_empty() {
                    u.username.clone()
                } else {
                    u.display_name.clone()
                },
                department: u
                    .department
                    .as_deref()
                    .and_then(|c| name_of.get(c))
                    .map(|n| (*n).to_owned()),
            })
            .collect();
        let windows = self.queue.cached_windows().await?;
        let categories = self.queue.cached_categories().await?;
        let published = self.published().await?;
        let windows = windows
            .iter()
            .map(|w| {
                let deps: BTreeSet<String> = categories
                    .iter()
                    .filter(|c| w.categories.contains(&c.prefix))
                    .flat_map(|c| c.items.iter())
                    .filter_map(|code| published.item(code))
                    .map(|item| item.department.clone())
                    .collect();
                WindowInfo {
                    number: w.number.clone(),
                    name: w.name.clone(),
                    departments: deps.into_iter().collect(),
                    staff: w.staff.clone(),
                }
            })
            .collect();
        Ok(Roster {
            staff,
            windows,
            departments: departments
                .iter()
                .map(|d| DepartmentInfo {
                    code: d.code.clone(),
                    name: d.name.clone(),
                })
                .collect(),
        })
    }

    /// The month's facts, read concurrently from the records; with
    /// `evidence` false (issue 18), the evaluations, tickets and cases come
    /// counted from the database instead of one by one: the same scores, no
    /// evidence behind the volume, the cases and the evaluations.
    async fn facts(&self, month: &Month, evidence: bool) -> AppResult<Facts> {
        let (from, to, today) = (month.first, month.last, self.today());
        let s = &self.store;
        let one_by_one = async {
            if evidence {
                tokio::try_join!(
                    s.month_evaluations(from, to),
                    s.month_tickets(from, to),
                    s.month_cases(from, to, today),
                )
            } else {
                Ok((Vec::new(), Vec::new(), Vec::new()))
            }
        };
        let counted = async {
            if evidence {
                Ok((Vec::new(), Vec::new(), Vec::new()))
            } else {
                tokio::try_join!(
                    s.month_evaluation_counts(from, to),
                    s.month_ticket_counts(from, to),
                    s.month_case_counts(from, to, today),
                )
            }
        };
        let (
            (evaluations, tickets, cases),
            (evaluation_counts, ticket_counts, case_counts),
            inspections,
            complaints,
            meetings,
            rectifications,
            cards,
            exams,
        ) = tokio::try_join!(
            one_by_one,
            counted,
            s.month_inspections(from, to),
            s.month_complaints(from, to),
            s.month_meetings(from, to),
            s.month_rectifications(from, to),
            s.month_fault_cards(from, to),
            self.training.exam_results(from, to),
        )?;
        let (reviews, bonuses, incidents) = tokio::try_join!(
            s.reviews(&month.text, None),
            s.bonuses(&month.text),
            s.incidents(&month.text),
        )?;
        let departments = self.departments().await?;
        let dept_name: HashMap<&str, &str> = departments
            .iter()
            .map(|d| (d.code.as_str(), d.name.as_str()))
            .collect();
        let tz = self.settings.time_zone();

        let mut services: Vec<ServiceFact> = tickets
            .into_iter()
            .map(|t| ServiceFact {
                kind: rules::EvidenceKind::Ticket,
                id: t.id,
                names: Names {
                    staff: t.staff,
                    window: t.window,
                    department: String::new(),
                },
            })
            .collect();
        let mut case_facts = Vec::new();
        for c in cases {
            if c.accepted_on.is_some_and(|d| d >= from && d <= to) {
                services.push(ServiceFact {
                    kind: rules::EvidenceKind::Case,
                    id: c.id,
                    names: Names::of_case_service(c.has_ticket, &c.staff, &c.window, &c.department),
                });
            }
            let outcome = match (c.completed_on, c.deadline) {
                (Some(done), deadline) if done >= from && done <= to => {
                    if deadline.is_some_and(|d| done > d) {
                        Some(CaseOutcome::Late)
                    } else {
                        Some(CaseOutcome::OnTime)
                    }
                }
                (None, Some(d)) if d >= from && d <= to && d < today && !c.paused => {
                    Some(CaseOutcome::OpenOverdue)
                }
                _ => None,
            };
            if let Some(outcome) = outcome {
                case_facts.push(CaseFact {
                    id: c.id,
                    names: Names {
                        staff: c.staff,
                        window: c.window,
                        department: c.department,
                    },
                    outcome,
                });
            }
        }
        // issue 18: the counted facts, read as the records above are.
        let mut counted_services: Vec<CountedService> = ticket_counts
            .into_iter()
            .map(|t| CountedService {
                names: Names {
                    staff: t.staff,
                    window: t.window,
                    department: String::new(),
                },
                n: t.n.max(0) as u64,
            })
            .collect();
        let mut counted_cases = Vec::new();
        for c in case_counts {
            if c.accepted {
                counted_services.push(CountedService {
                    names: Names::of_case_service(c.has_ticket, &c.staff, &c.window, &c.department),
                    n: c.n.max(0) as u64,
                });
            }
            if let Some(outcome) = c.outcome {
                counted_cases.push(CountedCase {
                    names: Names {
                        staff: c.staff,
                        window: c.window,
                        department: c.department,
                    },
                    outcome,
                    n: c.n.max(0) as u64,
                });
            }
        }
        let evaluations = evaluations.into_iter().chain(evaluation_counts);
        Ok(Facts {
            counted_services,
            counted_cases,
            weeks: rules::weeks_in_month(from),
            evaluations: evaluations
                .map(|e| EvaluationFact {
                    ids: e.ids,
                    names: Names {
                        staff: e.staff,
                        window: e.window,
                        department: e.department,
                    },
                    level: e.level,
                    weight: e.weight.max(0) as u64,
                    imported: e.imported,
                    excluded: e.excluded,
                })
                .collect(),
            services,
            cases: case_facts,
            inspections: inspections
                .into_iter()
                .map(|i| InspectionFact {
                    id: i.id,
                    window: i.window,
                    department: i.department,
                    staff: i.staff,
                    deduction: if i.upheld { 0.0 } else { i.deduction },
                    unannounced: i.unannounced,
                    failed_items: if i.upheld { Vec::new() } else { i.failed_items },
                })
                .collect(),
            complaints: complaints
                .into_iter()
                .map(|c| ComplaintFact {
                    id: c.id,
                    number: c.number,
                    names: Names {
                        staff: c.staff,
                        window: c.window,
                        department: c.department,
                    },
                    kind: match c.category {
                        domain::complaint::ComplaintCategory::Attitude => ComplaintKind::Attitude,
                        domain::complaint::ComplaintCategory::Shirking => ComplaintKind::Shirking,
                        _ => ComplaintKind::Other,
                    },
                })
                .collect(),
            meetings: meetings
                .into_iter()
                .map(|m| MeetingFact {
                    id: m.id,
                    window: m.window,
                    department: m
                        .department
                        .map(|c| dept_name.get(c.as_str()).map(|n| (*n).to_owned()).unwrap_or(c)),
                    people: std::iter::once(m.host).chain(m.attendees).collect(),
                })
                .collect(),
            exams: exams_taken(exams),
            reviews: reviews
                .into_iter()
                .map(|r| ReviewFact {
                    id: r.id,
                    staff: r.staff,
                    kind: r.kind,
                    score: r.score.clamp(0, 10) as u8,
                })
                .collect(),
            bonuses: bonuses
                .into_iter()
                .map(|b| BonusFact {
                    id: b.id,
                    level: b.level,
                    subject: b.subject,
                    points: b.points,
                    reason: b.reason,
                })
                .collect(),
            rectifications: rectifications
                .into_iter()
                .filter_map(|r| {
                    let closed_on = r.updated_at.to_zoned(tz.clone()).date();
                    let closed_late = r.closed && closed_on > r.due_date;
                    let open_late = !r.closed && r.due_date < today;
                    (closed_late || open_late).then_some(RectificationFact {
                        id: r.id,
                        names: Names {
                            staff: r.staff,
                            window: r.window,
                            department: r.department,
                        },
                        more_staff: r.inspection_staff,
                        closed_late,
                    })
                })
                .collect(),
            fault_cards: cards
                .into_iter()
                .map(|c| FaultCardFact {
                    case_id: c.case_id,
                    case_number: c.case_number,
                    names: Names {
                        staff: c.staff,
                        window: c.window,
                        department: c.department,
                    },
                })
                .collect(),
            incidents: incidents
                .into_iter()
                .map(|i| IncidentFact {
                    id: i.id,
                    level: i.level,
                    subject: i.subject,
                    kind: i.kind,
                    description: i.description,
                })
                .collect(),
        })
    }

    /// Scores a month from the records as they are now.
    #[tracing::instrument(skip_all, fields(month = %month.text))]
    pub async fn score_live(&self, month: &Month) -> AppResult<(i64, Scheme, MonthScores)> {
        self.score_live_with(month, true).await
    }

    /// [`Self::score_live`]; without `evidence` (issue 18) from facts counted
    /// in the database: the same scores, grades, ranks, vetoes and awards,
    /// but no evidence behind the volume, the cases and the evaluations.
    async fn score_live_with(&self, month: &Month, evidence: bool) -> AppResult<(i64, Scheme, MonthScores)> {
        let (version, scheme) = self.scheme_for(month).await?;
        let (roster, facts) = tokio::try_join!(self.roster(), self.facts(month, evidence))?;
        let scores = tokio::task::spawn_blocking(move || {
            let s = rules::score_month(&scheme, &roster, &facts);
            (scheme, s)
        })
        .await
        .map_err(AppError::internal)?;
        Ok((version, scores.0, scores.1))
    }

    fn awards(scheme: &Scheme, scores: &MonthScores) -> (AwardDecision, AwardDecision) {
        let flag = choose_awards(&scores.windows, scheme.awards.min_volume, 1, "窗口");
        let stars = choose_awards(
            &scores.staff,
            scheme.awards.min_volume,
            scheme.awards.stars as usize,
            "",
        );
        (flag, stars)
    }

    /// The "优秀" streak: the subjects five-starred in both months before
    /// (as frozen).
    async fn streak_holders(&self, month: &Month, level: SubjectLevel) -> AppResult<BTreeSet<String>> {
        let m1 = month.previous();
        let m2 = m1.previous();
        let (g1, g2) = tokio::try_join!(
            self.store.frozen_grades(&m1.text, level),
            self.store.frozen_grades(&m2.text, level)
        )?;
        let five = |g: Vec<(String, i64)>| -> BTreeSet<String> {
            g.into_iter()
                .filter(|(_, s)| Grade::from_stars(*s) == Some(Grade::Five))
                .map(|(s, _)| s)
                .collect()
        };
        let a = five(g1);
        let b = five(g2);
        Ok(a.intersection(&b).cloned().collect())
    }

    async fn list(
        &self,
        month: &Month,
        level: SubjectLevel,
        subject: Option<&str>,
        evidence: bool,
    ) -> AppResult<AssessmentList> {
        let frozen = self.store.frozen_month(&month.text).await?;
        self.list_of(month, level, subject, evidence, frozen, None).await
    }

    /// [`Self::list`] once the month's frozen record was read, with the
    /// month's live scores when the caller already has them (not frozen).
    async fn list_of(
        &self,
        month: &Month,
        level: SubjectLevel,
        subject: Option<&str>,
        evidence: bool,
        frozen: Option<FrozenMonth>,
        live: Option<(i64, MonthScores)>,
    ) -> AppResult<AssessmentList> {
        let (version, items) = match &frozen {
            Some(f) => (
                f.scheme_version,
                self.store
                    .frozen_results(&ResultQuery {
                        month: month.text.clone(),
                        level,
                        subject: subject.map(str::to_owned),
                        evidence,
                    })
                    .await?,
            ),
            None => {
                let (version, scores) = match live {
                    Some(l) => l,
                    None => {
                        let (version, _, scores) = self.score_live(month).await?;
                        (version, scores)
                    }
                };
                let mut items = match level {
                    SubjectLevel::Staff => scores.staff,
                    SubjectLevel::Window => scores.windows,
                    SubjectLevel::Department => scores.departments,
                };
                if let Some(s) = subject {
                    items.retain(|a| a.subject == s);
                }
                (version, items)
            }
        };
        let streak = self.streak_holders(month, level).await?;
        Ok(AssessmentList {
            month: month.text.clone(),
            level: level.code(),
            frozen: frozen.is_some(),
            frozen_by: frozen.as_ref().map(|f| f.frozen_by.clone()),
            frozen_at: frozen.as_ref().map(|f| f.frozen_at),
            rescores: frozen.as_ref().map(|f| f.rescores).unwrap_or(0),
            scheme_version: version,
            items: items
                .iter()
                .map(|a| AssessmentView::of(a, a.grade == Grade::Five && streak.contains(&a.subject)))
                .collect(),
        })
    }

    /// A month's scores at one level (leadership, admin, 督查科): frozen
    /// results once frozen, else computed from the records now.
    #[tracing::instrument(skip_all)]
    pub async fn assessment(
        &self,
        session: &Session,
        month: Option<&str>,
        level: Option<&str>,
        subject: Option<&str>,
        evidence: bool,
    ) -> AppResult<AssessmentList> {
        require(session, Permission::AssessmentRead)?;
        let month = self.month_or_current(month)?;
        let level = parse_level(level.unwrap_or("staff"))?;
        self.list(
            &month,
            level,
            subject.map(str::trim).filter(|s| !s.is_empty()),
            evidence,
        )
        .await
    }

    /// One staff member's month: to the person, their department's liaison
    /// and leadership; with their reviews (a peer's name hidden from the person).
    #[tracing::instrument(skip_all)]
    pub async fn staff_assessment(
        &self,
        session: &Session,
        month: Option<&str>,
        username: Option<&str>,
    ) -> AppResult<(AssessmentList, Vec<ReviewView>)> {
        let me = &session.user;
        let username = username
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(&me.username)
            .to_owned();
        let own = username == me.username;
        if !own && !is_leadership(me.role) {
            let target = self.people.user_by_username(&username).await?;
            let same_department = me.role == Role::Liaison
                && me.department.is_some()
                && target.as_ref().map(|t| &t.user.department) == Some(&me.department);
            if !same_department {
                return Err(AppError::Forbidden(
                    "个人考核结果只向本人、所在部门负责人和领导公开".into(),
                ));
            }
        }
        let month = self.month_or_current(month)?;
        let list = self
            .list(&month, SubjectLevel::Staff, Some(&username), true)
            .await?;
        let reviews = self.store.reviews(&month.text, Some(&username)).await?;
        let hide_peers = own && !is_leadership(me.role);
        Ok((
            list,
            reviews.into_iter().map(|r| review_view(r, hide_peers)).collect(),
        ))
    }

    async fn red_flag_and_stars(
        &self,
        month: &Month,
    ) -> AppResult<(bool, Scheme, AwardDecision, AwardDecision)> {
        if let Some(f) = self.store.frozen_month(&month.text).await? {
            let (_, scheme) = self.scheme_for(month).await?;
            let flag: AwardDecision = serde_json::from_str(&f.red_flag).map_err(AppError::internal)?;
            let stars: AwardDecision = serde_json::from_str(&f.stars).map_err(AppError::internal)?;
            return Ok((true, scheme, flag, stars));
        }
        // The awards read scores, satisfaction, volume and vetoes, never the
        // evidence (issue 18): the facts come counted.
        let (_, scheme, scores) = self.score_live_with(month, false).await?;
        let (flag, stars) = Self::awards(&scheme, &scores);
        Ok((false, scheme, flag, stars))
    }

    /// 流动红旗 of a month (public): the highest-scoring window not vetoed
    /// with at least the minimum services; from the records now until frozen.
    #[tracing::instrument(skip_all)]
    pub async fn red_flag(&self, month: Option<&str>) -> AppResult<RedFlag> {
        let month = self.month_or_current(month)?;
        let (frozen, scheme, flag, _) = self.red_flag_and_stars(&month).await?;
        Ok(Self::red_flag_view(month, frozen, &scheme, flag))
    }

    fn red_flag_view(month: Month, frozen: bool, scheme: &Scheme, flag: AwardDecision) -> RedFlag {
        let w = flag.winners.first();
        RedFlag {
            month: month.text,
            window: w.map(|c| c.subject.clone()),
            name: w.map(|c| c.name.clone()),
            score: w.map(|c| points(c.score)),
            satisfaction: w.and_then(|c| c.satisfaction),
            volume: w.map(|c| c.volume),
            runner_up: flag.runner_up.as_ref().map(ContenderView::of),
            reasons: flag.reasons,
            frozen,
            min_volume: scheme.awards.min_volume,
        }
    }

    // issue 18: the hall's summary scores a month once
    /// A month's 流动红旗 and department scores (one department's line when
    /// `subject` is given), as [`Self::red_flag`] and [`Self::assessment`]
    /// answer them, with a month not frozen scored from the records once for
    /// both (the hall's summary; nothing is frozen or kept).
    pub async fn month_report(
        &self,
        session: &Session,
        month: &str,
        subject: Option<&str>,
    ) -> AppResult<(RedFlag, AssessmentList)> {
        require(session, Permission::AssessmentRead)?;
        let month = self.month_or_current(Some(month))?;
        let subject = subject.map(str::trim).filter(|s| !s.is_empty());
        let frozen = self.store.frozen_month(&month.text).await?;
        if frozen.is_some() {
            let flag = self.red_flag(Some(&month.text)).await?;
            let list = self
                .list_of(&month, SubjectLevel::Department, subject, false, frozen, None)
                .await?;
            return Ok((flag, list));
        }
        // Nobody reads the evidence here: the facts come counted.
        let (version, scheme, scores) = self.score_live_with(&month, false).await?;
        let (flag, _) = Self::awards(&scheme, &scores);
        let flag = Self::red_flag_view(month.clone(), false, &scheme, flag);
        let list = self
            .list_of(
                &month,
                SubjectLevel::Department,
                subject,
                false,
                None,
                Some((version, scores)),
            )
            .await?;
        Ok((flag, list))
    }

    /// 服务标兵 of a month (public).
    #[tracing::instrument(skip_all)]
    pub async fn service_stars(&self, month: Option<&str>) -> AppResult<ServiceStars> {
        let month = self.month_or_current(month)?;
        let (frozen, scheme, _, stars) = self.red_flag_and_stars(&month).await?;
        Ok(ServiceStars {
            month: month.text,
            stars: stars.winners.iter().map(ContenderView::of).collect(),
            runner_up: stars.runner_up.as_ref().map(ContenderView::of),
            reasons: stars.reasons,
            frozen,
            min_volume: scheme.awards.min_volume,
        })
    }

    async fn store_month(
        &self,
        session: &Session,
        month: &Month,
        rescore: bool,
        reason: &str,
    ) -> AppResult<FrozenMonth> {
        let (version, scheme, scores) = self.score_live(month).await?;
        let (flag, stars) = Self::awards(&scheme, &scores);
        let frozen = FrozenMonth {
            month: month.text.clone(),
            scheme_version: version,
            frozen_by: session.user.username.clone(),
            frozen_at: self.now(),
            rescores: 0,
            red_flag: serde_json::to_string(&flag).map_err(AppError::internal)?,
            stars: serde_json::to_string(&stars).map_err(AppError::internal)?,
        };
        let mut all = scores.staff;
        all.extend(scores.windows);
        all.extend(scores.departments);
        let log = AssessmentLogEntry {
            month: month.text.clone(),
            action: if rescore { "rescore" } else { "freeze" }.into(),
            actor: session.user.username.clone(),
            at: self.now(),
            reason: reason.to_owned(),
        };
        self.store
            .save_frozen_month(&frozen, &all, rescore, &log)
            .await
            .map_err(map_error)?;
        self.forget_honours();
        let winner = flag
            .winners
            .first()
            .map(|w| format!("流动红旗：窗口{}", w.subject))
            .unwrap_or_else(|| "流动红旗空缺".into());
        self.audit(
            &Actor::user(&session.user),
            if rescore {
                "assessment.rescore"
            } else {
                "assessment.freeze"
            },
            &month.text,
            &format!("方案v{version}；{winner}；{reason}"),
        )
        .await?;
        Ok(self.store.frozen_month(&month.text).await?.unwrap_or(frozen))
    }

    /// 定档: the leader freezes a month that has ended; its results, red
    /// flag and stars are kept as they are now.
    #[tracing::instrument(skip_all)]
    pub async fn freeze(&self, session: &Session, month: &str) -> AppResult<FrozenMonth> {
        require(session, Permission::AssessmentManage)?;
        let month = Month::parse(month)?;
        if month.last >= self.today() {
            return Err(AppError::invalid("month", "只能对已结束的月份定档"));
        }
        self.store_month(session, &month, false, "").await
    }

    /// 重新评分: replaces a frozen month's results with a score from the
    /// records now; needs a reason, and is logged and audited.
    #[tracing::instrument(skip_all)]
    pub async fn rescore(&self, session: &Session, month: &str, reason: &str) -> AppResult<FrozenMonth> {
        require(session, Permission::AssessmentManage)?;
        let month = Month::parse(month)?;
        let reason = text("reason", "重新评分的理由", reason, true)?;
        self.store_month(session, &month, true, &reason).await
    }

    // ---------------------------------------------------------------- 三评

    /// 党员互评 (a peer of the same department, once a month, never oneself)
    /// or 领导点评 (the leader), 0..10 with a comment.
    #[tracing::instrument(skip_all)]
    pub async fn add_review(&self, session: &Session, input: &ReviewInput) -> AppResult<ReviewView> {
        let kind = ReviewKind::parse(&input.kind)
            .ok_or_else(|| AppError::invalid("kind", "kind 应为 peer（党员互评）或 leader（领导点评）"))?;
        require(
            session,
            match kind {
                ReviewKind::Peer => Permission::ReviewPeer,
                ReviewKind::Leader => Permission::AssessmentManage,
            },
        )?;
        let me = &session.user;
        let staff = input.staff.trim();
        let score = rules::check_review(&me.username, staff, input.score)
            .map_err(|e| AppError::invalid(e.field, e.message))?;
        let month = Month::parse(&input.month)?;
        if month.first > self.today() {
            return Err(AppError::invalid("month", "不能评议尚未开始的月份"));
        }
        let target = self
            .people
            .user_by_username(staff)
            .await?
            .filter(|t| !t.user.disabled && t.user.role == Role::Staff)
            .ok_or_else(|| AppError::invalid("staff", format!("“{staff}”不是在用的窗口工作人员账号")))?;
        if kind == ReviewKind::Peer && me.role != Role::Admin && target.user.department != me.department {
            return Err(AppError::Forbidden("党员互评只评议本部门的同事".into()));
        }
        if self.store.frozen_month(&month.text).await?.is_some() {
            return Err(AppError::conflict(
                Conflict::WrongStatus,
                "该月已定档，不能再评议",
            ));
        }
        let comment = text("comment", "评语", &input.comment, false)?;
        let review = Review {
            id: Uuid::now_v7(),
            month: month.text.clone(),
            staff: staff.to_owned(),
            reviewer: me.username.clone(),
            kind,
            score: i64::from(score),
            comment,
            created_at: self.now(),
        };
        self.store.add_review(&review).await.map_err(map_error)?;
        self.audit(
            &Actor::user(me),
            "assessment.review",
            staff,
            &format!("{} {}：{}分", month.text, kind.label(), score),
        )
        .await?;
        Ok(review_view(review, false))
    }

    /// The reviews of a month (leadership); of one person.
    #[tracing::instrument(skip_all)]
    pub async fn reviews(
        &self,
        session: &Session,
        month: Option<&str>,
        staff: Option<&str>,
    ) -> AppResult<Vec<ReviewView>> {
        require(session, Permission::AssessmentRead)?;
        let month = self.month_or_current(month)?;
        let rows = self
            .store
            .reviews(&month.text, staff.map(str::trim).filter(|s| !s.is_empty()))
            .await?;
        Ok(rows.into_iter().map(|r| review_view(r, false)).collect())
    }

    // ---------------------------------------------------------------- leader entries

    fn check_open_month(month: &Month, today: Date) -> AppResult<()> {
        if month.first > today {
            return Err(AppError::invalid("month", "不能录入尚未开始的月份"));
        }
        Ok(())
    }

    async fn check_subject(&self, level: SubjectLevel, subject: &str) -> AppResult<()> {
        let roster = self.roster().await?;
        let known = match level {
            SubjectLevel::Staff => roster.staff.iter().any(|s| s.username == subject),
            SubjectLevel::Window => roster.windows.iter().any(|w| w.number == subject),
            SubjectLevel::Department => roster.departments.iter().any(|d| d.name == subject),
        };
        if known {
            Ok(())
        } else {
            Err(AppError::invalid(
                "subject",
                format!("没有这个{}：“{subject}”（部门请写全称）", level.label()),
            ))
        }
    }

    async fn not_frozen(&self, month: &Month) -> AppResult<()> {
        if self.store.frozen_month(&month.text).await?.is_some() {
            return Err(AppError::conflict(
                Conflict::WrongStatus,
                "该月已定档；录入后需“重新评分”才会计入",
            ));
        }
        Ok(())
    }

    /// 创新加分 with its reason (leader): capped per month by the scheme.
    #[tracing::instrument(skip_all)]
    pub async fn add_bonus(&self, session: &Session, input: &EntryInput) -> AppResult<Bonus> {
        require(session, Permission::AssessmentManage)?;
        let month = Month::parse(&input.month)?;
        Self::check_open_month(&month, self.today())?;
        let level = parse_level(&input.level)?;
        let subject = input.subject.trim().to_owned();
        self.check_subject(level, &subject).await?;
        let (_, scheme) = self.scheme_for(&month).await?;
        if !input.points.is_finite() || input.points <= 0.0 || input.points > scheme.bonus.cap {
            return Err(AppError::invalid(
                "points",
                format!("加分应大于0且不超过{}分", scheme.bonus.cap),
            ));
        }
        let reason = text("reason", "加分理由", &input.text, true)?;
        self.not_frozen(&month).await?;
        let bonus = Bonus {
            id: Uuid::now_v7(),
            month: month.text.clone(),
            level,
            subject: subject.clone(),
            points: (input.points * 100.0).round() / 100.0,
            reason,
            recorded_by: session.user.username.clone(),
            recorded_at: self.now(),
        };
        self.store.add_bonus(&bonus).await?;
        self.audit(
            &Actor::user(&session.user),
            "assessment.bonus",
            &format!("{}:{subject}", level.code()),
            &format!("{} +{}：{}", month.text, bonus.points, bonus.reason),
        )
        .await?;
        Ok(bonus)
    }

    /// A serious discipline breach or safety incident (leader): a veto.
    #[tracing::instrument(skip_all)]
    pub async fn add_incident(&self, session: &Session, input: &EntryInput) -> AppResult<Incident> {
        require(session, Permission::AssessmentManage)?;
        let kind = IncidentKind::parse(&input.kind).ok_or_else(|| {
            AppError::invalid(
                "kind",
                "kind 应为 discipline（严重违法违纪）或 safety（安全事故）",
            )
        })?;
        let month = Month::parse(&input.month)?;
        let today = self.today();
        Self::check_open_month(&month, today)?;
        let level = parse_level(&input.level)?;
        let subject = input.subject.trim().to_owned();
        self.check_subject(level, &subject).await?;
        let date = match input.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => d
                .parse::<Date>()
                .map_err(|_| AppError::invalid("date", "日期应为YYYY-MM-DD"))?,
            None => today.min(month.last),
        };
        if date < month.first || date > month.last || date > today {
            return Err(AppError::invalid("date", "日期应在该月内且不晚于今天"));
        }
        let description = text("description", "情况", &input.text, true)?;
        self.not_frozen(&month).await?;
        let incident = Incident {
            id: Uuid::now_v7(),
            month: month.text.clone(),
            occurred_on: date,
            level,
            subject: subject.clone(),
            kind,
            description,
            recorded_by: session.user.username.clone(),
            recorded_at: self.now(),
        };
        self.store.add_incident(&incident).await?;
        self.audit(
            &Actor::user(&session.user),
            "assessment.incident",
            &format!("{}:{subject}", level.code()),
            &format!("{} {}：{}", month.text, kind.label(), incident.description),
        )
        .await?;
        Ok(incident)
    }

    /// What the leader entered for a month, and the month's freeze log.
    #[tracing::instrument(skip_all)]
    pub async fn leader_entries(&self, session: &Session, month: Option<&str>) -> AppResult<LeaderEntries> {
        require(session, Permission::AssessmentRead)?;
        let month = self.month_or_current(month)?;
        let (bonuses, incidents, log) = tokio::try_join!(
            self.store.bonuses(&month.text),
            self.store.incidents(&month.text),
            self.store.assessment_log(&month.text)
        )?;
        Ok(LeaderEntries {
            month: month.text,
            bonuses,
            incidents,
            log,
        })
    }
}

/// One fact per exam and person from the month's attempts: passed when any
/// attempt passed; its evidence is the passing attempt (else the last one).
fn exams_taken(attempts: Vec<store::training::ExamResult>) -> Vec<ExamFact> {
    let mut by: std::collections::BTreeMap<(Uuid, String), store::training::ExamResult> = Default::default();
    for a in attempts {
        let key = (a.exam_id, a.username.clone());
        let keep = match by.get(&key) {
            None => true,
            Some(b) => (a.passed && !b.passed) || (a.passed == b.passed && a.at > b.at),
        };
        if keep {
            by.insert(key, a);
        }
    }
    by.into_values()
        .map(|a| ExamFact {
            id: a.id,
            staff: a.username,
            passed: a.passed,
        })
        .collect()
}

fn version_view(v: SchemeVersion) -> SchemeVersionView {
    SchemeVersionView {
        version: v.version,
        effective_from: v.effective_from,
        note: v.note,
        created_by: v.created_by,
        created_at: v.created_at,
    }
}

fn review_view(r: Review, hide_peer: bool) -> ReviewView {
    ReviewView {
        id: r.id,
        month: r.month,
        staff: r.staff,
        kind: r.kind.code(),
        kind_label: r.kind.label(),
        reviewer: if hide_peer && r.kind == ReviewKind::Peer {
            None
        } else {
            Some(r.reviewer)
        },
        score: r.score,
        comment: r.comment,
        created_at: r.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step_back() {
        let m = Month::parse("2026-03").unwrap_or_else(|_| Month::of(jiff::civil::date(2000, 1, 1)));
        assert_eq!(m.text, "2026-03");
        assert_eq!(m.last, jiff::civil::date(2026, 3, 31));
        assert_eq!(m.previous().text, "2026-02");
        assert_eq!(m.previous().previous().previous().text, "2025-12");
        assert!(Month::parse("2026-3").is_err());
    }
}
