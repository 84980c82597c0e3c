//! Personal data at rest (个人信息加密存储): phones, addresses and — later —
//! ID numbers are sealed with XChaCha20-Poly1305 before they reach the store.
//!
//! The key is derived from `settings.security.data_key` with HMAC-SHA256, so the same
//! secret that keys the lookup hashes ([`crate::queue::person_key`]) never
//! serves as a cipher key itself. Each value gets a fresh random 24-byte
//! nonce, stored with it: `v1:` + hex(nonce ‖ ciphertext ‖ tag). The purpose
//! ("home_visit.phone") is bound as associated data, so a sealed value cannot
//! be moved to another column and still open.

use crate::{AppError, AppResult};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

const VERSION: &str = "v1:";
const NONCE_LEN: usize = 24;

/// Seals and opens personal data with the hall's data key.
pub struct DataCipher {
    cipher: XChaCha20Poly1305,
}

impl DataCipher {
    /// The cipher of `data_key` (any length; the settings demand at least 16 characters).
    pub fn new(data_key: &str) -> AppResult<DataCipher> {
        // HMAC takes keys of any length; the error exists only for fixed-size MACs.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(data_key.as_bytes()).map_err(AppError::internal)?;
        mac.update(b"govhall/data-encryption/v1");
        let bytes: [u8; 32] = mac.finalize().into_bytes().into();
        Ok(DataCipher {
            cipher: XChaCha20Poly1305::new(&Key::from(bytes)),
        })
    }

    /// Encrypts `plain` for the column named by `purpose`.
    pub fn seal(&self, purpose: &str, plain: &str) -> AppResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        // The thread RNG is a CSPRNG seeded from the operating system.
        rand::rng().fill(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| AppError::internal(CipherError("加密失败")))?;
        let mut out = String::with_capacity(VERSION.len() + 2 * (NONCE_LEN + sealed.len()));
        out.push_str(VERSION);
        out.push_str(&hex::encode(nonce));
        out.push_str(&hex::encode(sealed));
        Ok(out)
    }

    /// Decrypts a value sealed by [`DataCipher::seal`] for the same purpose.
    /// A wrong key, a wrong purpose or a changed byte is an error (never garbage).
    pub fn open(&self, purpose: &str, sealed: &str) -> AppResult<String> {
        let corrupt = || AppError::internal(CipherError("加密数据无法解密（密钥不符或数据损坏）"));
        let body = sealed.strip_prefix(VERSION).ok_or_else(corrupt)?;
        let bytes = hex::decode(body).map_err(|_| corrupt())?;
        if bytes.len() < NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| corrupt())?;
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| corrupt())?;
        String::from_utf8(plain).map_err(|_| corrupt())
    }
}

#[derive(Debug)]
struct CipherError(&'static str);

impl std::fmt::Display for CipherError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for CipherError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens() {
        let c = DataCipher::new("a-test-key-of-enough-length").unwrap();
        let a = c.seal("phone", "13812345678").unwrap();
        let b = c.seal("phone", "13812345678").unwrap();
        assert!(a.starts_with("v1:"));
        assert_ne!(a, b, "a fresh nonce every time");
        assert!(!a.contains("13812345678"));
        assert_eq!(c.open("phone", &a).unwrap(), "13812345678");
        assert_eq!(c.open("phone", &c.seal("phone", "").unwrap()).unwrap(), "");
    }

    #[test]
    fn refuses_wrong_key_purpose_or_tampering() {
        let c = DataCipher::new("a-test-key-of-enough-length").unwrap();
        let sealed = c.seal("address", "北京市东城区某街道1号").unwrap();
        assert_eq!(c.open("address", &sealed).unwrap(), "北京市东城区某街道1号");
        assert!(c.open("phone", &sealed).is_err(), "bound to its purpose");
        let other = DataCipher::new("another-key-of-enough-length").unwrap();
        assert!(other.open("address", &sealed).is_err());
        let mut tampered = sealed.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        assert!(c.open("address", &tampered).is_err());
        for bad in ["", "v1:", "v1:zz", "v2:00", "13812345678"] {
            assert!(c.open("address", bad).is_err(), "{bad}");
        }
    }
}
