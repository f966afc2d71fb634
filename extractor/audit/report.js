// report.html: sort the tables, filter the findings. No framework, no network.
"use strict";

function cellKey(row, index) {
  const cell = row.cells[index];
  if (!cell) return "";
  return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
}

function compareKeys(a, b) {
  const x = parseFloat(a), y = parseFloat(b);
  const numeric = /^-?[\d.]+%?$/;
  if (numeric.test(a) && numeric.test(b) && !isNaN(x) && !isNaN(y)) return x - y;
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
}

function makeSortable(table) {
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((th, index) => {
    th.title = "Sort by " + th.textContent.trim();
    th.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(h => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((r1, r2) => compareKeys(cellKey(r1, index), cellKey(r2, index)) * (ascending ? 1 : -1));
      rows.forEach(r => body.appendChild(r));
    });
  });
}

function applyFilters() {
  const value = id => document.getElementById(id).value;
  const severity = value("filter-severity"), rule = value("filter-rule"), page = value("filter-page");
  const text = value("filter-text").trim().toLowerCase();
  let shown = 0;
  document.querySelectorAll("[data-finding]").forEach(el => {
    const d = el.dataset;
    const ok = (!severity || d.severity === severity) && (!rule || d.rule === rule) &&
      (!page || d.page === page) && (!text || el.textContent.toLowerCase().includes(text));
    el.classList.toggle("hidden", !ok);
    if (ok && el.tagName === "TR") shown += 1;
  });
  document.getElementById("filter-count").textContent = shown + " shown";
}

document.querySelectorAll("table.sortable").forEach(makeSortable);
["filter-severity", "filter-rule", "filter-page", "filter-text"].forEach(id => {
  const el = document.getElementById(id);
  if (el) el.addEventListener("input", applyFilters);
});
if (document.getElementById("filter-count")) applyFilters();
