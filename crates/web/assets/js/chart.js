// Small SVG charts of a weekly series: a line or bar chart with axes, ticks, labels and a title.

import { s } from "./dom.js";
import { shortDate, date } from "./format.js";

// A "nice" step for about `count` ticks between 0 and max.
function niceStep(max, count) {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  let step;
  if (norm <= 1) step = 1;
  else if (norm <= 2) step = 2;
  else if (norm <= 2.5) step = 2.5;
  else if (norm <= 5) step = 5;
  else step = 10;
  return step * mag;
}

// Draws a chart. Options:
//   points: [{x: "2026-03-02", y: 12}], title, testid, kind: "line" | "bar",
//   yFormat: value → tick text, tipFormat: value → hover text, yMax: fixed top (e.g. 1 for rates),
//   width, height.
export function chart(opts) {
  const o = opts || {};
  const points = (o.points || []).filter((p) => p && p.x !== undefined);
  const width = o.width || 420;
  const height = o.height || 230;
  const margin = { top: 34, right: 16, bottom: 40, left: 58 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const yFormat = o.yFormat || ((v) => String(v));
  const tipFormat = o.tipFormat || yFormat;
  const kind = o.kind || "line";

  const svg = s("svg", {
    class: `chart chart-${kind}`,
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: "xMidYMid meet",
    role: "img",
    "aria-label": o.title || "Chart",
    "data-testid": o.testid || null,
  });
  svg.appendChild(s("title", null, o.title || "Chart"));
  svg.appendChild(s("text", { class: "chart-title", x: margin.left, y: 18 }, o.title || ""));

  const values = points.map((p) => (Number.isFinite(Number(p.y)) ? Number(p.y) : null));
  const present = values.filter((v) => v !== null);
  if (points.length === 0 || present.length === 0) {
    svg.appendChild(s("text", { class: "chart-empty", x: width / 2, y: height / 2, "text-anchor": "middle" }, "No data for these weeks yet"));
    return svg;
  }

  const dataMax = Math.max(0, ...present);
  let top = o.yMax !== undefined ? Math.max(o.yMax, dataMax) : dataMax;
  const step = niceStep(top || 1, 4);
  top = Math.max(step, Math.ceil((top || 1) / step) * step);
  const y = (v) => margin.top + innerH - (v / top) * innerH;
  const slot = innerW / points.length;
  const x = (i) => margin.left + slot * i + slot / 2;

  // Grid lines and y ticks.
  const grid = s("g", { class: "chart-grid" });
  for (let v = 0; v <= top + step / 1000; v += step) {
    const yy = y(v);
    grid.appendChild(s("line", { x1: margin.left, x2: margin.left + innerW, y1: yy, y2: yy }));
    grid.appendChild(s("text", { class: "tick", x: margin.left - 6, y: yy + 4, "text-anchor": "end" }, yFormat(v)));
  }
  svg.appendChild(grid);

  // Axes.
  svg.appendChild(s("line", { class: "chart-axis", x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + innerH }));
  svg.appendChild(s("line", { class: "chart-axis", x1: margin.left, x2: margin.left + innerW, y1: margin.top + innerH, y2: margin.top + innerH }));

  // X tick labels, thinned so they do not collide.
  const every = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(innerW / 56))));
  const xTicks = s("g", { class: "chart-xticks" });
  points.forEach((p, i) => {
    // Every `every`-th week, and the last one when it is far enough from the one before.
    const last = i === points.length - 1;
    if (i % every !== 0 && !(last && i % every >= every * 0.75)) return;
    xTicks.appendChild(s("line", { class: "tick-mark", x1: x(i), x2: x(i), y1: margin.top + innerH, y2: margin.top + innerH + 4 }));
    xTicks.appendChild(s("text", { class: "tick", x: x(i), y: margin.top + innerH + 17, "text-anchor": "middle" }, shortDate(p.x)));
  });
  svg.appendChild(xTicks);
  svg.appendChild(s("text", { class: "axis-label", x: margin.left + innerW / 2, y: height - 4, "text-anchor": "middle" }, o.xLabel || "Week starting"));

  const marks = s("g", { class: "chart-marks" });
  const tip = (p, v) => `Week of ${date(String(p.x).slice(0, 10))}: ${v === null ? "no data" : tipFormat(v)}`;
  if (kind === "bar") {
    const bw = Math.max(2, Math.min(36, slot * 0.7));
    points.forEach((p, i) => {
      const v = values[i];
      const hgt = v === null ? 0 : Math.max(v > 0 ? 1 : 0, margin.top + innerH - y(v));
      marks.appendChild(
        s("rect", { class: "bar", x: x(i) - bw / 2, y: margin.top + innerH - hgt, width: bw, height: hgt, "data-x": p.x, "data-y": v === null ? "" : v }, s("title", null, tip(p, v))),
      );
    });
  } else {
    let d = "";
    let pen = false;
    points.forEach((p, i) => {
      const v = values[i];
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    marks.appendChild(s("path", { class: "line", d: d.trim() }));
    points.forEach((p, i) => {
      const v = values[i];
      if (v === null) return;
      marks.appendChild(s("circle", { class: "point", cx: x(i), cy: y(v), r: 3.5, "data-x": p.x, "data-y": v }, s("title", null, tip(p, v))));
    });
  }
  svg.appendChild(marks);
  return svg;
}
