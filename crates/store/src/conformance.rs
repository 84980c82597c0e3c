//! The conformance suite (存储一致性测试): one story every backend must pass,
//! run by each backend crate's tests against a throwaway database.
// Test support: a failed expectation should stop the run loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::*;
use domain::Role;
use domain::catalog::{Bundle, Department, Item, Material};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

/// Runs every check in order on an empty, migrated store.
pub async fn run_all(store: Arc<dyn Store>) {
    catalog_versions(&*store).await;
    attachments(&*store).await;
    calendar(&*store).await;
    users_and_tokens(&*store).await;
    login_throttle_and_audit(&*store).await;
    crate::conformance_queue::run_all(store.clone()).await;
    crate::conformance_home_visit::run_all(store.clone()).await;
    crate::conformance_case::run_all(&*store).await;
    crate::conformance_ledger::run_all(&*store).await;
    crate::conformance_evaluation::run_all(&*store).await;
    crate::conformance_pad::run_all(&*store).await;
    // issue 15 parts 3, 4, 6: morning meetings, yellow/red cards, floor duty log
    crate::conformance_conduct::run_all(&*store).await;
    crate::conformance_complaint::run_all(&*store).await;
    // Issue 15 part 2: inspections (督查).
    crate::conformance_inspection::run_all(store.clone()).await;
    // issue 15 part 5: scalpers
    crate::conformance_scalper::run_all(&*store).await;
    // issue 16 part 6: training
    crate::conformance_training::run_all(&*store).await;
    // issue 16 part 7: campaigns
    crate::conformance_campaign::run_all(&*store).await;
    // issue 16: the monthly assessment
    crate::conformance_assessment::run_all(&*store).await;
    // issue 17: one timeline from ticket to case to evaluation
    crate::conformance_timeline::run_all(&*store).await;
    // issue 17: 告知承诺制, 数据共享、电子证照
    crate::conformance_commitment::run_all(&*store).await;
    // issue 17: online application (网上申报) and pre-review (预审)
    crate::conformance_application::run_all(&*store).await;
    // issue 17: smart guide (智能导办)
    crate::conformance_guide::run_all(&*store).await;
    // issue 18: staffing planner (动态调整窗口)
    crate::conformance_staffing::run_all(&*store).await;
    // issue 18: dashboard
    crate::conformance_dashboard::run_all(&*store).await;
    // issue 18: the queue report and the assessment counted in SQL
    crate::conformance_queue_report::run_all(&*store).await;
}

fn item(code: &str, dept: &str) -> Item {
    Item {
        code: code.into(),
        name: format!("事项{code}"),
        department: dept.into(),
        kind: "行政许可".into(),
        handling: "承诺件".into(),
        statutory_days: Some(20),
        promised_days: 5,
        subject: "个人".into(),
        materials: vec![Material {
            name: "申请书".into(),
            form: "原件".into(),
            copies: 1,
            required: true,
            shareable: false,
            commitment: false,
        }],
        fee: "不收费".into(),
        online: "全程网办".into(),
        max_visits: 0,
        keywords: vec!["开饭店".into()],
        location: Default::default(),
        hours: Default::default(),
        phone: Default::default(),
        complaint_phone: Default::default(),
        legal_basis: Default::default(),
        steps: Default::default(),
    }
}

fn now() -> Timestamp {
    Timestamp::now()
}

pub async fn catalog_versions(store: &dyn Store) {
    assert_eq!(store.published_version_id().await.unwrap(), None);
    let dept = Department {
        code: "SCJG".into(),
        name: "市场监督管理局".into(),
    };
    let v1 = store
        .create_catalog_version(&NewCatalogVersion {
            created_by: "admin".into(),
            created_at: now(),
            source: "import:test.json".into(),
            note: "首次导入".into(),
            new_departments: vec![dept.clone()],
            items: vec![item("SCJG-XK-001", &dept.name), item("SCJG-XK-002", &dept.name)],
            bundles: vec![Bundle {
                code: "YJS-001".into(),
                name: "开饭店一件事".into(),
                description: "".into(),
                items: vec!["SCJG-XK-001".into()],
                promised_days: 5,
            }],
            publish: true,
        })
        .await
        .unwrap();
    assert_eq!(v1.item_count, 2);
    assert!(v1.published_at.is_some());
    assert_eq!(store.published_version_id().await.unwrap(), Some(v1.id));
    assert_eq!(store.list_departments().await.unwrap(), vec![dept.clone()]);

    // A draft version does not change what the public sees.
    let mut changed = item("SCJG-XK-001", &dept.name);
    changed.promised_days = 3;
    let v2 = store
        .create_catalog_version(&NewCatalogVersion {
            created_by: "admin".into(),
            created_at: now(),
            source: "edit:SCJG-XK-001".into(),
            note: "".into(),
            new_departments: vec![],
            items: vec![changed.clone()],
            bundles: vec![],
            publish: false,
        })
        .await
        .unwrap();
    assert!(v2.id > v1.id);
    assert_eq!(store.published_version_id().await.unwrap(), Some(v1.id));
    let snap = store.catalog_snapshot(v1.id).await.unwrap();
    assert_eq!(snap.items.len(), 2);
    assert_eq!(snap.items[0], item("SCJG-XK-001", &dept.name));
    assert_eq!(snap.bundles.len(), 1);
    store.publish_catalog_version(v2.id, now()).await.unwrap();
    assert_eq!(store.published_version_id().await.unwrap(), Some(v2.id));
    assert_eq!(store.catalog_snapshot(v2.id).await.unwrap().items, vec![changed]);
    // History is kept, newest first.
    let versions = store.catalog_versions().await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![v2.id, v1.id]
    );
    assert!(matches!(
        store.catalog_snapshot(9999).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.publish_catalog_version(9999, now()).await,
        Err(StoreError::NotFound(_))
    ));

    // A duplicate item code fails the whole version and leaves nothing behind.
    let bad = store
        .create_catalog_version(&NewCatalogVersion {
            created_by: "admin".into(),
            created_at: now(),
            source: "import:bad.json".into(),
            note: "".into(),
            new_departments: vec![Department {
                code: "GA".into(),
                name: "公安局".into(),
            }],
            items: vec![item("GA-1", "公安局"), item("GA-1", "公安局")],
            bundles: vec![],
            publish: true,
        })
        .await;
    assert!(matches!(bad, Err(StoreError::Conflict { .. })), "{bad:?}");
    assert_eq!(store.catalog_versions().await.unwrap().len(), 2);
    assert_eq!(store.list_departments().await.unwrap(), vec![dept.clone()]);
    assert_eq!(store.published_version_id().await.unwrap(), Some(v2.id));
    assert!(matches!(
        store.add_department(&dept).await,
        Err(StoreError::Conflict { .. })
    ));
}

pub async fn calendar(store: &dyn Store) {
    assert_eq!(store.calendar_revision().await.unwrap(), 0);
    assert!(store.calendar_days().await.unwrap().is_empty());
    let year = domain::calendar::weekend_template(2027);
    let rev = store.import_calendar_days(&year, "admin", now()).await.unwrap();
    assert!(rev > 0);
    let days = store.calendar_days().await.unwrap();
    assert_eq!(days.len(), 365);
    assert_eq!(days[0], (date(2027, 1, 1), true));
    // Re-importing a year replaces it.
    let mut fixed = year.clone();
    fixed[0].1 = false;
    let rev2 = store.import_calendar_days(&fixed, "admin", now()).await.unwrap();
    assert!(rev2 > rev);
    assert_eq!(store.calendar_revision().await.unwrap(), rev2);
    let days = store.calendar_days().await.unwrap();
    assert_eq!(days.len(), 365);
    assert_eq!(days[0], (date(2027, 1, 1), false));
}

pub async fn users_and_tokens(store: &dyn Store) {
    let u = store
        .create_user(&NewUser {
            username: "wang".into(),
            display_name: "王芳".into(),
            role: Role::Staff,
            department: None,
            password_hash: "hash".into(),
            created_at: now(),
        })
        .await
        .unwrap();
    assert_eq!(u.role, Role::Staff);
    let dup = store
        .create_user(&NewUser {
            username: "wang".into(),
            display_name: "另一个".into(),
            role: Role::Admin,
            department: None,
            password_hash: "x".into(),
            created_at: now(),
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })));
    let creds = store.user_by_username("wang").await.unwrap().unwrap();
    assert_eq!(creds.password_hash, "hash");
    assert_eq!(creds.user, u);
    assert!(store.user_by_username("nobody").await.unwrap().is_none());
    store.set_user_password(u.id, "hash2").await.unwrap();
    assert_eq!(
        store
            .user_by_username("wang")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "hash2"
    );
    assert_eq!(store.user_by_id(u.id).await.unwrap().username, "wang");

    let t = now();
    store
        .create_token(&NewToken {
            token_hash: "abc".into(),
            user_id: u.id,
            kind: TokenKind::Session,
            csrf: "csrf1".into(),
            created_at: t,
            expires_at: t + SignedDuration::from_hours(8),
        })
        .await
        .unwrap();
    let (who, info) = store.token_user("abc", t).await.unwrap().unwrap();
    assert_eq!(who.id, u.id);
    assert_eq!(info.csrf, "csrf1");
    assert_eq!(info.kind, TokenKind::Session);
    assert!(
        store
            .token_user("abc", t + SignedDuration::from_hours(9))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.token_user("nope", t).await.unwrap().is_none());
    // Disabling a user ends their sessions.
    store.set_user_disabled(u.id, true).await.unwrap();
    assert!(store.token_user("abc", t).await.unwrap().is_none());
    store.set_user_disabled(u.id, false).await.unwrap();
    store
        .create_token(&NewToken {
            token_hash: "def".into(),
            user_id: u.id,
            kind: TokenKind::Api,
            csrf: "".into(),
            created_at: t,
            expires_at: t + SignedDuration::from_hours(8),
        })
        .await
        .unwrap();
    assert!(store.token_user("def", t).await.unwrap().is_some());
    store.delete_token("def").await.unwrap();
    assert!(store.token_user("def", t).await.unwrap().is_none());
    // A new password ends the sessions of the old one.
    store
        .create_token(&NewToken {
            token_hash: "ghi".into(),
            user_id: u.id,
            kind: TokenKind::Session,
            csrf: "c".into(),
            created_at: t,
            expires_at: t + SignedDuration::from_hours(8),
        })
        .await
        .unwrap();
    store.set_user_password(u.id, "hash3").await.unwrap();
    assert!(store.token_user("ghi", t).await.unwrap().is_none());
    store
        .create_token(&NewToken {
            token_hash: "ghi2".into(),
            user_id: u.id,
            kind: TokenKind::Api,
            csrf: "".into(),
            created_at: t,
            expires_at: t + SignedDuration::from_hours(8),
        })
        .await
        .unwrap();
    assert_eq!(store.list_users().await.unwrap().len(), 1);
    // A department (所属部门) is set, read back and cleared; an unknown one is refused.
    store.set_user_department(u.id, Some("SCJG")).await.unwrap();
    assert_eq!(
        store.user_by_id(u.id).await.unwrap().department.as_deref(),
        Some("SCJG")
    );
    let (who, _) = store
        .token_user("ghi2", t)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("token ghi2 was made above"));
    assert_eq!(who.department.as_deref(), Some("SCJG"));
    assert!(store.set_user_department(u.id, Some("NOPE")).await.is_err());
    store.set_user_department(u.id, None).await.unwrap();
    assert_eq!(store.user_by_id(u.id).await.unwrap().department, None);
}

pub async fn login_throttle_and_audit(store: &dyn Store) {
    let failures = |kind: &'static str, key: &'static str, since: Timestamp, limit: i64| async move {
        store.failures_since(kind, key, since, limit).await.unwrap()
    };
    let t0 = now();
    let since = t0 - SignedDuration::from_mins(15);
    for _ in 0..3 {
        store.record_failure("login", "li|127.0.0.1", t0).await.unwrap();
    }
    store.record_failure("login", "zhao|127.0.0.1", t0).await.unwrap();
    store.record_failure("lookup", "li|127.0.0.1", t0).await.unwrap();
    assert_eq!(failures("login", "li|127.0.0.1", since, 100).await, 3);
    assert_eq!(failures("login", "li|127.0.0.1", since, 2).await, 2);
    assert_eq!(
        failures("login", "li|127.0.0.1", t0 + SignedDuration::from_secs(1), 100).await,
        0
    );
    store.clear_failures("login", "li|127.0.0.1").await.unwrap();
    assert_eq!(failures("login", "li|127.0.0.1", since, 100).await, 0);
    assert_eq!(failures("login", "zhao|127.0.0.1", since, 100).await, 1);
    assert_eq!(failures("lookup", "li|127.0.0.1", since, 100).await, 1);
    assert_eq!(store.prune_failures(1).await.unwrap(), 1);
    assert_eq!(failures("login", "zhao|127.0.0.1", since, 100).await, 0);
    assert_eq!(failures("lookup", "li|127.0.0.1", since, 100).await, 1);

    for i in 0..3 {
        store
            .append_audit(&NewAuditEntry {
                at: now(),
                actor: "admin".into(),
                action: "catalog.import".into(),
                target: format!("v{i}"),
                detail: "导入".into(),
            })
            .await
            .unwrap();
    }
    let entries = store.audit_entries(2, 0).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].target, "v2");
    assert_eq!(store.audit_entries(10, 2).await.unwrap().len(), 1);
}

/// A guide's files: stored with their bodies, listed per item without them, removed once.
async fn attachments(store: &dyn Store) {
    use domain::catalog::AttachmentKind;
    let at = Timestamp::from_second(1_780_000_000).unwrap();
    let form = ItemAttachment {
        id: uuid::Uuid::now_v7(),
        item_code: "SCJG-XK-001".into(),
        kind: AttachmentKind::BlankForm,
        name: "食品经营许可申请书.pdf".into(),
        content_type: "application/pdf".into(),
        size: 9,
        sha256: "abc".into(),
        uploaded_by: "admin".into(),
        uploaded_at: at,
    };
    let sample = ItemAttachment {
        id: uuid::Uuid::now_v7(),
        kind: AttachmentKind::Sample,
        name: "示范文本.docx".into(),
        uploaded_at: at + SignedDuration::from_secs(1),
        ..form.clone()
    };
    store.add_attachment(&form, b"%PDF-1.7\n").await.unwrap();
    store.add_attachment(&sample, b"PK\x03\x04word/").await.unwrap();
    assert_eq!(
        store.attachments("SCJG-XK-001").await.unwrap(),
        vec![form.clone(), sample.clone()]
    );
    assert!(store.attachments("OTHER").await.unwrap().is_empty());
    let (got, body) = store.attachment(form.id).await.unwrap();
    assert_eq!((got, body.as_slice()), (form.clone(), &b"%PDF-1.7\n"[..]));
    store.remove_attachment(form.id).await.unwrap();
    assert!(matches!(
        store.remove_attachment(form.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.attachment(form.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.attachments("SCJG-XK-001").await.unwrap(), vec![sample]);
}
