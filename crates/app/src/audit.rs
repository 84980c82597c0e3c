//! The audit log (操作日志): who did what, when.

use crate::{Actor, AppResult};
use store::{AuditEntry, NewAuditEntry};

impl crate::Hall {
    pub async fn audit(&self, actor: &Actor, action: &str, target: &str, detail: &str) -> AppResult<()> {
        self.audit_store
            .append_audit(&NewAuditEntry {
                at: self.now(),
                actor: actor.username.clone(),
                action: action.to_owned(),
                target: target.to_owned(),
                detail: detail.to_owned(),
            })
            .await?;
        Ok(())
    }

    pub async fn audit_log(&self, page: i64, per_page: i64) -> AppResult<Vec<AuditEntry>> {
        let per_page = per_page.clamp(1, 500);
        Ok(self
            .audit_store
            .audit_entries(per_page, (page.max(1) - 1).saturating_mul(per_page))
            .await?)
    }
}

/// An audit entry's detail as people read it: the machine words older
/// entries were written with, in Chinese.
pub fn detail_label(detail: &str) -> &str {
    match detail {
        "session" => "网页登录",
        "api" => "API 令牌",
        other => other,
    }
}

/// Chinese names of audit actions for the admin page.
pub fn action_label(action: &str) -> &str {
    match action {
        "login" => "登录",
        "login_failed" => "登录失败",
        "logout" => "退出登录",
        "user.add" => "新增账号",
        "user.password" => "修改密码",
        "user.disable" => "停用账号",
        "user.enable" => "启用账号",
        "catalog.import" => "导入事项目录",
        "catalog.publish" => "发布目录版本",
        "catalog.item.save" => "编辑事项",
        "catalog.item.remove" => "删除事项",
        "catalog.attachment.add" => "上传办事指南附件",
        "catalog.attachment.remove" => "删除办事指南附件",
        "department.add" => "新增部门",
        "calendar.import" => "导入工作日历",
        "queue.category.add" => "新增业务类别",
        "queue.window.add" => "新增窗口",
        "queue.category.edit" => "修改业务类别",
        "queue.window.edit" => "修改窗口",
        "queue.window.status" => "窗口状态变更",
        "queue.limit" => "超出个人取号限制",
        "queue.rate_limited" => "取号过于频繁",
        "appointment.no_show" => "预约爽约标记",
        "job.run" => "手动运行后台任务",
        "home_visit.request" => "上门服务申请",
        "home_visit.limit" => "超出上门服务申请限制",
        "home_visit.view" => "查看上门服务联系信息",
        "home_visit.schedule" => "安排上门服务",
        "home_visit.done" => "上门服务办结",
        "home_visit.cancel" => "取消上门服务",
        "public.rate_limited" => "网上提交过于频繁",
        "pad.create" => "新增评价器配对",
        "pad.pair" => "评价器完成配对",
        "pad.pair_failed" => "评价器配对码错误",
        "pad.revoke" => "停用评价器",
        "staff_profile.save" => "修改工作人员亮身份信息",
        // issue 16 part 6: training
        "staff_profile.photo" => "修改工作人员三亮照片",
        "training.course" => "新增培训课程",
        "training.attendance" => "登记培训签到",
        "training.exam" => "新建考试",
        "training.question" => "增加考试题目",
        "training.attempt" => "参加在线考试",
        "training.retraining" => "登记补训",
        "evaluation.reasons" => "修改差评原因列表",
        "evaluation.import" => "导入历史评价",
        "evaluation.appeal" => "提出差评申诉",
        "evaluation.appeal.decide" => "审定差评申诉",
        "rectification.step" => "差评整改推进",
        "rectification.escalate" => "整改超期报送领导",
        "case.accept" => "受理办件",
        "case.supplement" => "办件补正",
        "case.pause" => "办件暂停计时",
        "case.resume" => "办件恢复计时",
        "case.review" => "办件审查",
        "case.decide" => "办件作出决定",
        "case.complete" => "办件办结",
        "case.deliver" => "办件送达",
        "case.refuse" => "不予受理",
        "case.extend" => "办件延期",
        "case.import" => "导入历史办件",
        "case.bundle" => "一件事并联受理",
        "case.identity.view" => "查看申请人完整证件号码",
        "guide.phrase.add" => "添加智能导办说法",
        "guide.phrase.delete" => "删除智能导办说法",
        "guide.similar.add" => "答复导办问题（相似问法）",
        "guide.similar.delete" => "删除相似问法",
        other => other,
    }
}
