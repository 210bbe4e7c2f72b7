// The rule pack that scores the user's queue: the active rules, an editor for the pack's TOML, a
// back-test of the text on screen against the labelled history the user sees, proposing it once
// it back-tested cleanly (an organisation's analysts and admins, for its own pack; the
// coordinator's, for the platform's default), and the versions with their diffs, where the
// organisation's admin switches a second person's proposal on, an earlier version back on, or
// goes back to the platform's default.

import { api } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { number, percent, label, dateTime } from "../format.js";

const APPLIES = { shipment: "Shipments", listing: "Listings", both: "Shipments and listings", any: "Shipments and listings" };

function rulesTable(rules) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data", "data-testid": "rules-table" },
      h(
        "thead",
        null,
        h("tr", null, ["Rule", "Applies to", "Condition", "Weight", "Reason", "On"].map((c, i) => h("th", { scope: "col", class: i === 3 ? "num" : null }, c))),
      ),
      h(
        "tbody",
        null,
        rules.map((r) =>
          h(
            "tr",
            { "data-rule": r.name, class: r.enabled === false ? "off" : null },
            h("td", { class: "nowrap" }, h("strong", null, r.name)),
            h("td", null, APPLIES[r.applies_to] || label(r.applies_to || "")),
            h("td", null, h("code", { class: "condition" }, r.when || "")),
            h("td", { class: "num" }, r.weight === undefined || r.weight === null ? "—" : number(r.weight, 2)),
            h("td", null, r.reason || "—"),
            h("td", null, r.enabled === false ? h("span", { class: "badge off" }, "off") : h("span", { class: "badge on" }, "on")),
          ),
        ),
      ),
    ),
  );
}

function resultsTable(rules) {
  const pct = (v) => (v === null || v === undefined ? "—" : percent(v, 1));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data", "data-testid": "backtest-results" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Rule", "On", "Applies to", "Weight", "Fires", "Share", "Labelled", "Counterfeit", "Precision", "Base rate", "Errors"].map((c, i) =>
            h("th", { scope: "col", class: i >= 3 && i <= 9 ? "num" : null }, c),
          ),
        ),
      ),
      h(
        "tbody",
        null,
        rules.map((r) => {
          const better = r.precision !== null && r.precision !== undefined && r.base_rate !== null && r.base_rate !== undefined && r.precision > r.base_rate;
          return h(
            "tr",
            { "data-rule": r.rule, class: Number(r.errors) > 0 ? "has-errors" : null },
            h("td", { class: "nowrap" }, h("strong", null, r.rule)),
            h("td", null, r.enabled === false ? "off" : "on"),
            h("td", null, APPLIES[r.applies_to] || label(r.applies_to || "")),
            h("td", { class: "num" }, r.weight === undefined || r.weight === null ? "—" : number(r.weight, 2)),
            h("td", { class: "num" }, number(r.fires)),
            h("td", { class: "num" }, pct(r.share)),
            h("td", { class: "num" }, number(r.labelled)),
            h("td", { class: "num" }, number(r.counterfeit)),
            h("td", { class: ["num", better ? "good" : null] }, pct(r.precision)),
            h("td", { class: "num" }, pct(r.base_rate)),
            h(
              "td",
              null,
              Number(r.errors) > 0 ? [h("span", { class: "form-error" }, number(r.errors)), r.first_error ? h("div", { class: "small mono" }, r.first_error) : null] : "0",
            ),
          );
        }),
      ),
    ),
  );
}

function historyTable(history, me, maySwitchOn, onSwitch) {
  const versions = Array.isArray(history.versions) ? history.versions : [];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data", "data-testid": "rules-history" },
      h(
        "thead",
        null,
        h("tr", null, ["Version", "Tag", "State", "Proposed by", "Note", "Switched on by", "Changes", ""].map((c) => h("th", { scope: "col" }, c))),
      ),
      h(
        "tbody",
        null,
        versions.map((v) => {
          const own = v.author === me;
          const canSwitch = maySwitchOn && v.status !== "active" && !(v.status === "proposed" && own);
          const button = maySwitchOn && v.status !== "active"
            ? h(
                "button",
                {
                  type: "button",
                  "data-testid": `switch-on-${v.number}`,
                  disabled: !canSwitch,
                  title: canSwitch ? null : "a second person switches a proposal on",
                  onclick: () => onSwitch(v),
                },
                v.status === "proposed" ? "Switch on" : "Switch back on",
              )
            : null;
          return h(
            "tr",
            { "data-version": String(v.number), "data-status": v.status },
            h("td", { class: "num" }, String(v.number)),
            h("td", null, h("code", null, v.tag)),
            h("td", null, h("span", { class: `badge ${v.status === "active" ? "on" : v.status === "proposed" ? "warn" : "off"}` }, v.status)),
            h("td", null, v.author, v.proposed_at ? h("div", { class: "small muted" }, dateTime(v.proposed_at)) : null),
            h("td", null, v.note || "—"),
            h("td", null, v.approved_by || "—", v.approved_at ? h("div", { class: "small muted" }, dateTime(v.approved_at)) : null),
            h("td", null, v.diff ? h("details", null, h("summary", null, "Diff"), h("pre", { class: "mono diff" }, v.diff)) : "—"),
            h("td", null, button),
          );
        }),
      ),
    ),
  );
}

export async function render(ctx) {
  ctx.root.appendChild(loading());
  let pack = await api("/api/v1/rules");
  if (!ctx.alive()) return;
  const me = await api("/api/v1/me");
  if (!ctx.alive()) return;
  const myName = `${me.org}:${me.user}`;

  const activeEl = h("strong", { "data-testid": "active-pack", class: "mono" }, pack.version || "—");
  const rulesBox = h("div", null, rulesTable(Array.isArray(pack.rules) ? pack.rules : []));
  const textarea = h("textarea", { name: "pack", id: "rules-pack", rows: "18", spellcheck: "false", autocomplete: "off", class: "mono", "aria-describedby": "rules-help" });
  textarea.value = pack.text || "";
  const errorEl = h("pre", { class: "form-error rules-error", "data-testid": "rules-error", role: "alert", hidden: true });
  const noticeEl = h("p", { class: "notice", "data-testid": "rules-notice", role: "status", hidden: true });
  const backtest = h("button", { type: "button", "data-testid": "backtest", class: "primary" }, "Back-test");
  const propose = h("button", { type: "button", "data-testid": "propose", disabled: true }, "Propose");
  const note = h("input", { type: "text", name: "note", placeholder: "Why this change", "aria-label": "Why this change", class: "note" });
  const historyBox = h("div", null, loading());
  const stateEl = h("span", { class: "muted small" });
  const resultsBox = h("div", { class: "backtest-box" });

  // The exact text last back-tested without error.
  let testedText = null;
  let busy = false;

  const mayTest = pack.may_test === true;
  const mayPropose = pack.may_propose === true;
  const maySwitchOn = pack.may_switch_on === true;
  const refreshButtons = () => {
    const current = textarea.value;
    const tested = testedText !== null && testedText === current;
    propose.disabled = busy || !mayPropose || !tested;
    backtest.disabled = busy || !mayTest;
    if (!mayTest) stateEl.textContent = "Your role may read the rules but not back-test or propose a pack.";
    else if (!mayPropose) stateEl.textContent = "You may back-test packs over what you see.";
    else if (tested) stateEl.textContent = "This text back-tested without error and may be proposed; a second person switches it on.";
    else stateEl.textContent = "Back-test the text on screen before proposing it.";
  };

  const lineEl = h("span", { class: "muted", "data-testid": "rules-line" });
  const toDefault = h("button", { type: "button", "data-testid": "default-pack", hidden: true }, "Back to the default pack");
  const showLine = () => {
    lineEl.textContent = pack.own
      ? " (your organisation's own pack)"
      : pack.line === "default"
        ? " (the platform's default pack, which your organisation governs)"
        : " (the platform's default pack; your organisation may propose its own)";
    toDefault.hidden = !(maySwitchOn && pack.own && pack.line !== "default");
  };
  showLine();
  // Posts a change of which version scores, then shows what scores now.
  const change = async (path, notice) => {
    hideMessages();
    try {
      const out = await api(path, { method: "POST", body: {} });
      if (!ctx.alive()) return;
      noticeEl.textContent = notice(out);
      noticeEl.hidden = false;
      await showActive();
      await loadHistory();
    } catch (err) {
      if (!ctx.alive()) return;
      showErr(err);
    }
  };
  toDefault.addEventListener("click", () => change("/api/v1/rules/default", () => "Your organisation scores with the platform's default pack again."));
  const showActive = async () => {
    const before = pack.text || "";
    pack = await api("/api/v1/rules");
    if (!ctx.alive()) return;
    activeEl.textContent = pack.version || "—";
    showLine();
    replace(rulesBox, rulesTable(Array.isArray(pack.rules) ? pack.rules : []));
    // The editor follows the active pack unless it holds the user's own edits.
    if (textarea.value === before) {
      textarea.value = pack.text || "";
      testedText = null;
      refreshButtons();
    }
  };
  const loadHistory = async () => {
    const history = await api("/api/v1/rules/versions");
    if (!ctx.alive()) return;
    replace(historyBox, historyTable(history, myName, maySwitchOn, switchVersion));
  };
  function switchVersion(v) {
    return change(`/api/v1/rules/versions/${v.number}/switch-on`, (out) => `Switched on ${out.tag}. Your organisation's scores are made with it.`);
  }
  const showErr = (err) => {
    const msg = err && err.message ? err.message : String(err);
    errorEl.textContent = msg;
    errorEl.hidden = false;
    // A pack that does not parse is the editor's business; anything else goes to the banner too.
    if (err && err.status !== 400) ctx.showError(err);
  };
  const hideMessages = () => {
    errorEl.hidden = true;
    errorEl.textContent = "";
    noticeEl.hidden = true;
    noticeEl.textContent = "";
  };

  textarea.addEventListener("input", refreshButtons);

  backtest.addEventListener("click", async () => {
    const text = textarea.value;
    hideMessages();
    busy = true;
    testedText = null;
    refreshButtons();
    replace(resultsBox, loading("Back-testing…"));
    try {
      const out = await api("/api/v1/rules/test", { method: "POST", body: { pack: text } });
      if (!ctx.alive()) return;
      const rows = Array.isArray(out.rules) ? out.rules : [];
      testedText = text;
      const errs = rows.filter((r) => Number(r.errors) > 0);
      replace(
        resultsBox,
        h("h3", null, `Back-test of ${out.pack || "the pack on screen"}`),
        errs.length
          ? h("p", { class: "notice warn" }, `${errs.length} ${errs.length === 1 ? "rule" : "rules"} could not be evaluated on some records; see the errors column.`)
          : null,
        resultsTable(rows),
      );
    } catch (err) {
      if (!ctx.alive()) return;
      replace(resultsBox);
      showErr(err);
    } finally {
      busy = false;
      refreshButtons();
    }
  });

  propose.addEventListener("click", async () => {
    const text = textarea.value;
    if (text !== testedText || !mayPropose) return;
    hideMessages();
    busy = true;
    refreshButtons();
    try {
      const out = await api("/api/v1/rules", { method: "PUT", body: { pack: text, note: note.value } });
      if (!ctx.alive()) return;
      noticeEl.textContent = `Proposed version ${out.number} (${out.tag}). It scores nothing until a second person switches it on.`;
      noticeEl.hidden = false;
      await loadHistory();
    } catch (err) {
      if (!ctx.alive()) return;
      showErr(err);
    } finally {
      busy = false;
      refreshButtons();
    }
  });

  refreshButtons();
  replace(
    ctx.root,
    h("div", { class: "page-head" }, h("h1", null, "Rules"), h("span", null, "Scoring your queue: ", activeEl, lineEl, " ", toDefault)),
    section("Active rules", { class: "panel" }, rulesBox),
    section(
      "Edit and back-test",
      { class: "panel" },
      h("p", { id: "rules-help", class: "muted small" }, "Edit the pack below, back-test it against the labelled history you see, and propose it when the back-test is clean."),
      h("label", { for: "rules-pack", class: "visually-hidden" }, "Rule pack (TOML)"),
      textarea,
      h("div", { class: "button-row" }, backtest, mayPropose ? note : null, propose, stateEl),
      errorEl,
      noticeEl,
      resultsBox,
    ),
    section("Versions", { class: "panel" }, historyBox),
  );
  loadHistory().catch((err) => ctx.alive() && ctx.showError(err));
  ctx.ready("rules");
}
