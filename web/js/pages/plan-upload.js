// The Plan page's uploads: a manager picks or pastes the technicians YAML (as for `millwright plan
// --technicians`) or the costs YAML (as for `--costs`: the contract's tasks: key as a file of its
// own); the server checks it as the CLI does (errors name the key), keeps it in its data directory
// and re-plans. Needs the admin token.
import { describeError, putJson } from "../api.js";
import { h, section, setText } from "../dom.js";
import { adminToken, tokenField } from "../token.js";
import { contractMoney } from "./plan-fresh.js";

function yamlUpload(o, onDone) {
  const id = (s) => `${o.key}-${s}`;
  const file = h("input", { id: id("file"), type: "file", accept: ".yaml,.yml,text/yaml" });
  const text = h("textarea", {
    id: id("yaml"),
    rows: "6",
    spellcheck: "false",
    "aria-describedby": id("hint"),
  });
  const msg = h("p", { class: "form-msg", id: id("msg"), role: "status" });
  const submit = h("button", { type: "submit", class: "primary" }, `Upload ${o.what}`);
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (f) text.value = await f.text();
  });
  const form = h(
    "form",
    { class: "controls", id: id("form"), "aria-label": `Upload ${o.what}` },
    h("div", { class: "field" }, h("label", { for: id("file") }, `${o.title} file (YAML)`), file),
    h(
      "div",
      { class: "field" },
      h("label", { for: id("yaml") }, "or paste it"),
      text,
      h("p", { class: "hint", id: id("hint") }, `As for millwright plan --${o.what}.`),
    ),
    tokenField(id("token"), `Uploading ${o.what} needs the admin token.`),
    h("div", { class: "field field-button" }, submit),
    msg,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    msg.className = "form-msg";
    setText(msg, "Uploading…");
    try {
      const r = await putJson(o.path, { yaml: text.value }, adminToken() || undefined);
      msg.className = "form-msg ok";
      setText(msg, `Uploaded: ${o.done(r)}. Re-planning with them.`);
      onDone?.();
    } catch (err) {
      msg.className = "form-msg error";
      setText(msg, `Not uploaded: ${describeError(err)}`);
    } finally {
      submit.disabled = false;
    }
  });
  const s = section(o.what, o.title, form);
  s.hidden = true;
  return s;
}

export function techniciansUpload(onDone) {
  return yamlUpload(
    {
      key: "tech",
      what: "technicians",
      title: "Technicians",
      path: "/v1/plan/technicians",
      // A skill no task asks for is taken but warned of (a misspelt one leaves tasks unplanned).
      done: (r) =>
        `${r.technicians.join(", ")}${r.warnings?.length ? ` (warning: ${r.warnings.join("; ")})` : ""}`,
    },
    onDone,
  );
}

export function costsUpload(onDone) {
  return yamlUpload(
    {
      key: "costs",
      what: "costs",
      title: "Costs",
      path: "/v1/plan/costs",
      done: (r) =>
        `planned work ${contractMoney(r.planned_cost_per_hour, r.currency)} an hour, ${r.heads.length} failure kinds`,
    },
    onDone,
  );
}
