// The application's entry point: who is signed in, the navigation for their role, and a hash
// router that hands each page its own container.

import { api, setUnauthenticatedHandler } from "./api.js";
import { onPending, resumePending } from "./outcomes.js";
import { h, replace, clear } from "./dom.js";
import { render as renderSignIn } from "./pages/sign-in.js";
import { render as renderQueue } from "./pages/queue.js";
import { render as renderRecord } from "./pages/shipment.js";
import { render as renderActor } from "./pages/actor.js";
import { render as renderBrands } from "./pages/brands.js";
import { render as renderDashboard } from "./pages/dashboard.js";
import { render as renderRules } from "./pages/rules.js";
import { render as renderAudit } from "./pages/audit.js";
import { render as renderSearch } from "./pages/search.js";
import { render as renderCases } from "./pages/cases.js";
import { render as renderCase } from "./pages/case.js";

const NAV = {
  queue: { label: "Queue", href: "#/queue" },
  dashboard: { label: "Dashboard", href: "#/dashboard" },
  cases: { label: "Cases", href: "#/cases" },
  rules: { label: "Rules", href: "#/rules" },
  brands: { label: "Brand portal", href: "#/brands" },
  audit: { label: "Audit", href: "#/audit" },
};

const ROLE_NAV = {
  officer: ["queue", "dashboard", "cases"],
  analyst: ["queue", "dashboard", "cases", "rules"],
  brand_rep: ["brands", "dashboard", "cases"],
  admin: ["queue", "dashboard", "cases", "rules", "brands", "audit"],
  auditor: ["audit"],
};

const ROUTES = [
  { path: ["sign-in"], page: "sign-in", title: "Sign in", render: renderSignIn, public: true },
  { path: ["queue"], page: "queue", title: "Inspection queue", render: renderQueue, nav: "queue" },
  { path: ["shipments", ":org", ":id"], page: "shipment", title: "Shipment", render: renderRecord, feed: "shipments", nav: "queue" },
  { path: ["listings", ":org", ":id"], page: "listing", title: "Listing", render: renderRecord, feed: "listings" },
  { path: ["actors", ":id"], page: "actor", title: "Actor", render: renderActor },
  { path: ["brands"], page: "brands", title: "Brand portal", render: renderBrands, nav: "brands" },
  { path: ["dashboard"], page: "dashboard", title: "Dashboard", render: renderDashboard, nav: "dashboard" },
  { path: ["rules"], page: "rules", title: "Rules", render: renderRules, nav: "rules" },
  { path: ["audit"], page: "audit", title: "Audit log", render: renderAudit, nav: "audit" },
  { path: ["search"], page: "search", title: "Search", render: renderSearch },
  { path: ["cases"], page: "cases", title: "Cases", render: renderCases, nav: "cases" },
  { path: ["cases", ":id"], page: "case", title: "Case", render: renderCase, nav: "cases" },
];

const mainEl = document.querySelector("main");
const navEl = document.querySelector("[data-testid=nav]");
const whoEl = document.querySelector("[data-testid=whoami]");
const signOutEl = document.querySelector("[data-testid=sign-out]");
const searchForm = document.querySelector("form.search");
const searchInput = document.querySelector("[data-testid=search]");
const errorEl = document.querySelector("[data-testid=error]");
const errorBanner = document.getElementById("error-banner");
const pendingEl = document.querySelector("[data-testid=pending-decisions]");

// Decisions still on their way, whatever page the user is on.
onPending((n) => {
  if (!pendingEl) return;
  pendingEl.hidden = n === 0;
  pendingEl.textContent = n === 1 ? "Saving 1 decision…" : `Saving ${n} decisions…`;
});

let me = null;
let started = false;
let navToken = 0;
let cleanups = [];
let sessionEnded = false;
let routedHash = null;

// The first page of a role's navigation.
function firstPage(role) {
  const pages = ROLE_NAV[role];
  return pages && pages.length ? NAV[pages[0]].href : "#/search";
}

function showError(err) {
  if (!errorEl) return;
  let message;
  if (err && typeof err === "object" && "message" in err) {
    message = err.message || "Something went wrong.";
    if (!(err.name === "ApiError")) {
      console.error(err);
      message = "Something went wrong showing this page: " + message;
    }
  } else {
    message = String(err || "Something went wrong.");
  }
  errorEl.textContent = message;
  errorBanner.hidden = false;
}

function hideError() {
  if (!errorEl) return;
  errorEl.textContent = "";
  errorBanner.hidden = true;
}

function updateHeader(activeNav) {
  document.body.classList.toggle("signed-in", !!me);
  document.body.classList.toggle("signed-out", !me);
  clear(navEl);
  if (!me) {
    whoEl.textContent = "";
    searchForm.hidden = true;
    return;
  }
  whoEl.textContent = `${me.user} · ${me.org} · ${me.role}`;
  whoEl.title = me.org_kind ? `Signed in as ${me.user} of ${me.org} (${me.org_kind}), role ${me.role}` : `Signed in as ${me.user} of ${me.org}, role ${me.role}`;
  for (const key of ROLE_NAV[me.role] || []) {
    const item = NAV[key];
    navEl.appendChild(
      h("a", { href: item.href, "data-testid": `nav-${key}`, "aria-current": key === activeNav ? "page" : null }, item.label),
    );
  }
  // Auditors read no records, so they get no search box.
  searchForm.hidden = me.role === "auditor";
}

function parseHash() {
  let raw = location.hash.replace(/^#/, "");
  if (raw.startsWith("/")) raw = raw.slice(1);
  const qi = raw.indexOf("?");
  const pathPart = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : "");
  const parts = pathPart
    .split("/")
    .filter((p) => p !== "")
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (e) {
        return p;
      }
    });
  return { parts, query };
}

function matchRoute(parts) {
  for (const route of ROUTES) {
    if (route.path.length !== parts.length) continue;
    const params = {};
    let ok = true;
    route.path.forEach((p, i) => {
      if (p.startsWith(":")) params[p.slice(1)] = parts[i];
      else if (p !== parts[i]) ok = false;
    });
    if (ok) return { route, params };
  }
  return null;
}

function runCleanups() {
  const list = cleanups;
  cleanups = [];
  for (const fn of list) {
    try {
      fn();
    } catch (e) {
      console.error(e);
    }
  }
}

async function route() {
  if (!started) return;
  routedHash = location.hash;
  const token = ++navToken;
  runCleanups();
  delete document.body.dataset.ready;
  hideError();
  const { parts, query } = parseHash();
  if (parts.length === 0) {
    location.replace(me ? firstPage(me.role) : "#/sign-in");
    return;
  }
  const match = matchRoute(parts);
  if (!me && !(match && match.route.public)) {
    location.replace("#/sign-in");
    return;
  }
  updateHeader(match ? match.route.nav : null);
  if (searchInput && document.activeElement !== searchInput) {
    searchInput.value = match && match.route.page === "search" ? query.get("q") || "" : "";
  }
  const root = h("div", { class: `page page-${match ? match.route.page : "not-found"}` });
  replace(mainEl, root);
  window.scrollTo(0, 0);
  if (document.activeElement && document.activeElement !== document.body && !mainEl.contains(document.activeElement)) {
    mainEl.focus({ preventScroll: true });
  }

  const alive = () => token === navToken;
  const ctx = {
    root,
    params: match ? match.params : {},
    query,
    route: match ? match.route : null,
    get me() {
      return me;
    },
    alive,
    // Marks the page as shown (document.body.dataset.ready).
    ready(name) {
      if (alive()) document.body.dataset.ready = name || (match ? match.route.page : "not-found");
    },
    showError(err) {
      if (alive()) showError(err);
    },
    hideError() {
      if (alive()) hideError();
    },
    // Shows an error that kept the page from loading, and settles the page.
    fail(err) {
      if (!alive()) return;
      showError(err);
      const msg = err && err.status === 403
        ? "You may not see this page."
        : err && err.status === 404
          ? "Nothing was found here."
          : "This page could not be loaded.";
      replace(root, h("div", { class: "page-failed" }, h("h1", null, match ? match.route.title : "Not found"), h("p", { class: "muted" }, msg)));
      ctx.ready();
    },
    onLeave(fn) {
      if (alive()) cleanups.push(fn);
      else fn();
    },
    setTitle(text) {
      if (alive()) document.title = text ? `${text} · interdict` : "interdict";
    },
    signedIn(newMe) {
      me = newMe;
      resumePending(me);
      sessionEnded = false;
      updateHeader(null);
      location.hash = firstPage(me.role);
    },
    takeSessionEnded() {
      const was = sessionEnded;
      sessionEnded = false;
      return was;
    },
  };

  if (!match) {
    ctx.setTitle("Not found");
    root.appendChild(h("h1", null, "Page not found"));
    root.appendChild(h("p", null, "There is no page at this address. ", me ? h("a", { href: firstPage(me.role) }, "Go to your first page") : null));
    ctx.ready("not-found");
    return;
  }
  ctx.setTitle(match.route.title);
  try {
    await match.route.render(ctx);
  } catch (err) {
    ctx.fail(err);
  }
}

setUnauthenticatedHandler(() => {
  if (!me && location.hash.startsWith("#/sign-in")) return;
  me = null;
  sessionEnded = true;
  navToken++;
  updateHeader(null);
  location.hash = "#/sign-in";
});

signOutEl.addEventListener("click", async () => {
  signOutEl.disabled = true;
  try {
    await api("/api/v1/session", { method: "DELETE", quiet401: true });
  } catch (e) {
    // Signed out or not, the page forgets the user.
  }
  signOutEl.disabled = false;
  me = null;
  updateHeader(null);
  location.hash = "#/sign-in";
});

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = searchInput.value.trim();
  if (!q) return;
  location.hash = "#/search?q=" + encodeURIComponent(q);
});

if (errorBanner) {
  const dismiss = errorBanner.querySelector("button");
  if (dismiss) dismiss.addEventListener("click", hideError);
}

window.addEventListener("hashchange", route);
// Going to the address already shown changes no hash, so only popstate says so: show the page afresh.
window.addEventListener("popstate", () => {
  if (location.hash === routedHash) route();
});

async function start() {
  try {
    me = await api("/api/v1/me", { quiet401: true });
  } catch (err) {
    me = null;
    if (err.status !== 401) {
      started = true;
      updateHeader(null);
      showError(err);
      replace(mainEl, h("div", { class: "page" }, h("h1", null, "interdict"), h("p", { class: "muted" }, "The server could not say who you are. Reload the page to try again.")));
      return;
    }
  }
  started = true;
  updateHeader(null);
  if (me) resumePending(me);
  route();
}

start();
