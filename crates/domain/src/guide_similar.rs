//! 相似问法 (similar questions): questions people asked before, each with what the hall
//! answered (the items or `一件事` bundles that fit, or "not the hall's"), so that a new
//! question worded like an earlier one is answered like it. The smart guide's rules
//! ([`crate::guide`]) read a question word by word; the similar questions catch the
//! long tail of everyday wording no vocabulary line holds yet (登个记领个小本本).
//!
//! How they count (step 7 of the guide's rule, docs/domain.md):
//! - a question is compared with every similar question by the characters they share:
//!   runs of two and three characters ([`GRAMS`]), each weighted by how rare it is among
//!   the similar questions (tf-idf), by cosine similarity (0 to 1);
//! - the [`NEIGHBOURS`] most similar vote: each answerable one gives its similarity to its
//!   codes; the code with the most votes, at least [`VOTE_MIN`], is what the similar
//!   questions suggest, and it joins the guide's answers among the first three when the
//!   rules did not already put it there;
//! - when the most similar question is almost the same question (similarity at least
//!   [`SAME_QUESTION`]), its verdict stands: not the hall's → nothing fits; answered → its
//!   answer, even when the rules found nothing (an admin's answer to a logged question
//!   takes effect for that question at once);
//! - when the [`AGREE_NEIGHBOURS`] most similar questions agree, they outvote the rules:
//!   all of them answered and one code with at least [`AGREE_VOTE`] votes → that code
//!   answers a question the rules found nothing for (a wording no vocabulary line holds
//!   yet); not the hall's with at least [`AGREE_VOTE`] votes and not one vote for any of
//!   the rules' first three answers → nothing fits (a look-alike in the hall's words).
//!
//! The shipped similar questions ([`SIMILAR_QUESTIONS`]) are the guide's tuning sets, each
//! written blind by another author; an admin adds more from the log of questions that
//! found nothing.

use std::collections::HashMap;

/// The similar questions shipped with govhall: `source<TAB>codes|NONE<TAB>question`.
pub const SIMILAR_QUESTIONS: &str = include_str!("guide_similar.tsv");

/// Runs of this many characters are compared.
pub const GRAMS: [usize; 2] = [2, 3];
/// How many of the most similar questions vote.
pub const NEIGHBOURS: usize = 5;
/// The votes a code needs to be suggested.
pub const VOTE_MIN: f32 = 0.3;
/// From this similarity on, a similar question counts as the same question.
pub const SAME_QUESTION: f32 = 0.8;
/// How many of the most similar questions must agree to outvote the rules.
pub const AGREE_NEIGHBOURS: usize = 8;
/// The votes (summed similarity) an agreed verdict needs.
pub const AGREE_VOTE: f32 = 1.0;

/// One similar question (相似问法) and what the hall answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarQuestion {
    /// Where it comes from: a shipped set's name (`tune12`) or `admin`.
    pub source: String,
    /// The items or bundles that fit; empty when the matter is not the hall's.
    pub codes: Vec<String>,
    pub question: String,
}

/// A line of the similar questions that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("相似问法第{line}行：{reason}")]
pub struct SimilarError {
    pub line: usize,
    pub reason: String,
}

/// Reads `source<TAB>codes|NONE<TAB>question` lines (codes comma-separated; `#` lines and
/// blank lines skipped).
pub fn parse(text: &str) -> Result<Vec<SimilarQuestion>, SimilarError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let err = |reason: &str| SimilarError {
            line: n + 1,
            reason: reason.to_owned(),
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [source, codes, question] = fields.as_slice() else {
            return Err(err("应为三列：来源、编码（或 NONE）、问题"));
        };
        let question = question.trim();
        if source.trim().is_empty() || question.is_empty() {
            return Err(err("来源和问题不能为空"));
        }
        let codes: Vec<String> = if codes.trim() == "NONE" {
            Vec::new()
        } else {
            codes
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        };
        if codes.is_empty() && !line.contains("\tNONE\t") {
            return Err(err("编码为空：不属本大厅的问题写 NONE"));
        }
        out.push(SimilarQuestion {
            source: source.trim().to_owned(),
            codes,
            question: question.to_owned(),
        });
    }
    Ok(out)
}

/// The shipped similar questions (a test proves they parse and name real codes).
pub fn shipped() -> Vec<SimilarQuestion> {
    parse(SIMILAR_QUESTIONS).unwrap_or_default()
}

/// What the similar questions say about one question.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarVerdict {
    /// The code with the most votes (at least [`VOTE_MIN`]) and its votes.
    pub suggested: Option<(String, f32)>,
    /// The most similar question when it is the same question (similarity at least
    /// [`SAME_QUESTION`]): its index and similarity.
    pub same: Option<(usize, f32)>,
    /// The [`AGREE_NEIGHBOURS`] most similar questions are all answered and give one code
    /// at least [`AGREE_VOTE`] votes: that code and its most similar question's similarity.
    pub agreed: Option<(String, f32)>,
    /// The votes of the [`AGREE_NEIGHBOURS`] most similar questions per code.
    pub wide_votes: Vec<(String, f32)>,
    /// The votes of the [`AGREE_NEIGHBOURS`] most similar questions for "not the hall's".
    pub not_ours: f32,
}

impl SimilarVerdict {
    /// The [`AGREE_NEIGHBOURS`] most similar questions say "not the hall's" with at least
    /// [`AGREE_VOTE`] votes and give none of `answers` a single vote.
    pub fn agreed_not_ours<'a>(&self, mut answers: impl Iterator<Item = &'a str>) -> bool {
        self.not_ours >= AGREE_VOTE && !answers.any(|a| self.wide_votes.iter().any(|(c, _)| c == a))
    }
}

/// The similar questions indexed by their runs of characters.
#[derive(Debug, Default)]
pub struct SimilarIndex {
    questions: Vec<SimilarQuestion>,
    /// Per run of characters: (question, weight in its unit-length vector).
    postings: HashMap<u64, Vec<(u32, f32)>>,
    idf: HashMap<u64, f32>,
    /// The weight of a run no similar question holds.
    unseen_idf: f32,
}

impl SimilarIndex {
    /// Indexes the questions as `read` reads them (the guide's normalising and fixing).
    pub fn build(questions: Vec<SimilarQuestion>, read: impl Fn(&str) -> String) -> SimilarIndex {
        let runs: Vec<HashMap<u64, u32>> = questions.iter().map(|q| grams(&read(&q.question))).collect();
        let mut df: HashMap<u64, u32> = HashMap::new();
        for r in &runs {
            for g in r.keys() {
                *df.entry(*g).or_default() += 1;
            }
        }
        let n = questions.len() as f32;
        let idf: HashMap<u64, f32> = df
            .into_iter()
            .map(|(g, d)| (g, ((n + 1.0) / (d as f32 + 0.5)).ln()))
            .collect();
        let mut postings: HashMap<u64, Vec<(u32, f32)>> = HashMap::new();
        for (i, r) in runs.iter().enumerate() {
            let v = weights(r, |g| idf.get(&g).copied().unwrap_or(0.0));
            for (g, w) in v {
                postings.entry(g).or_default().push((i as u32, w));
            }
        }
        SimilarIndex {
            questions,
            postings,
            idf,
            unseen_idf: (n + 1.0).ln(),
        }
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    pub fn question(&self, i: usize) -> Option<&SimilarQuestion> {
        self.questions.get(i)
    }

    /// The `k` most similar questions to `text` (already read), most similar first, each
    /// with its cosine similarity; ties by index.
    pub fn nearest(&self, text: &str, k: usize) -> Vec<(usize, f32)> {
        if self.questions.is_empty() || k == 0 {
            return Vec::new();
        }
        let q = weights(&grams(text), |g| {
            self.idf.get(&g).copied().unwrap_or(self.unseen_idf)
        });
        let mut sums = vec![0.0f32; self.questions.len()];
        for (g, w) in q {
            for &(i, x) in self.postings.get(&g).map(Vec::as_slice).unwrap_or(&[]) {
                sums[i as usize] += w * x;
            }
        }
        let mut best: Vec<(usize, f32)> = sums.into_iter().enumerate().filter(|(_, s)| *s > 0.0).collect();
        let by_similarity = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if best.len() > k {
            best.select_nth_unstable_by(k - 1, by_similarity);
            best.truncate(k);
        }
        best.sort_by(by_similarity);
        best
    }

    /// What the similar questions say about `text` (already read), counting only codes
    /// `known` accepts (the published catalog's).
    pub fn verdict(&self, text: &str, known: impl Fn(&str) -> bool) -> SimilarVerdict {
        let nearest = self.nearest(text, NEIGHBOURS.max(AGREE_NEIGHBOURS));
        let count = |k: usize| {
            let mut votes: Vec<(&str, f32, f32)> = Vec::new();
            let mut not_ours = 0.0f32;
            for &(i, s) in nearest.iter().take(k) {
                let q = &self.questions[i];
                if q.codes.is_empty() {
                    not_ours += s;
                }
                for c in q.codes.iter().filter(|c| known(c)) {
                    match votes.iter_mut().find(|(v, _, _)| v == c) {
                        Some((_, total, best)) => {
                            *total += s;
                            *best = best.max(s);
                        }
                        None => votes.push((c, s, s)),
                    }
                }
            }
            (votes, not_ours)
        };
        let most = |votes: &[(&str, f32, f32)], min: f32| {
            votes
                .iter()
                .filter(|(_, v, _)| *v >= min)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|&(c, v, best)| (c.to_owned(), v, best))
        };
        let (votes, _) = count(NEIGHBOURS);
        let suggested = most(&votes, VOTE_MIN).map(|(c, v, _)| (c, v));
        let (wide, not_ours) = count(AGREE_NEIGHBOURS);
        let agreed = (nearest.len() >= AGREE_NEIGHBOURS && not_ours == 0.0)
            .then(|| most(&wide, AGREE_VOTE))
            .flatten()
            .map(|(c, _, best)| (c, best));
        let same = nearest.first().copied().filter(|(_, s)| *s >= SAME_QUESTION);
        SimilarVerdict {
            suggested,
            same,
            agreed,
            wide_votes: wide.into_iter().map(|(c, v, _)| (c.to_owned(), v)).collect(),
            not_ours,
        }
    }
}

/// The runs of [`GRAMS`] characters of a text's letters, digits and CJK characters
/// (punctuation and spaces dropped), each as one number, with their counts.
fn grams(text: &str) -> HashMap<u64, u32> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric() || crate::search::is_cjk(*c))
        .collect();
    let mut out = HashMap::new();
    for n in GRAMS {
        for w in chars.windows(n) {
            // 21 bits per character, the length in the top bit's place.
            let key = w.iter().fold(n as u64, |k, c| (k << 21) | u64::from(*c));
            *out.entry(key).or_default() += 1;
        }
    }
    out
}

/// A unit-length tf-idf vector of counted runs.
fn weights(runs: &HashMap<u64, u32>, idf: impl Fn(u64) -> f32) -> Vec<(u64, f32)> {
    let v: Vec<(u64, f32)> = runs
        .iter()
        .map(|(g, c)| (*g, (1.0 + (*c as f32).ln()) * idf(*g)))
        .collect();
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm == 0.0 {
        return Vec::new();
    }
    v.into_iter().map(|(g, w)| (g, w / norm)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(source: &str, codes: &[&str], question: &str) -> SimilarQuestion {
        SimilarQuestion {
            source: source.into(),
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            question: question.into(),
        }
    }

    fn index() -> SimilarIndex {
        SimilarIndex::build(
            vec![
                q("a", &["RS-001"], "登个记领个小本本 失业了"),
                q("a", &["RS-001"], "没活干了去哪登记失业"),
                q("a", &[], "苏州的公积金怎么取出来"),
                q("b", &["GA-002"], "身份证丢了去哪补"),
                q("b", &["GA-002", "YJS-001"], "孩子出生了上户口"),
            ],
            |s| s.to_lowercase(),
        )
    }

    #[test]
    fn the_file_format_is_read_and_refused_with_the_line() {
        let ok = parse("# comment\n\ntune\tA-1,B-2\t问题一\nheld\tNONE\t问题二\n").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].codes, ["A-1", "B-2"]);
        assert!(ok[1].codes.is_empty());
        assert_eq!(parse("tune\t问题\n").unwrap_err().line, 1);
        assert_eq!(parse("x\tA-1\tq\ntune\t\t问题\n").unwrap_err().line, 2);
        assert!(shipped().len() > 1000, "the shipped similar questions parse");
    }

    #[test]
    fn the_same_wording_is_most_similar_and_unrelated_text_is_nothing() {
        let i = index();
        let n = i.nearest("登个记，领个小本本！失业了啊", 3);
        assert_eq!(n[0].0, 0);
        assert!(n[0].1 > SAME_QUESTION, "{n:?}");
        assert!(i.nearest("今天天气晴朗", 3).is_empty());
        assert!(i.nearest("", 3).is_empty());
        // Similarity is a cosine: never above 1.
        assert!(n.iter().all(|(_, s)| *s <= 1.0001));
    }

    #[test]
    fn the_neighbours_vote_for_a_code_and_the_same_question_stands() {
        let i = index();
        let v = i.verdict("登个记 领小本本", |_| true);
        assert_eq!(v.suggested.as_ref().map(|s| s.0.as_str()), Some("RS-001"));
        let none = i.verdict("苏州的公积金怎么取出来啊", |_| true);
        let (at, _) = none.same.unwrap();
        assert!(i.question(at).unwrap().codes.is_empty());
        // A code the catalog no longer has is not suggested.
        let gone = i.verdict("登个记 领小本本", |c| c != "RS-001");
        assert_eq!(gone.suggested, None);
    }

    /// The questions, among others about other matters (so that shared words weigh).
    fn many(answered: &[(&str, &[&str])]) -> SimilarIndex {
        let others = [
            "孩子上学报名",
            "结婚登记要带啥",
            "开饭店办许可",
            "房子过户",
            "驾照换证",
            "退休手续",
            "宅基地审批",
            "营业执照注销",
            "医保报销",
            "出生证明补办",
            "老人高龄补贴",
            "残疾证",
        ];
        SimilarIndex::build(
            answered
                .iter()
                .map(|(text, codes)| q("t", codes, text))
                .chain(others.iter().map(|text| q("o", &["X-1"], text)))
                .collect(),
            |s| s.to_owned(),
        )
    }

    #[test]
    fn the_most_similar_questions_agreeing_outvote_the_rules() {
        let unemployed: &[(&str, &[&str])] = &[
            ("没活干了去哪登记失业", &["RS-001"]),
            ("厂子关门了没活干了怎么登记", &["RS-001"]),
            ("没活干了能领点钱不", &["RS-001"]),
            ("没活干了在家待着要登记吗", &["RS-001"]),
            ("丢了工作没活干了找谁", &["RS-001"]),
            ("没活干了登记一下有补助吗", &["RS-001"]),
            ("老板不要我了没活干了", &["RS-001"]),
            ("没活干了，去哪报个到", &["RS-001"]),
            ("身份证丢了去哪补", &["GA-002"]),
        ];
        let i = many(unemployed);
        let v = i.verdict("没活干了去哪登记", |_| true);
        assert_eq!(v.agreed.as_ref().map(|a| a.0.as_str()), Some("RS-001"), "{v:?}");
        assert!(!v.agreed_not_ours(["GA-002"].into_iter()));
        // One of the nearest not the hall's: no agreement.
        let mut split: Vec<(&str, &[&str])> = unemployed.to_vec();
        split[2] = ("没活干了想去苏州登记", &[]);
        let v = many(&split).verdict("没活干了去哪登记", |_| true);
        assert_eq!(v.agreed, None, "{v:?}");

        let elsewhere: &[(&str, &[&str])] = &[
            ("苏州的公积金怎么取", &[]),
            ("在苏州交的公积金能取吗", &[]),
            ("苏州公积金提取要啥", &[]),
            ("苏州那边的公积金咋取出来", &[]),
            ("苏州的公积金贷款", &[]),
            ("苏州公积金销户", &[]),
            ("苏州的公积金转到哪", &[]),
            ("苏州公积金卡丢了", &[]),
            ("东海的公积金怎么取", &["GJJ-1"]),
        ];
        let i = many(elsewhere);
        let v = i.verdict("苏州的公积金咋取", |_| true);
        assert!(v.not_ours >= AGREE_VOTE, "{v:?}");
        // Not one vote for what the rules found: nothing fits.
        assert!(v.agreed_not_ours(["GJJ-2"].into_iter()));
        // A vote for it among the nearest: the rules' answer stands.
        assert!(v.wide_votes.iter().any(|(c, _)| c == "GJJ-1"), "{v:?}");
        assert!(!v.agreed_not_ours(["GJJ-1"].into_iter()));
    }
}
