// The inspection queue: one server-side page of scored shipments at a time, filters and sort in
// the address, reasons on each row, keyboard navigation and outcome buttons.

import { api, query } from "../api.js";
import { h, replace, loading } from "../dom.js";
import { scoreBar, date, usd, number, result, resultClass, country, recordHref } from "../format.js";
import { SHIPMENT_CHOICES, mayRecord, recordOutcome, withdrawOutcome, pendingOnShipment } from "../outcomes.js";

const PAGE_SIZE = 100;
const FILTERS = ["port", "brand", "from", "to", "min_score", "status", "sort", "order"];
const SORTS = [
  { key: "score", label: "Score", order: "desc" },
  { key: "day", label: "Arrival", order: "desc" },
  { key: "port", label: "Port", order: "asc" },
  { key: "value", label: "Value", order: "desc" },
];
const REASONS_SHOWN = 2;

// The filter input to put the cursor back in after the page is drawn again while typing.
let refocus = null;

// One badge per case (or per organisation told by existence only), whichever parties it is on;
// its title says which.
function caseBadges(notices) {
  const byCase = new Map();
  for (const n of notices) {
    const k = `${n.kind}|${n.org}|${n.case || ""}`;
    if (!byCase.has(k)) byCase.set(k, { n, notes: [] });
    byCase.get(k).notes.push(n.note);
  }
  return [...byCase.values()].map(({ n, notes }) =>
    h(
      "span",
      { class: `badge notice-badge notice-${n.kind}`, title: notes.join("\n"), "data-kind": n.kind, "data-org": n.org, "data-case": n.case || null },
      n.kind === "case" ? "in your case" : `${n.org} investigates`,
    ),
  );
}

export async function render(ctx) {
  const q = ctx.query;
  const state = {};
  for (const k of FILTERS) state[k] = q.get(k) || "";
  const offset = Math.max(0, parseInt(q.get("offset") || "0", 10) || 0);
  const sort = state.sort || "score";
  const order = state.order || (SORTS.find((x) => x.key === sort) || SORTS[0]).order;
  const canRecord = mayRecord(ctx.me.role);

  // Moves to the queue with some filters changed (a changed filter starts again at the first page).
  const go = (changes) => {
    const next = new URLSearchParams(q);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === "") next.delete(k);
      else next.set(k, String(v));
    }
    if (!("offset" in changes)) next.delete("offset");
    const text = next.toString();
    location.hash = "#/queue" + (text ? "?" + text : "");
  };

  const heading = h("div", { class: "page-head" }, h("h1", null, "Inspection queue"), h("span", { class: "muted", "data-testid": "queue-total" }, ""));
  const body = h("div", { class: "queue-body" }, loading());
  ctx.root.append(heading, body);

  const params = { limit: PAGE_SIZE, offset: offset || null };
  for (const k of FILTERS) if (state[k]) params[k] = state[k];
  if (params.sort || params.order) {
    params.sort = sort;
    params.order = order;
  }
  const page = await api("/api/v1/queue" + query(params));
  if (!ctx.alive()) return;

  const items = Array.isArray(page.items) ? page.items : [];
  const total = Number(page.total) || 0;
  const totalEl = heading.querySelector("[data-testid=queue-total]");
  totalEl.textContent = `${number(total)} ${total === 1 ? "shipment" : "shipments"}`;
  totalEl.dataset.total = String(total);

  // Filters.
  const select = (name, labelText, options, value) => {
    const el = h(
      "select",
      { name, id: `q-${name}` },
      options.map((o) => h("option", { value: o.value, selected: o.value === value ? true : null }, o.label)),
    );
    el.value = value;
    el.addEventListener("change", () => go({ [name]: el.value }));
    return h("div", { class: "field" }, h("label", { for: `q-${name}` }, labelText), el);
  };
  const withCurrent = (list, current) => {
    const values = Array.isArray(list) ? list.slice() : [];
    if (current && !values.includes(current)) values.unshift(current);
    return values;
  };
  // Typed filters (dates, lowest score) apply on change, on Enter, and after a pause in typing.
  const validDate = (v) => v === "" || (/^\d{4}-\d{2}-\d{2}$/.test(v) && Number(v.slice(0, 4)) >= 1900);
  const scoreValue = (raw) => {
    const v = raw.trim();
    if (v === "") return "";
    let n = Number(v);
    if (!Number.isFinite(n) || n < 0) return null;
    if (n > 1 && n <= 100) n = n / 100;
    return String(Math.min(n, 1));
  };
  const applyTyped = (focusName) => {
    const changes = {};
    for (const name of ["from", "to"]) {
      const el = inputs[name];
      if (!validDate(el.value)) return;
      changes[name] = el.value;
    }
    const score = scoreValue(inputs.min_score.value);
    if (score === null) return;
    changes.min_score = score;
    if (changes.from === state.from && changes.to === state.to && changes.min_score === state.min_score) return;
    refocus = focusName || null;
    go(changes);
  };
  const inputs = {};
  const dateInput = (name, labelText) => {
    const el = h("input", { type: "date", name, id: `q-${name}`, value: state[name] });
    el.addEventListener("change", () => applyTyped(null));
    inputs[name] = el;
    return h("div", { class: "field" }, h("label", { for: `q-${name}` }, labelText), el);
  };
  const minScore = h("input", {
    type: "number",
    name: "min_score",
    id: "q-min_score",
    min: "0",
    max: "1",
    step: "0.05",
    placeholder: "0.5",
    value: state.min_score,
    title: "Lowest score to show, from 0 to 1 (0.5 is 50%)",
  });
  inputs.min_score = minScore;
  let typingTimer = null;
  minScore.addEventListener("change", () => applyTyped(null));
  minScore.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      if (ctx.alive()) applyTyped("min_score");
    }, 800);
  });
  ctx.onLeave(() => clearTimeout(typingTimer));
  const anyFilter = ["port", "brand", "from", "to", "min_score"].some((k) => state[k]) || state.status === "open";
  const filters = h(
    "form",
    {
      class: "filters",
      "aria-label": "Filters",
      onsubmit: (e) => {
        e.preventDefault();
        applyTyped(null);
      },
    },
    select("port", "Port", [{ value: "", label: "All ports" }].concat(withCurrent(page.ports, state.port).map((p) => ({ value: p, label: p }))), state.port),
    select("brand", "Brand", [{ value: "", label: "All brands" }].concat(withCurrent(page.brands, state.brand).map((b) => ({ value: b, label: b }))), state.brand),
    dateInput("from", "Arriving from"),
    dateInput("to", "Arriving to"),
    h("div", { class: "field narrow" }, h("label", { for: "q-min_score" }, "Min score"), minScore),
    select("status", "Status", [{ value: "all", label: "All" }, { value: "open", label: "Open (no outcome)" }], state.status || "all"),
    h("div", { class: "field" }, h("span", { class: "label-spacer" }, " "), h("button", { type: "submit", class: "apply" }, "Apply")),
    anyFilter ? h("div", { class: "field" }, h("span", { class: "label-spacer" }, " "), h("a", { href: "#/queue", class: "button-link" }, "Clear filters")) : null,
    h(
      "div",
      { class: "field" },
      h("span", { class: "label-spacer" }, " "),
      h("a", { href: "/api/v1/queue" + query(Object.assign({}, params, { limit: null, offset: null, format: "csv" })), download: "queue.csv", class: "button-link", "data-testid": "queue-csv", title: "Every shipment of this queue and its filters, as CSV" }, "Export CSV"),
    ),
  );

  // Pager.
  const first = items.length ? offset + 1 : 0;
  const last = offset + items.length;
  const prev = h("button", { type: "button", "data-testid": "prev-page", disabled: offset <= 0 ? true : null }, "← Previous");
  const next = h("button", { type: "button", "data-testid": "next-page", disabled: last >= total ? true : null }, "Next →");
  prev.addEventListener("click", () => go({ offset: Math.max(0, offset - PAGE_SIZE) || "" }));
  next.addEventListener("click", () => go({ offset: offset + PAGE_SIZE }));
  const pager = h(
    "div",
    { class: "pager" },
    prev,
    h("span", { class: "muted" }, items.length ? `Showing ${number(first)}–${number(last)} of ${number(total)}` : "Nothing to show"),
    next,
  );

  // Table.
  const sortHeader = (key, labelText, cls) => {
    const active = sort === key;
    const arrow = active ? (order === "asc" ? " ▲" : " ▼") : "";
    const th = h(
      "th",
      { scope: "col", "data-sort": key, class: ["sortable", cls, active ? "sorted" : null], "aria-sort": active ? (order === "asc" ? "ascending" : "descending") : "none" },
      h("button", { type: "button", class: "th-button", title: `Sort by ${labelText.toLowerCase()}` }, labelText, h("span", { class: "arrow", "aria-hidden": "true" }, arrow)),
    );
    th.addEventListener("click", () => {
      const def = (SORTS.find((x) => x.key === key) || SORTS[0]).order;
      const nextOrder = active ? (order === "asc" ? "desc" : "asc") : def;
      go({ sort: key, order: nextOrder });
    });
    return th;
  };
  const headRow = h(
    "tr",
    null,
    h("th", { scope: "col", class: "num rank" }, "#"),
    sortHeader("score", "Score", "score-col"),
    h("th", { scope: "col" }, "Shipment"),
    sortHeader("day", "Arrival"),
    sortHeader("port", "Port"),
    h("th", { scope: "col" }, "Brands"),
    sortHeader("value", "Value", "num"),
    h("th", { scope: "col", class: "reasons-col" }, "Reasons"),
    h("th", { scope: "col" }, "Outcome"),
    canRecord ? h("th", { scope: "col" }, "Record") : null,
  );
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "data queue", "data-testid": "queue-table", role: "grid", "aria-label": "Inspection queue", "aria-rowcount": String(total) },
    h("thead", null, headRow),
    tbody,
  );
  const notice = h("p", { class: "notice", role: "status", "data-testid": "queue-notice", hidden: true });

  const rows = [];
  let focusIndex = -1;

  const setFocus = (i, scroll) => {
    if (rows.length === 0) return;
    const j = Math.max(0, Math.min(rows.length - 1, i));
    if (focusIndex >= 0 && rows[focusIndex]) {
      rows[focusIndex].tr.classList.remove("focused");
      rows[focusIndex].tr.setAttribute("aria-selected", "false");
    }
    focusIndex = j;
    const tr = rows[j].tr;
    tr.classList.add("focused");
    tr.setAttribute("aria-selected", "true");
    if (scroll) tr.scrollIntoView({ block: "nearest" });
  };

  const outcomeLine = (outcome, extra) => [
    h("span", { class: `result ${resultClass(outcome.result)}` }, result(outcome.result)),
    extra,
    outcome.date ? h("div", { class: "muted small" }, date(outcome.date)) : null,
  ];

  // The outcome cell of a row: open, a decision on its way, or the latest decision (with a way
  // to withdraw it when the user's organisation recorded it).
  const outcomeCell = (row) => {
    const outcome = row.item.outcome;
    if (row.pending) return outcomeLine(row.pending, h("span", { class: "muted small", "data-testid": "pending" }, " · saving…"));
    if (!outcome || !outcome.result) return [h("span", { class: "muted" }, "Open")];
    const own = canRecord && outcome.org === ctx.me.org && outcome.key;
    return [
      outcomeLine(outcome),
      own ? h("button", { type: "button", class: "small link", "data-testid": "withdraw", title: "Take this decision back, with a reason", onclick: () => askWithdraw(row) }, "Withdraw") : null,
    ];
  };

  const drawOutcome = (row, ...more) => replace(row.tr.querySelector("td.outcome"), outcomeCell(row), ...more);

  const say = (text) => {
    notice.textContent = text;
    notice.hidden = false;
  };

  // Records a decision: shown in the row at once, sent in the background (it carries on if the
  // user moves to another page), and recorded once however often the key is pressed.
  const recordFor = async (row, choice) => {
    if (!canRecord) return;
    const item = row.item;
    if (row.pending) {
      if (row.pending.result !== choice.result) say(`Shipment ${item.shipment_id} is still saving “${result(row.pending.result)}”.`);
      return;
    }
    if (item.outcome && item.outcome.org === ctx.me.org && item.outcome.result === choice.result) {
      say(`“${result(choice.result)}” is already recorded for shipment ${item.shipment_id}.`);
      return;
    }
    row.pending = { result: choice.result, date: null };
    drawOutcome(row);
    row.tr.classList.add("has-outcome");
    try {
      const brand = Array.isArray(item.brands) && item.brands.length ? item.brands[0] : null;
      const { problems, record } = await recordOutcome(ctx.me, { result: choice.result, shipment_id: item.shipment_id, brand });
      row.pending = null;
      if (problems.length) {
        row.tr.classList.toggle("has-outcome", !!item.outcome);
        drawOutcome(row, h("div", { class: "form-error small", "data-testid": "rejected" }, "Not recorded: " + problems.join("; ")));
        ctx.showError("The outcome was not recorded: " + problems.join("; "));
      } else {
        item.outcome = { key: `${ctx.me.org}/outcomes/${record.source_id}`, org: ctx.me.org, result: choice.result, date: record.date };
        drawOutcome(row);
        say(`Recorded “${result(choice.result)}” for shipment ${item.shipment_id}.`);
      }
    } catch (err) {
      row.pending = null;
      row.tr.classList.toggle("has-outcome", !!item.outcome);
      drawOutcome(row);
      ctx.showError(err);
    }
  };

  // Asks for a reason in the row, then withdraws the decision.
  const askWithdraw = (row) => {
    const item = row.item;
    const outcome = item.outcome;
    const id = outcome.key.split("/").slice(2).join("/");
    const reason = h("input", { type: "text", name: "reason", class: "small", placeholder: "Why?", "aria-label": "Why the decision is withdrawn", maxlength: "1000" });
    const problem = h("div", { class: "form-error small", hidden: true });
    const form = h(
      "form",
      {
        class: "withdraw-form",
        "data-testid": "withdraw-form",
        onsubmit: async (e) => {
          e.preventDefault();
          const why = reason.value.trim();
          if (!why) {
            problem.textContent = "Say why.";
            problem.hidden = false;
            return;
          }
          form.querySelectorAll("button, input").forEach((b) => (b.disabled = true));
          try {
            await withdrawOutcome(id, why);
            item.outcome = null;
            row.tr.classList.remove("has-outcome");
            drawOutcome(row);
            say(`Withdrew “${result(outcome.result)}” for shipment ${item.shipment_id}.`);
          } catch (err) {
            form.querySelectorAll("button, input").forEach((b) => (b.disabled = false));
            problem.textContent = err.message || String(err);
            problem.hidden = false;
          }
        },
      },
      reason,
      h("button", { type: "submit", class: "small" }, "Withdraw"),
      h("button", { type: "button", class: "small link", onclick: () => drawOutcome(row) }, "Keep"),
      problem,
    );
    replace(row.tr.querySelector("td.outcome"), outcomeLine(outcome), form);
    reason.focus();
  };

  const reasonsCell = (reasons) => {
    const list = Array.isArray(reasons) ? reasons : [];
    if (list.length === 0) return h("span", { class: "muted" }, "No reasons given");
    const shown = h("ul", { class: "reasons-list" }, list.slice(0, REASONS_SHOWN).map((r) => h("li", null, r)));
    if (list.length <= REASONS_SHOWN) return shown;
    const rest = list.slice(REASONS_SHOWN);
    return [shown, h("details", { class: "more" }, h("summary", null, `${rest.length} more`), h("ul", { class: "reasons-list" }, rest.map((r) => h("li", null, r))))];
  };

  items.forEach((item, i) => {
    const href = recordHref(item.org, item.feed || "shipments", item.shipment_id);
    const row = { item, tr: null, href, pending: null };
    // A decision made before the user left this page and came back is still on its way.
    const inFlight = canRecord ? pendingOnShipment(item.shipment_id) : null;
    if (inFlight) {
      row.pending = { result: inFlight.rec.result, date: inFlight.rec.date };
      inFlight.promise
        .then(({ problems, record }) => {
          if (problems.length === 0) item.outcome = { key: `${ctx.me.org}/outcomes/${record.source_id}`, org: ctx.me.org, result: record.result, date: record.date };
        })
        .catch(() => {})
        .finally(() => {
          row.pending = null;
          if (row.tr && row.tr.isConnected) drawOutcome(row);
        });
    }
    const brands = Array.isArray(item.brands) ? item.brands : [];
    const tr = h(
      "tr",
      { "data-key": item.key, "aria-selected": "false", class: item.outcome || row.pending ? "has-outcome" : null },
      h("td", { class: "num rank" }, number(item.rank)),
      h("td", { class: "score" }, scoreBar(item.score)),
      h(
        "td",
        { class: "shipment" },
        h("a", { href }, item.shipment_id),
        h("div", { class: "muted small" }, [item.org, item.origin ? `from ${country(item.origin)}` : null].filter(Boolean).join(" · ")),
        Array.isArray(item.cases) && item.cases.length
          ? h(
              "div",
              { class: "queue-cases", "data-testid": "queue-case" },
              caseBadges(item.cases),
            )
          : null,
      ),
      h("td", { class: "day nowrap" }, date(item.day)),
      h("td", { class: "port" }, item.port || "—"),
      h("td", { class: "brands" }, brands.length ? brands.join(", ") : h("span", { class: "muted" }, "—")),
      h("td", { class: "value num" }, item.value_usd === undefined || item.value_usd === null ? "—" : usd(item.value_usd)),
      h("td", { class: "reasons" }, reasonsCell(item.reasons)),
      h("td", { class: "outcome" }, outcomeCell(row)),
      canRecord
        ? h(
            "td",
            { class: "actions" },
            SHIPMENT_CHOICES.map((c) =>
              h("button", { type: "button", class: `small outcome-${c.key}`, "data-outcome": c.key, title: `${c.hint} (key ${c.shortcut})`, onclick: () => recordFor(row, c) }, c.label),
            ),
          )
        : null,
    );
    tr.addEventListener("click", (e) => {
      if (e.target.closest("a, button, summary, details")) return;
      setFocus(i, false);
    });
    row.tr = tr;
    rows.push(row);
    tbody.appendChild(tr);
  });

  const help = h(
    "p",
    { class: "muted small keys-help" },
    "Keys: ",
    h("kbd", null, "↓"), "/", h("kbd", null, "j"), " next, ",
    h("kbd", null, "↑"), "/", h("kbd", null, "k"), " previous, ",
    h("kbd", null, "Enter"), " open",
    canRecord ? [", ", h("kbd", null, "s"), " seized, ", h("kbd", null, "r"), " released, ", h("kbd", null, "o"), " other"] : null,
    ".",
  );

  replace(
    body,
    filters,
    h("div", { class: "toolbar" }, pager, help),
    notice,
    h("div", { class: "table-wrap queue-wrap" }, table),
    items.length === 0 ? h("p", { class: "empty" }, anyFilter ? "No shipments match these filters." : "The queue is empty.") : null,
  );
  if (rows.length) setFocus(0, false);
  if (refocus && inputs[refocus]) {
    const el = inputs[refocus];
    el.focus();
  }
  refocus = null;

  const onKey = (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    if (rows.length === 0) return;
    switch (e.key) {
      case "ArrowDown":
      case "j":
        e.preventDefault();
        setFocus(focusIndex + 1, true);
        break;
      case "ArrowUp":
      case "k":
        e.preventDefault();
        setFocus(focusIndex - 1, true);
        break;
      case "Enter": {
        if (t && t.closest && t.closest("a, button, summary")) return;
        const row = rows[focusIndex];
        if (row && row.href) {
          e.preventDefault();
          location.hash = row.href;
        }
        break;
      }
      case "s":
      case "r":
      case "o": {
        if (!canRecord) return;
        const choice = SHIPMENT_CHOICES.find((c) => c.shortcut === e.key);
        const row = rows[focusIndex];
        if (choice && row) {
          e.preventDefault();
          recordFor(row, choice);
        }
        break;
      }
      default:
        break;
    }
  };
  document.addEventListener("keydown", onKey);
  ctx.onLeave(() => document.removeEventListener("keydown", onKey));

  ctx.ready("queue");
}
