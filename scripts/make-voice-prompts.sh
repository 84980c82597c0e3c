#!/usr/bin/env bash
# Records the hall's call prompts (语音提示音) once, on a developer machine
# with espeak-ng: one WAV per word or digit, silence trimmed. govhall ships
# them (crates/web/assets/voice) and joins them at run time, so a hall
# machine needs no speech engine. Re-run only to change the voice.
set -euo pipefail
command -v espeak-ng >/dev/null || { echo "需要 espeak-ng：apt-get install espeak-ng" >&2; exit 1; }
cd "$(dirname "$0")/../crates/web/assets/voice"
python3 - <<'PY'
import subprocess, wave, struct
prompts = {'qing': '请', 'hao': '号', 'dao': '到', 'hao_chuangkou': '号窗口', 'banli': '办理',
           'ling': '零', 'yi': '一', 'er': '二', 'san': '三', 'si': '四', 'wu': '五', 'liu': '六',
           'qi': '七', 'ba': '八', 'jiu': '九', 'shi': '十'}
for c in 'ABCDEFGHIJKLMNOPQRSTUVWXYZ':
    prompts['letter_' + c.lower()] = c
for name, text in prompts.items():
    f = f'{name}.wav'
    subprocess.run(['espeak-ng', '-v', 'cmn', '-s', '130', '-a', '180', '-w', f, text], check=True)
    w = wave.open(f); n = w.getnframes(); rate = w.getframerate(); s = struct.unpack('<%dh' % n, w.readframes(n)); w.close()
    first = next((i for i, v in enumerate(s) if abs(v) > 300), 0)
    last = next((i for i in range(n - 1, -1, -1) if abs(s[i]) > 300), n - 1)
    a, b = max(0, first - rate // 50), min(n, last + rate // 50)
    out = wave.open(f, 'wb'); out.setnchannels(1); out.setsampwidth(2); out.setframerate(rate)
    out.writeframes(struct.pack('<%dh' % (b - a), *s[a:b])); out.close()
PY
echo "已生成 $(ls *.wav | wc -l) 个提示音"
