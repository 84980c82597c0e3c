//! `govhall serve`.

use super::open_app;
use crate::config::Config;
use anyhow::{Context, Result};

pub async fn run(config: &Config, url: &str, listen: Option<String>, demo: bool) -> Result<()> {
    let app = open_app(config, url).await?;
    if demo {
        app.seed_demo()
            .await
            .map_err(super::explain)
            .context("无法写入演示数据")?;
        app.seed_demo_floor()
            .await
            .map_err(super::explain)
            .context("无法写入演示数据")?;
    }
    app.queue
        .relay_remote_calls()
        .await
        .map_err(super::explain)
        .context("无法订阅其他实例的叫号")?;
    let addr = listen.unwrap_or_else(|| config.listen.clone());
    if app.settings.security.data_key.expose() == app::settings::DEVELOPMENT_DATA_KEY {
        tracing::warn!(
            "data_key 仍为开发默认值：正式使用前请在配置文件或 GOVHALL_DATA_KEY 中设置本大厅自己的密钥"
        );
    }
    let public = app.settings.hall.public_url.to_ascii_lowercase();
    if public.contains("://127.") || public.contains("://localhost") || public.contains("://[::1]") {
        tracing::warn!(
            public_url = %app.settings.hall.public_url,
            "hall.public_url 仍指向本机：回执、告知书、短信和二维码里的网址群众打不开。请设置为大厅对外的网址（GOVHALL_HALL__PUBLIC_URL）"
        );
    }
    if !app.settings.hours.enabled.0 {
        tracing::warn!("办公时间限制已关闭（hours.enabled = off）：任何时间都可以取号");
    }
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("无法监听 {addr}"))?;
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .context("无法启动指标记录")?;
    let bound = listener.local_addr()?;
    tracing::info!(%bound, backend = app.store.backend(), demo, "govhall 已启动");
    println!("govhall 已启动：http://{bound}/");
    // Every background job (no-show sweep, SMS invitations, escalations, pruning):
    // each runs now, then on its period, until the server stops.
    let jobs = app.start_jobs();
    let state = web::AppState::new(app, Some(metrics));
    let served = web::serve(listener, state, shutdown_signal()).await;
    jobs.stop().await;
    served?;
    tracing::info!("govhall 已停止");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
