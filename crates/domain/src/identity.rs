//! Identity checks (证件校验): 居民身份证号 (GB 11643), 统一社会信用代码
//! (GB 32100) and mobile numbers.

use jiff::civil::Date;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentityError {
    #[error("应为18位")]
    Length,
    #[error("含有不允许的字符")]
    Characters,
    #[error("出生日期无效")]
    BirthDate,
    #[error("出生日期晚于今天")]
    FutureBirthDate,
    #[error("校验位错误")]
    CheckCharacter,
    #[error("手机号应为以13-19开头的11位数字")]
    Mobile,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character of a 17-digit ID body (ISO 7064 MOD 11-2).
pub fn id_check_char(body: &str) -> Option<char> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in body.chars().zip(ID_WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(ID_CHECK[(sum % 11) as usize])
}

/// A validated 居民身份证号, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

impl IdNumber {
    /// Validates the number against `today` (birth dates in the future are refused).
    pub fn parse(raw: &str, today: Date) -> Result<IdNumber, IdentityError> {
        let s = raw.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(IdentityError::Length);
        }
        let (body, check) = s.split_at(17);
        if !body.chars().all(|c| c.is_ascii_digit()) || !check.chars().all(|c| c.is_ascii_digit() || c == 'X')
        {
            return Err(IdentityError::Characters);
        }
        let num = |r: std::ops::Range<usize>| body[r].parse::<i32>().unwrap_or(0);
        let birth = Date::new(num(6..10) as i16, num(10..12) as i8, num(12..14) as i8)
            .map_err(|_| IdentityError::BirthDate)?;
        if birth.year() < 1900 {
            return Err(IdentityError::BirthDate);
        }
        if birth > today {
            return Err(IdentityError::FutureBirthDate);
        }
        if id_check_char(body) != check.chars().next() {
            return Err(IdentityError::CheckCharacter);
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Masked for public screens: 3201**********123X.
    pub fn masked(&self) -> String {
        mask(&self.0, 4, 4)
    }
}

const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character of a 17-character USCC body (GB 32100, MOD 31).
pub fn uscc_check_char(body: &str) -> Option<char> {
    if body.chars().count() != 17 {
        return None;
    }
    let mut sum = 0usize;
    for (c, w) in body.chars().zip(USCC_WEIGHTS) {
        sum += USCC_ALPHABET.find(c)? * w;
    }
    USCC_ALPHABET.chars().nth((31 - sum % 31) % 31)
}

/// A validated 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(raw: &str) -> Result<Uscc, IdentityError> {
        let s = raw.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(IdentityError::Length);
        }
        if !s.chars().all(|c| USCC_ALPHABET.contains(c)) {
            return Err(IdentityError::Characters);
        }
        let (body, check) = s.split_at(17);
        if uscc_check_char(body) != check.chars().next() {
            return Err(IdentityError::CheckCharacter);
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a mainland mobile number: `1[3-9]` and 9 more digits.
pub fn validate_mobile(raw: &str) -> Result<(), IdentityError> {
    let b = raw.trim().as_bytes();
    let ok =
        b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    if ok { Ok(()) } else { Err(IdentityError::Mobile) }
}

/// Keeps `head` and `tail` characters and stars the rest.
pub fn mask(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// The text with every 身份证号 inside it (seventeen digits and a digit or X) masked like
/// [`IdNumber::masked`]: a licence's number may be the holder's ID number (法定代表人身份证
/// ID-11010519491231002X → ID-1101**********002X).
pub fn mask_id_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let tail = chars.get(i + run).copied();
        let starts_run = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if starts_run && run >= 17 {
            let len = if run == 17 && matches!(tail, Some('X' | 'x')) {
                18
            } else {
                run
            };
            let ends = chars.get(i + len).is_none_or(|c| !c.is_ascii_alphanumeric());
            if len == 18 && ends {
                let id: String = chars[i..i + 18].iter().collect();
                out.push_str(&mask(&id, 4, 4));
                i += 18;
                continue;
            }
        }
        let step = run.max(1);
        out.extend(&chars[i..i + step]);
        i += step;
    }
    out
}

/// A person's or organisation's name on a public screen: the first character
/// and two stars, whatever the length (张** for 张三 and 张三丰 alike), so the
/// mask does not tell how long the name is.
pub fn mask_name(name: &str) -> String {
    match name.trim().chars().next() {
        Some(first) => format!("{first}**"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn masked_names_do_not_tell_their_length() {
        assert_eq!(mask_name("张三"), "张**");
        assert_eq!(mask_name("欧阳娜娜"), "欧**");
        assert_eq!(mask_name(" 东海县某某餐饮有限公司"), "东**");
        assert_eq!(mask_name(""), "");
    }
    use proptest::prelude::*;

    const TODAY: Date = date(2026, 11, 23);

    #[test]
    fn known_id_numbers() {
        // The GB 11643 example number.
        assert!(IdNumber::parse("11010519491231002X", TODAY).is_ok());
        assert!(IdNumber::parse("11010519491231002x", TODAY).is_ok());
        assert_eq!(
            IdNumber::parse("11010519491231002x", TODAY).map(|i| i.as_str().to_owned()),
            Ok("11010519491231002X".to_owned())
        );
        assert_eq!(
            IdNumber::parse("110105194912310021", TODAY),
            Err(IdentityError::CheckCharacter)
        );
        assert_eq!(
            IdNumber::parse("11010519491331002X", TODAY),
            Err(IdentityError::BirthDate)
        );
        assert_eq!(IdNumber::parse("1101051949", TODAY), Err(IdentityError::Length));
    }

    #[test]
    fn future_birth_is_refused() {
        let body = "32072220301231001";
        let full = format!("{body}{}", id_check_char(body).unwrap_or('0'));
        assert_eq!(IdNumber::parse(&full, TODAY), Err(IdentityError::FutureBirthDate));
    }

    #[test]
    fn known_uscc() {
        assert!(Uscc::parse("91350100M000100Y43").is_ok());
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(IdentityError::CheckCharacter)
        );
        assert_eq!(Uscc::parse("91350100M000100YI3"), Err(IdentityError::Characters));
    }

    #[test]
    fn mobiles() {
        assert!(validate_mobile("13912345678").is_ok());
        assert!(validate_mobile("12912345678").is_err());
        assert!(validate_mobile("1391234567").is_err());
    }

    #[test]
    fn id_numbers_inside_a_text_are_masked() {
        assert_eq!(mask_id_numbers("ID-11010519491231002X"), "ID-1101**********002X");
        assert_eq!(
            mask_id_numbers("110105194912310021 与 LIC-9132"),
            "1101**********0021 与 LIC-9132"
        );
        // A longer number is not an ID number; a shorter one neither.
        assert_eq!(mask_id_numbers("1101051949123100211"), "1101051949123100211");
        assert_eq!(mask_id_numbers("LIC-91320722MA1X"), "LIC-91320722MA1X");
        assert_eq!(mask_id_numbers(""), "");
    }

    #[test]
    fn masking() {
        assert_eq!(mask("11010519491231002X", 4, 4), "1101**********002X");
        assert_eq!(mask("ab", 4, 4), "**");
    }

    proptest! {
        #[test]
        fn generated_ids_validate(seq in 0u32..999, day in 1i8..=28, month in 1i8..=12, year in 1930i16..2020) {
            let body = format!("320722{year:04}{month:02}{day:02}{seq:03}");
            let check = id_check_char(&body).unwrap_or('?');
            let good = format!("{body}{check}");
            prop_assert!(IdNumber::parse(&good, TODAY).is_ok());
            // Any other check character fails.
            for c in ID_CHECK.iter().filter(|c| **c != check) {
                let bad = format!("{body}{c}");
                prop_assert!(IdNumber::parse(&bad, TODAY).is_err());
            }
        }

        #[test]
        fn generated_uscc_validate(body in "[0-9A-HJ-NP-RTUW-Y]{17}") {
            let check = uscc_check_char(&body).unwrap_or('?');
            let good = format!("{body}{check}");
            prop_assert!(Uscc::parse(&good).is_ok());
        }
    }
}
