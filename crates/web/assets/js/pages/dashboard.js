// The dashboard: headline figures, weekly charts and the health of ingestion.

import { api } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { number, percent, usd, dateTime } from "../format.js";
import { chart } from "../chart.js";

function tile(testid, title, value, sub, cls) {
  return h(
    "div",
    { class: ["tile", cls], "data-testid": testid },
    h("div", { class: "tile-label" }, title),
    h("div", { class: "value" }, value),
    sub ? h("div", { class: "tile-sub muted" }, sub) : null,
  );
}

export async function render(ctx) {
  ctx.root.appendChild(loading());
  const data = await api("/api/v1/dashboard");
  if (!ctx.alive()) return;

  const weeks = Array.isArray(data.weeks) ? data.weeks : [];
  const totals = data.totals || {};
  const queue = data.queue || {};
  const ingest = data.ingest || {};
  const files = Array.isArray(ingest.files) ? ingest.files : [];
  const recent = Array.isArray(ingest.recent) ? ingest.recent : [];

  const tiles = h(
    "div",
    { class: "tiles" },
    tile("kpi-seizures", "Seizures", number(totals.seizures || 0), `of ${number(totals.inspections || 0)} inspections`),
    tile("kpi-hit-rate", "Hit rate", percent(totals.hit_rate, 1), "seizures per inspection"),
    tile("kpi-value", "Value captured", usd(totals.value_usd || 0, true), "declared value of seized goods"),
    tile("kpi-queue", "Queue", number(queue.scored || 0), `${number(queue.open || 0)} open · ${number(queue.high_risk || 0)} high-risk`),
    tile(
      "kpi-quarantined",
      "Quarantined rows",
      number(ingest.quarantined || 0),
      `of ${number(ingest.read || 0)} read in ${number(ingest.runs || 0)} ${ingest.runs === 1 ? "run" : "runs"}`,
      Number(ingest.quarantined) > 0 ? "warn" : null,
    ),
    totals.suspensions !== undefined ? tile("kpi-suspensions", "Accounts suspended", number(totals.suspensions), null, "minor") : null,
    totals.test_buys !== undefined ? tile("kpi-test-buys", "Test buys", number(totals.test_buys), null, "minor") : null,
  );

  const points = (field) => weeks.map((w) => ({ x: w.week, y: w[field] }));
  const charts = h(
    "div",
    { class: "charts" },
    h("figure", { class: "chart-box" }, chart({ points: points("seizures"), title: "Seizures per week", testid: "chart-seizures", kind: "bar", yFormat: (v) => number(v), tipFormat: (v) => `${number(v)} seizures` })),
    h(
      "figure",
      { class: "chart-box" },
      chart({ points: points("hit_rate"), title: "Hit rate per week", testid: "chart-hit-rate", kind: "line", yFormat: (v) => percent(v), tipFormat: (v) => `${percent(v, 1)} of inspections found counterfeits` }),
    ),
    h(
      "figure",
      { class: "chart-box" },
      chart({ points: points("value_usd"), title: "Value captured per week", testid: "chart-value", kind: "bar", yFormat: (v) => compactUsd(v), tipFormat: (v) => `${usd(v, true)} captured` }),
    ),
  );

  const hasRuns = files.some((f) => f.read !== undefined);
  const fileTable = h(
    "div",
    { class: "table-wrap medium" },
    h(
      "table",
      { class: "data", "data-testid": "quarantine" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, "File"),
          hasRuns ? h("th", { scope: "col", class: "num" }, "Rows read") : null,
          h("th", { scope: "col", class: "num" }, "Quarantined"),
          hasRuns ? h("th", { scope: "col" }, "Last run") : null,
        ),
      ),
      h(
        "tbody",
        null,
        files.map((f) =>
          h(
            "tr",
            { class: Number(f.quarantined) > 0 ? "warn" : null },
            h("td", null, fileName(f.file), h("div", { class: "muted small" }, [f.org, f.feed].filter(Boolean).join(" · "))),
            hasRuns ? h("td", { class: "num" }, number(f.read)) : null,
            h("td", { class: "num" }, number(f.quarantined)),
            hasRuns ? h("td", { class: "nowrap" }, f.last_run_at ? dateTime(f.last_run_at) : "—") : null,
          ),
        ),
      ),
    ),
  );
  const recentTable = h(
    "div",
    { class: "table-wrap medium" },
    h(
      "table",
      { class: "data", "data-testid": "quarantine-recent" },
      h("thead", null, h("tr", null, ["File", "Line", "Field", "Reason"].map((c, i) => h("th", { scope: "col", class: i === 1 ? "num" : null }, c)))),
      h(
        "tbody",
        null,
        recent.map((r) =>
          h(
            "tr",
            null,
            h("td", null, fileName(r.file), h("div", { class: "muted small" }, [r.org, r.feed].filter(Boolean).join(" · "))),
            h("td", { class: "num" }, String(r.line)),
            h("td", null, r.field ? r.field : h("span", { class: "muted" }, "whole row")),
            h("td", null, r.reason),
          ),
        ),
      ),
    ),
  );

  replace(
    ctx.root,
    h("div", { class: "page-head" }, h("h1", null, "Dashboard"), h("span", { class: "muted" }, "Counts only what you may see.")),
    tiles,
    section("Weekly trends", { class: "panel" }, weeks.length ? null : h("p", { class: "muted" }, "No weekly figures yet."), charts),
    section(
      "Ingest health",
      { class: "panel" },
      h("p", { class: "muted small" }, `${number(ingest.runs || 0)} runs read ${number(ingest.read || 0)} rows; ${number(ingest.landed || 0)} landed and ${number(ingest.quarantined || 0)} were quarantined.`),
      h(
        "div",
        { class: "two-col even" },
        h("div", null, h("h3", null, "Files and their quarantined rows"), fileTable, files.length ? null : h("p", { class: "muted" }, "No quarantined rows.")),
        h("div", null, h("h3", null, "Most recent quarantined rows"), recentTable, recent.length ? null : h("p", { class: "muted" }, "No quarantined rows.")),
      ),
    ),
  );
  ctx.ready("dashboard");
}

// A file's own name, with its whole path on hover.
function fileName(path) {
  const text = String(path || "");
  const base = text.split(/[\\/]/).pop() || text;
  return h("span", { class: "mono", title: text }, base);
}

// A dollar amount for an axis: $0, $500, $1.5k, $2M.
function compactUsd(v) {
  const n = Number(v) || 0;
  if (Math.abs(n) >= 1e6) return `$${(n / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 1 })}M`;
  if (Math.abs(n) >= 1e3) return `$${(n / 1e3).toLocaleString("en-GB", { maximumFractionDigits: 1 })}k`;
  return `$${n.toLocaleString("en-GB", { maximumFractionDigits: 0 })}`;
}
