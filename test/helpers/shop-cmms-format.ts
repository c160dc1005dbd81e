// Shop D's clocks and CSV dialect (see shop-cmms.ts): New York wall-clock time with and without the
// offset, across the 2026 November clock change, and every field quoted as the US exports write it.

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
/** 2026-09-18 00:00 in New York (EDT), the export's first hour. */
export const START = Date.parse("2026-09-18T04:00:00Z");
/** The US clock change: 2026-11-01 02:00 EDT = 06:00 UTC, after which New York is UTC-5. */
export const DST_END = Date.parse("2026-11-01T06:00:00Z");

export const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const offsetHours = (t: number) => (t < DST_END ? -4 : -5);
/** New York wall-clock fields of an instant. */
export function local(t: number) {
  const d = new Date(t + offsetHours(t) * HOUR);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    dow: d.getUTCDay(),
  };
}
/** "2026-11-03T14:00:00-05:00", as the monitoring system writes it. */
export function isoNewYork(t: number): string {
  const l = local(t);
  return `${l.y}-${pad(l.mo)}-${pad(l.d)}T${pad(l.h)}:${pad(l.mi)}:${pad(l.s)}-${pad(-offsetHours(t))}:00`;
}
/** "11/3/2026 2:05 PM", as the CMMS writes it: New York wall clock, a 12-hour clock, no offset. */
export function cmmsTime(t: number): string {
  const l = local(t);
  return `${l.mo}/${l.d}/${l.y} ${l.h % 12 === 0 ? 12 : l.h % 12}:${pad(l.mi)} ${l.h < 12 ? "AM" : "PM"}`;
}
const quote = (cells: string[]) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(",");
export const csv = (header: string[], rows: string[][]) => `${[header, ...rows].map(quote).join("\r\n")}\r\n`;
export const money = (x: number) =>
  x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
