//! One module per subcommand family.

mod backup;
mod bench;
mod bench_assessment;
mod bench_cases;
mod bench_supervision;
// issue 17: smart guide (智能导办)
mod bench_guide;
// issue 18: staffing planner (动态调整窗口)
mod bench_staffing;
// issue 18: dashboard
mod bench_dashboard;
mod calendar;
mod catalog;
mod pg_tools;
mod restore;
mod serve;
mod user;
// issue 18: reports
mod bench_summary;

use crate::cli::Command;
use crate::config::Config;
use anyhow::Result;

pub async fn run(command: Command, config: Config) -> Result<()> {
    match command {
        Command::Serve { db, listen, demo } => serve::run(&config, &config.database(&db), listen, demo).await,
        Command::Migrate { db } => {
            let url = config.database(&db);
            crate::backend::open(&url).await?;
            println!("数据库已就绪（已迁移到最新结构）");
            Ok(())
        }
        Command::Backup { db, output, force } => backup::run(&config.database(&db), &output, force).await,
        Command::Restore { db, file } => restore::run(&config.database(&db), &file).await,
        Command::Catalog(c) => catalog::run(&config, c).await,
        Command::Calendar(c) => calendar::run(&config, c).await,
        Command::User(c) => user::run(&config, c).await,
        Command::Department(c) => user::run_department(&config, c).await,
        Command::Bench(crate::cli::BenchCommand::Display {
            url,
            token,
            streams,
            calls,
            window,
            category,
        }) => {
            bench::display(
                url.trim_end_matches('/'),
                &token,
                streams,
                calls,
                &window,
                &category,
            )
            .await
        }
        Command::Bench(crate::cli::BenchCommand::Evaluations {
            db,
            count,
            days,
            month,
        }) => bench::evaluations(&config.database(&db), count, days, &month).await,
        Command::Bench(crate::cli::BenchCommand::Cases {
            db,
            count,
            days,
            month,
        }) => bench_cases::cases(&config.database(&db), count, days, &month).await,
        Command::Bench(crate::cli::BenchCommand::Supervision {
            db,
            complaints,
            inspections,
            tickets,
            days,
            month,
        }) => {
            let counts = bench_supervision::Counts {
                complaints,
                inspections,
                tickets,
            };
            bench_supervision::supervision(&config.database(&db), counts, days, &month).await
        }
        Command::Bench(crate::cli::BenchCommand::Assessment {
            db,
            evaluations,
            windows,
            per_window,
            departments,
            days,
            month,
        }) => {
            let shape = bench_assessment::Shape {
                evaluations,
                windows,
                per_window,
                departments,
                days,
            };
            bench_assessment::assessment(&config.database(&db), shape, &month).await
        }
        Command::Bench(crate::cli::BenchCommand::Rate {
            url,
            token,
            kind,
            rate,
            seconds,
            windows,
        }) => {
            let load = bench::Load {
                url: url.trim_end_matches('/').to_owned(),
                token,
                kind,
                rate,
                seconds,
                windows,
            };
            bench::fixed_rate(&load).await
        }
        // issue 17: smart guide (智能导办)
        Command::Bench(crate::cli::BenchCommand::Guide { questions, rounds }) => {
            bench_guide::guide(questions.as_deref(), rounds)
        }
        // issue 18: staffing planner (动态调整窗口)
        Command::Bench(crate::cli::BenchCommand::Staffing {
            db,
            categories,
            per_day,
            date,
            rounds,
        }) => {
            let app = open_app(&config, &config.database(&db)).await?;
            bench_staffing::staffing(&app, categories, per_day, date.as_deref(), rounds).await
        }
        // issue 18: reports
        Command::Bench(crate::cli::BenchCommand::Summary {
            db,
            month,
            year,
            documents,
        }) => bench_summary::summary(&config.database(&db), &month, year, documents).await,
        // issue 18: dashboard
        Command::Bench(crate::cli::BenchCommand::Dashboard {
            db,
            tickets,
            cases,
            evaluations,
            days,
            runs,
        }) => {
            let shape = bench_dashboard::Shape {
                tickets,
                cases,
                evaluations,
                days,
                runs,
            };
            bench_dashboard::dashboard(&config.database(&db), shape).await
        }
        Command::Config => {
            print!("{}", config.show()?);
            Ok(())
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&web::openapi_document())?);
            Ok(())
        }
    }
}

/// Opens the database and builds the application around it.
pub async fn open_app(config: &Config, url: &str) -> Result<app::App> {
    let store = crate::backend::open(url).await?;
    Ok(app::App::new(store, config.settings.clone()))
}

/// Turns a use-case error into a message for the terminal, listing every
/// problem of a rejected catalog file.
pub fn explain(e: app::AppError) -> anyhow::Error {
    match e {
        app::AppError::CatalogInvalid(problems) => {
            let mut text = format!("目录文件有{}处问题，未做任何更改：", problems.len());
            for p in problems {
                text.push_str("\n  - ");
                text.push_str(&p.to_string());
            }
            anyhow::anyhow!(text)
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}
