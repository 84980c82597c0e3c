//! 三亮 (亮标准、亮身份、亮承诺, issue 16 part 5): each staff member's public
//! profile — photo, 工号, 岗位, 职责 and 服务承诺 — edited by the
//! administrator, seen by the person, printed on the desk card (台签) and
//! shown on each window's public page with the complaint channel.
//!
//! Photos are JPEG, PNG or WebP, typed by their bytes (`domain::photo`), at
//! most [`PHOTO_MAX_BYTES`], kept in their own table. A photo saved before
//! that table existed (a data URL on the profile) is still served until the
//! next save replaces or removes it.

use crate::auth::{Session, require};
use crate::queue::QueueService;
use crate::{Actor, AppError, AppResult, Hall};
use domain::Role;
use domain::permission::Permission;
use domain::training::check_profile_text;
use jiff::Timestamp;
use serde::Serialize;
use std::sync::Arc;
use store::pad::{PadStore, StaffPhoto, StaffProfile};

/// The largest 三亮 photo kept.
pub const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;

/// 三亮 service.
#[derive(Clone)]
pub struct StaffProfileService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn PadStore>,
    pub(crate) queue: QueueService,
}

impl StaffProfileService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn PadStore>, queue: QueueService) -> StaffProfileService {
        StaffProfileService { hall, store, queue }
    }
}

/// What the administrator changes; `None` keeps the saved value.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    /// 工号.
    pub staff_number: Option<String>,
    /// 岗位.
    pub post: Option<String>,
    /// 岗位职责.
    pub duties: Option<String>,
    /// 服务承诺.
    pub commitment: Option<String>,
}

/// What happens to the photo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PhotoChange {
    #[default]
    Keep,
    Remove,
    /// A new photo's bytes (JPEG, PNG or WebP).
    Set(Vec<u8>),
}

/// A staff member's 三亮 as the administrator and the person see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileView {
    pub username: String,
    /// 姓名 (the account's display name).
    pub name: String,
    /// 工号.
    pub staff_number: String,
    /// 岗位.
    pub post: String,
    /// 岗位职责.
    pub duties: String,
    /// 服务承诺.
    pub commitment: String,
    /// Where the photo is served, or `None`.
    pub photo_url: Option<String>,
    /// The windows the person sits at (numbers).
    pub windows: Vec<String>,
    /// When the profile was last saved (`None`: never).
    pub updated_at: Option<Timestamp>,
}

/// What a window's public page shows of a staff member (nothing private).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicStaff {
    /// The account name, used to name the person in a complaint.
    pub username: String,
    pub name: String,
    pub staff_number: String,
    pub post: String,
    pub duties: String,
    pub commitment: String,
    pub photo_url: Option<String>,
}

/// What a window handles: a service category and its items' names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowService {
    pub category: String,
    pub items: Vec<String>,
}

/// A window's public page (窗口公示).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicWindow {
    pub number: String,
    pub name: String,
    pub temporary: bool,
    pub services: Vec<WindowService>,
    pub staff: Vec<PublicStaff>,
}

/// Where a profile's photo is served, with its version so a new one shows at once.
pub fn photo_url(p: &StaffProfile) -> Option<String> {
    (p.has_photo || !p.photo.is_empty()).then(|| {
        format!(
            "/api/staff-profiles/{}/photo?v={}",
            p.username,
            p.updated_at.as_second()
        )
    })
}

impl StaffProfileService {
    async fn windows_of(&self, username: &str) -> AppResult<Vec<String>> {
        Ok(self
            .queue
            .windows()
            .await?
            .into_iter()
            .filter(|w| w.staff.iter().any(|s| s == username))
            .map(|w| w.number)
            .collect())
    }

    async fn view(&self, user: &store::User, p: Option<StaffProfile>) -> AppResult<ProfileView> {
        let windows = self.windows_of(&user.username).await?;
        let p = p.as_ref();
        let s = |f: fn(&StaffProfile) -> &String| p.map(|p| f(p).clone()).unwrap_or_default();
        Ok(ProfileView {
            username: user.username.clone(),
            name: user.display_name.clone(),
            staff_number: s(|p| &p.staff_number),
            post: s(|p| &p.post),
            duties: s(|p| &p.duties),
            commitment: s(|p| &p.commitment),
            photo_url: p.and_then(photo_url),
            windows,
            updated_at: p.map(|p| p.updated_at),
        })
    }

    async fn account(&self, username: &str) -> AppResult<store::User> {
        match self.people.user_by_username(username.trim()).await? {
            Some(c) => Ok(c.user),
            None => Err(AppError::NotFound(format!("账号“{}”不存在", username.trim()))),
        }
    }

    /// Every window staff member's profile (and anyone else's who has one),
    /// by username (administrator).
    #[tracing::instrument(skip_all)]
    pub async fn profiles(&self, session: &Session) -> AppResult<Vec<ProfileView>> {
        require(session, Permission::StaffProfileManage)?;
        let profiles = self.store.staff_profiles().await?;
        let mut users = self.people.list_users().await?;
        users.sort_by(|a, b| a.username.cmp(&b.username));
        let mut out = Vec::new();
        for u in users {
            let p = profiles.iter().find(|p| p.username == u.username).cloned();
            if u.disabled || (u.role != Role::Staff && p.is_none()) {
                continue;
            }
            out.push(self.view(&u, p).await?);
        }
        Ok(out)
    }

    /// One person's profile: the administrator sees anyone's, others only their own.
    #[tracing::instrument(skip_all)]
    pub async fn profile(&self, session: &Session, username: &str) -> AppResult<ProfileView> {
        require(session, Permission::StaffProfileOwn)?;
        if !session.user.role.can(Permission::StaffProfileManage) && session.user.username != username.trim()
        {
            return Err(AppError::Forbidden("只能查看本人的三亮信息".into()));
        }
        let user = self.account(username).await?;
        let p = self.store.staff_profile(&user.username).await?;
        self.view(&user, p).await
    }

    /// Saves a profile (administrator): the texts given, and the photo change.
    #[tracing::instrument(skip_all)]
    pub async fn save(
        &self,
        session: &Session,
        username: &str,
        input: &ProfileInput,
        photo: PhotoChange,
    ) -> AppResult<ProfileView> {
        require(session, Permission::StaffProfileManage)?;
        self.save_as(&Actor::user(&session.user), username, input, photo)
            .await
    }

    /// [`Self::save`] for the hall's own set-up (demo data, the pads page).
    pub async fn save_as(
        &self,
        actor: &Actor,
        username: &str,
        input: &ProfileInput,
        photo: PhotoChange,
    ) -> AppResult<ProfileView> {
        let user = self.account(username).await?;
        let old = self.store.staff_profile(&user.username).await?;
        let field =
            |name: &'static str, given: &Option<String>, saved: Option<&String>| -> AppResult<String> {
                match given {
                    Some(v) => check_profile_text(name, v).map_err(|e| AppError::invalid(e.field, e.message)),
                    None => Ok(saved.cloned().unwrap_or_default()),
                }
            };
        let o = old.as_ref();
        let profile = StaffProfile {
            username: user.username.clone(),
            staff_number: field("staff_number", &input.staff_number, o.map(|p| &p.staff_number))?,
            post: field("post", &input.post, o.map(|p| &p.post))?,
            duties: field("duties", &input.duties, o.map(|p| &p.duties))?,
            commitment: field("commitment", &input.commitment, o.map(|p| &p.commitment))?,
            photo: o.map(|p| p.photo.clone()).unwrap_or_default(),
            has_photo: o.is_some_and(|p| p.has_photo),
            updated_at: self.now(),
        };
        let new_photo = match &photo {
            PhotoChange::Set(bytes) => Some(self.checked_photo(actor, &user.username, bytes)?),
            _ => None,
        };
        self.store.save_staff_profile(&profile).await?;
        match photo {
            PhotoChange::Keep => {}
            PhotoChange::Remove => self.store.set_staff_photo(&user.username, None).await?,
            PhotoChange::Set(_) => {
                self.store
                    .set_staff_photo(&user.username, new_photo.as_ref())
                    .await?;
                self.audit(actor, "staff_profile.photo", &user.username, "")
                    .await?;
            }
        }
        self.audit(actor, "staff_profile.save", &user.username, &profile.staff_number)
            .await?;
        let saved = self.store.staff_profile(&user.username).await?;
        self.view(&user, saved).await
    }

    fn checked_photo(&self, actor: &Actor, username: &str, bytes: &[u8]) -> AppResult<StaffPhoto> {
        if bytes.is_empty() {
            return Err(AppError::invalid("photo", "照片为空"));
        }
        if bytes.len() > PHOTO_MAX_BYTES {
            return Err(AppError::invalid("photo", "照片不能超过2MB"));
        }
        let content_type = domain::photo::photo_type(bytes)
            .ok_or_else(|| AppError::invalid("photo", "照片应为JPEG、PNG或WebP图片"))?;
        Ok(StaffPhoto {
            username: username.to_owned(),
            content_type: content_type.to_owned(),
            body: bytes.to_vec(),
            uploaded_by: actor.username.clone(),
            uploaded_at: self.now(),
        })
    }

    /// A staff member's photo (public: 三亮 is shown to everyone): its type and bytes.
    #[tracing::instrument(skip_all)]
    pub async fn photo(&self, username: &str) -> AppResult<(String, Vec<u8>)> {
        let missing = || AppError::NotFound("没有这张照片".into());
        if let Some(p) = self.store.staff_photo(username).await? {
            return Ok((p.content_type, p.body));
        }
        // A photo saved before photos had their own table.
        let legacy = self
            .store
            .staff_profile(username)
            .await?
            .map(|p| p.photo)
            .filter(|p| !p.is_empty())
            .ok_or_else(missing)?;
        let bytes = crate::photo::photo_bytes(&legacy, false).map_err(|_| missing())?;
        let kind = domain::photo::photo_type(&bytes).ok_or_else(missing)?;
        Ok((kind.to_owned(), bytes))
    }

    /// Everyone with a 三亮 profile or a seat at a window, by name, for the
    /// complaint form's list (public: the window pages show them too).
    pub async fn public_staff(&self) -> AppResult<Vec<PublicStaff>> {
        let profiles = self.store.staff_profiles().await?;
        let seated: Vec<String> = self
            .queue
            .windows()
            .await?
            .into_iter()
            .flat_map(|w| w.staff)
            .collect();
        let mut out: Vec<PublicStaff> = Vec::new();
        for u in self.people.list_users().await? {
            if u.disabled || out.iter().any(|p| p.username == u.username) {
                continue;
            }
            match profiles.iter().find(|p| p.username == u.username) {
                Some(p) => out.push(public(&u, p)),
                None if seated.contains(&u.username) => out.push(public(&u, &blank(&u.username))),
                None => {}
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// A window's public page: its name, what it handles and the staff who
    /// sit there with their 三亮 (public; `NotFound` for no such window).
    #[tracing::instrument(skip_all)]
    pub async fn public_window(&self, number: &str) -> AppResult<PublicWindow> {
        let number = number.trim();
        let window = self
            .queue
            .windows()
            .await?
            .into_iter()
            .find(|w| w.number == number)
            .ok_or_else(|| AppError::NotFound(format!("没有{number}号窗口")))?;
        let categories = self.queue.categories().await?;
        let catalog = self.published().await?;
        let services = window
            .categories
            .iter()
            .filter_map(|prefix| categories.iter().find(|c| &c.prefix == prefix))
            .map(|c| WindowService {
                category: c.name.clone(),
                items: c
                    .items
                    .iter()
                    .filter_map(|code| catalog.item(code).map(|i| i.name.clone()))
                    .collect(),
            })
            .collect();
        let mut staff = Vec::new();
        for username in &window.staff {
            let Some(c) = self.people.user_by_username(username).await? else {
                continue;
            };
            if c.user.disabled {
                continue;
            }
            let p = self
                .store
                .staff_profile(username)
                .await?
                .unwrap_or_else(|| blank(username));
            staff.push(public(&c.user, &p));
        }
        Ok(PublicWindow {
            number: window.number,
            name: window.name,
            temporary: window.temporary,
            services,
            staff,
        })
    }
}

/// The profile of someone without one: every text empty, no photo.
fn blank(username: &str) -> StaffProfile {
    StaffProfile {
        username: username.to_owned(),
        staff_number: String::new(),
        post: String::new(),
        duties: String::new(),
        commitment: String::new(),
        photo: String::new(),
        has_photo: false,
        updated_at: Timestamp::UNIX_EPOCH,
    }
}

fn public(user: &store::User, p: &StaffProfile) -> PublicStaff {
    PublicStaff {
        username: user.username.clone(),
        name: user.display_name.clone(),
        staff_number: p.staff_number.clone(),
        post: p.post.clone(),
        duties: p.duties.clone(),
        commitment: p.commitment.clone(),
        photo_url: photo_url(p),
    }
}
