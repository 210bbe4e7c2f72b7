// A shipment or a listing: every field in words, parties as cards, items as a table, the score
// with its reasons, the actors it links to, and the outcomes recorded on it.

import { api, seg } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { scoreBar, date, dateTime, label, result, resultClass, marking, partyCard, partyRoles, fieldList, objectTable, actorLink } from "../format.js";
import { SHIPMENT_CHOICES, recordOutcome, withdrawOutcome } from "../outcomes.js";
import { caseBox } from "../cases.js";

const SHIPMENT_ORDER = ["shipment_id", "carrier", "mode", "shipped", "arrival", "origin_country", "export_country", "port_of_arrival", "marketplace", "listing_id"];
const LISTING_ORDER = ["marketplace", "listing_id", "title", "seller_account_id", "brand", "category", "price", "product_ids", "image_hashes", "ships_from", "created"];
const ITEM_ORDER = ["description", "hs_code", "quantity", "value", "weight_kg", "origin_country"];

export async function render(ctx) {
  const feed = ctx.route.feed;
  const isShipment = feed === "shipments";
  const pageName = isShipment ? "shipment" : "listing";
  const { org, id } = ctx.params;
  ctx.root.appendChild(loading());

  const data = await api(`/api/v1/${feed}/${seg(org)}/${seg(id)}`);
  if (!ctx.alive()) return;

  const record = data.record || {};
  const parties = Array.isArray(data.parties) ? data.parties : [];
  let outcomes = Array.isArray(data.outcomes) ? data.outcomes.slice() : [];
  const score = data.score || null;
  const title = isShipment ? `Shipment ${data.source_id || id}` : `Listing ${data.source_id || id}`;
  ctx.setTitle(title);

  // Heading and provenance.
  const head = h(
    "div",
    { class: "page-head" },
    h("div", null, h("h1", null, title), !isShipment && record.title ? h("p", { class: "subtitle" }, record.title) : null),
    h("div", { class: "head-meta" }, marking(data.marking), data.sharing_group ? h("span", { class: "badge" }, `group ${data.sharing_group}`) : null),
  );
  const provenance = h(
    "p",
    { class: "muted small provenance" },
    `Held by ${data.org || org}`,
    data.source_file ? ` · from file ${data.source_file}` : "",
    data.ingested_at ? ` · ingested ${dateTime(data.ingested_at)}` : "",
  );

  // The record's fields, its parties and its items.
  const roles = partyRoles();
  const byRole = new Map();
  for (const p of parties) if (p && p.role && !byRole.has(p.role)) byRole.set(p.role, p);
  const cards = [];
  const shownRoles = new Set();
  for (const role of roles) {
    const party = record[role];
    if (!party || typeof party !== "object") continue;
    const link = byRole.get(role);
    shownRoles.add(role);
    cards.push(
      partyCard(party, {
        title: label(role),
        actor: link && link.actor,
        hub: link && link.hub,
        noActorNote: "Not linked to an actor",
        attrs: { "data-role": role },
      }),
    );
  }
  for (const p of parties) {
    if (!p || shownRoles.has(p.role)) continue;
    shownRoles.add(p.role);
    cards.push(partyCard({ name: p.name }, { title: label(p.role || "party"), actor: p.actor, hub: p.hub, noActorNote: "Not linked to an actor", attrs: { "data-role": p.role || "" } }));
  }
  const items = Array.isArray(record.items) ? record.items : [];
  const fields = h(
    "div",
    { "data-testid": "record-fields", class: "record-fields" },
    fieldList(record, { order: isShipment ? SHIPMENT_ORDER : LISTING_ORDER, skip: ["feed", "items"].concat(roles) }),
    h("h3", null, "Parties"),
    h("div", { "data-testid": "parties", class: "cards" }, cards.length ? cards : h("p", { class: "muted" }, "No parties are named on this record.")),
    isShipment ? h("h3", null, "Items") : null,
    isShipment ? (items.length ? objectTable(items, { order: ITEM_ORDER, attrs: { "data-testid": "items" } }) : h("p", { class: "muted" }, "No item lines.")) : null,
  );

  // Score and reasons.
  const scorePanel = section(
    "Risk score",
    { class: "panel score-panel" },
    score
      ? [
          h("div", { class: "big-score" }, scoreBar(score.score, { "data-testid": "score" })),
          h(
            "dl",
            { class: "kv compact" },
            score.day ? [h("dt", null, "Day"), h("dd", null, date(score.day))] : null,
            score.port ? [h("dt", null, "Port"), h("dd", null, score.port)] : null,
            Array.isArray(score.brands) && score.brands.length ? [h("dt", null, "Brands"), h("dd", null, score.brands.join(", "))] : null,
            score.model ? [h("dt", null, "Model"), h("dd", null, score.model)] : null,
            score.rules ? [h("dt", null, "Rule pack"), h("dd", null, score.rules)] : null,
          ),
          h("h3", null, "Reasons"),
          Array.isArray(score.reasons) && score.reasons.length
            ? h("ul", { "data-testid": "reasons", class: "reasons-full" }, score.reasons.map((r) => h("li", null, r)))
            : [h("ul", { "data-testid": "reasons", class: "reasons-full" }), h("p", { class: "muted" }, "No reasons you may see.")],
        ]
      : [h("p", { "data-testid": "score", class: "muted" }, "Not scored yet."), h("ul", { "data-testid": "reasons", class: "reasons-full" })],
  );

  // Outcomes recorded on this record, and the buttons to record one.
  const outcomesBox = h("div", { "data-testid": "outcomes" });
  const drawOutcomes = () => {
    if (outcomes.length === 0) {
      replace(outcomesBox, h("p", { class: "muted" }, "No outcomes recorded yet."));
      return;
    }
    const sorted = outcomes.slice().sort((a, b) => String(b.date || "").localeCompare(String(a.date || "")));
    replace(
      outcomesBox,
      h(
        "ul",
        { class: "outcome-list" },
        sorted.map((o) =>
          h(
            "li",
            null,
            h("span", { class: `result ${resultClass(o.result)}` }, result(o.result)),
            " ",
            h("span", { class: "muted" }, [date(o.date), o.brand ? o.brand : null, o.org ? `by ${o.org}` : null].filter(Boolean).join(" · ")),
            o.note ? h("div", { class: "small" }, o.note) : null,
            canRecord && o.key && o.org === ctx.me.org ? withdrawControl(o) : null,
          ),
        ),
      ),
    );
  };
  const role = ctx.me.role;
  const canRecord = isShipment && (role === "officer" || role === "analyst");
  const recordNotice = h("p", { class: "notice", role: "status", hidden: true });
  const tell = (text, cls) => {
    recordNotice.textContent = text;
    recordNotice.className = cls || "notice";
    recordNotice.hidden = false;
  };

  // A decision of the user's organisation can be taken back, with a reason.
  function withdrawControl(o) {
    const box = h("div", { class: "small" });
    const open = h("button", { type: "button", class: "small link", "data-testid": "withdraw" }, "Withdraw");
    open.addEventListener("click", () => {
      const reason = h("input", { type: "text", name: "reason", class: "small", placeholder: "Why?", "aria-label": "Why the decision is withdrawn", maxlength: "1000" });
      const form = h("form", { class: "withdraw-form", "data-testid": "withdraw-form" }, reason, h("button", { type: "submit", class: "small" }, "Withdraw"));
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const why = reason.value.trim();
        if (!why) return tell("Say why the decision is withdrawn.", "form-error");
        form.querySelectorAll("button, input").forEach((b) => (b.disabled = true));
        try {
          await withdrawOutcome(o.key.split("/").slice(2).join("/"), why);
          if (!ctx.alive()) return;
          outcomes = outcomes.filter((x) => x !== o);
          drawOutcomes();
          tell(`Withdrew “${result(o.result)}”.`);
        } catch (err) {
          form.querySelectorAll("button, input").forEach((b) => (b.disabled = false));
          tell(err.message || String(err), "form-error");
        }
      });
      replace(box, form);
      reason.focus();
    });
    box.appendChild(open);
    return box;
  }
  drawOutcomes();
  let buttons = null;
  if (canRecord) {
    const brand = score && Array.isArray(score.brands) && score.brands.length ? score.brands[0] : null;
    const btns = SHIPMENT_CHOICES.map((c) => h("button", { type: "button", class: `outcome-${c.key}`, "data-outcome": c.key, title: c.hint }, c.label));
    btns.forEach((b, i) =>
      b.addEventListener("click", async () => {
        const c = SHIPMENT_CHOICES[i];
        if (outcomes.some((o) => o.org === ctx.me.org && o.result === c.result)) {
          tell(`“${result(c.result)}” is already recorded.`);
          return;
        }
        btns.forEach((x) => (x.disabled = true));
        recordNotice.hidden = true;
        try {
          const { problems, record: rec } = await recordOutcome(ctx.me, { result: c.result, shipment_id: record.shipment_id || data.source_id || id, brand });
          if (!ctx.alive()) return;
          if (problems.length) {
            recordNotice.textContent = "Not recorded: " + problems.join("; ");
            recordNotice.className = "form-error";
            recordNotice.hidden = false;
          } else {
            outcomes.push({ key: `${ctx.me.org}/outcomes/${rec.source_id}`, org: ctx.me.org, date: rec.date, result: c.result, brand: brand || undefined });
            drawOutcomes();
            recordNotice.textContent = `Recorded “${result(c.result)}”.`;
            recordNotice.className = "notice";
            recordNotice.hidden = false;
          }
        } catch (err) {
          ctx.showError(err);
        } finally {
          btns.forEach((x) => (x.disabled = false));
        }
      }),
    );
    buttons = h("div", { class: "button-row" }, btns);
  }
  const outcomesPanel = section("Outcomes", { class: "panel" }, buttons, recordNotice, outcomesBox);

  // Actors this record links to.
  const seen = new Map();
  for (const p of parties) {
    if (!p || !p.actor) continue;
    if (!seen.has(p.actor)) seen.set(p.actor, { actor: p.actor, name: p.name, hub: p.hub, roles: [] });
    seen.get(p.actor).roles.push(label(p.role || "party").toLowerCase());
  }
  const actorsPanel = section(
    "Linked actors",
    { class: "panel" },
    seen.size
      ? h("ul", { class: "plain linked-actors", "data-testid": "linked-actors" }, [...seen.values()].map((a) => h("li", null, actorLink(a.actor, a.name || a.actor, a.hub), h("span", { class: "muted small" }, " as " + a.roles.join(", ")))))
      : h("p", { class: "muted" }, "No party on this record is linked to an actor you may see."),
  );

  // Cases: open one on this record and its parties, or add them to one.
  const casesPanel =
    ctx.me && ctx.me.role !== "auditor"
      ? section(
          "Cases",
          { class: "panel" },
          caseBox(ctx, { title: `${title}${score && Array.isArray(score.brands) && score.brands.length ? " · " + score.brands.join(", ") : ""}`, records: [`${org}/${feed}/${id}`], actors: [...seen.keys()] }),
        )
      : null;

  replace(
    ctx.root,
    head,
    provenance,
    h(
      "div",
      { class: "two-col" },
      h("div", { class: "col-main" }, section("Record", { class: "panel" }, fields)),
      h("div", { class: "col-side" }, scorePanel, outcomesPanel, actorsPanel, casesPanel),
    ),
  );
  ctx.ready(pageName);
}
