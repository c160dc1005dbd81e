// The admin token: typed by a person, kept in this tab's sessionStorage only (never localStorage,
// never a cookie, never in a URL), sent as a bearer header on admin actions.
import { h } from "./dom.js";

const KEY = "millwright.adminToken";

export function adminToken() {
  try {
    return sessionStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

function store(v) {
  try {
    if (v) sessionStorage.setItem(KEY, v);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the token lives only in the field.
  }
}

/** A labelled password field bound to the stored token. */
export function tokenField(id, hint) {
  const input = h("input", {
    id,
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": `${id}-hint`,
  });
  input.value = adminToken();
  input.addEventListener("input", () => store(input.value.trim()));
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, "Admin token"),
    input,
    h("p", { class: "hint", id: `${id}-hint` }, hint, " Kept in this browser tab only."),
  );
}
