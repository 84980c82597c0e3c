// Hall display: live calls over SSE (the browser resends Last-Event-ID on
// reconnect, so no call is missed), a voice from the server or a chime.
const onlyWindow = document.body.dataset.window || null;
const conn = document.getElementById("conn");
const history = document.getElementById("history");
const queue = [];
let speaking = false;
// Browsers refuse sound until a person taps once (autoplay policy): one tap
// on 开启声音 enables it and is remembered; a TV started with
// --autoplay-policy=no-user-gesture-required never needs it (docs/hall-setup.md).
const soundButton = document.getElementById("sound");
let soundOn = localStorage.getItem("govhall.display.sound") === "on";
let audioCtx = null;

function askForSound() {
  if (soundButton) soundButton.hidden = false;
}

function enableSound() {
  try {
    audioCtx = audioCtx || new AudioContext();
    audioCtx.resume();
  } catch { /* no audio device */ }
  soundOn = true;
  localStorage.setItem("govhall.display.sound", "on");
  if (soundButton) soundButton.hidden = true;
}

if (soundButton) soundButton.addEventListener("click", enableSound);
try {
  audioCtx = new AudioContext();
  if (audioCtx.state !== "running") askForSound();
} catch { askForSound(); }
if (!soundOn) askForSound();

function chime() {
  try {
    const ctx = audioCtx || new AudioContext();
    if (ctx.state !== "running") { askForSound(); return; }
    [880, 660].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.35);
      osc.stop(ctx.currentTime + i * 0.35 + 0.3);
    });
  } catch { /* no audio device */ }
}

function announce(call) {
  queue.push(call);
  if (!speaking) next();
}

function next() {
  const call = queue.shift();
  if (!call) { speaking = false; return; }
  speaking = true;
  const audio = new Audio(`/display/voice/${call.id}`);
  audio.onended = () => setTimeout(next, 400);
  audio.onerror = () => { chime(); setTimeout(next, 1200); };
  audio.play().catch((e) => {
    if (e && e.name === "NotAllowedError") askForSound();
    chime();
    setTimeout(next, 1200);
  });
}

function show(call) {
  if (onlyWindow && call.window !== onlyWindow) return;
  document.getElementById("latest-number").textContent = call.number;
  const win = document.getElementById("latest-window");
  if (win) win.textContent = `请到 ${call.window} 号窗口`;
  const row = document.querySelector(`tr[data-window="${CSS.escape(call.window)}"] .current`);
  if (row) row.textContent = call.number;
  if (history) {
    const li = document.createElement("li");
    li.textContent = `${call.number} → ${call.window}号窗口`;
    history.prepend(li);
    while (history.children.length > 8) history.lastChild.remove();
  }
  if (!onlyWindow) announce(call);
  refreshState();
}

// The waiting counts, from the records (also after a reload or a restart).
async function refreshState() {
  try {
    const r = await fetch("/api/display/state", { cache: "no-store" });
    if (!r.ok) return;
    const state = await r.json();
    for (const el of document.querySelectorAll(".waiting-item")) {
      const n = state.waiting[el.dataset.category];
      const b = el.querySelector("b");
      if (b && n !== undefined) b.textContent = n;
    }
  } catch { /* the stream's reconnect message covers an outage */ }
}
setInterval(refreshState, 5000);

function connect() {
  const source = new EventSource("/api/display/stream");
  source.addEventListener("call", (event) => show(JSON.parse(event.data)));
  source.onopen = () => { conn.textContent = ""; };
  // EventSource retries by itself, also after the server restarts.
  source.onerror = () => { conn.textContent = "连接中断，正在自动重连…"; };
}

function tick() {
  const clock = document.getElementById("clock");
  if (clock) clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false });
}
setInterval(tick, 1000);
tick();
connect();
