// Search: parties by name or identifier, with links to their actors, and whom to ask about
// matching records the caller may not see.

import { api, query } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { label, recordLink, actorLink, heldElsewhere } from "../format.js";

export async function render(ctx) {
  const q = (ctx.query.get("q") || "").trim();
  ctx.setTitle(q ? `Search: ${q}` : "Search");

  const input = h("input", { type: "search", name: "q", id: "search-page-q", value: q, placeholder: "A name, e-mail, phone, account, bank account or tax id", "aria-label": "Search" });
  const form = h(
    "form",
    { class: "search-page-form", role: "search" },
    input,
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (v) location.hash = "#/search?q=" + encodeURIComponent(v);
  });

  const head = h("div", { class: "page-head" }, h("h1", null, "Search"));
  if (!q) {
    ctx.root.append(head, form, h("p", { class: "muted" }, "Type a name, e-mail address, phone number or other identifier."));
    ctx.ready("search");
    return;
  }

  const body = h("div", null, loading("Searching…"));
  ctx.root.append(head, form, body);
  let data;
  try {
    data = await api("/api/v1/search" + query({ q, limit: 20 }));
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

  const results = h(
    "ul",
    { class: "results", "data-testid": "search-results" },
    hits.map((hit) =>
      h(
        "li",
        { "data-actor": hit.actor || null },
        hit.actor ? actorLink(hit.actor, hit.name || hit.actor) : h("strong", null, hit.name || "Unnamed party"),
        h("span", { class: "muted" }, ` · ${label(hit.role || "party").toLowerCase()} on `),
        recordLink(hit.record),
        hit.actor ? null : h("span", { class: "muted small" }, " (not linked to an actor)"),
      ),
    ),
  );
  const heldBox = heldElsewhere(held, "holds matching records", "No other organisation holds matching records that you may not see.");

  replace(
    body,
    section(
      `${hits.length} ${hits.length === 1 ? "match" : "matches"} for “${q}”`,
      { class: "panel" },
      results,
      hits.length ? null : h("p", { class: "muted" }, "Nothing you may see matches."),
    ),
    section("Held elsewhere", { class: "panel" }, h("p", { class: "muted small" }, "Matching records you may not see; whom to ask."), heldBox),
  );
  ctx.ready("search");
}
