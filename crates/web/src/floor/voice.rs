//! Call announcements (语音播报) made on this server with espeak-ng's
//! Mandarin voice, cached per phrase; nothing depends on an internet service.

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::process::Command;

/// Spoken WAV files by phrase. A hall has few distinct phrases a day.
#[derive(Default)]
pub struct VoiceCache {
    wavs: Mutex<HashMap<String, Vec<u8>>>,
}

const MAX_CACHED: usize = 5000;

impl VoiceCache {
    /// The phrase as WAV, or `None` when no voice can be made here (the
    /// display then plays its chime).
    pub async fn speak(&self, phrase: &str) -> Option<Vec<u8>> {
        if let Ok(cache) = self.wavs.lock()
            && let Some(wav) = cache.get(phrase)
        {
            return Some(wav.clone());
        }
        let out = Command::new("espeak-ng")
            .args(["-v", "cmn-latn-pinyin", "-s", "140", "--stdout", phrase])
            .kill_on_drop(true)
            .output()
            .await
            .ok()?;
        if !out.status.success() || out.stdout.len() < 100 {
            tracing::warn!(status = ?out.status, "espeak-ng made no voice");
            return None;
        }
        if let Ok(mut cache) = self.wavs.lock() {
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(phrase.to_owned(), out.stdout.clone());
        }
        Some(out.stdout)
    }
}
