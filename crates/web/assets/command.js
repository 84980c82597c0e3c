// 指挥中心: follows GET /api/dashboard/stream and rewrites the figures the
// server rendered. No framework; text only (never HTML from the data).
"use strict";

const conn = document.getElementById("cmd-conn");
const links = { floor: "/admin/floor", windows: "/admin/queue/windows" };

function text(el, value) {
  const s = value === null || value === undefined ? "—" : String(value);
  if (el.textContent !== s) el.textContent = s;
}

function link(href, label) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = label;
  return a;
}

function row(cells, className) {
  const tr = document.createElement("tr");
  if (className) tr.className = className;
  for (const c of cells) {
    const td = document.createElement("td");
    if (c instanceof Node) td.appendChild(c); else td.textContent = String(c);
    tr.appendChild(td);
  }
  return tr;
}

function fill(id, rows) {
  const body = document.getElementById(id);
  if (!body) return;
  body.replaceChildren(...rows);
}

function show(d) {
  for (const el of document.querySelectorAll("[data-field]")) {
    if (el.dataset.field in d) text(el, d[el.dataset.field]);
  }
  for (const el of document.querySelectorAll("[data-tone]")) {
    const tone = d.tones && d.tones[el.dataset.tone];
    if (!tone) continue;
    el.classList.remove("tone-normal", "tone-amber", "tone-red");
    el.classList.add("tone-" + tone);
  }
  text(document.getElementById("cmd-date"), d.date);
  fill("cmd-categories", d.categories.map((c) => row(
    [link(links.floor, c.prefix + " " + c.name), c.waiting, c.longest_wait_minutes, c.taken, c.served],
    "tone-" + c.tone)));
  fill("cmd-windows", d.windows.map((w) => row(
    [link(links.floor, w.name + (w.temporary ? "（临时）" : "")),
     w.status_label + (w.pause_reason ? "：" + w.pause_reason : ""), w.calls, w.served],
    "win-" + w.status_label)));
  fill("cmd-departments", d.departments.map((r) => {
    const q = "?department=" + encodeURIComponent(r.department);
    const amber = link("/admin/cases/worklist" + q, r.amber);
    amber.className = "tone-amber-text";
    const overdue = link("/admin/cases/overdue" + q, r.overdue);
    overdue.className = "tone-red-text";
    return row([r.department, amber, overdue]);
  }));
  document.getElementById("cmd-departments-empty").hidden = d.departments.length > 0;
  const flag = document.getElementById("cmd-red-flag");
  if (flag) {
    const f = d.red_flag;
    let s = "—";
    if (f && f.window) {
      s = f.window + "号窗口" + (f.name ? " " + f.name : "") + (f.score !== null ? "（" + f.score + " 分）" : "") +
        (f.frozen ? "" : " · 暂按本月记录");
    } else if (f) {
      s = "暂无窗口达标";
    }
    text(flag, s);
  }
  const camps = document.getElementById("cmd-campaigns");
  if (camps) {
    camps.replaceChildren(...d.campaigns.map((c) => {
      const div = document.createElement("div");
      div.className = "cmd-campaign";
      div.appendChild(link("/campaigns/" + c.id, c.name));
      div.appendChild(document.createTextNode("（" + c.from + " 至 " + c.to + "）"));
      const ul = document.createElement("ul");
      for (const k of c.kpis) {
        const li = document.createElement("li");
        if (k.met === true) li.className = "kpi-met";
        if (k.met === false) li.className = "kpi-miss";
        li.textContent = k.label + "：" + k.current_text + "（目标 " + k.target_text + "）";
        ul.appendChild(li);
      }
      div.appendChild(ul);
      return div;
    }));
    document.getElementById("cmd-campaigns-empty").hidden = d.campaigns.length > 0;
  }
  text(document.getElementById("cmd-updated"),
    new Date().toLocaleTimeString("zh-CN", { hour12: false }));
}

function connect() {
  const source = new EventSource("/api/dashboard/stream");
  source.onmessage = (event) => {
    try { show(JSON.parse(event.data)); } catch { /* a malformed event waits for the next */ }
  };
  source.onopen = () => { text(conn, "实时更新中"); conn.className = "cmd-conn live"; };
  // EventSource retries by itself, also after the server restarts.
  source.onerror = () => { text(conn, "连接中断，正在自动重连…"); conn.className = "cmd-conn down"; };
}

connect();
