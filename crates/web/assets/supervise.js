// /supervise on the inspector's tablet: pre-fills the window's staff, keeps
// the running deduction, reads camera photos as data URLs and posts the
// whole inspection to the JSON API with the session's CSRF header. Without
// this script the form still posts to /supervise (without photos).
(function () {
  "use strict";
  const form = document.getElementById("supervise");
  if (!form) return;
  const csrf = form.dataset.csrf;
  const maxPhotos = Number(form.dataset.maxPhotos || 6);
  const windowSelect = document.getElementById("window");
  const staffInput = document.getElementById("staff");
  const total = document.getElementById("total");
  const photoInput = document.getElementById("photos");
  const photoList = document.getElementById("photo-list");
  const message = document.getElementById("supervise-message");
  const submit = document.getElementById("submit");
  const fallback = document.getElementById("photo-fallback");
  if (fallback) fallback.hidden = true;
  let photos = [];

  function recount() {
    let sum = 0;
    form.querySelectorAll(".item").forEach(function (item) {
      const failed = item.querySelector('input[value="fail"]');
      if (failed && failed.checked) sum += Number(item.dataset.deduction || 0);
    });
    total.textContent = String(Math.round(sum * 10) / 10);
  }
  form.addEventListener("change", recount);
  recount();

  windowSelect.addEventListener("change", function () {
    const option = windowSelect.options[windowSelect.selectedIndex];
    staffInput.value = option ? option.dataset.staff || "" : "";
  });

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
    if (text) message.scrollIntoView({ block: "center" });
  }

  function drawPhotos() {
    photoList.textContent = "";
    photos.forEach(function (url, i) {
      const li = document.createElement("li");
      const img = document.createElement("img");
      img.src = url;
      img.alt = "现场照片" + (i + 1);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = "删除";
      remove.addEventListener("click", function () {
        photos.splice(i, 1);
        drawPhotos();
      });
      li.appendChild(img);
      li.appendChild(remove);
      photoList.appendChild(li);
    });
  }

  photoInput.addEventListener("change", function () {
    const files = Array.from(photoInput.files || []);
    files.forEach(function (file) {
      if (photos.length >= maxPhotos) {
        show("每次督查最多" + maxPhotos + "张照片");
        return;
      }
      if (file.size > 8 * 1024 * 1024) {
        show("照片“" + file.name + "”超过8MB");
        return;
      }
      const reader = new FileReader();
      reader.onload = function () {
        if (photos.length < maxPhotos) {
          photos.push(String(reader.result));
          drawPhotos();
        }
      };
      reader.readAsDataURL(file);
    });
    photoInput.value = "";
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show("");
    const results = [];
    form.querySelectorAll(".item").forEach(function (item) {
      const code = item.dataset.code;
      const failed = item.querySelector('input[value="fail"]');
      results.push({
        code: code,
        pass: !(failed && failed.checked),
        note: (item.querySelector("input.note") || {}).value || "",
      });
    });
    const kind = form.querySelector('input[name="kind"]:checked');
    const body = {
      kind: kind ? kind.value : "routine",
      window: windowSelect.value,
      staff: staffInput.value.split(/[,，、\s]+/).filter(Boolean),
      results: results,
      photos: photos,
      note: document.getElementById("note").value,
    };
    submit.disabled = true;
    fetch("/api/inspections", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body),
    })
      .then(function (resp) {
        return resp.json().then(function (data) {
          return { ok: resp.ok, data: data };
        }, function () {
          return { ok: false, data: {} };
        });
      })
      .then(function (answer) {
        if (answer.ok) {
          const text = "已记录" + body.window + "号窗口的督查，扣" + answer.data.deduction + "分";
          window.location.href = "/supervise?window=" + encodeURIComponent(body.window) + "&ok=" + encodeURIComponent(text);
          return;
        }
        const error = answer.data && answer.data.error;
        show(error ? error.message : "提交失败，请稍后重试");
        submit.disabled = false;
      })
      .catch(function () {
        show("网络连接失败，请检查网络后重试");
        submit.disabled = false;
      });
  });
})();
