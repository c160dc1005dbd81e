// Element builders. Text from the API only ever enters the page as text nodes (textContent), never
// as HTML, so a machine id or a reason cannot inject markup.

/**
 * h("div", {class: "x", onclick: fn}, "text", child) → an element. Attributes are set with
 * setAttribute (never `style`: the CSP forbids inline styles; use classes).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "style") throw new Error("inline styles are blocked by the CSP; use a class");
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Sets text only when it changed, so aria-live regions announce changes, not every poll. */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function pct(p, digits = 1) {
  return typeof p === "number" && Number.isFinite(p) ? `${(p * 100).toFixed(digits)} %` : "—";
}

export function num(v, digits = 3) {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "—";
}

export function money(v) {
  return typeof v === "number" && Number.isFinite(v)
    ? v.toLocaleString("en", { style: "currency", currency: "USD", maximumFractionDigits: 0 })
    : "—";
}

export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

/**
 * "10 Dec" (or "Thu 10 Dec" with `weekday`) for an instant on the shop's clock: a plan's
 * `horizon.clock`, an IANA zone; a fixed offset ("UTC+02:00") or none reads as UTC.
 */
export function shopDay(iso, clock, weekday = false) {
  const o = { day: "numeric", month: "short", ...(weekday ? { weekday: "short" } : {}) };
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  try {
    return d.toLocaleDateString("en-GB", { ...o, timeZone: clock || "UTC" });
  } catch {
    return d.toLocaleDateString("en-GB", { ...o, timeZone: "UTC" });
  }
}

/** A table with a caption and column headers (scope=col); rows are arrays of cells (nodes or text). */
export function table(caption, headers, rows, opts = {}) {
  const head = h(
    "tr",
    {},
    headers.map((c) => (c instanceof Node ? c : h("th", { scope: "col" }, c))),
  );
  const body = h(
    "tbody",
    {},
    rows.map((r) => {
      const cells = r.cells ?? r;
      const tr = h(
        "tr",
        r.attrs ?? {},
        cells.map((c, i) => {
          if (c instanceof HTMLTableCellElement) return c;
          const label = headers[i] instanceof Node ? headers[i].textContent : headers[i];
          return i === 0 && opts.rowHeaders
            ? h("th", { scope: "row", "data-label": label }, c)
            : h("td", { "data-label": label }, c);
        }),
      );
      return tr;
    }),
  );
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", { class: opts.class ?? "" }, h("caption", {}, caption), h("thead", {}, head), body),
  );
}

/** A titled section with an id'd heading (for aria-labelledby). */
export function section(id, title, ...children) {
  return h(
    "section",
    { class: "card", "aria-labelledby": `${id}-h` },
    h("h2", { id: `${id}-h` }, title),
    children,
  );
}
