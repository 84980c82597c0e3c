//! The demo hall (演示大厅): the 东海县 catalog and one account per role, so
//! a newcomer who runs `govhall serve --demo` sees a working hall.

use crate::catalog::CatalogFile;
use crate::{Actor, App, AppResult};
use domain::Role;

const DEMO_CATALOG: &str = include_str!("../demo/catalog.json");
const DEMO_BUNDLES: &str = include_str!("../demo/bundles.json");

/// The demo accounts: username, display name, role, department. All share [`DEMO_PASSWORD`].
pub const DEMO_USERS: [(&str, &str, Role, Option<&str>); 5] = [
    ("admin", "系统管理员", Role::Admin, None),
    ("staff", "王芳", Role::Staff, None),
    ("supervisor", "李强", Role::Supervisor, None),
    ("leader", "陈主任", Role::Leader, None),
    ("liaison", "赵敏", Role::Liaison, Some("SCJG")),
];
pub const DEMO_PASSWORD: &str = "govhall-demo";

/// The demo hall's service categories: prefix, name, catalog items.
const DEMO_CATEGORIES: [(&str, &str, &[&str]); 4] = [
    ("A", "企业开办", &["SCJG-QR-004", "SCJG-XK-001", "SW-GG-001"]),
    ("B", "不动产登记", &["BDC-QR-006"]),
    ("C", "社保医保", &["RS-JF-003", "YB-GG-001"]),
    ("D", "公安户政", &["GA-QR-004", "GA-QR-006"]),
];

/// The demo hall's windows: number, categories, staff allowed.
const DEMO_WINDOWS: [(&str, &[&str], &[&str]); 5] = [
    ("1", &["A"], &["staff"]),
    ("2", &["A", "B"], &["staff"]),
    ("3", &["A", "B", "C", "D"], &["staff"]),
    ("4", &["C"], &["staff"]),
    ("5", &["D"], &["staff"]),
];

impl App {
    /// Fills an empty hall with the demo catalog and accounts; leaves a hall
    /// that already has them untouched.
    pub async fn seed_demo(&self) -> AppResult<()> {
        let actor = Actor {
            username: "演示数据".into(),
            role: Some(Role::Admin),
        };
        if self.store.published_version_id().await?.is_none() {
            self.import_catalog(
                &actor,
                &[
                    CatalogFile::new("catalog.json", DEMO_CATALOG.as_bytes().to_vec()),
                    CatalogFile::new("bundles.json", DEMO_BUNDLES.as_bytes().to_vec()),
                ],
                true,
            )
            .await?;
        }
        for (username, name, role, department) in DEMO_USERS {
            match self.store.user_by_username(username).await? {
                None => {
                    self.accounts
                        .add_user(&actor, username, name, role, department, DEMO_PASSWORD)
                        .await?;
                }
                // A demo hall made before accounts had departments.
                Some(c) if c.user.department.is_none() && department.is_some() => {
                    self.accounts
                        .set_user_department(&actor, username, department)
                        .await?;
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The demo hall floor: service categories and windows. The one demo clerk
    /// `staff` may serve at every window, so a newcomer can open any console.
    pub async fn seed_demo_floor(&self) -> AppResult<()> {
        let actor = Actor {
            username: "演示数据".into(),
            role: Some(Role::Admin),
        };
        if self.store.categories().await?.is_empty() {
            for (prefix, name, items) in DEMO_CATEGORIES {
                let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
                self.queue.create_category(&actor, prefix, name, &items).await?;
            }
        }
        if self.store.windows().await?.is_empty() {
            for (number, categories, staff) in DEMO_WINDOWS {
                let categories: Vec<String> = categories.iter().map(|s| s.to_string()).collect();
                let staff: Vec<String> = staff.iter().map(|s| s.to_string()).collect();
                self.queue
                    .create_window(&actor, number, "", &categories, &staff, false)
                    .await?;
            }
            // 亮身份: the clerk's card on the pads and the window screen.
            self.profiles
                .save_as(
                    &actor,
                    "staff",
                    &crate::staff_profile::ProfileInput {
                        staff_number: Some("DH0301".into()),
                        // issue 16 part 5: 三亮 post and commitment
                        post: Some("综合受理岗".into()),
                        duties: Some(
                            "综合受理：企业开办、不动产登记、社保医保、户籍与出入境业务的咨询、受理与办结"
                                .into(),
                        ),
                        commitment: Some("首问负责、一次告知、限时办结，微笑服务，不让群众多跑一次".into()),
                    },
                    crate::staff_profile::PhotoChange::Keep,
                )
                .await?;
        }
        Ok(())
    }
}
