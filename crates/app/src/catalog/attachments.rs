//! A guide's downloadable files (办事指南附件): blank forms and samples,
//! PDF or DOCX by their content, at most 5 MiB each, kept with a content hash.

use crate::{Actor, AppError, AppResult};
use domain::catalog::{AttachmentKind, MAX_ATTACHMENT_BYTES, attachment_type};
use sha2::{Digest, Sha256};
use store::ItemAttachment;
use uuid::Uuid;

impl crate::Hall {
    /// An item's files, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn item_attachments(&self, code: &str) -> AppResult<Vec<ItemAttachment>> {
        Ok(self.attachment_store.attachments(code).await?)
    }

    /// One file to download.
    #[tracing::instrument(skip_all)]
    pub async fn attachment_file(&self, id: Uuid) -> AppResult<(ItemAttachment, Vec<u8>)> {
        self.attachment_store.attachment(id).await.map_err(|e| match e {
            store::StoreError::NotFound(_) => AppError::NotFound("没有这个附件".into()),
            other => other.into(),
        })
    }

    /// Attaches a blank form or a sample to a published item.
    #[tracing::instrument(skip_all)]
    pub async fn add_item_attachment(
        &self,
        actor: &Actor,
        code: &str,
        kind: AttachmentKind,
        name: &str,
        bytes: &[u8],
    ) -> AppResult<ItemAttachment> {
        self.item(code).await?;
        if bytes.is_empty() {
            return Err(AppError::invalid("file", "请选择要上传的文件"));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(AppError::invalid("file", "文件不能超过5MB"));
        }
        let Some((content_type, extension)) = attachment_type(bytes) else {
            return Err(AppError::invalid("file", "只接受 PDF 或 Word（DOCX）文件"));
        };
        let stem = name
            .trim()
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .split('.')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(60)
            .collect::<String>();
        let stem = if stem.trim().is_empty() {
            kind.label().to_owned()
        } else {
            stem
        };
        let attachment = ItemAttachment {
            id: Uuid::now_v7(),
            item_code: code.to_owned(),
            kind,
            name: format!("{stem}.{extension}"),
            content_type: content_type.to_owned(),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256: hex::encode(Sha256::digest(bytes)),
            uploaded_by: actor.username.clone(),
            uploaded_at: self.now(),
        };
        self.attachment_store.add_attachment(&attachment, bytes).await?;
        self.audit(
            actor,
            "catalog.attachment.add",
            code,
            &format!("{}：{}", kind.label(), attachment.name),
        )
        .await?;
        Ok(attachment)
    }

    /// Removes a file from its guide.
    #[tracing::instrument(skip_all)]
    pub async fn remove_item_attachment(&self, actor: &Actor, id: Uuid) -> AppResult<ItemAttachment> {
        let (attachment, _) = self.attachment_file(id).await?;
        self.attachment_store.remove_attachment(id).await?;
        self.audit(
            actor,
            "catalog.attachment.remove",
            &attachment.item_code,
            &attachment.name,
        )
        .await?;
        Ok(attachment)
    }
}
