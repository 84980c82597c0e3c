//! Case numbers (办件编号), progress-query codes (查询码) and the completion
//! figures (办结率、按时办结率).

use jiff::civil::Date;

/// A case number (办件编号): hall code, acceptance date, daily sequence of at
/// least four digits — `DH20261130-0001`, `DH20261130-10000`.
pub fn case_number(hall_code: &str, date: Date, sequence: u32) -> String {
    format!(
        "{hall_code}{:04}{:02}{:02}-{sequence:04}",
        date.year(),
        date.month(),
        date.day()
    )
}

/// Characters of a query code: no 0/O, 1/I, so it can be read over the phone.
pub const QUERY_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The progress-query code printed on the receipt (查询码): 8 characters from
/// [`QUERY_CODE_ALPHABET`], deterministic in `random` (give it 64 random bits).
/// The input is mixed first, so consecutive inputs give unrelated codes.
pub fn query_code(random: u64) -> String {
    // splitmix64 finaliser: a bijection, so distinct inputs stay distinct before truncation.
    let mut z = random.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (0..8)
        .map(|i| char::from(QUERY_CODE_ALPHABET[((z >> (i * 5)) & 31) as usize]))
        .collect()
}

/// A query code not in `taken`, drawn from `random` (64 random bits a call) and added to
/// `taken`: the codes of cases made together (a ledger's rows, a bundle's sub-cases) are
/// then distinct, where 40 random bits alone would repeat one among 200,000 rows about
/// once in 55 ledgers.
pub fn distinct_query_code(
    taken: &mut std::collections::HashSet<String>,
    mut random: impl FnMut() -> u64,
) -> String {
    loop {
        let code = query_code(random());
        if taken.insert(code.clone()) {
            return code;
        }
    }
}

/// A query code as typed by a citizen: trimmed and upper-cased, or `None`
/// when it cannot be one.
pub fn normalize_query_code(input: &str) -> Option<String> {
    let s = input.trim().to_ascii_uppercase();
    (s.len() == 8 && s.bytes().all(|b| QUERY_CODE_ALPHABET.contains(&b))).then_some(s)
}

/// `part / whole` rounded half up to four places, with integers only so every
/// machine shows the same figure.
fn rate4(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    let basis_points = (u128::from(part) * 20_000 + u128::from(whole)) / (u128::from(whole) * 2);
    Some(basis_points as f64 / 10_000.0)
}

/// 办结率 = completed / accepted in the period, four places (38381/38471 → 0.9977);
/// `None` when nothing was accepted.
pub fn completion_rate(accepted: u64, completed: u64) -> Option<f64> {
    rate4(completed, accepted)
}

/// 按时办结率 = completed within the limit / completed; `None` when nothing was completed.
pub fn on_time_rate(completed: u64, on_time: u64) -> Option<f64> {
    rate4(on_time, completed)
}

#[cfg(test)]
mod tests {
    use crate::case::*;
    use jiff::civil::date;

    #[test]
    fn case_numbers() {
        assert_eq!(case_number("DH", date(2026, 11, 30), 1), "DH20261130-0001");
        assert_eq!(case_number("DH", date(2026, 1, 5), 9999), "DH20260105-9999");
        assert_eq!(case_number("DH", date(2026, 1, 5), 10000), "DH20260105-10000");
    }

    #[test]
    fn query_codes() {
        let a = query_code(0);
        assert_eq!(a.len(), 8);
        assert_eq!(query_code(0), a);
        assert_ne!(query_code(1), a);
        for r in [0u64, 1, 2, 42, u64::MAX] {
            let q = query_code(r);
            assert!(q.bytes().all(|b| QUERY_CODE_ALPHABET.contains(&b)), "{q}");
            assert!(!q.contains(['0', 'O', '1', 'I']));
            assert_eq!(normalize_query_code(&format!(" {} ", q.to_lowercase())), Some(q));
        }
        assert_eq!(normalize_query_code("ABCD0123"), None);
        assert_eq!(normalize_query_code("ABC"), None);
    }

    #[test]
    fn codes_made_together_are_distinct_even_when_the_random_bits_repeat() {
        let mut taken = std::collections::HashSet::new();
        // A source that gives the same bits twice before moving on.
        let mut bits = [7u64, 7, 7, 8, 8, 9].into_iter();
        let codes: Vec<String> = (0..3)
            .map(|_| distinct_query_code(&mut taken, || bits.next().unwrap_or(u64::MAX)))
            .collect();
        assert_eq!(codes, [query_code(7), query_code(8), query_code(9)]);
        assert_eq!(taken.len(), 3);
    }

    #[test]
    fn rates() {
        assert_eq!(completion_rate(38471, 38381), Some(0.9977));
        assert_eq!(completion_rate(0, 0), None);
        assert_eq!(completion_rate(10, 10), Some(1.0));
        // Half up: 0.99995 → 1.0; 2/3 → 0.6667.
        assert_eq!(on_time_rate(20_000, 19_999), Some(1.0));
        assert_eq!(on_time_rate(3, 2), Some(0.6667));
        assert_eq!(on_time_rate(0, 0), None);
        assert!(on_time(date(2026, 11, 20), date(2026, 11, 20)));
        assert!(!on_time(date(2026, 11, 21), date(2026, 11, 20)));
    }
}
