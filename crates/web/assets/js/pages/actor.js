// An actor's profile: names, identifiers gathered from every party record, records by partner,
// history of seizures, suspensions and test buys, a timeline, whom to ask about records the
// caller may not see, the network graph, and the paths to another actor.

import { api, seg } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { pathsPanel } from "../paths.js";
import { caseBox, noticeList } from "../cases.js";
import { date, label, result, documentText, resultClass, money, addressText, country, parseKey, recordHref, feedWord, actorLink, recordLink, marking, number, sentence, heldElsewhere } from "../format.js";


function partyOrg(p) {
  return p.org || parseKey(p.record).org;
}

function partyFeed(p) {
  return p.feed || parseKey(p.record).feed;
}

// Gathers every identifier of the actor's parties, each once, with the organisations that hold it.
function identifiers(parties) {
  const groups = [
    { key: "emails", label: "E-mails", norm: (v) => v.toLowerCase() },
    { key: "phones", label: "Phones", norm: (v) => v.replace(/[^\d+]/g, "") },
    { key: "addresses", label: "Addresses", norm: (v) => v.toLowerCase().replace(/\s+/g, " ") },
    { key: "accounts", label: "Accounts", norm: (v) => v.toLowerCase() },
    { key: "bank_accounts", label: "Bank accounts", norm: (v) => v.toUpperCase().replace(/[\s-]/g, "") },
    { key: "tax_ids", label: "Tax IDs", norm: (v) => v.toUpperCase().replace(/[\s-]/g, "") },
    { key: "countries", label: "Countries", norm: (v) => v.toUpperCase() },
    { key: "births", label: "Dates of birth", norm: (v) => v },
    { key: "birthplaces", label: "Places of birth", norm: (v) => v.toLowerCase().replace(/\s+/g, " ") },
    { key: "nationalities", label: "Nationalities", norm: (v) => v.toUpperCase() },
    { key: "documents", label: "Identity documents", norm: (v) => v.toUpperCase() },
  ];
  const found = new Map(groups.map((g) => [g.key, new Map()]));
  const add = (key, value, org, shown) => {
    if (value === null || value === undefined || value === "") return;
    const g = groups.find((x) => x.key === key);
    const text = String(value);
    const n = g.norm(text);
    const map = found.get(key);
    if (!map.has(n)) map.set(n, { text: shown || text, orgs: new Set(), count: 0 });
    const e = map.get(n);
    e.count += 1;
    if (org) e.orgs.add(org);
  };
  for (const p of parties) {
    const party = p.party || {};
    const org = partyOrg(p);
    for (const v of party.emails || []) add("emails", v, org);
    for (const v of party.phones || []) add("phones", v, org);
    for (const a of party.addresses || []) {
      const text = addressText(a);
      add("addresses", text, org);
    }
    if (party.account_id) add("accounts", `${party.account_id} at ${org}`, org);
    for (const v of party.bank_accounts || []) add("bank_accounts", v, org);
    for (const v of party.tax_ids || []) add("tax_ids", v, org);
    if (party.country) add("countries", party.country, org, country(party.country));
    for (const a of party.addresses || []) if (a && a.country) add("countries", a.country, org, country(a.country));
    if (party.date_of_birth) add("births", party.date_of_birth, org);
    if (party.place_of_birth) add("birthplaces", party.place_of_birth, org);
    for (const v of party.nationality || []) add("nationalities", v, org, country(v));
    for (const d of party.id_documents || []) add("documents", `${d.kind}:${d.number}`, org, documentText(d));
  }
  return groups.map((g) => ({ label: g.label, key: g.key, values: [...found.get(g.key).values()] })).filter((g) => g.values.length);
}

// "2 seller accounts and 14 listings".
function salesWords(accounts, listings) {
  const n = (k, one, many) => `${number(k)} ${k === 1 ? one : many}`;
  return listings ? `${n(accounts, "seller account", "seller accounts")} and ${n(listings, "listing", "listings")}` : n(accounts, "seller account", "seller accounts");
}

// The actor's seller accounts, and the listings they hold, latest first.
function listingsBox(actor, accounts, listings) {
  const total = actor.listings_total || listings.length;
  return h(
    "div",
    null,
    h(
      "p",
      { class: "small" },
      accounts.map((k, i) => [i ? ", " : "", recordLink(k, parseKey(k).source)]),
      " · ",
      `${number(total)} ${total === 1 ? "listing" : "listings"}`,
      total > listings.length ? `, the latest ${number(listings.length)} shown` : "",
    ),
    listings.length
      ? h(
          "div",
          { class: "scroll-box" },
          h(
            "table",
            { class: "data", "data-testid": "listings-table" },
            h("thead", null, h("tr", null, ["Listing", "Brand", "Price", "Listed", "Risk"].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              null,
              listings.map((l) =>
                h(
                  "tr",
                  { "data-key": l.key },
                  h("td", null, h("a", { href: recordHref(l.org, "listings", l.listing_id), class: "record-link" }, l.title || l.listing_id), h("div", { class: "muted small" }, `${l.listing_id} · ${l.seller_account_id}`)),
                  h("td", null, l.brand || "—"),
                  h("td", { class: "num" }, l.price || "—"),
                  h("td", null, l.created ? date(l.created) : "—"),
                  h("td", { class: "num" }, l.score === null || l.score === undefined ? "—" : number(l.score, 3)),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "muted small" }, "No listings of these accounts that you may see."),
  );
}

function historyWhat(rec) {
  const bits = [];
  if (rec.shipment_id) bits.push(`shipment ${rec.shipment_id}`);
  if (rec.listing_id) bits.push(`listing ${rec.listing_id}${rec.marketplace ? " on " + rec.marketplace : ""}`);
  if (rec.seller_account_id) bits.push(`seller account ${rec.seller_account_id}`);
  return bits.join(", ");
}

export async function render(ctx) {
  const id = ctx.params.id;
  // Party records come a page at a time (`?page_size=` in the address changes how many).
  const pageSize = Math.min(1000, Math.max(1, parseInt(ctx.query.get("page_size") || "200", 10) || 200));
  ctx.root.appendChild(loading());

  const [actor, network] = await Promise.all([
    api(`/api/v1/actors/${seg(id)}?limit=${pageSize}`),
    api(`/api/v1/actors/${seg(id)}/network?hops=1`).catch((err) => ({ failed: err })),
  ]);
  if (!ctx.alive()) return;

  const parties = Array.isArray(actor.parties) ? actor.parties : [];
  const history = Array.isArray(actor.history) ? actor.history : [];
  const names = Array.isArray(actor.names) ? actor.names : [];
  const held = Array.isArray(actor.held_elsewhere) ? actor.held_elsewhere : [];
  const links = Array.isArray(actor.links) ? actor.links : [];
  const accounts = Array.isArray(actor.seller_accounts) ? actor.seller_accounts : [];
  const listings = Array.isArray(actor.listings) ? actor.listings : [];
  const title = names[0] || actor.id || id;
  ctx.setTitle(title);

  const head = h(
    "div",
    { class: "page-head" },
    h("div", null, h("h1", null, title), h("p", { class: "subtitle" }, `Actor ${actor.id || id}`)),
    actor.hub ? h("span", { class: "badge hub-badge", title: "A forwarder, broker or shared address: many unrelated people use it" }, "hub") : null,
  );
  const hubNote = actor.hub
    ? h("p", { class: "notice" }, "This actor is a hub (a forwarder, broker or shared address). Many unrelated people pass through it, so its links say little about each other.")
    : null;

  // Names and identifiers.
  const namesBox = h("ul", { class: "inline-list names", "data-testid": "actor-names" }, names.map((n) => h("li", null, n)));
  const ids = identifiers(parties);
  const idBox = h(
    "dl",
    { class: "fields", "data-testid": "identifiers" },
    ids.length
      ? ids.map((g) =>
          h(
            "div",
            { class: "kv-row", "data-field": g.key },
            h("dt", null, g.label),
            h(
              "dd",
              null,
              h(
                "ul",
                { class: "plain" },
                g.values.map((v) =>
                  h("li", { title: v.orgs.size ? `Held by ${[...v.orgs].join(", ")}` : null }, v.text, v.count > 1 ? h("span", { class: "muted small" }, ` · ${v.count} records`) : null),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, "No identifiers you may see."),
  );

  // Whom to ask about records the caller may not see.
  const heldBox = heldElsewhere(held, "holds records about this actor", "No other organisation holds records about this actor that you may not see.");

  // Records by partner organisation, a page at a time for a hub's thousands.
  const partnerSectionsOf = () => {
  const byOrg = new Map();
  for (const p of parties) {
    const org = partyOrg(p);
    if (!byOrg.has(org)) byOrg.set(org, []);
    byOrg.get(org).push(p);
  }
  const partnerSections = [...byOrg.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([org, list]) => {
      const rows = list
        .slice()
        .sort((a, b) => String(b.date || "").localeCompare(String(a.date || "")))
        .map((p) => {
          const k = parseKey(p.record);
          const feed = partyFeed(p);
          const href = recordHref(k.org || org, feed, k.source);
          const text = `${sentence(feedWord(feed))} ${k.source}`;
          return h(
            "tr",
            { "data-record": p.record },
            h("td", null, label(p.role || k.role || "party")),
            h("td", null, href ? h("a", { href }, text) : text),
            h("td", null, p.name || (p.party && p.party.name) || "—"),
            h("td", { class: "nowrap" }, date(p.date)),
          );
        });
      return h(
        "section",
        { "data-org": org, class: "partner" },
        h("h3", null, org, h("span", { class: "muted small" }, ` · ${number(list.length)} ${list.length === 1 ? "record" : "records"}`)),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "data" },
            h("thead", null, h("tr", null, ["Role", "Record", "Name", "Date"].map((c) => h("th", { scope: "col" }, c)))),
            h("tbody", null, rows),
          ),
        ),
      );
    });
  return partnerSections;
  };
  const total = Number.isFinite(actor.parties_total) ? actor.parties_total : parties.length;
  const partnersBox = h("div", { "data-testid": "records-by-partner" });
  const drawPartners = () => {
    const sections = partnerSectionsOf();
    const more = h("button", { type: "button", "data-testid": "more-records" }, "Show more records");
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const next = await api(`/api/v1/actors/${seg(id)}?offset=${parties.length}&limit=${pageSize}`);
        if (!ctx.alive()) return;
        parties.push(...(Array.isArray(next.parties) ? next.parties : []));
        drawPartners();
      } catch (err) {
        more.disabled = false;
        ctx.showError(err);
      }
    });
    replace(
      partnersBox,
      total > parties.length || parties.length > 0
        ? h("p", { class: "muted small", "data-testid": "records-shown" }, `Showing ${number(parties.length)} of ${number(total)} records, latest first.`)
        : null,
      sections.length ? sections : h("p", { class: "muted" }, "No party records you may see."),
      total > parties.length ? h("div", { class: "button-row" }, more) : null,
    );
  };
  drawPartners();

  // History of seizures, suspensions and test buys.
  const sortedHistory = history.slice().sort((a, b) => String((b.record || {}).date || "").localeCompare(String((a.record || {}).date || "")));
  const historyRows = sortedHistory.map((o) => {
    const rec = o.record || {};
    return h(
      "tr",
      { "data-key": o.key || null },
      h("td", { class: "nowrap" }, date(rec.date)),
      h("td", null, h("span", { class: `result ${resultClass(rec.result)}` }, result(rec.result))),
      h("td", null, rec.brand || "—"),
      h("td", { class: "num" }, rec.retail_value ? money(rec.retail_value) : "—"),
      h("td", { class: "num" }, rec.quantity !== undefined && rec.quantity !== null ? number(rec.quantity) : "—"),
      h("td", null, historyWhat(rec) || "—"),
      h("td", null, rec.note || "—"),
      h("td", null, o.org || parseKey(o.key).org, " ", marking(o.marking)),
    );
  });
  const historyBox = h(
    "div",
    null,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "data", "data-testid": "history" },
        h("thead", null, h("tr", null, ["Date", "Result", "Brand", "Value", "Quantity", "Concerning", "Note", "Recorded by"].map((c, i) => h("th", { scope: "col", class: i === 3 || i === 4 ? "num" : null }, c)))),
        h("tbody", null, historyRows),
      ),
    ),
    history.length ? null : h("p", { class: "muted" }, "No seizures, suspensions or test buys on record that you may see."),
  );

  // Timeline: party records and outcomes, newest first.
  const events = [];
  for (const p of parties) {
    const k = parseKey(p.record);
    const feed = partyFeed(p);
    events.push({
      date: p.date || null,
      kind: "record",
      node: [
        `Named as ${label(p.role || k.role || "party").toLowerCase()} on `,
        recordLink(p.record, `${partyOrg(p)} ${feedWord(feed)} ${k.source}`),
      ],
    });
  }
  for (const o of history) {
    const rec = o.record || {};
    const what = historyWhat(rec);
    events.push({
      date: rec.date || null,
      kind: "outcome",
      node: [
        h("span", { class: `result ${resultClass(rec.result)}` }, result(rec.result)),
        rec.brand ? ` · ${rec.brand}` : "",
        what ? ` · ${what}` : "",
        ` · recorded by ${o.org || parseKey(o.key).org}`,
      ],
    });
  }
  events.sort((a, b) => {
    if (a.date && b.date) return String(b.date).localeCompare(String(a.date));
    if (a.date) return -1;
    if (b.date) return 1;
    return 0;
  });
  const timeline = h(
    "ol",
    { class: "timeline", "data-testid": "timeline" },
    events.map((e) => h("li", { class: `event-${e.kind}` }, h("span", { class: "when" }, e.date ? date(e.date) : "Undated"), h("span", { class: "what" }, e.node))),
  );

  // Direct links to other actors.
  const linkItem = (l) => h("li", null, actorLink(l.actor, l.name || l.actor, l.hub), h("span", { class: "muted small" }, " via "), recordLink(l.via));
  const LINKS_SHOWN = 8;
  const linksBox = links.length
    ? [
        h("ul", { class: "plain direct-links" }, links.slice(0, LINKS_SHOWN).map(linkItem)),
        links.length > LINKS_SHOWN
          ? h("details", { class: "more" }, h("summary", null, `${links.length - LINKS_SHOWN} more`), h("ul", { class: "plain direct-links" }, links.slice(LINKS_SHOWN).map(linkItem)))
          : null,
      ]
    : h("p", { class: "muted" }, "No direct links you may see.");

  // The network: graph and list.
  const graphBox = h("div", { id: "network", class: "network-canvas", role: "img", "aria-label": "Network graph of linked actors" });
  const networkList = h("ul", { "data-testid": "network-list", class: "network-list" });
  const networkStatus = h("p", { class: "muted small", role: "status", "data-testid": "network-status" });
  const truncatedNote = h("p", { class: "notice", "data-testid": "network-truncated", hidden: true }, "Truncated: the network was cut at the server's limit of actors. Expand from the list to see further.");
  const legend = h(
    "ul",
    { class: "legend", "aria-label": "Legend" },
    h("li", null, h("span", { class: "swatch swatch-focus" }), "This actor"),
    h("li", null, h("span", { class: "swatch swatch-actor" }), "Actor"),
    h("li", null, h("span", { class: "swatch swatch-expanded" }), "Expanded"),
    h("li", null, h("span", { class: "swatch swatch-hub" }), "Hub (forwarder, broker): not expanded"),
    h("li", null, h("span", { class: "swatch swatch-listed" }), "On a watch list"),
    h("li", { class: "muted" }, "Tap a node to expand it; double-tap to open its profile."),
  );

  // The actors of the network as drawn, once it is set up.
  let networkActors = () => [actor.id || id];
  replace(
    ctx.root,
    head,
    hubNote,
    h(
      "div",
      { class: "two-col" },
      h(
        "div",
        { class: "col-main" },
        section("Names", { class: "panel" }, namesBox),
        section("Identifiers", { class: "panel" }, idBox),
        section("History of seizures, suspensions and test buys", { class: "panel" }, historyBox),
        accounts.length ? section("Seller accounts and their listings", { class: "panel", "data-testid": "actor-listings" }, listingsBox(actor, accounts, listings)) : null,
      ),
      h(
        "div",
        { class: "col-side" },
        section(
          "Cases",
          { class: "panel", "data-testid": "actor-cases" },
          noticeList(actor.cases, "No open case on this actor that you may know of."),
          ctx.me && ctx.me.role !== "auditor"
            ? caseBox(ctx, {
                title: `Investigation of ${title}`,
                records: [],
                actors: [actor.id || id],
                extra: { label: `with its ${salesWords(accounts.length, listings.length)}`, records: [...accounts, ...listings.map((l) => l.key)] },
              })
            : null,
        ),
        section("Held elsewhere", { class: "panel" }, h("p", { class: "muted small" }, "Records you may not see; whom to ask."), heldBox),
        section("Direct links", { class: "panel" }, h("div", { class: "scroll-box" }, linksBox)),
      ),
    ),
    section(
      "Network",
      { class: "panel network-panel" },
      legend,
      truncatedNote,
      h("div", { class: "network" }, graphBox, h("div", { class: "network-side" }, networkStatus, networkList)),
      ctx.me && ctx.me.role !== "auditor"
        ? h(
            "div",
            { "data-testid": "network-case" },
            h("p", { class: "muted small" }, "A case on the actors shown here, as far as the network has been expanded (hubs left out):"),
            caseBox(ctx, { title: `Network of ${title}`, records: [], actors: () => networkActors() }),
          )
        : null,
    ),
    section("Paths to another actor", { class: "panel", "data-testid": "paths-panel" }, pathsPanel(actor.id || id, ctx.query.get("to"))),
    h(
      "div",
      { class: "two-col even" },
      section("Timeline", { class: "panel" }, h("div", { class: "scroll-box" }, timeline), events.length ? null : h("p", { class: "muted" }, "Nothing dated yet.")),
      section("Records by partner", { class: "panel" }, h("div", { class: "scroll-box" }, partnersBox)),
    ),
  );

  networkActors = setUpNetwork(ctx, actor.id || id, network, { graphBox, networkList, networkStatus, truncatedNote });
  ctx.ready("actor");
}

// The network graph and its list, expanding one actor at a time.
function setUpNetwork(ctx, focusId, first, els) {
  const nodes = new Map();
  const edges = new Set();
  const expanded = new Set();
  const pending = new Set();
  const cytoscape = window.cytoscape;
  let cy = null;

  if (typeof cytoscape === "function") {
    cy = cytoscape({
      container: els.graphBox,
      elements: [],
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "#2563eb",
            label: "data(label)",
            "font-size": 12,
            color: "#1e293b",
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "ellipsis",
            "text-max-width": 120,
            width: 22,
            height: 22,
          },
        },
        { selector: "node.expanded", style: { "border-width": 3, "border-color": "#93c5fd" } },
        { selector: "node.hub", style: { shape: "diamond", "background-color": "#9333ea", width: 28, height: 28 } },
        { selector: "node.listed", style: { shape: "star", "background-color": "#ea580c", width: 28, height: 28 } },
        { selector: "node.focus", style: { "background-color": "#dc2626", "border-width": 3, "border-color": "#7f1d1d", width: 32, height: 32, "font-weight": "bold" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#94a3b8", "curve-style": "haystack", "haystack-radius": 0 } },
        { selector: "node:selected", style: { "overlay-color": "#0f172a", "overlay-opacity": 0.15 } },
      ],
    });
    window.interdictNetwork = cy;
    ctx.onLeave(() => {
      if (window.interdictNetwork === cy) delete window.interdictNetwork;
      cy.destroy();
    });
  } else {
    els.graphBox.appendChild(h("p", { class: "muted graph-missing" }, "The graph could not be drawn in this browser; the list beside it shows the same network."));
  }

  const layout = (randomize) => {
    if (!cy || cy.nodes().length === 0) return;
    const l = cy.layout({ name: "cose", animate: false, randomize, fit: true, padding: 24, nodeDimensionsIncludeLabels: true, idealEdgeLength: () => 60 });
    l.run();
  };

  // Adds what a network answer has that is new; returns how many actors were new.
  const addNetwork = (net, from) => {
    const base = from && nodes.has(from) ? nodes.get(from).distance : 0;
    const origin = cy && from ? cy.getElementById(from) : null;
    const at = origin && origin.nonempty() ? origin.position() : { x: 0, y: 0 };
    let added = 0;
    for (const n of Array.isArray(net.nodes) ? net.nodes : []) {
      if (!n || !n.id) continue;
      if (nodes.has(n.id)) {
        const known = nodes.get(n.id);
        known.distance = Math.min(known.distance, base + (n.hops || 0));
        if (!known.name && n.name) known.name = n.name;
        continue;
      }
      nodes.set(n.id, { id: n.id, name: n.name || "", hub: !!n.hub, listed: !!n.listed, distance: base + (n.hops || 0) });
      added += 1;
      if (cy) {
        const classes = [n.hub ? "hub" : null, n.listed ? "listed" : null, n.id === focusId ? "focus" : null].filter(Boolean).join(" ");
        cy.add({
          group: "nodes",
          data: { id: n.id, label: n.name || n.id, hub: !!n.hub },
          classes,
          position: { x: at.x + (Math.random() - 0.5) * 80, y: at.y + (Math.random() - 0.5) * 80 },
        });
      }
    }
    for (const e of Array.isArray(net.edges) ? net.edges : []) {
      if (!e || !e.from || !e.to || e.from === e.to) continue;
      if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
      const key = [e.from, e.to].sort().join("\u0000");
      if (edges.has(key)) continue;
      edges.add(key);
      if (cy) cy.add({ group: "edges", data: { id: `edge-${edges.size}`, source: e.from, target: e.to, via: e.via || "" } });
    }
    if (net.truncated) els.truncatedNote.hidden = false;
    return added;
  };

  const drawList = () => {
    const list = [...nodes.values()].sort((a, b) => {
      if (a.id === focusId) return -1;
      if (b.id === focusId) return 1;
      return a.distance - b.distance || (a.name || a.id).localeCompare(b.name || b.id);
    });
    replace(
      els.networkList,
      list.map((n) => {
        let button;
        if (n.hub) {
          button = h("button", { type: "button", class: "small", "data-expand": n.id, disabled: true, title: "Hubs are not expanded" }, "Hub");
        } else if (expanded.has(n.id)) {
          button = h("button", { type: "button", class: "small", "data-expand": n.id, disabled: true }, "Expanded");
        } else if (pending.has(n.id)) {
          button = h("button", { type: "button", class: "small", "data-expand": n.id, disabled: true }, "Expanding…");
        } else {
          button = h("button", { type: "button", class: "small", "data-expand": n.id, title: `Fetch the actors linked to ${n.name || n.id}` }, "Expand");
          button.addEventListener("click", () => expand(n.id));
        }
        return h(
          "li",
          { "data-actor": n.id, "data-listed": n.listed ? "true" : null, class: [n.id === focusId ? "focus" : null, n.hub ? "hub" : null] },
          h("a", { href: `#/actors/${encodeURIComponent(n.id)}` }, n.name || n.id),
          n.hub ? h("span", { class: "badge hub-badge" }, "hub") : null,
          n.listed ? h("span", { class: "badge listed-badge", title: "On a watch list you may see" }, "watch list") : null,
          h("span", { class: "muted small" }, n.id === focusId ? " this actor" : ` ${n.distance} ${n.distance === 1 ? "link" : "links"} away`),
          button,
        );
      }),
    );
    els.networkStatus.textContent = `${number(nodes.size)} ${nodes.size === 1 ? "actor" : "actors"}, ${number(edges.size)} ${edges.size === 1 ? "link" : "links"}.`;
  };

  // Fetches the actors linked to one actor and adds what is new.
  const expand = async (nid) => {
    const node = nodes.get(nid);
    if (!node || node.hub || expanded.has(nid) || pending.has(nid)) return;
    pending.add(nid);
    drawList();
    try {
      const net = await api(`/api/v1/actors/${seg(nid)}/network?hops=1`);
      if (!ctx.alive()) return;
      expanded.add(nid);
      const added = addNetwork(net, nid);
      if (cy) {
        cy.getElementById(nid).addClass("expanded");
        layout(false);
      }
      pending.delete(nid);
      drawList();
      els.networkStatus.textContent += ` Expanding ${node.name || nid} added ${number(added)} ${added === 1 ? "actor" : "actors"}.`;
    } catch (err) {
      pending.delete(nid);
      if (!ctx.alive()) return;
      drawList();
      ctx.showError(err);
    }
  };

  if (first && first.failed) {
    els.networkStatus.textContent = "The network could not be loaded.";
    ctx.showError(first.failed);
    if (cy) cy.add({ group: "nodes", data: { id: focusId, label: focusId }, classes: "focus" });
    return () => [focusId];
  }
  addNetwork(first || { nodes: [], edges: [] }, null);
  if (!nodes.has(focusId)) {
    nodes.set(focusId, { id: focusId, name: "", hub: false, distance: 0 });
    if (cy) cy.add({ group: "nodes", data: { id: focusId, label: focusId }, classes: "focus" });
  }
  expanded.add(focusId);
  if (cy) {
    cy.getElementById(focusId).addClass("expanded");
    layout(true);
    cy.on("tap", "node", (evt) => {
      const n = evt.target;
      if (n.hasClass("hub")) {
        els.networkStatus.textContent = `${n.data("label")} is a hub; hubs are not expanded.`;
        return;
      }
      expand(n.id());
    });
    cy.on("dbltap", "node", (evt) => {
      location.hash = `#/actors/${encodeURIComponent(evt.target.id())}`;
    });
  }
  drawList();
  return () => [...nodes.values()].filter((n) => !n.hub || n.id === focusId).map((n) => n.id);
}
