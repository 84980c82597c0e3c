// Window console: call, recall, finish, skip, transfer, pause. Uses the
// session cookie with the CSRF header.
const root = document.getElementById("console");
const windowNumber = root.dataset.window;
const csrf = root.dataset.csrf;
const msg = document.getElementById("console-msg");
let current = null;

function show(text) {
  msg.textContent = text;
  msg.hidden = !text;
}

const PRIORITY = { elderly: "老年人", disabled: "残疾人", pregnant: "孕妇", military: "军人" };
const STATUS = { called: "已叫号", serving: "办理中" };

function setCurrent(ticket) {
  current = ticket;
  document.getElementById("current-number").textContent = ticket ? ticket.number : "—";
  document.getElementById("current-state").textContent = ticket ? `（${STATUS[ticket.status] || ticket.status}）` : "";
  const flag = document.getElementById("current-priority");
  flag.hidden = !(ticket && ticket.priority);
  flag.textContent = ticket && ticket.priority ? `绿色通道·${PRIORITY[ticket.priority] || ticket.priority}` : "";
  tickTimer();
  const accept = document.getElementById("accept-case");
  if (accept) accept.href = ticket ? `/cases/new?ticket=${encodeURIComponent(ticket.id)}` : "/cases/new";
}

// The service timer counts from the call.
function tickTimer() {
  const el = document.getElementById("service-timer");
  if (!current || !current.called_at) { el.textContent = "—"; return; }
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(current.called_at)) / 1000));
  el.textContent = `${Math.floor(seconds / 60)}分${String(seconds % 60).padStart(2, "0")}秒`;
}
setInterval(tickTimer, 1000);

// The window's state lives on the server: a reload finds the ticket in service.
async function refresh() {
  try {
    const r = await fetch(`/api/windows/${encodeURIComponent(windowNumber)}/current`, { cache: "no-store" });
    if (!r.ok) return;
    const data = await r.json();
    if ((data.ticket && data.ticket.id) !== (current && current.id)) setCurrent(data.ticket);
    document.getElementById("waiting-count").textContent = data.waiting_count;
    const list = document.getElementById("waiting-list");
    list.replaceChildren(...data.waiting.map((t) => {
      const li = document.createElement("li");
      li.textContent = `${t.number}　已等${t.waited_minutes}分钟`;
      if (t.priority) {
        const flag = document.createElement("span");
        flag.className = "flag-green";
        flag.textContent = `绿色通道·${PRIORITY[t.priority] || t.priority}`;
        li.append(" ", flag);
      }
      return li;
    }));
  } catch { /* shown on the next action */ }
}
refresh();
setInterval(refresh, 5000);

async function post(url, body) {
  const resp = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(body || {}),
  });
  if (resp.status === 204) return { status: 204 };
  const data = await resp.json().catch(() => ({}));
  return { status: resp.status, data };
}

root.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-act]");
  if (!button) return;
  const act = button.dataset.act;
  button.disabled = true;
  try {
    let r;
    if (act === "call") {
      if (current && !confirm(`${current.number} 尚未办结。叫下一位将把 ${current.number} 记为办结，确定吗？`)) return;
      r = await post(`/api/windows/${windowNumber}/call`);
      if (r.status === 204) { setCurrent(null); show("目前没有人等候"); return; }
      if (r.status === 200) { setCurrent(r.data.ticket); show(`已叫 ${r.data.ticket.number}`); return; }
    } else if (act === "call-number") {
      const number = document.getElementById("call-number").value.trim().toUpperCase();
      if (!number) { show("请填写要叫的号码，如 A005"); return; }
      if (current && !confirm(`${current.number} 尚未办结。叫 ${number} 将把 ${current.number} 记为办结，确定吗？`)) return;
      r = await post(`/api/windows/${windowNumber}/call-number`, { number });
      if (r.status === 200) { setCurrent(r.data.ticket); show(`已叫 ${r.data.ticket.number}`); document.getElementById("call-number").value = ""; return; }
    } else if (act === "pause" || act === "open") {
      const reason = document.getElementById("pause-reason").value.trim();
      if (act === "pause" && !reason) { show("请先填写暂停原因（如：午休、系统维护）"); document.getElementById("pause-reason").focus(); return; }
      r = await post(`/api/windows/${windowNumber}/status`, { status: act === "pause" ? "paused" : "open", reason });
      if (r.status === 204) { document.getElementById("window-status").textContent = act === "pause" ? `暂停服务（${reason}）` : "服务中"; show(act === "pause" ? "已暂停服务" : "已恢复服务"); return; }
    } else {
      if (!current) { show("当前没有号票"); return; }
      const body = act === "transfer" ? { category: document.getElementById("transfer-to").value } : {};
      r = await post(`/api/tickets/${current.id}/${act}`, body);
      if (r.status === 200) {
        if (act === "recall") { show(`已重呼 ${current.number}`); return; }
        if (act === "transfer") { show(`已转移，新号 ${r.data.ticket.number}`); setCurrent(null); return; }
        show(`${current.number} ${act === "finish" ? "已办结" : "已过号"}`);
        setCurrent(null);
        return;
      }
    }
    show(r.data?.error?.message || "操作失败");
  } catch {
    show("网络故障，请重试");
  } finally {
    button.disabled = false;
    refresh();
  }
});
