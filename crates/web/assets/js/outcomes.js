// Recording outcomes: the queue's and shipment page's three choices, and brand confirmations.

import { api, today } from "./api.js";

// The three choices of the queue and the shipment page.
export const SHIPMENT_CHOICES = [
  { key: "seized", result: "seized_counterfeit", label: "Seized", hint: "Seized as counterfeit", shortcut: "s" },
  { key: "released", result: "released", label: "Released", hint: "Released", shortcut: "r" },
  { key: "other", result: "seized_other", label: "Other", hint: "Seized for another reason", shortcut: "o" },
];

// Whether a role may record outcomes at all.
export function mayRecord(role) {
  return role === "officer" || role === "analyst" || role === "brand_rep";
}

let lastMillis = 0;

// A fresh outcome id for this user: "web-<user>-<milliseconds>".
export function outcomeId(user) {
  // Two outcomes recorded in the same millisecond still get distinct ids.
  lastMillis = Math.max(Date.now(), lastMillis + 1);
  return `web-${user}-${lastMillis}`;
}

// Decisions on their way to the server, by what they decide ("shipment:ID:result"). They
// outlive the page that made them: moving to another page does not cancel one, a reload sends
// what was still pending again under the same outcome id (the server keeps one record per id),
// and leaving the application while one is pending asks first.
const pending = new Map();
const listeners = new Set();
const STORE = "interdict.pending-decisions";

function remember() {
  try {
    const rows = [...pending.values()].map((p) => ({ user: p.user, rec: p.rec }));
    if (rows.length) sessionStorage.setItem(STORE, JSON.stringify(rows));
    else sessionStorage.removeItem(STORE);
  } catch (_) {
    // Storage may be off (a private window); the warning on leaving still holds.
  }
}

function changed() {
  remember();
  for (const f of listeners) f(pending.size);
}

// Calls `f` with the number of pending decisions whenever it changes; gives a function that
// stops the calls.
export function onPending(f) {
  listeners.add(f);
  f(pending.size);
  return () => listeners.delete(f);
}

export function pendingCount() {
  return pending.size;
}

window.addEventListener("beforeunload", (e) => {
  if (pending.size === 0) return;
  e.preventDefault();
  e.returnValue = "";
});

function decisionKey(rec) {
  const target = rec.shipment_id ? `shipment:${rec.shipment_id}` : `listing:${rec.marketplace || ""}:${rec.listing_id || ""}`;
  return `${target}:${rec.result}`;
}

function newRecord(me, fields) {
  // Rows of the outcomes feed are keyed by source_id, as in a partner's file.
  const rec = { source_id: outcomeId(me.user), result: fields.result, date: fields.date || today() };
  for (const k of ["shipment_id", "listing_id", "marketplace", "brand", "note"]) {
    if (fields[k] !== undefined && fields[k] !== null && fields[k] !== "") rec[k] = fields[k];
  }
  return rec;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Whether a failed post may be sent again as it is: the network, or a server that is busy.
function transient(err) {
  if (!err || err.name !== "ApiError") return true;
  return err.status === 429 || err.status === 502 || err.status === 503 || err.status === 504;
}

// Posts one outcome row, again under the same id while the failure is transient.
async function post(rec) {
  let wait = 500;
  for (let attempt = 0; ; attempt++) {
    try {
      return await api("/api/v1/outcomes", { method: "POST", body: { records: [rec] } });
    } catch (err) {
      if (!transient(err) || attempt >= 5) throw err;
      await sleep(wait);
      wait = Math.min(wait * 2, 8000);
    }
  }
}

function send(user, rec) {
  const key = decisionKey(rec);
  const already = pending.get(key);
  if (already) return already.promise;
  const promise = post(rec)
    .then((summary) => ({ summary, problems: problemsOf(summary), record: rec }))
    .finally(() => {
      pending.delete(key);
      changed();
    });
  pending.set(key, { user, rec, promise });
  changed();
  return promise;
}

// Sends again the decisions a reload interrupted, for the user now signed in.
export function resumePending(me) {
  let rows = [];
  try {
    rows = JSON.parse(sessionStorage.getItem(STORE) || "[]");
  } catch (_) {
    rows = [];
  }
  for (const row of Array.isArray(rows) ? rows : []) {
    if (row && row.rec && row.user === me.user) send(me.user, row.rec).catch(() => {});
  }
}

// The decision on its way for a shipment, if any: {rec, promise}.
export function pendingOnShipment(shipmentId) {
  for (const p of pending.values()) {
    if (p.rec.shipment_id === shipmentId) return { rec: p.rec, promise: p.promise };
  }
  return null;
}

// Whether the same decision is on its way.
export function isPending(fields) {
  return pending.has(decisionKey(fields));
}

// Posts one outcome. `fields` holds result, shipment_id or listing_id + marketplace, brand, note.
// The same decision asked for again while the first is on its way is the first: one record.
// Resolves to {summary, problems, record}: problems is a list of the reasons a row was rejected.
export function recordOutcome(me, fields) {
  const key = decisionKey(fields);
  const already = pending.get(key);
  if (already) return already.promise;
  return send(me.user, newRecord(me, fields));
}

// Withdraws an outcome of the user's organisation (its id), with a reason.
export function withdrawOutcome(id, reason) {
  return api(`/api/v1/outcomes/${encodeURIComponent(id)}/withdraw`, { method: "POST", body: { reason } });
}

function problemsOf(summary) {
  const rejected = (summary && Array.isArray(summary.rejected)) ? summary.rejected : [];
  const problems = rejected.map((r) => {
    const where = r.field ? `${r.field}: ` : "";
    return `${where}${r.reason || "rejected"}`;
  });
  if (problems.length === 0 && summary && Number(summary.quarantined) > 0 && Number(summary.landed || 0) + Number(summary.updated || 0) === 0) {
    problems.push("The outcome was quarantined and not recorded.");
  }
  return problems;
}
