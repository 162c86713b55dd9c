// The incidents pane, for duty officers, liaison officers and the mediator: the cases the
// user's party sees, and for the chosen one the facts the line computed from its evidence, its
// timeline (each message with its receipts beside it), a replay of the track evidence over the
// window on a map of its own, the next step of the review, the files each party attached (and
// whom it showed its own to), the referral to the mediator and the dossier.

import {
  ApiError,
  answerQuestion,
  ask,
  attachFile,
  commentOn,
  dossierUrl,
  incidentCase,
  incidentFileUrl,
  incidents,
  moveIncident,
  proposeFinding,
  referIncident,
  shareItems,
  takePosition,
} from "./api.js";
import { language, t } from "./i18n.js";
import { ltr, place, size, utc, when } from "./format.js";
import { button, coalesced, element } from "./dom.js";
import { drawBorders, partyColour } from "./map.js";

const INCIDENT_ROLES = new Set(["duty_officer", "liaison_officer", "mediator"]);
/** Who sees the pane. */
export const canReview = (user) => INCIDENT_ROLES.has(user.role);
/** Events after which the pane is loaded again. */
export const INCIDENT_EVENTS = /^incident\./;

/** Who may take a step or refer a case: a person of an involved party, never the mediator. */
const WRITER_ROLES = new Set(["duty_officer", "watch_commander", "liaison_officer"]);

/** The order a case moves in, as `model.incident.NEXT_STATES`. */
const NEXT_STATES = {
  reported: ["acknowledged"],
  acknowledged: ["under_review"],
  under_review: ["findings_agreed", "disputed"],
  findings_agreed: ["closed"],
  disputed: ["under_review", "closed"],
  closed: [],
};
/** The states in which findings are proposed and weighed, as `services.incidents.review`. */
const REVIEWING = new Set(["under_review", "disputed"]);
/** The contributing factors a finding names, as `model.incident.Factor`. */
const FACTORS = [
  "late_or_wrong_notification",
  "no_acknowledgement",
  "misidentification",
  "protocol_gap",
  "equipment",
  "other",
];
const POSITIONS = ["agree", "dispute"];
const TRACK_EVIDENCE = "incident.evidence";
const ATTACHMENT = "incident.attachment";
const SENT = new Set(["message.sent", "message.released"]);

const refusal = (error) => (error instanceof ApiError && error.body?.reason) || error.message;

/** Text typed by people (accounts, notes): shown as written, isolated. */
const typed = (text, className) => element("bdi", className, text);

/** Text the line wrote in English (facts, timeline lines): kept whole in a mirrored page. */
function english(text, className) {
  const node = element("bdi", className, text);
  node.lang = "en";
  node.dir = "ltr";
  return node;
}

/** 15:32:05Z: the time of day, as a case's timeline lists it. */
const clockTime = (time) => ltr(utc(time).slice(11));
const dayOf = (time) => utc(time).slice(0, 10);

const severityBadge = (severity) =>
  element(
    "span",
    `incident-severity incident-severity-${severity}`,
    t(`incident_severity.${severity}`),
  );

function labelled(label, value, className) {
  const node = element("p", className);
  node.append(element("span", "label", `${label}: `), value);
  return node;
}

/** Whether every party of the case agrees every finding, as the line requires to agree them. */
function findingsAgreed(incident) {
  const agrees = (finding, party) => finding.positions[party]?.position === "agree";
  const findings = incident.findings ?? [];
  return findings.length > 0 && findings.every((f) => incident.parties.every((p) => agrees(f, p)));
}

function placeText(where) {
  if (where.point) {
    const at = place(where.point.lat, where.point.lon);
    return where.radius_m ? `${at} · ${t("ui.within_m", { metres: where.radius_m })}` : at;
  }
  if (where.area) return t("ui.area", { count: where.area.length });
  return t("ui.along_track", { id: where.track });
}

// --- the replay: each track's position at the slider's time, with its path ---

/** Each track the reader was shown, once: its exact view where it has one. */
function tracksOf(evidence) {
  const found = new Map();
  for (const item of evidence) {
    if (item.type !== TRACK_EVIDENCE || !item.payload.samples.length) continue;
    const { track, coarse, samples } = item.payload;
    const known = found.get(track.id);
    if (known && !known.coarse) continue;
    found.set(track.id, {
      ...track,
      coarse,
      samples: samples.map((s) => ({ ...s, ms: Date.parse(s.time) })),
    });
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

/** Where a track was at `ms`, between the two positions around it; null outside its path. */
function positionAt(track, ms) {
  const { samples } = track;
  if (ms < samples[0].ms || ms > samples.at(-1).ms) return null;
  const after = samples.findIndex((s) => s.ms >= ms);
  const next = samples[after];
  const last = samples[Math.max(0, after - 1)];
  const span = next.ms - last.ms;
  const f = span ? (ms - last.ms) / span : 0;
  const between = (key) => last[key] + (next[key] - last[key]) * f;
  return { lat: between("lat"), lon: between("lon"), alt_ft: between("alt_ft") };
}

class Replay {
  /** @param {HTMLElement} box where the replay goes: kept across renders, one map */
  constructor(box) {
    this.box = box;
    this.heading = element("h3");
    this.mapNode = element("div", "replay-map");
    this.mapNode.dir = "ltr";
    this.mapNode.dataset.testid = "replay-map";
    this.slider = element("input", "replay-slider");
    Object.assign(this.slider, { type: "range", min: 0, step: 1 });
    this.slider.dataset.testid = "replay-slider";
    this.slider.addEventListener("input", () => {
      this.ms = this.from + Number(this.slider.value) * 1000;
      this.update();
    });
    this.sliderLabel = element("label", "replay-control");
    this.clock = element("output", "replay-time");
    this.clock.dataset.testid = "replay-time";
    this.sliderLabel.append(element("span", "label"), this.slider, this.clock);
    this.windowBar = element("div", "replay-window");
    this.windowBar.dataset.testid = "replay-window";
    this.positions = element("ul", "replay-positions");
    this.positions.dataset.testid = "replay-positions";
    box.append(this.heading, this.mapNode, this.sliderLabel, this.windowBar, this.positions);
    this.map = null;
    this.caseId = null;
    this.tracks = [];
    this.markers = new Map();
  }

  /** The map, made once its box is on the screen (Leaflet measures it). */
  ensureMap() {
    if (this.map) return;
    this.map = L.map(this.mapNode, { attributionControl: false, zoomSnap: 0.25 });
    this.map.fitBounds([
      [32.3, 35.6],
      [37.4, 42.4],
    ]);
    new ResizeObserver(() => this.map.invalidateSize()).observe(this.mapNode);
    this.layer = L.featureGroup().addTo(this.map);
    drawBorders(this.map).catch((error) => console.error(error));
  }

  show(view) {
    this.ensureMap();
    const { incident } = view;
    const fresh = this.caseId !== incident.id;
    this.caseId = incident.id;
    this.tracks = tracksOf(view.evidence);
    const start = Date.parse(incident.start);
    const end = Date.parse(incident.end);
    const times = this.tracks.flatMap((track) => [track.samples[0].ms, track.samples.at(-1).ms]);
    this.from = Math.min(start, ...times);
    this.to = Math.max(end, ...times);
    if (fresh || this.ms === undefined) this.ms = start;
    this.ms = Math.min(Math.max(this.ms, this.from), this.to);
    this.slider.max = Math.round((this.to - this.from) / 1000);
    this.slider.value = Math.round((this.ms - this.from) / 1000);
    this.slider.disabled = !this.tracks.length;

    this.heading.textContent = t("ui.replay");
    this.sliderLabel.firstChild.textContent = `${t("ui.replay_time")}: `;
    const span = this.to - this.from || 1;
    const bar = element("span", "replay-window-span", t("ui.incident_window"));
    bar.style.insetInlineStart = `${((start - this.from) / span) * 100}%`;
    bar.style.inlineSize = `${((end - start) / span) * 100}%`;
    this.windowBar.replaceChildren(bar);

    this.draw(incident, fresh);
    this.update();
  }

  draw(incident, fresh) {
    this.layer.clearLayers();
    this.markers.clear();
    const bounds = [];
    if (incident.place.point) {
      const { lat, lon } = incident.place.point;
      const spot = L.circleMarker([lat, lon], {
        className: "replay-place",
        radius: 9,
        color: "#1d2330",
        weight: 2,
        dashArray: "3 3",
        fill: false,
      });
      this.layer.addLayer(spot);
      bounds.push([lat, lon]);
    } else if (incident.place.area) {
      const area = incident.place.area.map((p) => [p.lat, p.lon]);
      this.layer.addLayer(L.polygon(area, { className: "replay-place", color: "#1d2330" }));
      bounds.push(...area);
    }
    for (const track of this.tracks) {
      const party = track.owner ?? track.reporter;
      const colour = track.owner ? partyColour(track.owner) : "#555";
      const path = track.samples.map((s) => [s.lat, s.lon]);
      const line = L.polyline(path, {
        className: `replay-path party-${party} track-${track.id}`,
        color: colour,
        weight: 2,
        opacity: 0.7,
        dashArray: track.coarse ? "4 4" : null,
      });
      const marker = L.circleMarker(path[0], {
        className: `replay-marker party-${party} track-${track.id}`,
        radius: 7,
        color: colour,
        fillColor: colour,
        fillOpacity: 0.9,
      });
      marker.bindTooltip(t("ui.track", { id: track.id, party }));
      this.layer.addLayer(line);
      this.markers.set(track.id, marker);
      bounds.push(...path);
    }
    if (fresh && bounds.length) {
      this.map.fitBounds(bounds, { padding: [30, 30], maxZoom: 11 });
    }
  }

  /** Every track where it was at the slider's time. */
  update() {
    this.clock.textContent = when(new Date(this.ms));
    const rows = this.tracks.map((track) => {
      const party = track.owner ?? track.reporter;
      const at = positionAt(track, this.ms);
      const marker = this.markers.get(track.id);
      const row = element("li", `replay-position party-${party}`);
      row.dataset.testid = `replay-position-${track.id}`;
      const name = element("strong", null, t("ui.track", { id: track.id, party }));
      const coarse = track.coarse ? ` · ${t("ui.coarse")}` : "";
      const kind = `${t(`object_kind.${track.kind}`)}${coarse}`;
      row.append(name, " ", element("span", "kind", kind), " ");
      if (at) {
        marker.setLatLng([at.lat, at.lon]);
        if (!this.layer.hasLayer(marker)) this.layer.addLayer(marker);
        Object.assign(row.dataset, { lat: at.lat.toFixed(5), lon: at.lon.toFixed(5) });
        const where = `${place(at.lat, at.lon)} · ${Math.round(at.alt_ft)} ft`;
        row.append(element("span", "where", where));
      } else {
        this.layer.removeLayer(marker);
        row.dataset.shown = "false";
        row.append(element("span", "where", t("ui.not_reported_then")));
      }
      return row;
    });
    if (!rows.length) rows.push(element("li", "empty", t("ui.no_tracks")));
    this.positions.replaceChildren(...rows);
  }
}

// --- the pane ---

export class Incidents {
  /**
   * @param {HTMLElement} list where the list of cases goes (the pane)
   * @param {HTMLElement} panel where the chosen case goes (over the theatre map)
   * @param {object} user the signed-in user
   * @param {(error: Error) => void} report what to do with a failure to load
   */
  constructor(list, panel, user, report) {
    this.list = list;
    this.panel = panel;
    this.user = user;
    this.report = report;
    this.cases = [];
    this.chosen = null;
    this.view = null;
    /** What the user is typing (notes), and the line's refusals, by case: kept across renders. */
    this.drafts = new Map();
    this.errors = new Map();
    /** The file chooser of each case: one element kept across renders, so that a file chosen
     * is not dropped when an event draws the case again before it is sent. */
    this.choosers = new Map();
    this.reload = coalesced(() => this.fetchAll());

    this.closer = button("", () => this.close(), "incident-close");
    this.closer.classList.add("incident-close");
    this.body = element("div", "incident-body");
    this.timeline = element("section", "incident-timeline");
    this.timeline.dataset.testid = "timeline";
    const replayBox = element("section", "incident-replay");
    replayBox.dataset.testid = "replay";
    this.replay = new Replay(replayBox);
    const review = element("div", "incident-review");
    review.append(this.timeline, replayBox);
    this.accounts = element("section", "incident-accounts");
    this.accounts.dataset.testid = "accounts";
    this.panel.replaceChildren(this.closer, this.body, review, this.accounts);
  }

  /** Load the cases and the chosen one (again, if a load is under way). */
  async load() {
    await this.reload();
  }

  async fetchAll() {
    this.cases = await incidents();
    if (this.chosen !== null && !this.cases.some((c) => c.id === this.chosen)) this.chosen = null;
    this.view = this.chosen === null ? null : await incidentCase(this.chosen);
    this.render();
  }

  async choose(id) {
    this.chosen = id;
    try {
      this.view = await incidentCase(id);
    } catch (error) {
      this.chosen = null;
      this.view = null;
      this.report(error);
    }
    this.render();
  }

  close() {
    this.chosen = null;
    this.view = null;
    this.render();
  }

  render() {
    // Drawn again on every event of a case: whoever is typing a note keeps the field.
    const active = document.activeElement;
    const inside = this.list.contains(active) || this.panel.contains(active);
    const focused = inside ? active.dataset.testid : null;
    this.renderList();
    this.renderCase();
    if (focused) document.querySelector(`[data-testid="${focused}"]`)?.focus();
  }

  renderList() {
    const node = element("ol", "incidents");
    node.dataset.testid = "incident-list";
    for (const incident of this.cases) node.append(this.listItem(incident));
    if (!this.cases.length) node.append(element("li", "empty", t("ui.no_incidents")));
    this.list.replaceChildren(node);
  }

  listItem(incident) {
    const chosen = incident.id === this.chosen;
    const item = element("li", `incident severity-${incident.severity}${chosen ? " chosen" : ""}`);
    Object.assign(item.dataset, {
      testid: `incident-${incident.id}`,
      id: incident.id,
      state: incident.state,
      severity: incident.severity,
    });
    const open = button("", () => this.choose(incident.id), `open-incident-${incident.id}`);
    open.className = "incident-open";
    open.setAttribute("aria-pressed", String(chosen));
    const header = element("span", "incident-header");
    header.append(
      element("strong", null, t("ui.incident", { id: incident.id })),
      element("span", "kind", t(`incident_kind.${incident.kind}`)),
      severityBadge(incident.severity),
      element("span", "state", t(`incident_state.${incident.state}`)),
    );
    const window = element("span", "window", `${when(incident.start)} – ${when(incident.end)}`);
    open.append(header, window);
    item.append(open);
    return item;
  }

  renderCase() {
    const view = this.view;
    this.panel.hidden = !view;
    if (!view) return;
    const { incident } = view;
    if (this.panel.dataset.id !== String(incident.id)) this.panel.scrollTop = 0;
    this.panel.dataset.id = incident.id;
    this.panel.dataset.state = incident.state;
    this.closer.textContent = t("ui.close");
    const [tools, act] = this.actions(incident);
    this.body.replaceChildren(
      this.caseHeader(incident),
      tools,
      this.factsOf(view),
      this.filesOf(view, act),
      this.findingsOf(incident, act),
      this.questionsOf(incident, act),
      this.commentsOf(incident, act),
    );
    this.renderTimeline(view);
    this.replay.show(view);
    this.renderAccounts(incident);
  }

  caseHeader(incident) {
    const box = element("header", "incident-case-header");
    const title = element("h2");
    title.append(
      element("span", null, t("ui.incident", { id: incident.id })),
      " ",
      element("span", "kind", t(`incident_kind.${incident.kind}`)),
    );
    const badges = element("p", "badges");
    const state = element("span", `state state-${incident.state}`);
    state.textContent = t(`incident_state.${incident.state}`);
    state.dataset.testid = "incident-state";
    badges.append(severityBadge(incident.severity), state);
    box.append(
      title,
      badges,
      labelled(t("ui.window"), `${when(incident.start)} – ${when(incident.end)}`, "window"),
      labelled(t("ui.place"), placeText(incident.place), "place"),
      labelled(t("ui.involved"), incident.parties.join(" – "), "parties"),
      element(
        "p",
        "filed",
        t("ui.filed_by", { party: incident.filed_by, time: when(incident.filed_at) }),
      ),
    );
    if (incident.referral) {
      const { by, at, note, to } = incident.referral;
      const referral = element("p", "referral");
      referral.dataset.testid = "referral";
      const referred = t("ui.referred", { to: to.join(", "), party: by, time: when(at) });
      referral.append(element("span", "label", `${referred}: `), typed(note, "note"));
      box.append(referral);
    }
    return box;
  }

  mayWrite(incident) {
    return WRITER_ROLES.has(this.user.role) && incident.parties.includes(this.user.party);
  }

  /** The next steps the user's party may take, the referral, and the dossier. */
  actions(incident) {
    const tools = element("div", "incident-actions");
    tools.dataset.testid = "incident-actions";
    const id = incident.id;
    const error = element("p", "error");
    error.setAttribute("role", "alert");
    error.dataset.testid = "incident-error";
    error.hidden = !this.errors.has(id);
    error.textContent = this.errors.get(id) ?? "";
    const fail = (problem) => {
      const text = t("ui.error", { reason: refusal(problem) });
      this.errors.set(id, text);
      error.textContent = text;
      error.hidden = false;
    };
    /** Send a request, and forget the drafts it sent (the note and the referral by default). */
    const act = async (node, request, drafts = ["note", "referral"]) => {
      node.disabled = true;
      try {
        this.view = await request();
        this.errors.delete(id);
        for (const draft of drafts) this.drafts.delete(`${id}:${draft}`);
        await this.load();
      } catch (problem) {
        fail(problem);
        node.disabled = false;
      }
    };

    if (this.mayWrite(incident)) {
      const steps = this.nextSteps(incident);
      if (steps.length) {
        const form = element("div", "incident-steps");
        const note = this.draftField(`${id}:note`, "incident-note", t("ui.note_optional"));
        form.append(element("span", "label", `${t("ui.next_step")}: `));
        for (const state of steps) {
          const request = () => moveIncident(id, state, note.value.trim() || null);
          const label = t(`incident_move.${state}`);
          const step = button(label, () => act(step, request), `move-${state}`);
          step.dataset.state = state;
          form.append(step);
        }
        form.append(note);
        tools.append(form);
      }
      if (!incident.referral) tools.append(this.referForm(incident, act));
    }
    const links = element("p", "tools");
    const dossier = element("a", "dossier", t("ui.dossier"));
    Object.assign(dossier, { href: dossierUrl(id), download: `incident-${id}.zip` });
    dossier.dataset.testid = "dossier";
    links.append(dossier);
    tools.append(links, error);
    return [tools, act];
  }

  nextSteps(incident) {
    const party = this.user.party;
    return NEXT_STATES[incident.state].filter((state) => {
      if (state === "acknowledged") return party !== incident.filed_by;
      if (state === "findings_agreed") return findingsAgreed(incident);
      return true;
    });
  }

  draftField(key, testId, placeholder) {
    const field = element("input", "note-field");
    Object.assign(field, { type: "text", placeholder, value: this.drafts.get(key) ?? "" });
    field.dataset.testid = testId;
    field.addEventListener("input", () => this.drafts.set(key, field.value));
    return field;
  }

  referForm(incident, act) {
    const id = incident.id;
    const form = element("form", "incident-refer");
    form.dataset.testid = "refer-form";
    const note = this.draftField(`${id}:referral`, "refer-note", t("ui.refer_note"));
    note.required = true;
    const submit = element("button", null, t("ui.refer"));
    submit.type = "submit";
    submit.dataset.testid = "refer";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(submit, () => referIncident(id, note.value.trim()));
    });
    form.append(note, submit);
    return form;
  }

  /** A form of fields and one submit button, sending `send()` when the fields are filled. */
  form(className, testId, fields, label, submitId, send) {
    const form = element("form", className);
    form.dataset.testid = testId;
    const submit = element("button", null, label);
    submit.type = "submit";
    submit.dataset.testid = submitId;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(submit);
    });
    form.append(...fields, submit);
    return form;
  }

  /** The files the party may see, each a download; of its own, whom it was shown to and a
   * button to show it to each other reader of the case; and a form to attach one. */
  filesOf(view, act) {
    const { incident } = view;
    const id = incident.id;
    const party = this.user.party;
    const box = element("section", "incident-files");
    box.dataset.testid = "files";
    const writes = this.mayWrite(incident) && incident.state !== "closed";
    const readers = [...incident.parties, ...(incident.referral?.to ?? [])];
    const list = element("ul", "files");
    for (const item of view.evidence.filter((i) => i.type === ATTACHMENT)) {
      const file = item.payload.attachment;
      const row = element("li", "file");
      Object.assign(row.dataset, { testid: `file-${item.seq}`, sha256: file.sha256 });
      const link = element("a", "file-name");
      Object.assign(link, { href: incidentFileUrl(id, file.sha256), download: file.name });
      link.dataset.testid = `file-${item.seq}-download`;
      link.append(typed(file.name, "name"));
      const about = t("ui.file_about", {
        party: file.added_by,
        size: size(file.size, language()),
        type: ltr(file.media_type),
        time: when(file.added_at),
      });
      row.append(link, " ", element("span", "about", about));
      if (item.owner === party) {
        const shown = item.shared_with.join(", ") || t("ui.file_not_shown");
        row.append(" ", element("span", "shown", t("ui.file_shown_to", { parties: shown })));
        const unshown = readers.filter((p) => p !== party && !item.shared_with.includes(p));
        for (const reader of writes ? unshown : []) {
          const request = () => shareItems(id, reader, [item.seq]);
          const label = t("ui.show_to", { party: reader });
          const testId = `file-${item.seq}-show-${reader}`;
          const show = button(label, () => act(show, request, []), testId);
          row.append(" ", show);
        }
      }
      list.append(row);
    }
    if (!list.children.length) list.append(element("li", "empty", t("ui.no_files")));
    box.append(element("h3", null, t("ui.files")), list);
    if (!writes) return box;

    if (!this.choosers.has(id)) {
      const chooser = element("input", "file-field");
      chooser.type = "file";
      chooser.required = true;
      chooser.dataset.testid = "attach-file";
      this.choosers.set(id, chooser);
    }
    const chooser = this.choosers.get(id);
    chooser.setAttribute("aria-label", t("ui.attach_file"));
    const send = async (submit) => {
      const [file] = chooser.files;
      await act(submit, () => attachFile(id, file), []);
      if (!this.errors.has(id)) chooser.value = "";
    };
    const form = ["attach-form", [chooser], t("ui.attach"), "attach", send];
    box.append(element("p", "hint", t("ui.files_hint")), this.form("incident-attach", ...form));
    return box;
  }

  /** The findings proposed, each party's position on each, and a form to propose one. */
  findingsOf(incident, act) {
    const id = incident.id;
    const box = element("section", "incident-findings");
    box.dataset.testid = "findings";
    const weighs = this.mayWrite(incident) && REVIEWING.has(incident.state);
    const list = element("ol", "findings");
    for (const finding of incident.findings ?? []) {
      list.append(this.findingOf(incident, finding, weighs, act));
    }
    if (!incident.findings?.length) list.append(element("li", "empty", t("ui.no_findings")));
    box.append(element("h3", null, t("ui.findings")), list);
    if (!weighs) return box;

    const factor = element("select", "finding-factor");
    factor.dataset.testid = "finding-factor";
    factor.setAttribute("aria-label", t("ui.factor"));
    for (const name of FACTORS) {
      const option = element("option", null, t(`factor.${name}`));
      option.value = name;
      factor.append(option);
    }
    factor.value = this.drafts.get(`${id}:factor`) ?? FACTORS[0];
    factor.addEventListener("change", () => this.drafts.set(`${id}:factor`, factor.value));
    const text = this.draftField(`${id}:finding`, "finding-text", t("ui.finding_text"));
    text.required = true;
    const advice = t("ui.recommendation_optional");
    const recommendation = this.draftField(
      `${id}:recommendation`,
      "finding-recommendation",
      advice,
    );
    const send = (submit) => {
      const advised = recommendation.value.trim();
      const finding = {
        factor: factor.value,
        text: text.value.trim(),
        recommendation: advised ? { text: advised } : null,
      };
      const drafts = ["factor", "finding", "recommendation"];
      act(submit, () => proposeFinding(id, finding), drafts);
    };
    const fields = [factor, text, recommendation];
    const label = t("ui.propose_finding");
    box.append(this.form("incident-propose", "propose-form", fields, label, "propose", send));
    return box;
  }

  findingOf(incident, finding, weighs, act) {
    const id = incident.id;
    const n = finding.number;
    const row = element("li", `finding factor-${finding.factor}`);
    Object.assign(row.dataset, { testid: `finding-${n}`, factor: finding.factor });
    const head = element("p", "finding-head");
    const proposed = t("ui.finding", { number: n, party: finding.by, time: when(finding.at) });
    head.append(
      element("strong", "factor", t(`factor.${finding.factor}`)),
      " · ",
      element("span", "by", proposed),
    );
    const text = element("p", "finding-text");
    text.append(typed(finding.text, "text"));
    row.append(head, text);
    const advised = finding.recommendation;
    if (advised) {
      const said = element("span");
      said.append(typed(advised.text, "text"));
      if (advised.proposal !== null && advised.proposal !== undefined) {
        const amendment = t("ui.amendment_proposal", { number: advised.proposal });
        said.append(" ", element("span", "proposal", `(${amendment})`));
      }
      row.append(labelled(t("ui.recommendation"), said, "recommendation"));
    }
    const positions = element("ul", "positions");
    for (const party of incident.parties) {
      const stance = finding.positions[party];
      const item = element("li", `position position-${stance?.position ?? "none"}`);
      Object.assign(item.dataset, { testid: `finding-${n}-${party}`, party });
      item.dataset.position = stance?.position ?? "";
      item.append(element("strong", null, `${party}: `));
      item.append(stance ? t(`position.${stance.position}`) : t("ui.no_position"));
      if (stance?.note) item.append(" ", typed(stance.note, "note"));
      positions.append(item);
    }
    row.append(positions);
    if (!weighs) return row;

    const mine = finding.positions[this.user.party]?.position;
    const key = `position:${n}`;
    const tools = element("div", "finding-tools");
    const note = this.draftField(`${id}:${key}`, `finding-${n}-note`, t("ui.position_note"));
    for (const position of POSITIONS) {
      const request = () => takePosition(id, n, position, note.value.trim() || null);
      const testId = `finding-${n}-${position}`;
      const take = button(t(`ui.${position}`), () => act(take, request, [key]), testId);
      take.setAttribute("aria-pressed", String(mine === position));
      tools.append(take);
    }
    tools.append(note);
    row.append(tools);
    return row;
  }

  /** The questions between the parties with their answers, and the forms to ask and answer. */
  questionsOf(incident, act) {
    const id = incident.id;
    const party = this.user.party;
    const box = element("section", "incident-questions");
    box.dataset.testid = "questions";
    const writes = this.mayWrite(incident) && incident.state !== "closed";
    const list = element("ol", "questions");
    for (const question of incident.questions ?? []) {
      const n = question.number;
      const row = element("li", "question");
      Object.assign(row.dataset, { testid: `question-${n}`, by: question.by });
      const values = { number: n, party: question.by, to: question.to, time: when(question.at) };
      const head = t(question.to ? "ui.question_to" : "ui.question_to_all", values);
      const text = element("p", "question-text");
      text.append(element("span", "label", `${head}: `));
      if (question.text === null) {
        text.append(element("span", "hidden-text", t("ui.question_not_shown")));
      } else {
        text.append(typed(question.text, "text"));
      }
      row.append(text);
      const answers = element("ul", "answers");
      question.answers.forEach((answer, k) => {
        const item = element("li", "answer");
        Object.assign(item.dataset, { testid: `question-${n}-answer-${k + 1}`, by: answer.by });
        item.append(element("span", "label", `${answer.by} · ${when(answer.at)}: `));
        item.append(typed(answer.text, "text"));
        answers.append(item);
      });
      if (!question.answers.length) answers.append(element("li", "empty", t("ui.no_answer")));
      row.append(answers);
      const putToUs = question.by !== party && (question.to === null || question.to === party);
      if (writes && putToUs) {
        const key = `answer:${n}`;
        const field = this.draftField(`${id}:${key}`, `answer-${n}-text`, t("ui.answer_text"));
        field.required = true;
        const request = () => answerQuestion(id, n, field.value.trim());
        const send = (submit) => act(submit, request, [key]);
        const form = [`answer-${n}-form`, [field], t("ui.answer"), `answer-${n}`, send];
        row.append(this.form("incident-answer", ...form));
      }
      list.append(row);
    }
    if (!incident.questions?.length) list.append(element("li", "empty", t("ui.no_questions")));
    box.append(element("h3", null, t("ui.questions")), list);
    if (writes) {
      const field = this.draftField(`${id}:question`, "question-text", t("ui.question_text"));
      field.required = true;
      const send = (submit) => act(submit, () => ask(id, field.value.trim()), ["question"]);
      box.append(this.form("incident-ask", "ask-form", [field], t("ui.ask"), "ask", send));
    }
    return box;
  }

  /** The mediator's comments, and its form once the case is referred to it. */
  commentsOf(incident, act) {
    const id = incident.id;
    const box = element("section", "incident-comments");
    box.dataset.testid = "comments";
    const list = element("ol", "comments");
    for (const said of incident.comments ?? []) {
      const row = element("li", "comment");
      Object.assign(row.dataset, { testid: `comment-${said.number}`, by: said.by });
      const label = element("span", "label", `${said.by} · ${when(said.at)}: `);
      row.append(label, typed(said.text, "text"));
      list.append(row);
    }
    if (!incident.comments?.length) list.append(element("li", "empty", t("ui.no_comments")));
    box.append(element("h3", null, t("ui.comments")), list);
    const referred = incident.referral?.to.includes(this.user.party);
    if (this.user.role === "mediator" && referred && incident.state !== "closed") {
      const field = this.draftField(`${id}:comment`, "comment-text", t("ui.comment_text"));
      field.required = true;
      const send = (submit) => act(submit, () => commentOn(id, field.value.trim()), ["comment"]);
      const form = ["comment-form", [field], t("ui.comment"), "comment", send];
      box.append(this.form("incident-comment", ...form));
    }
    return box;
  }

  factsOf(view) {
    const box = element("section", "incident-facts");
    const list = element("ol", "facts");
    list.dataset.testid = "facts";
    for (const fact of view.facts) {
      const row = element("li", `fact fact-${fact.kind}`);
      row.dataset.kind = fact.kind;
      row.dataset.items = fact.items.join(" ");
      row.append(english(fact.text));
      list.append(row);
    }
    if (!view.facts.length) list.append(element("li", "empty", t("ui.no_facts")));
    box.append(element("h3", null, t("ui.facts")), element("p", "hint", t("ui.facts_hint")), list);
    return box;
  }

  renderTimeline(view) {
    const bySeq = new Map(view.evidence.map((item) => [item.seq, item]));
    const list = element("ol", "timeline");
    let day = null;
    view.timeline.forEach((entry, n) => {
      const row = element("li", `timeline-entry type-${entry.type.replace(/\./g, "-")}`);
      Object.assign(row.dataset, {
        testid: entry.seq === null ? `timeline-step-${n}` : `timeline-${entry.seq}`,
        type: entry.type,
        time: entry.time,
      });
      if (entry.owner) row.dataset.owner = entry.owner;
      // The date where it changes (a case is often filed days after it happened).
      const time = element("time", "at");
      if (dayOf(entry.time) !== day) time.append(element("span", "day", ltr(dayOf(entry.time))));
      day = dayOf(entry.time);
      time.append(clockTime(entry.time));
      time.dateTime = entry.time;
      time.title = utc(entry.time);
      const what = element("div", "what");
      if (entry.owner) what.append(element("span", `owner party-${entry.owner}`, entry.owner), " ");
      what.append(english(entry.text, "text"));
      // What a person wrote with a step: as written, never translated, isolated.
      if (entry.note) what.append(" ", typed(entry.note, "note"));
      row.append(time, what);
      const receipts = this.receiptsOf(entry, bySeq.get(entry.seq));
      if (receipts) row.append(receipts);
      list.append(row);
    });
    this.timeline.replaceChildren(element("h3", null, t("ui.timeline")), list);
  }

  /** Beside a message: when each recipient's client got it and a human acknowledged it. */
  receiptsOf(entry, item) {
    const message = item && SENT.has(item.type) ? item.payload.message : null;
    const parties = message
      ? message.recipients.map((r) => r.party)
      : Object.keys(entry.receipts);
    if (!parties.length) return null;
    const box = element("ul", "receipts");
    for (const party of parties) {
      const got = entry.receipts[party] ?? {};
      const receipt = element("li", "receipt");
      Object.assign(receipt.dataset, {
        testid: `receipt-${party}`,
        party,
        delivered: got.delivered ?? "",
        acknowledged: got.acknowledged ?? "",
      });
      receipt.append(element("strong", null, `${party}: `));
      const parts = [];
      if (got.delivered) parts.push(t("ui.receipt_delivered", { time: clockTime(got.delivered) }));
      if (got.acknowledged) {
        parts.push(t("ui.receipt_acknowledged", { time: clockTime(got.acknowledged) }));
      }
      receipt.append(parts.length ? parts.join(" · ") : t("ui.no_receipt"));
      receipt.classList.toggle("acknowledged", Boolean(got.acknowledged));
      box.append(receipt);
    }
    return box;
  }

  renderAccounts(incident) {
    const list = element("dl", "accounts");
    for (const [party, narrative] of Object.entries(incident.narratives)) {
      const term = element("dt", null, `${party} · `);
      term.append(element("span", "at", when(narrative.at)));
      const text = element("dd");
      text.dataset.testid = `account-${party}`;
      text.append(typed(narrative.text, "narrative"));
      list.append(term, text);
    }
    const empty = !Object.keys(incident.narratives).length;
    this.accounts.replaceChildren(
      element("h3", null, t("ui.accounts")),
      empty ? element("p", "empty", t("ui.no_accounts")) : list,
    );
  }
}
