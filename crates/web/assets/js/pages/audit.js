// The audit log: who did what, which records of other organisations each action disclosed, and
// whether the hash chain is intact; filtered by user, organisation, action, record and day, and
// exported as CSV.

import { api, query } from "../api.js";
import { h, loading, section } from "../dom.js";
import { dateTime, number, label } from "../format.js";

const PAGE = 200;

function entryRow(e) {
  const disclosed = Array.isArray(e.disclosed) ? e.disclosed : [];
  return h(
    "tr",
    { "data-seq": String(e.seq) },
    h("td", { class: "num" }, number(e.seq)),
    h("td", { class: "nowrap" }, dateTime(e.at)),
    h("td", null, e.org || h("span", { class: "muted" }, "—")),
    h("td", null, e.user || "—"),
    h("td", { class: "nowrap", title: label(String(e.action || "").replace(/\./g, ": ")) }, e.action || ""),
    h("td", { class: "mono small" }, e.target || ""),
    h(
      "td",
      { class: "disclosed" },
      disclosed.length
        ? h(
            "details",
            null,
            h("summary", null, `${number(disclosed.length)} ${disclosed.length === 1 ? "record" : "records"}`),
            h("ul", { class: "plain mono small" }, disclosed.map((k) => h("li", null, k))),
          )
        : h("span", { class: "muted" }, "none"),
    ),
    h("td", { class: "small" }, e.detail || ""),
  );
}

const FILTERS = [
  ["user", "User", "text", "e.g. ken"],
  ["org", "Organisation", "text", "e.g. customs"],
  ["action", "Action", "text", "e.g. view, search, admin"],
  ["record", "Record or actor", "text", "org/feed/id or ACT-…"],
  ["from", "From", "date", null],
  ["to", "To", "date", null],
];

export async function render(ctx) {
  const filters = {};
  for (const [name] of FILTERS) filters[name] = (ctx.query.get(name) || "").trim() || null;
  const filtered = Object.values(filters).some(Boolean);
  ctx.root.appendChild(loading());
  let page;
  let verify;
  try {
    [page, verify] = await Promise.all([
      api("/api/v1/audit" + query(Object.assign({ limit: PAGE, order: "desc" }, filters))),
      api("/api/v1/audit/verify").catch((err) => ({ failed: err })),
    ]);
  } catch (err) {
    if (!ctx.alive()) return;
    if (err.status !== 400) throw err;
    ctx.showError(err);
    page = { entries: [], next: null };
    verify = { failed: err };
  }
  if (!ctx.alive()) return;

  let entries = Array.isArray(page.entries) ? page.entries : [];
  let next = page.next || null;
  let shown = entries.length;

  let verified;
  if (verify && verify.failed) {
    verified = h("p", { class: "verify unknown", "data-testid": "audit-verified" }, "The chain could not be checked: " + verify.failed.message);
  } else if (verify && verify.ok) {
    verified = h("p", { class: "verify ok", "data-testid": "audit-verified", "data-ok": "true" }, `✓ Chain verified: all ${number(verify.entries)} entries are intact.`);
  } else {
    verified = h(
      "p",
      { class: "verify bad", "data-testid": "audit-verified", "data-ok": "false" },
      `✗ Chain broken${verify && verify.entries !== undefined ? ` (checked ${number(verify.entries)} entries)` : ""}: ${(verify && verify.problem) || "an entry does not match the one before it"}.`,
    );
  }

  const inputs = {};
  const form = h(
    "form",
    { class: "filters", "data-testid": "audit-filters" },
    FILTERS.map(([name, text, type, hint]) => {
      inputs[name] = h("input", { type, name, value: filters[name] || "", placeholder: hint, "aria-label": text });
      return h("label", null, h("span", { class: "small muted" }, text), inputs[name]);
    }),
    h("button", { type: "submit", class: "primary" }, "Filter"),
    filtered ? h("a", { href: "#/audit", class: "button-link", "data-testid": "audit-clear" }, "Clear") : null,
    h("a", { href: "/api/v1/audit" + query(Object.assign({ limit: 1000, order: "desc", format: "csv" }, filters)), download: "audit.csv", class: "button-link", "data-testid": "audit-csv" }, "Export CSV"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const params = {};
    for (const [name] of FILTERS) params[name] = inputs[name].value.trim() || null;
    location.hash = "#/audit" + query(params);
  });

  const tbody = h("tbody", null, entries.map(entryRow));
  const countEl = h("span", { class: "muted small" });
  const more = h("button", { type: "button", "data-testid": "more" }, "Load older entries");
  const updateCount = () => {
    countEl.textContent = `${number(shown)} ${shown === 1 ? "entry" : "entries"} shown${next ? "" : "; that is all of them"}${filtered ? " that match the filters" : ""}.`;
    more.disabled = !next;
    more.textContent = next ? "Load older entries" : "No older entries";
  };
  updateCount();

  more.addEventListener("click", async () => {
    more.disabled = true;
    more.textContent = "Loading…";
    try {
      const older = await api("/api/v1/audit" + query(Object.assign({ before: next, limit: PAGE, order: "desc" }, filters)));
      if (!ctx.alive()) return;
      const list = Array.isArray(older.entries) ? older.entries : [];
      for (const e of list) tbody.appendChild(entryRow(e));
      shown += list.length;
      next = older.next || null;
      updateCount();
    } catch (err) {
      ctx.showError(err);
      more.disabled = false;
      more.textContent = "Load older entries";
    }
  });

  const table = h(
    "div",
    { class: "table-wrap tall" },
    h(
      "table",
      { class: "data", "data-testid": "audit-table" },
      h(
        "thead",
        null,
        h("tr", null, ["Seq", "Time", "Organisation", "User", "Action", "Target", "Disclosed", "Detail"].map((c, i) => h("th", { scope: "col", class: i === 0 ? "num" : null }, c))),
      ),
      tbody,
    ),
  );

  ctx.root.replaceChildren(
    h("div", { class: "page-head" }, h("h1", null, "Audit log")),
    verified,
    section("Entries", { class: "panel" }, form, h("p", { class: "muted small" }, "Newest first. Disclosed records are those of other organisations an action showed.", " ", countEl), table, h("div", { class: "button-row" }, more)),
  );
  ctx.ready("audit");
}
