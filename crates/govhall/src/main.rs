//! govhall: one binary for the whole hall. See `govhall --help`.

mod backend;
mod cli;
mod commands;
mod config;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let config = match config::Config::load(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("配置错误：{e:#}");
            return ExitCode::from(2);
        }
    };
    config::init_logging(&config);
    match commands::run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}
