//! Monthly satisfaction figures for the staff assessment (月度考核): per month
//! of a year, for the whole hall and for each department.

use crate::auth::Session;
use crate::evaluation_report::Figures;
use crate::{AppError, AppResult};
use domain::evaluation::{Level, percent};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use store::evaluation::Dimension;

#[derive(Debug, Clone, Serialize)]
pub struct MonthFigures {
    /// 1–12.
    pub month: i8,
    pub from: Date,
    pub to: Date,
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct DepartmentYear {
    pub department: String,
    pub months: Vec<MonthFigures>,
    pub year: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthlySatisfaction {
    pub year: i16,
    pub hall: Vec<MonthFigures>,
    pub hall_year: Figures,
    pub departments: Vec<DepartmentYear>,
    pub formula: &'static str,
}

/// Figures of a group that had no evaluations.
pub fn empty_figures() -> Figures {
    Figures {
        total: 0,
        valid: 0,
        excluded: 0,
        by_level: Level::ALL.into_iter().map(|l| (l.code(), 0)).collect(),
        bad: 0,
        rate: None,
        rate_text: percent(None),
    }
}

impl crate::evaluation::EvaluationService {
    /// Per-month figures of a year for the hall and each department (leader/admin).
    pub async fn satisfaction_monthly(&self, session: &Session, year: i16) -> AppResult<MonthlySatisfaction> {
        if !(2000..=2100).contains(&year) {
            return Err(AppError::invalid("year", "年份应在2000至2100之间"));
        }
        let date = |m: i8, d: i8| Date::new(year, m, d).map_err(AppError::internal);
        let whole = self
            .satisfaction(session, date(1, 1)?, date(12, 31)?, Some(Dimension::Department))
            .await?;
        let mut hall = Vec::new();
        let mut per_department: BTreeMap<String, BTreeMap<i8, Figures>> = BTreeMap::new();
        for month in 1..=12 {
            let from = date(month, 1)?;
            let to = from.last_of_month();
            let report = self
                .satisfaction(session, from, to, Some(Dimension::Department))
                .await?;
            for g in report.groups.into_iter().flatten() {
                per_department.entry(g.name).or_default().insert(month, g.figures);
            }
            hall.push(MonthFigures {
                month,
                from,
                to,
                figures: report.figures,
            });
        }
        let departments = whole
            .groups
            .into_iter()
            .flatten()
            .map(|g| {
                let mut by_month = per_department.remove(&g.name).unwrap_or_default();
                let months = hall
                    .iter()
                    .map(|h| MonthFigures {
                        month: h.month,
                        from: h.from,
                        to: h.to,
                        figures: by_month.remove(&h.month).unwrap_or_else(empty_figures),
                    })
                    .collect();
                DepartmentYear {
                    department: g.name,
                    months,
                    year: g.figures,
                }
            })
            .collect();
        Ok(MonthlySatisfaction {
            year,
            hall,
            hall_year: whole.figures,
            departments,
            formula: domain::evaluation::RATE_FORMULA,
        })
    }
}
