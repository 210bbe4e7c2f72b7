// The sign-in page: user and password, then the role's first page.

import { api } from "../api.js";
import { h } from "../dom.js";

export async function render(ctx) {
  const ended = ctx.takeSessionEnded();
  const errorBox = h("p", { class: "form-error", "data-testid": "sign-in-error", role: "alert", hidden: true });
  const user = h("input", { name: "user", id: "sign-in-user", type: "text", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { name: "password", id: "sign-in-password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    { "data-testid": "sign-in", class: "sign-in-form", novalidate: true },
    h("h1", null, "Sign in to interdict"),
    ended ? h("p", { class: "notice" }, "Your session has ended. Sign in again to carry on.") : null,
    h("label", { for: "sign-in-user" }, "User"),
    user,
    h("label", { for: "sign-in-password" }, "Password"),
    password,
    errorBox,
    h("div", { class: "form-actions" }, submit),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    errorBox.textContent = "";
    if (!user.value.trim() || !password.value) {
      errorBox.textContent = "Enter your user name and password.";
      errorBox.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      const me = await api("/api/v1/session", { method: "POST", body: { user: user.value.trim(), password: password.value }, quiet401: true });
      if (!ctx.alive()) return;
      ctx.signedIn(me);
    } catch (err) {
      if (!ctx.alive()) return;
      errorBox.textContent = err.status === 401 ? "Wrong user or password." : err.message;
      errorBox.hidden = false;
      password.value = "";
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = "Sign in";
    }
  });

  ctx.root.appendChild(h("div", { class: "sign-in-wrap" }, form));
  user.focus();
  ctx.ready("sign-in");
}
