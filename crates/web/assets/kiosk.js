// Kiosk (自助取号机): a touch screen without a keyboard. Take a ticket (or
// check in an appointment), then open the 80 mm print page. The phone, ID and
// appointment code are typed on the on-screen keypads. No inline handlers
// (the CSP forbids them): everything is wired here.
const IDLE_RESET_MS = 90000;

const form = document.getElementById("take");
const errorBox = document.getElementById("kiosk-error");
const cats = document.getElementById("kiosk-cats");
const checkin = document.getElementById("checkin");
const checkinError = document.getElementById("checkin-error");
const checkinPanel = document.getElementById("checkin-panel");

function showError(box, message) {
  box.textContent = message;
  box.hidden = false;
}

// --- The keypads: each types into the chosen field of its own form. ---

// What a field accepts: digits; an ID number may end in X.
function clean(input, value) {
  const id = input.dataset.keys === "id";
  let kept = value.toUpperCase().replace(id ? /[^0-9X]/g : /[^0-9]/g, "");
  if (id) kept = kept.replace(/X(?=.)/g, "");
  return input.maxLength > 0 ? kept.slice(0, input.maxLength) : kept;
}

function setupKeypad(owner) {
  const keypad = owner?.querySelector("[data-keypad]");
  if (!keypad) return null;
  const inputs = [...owner.querySelectorAll("input[data-keys]")];
  let target = inputs[0];
  const xKey = keypad.querySelector("[data-key=X]");

  function refresh() {
    for (const input of inputs) input.closest(".kiosk-field")?.classList.toggle("is-target", input === target);
    // X is only the last character of an 18-character ID number.
    if (xKey) xKey.disabled = !(target.dataset.keys === "id" && target.value.length === target.maxLength - 1);
  }
  function choose(input) {
    target = input;
    refresh();
  }
  for (const input of inputs) {
    input.addEventListener("focus", () => choose(input));
    input.addEventListener("pointerdown", () => choose(input));
    input.addEventListener("input", () => {
      const value = clean(input, input.value);
      if (value !== input.value) input.value = value;
      refresh();
    });
  }
  keypad.addEventListener("click", (event) => {
    const key = event.target.closest("button[data-key]")?.dataset.key;
    if (!key) return;
    if (key === "back") target.value = target.value.slice(0, -1);
    else if (key === "clear") target.value = "";
    else target.value = clean(target, target.value + key);
    refresh();
  });
  // Touching a key must not take the highlight away from the field.
  keypad.addEventListener("pointerdown", (event) => event.preventDefault());
  refresh();
  return { reset: () => choose(inputs[0]) };
}

const takePad = setupKeypad(form);
const checkinPad = setupKeypad(checkin);

// --- Taking a ticket. ---

cats?.addEventListener("change", () => {
  cats.classList.remove("attention");
  if (errorBox.dataset.kind === "category") errorBox.hidden = true;
});

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  const data = new FormData(form);
  if (!data.get("category")) {
    errorBox.dataset.kind = "category";
    showError(errorBox, "请先选择业务类别（左侧第1步）");
    cats?.classList.add("attention");
    return;
  }
  errorBox.dataset.kind = "";
  const body = { category: data.get("category") };
  for (const key of ["phone", "id_number", "priority"]) {
    const value = (data.get(key) || "").trim();
    if (value) body[key] = value;
  }
  const go = form.querySelector(".kiosk-go");
  go.disabled = true;
  try {
    const resp = await fetch("/api/tickets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await resp.json();
    if (!resp.ok) {
      showError(errorBox, answer.error?.message || "取号失败，请到咨询台");
      go.disabled = false;
      return;
    }
    window.location.href = `/kiosk/ticket/${answer.id}?print=1`;
  } catch {
    showError(errorBox, "网络故障，请稍后再试或到咨询台取号");
    go.disabled = false;
  }
});

// --- Appointment check-in: the code becomes a ticket within the check-in window. ---

function showCheckin(on) {
  checkinPanel.hidden = !on;
  form.hidden = on;
  checkinError.hidden = true;
  if (on) checkinPad?.reset();
}
document.getElementById("to-checkin")?.addEventListener("click", () => showCheckin(true));
// 投诉: the complaint form in the kiosk's frame (a button: the kiosk shows no links).
document.getElementById("to-complaint")?.addEventListener("click", () => {
  location.href = "/complaint?kiosk=1";
});
// 智能导办: the kiosk's guide, in the same frame (a button, as above).
document.getElementById("to-guide")?.addEventListener("click", () => {
  location.href = "/kiosk/guide";
});
document.getElementById("to-take")?.addEventListener("click", () => showCheckin(false));

checkin?.addEventListener("submit", async (event) => {
  event.preventDefault();
  checkinError.hidden = true;
  const code = new FormData(checkin).get("code").trim();
  if (!/^[0-9]{6}$/.test(code)) {
    showError(checkinError, "请输入6位数字的预约号");
    return;
  }
  try {
    const resp = await fetch(`/api/appointments/${encodeURIComponent(code)}/checkin`, { method: "POST" });
    const answer = await resp.json();
    if (!resp.ok) {
      showError(checkinError, answer.error?.message || "签到失败，请到咨询台");
      return;
    }
    window.location.href = `/kiosk/ticket/${answer.id}?print=1`;
  } catch {
    showError(checkinError, "网络故障，请稍后再试或到咨询台");
  }
});

// --- Left alone, the kiosk forgets what the last person typed. ---

let lastTouch = Date.now();
for (const kind of ["pointerdown", "keydown"]) {
  document.addEventListener(kind, () => (lastTouch = Date.now()), { passive: true });
}
setInterval(() => {
  if (Date.now() - lastTouch < IDLE_RESET_MS) return;
  lastTouch = Date.now();
  form?.reset();
  checkin?.reset();
  errorBox.hidden = true;
  cats?.classList.remove("attention");
  if (checkinPanel) showCheckin(false);
  takePad?.reset();
}, 5000);
