// How an actor is connected to another: the shortest paths between them and the actors both
// are linked to, each link with the records that make it. Only records the user sees in full
// count; an actor the user sees nothing of is "not found".

import { api, seg, query } from "./api.js";
import { h, replace, loading } from "./dom.js";
import { actorLink, recordLink } from "./format.js";

function viaList(records) {
  return h("span", { class: "via muted small" }, "via ", records.map((r, i) => [i ? ", " : null, recordLink(r)]));
}

function pathItem(path) {
  const first = path[0].from;
  return h(
    "li",
    { "data-testid": "path" },
    actorLink(first.id, first.name, first.hub),
    path.map((step) => [h("span", { class: "muted" }, " → "), actorLink(step.to.id, step.to.name, step.to.hub), viaList(step.via)]),
  );
}

function sharedItem(s) {
  return h(
    "li",
    { "data-testid": "shared-neighbour" },
    actorLink(s.actor.id, s.actor.name, s.actor.hub),
    h("span", { class: "via muted small" }, "with this actor via ", s.via_from.map((r, i) => [i ? ", " : null, recordLink(r)])),
    h("span", { class: "via muted small" }, "with the other via ", s.via_to.map((r, i) => [i ? ", " : null, recordLink(r)])),
  );
}

// The panel's content: a form for the other actor and, once asked, what connects them.
export function pathsPanel(fromId, initialTo) {
  const input = h("input", { type: "text", name: "to", "data-testid": "path-to", placeholder: "Another actor: a name, an identifier or its id (ACT-…)", "aria-label": "Other actor", value: initialTo || "" });
  const hops = h(
    "select",
    { name: "hops", "aria-label": "Most links" },
    [2, 3, 4, 5, 6].map((n) => h("option", { value: String(n), selected: n === 4 }, `up to ${n} links`)),
  );
  const hubs = h("input", { type: "checkbox", name: "through_hubs", id: "path-hubs" });
  const out = h("div", { "data-testid": "paths", role: "status" });
  const form = h(
    "form",
    { class: "button-row", "data-testid": "path-form" },
    input,
    hops,
    h("label", { for: "path-hubs", class: "small" }, hubs, " through hubs"),
    h("button", { type: "submit" }, "Find paths"),
  );
  // A name or identifier instead of an actor id: the actors search finds, to pick from.
  async function pick(text) {
    replace(out, loading("Searching…"));
    let found;
    try {
      found = await api("/api/v1/search" + query({ q: text, limit: 8 }));
    } catch (err) {
      replace(out, h("p", { class: "muted", "data-testid": "paths-error" }, err.message));
      return;
    }
    const hits = (found.hits || []).filter((x) => x.actor && x.actor !== fromId);
    if (!hits.length) {
      replace(out, h("p", { class: "muted", "data-testid": "paths-error" }, `No actor that you may see matches “${text}”.`));
      return;
    }
    replace(
      out,
      h("p", { class: "muted small" }, "Which one?"),
      h(
        "ul",
        { class: "path-list", "data-testid": "path-candidates" },
        hits.map((x) => {
          const choose = h("button", { type: "button", "data-actor": x.actor }, "Paths to this actor");
          choose.addEventListener("click", () => {
            input.value = x.actor;
            run();
          });
          const where = [x.city, x.postcode, x.country, x.date_of_birth ? `born ${x.date_of_birth}` : null].filter(Boolean).join(" · ");
          return h("li", null, actorLink(x.actor, x.name), where ? h("span", { class: "muted small" }, ` · ${where}`) : null, " ", choose);
        }),
      ),
    );
  }

  async function run() {
    const to = input.value.trim();
    if (!to) return;
    if (!/^ACT-/i.test(to)) {
      await pick(to);
      return;
    }
    replace(out, loading("Looking for paths…"));
    let data;
    try {
      data = await api(`/api/v1/actors/${seg(fromId)}/paths/${seg(to)}` + query({ hops: hops.value, through_hubs: hubs.checked ? "true" : null }));
    } catch (err) {
      replace(out, h("p", { class: "muted", "data-testid": "paths-error" }, err.status === 404 ? `No actor ${to} that you may see.` : err.message));
      return;
    }
    const paths = data.paths || [];
    const shared = data.shared || [];
    replace(
      out,
      paths.length
        ? h("p", null, `${paths.length} shortest ${paths.length === 1 ? "path" : "paths"} of ${data.hops} ${data.hops === 1 ? "link" : "links"} to `, actorLink(data.to.id, data.to.name, data.to.hub), ":")
        : h("p", { class: "muted" }, `No path of up to ${hops.value} links through records you may see.`),
      paths.length ? h("ul", { class: "path-list" }, paths.map(pathItem)) : null,
      shared.length ? h("h3", null, "Linked to both") : null,
      shared.length ? h("ul", { class: "path-list" }, shared.map(sharedItem)) : null,
      data.truncated ? h("p", { class: "muted small" }, "More paths or shared actors exist than are shown.") : null,
    );
    document.dispatchEvent(new CustomEvent("interdict:paths", { detail: { from: fromId, to } }));
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  if (initialTo) run();
  return h("div", null, h("p", { class: "muted small" }, "How this actor is connected to another: the shortest paths and the actors both are linked to, with the records that make each link."), form, out);
}
