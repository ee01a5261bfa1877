// 年报评审工作台: drag-and-drop upload (files or whole folders) and the cell-source drawer.
// Plain script, no dependencies besides htmx; nothing is loaded from outside.
(function () {
  "use strict";
  const BATCH = 100; // files per request: under the server's count limit

  function $(sel) { return document.querySelector(sel); }

  async function upload(files) {
    files = files.filter((f) => !f.name.startsWith("."));
    if (!files.length) return;
    for (let i = 0; i < files.length; i += BATCH) {
      const form = new FormData();
      files.slice(i, i + BATCH).forEach((f) => form.append("files", f, f.name));
      const res = await fetch("/api/reports", { method: "POST", body: form, credentials: "same-origin" });
      if (!res.ok) {
        let msg = "上传失败（" + res.status + "）";
        try { msg = (await res.json()).error || msg; } catch (e) { /* not JSON */ }
        alert(msg);
        return;
      }
    }
    if (window.htmx) htmx.ajax("GET", "/progress?was_busy=true", { target: "#progress", swap: "innerHTML" });
  }

  function readEntry(entry) {
    return new Promise((resolve) => {
      if (entry.isFile) { entry.file((f) => resolve([f]), () => resolve([])); return; }
      if (!entry.isDirectory) { resolve([]); return; }
      const reader = entry.createReader();
      const all = [];
      const next = () => reader.readEntries(async (entries) => {
        if (!entries.length) {
          const nested = await Promise.all(all.map(readEntry));
          resolve(nested.flat());
          return;
        }
        all.push(...entries);
        next();
      }, () => resolve([]));
      next();
    });
  }

  function setupUpload() {
    const zone = $("#dropzone");
    if (!zone) return;
    ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, () => zone.classList.remove("over")));
    zone.addEventListener("drop", async (e) => {
      e.preventDefault();
      const items = Array.from(e.dataTransfer.items || []);
      const entries = items.map((it) => it.webkitGetAsEntry && it.webkitGetAsEntry()).filter(Boolean);
      const files = entries.length ? (await Promise.all(entries.map(readEntry))).flat() : Array.from(e.dataTransfer.files);
      upload(files);
    });
    ["#pick-files", "#pick-folder"].forEach((sel) => {
      const input = $(sel);
      if (input) input.addEventListener("change", () => { upload(Array.from(input.files)); input.value = ""; });
    });
  }

  function setupDrawer() {
    document.addEventListener("click", (e) => {
      const opener = e.target.closest("[data-drawer]");
      if (opener) {
        $("#drawer").hidden = false;
        document.querySelectorAll("td.pulse").forEach((td) => td.classList.remove("pulse"));
      }
      if (e.target.closest("#drawer-close") || e.target.closest("[data-close]")) $("#drawer").hidden = true;
    });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && $("#drawer")) $("#drawer").hidden = true; });
    // Pointing at a finding shows its cells.
    document.addEventListener("mouseover", (e) => {
      const card = e.target.closest(".finding[data-cells]");
      document.querySelectorAll("td.pulse").forEach((td) => td.classList.remove("pulse"));
      if (!card || !card.dataset.cells) return;
      card.dataset.cells.split(" ").forEach((key) => {
        const td = document.getElementById("cell-" + key);
        if (td) td.classList.add("pulse");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => { setupUpload(); setupDrawer(); });
})();
