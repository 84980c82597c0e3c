//! 效能监察 (electronic supervision of deadlines): the watch over every open
//! case. A background job ([`CardService::issue_deadline_cards`], in
//! `standard_jobs`) records a yellow card (黄牌) when a case turns amber
//! (临期预警: `cases.amber_days` working days or fewer left) and a red card
//! (红牌) when it is overdue and not lawfully paused — each once per case and
//! colour, against the department and the staff member holding the case.
//! The department's liaison explains (情况说明); the 督查科 rules: lawful
//! pause, approved extension, or fault. A faulted red card is the
//! "无正当理由超时办结" of [002], counted against the department in the
//! monthly assessment.

use crate::auth::{Session, require};
use crate::case_scope::CaseScope;
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::card::{CardColor, CardRuling, CardStage, cards_due, outcome_label};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::conduct::{CardCounts, CardQuery, CardStore, DeadlineCard};
use uuid::Uuid;

/// Cases the watch reads per round.
const BATCH: i64 = 500;
/// The most cards one list shows.
const LIST_LIMIT: i64 = 2000;
const MAX_TEXT: usize = 1000;

/// A card as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    #[serde(flatten)]
    pub card: DeadlineCard,
    pub color_label: &'static str,
    pub stage: CardStage,
    pub stage_label: &'static str,
    /// 待认定, 依法中止（不计过错）, 批准延期（不计过错）, 临期办理过错, or
    /// 无正当理由超时办结（过错） for a faulted red card ([002]).
    pub outcome_label: &'static str,
    pub staff_name: String,
}

/// The cards of a month, with each department's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CardList {
    /// YYYY-MM
    pub month: String,
    pub from: Date,
    pub to: Date,
    /// The department listed (full name), if one.
    pub department: Option<String>,
    pub color: Option<CardColor>,
    pub items: Vec<CardView>,
    /// Per department: yellow, red, red ruled a fault (无正当理由超时办结),
    /// not yet explained, not yet ruled.
    pub departments: Vec<CardCounts>,
}

/// A month given as `YYYY-MM`: its first and last day.
pub fn parse_month(raw: &str) -> AppResult<(Date, Date)> {
    let bad = || AppError::invalid("month", format!("月份“{raw}”无效，应为YYYY-MM"));
    let s = raw.trim();
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let y: i16 = y.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    let first = Date::new(y, m, 1).map_err(|_| bad())?;
    Ok((first, first.last_of_month()))
}

/// 效能监察 service.
#[derive(Clone)]
pub struct CardService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn CardStore>,
    /// Who sees which department's cards follows who sees which cases.
    pub(crate) cases: crate::case::CaseService,
}

impl CardService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn CardStore>, cases: crate::case::CaseService) -> CardService {
        CardService { hall, store, cases }
    }
}

fn map_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound("没有这张黄牌/红牌".into()),
        StoreError::Conflict { what } if what == "card_ruled" => {
            AppError::Conflict(Conflict::WrongStatus, "督查科已作出认定，不能再修改".into())
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

impl CardService {
    async fn view(&self, card: DeadlineCard) -> AppResult<CardView> {
        let stage = CardStage::of(card.explanation.is_some(), card.ruling.is_some());
        Ok(CardView {
            color_label: card.color.label(),
            stage,
            stage_label: stage.label(),
            outcome_label: outcome_label(card.color, card.ruling),
            staff_name: self.staff_name(&card.staff).await?,
            card,
        })
    }

    /// The watch (效能监察巡检): records the cards the open cases call for.
    /// Reads only open cases with a deadline within the amber span (the
    /// partial index on open cases' deadlines) that still miss a card, so it
    /// does nothing twice; answers how many cards it recorded.
    #[tracing::instrument(skip_all)]
    pub async fn issue_deadline_cards(&self) -> AppResult<usize> {
        let today = self.today();
        let now = self.now();
        let cal = self.calendar().await?;
        let amber_days = self.settings.cases.amber_days;
        // Deadlines before the (amber_days + 1)-th working day after today
        // leave amber_days or fewer working days: amber.
        let amber_before = cal.deadline(today, amber_days.saturating_add(1))?;
        let mut issued = 0usize;
        loop {
            let batch = self.store.cases_to_card(amber_before, today, BATCH).await?;
            let mut round = 0usize;
            for c in &batch {
                let urgency = domain::case::urgency(&cal, c.deadline, today, amber_days, c.paused)?;
                for color in cards_due(urgency) {
                    let card = DeadlineCard {
                        id: Uuid::now_v7(),
                        case_id: c.id,
                        case_number: c.number.clone(),
                        item_name: c.item_name.clone(),
                        color: *color,
                        department: c.department.clone(),
                        staff: c.staff.clone(),
                        window: c.window.clone(),
                        deadline: c.deadline,
                        issued_at: now,
                        issued_on: today,
                        explanation: None,
                        explained_by: None,
                        explained_at: None,
                        ruling: None,
                        ruling_note: String::new(),
                        ruled_by: None,
                        ruled_at: None,
                    };
                    if self.store.issue_card(&card).await? {
                        round += 1;
                    }
                }
            }
            issued += round;
            // A short batch was the last; a full one that recorded nothing
            // would come back the same.
            if (batch.len() as i64) < BATCH || round == 0 {
                break;
            }
        }
        Ok(issued)
    }

    /// The department a liaison speaks for (`Some(name)`), `None` for the whole hall.
    async fn own_department(&self, session: &Session) -> AppResult<Option<String>> {
        Ok(match self.cases.case_scope(session).await? {
            CaseScope::Department { name, .. } => Some(name),
            CaseScope::All => None,
            CaseScope::Staff { .. } => {
                return Err(AppError::Forbidden("窗口人员不能查看效能监察记录".into()));
            }
        })
    }

    /// The cards of a month (`YYYY-MM`, default this month), optionally of
    /// one department (code or full name) and colour, newest first, with each
    /// department's figures. A liaison sees only its own department.
    #[tracing::instrument(skip_all)]
    pub async fn cards(
        &self,
        session: &Session,
        month: Option<&str>,
        department: Option<&str>,
        color: Option<&str>,
    ) -> AppResult<CardList> {
        require(session, Permission::CardRead)?;
        let (from, to) = match month.map(str::trim).filter(|s| !s.is_empty()) {
            Some(m) => parse_month(m)?,
            None => {
                let today = self.today();
                (today.first_of_month(), today.last_of_month())
            }
        };
        let color = match color.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(c) => Some(CardColor::parse(c).ok_or_else(|| {
                AppError::invalid(
                    "color",
                    format!("颜色“{c}”无效，应为 yellow（黄牌）或 red（红牌）"),
                )
            })?),
        };
        let asked = match department.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(d) => {
                let deps = self.departments().await?;
                let dep = deps
                    .into_iter()
                    .find(|x| x.is_named(d))
                    .ok_or_else(|| AppError::invalid("department", format!("没有部门“{d}”")))?;
                Some(dep.name)
            }
        };
        let department = match (self.own_department(session).await?, asked) {
            (Some(own), Some(asked)) if own != asked => {
                return Err(AppError::Forbidden("只能查看本部门的黄牌、红牌".into()));
            }
            (Some(own), _) => Some(own),
            (None, asked) => asked,
        };
        let query = CardQuery {
            from,
            to,
            department: department.clone(),
            color,
            limit: LIST_LIMIT,
        };
        let found = self.store.cards(&query).await?;
        let mut items = Vec::with_capacity(found.len());
        for c in found {
            items.push(self.view(c).await?);
        }
        Ok(CardList {
            month: format!("{:04}-{:02}", from.year(), from.month()),
            from,
            to,
            department,
            color,
            items,
            departments: self.store.card_counts(&query).await?,
        })
    }

    /// One card (a liaison: of its own department only).
    #[tracing::instrument(skip_all)]
    pub async fn card(&self, session: &Session, id: Uuid) -> AppResult<CardView> {
        require(session, Permission::CardRead)?;
        let card = self.store.card(id).await.map_err(map_error)?;
        if let Some(own) = self.own_department(session).await?
            && own != card.department
        {
            return Err(AppError::Forbidden("该黄牌/红牌不属于您的部门".into()));
        }
        self.view(card).await
    }

    /// The department explains a card (情况说明), and may correct it until the
    /// 督查科 rules. A liaison explains only its own department's cards.
    #[tracing::instrument(skip_all)]
    pub async fn explain_card(&self, session: &Session, id: Uuid, explanation: &str) -> AppResult<CardView> {
        require(session, Permission::CardExplain)?;
        let card = self.store.card(id).await.map_err(map_error)?;
        if let Some(own) = self.own_department(session).await?
            && own != card.department
        {
            return Err(AppError::Forbidden("只能说明本部门的黄牌、红牌".into()));
        }
        let explanation = text("explanation", "情况说明", explanation, true)?;
        let user = &session.user;
        let card = self
            .store
            .explain_card(id, &explanation, &user.username, self.now())
            .await
            .map_err(map_error)?;
        self.audit(
            &Actor::user(user),
            "card.explain",
            &id.to_string(),
            &card.case_number,
        )
        .await?;
        self.view(card).await
    }

    /// The 督查科 rules on a card, once: `lawful_pause`, `approved_extension`
    /// or `fault`.
    #[tracing::instrument(skip_all)]
    pub async fn rule_card(
        &self,
        session: &Session,
        id: Uuid,
        ruling: &str,
        note: &str,
    ) -> AppResult<CardView> {
        require(session, Permission::CardRule)?;
        let r = ruling.trim();
        let ruling = CardRuling::parse(r).ok_or_else(|| {
            AppError::invalid(
                "ruling",
                format!("认定“{r}”无效，应为 lawful_pause（依法中止）、approved_extension（批准延期）或 fault（过错）"),
            )
        })?;
        let note = text("note", "认定意见", note, false)?;
        let user = &session.user;
        let card = self
            .store
            .rule_card(id, ruling, &note, &user.username, self.now())
            .await
            .map_err(map_error)?;
        self.audit(
            &Actor::user(user),
            "card.rule",
            &id.to_string(),
            &format!("{} {}", card.case_number, outcome_label(card.color, card.ruling)),
        )
        .await?;
        self.view(card).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_to_their_first_and_last_day() {
        let (a, b) = parse_month("2026-02").unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        for bad in ["", "2026", "2026-13", "2026-2", "26-02", "2026/02", "2026-00"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }
}
