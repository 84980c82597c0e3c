//! The OpenAPI schemas of answers whose types live below `web` (domain, store,
//! app), which do not depend on utoipa. Each mirrors the serialized form of
//! the type it names field for field, and refuses fields it does not list
//! (`additionalProperties: false`), so the schema-driven fuzzer
//! (scripts/fuzz-api.sh) fails when the two drift apart.
// Described, never built: the handlers send the real types.
#![allow(dead_code)]

use utoipa::ToSchema;

/// A service item (政务服务事项) with every catalog field.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    code: String,
    name: String,
    /// The responsible department's full name.
    department: String,
    /// 事项类型 (行政许可…).
    kind: String,
    /// 即办件 or 承诺件.
    handling: String,
    /// 法定时限 in working days; null where no statutory limit applies.
    statutory_days: Option<u32>,
    /// 承诺时限 in working days; 0 for 即办件.
    promised_days: u32,
    /// 服务对象: 个人, 法人 or 个人,法人.
    subject: String,
    materials: Vec<Material>,
    /// 收费标准.
    fee: String,
    /// 网办深度: 全程网办, 网上预审 or 线下办理.
    online: String,
    /// 最多跑动次数.
    max_visits: u32,
    /// Everyday words citizens use for this item.
    keywords: Vec<String>,
    /// 办理地点; the hall's address when the catalog gives none (`GET /api/items/{code}`
    /// always carries it; lists and exports only when the catalog gives it).
    #[schema(required = false)]
    location: String,
    /// 办理时间; the hall's opening hours when the catalog gives none.
    #[schema(required = false)]
    hours: String,
    /// 咨询电话; the hall's enquiry line when the catalog gives none.
    #[schema(required = false)]
    phone: String,
    /// 监督投诉电话; the hall's complaint line when the catalog gives none.
    #[schema(required = false)]
    complaint_phone: String,
    /// 设定依据 (empty until the catalog gives them).
    #[schema(required = false)]
    legal_basis: Vec<String>,
    /// 办理流程 steps (empty until the catalog gives them).
    #[schema(required = false)]
    steps: Vec<String>,
    /// 空白表格与示范文本 to download (`GET /api/items/{code}` only).
    #[schema(required = false)]
    attachments: Vec<ItemFile>,
}

/// A guide's downloadable file.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the JSON the handler writes.
pub struct ItemFile {
    id: uuid::Uuid,
    /// blank_form (空白表格) or sample (示范文本).
    kind: String,
    kind_label: String,
    name: String,
    content_type: String,
    size: i64,
    sha256: String,
    /// Where to download it.
    url: String,
}

/// A material the applicant submits (申请材料).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    name: String,
    /// 原件, 复印件, 原件及复印件 or 电子.
    form: String,
    copies: u32,
    required: bool,
    /// The hall fetches it by data sharing (可共享免提交).
    shareable: bool,
    /// 告知承诺: a signed commitment may replace it (国办发〔2020〕42号); absent = false.
    #[serde(default)]
    commitment: bool,
}

/// A "one thing, one visit" bundle (一件事一次办).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    code: String,
    name: String,
    description: String,
    /// Item codes.
    items: Vec<String>,
    promised_days: u32,
}

/// A department registered in the hall.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Short code, the first part of its items' codes (SCJG).
    code: String,
    name: String,
}

/// A catalog version (事项清单版本).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogVersion {
    id: i64,
    created_at: String,
    created_by: String,
    source: String,
    note: String,
    item_count: i64,
    bundle_count: i64,
    /// When it was last published; null for a draft.
    published_at: Option<String>,
}

/// What a catalog import did.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportReport {
    version: CatalogVersion,
    items: usize,
    bundles: usize,
    /// Item codes added, changed and removed against the published version.
    added: Vec<String>,
    changed: Vec<String>,
    removed: Vec<String>,
    /// Departments registered by this import.
    new_departments: Vec<String>,
}

/// A service category (业务类别) with its ticket prefix.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    prefix: String,
    name: String,
    /// Catalog item codes the category covers.
    items: Vec<String>,
}

/// A service window (窗口).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    number: String,
    name: String,
    /// Category prefixes served here.
    categories: Vec<String>,
    /// open, paused or closed.
    status: String,
    pause_reason: String,
    /// Opened by the floor captain for a peak (临时窗口).
    temporary: bool,
    /// Staff allowed to sit here (usernames).
    staff: Vec<String>,
}

/// An appointment (预约).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    id: uuid::Uuid,
    /// The code the citizen shows at the kiosk.
    code: String,
    category: String,
    /// YYYY-MM-DD.
    slot_date: String,
    /// HH:MM.
    slot_time: String,
    /// The phone's last four digits.
    phone_tail: String,
    /// online or phone.
    channel: String,
    /// booked, checked_in, cancelled or no_show.
    status: String,
    /// The ticket taken at check-in.
    ticket_id: Option<uuid::Uuid>,
    /// The service (事项编码) booked, or null.
    item_code: Option<String>,
    /// 办理地点: the windows serving it and the hall's address.
    place: String,
}

/// An appointment slot and its free places.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// HH:MM.
    time: String,
    capacity: i64,
    booked: i64,
    available: i64,
}

/// A home-visit request (上门服务) with the phone masked.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HomeVisitSummary {
    id: uuid::Uuid,
    /// The reference shown to the applicant.
    reference: String,
    name: String,
    phone: String,
    item: String,
    /// elderly, disabled, ill or other.
    reason: String,
    reason_label: String,
    /// YYYY-MM-DD.
    preferred_date: Option<String>,
    note: String,
    /// requested, scheduled, done or cancelled.
    status: String,
    status_label: String,
    /// YYYY-MM-DD.
    scheduled_date: Option<String>,
    assigned_to: Option<String>,
    outcome: String,
    created_at: String,
    updated_at: String,
}

/// An appeal (申诉) against a review.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Appeal {
    id: uuid::Uuid,
    evaluation_id: uuid::Uuid,
    reason: String,
    evidence: String,
    filed_by: String,
    filed_at: String,
    /// pending, upheld or rejected.
    status: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    decision: String,
}

/// An evaluation invitation in the SMS outbox (the phone is not shown).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxMessage {
    id: uuid::Uuid,
    /// evaluation_invitation (评价邀请), turn_reminder (到号提醒),
    /// appointment_confirmation (预约确认) or case_status (办件进度).
    kind: String,
    /// The ticket it concerns; null for appointment and case notices.
    ticket_id: Option<uuid::Uuid>,
    body: String,
    queued_at: String,
    /// queued or sent.
    status: String,
}

/// The applicant's ID number and phone in the clear.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseIdentity {
    id_number: String,
    phone: String,
}

/// 办结率 and on-time rate of the cases accepted in a period.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReport {
    /// YYYY-MM-DD.
    from: String,
    to: String,
    accepted: u64,
    completed: u64,
    /// null when nothing was accepted.
    completion_rate: Option<f64>,
    on_time: u64,
    on_time_rate: Option<f64>,
    overdue: u64,
}

/// One page of the ledger, a work list or the overdue cases.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerList {
    /// One line per case: number, item, department, dates, status, urgency…
    #[schema(value_type = Vec<Object>)]
    rows: Vec<serde_json::Value>,
    total: i64,
    page: i64,
    page_size: i64,
    pages: i64,
}

/// A suspicious pattern of evaluations (疑似刷评).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    /// same_rater, too_fast or streak.
    kind: String,
    label: String,
    /// The device, phone key or window concerned.
    subject: String,
    detail: String,
    count: usize,
}

/// Appeals.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealList {
    items: Vec<Appeal>,
}

/// The SMS outbox.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxList {
    items: Vec<OutboxMessage>,
}

/// Suspicious patterns.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagList {
    items: Vec<Flag>,
}

/// Rectifications, most urgent first.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationList {
    /// One rectification each: the review, its status, deadline and whether it is overdue.
    #[schema(value_type = Vec<Object>)]
    items: Vec<serde_json::Value>,
}

/// A file's bytes (an XLSX workbook, an uploaded catalog file).
pub struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .into()
    }
}

impl ToSchema for Binary {}

/// What the complainant keeps (投诉回执).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintReceipt {
    id: uuid::Uuid,
    /// 投诉编号, e.g. DHTS20261207-0001.
    number: String,
    /// received.
    status: String,
    status_label: String,
    /// 答复期限: receipt date + complaint_days working days (YYYY-MM-DD).
    due: String,
    /// 受理期限: the next working day.
    accept_due: String,
    /// 查询码 for public progress.
    query_code: String,
}
