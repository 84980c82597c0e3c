//! Queue rules (取号叫号规则): ticket numbers, green-channel priority with a
//! fairness bound, appointments at their slot time, then first come first served.

use serde::{Deserialize, Serialize};

/// Why a ticket is in the green channel (绿色通道), or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// 老年人 (the hall sets the age, default 70+).
    Elderly,
    /// 残疾人.
    Disabled,
    /// 孕妇.
    Pregnant,
    /// 现役军人、退役军人.
    Military,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Elderly,
        Priority::Disabled,
        Priority::Pregnant,
        Priority::Military,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Priority::Elderly => "elderly",
            Priority::Disabled => "disabled",
            Priority::Pregnant => "pregnant",
            Priority::Military => "military",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Elderly => "老年人",
            Priority::Disabled => "残疾人",
            Priority::Pregnant => "孕妇",
            Priority::Military => "军人",
        }
    }

    pub fn parse(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// What a call event on the hall display is (叫号 or 重呼).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallKind {
    /// 叫号: the ticket's first call to a window.
    Call,
    /// 重呼: the same ticket announced again.
    Recall,
}

impl CallKind {
    pub const ALL: [CallKind; 2] = [CallKind::Call, CallKind::Recall];

    pub fn code(self) -> &'static str {
        match self {
            CallKind::Call => "call",
            CallKind::Recall => "recall",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CallKind::Call => "叫号",
            CallKind::Recall => "重呼",
        }
    }

    pub fn parse(code: &str) -> Option<CallKind> {
        CallKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

impl std::fmt::Display for CallKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A ticket's human number: the category prefix and the day's sequence, at
/// least three digits (A001 … A999, A1000).
pub fn ticket_number(prefix: &str, sequence: u32) -> String {
    format!("{prefix}{sequence:03}")
}

/// A category prefix: one to three capital letters.
pub fn valid_prefix(prefix: &str) -> bool {
    (1..=3).contains(&prefix.len()) && prefix.chars().all(|c| c.is_ascii_uppercase())
}

/// The announcement of a call, written so a Mandarin voice reads the ticket
/// and window numbers digit by digit (请A零一二号到三号窗口办理).
pub fn call_phrase(number: &str, window: &str) -> String {
    fn digits(s: &str) -> String {
        s.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => {
                    ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'][d as usize].to_string()
                }
                None => format!(" {c} "),
            })
            .collect()
    }
    // Window numbers are read as numbers (十二号窗口), tickets digit by digit.
    let window_words = match window.parse::<u32>() {
        Ok(n) if n < 10 => digits(window),
        Ok(n) if n < 100 => {
            let tens = if n / 10 == 1 {
                String::new()
            } else {
                digits(&(n / 10).to_string())
            };
            let ones = if n % 10 == 0 {
                String::new()
            } else {
                digits(&(n % 10).to_string())
            };
            format!("{tens}十{ones}")
        }
        _ => digits(window),
    };
    format!(
        "请，{}号，到{}号窗口办理",
        digits(number).trim(),
        window_words.trim()
    )
}

/// The recorded prompts (提示音) that say a call, in order:
/// 请 A 零 零 一 号 到 三 号窗口 办理. `None` when a ticket or window holds
/// something no prompt says (the display then falls back to a speech engine
/// or its chime).
pub fn call_prompts(number: &str, window: &str) -> Option<Vec<&'static str>> {
    const DIGITS: [&str; 10] = ["ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu"];
    const LETTERS: [&str; 26] = [
        "letter_a", "letter_b", "letter_c", "letter_d", "letter_e", "letter_f", "letter_g", "letter_h",
        "letter_i", "letter_j", "letter_k", "letter_l", "letter_m", "letter_n", "letter_o", "letter_p",
        "letter_q", "letter_r", "letter_s", "letter_t", "letter_u", "letter_v", "letter_w", "letter_x",
        "letter_y", "letter_z",
    ];
    let mut out = vec!["qing"];
    for c in number.chars() {
        out.push(match c {
            '0'..='9' => DIGITS[c as usize - '0' as usize],
            'A'..='Z' => LETTERS[c as usize - 'A' as usize],
            _ => return None,
        });
    }
    out.extend(["hao", "dao"]);
    // Window numbers read as numbers: 三, 十二, 二十.
    let n: u32 = window.parse().ok().filter(|n| (1..100).contains(n))?;
    let (tens, ones) = (n / 10, n % 10);
    if tens > 1 {
        out.push(DIGITS[tens as usize]);
    }
    if tens > 0 {
        out.push("shi");
    }
    if ones > 0 || tens == 0 {
        out.push(DIGITS[ones as usize]);
    }
    out.extend(["hao_chuangkou", "banli"]);
    Some(out)
}

/// Average, 90th percentile and maximum of a set of durations in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct DurationSummary {
    pub count: usize,
    pub average_seconds: f64,
    pub p90_seconds: i64,
    pub max_seconds: i64,
}

impl DurationSummary {
    /// Nearest-rank percentile, so the p90 is always a duration someone really had.
    pub fn of(mut seconds: Vec<i64>) -> DurationSummary {
        if seconds.is_empty() {
            return DurationSummary::default();
        }
        seconds.sort_unstable();
        let n = seconds.len();
        let rank = ((n as f64) * 0.9).ceil() as usize;
        DurationSummary {
            count: n,
            average_seconds: seconds.iter().sum::<i64>() as f64 / n as f64,
            p90_seconds: seconds[rank.clamp(1, n) - 1],
            max_seconds: seconds[n - 1],
        }
    }

    // issue 18: the queue report aggregated in SQL
    /// The same summary from counted durations (`n` durations of `seconds`
    /// each, in any order, a duration may come more than once): equal to
    /// [`DurationSummary::of`] over the durations written out.
    pub fn of_counts(counts: impl IntoIterator<Item = (i64, u64)>) -> DurationSummary {
        let mut counts: Vec<(i64, u64)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
        if counts.is_empty() {
            return DurationSummary::default();
        }
        counts.sort_unstable();
        let n: u64 = counts.iter().map(|(_, k)| k).sum();
        let sum: i64 = counts.iter().map(|(s, k)| s * *k as i64).sum();
        let rank = (((n as usize) as f64) * 0.9).ceil() as u64;
        let rank = rank.clamp(1, n);
        let mut seen = 0;
        let mut p90 = 0;
        for (s, k) in &counts {
            seen += k;
            if seen >= rank {
                p90 = *s;
                break;
            }
        }
        DurationSummary {
            count: n as usize,
            average_seconds: sum as f64 / n as f64,
            p90_seconds: p90,
            max_seconds: counts[counts.len() - 1].0,
        }
    }
}

/// A waiting ticket as the call policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Position in the day's line (the order tickets were taken).
    pub order: i64,
    pub green_channel: bool,
    /// An appointment whose slot has begun.
    pub appointment_due: bool,
    /// How many later tickets were called before this one while it waited.
    pub passed_by: u32,
}

/// Picks which waiting ticket a window calls next, or `None` when nobody waits.
///
/// 1. A ticket already passed `fairness_bound` times goes first (oldest of them),
///    so priority never starves anyone.
/// 2. Green-channel tickets, oldest first.
/// 3. Appointments whose slot has begun, oldest first.
/// 4. Everyone else, first come first served.
pub fn next_to_call(waiting: &[Waiting], fairness_bound: u32) -> Option<usize> {
    let oldest = |pred: &dyn Fn(&Waiting) -> bool| {
        waiting
            .iter()
            .enumerate()
            .filter(|(_, w)| pred(w))
            .min_by_key(|(_, w)| w.order)
            .map(|(i, _)| i)
    };
    oldest(&|w| w.passed_by >= fairness_bound)
        .or_else(|| oldest(&|w| w.green_channel))
        .or_else(|| oldest(&|w| w.appointment_due))
        .or_else(|| oldest(&|_| true))
}

/// The orders of the tickets that the call of `called` passes: every ticket
/// still waiting that was taken before it.
pub fn passed_by_call(waiting: &[Waiting], called: usize) -> Vec<i64> {
    let Some(c) = waiting.get(called) else {
        return Vec::new();
    };
    waiting
        .iter()
        .filter(|w| w.order < c.order)
        .map(|w| w.order)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_said_with_recorded_prompts() {
        assert_eq!(
            call_prompts("A012", "3").unwrap(),
            [
                "qing",
                "letter_a",
                "ling",
                "yi",
                "er",
                "hao",
                "dao",
                "san",
                "hao_chuangkou",
                "banli"
            ]
        );
        assert_eq!(call_prompts("B1", "12").unwrap()[5..7], ["shi", "er"]);
        assert_eq!(call_prompts("B1", "20").unwrap()[5..7], ["er", "shi"]);
        assert_eq!(call_prompts("B1", "10").unwrap()[5..6], ["shi"]);
        assert!(call_prompts("B1", "VIP").is_none());
        assert!(call_prompts("号1", "1").is_none());
    }
    use proptest::prelude::*;

    #[test]
    fn call_kind_codes_round_trip() {
        for k in CallKind::ALL {
            assert_eq!(CallKind::parse(k.code()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.code()));
            assert!(!k.label().is_empty());
        }
        assert_eq!(CallKind::parse("shout"), None);
    }

    fn w(order: i64, green: bool) -> Waiting {
        Waiting {
            order,
            green_channel: green,
            appointment_due: false,
            passed_by: 0,
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(ticket_number("A", 12), "A012");
        assert_eq!(ticket_number("BC", 1000), "BC1000");
        assert!(valid_prefix("A") && valid_prefix("ABC"));
        assert!(!valid_prefix("a") && !valid_prefix("") && !valid_prefix("ABCD") && !valid_prefix("A1"));
    }

    #[test]
    fn phrases_read_digits_one_by_one() {
        assert_eq!(call_phrase("A012", "3"), "请，A 零一二号，到三号窗口办理");
        assert_eq!(call_phrase("B100", "12"), "请，B 一零零号，到十二号窗口办理");
        assert_eq!(call_phrase("C007", "20"), "请，C 零零七号，到二十号窗口办理");
        assert_eq!(call_phrase("C007", "V1"), "请，C 零零七号，到V 一号窗口办理");
    }

    #[test]
    fn duration_summaries() {
        assert_eq!(DurationSummary::of(vec![]), DurationSummary::default());
        let s = DurationSummary::of((1..=10).collect());
        assert_eq!((s.count, s.p90_seconds, s.max_seconds), (10, 9, 10));
        assert!((s.average_seconds - 5.5).abs() < 1e-9);
        assert_eq!(DurationSummary::of(vec![42]).p90_seconds, 42);
    }

    // issue 18: the queue report aggregated in SQL
    #[test]
    fn counted_durations_summarise_as_written_out() {
        assert_eq!(DurationSummary::of_counts(vec![]), DurationSummary::default());
        assert_eq!(
            DurationSummary::of_counts(vec![(5, 0)]),
            DurationSummary::default()
        );
        // Every length from 1 to 300 and uneven counts, so the rank falls on
        // every kind of boundary between two counted durations.
        let mut seed = 7_u64;
        for len in 1..=300_usize {
            let counts: Vec<(i64, u64)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (((seed >> 33) % 50) as i64 * 7 - (i % 3) as i64, (seed >> 60) % 4)
                })
                .collect();
            let written: Vec<i64> = counts
                .iter()
                .flat_map(|(s, n)| std::iter::repeat_n(*s, *n as usize))
                .collect();
            let a = DurationSummary::of(written);
            let b = DurationSummary::of_counts(counts);
            assert_eq!(
                (a.count, a.p90_seconds, a.max_seconds),
                (b.count, b.p90_seconds, b.max_seconds)
            );
            assert_eq!(a.average_seconds.to_bits(), b.average_seconds.to_bits());
        }
    }

    #[test]
    fn order_of_calls() {
        assert_eq!(next_to_call(&[], 3), None);
        let line = vec![w(1, false), w(2, true), w(3, false)];
        assert_eq!(next_to_call(&line, 3), Some(1));
        let mut appt = w(4, false);
        appt.appointment_due = true;
        let line = vec![w(1, false), appt.clone()];
        assert_eq!(next_to_call(&line, 3), Some(1));
        let mut starving = w(1, false);
        starving.passed_by = 3;
        let line = vec![starving, w(2, true)];
        assert_eq!(next_to_call(&line, 3), Some(0));
        assert_eq!(
            passed_by_call(&[w(1, false), w(2, false), w(3, true)], 2),
            vec![1, 2]
        );
    }

    /// Simulates a day: tickets arrive, windows call with the policy, and
    /// the passes are counted the way the store counts them.
    fn simulate(arrivals: &[(bool, bool)], calls_between: &[u8], bound: u32) -> (Vec<i64>, u32) {
        let mut waiting: Vec<Waiting> = Vec::new();
        let mut served = Vec::new();
        let mut worst = 0;
        let call = |waiting: &mut Vec<Waiting>, served: &mut Vec<i64>| {
            if let Some(i) = next_to_call(waiting, bound) {
                let passed = passed_by_call(waiting, i);
                for p in waiting.iter_mut() {
                    if passed.contains(&p.order) {
                        p.passed_by += 1;
                    }
                }
                served.push(waiting.remove(i).order);
            }
        };
        for (n, (green, appt)) in arrivals.iter().enumerate() {
            waiting.push(Waiting {
                order: n as i64,
                green_channel: *green,
                appointment_due: *appt,
                passed_by: 0,
            });
            for _ in 0..calls_between.get(n).copied().unwrap_or(0) {
                call(&mut waiting, &mut served);
            }
            worst = worst.max(waiting.iter().map(|w| w.passed_by).max().unwrap_or(0));
        }
        while !waiting.is_empty() {
            call(&mut waiting, &mut served);
            worst = worst.max(waiting.iter().map(|w| w.passed_by).max().unwrap_or(0));
        }
        (served, worst)
    }

    proptest! {
        /// Every ticket is called exactly once and nobody is passed more than the bound allows.
        #[test]
        fn fairness_bound_holds_and_no_ticket_starves(
            arrivals in proptest::collection::vec((proptest::bool::weighted(0.4), proptest::bool::weighted(0.2)), 1..120),
            calls in proptest::collection::vec(0u8..3, 0..120),
            bound in 1u32..6,
        ) {
            let (served, worst) = simulate(&arrivals, &calls, bound);
            let mut sorted = served.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..arrivals.len() as i64).collect::<Vec<_>>());
            // An older ticket is passed by every call that passes a younger one, so the
            // oldest waiting ticket always carries the most passes and is the first to hit the bound.
            prop_assert!(worst <= bound, "worst {worst} bound {bound}");
        }

        /// Without green channel or appointments the line is strictly first come first served.
        #[test]
        fn plain_line_is_fifo(n in 1usize..80, calls in proptest::collection::vec(0u8..3, 0..80)) {
            let arrivals = vec![(false, false); n];
            let (served, worst) = simulate(&arrivals, &calls, 3);
            prop_assert_eq!(served, (0..n as i64).collect::<Vec<_>>());
            prop_assert_eq!(worst, 0);
        }
    }
}
