// Cases where the work happens: the one notice list (a case of the user's own organisation, or
// another organisation's case on the same actor, told as much as its marking allows), and the
// "open a case" / "add to a case" box of the shipment, listing and actor pages.

import { api, seg } from "./api.js";
import { h, replace } from "./dom.js";
import { sentence } from "./format.js";

// Notices as a list: each names the organisation to contact, and links the case when the
// user may read it.
export function noticeList(notices, none) {
  const list = Array.isArray(notices) ? notices : [];
  if (!list.length) return none ? h("p", { class: "muted", "data-testid": "case-notices" }, none) : null;
  return h(
    "ul",
    { class: "plain notices", "data-testid": "case-notices" },
    list.map((n) =>
      h(
        "li",
        { "data-kind": n.kind, "data-org": n.org, "data-case": n.case || null, class: `notice-${n.kind}` },
        h("span", { class: `badge notice-badge notice-${n.kind}` }, n.kind === "case" ? "your case" : n.kind === "mention" ? "mention" : "deconfliction"),
        " ",
        n.case ? h("a", { href: `#/cases/${encodeURIComponent(n.case)}` }, n.title || n.case) : null,
        n.case ? " · " : null,
        sentence(n.note),
      ),
    ),
  );
}

// Applies changes to a case at the version the page holds; gives the case as it now is.
export async function changeCase(c, changes) {
  return api(`/api/v1/cases/${seg(c.id)}/changes`, { method: "POST", body: { version: c.version, changes } });
}

// "Open a case" on what the page shows, or add it to one of the organisation's open cases.
// `records` and `actors` are lists, or functions that give the lists when the user acts (the
// actors of a network as far as it has been expanded). `extra` ({ label, records }) offers
// more records to take along, ticked by default (an actor's seller accounts and listings).
export function caseBox(ctx, { title, records, actors, extra }) {
  const given = (x) => (typeof x === "function" ? x() : x) || [];
  const withExtra = extra && extra.records.length ? h("input", { type: "checkbox", checked: true, "data-testid": "case-with-extra" }) : null;
  const list = (x) => (x === records && withExtra && withExtra.checked ? [...given(x), ...extra.records] : given(x));
  const box = h("div", { "data-testid": "case-box" });
  const say = h("p", { class: "small", role: "status" });
  const titleInput = h("input", { type: "text", name: "title", value: title || "", "aria-label": "Case title", "data-testid": "case-title" });
  const markingSelect = h(
    "select",
    { name: "marking", "aria-label": "Marking of the case" },
    ["AMBER", "AMBER+STRICT", "GREEN", "RED"].map((m) => h("option", { value: m }, `TLP:${m}`)),
  );
  const open = h("form", { class: "button-row", "data-testid": "case-open" }, titleInput, markingSelect, h("button", { type: "submit", class: "primary" }, "Open a case"));
  open.addEventListener("submit", async (e) => {
    e.preventDefault();
    const t = titleInput.value.trim();
    if (!t) {
      say.textContent = "Give the case a title.";
      return;
    }
    open.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      const c = await api("/api/v1/cases", { method: "POST", body: { title: t, marking: markingSelect.value, records: list(records), actors: list(actors) } });
      location.hash = `#/cases/${encodeURIComponent(c.id)}`;
    } catch (err) {
      say.textContent = err.message;
      say.className = "form-error small";
      open.querySelectorAll("button").forEach((b) => (b.disabled = false));
    }
  });
  const pick = h("select", { name: "case", "aria-label": "Case to add to", "data-testid": "case-pick" });
  const add = h("form", { class: "button-row", "data-testid": "case-add", hidden: true }, pick, h("button", { type: "submit" }, "Add to this case"));
  add.addEventListener("submit", async (e) => {
    e.preventDefault();
    add.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      const c = await api(`/api/v1/cases/${seg(pick.value)}`);
      const changes = [];
      for (const r of list(records)) if (!c.records.some((x) => x.key === r)) changes.push({ op: "add_record", record: r });
      for (const a of list(actors)) if (!c.actors.some((x) => x.actor === a)) changes.push({ op: "add_actor", actor: a });
      if (changes.length) await changeCase(c, changes);
      if (!ctx.alive()) return;
      say.textContent = changes.length ? `Added to ${c.title}.` : `Already in ${c.title}.`;
      say.className = "notice small";
      replace(say, say.textContent, " ", h("a", { href: `#/cases/${encodeURIComponent(c.id)}`, "data-testid": "case-added" }, "Open the case"));
    } catch (err) {
      say.textContent = err.message;
      say.className = "form-error small";
    } finally {
      add.querySelectorAll("button").forEach((b) => (b.disabled = false));
    }
  });
  const nothing = typeof actors !== "function" && !list(records).length && !given(actors).length;
  (nothing ? Promise.resolve({ items: [] }) : api("/api/v1/cases"))
    .then((list) => {
      if (!ctx.alive()) return;
      const mine = (list.items || []).filter((c) => c.status !== "closed" && ctx.me && c.org === ctx.me.org);
      if (!mine.length) return;
      replace(pick, mine.map((c) => h("option", { value: c.id }, `${c.title} (${c.id})`)));
      add.hidden = false;
    })
    .catch(() => {});
  if (withExtra) box.append(h("label", { class: "small check" }, withExtra, " ", extra.label));
  box.append(open, add, say);
  return box;
}
