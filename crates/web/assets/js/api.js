// Talks to the JSON API with the session cookie and turns error bodies into Error objects.

export class ApiError extends Error {
  constructor(message, status, code, field) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code || null;
    this.field = field || null;
  }
}

let onUnauthenticated = null;

// Sets what happens when the server says the session has ended.
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

// Percent-encodes one path segment.
export function seg(value) {
  return encodeURIComponent(String(value));
}

// A query string from an object, leaving out empty values ("?a=1&b=2", or "").
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === "") continue;
    q.set(k, String(v));
  }
  const text = q.toString();
  return text ? "?" + text : "";
}

function describeStatus(res) {
  const words = {
    400: "The request was not accepted",
    401: "You are not signed in",
    403: "You may not see or do this",
    404: "Nothing was found here",
    409: "This conflicts with something already recorded",
    413: "The request is too large",
    429: "Too many requests; wait a moment and try again",
    500: "The server ran into a problem",
    502: "The server is not reachable",
    503: "The server is busy; try again shortly",
  };
  return words[res.status] || `The server answered ${res.status}${res.statusText ? " " + res.statusText : ""}`;
}

// Calls the API. Options: method, body (sent as JSON), quiet401 (do not leave the page on 401).
export async function api(path, options) {
  const opts = options || {};
  const init = {
    method: opts.method || "GET",
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  };
  if (opts.body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError("The server could not be reached. Check the connection and try again.", 0, "network");
  }
  const text = res.status === 204 ? "" : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    const body = data && typeof data === "object" && data.error && typeof data.error === "object" ? data.error : null;
    const message = body && typeof body.message === "string" && body.message ? body.message : describeStatus(res);
    const err = new ApiError(message, res.status, body && body.code, body && body.field);
    if (res.status === 401 && !opts.quiet401 && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  return data;
}

// Today's date in the browser's time zone, as YYYY-MM-DD.
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
