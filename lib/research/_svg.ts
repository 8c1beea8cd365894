/**
 * Inline SVG charts of the study report: lines (and bands) over a numeric x axis, points, and a
 * heat map. Plain strings, no scripts, fixed number formatting: the same data gives the same
 * bytes.
 *
 * @module
 */

import { escapeHtml } from "../backtest/mod.ts";

const W = 960;
const H = 300;
const L = 80;
const R = 16;
const T = 14;
const B = 34;

/** A line of a chart. */
export interface Line {
  /** Legend label. */
  readonly label: string;
  /** CSS colour. */
  readonly color: string;
  /** X values (same length as `y`). */
  readonly x: readonly number[];
  /** Y values. */
  readonly y: readonly number[];
  /** Draw points instead of a line. */
  readonly points?: boolean;
  /** Dashed line. */
  readonly dashed?: boolean;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : "0";
}

function tickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(6)));
}

function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

/**
 * A chart of lines and point sets; `xLabel` formats x ticks (e.g. as dates).
 */
export function lineChart(
  lines: readonly Line[],
  options: { readonly title: string; readonly xLabel?: (x: number) => string },
): string {
  const xs = lines.flatMap((l) => l.x);
  const ys = lines.flatMap((l) => l.y).filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) {
    return `<p class="empty">${escapeHtml(options.title)}: no data</p>`;
  }
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y1 === y0) {
    y0 -= 1;
    y1 += 1;
  }
  const px = (x: number): number => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number): number => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(options.title)}">`,
  ];
  for (const t of ticks(y0, y1, 5)) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${fmt(py(t))}" y2="${fmt(py(t))}" class="grid"/>`,
      `<text x="${L - 6}" y="${fmt(py(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`,
    );
  }
  for (const t of ticks(x0, x1, 6)) {
    const label = options.xLabel?.(t) ?? tickLabel(t);
    parts.push(
      `<text x="${fmt(px(t))}" y="${H - 12}" text-anchor="middle">${escapeHtml(label)}</text>`,
    );
  }
  for (const line of lines) {
    if (line.points === true) {
      for (let i = 0; i < line.x.length; i++) {
        if (!Number.isFinite(line.y[i])) continue;
        parts.push(
          `<circle cx="${fmt(px(line.x[i]))}" cy="${
            fmt(py(line.y[i]))
          }" r="2.5" fill="${line.color}"/>`,
        );
      }
      continue;
    }
    const d = line.x.map((x, i) => `${i === 0 ? "M" : "L"}${fmt(px(x))},${fmt(py(line.y[i]))}`)
      .join("");
    parts.push(
      `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.5"${
        line.dashed === true ? ' stroke-dasharray="5,4"' : ""
      }/>`,
    );
  }
  parts.push("</svg>");
  const legend = lines.map((l) =>
    `<span><i style="background:${l.color}"></i>${escapeHtml(l.label)}</span>`
  ).join("");
  return `<figure><figcaption>${escapeHtml(options.title)}</figcaption>${
    parts.join("")
  }<div class="legend">${legend}</div></figure>`;
}

/** A heat map cell. */
export interface HeatCell {
  /** Column index. */
  readonly col: number;
  /** Row index. */
  readonly row: number;
  /** The value (null: no trial). */
  readonly value: number | null;
}

function color(t: number): string {
  // From deep blue (worst) through pale yellow to red (best).
  const stops = [[49, 54, 149], [255, 255, 191], [165, 0, 38]];
  const [a, b, u] = t < 0.5 ? [stops[0], stops[1], t * 2] : [stops[1], stops[2], t * 2 - 1];
  const mix = a.map((c, i) => Math.round(c + (b[i] - c) * u));
  return `rgb(${mix.join(",")})`;
}

/** A heat map of `cells` over the labelled columns and rows. */
export function heatMap(
  cells: readonly HeatCell[],
  options: {
    readonly title: string;
    readonly xName: string;
    readonly yName: string;
    readonly cols: readonly string[];
    readonly rows: readonly string[];
  },
): string {
  const values = cells.map((c) => c.value).filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const cw = (W - L - R) / Math.max(1, options.cols.length);
  const ch = (H - T - B) / Math.max(1, options.rows.length);
  const parts = [
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(options.title)}">`,
  ];
  for (const cell of cells) {
    const x = L + cell.col * cw;
    // Row 0 at the bottom, as on a y axis.
    const y = T + (options.rows.length - 1 - cell.row) * ch;
    const fill = cell.value === null
      ? "#ddd"
      : color(hi === lo ? 1 : (cell.value - lo) / (hi - lo));
    const label = cell.value === null ? "" : tickLabel(cell.value);
    parts.push(
      `<rect class="cell" x="${fmt(x)}" y="${fmt(y)}" width="${fmt(cw - 1)}" height="${
        fmt(ch - 1)
      }" fill="${fill}"><title>${escapeHtml(options.xName)}=${escapeHtml(options.cols[cell.col])} ${
        escapeHtml(options.yName)
      }=${escapeHtml(options.rows[cell.row])}: ${label || "no trial"}</title></rect>`,
    );
  }
  options.cols.forEach((c, i) =>
    parts.push(
      `<text x="${fmt(L + (i + 0.5) * cw)}" y="${H - 12}" text-anchor="middle">${
        escapeHtml(c)
      }</text>`,
    )
  );
  options.rows.forEach((r, i) =>
    parts.push(
      `<text x="${L - 6}" y="${fmt(T + (options.rows.length - 0.5 - i) * ch + 4)}" ` +
        `text-anchor="end">${escapeHtml(r)}</text>`,
    )
  );
  parts.push("</svg>");
  return `<figure><figcaption>${escapeHtml(options.title)} (x: ${escapeHtml(options.xName)}, y: ${
    escapeHtml(options.yName)
  }; colour: best score of the cell, blue low, red high)</figcaption>${parts.join("")}</figure>`;
}
