// Start GOV.UK Frontend's components (error summary focus, service navigation toggle, …).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// "Select all" for a table of checkboxes: a header cell marked data-select-all="NAME" gets a
// checkbox that ticks or clears every box called NAME in its table. Without JavaScript each box
// is ticked on its own.
document.querySelectorAll("[data-select-all]").forEach((cell) => {
  const table = cell.closest("table");
  const boxes = [...table.querySelectorAll(`input[type=checkbox][name="${cell.dataset.selectAll}"]`)];
  if (!boxes.length) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.id = `select-all-${cell.dataset.selectAll}`;
  all.setAttribute("aria-label", "Select every row on this page");
  all.addEventListener("change", () => boxes.forEach((box) => (box.checked = all.checked)));
  cell.replaceChildren(all);
});
