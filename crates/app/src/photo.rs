//! Photos sent by tablets and forms (督查照片、黄牛登记照片): the bytes of a
//! `data:…;base64,…` URL or of bare base64, decoded with the `base64` crate.
//! Their type is then read from the bytes (`domain::photo`), never taken from
//! what the URL claims.

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard base64, with or without the `=` padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a photo's text could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoTextError {
    /// Not a `data:…;base64,…` URL (and bare base64 was not allowed).
    NotDataUrl,
    /// The base64 is broken.
    BadBase64,
}

/// The bytes a photo's text carries: a `data:…;base64,…` URL, or bare base64
/// when `bare_allowed`. Line breaks and spaces inside the base64 are ignored.
pub fn photo_bytes(text: &str, bare_allowed: bool) -> Result<Vec<u8>, PhotoTextError> {
    let text = text.trim();
    let encoded = match text.strip_prefix("data:") {
        Some(rest) => rest
            .split_once(";base64,")
            .map(|(_, b)| b)
            .ok_or(PhotoTextError::NotDataUrl)?,
        None if bare_allowed => text,
        None => return Err(PhotoTextError::NotDataUrl),
    };
    let compact: String = encoded.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT.decode(compact).map_err(|_| PhotoTextError::BadBase64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_and_bare_base64_decode() {
        let png = b"\x89PNG\r\n\x1a\n";
        let encoded = base64::engine::general_purpose::STANDARD.encode(png);
        assert_eq!(
            photo_bytes(&format!("data:image/png;base64,{encoded}"), false).unwrap(),
            png
        );
        assert_eq!(photo_bytes(encoded.trim_end_matches('='), true).unwrap(), png);
        assert_eq!(photo_bytes("aGVs\nbG8=", true).unwrap(), b"hello");
        assert_eq!(photo_bytes(&encoded, false), Err(PhotoTextError::NotDataUrl));
        assert_eq!(
            photo_bytes("data:image/png,plain", false),
            Err(PhotoTextError::NotDataUrl)
        );
        assert_eq!(
            photo_bytes("data:image/png;base64,a*b", false),
            Err(PhotoTextError::BadBase64)
        );
    }
}
