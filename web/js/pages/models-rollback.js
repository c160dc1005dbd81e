// The Models page's Rollback control: the champion goes back to the previous one (POST
// /v1/models/rollback, admin token from the page's token field), with a reason kept in the audit log.
import { describeError, postJson } from "../api.js";
import { h, setText } from "../dom.js";
import { adminToken } from "../token.js";

export function rollbackControl(ctx, onDone) {
  const reason = h("input", {
    id: "rollback-reason",
    type: "text",
    maxlength: "500",
    placeholder: "why (kept in the audit log)",
  });
  const msg = h("p", { class: "form-msg", id: "rollback-msg", role: "status" });
  const button = h(
    "button",
    { type: "submit", class: "primary", id: "rollback-button" },
    "Roll back champion",
  );
  const form = h(
    "form",
    { class: "controls", id: "rollback-form", "aria-label": "Roll back the champion" },
    h("div", { class: "field" }, h("label", { for: "rollback-reason" }, "Reason"), reason),
    h("div", { class: "field field-button" }, button),
    msg,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    button.disabled = true;
    msg.className = "form-msg";
    setText(msg, "Rolling back…");
    try {
      const r = await postJson(
        "/v1/models/rollback",
        reason.value.trim() ? { reason: reason.value.trim() } : {},
        adminToken() || undefined,
      );
      const text = `Champion ${r.from} → ${r.to}; serving ${r.served ?? "—"}.`;
      msg.className = "form-msg ok";
      setText(msg, text);
      ctx.announce(text);
      onDone?.();
    } catch (err) {
      msg.className = "form-msg error";
      setText(msg, `Rollback refused: ${describeError(err)}`);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
