//! Words heard right but written wrong (同音错字): voice input and pinyin typing write a
//! hall word with other characters of the same sound (设保卡 for 社保卡, 公鸡金 for 公积金,
//! 营业只照 for 营业执照, 注消 for 注销). The smart guide reads such a stretch as the hall
//! word it sounds like, before anything else, so no `fix` line is needed for each
//! way of mishearing it.
//!
//! A stretch of [`MIN_CHARS`] to [`MAX_CHARS`] characters is read as a hall word when all of
//! these hold (two characters are too short to tell: 买了 and 卖了, 要办 and 药办 sound alike, and a
//! two-character slip is left to the vocabulary's `fix` lines):
//! - its characters sound like the word's, syllable by syllable, in each character's common
//!   reading, tones ignored;
//! - it starts and ends where jieba's words do (去过户口 does not hold 过户口 across 过户);
//! - it does not change a character of a hall word in it (无犯罪记录 stays: its 记录 is the
//!   hall's, while 公鸡金's 公鸡 is not; 房子买 stays: 买 alone is a hall word, and 户口也:
//!   也 is a stop word);
//! - exactly one hall word sounds like it (失业 and 事业 would both fit shi ye: such a sound
//!   is left alone);
//! - it shares at least one character with the word (a whole other word of the same
//!   sound is a different word, not a slip);
//! - it is not itself a hall word, an everyday word of jieba's dictionary (事业, 工商)
//!   or an `off` word.
//!
//! The hall words are what a caller tells [`SoundIndex::correct`] (the guide: every word of
//! its catalog and vocabulary and its stop words), the words read into are those the index was
//! built with (the guide: its phrases, its `fix` words and the words of its items' names).

use crate::guide_keyboard::readings;
use crate::search::{Tokenizer, is_cjk};
use std::collections::{HashMap, HashSet};

/// The shortest stretch read as one hall word.
pub const MIN_CHARS: usize = 3;
/// The longest stretch read as one hall word.
pub const MAX_CHARS: usize = 5;

/// The hall words by their sound.
#[derive(Debug, Default)]
pub struct SoundIndex {
    /// Toneless syllables joined by spaces → the one hall word of that sound, or `None`
    /// when two hall words share it.
    by_sound: HashMap<String, Option<String>>,
    words: HashSet<String>,
}

/// The toneless sound of a word in each character's common reading (rare readings make
/// false matches: 掉 is also read nuo, 月 ru); `None` when a character has no reading.
fn sound(word: &str) -> Option<String> {
    let mut out = String::new();
    for c in word.chars() {
        let r = readings(c);
        let first = r.first()?;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(first);
    }
    Some(out)
}

impl SoundIndex {
    /// Indexes the hall words ([`MIN_CHARS`] to [`MAX_CHARS`] Chinese characters).
    pub fn build<'w>(words: impl IntoIterator<Item = &'w str>) -> SoundIndex {
        let mut index = SoundIndex::default();
        for w in words {
            let n = w.chars().count();
            if !(MIN_CHARS..=MAX_CHARS).contains(&n)
                || !w.chars().all(is_cjk)
                || !index.words.insert(w.to_owned())
            {
                continue;
            }
            if let Some(sound) = sound(w) {
                index
                    .by_sound
                    .entry(sound)
                    .and_modify(|found| {
                        if found.as_deref() != Some(w) {
                            *found = None;
                        }
                    })
                    .or_insert_with(|| Some(w.to_owned()));
            }
        }
        index
    }

    /// The question with each stretch that sounds like one hall word written as that word
    /// (see the module's rule). `hall` tells a word of the hall's, `off` an everyday word
    /// the hall does not handle.
    pub fn correct(
        &self,
        tokenizer: &Tokenizer,
        question: &str,
        hall: impl Fn(&str) -> bool,
        off: impl Fn(&str) -> bool,
    ) -> String {
        if self.by_sound.is_empty() {
            return question.to_owned();
        }
        let chars: Vec<char> = question.chars().collect();
        // jieba's words as character ranges.
        let mut tokens: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
        let mut at = 0;
        for token in tokenizer.cut(question) {
            let n = token.chars().count();
            tokens.push((at..at + n, token));
            at += n;
        }
        let bounds: HashSet<usize> = tokens.iter().flat_map(|(r, _)| [r.start, r.end]).collect();
        let mut out = String::with_capacity(question.len());
        let mut i = 0;
        'next: while i < chars.len() {
            if is_cjk(chars[i]) && bounds.contains(&i) {
                for n in (MIN_CHARS..=MAX_CHARS).rev() {
                    let Some(stretch) = chars.get(i..i + n) else {
                        continue;
                    };
                    if !bounds.contains(&(i + n)) || !stretch.iter().all(|&c| is_cjk(c)) {
                        continue;
                    }
                    let stretch: String = stretch.iter().collect();
                    let Some(word) = self.sounds_like(tokenizer, &stretch, &hall, &off) else {
                        continue;
                    };
                    // A character changed inside a hall word of the stretch (记 of 记录) is no slip.
                    let changes_hall_word = word
                        .chars()
                        .zip(i..)
                        .any(|(c, p)| chars[p] != c && tokens.iter().any(|(r, t)| r.contains(&p) && hall(t)));
                    if !changes_hall_word {
                        out.push_str(word);
                        i += n;
                        continue 'next;
                    }
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    /// The one hall word the stretch is a slip for, if any.
    fn sounds_like(
        &self,
        tokenizer: &Tokenizer,
        stretch: &str,
        hall: &impl Fn(&str) -> bool,
        off: &impl Fn(&str) -> bool,
    ) -> Option<&str> {
        if self.words.contains(stretch) || hall(stretch) {
            return None;
        }
        let word = self.by_sound.get(&sound(stretch)?)?.as_deref()?;
        let shares = stretch.chars().any(|c| word.contains(c));
        (shares && !tokenizer.is_dictionary_word(stretch) && !off(stretch)).then_some(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> (Tokenizer, SoundIndex) {
        let t = Tokenizer::default();
        let words = [
            "社保卡",
            "公积金",
            "营业执照",
            "户口本",
            "失业金",
            "事业单位",
            "低保户",
            "无犯罪纪录",
        ];
        (t, SoundIndex::build(words))
    }

    #[test]
    fn a_slip_of_the_same_sound_is_read_as_the_hall_word() {
        let (t, s) = index();
        let no_off = |_: &str| false;
        let hall = |w: &str| ["记录", "户口", "社保卡"].contains(&w);
        assert_eq!(s.correct(&t, "设保卡丢了", hall, no_off), "社保卡丢了");
        assert_eq!(s.correct(&t, "公鸡金怎么取", hall, no_off), "公积金怎么取");
        assert_eq!(s.correct(&t, "营业只照丢了", hall, no_off), "营业执照丢了");
        assert_eq!(s.correct(&t, "户口苯丢了", hall, no_off), "户口本丢了");
        assert_eq!(s.correct(&t, "滴宝户", hall, no_off), "低保户");
    }

    #[test]
    fn real_words_and_ambiguous_sounds_are_left_alone() {
        let (t, s) = index();
        let no_off = |_: &str| false;
        let hall = |w: &str| ["记录", "户口", "社保卡"].contains(&w);
        // Two hall words of one sound: neither is read into.
        let two = SoundIndex::build(["失业金", "实业金"]);
        assert_eq!(two.correct(&t, "师业金", hall, no_off), "师业金");
        assert_eq!(s.correct(&t, "师业金", hall, no_off), "失业金");
        assert_eq!(s.correct(&t, "社保卡", hall, no_off), "社保卡");
        // A hall word inside the stretch is not changed (记录 of 无犯罪记录 stays).
        assert_eq!(s.correct(&t, "无犯罪记录", hall, no_off), "无犯罪记录");
        // An everyday word of another matter stays.
        assert_eq!(s.correct(&t, "设保卡", hall, |w: &str| w == "设保卡"), "设保卡");
        assert_eq!(s.correct(&t, "低宝户", hall, no_off), "低保户");
        // Two characters are too short to tell.
        assert_eq!(s.correct(&t, "户扣", hall, no_off), "户扣");
        assert_eq!(s.correct(&t, "", hall, no_off), "");
        assert_eq!(s.correct(&t, "abc 123", hall, no_off), "abc 123");
    }
}
