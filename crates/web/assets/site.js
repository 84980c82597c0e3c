// Small helpers for the pages: print buttons, confirm prompts, re-queueing a
// skipped ticket. No build step, no inline script (the pages' CSP forbids it).
document.addEventListener("click", async (event) => {
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
  const confirmer = event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) {
    event.preventDefault();
  }
});

// A page that prints itself when opened with ?print (the kiosk's ticket).
if (document.body && document.body.hasAttribute("data-autoprint") && new URLSearchParams(location.search).has("print")) {
  window.addEventListener("load", () => window.print());
}
