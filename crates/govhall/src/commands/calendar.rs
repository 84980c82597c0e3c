//! `govhall calendar …`.

use super::{explain, open_app};
use crate::cli::{CalendarCommand, DatabaseArg};
use crate::config::Config;
use anyhow::{Context, Result};
use app::Actor;
use domain::WorkCalendar;
use jiff::civil::Date;
use std::sync::Arc;

fn date(field: &str, raw: &str) -> Result<Date> {
    raw.trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--{field}：日期“{raw}”无效，应为YYYY-MM-DD"))
}

/// The calendar to answer from: the database's when one is named (flag,
/// GOVHALL_DATABASE_URL or an existing ./govhall.db), else the built-in one.
async fn calendar(config: &Config, db: &DatabaseArg) -> Result<Arc<WorkCalendar>> {
    let named = db.database.is_some() || std::env::var("GOVHALL_DATABASE_URL").is_ok_and(|v| !v.is_empty());
    if named || std::path::Path::new("govhall.db").exists() {
        let app = open_app(config, &config.database(db)).await?;
        app.calendar().await.map_err(explain)
    } else {
        let tz = config.settings.time_zone();
        let year = jiff::Timestamp::now().to_zoned(tz).date().year();
        Ok(Arc::new(WorkCalendar::builtin().with_provisional(year)))
    }
}

pub async fn run(config: &Config, command: CalendarCommand) -> Result<()> {
    match command {
        CalendarCommand::Days { db, from, to } => {
            let (from, to) = (date("from", &from)?, date("to", &to)?);
            if to < from {
                anyhow::bail!("--to 不能早于 --from");
            }
            let cal = calendar(config, &db).await?;
            let days = cal.days(from, to)?;
            let mut out = String::with_capacity(days.len() * 13);
            for (d, w) in days {
                out.push_str(&format!("{d}\t{}\n", u8::from(w)));
            }
            print!("{out}");
            Ok(())
        }
        CalendarCommand::Deadline { db, from, days } => {
            let from = date("from", &from)?;
            let cal = calendar(config, &db).await?;
            let d = cal.deadline_of(from, days)?;
            println!("{}", d.date);
            if d.provisional {
                eprintln!(
                    "暂定：计入了尚未导入国务院节假日安排的年份（按周末和法定节假日计算），导入后以正式安排为准"
                );
            }
            Ok(())
        }
        CalendarCommand::Import { db, file } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let app = open_app(config, &config.database(&db)).await?;
            let done = app.import_calendar(&Actor::cli(), &text).await.map_err(explain)?;
            let list = done
                .years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、");
            println!("已导入{list}年的工作日历");
            let r = &done.recomputed;
            if r.checked > 0 {
                println!(
                    "重新计算了{}件暂定期限的在办件：{}件期限变化，其中{}件提前",
                    r.checked,
                    r.moved.len(),
                    r.moved_earlier
                );
                for m in &r.moved {
                    println!("  {}（{}）：{} → {}", m.number, m.department, m.old, m.new);
                }
            }
            Ok(())
        }
    }
}
