//! 黄牛、非法中介 (scalpers and illegal agents): detection of suspects over a
//! period by the explainable rules of [`domain::scalper`], the register (a
//! description, a photo, the phone and ID number only as keyed hashes and
//! masked forms), the actions the hall takes (劝离、警告、驱逐、移交公安),
//! the supervisors' reviews of suspects, and the floor captain's alerts when
//! a registered phone or ID takes a ticket or books a slot. Nothing here
//! punishes anyone by itself.

use crate::auth::{Session, require};
use crate::queue::person_key;
use crate::{Actor, AppError, AppResult, Hall};
use domain::identity::{IdNumber, mask, validate_mobile};
use domain::permission::Permission;
use domain::scalper::{
    Fact, FactSource, KeyKind, MAX_PERIOD_DAYS, ReviewDecision, Rule, ScalperAction, ScalperRules, Suspect,
};
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::scalper::*;
use uuid::Uuid;

/// The largest photo accepted (after decoding).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// How many registered persons and alerts a list shows.
const LIST_LIMIT: i64 = 500;

/// The marks of a phone and an ID number as the kiosk or the booking form
/// took them (already checked): keyed hashes and masked forms.
pub(crate) fn marks_of(hall: &Hall, phone: Option<&str>, id: Option<&IdNumber>) -> AppResult<PersonMarks> {
    let secret = &hall.settings.security.data_key;
    Ok(PersonMarks {
        phone_key: phone.map(|p| person_key(secret, "phone", p)).transpose()?,
        phone_masked: phone.map(|p| mask(p, 3, 4)),
        id_key: id.map(|i| person_key(secret, "id", i.as_str())).transpose()?,
        id_masked: id.map(IdNumber::masked),
    })
}

impl Hall {
    /// The hook where a ticket is taken or a slot booked: one indexed lookup
    /// of the person's keys in the register; a match records an alert for the
    /// floor captain. A failure here is logged, never the citizen's problem.
    pub(crate) async fn scalper_seen(
        &self,
        source: FactSource,
        record_id: Uuid,
        reference: &str,
        business_date: Date,
        marks: &PersonMarks,
    ) {
        if marks.is_empty() {
            return;
        }
        let probe = AlertProbe {
            keys: marks.keys(),
            source,
            record_id,
            reference: reference.to_owned(),
            business_date,
            at: self.now(),
        };
        match self.scalper_store.check_alert(&probe).await {
            Ok(alerts) => {
                for a in alerts {
                    tracing::warn!(alert = %a.id, scalper = %a.scalper_id, "已登记黄牛取号或预约");
                }
            }
            Err(e) => tracing::error!(error = %e, "黄牛预警查询失败"),
        }
    }

    /// The hook where the per-person limit refuses a ticket or a booking:
    /// the attempt counts for detection (rule a).
    pub(crate) async fn scalper_refused(
        &self,
        source: FactSource,
        category: &str,
        business_date: Date,
        marks: &PersonMarks,
    ) {
        if marks.is_empty() {
            return;
        }
        let refusal = NewRefusal {
            id: Uuid::now_v7(),
            source,
            category: category.to_owned(),
            business_date,
            at: self.now(),
            marks: marks.clone(),
        };
        if let Err(e) = self.scalper_store.record_refusal(&refusal).await {
            tracing::error!(error = %e, "限额拒绝记录失败");
        }
    }
}

/// The evidence of a suspect as the API gives it.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub tickets: Vec<String>,
    pub appointments: Vec<String>,
    pub cases: Vec<String>,
    /// Attempts refused by the per-person limits.
    pub refused: u32,
}

/// The latest review of a suspect.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub decision: ReviewDecision,
    pub decision_label: &'static str,
    pub note: String,
    pub scalper_id: Option<Uuid>,
    pub reviewed_by: String,
    pub reviewed_at: jiff::Timestamp,
}

/// A suspect (可疑对象) as supervisors see it: the key masked, never the number.
#[derive(Debug, Clone, Serialize)]
pub struct SuspectView {
    pub kind: KeyKind,
    pub kind_label: &'static str,
    /// Masked: 138****5678 (a phone ends with its last four digits).
    pub key: String,
    /// What a review refers to (the keyed hash, or the agent's name).
    #[serde(rename = "ref")]
    pub reference: String,
    pub rule: Rule,
    pub rule_label: &'static str,
    pub count: u32,
    pub explanation: String,
    pub figures: std::collections::BTreeMap<&'static str, i64>,
    pub evidence: EvidenceView,
    pub review: Option<ReviewView>,
}

/// The suspects of a period and the thresholds they were found with.
#[derive(Debug, Clone, Serialize)]
pub struct SuspectList {
    pub from: Date,
    pub to: Date,
    pub rules: ScalperRules,
    pub items: Vec<SuspectView>,
}

/// A registered person with their actions.
#[derive(Debug, Clone, Serialize)]
pub struct ScalperView {
    #[serde(flatten)]
    pub scalper: Scalper,
    pub actions: Vec<ActionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    #[serde(flatten)]
    pub action: ScalperActionRecord,
    pub action_label: &'static str,
}

/// What a supervisor enters to register a person.
#[derive(Debug, Clone, Default)]
pub struct RegisterRequest {
    pub description: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    /// The photo's bytes; its type is read from them.
    pub photo: Option<Vec<u8>>,
}

/// A supervisor's decision on a suspect of a period.
#[derive(Debug, Clone, Default)]
pub struct ReviewRequest {
    /// The suspect's `ref`.
    pub reference: String,
    pub kind: String,
    pub rule: String,
    pub from: String,
    pub to: String,
    /// clear or register.
    pub decision: String,
    pub note: String,
    /// When registering: what the register says of the person.
    pub description: String,
}

/// A period's bounds as sent: each a date, `to` not before `from`, at most a year.
pub fn period(from: &str, to: &str) -> AppResult<(Date, Date)> {
    let day = |field: &str, raw: &str| -> AppResult<Date> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(AppError::invalid(field, "请填写日期（YYYY-MM-DD）"));
        }
        raw.parse::<Date>()
            .map_err(|_| AppError::invalid(field, format!("日期“{raw}”无效，应为YYYY-MM-DD")))
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if to < from {
        return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
    }
    let days = from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) + 1;
    if days > MAX_PERIOD_DAYS {
        return Err(AppError::invalid(
            "to",
            format!("查询期间最长{MAX_PERIOD_DAYS}天"),
        ));
    }
    Ok((from, to))
}

fn text(field: &str, label: &str, raw: &str, required: bool, max: usize) -> AppResult<String> {
    let v = raw.trim();
    if required && v.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(field, format!("{label}最多{max}个字")));
    }
    Ok(v.to_owned())
}

fn map_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这个登记对象".into()),
        StoreError::Conflict { what } if what == "scalper_key" => {
            AppError::Conflict(crate::Conflict::AlreadyExists, "该手机号或身份证号已登记".into())
        }
        other => other.into(),
    }
}

/// 黄牛、非法中介 service.
#[derive(Clone)]
pub struct ScalperService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn ScalperStore>,
}

impl ScalperService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn ScalperStore>) -> ScalperService {
        ScalperService { hall, store }
    }

    /// The thresholds in force: the administrator's, else the defaults.
    #[tracing::instrument(skip_all)]
    pub async fn rules(&self, session: &Session) -> AppResult<ScalperRules> {
        require(session, Permission::ScalperRead)?;
        Ok(self.store.scalper_rules().await?.unwrap_or_default())
    }

    /// Changes the thresholds (audit-logged with the old and new values).
    #[tracing::instrument(skip_all)]
    pub async fn set_rules(&self, session: &Session, rules: ScalperRules) -> AppResult<ScalperRules> {
        require(session, Permission::ScalperManage)?;
        rules.check().map_err(|e| AppError::invalid(e.field, e.message))?;
        let rules = ScalperRules {
            release_time: rules.release_time.trim().to_owned(),
            ..rules
        };
        let before = self.store.scalper_rules().await?.unwrap_or_default();
        self.store
            .set_scalper_rules(&rules, &session.user.username, self.now())
            .await?;
        self.audit(
            &actor(session),
            "scalper.rules",
            "scalper_rules",
            &format!(
                "{} → {}",
                serde_json::to_string(&before).unwrap_or_default(),
                serde_json::to_string(&rules).unwrap_or_default()
            ),
        )
        .await?;
        Ok(rules)
    }

    async fn detect(&self, from: Date, to: Date) -> AppResult<(ScalperRules, Vec<Suspect>)> {
        let rules = self.store.scalper_rules().await?.unwrap_or_default();
        let zone = self.settings.time_zone();
        let mut stored = self
            .store
            .ticket_facts(from, to, i64::from(rules.fewest_facts()))
            .await?;
        stored.extend(
            self.store
                .case_facts(
                    from,
                    to,
                    i64::from(rules.phone_applicants),
                    i64::from(rules.agent_applicants),
                )
                .await?,
        );
        let facts: Vec<Fact> = stored
            .into_iter()
            .map(|f| Fact {
                kind: f.kind,
                key: f.key,
                masked: f.masked,
                source: f.source,
                id: f.id.to_string(),
                date: f.date,
                made_at: f.at.map(|a| a.to_zoned(zone.clone()).datetime()),
                applicant: f.applicant,
                agency_basis: f.agency_basis,
            })
            .collect();
        let suspects = domain::scalper::suspects(&rules, &facts);
        Ok((rules, suspects))
    }

    /// The suspects of a period by every rule, each with its figures, its
    /// evidence and the latest review of its key under that rule.
    #[tracing::instrument(skip_all)]
    pub async fn suspects(&self, session: &Session, from: &str, to: &str) -> AppResult<SuspectList> {
        require(session, Permission::ScalperRead)?;
        let (from, to) = period(from, to)?;
        let (rules, suspects) = self.detect(from, to).await?;
        let keys: Vec<String> = suspects.iter().map(|s| s.key.clone()).collect();
        let reviews = self.store.suspect_reviews(&keys).await?;
        let items = suspects
            .into_iter()
            .map(|s| {
                let review = reviews
                    .iter()
                    .find(|r| r.kind == s.kind && r.key == s.key && r.rule == s.rule)
                    .map(|r| ReviewView {
                        decision: r.decision,
                        decision_label: r.decision.label(),
                        note: r.note.clone(),
                        scalper_id: r.scalper_id,
                        reviewed_by: r.reviewed_by.clone(),
                        reviewed_at: r.reviewed_at,
                    });
                SuspectView {
                    kind: s.kind,
                    kind_label: s.kind.label(),
                    key: s.masked,
                    reference: s.key,
                    rule: s.rule,
                    rule_label: s.rule.label(),
                    count: s.count,
                    explanation: s.explanation,
                    figures: s.figures,
                    evidence: EvidenceView {
                        tickets: s.evidence.tickets,
                        appointments: s.evidence.appointments,
                        cases: s.evidence.cases,
                        refused: s.evidence.refused,
                    },
                    review,
                }
            })
            .collect();
        Ok(SuspectList {
            from,
            to,
            rules,
            items,
        })
    }

    /// Registers a person entered by a supervisor.
    #[tracing::instrument(skip_all)]
    pub async fn register(&self, session: &Session, req: &RegisterRequest) -> AppResult<ScalperView> {
        require(session, Permission::ScalperManage)?;
        let description = text("description", "体貌特征或情况说明", &req.description, true, 500)?;
        let phone = req.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = phone {
            validate_mobile(p).map_err(|e| AppError::invalid("phone", e.to_string()))?;
        }
        let id = match req.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(
                IdNumber::parse(raw, self.today())
                    .map_err(|e| AppError::invalid("id_number", format!("身份证号{e}")))?,
            ),
            None => None,
        };
        let marks = marks_of(&self.hall, phone, id.as_ref())?;
        let photo = match &req.photo {
            Some(bytes) => Some(self.photo(session, bytes)?),
            None => None,
        };
        self.add(session, description, marks, photo).await
    }

    fn photo(&self, session: &Session, bytes: &[u8]) -> AppResult<ScalperPhoto> {
        if bytes.is_empty() {
            return Err(AppError::invalid("photo", "照片为空"));
        }
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(AppError::invalid("photo", "照片不能超过5MB"));
        }
        let content_type = domain::photo::photo_type(bytes)
            .ok_or_else(|| AppError::invalid("photo", "照片应为JPEG、PNG或WebP图片"))?;
        Ok(ScalperPhoto {
            id: Uuid::now_v7(),
            content_type: content_type.into(),
            body: bytes.to_vec(),
            uploaded_by: session.user.username.clone(),
            uploaded_at: self.now(),
        })
    }

    async fn add(
        &self,
        session: &Session,
        description: String,
        marks: PersonMarks,
        photo: Option<ScalperPhoto>,
    ) -> AppResult<ScalperView> {
        let s = Scalper {
            id: Uuid::now_v7(),
            description,
            phone_key: marks.phone_key,
            phone_masked: marks.phone_masked,
            id_key: marks.id_key,
            id_masked: marks.id_masked,
            photo_id: photo.as_ref().map(|p| p.id),
            registered_by: session.user.username.clone(),
            registered_at: self.now(),
        };
        self.store
            .add_scalper(&s, photo.as_ref())
            .await
            .map_err(map_error)?;
        self.audit(
            &actor(session),
            "scalper.register",
            &s.id.to_string(),
            &format!(
                "{} {} {}",
                s.phone_masked.as_deref().unwrap_or(""),
                s.id_masked.as_deref().unwrap_or(""),
                s.description
            ),
        )
        .await?;
        Ok(ScalperView {
            scalper: s,
            actions: Vec::new(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn scalpers(&self, session: &Session) -> AppResult<Vec<Scalper>> {
        require(session, Permission::ScalperRead)?;
        Ok(self.store.scalpers(LIST_LIMIT).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn scalper(&self, session: &Session, id: Uuid) -> AppResult<ScalperView> {
        require(session, Permission::ScalperRead)?;
        let scalper = self.store.scalper(id).await.map_err(map_error)?;
        let actions = self
            .store
            .scalper_actions(id)
            .await?
            .into_iter()
            .map(|a| ActionView {
                action_label: a.action.label(),
                action: a,
            })
            .collect();
        Ok(ScalperView { scalper, actions })
    }

    /// A registered person's photo: its type and bytes.
    #[tracing::instrument(skip_all)]
    pub async fn scalper_photo(&self, session: &Session, id: Uuid) -> AppResult<(String, Vec<u8>)> {
        require(session, Permission::ScalperRead)?;
        self.store.scalper_photo(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("没有这张照片".into()),
            other => other.into(),
        })
    }

    /// Records an action (劝离/警告/驱逐/移交公安) taken on a date.
    #[tracing::instrument(skip_all)]
    pub async fn add_action(
        &self,
        session: &Session,
        scalper_id: Uuid,
        action: &str,
        date: &str,
        note: &str,
        evidence: &str,
    ) -> AppResult<ScalperView> {
        require(session, Permission::ScalperManage)?;
        let action = ScalperAction::parse(action.trim()).ok_or_else(|| {
            AppError::invalid(
                "action",
                format!("处置措施“{}”应为 dissuade、warn、expel 或 police", action.trim()),
            )
        })?;
        let raw = date.trim();
        let date: Date = raw
            .parse()
            .map_err(|_| AppError::invalid("date", format!("日期“{raw}”无效，应为YYYY-MM-DD")))?;
        if date > self.today() {
            return Err(AppError::invalid("date", "处置日期不能晚于今天"));
        }
        let note = text("note", "处置情况", note, true, 1000)?;
        let evidence = text("evidence", "证据", evidence, false, 1000)?;
        let record = ScalperActionRecord {
            id: Uuid::now_v7(),
            scalper_id,
            action,
            date,
            note,
            evidence,
            recorded_by: session.user.username.clone(),
            recorded_at: self.now(),
        };
        self.store.add_scalper_action(&record).await.map_err(map_error)?;
        self.audit(
            &actor(session),
            "scalper.action",
            &scalper_id.to_string(),
            &format!("{} {}", action.label(), record.note),
        )
        .await?;
        self.scalper(session, scalper_id).await
    }

    /// A supervisor clears a suspect of a period or registers the person from
    /// it; the suspect must still be one for that period and rule.
    #[tracing::instrument(skip_all)]
    pub async fn review(&self, session: &Session, req: &ReviewRequest) -> AppResult<SuspectReview> {
        require(session, Permission::ScalperManage)?;
        let (from, to) = period(&req.from, &req.to)?;
        let kind = KeyKind::parse(req.kind.trim())
            .ok_or_else(|| AppError::invalid("kind", "类型应为 phone、id_number 或 agent"))?;
        let rule = Rule::parse(req.rule.trim()).ok_or_else(|| AppError::invalid("rule", "规则无效"))?;
        let decision = ReviewDecision::parse(req.decision.trim())
            .ok_or_else(|| AppError::invalid("decision", "处理结果应为 clear 或 register"))?;
        let note = text("note", "复核意见", &req.note, true, 1000)?;
        let (_, suspects) = self.detect(from, to).await?;
        let Some(suspect) = suspects
            .into_iter()
            .find(|s| s.kind == kind && s.rule == rule && s.key == req.reference.trim())
        else {
            return Err(AppError::NotFound("该期间没有这个可疑对象".into()));
        };
        let scalper_id = match decision {
            ReviewDecision::Clear => None,
            ReviewDecision::Register => {
                let description = if req.description.trim().is_empty() {
                    format!("{}：{}", rule.label(), suspect.explanation)
                } else {
                    text("description", "体貌特征或情况说明", &req.description, true, 500)?
                };
                let marks = match kind {
                    KeyKind::Phone => PersonMarks {
                        phone_key: Some(suspect.key.clone()),
                        phone_masked: Some(suspect.masked.clone()),
                        ..PersonMarks::default()
                    },
                    KeyKind::IdNumber => PersonMarks {
                        id_key: Some(suspect.key.clone()),
                        id_masked: Some(suspect.masked.clone()),
                        ..PersonMarks::default()
                    },
                    // An agent is known by name only: the description carries it.
                    KeyKind::Agent => PersonMarks::default(),
                };
                let description = if kind == KeyKind::Agent && !description.contains(&suspect.masked) {
                    format!("代办员{}：{description}", suspect.masked)
                } else {
                    description
                };
                Some(self.add(session, description, marks, None).await?.scalper.id)
            }
        };
        let review = SuspectReview {
            id: Uuid::now_v7(),
            kind,
            key: suspect.key,
            masked: suspect.masked,
            rule,
            period_from: from,
            period_to: to,
            decision,
            note,
            scalper_id,
            reviewed_by: session.user.username.clone(),
            reviewed_at: self.now(),
        };
        self.store.add_suspect_review(&review).await?;
        self.audit(
            &actor(session),
            "scalper.review",
            &review.masked,
            &format!("{} {} {}", rule.label(), decision.label(), review.note),
        )
        .await?;
        Ok(review)
    }

    /// Alerts, newest first; only those not yet acknowledged when `open_only`.
    #[tracing::instrument(skip_all)]
    pub async fn alerts(&self, session: &Session, open_only: bool) -> AppResult<Vec<ScalperAlert>> {
        require(session, Permission::ScalperRead)?;
        Ok(self.store.scalper_alerts(open_only, LIST_LIMIT).await?)
    }

    /// The floor captain saw the alert and dealt with it.
    #[tracing::instrument(skip_all)]
    pub async fn acknowledge(&self, session: &Session, id: Uuid) -> AppResult<ScalperAlert> {
        require(session, Permission::ScalperManage)?;
        let alert = self
            .store
            .acknowledge_alert(id, &session.user.username, self.now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => AppError::NotFound("没有这条预警".into()),
                StoreError::Conflict { .. } => {
                    AppError::Conflict(crate::Conflict::WrongStatus, "该预警已处理".into())
                }
                other => other.into(),
            })?;
        self.audit(
            &actor(session),
            "scalper.alert.ack",
            &id.to_string(),
            &alert.reference,
        )
        .await?;
        Ok(alert)
    }
}

fn actor(session: &Session) -> Actor {
    Actor::user(&session.user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_checked() {
        assert!(period("2026-12-01", "2026-12-31").is_ok());
        assert!(period("2026-01-01", "2026-12-31").is_ok());
        let field = |r: AppResult<(Date, Date)>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(period("", "2026-12-31")), "from");
        assert_eq!(field(period("2026-13-01", "2026-12-31")), "from");
        assert_eq!(field(period("2026-12-01", "x")), "to");
        assert_eq!(field(period("2026-12-31", "2026-12-01")), "to");
        // 2024 is a leap year: 366 days pass, 367 do not.
        assert!(period("2024-01-01", "2024-12-31").is_ok());
        assert_eq!(field(period("2024-01-01", "2025-01-01")), "to");
    }
}
