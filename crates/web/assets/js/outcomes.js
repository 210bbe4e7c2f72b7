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

// Posts one outcome. `fields` holds result, shipment_id or listing_id + marketplace, brand, note.
// Resolves to {summary, problems}: problems is a list of the reasons a row was rejected.
export async function recordOutcome(me, fields) {
  const id = outcomeId(me.user);
  // Rows of the outcomes feed are keyed by source_id, as in a partner's file.
  const rec = { source_id: id, result: fields.result, date: fields.date || today() };
  for (const k of ["shipment_id", "listing_id", "marketplace", "brand", "note"]) {
    if (fields[k] !== undefined && fields[k] !== null && fields[k] !== "") rec[k] = fields[k];
  }
  const summary = await api("/api/v1/outcomes", { method: "POST", body: { records: [rec] } });
  const rejected = (summary && Array.isArray(summary.rejected)) ? summary.rejected : [];
  const problems = rejected.map((r) => {
    const where = r.field ? `${r.field}: ` : "";
    return `${where}${r.reason || "rejected"}`;
  });
  if (problems.length === 0 && summary && Number(summary.quarantined) > 0 && Number(summary.landed || 0) + Number(summary.updated || 0) === 0) {
    problems.push("The outcome was quarantined and not recorded.");
  }
  return { summary, problems, record: rec };
}
