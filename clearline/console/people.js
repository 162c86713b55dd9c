// The people pane, for a party's liaison officers: its users (role, language, whether they may
// act), a form to add one, and its tokens, each revocable at once. Nobody else sees it: the
// line refuses another role, and another party's people are never listed.

import { ApiError, addUser, changeUser, partyTokens, partyUsers, revokeToken } from "./api.js";
import { t } from "./i18n.js";
import { ltr, when } from "./format.js";
import { button, coalesced, element } from "./dom.js";

/** Who sees the pane. */
export const canManage = (user) => user.role === "liaison_officer";
/** Events after which the pane is loaded again. */
export const PEOPLE_EVENTS = /^account\./;

/** The roles a party's people hold, as `model.user.PARTY_ROLES`. */
const ROLES = ["duty_officer", "watch_commander", "liaison_officer", "system", "auditor"];
const LANGUAGES = ["en", "he", "tr"];

const refusal = (error) => (error instanceof ApiError && error.body?.reason) || error.message;

/** A choice among `values`, each shown as `text(value)`. */
function select(values, text, label, chosen, testId) {
  const node = element("select");
  node.dataset.testid = testId;
  node.setAttribute("aria-label", label);
  for (const value of values) {
    const option = element("option", null, text(value));
    option.value = value;
    node.append(option);
  }
  node.value = chosen;
  return node;
}

const roleName = (role) => t(`role.${role}`);
const languageName = (language) => language;

export class People {
  /**
   * @param {HTMLElement} node where the pane's content goes
   * @param {object} user the signed-in liaison officer
   * @param {(error: Error) => void} report what to do with a failure to load
   */
  constructor(node, user, report) {
    this.node = node;
    this.user = user;
    this.report = report;
    this.users = [];
    this.tokens = [];
    this.error = null;
    this.reload = coalesced(() => this.fetchAll());
  }

  async load() {
    await this.reload();
  }

  async fetchAll() {
    [this.users, this.tokens] = await Promise.all([partyUsers(), partyTokens()]);
    this.render();
  }

  /** Send a request; on a refusal, show the line's reason and keep the pane as it was. */
  async act(node, request) {
    node.disabled = true;
    try {
      await request();
      this.error = null;
      await this.load();
    } catch (problem) {
      this.error = t("ui.error", { reason: refusal(problem) });
      node.disabled = false;
      this.render();
    }
  }

  render() {
    const error = element("p", "error", this.error ?? "");
    error.setAttribute("role", "alert");
    error.dataset.testid = "people-error";
    error.hidden = !this.error;
    this.node.replaceChildren(
      element("h3", null, t("ui.people")),
      this.usersList(),
      this.enrolForm(),
      element("h3", null, t("ui.tokens")),
      this.tokensList(),
      error,
    );
  }

  usersList() {
    const list = element("ul", "people");
    list.dataset.testid = "people";
    for (const person of this.users) {
      const row = element("li", `person${person.active ? "" : " inactive"}`);
      Object.assign(row.dataset, {
        testid: `person-${person.name}`,
        role: person.role,
        active: String(person.active),
      });
      const name = element("strong", null, ltr(person.name));
      const role = select(ROLES, roleName, t("ui.role"), person.role, `person-${person.name}-role`);
      role.addEventListener("change", () =>
        this.act(role, () => changeUser(person.name, { role: role.value })),
      );
      const toggle = button(
        t(person.active ? "ui.deactivate" : "ui.activate"),
        () => this.act(toggle, () => changeUser(person.name, { active: !person.active })),
        `person-${person.name}-${person.active ? "deactivate" : "activate"}`,
      );
      const state = person.active ? "" : ` · ${t("ui.deactivated")}`;
      row.append(name, " ", role, ` ${person.language}${state} `, toggle);
      list.append(row);
    }
    return list;
  }

  enrolForm() {
    const form = element("form", "enrol");
    form.dataset.testid = "enrol-form";
    const name = element("input");
    Object.assign(name, { type: "text", required: true, placeholder: t("ui.user_name") });
    name.dataset.testid = "enrol-name";
    const role = select(ROLES, roleName, t("ui.role"), "duty_officer", "enrol-role");
    const chosen = this.user.language;
    const language = select(LANGUAGES, languageName, t("ui.language"), chosen, "enrol-language");
    const password = element("input");
    Object.assign(password, { type: "password", placeholder: t("ui.password_optional") });
    password.autocomplete = "new-password";
    password.dataset.testid = "enrol-password";
    const submit = element("button", null, t("ui.enrol"));
    submit.type = "submit";
    submit.dataset.testid = "enrol";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const person = { name: name.value.trim(), role: role.value, language: language.value };
      if (password.value) person.password = password.value;
      this.act(submit, () => addUser(person));
    });
    form.append(name, role, language, password, submit);
    return form;
  }

  tokensList() {
    const list = element("ul", "tokens");
    list.dataset.testid = "tokens";
    for (const token of this.tokens) {
      const row = element("li", `token${token.revoked_at ? " revoked" : ""}`);
      Object.assign(row.dataset, { testid: `token-${token.id}`, user: token.user });
      const expires = token.expires_at ? when(token.expires_at) : t("ui.never");
      const about = t("ui.token_about", {
        user: ltr(token.user),
        scope: t(`scope.${token.scope}`),
        expires,
      });
      row.append(element("code", null, token.id), " ", element("bdi", null, token.label), " · ");
      row.append(about);
      if (token.revoked_at) {
        const by = ltr(token.revoked_by);
        const revoked = t("ui.revoked", { by, time: when(token.revoked_at) });
        row.append(" · ", element("span", "revoked", revoked));
      } else {
        const revoke = button(
          t("ui.revoke"),
          () => this.act(revoke, () => revokeToken(token.id)),
          `token-${token.id}-revoke`,
        );
        row.append(" ", revoke);
      }
      list.append(row);
    }
    if (!this.tokens.length) list.append(element("li", "empty", t("ui.no_tokens")));
    return list;
  }
}
