// Humane formatting of the API's values: numbers, money, dates, countries, outcomes, field
// names, and generic renderers that turn records into label/value pairs, cards and tables.

import { h } from "./dom.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DASH = "—";

const numberFormat = new Intl.NumberFormat("en-GB");

// A count or plain number with thousands separators.
export function number(n, digits) {
  if (n === null || n === undefined || n === "") return DASH;
  const x = Number(n);
  if (!Number.isFinite(x)) return String(n);
  if (digits === undefined) return numberFormat.format(x);
  return x.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// A fraction as a percentage: 0.934 → "93%" (or "93.4%" with one digit).
export function percent(x, digits) {
  if (x === null || x === undefined || x === "") return DASH;
  const v = Number(x);
  if (!Number.isFinite(v)) return DASH;
  const d = digits === undefined ? 0 : digits;
  return (v * 100).toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d }) + "%";
}

// The risk band of a score: "high", "medium" or "low".
export function riskClass(score) {
  const v = Number(score);
  if (v >= 0.7) return "high";
  if (v >= 0.4) return "medium";
  return "low";
}

// A score as a percentage (one decimal, so the top of a queue stays distinguishable) with a
// small bar coloured by risk.
export function scoreBar(score, attrs) {
  const v = Math.max(0, Math.min(1, Number(score) || 0));
  const band = riskClass(v);
  const words = { high: "high risk", medium: "medium risk", low: "low risk" };
  return h(
    "span",
    Object.assign({ class: `scorebar risk-${band}`, title: `Risk score: ${words[band]}` }, attrs || {}),
    h("span", { class: "pct" }, percent(v, 1)),
    h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: "fill", style: { width: `${(v * 100).toFixed(1)}%` } })),
  );
}

function decimals(text) {
  const m = /\.(\d+)$/.exec(String(text));
  return m ? m[1].length : 0;
}

// A decimal amount string with separators, keeping at least two decimals.
export function amount(text) {
  const x = Number(text);
  if (!Number.isFinite(x)) return String(text);
  const d = Math.min(Math.max(decimals(text), 2), 6);
  return x.toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d });
}

// US dollars: 1234.5 → "$1,234.50"; with whole=true, "$1,235".
export function usd(n, whole) {
  if (n === null || n === undefined || n === "") return DASH;
  const x = Number(n);
  if (!Number.isFinite(x)) return String(n);
  const d = whole ? 0 : 2;
  return "$" + x.toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d });
}

// Whether a value looks like Money: {amount, currency, usd?}.
export function isMoney(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && "amount" in v && "currency" in v;
}

// Money: {amount:"12.50", currency:"GBP", usd:"15.80"} → "GBP 12.50 (≈ $15.80)".
export function money(m) {
  if (!isMoney(m)) return DASH;
  const cur = String(m.currency || "").toUpperCase();
  let text = `${cur} ${amount(m.amount)}`;
  if (m.usd !== undefined && m.usd !== null && m.usd !== "" && cur !== "USD") text += ` (≈ ${usd(m.usd)})`;
  return text;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

// Whether a string is an ISO date or date-time.
export function isIsoDate(v) {
  return typeof v === "string" && (ISO_DATE.test(v) || ISO_DATE_TIME.test(v));
}

// An ISO date as "2 Mar 2026"; a date-time as "2 Mar 2026, 14:05".
export function date(text) {
  if (text === null || text === undefined || text === "") return DASH;
  const s = String(text);
  const m = ISO_DATE.exec(s);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return s;
    return `${Number(m[3])} ${MONTHS[month - 1]} ${m[1]}`;
  }
  if (ISO_DATE_TIME.test(s)) return dateTime(s);
  return s;
}

// A date-time as "2 Mar 2026, 14:05" in the browser's time zone (the date alone when it has no zone).
export function dateTime(text) {
  if (text === null || text === undefined || text === "") return DASH;
  const s = String(text);
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return date(s);
  if (!m[8]) {
    return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}, ${m[4]}:${m[5]}`;
  }
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A week start as "2 Mar".
export function shortDate(text) {
  const m = ISO_DATE.exec(String(text || "").slice(0, 10));
  if (!m) return String(text || "");
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}`;
}

let regionNames = null;
try {
  regionNames = new Intl.DisplayNames(["en"], { type: "region" });
} catch (e) {
  regionNames = null;
}

// A country's name alone ("China"), or the code when it has none.
export function countryName(code) {
  if (!code) return DASH;
  const c = String(code).toUpperCase();
  if (regionNames && /^[A-Z]{2}$/.test(c)) {
    try {
      const name = regionNames.of(c);
      if (name && name !== c) return name;
    } catch (e) {
      return c;
    }
  }
  return c;
}

// A country with its code: "China (CN)".
export function country(code) {
  if (!code) return DASH;
  const c = String(code).toUpperCase();
  const name = countryName(c);
  return name === c ? c : `${name} (${c})`;
}

// A lane "VN-GB" as "Viet Nam → United Kingdom (VN-GB)".
export function lane(text) {
  const parts = String(text || "").split("-");
  if (parts.length !== 2) return String(text || "");
  return `${countryName(parts[0])} → ${countryName(parts[1])} (${text})`;
}

const RESULTS = {
  seized_counterfeit: "Seized: counterfeit",
  seized_other: "Seized: other reason",
  released: "Released",
  account_suspended: "Account suspended",
  listing_removed: "Listing removed",
  test_buy_fake: "Test buy: fake",
  test_buy_genuine: "Test buy: genuine",
};

// An outcome result in words: "seized_counterfeit" → "Seized: counterfeit".
export function result(code) {
  if (!code) return DASH;
  return RESULTS[code] || label(code);
}

// The risk class an outcome result suggests, for colouring.
export function resultClass(code) {
  if (code === "seized_counterfeit" || code === "test_buy_fake" || code === "account_suspended" || code === "listing_removed") return "result-bad";
  if (code === "released" || code === "test_buy_genuine") return "result-good";
  return "result-other";
}

const LABELS = {
  hs_code: "HS code",
  listing_id: "Listing ID",
  shipment_id: "Shipment ID",
  outcome_id: "Outcome ID",
  brand_id: "Brand ID",
  entry_id: "Entry ID",
  account_id: "Account",
  seller_account_id: "Seller account",
  product_ids: "Product IDs",
  tax_ids: "Tax IDs",
  emails: "E-mails",
  weight_kg: "Weight (kg)",
  usd: "US dollars",
  value_usd: "Value (US dollars)",
  retail_value: "Retail value",
  lookalike_exceptions: "Look-alike exceptions",
  source_id: "Source ID",
  source_file: "Source file",
  ingested_at: "Ingested",
  port_of_arrival: "Port of arrival",
  final_recipient: "Final recipient",
};

// A snake_case field name in words: "port_of_arrival" → "Port of arrival".
export function label(name) {
  if (name === null || name === undefined) return "";
  const key = String(name);
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").trim().toLowerCase();
  if (!words) return key;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// A record key "org/feed/source" split into its parts (a party's "#role" suffix split off).
export function parseKey(key) {
  const text = String(key || "");
  const a = text.indexOf("/");
  const b = a < 0 ? -1 : text.indexOf("/", a + 1);
  if (a < 0 || b < 0) return { org: "", feed: "", source: text, role: null };
  let source = text.slice(b + 1);
  let role = null;
  const hash = source.indexOf("#");
  const suffix = hash >= 0 ? source.slice(hash + 1) : "";
  if (hash >= 0 && (PARTY_ROLES.includes(suffix) || suffix.startsWith("authorised"))) {
    role = source.slice(hash + 1);
    source = source.slice(0, hash);
  }
  return { org: text.slice(0, a), feed: text.slice(a + 1, b), source, role };
}

// The page of a record, when the application has one: "#/shipments/ORG/ID" or "#/listings/ORG/ID".
export function recordHref(org, feed, source) {
  if (feed === "shipments" || feed === "listings") {
    return `#/${feed}/${encodeURIComponent(org)}/${encodeURIComponent(source)}`;
  }
  return null;
}

const FEED_WORDS = {
  shipments: "shipment",
  listings: "listing",
  sellers: "seller account",
  outcomes: "outcome",
  brands: "brand",
  parties: "list entry",
};

// A feed name in words, singular: "shipments" → "shipment".
export function feedWord(feed) {
  return FEED_WORDS[feed] || label(feed).toLowerCase();
}

// A link to a record's page, or plain text when it has none.
export function recordLink(key, text) {
  const k = parseKey(key);
  const href = recordHref(k.org, k.feed, k.source);
  const shown = text || `${k.org} ${feedWord(k.feed)} ${k.source}`.trim();
  if (href) return h("a", { href, class: "record-link" }, shown);
  return h("span", { class: "record-ref" }, shown);
}

// A link to an actor's profile.
export function actorLink(id, name, hub) {
  return h(
    "a",
    { href: `#/actors/${encodeURIComponent(id)}`, class: "actor-link", "data-actor": id },
    name || id,
    hub ? h("span", { class: "badge hub-badge", title: "A hub: a forwarder, broker or other shared address" }, "hub") : null,
  );
}

// A small labelled badge.
export function badge(text, cls) {
  return h("span", { class: `badge ${cls || ""}`.trim() }, text);
}

// A TLP marking badge.
export function marking(m) {
  if (!m) return null;
  const name = String(m).toUpperCase();
  return h("span", { class: `badge tlp tlp-${name.toLowerCase().replace(/[^a-z]+/g, "-")}`, title: "Traffic Light Protocol marking" }, `TLP:${name}`);
}

// An address on one line: "12 High St, London N1 9GU, England, United Kingdom (GB)".
export function addressText(a) {
  if (!a) return "";
  if (typeof a === "string") return a;
  const parts = [];
  if (a.text) parts.push(a.text);
  const town = [a.city, a.postcode].filter(Boolean).join(" ");
  if (town) parts.push(town);
  if (a.region) parts.push(a.region);
  if (a.country) parts.push(country(a.country));
  return parts.join(", ");
}

const PARTY_ROLES = ["shipper", "consignee", "seller", "purchaser", "final_recipient", "importer"];

// The field names that hold a party in a shipment.
export function partyRoles() {
  return PARTY_ROLES.slice();
}

// Whether a value looks like a Party.
export function isParty(v) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  return ["name", "display_name", "account_id", "emails", "phones", "addresses", "bank_accounts", "tax_ids", "given_name", "family_name", "date_of_birth", "id_documents"].some((k) => k in v);
}

function listNode(values, render) {
  return h("ul", { class: "plain" }, values.map((v) => h("li", null, render ? render(v) : String(v))));
}

// An identity document on one line: "Passport 123456789 (United Kingdom)".
export function documentText(d) {
  if (!d) return "";
  const issuer = d.country ? ` (${country(d.country)})` : "";
  return `${label(d.kind)} ${d.number}${issuer}`;
}

// A party as a card: name, account, e-mails, phones, addresses, bank accounts, tax ids, country.
// Options: title (e.g. the role), actor and hub (link to the actor's profile), attrs.
export function partyCard(party, opts) {
  const o = opts || {};
  const p = party || {};
  const name = p.name || p.display_name || o.name || "Unnamed party";
  const rows = [];
  const add = (lbl, value) => {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return;
    rows.push(h("dt", null, lbl), h("dd", null, value));
  };
  if (p.display_name && p.display_name !== name) add("Shown as", p.display_name);
  if (p.kind) add("Kind", label(p.kind));
  add("Account", p.account_id);
  if (p.emails && p.emails.length) add("E-mails", listNode(p.emails));
  if (p.phones && p.phones.length) add("Phones", listNode(p.phones));
  if (p.addresses && p.addresses.length) add("Addresses", listNode(p.addresses, addressText));
  if (p.bank_accounts && p.bank_accounts.length) add("Bank accounts", listNode(p.bank_accounts));
  if (p.tax_ids && p.tax_ids.length) add("Tax IDs", listNode(p.tax_ids));
  if (p.country) add("Country", country(p.country));
  if (p.given_name) add("Given name", p.given_name);
  if (p.family_name) add("Family name", p.family_name);
  add("Date of birth", p.date_of_birth);
  add("Place of birth", p.place_of_birth);
  if (p.nationality && p.nationality.length) add("Nationality", p.nationality.map(country).join(", "));
  if (p.gender) add("Gender", label(p.gender));
  if (p.id_documents && p.id_documents.length) add("Identity documents", listNode(p.id_documents, documentText));
  const heading = [];
  if (o.title) heading.push(h("div", { class: "card-kicker" }, o.title));
  heading.push(h("div", { class: "card-title" }, name));
  const footer = o.actor
    ? h("div", { class: "card-foot" }, actorLink(o.actor, "Actor profile " + o.actor, o.hub))
    : o.noActorNote
      ? h("div", { class: "card-foot muted" }, o.noActorNote)
      : null;
  return h(
    "div",
    Object.assign({ class: "card party-card" }, o.attrs || {}),
    heading,
    rows.length ? h("dl", { class: "kv" }, rows) : h("p", { class: "muted" }, "No further details."),
    footer,
  );
}

const COUNTRY_FIELDS = new Set(["country", "origin_country", "export_country", "ships_from", "genuine_origins", "origin"]);

// A value rendered for a person, by its field name and shape.
export function valueNode(key, value) {
  if (value === null || value === undefined || value === "") return DASH;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return number(value);
  if (typeof value === "string") {
    if (COUNTRY_FIELDS.has(key) && /^[A-Za-z]{2}$/.test(value)) return country(value);
    if (key === "result") return result(value);
    if (key === "genuine_lanes") return lane(value);
    if (isIsoDate(value)) return date(value);
    if ((key === "quantity" || key === "weight_kg") && /^-?\d+(\.\d+)?$/.test(value)) return number(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return DASH;
    if (value.every((v) => v === null || typeof v !== "object")) {
      return h("ul", { class: "inline-list" }, value.map((v) => h("li", null, valueNode(key, v))));
    }
    if (value.every(isParty)) {
      return h("div", { class: "cards" }, value.map((p) => partyCard(p)));
    }
    if (value.every(isMoney)) return h("ul", { class: "plain" }, value.map((m) => h("li", null, money(m))));
    return objectTable(value);
  }
  if (isMoney(value)) return money(value);
  if (key === "addresses" || (("text" in value || "city" in value || "postcode" in value) && !isParty(value))) return addressText(value);
  if (isParty(value)) return partyCard(value);
  return fieldList(value);
}

// Label/value pairs of an object, in the given order first and then the rest; skips the
// fields named in skip and empty values.
export function fieldList(obj, opts) {
  const o = opts || {};
  const skip = new Set(o.skip || []);
  const keys = [];
  for (const k of o.order || []) if (obj && k in obj) keys.push(k);
  for (const k of Object.keys(obj || {})) if (!keys.includes(k)) keys.push(k);
  const rows = [];
  for (const k of keys) {
    if (skip.has(k)) continue;
    const v = obj[k];
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    rows.push(h("div", { class: "kv-row", "data-field": k }, h("dt", null, label(k)), h("dd", null, valueNode(k, v))));
  }
  if (rows.length === 0) return h("p", { class: "muted" }, "No details.");
  return h("dl", Object.assign({ class: "fields" }, o.attrs || {}), rows);
}

// A table of objects with a column per field (union of the keys, in first-seen order).
export function objectTable(rows, opts) {
  const o = opts || {};
  const keys = [];
  for (const r of rows) for (const k of Object.keys(r || {})) if (!keys.includes(k)) keys.push(k);
  const cols = (o.order || []).filter((k) => keys.includes(k)).concat(keys.filter((k) => !(o.order || []).includes(k)));
  const numeric = new Set(["quantity", "weight_kg", "value", "price", "retail_value"]);
  return dataTable(
    cols.map((k) => ({ label: label(k), class: numeric.has(k) ? "num" : null, render: (r) => valueNode(k, r ? r[k] : null) })),
    rows,
    o.attrs,
  );
}

// A table from column definitions {label, render(row, i), class, attrs} and rows.
export function dataTable(columns, rows, attrs, rowAttrs) {
  const head = h("thead", null, h("tr", null, columns.map((c) => h("th", Object.assign({ scope: "col", class: c.class || null }, c.attrs || {}), c.label))));
  const body = h(
    "tbody",
    null,
    rows.map((r, i) => h("tr", rowAttrs ? rowAttrs(r, i) : null, columns.map((c) => h("td", { class: c.class || null }, c.render(r, i))))),
  );
  return h("div", { class: "table-wrap" }, h("table", Object.assign({ class: "data" }, attrs || {}), head, body));
}

// Capitalises the first letter of a sentence.
export function sentence(text) {
  const t = String(text || "");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// Whom to ask about records the reader may not see: one line per organisation, or `none` when
// there is nobody.
export function heldElsewhere(held, fallback, none) {
  return h(
    "div",
    { "data-testid": "held-elsewhere", class: "held-elsewhere" },
    held.length
      ? h(
          "ul",
          { class: "plain" },
          held.map((e) => h("li", { "data-org": e.org }, h("strong", null, e.org), ": ", sentence(e.note || `${fallback}; ask ${e.org}`))),
        )
      : h("p", { class: "muted" }, none),
  );
}
