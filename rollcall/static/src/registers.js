// Quicker register taking, on top of a form that works without JavaScript.
// In a pupil's mark: P (or /) present, L late, N absent with the reason not yet known; focus
// then moves to the next pupil. An arrival time picks L or U against the register's close, as
// the server does (WTISA: arrival by the close is L, after it U).

const SHORTCUTS = { p: "present", "/": "present", "\\": "present", l: "L", n: "N" };
const ARRIVAL_CODES = new Set(["/", "\\", "L", "U"]);

function minutes(time) {
  const [hours, mins] = time.split(":").map(Number);
  return hours * 60 + mins;
}

function setUp(table) {
  const present = table.dataset.present;
  const opens = minutes(table.dataset.opens);
  const closes = minutes(table.dataset.closes);
  const selects = [...table.querySelectorAll("select[data-register-code]")];

  const hasOption = (select, code) => [...select.options].some((o) => o.value === code);

  selects.forEach((select, index) => {
    select.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const wanted = SHORTCUTS[event.key.toLowerCase()];
      if (!wanted) return;
      const code = wanted === "present" ? present : wanted;
      if (!hasOption(select, code)) return;
      event.preventDefault();
      select.value = code;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      const next = selects[index + 1];
      if (next) next.focus();
    });
  });

  table.querySelectorAll("input[data-register-arrival]").forEach((input) => {
    input.addEventListener("change", () => {
      const select = input.closest("tr").querySelector("select[data-register-code]");
      if (!input.value || !select) return;
      if (select.value !== "" && !ARRIVAL_CODES.has(select.value)) return;
      const arrived = minutes(input.value);
      select.value = arrived <= opens ? present : arrived <= closes ? "L" : "U";
    });
  });

  document
    .querySelectorAll("[data-register-shortcuts]")
    .forEach((hint) => hint.classList.remove("govuk-!-display-none"));
}

document.querySelectorAll("table[data-register]").forEach(setUp);
