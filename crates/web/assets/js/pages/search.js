// Search: people and companies by name (typos and other spellings included), address,
// postcode, e-mail, phone in any form, date of birth or identifier. One hit per actor with
// what tells namesakes apart, facets to narrow by organisation, role and country, pages of 20,
// a CSV of every hit, and whom to ask about matching records the caller may not see.

import { api, query } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { label, recordLink, actorLink, heldElsewhere, countryName, badge, date } from "../format.js";

const PAGE = 20;

// The page's address for a query, its filters and an offset.
function href(params) {
  return "#/search" + query(params);
}

function facetList(title, name, values, params) {
  if (!values.length) return null;
  const active = params[name];
  return h(
    "div",
    { class: "facet", "data-facet": name },
    h("h3", null, title),
    h(
      "ul",
      null,
      values.map((f) => {
        const on = active === f.value;
        const next = Object.assign({}, params, { [name]: on ? null : f.value, offset: null });
        const shown = name === "country" ? countryName(f.value) : name === "role" ? label(f.value) : f.value;
        return h(
          "li",
          null,
          h("a", { href: href(next), class: on ? "facet-on" : null, "data-value": f.value, "aria-pressed": on ? "true" : "false" }, shown, " ", h("span", { class: "muted small" }, `(${f.count})`), on ? " ×" : null),
        );
      }),
    ),
  );
}

function details(hit) {
  const bits = [];
  if (hit.date_of_birth) bits.push(`born ${hit.date_of_birth.length === 10 ? date(hit.date_of_birth) : hit.date_of_birth}`);
  const place = [hit.city, hit.postcode].filter(Boolean).join(" ");
  if (place) bits.push(place);
  if (hit.country) bits.push(countryName(hit.country));
  if (hit.identifiers && hit.identifiers.length) bits.push(hit.identifiers.join(", "));
  bits.push(`${hit.records} ${hit.records === 1 ? "record" : "records"}`);
  return h("div", { class: "muted small hit-details" }, bits.join(" · "));
}

export async function render(ctx) {
  const q = (ctx.query.get("q") || "").trim();
  const params = {
    q,
    org: ctx.query.get("org") || null,
    role: ctx.query.get("role") || null,
    country: ctx.query.get("country") || null,
  };
  const offset = Math.max(0, parseInt(ctx.query.get("offset") || "0", 10) || 0);
  ctx.setTitle(q ? `Search: ${q}` : "Search");

  const input = h("input", { type: "search", name: "q", id: "search-page-q", value: q, placeholder: "A name, address, postcode, e-mail, phone, date of birth, account or document", "aria-label": "Search" });
  const form = h(
    "form",
    { class: "search-page-form", role: "search" },
    input,
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (v) location.hash = href({ q: v });
  });

  const head = h("div", { class: "page-head" }, h("h1", null, "Search"));
  if (!q) {
    ctx.root.append(head, form, h("p", { class: "muted" }, "Type a name, address, postcode, e-mail address, phone number (in any form), date of birth or other identifier. Names are found despite a typo or another spelling."));
    ctx.ready("search");
    return;
  }

  const body = h("div", null, loading("Searching…"));
  ctx.root.append(head, form, body);
  let data;
  try {
    data = await api("/api/v1/search" + query(Object.assign({}, params, { limit: PAGE, offset })));
  } catch (err) {
    if (!ctx.alive()) return;
    if (err.status !== 400) throw err;
    // A query the server cannot search for: say why and keep the form.
    ctx.showError(err);
    replace(body, h("p", { class: "muted" }, err.message));
    ctx.ready("search");
    return;
  }
  if (!ctx.alive()) return;

  const hits = Array.isArray(data.hits) ? data.hits : [];
  const held = Array.isArray(data.held_elsewhere) ? data.held_elsewhere : [];
  const total = data.total || 0;
  const facets = data.facets || {};

  const results = h(
    "ul",
    { class: "results", "data-testid": "search-results" },
    hits.map((hit) =>
      h(
        "li",
        { "data-actor": hit.actor || null, "data-match": hit.match },
        hit.actor ? actorLink(hit.actor, hit.name || hit.actor) : h("strong", null, hit.name || "Unnamed party"),
        hit.match === "close" ? badge("close match", "warn") : null,
        h("span", { class: "muted" }, ` · ${label(hit.role || "party").toLowerCase()} on `),
        recordLink(hit.record),
        hit.actor ? null : h("span", { class: "muted small" }, " (not linked to an actor)"),
        details(hit),
      ),
    ),
  );

  const from = total ? offset + 1 : 0;
  const to = offset + hits.length;
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "Pages of hits" },
    offset > 0 ? h("a", { href: href(Object.assign({}, params, { offset: Math.max(0, offset - PAGE) || null })), "data-testid": "search-prev" }, "← Previous") : null,
    h("span", { class: "muted" }, total ? ` ${from}–${to} of ${total} ` : ""),
    to < total ? h("a", { href: href(Object.assign({}, params, { offset: to })), "data-testid": "search-next" }, "Next →") : null,
  );
  const csv = h("a", { href: "/api/v1/search" + query(Object.assign({}, params, { format: "csv" })), download: "search.csv", class: "button-link", "data-testid": "search-csv" }, "Export CSV");

  const facetBox = h(
    "aside",
    { class: "facets", "data-testid": "search-facets" },
    facetList("Organisation", "org", facets.organisations || [], params),
    facetList("Role", "role", facets.roles || [], params),
    facetList("Country", "country", facets.countries || [], params),
  );
  const heldBox = heldElsewhere(held, "holds matching records", "No other organisation holds matching records that you may not see.");

  replace(
    body,
    section(
      `${total} ${total === 1 ? "match" : "matches"} for “${q}”`,
      { class: "panel search-hits" },
      h("div", { class: "search-tools" }, pager, total ? csv : null),
      data.truncated ? h("p", { class: "muted small" }, "Only part of the matches were checked: add a word to narrow the search.") : null,
      h("div", { class: "search-layout" }, facetBox, h("div", null, results, hits.length ? null : h("p", { class: "muted" }, "Nothing you may see matches."))),
    ),
    section("Held elsewhere", { class: "panel" }, h("p", { class: "muted small" }, "Matching records you may not see; whom to ask."), heldBox),
  );
  ctx.ready("search");
}
