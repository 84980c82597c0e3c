//! 智能导办 (the smart guide): a citizen's question in everyday Chinese answered
//! with the published items and `一件事` bundles that fit (the rule is
//! `domain::guide`), each with what the guide page shows (materials, steps,
//! where to go, online or not), or "nothing fits" with the help desk and 12345.
//! The admin's phrases join the shipped vocabulary; questions that found nothing
//! are logged without personal data (`domain::guide::redact_question`), and an
//! admin answers them (相似问法, `domain::guide_similar`): with an item or bundle,
//! or 不属本大厅; a question worded almost the same then gets that answer.

use crate::auth::{Session, require};
use crate::catalog::PublishedCatalog;
use crate::throttle::Guard;
use crate::{Actor, AppError, AppResult, Conflict, Hall};
use domain::guide::{
    Guide, GuideKind, MAX_QUESTION_CHARS, Vocabulary, catalog_docs, check_phrase, has_content,
    redact_question,
};
use domain::guide_keyboard::{CandidatePage, Keyboard};
use domain::permission::Permission;
use serde::Serialize;
use std::sync::{Arc, RwLock};
use store::StoreError;
use store::guide::{GuideMiss, GuidePhrase, GuideSimilar, GuideStore};
use uuid::Uuid;

/// The no-hit questions one address may ask in the lookup window before the
/// guide refuses (429), as a multiple of the lookups' per-address limit: the
/// kiosk shares one address, and an off-topic question is not a guess.
const NONE_PER_ADDRESS_FACTOR: i64 = 4;

/// What the guide page and the API show of one answer.
#[derive(Debug, Clone, Serialize)]
pub struct GuideAnswerView {
    pub code: String,
    pub kind: GuideKind,
    pub name: String,
    pub score: f32,
    /// 事项 or 一件事.
    pub kind_label: &'static str,
    /// 全程网办, 网上预审 or 线下办理 (an item); a bundle: 窗口一次办理.
    pub online: String,
    /// Can be done online (全程网办 or 网上预审 for an item).
    pub can_online: bool,
    /// 办理地点 and the department (an item).
    pub location: String,
    pub department: String,
    /// Materials (an item: its own; a bundle: its items' required ones, once each).
    pub materials: Vec<String>,
    /// Steps (an item's 办理流程) or a bundle's description.
    pub steps: Vec<String>,
    /// A bundle's items (code, name).
    pub items: Vec<(String, String)>,
    pub promised_days: u32,
    /// The guide page that exists for it.
    pub url: String,
}

/// A logged question that found nothing, with why (无匹配原因, `domain::guide::NothingFits`).
#[derive(Debug, Clone, Serialize)]
pub struct GuideMissView {
    #[serde(flatten)]
    pub miss: GuideMiss,
    /// Why nothing fits it now, in Chinese, or 现在已能找到答案.
    pub why: String,
}

/// The guide's answer to one question.
#[derive(Debug, Clone, Serialize)]
pub struct GuideResult {
    pub answers: Vec<GuideAnswerView>,
    pub none: bool,
}

struct Built {
    catalog: Arc<PublishedCatalog>,
    phrases: Vec<(String, String)>,
    /// The admin's similar questions (相似问法) and their codes (none: 不属本大厅).
    similar: Vec<(String, Option<String>)>,
    guide: Guide,
    /// The kiosk's pinyin keyboard over the same words.
    keyboard: Keyboard,
}

#[derive(Clone)]
pub struct GuideService {
    pub(crate) hall: Hall,
    pub(crate) store: Arc<dyn GuideStore>,
    built: Arc<RwLock<Option<Arc<Built>>>>,
}

impl GuideService {
    pub(crate) fn new(hall: Hall, store: Arc<dyn GuideStore>) -> GuideService {
        GuideService {
            hall,
            store,
            built: Arc::default(),
        }
    }

    /// The guide over the published catalog, the shipped vocabulary, the
    /// admin's phrases and the questions the admin answered (相似问法), rebuilt
    /// when the catalog, the phrases or the similar questions changed (read from
    /// the database, so every instance sees another one's changes).
    async fn guide(&self) -> AppResult<Arc<Built>> {
        let catalog = self.published().await?;
        let phrases: Vec<(String, String)> = self
            .store
            .guide_phrases()
            .await?
            .into_iter()
            .map(|p| (p.phrase, p.code))
            .collect();
        let similar: Vec<(String, Option<String>)> = self
            .store
            .guide_similar()
            .await?
            .into_iter()
            .map(|q| (q.question, q.code))
            .collect();
        if let Ok(guard) = self.built.read()
            && let Some(b) = guard.as_ref()
            && Arc::ptr_eq(&b.catalog, &catalog)
            && b.phrases == phrases
            && b.similar == similar
        {
            return Ok(b.clone());
        }
        let tokenizer = self.tokenizer.clone();
        let built = tokio::task::spawn_blocking(move || {
            let mut vocabulary = Vocabulary::shipped();
            for (p, c) in &phrases {
                vocabulary.add_phrase(p, c);
            }
            for (q, c) in &similar {
                let codes: Vec<String> = c.iter().cloned().collect();
                vocabulary.add_similar(q, &codes);
            }
            let docs = catalog_docs(&catalog.items, &catalog.bundles);
            let keyboard = Keyboard::build(&tokenizer, &docs, &vocabulary);
            let guide = Guide::build(&tokenizer, &docs, vocabulary);
            Built {
                catalog,
                phrases,
                similar,
                guide,
                keyboard,
            }
        })
        .await
        .map_err(AppError::internal)?;
        let built = Arc::new(built);
        if let Ok(mut guard) = self.built.write() {
            *guard = Some(built.clone());
        }
        Ok(built)
    }

    /// 智能导办: answers a question (public). An empty question is refused
    /// naming `q`; a question that found nothing is logged without its digits
    /// and counts against the asking address (a security throttle).
    #[tracing::instrument(skip_all)]
    pub async fn ask(&self, question: Option<&str>, client: &str) -> AppResult<GuideResult> {
        let q = question.map(str::trim).unwrap_or("");
        if q.is_empty() {
            return Err(AppError::invalid("q", "请输入要咨询的问题"));
        }
        if q.chars().count() > domain::guide::MAX_QUESTION_CHARS {
            return Err(AppError::invalid(
                "q",
                format!("问题最多{}个字", domain::guide::MAX_QUESTION_CHARS),
            ));
        }
        let s = &self.settings.security;
        let guards = [Guard::new(
            "guide.address",
            client,
            s.lookup_max_failures_per_address * NONE_PER_ADDRESS_FACTOR,
            s.lookup_window_minutes,
        )];
        self.check_guards(&guards).await?;
        let built = self.guide().await?;
        let answer = built.guide.ask(&self.tokenizer, q);
        if answer.none {
            self.record_guards(&guards).await?;
            let kept = redact_question(q);
            // A question the admin answered (不属本大厅) is not logged again.
            let answered = built.similar.iter().any(|(s, _)| *s == kept);
            if !kept.is_empty() && !answered {
                self.store.record_guide_miss(&kept, self.now()).await?;
            }
        }
        let address = &self.settings.hall.address;
        let answers = answer
            .answers
            .into_iter()
            .filter_map(|h| view(&built.catalog, h.code.as_str(), h.kind, h.score))
            .map(|mut a| {
                // As the item's guide says: no 办理地点 of its own is the hall's address.
                if a.kind == GuideKind::Item && a.location.trim().is_empty() {
                    a.location = address.clone();
                }
                a
            })
            .collect();
        Ok(GuideResult {
            answers,
            none: answer.none,
        })
    }

    /// The kiosk's on-screen keyboard (public): the hall's words that typed
    /// pinyin `letters` may mean, ranked, page `page` (from 1) of `per_page`
    /// (the rule is `domain::guide_keyboard`). Letters that are not 1 to 30 of
    /// a–z are refused naming `letters`. The request rate is the web layer's.
    #[tracing::instrument(skip_all)]
    pub async fn keyboard(
        &self,
        letters: Option<&str>,
        page: Option<usize>,
        per_page: Option<usize>,
    ) -> AppResult<CandidatePage> {
        let letters = letters.unwrap_or("");
        domain::guide_keyboard::check_letters(letters).map_err(|m| AppError::invalid("letters", m))?;
        if per_page.is_some_and(|n| n == 0 || n > domain::guide_keyboard::MAX_PER_PAGE) {
            return Err(AppError::invalid(
                "per_page",
                format!("每页候选词为1到{}个", domain::guide_keyboard::MAX_PER_PAGE),
            ));
        }
        if page == Some(0) {
            return Err(AppError::invalid("page", "页码从1开始"));
        }
        let built = self.guide().await?;
        built
            .keyboard
            .candidates(
                letters,
                page.unwrap_or(1),
                per_page.unwrap_or(domain::guide_keyboard::DEFAULT_PER_PAGE),
            )
            .map_err(|m| AppError::invalid("letters", m))
    }

    /// The phrases admins added, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn phrases(&self, session: &Session) -> AppResult<Vec<GuidePhrase>> {
        require(session, Permission::GuideManage)?;
        Ok(self.store.guide_phrases().await?)
    }

    /// Adds a phrase pointing at a published item or bundle.
    #[tracing::instrument(skip_all)]
    pub async fn add_phrase(&self, session: &Session, phrase: &str, code: &str) -> AppResult<GuidePhrase> {
        require(session, Permission::GuideManage)?;
        let phrase = check_phrase(phrase).map_err(|m| AppError::invalid("phrase", m))?;
        let (code, kind) = self.published_code(code).await?;
        let p = GuidePhrase {
            id: Uuid::now_v7(),
            phrase,
            code,
            kind,
            created_by: session.user.username.clone(),
            created_at: self.now(),
        };
        self.store.add_guide_phrase(&p).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::Conflict(Conflict::AlreadyExists, "这条说法已经指向该事项".into())
            }
            other => other.into(),
        })?;
        self.audit(
            &Actor::user(&session.user),
            "guide.phrase.add",
            &p.code,
            &p.phrase,
        )
        .await?;
        Ok(p)
    }

    /// Deletes a phrase.
    #[tracing::instrument(skip_all)]
    pub async fn delete_phrase(&self, session: &Session, id: Uuid) -> AppResult<()> {
        require(session, Permission::GuideManage)?;
        self.store.delete_guide_phrase(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("没有这条说法".into()),
            other => other.into(),
        })?;
        self.audit(
            &Actor::user(&session.user),
            "guide.phrase.delete",
            &id.to_string(),
            "",
        )
        .await
    }

    /// A published item's or bundle's code, upper-cased, and its kind; anything
    /// else is refused naming `code`.
    async fn published_code(&self, code: &str) -> AppResult<(String, GuideKind)> {
        let code = code.trim().to_uppercase();
        let catalog = self.published().await?;
        let kind = if catalog.item(&code).is_some() {
            GuideKind::Item
        } else if catalog.bundle(&code).is_some() {
            GuideKind::Bundle
        } else {
            return Err(AppError::invalid(
                "code",
                format!("“{code}”不是已发布的事项或一件事编码"),
            ));
        };
        Ok((code, kind))
    }

    /// The similar questions (相似问法) admins answered, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn similar(&self, session: &Session) -> AppResult<Vec<GuideSimilar>> {
        require(session, Permission::GuideManage)?;
        Ok(self.store.guide_similar().await?)
    }

    /// Answers a question (usually one the no-hit log kept): with a published item
    /// or bundle `code`, or, with no code, 不属本大厅 (the matter is not the hall's).
    /// The question is kept as the log keeps questions (`redact_question`: no digits,
    /// at most 40 characters) and leaves the log; a question worded almost the same
    /// gets this answer from the next question on.
    #[tracing::instrument(skip_all)]
    pub async fn add_similar(
        &self,
        session: &Session,
        question: &str,
        code: Option<&str>,
    ) -> AppResult<GuideSimilar> {
        require(session, Permission::GuideManage)?;
        let question = question.trim();
        if question.chars().count() > MAX_QUESTION_CHARS {
            return Err(AppError::invalid(
                "question",
                format!("问题最多{MAX_QUESTION_CHARS}个字"),
            ));
        }
        let kept = redact_question(question);
        if !has_content(&kept) {
            return Err(AppError::invalid(
                "question",
                if question.is_empty() {
                    "请输入问题"
                } else {
                    "问题去掉数字后没有文字，请输入问题的文字"
                },
            ));
        }
        let (code, kind) = match code.map(str::trim) {
            Some("") => {
                return Err(AppError::invalid(
                    "code",
                    "请填写事项或一件事编码；不属于本大厅办理的问题不填编码（null）",
                ));
            }
            Some(c) => {
                let (code, kind) = self.published_code(c).await?;
                (Some(code), Some(kind))
            }
            None => (None, None),
        };
        let q = GuideSimilar {
            id: Uuid::now_v7(),
            question: kept,
            code,
            kind,
            created_by: session.user.username.clone(),
            created_at: self.now(),
        };
        self.store.add_guide_similar(&q).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::Conflict(Conflict::AlreadyExists, "这个问题已经有答案".into())
            }
            other => other.into(),
        })?;
        self.audit(
            &Actor::user(&session.user),
            "guide.similar.add",
            q.code.as_deref().unwrap_or("不属本大厅"),
            &q.question,
        )
        .await?;
        Ok(q)
    }

    /// Deletes a similar question an admin answered.
    #[tracing::instrument(skip_all)]
    pub async fn delete_similar(&self, session: &Session, id: Uuid) -> AppResult<()> {
        require(session, Permission::GuideManage)?;
        self.store.delete_guide_similar(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("没有这条相似问法".into()),
            other => other.into(),
        })?;
        self.audit(
            &Actor::user(&session.user),
            "guide.similar.delete",
            &id.to_string(),
            "",
        )
        .await
    }

    /// The questions that found nothing, most asked first (at most 200), each with
    /// why nothing fits it now (asked again of today's guide: a phrase or an answer
    /// added since may already find it).
    #[tracing::instrument(skip_all)]
    pub async fn misses(&self, session: &Session) -> AppResult<Vec<GuideMissView>> {
        require(session, Permission::GuideManage)?;
        let misses = self.store.guide_misses(200).await?;
        let built = self.guide().await?;
        Ok(misses
            .into_iter()
            .map(|miss| {
                let why = match built.guide.ask(&self.tokenizer, &miss.question).why {
                    Some(why) => why.label(),
                    None => "现在已能找到答案".to_owned(),
                };
                GuideMissView { miss, why }
            })
            .collect())
    }
}

fn view(catalog: &PublishedCatalog, code: &str, kind: GuideKind, score: f32) -> Option<GuideAnswerView> {
    match kind {
        GuideKind::Item => {
            let i = catalog.item(code)?;
            Some(GuideAnswerView {
                code: i.code.clone(),
                kind,
                name: i.name.clone(),
                score,
                kind_label: kind.label(),
                can_online: i.online != "线下办理",
                online: i.online.clone(),
                location: i.location.clone(),
                department: i.department.clone(),
                materials: i
                    .materials
                    .iter()
                    .filter(|m| m.required)
                    .map(|m| m.name.clone())
                    .collect(),
                steps: i.steps.clone(),
                items: Vec::new(),
                promised_days: i.promised_days,
                url: format!("/items/{}", i.code),
            })
        }
        GuideKind::Bundle => {
            let b = catalog.bundle(code)?;
            let members: Vec<_> = b.items.iter().filter_map(|c| catalog.item(c)).collect();
            let mut materials: Vec<String> = Vec::new();
            for m in members.iter().flat_map(|i| &i.materials).filter(|m| m.required) {
                if !materials.contains(&m.name) {
                    materials.push(m.name.clone());
                }
            }
            Some(GuideAnswerView {
                code: b.code.clone(),
                kind,
                name: b.name.clone(),
                score,
                kind_label: kind.label(),
                can_online: !members.is_empty() && members.iter().all(|i| i.online != "线下办理"),
                online: "一件事一次办".into(),
                location: String::new(),
                department: members
                    .iter()
                    .map(|i| i.department.as_str())
                    .fold(Vec::<&str>::new(), |mut v, d| {
                        if !v.contains(&d) {
                            v.push(d);
                        }
                        v
                    })
                    .join("、"),
                materials,
                steps: vec![b.description.clone()],
                items: members.iter().map(|i| (i.code.clone(), i.name.clone())).collect(),
                promised_days: b.promised_days,
                url: format!("/bundles/{}", b.code),
            })
        }
    }
}
