//! 窗口评价器 records: the pads paired to a window and the staff profiles
//! (三亮) they show, implemented for both backends by
//! `crates/store/sql/pad.rs`.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::StoreResult;

/// An evaluation pad (评价器). Neither its pairing code nor its token is kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pad {
    pub id: Uuid,
    pub window: String,
    /// `2`, `3` or `5` buttons.
    pub layout: String,
    pub created_by: String,
    pub created_at: Timestamp,
    /// Until when the pairing code works (while not paired).
    pub code_expires_at: Timestamp,
    pub paired_at: Option<Timestamp>,
    pub revoked: bool,
}

/// A pad to create, with the hash of its one-time pairing code.
#[derive(Debug, Clone)]
pub struct NewPad {
    pub pad: Pad,
    pub code_hash: String,
}

/// 三亮: what a pad, a desk card and a window's public page show of a staff
/// member besides the account's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffProfile {
    pub username: String,
    /// 工号.
    pub staff_number: String,
    /// 岗位 (issue 16).
    pub post: String,
    /// 岗位职责.
    pub duties: String,
    /// 服务承诺 (issue 16).
    pub commitment: String,
    /// A `data:image/...;base64,` URL saved before photos had their own table
    /// (`staff_photos`), or empty; cleared when a photo is saved or removed.
    pub photo: String,
    /// Whether `staff_photos` holds a photo (read only: set with `set_staff_photo`).
    pub has_photo: bool,
    pub updated_at: Timestamp,
}

/// A 三亮 photo, typed by its bytes (issue 16).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffPhoto {
    pub username: String,
    pub content_type: String,
    pub body: Vec<u8>,
    pub uploaded_by: String,
    pub uploaded_at: Timestamp,
}

#[async_trait]
pub trait PadStore: Send + Sync {
    async fn create_pad(&self, p: &NewPad) -> StoreResult<Pad>;
    /// Every pad, newest first.
    async fn pads(&self) -> StoreResult<Vec<Pad>>;
    /// The unpaired, unrevoked pad whose pairing code hashes to `code_hash`.
    async fn pad_by_code(&self, code_hash: &str) -> StoreResult<Option<Pad>>;
    /// Binds the token to the pad and forgets the code; false when another
    /// device paired it first (or it was revoked meanwhile).
    async fn pair_pad(&self, id: Uuid, code_hash: &str, token_hash: &str, at: Timestamp)
    -> StoreResult<bool>;
    /// The paired, unrevoked pad holding this token.
    async fn pad_by_token(&self, token_hash: &str) -> StoreResult<Option<Pad>>;
    /// Revokes a pad for good (NotFound when there is none).
    async fn revoke_pad(&self, id: Uuid) -> StoreResult<()>;

    async fn staff_profile(&self, username: &str) -> StoreResult<Option<StaffProfile>>;
    async fn staff_profiles(&self) -> StoreResult<Vec<StaffProfile>>;
    /// Creates or replaces a profile.
    async fn save_staff_profile(&self, p: &StaffProfile) -> StoreResult<()>;
    // issue 16 part 5: 三亮 photos in their own table
    /// The photo in `staff_photos`, if any.
    async fn staff_photo(&self, username: &str) -> StoreResult<Option<StaffPhoto>>;
    /// Puts (or, with `None`, removes) a staff member's photo and clears the
    /// profile's old data-URL photo, in one transaction.
    async fn set_staff_photo(&self, username: &str, photo: Option<&StaffPhoto>) -> StoreResult<()>;

    /// Tickets finished at `window` on `business_date` that have no evaluation
    /// yet, with when they finished (any order); the caller keeps those within
    /// its time limit and reads the one it wants with `QueueStore::ticket`.
    async fn unrated_finished_at_window(
        &self,
        window: &str,
        business_date: Date,
    ) -> StoreResult<Vec<(Uuid, Timestamp)>>;
    /// The hall's 差评 reasons in their order (the `evaluation_reasons` table).
    async fn pad_reasons(&self) -> StoreResult<Vec<String>>;
    /// Who called tickets at `window` on `business_date`, with when (any order).
    async fn window_callers(
        &self,
        window: &str,
        business_date: Date,
    ) -> StoreResult<Vec<(String, Timestamp)>>;
}
