// End-to-end tests of the web application in a real browser (Debian's chromium, driven by
// playwright-core), against a running `interdict serve` on a simulated operation.
//
// Environment (set by crates/interdict/tests/web.rs, or by hand):
//   INTERDICT_URL          the server, e.g. http://127.0.0.1:8080
//   INTERDICT_PASSWORD     the password of every demo user
//   INTERDICT_SCREENSHOTS  the folder the screenshots go to (one PNG per page)
//   CHROMIUM               the browser (default /usr/bin/chromium)
//
// Every assertion compares what a page shows with the JSON API, asked with the same session,
// or with what another page shows; nothing depends on the size of the simulated world.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = (process.env.INTERDICT_URL || "").replace(/\/+$/, "");
const PASSWORD = process.env.INTERDICT_PASSWORD || "";
const SHOTS = process.env.INTERDICT_SCREENSHOTS || join(process.cwd(), "web-screenshots");
const BROWSER = process.env.CHROMIUM || "/usr/bin/chromium";

// The users `interdict demo` registers.
const U = {
  officer: "officer.uk",
  analystUk: "analyst.uk",
  swift: "analyst.swift",
  bazaar: "analyst.bazaar",
  altus: "rep.altus",
  corvid: "rep.corvid",
  auditor: "auditor.ipcc",
  analystIpcc: "analyst.ipcc",
  adminIpcc: "admin.ipcc",
};

const VIEWPORT = { width: 1366, height: 768 };
const FIRST_PAGE = 1000; // ms from navigation to the first queue row
const ROW = "table[data-testid=queue-table] tbody tr[data-key]";

let browser;
const contexts = [];
const signedIn = new Set();

before(async () => {
  assert.ok(BASE, "INTERDICT_URL must name the server under test");
  assert.ok(PASSWORD, "INTERDICT_PASSWORD must give the demo users' password");
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: BROWSER,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const norm = (s) => String(s ?? "").replace(/\s+/g, " ").trim();

// Every number written in a text ("10,234 shipments", "Showing 1–100 of 10,234").
function numbersIn(text) {
  const out = [];
  const re = /\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g;
  for (const m of String(text).matchAll(re)) out.push(Number(m[0].replace(/[,\u202f\u00a0]/g, "")));
  return out;
}

// The first number shown in a text, with what its rounding allows: "30%" is 0.30 ± 0.005,
// "$52.3k" is 52300 ± 50, "1,234" is 1234 ± 0.5.
function shown(text) {
  const m = /(-?\d[\d,\u202f\u00a0]*(?:\.(\d+))?)\s*(%|[kKmMbB](?![a-z]))?/.exec(String(text));
  if (!m) return null;
  const raw = Number(m[1].replace(/[,\u202f\u00a0]/g, ""));
  const scale = { "%": 0.01, k: 1e3, K: 1e3, m: 1e6, M: 1e6, b: 1e9, B: 1e9 }[m[3]] ?? 1;
  const decimals = m[2] ? m[2].length : 0;
  return { value: raw * scale, tolerance: 0.5 * 10 ** -decimals * scale + 1e-9 };
}

function assertShows(text, expected, what) {
  const s = shown(text);
  assert.ok(s, `${what}: no number in ${JSON.stringify(text)}`);
  assert.ok(
    Math.abs(s.value - expected) <= s.tolerance,
    `${what}: the page shows ${JSON.stringify(norm(text))} (${s.value}), the API says ${expected}`,
  );
}

async function newPage() {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (e) => console.log(`  [browser] page error: ${e.message}`));
  page.on("console", (m) => {
    // A refused request is logged by the browser too; the tests check those themselves.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) console.log(`  [browser] ${m.text()}`);
  });
  return { context, page };
}

async function pageState(page) {
  return page
    .evaluate(() => ({
      hash: location.hash,
      ready: document.body ? document.body.dataset.ready || null : null,
      error:
        [...document.querySelectorAll("[data-testid=error], [role=alert], .form-error")]
          .filter((e) => e.getClientRects().length > 0 && e.textContent.trim())
          .map((e) => e.textContent.trim())
          .join(" | ") || null,
    }))
    .catch((e) => ({ failed: String(e) }));
}

// Waits until the page named `name` has its data on screen.
async function ready(page, name, timeout = 20_000) {
  try {
    await page.waitForFunction((n) => document.body && document.body.dataset.ready === n, name, { timeout });
  } catch (e) {
    const s = await pageState(page);
    throw new Error(`page "${name}" never became ready: ${JSON.stringify(s)} (${e.message.split("\n")[0]})`);
  }
}

async function clearReady(page) {
  await page.evaluate(() => document.body && delete document.body.dataset.ready).catch(() => {});
}

// Goes to `#/...` and waits for the page to be ready.
async function visit(page, hash, name) {
  await clearReady(page);
  const url = `${BASE}/${hash}`;
  // Going to the address already shown would not navigate at all: load it again instead.
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  if (name) await ready(page, name);
}

// Does something that navigates inside the application and waits for the next page.
async function andWait(page, name, action) {
  await clearReady(page);
  await action();
  await ready(page, name);
}

async function api(page, path, method = "GET", body) {
  return page.evaluate(
    async ({ path, method, body }) => {
      const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      const r = await fetch(path, init);
      const text = await r.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: r.status, body: json };
    },
    { path, method, body },
  );
}

async function apiJson(page, path) {
  const r = await api(page, path);
  assert.equal(r.status, 200, `GET ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// Signs in through the form; returns the page, on the role's first page.
async function signIn(user, existing) {
  const { context, page } = existing || (await newPage());
  if (!(await page.evaluate(() => document.body && document.body.dataset.ready === "sign-in").catch(() => false))) {
    await visit(page, "#/sign-in", "sign-in");
  }
  const form = page.locator("form[data-testid=sign-in]");
  await form.locator("input[name=user]").fill(user);
  await form.locator("input[name=password]").fill(PASSWORD);
  await clearReady(page);
  await form.locator("[type=submit]").click();
  await page.locator("[data-testid=whoami]").filter({ hasText: user }).waitFor();
  await page.waitForFunction(() => document.body.dataset.ready && document.body.dataset.ready !== "sign-in");
  signedIn.add(user);
  return { context, page };
}

// The queue's rows as shown, with the cells under each sortable header.
async function queueRows(page) {
  return page.evaluate((sel) => {
    const cols = {};
    for (const th of document.querySelectorAll("table[data-testid=queue-table] th[data-sort]")) cols[th.dataset.sort] = th.cellIndex;
    return [...document.querySelectorAll(sel)].map((tr) => ({
      key: tr.dataset.key,
      focused: tr.classList.contains("focused"),
      selected: tr.getAttribute("aria-selected") === "true",
      score: tr.querySelector("td.score")?.textContent ?? null,
      reasons: tr.querySelector("td.reasons")?.textContent ?? null,
      outcome: tr.querySelector("td.outcome")?.textContent ?? null,
      byCol: Object.fromEntries(Object.entries(cols).map(([k, i]) => [k, tr.cells[i]?.textContent ?? null])),
    }));
  }, ROW);
}

// The queue API's parameters that the page keeps in its address.
function queueQueryFromHash(hash) {
  const q = new URLSearchParams(hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "");
  const out = new URLSearchParams();
  for (const k of ["from", "to", "day", "port", "brand", "min_score", "status", "sort", "order", "offset"]) {
    if (q.get(k)) out.set(k, q.get(k));
  }
  out.set("limit", "100");
  return { api: out, order: q.get("order"), sort: q.get("sort") };
}

function monotone(values, order, what) {
  const v = values.filter((x) => Number.isFinite(x));
  assert.ok(v.length >= 2, `${what}: fewer than two values to compare`);
  for (let i = 1; i < v.length; i++) {
    if (order === "asc") assert.ok(v[i - 1] <= v[i] + 1e-9, `${what} not ascending at row ${i}: ${v[i - 1]} then ${v[i]}`);
    else assert.ok(v[i - 1] >= v[i] - 1e-9, `${what} not descending at row ${i}: ${v[i - 1]} then ${v[i]}`);
  }
}

const totalShown = async (page) => numbersIn(await page.locator("[data-testid=queue-total]").textContent());

function splitKey(key) {
  const [org, feed, ...rest] = key.split("/");
  return { org, feed, id: rest.join("/") };
}

const shipmentHash = (key) => {
  const { org, id } = splitKey(key);
  return `#/shipments/${encodeURIComponent(org)}/${encodeURIComponent(id)}`;
};

// Polls `fn` until it gives something true; on a timeout the failure quotes the page's error banner.
const poll = async (fn, what, timeout = 15_000, page = null) => {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  const banner = page ? (await pageState(page)).error : null;
  assert.fail(`${what} (waited ${timeout} ms)${banner ? `; the page says: ${norm(banner)}` : ""}`);
};

// ---------------------------------------------------------------------------------------------

test("sign-in: a wrong password is refused, signing in shows who, signing out ends the session", async () => {
  const { page } = await newPage();

  // Without a session every page lands on the sign-in form.
  for (const hash of ["#/queue", "#/dashboard", "#/actors/ACT-0"]) {
    await visit(page, hash, "sign-in");
    assert.match(page.url(), /#\/sign-in/, `${hash} without a session went to ${page.url()}`);
    await page.locator("form[data-testid=sign-in]").waitFor();
  }
  await shot(page, "sign-in");

  const form = page.locator("form[data-testid=sign-in]");
  await form.locator("input[name=user]").fill(U.officer);
  await form.locator("input[name=password]").fill(PASSWORD + "-wrong");
  await form.locator("[type=submit]").click();
  const err = page.locator("[data-testid=sign-in-error]");
  await err.waitFor({ state: "visible" });
  assert.ok(norm(await err.textContent()).length > 0, "the sign-in error is empty");
  assert.equal((await api(page, "/api/v1/me")).status, 401, "a refused sign-in left a session");
  await shot(page, "sign-in-error");

  await signIn(U.officer, { page });
  const me = await apiJson(page, "/api/v1/me");
  const who = norm(await page.locator("[data-testid=whoami]").textContent());
  for (const part of [me.user, me.org, me.role]) assert.ok(who.includes(part), `whoami ${JSON.stringify(who)} lacks ${part}`);
  // An officer's first page is the queue.
  await ready(page, "queue");
  assert.match(page.url(), /#\/queue/);

  await andWait(page, "sign-in", () => page.locator("button[data-testid=sign-out]").click());
  assert.match(page.url(), /#\/sign-in/);
  assert.equal((await api(page, "/api/v1/me")).status, 401, "signing out left the session alive");
  await visit(page, "#/queue", "sign-in");
});

test("queue: the first rows in under a second, scores and reasons, sorting, filters, the CSV export, keys, outcomes", async () => {
  const { page } = await signIn(U.officer);
  await ready(page, "queue");
  const top = await apiJson(page, "/api/v1/queue?limit=100");
  assert.ok(top.total >= 10_000, `the officer's queue holds ${top.total} shipments; the test needs at least 10,000`);

  // Time to the first row: a fresh load of the queue's address, and the navigation link.
  await page.goto("about:blank");
  let t0 = performance.now();
  await page.goto(`${BASE}/#/queue`);
  await page.locator(ROW).first().waitFor({ state: "visible" });
  const loadMs = performance.now() - t0;
  await ready(page, "queue");
  await visit(page, "#/dashboard", "dashboard");
  await clearReady(page);
  t0 = performance.now();
  await page.locator("a[data-testid=nav-queue]").click();
  await page.locator(ROW).first().waitFor({ state: "visible" });
  const navMs = performance.now() - t0;
  await ready(page, "queue");
  console.log(
    `  queue of ${top.total} shipments: first row visible ${loadMs.toFixed(0)} ms after loading #/queue, ${navMs.toFixed(0)} ms after clicking the Queue link`,
  );
  assert.ok(loadMs < FIRST_PAGE, `the first row took ${loadMs.toFixed(0)} ms after loading #/queue`);
  assert.ok(navMs < FIRST_PAGE, `the first row took ${navMs.toFixed(0)} ms after clicking the Queue link`);
  await shot(page, "queue-officer");

  // The rows are the API's first page, in its order, with its scores and reasons.
  let rows = await queueRows(page);
  assert.equal(rows.length, Math.min(100, top.total), "rows on the first page");
  assert.deepEqual(rows.map((r) => r.key), top.items.map((i) => i.key), "the rows are not the API's first page in order");
  assert.ok(numbersIn(await page.locator("[data-testid=queue-total]").textContent()).includes(top.total), "the total shown is not the API's");
  let withReasons = 0;
  rows.forEach((r, i) => {
    const item = top.items[i];
    assertShows(r.score, item.score, `score of ${r.key}`);
    for (const reason of item.reasons) assert.ok(norm(r.reasons).includes(norm(reason)), `row ${r.key} lacks the reason ${JSON.stringify(reason)}`);
    if (item.reasons.length) withReasons++;
  });
  assert.ok(withReasons > 0, "no row of the first page has reasons");

  // Sorting by a header changes the order to the API's for that sort, and the shown values follow it.
  const checkSorted = async (key, parse) => {
    await andWait(page, "queue", () => page.locator(`table[data-testid=queue-table] th[data-sort=${key}]`).click());
    const { api: q, order, sort } = queueQueryFromHash(new URL(page.url()).hash);
    assert.equal(sort, key, `clicking the ${key} header left the address at ${page.url()}`);
    const want = await apiJson(page, `/api/v1/queue?${q}`);
    const got = await queueRows(page);
    assert.deepEqual(got.map((r) => r.key), want.items.map((i) => i.key), `rows sorted by ${key} ${order} are not the API's`);
    if (parse) monotone(got.map((r) => parse(r.byCol[key])), order, `${key} column sorted ${order}`);
    return { got, order };
  };
  const byScore = await checkSorted("score", (t) => shown(t)?.value);
  assert.notEqual(byScore.got[0].key, rows[0].key, "sorting by score ascending left the same first row");
  await checkSorted("value", (t) => (numbersIn(t).length ? numbersIn(t)[0] : NaN));
  const byDay = await checkSorted("day");
  const days = (await apiJson(page, `/api/v1/queue?${queueQueryFromHash(new URL(page.url()).hash).api}`)).items.map((i) => i.day);
  monotone(days.map((d) => Date.parse(d)), byDay.order, "arrival days sorted");

  // A port filter leaves rows of that port only, and the API's total for it.
  await visit(page, "#/queue", "queue");
  const port = top.ports[top.ports.length - 1];
  await andWait(page, "queue", () => page.locator("select[name=port]").selectOption(port));
  assert.match(decodeURIComponent(page.url()), new RegExp(`port=${port}`));
  const filtered = await apiJson(page, `/api/v1/queue?port=${encodeURIComponent(port)}&limit=100`);
  assert.ok(filtered.total > 0 && filtered.total < top.total, `port ${port} holds ${filtered.total} of ${top.total}`);
  rows = await queueRows(page);
  assert.equal(rows.length, Math.min(100, filtered.total));
  for (const r of rows) assert.equal(norm(r.byCol.port), port, `row ${r.key} is not at ${port}`);
  assert.ok((await totalShown(page)).includes(filtered.total), `the total shown for ${port} is not ${filtered.total}`);
  // The CSV link exports every shipment under the same filter, in the same order.
  const csvHref = await page.locator("a[data-testid=queue-csv]").getAttribute("href");
  assert.ok(csvHref.includes(`port=${encodeURIComponent(port)}`) && csvHref.includes("format=csv"), csvHref);
  const csv = await api(page, csvHref);
  assert.equal(csv.status, 200);
  const csvRows = String(csv.body).trim().split("\n").slice(1);
  assert.equal(csvRows.length, filtered.total, "one CSV row per shipment of the filtered queue");
  assert.deepEqual(csvRows.slice(0, rows.length).map((l) => l.split(",")[1]), rows.map((r) => r.key));
  await shot(page, "queue-filtered");

  // Keys: ArrowDown and j move the focused row, k moves it back, Enter opens the shipment.
  await visit(page, "#/queue", "queue");
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  const focusedIndex = async () => {
    const rs = await queueRows(page);
    const i = rs.findIndex((r) => r.focused);
    if (i >= 0) assert.ok(rs[i].selected, "the focused row is not aria-selected");
    assert.ok(rs.filter((r) => r.focused).length <= 1, "more than one focused row");
    return i;
  };
  const start = await focusedIndex();
  await page.keyboard.press("ArrowDown");
  assert.equal(await focusedIndex(), start + 1, "ArrowDown did not move the focus down");
  await page.keyboard.press("j");
  assert.equal(await focusedIndex(), start + 2, "j did not move the focus down");
  await page.keyboard.press("k");
  assert.equal(await focusedIndex(), start + 1, "k did not move the focus up");
  const target = (await queueRows(page))[start + 1].key;
  await andWait(page, "shipment", () => page.keyboard.press("Enter"));
  assert.equal(decodeURIComponent(new URL(page.url()).hash), decodeURIComponent(shipmentHash(target)), "Enter opened another page");
  assert.ok(norm(await page.locator("[data-testid=record-fields]").textContent()).includes(splitKey(target).id));

  // An outcome recorded with the s key shows in the row at once, and in the API.
  await visit(page, "#/queue", "queue");
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  const page1 = await apiJson(page, "/api/v1/queue?limit=100");
  const open = page1.items.findIndex((i) => !i.outcome);
  assert.ok(open >= 0, "no open shipment on the first page of the queue");
  const openKey = page1.items[open].key;
  let at = await focusedIndex();
  while (at < open) {
    await page.keyboard.press("j");
    at = await focusedIndex();
  }
  while (at > open) {
    await page.keyboard.press("k");
    at = await focusedIndex();
  }
  const cell = page.locator(`${ROW}[data-key="${openKey}"] td.outcome`);
  const before = norm(await cell.textContent());
  await page.keyboard.press("s");
  await poll(async () => /seiz/i.test(await cell.textContent()), `the outcome cell of ${openKey} never said seized (it said ${before})`, 15_000, page);
  assert.notEqual(norm(await cell.textContent()), before);
  const { org, id } = splitKey(openKey);
  const rec = await poll(async () => {
    const r = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(org)}/${encodeURIComponent(id)}`);
    return r.outcomes.some((o) => o.result === "seized_counterfeit") ? r : null;
  }, `the API never showed the seizure of ${openKey}`, 15_000, page);
  assert.ok(rec.outcomes.length >= 1);
  await shot(page, "queue-recorded");
});

test("decisions: s twice records once, a pending decision survives leaving the page, a decision is withdrawn", async () => {
  const { page } = await signIn(U.officer);
  await visit(page, "#/queue", "queue");
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  const open = (await apiJson(page, "/api/v1/queue?limit=100")).items.filter((i) => !i.outcome);
  assert.ok(open.length >= 2, "fewer than two open shipments on the officer's first page");
  const focusOn = async (key) => {
    await page.locator(`${ROW}[data-key="${key}"] td.score`).click();
    await poll(async () => (await queueRows(page)).some((r) => r.key === key && r.focused), `the row ${key} never took the focus`, 5_000, page);
  };
  const outcomesOf = async (key, result) => {
    const { org, id } = splitKey(key);
    const r = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(org)}/${encodeURIComponent(id)}`);
    return r.outcomes.filter((o) => o.result === result && o.org === "customs-uk");
  };

  // s pressed twice, quickly: one seizure.
  const first = open[0].key;
  await focusOn(first);
  await page.keyboard.press("s");
  await page.keyboard.press("s");
  const cell = page.locator(`${ROW}[data-key="${first}"] td.outcome`);
  await poll(async () => /seiz/i.test(await cell.textContent()) && !(await cell.textContent()).includes("saving"), `the outcome cell of ${first} never settled on seized`, 15_000, page);
  await page.keyboard.press("s");
  await poll(async () => /already recorded/i.test(await page.locator("[data-testid=queue-notice]").textContent()), "pressing s on a seized row did not say it was already recorded", 5_000, page);
  const seized = await poll(async () => {
    const o = await outcomesOf(first, "seized_counterfeit");
    return o.length ? o : null;
  }, `the API never showed the seizure of ${first}`, 15_000, page);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await outcomesOf(first, "seized_counterfeit")).length, 1, `three presses of s on ${first} recorded ${seized.length} seizures`);

  // A decision still on its way when the officer leaves the page is not lost: the header says
  // it is saving, and it lands.
  const second = open[1].key;
  await focusOn(second);
  let release;
  const held = new Promise((r) => (release = r));
  await page.route("**/api/v1/outcomes", async (route) => {
    await held;
    await route.continue();
  });
  await page.keyboard.press("r");
  await poll(async () => (await page.locator(`${ROW}[data-key="${second}"] td.outcome`).textContent()).includes("saving"), "the decision did not show in the row at once", 5_000, page);
  await andWait(page, "dashboard", () => page.locator("a[data-testid=nav-dashboard]").click());
  const badge = page.locator("[data-testid=pending-decisions]");
  assert.equal(await badge.isVisible(), true, "no word in the header of a decision still saving");
  assert.match(norm(await badge.textContent()), /1 decision/);
  release();
  await poll(async () => !(await badge.isVisible()), "the header kept saying a decision was saving", 15_000, page);
  await page.unroute("**/api/v1/outcomes");
  await poll(async () => (await outcomesOf(second, "released")).length === 1, `the release of ${second} made while leaving the page never landed`, 15_000, page);

  // Withdrawn, with a reason: the row is open again, and the API no longer shows the seizure.
  await visit(page, "#/queue", "queue");
  const row = page.locator(`${ROW}[data-key="${first}"]`);
  await row.locator("button[data-testid=withdraw]").click();
  const form = row.locator("form[data-testid=withdraw-form]");
  await form.locator("input[name=reason]").fill("wrong shipment keyed");
  await form.locator("button[type=submit]").click();
  await poll(async () => /open/i.test(await row.locator("td.outcome").textContent()), `the row of ${first} did not open again after the withdrawal`, 15_000, page);
  assert.match(norm(await page.locator("[data-testid=queue-notice]").textContent()), /withdrew/i);
  assert.equal((await outcomesOf(first, "seized_counterfeit")).length, 0, "the withdrawn seizure is still on the shipment");
  await shot(page, "queue-withdrawn");
});

test("shipment page: fields, items, score and reasons as the API has them; parties link to actors", async () => {
  const { page } = await signIn(U.officer);
  const q = await apiJson(page, "/api/v1/queue?limit=50");
  let chosen = null;
  for (const item of q.items) {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    if (s.score && s.score.reasons.length && s.parties.some((p) => p.actor) && s.record.items?.length) {
      chosen = s;
      break;
    }
  }
  assert.ok(chosen, "no shipment in the top of the queue has reasons, items and linked parties");
  const s = chosen;
  await visit(page, shipmentHash(s.key), "shipment");

  const fields = page.locator("[data-testid=record-fields]");
  const text = norm(await fields.textContent());
  assert.ok(text.includes(s.record.shipment_id), `the fields do not show the shipment id ${s.record.shipment_id}`);
  for (const item of s.record.items.slice(0, 5)) assert.ok(text.includes(norm(item.description)), `the items lack ${item.description}`);
  const itemTables = await fields.locator("table").evaluateAll((ts) => ts.map((t) => t.querySelectorAll("tbody tr").length));
  assert.ok(itemTables.includes(s.record.items.length), `no table of ${s.record.items.length} items (tables: ${itemTables})`);

  assertShows(await page.locator("[data-testid=score]").textContent(), s.score.score, "the shipment's score");
  assert.match(await page.locator("[data-testid=score]").textContent(), /%/, "the score is not a percentage");
  const reasons = (await page.locator("ul[data-testid=reasons] li").allTextContents()).map(norm);
  assert.deepEqual(reasons, s.score.reasons.map(norm), "the reasons are not the API's");
  await page.locator("[data-testid=outcomes]").waitFor({ state: "attached" });
  for (const c of ["seized", "released", "other"]) assert.equal(await page.locator(`button[data-outcome=${c}]`).count(), 1, `no ${c} button`);

  const links = await page.locator('[data-testid=parties] a[href^="#/actors/"]').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute("href").slice("#/actors/".length))));
  const actors = [...new Set(s.parties.filter((p) => p.actor).map((p) => p.actor))].sort();
  assert.deepEqual([...new Set(links)].sort(), actors, "the party links are not the API's actors");
  await shot(page, "shipment");

  const first = page.locator('[data-testid=parties] a[href^="#/actors/"]').first();
  const actor = decodeURIComponent((await first.getAttribute("href")).slice("#/actors/".length));
  await andWait(page, "actor", () => first.click());
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#/actors/${actor}`);
  const a = await apiJson(page, `/api/v1/actors/${encodeURIComponent(actor)}`);
  const names = norm(await page.locator("[data-testid=actor-names]").textContent());
  assert.ok(a.names.slice(0, 3).every((n) => names.includes(norm(n))), `the actor page does not name ${a.names.slice(0, 3)}`);
});

// An actor with outcomes in its history, preferably next to a hub; found through the officer's seizures.
async function actorWithHistory(page) {
  const found = [];
  for (let offset = 0; offset < 2000 && found.length < 12; offset += 500) {
    const q = await apiJson(page, `/api/v1/queue?limit=500&offset=${offset}`);
    for (const item of q.items.filter((i) => i.outcome && /^seized/.test(i.outcome.result))) {
      const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
      for (const p of s.parties.filter((p) => p.actor && !p.hub)) {
        if (found.some((f) => f.actor.id === p.actor)) continue;
        const actor = await apiJson(page, `/api/v1/actors/${encodeURIComponent(p.actor)}`);
        if (!actor.history.length) continue;
        const net = await apiJson(page, `/api/v1/actors/${encodeURIComponent(p.actor)}/network?hops=1`);
        found.push({ actor, net, hubNear: net.nodes.some((n) => n.hub) });
        if (found.length >= 12) break;
      }
      if (found.length >= 12) break;
    }
    if (q.items.length < 500) break;
  }
  assert.ok(found.length, "no actor in the officer's seizures has a history");
  return found.sort((x, y) => Number(y.hubNear) - Number(x.hubNear) || y.net.nodes.length - x.net.nodes.length);
}

test("actor profile: names, identifiers, records by partner, history, and a network that expands on a tap", async () => {
  const { page } = await signIn(U.officer);
  const candidates = await actorWithHistory(page);
  const hubs = new Map(); // actor id -> hub, as the API says
  const learn = (net) => net.nodes.forEach((n) => hubs.set(n.id, !!n.hub));

  let expandedBy = null;
  for (const { actor, net } of candidates) {
    learn(net);
    await visit(page, `#/actors/${encodeURIComponent(actor.id)}`, "actor");

    const names = norm(await page.locator("[data-testid=actor-names]").textContent());
    for (const n of actor.names.slice(0, 5)) assert.ok(names.includes(norm(n)), `the names lack ${n}`);
    const ids = norm(await page.locator("[data-testid=identifiers]").textContent());
    const known = actor.parties.flatMap((p) => [
      ...(p.party.emails || []),
      ...(p.party.phones || []),
      ...(p.party.tax_ids || []),
      ...(p.party.bank_accounts || []),
      ...(p.party.account_id ? [p.party.account_id] : []),
    ]);
    if (known.length) assert.ok(known.some((k) => ids.includes(norm(k))), `the identifiers show none of ${known.slice(0, 5)}`);
    for (const org of new Set(actor.parties.map((p) => p.org))) {
      assert.equal(await page.locator(`[data-testid=records-by-partner] section[data-org="${org}"]`).count(), 1, `no section for ${org}'s records`);
    }
    const historyRows = await page.locator("[data-testid=history] tbody tr").count();
    const allRows = await page.locator("[data-testid=history] tr").count();
    assert.ok(historyRows === actor.history.length || allRows >= actor.history.length, `history shows ${historyRows || allRows} rows, the API ${actor.history.length}`);
    assert.ok((await page.locator("[data-testid=timeline] li").count()) >= 1, "the timeline is empty");
    await page.locator("[data-testid=held-elsewhere]").waitFor({ state: "attached" });

    // The graph: the actor and its neighbours, hubs marked.
    await page.waitForFunction(() => window.interdictNetwork && window.interdictNetwork.nodes().length > 0);
    const graph = async () =>
      page.evaluate(() => {
        const cy = window.interdictNetwork;
        return cy.nodes().map((n) => ({ id: n.id(), hub: n.hasClass("hub"), shape: n.style("shape"), color: n.style("background-color") }));
      });
    let nodes = await graph();
    assert.ok(nodes.some((n) => n.id === actor.id), "the graph lacks the actor itself");
    for (const n of nodes) if (hubs.has(n.id)) assert.equal(n.hub, hubs.get(n.id), `node ${n.id}: class hub is ${n.hub}, the API says ${hubs.get(n.id)}`);
    for (const n of net.nodes) assert.ok(nodes.some((g) => g.id === n.id), `the graph lacks ${n.id} of the one-hop network`);
    const hubNode = nodes.find((n) => n.hub);
    const plain = nodes.find((n) => !n.hub);
    if (hubNode && plain) {
      assert.ok(hubNode.shape !== plain.shape && hubNode.color !== plain.color, "hubs are not drawn apart from other actors");
    }
    for (const n of nodes) assert.equal(await page.locator(`ul[data-testid=network-list] li[data-actor="${n.id}"]`).count(), 1, `the list lacks ${n.id}`);

    // A neighbour, not a hub, whose own neighbours are not all on screen yet.
    let pick = null;
    for (const n of nodes.filter((n) => n.id !== actor.id && !n.hub)) {
      const more = await apiJson(page, `/api/v1/actors/${encodeURIComponent(n.id)}/network?hops=1`);
      learn(more);
      if (more.nodes.some((m) => !nodes.some((g) => g.id === m.id))) {
        pick = { id: n.id, net: more };
        break;
      }
    }
    if (!pick) continue;

    // Tap it where it is drawn.
    await page.locator("#network").scrollIntoViewIfNeeded();
    let last = "";
    await poll(async () => {
      const now = JSON.stringify(await page.evaluate(() => window.interdictNetwork.nodes().map((n) => [Math.round(n.renderedPosition().x), Math.round(n.renderedPosition().y)])));
      const still = now === last;
      last = now;
      return still;
    }, "the graph's layout never settled", 10_000);
    const spot = await page.evaluate((id) => {
      const cy = window.interdictNetwork;
      const n = cy.getElementById(id);
      const box = cy.container().getBoundingClientRect();
      const p = n.renderedPosition();
      const r = Math.max(n.renderedOuterWidth(), 8) / 2;
      const near = cy.nodes().filter((o) => o.id() !== id).some((o) => {
        const q = o.renderedPosition();
        return Math.hypot(q.x - p.x, q.y - p.y) < r + Math.max(o.renderedOuterWidth(), 8) / 2;
      });
      return { x: box.left + p.x, y: box.top + p.y, inside: p.x > 0 && p.y > 0 && p.x < box.width && p.y < box.height, near };
    }, pick.id);
    const before = nodes.length;
    const grown = async (ms) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if ((await page.evaluate(() => window.interdictNetwork.nodes().length)) > before) return true;
        await new Promise((r) => setTimeout(r, 150));
      }
      return false;
    };
    if (spot.inside && spot.y > 0 && spot.y < VIEWPORT.height) {
      await page.mouse.click(spot.x, spot.y);
      if (await grown(5_000)) expandedBy = "a tap on the canvas";
      else console.log(`  a click at (${spot.x.toFixed(0)}, ${spot.y.toFixed(0)}) on node ${pick.id}${spot.near ? " (which overlaps another)" : ""} did not expand it`);
    } else {
      console.log(`  node ${pick.id} is drawn outside the visible part of #network (${JSON.stringify(spot)})`);
    }
    if (!expandedBy) {
      await page.locator(`button[data-expand="${pick.id}"]`).click();
      assert.ok(await grown(10_000), `expanding ${pick.id} with its list button added no node`);
      expandedBy = "the list's expand button (the canvas tap missed)";
    }
    console.log(`  expanded ${pick.id} by ${expandedBy}`);
    nodes = await graph();
    for (const m of pick.net.nodes) {
      assert.ok(nodes.some((g) => g.id === m.id), `after expanding ${pick.id} the graph lacks ${m.id}`);
      assert.equal(await page.locator(`ul[data-testid=network-list] li[data-actor="${m.id}"]`).count(), 1, `the list lacks ${m.id}`);
    }
    for (const n of nodes) if (hubs.has(n.id)) assert.equal(n.hub, hubs.get(n.id), `node ${n.id}: class hub is ${n.hub}, the API says ${hubs.get(n.id)}`);
    const hubCount = nodes.filter((n) => n.hub).length;
    console.log(`  actor ${actor.id}: ${actor.history.length} outcomes in its history, ${nodes.length} nodes after expanding, ${hubCount} hubs`);
    await shot(page, "actor");
    break;
  }
  assert.ok(expandedBy, "no actor with a history had a neighbour to expand");
});

test("hub actor: its records come a page at a time, latest first, as the API pages them", async () => {
  const { page } = await signIn(U.officer);
  // A hub among the parties of the officer's top shipments.
  const q = await apiJson(page, "/api/v1/queue?limit=100");
  let hub = null;
  for (const item of q.items) {
    const { org, id } = splitKey(item.key);
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(org)}/${encodeURIComponent(id)}`);
    const p = (s.parties || []).find((x) => x.hub && x.actor);
    if (p) {
      hub = p.actor;
      break;
    }
  }
  assert.ok(hub, "no hub actor among the parties of the officer's first 100 shipments");
  const all = await apiJson(page, `/api/v1/actors/${encodeURIComponent(hub)}?limit=1`);
  assert.ok(all.parties_total > 40, `the hub ${hub} has only ${all.parties_total} records`);
  const first = await apiJson(page, `/api/v1/actors/${encodeURIComponent(hub)}?limit=20`);
  const second = await apiJson(page, `/api/v1/actors/${encodeURIComponent(hub)}?limit=20&offset=20`);
  assert.equal(first.parties.length, 20);
  const keys = (x) => x.parties.map((p) => p.record);
  assert.equal(new Set([...keys(first), ...keys(second)]).size, 40, "two pages overlap");

  await visit(page, `#/actors/${encodeURIComponent(hub)}?page_size=20`, "actor");
  const rows = page.locator("[data-testid=records-by-partner] tr[data-record]");
  assert.equal(await rows.count(), 20, "the first page shows one page of records");
  assert.deepEqual(numbersIn(await page.locator("[data-testid=records-shown]").textContent()), [20, all.parties_total]);
  const shownFirst = await rows.evaluateAll((trs) => trs.map((t) => t.dataset.record));
  assert.deepEqual(new Set(shownFirst), new Set(keys(first)));
  await page.locator("button[data-testid=more-records]").click();
  await poll(async () => (await rows.count()) === 40, "the next page of records never came", 10_000, page);
  const shownBoth = await rows.evaluateAll((trs) => trs.map((t) => t.dataset.record));
  assert.deepEqual(new Set(shownBoth), new Set([...keys(first), ...keys(second)]));
  await shot(page, "actor-hub-paged");
});

test("two organisations: a customs-uk AMBER shipment shared with the coordination centre only is not found for a carrier, and each queue is its own", async () => {
  const a = (await signIn(U.officer)).page;
  const b = (await signIn(U.swift)).page;
  const qa = await apiJson(a, "/api/v1/queue?limit=20");
  const qb = await apiJson(b, "/api/v1/queue?limit=100");

  let strict = null;
  for (const item of qa.items.filter((i) => i.org === "customs-uk")) {
    const s = await apiJson(a, `/api/v1/shipments/customs-uk/${encodeURIComponent(item.shipment_id)}`);
    if (s.marking === "AMBER" && s.sharing_group === "ipr-operation") {
      strict = s;
      break;
    }
  }
  assert.ok(strict, "no AMBER customs-uk shipment shared with ipr-operation at the top of the officer's queue");

  await visit(a, shipmentHash(strict.key), "shipment");
  assert.ok(norm(await a.locator("[data-testid=record-fields]").textContent()).includes(strict.source_id));

  const denied = await api(b, `/api/v1/shipments/customs-uk/${encodeURIComponent(strict.source_id)}`);
  assert.equal(denied.status, 404, `the carrier's analyst got ${denied.status} for ${strict.key}`);
  await clearReady(b);
  await b.goto(`${BASE}/${shipmentHash(strict.key)}`);
  const banner = b.locator("[data-testid=error]");
  await banner.waitFor({ state: "visible" });
  assert.match(await banner.textContent(), /not found|no such|nothing (was )?found/i, "the banner does not say the shipment was not found");
  assert.doesNotMatch(await banner.textContent(), /[{}]/, "the error banner shows JSON");
  assert.equal(await b.locator("[data-testid=record-fields]").count(), 0, "the other organisation's page shows record fields");
  await shot(b, "shipment-not-found");

  assert.notEqual(qa.total, qb.total, "both organisations have queues of the same size");
  await visit(a, "#/queue", "queue");
  await visit(b, "#/queue", "queue");
  assert.ok((await totalShown(a)).includes(qa.total), `customs-uk's page does not show its total ${qa.total}`);
  assert.ok((await totalShown(b)).includes(qb.total), `carrier-swift's page does not show its total ${qb.total}`);
  const shownB = (await queueRows(b)).map((r) => r.key);
  assert.deepEqual(shownB, qb.items.map((i) => i.key), "the carrier's rows are not its API page");
  assert.ok(!shownB.some((k) => k.startsWith("customs-uk/")), "the carrier's queue shows customs-uk shipments");
  await shot(b, "queue-carrier");

  // Not on any page of the carrier's queue either.
  let seen = 0;
  for (let offset = 0; offset < qb.total; offset += 500) {
    const p = await apiJson(b, `/api/v1/queue?limit=500&offset=${offset}`);
    seen += p.items.length;
    const leak = p.items.find((i) => i.org === "customs-uk");
    assert.ok(!leak, `the carrier's queue holds ${leak && leak.key}`);
    if (!p.items.length) break;
  }
  assert.equal(seen, qb.total, "the carrier's queue pages do not add up to its total");

  // A marketplace's analyst neither.
  const m = (await signIn(U.bazaar)).page;
  assert.equal((await api(m, `/api/v1/shipments/customs-uk/${encodeURIComponent(strict.source_id)}`)).status, 404);
  const qm = await apiJson(m, "/api/v1/queue?limit=100");
  assert.ok(!qm.items.some((i) => i.org === "customs-uk"), "the marketplace's queue holds customs-uk shipments");
  await visit(m, "#/queue", "queue");
  assert.ok((await totalShown(m)).includes(qm.total), `mkt-bazaar's page does not show its total ${qm.total}`);
  assert.ok(!(await queueRows(m)).some((r) => r.key.startsWith("customs-uk/")), "the marketplace's queue shows customs-uk shipments");
});

test("dashboard: the KPIs are the API's, and a seizure recorded on the shipment page adds one", async () => {
  const { page } = await signIn(U.officer);
  await visit(page, "#/dashboard", "dashboard");
  const d = await apiJson(page, "/api/v1/dashboard");
  const value = async (id) => page.locator(`[data-testid=${id}] .value`).textContent();

  assertShows(await value("kpi-seizures"), d.totals.seizures, "seizures");
  assertShows(await value("kpi-hit-rate"), d.totals.hit_rate, "hit rate");
  assertShows(await value("kpi-value"), d.totals.value_usd, "value seized");
  assertShows(await value("kpi-quarantined"), d.ingest.quarantined, "quarantined rows");
  const queueText = await value("kpi-queue");
  assert.ok(
    [d.queue.scored, d.queue.open, d.queue.high_risk].some((n) => {
      const s = shown(queueText);
      return s && Math.abs(s.value - n) <= s.tolerance;
    }),
    `the queue KPI ${JSON.stringify(queueText)} is none of ${JSON.stringify(d.queue)}`,
  );
  for (const c of ["chart-seizures", "chart-hit-rate", "chart-value"]) {
    const marks = await page.locator(`svg[data-testid=${c}]`).locator("path, rect, circle, line, polyline").count();
    assert.ok(marks > 0, `${c} draws nothing`);
  }
  await page.locator("table[data-testid=quarantine]").waitFor({ state: "attached" });
  if (d.ingest.quarantined > 0) assert.ok((await page.locator("table[data-testid=quarantine] tbody tr").count()) > 0, "the quarantine table is empty");
  await shot(page, "dashboard-officer");

  // Record a seizure of an open shipment on its page.
  const open = await apiJson(page, "/api/v1/queue?status=open&limit=1");
  assert.ok(open.items.length, "no open shipment in the officer's queue");
  const item = open.items[0];
  await visit(page, shipmentHash(item.key), "shipment");
  const outcomes = page.locator("[data-testid=outcomes]");
  const beforeText = norm(await outcomes.textContent());
  await page.locator("button[data-outcome=seized]").click();
  await poll(async () => {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    return s.outcomes.some((o) => o.result === "seized_counterfeit");
  }, `the seizure of ${item.key} never reached the API`, 15_000, page);
  await poll(async () => norm(await outcomes.textContent()) !== beforeText, "the outcomes section did not change after recording");

  await andWait(page, "dashboard", () => page.locator("a[data-testid=nav-dashboard]").click());
  const after = await apiJson(page, "/api/v1/dashboard");
  assert.equal(after.totals.seizures, d.totals.seizures + 1, "the API's seizures did not go up by one");
  assertShows(await value("kpi-seizures"), d.totals.seizures + 1, "seizures after recording one");
});

test("brand portal: the rep's brands, its suspects, confirming one, and nothing of another brand", async () => {
  const { page } = await signIn(U.altus);
  await ready(page, "brands");
  const b = await apiJson(page, "/api/v1/brands");
  assert.ok(b.brands.length > 0, "rep.altus has no brands");

  const countryForms = async (code) =>
    page.evaluate((c) => [c, ...["en", "en-GB", "en-US"].map((l) => new Intl.DisplayNames([l], { type: "region" }).of(c))], code);

  const cards = await page.locator("[data-testid=brand-card]").evaluateAll((cs) => cs.map((c) => c.dataset.brand));
  assert.deepEqual([...cards].sort(), b.brands.map((x) => x.name).sort(), "the brand cards are not the API's brands");
  for (const brand of b.brands) {
    const text = norm(await page.locator(`[data-testid=brand-card][data-brand="${brand.name}"]`).innerText());
    for (const m of [...brand.marks, ...brand.lookalike_exceptions]) assert.ok(text.includes(norm(m)), `${brand.name}'s card lacks ${m}`);
    for (const f of brand.price_floors) {
      assert.ok(text.toLowerCase().includes(f.category.toLowerCase()), `${brand.name}'s card lacks the floor category ${f.category}`);
      const whole = String(Math.trunc(Number(f.price.amount)));
      assert.ok(numbersIn(text).some((n) => Math.trunc(n) === Number(whole)), `${brand.name}'s card lacks the floor ${f.price.amount}`);
    }
    for (const o of brand.genuine_origins) {
      const forms = await countryForms(o);
      assert.ok(forms.some((f) => f && text.includes(f)), `${brand.name}'s card lacks the origin ${o}`);
    }
    for (const p of brand.authorised) {
      const name = p.display_name || p.name;
      if (name) assert.ok(text.includes(norm(name)), `${brand.name}'s card lacks the authorised seller ${name}`);
    }
  }

  const me = await apiJson(page, "/api/v1/me");
  const own = new Set(b.brands.filter((x) => x.org === me.org).map((x) => x.name));
  assert.ok(own.size > 0, `none of the brands is ${me.org}'s own`);
  for (const x of b.brands) assert.equal(x.org, me.org, `rep.altus's portal shows ${x.org}'s brand ${x.name}`);
  for (const s of b.suspects) assert.ok(s.brands.some((x) => own.has(x)), `suspect ${s.key} names none of rep.altus's brands`);
  const rowKeys = () => page.locator("table[data-testid=suspects] tbody tr[data-key]").evaluateAll((rs) => rs.map((r) => r.dataset.key));
  assert.ok(b.suspects.length > 0, "rep.altus has no suspects");
  assert.deepEqual(await rowKeys(), b.suspects.map((s) => s.key), "the suspects are not the API's");
  await shot(page, "brands-altus");

  // Another brand's suspects never show here.
  const corvid = (await signIn(U.corvid)).page;
  await ready(corvid, "brands");
  const c = await apiJson(corvid, "/api/v1/brands");
  assert.ok(c.suspects.length > 0, "rep.corvid has no suspects");
  const theirs = c.suspects.filter((s) => !s.brands.some((x) => own.has(x)));
  const mine = new Set(await rowKeys());
  for (const s of theirs) assert.ok(!mine.has(s.key), `rep.altus sees brand-corvid's suspect ${s.key}`);
  console.log(`  rep.altus: ${b.suspects.length} suspects; brand-corvid has ${theirs.length} suspects of its own brands only, none shown to rep.altus`);
  await shot(corvid, "brands-corvid");

  // A listing among the suspects opens on its page.
  const listing = b.suspects.find((s) => s.feed === "listings");
  if (listing) {
    const r = await apiJson(page, `/api/v1/listings/${encodeURIComponent(listing.org)}/${encodeURIComponent(listing.source_id)}`);
    await visit(page, `#/listings/${encodeURIComponent(listing.org)}/${encodeURIComponent(listing.source_id)}`, "listing");
    const text = norm(await page.locator("[data-testid=record-fields]").textContent());
    assert.ok(text.includes(r.record.listing_id), "the listing page lacks the listing id");
    if (r.record.title) assert.ok(text.includes(norm(r.record.title)), "the listing page lacks the title");
    if (r.score) assertShows(await page.locator("[data-testid=score]").textContent(), r.score.score, "the listing's score");
    await shot(page, "listing");
    await visit(page, "#/brands", "brands");
  } else {
    console.log("  no listing among rep.altus's suspects: the listing page was not visited");
  }

  // Confirming a suspect as fake takes it off the list.
  const first = b.suspects[0];
  const row = page.locator(`table[data-testid=suspects] tbody tr[data-key="${first.key}"]`);
  await row.locator("button[data-confirm=fake]").click();
  await poll(async () => (await row.count()) === 0, `the confirmed suspect ${first.key} stayed in the list`, 15_000, page);
  const notice = page.locator("[role=status], .notice, [data-testid$=notice]").filter({ hasText: first.source_id });
  assert.ok((await notice.count()) > 0 && (await notice.first().isVisible()), `no notice says ${first.source_id} was confirmed`);
  const again = await apiJson(page, "/api/v1/brands");
  assert.ok(!again.suspects.some((s) => s.key === first.key), `${first.key} is still a suspect after confirming it`);
});

test("rules: the active pack, a back-test, an invalid pack named by rule and variable, a proposal switched on by a second person and rolled back; others may not", async () => {
  const { page } = await signIn(U.analystIpcc);
  assert.equal(await page.locator("a[data-testid=nav-rules]").count(), 1, "an analyst has no rules link");
  await visit(page, "#/rules", "rules");
  const r = await apiJson(page, "/api/v1/rules");
  assert.equal(r.may_propose, true, "a coordinator's analyst may not propose");
  assert.ok(norm(await page.locator("[data-testid=active-pack]").textContent()).includes(r.version), `the active pack is not ${r.version}`);
  const rows = await page.locator("table[data-testid=rules-table] tbody tr").allTextContents();
  assert.equal(rows.length, r.rules.length, "rules in the table");
  r.rules.forEach((rule, i) => assert.ok(norm(rows[i]).includes(rule.name), `row ${i} is not ${rule.name}`));
  const pack = page.locator("textarea[name=pack]");
  assert.equal((await pack.inputValue()).trim(), r.text.trim(), "the editor does not hold the active pack");
  const propose = page.locator("button[data-testid=propose]");
  assert.ok(await propose.isDisabled(), "propose is enabled before any back-test");

  // Back-test the pack as it is.
  const want = await api(page, "/api/v1/rules/test", "POST", { pack: r.text });
  assert.equal(want.status, 200, JSON.stringify(want.body));
  await page.locator("button[data-testid=backtest]").click();
  const results = page.locator("table[data-testid=backtest-results] tbody tr");
  await poll(async () => (await results.count()) === want.body.rules.length, `the back-test never showed ${want.body.rules.length} rows`, 120_000);
  const got = await results.evaluateAll((rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
  want.body.rules.forEach((x, i) => {
    assert.ok(got[i].some((c) => norm(c) === x.rule), `back-test row ${i} is not ${x.rule}: ${got[i]}`);
    assert.ok(got[i].some((c) => numbersIn(c).length === 1 && numbersIn(c)[0] === x.fires), `back-test row of ${x.rule} does not show ${x.fires} firings: ${got[i]}`);
  });
  await poll(async () => !(await propose.isDisabled()), "propose stayed disabled after a clean back-test");
  await shot(page, "rules");

  // A typo in a variable: the error names the rule and the variable, and propose stays off.
  const rule = r.rules.find((x) => /[a-z]+_[a-z_]+/.test(x.when));
  const variable = /[a-z]+_[a-z_]+/.exec(rule.when)[0];
  const typo = variable.slice(0, 2) + variable[3] + variable[2] + variable.slice(4);
  assert.notEqual(typo, variable);
  const bad = r.text.replace(rule.when, rule.when.replace(variable, typo));
  assert.notEqual(bad, r.text, "could not put a typo in the pack");
  const refused = await api(page, "/api/v1/rules/test", "POST", { pack: bad });
  assert.equal(refused.status, 400, `a pack with ${typo} answered ${refused.status}`);
  await pack.fill(bad);
  assert.ok(await propose.isDisabled(), "propose is enabled for text that was not back-tested");
  await page.locator("button[data-testid=backtest]").click();
  const error = page.locator("[data-testid=rules-error]");
  await error.waitFor({ state: "visible" });
  await poll(async () => norm(await error.textContent()).length > 0, "the rules error is empty");
  const message = norm(await error.textContent());
  assert.ok(message.includes(rule.name), `the error ${JSON.stringify(message)} does not name the rule ${rule.name}`);
  assert.ok(message.includes(typo), `the error ${JSON.stringify(message)} does not name the variable ${typo}`);
  assert.ok(await propose.isDisabled(), "propose is enabled after a failed back-test");
  await shot(page, "rules-error");

  // A weight changed, back-tested and proposed: it lands in the versions, scoring nothing yet.
  const weight = /weight = ([0-9.]+)/.exec(r.text);
  const changed = r.text.replace(weight[0], `weight = ${(Number(weight[1]) + 0.1).toFixed(1)}`);
  assert.notEqual(changed, r.text);
  await pack.fill(changed);
  await page.locator("button[data-testid=backtest]").click();
  await poll(async () => !(await propose.isDisabled()), "propose stayed disabled after the changed pack's back-test", 120_000);
  await page.locator("input[name=note]").fill("a little more weight");
  await propose.click();
  const notice = page.locator("[data-testid=rules-notice]");
  await poll(async () => norm(await notice.textContent()).includes("Proposed version"), "no notice of the proposal");
  const proposedRow = page.locator("table[data-testid=rules-history] tbody tr[data-status=proposed]");
  await poll(async () => (await proposedRow.count()) >= 1, "the proposal is not among the versions");
  const number = Number(await proposedRow.first().getAttribute("data-version"));
  assert.equal((await apiJson(page, "/api/v1/rules")).version, r.version, "a proposal switched itself on");
  assert.equal(await page.locator(`button[data-testid=switch-on-${number}]`).count(), 0, "an analyst may switch versions on");
  const own = await api(page, `/api/v1/rules/versions/${number}/switch-on`, "POST", {});
  assert.equal(own.status, 403, `the author's own switch-on answered ${own.status}`);

  // The coordinator's admin switches it on, then back to the version before.
  const admin = (await signIn(U.adminIpcc)).page;
  await visit(admin, "#/rules", "rules");
  const before = (await apiJson(admin, "/api/v1/rules/versions")).versions.find((v) => v.status === "active");
  const button = admin.locator(`button[data-testid=switch-on-${number}]`);
  await button.waitFor({ state: "visible" });
  await button.click();
  // The click's request may still be on its way: wait for the switch, then check it.
  const on = await poll(
    async () => (await apiJson(admin, "/api/v1/rules/versions")).versions.find((v) => v.number === number && v.status === "active"),
    `version ${number} never became active`,
    15_000,
    admin,
  );
  assert.equal(on.approved_by, `ipcc:${U.adminIpcc}`);
  await poll(async () => norm(await admin.locator("[data-testid=active-pack]").textContent()).includes(on.tag), `the page does not show ${on.tag} as active`);
  const nowActive = await apiJson(admin, "/api/v1/rules");
  await poll(async () => (await admin.locator("textarea[name=pack]").inputValue()).trim() === nowActive.text.trim(), "the editor does not follow the pack switched on");
  await shot(admin, "rules-versions");
  await admin.locator(`button[data-testid=switch-on-${before.number}]`).click();
  await poll(async () => (await apiJson(admin, "/api/v1/rules")).version === r.version, "the rollback did not switch the earlier version on");

  // A customs analyst proposes for customs' own pack: it scores nothing until customs' admin
  // switches it on, and the platform's default is untouched. An officer has no rules page.
  const customs = (await signIn(U.analystUk)).page;
  const theirs = await apiJson(customs, "/api/v1/rules");
  assert.equal(theirs.may_test, true);
  assert.equal(theirs.may_propose, true);
  assert.equal(theirs.may_switch_on, false);
  assert.equal(theirs.own, false);
  assert.notEqual(theirs.line, "default");
  const put = await api(customs, "/api/v1/rules", "PUT", { pack: theirs.text.replace('name = "', 'name = "customs-'), note: "our own" });
  assert.equal(put.status, 200, `a customs analyst's PUT /api/v1/rules answered ${put.status}`);
  assert.equal((await apiJson(admin, "/api/v1/rules")).version, r.version, "customs' proposal changed the default pack");
  assert.equal((await apiJson(customs, "/api/v1/rules")).version, theirs.version, "a proposal switched itself on");
  await visit(customs, "#/rules", "rules");
  await poll(async () => /may propose its own/.test(norm(await customs.locator("[data-testid=rules-line]").textContent())), "the page does not say whose pack scores the queue");
  const mine = (await apiJson(customs, "/api/v1/rules/versions")).versions;
  assert.equal(mine.length, 1, "customs' versions hold another organisation's");
  assert.equal(mine[0].status, "proposed");
  const officer = (await signIn(U.officer)).page;
  assert.equal(await officer.locator("a[data-testid=nav-rules]").count(), 0, "an officer has a rules link");
  assert.equal(await officer.locator("a[data-testid=nav-queue]").count(), 1, "an officer has no queue link");
  const officerPut = await api(officer, "/api/v1/rules", "PUT", { pack: r.text });
  assert.equal(officerPut.status, 403, `an officer's PUT /api/v1/rules answered ${officerPut.status}`);
});

test("audit: the entries include this run's sign-ins, the chain verifies, filters and the CSV hold the API's entries; officers have no audit", async () => {
  const { page } = await signIn(U.auditor);
  await ready(page, "audit");
  assert.equal(await page.locator("a[data-testid=nav-audit]").count(), 1, "an auditor has no audit link");
  for (const other of ["queue", "dashboard", "rules", "brands"]) {
    assert.equal(await page.locator(`a[data-testid=nav-${other}]`).count(), 0, `an auditor has a ${other} link`);
  }

  // Every sign-in of this run is in the log.
  const entries = [];
  for (let after = 0; ; ) {
    const p = await apiJson(page, `/api/v1/audit?after=${after}&limit=1000`);
    entries.push(...p.entries);
    if (p.entries.length < 1000) break;
    after = p.entries[p.entries.length - 1].seq;
  }
  const signIns = entries.filter((e) => e.action === "sign_in");
  for (const u of signedIn) assert.ok(signIns.some((e) => e.user === u), `no sign-in of ${u} in the audit log`);

  const rows = page.locator("table[data-testid=audit-table] tbody tr");
  assert.ok((await rows.count()) > 0, "the audit table is empty");
  const isSignIn = (t) => /sign(ed)?[ _.-]?in/i.test(t) && !/refused/i.test(t);
  const shownSignIns = async () =>
    (await rows.allTextContents()).filter((t) => isSignIn(t)).map((t) => [...signedIn].filter((u) => t.includes(u))).flat();
  let found = await shownSignIns();
  for (let i = 0; found.length === 0 && i < 50; i++) {
    const more = page.locator("button[data-testid=more]");
    if (!(await more.isVisible()) || (await more.isDisabled())) break;
    const n = await rows.count();
    await more.click();
    await poll(async () => (await rows.count()) > n, "load more added no entries");
    found = await shownSignIns();
  }
  assert.ok(found.length > 0, "the audit table shows no sign-in of this run's users");
  console.log(`  audit: ${entries.length} entries; the table shows sign-ins of ${[...new Set(found)].join(", ")}`);

  const v = await apiJson(page, "/api/v1/audit/verify");
  assert.equal(v.ok, true, `the chain does not verify: ${v.problem}`);
  const verified = norm(await page.locator("[data-testid=audit-verified]").textContent());
  assert.match(verified, /\bok\b|verified|intact/i, `the verification says ${verified}`);
  assert.doesNotMatch(verified, /broken|fail|could not/i, `the verification says ${verified}`);
  await shot(page, "audit");

  // Filtered by user and action: the table holds the API's entries for that filter, and the
  // CSV export the same ones.
  const form = page.locator("form[data-testid=audit-filters]");
  await form.locator("input[name=user]").fill(U.officer);
  await form.locator("input[name=action]").fill("sign_in");
  await andWait(page, "audit", () => form.locator("button[type=submit]").click());
  const hash = decodeURIComponent(new URL(page.url()).hash);
  assert.ok(hash.includes(`user=${U.officer}`) && hash.includes("action=sign_in"), hash);
  const want = await apiJson(page, `/api/v1/audit?order=desc&limit=200&user=${encodeURIComponent(U.officer)}&action=sign_in`);
  assert.ok(want.entries.length > 0, "the officer's sign-ins are not in the log");
  const seqs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.seq)));
  assert.deepEqual(seqs, want.entries.map((e) => e.seq));
  const users = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[3].textContent));
  assert.ok(users.every((u) => u === U.officer), `other users under the filter: ${users}`);
  const href = await page.locator("[data-testid=audit-csv]").getAttribute("href");
  const csv = await api(page, href);
  assert.equal(csv.status, 200);
  const lines = String(csv.body).trim().split("\n");
  assert.equal(lines[0].split(",")[0], "seq");
  assert.equal(lines.length - 1, want.entries.length, "one CSV row per entry");
  await shot(page, "audit-filtered");

  const officer = (await signIn(U.officer)).page;
  assert.equal(await officer.locator("a[data-testid=nav-audit]").count(), 0, "an officer has an audit link");
  assert.equal((await api(officer, "/api/v1/audit")).status, 403, "an officer may read the audit log");
});

test("search: a name typed in the header lists hits that link to the actor", async () => {
  const { page } = await signIn(U.officer);
  const q = await apiJson(page, "/api/v1/queue?limit=20");
  let party = null;
  for (const item of q.items) {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    party = s.parties.find((p) => p.actor && p.name && p.name.length >= 4);
    if (party) break;
  }
  assert.ok(party, "no named party with an actor at the top of the queue");

  const box = page.locator("input[data-testid=search]");
  await box.fill(party.name);
  await andWait(page, "search", () => box.press("Enter"));
  const hash = decodeURIComponent(new URL(page.url()).hash.replace(/\+/g, " "));
  assert.ok(hash.startsWith("#/search?q=") && hash.includes(party.name), `the search went to ${hash}`);
  const hits = (await apiJson(page, `/api/v1/search?q=${encodeURIComponent(party.name)}&limit=20`)).hits;
  assert.ok(hits.some((h) => h.actor === party.actor), `the API's search for ${party.name} misses ${party.actor}`);
  const items = page.locator("[data-testid=search-results] li");
  assert.equal(await items.count(), hits.length, "hits on the page");
  const links = await page.locator('[data-testid=search-results] li a[href^="#/actors/"]').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute("href").slice("#/actors/".length))));
  for (const h of hits.filter((h) => h.actor)) assert.ok(links.includes(h.actor), `no link to ${h.actor}`);
  await page.locator("[data-testid=held-elsewhere]").waitFor({ state: "attached" });
  await shot(page, "search");

  const link = page.locator(`[data-testid=search-results] li a[href="#/actors/${encodeURIComponent(party.actor)}"]`).first();
  await andWait(page, "actor", () => link.click());
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#/actors/${party.actor}`);
});

test("people search: a phone in another form, a name with a typo, a facet and the CSV find what the API finds", async () => {
  // A phone of a brand's authorised seller, as its representative's portal shows it.
  const rep = (await signIn(U.altus)).page;
  const portal = await apiJson(rep, "/api/v1/brands");
  const e164 = portal.brands
    .flatMap((b) => b.authorised || [])
    .flatMap((p) => (p && Array.isArray(p.phones) ? p.phones : []))
    .find((x) => /^\+\d{8,}$/.test(x));
  assert.ok(e164, "no authorised seller with a phone in the representative's portal");
  // "+447440465317" typed as "0044 7440 465317".
  const digits = e164.slice(1);
  const spaced = "00" + digits.slice(0, 2) + " " + digits.slice(2, 6) + " " + digits.slice(6);
  await visit(rep, "#/search?q=" + encodeURIComponent(spaced), "search");
  const byPhone = await apiJson(rep, `/api/v1/search?q=${encodeURIComponent(spaced)}&limit=20`);
  assert.ok(byPhone.hits.some((h) => h.identifiers.includes(e164)), `${spaced} does not find ${e164}: ${JSON.stringify(byPhone.hits)}`);
  assert.equal(await rep.locator("[data-testid=search-results] li").count(), byPhone.hits.length);
  assert.ok((await rep.locator("[data-testid=search-results]").textContent()).includes(e164), "the hit shows the phone");

  const { page } = await signIn(U.officer);
  const q = await apiJson(page, "/api/v1/queue?limit=50");
  let named = null;
  for (const item of q.items) {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    named = s.parties.find((p) => p.actor && p.name && p.name.split(/\s+/).some((w) => w.length >= 6 && /^[A-Za-z]+$/.test(w)));
    if (named) break;
  }
  assert.ok(named, "no party with a long word in its name among the queue's shipments");

  // A typo: two letters of the longest word swapped.
  const word = named.name.split(/\s+/).filter((w) => /^[A-Za-z]+$/.test(w)).sort((a, b) => b.length - a.length)[0];
  const typo = word.slice(0, 2) + word[3] + word[2] + word.slice(4);
  const typed = named.name.replace(word, typo);
  await visit(page, "#/search?q=" + encodeURIComponent(typed), "search");
  const close = page.locator(`[data-testid=search-results] li[data-actor="${named.actor}"]`);
  assert.equal(await close.count(), 1, `${typed} does not find ${named.actor}`);
  if (typo.toLowerCase() !== word.toLowerCase()) {
    assert.equal(await close.getAttribute("data-match"), "close", "a typo is shown as a close match");
  }
  const api1 = await apiJson(page, `/api/v1/search?q=${encodeURIComponent(typed)}&limit=20`);
  assert.equal(await page.locator("[data-testid=search-results] li").count(), api1.hits.length);

  // A facet narrows the hits to what the API gives for that filter.
  const facet = page.locator("[data-testid=search-facets] [data-facet=org] a").first();
  const org = await facet.getAttribute("data-value");
  await andWait(page, "search", () => facet.click());
  assert.ok(decodeURIComponent(new URL(page.url()).hash).includes(`org=${org}`), "the facet is in the address");
  const filtered = await apiJson(page, `/api/v1/search?q=${encodeURIComponent(typed)}&org=${encodeURIComponent(org)}&limit=20`);
  assert.equal(await page.locator("[data-testid=search-results] li").count(), filtered.hits.length);
  const orgs = await page.locator("[data-testid=search-results] li a.record-link, [data-testid=search-results] li .record-ref").evaluateAll((as) => as.map((a) => a.textContent));
  assert.ok(orgs.every((t) => t.startsWith(org)), `hits of other organisations under ${org}: ${orgs}`);

  // The CSV holds the same hits.
  const href = await page.locator("[data-testid=search-csv]").getAttribute("href");
  assert.ok(href.includes("format=csv"), href);
  const csv = await api(page, href);
  assert.equal(csv.status, 200);
  const rows = String(csv.body).trim().split("\n");
  assert.equal(rows[0].split(",")[0], "actor");
  assert.equal(rows.length - 1, filtered.total, "one CSV row per hit");
  await shot(page, "search-people");
});

test("paths: from an actor to one two links away, with the records of each link", async () => {
  const { page } = await signIn(U.officer);
  const q = await apiJson(page, "/api/v1/queue?limit=50");
  let from = null;
  let to = null;
  for (const item of q.items) {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    for (const p of s.parties.filter((p) => p.actor)) {
      const net = await apiJson(page, `/api/v1/actors/${encodeURIComponent(p.actor)}/network?hops=2`);
      const far = net.nodes.find((n) => n.hops === 2 && !n.hub);
      const hubFree = net.nodes.filter((n) => n.hops === 1 && !n.hub).length > 0;
      if (far && hubFree && !net.nodes.find((n) => n.id === p.actor).hub) {
        from = p.actor;
        to = far.id;
        break;
      }
    }
    if (from) break;
  }
  assert.ok(from && to, "no actor with another two links away among the queue's shipments");
  await visit(page, `#/actors/${encodeURIComponent(from)}`, "actor");
  const panel = page.locator("[data-testid=paths-panel]");
  await panel.locator("[data-testid=path-to]").fill(to);
  await panel.locator("button[type=submit]").click();
  await panel.locator("[data-testid=path]").first().waitFor();
  const api1 = await apiJson(page, `/api/v1/actors/${encodeURIComponent(from)}/paths/${encodeURIComponent(to)}?hops=4`);
  assert.ok(api1.hops >= 1 && api1.hops <= 2, `the API's path has ${api1.hops} links`);
  assert.equal(await panel.locator("[data-testid=path]").count(), api1.paths.length);
  const first = panel.locator("[data-testid=path]").first();
  const actors = await first.locator("a.actor-link").evaluateAll((as) => as.map((a) => a.dataset.actor));
  assert.equal(actors[0], from);
  assert.equal(actors[actors.length - 1], to);
  assert.equal(await first.locator(".via a.record-link, .via .record-ref").count() >= api1.hops, true, "each link names its records");
  await shot(page, "paths");

  // The other actor typed by name: the candidates are the search's actors; one picked.
  const target = await apiJson(page, `/api/v1/actors/${encodeURIComponent(to)}`);
  const name = target.names[0];
  const found = await apiJson(page, `/api/v1/search?q=${encodeURIComponent(name)}&limit=8`);
  const candidates = found.hits.filter((x) => x.actor && x.actor !== from).map((x) => x.actor);
  assert.ok(candidates.length > 0, `searching ${name} finds no actor`);
  await panel.locator("[data-testid=path-to]").fill(name);
  await panel.locator("button[type=submit]").click();
  await panel.locator("[data-testid=path-candidates]").waitFor();
  const shown = await panel.locator("[data-testid=path-candidates] button[data-actor]").evaluateAll((bs) => bs.map((b) => b.dataset.actor));
  assert.deepEqual(shown, candidates);
  const chosen = candidates.includes(to) ? to : candidates[0];
  const want = await apiJson(page, `/api/v1/actors/${encodeURIComponent(from)}/paths/${encodeURIComponent(chosen)}?hops=4`);
  await panel.locator(`[data-testid=path-candidates] button[data-actor="${chosen}"]`).click();
  await poll(
    async () => (await panel.locator("[data-testid=path-to]").inputValue()) === chosen && (await panel.locator("[data-testid=paths] li[data-testid=path]").count()) === want.paths.length && !(await panel.locator("[data-testid=path-candidates]").count()),
    "picking a candidate gives the API's paths",
  );

  await panel.locator("[data-testid=path-to]").fill("ACT-NOBODY");
  await panel.locator("button[type=submit]").click();
  await panel.locator("[data-testid=paths-error]").waitFor();
});

// Fetches a download as the signed-in page would: status, the package hash header, the bytes.
async function download(page, path) {
  const r = await page.evaluate(async (path) => {
    const res = await fetch(path, { credentials: "same-origin" });
    const bytes = new Uint8Array(await res.arrayBuffer());
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return { status: res.status, sha: res.headers.get("x-content-sha256"), type: res.headers.get("content-type"), b64: btoa(bin) };
  }, path);
  return { status: r.status, sha: r.sha, type: r.type, bytes: Buffer.from(r.b64, "base64") };
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

test("cases: a case opened from a seized parcel, worked, told of another organisation's case on its actor, exported as a referral", async () => {
  const { page } = await signIn(U.officer);
  // A seized parcel whose sender the carrier also holds records on.
  const q = await apiJson(page, "/api/v1/queue?limit=500");
  let parcel = null;
  let sender = null;
  for (const item of q.items.filter((i) => i.outcome && /seized/.test(i.outcome.result || ""))) {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    const withActors = s.parties.filter((p) => p.actor && !p.hub);
    const shipper = withActors.find((p) => p.role === "shipper");
    if (!shipper || new Set(withActors.map((p) => p.actor)).size < 2) continue;
    const a = await apiJson(page, `/api/v1/actors/${encodeURIComponent(shipper.actor)}`);
    if ((a.held_elsewhere || []).some((e) => e.org === "carrier-swift")) {
      parcel = item;
      sender = shipper.actor;
      break;
    }
  }
  assert.ok(parcel, "no seized parcel among the queue's whose sender the carrier also holds records on");

  // Opened from the parcel's page: the parcel is evidence, its parties are the actors.
  await visit(page, shipmentHash(parcel.key), "shipment");
  await page.locator("[data-testid=case-open] [data-testid=case-title]").fill("Seized parcel sender");
  await andWait(page, "case", () => page.locator("[data-testid=case-open] button[type=submit]").click());
  const caseId = decodeURIComponent((await page.evaluate(() => location.hash)).split("/").pop());
  let c = await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`);
  assert.equal(await page.locator("[data-testid=case-heading]").textContent(), "Seized parcel sender");
  assert.deepEqual(c.records.map((r) => r.key), [parcel.key]);
  const row = page.locator(`[data-testid=case-records] tr[data-key="${parcel.key}"]`);
  assert.equal(await row.locator("[data-sha256]").getAttribute("data-sha256"), c.records[0].sha256);
  assert.ok(c.actors.some((a) => a.actor === sender), "the sender is an actor of the case");

  // Worked: a note that mentions a colleague, a task, and the workflow.
  await page.locator("[data-testid=note-text]").fill("Sender of seized goods; @analyst.uk please check the lane.");
  await page.locator("[data-testid=add-note] button[type=submit]").click();
  await page.locator("[data-testid=case-notes] .mention").filter({ hasText: "@analyst.uk" }).waitFor();
  await page.locator("[data-testid=task-text]").fill("Ask the carrier for the sender's other parcels");
  await page.locator("[data-testid=add-task] button[type=submit]").click();
  await page.locator("[data-testid=case-tasks] li").first().waitFor();
  await page.locator("[data-testid=case-workflow] button[data-status=active]").click();
  await poll(async () => (await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`)).status === "active", "the case became active", 10_000, page);
  c = await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`);
  assert.deepEqual(c.notes[0].mentions, ["analyst.uk"]);
  assert.equal(c.tasks.length, 1);
  assert.deepEqual(c.next_statuses, ["referred", "closed"]);

  // The paths between the case's actors, with the records of each link.
  const other = c.actors.find((a) => a.actor !== c.actors[0].actor && !a.hub);
  const panel = page.locator("[data-testid=case-actors] [data-testid=paths-panel]");
  await panel.locator("[data-testid=path-to]").fill(other.actor);
  await panel.locator("button[type=submit]").click();
  await panel.locator("[data-testid=path]").first().waitFor();
  const viaParcel = await panel.locator("[data-testid=path] .via a.record-link, [data-testid=path] .via .record-ref").count();
  assert.ok(viaParcel >= 1, "the path names the records that make its link");

  // A file kept as evidence, by its SHA-256.
  const photo = Buffer.from("a photograph of the seized goods " + caseId);
  await page.locator("[data-testid=case-file-input]").setInputFiles({ name: "seizure.jpg", mimeType: "image/jpeg", buffer: photo });
  await page.locator("[data-testid=case-upload] button[type=submit]").click();
  await page.locator(`[data-testid=case-files] li[data-sha256="${sha256(photo)}"]`).waitFor();
  await shot(page, "case");

  // The carrier sees on the sender's page that customs has a case on it, by existence only,
  // then opens its own case there.
  const carrier = await signIn(U.swift);
  await visit(carrier.page, `#/actors/${encodeURIComponent(sender)}`, "actor");
  const told = carrier.page.locator("[data-testid=actor-cases] [data-testid=case-notices] li[data-org=customs-uk]");
  await told.waitFor();
  assert.equal(await told.getAttribute("data-kind"), "deconfliction");
  assert.equal(await told.getAttribute("data-case"), null, "an AMBER case is told by existence only");
  assert.match(norm(await told.textContent()), /customs-uk has an open case on this actor/);
  assert.ok(!norm(await carrier.page.locator("[data-testid=actor-cases]").textContent()).includes("Seized parcel sender"));
  await carrier.page.locator("[data-testid=actor-cases] [data-testid=case-title]").fill("Sender with many parcels");
  await andWait(carrier.page, "case", () => carrier.page.locator("[data-testid=actor-cases] [data-testid=case-open] button[type=submit]").click());
  await carrier.page.locator("[data-testid=case-deconfliction] li[data-org=customs-uk]").waitFor();

  // Customs is told too: on its case, and on the parcel's row of the queue.
  await visit(page, `#/cases/${encodeURIComponent(caseId)}`, "case");
  const back = page.locator("[data-testid=case-deconfliction] li[data-org=carrier-swift]");
  await back.waitFor();
  assert.equal(await back.getAttribute("data-kind"), "deconfliction");
  await visit(page, `#/queue?day=${parcel.day}&port=${encodeURIComponent(parcel.port)}&min_score=${parcel.score}`, "queue");
  const qrow = page.locator(`${ROW}[data-key="${parcel.key}"]`);
  await qrow.waitFor();
  await qrow.locator("[data-testid=queue-case] [data-org=carrier-swift][data-kind=deconfliction]").waitFor();
  await qrow.locator(`[data-testid=queue-case] [data-kind=case][data-case="${caseId}"]`).waitFor();

  // The referral package: a PDF whose text carries every evidence hash, a ZIP hashed in its
  // header and in the audit trail.
  await visit(page, `#/cases/${encodeURIComponent(caseId)}`, "case");
  c = await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`);
  const pdfHref = await page.locator("[data-testid=referral-pdf]").getAttribute("href");
  const pdf = await download(page, pdfHref);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.sha, sha256(pdf.bytes));
  const pdfPath = join(SHOTS, "referral.pdf");
  writeFileSync(pdfPath, pdf.bytes);
  const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"]).toString();
  for (const want of [c.records[0].sha256, sha256(photo), caseId, "Seized parcel sender"]) {
    assert.ok(text.includes(want), `the referral PDF lacks ${want}`);
  }
  const zip = await download(page, await page.locator("[data-testid=referral-zip]").getAttribute("href"));
  assert.equal(zip.status, 200);
  assert.equal(zip.type, "application/zip");
  assert.equal(zip.sha, sha256(zip.bytes));

  // The case list holds it, and so does its CSV.
  await andWait(page, "cases", () => page.locator("a[data-testid=nav-cases]").click());
  await page.locator(`[data-testid=cases-table] tr[data-case="${caseId}"]`).waitFor();
  const csv = await download(page, await page.locator("[data-testid=cases-csv]").getAttribute("href"));
  assert.ok(csv.bytes.toString().includes(caseId));
  assert.ok(!csv.bytes.toString().includes("Sender with many parcels"), "the carrier's case is not customs' to list");
  await shot(page, "cases");
});

test("coordination: a case from a seized parcel takes in the seller's accounts and listings, finds the path to a watch-listed actor, is told of customs' case and is referred", async () => {
  const { page } = await signIn(U.analystIpcc);
  // A parcel customs seized, shared with the coordination centre, whose seller holds
  // marketplace accounts with listings and is two links or fewer from a watch-listed actor.
  const q = await apiJson(page, "/api/v1/queue?limit=500");
  let parcel = null;
  let seller = null;
  let listed = null;
  // Parcels whose parties no case touches yet: customs' case below is then the only one told.
  const untouched = (i) => !Array.isArray(i.cases) || i.cases.length === 0;
  for (const item of q.items.filter((i) => i.org === "customs-uk" && i.outcome && /seized/.test(i.outcome.result || "") && untouched(i))) {
    const s = await apiJson(page, `/api/v1/shipments/${encodeURIComponent(item.org)}/${encodeURIComponent(item.shipment_id)}`);
    for (const p of s.parties.filter((p) => p.actor && !p.hub)) {
      const a = await apiJson(page, `/api/v1/actors/${encodeURIComponent(p.actor)}?limit=1`);
      if (!a.seller_accounts.length || !a.listings.length) continue;
      const net = await apiJson(page, `/api/v1/actors/${encodeURIComponent(p.actor)}/network?hops=2`);
      const far = net.nodes.find((n) => n.listed && n.id !== p.actor && !n.hub);
      if (far) {
        parcel = item;
        seller = a;
        listed = far;
        break;
      }
    }
    if (parcel) break;
  }
  assert.ok(parcel, "no seized parcel in the coordination centre's queue whose seller has listings and a watch-listed actor near");

  // Customs already works the seller.
  const customs = (await signIn(U.officer)).page;
  const theirs = await api(customs, "/api/v1/cases", "POST", { title: "Customs lane review", actors: [seller.id], records: [] });
  assert.equal(theirs.status, 201, JSON.stringify(theirs.body));

  // The case opened from the parcel's page: the parcel is evidence, its parties the actors, and
  // customs' case on the seller is told by existence only.
  await visit(page, shipmentHash(parcel.key), "shipment");
  await page.locator("[data-testid=case-open] [data-testid=case-title]").fill("Seller network behind a seized parcel");
  await andWait(page, "case", () => page.locator("[data-testid=case-open] button[type=submit]").click());
  const caseId = decodeURIComponent((await page.evaluate(() => location.hash)).split("/").pop());
  let c = await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`);
  assert.equal(c.org, "ipcc");
  assert.ok(c.actors.some((a) => a.actor === seller.id), "the seller is an actor of the case");
  const told = page.locator("[data-testid=case-deconfliction] li[data-org=customs-uk]");
  await told.waitFor();
  assert.equal(await told.getAttribute("data-kind"), "deconfliction");
  assert.equal(await told.getAttribute("data-case"), null, "customs' AMBER case is told by existence only");
  assert.ok(!norm(await page.locator("[data-testid=case-deconfliction]").textContent()).includes("Customs lane review"));

  // The seller's page lists its accounts and listings as the API has them, and takes them
  // into the case.
  await visit(page, `#/actors/${encodeURIComponent(seller.id)}`, "actor");
  const rows = await page.locator("[data-testid=listings-table] tbody tr[data-key]").evaluateAll((trs) => trs.map((t) => t.dataset.key));
  assert.deepEqual(rows, seller.listings.map((l) => l.key));
  const box = page.locator("[data-testid=actor-cases] [data-testid=case-box]");
  assert.ok(await box.locator("[data-testid=case-with-extra]").isChecked(), "the accounts and listings are not offered");
  await box.locator("[data-testid=case-add]").waitFor();
  await box.locator("[data-testid=case-pick]").selectOption(caseId);
  await box.locator("[data-testid=case-add] button[type=submit]").click();
  await box.locator("[data-testid=case-added]").waitFor();
  c = await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`);
  const held = new Set(c.records.map((r) => r.key));
  for (const k of [parcel.key, ...seller.seller_accounts, ...seller.listings.map((l) => l.key)]) {
    assert.ok(held.has(k), `the case lacks ${k}`);
  }
  await shot(page, "coordination-seller");

  // The path from the seller to the watch-listed actor, with the records of each link.
  await visit(page, `#/cases/${encodeURIComponent(caseId)}`, "case");
  await page.locator("[data-testid=case-actors] [data-testid=paths-from]").selectOption(seller.id);
  const panel = page.locator("[data-testid=case-actors] [data-testid=paths-panel]");
  await panel.locator("[data-testid=path-to]").fill(listed.id);
  await panel.locator("button[type=submit]").click();
  await panel.locator("[data-testid=path]").first().waitFor();
  const want = await apiJson(page, `/api/v1/actors/${encodeURIComponent(seller.id)}/paths/${encodeURIComponent(listed.id)}?hops=4`);
  assert.ok(want.hops >= 1 && want.hops <= 2, `the API's path has ${want.hops} links`);
  const ends = await panel.locator("[data-testid=path]").first().locator("a.actor-link").evaluateAll((as) => as.map((a) => a.dataset.actor));
  assert.equal(ends[0], seller.id);
  assert.equal(ends[ends.length - 1], listed.id);
  await shot(page, "coordination-path");

  // Referred: the PDF's text carries every evidence hash, the package is hashed and audited.
  await page.locator("[data-testid=case-workflow] button[data-status=active]").click();
  await poll(async () => (await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`)).status === "active", "the case became active", 10_000, page);
  await page.locator("[data-testid=case-workflow] button[data-status=referred]").click();
  await poll(async () => (await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`)).status === "referred", "the case was referred", 10_000, page);
  c = await apiJson(page, `/api/v1/cases/${encodeURIComponent(caseId)}`);
  const pdf = await download(page, await page.locator("[data-testid=referral-pdf]").getAttribute("href"));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.sha, sha256(pdf.bytes));
  const pdfPath = join(SHOTS, "referral-coordination.pdf");
  writeFileSync(pdfPath, pdf.bytes);
  const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"]).toString();
  for (const r of c.records) assert.ok(text.includes(r.sha256), `the referral PDF lacks the hash of ${r.key}`);
  const zip = await download(page, await page.locator("[data-testid=referral-zip]").getAttribute("href"));
  assert.equal(zip.status, 200);
  assert.equal(zip.sha, sha256(zip.bytes));
  const auditor = (await signIn(U.auditor)).page;
  await poll(
    async () => {
      const audit = await apiJson(auditor, `/api/v1/audit?record=${encodeURIComponent(caseId)}&action=export&order=desc&limit=50`);
      return audit.entries.some((e) => e.org === "ipcc" && String(e.detail || "").includes(zip.sha));
    },
    "the package's hash is in the audit trail",
    10_000,
    auditor,
  );
});
