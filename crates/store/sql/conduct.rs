//! The shared SQL of the hall's conduct: 晨会 (morning meetings), 效能监察
//! cards and the floor duty log. The watch reads open cases through the
//! partial index on their deadlines (`cases_open_deadline`), so closed cases
//! are never scanned; a card is unique per case and colour, so a second run
//! (or a second instance) records nothing twice.

use crate::dialect::Backend;
use domain::card::CardRuling;
use domain::duty_log::DutyEventKind;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use store::case_ledger::OPEN_STATUSES;
use store::conduct::*;
use store::sql::{decode, from_json, refusal as err, to_json};
use store::{StoreError, StoreResult};
use uuid::Uuid;

// ---------------------------------------------------------------- 晨会

const MEETING_COLUMNS: &str =
    "id, meeting_date, window_number, department, host, attendees, topics, recorded_by, recorded_at";

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: Uuid,
    meeting_date: jiff_sqlx::Date,
    window_number: Option<String>,
    department: Option<String>,
    host: String,
    attendees: String,
    topics: String,
    recorded_by: String,
    recorded_at: jiff_sqlx::Timestamp,
}

impl TryFrom<MeetingRow> for MorningMeeting {
    type Error = StoreError;
    fn try_from(r: MeetingRow) -> StoreResult<MorningMeeting> {
        Ok(MorningMeeting {
            id: r.id,
            date: r.meeting_date.to_jiff(),
            window: r.window_number,
            department: r.department,
            host: r.host,
            attendees: from_json(&r.attendees)?,
            topics: r.topics,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.to_jiff(),
        })
    }
}

#[async_trait::async_trait]
impl MorningMeetingStore for Backend {
    async fn add_morning_meeting(&self, m: &MorningMeeting) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO morning_meetings ({MEETING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(m.id)
            .bind(m.date.to_sqlx())
            .bind(&m.window)
            .bind(&m.department)
            .bind(&m.host)
            .bind(to_json(&m.attendees)?)
            .bind(&m.topics)
            .bind(&m.recorded_by)
            .bind(m.recorded_at.to_sqlx())
            .execute(&self.pool)
            .await
            .map_err(err("morning meeting"))?;
        Ok(())
    }

    async fn morning_meetings(&self, q: &MeetingQuery) -> StoreResult<Vec<MorningMeeting>> {
        let rows = match &q.window {
            Some(w) => {
                let sql = format!(
                    "SELECT {MEETING_COLUMNS} FROM morning_meetings WHERE window_number = $1 \
                     AND meeting_date >= $2 AND meeting_date <= $3 \
                     ORDER BY meeting_date DESC, recorded_at DESC LIMIT $4"
                );
                sqlx::query_as::<_, MeetingRow>(sqlx::AssertSqlSafe(sql))
                    .bind(w)
                    .bind(q.from.to_sqlx())
                    .bind(q.to.to_sqlx())
                    .bind(q.limit)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                let sql = format!(
                    "SELECT {MEETING_COLUMNS} FROM morning_meetings WHERE meeting_date >= $1 AND meeting_date <= $2 \
                     ORDER BY meeting_date DESC, recorded_at DESC LIMIT $3"
                );
                sqlx::query_as::<_, MeetingRow>(sqlx::AssertSqlSafe(sql))
                    .bind(q.from.to_sqlx())
                    .bind(q.to.to_sqlx())
                    .bind(q.limit)
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(err("morning meetings"))?;
        rows.into_iter().map(MorningMeeting::try_from).collect()
    }
}

// ---------------------------------------------------------------- 黄牌/红牌

const CARD_COLUMNS: &str = "id, case_id, case_number, item_name, color, department, staff, window_number, \
    deadline, issued_at, issued_on, explanation, explained_by, explained_at, ruling, ruling_note, ruled_by, ruled_at";

#[derive(sqlx::FromRow)]
struct CardRow {
    id: Uuid,
    case_id: Uuid,
    case_number: String,
    item_name: String,
    color: String,
    department: String,
    staff: String,
    window_number: String,
    deadline: jiff_sqlx::Date,
    issued_at: jiff_sqlx::Timestamp,
    issued_on: jiff_sqlx::Date,
    explanation: Option<String>,
    explained_by: Option<String>,
    explained_at: Option<jiff_sqlx::Timestamp>,
    ruling: Option<String>,
    ruling_note: String,
    ruled_by: Option<String>,
    ruled_at: Option<jiff_sqlx::Timestamp>,
}

impl TryFrom<CardRow> for DeadlineCard {
    type Error = StoreError;
    fn try_from(r: CardRow) -> StoreResult<DeadlineCard> {
        Ok(DeadlineCard {
            id: r.id,
            case_id: r.case_id,
            case_number: r.case_number,
            item_name: r.item_name,
            color: decode(&r.color)?,
            department: r.department,
            staff: r.staff,
            window: r.window_number,
            deadline: r.deadline.to_jiff(),
            issued_at: r.issued_at.to_jiff(),
            issued_on: r.issued_on.to_jiff(),
            explanation: r.explanation,
            explained_by: r.explained_by,
            explained_at: r.explained_at.map(jiff_sqlx::Timestamp::to_jiff),
            ruling: r.ruling.as_deref().map(decode).transpose()?,
            ruling_note: r.ruling_note,
            ruled_by: r.ruled_by,
            ruled_at: r.ruled_at.map(jiff_sqlx::Timestamp::to_jiff),
        })
    }
}

#[derive(sqlx::FromRow)]
struct WatchedRow {
    id: Uuid,
    number: String,
    item_name: String,
    department: String,
    staff: String,
    window_number: String,
    status: String,
    deadline: jiff_sqlx::Date,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    department: String,
    yellow: i64,
    red: i64,
    red_faulted: i64,
    unexplained: i64,
    unruled: i64,
}

/// The filter of a card list: `(where, binds)` with `$1`, `$2` the dates.
fn card_filter(q: &CardQuery, with_color: bool) -> (String, Vec<String>) {
    let mut clause = "issued_on >= $1 AND issued_on <= $2".to_owned();
    let mut texts = Vec::new();
    if let Some(d) = &q.department {
        texts.push(d.clone());
        clause.push_str(&format!(" AND department = ${}", texts.len() + 2));
    }
    if let (true, Some(c)) = (with_color, q.color) {
        texts.push(c.code().to_owned());
        clause.push_str(&format!(" AND color = ${}", texts.len() + 2));
    }
    (clause, texts)
}

impl Backend {
    async fn card_conflict_or_missing(&self, id: Uuid) -> StoreError {
        match self.card(id).await {
            Ok(_) => StoreError::Conflict {
                what: "card_ruled".into(),
            },
            Err(e) => e,
        }
    }
}

#[async_trait::async_trait]
impl CardStore for Backend {
    async fn cases_to_card(
        &self,
        amber_before: Date,
        red_before: Date,
        limit: i64,
    ) -> StoreResult<Vec<WatchedCase>> {
        // OPEN_STATUSES is the partial index's own predicate: the planner reads
        // cases_open_deadline and never touches closed cases.
        let sql = format!(
            "SELECT c.id, c.number, c.item_name, c.department, c.staff, c.window_number, c.status, c.deadline \
             FROM cases c WHERE c.status IN {OPEN_STATUSES} AND c.deadline < $1 \
             AND (NOT EXISTS (SELECT 1 FROM deadline_cards k WHERE k.case_id = c.id AND k.color = 'yellow') \
               OR (c.deadline < $2 AND c.status <> 'paused' \
                   AND NOT EXISTS (SELECT 1 FROM deadline_cards k WHERE k.case_id = c.id AND k.color = 'red'))) \
             ORDER BY c.deadline, c.number LIMIT $3"
        );
        let rows = sqlx::query_as::<_, WatchedRow>(sqlx::AssertSqlSafe(sql))
            .bind(amber_before.to_sqlx())
            .bind(red_before.to_sqlx())
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("cases"))?;
        Ok(rows
            .into_iter()
            .map(|r| WatchedCase {
                id: r.id,
                number: r.number,
                item_name: r.item_name,
                department: r.department,
                staff: r.staff,
                window: r.window_number,
                paused: r.status == "paused",
                deadline: r.deadline.to_jiff(),
            })
            .collect())
    }

    async fn issue_card(&self, c: &DeadlineCard) -> StoreResult<bool> {
        let sql = format!(
            "INSERT INTO deadline_cards ({CARD_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
             ON CONFLICT (case_id, color) DO NOTHING"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(c.id)
            .bind(c.case_id)
            .bind(&c.case_number)
            .bind(&c.item_name)
            .bind(c.color.code())
            .bind(&c.department)
            .bind(&c.staff)
            .bind(&c.window)
            .bind(c.deadline.to_sqlx())
            .bind(c.issued_at.to_sqlx())
            .bind(c.issued_on.to_sqlx())
            .bind(&c.explanation)
            .bind(&c.explained_by)
            .bind(c.explained_at.map(|t| t.to_sqlx()))
            .bind(c.ruling.map(CardRuling::code))
            .bind(&c.ruling_note)
            .bind(&c.ruled_by)
            .bind(c.ruled_at.map(|t| t.to_sqlx()))
            .execute(&self.pool)
            .await
            .map_err(err("card"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn card(&self, id: Uuid) -> StoreResult<DeadlineCard> {
        let sql = format!("SELECT {CARD_COLUMNS} FROM deadline_cards WHERE id = $1");
        sqlx::query_as::<_, CardRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("card"))?
            .try_into()
    }

    async fn cards(&self, q: &CardQuery) -> StoreResult<Vec<DeadlineCard>> {
        let (clause, texts) = card_filter(q, true);
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM deadline_cards WHERE {clause} \
             ORDER BY issued_at DESC, id DESC LIMIT ${}",
            texts.len() + 3
        );
        let mut query = sqlx::query_as::<_, CardRow>(sqlx::AssertSqlSafe(sql))
            .bind(q.from.to_sqlx())
            .bind(q.to.to_sqlx());
        for t in texts {
            query = query.bind(t);
        }
        let rows = query
            .bind(q.limit)
            .fetch_all(&self.pool)
            .await
            .map_err(err("cards"))?;
        rows.into_iter().map(DeadlineCard::try_from).collect()
    }

    async fn card_counts(&self, q: &CardQuery) -> StoreResult<Vec<CardCounts>> {
        let (clause, texts) = card_filter(q, false);
        let sql = format!(
            "SELECT department, \
               CAST(SUM(CASE WHEN color = 'yellow' THEN 1 ELSE 0 END) AS BIGINT) AS yellow, \
               CAST(SUM(CASE WHEN color = 'red' THEN 1 ELSE 0 END) AS BIGINT) AS red, \
               CAST(SUM(CASE WHEN color = 'red' AND ruling = 'fault' THEN 1 ELSE 0 END) AS BIGINT) AS red_faulted, \
               CAST(SUM(CASE WHEN explanation IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unexplained, \
               CAST(SUM(CASE WHEN ruling IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unruled \
             FROM deadline_cards WHERE {clause} GROUP BY department ORDER BY department"
        );
        let mut query = sqlx::query_as::<_, CountRow>(sqlx::AssertSqlSafe(sql))
            .bind(q.from.to_sqlx())
            .bind(q.to.to_sqlx());
        for t in texts {
            query = query.bind(t);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(err("cards"))?;
        Ok(rows
            .into_iter()
            .map(|r| CardCounts {
                department: r.department,
                yellow: r.yellow,
                red: r.red,
                red_faulted: r.red_faulted,
                unexplained: r.unexplained,
                unruled: r.unruled,
            })
            .collect())
    }

    async fn explain_card(
        &self,
        id: Uuid,
        explanation: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<DeadlineCard> {
        let sql = format!(
            "UPDATE deadline_cards SET explanation = $1, explained_by = $2, explained_at = $3 \
             WHERE id = $4 AND ruling IS NULL RETURNING {CARD_COLUMNS}"
        );
        let row = sqlx::query_as::<_, CardRow>(sqlx::AssertSqlSafe(sql))
            .bind(explanation)
            .bind(by)
            .bind(at.to_sqlx())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("card"))?;
        match row {
            Some(r) => r.try_into(),
            None => Err(self.card_conflict_or_missing(id).await),
        }
    }

    async fn rule_card(
        &self,
        id: Uuid,
        ruling: CardRuling,
        note: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<DeadlineCard> {
        let sql = format!(
            "UPDATE deadline_cards SET ruling = $1, ruling_note = $2, ruled_by = $3, ruled_at = $4 \
             WHERE id = $5 AND ruling IS NULL RETURNING {CARD_COLUMNS}"
        );
        let row = sqlx::query_as::<_, CardRow>(sqlx::AssertSqlSafe(sql))
            .bind(ruling.code())
            .bind(note)
            .bind(by)
            .bind(at.to_sqlx())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("card"))?;
        match row {
            Some(r) => r.try_into(),
            None => Err(self.card_conflict_or_missing(id).await),
        }
    }
}

// ---------------------------------------------------------------- 楼层值班长

const LOG_COLUMNS: &str =
    "id, floor, log_date, captain, checks, opened_by, opened_at, handover, handed_over_by, handed_over_at";

#[derive(sqlx::FromRow)]
struct LogRow {
    id: Uuid,
    floor: String,
    log_date: jiff_sqlx::Date,
    captain: String,
    checks: String,
    opened_by: String,
    opened_at: jiff_sqlx::Timestamp,
    handover: Option<String>,
    handed_over_by: Option<String>,
    handed_over_at: Option<jiff_sqlx::Timestamp>,
}

impl TryFrom<LogRow> for DutyLog {
    type Error = StoreError;
    fn try_from(r: LogRow) -> StoreResult<DutyLog> {
        Ok(DutyLog {
            id: r.id,
            floor: r.floor,
            date: r.log_date.to_jiff(),
            captain: r.captain,
            checks: from_json(&r.checks)?,
            opened_by: r.opened_by,
            opened_at: r.opened_at.to_jiff(),
            handover: r.handover,
            handed_over_by: r.handed_over_by,
            handed_over_at: r.handed_over_at.map(jiff_sqlx::Timestamp::to_jiff),
        })
    }
}

#[derive(sqlx::FromRow)]
struct DutyEventRow {
    id: i64,
    kind: String,
    at: jiff_sqlx::Timestamp,
    description: String,
    action: String,
    recorded_by: String,
}

impl TryFrom<DutyEventRow> for DutyEvent {
    type Error = StoreError;
    fn try_from(r: DutyEventRow) -> StoreResult<DutyEvent> {
        Ok(DutyEvent {
            id: r.id,
            kind: decode(&r.kind)?,
            at: r.at.to_jiff(),
            description: r.description,
            action: r.action,
            recorded_by: r.recorded_by,
        })
    }
}

#[async_trait::async_trait]
impl DutyLogStore for Backend {
    async fn open_duty_log(&self, l: &DutyLog) -> StoreResult<()> {
        let sql =
            format!("INSERT INTO duty_logs ({LOG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(l.id)
            .bind(&l.floor)
            .bind(l.date.to_sqlx())
            .bind(&l.captain)
            .bind(to_json(&l.checks)?)
            .bind(&l.opened_by)
            .bind(l.opened_at.to_sqlx())
            .bind(&l.handover)
            .bind(&l.handed_over_by)
            .bind(l.handed_over_at.map(|t| t.to_sqlx()))
            .execute(&self.pool)
            .await
            .map_err(err("duty_log_exists"))?;
        Ok(())
    }

    async fn duty_log(&self, id: Uuid) -> StoreResult<DutyLog> {
        let sql = format!("SELECT {LOG_COLUMNS} FROM duty_logs WHERE id = $1");
        sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(err("duty log"))?
            .try_into()
    }

    async fn duty_logs(&self, date: Date, floor: Option<&str>) -> StoreResult<Vec<DutyLog>> {
        let rows = match floor {
            Some(f) => {
                let sql = format!("SELECT {LOG_COLUMNS} FROM duty_logs WHERE log_date = $1 AND floor = $2");
                sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(sql))
                    .bind(date.to_sqlx())
                    .bind(f)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                let sql =
                    format!("SELECT {LOG_COLUMNS} FROM duty_logs WHERE log_date = $1 ORDER BY opened_at, id");
                sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(sql))
                    .bind(date.to_sqlx())
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(err("duty logs"))?;
        rows.into_iter().map(DutyLog::try_from).collect()
    }

    async fn add_duty_event(
        &self,
        log: Uuid,
        kind: DutyEventKind,
        at: Timestamp,
        description: &str,
        action: &str,
        by: &str,
    ) -> StoreResult<DutyEvent> {
        let mut tx = self.begin_write().await?;
        let handed: Option<Option<String>> =
            sqlx::query_scalar("SELECT handover FROM duty_logs WHERE id = $1")
                .bind(log)
                .fetch_optional(tx.conn())
                .await
                .map_err(err("duty log"))?;
        match handed {
            None => return Err(StoreError::NotFound("duty log".into())),
            Some(Some(_)) => {
                return Err(StoreError::Conflict {
                    what: "duty_log_closed".into(),
                });
            }
            Some(None) => {}
        }
        let row = sqlx::query_as::<_, DutyEventRow>(
            "INSERT INTO duty_events (log_id, kind, at, description, action, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, kind, at, description, action, recorded_by",
        )
        .bind(log)
        .bind(kind.code())
        .bind(at.to_sqlx())
        .bind(description)
        .bind(action)
        .bind(by)
        .fetch_one(tx.conn())
        .await
        .map_err(err("duty event"))?;
        tx.commit().await.map_err(err("duty event"))?;
        row.try_into()
    }

    async fn duty_events(&self, log: Uuid) -> StoreResult<Vec<DutyEvent>> {
        let rows = sqlx::query_as::<_, DutyEventRow>(
            "SELECT id, kind, at, description, action, recorded_by FROM duty_events WHERE log_id = $1 ORDER BY at, id",
        )
        .bind(log)
        .fetch_all(&self.pool)
        .await
        .map_err(err("duty events"))?;
        rows.into_iter().map(DutyEvent::try_from).collect()
    }

    async fn hand_over_duty_log(
        &self,
        log: Uuid,
        note: &str,
        by: &str,
        at: Timestamp,
    ) -> StoreResult<DutyLog> {
        let sql = format!(
            "UPDATE duty_logs SET handover = $1, handed_over_by = $2, handed_over_at = $3 \
             WHERE id = $4 AND handover IS NULL RETURNING {LOG_COLUMNS}"
        );
        let row = sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(sql))
            .bind(note)
            .bind(by)
            .bind(at.to_sqlx())
            .bind(log)
            .fetch_optional(&self.pool)
            .await
            .map_err(err("duty log"))?;
        match row {
            Some(r) => r.try_into(),
            None => {
                self.duty_log(log).await?;
                Err(StoreError::Conflict {
                    what: "duty_log_closed".into(),
                })
            }
        }
    }
}
