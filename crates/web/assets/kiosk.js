// Kiosk: take a ticket, then open the 80 mm print page.
const form = document.getElementById("take");
const errorBox = document.getElementById("kiosk-error");
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  const data = new FormData(form);
  const body = { category: data.get("category") };
  for (const key of ["phone", "id_number", "priority"]) {
    const value = (data.get(key) || "").trim();
    if (value) body[key] = value;
  }
  try {
    const resp = await fetch("/api/tickets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await resp.json();
    if (!resp.ok) {
      errorBox.textContent = answer.error?.message || "取号失败，请到咨询台";
      errorBox.hidden = false;
      return;
    }
    window.location.href = `/kiosk/ticket/${answer.id}?print=1`;
  } catch {
    errorBox.textContent = "网络故障，请稍后再试或到咨询台取号";
    errorBox.hidden = false;
  }
});

// Appointment check-in: the code becomes a ticket within the check-in window.
const checkin = document.getElementById("checkin");
const checkinError = document.getElementById("checkin-error");
checkin?.addEventListener("submit", async (event) => {
  event.preventDefault();
  checkinError.hidden = true;
  const code = new FormData(checkin).get("code").trim();
  try {
    const resp = await fetch(`/api/appointments/${encodeURIComponent(code)}/checkin`, { method: "POST" });
    const answer = await resp.json();
    if (!resp.ok) {
      checkinError.textContent = answer.error?.message || "签到失败，请到咨询台";
      checkinError.hidden = false;
      return;
    }
    window.location.href = `/kiosk/ticket/${answer.id}?print=1`;
  } catch {
    checkinError.textContent = "网络故障，请稍后再试或到咨询台";
    checkinError.hidden = false;
  }
});
