// Small helpers for building DOM nodes. Text always goes in as text nodes, never as markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }
}

function setAttributes(node, attrs) {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      node.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else if (name === "style" && typeof value === "object") {
      for (const [prop, v] of Object.entries(value)) node.style.setProperty(prop, v);
    } else if (name === "value" && "value" in node) {
      node.value = value;
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
}

// Builds an HTML element: h("a", { href: "#/queue", class: "x" }, "text", otherNode).
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

// Builds an SVG element the same way.
export function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

// Removes every child of a node.
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Replaces the children of a node.
export function replace(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}

// A short loading message.
export function loading(text) {
  return h("p", { class: "loading", role: "status" }, text || "Loading…");
}

// A paragraph for an empty list or table.
export function empty(text) {
  return h("p", { class: "empty" }, text);
}

// A section with a heading.
export function section(title, attrs, ...children) {
  return h("section", Object.assign({ class: "panel" }, attrs || {}), h("h2", null, title), ...children);
}
