/**
 * The execution-quality section of `report.html`: the report's `executionAlgorithms` (see
 * `_execution_report.ts`) as a table per algorithm and a table of the first
 * {@linkcode MAX_HTML_PARENTS} parents — arrival price, average fill price, implementation
 * shortfall in bps, participation achieved, child count and time to complete. Nothing at all
 * when no algorithm ran. It reads the section as JSON (a report may come back from a file), so
 * a figure that is missing or not a number shows as a dash instead of breaking the page.
 *
 * @module
 */

import type { JsonValue } from "../domain/mod.ts";
import { escapeHtml } from "./report_html.ts";

/** At most this many parents are listed in the HTML (all of them are in `report.json`). */
export const MAX_HTML_PARENTS = 200;

const DASH = "—";

type JsonRecord = { readonly [key: string]: JsonValue };

function isRecord(value: JsonValue | undefined): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberOf(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function textOf(record: JsonRecord, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : DASH;
}

// Prices and quantities keep their significant digits (a BTC quantity of 0.001 must not show
// as 0.00), grouped for reading.
function amount(value: number | undefined): string {
  if (value === undefined) return DASH;
  return Number(value.toPrecision(10)).toLocaleString("en-US", { maximumFractionDigits: 10 });
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? DASH : value.toFixed(digits);
}

function percent(value: number | undefined): string {
  return value === undefined ? DASH : `${(value * 100).toFixed(2)} %`;
}

function seconds(value: number | undefined): string {
  if (value === undefined) return DASH;
  return `${Number(value.toPrecision(6)).toLocaleString("en-US")} s`;
}

function cells(values: readonly string[]): string {
  return values.map((v, i) =>
    i === 0 ? `<th scope="row">${escapeHtml(v)}</th>` : `<td class="num">${escapeHtml(v)}</td>`
  )
    .join("");
}

function summaryTable(summary: JsonRecord): string {
  const rows = Object.entries(summary).filter((entry): entry is [string, JsonRecord] =>
    isRecord(entry[1])
  ).map(([kind, s]) =>
    `<tr>${
      cells([
        kind,
        String(numberOf(s, "parents") ?? DASH),
        String(numberOf(s, "completed") ?? DASH),
        String(numberOf(s, "children") ?? DASH),
        amount(numberOf(s, "quantity")),
        amount(numberOf(s, "filled")),
        fixed(numberOf(s, "shortfallBps"), 2),
        percent(numberOf(s, "participation")),
        seconds(numberOf(s, "meanTimeToCompleteSecs")),
      ])
    }</tr>`
  ).join("");
  return `<table class="grid" id="execution-summary"><caption>By algorithm</caption><thead><tr>` +
    `<th>Algorithm</th><th class="num">Parents</th><th class="num">Completed</th>` +
    `<th class="num">Children</th><th class="num">Quantity</th><th class="num">Filled</th>` +
    `<th class="num">Shortfall (bps)</th><th class="num">Participation</th>` +
    `<th class="num">Mean time to complete</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function parentsTable(parents: readonly JsonValue[]): string {
  const listed = parents.slice(0, MAX_HTML_PARENTS).filter(isRecord);
  const rows = listed.map((p) =>
    `<tr>${
      cells([
        textOf(p, "parentId"),
        textOf(p, "algorithm"),
        textOf(p, "side"),
        textOf(p, "status"),
        amount(numberOf(p, "arrivalPrice")),
        amount(numberOf(p, "averagePrice")),
        fixed(numberOf(p, "shortfallBps"), 2),
        percent(numberOf(p, "participation")),
        String(numberOf(p, "children") ?? DASH),
        seconds(numberOf(p, "timeToCompleteSecs")),
      ])
    }</tr>`
  ).join("");
  const note = parents.length > MAX_HTML_PARENTS
    ? `<p class="note">The first ${MAX_HTML_PARENTS} of ${parents.length} parents; every one is in report.json.</p>`
    : "";
  return `<table class="grid" id="execution-parents"><caption>Parents</caption><thead><tr>` +
    `<th>Parent</th><th class="num">Algorithm</th><th class="num">Side</th>` +
    `<th class="num">Status</th><th class="num">Arrival price</th>` +
    `<th class="num">Average fill price</th><th class="num">Shortfall (bps)</th>` +
    `<th class="num">Participation</th><th class="num">Children</th>` +
    `<th class="num">Time to complete</th></tr></thead><tbody>${rows}</tbody></table>${note}`;
}

/**
 * The "Execution quality" heading and tables for the report's `executionAlgorithms` section;
 * the empty string when the run had none (no algorithm ran).
 */
export function executionQualitySection(section: JsonValue | undefined): string {
  if (!isRecord(section)) return "";
  const summary = section.summary;
  const parents = section.parents;
  return `<h2>Execution quality</h2>
<div class="scroll" id="execution-quality">${isRecord(summary) ? summaryTable(summary) : ""}${
    Array.isArray(parents) ? parentsTable(parents) : ""
  }</div>
`;
}
