// A test binary: a broken fixture should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The smart guide (智能导办) against its colloquial question sets, each written blind before it
//! was tuned on or scored: right answer in the top 3 and "nothing fits" recognised.
//! - The tuning splits (`tune` … `tune5`, `tune7` … `tune56`) are the guide's shipped similar
//!   questions (`src/guide_similar.tsv`): each is scored with the guide built without it, as a
//!   new author's questions are, with the issue's thresholds asserted (floors on `tune5` and on
//!   the session's newest sets).
//! - The held-out splits (`held`, `held2`, `held3`, `held6` … `held30`, `held34`, `guide_questions.tsv`) are
//!   never tuned on nor shipped; floors at their measured figures, misses never printed.

use domain::catalog::{Bundle, Item};
use domain::guide::{Guide, Vocabulary, catalog_docs};
use domain::search::{SearchDoc, SearchIndex, Tokenizer};
use std::time::Instant;

const CATALOG: &str = include_str!("../../app/demo/catalog.json");
const BUNDLES: &str = include_str!("../../app/demo/bundles.json");
const QUESTIONS: &str = include_str!("guide_questions.tsv");

struct Question {
    /// `tune`, or a held-out split (`held`, `held2`) that is never tuned on.
    split: String,
    expected: Vec<String>,
    text: String,
}

fn questions() -> Vec<Question> {
    QUESTIONS
        .lines()
        .chain(domain::guide_similar::SIMILAR_QUESTIONS.lines())
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            let split = f.next().unwrap();
            let expected = f.next().unwrap();
            let text = f.next().unwrap();
            Question {
                split: split.to_owned(),
                expected: if expected == "NONE" {
                    Vec::new()
                } else {
                    expected.split(',').map(str::to_owned).collect()
                },
                text: text.to_owned(),
            }
        })
        .collect()
}

fn catalog() -> (Vec<Item>, Vec<Bundle>) {
    (
        serde_json::from_str(CATALOG).unwrap(),
        serde_json::from_str(BUNDLES).unwrap(),
    )
}

#[derive(Default, Debug)]
struct Figures {
    answerable: usize,
    top3: usize,
    unanswerable: usize,
    none_ok: usize,
}

impl Figures {
    fn top3_rate(&self) -> f64 {
        self.top3 as f64 / self.answerable.max(1) as f64
    }
    fn none_rate(&self) -> f64 {
        self.none_ok as f64 / self.unanswerable.max(1) as f64
    }
}

fn score(qs: &[&Question], ask: impl Fn(&str) -> Vec<String>, show: bool) -> Figures {
    let mut f = Figures::default();
    for q in qs {
        let got = ask(&q.text);
        if q.expected.is_empty() {
            f.unanswerable += 1;
            if got.is_empty() {
                f.none_ok += 1;
            } else if show {
                println!("  answered (should be none): {} -> {:?}", q.text, got);
            }
        } else {
            f.answerable += 1;
            if got.iter().take(3).any(|c| q.expected.contains(c)) {
                f.top3 += 1;
            } else if show {
                println!("  missed: {} want {:?} got {:?}", q.text, q.expected, got);
            }
        }
    }
    f
}

#[test]
fn the_question_set_is_big_enough_and_names_real_codes() {
    let qs = questions();
    let (items, bundles) = catalog();
    let answerable: Vec<_> = qs.iter().filter(|q| !q.expected.is_empty()).collect();
    assert!(answerable.len() >= 150);
    assert!(qs.iter().filter(|q| q.expected.is_empty()).count() >= 60);
    for q in &answerable {
        for c in &q.expected {
            assert!(
                items.iter().any(|i| &i.code == c) || bundles.iter().any(|b| &b.code == c),
                "{c}"
            );
        }
    }
    let v = Vocabulary::shipped();
    for c in v.codes() {
        assert!(
            items.iter().any(|i| i.code == c) || bundles.iter().any(|b| b.code == c),
            "the vocabulary names {c}, not in the catalog"
        );
    }
}

#[test]
fn the_guide_meets_the_issue_targets_on_every_split() {
    let (items, bundles) = catalog();
    let t = Tokenizer::default();
    let docs = catalog_docs(&items, &bundles);
    let guide = Guide::build(&t, &docs, Vocabulary::shipped());
    let qs = questions();
    let show = std::env::var("GUIDE_SHOW").is_ok();
    // A split that is a source of the similar questions is asked of the guide built without it.
    let guide_for = |name: &str| {
        let mut v = Vocabulary::shipped();
        if !v.similar_questions().iter().any(|q| q.source == name) {
            return None;
        }
        v.drop_similar_from(name);
        Some(Guide::build(&t, &docs, v))
    };
    let ask_of = |guide: &Guide, q: &str| {
        guide
            .ask(&t, q)
            .answers
            .into_iter()
            .map(|h| h.code)
            .collect::<Vec<_>>()
    };
    let score_split = |name: &str, show: bool| {
        let split: Vec<&Question> = qs.iter().filter(|q| q.split == name).collect();
        match guide_for(name) {
            Some(without) => score(&split, |q| ask_of(&without, q), show),
            None => score(&split, |q| ask_of(&guide, q), show),
        }
    };
    let print = |name: &str, f: &Figures| {
        println!(
            "guide {name}: top3 {}/{} ({:.1}%), none {}/{} ({:.1}%)",
            f.top3,
            f.answerable,
            100.0 * f.top3_rate(),
            f.none_ok,
            f.unanswerable,
            100.0 * f.none_rate()
        )
    };
    // The tuning splits: the issue's thresholds.
    for name in [
        "tune", "tune2", "tune3", "tune4", "tune7", "tune8", "tune9", "tune10", "tune11", "tune12", "tune13",
        "tune14", "tune15", "tune16", "tune17", "tune18", "tune19", "tune20", "tune21", "tune22", "tune23",
        "tune24", "tune25", "tune26", "tune27", "tune28", "tune29", "tune30", "tune31", "tune32", "tune33",
        "tune34", "tune35", "tune36", "tune37", "tune38", "tune39", "tune40", "tune41", "tune42", "tune43",
        "tune44", "tune45", "tune46", "tune47", "tune48", "tune49", "tune50", "tune51", "tune52", "tune53",
        "tune54",
    ] {
        let f = score_split(name, show);
        print(name, &f);
        assert!(f.top3_rate() >= 0.95, "{name}: {f:?}");
        assert!(f.none_rate() >= 0.90, "{name}: {f:?}");
    }
    // The other splits, each with the least size and the floors (top 3, nothing fits) at
    // its measured figures, so a change cannot lower them. The held-out ones are scored
    // without printing their misses: they are not tuned on.
    // - `held` was first scored at 92.7% / 81.8% (session 7); its misses were looked at once
    //   since, so it is no longer truly held out.
    // - `held2` was written in session 8 before the nothing-fits work and first scored at
    //   84.1% / 84.5% (then again, totals only); `held3` was written after that and scored
    //   once, at the end: 91.4% / 82.7%, session 8's clean figure (docs/benchmarks.md).
    // - `tune5` (session 9): questions as a voice input writes them (run-on, no
    //   punctuation, dialect), written blind and first scored at 81.5% / 90.0%, then tuned
    //   on; short of the targets in session 9 (87.7% / 93.3%); session 10's general
    //   rules (a one-character word after a verb is its result, an everyday word before
    //   厂/店 is a business) and situations' words reached 95.4% / 94.4%.
    // - `held6` (session 9): 240 plain questions written blind by another author after
    //   the session's changes and scored once: 98.0% / 88.9%, the session's clean figure.
    // - `held7` (session 10): 260 questions about life situations, written blind by
    //   another author and scored once after the session's guide changes: 93.1% / 86.0%
    //   (its clean figure); after the tune8 changes and the list of other offices'
    //   services, totals only: 95.6% / 87.0%; after tune9's: 95.6% / 89.0%.
    // - `tune9` (session 10, tuned on with the issue's thresholds above): 274 questions,
    //   most of the not-the-hall's public services of other offices, written blind,
    //   first scored at 95.5% / 80.7%.
    // - `tune10` (session 10, tuned on with the issue's thresholds above): 247 questions
    //   as rural residents ask, written blind, first scored at 94.0% / 84.1%.
    // - `held8` (session 10): 214 questions (36 more were already in the set) written
    //   blind after all of the session's guide changes and scored once: 97.7% / 88.9%.
    // - `tune8` (session 10, tuned on with the issue's thresholds above): 286 questions
    //   about life situations, written blind, first scored at 86.2% / 87.5%.
    // - `tune7` (session 10, tuned on with the issue's thresholds above): 320 questions,
    //   150 of them not the hall's (most sharing words with hall items), written blind and
    //   first scored at 95.9% / 68.0%.
    // - `tune11` (session 11, tuned on with the issue's thresholds above): 296 questions
    //   written blind, first scored at 85.8% / 78.7%; after session 11's general phrases
    //   (life situations' words, other offices' services) and the count rule (a set phrase
    //   matches without the count inside it: 养几百头猪 → 养猪): 98.2% / 95.3%.
    // - `held9` (session 11): 234 questions written blind before session 11's changes:
    //   clean figure 88.9% / 81.1%; after them, totals only: 91.0% / 84.4%.
    // - `tune12` (session 11, tuned on with the issue's thresholds above): 284 questions, 138
    //   of them not the hall's, written blind, first scored at 94.5% / 86.2%; after its
    //   changes (other offices' services, what a business being opened does, what the asker
    //   puts aside after 除了, two stop words glued into one): 99.3% / 98.6%.
    // - `held10` (session 11): 226 questions written blind after tune11's changes: clean
    //   figure 88.5% / 87.2%; after tune12's changes, totals only: 88.5% / 87.2%.
    // - `tune13` (session 12, tuned on with the issue's thresholds above): 291 questions, 200
    //   answerable (every item and bundle asked in everyday words without its name or
    //   keywords) and 91 not the hall's, written blind, first scored at 51.5% / 87.9%; after
    //   its changes (everyday words for what items do, life situations' words, other offices'
    //   services, neutral filler): 97.0% / 98.9%.
    // - `held11` (session 12): 214 questions written blind after tune12's changes: clean
    //   figure 89.7% / 88.5%; after tune13's changes, totals only: 91.9% / 91.0%.
    // - `tune14` (session 13, tuned on with the issue's thresholds above): 260 questions of people
    //   describing their situation at length, written blind, first scored at 74.8% / 78.6%; after
    //   session 13's changes (what the asker already has counts little, a one-character off word after
    //   what was agreed is its result, filler of long stories, situations' words, other offices'
    //   services): 97.2% / 98.3%.
    // - `tune15` (session 13, tuned on with the issue's thresholds above): 250 search-box fragments
    //   and look-alikes, written blind, first scored at 88.9% / 77.4%; after: 99.3% / 99.1%.
    // - `tune16` (session 13, tuned on with the issue's thresholds above): 254 questions of work and
    //   business, written blind, first scored at 94.1% / 76.2%; after: 97.4% / 100.0%.
    // - `held12` (session 13): 222 questions written blind by an examiner: clean figure 94.1% / 87.4%
    //   before session 13's changes; after them, totals only: 94.8% / 88.5%.
    // - `tune17` (session 14, tuned on with the issue's thresholds above): 258 questions of older and
    //   rural people as voice input writes them, written blind, first scored at 90.2% / 87.0%; after
    //   session 14's changes (misheard words read as the words meant, 的 inside a set phrase, an off word
    //   a hall proof is needed for, everyday words, other offices' services): 99.3% / 98.3%.
    // - `tune18` (session 14, tuned on with the issue's thresholds above): 258 questions of what the
    //   asker wants in hand and other offices' look-alikes, written blind, first scored at 93.5% / 91.7%;
    //   after: 99.3% / 98.3%.
    // - `held13` (session 14): 230 questions written blind by an examiner after tune14–16's changes:
    //   clean figure 97.2% / 89.7% before session 14's changes; after them, totals only: 97.2% / 89.7%.
    // - `tune19` (session 15, tuned on with the issue's thresholds above): 253 questions, 60% of them
    //   look-alikes of other offices' services in the hall's words, written blind, first scored at
    //   89.4% / 80.5%; after session 15's changes (an everyday matter a quarrel is about is mediated,
    //   everyday words, other offices' services): 97.1% / 98.7%.
    // - `tune20` (session 15, tuned on with the issue's thresholds above): 252 questions of life events
    //   in a county town's words, written blind, first scored at 95.7% / 85.6%; after: 97.9% / 98.2%.
    // - `held14` (session 15): 224 questions written blind by an examiner after tune17–18's changes:
    //   clean figure 94.8% / 89.9% before session 15's changes; after them, totals only: 94.8% / 93.3%.
    // - `tune21` (session 16, tuned on with the issue's thresholds above): 234 questions, every asker in
    //   their own voice, written blind, first scored at 92.4% / 92.2%; after session 16's changes (a
    //   shopfront names a business being opened, everyday words, the hall's own queue and other offices'
    //   services): 97.0% / 99.0%.
    // - `held15` (session 16): 226 questions written blind by an examiner after tune19–20's changes:
    //   clean figure 94.2% / 96.6% before session 16's changes; after them, totals only: 94.2% / 96.6%.
    // - `tune22` (session 17, tuned on with the issue's thresholds above): 250 questions where the asker
    //   first tells their background and then asks for one thing, written blind, first scored at 77.5% /
    //   77.7%; after session 17's rules (slips of the same sound, another place's matter, who the asker
    //   is, a paper asked about as material) and two vocabulary rounds (2026.12, 2026.12.2): 95.7% / 99.1%.
    // - `tune23` (session 17, tuned on with the issue's thresholds above): 242 search-box, urgent and
    //   travel questions, written blind, first scored at 82.1% / 86.1%; after: 99.3% / 99.1%.
    // - `tune24` (session 17, tuned on with the issue's thresholds above): 237 questions as an examiner
    //   writes them, many other counties' matters, written blind after the session's first rules, first
    //   scored at 87.4% / 78.7%; after: 98.6% / 97.9%.
    // - `tune25` (session 17, tuned on with the issue's thresholds above): 237 questions as typed into an
    //   app or said to a kiosk, written blind after the session's first rules, first scored at 85.0% /
    //   82.7%; after: 99.2% / 99.0%.
    // - `tune26` (session 17, tuned on with the issue's thresholds above): 235 examiner's questions, the
    //   rarer permits included, written blind after all of the session's rules, first scored at 91.7% /
    //   91.2%; after the all-at-once rule, vocabulary 2026.12.3 and the proof, place-of-event and property rules: 99.3% / 95.6%.
    // - `tune27` (session 17, tuned on with the issue's thresholds above): 238 questions of families' life
    //   events as older people say them, first scored at 74.2% / 84.0%; after: 96.2% / 98.1%.
    // - `tune28` (session 17, tuned on with the issue's thresholds above): 235 examiner's questions with
    //   varied openings and endings, written blind after the session's rules and three vocabulary rounds,
    //   first scored at 89.0% / 90.0%; after the proof, place-of-event rules and vocabulary 2026.12.4:
    //   100% / 95.6%.
    // - `tune29` (session 17, tuned on with the issue's thresholds above): 240 questions of businesses and
    //   workers in trade words, first scored at 78.2% / 77.6%; after: 99.2% / 97.2%.
    // - `held16` (session 17): 228 questions written blind by an examiner before session 17's changes:
    //   clean figure 85.4% / 86.8%; after them, totals only: 87.6% / 92.3%.
    // - `held17` (session 17): 222 questions written blind by an examiner, first scored after the
    //   homophone rule: 84.9% / 86.7%; after the session, totals only: 90.6% / 92.8%.
    // - `held18` (session 17): 219 questions written blind by an examiner after the place, background and
    //   paper rules; scored at the end only: 87.6% / 86.6%.
    // - `held19` (session 17): 224 questions written blind by an examiner after all of the session's rules
    //   and before its last two vocabulary rounds; scored at the end only: 88.2% / 93.2%.
    // - Session 18: the similar questions (相似问法: the tuning sets, shipped) join the rules; each
    //   tuning set is scored without its own questions. held16–19 after them, totals only: 92.7% /
    //   92.3%, 93.5% / 92.8%, 89.1% / 86.6%, 93.4% / 93.2%.
    // - `held20` (session 18): 215 questions written blind by an examiner before session 18's
    //   changes: clean figure 90.1% / 94.0%; with the similar questions, totals only: 93.1% / 95.2%.
    // - `held21` (session 18): 215 questions written blind by an examiner after the similar questions
    //   and the done-there rule: clean figure 96.0% / 93.3%.
    // - `held22` (session 18): 214 questions written blind by an examiner after the when, quarrel and
    //   place rules and vocabulary 2026.12.6: clean figure 98.4% / 100%.
    // - `held23` (session 18): 219 questions written blind by an examiner after the clause rule and
    //   vocabulary 2026.12.8, scored once at the session's end: 91.8% / 92.9%.
    // - `held24` (session 18): 204 questions written blind by an examiner after vocabulary 2026.12.9,
    //   scored once at the session's end: 97.7% / 89.5%.
    // - At the session's end, totals only: held16 92.7% / 93.4%, held17 94.2% / 94.0%, held18 89.1% /
    //   90.2%, held19 94.1% / 94.3%, held20 94.7% / 97.6%, held21 96.0% / 93.3%, held22 98.4% / 100%.
    // - `tune30` (session 18, tuned on with the issue's thresholds above): 235 questions of closing,
    //   changing and replacing things and of other counties' matters asked to be done here, first
    //   scored at 91.2% / 75.5%; after vocabulary 2026.12.5 and the done-there rule (在苏州办的执照,
    //   公司注册在徐州 … 能在东海办吗): 98.5% / 92.9%.
    // - `tune31` (session 18, tuned on with the issue's thresholds above): 245 questions in northern
    //   Jiangsu's homely words, first scored at 83.7% / 93.9%; after: 98.6% / 99.0%.
    // - `tune32` (session 18, tuned on with the issue's thresholds above): 246 questions of practical
    //   details (how long, the fee, online, on someone's behalf), written blind after the similar
    //   questions, first scored at 93.2% / 96.0%; after the when-rule and vocabulary 2026.12.6: 100% / 97.0%.
    // - `tune33` (session 18, tuned on with the issue's thresholds above): 240 situations told at length,
    //   first scored at 92.1% / 91.0%; after: 98.6% / 99.0%.
    // - `tune34` (session 18, tuned on with the issue's thresholds above): 226 examiner's questions (a third
    //   fragments, a third one sentence, a third long), first scored at 96.3% / 94.5%; after vocabulary
    //   2026.12.7: 100% / 97.8%.
    // - `tune35` (session 18, tuned on with the issue's thresholds above): 234 questions in look-alike pairs,
    //   first scored at 97.7% / 82.5%; after: 99.2% / 99.0%.
    // - `tune36` (session 18, tuned on with the issue's thresholds above): 242 questions of a rural county's
    //   people as typed or said, first scored at 93.2% / 94.8%; after the clause rule and vocabulary
    //   2026.12.8: 99.3% / 99.0%.
    // - `tune37` (session 18, tuned on with the issue's thresholds above): 241 questions of companies, farms,
    //   builders and clinics in trade words, first scored at 81.7% / 86.9%; after: 97.9% / 100%.
    // - `tune38` (session 18, tuned on with the issue's thresholds above): 231 examiner's questions, the rarer
    //   items included, first scored at 93.7% / 96.6%; after vocabulary 2026.12.9 and the route rule: 99.3% / 100%.
    // - `tune39` (session 18, tuned on with the issue's thresholds above): 239 questions of life's moments,
    //   first scored at 94.9% / 95.1%; after: 100% / 100%.
    // - `tune40` (session 18, tuned on with the issue's thresholds above): 220 examiner's questions whose
    //   background names other offices, first scored at 94.9% / 97.6%; after vocabulary 2026.12.10: 98.5% / 97.6%.
    // - `tune41`, `tune42` (session 18, with the issue's thresholds above): 203 examiner's questions and 214 as
    //   typed into an app's guide box, written blind after vocabulary 2026.12.10, first scored at 97.5% / 96.3%
    //   and 98.4% / 97.7%; added as similar questions without a vocabulary round.
    // - Session 19's agreeing neighbours (the 8 most similar questions outvote the rules when they
    //   agree) raised every held set; floors at the figures after it. `held25` and `held26` (session
    //   19): 187 and 216 examiner's questions written blind at the session's start, first scored
    //   before the rule at 99.1% / 90.5% and 96.1% / 90.9%, after it 100% / 94.6% and 98.4% / 94.3%.
    // - `tune43` … `tune49` (session 19, with the issue's thresholds above): seven blind sets written at
    //   the session's start (examiner's look-alikes, older people's voice input, situations naming other
    //   places and offices, trade words, search-box fragments, people living across counties, WeChat
    //   questions), first scored at 92.6–100% top 3 and 88.7–96.3% nothing fits; vocabulary 2026.12.11
    //   (tune43–47) and the place rules (asked there, brought here, done here; tune48).
    // - `held27`, `held28` (session 19): 196 and 202 examiner's questions written blind after the
    //   agreeing-neighbours rule, kept aside and scored once at the session's end: 100% / 96.2% each;
    //   `held29` (199, situations and look-alikes) and `held30` (226, older people's spoken questions),
    //   written blind after vocabulary 2026.12.13, scored once at the end: 100% / 98.7% and 97.7% / 92.5%.
    // - `held31` and `held33` (session 19), two examiners' business sets kept aside, scored once at 100% /
    //   84.8% and 98.4% / 86.0% (businesses' look-alikes of banks, tax offices, associations and platforms are
    //   the weakest class), then tuned on as `tune55` and `tune56` (vocabulary 2026.12.14); `held34`, a third
    //   business set written after, scored 99.1% / 92.6% before and after that vocabulary.
    // - `tune50` … `tune54` (session 19, with the issue's thresholds above): five more blind sets written
    //   after vocabulary 2026.12.11–12, first scored at 98.4% / 96.5%, 97.6% / 89.4%, 100% / 91.6%,
    //   100% / 96.4% and 95.6% / 95.9%; vocabulary 2026.12.13 from tune50–52, tune53–54 added as similar
    //   questions without a vocabulary round.
    let floors: [(&str, usize, usize, f64, f64); 30] = [
        ("held", 50, 20, 1.0, 0.95),
        ("held2", 100, 75, 1.0, 0.98),
        ("held3", 75, 50, 0.96, 0.86),
        ("tune5", 120, 80, 1.0, 0.97),
        ("held6", 140, 85, 1.0, 0.97),
        ("held7", 150, 95, 1.0, 0.95),
        ("held8", 125, 75, 1.0, 0.98),
        ("held9", 144, 90, 0.99, 0.95),
        ("held10", 148, 78, 0.97, 0.93),
        ("held11", 136, 78, 0.99, 0.98),
        ("held12", 135, 87, 1.0, 0.96),
        ("held13", 143, 87, 0.98, 0.95),
        ("held14", 135, 89, 0.98, 0.94),
        ("held15", 138, 88, 1.0, 0.97),
        ("held16", 137, 91, 0.96, 0.95),
        ("held17", 139, 83, 0.98, 0.93),
        ("held18", 137, 82, 0.94, 0.92),
        ("held19", 136, 88, 0.98, 0.94),
        ("held20", 131, 84, 0.96, 0.97),
        ("held21", 126, 89, 0.98, 0.96),
        ("held22", 129, 85, 1.0, 1.0),
        ("held23", 134, 85, 0.97, 0.95),
        ("held24", 128, 76, 1.0, 0.93),
        ("held25", 110, 70, 1.0, 0.95),
        ("held26", 125, 84, 0.99, 0.94),
        ("held27", 114, 75, 1.0, 0.96),
        ("held28", 119, 76, 1.0, 0.96),
        ("held29", 118, 75, 1.0, 0.98),
        ("held30", 130, 90, 0.97, 0.92),
        ("held34", 112, 78, 0.99, 0.92),
    ];
    for (name, answerable, unanswerable, top3, none) in floors {
        let f = score_split(name, show && name.starts_with("tune"));
        print(name, &f);
        assert!(
            f.answerable >= answerable && f.unanswerable >= unanswerable,
            "{name}: {f:?}"
        );
        assert!(f.top3_rate() >= top3, "{name}: {f:?}");
        assert!(f.none_rate() >= none, "{name}: {f:?}");
    }
}

#[test]
fn the_everyday_question_finds_its_item_first() {
    let (items, bundles) = catalog();
    let t = Tokenizer::default();
    let guide = Guide::build(&t, &catalog_docs(&items, &bundles), Vocabulary::shipped());
    // 身份证 is a material of nearly every item: it must still pick out its own item.
    for (q, code) in [
        ("身份证补办", "GA-QR-002"),
        ("补办身份证", "GA-QR-002"),
        ("身份证丢了", "GA-QR-002"),
        ("结婚证丢了怎么补", "MZ-QR-003"),
        // 好 after a verb is its result (弄好), not a judgement of something (哪家好).
        ("出生证户口医保社保卡能不能一次弄好", "YJS-001"),
        // An everyday word before 厂 or 店 names the business the hall licenses.
        ("开个家具厂要做环评吗", "HB-XK-002"),
        // A department by the name people use.
        ("发改委的项目核准", "FG-XK-001"),
    ] {
        let a = guide.ask(&t, q);
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some(code),
            "{q}: {a:?}"
        );
    }
}

#[test]
fn the_same_words_of_another_matter_find_nothing() {
    let (items, bundles) = catalog();
    let t = Tokenizer::default();
    let guide = Guide::build(&t, &catalog_docs(&items, &bundles), Vocabulary::shipped());
    for q in [
        "哪家火锅好",
        "买家具哪家好",
        "二手房过户了燃气怎么过户",
        "公司想注册个商标",
        "车贷还完了车子抵押怎么解除",
        // Two hall words side by side (生育, 津贴) do not make a hall phrase.
        "生完孩子了，生育津贴怎么领",
    ] {
        let a = guide.ask(&t, q);
        assert!(a.none && a.answers.is_empty(), "{q}: {a:?}");
    }
}

#[test]
fn no_off_word_is_a_hall_phrase() {
    let (items, bundles) = catalog();
    let v = Vocabulary::shipped();
    assert!(v.off_words().len() >= 100);
    let phrases: Vec<String> = items
        .iter()
        .flat_map(|i| i.keywords.iter().cloned().chain([i.name.clone()]))
        .chain(bundles.iter().map(|b| b.name.clone()))
        .chain(v.triggers().map(str::to_owned))
        .collect();
    for w in v.off_words() {
        // An off word may lie inside a hall phrase (飞机 in 坐飞机, which then wins),
        // never be one.
        assert!(
            !phrases.iter().any(|p| p == w),
            "{w} is both an off word and a hall phrase"
        );
    }
}

#[test]
fn a_question_takes_well_under_five_milliseconds() {
    let (items, bundles) = catalog();
    let t = Tokenizer::default();
    let guide = Guide::build(&t, &catalog_docs(&items, &bundles), Vocabulary::shipped());
    let qs = questions();
    // Each question's fastest of three asks: what the question costs, without the
    // scheduling pauses of a shared test machine (the bench keeps every time).
    let mut times: Vec<std::time::Duration> = qs
        .iter()
        .map(|q| {
            (0..3)
                .map(|_| {
                    let at = Instant::now();
                    std::hint::black_box(guide.ask(&t, &q.text));
                    at.elapsed()
                })
                .min()
                .unwrap()
        })
        .collect();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    println!("guide: p50 {:?}, p99 {:?}", times[times.len() / 2], p99);
    // Debug builds are several times slower than the release server; the bench
    // (`govhall bench guide`) records release figures.
    assert!(p99.as_millis() < 25, "p99 {p99:?}");
}

#[test]
fn before_the_guide_the_catalog_search() {
    let (items, _) = catalog();
    let t = Tokenizer::default();
    let docs: Vec<SearchDoc> = items.iter().map(SearchDoc::from).collect();
    let index = SearchIndex::build(&t, &docs);
    let qs = questions();
    let all: Vec<&Question> = qs.iter().collect();
    let f = score(
        &all,
        |q| index.search(&t, q).into_iter().map(|h| h.code).collect(),
        false,
    );
    println!(
        "before (catalog search, items only): top3 {}/{} ({:.1}%), none {}/{} ({:.1}%)",
        f.top3,
        f.answerable,
        100.0 * f.top3_rate(),
        f.none_ok,
        f.unanswerable,
        100.0 * f.none_rate()
    );
}

#[test]
fn an_admins_answer_to_a_logged_question_takes_effect_for_it() {
    let (items, bundles) = catalog();
    let t = Tokenizer::default();
    let docs = catalog_docs(&items, &bundles);
    let codes = |v: &Vocabulary, q: &str| -> Vec<String> {
        Guide::build(&t, &docs, v.clone())
            .ask(&t, q)
            .answers
            .into_iter()
            .map(|h| h.code)
            .collect()
    };
    let shipped = Vocabulary::shipped();
    let mut v = shipped.clone();
    // A nickname no vocabulary line holds: nothing fits, until an admin answers it.
    let logged = "家里那个红皮的小簿子弄丢了";
    assert!(codes(&shipped, logged).is_empty());
    v.add_similar(logged, &["MZ-QR-003".to_owned()]);
    assert_eq!(codes(&v, logged), ["MZ-QR-003"]);
    // Asked again with other spaces and punctuation, or a word more.
    assert_eq!(codes(&v, "家里那个 红皮的小簿子弄丢了！"), ["MZ-QR-003"]);
    assert_eq!(codes(&v, "家里那个红皮的小簿子弄丢了呀"), ["MZ-QR-003"]);
    // A look-alike the rules answer: marked not the hall's, the same question finds nothing,
    // and another question is not touched.
    let not_ours = "公司的工牌丢了怎么补";
    assert!(!codes(&shipped, not_ours).is_empty());
    v.add_similar(not_ours, &[]);
    assert!(codes(&v, not_ours).is_empty());
    assert_eq!(codes(&v, "身份证丢了去哪补"), codes(&shipped, "身份证丢了去哪补"));
}
