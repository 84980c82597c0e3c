//! 满意度评价统计: satisfaction per period and group from the rollup, the
//! check that the rollup agrees with the records, and the import of counts
//! kept by an earlier system.

use crate::auth::{Session, require};
use crate::{Actor, AppError, AppResult};
use domain::evaluation::{Channel, Level, RATE_FORMULA, Tally, percent};
use domain::permission::Permission;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use store::evaluation::{Dimension, LevelCount, NewEvaluation};
use uuid::Uuid;

/// Figures of one group (or of the whole hall).
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub total: u64,
    pub valid: u64,
    /// Upheld on appeal and left out of `valid`.
    pub excluded: u64,
    /// Valid evaluations per level code, all five levels present.
    pub by_level: BTreeMap<&'static str, u64>,
    /// Valid 差评 (the bottom two levels).
    pub bad: u64,
    /// Satisfied ÷ valid, rounded to four places; `null` without valid evaluations.
    pub rate: Option<f64>,
    /// The rate as printed: "98.97%".
    pub rate_text: String,
}

impl Figures {
    fn of(t: &Tally) -> Figures {
        Figures {
            total: t.total(),
            valid: t.valid(),
            excluded: t.total() - t.valid(),
            by_level: Level::ALL
                .into_iter()
                .map(|l| (l.code(), t.valid_of(l)))
                .collect(),
            bad: t.bad(),
            rate: t.rate(),
            rate_text: percent(t.rate()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupFigures {
    /// The window number, department, staff username, item code or channel code.
    pub key: String,
    /// How people read the key (channel names in Chinese; the key otherwise).
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionReport {
    pub from: Date,
    pub to: Date,
    #[serde(flatten)]
    pub figures: Figures,
    pub formula: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupFigures>>,
}

pub(crate) fn tallies(rows: &[LevelCount]) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for r in rows {
        let level = r.level;
        let t = out.entry(r.group.clone()).or_default();
        t.add(level, r.n.max(0) as u64, false);
        let i = Level::ALL.iter().position(|l| *l == level).unwrap_or(0);
        t.excluded[i] += r.excluded.max(0) as u64;
    }
    out
}

fn group_name(by: Dimension, key: &str) -> String {
    match by {
        Dimension::Channel => Channel::from_code(key)
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|| key.to_owned()),
        Dimension::Window if !key.is_empty() => format!("{key}号窗口"),
        _ if key.is_empty() => "（未记录）".into(),
        _ => key.to_owned(),
    }
}

/// Parses the report period; `to` defaults to `from`, and it may not run backwards.
pub fn period(from: &str, to: Option<&str>) -> AppResult<(Date, Date)> {
    let parse = |field: &str, s: &str| -> AppResult<Date> {
        s.trim()
            .parse::<Date>()
            .map_err(|_| AppError::invalid(field, "日期格式应为 YYYY-MM-DD"))
    };
    let from_date = parse("from", from)?;
    let to_date = match to {
        Some(t) if !t.trim().is_empty() => parse("to", t)?,
        _ => from_date,
    };
    if to_date < from_date {
        return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
    }
    Ok((from_date, to_date))
}

impl crate::evaluation::EvaluationService {
    /// 满意度评价统计 for a period, optionally grouped.
    #[tracing::instrument(skip_all)]
    pub async fn satisfaction(
        &self,
        session: &Session,
        from: Date,
        to: Date,
        by: Option<Dimension>,
    ) -> AppResult<SatisfactionReport> {
        require(session, Permission::ReportsRead)?;
        let whole = tallies(&self.store.level_counts(from, to, None).await?);
        let figures = Figures::of(&whole.values().next().copied().unwrap_or_default());
        let groups = match by {
            None => None,
            Some(by) => {
                let mut groups: Vec<GroupFigures> = Vec::new();
                for (key, t) in tallies(&self.store.level_counts(from, to, Some(by)).await?) {
                    // Staff by name (王芳), as the director reads the table.
                    let name = match by {
                        Dimension::Staff if !key.is_empty() => self.staff_name(&key).await?,
                        _ => group_name(by, &key),
                    };
                    groups.push(GroupFigures {
                        name,
                        key,
                        figures: Figures::of(&t),
                    });
                }
                groups.sort_by(|a, b| b.figures.total.cmp(&a.figures.total).then(a.key.cmp(&b.key)));
                Some(groups)
            }
        };
        Ok(SatisfactionReport {
            from,
            to,
            figures,
            formula: RATE_FORMULA,
            group_by: by.map(|b| b.code()),
            groups,
        })
    }

    /// Proves the rollup against the records for a period: the groups whose
    /// counts differ (empty when they agree).
    #[tracing::instrument(skip_all)]
    pub async fn check_satisfaction_counts(&self, from: Date, to: Date) -> AppResult<Vec<String>> {
        let mut problems = Vec::new();
        for by in [
            None,
            Some(Dimension::Window),
            Some(Dimension::Department),
            Some(Dimension::Staff),
            Some(Dimension::Item),
            Some(Dimension::Channel),
        ] {
            let rollup = self.store.level_counts(from, to, by).await?;
            let records = self.store.level_counts_from_records(from, to, by).await?;
            if rollup != records {
                problems.push(format!(
                    "按{}统计不一致：汇总 {} 行，明细 {} 行",
                    by.map(|b| b.code()).unwrap_or("全部"),
                    rollup.len(),
                    records.len()
                ));
            }
        }
        Ok(problems)
    }

    /// Imports counts from an earlier system: CSV with the header
    /// `date,window,level,count`. Every row is checked before anything is
    /// stored; the rows are marked as imported. Returns (rows, evaluations).
    #[tracing::instrument(skip_all)]
    pub async fn import_evaluations(&self, session: &Session, csv_text: &str) -> AppResult<(usize, u64)> {
        require(session, Permission::HistoryImport)?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
        let header = reader
            .headers()
            .map_err(|e| AppError::invalid("csv", format!("无法读取表头：{e}")))?
            .clone();
        // The header in Chinese (日期,窗口,评价等级,件数) or as the older systems export it.
        let expected = ["date", "window", "level", "count"];
        let chinese = ["日期", "窗口", "评价等级", "件数"];
        let given: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
        if given != expected && given != chinese {
            return Err(AppError::invalid(
                "csv",
                "表头应为 日期,窗口,评价等级,件数（或 date,window,level,count）",
            ));
        }
        let windows = self.queue.cached_windows().await?;
        let now = self.now();
        let recorded_by = session.user.username.clone();
        let mut batch = Vec::new();
        let mut total: u64 = 0;
        for (i, row) in reader.records().enumerate() {
            let line = i + 2;
            let row = row.map_err(|e| {
                AppError::invalid(&format!("rows[{line}]"), format!("第{line}行无法读取：{e}"))
            })?;
            let field = |name: &str| format!("rows[{line}].{name}");
            let date: Date = row[0]
                .parse()
                .map_err(|_| AppError::invalid(&field("date"), format!("第{line}行日期应为 YYYY-MM-DD")))?;
            let window = row[1].trim().trim_end_matches("号窗口").to_owned();
            if window.is_empty() || window.chars().count() > 40 {
                return Err(AppError::invalid(
                    &field("window"),
                    format!("第{line}行窗口或部门不能为空"),
                ));
            }
            let level = Level::parse(&row[2]).ok_or_else(|| {
                AppError::invalid(
                    &field("level"),
                    format!("第{line}行评价等级“{}”无法识别", &row[2]),
                )
            })?;
            let count: u64 = row[3]
                .parse()
                .ok()
                .filter(|n| (1..=10_000_000).contains(n))
                .ok_or_else(|| {
                    AppError::invalid(&field("count"), format!("第{line}行数量应为1至10000000的整数"))
                })?;
            // A column that names no window of this hall is a department (earlier systems count either).
            // A hall window's evaluations count for the department it serves, as live ones do.
            let (window_number, department) = match windows.iter().find(|w| w.number == window) {
                Some(w) => (window, self.queue.window_department(w).await?.unwrap_or_default()),
                None => (String::new(), window),
            };
            total += count;
            batch.push(NewEvaluation {
                id: Uuid::now_v7(),
                event_key: None,
                ticket_id: None,
                case_id: None,
                channel: Channel::Import,
                level,
                reasons: Vec::new(),
                comment: String::new(),
                business_date: date,
                window: window_number,
                department,
                staff: String::new(),
                item: String::new(),
                weight: count as i64,
                imported: true,
                device: String::new(),
                rater_key: String::new(),
                seconds_after_service: None,
                rated_at: now,
                recorded_by: recorded_by.clone(),
                rectification: None,
            });
        }
        if batch.is_empty() {
            return Err(AppError::invalid("csv", "没有可导入的数据行"));
        }
        for answer in self.store.record_evaluations(&batch).await {
            answer?;
        }
        self.audit(
            &Actor::user(&session.user),
            "evaluation.import",
            "",
            &format!("导入 {} 行，共 {total} 条评价", batch.len()),
        )
        .await?;
        Ok((batch.len(), total))
    }
}

impl crate::evaluation::EvaluationService {
    /// 疑似刷评: patterns among a period's evaluations for supervisors to look
    /// at (at most the latest 100,000 evaluations are read).
    #[tracing::instrument(skip_all)]
    pub async fn evaluation_flags(
        &self,
        session: &Session,
        from: Date,
        to: Date,
    ) -> AppResult<Vec<domain::evaluation::Flag>> {
        require(session, Permission::EvaluationIntegrity)?;
        let facts: Vec<domain::evaluation::RatingFact> = self
            .store
            .evaluations_between(from, to, 100_000)
            .await?
            .into_iter()
            .map(|e| domain::evaluation::RatingFact {
                day: e.business_date,
                window: e.window,
                channel: e.channel,
                level: e.level,
                device: e.device,
                rater_key: e.rater_key,
                rated_at: e.rated_at,
                seconds_after_service: e.seconds_after_service,
            })
            .collect();
        Ok(domain::evaluation::suspicious_patterns(&facts))
    }
}
