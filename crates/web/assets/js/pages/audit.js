// The audit log: who did what, which records of other organisations each action disclosed, and
// whether the hash chain is intact.

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

export async function render(ctx) {
  ctx.root.appendChild(loading());
  const [page, verify] = await Promise.all([
    api("/api/v1/audit" + query({ limit: PAGE, order: "desc" })),
    api("/api/v1/audit/verify").catch((err) => ({ failed: err })),
  ]);
  if (!ctx.alive()) return;

  let entries = Array.isArray(page.entries) ? page.entries : [];
  let lastSeq = entries.length ? entries[entries.length - 1].seq : 0;
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

  const tbody = h("tbody", null, entries.map(entryRow));
  const countEl = h("span", { class: "muted small" });
  const more = h("button", { type: "button", "data-testid": "more" }, "Load older entries");
  const updateCount = (done) => {
    countEl.textContent = `${number(shown)} ${shown === 1 ? "entry" : "entries"} shown${done ? "; that is all of them" : ""}.`;
  };
  updateCount(entries.length < PAGE);
  if (entries.length < PAGE) {
    more.disabled = true;
    more.textContent = "No older entries";
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    more.textContent = "Loading…";
    try {
      const next = await api("/api/v1/audit" + query({ before: lastSeq, limit: PAGE, order: "desc" }));
      if (!ctx.alive()) return;
      const list = Array.isArray(next.entries) ? next.entries : [];
      for (const e of list) tbody.appendChild(entryRow(e));
      if (list.length) lastSeq = list[list.length - 1].seq;
      shown += list.length;
      const done = list.length < PAGE;
      updateCount(done);
      more.disabled = done;
      more.textContent = done ? "No older entries" : "Load older entries";
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
    section("Entries", { class: "panel" }, h("p", { class: "muted small" }, "Newest first. Disclosed records are those of other organisations an action showed.", " ", countEl), table, h("div", { class: "button-row" }, more)),
  );
  ctx.ready("audit");
}
