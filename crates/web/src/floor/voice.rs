//! Call announcements (语音播报). The hall's recorded prompts ship inside
//! govhall (`assets/voice`, made once by scripts/make-voice-prompts.sh) and
//! are joined at run time, so a fresh machine announces calls with no speech
//! engine installed. A call no prompt can say (a window named in words)
//! falls back to espeak-ng where installed; nothing depends on the internet.

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::process::Command;

/// Spoken WAV files by phrase. A hall has few distinct phrases a day.
#[derive(Default)]
pub struct VoiceCache {
    wavs: Mutex<HashMap<String, Vec<u8>>>,
}

const MAX_CACHED: usize = 5000;

/// The recorded prompts by name (see `domain::queue::call_prompts`).
const PROMPTS: &[(&str, &[u8])] = &[
    ("ba", include_bytes!("../../assets/voice/ba.wav")),
    ("banli", include_bytes!("../../assets/voice/banli.wav")),
    ("dao", include_bytes!("../../assets/voice/dao.wav")),
    ("er", include_bytes!("../../assets/voice/er.wav")),
    ("hao", include_bytes!("../../assets/voice/hao.wav")),
    (
        "hao_chuangkou",
        include_bytes!("../../assets/voice/hao_chuangkou.wav"),
    ),
    ("jiu", include_bytes!("../../assets/voice/jiu.wav")),
    ("letter_a", include_bytes!("../../assets/voice/letter_a.wav")),
    ("letter_b", include_bytes!("../../assets/voice/letter_b.wav")),
    ("letter_c", include_bytes!("../../assets/voice/letter_c.wav")),
    ("letter_d", include_bytes!("../../assets/voice/letter_d.wav")),
    ("letter_e", include_bytes!("../../assets/voice/letter_e.wav")),
    ("letter_f", include_bytes!("../../assets/voice/letter_f.wav")),
    ("letter_g", include_bytes!("../../assets/voice/letter_g.wav")),
    ("letter_h", include_bytes!("../../assets/voice/letter_h.wav")),
    ("letter_i", include_bytes!("../../assets/voice/letter_i.wav")),
    ("letter_j", include_bytes!("../../assets/voice/letter_j.wav")),
    ("letter_k", include_bytes!("../../assets/voice/letter_k.wav")),
    ("letter_l", include_bytes!("../../assets/voice/letter_l.wav")),
    ("letter_m", include_bytes!("../../assets/voice/letter_m.wav")),
    ("letter_n", include_bytes!("../../assets/voice/letter_n.wav")),
    ("letter_o", include_bytes!("../../assets/voice/letter_o.wav")),
    ("letter_p", include_bytes!("../../assets/voice/letter_p.wav")),
    ("letter_q", include_bytes!("../../assets/voice/letter_q.wav")),
    ("letter_r", include_bytes!("../../assets/voice/letter_r.wav")),
    ("letter_s", include_bytes!("../../assets/voice/letter_s.wav")),
    ("letter_t", include_bytes!("../../assets/voice/letter_t.wav")),
    ("letter_u", include_bytes!("../../assets/voice/letter_u.wav")),
    ("letter_v", include_bytes!("../../assets/voice/letter_v.wav")),
    ("letter_w", include_bytes!("../../assets/voice/letter_w.wav")),
    ("letter_x", include_bytes!("../../assets/voice/letter_x.wav")),
    ("letter_y", include_bytes!("../../assets/voice/letter_y.wav")),
    ("letter_z", include_bytes!("../../assets/voice/letter_z.wav")),
    ("ling", include_bytes!("../../assets/voice/ling.wav")),
    ("liu", include_bytes!("../../assets/voice/liu.wav")),
    ("qi", include_bytes!("../../assets/voice/qi.wav")),
    ("qing", include_bytes!("../../assets/voice/qing.wav")),
    ("san", include_bytes!("../../assets/voice/san.wav")),
    ("shi", include_bytes!("../../assets/voice/shi.wav")),
    ("si", include_bytes!("../../assets/voice/si.wav")),
    ("wu", include_bytes!("../../assets/voice/wu.wav")),
    ("yi", include_bytes!("../../assets/voice/yi.wav")),
];

/// A short pause between words, in samples (60 ms).
const GAP_SECONDS: f64 = 0.06;

/// The PCM samples and format of one WAV file (its `fmt ` and `data` chunks).
fn pcm(wav: &[u8]) -> Option<(u32, u16, &[u8])> {
    if wav.len() < 12 || &wav[0..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return None;
    }
    let (mut rate, mut bits, mut data) = (None, None, None);
    let mut at = 12;
    while at + 8 <= wav.len() {
        let id = &wav[at..at + 4];
        let size = u32::from_le_bytes(wav[at + 4..at + 8].try_into().ok()?) as usize;
        let body = wav.get(at + 8..(at + 8 + size).min(wav.len()))?;
        match id {
            b"fmt " if body.len() >= 16 => {
                rate = Some(u32::from_le_bytes(body[4..8].try_into().ok()?));
                bits = Some(u16::from_le_bytes(body[14..16].try_into().ok()?));
            }
            b"data" => data = Some(body),
            _ => {}
        }
        at += 8 + size + (size % 2);
    }
    Some((rate?, bits?, data?))
}

/// Joins the named prompts into one mono WAV; `None` when one is missing.
pub fn join_prompts(names: &[&str]) -> Option<Vec<u8>> {
    let mut samples: Vec<u8> = Vec::new();
    let mut format = None;
    for name in names {
        let (_, wav) = PROMPTS.iter().find(|(n, _)| n == name)?;
        let (rate, bits, data) = pcm(wav)?;
        if *format.get_or_insert((rate, bits)) != (rate, bits) {
            return None;
        }
        samples.extend_from_slice(data);
        let gap = (f64::from(rate) * GAP_SECONDS) as usize * usize::from(bits / 8);
        samples.extend(std::iter::repeat_n(0u8, gap));
    }
    let (rate, bits) = format?;
    let block = u32::from(bits / 8);
    let len = u32::try_from(samples.len()).ok()?;
    let mut out = Vec::with_capacity(samples.len() + 44);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * block).to_le_bytes());
    out.extend_from_slice(&(block as u16).to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&samples);
    Some(out)
}

impl VoiceCache {
    /// The phrase as WAV, or `None` when no voice can be made here (the
    /// display then plays its chime).
    pub async fn announce(&self, number: &str, window: &str) -> Option<Vec<u8>> {
        if let Some(wav) = domain::queue::call_prompts(number, window).and_then(|p| join_prompts(&p)) {
            return Some(wav);
        }
        self.speak(&domain::queue::call_phrase(number, window)).await
    }

    /// A phrase from espeak-ng, where installed.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prompt_a_call_needs_is_shipped_and_joins() {
        let names = domain::queue::call_prompts("Z987", "45").unwrap();
        let wav = join_prompts(&names).unwrap();
        let (rate, bits, data) = pcm(&wav).unwrap();
        assert_eq!((rate, bits), (22050, 16));
        // Over two seconds of speech, under ten.
        let seconds = data.len() as f64 / f64::from(rate * 2);
        assert!((2.0..10.0).contains(&seconds), "{seconds}");
        for c in 'A'..='Z' {
            assert!(
                join_prompts(&domain::queue::call_prompts(&format!("{c}001"), "9").unwrap()).is_some(),
                "{c}"
            );
        }
        assert!(join_prompts(&["nope"]).is_none());
    }
}
