// One case: its status and workflow, the notices of other organisations' cases on its actors,
// its actors with the paths between them and others, its evidence (records and files, each with
// its SHA-256), tasks, notes with mentions, assignees, the timeline, and the referral package.
// Every change is sent with the version the page holds; when someone else changed the case
// first, the page says so and shows the case as it now is.

import { api, seg, query } from "../api.js";
import { h, replace, loading, section } from "../dom.js";
import { pathsPanel } from "../paths.js";
import { dateTime, date, marking, badge, actorLink, recordLink, heldElsewhere, dataTable, number } from "../format.js";
import { noticeList, changeCase } from "../cases.js";

const WORDS = { active: "Start work", referred: "Refer", closed: "Close", open: "Reopen" };

// A note's text with its @mentions set apart.
function noteText(text) {
  const parts = String(text).split(/(@[\p{L}\p{N}._-]+)/u);
  return parts.map((p) => (p.startsWith("@") ? h("strong", { class: "mention" }, p) : p));
}

export async function render(ctx) {
  const id = ctx.params.id;
  ctx.root.appendChild(loading());
  let c = await api(`/api/v1/cases/${seg(id)}`);
  if (!ctx.alive()) return;
  const say = h("p", { class: "small", role: "status", "data-testid": "case-message" });

  const tell = (text, cls) => {
    say.textContent = text;
    say.className = `${cls || "notice"} small`;
  };

  // Sends changes; on success draws the case as it now is.
  async function send(changes, done) {
    try {
      c = await changeCase(c, changes);
      if (!ctx.alive()) return false;
      tell(done || "Saved.");
      draw();
      return true;
    } catch (err) {
      if (!ctx.alive()) return false;
      if (err.status === 409) {
        c = await api(`/api/v1/cases/${seg(id)}`);
        draw();
        tell("Someone else changed the case first; it is shown as it now is. Make the change again.", "form-error");
      } else {
        tell(err.message, "form-error");
      }
      return false;
    }
  }

  // A one-field form that sends what `changes(value)` makes of its input.
  function oneField(testid, placeholder, button, changes, done) {
    const input = h("input", { type: "text", placeholder, "aria-label": placeholder, "data-testid": `${testid}-input` });
    const form = h("form", { class: "button-row", "data-testid": testid }, input, h("button", { type: "submit" }, button));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const v = input.value.trim();
      if (!v) return;
      const ch = await changes(v);
      if (ch && (await send(ch, done(v)))) input.value = "";
    });
    return form;
  }

  // An actor named by id, or found by name through the search.
  async function actorChanges(v) {
    if (/^ACT-/i.test(v)) return [{ op: "add_actor", actor: v }];
    const found = await api("/api/v1/search" + query({ q: v, limit: 1 }));
    const hit = (found.hits || []).find((x) => x.actor);
    if (!hit) {
      tell(`No actor that you may see matches “${v}”.`, "form-error");
      return null;
    }
    return [{ op: "add_actor", actor: hit.actor }];
  }

  function draw() {
    ctx.setTitle(c.title);
    const w = c.may_write;
    const statusButtons = w
      ? h(
          "div",
          { class: "button-row", "data-testid": "case-workflow" },
          c.next_statuses.map((s) => {
            const b = h("button", { type: "button", "data-status": s }, WORDS[s] || s);
            b.addEventListener("click", () => send([{ op: "status", status: s }], `The case is ${s}.`));
            return b;
          }),
        )
      : null;
    const referral = w
      ? h(
          "div",
          { class: "button-row", "data-testid": "referral" },
          h("a", { href: `/api/v1/cases/${seg(c.id)}/referral`, download: `${c.id}-referral.zip`, class: "button-link", "data-testid": "referral-zip" }, "Referral package (ZIP)"),
          h("a", { href: `/api/v1/cases/${seg(c.id)}/referral?format=pdf`, download: `${c.id}-referral.pdf`, class: "button-link", "data-testid": "referral-pdf" }, "Report (PDF)"),
          h("a", { href: `/api/v1/cases/${seg(c.id)}/referral?format=html`, target: "_blank", rel: "noopener", class: "button-link", "data-testid": "referral-html" }, "Report (HTML)"),
        )
      : null;

    const head = h(
      "div",
      { class: "page-head" },
      h(
        "div",
        null,
        h("h1", { "data-testid": "case-heading" }, c.title),
        h(
          "p",
          { class: "subtitle" },
          `${c.id} · ${c.org} · opened ${dateTime(c.created_at)} by ${c.created_by} · `,
          badge(c.status, `status-${c.status}`),
          " ",
          marking(String(c.marking).replace(/^TLP:/, "")),
          c.sharing_group ? ` shared with ${c.sharing_group}` : null,
        ),
      ),
    );

    // Actors, and paths from one of them.
    const actors = c.actors || [];
    let pathsBox = null;
    if (actors.length) {
      const from = h("select", { "aria-label": "From actor", "data-testid": "paths-from" }, actors.map((a) => h("option", { value: a.actor }, a.name || a.actor)));
      const holder = h("div", { "data-testid": "paths-panel" }, pathsPanel(actors[0].actor));
      from.addEventListener("change", () => replace(holder, pathsPanel(from.value)));
      pathsBox = h("div", null, h("h3", null, "Paths"), h("label", { class: "small" }, "From ", from), holder);
    }
    const actorsPanel = section(
      "Actors",
      { class: "panel", "data-testid": "case-actors" },
      actors.length
        ? h(
            "ul",
            { class: "plain" },
            actors.map((a) => {
              const remove = w ? h("button", { type: "button", class: "small", "data-remove-actor": a.actor }, "Remove") : null;
              if (remove) remove.addEventListener("click", () => send([{ op: "remove_actor", actor: a.actor }], "Removed the actor."));
              return h("li", { "data-actor": a.actor }, actorLink(a.actor, a.name, a.hub), h("span", { class: "muted small" }, ` added by ${a.added_by} ${dateTime(a.added_at)} `), remove);
            }),
          )
        : h("p", { class: "muted" }, "No actor yet."),
      w ? oneField("add-actor", "An actor: its id (ACT-…) or a name", "Add actor", actorChanges, () => "Added the actor.") : null,
      pathsBox,
    );

    // Evidence: records and files.
    const records = c.records || [];
    const files = c.files || [];
    const recordTable = records.length
      ? dataTable(
          [
            { label: "Kind", render: (r) => r.kind },
            { label: "Record", render: (r) => recordLink(r.key) },
            { label: "Date", class: "nowrap", render: (r) => date(r.date) },
            { label: "What", render: (r) => [r.description, r.note ? h("div", { class: "small" }, r.note) : null] },
            { label: "SHA-256", class: "mono small", render: (r) => h("span", { title: r.sha256, "data-sha256": r.sha256 }, r.sha256.slice(0, 16) + "…") },
          ],
          records,
          { "data-testid": "case-records" },
          (r) => ({ "data-key": r.key }),
        )
      : h("p", { class: "muted", "data-testid": "case-records" }, "No record kept as evidence yet.");
    const fileList = files.length
      ? h(
          "ul",
          { class: "plain", "data-testid": "case-files" },
          files.map((f) =>
            h(
              "li",
              { "data-sha256": f.sha256 },
              h("a", { href: `/api/v1/cases/${seg(c.id)}/files/${f.sha256}`, download: f.name }, f.name),
              h("span", { class: "muted small" }, ` · ${number(f.bytes)} bytes · ${f.content_type} · added by ${f.added_by} · `),
              h("span", { class: "mono small" }, `SHA-256 ${f.sha256}`),
            ),
          ),
        )
      : null;
    let upload = null;
    if (w) {
      const input = h("input", { type: "file", "aria-label": "A file to keep as evidence", "data-testid": "case-file-input" });
      upload = h("form", { class: "button-row", "data-testid": "case-upload" }, input, h("button", { type: "submit" }, "Keep file"));
      upload.addEventListener("submit", async (e) => {
        e.preventDefault();
        const f = input.files && input.files[0];
        if (!f) return;
        try {
          const res = await fetch(`/api/v1/cases/${seg(c.id)}/files?name=${encodeURIComponent(f.name)}`, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": f.type || "application/octet-stream", Accept: "application/json" },
            body: f,
          });
          const body = await res.json();
          if (!res.ok) throw new Error(body && body.error ? body.error.message : `the server answered ${res.status}`);
          if (!ctx.alive()) return;
          c = body;
          draw();
          tell(`Kept ${f.name}.`);
        } catch (err) {
          tell(err.message, "form-error");
        }
      });
    }
    const evidencePanel = section(
      "Evidence",
      { class: "panel", "data-testid": "case-evidence" },
      recordTable,
      w ? oneField("add-record", "A record: org/feed/id", "Add record", (v) => [{ op: "add_record", record: v }], () => "Added the record.") : null,
      fileList,
      upload,
    );

    // Tasks.
    const tasks = c.tasks || [];
    let taskForm = null;
    if (w) {
      const text = h("input", { type: "text", placeholder: "A task", "aria-label": "Task", "data-testid": "task-text" });
      const who = h("input", { type: "text", placeholder: "assignee", "aria-label": "Assignee", size: 12 });
      const due = h("input", { type: "date", "aria-label": "Due" });
      taskForm = h("form", { class: "button-row", "data-testid": "add-task" }, text, who, due, h("button", { type: "submit" }, "Add task"));
      taskForm.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (!text.value.trim()) return;
        await send([{ op: "add_task", text: text.value.trim(), assignee: who.value.trim() || null, due: due.value || null }], "Added the task.");
      });
    }
    const tasksPanel = section(
      "Tasks",
      { class: "panel" },
      tasks.length
        ? h(
            "ul",
            { class: "plain", "data-testid": "case-tasks" },
            tasks.map((t) => {
              const box = h("input", { type: "checkbox", checked: t.done, disabled: !w, "data-task": String(t.id), "aria-label": t.text });
              box.addEventListener("change", () => send([{ op: "task", task: t.id, done: box.checked }], box.checked ? "Task done." : "Task reopened."));
              return h("li", { class: t.done ? "done" : null }, box, " ", t.text, h("span", { class: "muted small" }, [t.assignee ? ` · ${t.assignee}` : "", t.due ? ` · due ${date(t.due)}` : ""].join("")));
            }),
          )
        : h("p", { class: "muted" }, "No task."),
      taskForm,
    );

    // Notes.
    const notes = c.notes || [];
    let noteForm = null;
    if (w) {
      const text = h("textarea", { rows: 3, placeholder: "A note; @name mentions a user", "aria-label": "Note", "data-testid": "note-text" });
      noteForm = h("form", { "data-testid": "add-note" }, text, h("div", { class: "button-row" }, h("button", { type: "submit" }, "Add note")));
      noteForm.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (!text.value.trim()) return;
        await send([{ op: "note", text: text.value }], "Added the note.");
      });
    }
    const notesPanel = section(
      "Notes",
      { class: "panel" },
      notes.length
        ? h(
            "ul",
            { class: "plain notes", "data-testid": "case-notes" },
            notes.map((n) => h("li", { "data-note": String(n.id) }, h("div", { class: "muted small" }, `${n.author} · ${dateTime(n.at)}`), h("div", null, noteText(n.text)))),
          )
        : h("p", { class: "muted" }, "No note."),
      noteForm,
    );

    // Assignees.
    const assigneesPanel = section(
      "Assignees",
      { class: "panel" },
      h(
        "ul",
        { class: "inline-list", "data-testid": "case-assignees" },
        (c.assignees || []).map((u) => {
          const x = w ? h("button", { type: "button", class: "small", title: `Unassign ${u}` }, "×") : null;
          if (x) x.addEventListener("click", () => send([{ op: "unassign", user: u }], `Unassigned ${u}.`));
          return h("li", null, u, " ", x);
        }),
      ),
      w ? oneField("assign", "A user", "Assign", (v) => [{ op: "assign", user: v }], (v) => `Assigned ${v}.`) : null,
    );

    const timeline = section(
      "Timeline",
      { class: "panel" },
      h(
        "ol",
        { class: "plain timeline", "data-testid": "case-timeline" },
        (c.timeline || [])
          .slice()
          .reverse()
          .map((e) => h("li", null, h("span", { class: "muted small nowrap" }, `${dateTime(e.at)} · ${e.user} (${e.org}) `), e.what, e.record ? [" ", recordLink(e.record)] : null, e.actor ? [" ", actorLink(e.actor)] : null)),
      ),
    );

    replace(
      ctx.root,
      head,
      statusButtons,
      say,
      section(
        "Other organisations",
        { class: "panel", "data-testid": "case-deconfliction" },
        noticeList(c.notices, "No other organisation has an open case on these actors that you may know of."),
        heldElsewhere(c.held_elsewhere || [], "holds records of this case", "Nothing of this case is held where you may not see it."),
      ),
      h("div", { class: "two-col" }, h("div", { class: "col-main" }, evidencePanel, actorsPanel, notesPanel), h("div", { class: "col-side" }, referral ? section("Referral", { class: "panel" }, h("p", { class: "muted small" }, "The report with the network, the evidence with hashes and the chain of custody, as a package to hand over."), referral) : null, assigneesPanel, tasksPanel, timeline)),
    );
  }

  draw();
  ctx.ready("case");
}
