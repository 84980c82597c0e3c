//! Statutory holidays (法定节假日) of 《全国年节及纪念日放假办法》 (2024 修订),
//! for a **provisional** year (暂定年度): a year whose official schedule the
//! State Council has not yet published. Weekends and these days are rest days,
//! with no make-up working days (调休), until the official year is imported.
//!
//! Lunar dates (春节、端午、中秋) and the 清明 solar term come from `tyme4rs`
//! (寿星天文历 algorithms); the tests check them against the official
//! schedules of 2020–2026 shipped with govhall.

use crate::calendar::{CalendarDay, CalendarError};
use jiff::civil::{Date, Weekday};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

/// A statutory festival (法定节日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Festival {
    /// 元旦 1月1日.
    NewYear,
    /// 春节: 农历除夕至正月初三.
    SpringFestival,
    /// 清明节: the day of the 清明 solar term.
    Qingming,
    /// 劳动节 5月1日、2日.
    LabourDay,
    /// 端午节 农历五月初五.
    DragonBoat,
    /// 中秋节 农历八月十五.
    MidAutumn,
    /// 国庆节 10月1日至3日.
    NationalDay,
}

impl Festival {
    pub fn label(self) -> &'static str {
        match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::Qingming => "清明节",
            Festival::LabourDay => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::NationalDay => "国庆节",
        }
    }
}

fn date(year: i16, month: i8, day: i8) -> Result<Date, CalendarError> {
    Date::new(year, month, day).map_err(|_| CalendarError::MissingYear(year))
}

fn from_solar(year: i16, d: &SolarDay) -> Result<Date, CalendarError> {
    let (y, m, dd) = (d.get_year(), d.get_month(), d.get_day());
    match (i16::try_from(y), i8::try_from(m), i8::try_from(dd)) {
        (Ok(y), Ok(m), Ok(dd)) => date(y, m, dd),
        _ => Err(CalendarError::MissingYear(year)),
    }
}

fn lunar(year: i16, month: isize, day: usize) -> Result<Date, CalendarError> {
    let l = LunarDay::new(isize::from(year), month, day).map_err(|_| CalendarError::MissingYear(year))?;
    from_solar(year, &l.get_solar_day())
}

fn qingming(year: i16) -> Result<Date, CalendarError> {
    let term = SolarTerm::new(isize::from(year), "清明").map_err(|_| CalendarError::MissingYear(year))?;
    from_solar(year, &term.get_solar_day())
}

/// The statutory rest days of `year` (13 days), each with its festival.
/// Only years 1901–2099 are supported (the range the lunar tables are checked for).
pub fn statutory_holidays(year: i16) -> Result<Vec<(Date, Festival)>, CalendarError> {
    if !(1901..=2099).contains(&year) {
        return Err(CalendarError::MissingYear(year));
    }
    let mut out = vec![(date(year, 1, 1)?, Festival::NewYear)];
    // 除夕 is the day before 正月初一, whatever the length of the twelfth month.
    let new_year = lunar(year, 1, 1)?;
    let eve = new_year
        .yesterday()
        .map_err(|_| CalendarError::MissingYear(year))?;
    out.push((eve, Festival::SpringFestival));
    let mut d = new_year;
    for _ in 0..3 {
        out.push((d, Festival::SpringFestival));
        d = d.tomorrow().map_err(|_| CalendarError::MissingYear(year))?;
    }
    out.push((qingming(year)?, Festival::Qingming));
    out.push((date(year, 5, 1)?, Festival::LabourDay));
    out.push((date(year, 5, 2)?, Festival::LabourDay));
    out.push((lunar(year, 5, 5)?, Festival::DragonBoat));
    out.push((lunar(year, 8, 15)?, Festival::MidAutumn));
    for day in 1..=3 {
        out.push((date(year, 10, day)?, Festival::NationalDay));
    }
    out.sort_by_key(|(d, _)| *d);
    Ok(out)
}

/// A provisional year: weekends and statutory holidays are rest days, every
/// other day is a working day, no make-up days.
pub fn provisional_year(year: i16) -> Result<Vec<CalendarDay>, CalendarError> {
    let holidays = statutory_holidays(year)?;
    let mut out = Vec::with_capacity(366);
    let mut d = date(year, 1, 1)?;
    while d.year() == year {
        let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
        let holiday = holidays.iter().any(|(h, _)| *h == d);
        out.push((d, !weekend && !holiday));
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{BUILTIN_TSV, parse_tsv};
    use jiff::civil::date as d;

    /// The festival dates the State Council's notices of 2020–2026 give.
    #[test]
    fn lunar_and_solar_term_dates_match_the_official_notices() {
        let expected: [(i16, Date, Date, Date, Date); 7] = [
            // year, 春节 (正月初一), 清明, 端午, 中秋
            (
                2020,
                d(2020, 1, 25),
                d(2020, 4, 4),
                d(2020, 6, 25),
                d(2020, 10, 1),
            ),
            (
                2021,
                d(2021, 2, 12),
                d(2021, 4, 4),
                d(2021, 6, 14),
                d(2021, 9, 21),
            ),
            (2022, d(2022, 2, 1), d(2022, 4, 5), d(2022, 6, 3), d(2022, 9, 10)),
            (
                2023,
                d(2023, 1, 22),
                d(2023, 4, 5),
                d(2023, 6, 22),
                d(2023, 9, 29),
            ),
            (
                2024,
                d(2024, 2, 10),
                d(2024, 4, 4),
                d(2024, 6, 10),
                d(2024, 9, 17),
            ),
            (
                2025,
                d(2025, 1, 29),
                d(2025, 4, 4),
                d(2025, 5, 31),
                d(2025, 10, 6),
            ),
            (
                2026,
                d(2026, 2, 17),
                d(2026, 4, 5),
                d(2026, 6, 19),
                d(2026, 9, 25),
            ),
        ];
        for (year, spring, qm, dragon, autumn) in expected {
            let h = statutory_holidays(year).unwrap_or_default();
            assert_eq!(h.len(), 13, "{year}");
            let of = |f: Festival| {
                h.iter()
                    .filter(|(_, x)| *x == f)
                    .map(|(d, _)| *d)
                    .collect::<Vec<_>>()
            };
            let sf = of(Festival::SpringFestival);
            assert_eq!(sf.get(1), Some(&spring), "{year} 春节");
            assert_eq!(sf.first(), spring.yesterday().ok().as_ref(), "{year} 除夕");
            assert_eq!(of(Festival::Qingming), vec![qm], "{year} 清明");
            assert_eq!(of(Festival::DragonBoat), vec![dragon], "{year} 端午");
            assert_eq!(of(Festival::MidAutumn), vec![autumn], "{year} 中秋");
        }
    }

    /// Every statutory holiday of 2020–2026 was a rest day in the official
    /// schedule, except 除夕 before 2025 (the 2024 revision added it; earlier
    /// schedules made it a rest day only in some years).
    #[test]
    fn statutory_days_are_official_rest_days() {
        let official = parse_tsv(BUILTIN_TSV).unwrap_or_default();
        let rest = |day: Date| official.iter().any(|(x, w)| *x == day && !*w);
        for year in 2020..=2026 {
            for (i, (day, f)) in statutory_holidays(year)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                // Sorted by date, 除夕 is the second day (after 元旦).
                if year < 2025 && f == Festival::SpringFestival && i == 1 {
                    continue;
                }
                assert!(rest(day), "{day} ({}) was a working day in {year}", f.label());
            }
        }
    }

    /// Provisional 2025 and 2026 differ from the official years only where the
    /// official schedule moved days (调休 and bridge days): never a statutory
    /// holiday counted as a working day.
    #[test]
    fn provisional_years_differ_from_official_only_by_make_up_days() {
        let official = parse_tsv(BUILTIN_TSV).unwrap_or_default();
        for year in [2025, 2026] {
            let prov = provisional_year(year).unwrap_or_default();
            assert_eq!(prov.len(), 365);
            let mut differ = 0;
            for (day, w) in &prov {
                let o = official.iter().find(|(x, _)| x == day).map(|(_, w)| *w);
                if o != Some(*w) {
                    differ += 1;
                    // Either a make-up Saturday/Sunday (official work) or a bridge day (official rest).
                    assert!(
                        o == Some(true) && matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
                            || o == Some(false) && *w,
                        "{day}"
                    );
                }
            }
            assert!(differ <= 20, "{year}: {differ} days differ");
        }
    }

    #[test]
    fn provisional_2027_and_2028() {
        let y27 = provisional_year(2027).unwrap_or_default();
        assert_eq!(y27.len(), 365);
        let rest = |y: &[CalendarDay], day: Date| y.iter().any(|(x, w)| *x == day && !*w);
        // 2027: 春节 2月6日 (除夕 2月5日), 清明 4月5日, 端午 6月9日, 中秋 9月15日.
        for day in [
            d(2027, 1, 1),
            d(2027, 2, 5),
            d(2027, 2, 8),
            d(2027, 4, 5),
            d(2027, 5, 3),
            d(2027, 6, 9),
            d(2027, 9, 15),
            d(2027, 10, 1),
        ] {
            // 2027-05-03 is a Monday and not a holiday: a working day.
            if day == d(2027, 5, 3) {
                assert!(!rest(&y27, day));
            } else {
                assert!(rest(&y27, day), "{day}");
            }
        }
        let y28 = provisional_year(2028).unwrap_or_default();
        assert_eq!(y28.len(), 366);
        // 2028: 春节 1月26日, 除夕 1月25日.
        assert!(rest(&y28, d(2028, 1, 25)) && rest(&y28, d(2028, 1, 28)));
        assert!(!rest(&y28, d(2028, 1, 24)));
    }

    #[test]
    fn years_outside_the_tables_are_refused() {
        assert_eq!(
            statutory_holidays(2100).map(|_| ()),
            Err(CalendarError::MissingYear(2100))
        );
        assert_eq!(
            provisional_year(1900).map(|_| ()),
            Err(CalendarError::MissingYear(1900))
        );
    }
}
