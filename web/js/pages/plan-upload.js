// The technicians upload of a data-contract server's Plan page: a manager picks or pastes the
// technicians YAML (as for `millwright plan --technicians`); the server checks it as the CLI does
// (errors name the key), keeps it in its data directory and re-plans. Needs the admin token.
import { describeError, putJson } from "../api.js";
import { h, section, setText } from "../dom.js";
import { adminToken, tokenField } from "../token.js";

export function techniciansUpload(onDone) {
  const file = h("input", { id: "tech-file", type: "file", accept: ".yaml,.yml,text/yaml" });
  const text = h("textarea", {
    id: "tech-yaml",
    rows: "6",
    spellcheck: "false",
    "aria-describedby": "tech-hint",
  });
  const msg = h("p", { class: "form-msg", id: "tech-msg", role: "status" });
  const submit = h("button", { type: "submit", class: "primary" }, "Upload technicians");
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (f) text.value = await f.text();
  });
  const form = h(
    "form",
    { class: "controls", id: "tech-form", "aria-label": "Upload technicians" },
    h("div", { class: "field" }, h("label", { for: "tech-file" }, "Technicians file (YAML)"), file),
    h(
      "div",
      { class: "field" },
      h("label", { for: "tech-yaml" }, "or paste it"),
      text,
      h("p", { class: "hint", id: "tech-hint" }, "As for millwright plan --technicians."),
    ),
    tokenField("tech-token", "Uploading technicians needs the admin token."),
    h("div", { class: "field field-button" }, submit),
    msg,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    msg.className = "form-msg";
    setText(msg, "Uploading…");
    try {
      const r = await putJson("/v1/plan/technicians", { yaml: text.value }, adminToken() || undefined);
      msg.className = "form-msg ok";
      setText(msg, `Uploaded: ${r.technicians.join(", ")}. Re-planning with them.`);
      onDone?.();
    } catch (err) {
      msg.className = "form-msg error";
      setText(msg, `Not uploaded: ${describeError(err)}`);
    } finally {
      submit.disabled = false;
    }
  });
  const s = section("technicians", "Technicians", form);
  s.hidden = true;
  return s;
}
