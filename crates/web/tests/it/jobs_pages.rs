//! 后台任务 (/admin/jobs): the administrator sees every job and runs one now
//! (CSRF-checked, audit-logged); a supervisor only reads; staff are refused.

use crate::on_both_backends;
use crate::support::{Backend, TestServer};
use crate::support::{csrf_of, page, session};

async fn jobs_page(s: &TestServer) {
    assert_eq!(s.req("GET", "/admin/jobs").send().await.status, 303);
    let staff = session(s, "staff").await;
    let (status, body) = page(s, &staff, "/admin/jobs").await;
    assert_eq!(status, 403);
    assert!(body.contains("没有权限"));
    let (_, dashboard) = page(s, &staff, "/admin").await;
    assert!(!dashboard.contains("/admin/jobs"));

    let admin = session(s, "admin").await;
    let (_, dashboard) = page(s, &admin, "/admin").await;
    assert!(dashboard.contains("href=\"/admin/jobs\""));
    let (status, html) = page(s, &admin, "/admin/jobs").await;
    assert_eq!(status, 200);
    for want in [
        "预约爽约清理",
        "短信邀评",
        "整改超期报送领导",
        "清理安全限流记录",
        "每分钟",
        "每小时",
        "尚未运行",
        "立即运行",
    ] {
        assert!(html.contains(want), "/admin/jobs lacks {want}");
    }

    // Without the form's secret: refused, nothing run.
    let resp = s
        .req("POST", "/admin/jobs/no_show_sweep/run")
        .cookie(admin.as_str())
        .form(&[("csrf", "forged")])
        .send()
        .await;
    assert_eq!(resp.status, 403);
    assert_eq!(runs(s, "no_show_sweep"), 0);

    let csrf = csrf_of(&html);
    let resp = s
        .req("POST", "/admin/jobs/no_show_sweep/run")
        .cookie(admin.as_str())
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await;
    assert_eq!(resp.status, 303);
    let location = resp.location().unwrap();
    assert!(location.starts_with("/admin/jobs?ok="), "{location}");
    assert_eq!(runs(s, "no_show_sweep"), 1);
    let (_, html) = page(s, &admin, &location).await;
    assert!(html.contains("已运行：处理0项"));
    assert!(html.contains("admin手动") && html.contains("成功，处理0项"));
    let audit = s.app.audit_log(1, 20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "job.run" && e.target == "no_show_sweep")
    );

    let resp = s
        .req("POST", "/admin/jobs/no_such_job/run")
        .cookie(admin.as_str())
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await;
    assert_eq!(resp.status, 404);

    // A supervisor reads the page but has no button and may not run a job.
    let supervisor = session(s, "supervisor").await;
    let (status, html) = page(s, &supervisor, "/admin/jobs").await;
    assert_eq!(status, 200);
    assert!(html.contains("预约爽约清理") && !html.contains("立即运行"));
    let (_, dashboard) = page(s, &supervisor, "/admin").await;
    let resp = s
        .req("POST", "/admin/jobs/no_show_sweep/run")
        .cookie(supervisor.as_str())
        .form(&[("csrf", csrf_of(&dashboard).as_str())])
        .send()
        .await;
    assert_eq!(resp.status, 403);
    assert_eq!(runs(s, "no_show_sweep"), 1);
}
on_both_backends!(jobs_page);

fn runs(s: &TestServer, code: &str) -> u64 {
    s.app.job_statuses().iter().find(|j| j.code == code).unwrap().runs
}
