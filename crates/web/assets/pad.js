// Window evaluation pad (窗口评价器): pair once, show the staff member on
// duty (三亮), and when a ticket is finished at this window ask the citizen to
// rate it; a 差评 asks for reasons. Back to idle after IDLE_TIMEOUT_MS without a touch.
const IDLE_TIMEOUT_MS = 30000;
const POLL_MS = 1500;
const THANKS_MS = 5000;

const $ = (id) => document.getElementById(id);
const screens = ["pair", "idle", "rate", "reasons", "thanks"];
let screen = document.body.dataset.paired === "1" ? "idle" : "pair";
let lastTouch = Date.now();
let current = null; // the pending ticket being rated
let chosen = null; // the level chosen, when reasons are asked
let reasons = [];
// Tickets already rated or abandoned here: never asked again.
const handled = new Set();

function show(name) {
  screen = name;
  for (const s of screens) $(`screen-${s}`).hidden = s !== name;
}

function text(id, value) {
  $(id).textContent = value || "—";
}

function renderIdle(state) {
  const title = `${state.window}号窗口`;
  const name = state.window_name && state.window_name !== title ? ` · ${state.window_name}` : "";
  $("pad-window").textContent = title + name;
  const staff = state.staff;
  text("staff-name", staff?.name);
  text("staff-number", staff?.number);
  text("staff-duties", staff?.duties);
  const photo = $("staff-photo");
  if (staff?.photo) {
    if (photo.getAttribute("src") !== staff.photo) photo.src = staff.photo;
    photo.hidden = false;
    $("staff-nophoto").hidden = true;
  } else {
    photo.hidden = true;
    $("staff-nophoto").hidden = false;
  }
}

function askRating(state) {
  current = state.pending;
  reasons = state.reasons || [];
  lastTouch = Date.now();
  $("rate-number").textContent = current.number;
  const box = $("rate-buttons");
  box.replaceChildren();
  // The CSS sizes the keys by their count: all equal, in one row.
  box.dataset.count = String(state.buttons.length);
  for (const b of state.buttons) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `rate rate-${b.level}`;
    button.dataset.level = b.level;
    button.textContent = b.label;
    button.addEventListener("click", () => (b.bad ? askReasons(b.level) : submit(b.level, [], "")));
    box.append(button);
  }
  show("rate");
}

function askReasons(level) {
  chosen = level;
  const box = $("reason-buttons");
  box.replaceChildren();
  box.classList.toggle("many", reasons.length > 6);
  for (const r of reasons) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reason";
    button.textContent = r;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    box.append(button);
  }
  $("comment").value = "";
  $("reasons-error").hidden = true;
  show("reasons");
}

async function submit(level, picked, comment) {
  if (!current) return;
  const ticket = current;
  try {
    // The pad is identified by its HttpOnly cookie (or an X-Pad-Token header).
    const resp = await fetch("/api/evaluations", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ticket_id: ticket.ticket_id, channel: "pad", level, reasons: picked, comment }),
    });
    if (resp.ok || resp.status === 409) {
      handled.add(ticket.ticket_id);
      current = null;
      $("thanks-text").textContent = resp.ok ? "谢谢您的评价" : "本次服务已评价，谢谢您";
      show("thanks");
      setTimeout(() => screen === "thanks" && show("idle"), THANKS_MS);
      return;
    }
    const answer = await resp.json().catch(() => ({}));
    fail(answer.error?.message || "提交失败，请重试");
  } catch {
    fail("网络故障，请稍后重试");
  }
}

function fail(message) {
  if (screen === "reasons") {
    $("reasons-error").textContent = message;
    $("reasons-error").hidden = false;
  } else {
    alert(message);
  }
}

$("reasons-submit").addEventListener("click", () => {
  const picked = [...document.querySelectorAll("#reason-buttons .reason[aria-pressed=true]")].map((b) => b.textContent);
  if (picked.length === 0) {
    $("reasons-error").textContent = "请至少选择一项不满意的原因";
    $("reasons-error").hidden = false;
    return;
  }
  submit(chosen, picked, $("comment").value.trim());
});
$("reasons-back").addEventListener("click", () => show("rate"));

$("pair-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("pair-error");
  error.hidden = true;
  try {
    const resp = await fetch("/api/pad/pair", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: $("pair-code").value }),
    });
    const answer = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      error.textContent = answer.error?.message || "配对失败";
      error.hidden = false;
      return;
    }
    $("pair-code").value = "";
    show("idle");
    poll();
  } catch {
    error.textContent = "网络故障，请稍后重试";
    error.hidden = false;
  }
});

async function poll() {
  if (screen === "pair") return;
  try {
    const resp = await fetch("/api/pad/state", { cache: "no-store" });
    $("pad-offline").hidden = true;
    if (resp.status === 401) {
      current = null;
      show("pair");
      return;
    }
    if (!resp.ok) return;
    const state = await resp.json();
    if (state.paired === false) {
      current = null;
      show("pair");
      return;
    }
    renderIdle(state);
    if (screen === "idle" && state.pending && !handled.has(state.pending.ticket_id)) askRating(state);
  } catch {
    $("pad-offline").hidden = false;
  }
}

for (const kind of ["pointerdown", "keydown", "touchstart"]) {
  document.addEventListener(kind, () => (lastTouch = Date.now()), { passive: true });
}

setInterval(() => {
  if ((screen === "rate" || screen === "reasons") && Date.now() - lastTouch > IDLE_TIMEOUT_MS) {
    if (current) handled.add(current.ticket_id);
    current = null;
    show("idle");
  }
}, 1000);
setInterval(poll, POLL_MS);
show(screen);
poll();
