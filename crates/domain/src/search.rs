//! Catalog search (事项检索) in everyday Chinese: jieba words plus character
//! bigrams, ranked with BM25 over weighted fields, so "开饭店" finds
//! 食品经营许可 through its keywords and "营业执照" finds the items that need one.

use jieba_rs::Jieba;
use std::collections::HashMap;

/// What the index knows of one item.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub code: String,
    pub name: String,
    pub keywords: Vec<String>,
    pub department: String,
    pub materials: Vec<String>,
}

impl From<&crate::catalog::Item> for SearchDoc {
    fn from(i: &crate::catalog::Item) -> SearchDoc {
        SearchDoc {
            code: i.code.clone(),
            name: i.name.clone(),
            keywords: i.keywords.clone(),
            department: i.department.clone(),
            materials: i.materials.iter().map(|m| m.name.clone()).collect(),
        }
    }
}

/// A hit: the item code and its score (higher is better).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub code: String,
    pub score: f32,
}

/// Splits Chinese text into search terms. Building it loads jieba's
/// dictionary (about 100 ms), so one is made at start and shared.
pub struct Tokenizer {
    jieba: Jieba,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer { jieba: Jieba::new() }
    }
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokenizer")
    }
}

pub(crate) fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

impl Tokenizer {
    /// Whether jieba's dictionary holds the word (事业 does; 设保卡 does not).
    pub fn is_dictionary_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// jieba's plain cut of the text as it is, every piece kept (spaces and punctuation too):
    /// the pieces join back into the text.
    pub fn cut<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.jieba.cut(text, true).into_iter().map(|t| t.word).collect()
    }

    /// jieba's plain cut (精确模式) of lower-cased text: the words a person
    /// wrote, without the sub-words search mode adds and without punctuation.
    pub fn words(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        self.jieba
            .cut(&lower, true)
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
            .map(str::to_owned)
            .collect()
    }

    /// Words from jieba's search mode, plus every CJK character bigram so
    /// that words jieba splits differently in query and document still meet.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        let mut out: Vec<String> = self
            .jieba
            .cut_for_search(&lower, true)
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
            .map(str::to_owned)
            .collect();
        let chars: Vec<char> = lower.chars().collect();
        for pair in chars.windows(2) {
            if is_cjk(pair[0]) && is_cjk(pair[1]) {
                out.push(format!("#{}{}", pair[0], pair[1]));
            }
        }
        out
    }
}

struct Posting {
    doc: u32,
    weight: f32,
}

/// An in-memory BM25 index over the published catalog.
pub struct SearchIndex {
    codes: Vec<String>,
    /// Lower-cased once at build time: every search compares against all of them.
    codes_lower: Vec<String>,
    names: Vec<String>,
    lengths: Vec<f32>,
    average_length: f32,
    postings: HashMap<String, Vec<Posting>>,
}

const NAME_WEIGHT: f32 = 3.0;
const KEYWORD_WEIGHT: f32 = 2.5;
const DEPARTMENT_WEIGHT: f32 = 0.6;
const MATERIAL_WEIGHT: f32 = 0.4;
const K1: f32 = 1.2;
const B: f32 = 0.6;

impl SearchIndex {
    pub fn build(tokenizer: &Tokenizer, docs: &[SearchDoc]) -> SearchIndex {
        let mut postings: HashMap<String, Vec<Posting>> = HashMap::new();
        let mut lengths = Vec::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            let mut tf: HashMap<String, f32> = HashMap::new();
            let mut add = |text: &str, w: f32| {
                for t in tokenizer.terms(text) {
                    *tf.entry(t).or_default() += w;
                }
            };
            add(&doc.name, NAME_WEIGHT);
            for k in &doc.keywords {
                add(k, KEYWORD_WEIGHT);
            }
            add(&doc.department, DEPARTMENT_WEIGHT);
            for m in &doc.materials {
                add(m, MATERIAL_WEIGHT);
            }
            add(&doc.code.to_lowercase(), NAME_WEIGHT);
            lengths.push(tf.values().sum::<f32>());
            for (term, weight) in tf {
                postings.entry(term).or_default().push(Posting {
                    doc: i as u32,
                    weight,
                });
            }
        }
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            lengths.iter().sum::<f32>() / lengths.len() as f32
        };
        SearchIndex {
            codes: docs.iter().map(|d| d.code.clone()).collect(),
            codes_lower: docs.iter().map(|d| d.code.to_lowercase()).collect(),
            names: docs.iter().map(|d| d.name.to_lowercase()).collect(),
            lengths,
            average_length,
            postings,
        }
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Every matching item, best first.
    pub fn search(&self, tokenizer: &Tokenizer, query: &str) -> Vec<SearchHit> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let mut terms = tokenizer.terms(&q);
        terms.sort();
        terms.dedup();
        let n = self.codes.len() as f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for term in &terms {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let df = list.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for p in list {
                let len = self.lengths[p.doc as usize];
                let norm = K1 * (1.0 - B + B * len / self.average_length);
                let s = idf * p.weight * (K1 + 1.0) / (p.weight + norm);
                *scores.entry(p.doc).or_default() += s;
            }
        }
        // A name that contains the whole query, or a code typed in full, comes first.
        for (i, name) in self.names.iter().enumerate() {
            if self.codes_lower[i] == q {
                *scores.entry(i as u32).or_default() += 1000.0;
            } else if name.contains(&q) {
                *scores.entry(i as u32).or_default() +=
                    50.0 + 10.0 * q.chars().count() as f32 / name.chars().count().max(1) as f32;
            }
        }
        let mut hits: Vec<SearchHit> = scores
            .into_iter()
            .filter(|(_, s)| *s > 0.0)
            .map(|(doc, score)| SearchHit {
                code: self.codes[doc as usize].clone(),
                score,
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.code.cmp(&b.code)));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(code: &str, name: &str, keywords: &[&str], materials: &[&str]) -> SearchDoc {
        SearchDoc {
            code: code.into(),
            name: name.into(),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            department: "东海县市场监督管理局".into(),
            materials: materials.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn everyday_words_find_the_item() {
        let t = Tokenizer::default();
        let idx = SearchIndex::build(
            &t,
            &[
                doc(
                    "SCJG-XK-001",
                    "食品经营许可",
                    &["开饭店", "开餐馆"],
                    &["营业执照"],
                ),
                doc(
                    "GA-QR-001",
                    "出生登记",
                    &["孩子出生", "上户口"],
                    &["出生医学证明"],
                ),
                doc("SCJG-QR-001", "个体工商户登记", &["开店", "办执照"], &["身份证"]),
            ],
        );
        let hits = idx.search(&t, "开饭店");
        assert_eq!(hits.first().map(|h| h.code.as_str()), Some("SCJG-XK-001"));
        let hits = idx.search(&t, "孩子刚出生要办什么");
        assert_eq!(hits.first().map(|h| h.code.as_str()), Some("GA-QR-001"));
        let hits = idx.search(&t, "ga-qr-001");
        assert_eq!(hits.first().map(|h| h.code.as_str()), Some("GA-QR-001"));
        assert!(idx.search(&t, "   ").is_empty());
        assert!(idx.search(&t, "火箭发射").is_empty());
    }
}
