// The brand portal: what each of the caller's brands says about its genuine goods, and the
// suspected fakes naming them, to confirm as fake or genuine.

import { api } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { scoreBar, date, money, country, lane, partyCard, recordHref, feedWord } from "../format.js";
import { mayRecord, recordOutcome } from "../outcomes.js";

function chips(values, render) {
  if (!values || values.length === 0) return h("span", { class: "muted" }, "None");
  return h("ul", { class: "chips" }, values.map((v) => h("li", null, render ? render(v) : v)));
}

function brandCard(b) {
  const row = (labelText, node) => h("div", { class: "kv-row" }, h("dt", null, labelText), h("dd", null, node));
  const floors = Array.isArray(b.price_floors) ? b.price_floors : [];
  const authorised = Array.isArray(b.authorised) ? b.authorised : [];
  return h(
    "article",
    { class: "card brand-card", "data-testid": "brand-card", "data-brand": b.name },
    h("div", { class: "card-kicker" }, `${b.org || ""}${b.brand_id ? " · " + b.brand_id : ""}`),
    h("h2", { class: "card-title" }, b.name),
    h(
      "dl",
      { class: "fields" },
      row("Marks", chips(b.marks)),
      row("Look-alike exceptions", chips(b.lookalike_exceptions)),
      row("Categories", chips(b.categories)),
      row(
        "Price floors",
        floors.length
          ? h("ul", { class: "plain" }, floors.map((f) => h("li", null, h("span", null, f.category || "Any category"), ": ", h("strong", null, money(f.price)))))
          : h("span", { class: "muted" }, "None"),
      ),
      row("Genuine origins", chips(b.genuine_origins, country)),
      row("Genuine lanes", chips(b.genuine_lanes, lane)),
    ),
    h("h3", null, `Authorised sellers (${authorised.length})`),
    authorised.length ? h("div", { class: "cards small-cards" }, authorised.map((p) => partyCard(p))) : h("p", { class: "muted" }, "None listed."),
  );
}

export async function render(ctx) {
  ctx.root.appendChild(loading());
  const data = await api("/api/v1/brands");
  if (!ctx.alive()) return;

  const brands = Array.isArray(data.brands) ? data.brands : [];
  const suspects = Array.isArray(data.suspects) ? data.suspects : [];
  const ownNames = new Map(brands.map((b) => [String(b.name || "").trim().toLowerCase(), b.name]));
  const canRecord = mayRecord(ctx.me.role);

  const notice = h("p", { class: "notice", role: "status", "data-testid": "brands-notice", hidden: true });
  const countEl = h("span", { class: "muted" });
  const tbody = h("tbody");
  const emptyNote = h("p", { class: "empty", hidden: suspects.length ? true : null }, "No suspects are waiting for confirmation.");
  let remaining = suspects.length;
  const updateCount = () => {
    countEl.textContent = ` ${remaining} awaiting confirmation`;
  };
  updateCount();

  // The brand a confirmation is recorded for: the first of the suspect's brands that is the caller's.
  const brandFor = (s) => {
    const list = Array.isArray(s.brands) ? s.brands : [];
    for (const name of list) {
      const own = ownNames.get(String(name).trim().toLowerCase());
      if (own) return own;
    }
    return list[0] || (brands[0] && brands[0].name) || null;
  };

  const confirm = async (s, tr, fake) => {
    const buttons = tr.querySelectorAll("button[data-confirm]");
    buttons.forEach((b) => (b.disabled = true));
    const brand = brandFor(s);
    const fields = { result: fake ? "test_buy_fake" : "test_buy_genuine", brand };
    if (s.feed === "listings") {
      fields.listing_id = s.source_id;
      fields.marketplace = s.marketplace || s.org;
    } else {
      fields.shipment_id = s.source_id;
    }
    try {
      const { problems } = await recordOutcome(ctx.me, fields);
      if (!ctx.alive()) return;
      if (problems.length) {
        ctx.showError("The confirmation was not recorded: " + problems.join("; "));
        buttons.forEach((b) => (b.disabled = false));
        return;
      }
      tr.remove();
      remaining -= 1;
      updateCount();
      notice.textContent = `Recorded: ${feedWord(s.feed)} ${s.source_id} of ${s.org} confirmed ${fake ? "fake" : "genuine"} for ${brand}. It has left the list.`;
      notice.hidden = false;
      if (remaining === 0) emptyNote.hidden = false;
    } catch (err) {
      ctx.showError(err);
      buttons.forEach((b) => (b.disabled = false));
    }
  };

  for (const s of suspects) {
    const href = recordHref(s.org, s.feed, s.source_id);
    const reasons = Array.isArray(s.reasons) ? s.reasons : [];
    const tr = h(
      "tr",
      { "data-key": s.key },
      h("td", { class: "score" }, scoreBar(s.score)),
      h("td", null, s.feed === "listings" ? "Listing" : "Shipment"),
      h(
        "td",
        null,
        href ? h("a", { href }, s.source_id) : s.source_id,
        h("div", { class: "muted small" }, [s.org, s.marketplace && s.marketplace !== s.org ? s.marketplace : null].filter(Boolean).join(" · ")),
        s.title ? h("div", { class: "small" }, s.title) : null,
      ),
      h("td", null, (s.brands || []).join(", ") || "—"),
      h("td", { class: "nowrap" }, date(s.day)),
      h(
        "td",
        { class: "reasons" },
        reasons.length ? h("ul", { class: "reasons-list" }, reasons.slice(0, 2).map((r) => h("li", null, r))) : h("span", { class: "muted" }, "—"),
        reasons.length > 2 ? h("details", { class: "more" }, h("summary", null, `${reasons.length - 2} more`), h("ul", { class: "reasons-list" }, reasons.slice(2).map((r) => h("li", null, r)))) : null,
      ),
      canRecord
        ? h(
            "td",
            { class: "actions" },
            h("button", { type: "button", class: "small danger", "data-confirm": "fake", title: "A test buy found it fake" }, "Confirm fake"),
            h("button", { type: "button", class: "small", "data-confirm": "genuine", title: "A test buy found it genuine" }, "Genuine"),
          )
        : null,
    );
    if (canRecord) {
      tr.querySelector("button[data-confirm=fake]").addEventListener("click", () => confirm(s, tr, true));
      tr.querySelector("button[data-confirm=genuine]").addEventListener("click", () => confirm(s, tr, false));
    }
    tbody.appendChild(tr);
  }

  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data", "data-testid": "suspects" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Score", "Kind", "Record", "Brands", "Day", "Reasons"].map((c) => h("th", { scope: "col" }, c)),
          canRecord ? h("th", { scope: "col" }, "Confirm") : null,
        ),
      ),
      tbody,
    ),
  );

  replace(
    ctx.root,
    h("div", { class: "page-head" }, h("h1", null, "Brand portal")),
    h("div", { class: "cards brand-cards" }, brands.length ? brands.map(brandCard) : h("p", { class: "muted" }, "No brands are registered for your organisation.")),
    section(
      "Suspected fakes",
      { class: "panel" },
      h("p", { class: "muted small" }, "Scored shipments and listings naming your brands, with no outcome yet, highest score first.", countEl),
      notice,
      table,
      emptyNote,
    ),
  );
  ctx.ready("brands");
}
