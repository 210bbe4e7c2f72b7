// The cases the user may read: filtered by status and assignee, exported as CSV, with the
// notices of other organisations' cases on the same actors and of notes that mention the user,
// and a form to open a new case.

import { api, query } from "../api.js";
import { h, loading, section } from "../dom.js";
import { dateTime, number, marking, badge, dataTable } from "../format.js";
import { caseBox, noticeList } from "../cases.js";

export async function render(ctx) {
  const status = ctx.query.get("status") || "";
  const mine = ctx.query.get("assignee") === "me";
  ctx.root.appendChild(loading());
  const [list, notices] = await Promise.all([
    api("/api/v1/cases" + query({ status, assignee: mine ? "me" : null })),
    api("/api/v1/notices").catch((err) => ({ failed: err })),
  ]);
  if (!ctx.alive()) return;
  const items = Array.isArray(list.items) ? list.items : [];

  const statusSelect = h(
    "select",
    { name: "status", "aria-label": "Status" },
    h("option", { value: "" }, "every status"),
    ["open", "active", "referred", "closed"].map((s) => h("option", { value: s, selected: s === status }, s)),
  );
  const mineBox = h("input", { type: "checkbox", name: "mine", id: "cases-mine", checked: mine });
  const filters = h(
    "form",
    { class: "filters", "data-testid": "case-filters" },
    statusSelect,
    h("label", { for: "cases-mine", class: "small" }, mineBox, " assigned to me"),
    h("button", { type: "submit" }, "Filter"),
    h("a", { href: "/api/v1/cases" + query({ status, assignee: mine ? "me" : null, format: "csv" }), download: "cases.csv", class: "button-link", "data-testid": "cases-csv" }, "Export CSV"),
  );
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = "#/cases" + query({ status: statusSelect.value, assignee: mineBox.checked ? "me" : null });
  });

  const table = items.length
    ? dataTable(
        [
          { label: "Case", render: (c) => h("a", { href: `#/cases/${encodeURIComponent(c.id)}`, "data-case": c.id }, c.title) },
          { label: "Status", render: (c) => badge(c.status, `status-${c.status}`) },
          { label: "Owner", render: (c) => c.org },
          { label: "Marking", render: (c) => marking(String(c.marking).replace(/^TLP:/, "")) },
          { label: "Assignees", render: (c) => c.assignees.join(", ") },
          { label: "Actors", class: "num", render: (c) => number(c.actors) },
          { label: "Evidence", class: "num", render: (c) => number(c.records + c.files) },
          { label: "Open tasks", class: "num", render: (c) => number(c.open_tasks) },
          { label: "Changed", class: "nowrap", render: (c) => dateTime(c.updated_at) },
        ],
        items,
        { "data-testid": "cases-table" },
        (c) => ({ "data-case": c.id }),
      )
    : h("p", { class: "muted", "data-testid": "cases-table" }, "No case matches.");

  ctx.root.replaceChildren(
    h("div", { class: "page-head" }, h("h1", null, "Cases"), h("p", { class: "subtitle" }, `${number(items.length)} ${items.length === 1 ? "case" : "cases"} you may read`)),
    section("Notices", { class: "panel", "data-testid": "notices" }, notices.failed ? h("p", { class: "muted" }, notices.failed.message) : noticeList(notices.notices, "No other organisation has a case on the actors of your cases, and nobody mentioned you.")),
    section("Cases", { class: "panel" }, filters, table),
    section("Open a case", { class: "panel" }, h("p", { class: "muted small" }, "Add actors and evidence from their pages, or here once the case is open."), caseBox(ctx, { title: "", records: [], actors: [] })),
  );
  ctx.ready("cases");
}
