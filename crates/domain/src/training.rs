//! 培训与考试 (training and exams) and 三亮 (亮标准、亮身份、亮承诺).
//!
//! A course (培训课程) has a date, hours, a trainer and an audience (one
//! department or the whole hall); attendance is recorded per person. An exam
//! (考试) has questions — 单选题 (one right option) and 多选题 (several) —, a
//! pass mark (百分制) and a maximum number of attempts (考试次数). Scoring:
//!
//! - a single-choice question is right when exactly its right option is chosen;
//! - a multiple-choice question is right when **all and only** its right
//!   options are chosen (a missing or an extra option makes it wrong, no
//!   partial credit);
//! - a right question earns its points; the score is `earned × 100 / total`,
//!   rounded down to a whole number (百分制);
//! - passed (及格) when `earned × 100 ≥ pass_mark × total`, so a score shown
//!   as the pass mark always passes;
//! - attempts allowed = the exam's maximum + one per recorded retraining
//!   (补训后补考一次); nobody sits an exam again once passed.

use serde::Serialize;

/// Why a question, an exam or an answer sheet is refused: the field and a
/// message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TrainingError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> TrainingError {
    TrainingError {
        field,
        message: message.into(),
    }
}

/// 题型: single (单选题) or multiple choice (多选题).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Single,
    Multiple,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 2] = [QuestionKind::Single, QuestionKind::Multiple];

    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::Single => "单选题",
            QuestionKind::Multiple => "多选题",
        }
    }

    pub fn parse(code: &str) -> Option<QuestionKind> {
        QuestionKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Most options a question may have.
pub const MAX_OPTIONS: usize = 8;
/// Most questions an exam may have.
pub const MAX_QUESTIONS: usize = 200;
/// Most attempts an exam may allow before any retraining.
pub const MAX_ATTEMPTS: u32 = 10;

/// A question with its right answers (题目与标准答案).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub kind: QuestionKind,
    pub text: String,
    pub options: Vec<String>,
    /// Indexes (from 0) of the right options, ascending.
    pub answers: Vec<u32>,
    /// 分值, 1..=100.
    pub points: u32,
}

impl Question {
    /// Checks and tidies a question: text given (≤500 characters), 2 to 8
    /// distinct options (≤200 characters each), right answers within the
    /// options, exactly one for a 单选题 and at least one for a 多选题,
    /// points 1..=100.
    pub fn new(
        kind: QuestionKind,
        text: &str,
        options: &[String],
        answers: &[u32],
        points: u32,
    ) -> Result<Question, TrainingError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(refuse("text", "请填写题目"));
        }
        if text.chars().count() > 500 {
            return Err(refuse("text", "题目最多500个字"));
        }
        let options: Vec<String> = options.iter().map(|o| o.trim().to_owned()).collect();
        if options.len() < 2 || options.len() > MAX_OPTIONS {
            return Err(refuse("options", format!("选项应为2至{MAX_OPTIONS}个")));
        }
        for (i, o) in options.iter().enumerate() {
            if o.is_empty() {
                return Err(refuse("options", format!("选项{}为空", option_letter(i as u32))));
            }
            if o.chars().count() > 200 {
                return Err(refuse(
                    "options",
                    format!("选项{}最多200个字", option_letter(i as u32)),
                ));
            }
            if options[..i].contains(o) {
                return Err(refuse("options", format!("选项“{o}”重复")));
            }
        }
        let mut answers = answers.to_vec();
        answers.sort_unstable();
        answers.dedup();
        if answers.is_empty() {
            return Err(refuse("answers", "请选定正确答案"));
        }
        if let Some(bad) = answers.iter().find(|a| **a as usize >= options.len()) {
            return Err(refuse(
                "answers",
                format!("正确答案{}不在选项之中", option_letter(*bad)),
            ));
        }
        if kind == QuestionKind::Single && answers.len() != 1 {
            return Err(refuse("answers", "单选题只能有一个正确答案"));
        }
        if !(1..=100).contains(&points) {
            return Err(refuse("points", "分值应为1至100"));
        }
        Ok(Question {
            kind,
            text: text.to_owned(),
            options,
            answers,
            points,
        })
    }

    /// Whether `chosen` is right: exactly the right options, no more, no fewer.
    pub fn is_right(&self, chosen: &[u32]) -> bool {
        let mut c = chosen.to_vec();
        c.sort_unstable();
        c.dedup();
        c == self.answers
    }
}

/// A, B, C… for option `i` (from 0).
pub fn option_letter(i: u32) -> char {
    char::from_u32(u32::from(b'A') + i.min(25)).unwrap_or('?')
}

/// Checks an exam's pass mark (1..=100, 百分制) and maximum attempts (1..=10).
pub fn check_exam_rules(pass_mark: u32, max_attempts: u32) -> Result<(), TrainingError> {
    if !(1..=100).contains(&pass_mark) {
        return Err(refuse("pass_mark", "及格分应为1至100（百分制）"));
    }
    if !(1..=MAX_ATTEMPTS).contains(&max_attempts) {
        return Err(refuse("max_attempts", format!("考试次数应为1至{MAX_ATTEMPTS}次")));
    }
    Ok(())
}

/// A course's length: hours (0.5 steps are usual) to whole minutes, 1 minute to 24 hours.
pub fn course_minutes(hours: f64) -> Result<u32, TrainingError> {
    if !hours.is_finite() || hours <= 0.0 || hours > 24.0 {
        return Err(refuse("hours", "学时应大于0且不超过24小时"));
    }
    let minutes = (hours * 60.0).round();
    if minutes < 1.0 {
        return Err(refuse("hours", "学时应大于0且不超过24小时"));
    }
    Ok(minutes as u32)
}

/// An answer sheet scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scored {
    /// Points earned.
    pub earned: u32,
    /// Points of all the questions.
    pub total: u32,
    /// 百分制, rounded down.
    pub score: u32,
    pub passed: bool,
    /// Per question, whether it was answered right.
    pub right: Vec<bool>,
}

/// Scores an answer sheet: one list of chosen options per question, in the
/// exam's order (an empty list: not answered, so wrong). Refused: a sheet of
/// the wrong length, an option that does not exist, or two options on a
/// 单选题.
pub fn score(questions: &[Question], sheet: &[Vec<u32>], pass_mark: u32) -> Result<Scored, TrainingError> {
    if questions.is_empty() {
        return Err(refuse("answers", "试卷还没有题目"));
    }
    if sheet.len() != questions.len() {
        return Err(refuse(
            "answers",
            format!("答卷应有{}题的答案，收到{}题", questions.len(), sheet.len()),
        ));
    }
    let mut earned = 0u32;
    let mut total = 0u32;
    let mut right = Vec::with_capacity(questions.len());
    for (n, (q, chosen)) in questions.iter().zip(sheet).enumerate() {
        if let Some(bad) = chosen.iter().find(|c| **c as usize >= q.options.len()) {
            return Err(refuse(
                "answers",
                format!("第{}题没有选项{}", n + 1, option_letter(*bad)),
            ));
        }
        let mut distinct = chosen.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if q.kind == QuestionKind::Single && distinct.len() > 1 {
            return Err(refuse(
                "answers",
                format!("第{}题是单选题，只能选一个选项", n + 1),
            ));
        }
        total += q.points;
        let ok = q.is_right(chosen);
        if ok {
            earned += q.points;
        }
        right.push(ok);
    }
    let score = earned * 100 / total;
    Ok(Scored {
        earned,
        total,
        score,
        passed: u64::from(earned) * 100 >= u64::from(pass_mark) * u64::from(total),
        right,
    })
}

/// Why a person may not sit an exam now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptRefusal {
    /// Passed already: nobody sits it again.
    Passed,
    /// Every allowed attempt is used (`allowed` of them).
    Exhausted { allowed: u32 },
}

impl AttemptRefusal {
    /// The refusal in the hall's words.
    pub fn message(self) -> String {
        match self {
            AttemptRefusal::Passed => "您已通过本次考试，无需再考".to_owned(),
            AttemptRefusal::Exhausted { allowed } => {
                format!("考试次数已用完（共{allowed}次），请参加补训后再考")
            }
        }
    }
}

/// Attempts allowed: the exam's maximum plus one per retraining recorded (补训).
pub fn attempts_allowed(max_attempts: u32, retrainings: u32) -> u32 {
    max_attempts.saturating_add(retrainings)
}

/// Whether one more attempt is allowed after `used` of them.
pub fn may_attempt(passed: bool, used: u32, allowed: u32) -> Result<(), AttemptRefusal> {
    if passed {
        Err(AttemptRefusal::Passed)
    } else if used >= allowed {
        Err(AttemptRefusal::Exhausted { allowed })
    } else {
        Ok(())
    }
}

/// 三亮 texts: 工号 (≤20), 岗位 (≤40), 职责 (≤300), 服务承诺 (≤300), trimmed.
pub fn check_profile_text(field: &'static str, value: &str) -> Result<String, TrainingError> {
    let (label, max) = match field {
        "staff_number" => ("工号", 20),
        "post" => ("岗位", 40),
        "duties" => ("岗位职责", 300),
        _ => ("服务承诺", 300),
    };
    let v = value.trim();
    if v.chars().count() > max {
        return Err(refuse(field, format!("{label}最多{max}个字")));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn opts(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("选项{i}")).collect()
    }

    fn single(answer: u32, points: u32) -> Question {
        Question::new(QuestionKind::Single, "题目", &opts(4), &[answer], points).unwrap()
    }

    fn multiple(answers: &[u32], points: u32) -> Question {
        Question::new(QuestionKind::Multiple, "题目", &opts(4), answers, points).unwrap()
    }

    #[test]
    fn a_single_choice_is_right_only_with_its_one_option() {
        let q = single(2, 1);
        assert!(q.is_right(&[2]));
        assert!(!q.is_right(&[1]));
        assert!(!q.is_right(&[]));
        let s = score(std::slice::from_ref(&q), &[vec![2, 3]], 60).unwrap_err();
        assert_eq!(s.field, "answers");
        assert!(s.message.contains("单选题"), "{s}");
        // The same option twice is still one option.
        assert!(score(&[q], &[vec![2, 2]], 60).unwrap().passed);
    }

    #[test]
    fn a_multiple_choice_needs_all_and_only_the_right_options() {
        let q = multiple(&[0, 2], 2);
        assert!(q.is_right(&[2, 0]));
        assert!(!q.is_right(&[0]), "one missing");
        assert!(!q.is_right(&[0, 1, 2]), "one extra");
        assert!(!q.is_right(&[]));
        let s = score(&[q.clone(), single(1, 2)], &[vec![0, 2], vec![3]], 60).unwrap();
        assert_eq!((s.earned, s.total, s.score, s.passed), (2, 4, 50, false));
        assert_eq!(s.right, vec![true, false]);
    }

    #[test]
    fn the_pass_mark_is_inclusive_and_the_score_rounds_down() {
        // 2 of 3 one-point questions: 66.67 → 66.
        let qs = [single(0, 1), single(0, 1), single(0, 1)];
        let sheet = [vec![0], vec![0], vec![1]];
        let s = score(&qs, &sheet, 66).unwrap();
        assert_eq!((s.score, s.passed), (66, true));
        let s = score(&qs, &sheet, 67).unwrap();
        assert_eq!((s.score, s.passed), (66, false));
        // Exactly the mark passes.
        let qs = [single(0, 3), single(0, 2)];
        let s = score(&qs, &[vec![0], vec![]], 60).unwrap();
        assert_eq!((s.score, s.passed), (60, true));
        let s = score(&qs, &[vec![1], vec![0]], 60).unwrap();
        assert_eq!((s.score, s.passed), (40, false));
    }

    #[test]
    fn a_bad_sheet_is_refused_with_its_field() {
        let qs = [single(0, 1)];
        assert!(score(&qs, &[], 60).unwrap_err().message.contains("1题"));
        assert!(
            score(&qs, &[vec![7]], 60)
                .unwrap_err()
                .message
                .contains("没有选项H")
        );
        assert_eq!(score(&[], &[], 60).unwrap_err().field, "answers");
    }

    #[test]
    fn questions_are_checked() {
        let bad = |kind, options: Vec<String>, answers: &[u32], points| {
            Question::new(kind, "题", &options, answers, points)
                .unwrap_err()
                .field
        };
        assert_eq!(bad(QuestionKind::Single, opts(1), &[0], 1), "options");
        assert_eq!(bad(QuestionKind::Single, opts(9), &[0], 1), "options");
        assert_eq!(
            bad(QuestionKind::Single, vec!["a".into(), "a".into()], &[0], 1),
            "options"
        );
        assert_eq!(bad(QuestionKind::Single, opts(3), &[0, 1], 1), "answers");
        assert_eq!(bad(QuestionKind::Multiple, opts(3), &[], 1), "answers");
        assert_eq!(bad(QuestionKind::Multiple, opts(3), &[3], 1), "answers");
        assert_eq!(bad(QuestionKind::Multiple, opts(3), &[0], 0), "points");
        assert_eq!(
            Question::new(QuestionKind::Single, "  ", &opts(2), &[0], 1)
                .unwrap_err()
                .field,
            "text"
        );
        let q = Question::new(QuestionKind::Multiple, " 题 ", &opts(3), &[2, 0, 2], 5).unwrap();
        assert_eq!((q.text.as_str(), q.answers.clone()), ("题", vec![0, 2]));
        assert_eq!(QuestionKind::parse("multiple"), Some(QuestionKind::Multiple));
        assert_eq!(QuestionKind::parse("judge"), None);
    }

    #[test]
    fn attempts_run_out_unless_retrained_and_never_after_a_pass() {
        assert_eq!(may_attempt(false, 0, 2), Ok(()));
        assert_eq!(may_attempt(false, 1, 2), Ok(()));
        let refused = may_attempt(false, 2, 2).unwrap_err();
        assert_eq!(refused, AttemptRefusal::Exhausted { allowed: 2 });
        assert!(
            refused.message().contains("考试次数已用完"),
            "{}",
            refused.message()
        );
        assert_eq!(may_attempt(false, 2, attempts_allowed(2, 1)), Ok(()));
        assert_eq!(may_attempt(true, 0, 3), Err(AttemptRefusal::Passed));
        assert!(AttemptRefusal::Passed.message().contains("已通过"));
    }

    #[test]
    fn exam_rules_and_hours_are_checked() {
        assert!(check_exam_rules(60, 3).is_ok());
        assert_eq!(check_exam_rules(0, 3).unwrap_err().field, "pass_mark");
        assert_eq!(check_exam_rules(101, 3).unwrap_err().field, "pass_mark");
        assert_eq!(check_exam_rules(60, 0).unwrap_err().field, "max_attempts");
        assert_eq!(check_exam_rules(60, 11).unwrap_err().field, "max_attempts");
        assert_eq!(course_minutes(1.5), Ok(90));
        assert_eq!(course_minutes(0.0).unwrap_err().field, "hours");
        assert!(course_minutes(f64::NAN).is_err() && course_minutes(25.0).is_err());
        assert_eq!(check_profile_text("post", " 综合受理岗 ").unwrap(), "综合受理岗");
        assert!(check_profile_text("staff_number", &"1".repeat(21)).is_err());
        assert_eq!(option_letter(0), 'A');
    }

    proptest! {
        /// The score never exceeds 100, earned never exceeds total, and
        /// passing is exactly `score ≥ pass mark`.
        #[test]
        fn scores_are_consistent(
            points in proptest::collection::vec(1u32..=100, 1..20),
            picks in proptest::collection::vec(0u32..4, 20),
            pass in 1u32..=100,
        ) {
            let qs: Vec<Question> = points.iter().map(|p| single(1, *p)).collect();
            let sheet: Vec<Vec<u32>> = qs.iter().zip(&picks).map(|(_, c)| vec![*c]).collect();
            let s = score(&qs, &sheet, pass).unwrap();
            prop_assert!(s.earned <= s.total && s.score <= 100);
            prop_assert_eq!(s.passed, s.score >= pass);
            prop_assert_eq!(s.total, points.iter().sum::<u32>());
            let right: u32 = qs.iter().zip(&s.right).filter(|(_, r)| **r).map(|(q, _)| q.points).sum();
            prop_assert_eq!(right, s.earned);
        }
    }
}
