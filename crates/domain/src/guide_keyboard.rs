//! The kiosk's on-screen pinyin keyboard (智能导办, issue 17 part 1): a touch
//! kiosk has no Chinese input, so a person types pinyin letters on large keys
//! and taps a candidate, the way a phone's input method works, offline on the
//! hall's machine.
//!
//! The candidates are the hall's own words, which is all the guide understands:
//! the published catalog's item and bundle names, their keywords and the words
//! jieba cuts them into, the life events and the kiosk's word pad, the guide's
//! vocabulary (its phrases, synonyms, business and act words, stop words) with
//! the admin's phrases, the common words of a question ([`COMMON_WORDS`]), and
//! every character of all these. Each character's readings come from the
//! `pinyin` crate, all of them for a polyphonic character (行: xing, hang…),
//! without tones, `ü` typed as `v`.
//!
//! How typed letters match a word (the rule, [`match_word`]): the letters are
//! cut, in order, into one piece per syllable, each piece a reading of its
//! character typed in full or as a prefix (at least its first letter), so
//! `sfz`, `shenfz` and `shenfenzheng` all find 身份证. A word [`Fit`]s:
//! 1. [`Fit::Exact`]: every syllable typed in full and all the letters used;
//! 2. [`Fit::Abbreviated`]: all the letters used, some syllables as prefixes;
//! 3. [`Fit::Predicted`]: all the letters used by the word's first syllables
//!    (身份证 for `shenf`), the rest of the word not yet typed;
//! 4. [`Fit::Partial`]: the whole word matches the first letters only (身份证 for
//!    `sfzbb`): tapping it leaves the other letters to type on (`bb` → 补办).
//!
//! Candidates are ranked by fit, a partial one by how many letters it uses
//! (more first), then by where the word comes from ([`Source`]: the catalog
//! and the life events first), then shorter first, then by the word; the list
//! (at most [`MAX_CANDIDATES`]) is cut into pages.

use crate::guide::{GuideDoc, Vocabulary};
use crate::search::{Tokenizer, is_cjk};
use pinyin::ToPinyinMulti;
use serde::Serialize;
use std::collections::HashMap;

/// Most letters typed at once (a long question is typed word by word).
pub const MAX_LETTERS: usize = 30;
/// The syllable separator a typist puts where the letters read two ways (xi'an).
pub const SEPARATOR: char = '\'';
/// Candidates on a page unless asked otherwise.
pub const DEFAULT_PER_PAGE: usize = 8;
/// Most candidates on a page.
pub const MAX_PER_PAGE: usize = 30;
/// Most candidates listed for one set of letters (pages beyond are empty).
pub const MAX_CANDIDATES: usize = 300;
/// Longest word offered (a catalog name longer than this is offered by its parts).
pub const MAX_WORD_CHARS: usize = 16;

/// The life events (人生大事) the kiosk and the portal offer as buttons:
/// (label, the question it asks).
pub const LIFE_EVENTS: [(&str, &str); 7] = [
    ("出生", "孩子刚出生要办什么"),
    ("上学", "孩子上学入学"),
    ("结婚", "结婚领证"),
    ("开店", "开个小店"),
    ("买房", "买房过户"),
    ("退休", "退休要办什么"),
    ("身后事", "老人去世身后事"),
];

/// The kiosk's word pad: everyday words tapped to build a question.
pub const PAD_WORDS: [&str; 24] = [
    "孩子",
    "老人",
    "身份证",
    "户口",
    "社保卡",
    "医保",
    "养老金",
    "公积金",
    "房子",
    "营业执照",
    "驾驶证",
    "结婚证",
    "残疾证",
    "低保",
    "补贴",
    "开店",
    "丢了",
    "过期",
    "补办",
    "换",
    "领取",
    "报销",
    "过户",
    "注销",
];

/// The common words and characters of a question asked at the hall.
#[rustfmt::skip]
pub const COMMON_WORDS: &[&str] = &[
    "怎么", "怎么办", "怎样", "如何", "什么", "哪里", "哪儿", "在哪", "哪个", "多少", "多少钱", "多久", "几天", "要", "需要", "想",
    "想要", "办", "办理", "能", "可以", "能不能", "吗", "呢", "我", "我的", "我家", "你", "他", "她", "的", "了", "是", "不",
    "有", "没有", "在", "和", "给", "到", "去", "来", "钱", "费", "交", "缴", "领", "补", "换", "查", "问", "开", "转",
    "迁", "丢", "丢了", "坏了", "过期", "到期", "补办", "换证", "新办", "首次", "申请", "证明", "孩子", "老人", "父母", "家人",
    "小孩", "新生儿", "学生", "残疾人", "外地", "本地", "户籍", "房子", "车", "店", "公司", "工作", "上班", "退休", "看病", "生病",
    "去世", "结婚", "离婚", "生孩子", "上学", "买房", "卖房", "租房", "网上", "手机", "窗口", "预约", "排队", "取号", "材料", "带",
    "身份证", "户口本", "照片", "复印件", "原件", "时间", "今天", "明天", "周末", "上午", "下午", "一个", "两个", "多", "少", "大",
    "小", "新", "旧",
];

/// Where a word comes from; the more important first when ranking (the
/// higher value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A character of any of the words below.
    Character,
    /// A common word of a question or a stop word of the vocabulary.
    Question,
    /// A phrase of the vocabulary or an admin's, a word of a catalog name.
    Phrase,
    /// A catalog item's or bundle's name or keyword, a life event, the word pad.
    Catalog,
}

/// How typed letters fit a word; the better first (the lower value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// Every syllable typed in full, all the letters used.
    Exact,
    /// All the letters used, some syllables typed as a prefix.
    Abbreviated,
    /// All the letters used by the word's first syllables.
    Predicted,
    /// The whole word uses only the first letters.
    Partial,
}

/// How one word matched: its fit and how many of the letters it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub fit: Fit,
    pub used: usize,
}

/// The readings of a character without tones, lower case, `ü` as `v` (as
/// typed), the most common first; none for a character without pinyin.
pub fn readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let r: String = p
                .plain()
                .chars()
                .map(|ch| match ch {
                    'ü' => 'v',
                    'ê' => 'e',
                    other => other,
                })
                .collect();
            if !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase()) && !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// The readings of each character of a word; `None` when a character has none
/// (a letter, a digit, punctuation).
pub fn syllables(word: &str) -> Option<Vec<Vec<String>>> {
    word.chars()
        .map(|c| {
            let r = readings(c);
            if r.is_empty() { None } else { Some(r) }
        })
        .collect()
}

/// A `syn` trigger that reads like a stretch of one of its own catalog words but is
/// written otherwise (身份症 and 身分证 for 身份证, 结昏 for 结婚): a misspelling the
/// guide forgives, never a word the keyboard offers.
pub fn misspelt(trigger: &str, words: &[String]) -> bool {
    let Some(t) = syllables(trigger) else {
        return false;
    };
    words.iter().any(|w| {
        let chars: Vec<char> = w.chars().collect();
        let Some(ws) = syllables(w) else {
            return false;
        };
        (0..ws.len().saturating_sub(t.len()) + 1)
            .filter(|&at| at + t.len() <= ws.len())
            .any(|at| {
                let same_reading = t
                    .iter()
                    .zip(&ws[at..at + t.len()])
                    .all(|(a, b)| a.iter().any(|r| b.contains(r)));
                let written: String = chars[at..at + t.len()].iter().collect();
                same_reading && written != trigger
            })
    })
}

/// Typed letters checked and made lower case: 1 to [`MAX_LETTERS`] letters
/// a to z (`v` for `ü`), with `'` between syllables where the reading is
/// ambiguous (xi'an 西安, not xian 先); leading and repeated separators are
/// dropped. The error says why, in Chinese.
pub fn check_letters(letters: &str) -> Result<String, String> {
    let mut l = String::with_capacity(letters.len());
    for c in letters.trim().chars().map(|c| c.to_ascii_lowercase()) {
        match c {
            'a'..='z' => l.push(c),
            SEPARATOR if !l.is_empty() && !l.ends_with(SEPARATOR) => l.push(c),
            SEPARATOR => {}
            _ => return Err("拼音只能是字母 a 到 z（ü 用 v），音节之间可用 ' 分隔".into()),
        }
    }
    if l.is_empty() {
        return Err("请输入拼音字母".into());
    }
    if l.len() > MAX_LETTERS {
        return Err(format!("拼音最多{MAX_LETTERS}个字母，请先选一个词"));
    }
    Ok(l)
}

/// Matches typed `letters` (lower case a–z) against a word's syllables (the
/// readings of each character, as [`syllables`] gives them): the rule of the
/// module. `None` when the word does not start with the letters' first piece.
pub fn match_word(syllables: &[Vec<String>], letters: &str) -> Option<Match> {
    let t = letters.as_bytes();
    let (n, m) = (syllables.len(), t.len());
    if n == 0 || m == 0 {
        return None;
    }
    // reach[i][j]: the first i syllables can use the first j letters; the value
    // is whether every one of them was typed in full (an exact path wins).
    let mut reach: Vec<Vec<Option<bool>>> = vec![vec![None; m + 1]; n + 1];
    reach[0][0] = Some(true);
    for i in 0..n {
        for j in 0..m {
            let Some(exact_so_far) = reach[i][j] else {
                continue;
            };
            // A separator ends the syllable before it: it is passed over
            // between syllables and never lies inside one.
            if t[j] == SEPARATOR as u8 {
                if i > 0 {
                    let cell = &mut reach[i][j + 1];
                    *cell = Some(cell.unwrap_or(false) || exact_so_far);
                }
                continue;
            }
            for r in &syllables[i] {
                let r = r.as_bytes();
                let most = r.len().min(m - j);
                for len in 1..=most {
                    if t[j + len - 1] != r[len - 1] {
                        break;
                    }
                    let exact = exact_so_far && len == r.len();
                    let cell = &mut reach[i + 1][j + len];
                    *cell = Some(cell.unwrap_or(false) || exact);
                }
            }
        }
    }
    if let Some(exact) = reach[n][m] {
        return Some(Match {
            fit: if exact { Fit::Exact } else { Fit::Abbreviated },
            used: m,
        });
    }
    if (1..n).any(|i| reach[i][m].is_some()) {
        return Some(Match {
            fit: Fit::Predicted,
            used: m,
        });
    }
    (1..m).rev().find(|&j| reach[n][j].is_some()).map(|j| Match {
        fit: Fit::Partial,
        used: j,
    })
}

/// One candidate on the keyboard's bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub word: String,
    /// How many of the typed letters it uses: tapping it removes them and the
    /// rest stay typed.
    pub used: usize,
    pub fit: Fit,
}

/// One page of candidates for the typed letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidatePage {
    /// The letters as matched (lower case).
    pub letters: String,
    pub candidates: Vec<Candidate>,
    /// The page (from 1) and its size.
    pub page: usize,
    pub per_page: usize,
    /// Candidates over all pages (at most [`MAX_CANDIDATES`]).
    pub total: usize,
    /// A next page exists.
    pub more: bool,
}

#[derive(Debug, Clone)]
struct Word {
    word: String,
    chars: usize,
    syllables: Vec<Vec<String>>,
    source: Source,
}

/// The keyboard's words with their readings, indexed by first letter.
#[derive(Debug, Clone, Default)]
pub struct Keyboard {
    words: Vec<Word>,
    /// Per first letter (a–z) the words whose first character has a reading
    /// starting with it.
    by_letter: Vec<Vec<u32>>,
}

/// Gathers words, each kept once with its most important source.
#[derive(Debug, Default)]
pub struct KeyboardBuilder {
    seen: HashMap<String, usize>,
    words: Vec<Word>,
}

impl KeyboardBuilder {
    /// Adds the text's runs of Chinese characters (a name is cut at punctuation,
    /// letters and digits), each of its characters too (as [`Source::Character`]).
    pub fn add(&mut self, text: &str, source: Source) {
        let lower = text.to_lowercase();
        for run in lower.split(|c: char| !is_cjk(c)) {
            if run.is_empty() {
                continue;
            }
            if run.chars().count() <= MAX_WORD_CHARS {
                self.add_one(run, source);
            }
            for c in run.chars() {
                self.add_one(c.encode_utf8(&mut [0; 4]), Source::Character);
            }
        }
    }

    fn add_one(&mut self, word: &str, source: Source) {
        if let Some(&i) = self.seen.get(word) {
            let w = &mut self.words[i];
            w.source = w.source.max(source);
            return;
        }
        let Some(syllables) = syllables(word) else {
            return;
        };
        self.seen.insert(word.to_owned(), self.words.len());
        self.words.push(Word {
            word: word.to_owned(),
            chars: syllables.len(),
            syllables,
            source,
        });
    }

    pub fn build(self) -> Keyboard {
        let mut by_letter: Vec<Vec<u32>> = vec![Vec::new(); 26];
        for (i, w) in self.words.iter().enumerate() {
            let mut firsts: Vec<u8> = w.syllables[0].iter().map(|r| r.as_bytes()[0]).collect();
            firsts.sort_unstable();
            firsts.dedup();
            for f in firsts {
                if f.is_ascii_lowercase()
                    && let Ok(idx) = u32::try_from(i)
                {
                    by_letter[usize::from(f - b'a')].push(idx);
                }
            }
        }
        Keyboard {
            words: self.words,
            by_letter,
        }
    }
}

impl Keyboard {
    /// The hall's keyboard: the catalog's documents (names, keywords and the
    /// words jieba cuts the names into), the vocabulary (with any admin's phrases
    /// already added), the life events, the word pad and [`COMMON_WORDS`].
    pub fn build(tokenizer: &Tokenizer, docs: &[GuideDoc], vocabulary: &Vocabulary) -> Keyboard {
        let mut b = KeyboardBuilder::default();
        for (label, question) in LIFE_EVENTS {
            b.add(label, Source::Catalog);
            for w in tokenizer.words(question) {
                b.add(&w, Source::Phrase);
            }
        }
        for w in PAD_WORDS {
            b.add(w, Source::Catalog);
        }
        for d in docs {
            b.add(&d.name, Source::Catalog);
            for k in &d.keywords {
                b.add(k, Source::Catalog);
            }
            for w in tokenizer.words(&d.name) {
                b.add(&w, Source::Phrase);
            }
        }
        let misspellings: std::collections::HashSet<&str> = vocabulary
            .synonym_lines()
            .flat_map(|(triggers, words)| {
                triggers
                    .iter()
                    .filter(move |t| misspelt(t, words))
                    .map(String::as_str)
            })
            .collect();
        for w in vocabulary
            .triggers()
            .filter(|t| !misspellings.contains(t))
            .chain(vocabulary.synonym_words())
            .chain(vocabulary.business_and_act_words())
        {
            b.add(w, Source::Phrase);
        }
        for w in vocabulary.stop_words().chain(COMMON_WORDS.iter().copied()) {
            b.add(w, Source::Question);
        }
        b.build()
    }

    /// How many words (characters included) the keyboard offers.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The candidates for typed letters, ranked (see the module), page `page`
    /// (from 1) of `per_page` (1 to [`MAX_PER_PAGE`]). An error names what is
    /// wrong with the letters, in Chinese.
    pub fn candidates(&self, letters: &str, page: usize, per_page: usize) -> Result<CandidatePage, String> {
        let letters = check_letters(letters)?;
        let page = page.max(1);
        let per_page = per_page.clamp(1, MAX_PER_PAGE);
        let first = usize::from(letters.as_bytes()[0] - b'a');
        let mut found: Vec<(Match, &Word)> = self.by_letter[first]
            .iter()
            .filter_map(|&i| self.words.get(i as usize))
            .filter_map(|w| match_word(&w.syllables, &letters).map(|m| (m, w)))
            .collect();
        found.sort_by(|(ma, a), (mb, b)| {
            ma.fit
                .cmp(&mb.fit)
                .then(mb.used.cmp(&ma.used))
                .then(b.source.cmp(&a.source))
                .then(a.chars.cmp(&b.chars))
                .then(a.word.cmp(&b.word))
        });
        found.truncate(MAX_CANDIDATES);
        let total = found.len();
        let start = (page - 1).saturating_mul(per_page).min(total);
        let end = start.saturating_add(per_page).min(total);
        let candidates = found[start..end]
            .iter()
            .map(|(m, w)| Candidate {
                word: w.word.clone(),
                used: m.used,
                fit: m.fit,
            })
            .collect();
        Ok(CandidatePage {
            letters,
            candidates,
            page,
            per_page,
            total,
            more: end < total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syl(word: &str) -> Vec<Vec<String>> {
        syllables(word).unwrap()
    }

    fn fit(word: &str, letters: &str) -> Option<Match> {
        match_word(&syl(word), letters)
    }

    fn small() -> Keyboard {
        let mut b = KeyboardBuilder::default();
        for w in ["身份证", "社保卡", "营业执照", "身份证丢了"] {
            b.add(w, Source::Catalog);
        }
        for w in ["补办", "银行", "身份", "收费"] {
            b.add(w, Source::Phrase);
        }
        for w in ["什么", "怎么", "是", "上", "要"] {
            b.add(w, Source::Question);
        }
        b.build()
    }

    fn words(p: &CandidatePage) -> Vec<&str> {
        p.candidates.iter().map(|c| c.word.as_str()).collect()
    }

    #[test]
    fn readings_are_plain_lower_case_with_every_heteronym() {
        assert_eq!(readings('身'), vec!["shen", "juan"]);
        let hang = readings('行');
        assert!(
            hang.contains(&"xing".to_owned()) && hang.contains(&"hang".to_owned()),
            "{hang:?}"
        );
        assert_eq!(readings('女')[0], "nv", "ü is typed as v");
        assert_eq!(readings('绿')[0], "lv");
        assert!(readings('a').is_empty() && readings('1').is_empty() && readings('，').is_empty());
        assert_eq!(syllables("身份证").unwrap().len(), 3);
        assert!(syllables("C1驾照").is_none());
    }

    #[test]
    fn each_syllable_in_full_or_as_a_prefix_in_order() {
        for typed in ["sfz", "shenfz", "shenfenzheng", "shfzh", "sfenzh"] {
            let m = fit("身份证", typed).unwrap_or_else(|| panic!("{typed}"));
            assert_eq!(m.used, typed.len(), "{typed}");
        }
        assert_eq!(fit("身份证", "shenfenzheng").unwrap().fit, Fit::Exact);
        assert_eq!(fit("身份证", "sfz").unwrap().fit, Fit::Abbreviated);
        assert_eq!(fit("身份证", "shenfz").unwrap().fit, Fit::Abbreviated);
        // Out of order, a letter that is no prefix, a syllable skipped: no match.
        assert_eq!(fit("身份证", "fsz"), None);
        assert_eq!(fit("身份证", "sxz"), None);
        assert_eq!(fit("身份证", "xyz"), None);
        assert_eq!(fit("身份证", "sz").map(|m| m.fit), None, "份 skipped");
        // A polyphonic character matches by any of its readings.
        assert_eq!(fit("银行", "yinhang").unwrap().fit, Fit::Exact);
        assert_eq!(fit("银行", "yh").unwrap().fit, Fit::Abbreviated);
        assert_eq!(fit("女儿", "nver").unwrap().fit, Fit::Exact);
    }

    #[test]
    fn a_separator_ends_a_syllable() {
        assert_eq!(fit("西安", "xi'an").unwrap().fit, Fit::Exact);
        assert_eq!(fit("西安", "x'a").unwrap().fit, Fit::Abbreviated);
        assert_eq!(fit("西安", "xian").unwrap().fit, Fit::Exact, "xi + an");
        // 先 is one syllable: xi'an cannot be all of it.
        assert_ne!(fit("先", "xi'an").map(|m| (m.fit, m.used)), Some((Fit::Exact, 5)));
        assert_eq!(fit("身份证", "shen'fen'zheng").unwrap().fit, Fit::Exact);
        assert_eq!(fit("身份证", "sh'enfz"), None, "a separator inside 身 (shen)");
        assert_eq!(check_letters(" Xi'An ").as_deref(), Ok("xi'an"));
        assert_eq!(
            check_letters("'xi''an").as_deref(),
            Ok("xi'an"),
            "leading and repeated ones dropped"
        );
        assert!(check_letters("'").is_err());
        assert!(check_letters("xi-an").is_err());
    }

    #[test]
    fn predicted_and_partial_words() {
        // The first syllables use all the letters: the rest is predicted.
        assert_eq!(
            fit("身份证", "shenf"),
            Some(Match {
                fit: Fit::Predicted,
                used: 5
            })
        );
        assert_eq!(fit("身份证", "s").unwrap().fit, Fit::Predicted);
        // The whole word uses the first letters; the rest stay typed.
        assert_eq!(
            fit("身份证", "sfzbb"),
            Some(Match {
                fit: Fit::Partial,
                used: 3
            })
        );
        assert_eq!(
            fit("身份证", "shenfenzhengbuban"),
            Some(Match {
                fit: Fit::Partial,
                used: 12
            })
        );
        // The longest use wins: 是 could use "s" only, 身 "shen".
        assert_eq!(fit("身", "shenfen").unwrap().used, 4);
        assert_eq!(fit("补办", "sfz"), None);
    }

    #[test]
    fn letters_are_checked() {
        assert_eq!(check_letters(" SFZ ").unwrap(), "sfz");
        for bad in ["", "  ", "sf1", "身份证", "s f", "'", "s-f"] {
            assert!(check_letters(bad).is_err(), "{bad:?}");
        }
        assert!(check_letters(&"a".repeat(MAX_LETTERS)).is_ok());
        let e = check_letters(&"a".repeat(MAX_LETTERS + 1)).unwrap_err();
        assert!(e.contains("30"), "{e}");
        assert!(small().candidates("", 1, 8).is_err());
    }

    #[test]
    fn exact_first_then_the_hall_s_words_then_shorter() {
        let k = small();
        // sfz: 身份证 first; 身份证丢了 is predicted from it.
        let p = k.candidates("sfz", 1, 8).unwrap();
        assert_eq!(words(&p)[0], "身份证", "{p:?}");
        assert!(words(&p).contains(&"身份证丢了"));
        // The full pinyin of 身份 is exact and ranks before the words it predicts.
        let p = k.candidates("shenfen", 1, 8).unwrap();
        assert_eq!(words(&p)[0], "身份", "{p:?}");
        assert_eq!(p.candidates[0].fit, Fit::Exact);
        let after: Vec<&str> = words(&p)[1..].to_vec();
        assert_eq!(
            &after[..2],
            &["身份证", "身份证丢了"],
            "predicted, shorter first: {p:?}"
        );
        // One letter: the single characters and words starting with s, the
        // catalog's (predicted) after the whole one-syllable words.
        let p = k.candidates("s", 1, 30).unwrap();
        let w = words(&p);
        let pos = |x: &str| {
            w.iter()
                .position(|y| *y == x)
                .unwrap_or_else(|| panic!("{x}: {w:?}"))
        };
        assert!(pos("是") < pos("身份证"), "{w:?}");
        assert!(pos("身份证") < pos("身份证丢了"));
        assert!(
            pos("身份证") < pos("什么"),
            "catalog before question words: {w:?}"
        );
        // Full pinyin of one syllable: the exact character first.
        let p = k.candidates("yao", 1, 8).unwrap();
        assert_eq!(words(&p)[0], "要");
    }

    #[test]
    fn a_partial_word_leaves_the_rest_of_the_letters() {
        let k = small();
        let p = k.candidates("sfzbb", 1, 8).unwrap();
        assert_eq!(p.candidates[0].word, "身份证");
        assert_eq!(p.candidates[0].fit, Fit::Partial);
        assert_eq!(p.candidates[0].used, 3);
        // The rest, "bb", finds 补办 exactly where 身份证 left off.
        let p = k.candidates(&"sfzbb"[3..], 1, 8).unwrap();
        assert_eq!(words(&p)[0], "补办");
    }

    #[test]
    fn misspellings_are_forgiven_not_offered() {
        let list = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(misspelt("身份症", &list(&["身份证"])));
        assert!(misspelt("身分证", &list(&["居民", "身份证"])));
        assert!(misspelt("结昏", &list(&["结婚登记"])));
        assert!(!misspelt("身份证", &list(&["身份证"])));
        assert!(!misspelt("生孩子", &list(&["出生", "新生儿"])));
        let v = Vocabulary::parse("version t\nsyn 身份症 补身份证 = 身份证 补领\n").unwrap();
        let k = Keyboard::build(&Tokenizer::default(), &[], &v);
        let p = k.candidates("sfz", 0, 30).unwrap();
        assert!(!words(&p).contains(&"身份症"), "{:?}", words(&p));
        assert!(words(&p).contains(&"身份证"), "{:?}", words(&p));
    }

    #[test]
    fn pages() {
        let k = small();
        let all = k.candidates("s", 1, MAX_PER_PAGE).unwrap();
        assert!(all.total > 3, "{all:?}");
        let p1 = k.candidates("s", 1, 2).unwrap();
        let p2 = k.candidates("s", 2, 2).unwrap();
        assert_eq!(words(&p1), words(&all)[..2].to_vec());
        assert_eq!(words(&p2), words(&all)[2..4].to_vec());
        assert!(p1.more && p1.total == all.total);
        let last = all.total.div_ceil(2);
        let pl = k.candidates("s", last, 2).unwrap();
        assert!(!pl.more && !pl.candidates.is_empty());
        let beyond = k.candidates("s", last + 1, 2).unwrap();
        assert!(beyond.candidates.is_empty() && !beyond.more);
        // Page 0 is the first; a size beyond the most is cut to it.
        assert_eq!(k.candidates("s", 0, 2).unwrap().page, 1);
        assert_eq!(k.candidates("s", 1, 1000).unwrap().per_page, MAX_PER_PAGE);
        assert!(k.candidates("o", 1, 8).unwrap().candidates.is_empty());
    }

    #[test]
    fn words_are_kept_once_with_their_most_important_source() {
        let mut b = KeyboardBuilder::default();
        b.add("身份证", Source::Question);
        b.add("身份证", Source::Catalog);
        b.add("居民身份证（补领）", Source::Catalog);
        b.add("C1驾照", Source::Catalog);
        let k = b.build();
        let w: Vec<(&str, Source)> = k.words.iter().map(|w| (w.word.as_str(), w.source)).collect();
        assert!(w.contains(&("身份证", Source::Catalog)), "{w:?}");
        assert!(w.contains(&("居民身份证", Source::Catalog)) && w.contains(&("补领", Source::Catalog)));
        assert!(
            w.contains(&("驾照", Source::Catalog)),
            "cut at letters and digits: {w:?}"
        );
        assert!(w.contains(&("证", Source::Character)));
        assert_eq!(w.iter().filter(|(x, _)| *x == "身份证").count(), 1);
    }

    #[test]
    fn the_hall_s_keyboard_holds_its_words() {
        let tokenizer = Tokenizer::default();
        let docs = vec![GuideDoc {
            code: "GA-001".into(),
            kind: crate::guide::GuideKind::Item,
            name: "居民身份证补领".into(),
            keywords: vec!["身份证丢了".into()],
            description: String::new(),
            related: Vec::new(),
            materials: Vec::new(),
            department: "公安局".into(),
        }];
        let mut v = Vocabulary::shipped();
        v.add_phrase("落地户", "GA-001");
        let k = Keyboard::build(&tokenizer, &docs, &v);
        let first = |letters: &str| k.candidates(letters, 1, 8).unwrap().candidates[0].word.clone();
        assert_eq!(first("sfz"), "身份证");
        assert_eq!(first("shenfenzheng"), "身份证");
        assert_eq!(first("shenfz"), "身份证");
        assert_eq!(first("bb"), "补办");
        assert_eq!(first("zenme"), "怎么");
        assert_eq!(first("ldh"), "落地户", "the admin's phrase");
        assert_eq!(first("jmsfzbl"), "居民身份证补领", "the item's name");
        assert_eq!(first("chusheng"), "出生", "a life event");
        let p = k.candidates("qian", 1, 8).unwrap();
        assert!(words(&p).contains(&"钱"), "{p:?}");
        // Every word of the pad and every life event can be typed.
        for w in PAD_WORDS.iter().copied().chain(LIFE_EVENTS.iter().map(|e| e.0)) {
            let letters: String = syllables(w).unwrap().iter().map(|r| r[0].clone()).collect();
            let p = k.candidates(&letters, 1, MAX_PER_PAGE).unwrap();
            assert!(words(&p).contains(&w), "{w} by {letters}: {p:?}");
        }
    }
}
