//! Erlang C (M/M/N: Poisson arrivals, exponential service, N windows, one
//! line, nobody leaves): the share of people who wait, the share called
//! within a target wait (服务水平), the mean wait, and the least number of
//! windows that reaches a target. Computed through the Erlang B recursion,
//! which stays finite for thousands of windows (no factorials, no powers).

use serde::Serialize;

/// The largest offered load (erlangs = arrivals per minute × minutes per
/// person) the calculator accepts: far beyond any hall, small enough that the
/// search stays instant.
pub const MAX_LOAD: f64 = 10_000.0;

/// Offered load A in erlangs: arrivals per hour × service minutes / 60.
pub fn offered_load(arrivals_per_hour: f64, service_minutes: f64) -> f64 {
    arrivals_per_hour * service_minutes / 60.0
}

/// Erlang B (blocking probability) for `n` servers and load `a`, by the
/// recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// Erlang C from Erlang B: C = N·B / (N − A·(1 − B)); 1 when N ≤ A (everyone
/// waits, the line grows without end).
pub fn erlang_c(n: u32, a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    if f64::from(n) <= a {
        return 1.0;
    }
    c_from_b(n, a, erlang_b(n, a))
}

fn c_from_b(n: u32, a: f64, b: f64) -> f64 {
    let n = f64::from(n);
    (n * b / (n - a * (1.0 - b))).clamp(0.0, 1.0)
}

/// The share of people called within `t` minutes: 1 − C·e^{−(N−A)·t/s};
/// 0 when N ≤ A.
pub fn service_level(n: u32, a: f64, service_minutes: f64, target_wait_minutes: f64) -> f64 {
    if a <= 0.0 {
        return 1.0;
    }
    if f64::from(n) <= a {
        return 0.0;
    }
    sl_from_c(n, a, erlang_c(n, a), service_minutes, target_wait_minutes)
}

fn sl_from_c(n: u32, a: f64, c: f64, s: f64, t: f64) -> f64 {
    (1.0 - c * (-(f64::from(n) - a) * t / s).exp()).clamp(0.0, 1.0)
}

/// The mean wait over all arrivals (those who wait and those who do not), in
/// minutes: C·s / (N − A); infinite when N ≤ A.
pub fn mean_wait(n: u32, a: f64, service_minutes: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    if f64::from(n) <= a {
        return f64::INFINITY;
    }
    erlang_c(n, a) * service_minutes / (f64::from(n) - a)
}

/// The windows a target needs, and what they achieve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Staffing {
    /// The least N > A whose service level is ≥ the target.
    pub windows: u32,
    /// The service level those windows achieve (share within the target wait).
    pub service_level: f64,
    /// The mean wait over all arrivals at those windows, minutes.
    pub avg_wait_minutes: f64,
    /// The share who wait at all (Erlang C).
    pub probability_of_waiting: f64,
    /// The offered load A, erlangs.
    pub load: f64,
}

/// Why a calculation was refused: the parameter at fault and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ErlangError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: &str) -> ErlangError {
    ErlangError {
        field,
        message: message.to_owned(),
    }
}

/// The least number of windows N (N > A) whose Erlang C service level — the
/// share called within `target_wait_minutes` — is at least `target`, for
/// `arrivals_per_hour` people each served in `service_minutes` on average.
/// With no arrivals one window (N > A = 0) answers everyone at once.
pub fn windows_for(
    arrivals_per_hour: f64,
    service_minutes: f64,
    target_wait_minutes: f64,
    target: f64,
) -> Result<Staffing, ErlangError> {
    if !arrivals_per_hour.is_finite() || arrivals_per_hour < 0.0 {
        return Err(refuse("arrivals_per_hour", "每小时到达人数须为不小于 0 的数"));
    }
    if !service_minutes.is_finite() || service_minutes <= 0.0 || service_minutes > 1440.0 {
        return Err(refuse(
            "service_minutes",
            "平均办理时长须大于 0 分钟且不超过 1440 分钟",
        ));
    }
    if !target_wait_minutes.is_finite() || !(0.0..=1440.0).contains(&target_wait_minutes) {
        return Err(refuse(
            "target_wait_minutes",
            "目标等候时间须在 0 至 1440 分钟之间",
        ));
    }
    if !target.is_finite() || target <= 0.0 || target >= 1.0 {
        return Err(refuse("service_level", "服务水平目标须大于 0 且小于 1（如 0.8）"));
    }
    let a = offered_load(arrivals_per_hour, service_minutes);
    if a > MAX_LOAD {
        return Err(refuse(
            "arrivals_per_hour",
            "业务量过大（到达人数 × 办理时长超过 10000 个窗口的负荷）",
        ));
    }
    if a <= 0.0 {
        return Ok(Staffing {
            windows: 1,
            service_level: 1.0,
            avg_wait_minutes: 0.0,
            probability_of_waiting: 0.0,
            load: 0.0,
        });
    }
    // The least integer above A, then up one window at a time; Erlang B is
    // carried along so the whole search is one pass of the recursion.
    let mut n: u32 = 0;
    let mut b = 1.0;
    loop {
        n += 1;
        b = a * b / (f64::from(n) + a * b);
        if f64::from(n) <= a {
            continue;
        }
        let c = c_from_b(n, a, b);
        let sl = sl_from_c(n, a, c, service_minutes, target_wait_minutes);
        // Service level tends to 1 as N grows; the guard only stops a
        // target that floating point cannot reach.
        if sl >= target || f64::from(n) > a + 10_000.0 {
            return Ok(Staffing {
                windows: n,
                service_level: sl,
                avg_wait_minutes: c * service_minutes / (f64::from(n) - a),
                probability_of_waiting: c,
                load: a,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(x: f64, y: f64, eps: f64) -> bool {
        (x - y).abs() <= eps
    }

    /// Closed forms (Kleinrock, Queueing Systems vol. 1, §3.5, M/M/m):
    /// C(1, A) = A and C(2, A) = A² / (2 + A).
    #[test]
    fn closed_forms_for_one_and_two_windows() {
        for a in [0.1, 0.5, 0.9] {
            assert!(close(erlang_c(1, a), a, 1e-12));
        }
        for a in [0.2, 1.0, 1.9] {
            assert!(close(erlang_c(2, a), a * a / (2.0 + a), 1e-12));
        }
        // M/M/1 mean wait in line: ρ·s / (1 − ρ).
        assert!(close(mean_wait(1, 0.75, 4.0), 0.75 * 4.0 / 0.25, 1e-9));
    }

    /// Call Centre Helper, "Erlang C Formula – Made Simple" (the worked
    /// example used across workforce-planning courses): 100 calls in 30 min,
    /// 180 s handling → A = 10 erlangs; with 11 agents the Erlang C
    /// probability is 68.21 % and 39.0 % are answered within 20 s; 14 agents
    /// are the first to reach 80 % in 20 s (88.8 %, average speed of answer
    /// 7.8 s).
    #[test]
    fn call_centre_helper_worked_example() {
        assert!(close(erlang_c(11, 10.0), 0.6821, 0.0001));
        assert!(close(service_level(11, 10.0, 3.0, 20.0 / 60.0), 0.390, 0.001));
        let s = windows_for(200.0, 3.0, 20.0 / 60.0, 0.8).unwrap();
        assert_eq!(s.windows, 14);
        assert!(close(s.service_level, 0.888, 0.001));
        assert!(close(s.avg_wait_minutes * 60.0, 7.8, 0.05));
    }

    /// Westbay Engineers' "Erlang-C formula" walk-through: 360 calls per half
    /// hour, 4 min each (A = 48 erlangs), 55 agents, 15 s target: probability
    /// of waiting 23.9 %, average speed of answer 8.2 s, service level 84.6 %.
    #[test]
    fn westbay_worked_example() {
        assert!(close(erlang_c(55, 48.0), 0.2387, 0.0001));
        assert!(close(mean_wait(55, 48.0, 4.0) * 60.0, 8.18, 0.01));
        assert!(close(service_level(55, 48.0, 4.0, 0.25), 0.8459, 0.0001));
    }

    /// The textbook exercise read from the Erlang C curve: 120 customers per
    /// hour, 3 min each, 10 assistants → probability of waiting "about 0.10".
    #[test]
    fn textbook_curve_reading() {
        assert!(close(erlang_c(10, 6.0), 0.101, 0.001));
    }

    /// Large loads stay finite and sensible (factorials would overflow at
    /// 171 windows).
    #[test]
    fn large_loads_are_stable() {
        let s = windows_for(60_000.0, 5.0, 0.5, 0.9).unwrap();
        assert!(s.windows > 5000 && s.windows < 5200, "{s:?}");
        assert!(s.service_level >= 0.9 && s.service_level <= 1.0);
        assert!(s.avg_wait_minutes.is_finite());
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(
            windows_for(-1.0, 5.0, 10.0, 0.8).unwrap_err().field,
            "arrivals_per_hour"
        );
        assert_eq!(
            windows_for(10.0, 0.0, 10.0, 0.8).unwrap_err().field,
            "service_minutes"
        );
        assert_eq!(
            windows_for(10.0, 5.0, -1.0, 0.8).unwrap_err().field,
            "target_wait_minutes"
        );
        assert_eq!(
            windows_for(10.0, 5.0, 10.0, 1.0).unwrap_err().field,
            "service_level"
        );
        assert_eq!(
            windows_for(10.0, 5.0, 10.0, 0.0).unwrap_err().field,
            "service_level"
        );
        assert_eq!(
            windows_for(1e9, 5.0, 10.0, 0.8).unwrap_err().field,
            "arrivals_per_hour"
        );
        assert_eq!(
            windows_for(f64::NAN, 5.0, 10.0, 0.8).unwrap_err().field,
            "arrivals_per_hour"
        );
        let none = windows_for(0.0, 5.0, 10.0, 0.8).unwrap();
        assert_eq!(
            (none.windows, none.service_level, none.avg_wait_minutes),
            (1, 1.0, 0.0)
        );
    }

    proptest! {
        /// More windows never lower the service level (nor raise the wait).
        #[test]
        fn more_windows_never_lower_the_service_level(
            lambda in 0.0f64..600.0, s in 0.5f64..60.0, t in 0.0f64..60.0, n in 1u32..200,
        ) {
            let a = offered_load(lambda, s);
            prop_assert!(service_level(n + 1, a, s, t) >= service_level(n, a, s, t) - 1e-12);
            prop_assert!(mean_wait(n + 1, a, s) <= mean_wait(n, a, s) + 1e-9);
            prop_assert!(erlang_c(n + 1, a) <= erlang_c(n, a) + 1e-12);
        }

        /// The answer is the least: one window fewer misses the target.
        #[test]
        fn the_answer_is_the_least(
            lambda in 0.1f64..600.0, s in 0.5f64..60.0, t in 0.0f64..30.0, p in 0.05f64..0.99,
        ) {
            let r = windows_for(lambda, s, t, p).unwrap();
            prop_assert!(f64::from(r.windows) > r.load);
            prop_assert!(r.service_level >= p);
            prop_assert!(close(r.service_level, service_level(r.windows, r.load, s, t), 1e-9));
            let fewer = r.windows - 1;
            prop_assert!(f64::from(fewer) <= r.load || service_level(fewer, r.load, s, t) < p);
        }
    }
}
