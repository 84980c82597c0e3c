// A test binary: a broken fixture should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The kiosk's pinyin keyboard (issue 17 part 1) over the demo catalog and the
//! shipped vocabulary: every word of the word pad, every life event and every
//! item and bundle name (up to 16 characters) can be typed by the first letter
//! of each syllable and by its full pinyin and is found among the first 30
//! candidates, the word pad's on the first page of 8 by full pinyin; and how
//! long a lookup takes (printed, with a generous bound for a debug build).

use domain::catalog::{Bundle, Item};
use domain::guide::{Vocabulary, catalog_docs};
use domain::guide_keyboard::{Keyboard, LIFE_EVENTS, MAX_WORD_CHARS, PAD_WORDS, syllables};
use domain::search::Tokenizer;
use std::time::{Duration, Instant};

const CATALOG: &str = include_str!("../../app/demo/catalog.json");
const BUNDLES: &str = include_str!("../../app/demo/bundles.json");

fn spell(word: &str, full: bool) -> String {
    syllables(word)
        .unwrap_or_else(|| panic!("{word} has a character without pinyin"))
        .iter()
        .map(|r| if full { r[0].clone() } else { r[0][..1].to_owned() })
        .collect()
}

#[test]
fn the_hall_s_words_can_be_typed_and_a_lookup_is_quick() {
    let items: Vec<Item> = serde_json::from_str(CATALOG).unwrap();
    let bundles: Vec<Bundle> = serde_json::from_str(BUNDLES).unwrap();
    let docs = catalog_docs(&items, &bundles);
    let tokenizer = Tokenizer::default();
    let started = Instant::now();
    let keyboard = Keyboard::build(&tokenizer, &docs, &Vocabulary::shipped());
    let build = started.elapsed();

    let mut names: Vec<String> = docs
        .iter()
        .map(|d| d.name.clone())
        .filter(|n| n.chars().count() <= MAX_WORD_CHARS && syllables(n).is_some())
        .collect();
    names.extend(PAD_WORDS.iter().map(|w| (*w).to_owned()));
    names.extend(LIFE_EVENTS.iter().map(|e| e.0.to_owned()));
    assert!(names.len() > 40, "{}", names.len());

    let mut times: Vec<Duration> = Vec::new();
    let mut missed: Vec<String> = Vec::new();
    for name in &names {
        for full in [true, false] {
            let letters = spell(name, full);
            if letters.len() > domain::guide_keyboard::MAX_LETTERS {
                continue;
            }
            let t = Instant::now();
            let page = keyboard.candidates(&letters, 1, 30).unwrap();
            times.push(t.elapsed());
            if !page.candidates.iter().any(|c| &c.word == name) {
                missed.push(format!("{name} by {letters}"));
            }
        }
    }
    assert!(missed.is_empty(), "not among the first 30: {missed:?}");
    for w in PAD_WORDS {
        let page = keyboard.candidates(&spell(w, true), 1, 8).unwrap();
        assert!(
            page.candidates.iter().any(|c| c.word == w),
            "{w} on the first page by its full pinyin: {page:?}"
        );
    }
    // One letter, the most candidates to rank.
    for l in 'a'..='z' {
        let t = Instant::now();
        keyboard.candidates(&l.to_string(), 1, 8).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    let p50 = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let max = *times.last().unwrap();
    println!(
        "keyboard: {} words, built in {build:?}; {} lookups: p50 {p50:?}, p99 {p99:?}, longest {max:?}",
        keyboard.len(),
        times.len()
    );
    assert!(p99 < Duration::from_millis(200), "p99 {p99:?}");
}
