// Which kind of server the dashboard talks to. The AI4I server and a data-contract server share
// the pages; a contract server says so in its OIP metadata (GET /v2, extension "data-contract"),
// and then the pages take readings, units, words and heads from GET /v1/contract, never AI4I names.
import { ApiError, getJson } from "./api.js";
import { h } from "./dom.js";

let info = null;

/**
 * {contract: null} on the AI4I server; {contract: GET /v1/contract} on a contract server. `sim`: the
 * server has GET /v1/sim (the AI4I server always; a contract server when a live simulator feeds it,
 * extension "live-simulation"), so no page asks a server for a route it lacks. Asked once.
 */
export function serverInfo() {
  if (!info)
    info = (async () => {
      const ext = (await getJson("/v2"))?.extensions ?? [];
      if (!ext.includes("data-contract")) return { contract: null, sim: true };
      return { contract: await getJson("/v1/contract"), sim: ext.includes("live-simulation") };
    })().catch((e) => {
      info = null;
      throw e;
    });
  return info;
}

/** A name in words when the contract gives none: "spindle_bearing" → "spindle bearing". */
export function nameWords(name) {
  return name ? String(name).replaceAll("_", " ") : "—";
}

/** "spindle load (%)": a reading's or attribute's words with its unit, as the contract says them. */
export function withUnit(spec) {
  return spec.unit ? `${spec.words} (${spec.unit})` : spec.words;
}

/** The first letter up, for column heads: "make and model" → "Make and model". */
export function capital(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** True when the server has no such route at all (not: the route says "nothing yet"). */
export function isMissingEndpoint(e) {
  return (
    e instanceof ApiError && e.status === 404 && /^no such (page or )?endpoint/.test(e.problem?.detail ?? "")
  );
}

/** The state a page shows for an API this server does not have (yet). */
export function notAvailable(id, what) {
  return h(
    "div",
    { class: "card empty-state", id },
    h("h2", {}, `${what}: not available on this server`),
    h(
      "p",
      {},
      "This server does not offer this part of the API (a data-contract server has the fleet, machines and monitoring). The rest of the dashboard works as usual.",
    ),
  );
}
