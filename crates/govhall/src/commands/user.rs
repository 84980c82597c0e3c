//! `govhall user …` and `govhall department …`.

use super::{explain, open_app};
use crate::cli::{DepartmentCommand, UserCommand};
use crate::config::Config;
use anyhow::{Context, Result};
use app::Actor;
use domain::Role;

/// GOVHALL_PASSWORD, or the first line of standard input.
fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("GOVHALL_PASSWORD")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("无法从标准输入读取密码")?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        anyhow::bail!("未提供密码：请设置 GOVHALL_PASSWORD 或从标准输入传入");
    }
    Ok(p)
}

pub async fn run(config: &Config, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            db,
            username,
            role,
            name,
            department,
        } => {
            let role = Role::parse(&role).context("角色无效")?;
            let password = read_password()?;
            let app = open_app(config, &config.database(&db)).await?;
            let user = app
                .accounts
                .add_user(
                    &Actor::cli(),
                    &username,
                    &name,
                    role,
                    department.as_deref(),
                    &password,
                )
                .await
                .map_err(explain)?;
            match &user.department {
                Some(d) => println!("已创建账号 {}（{}，{d}）", user.username, user.role.label()),
                None => println!("已创建账号 {}（{}）", user.username, user.role.label()),
            }
            Ok(())
        }
        UserCommand::Department {
            db,
            username,
            department,
        } => {
            let app = open_app(config, &config.database(&db)).await?;
            let user = app
                .accounts
                .set_user_department(&Actor::cli(), &username, department.as_deref())
                .await
                .map_err(explain)?;
            println!(
                "账号 {} 的所属部门：{}",
                user.username,
                user.department.as_deref().unwrap_or("无")
            );
            Ok(())
        }
        UserCommand::Password { db, username } => {
            let password = read_password()?;
            let app = open_app(config, &config.database(&db)).await?;
            app.accounts
                .set_password(&Actor::cli(), &username, &password)
                .await
                .map_err(explain)?;
            println!("已修改 {username} 的密码");
            Ok(())
        }
        UserCommand::List { db } => {
            let app = open_app(config, &config.database(&db)).await?;
            for u in app.accounts.users().await.map_err(explain)? {
                let state = if u.disabled { "停用" } else { "启用" };
                println!("{}\t{}\t{}\t{state}", u.username, u.display_name, u.role.label());
            }
            Ok(())
        }
    }
}

pub async fn run_department(config: &Config, command: DepartmentCommand) -> Result<()> {
    match command {
        DepartmentCommand::Add { db, code, name } => {
            let app = open_app(config, &config.database(&db)).await?;
            let d = app
                .add_department(&Actor::cli(), &code, &name)
                .await
                .map_err(explain)?;
            println!("已登记部门 {} {}", d.code, d.name);
            Ok(())
        }
        DepartmentCommand::List { db } => {
            let app = open_app(config, &config.database(&db)).await?;
            for d in app.departments().await.map_err(explain)? {
                println!("{}\t{}", d.code, d.name);
            }
            Ok(())
        }
    }
}
