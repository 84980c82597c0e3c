//! 共享数据源 (issue 17): where a `shared` material's record comes from. The
//! records the administrator imported ([`LocalSources`], the reference
//! implementation) are asked first; a hall connected to its province's data
//! sharing exchange (数据共享交换平台) also asks the exchange's front-end
//! processor (前置机) over HTTP ([`ExchangeSource`], protocol in
//! `docs/sharing.md`). One source per kind of data (人口库, 法人库, 电子证照库)
//! is named in each question, so the exchange routes it to the right library.

use crate::AppError;
use crate::settings::SharingSettings;
use async_trait::async_trait;
use domain::commitment::{DataSource, Holder, HolderKind, SharingProvider};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use store::commitment::{CommitmentStore, Licence};
use uuid::Uuid;

/// What a source is asked: whose record of which type, for which item, by whom.
#[derive(Debug, Clone, Copy)]
pub struct SharingQuery<'a> {
    /// The applicant in the clear (the exchange needs the number itself);
    /// `None` for an old case whose number cannot be read back.
    pub holder: Option<&'a Holder>,
    /// The applicant's keyed hash, as the local records are filed.
    pub holder_key: &'a str,
    /// The material's name, which is the record's type (营业执照, 经营者身份证…).
    pub licence_type: &'a str,
    /// The catalog item the material belongs to (the exchange's 用途).
    pub item_code: &'a str,
    /// Who asks: the staff member's username, or `网上申报` for an applicant online.
    pub operator: &'a str,
    /// When, on the hall's clock (the time a fetched record is stamped with).
    pub at: jiff::Timestamp,
}

impl SharingQuery<'_> {
    /// The library the record lives in, by its type and the holder's kind.
    pub fn source(&self) -> DataSource {
        let kind = self.holder.map_or(HolderKind::Person, Holder::kind);
        DataSource::for_record(kind, self.licence_type)
    }
}

/// A sharing source (共享数据源: 人口库, 法人库, 电子证照库).
#[async_trait]
pub trait SharingSource: Send + Sync {
    /// Which channel it is, as recorded with each record used.
    fn provider(&self) -> SharingProvider;
    /// The holder's records of the type, whatever their validity. A source that
    /// cannot answer refuses with `AppError::Invalid { field: "materials" }`
    /// naming the material, so the applicant is asked for the paper instead.
    async fn lookup(&self, query: &SharingQuery<'_>) -> Result<Vec<Licence>, AppError>;
}

/// The local reference implementation: the records the administrator imported.
pub struct LocalSources<'a>(pub &'a dyn CommitmentStore);

/// The largest answer the exchange may send (a holder's records of one type).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[async_trait]
impl SharingSource for LocalSources<'_> {
    fn provider(&self) -> SharingProvider {
        SharingProvider::Local
    }

    async fn lookup(&self, query: &SharingQuery<'_>) -> Result<Vec<Licence>, AppError> {
        if query.holder_key.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .0
            .holder_licences(query.holder_key, query.licence_type)
            .await?)
    }
}

/// The question sent to the exchange (`POST {exchange_url}/records`).
#[derive(Debug, Serialize)]
struct ExchangeQuestion<'a> {
    source: &'static str,
    holder_kind: &'static str,
    holder: &'a str,
    #[serde(rename = "type")]
    licence_type: &'a str,
    hall: &'a str,
    item: &'a str,
    operator: &'a str,
}

/// The exchange's answer.
#[derive(Debug, Deserialize)]
struct ExchangeAnswer {
    records: Vec<ExchangeRecord>,
}

#[derive(Debug, Deserialize)]
struct ExchangeRecord {
    #[serde(rename = "type")]
    licence_type: String,
    number: String,
    /// `YYYY-MM-DD`; absent or null: 长期有效.
    #[serde(default)]
    valid_until: Option<Date>,
}

/// The province's data sharing exchange, reached through its front-end
/// processor on the government network.
pub struct ExchangeSource {
    client: reqwest::Client,
    url: String,
    token: String,
    hall_code: String,
    timeout_ms: u64,
}

impl ExchangeSource {
    /// The exchange of these settings; `None` when none is configured (or its
    /// client cannot be made, which is logged).
    pub fn from_settings(s: &SharingSettings, hall_code: &str) -> Option<ExchangeSource> {
        let url = s.exchange_url.trim().trim_end_matches('/');
        if url.is_empty() {
            return None;
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(s.timeout_ms))
            .connect_timeout(Duration::from_millis(s.timeout_ms))
            .build();
        match client {
            Ok(client) => Some(ExchangeSource {
                client,
                url: format!("{url}/records"),
                token: s.token.expose().to_owned(),
                hall_code: hall_code.to_owned(),
                timeout_ms: s.timeout_ms,
            }),
            Err(e) => {
                tracing::error!(error = %e, "数据共享交换平台的客户端无法创建，只用本地导入数据");
                None
            }
        }
    }

    fn unavailable(&self, query: &SharingQuery<'_>, why: &str) -> AppError {
        tracing::warn!(url = %self.url, why, "数据共享交换平台未能应答");
        AppError::invalid(
            "materials",
            format!(
                "“{}”未能从{}调取（{why}），请申请人提交该材料",
                query.licence_type,
                SharingProvider::Exchange.label()
            ),
        )
    }
}

#[async_trait]
impl SharingSource for ExchangeSource {
    fn provider(&self) -> SharingProvider {
        SharingProvider::Exchange
    }

    async fn lookup(&self, query: &SharingQuery<'_>) -> Result<Vec<Licence>, AppError> {
        // The exchange is asked by the number itself; without it there is nothing to ask.
        let Some(holder) = query.holder else {
            return Ok(Vec::new());
        };
        let source = query.source();
        let question = ExchangeQuestion {
            source: source.code(),
            holder_kind: holder.kind().code(),
            holder: holder.as_str(),
            licence_type: query.licence_type,
            hall: &self.hall_code,
            item: query.item_code,
            operator: query.operator,
        };
        let mut request = self.client.post(&self.url).json(&question);
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                self.unavailable(query, &format!("超过{}毫秒未应答", self.timeout_ms))
            } else {
                self.unavailable(query, "无法连接")
            }
        })?;
        let status = response.status();
        // Nothing on record for the holder.
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        if !status.is_success() {
            return Err(self.unavailable(query, &format!("应答状态{}", status.as_u16())));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(self.unavailable(query, "应答过大"));
        }
        let body = response
            .bytes()
            .await
            .map_err(|_| self.unavailable(query, "应答中断"))?;
        if body.len() > MAX_ANSWER_BYTES {
            return Err(self.unavailable(query, "应答过大"));
        }
        let answer: ExchangeAnswer =
            serde_json::from_slice(&body).map_err(|_| self.unavailable(query, "应答格式不符"))?;
        // Every question to the exchange is in the log (never the holder's number);
        // a record used is audit-logged with its case (`data.share`).
        tracing::info!(
            source = source.code(),
            licence_type = query.licence_type,
            item = query.item_code,
            operator = query.operator,
            records = answer.records.len(),
            "共享交换平台调取"
        );
        Ok(answer
            .records
            .into_iter()
            // Only what was asked for: another type is not this material.
            .filter(|r| r.licence_type.trim() == query.licence_type && !r.number.trim().is_empty())
            .map(|r| Licence {
                id: Uuid::now_v7(),
                holder_key: query.holder_key.to_owned(),
                holder_kind: holder.kind(),
                holder_sealed: String::new(),
                holder_masked: String::new(),
                licence_type: r.licence_type.trim().to_owned(),
                number: r.number.trim().to_owned(),
                valid_until: r.valid_until,
                source,
                imported_by: SharingProvider::Exchange.label().into(),
                imported_at: query.at,
            })
            .collect())
    }
}
