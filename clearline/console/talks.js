// The talks pane, for liaison officers and the mediator: the agreement's protocol amendments
// (what each changes, who signed it, and a party's signature on an open one) and its rounds
// of talks (agenda and minutes, attachments, tabled proposals, and the round's report).

import {
  ApiError,
  approve,
  attachmentUrl,
  diffOf,
  proposalsOf,
  protocolOf,
  reportUrl,
  roundsOf,
} from "./api.js";
import { t } from "./i18n.js";
import { ltr, when } from "./format.js";
import { button, coalesced, element } from "./dom.js";

const TALK_ROLES = new Set(["liaison_officer", "mediator"]);
/** Who sees the pane: the watch (duty officers, watch commanders) does not. */
export const canTalk = (user) => TALK_ROLES.has(user.role);
/** Events after which the pane is loaded again. */
export const TALK_EVENTS = /^(protocol|round)\./;

// --- what a proposal changes, leaf by leaf, as the line's own diff walks a protocol ---

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** Dicts and lists of dicts walked down to their leaves by key or index; a list of plain
 * values is one leaf (as `services.protocol.document._leaves`). */
function leaves(value, path = "", found = new Map()) {
  let items;
  if (isObject(value)) items = Object.entries(value);
  else if (Array.isArray(value) && value.some(isObject)) items = value.map((v, i) => [`${i}`, v]);
  else return found.set(path, value);
  for (const [key, item] of items) leaves(item, path ? `${path}.${key}` : key, found);
  return found;
}

/** `[{path, from, to}]` for every leaf that differs, in the order of the fields. */
export function changesBetween(before, after) {
  const old = leaves(before);
  const now = leaves(after);
  const paths = [...old.keys(), ...[...now.keys()].filter((path) => !old.has(path))];
  return paths
    .map((path) => ({ path, from: old.get(path) ?? null, to: now.get(path) ?? null }))
    .filter((change) => JSON.stringify(change.from) !== JSON.stringify(change.to));
}

const shown = (value) =>
  value === null ? "–" : typeof value === "string" ? value : JSON.stringify(value);

// --- signatures: pasted, read from a file, or made here with the user's own key file ---

const base64 = (bytes) => btoa(String.fromCharCode(...bytes));
const fromHex = (hex) => new Uint8Array(hex.match(/../g).map((pair) => parseInt(pair, 16)));
const SIGNATURE_BYTES = 64;

/** A signature file as `clearline protocol approve` or another tool wrote it: base64 text,
 * or the 64 raw bytes. */
async function signatureFrom(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes).trim();
  if (bytes.length === SIGNATURE_BYTES && !/^[A-Za-z0-9+/=\s]+$/.test(text)) return base64(bytes);
  return text;
}

let ed25519 = null;
/** Whether this browser's WebCrypto signs with Ed25519 (asked once). */
function canSignHere() {
  ed25519 ??= globalThis.crypto?.subtle
    ? crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign"]).then(
        () => true,
        () => false,
      )
    : Promise.resolve(false);
  return ed25519;
}

/** Sign the digest's 32 bytes with a PKCS8 PEM private key, as `clearline protocol keygen`
 * writes it; the key stays in this page. */
async function signWithKeyFile(file, digest) {
  const pem = await file.text();
  const body = pem.match(/-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/);
  if (!body) throw new Error("not an unencrypted PKCS8 PEM private key");
  const der = Uint8Array.from(atob(body[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, key, fromHex(digest));
  return base64(new Uint8Array(signature));
}

// --- the pane ---

const refusal = (error) => (error instanceof ApiError && error.body?.reason) || error.message;

function labelled(label, value, className) {
  const node = element("p", className);
  node.append(element("span", "label", `${label}: `), value);
  return node;
}

/** Text typed by people (reasons, titles, minutes, names): shown as written, isolated. */
const typed = (text, className) => element("bdi", className, text);

export class Talks {
  /**
   * @param {HTMLElement} container where the pane's content goes
   * @param {object} user the signed-in user
   * @param {(error: Error) => void} report what to do with a failure to load
   */
  constructor(container, user, report) {
    this.container = container;
    this.user = user;
    this.report = report;
    this.agreements = [];
    this.data = new Map();
    /** Immutable once stored: versions of a protocol and diffs between two, by key. */
    this.protocols = new Map();
    this.diffs = new Map();
    /** What the user is typing, and the line's refusals, by proposal: kept across renders. */
    this.drafts = new Map();
    this.errors = new Map();
    this.reload = coalesced(() => this.fetchAll());
  }

  /** Load every agreement's proposals and rounds (again, if a load is under way). */
  async load(agreements = this.agreements) {
    this.agreements = agreements;
    await this.reload();
  }

  async fetchAll() {
    const loaded = await Promise.all(
      this.agreements.map(async (id) => {
        const [{ proposals }, { rounds }] = await Promise.all([proposalsOf(id), roundsOf(id)]);
        await Promise.all(proposals.map((proposal) => this.changesOf(id, proposal)));
        return [id, { proposals, rounds }];
      }),
    );
    this.data = new Map(loaded);
    this.render();
  }

  /** What a proposal changes: the line's diff once adopted, else worked out here against the
   * version it was proposed on (the next version is always numbered after its base). */
  async changesOf(id, proposal) {
    const from = proposal.version - 1;
    const key = `${id}:${proposal.number}`;
    if (proposal.state === "adopted") {
      const diffKey = `${id}:${from}:${proposal.version}`;
      if (!this.diffs.has(diffKey)) {
        this.diffs.set(diffKey, (await diffOf(id, from, proposal.version)).changes);
      }
      return this.diffs.set(key, this.diffs.get(diffKey));
    }
    const baseKey = `${id}:${from}`;
    if (!this.protocols.has(baseKey)) this.protocols.set(baseKey, await protocolOf(id, from));
    return this.diffs.set(key, changesBetween(this.protocols.get(baseKey), proposal.protocol));
  }

  render() {
    // Drawn again on every event of the talks: whoever is typing a signature keeps the field.
    const active = document.activeElement;
    const focused = this.container.contains(active) ? active.dataset.testid : null;
    const sections = [...this.data].map(([id, { proposals, rounds }]) => {
      const section = element("section", "agreement-talks");
      section.dataset.agreement = id;
      section.append(
        element("h3", null, t("ui.agreement", { id })),
        element("h4", null, t("ui.proposals")),
        this.list("proposals", proposals, (p) => this.proposalItem(id, p), "ui.no_proposals"),
        element("h4", null, t("ui.rounds")),
        this.list("rounds", rounds, (r) => this.roundItem(id, r), "ui.no_rounds"),
      );
      return section;
    });
    this.container.replaceChildren(...sections);
    if (focused) this.container.querySelector(`[data-testid="${focused}"]`)?.focus();
  }

  list(className, records, item, emptyKey) {
    const node = element("ol", className);
    node.append(...records.map(item));
    if (!records.length) node.append(element("li", "empty", t(emptyKey)));
    return node;
  }

  proposalItem(id, proposal) {
    const item = element("li", `proposal proposal-${proposal.state}`);
    Object.assign(item.dataset, {
      testid: `proposal-${proposal.number}`,
      number: proposal.number,
      version: proposal.version,
      state: proposal.state,
    });
    const header = element("div", "proposal-header");
    header.append(
      element("strong", null, t("ui.proposal", proposal)),
      element("span", "state", t(`proposal_state.${proposal.state}`)),
      element("span", "party", t("ui.proposed_by", { party: proposal.party })),
    );
    item.append(
      header,
      labelled(t("ui.effective_at"), when(proposal.effective_at), "effective"),
      labelled(t("ui.reason"), typed(proposal.reason), "reason"),
    );
    if (proposal.decision) item.append(labelled(t("ui.decision"), typed(proposal.decision)));
    item.append(this.signersOf(proposal), this.changesList(id, proposal));
    if (this.maySign(proposal)) item.append(this.signForm(id, proposal));
    return item;
  }

  signersOf(proposal) {
    const signed = new Set(proposal.approvals.map((approval) => approval.party));
    const node = element("p", "signers");
    node.append(element("span", "label", `${t("ui.signatures")}: `));
    for (const party of proposal.signers) {
      const mark = element(
        "span",
        `signer${signed.has(party) ? " signed" : ""}`,
        `${party} ${t(signed.has(party) ? "ui.signed" : "ui.not_signed")}`,
      );
      Object.assign(mark.dataset, { testid: `signer-${party}`, party, signed: signed.has(party) });
      node.append(mark);
    }
    return node;
  }

  changesList(id, proposal) {
    // The version number itself is in the header: the rules that change are listed.
    const changes = (this.diffs.get(`${id}:${proposal.number}`) ?? []).filter(
      (change) => change.path !== "version",
    );
    const node = element("ul", "changes");
    node.dataset.testid = `changes-${proposal.number}`;
    for (const change of changes) {
      const row = element("li", "change");
      row.dataset.path = change.path;
      row.append(
        element("code", "path", change.path),
        element("span", "values", ltr(`${shown(change.from)} → ${shown(change.to)}`)),
      );
      node.append(row);
    }
    if (!changes.length) node.append(element("li", "empty", t("ui.no_changes")));
    const box = element("div", "changes-box");
    box.append(element("span", "label", `${t("ui.changes")}:`), node);
    return box;
  }

  maySign(proposal) {
    const party = this.user.party;
    return (
      this.user.role === "liaison_officer" &&
      proposal.state === "open" &&
      proposal.signers.includes(party) &&
      !proposal.approvals.some((approval) => approval.party === party)
    );
  }

  signForm(id, proposal) {
    const key = `${id}:${proposal.number}`;
    const n = proposal.number;
    const form = element("form", "sign");
    form.dataset.testid = `sign-form-${n}`;
    const digest = element("code", "digest", proposal.digest);
    digest.dir = "ltr";
    digest.dataset.testid = `digest-${n}`;
    const signature = element("textarea");
    Object.assign(signature, {
      name: "signature",
      rows: 2,
      dir: "ltr",
      required: true,
      placeholder: t("ui.signature"),
      value: this.drafts.get(key) ?? "",
    });
    signature.dataset.testid = `signature-${n}`;
    signature.addEventListener("input", () => this.drafts.set(key, signature.value));
    const fill = (value) => {
      signature.value = value;
      this.drafts.set(key, value);
    };
    const error = element("p", "error");
    error.setAttribute("role", "alert");
    error.hidden = !this.errors.has(key);
    error.dataset.testid = `sign-error-${n}`;
    error.textContent = this.errors.get(key) ?? "";
    const fail = (text) => {
      this.errors.set(key, text);
      error.textContent = text;
      error.hidden = false;
    };

    const file = element("input");
    Object.assign(file, { type: "file", name: "signature-file" });
    file.dataset.testid = `signature-file-${n}`;
    file.addEventListener("change", async () => {
      if (file.files[0]) fill(await signatureFrom(file.files[0]));
    });
    const keyFile = element("input");
    Object.assign(keyFile, { type: "file", name: "key-file", accept: ".pem,.key" });
    keyFile.dataset.testid = `key-file-${n}`;
    keyFile.addEventListener("change", async () => {
      if (!keyFile.files[0]) return;
      try {
        fill(await signWithKeyFile(keyFile.files[0], proposal.digest));
      } catch (problem) {
        fail(t("ui.key_unusable", { reason: problem.message }));
      }
      keyFile.value = "";
    });
    const keyField = element("label", "field key-field");
    keyField.append(element("span", null, t("ui.key_file")), keyFile);
    keyField.hidden = true;
    canSignHere().then((yes) => (keyField.hidden = !yes));
    const fileField = element("label", "field");
    fileField.append(element("span", null, t("ui.signature_file")), file);

    const submit = element("button", null, t("ui.sign", { party: this.user.party }));
    submit.type = "submit";
    submit.dataset.testid = `sign-${n}`;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      try {
        const signed = await approve(id, n, signature.value.trim());
        this.drafts.delete(key);
        this.errors.delete(key);
        this.put(id, signed);
      } catch (problem) {
        fail(t("ui.sign_refused", { reason: refusal(problem) }));
        submit.disabled = false;
      }
    });
    form.append(
      labelled(t("ui.digest_to_sign"), digest, "to-sign"),
      element("p", "hint", t("ui.sign_hint", { number: n })),
      signature,
      fileField,
      keyField,
      submit,
      error,
    );
    return form;
  }

  /** A proposal as the line answered: in place of the one shown. */
  async put(id, proposal) {
    const found = this.data.get(id);
    if (!found) return;
    await this.changesOf(id, proposal).catch(this.report);
    found.proposals = found.proposals.map((p) => (p.number === proposal.number ? proposal : p));
    this.render();
  }

  roundItem(id, round) {
    const item = element("li", `round round-${round.state}`);
    Object.assign(item.dataset, {
      testid: `round-${round.number}`,
      number: round.number,
      state: round.state,
    });
    const header = element("div", "round-header");
    const title = element("strong", null, t("ui.round", { number: round.number }));
    title.append(" ", typed(round.place, "place"));
    header.append(title, element("span", "state", t(`round_state.${round.state}`)));
    const dates = { from: ltr(round.starts_on), to: ltr(round.ends_on), host: round.host };
    item.append(header, element("p", "dates", t("ui.round_dates", dates)));

    const attendees = Object.entries(round.attendees).filter(([, names]) => names.length);
    if (attendees.length) {
      const node = element("p", "attendees");
      node.append(element("span", "label", `${t("ui.attendees")}: `));
      for (const [party, names] of attendees) {
        const who = element("bdi", "attendee", `${party}: `);
        who.append(typed(names.join(", ")));
        node.append(who, " ");
      }
      item.append(node);
    }

    item.append(element("span", "label", `${t("ui.agenda")}:`), this.agenda(round));
    if (round.attachments.length) {
      item.append(element("span", "label", `${t("ui.attachments")}:`));
      const files = element("ul", "attachments");
      for (const file of round.attachments) {
        const row = element("li");
        const link = element("a", null, file.name);
        Object.assign(link, { href: attachmentUrl(id, round.number, file.name), target: "_blank" });
        link.rel = "noopener";
        link.dataset.testid = `attachment-${file.name}`;
        const about = `${file.size} B · ${file.added_by} · SHA-256 ${file.sha256.slice(0, 16)}…`;
        row.append(link, " ", element("span", "about", ltr(about)));
        files.append(row);
      }
      item.append(files);
    }
    const numbers = (list) => (list.length ? list.join(", ") : t("ui.none"));
    item.append(
      element("p", "tabled", t("ui.tabled", { numbers: numbers(round.tabled) })),
      element("p", "agreed", t("ui.agreed", { numbers: numbers(round.adopted) })),
    );

    const links = element("p", "tools");
    for (const [format, label] of [
      ["html", "ui.report"],
      ["pdf", "ui.report_pdf"],
    ]) {
      const link = element("a", "report", t(label));
      Object.assign(link, { href: reportUrl(id, round.number, format), target: "_blank" });
      link.rel = "noopener";
      link.dataset.testid = `report-${format}-${round.number}`;
      links.append(link);
    }
    item.append(links);
    return item;
  }

  agenda(round) {
    const node = element("ol", "agenda");
    for (const entry of round.agenda) {
      const row = element("li", "agenda-item");
      row.dataset.testid = `agenda-${round.number}-${entry.number}`;
      const title = element("p", "agenda-title");
      title.append(typed(entry.title), " ", element("span", "party", `(${entry.added_by})`));
      row.append(title);
      if (entry.minutes) {
        const minutes = element("p", "minutes");
        minutes.append(typed(entry.minutes));
        const by = entry.minutes_by && t("ui.minutes_by", { party: entry.minutes_by });
        if (by) minutes.append(" ", element("span", "party", by));
        row.append(minutes);
      } else {
        row.append(element("p", "minutes empty", t("ui.no_minutes")));
      }
      node.append(row);
    }
    if (!round.agenda.length) node.append(element("li", "empty", t("ui.no_agenda")));
    return node;
  }
}
