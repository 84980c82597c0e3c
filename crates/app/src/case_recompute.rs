//! 暂定期限的重算: when the State Council's schedule for a year arrives, every
//! open case whose deadline counted a day of that (provisional) year is
//! recomputed from its acceptance date, its paused days and its extension. The
//! case history records the old deadline, the new one and why; a deadline that
//! moved earlier is flagged to the department (work list and audit log).

use crate::{Actor, AppResult};
use jiff::civil::Date;
use serde::Serialize;
use store::StoreError;
use store::case::{CaseEvent, CaseRecord};

/// One case whose deadline changed.
#[derive(Debug, Clone, Serialize)]
pub struct MovedDeadline {
    pub number: String,
    pub department: String,
    pub old: Date,
    pub new: Date,
    /// Still counts a provisional year (a deadline two years ahead).
    pub provisional: bool,
}

/// What an import of official years did to the open cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recomputation {
    /// Open cases with a provisional deadline that were looked at.
    pub checked: usize,
    /// Those whose deadline moved.
    pub moved: Vec<MovedDeadline>,
    /// Of `moved`, those now due earlier than before.
    pub moved_earlier: usize,
}

fn note(years: &str, c: &CaseRecord, old: Date, new: Date) -> String {
    let why = format!("{years}年全国节假日安排已导入，按正式工作日历重新计算办理期限");
    if new == old {
        format!("{why}：期限{new}不变")
    } else if new < old {
        format!("{why}：由{old}提前至{new}，请{}注意", c.department)
    } else {
        format!("{why}：由{old}顺延至{new}")
    }
}

impl crate::case::CaseService {
    /// Recomputes every open provisional deadline with the calendar in force.
    #[tracing::instrument(skip_all)]
    pub async fn recompute_provisional_deadlines(
        &self,
        actor: &Actor,
        years: &[i16],
    ) -> AppResult<Recomputation> {
        let years_text = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、");
        let mut out = Recomputation::default();
        for mut c in self.store.provisional_open_cases().await? {
            let Some(accepted) = c.accepted_on else {
                continue;
            };
            out.checked += 1;
            let Some(old) = c.deadline else {
                continue;
            };
            let days = (c.promised_days + c.paused_days + c.extension_days).max(0) as u32;
            let new = self.deadline(accepted, days).await?;
            if new.date == old && new.provisional == c.deadline_provisional {
                continue;
            }
            if new.date != old {
                c.deadline_before = Some(old);
            }
            c.set_deadline(new);
            c.updated_at = self.now();
            let event = CaseEvent {
                at: c.updated_at,
                actor: actor.username.clone(),
                action: "deadline_recomputed".into(),
                status: c.status,
                note: note(&years_text, &c, old, new.date),
            };
            match self.store.update_case(&c, c.status, &event).await {
                Ok(()) => {}
                // Acted on at this very moment: its own step recomputes nothing, so
                // the next import (or the next change) picks it up.
                Err(StoreError::Conflict { .. }) => {
                    tracing::warn!(case = %c.number, "deadline recomputation skipped: case changed meanwhile");
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            if new.date < old {
                out.moved_earlier += 1;
                self.audit(
                    actor,
                    "case.deadline_earlier",
                    &c.number,
                    &format!("{} {old}→{}", c.department, new.date),
                )
                .await?;
            }
            if new.date != old {
                out.moved.push(MovedDeadline {
                    number: c.number.clone(),
                    department: c.department.clone(),
                    old,
                    new: new.date,
                    provisional: new.provisional,
                });
            }
        }
        Ok(out)
    }
}
