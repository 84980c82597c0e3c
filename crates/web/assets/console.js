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

function setCurrent(ticket) {
  current = ticket;
  document.getElementById("current-number").textContent = ticket ? ticket.number : "—";
  document.getElementById("current-state").textContent = ticket ? `（${ticket.status === "called" ? "已叫号" : ticket.status}）` : "";
  const accept = document.getElementById("accept-case");
  if (accept) accept.href = ticket ? `/cases/new?ticket=${encodeURIComponent(ticket.id)}` : "/cases/new";
}

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
      r = await post(`/api/windows/${windowNumber}/call`);
      if (r.status === 204) { setCurrent(null); show("目前没有人等候"); return; }
      if (r.status === 200) { setCurrent(r.data.ticket); show(`已叫 ${r.data.ticket.number}`); return; }
    } else if (act === "pause" || act === "open") {
      const reason = document.getElementById("pause-reason").value;
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
  }
});
