//! Public progress (办件进度查询, masked and throttled) and the ledger's figures.

use super::*;
use crate::auth::{Session, require};
use crate::{AppError, AppResult};
use domain::permission::Permission;

impl crate::case::CaseService {
    /// Public progress by case number and the phone's last four digits, or by
    /// the receipt's query code. A wrong pair looks like an unknown case.
    #[tracing::instrument(skip_all)]
    pub async fn case_progress(
        &self,
        number: Option<&str>,
        phone_last4: Option<&str>,
        code: Option<&str>,
        client: &str,
    ) -> AppResult<Progress> {
        let by_code = code.is_some_and(|c| !c.trim().is_empty());
        let guards = self.lookup_guards("lookup.case", if by_code { None } else { number }, client);
        self.check_guards(&guards).await?;
        let found = self.find_progress(number, phone_last4, code).await;
        if matches!(found, Err(AppError::NotFound(_))) {
            self.record_guards(&guards).await?;
        }
        found
    }

    async fn find_progress(
        &self,
        number: Option<&str>,
        phone_last4: Option<&str>,
        code: Option<&str>,
    ) -> AppResult<Progress> {
        let unknown = || AppError::NotFound("没有查到该办件，请核对办件编号和手机号后四位".into());
        let c = match (number, phone_last4, code) {
            (_, _, Some(code)) if !code.trim().is_empty() => {
                let code = domain::case::normalize_query_code(code).ok_or_else(unknown)?;
                self.store
                    .case_by_query_code(&code)
                    .await
                    .map_err(|_| unknown())?
            }
            (Some(n), Some(p), _) => {
                let p = p.trim();
                if p.len() != 4 || !p.chars().all(|ch| ch.is_ascii_digit()) {
                    return Err(AppError::invalid("phone_last4", "请填写手机号后四位数字"));
                }
                let c = self.store.case_by_number(n.trim()).await.map_err(|_| unknown())?;
                if c.phone_tail != p {
                    return Err(unknown());
                }
                c
            }
            _ => {
                return Err(AppError::invalid(
                    "number",
                    "请填写办件编号和手机号后四位，或回执上的查询码",
                ));
            }
        };
        let tz = self.settings.time_zone();
        let steps = self
            .store
            .case_events(c.id)
            .await?
            .into_iter()
            .map(|e| ProgressStep {
                at: e.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                step: match e.action.as_str() {
                    "accept" => "受理".into(),
                    "supplement_notice" => "一次性告知补正材料".into(),
                    "supplement" => "补正材料".into(),
                    "pause" => "暂停计时（法定不计时）".into(),
                    "resume" => "恢复计时".into(),
                    "review" => "审查".into(),
                    "decide" => "作出决定".into(),
                    "complete" => "办结".into(),
                    "deliver" => "送达".into(),
                    "refuse" => "不予受理".into(),
                    // issue 17: 告知承诺制
                    "revoke" => "撤销决定".into(),
                    other => other.into(),
                },
            })
            .collect();
        let missing_materials = if c.status == CaseStatus::Supplement {
            c.missing.clone()
        } else {
            Vec::new()
        };
        let outcome = c.approved.map(|approved| {
            let head = if approved { "准予许可" } else { "不予许可" };
            match c.decision_reason.trim() {
                "" => head.to_owned(),
                reason => format!("{head}：{reason}"),
            }
        });
        let collect = match c.status {
            CaseStatus::Completed => Some(format!(
                "办理结果已可领取：请在办公时间（{}）携带本人身份证件和受理回执到{}{}领取，也可联系窗口办理邮寄送达。咨询电话 {}。",
                self.settings.hours.summary(),
                self.settings.hall.address,
                if c.window.is_empty() {
                    "综合受理窗口".to_owned()
                } else {
                    format!("{}号窗口", c.window)
                },
                self.settings.hall.phone
            )),
            CaseStatus::Delivered => Some("办理结果已送达。".to_owned()),
            _ => None,
        };
        // issue 17: 按需共享、安全可控 — the applicant sees what was fetched.
        let shared_data = self
            .claims
            .data_accesses(c.id)
            .await?
            .into_iter()
            .map(|a| SharedDataLine {
                source: a.source.label(),
                material: a.material,
                date: a.accessed_at.to_zoned(tz.clone()).date(),
            })
            .collect();
        Ok(Progress {
            shared_data,
            missing_materials,
            outcome,
            collect,
            number: c.number,
            item: c.item_name,
            applicant: mask_name(&c.applicant_name),
            status: c.status,
            status_label: c.status.label(),
            deadline: c.deadline,
            deadline_provisional: c.deadline_provisional,
            paused_days: c.paused_days,
            steps,
        })
    }

    /// 办结率 and on-time rate of the cases accepted in a period (leader or admin).
    #[tracing::instrument(skip_all)]
    pub async fn case_report(&self, session: &Session, from: Date, to: Date) -> AppResult<CaseReport> {
        require(session, Permission::ReportsRead)?;
        let f = self.store.case_figures(from, to, self.today()).await?;
        Ok(CaseReport {
            from,
            to,
            accepted: f.accepted,
            completed: f.completed,
            completion_rate: domain::case::completion_rate(f.accepted, f.completed),
            on_time: f.on_time,
            on_time_rate: domain::case::on_time_rate(f.completed, f.on_time),
            overdue: f.overdue,
        })
    }
}
