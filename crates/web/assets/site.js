// Small helpers for the pages: print buttons, confirm prompts, re-queueing a
// skipped ticket. No build step, no inline script (the pages' CSP forbids it).
// 长辈模式: one tap for larger type and a simpler page, remembered on this device.
function applyElder(on) {
  document.documentElement.classList.toggle("elder", on);
  for (const b of document.querySelectorAll("[data-elder]")) {
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.textContent = on ? "标准模式" : "长辈模式";
  }
}
applyElder(localStorage.getItem("govhall.elder") === "on");
document.addEventListener("DOMContentLoaded", () => applyElder(localStorage.getItem("govhall.elder") === "on"));

// 朗读: reads a guide's key points aloud with the device's own voice (offline
// where the system has a Chinese voice); says so when it has none.
function readAloud(button) {
  const target = document.getElementById(button.dataset.read);
  const status = document.getElementById("read-status");
  if (!("speechSynthesis" in window) || !target) {
    if (status) status.textContent = "本设备不支持朗读，请到一楼综合咨询台咨询。";
    return;
  }
  if (speechSynthesis.speaking) {
    speechSynthesis.cancel();
    button.textContent = "朗读要点";
    return;
  }
  const utterance = new SpeechSynthesisUtterance(target.innerText);
  utterance.lang = "zh-CN";
  utterance.rate = 0.85;
  const voices = speechSynthesis.getVoices();
  const chinese = voices.find((v) => v.lang && v.lang.toLowerCase().startsWith("zh"));
  if (voices.length && !chinese && status) status.textContent = "本设备没有中文语音，朗读可能不清楚。";
  if (chinese) utterance.voice = chinese;
  utterance.onend = () => { button.textContent = "朗读要点"; };
  button.textContent = "停止朗读";
  speechSynthesis.speak(utterance);
}

document.addEventListener("click", async (event) => {
  const elder = event.target.closest("[data-elder]");
  if (elder) {
    const on = !document.documentElement.classList.contains("elder");
    localStorage.setItem("govhall.elder", on ? "on" : "off");
    applyElder(on);
    return;
  }
  const reader = event.target.closest("[data-read]");
  if (reader) {
    readAloud(reader);
    return;
  }
  const requeue = event.target.closest("[data-requeue]");
  if (requeue) {
    const r = await fetch(`/api/tickets/${encodeURIComponent(requeue.dataset.requeue)}/requeue`, { method: "POST" });
    if (r.ok) {
      location.reload();
    } else {
      const b = await r.json().catch(() => ({}));
      alert((b.error && b.error.message) || "无法重新排队，请到咨询台");
    }
    return;
  }
  const target = event.target.closest("[data-print]");
  if (target) {
    event.preventDefault();
    window.print();
  }
  if (event.target.closest("[data-back]")) {
    event.preventDefault();
    history.back();
  }
  // A button that opens a page (kiosk screens show no links).
  const go = event.target.closest("button[data-go]");
  if (go) {
    event.preventDefault();
    location.href = go.dataset.go;
  }
  const confirmer = event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) {
    event.preventDefault();
  }
});

// A page that prints itself when opened with ?print (the kiosk's ticket).
if (document.body && document.body.hasAttribute("data-autoprint") && new URLSearchParams(location.search).has("print")) {
  window.addEventListener("load", () => window.print());
}

// A checkbox that hides a block while ticked (匿名投诉 hides the name and phone).
document.querySelectorAll("[data-hides]").forEach((box) => {
  const target = document.getElementById(box.dataset.hides);
  const sync = () => {
    if (target) target.hidden = box.checked;
  };
  box.addEventListener("change", sync);
  sync();
});
