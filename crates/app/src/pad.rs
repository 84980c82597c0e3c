//! 窗口评价器 (window evaluation pads): pairing a pad to one window with a
//! one-time code, what its idle screen shows (三亮: photo, name, 工号, 岗位职责),
//! and the one ticket it may ask the citizen to rate — the event just
//! finished at its own window (一事一评).

use crate::Hall;
use crate::auth::token_hash;
use crate::{Actor, AppError, AppResult};
use domain::evaluation::{Level, PadLayout};
use jiff::{SignedDuration, Timestamp};
use rand::{Rng, RngCore};
use serde::Serialize;
use std::sync::Arc;
use store::StoreError;
use store::pad::{NewPad, Pad, StaffProfile};
use store::queue::Ticket;
use uuid::Uuid;

/// Pairing codes use letters and digits nobody confuses (no 0/O, 1/I).
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// 32^12 = 2^60 codes: not guessable within the failure limit.
pub const CODE_LENGTH: usize = 12;
/// How long a pairing code works.
pub const CODE_VALID_MINUTES: i64 = 30;
/// The list a pad offers when the hall has none.
pub const DEFAULT_REASONS: [&str; 6] = [
    "等候时间长",
    "服务态度差",
    "办事效率低",
    "一次性告知不清",
    "多次跑动",
    "其他",
];

/// A paired pad as a request sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PadInfo {
    pub id: Uuid,
    pub window: String,
    pub layout: PadLayout,
}

/// A new pad and its pairing code, shown once to the administrator.
#[derive(Debug, Clone)]
pub struct Pairing {
    pub pad: Pad,
    pub code: String,
}

/// A pad just paired, with the long-lived token it keeps.
#[derive(Debug, Clone)]
pub struct Paired {
    pub pad: PadInfo,
    pub token: String,
}

/// 三亮 of the staff member on duty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffCard {
    pub name: String,
    /// 工号.
    pub number: String,
    /// 岗位职责.
    pub duties: String,
    /// A data URL, or empty.
    pub photo: String,
}

/// The ticket a pad asks about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingRating {
    pub ticket_id: Uuid,
    pub number: String,
}

/// One button of the pad's layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PadButton {
    pub level: &'static str,
    pub label: &'static str,
    /// 差评: asks for a reason next.
    pub bad: bool,
}

/// What a pad shows now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PadState {
    pub window: String,
    pub window_name: String,
    pub staff: Option<StaffCard>,
    /// `2`, `3` or `5`.
    pub layout: &'static str,
    pub buttons: Vec<PadButton>,
    pub pending: Option<PendingRating>,
    pub reasons: Vec<String>,
}

pub fn layout_code(layout: PadLayout) -> &'static str {
    match layout {
        PadLayout::Two => "2",
        PadLayout::Three => "3",
        PadLayout::Five => "5",
    }
}

pub fn buttons(layout: PadLayout) -> Vec<PadButton> {
    layout
        .buttons()
        .iter()
        .map(|l: &Level| PadButton {
            level: l.code(),
            label: l.label(),
            bad: l.is_bad(),
        })
        .collect()
}

/// 待配对, 已配对, 配对码已过期 or 已停用.
pub fn pad_status(pad: &Pad, now: Timestamp) -> &'static str {
    if pad.revoked {
        "已停用"
    } else if pad.paired_at.is_some() {
        "已配对"
    } else if pad.code_expires_at <= now {
        "配对码已过期"
    } else {
        "待配对"
    }
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// The code as typed: case, spaces and dashes do not matter.
pub fn normalize_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `ABCD-EFGH-JKMN`, easier to read aloud and type.
pub fn format_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

fn pad_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn pad_actor(client: &str) -> Actor {
    Actor {
        username: format!("评价器@{client}"),
        role: None,
    }
}

fn info_of(pad: &Pad) -> AppResult<PadInfo> {
    Ok(PadInfo {
        id: pad.id,
        window: pad.window.clone(),
        layout: PadLayout::parse(&pad.layout)
            .ok_or_else(|| AppError::Internal(StoreError::Corrupt(format!("pad layout {}", pad.layout))))?,
    })
}

/// 评价器 service: pads, the tickets they rate and the staff cards they show.
#[derive(Clone)]
pub struct PadService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn store::pad::PadStore>,
    pub(crate) tickets: Arc<dyn store::queue::QueueStore>,
    pub(crate) accounts: Arc<dyn store::AccountStore>,
}

impl PadService {
    pub(crate) fn new(
        hall: Hall,
        store: Arc<dyn store::pad::PadStore>,
        tickets: Arc<dyn store::queue::QueueStore>,
        accounts: Arc<dyn store::AccountStore>,
    ) -> PadService {
        PadService {
            hall,
            store,
            tickets,
            accounts,
        }
    }
}

impl PadService {
    /// The paired pad holding `token`; None for an unknown or revoked one.
    #[tracing::instrument(skip_all)]
    pub async fn pad_by_token(&self, token: &str) -> AppResult<Option<PadInfo>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        match self.store.pad_by_token(&token_hash(token)).await? {
            Some(pad) if pad.paired_at.is_some() => Ok(Some(info_of(&pad)?)),
            _ => Ok(None),
        }
    }

    /// The latest ticket finished at `window` today within the last
    /// `pad_rating_minutes` that nobody has rated yet: the only one its pad may ask about.
    #[tracing::instrument(skip_all)]
    pub async fn ticket_awaiting_rating(&self, window: &str) -> AppResult<Option<Ticket>> {
        let since = self.now() - SignedDuration::from_mins(self.settings.evaluation.pad_rating_minutes);
        let latest = self
            .store
            .unrated_finished_at_window(window, self.today())
            .await?
            .into_iter()
            .filter(|(_, at)| *at >= since)
            .max_by_key(|(_, at)| *at);
        match latest {
            Some((id, _)) => Ok(Some(self.tickets.ticket(id).await?)),
            None => Ok(None),
        }
    }

    /// Creates a pad for a window and its one-time pairing code (valid
    /// [`CODE_VALID_MINUTES`]); only the code's hash is stored.
    #[tracing::instrument(skip_all)]
    pub async fn create_pad(&self, actor: &Actor, window: &str, layout: &str) -> AppResult<Pairing> {
        let window = window.trim();
        if window.is_empty() {
            return Err(AppError::invalid("window", "请选择窗口"));
        }
        let layout = PadLayout::parse(layout)
            .ok_or_else(|| AppError::invalid("layout", "按键布局应为2、3或5（个按键）"))?;
        match self.tickets.window(window).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::invalid("window", format!("窗口“{window}”不存在")));
            }
            Err(e) => return Err(e.into()),
        }
        let now = self.now();
        let code = new_code();
        let pad = self
            .store
            .create_pad(&NewPad {
                pad: Pad {
                    id: Uuid::now_v7(),
                    window: window.to_owned(),
                    layout: layout_code(layout).to_owned(),
                    created_by: actor.username.clone(),
                    created_at: now,
                    code_expires_at: now + SignedDuration::from_mins(CODE_VALID_MINUTES),
                    paired_at: None,
                    revoked: false,
                },
                code_hash: token_hash(&code),
            })
            .await?;
        self.audit(actor, "pad.create", window, &format!("{}键", layout_code(layout)))
            .await?;
        Ok(Pairing { pad, code })
    }

    #[tracing::instrument(skip_all)]
    pub async fn pads(&self) -> AppResult<Vec<Pad>> {
        Ok(self.store.pads().await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn revoke_pad(&self, actor: &Actor, id: Uuid) -> AppResult<()> {
        self.store.revoke_pad(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("没有这个评价器".into()),
            other => other.into(),
        })?;
        self.audit(actor, "pad.revoke", &id.to_string(), "").await
    }

    /// Pairs the device that types a valid code. Wrong codes are audit-logged
    /// and, past `login_max_failures` within `login_window_minutes` from one
    /// client address, refused outright until the window passes.
    #[tracing::instrument(skip_all)]
    pub async fn pair_pad(&self, code: &str, client: &str) -> AppResult<Paired> {
        let code = normalize_code(code);
        if code.is_empty() {
            return Err(AppError::invalid("code", "请输入配对码"));
        }
        let now = self.now();
        let guards = [crate::throttle::Guard::new(
            "pad.pair",
            client,
            self.settings.security.login_max_failures,
            self.settings.security.login_window_minutes,
        )];
        if self.check_guards(&guards).await.is_err() {
            self.audit(
                &pad_actor(client),
                "pad.pair_failed",
                client,
                "配对码错误次数过多，已临时锁定",
            )
            .await?;
            return Err(AppError::TooManyAttempts {
                retry_after_minutes: self.settings.security.login_window_minutes,
            });
        }
        let well_formed = code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        let hash = token_hash(&code);
        let pad = match well_formed {
            true => self.store.pad_by_code(&hash).await?,
            false => None,
        };
        let token = pad_token();
        let paired = match &pad {
            Some(p) if p.code_expires_at > now => {
                self.store.pair_pad(p.id, &hash, &token_hash(&token), now).await?
            }
            _ => false,
        };
        let Some(pad) = pad.filter(|_| paired) else {
            self.record_guards(&guards).await?;
            self.audit(
                &pad_actor(client),
                "pad.pair_failed",
                client,
                "配对码错误或已过期",
            )
            .await?;
            return Err(AppError::invalid(
                "code",
                "配对码错误或已过期，请向管理员索取新的配对码",
            ));
        };
        self.audit(&pad_actor(client), "pad.pair", &pad.window, &pad.id.to_string())
            .await?;
        Ok(Paired {
            pad: info_of(&pad)?,
            token,
        })
    }

    /// The staff member on duty at `window`: whoever called its latest ticket
    /// today, else the first listed at the window.
    #[tracing::instrument(skip_all)]
    pub async fn staff_on_duty(&self, window: &str) -> AppResult<Option<String>> {
        let caller = self
            .store
            .window_callers(window, self.today())
            .await?
            .into_iter()
            .max_by_key(|(_, at)| *at)
            .map(|(who, _)| who);
        if caller.is_some() {
            return Ok(caller);
        }
        match self.tickets.window(window).await {
            Ok(w) => Ok(w.staff.into_iter().next()),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The hall's 差评 reasons, or [`DEFAULT_REASONS`] when it has none.
    #[tracing::instrument(skip_all)]
    pub async fn pad_reasons(&self) -> AppResult<Vec<String>> {
        let reasons = self.store.pad_reasons().await?;
        Ok(if reasons.is_empty() {
            DEFAULT_REASONS.iter().map(|r| (*r).to_owned()).collect()
        } else {
            reasons
        })
    }

    /// Everything a pad's screen needs, read on each poll.
    #[tracing::instrument(skip_all)]
    pub async fn pad_state(&self, pad: &PadInfo) -> AppResult<PadState> {
        let window_name = match self.tickets.window(&pad.window).await {
            Ok(w) => w.name,
            Err(StoreError::NotFound(_)) => String::new(),
            Err(e) => return Err(e.into()),
        };
        let staff = match self.staff_on_duty(&pad.window).await? {
            Some(username) => self.staff_card(&username).await?,
            None => None,
        };
        let pending = self
            .ticket_awaiting_rating(&pad.window)
            .await?
            .map(|t| PendingRating {
                ticket_id: t.id,
                number: t.number,
            });
        Ok(PadState {
            window: pad.window.clone(),
            window_name,
            staff,
            layout: layout_code(pad.layout),
            buttons: buttons(pad.layout),
            pending,
            reasons: self.pad_reasons().await?,
        })
    }

    async fn staff_card(&self, username: &str) -> AppResult<Option<StaffCard>> {
        let Some(creds) = self.accounts.user_by_username(username).await? else {
            return Ok(None);
        };
        let profile = self.store.staff_profile(username).await?;
        Ok(Some(StaffCard {
            name: creds.user.display_name,
            number: profile
                .as_ref()
                .map(|p| p.staff_number.clone())
                .unwrap_or_default(),
            duties: profile.as_ref().map(|p| p.duties.clone()).unwrap_or_default(),
            // issue 16 part 5: photos are served from their own table
            photo: profile
                .as_ref()
                .and_then(crate::staff_profile::photo_url)
                .unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    pub async fn staff_profiles(&self) -> AppResult<Vec<StaffProfile>> {
        Ok(self.store.staff_profiles().await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn staff_profile(&self, username: &str) -> AppResult<Option<StaffProfile>> {
        Ok(self.store.staff_profile(username).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_and_unambiguous() {
        let c = new_code();
        assert_eq!(c.len(), CODE_LENGTH);
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert!(!c.contains('0') && !c.contains('O') && !c.contains('I') && !c.contains('1'));
        assert_eq!(normalize_code(&format_code(&c).to_lowercase()), c);
        assert_ne!(new_code(), new_code());
    }
}
