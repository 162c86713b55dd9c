// The console: sign-in, then the map, the line and the conflicts for a party's people, or the
// figures for a mediator; kept current by the live event stream.

import * as api from "./api.js";
import { followLineClock, now } from "./clock.js";
import { composeForm } from "./compose.js";
import { renderConflicts, standing, tickStarts } from "./conflicts.js";
import { Alerts } from "./alerts.js";
import { dtg, utc } from "./format.js";
import { language, rememberedLanguage, setLanguage, t } from "./i18n.js";
import { element } from "./dom.js";
import { ANSWERS, canWatch, renderMessages, tickCountdowns } from "./line.js";
import { TheatreMap } from "./map.js";
import { renderFigures } from "./mediator.js";
import { LiveStream } from "./stream.js";
import { TALK_EVENTS, Talks, canTalk } from "./talks.js";
import { INCIDENT_EVENTS, Incidents, canReview } from "./incidents.js";
import { PEOPLE_EVENTS, People, canManage } from "./people.js";

const $ = (id) => document.getElementById(id);
const TRACKS_EVERY_MS = 2000;
const FIGURES_EVERY_MS = 5000;
/** Events that may change what the party must acknowledge: the queue is loaded again. */
const QUEUE_EVENTS = /^(message|line)\./;
const MEDIATOR_PARTS = ["lines", "figures", "zones"];
const PARTY_PARTS = [
  "lines",
  "messages",
  "conflicts",
  "notices",
  "positions",
  "zones",
  "tracks",
  "encounters",
];

const state = {
  user: null,
  lines: [],
  messages: new Map(),
  conflicts: new Map(),
  notices: new Map(),
  positions: new Map(),
  zones: { type: "FeatureCollection", features: [] },
  tracks: [],
  encounters: new Map(),
};
let map = null;
/** The talks pane (amendments and rounds of talks), for liaison officers and the mediator. */
let talks = null;
/** The people pane (the party's users and tokens), for its liaison officers. */
let people = null;
/** The incidents pane (cases under joint review), for duty and liaison officers, the mediator. */
let incidents = null;
let online = false;
const alerts = new Alerts(
  { strip: $("alert-strip"), panel: $("queue") },
  (messages) => messages.forEach(putMessage),
  report,
);

// --- rendering: parts marked changed are drawn once, on the next turn of the event loop ---

const dirty = new Set();

const context = () => ({
  user: state.user,
  messages: [...state.messages.values()],
  conflicts: [...state.conflicts.values()],
  actions: { acknowledge, answer, acknowledgeConflict, accept, showConflict },
});

const RENDERERS = {
  messages: () => {
    const { messages } = context();
    renderMessages($("messages"), context());
    map.setMessages(messages);
  },
  conflicts: () => {
    renderConflicts($("conflicts"), context());
    map.setConflicts(context().conflicts.filter(standing));
  },
  lines: () => renderLineStatus(),
  figures: () => renderFigures($("figures"), state.lines),
  notices: () => map.setNotices([...state.notices.values()], state.user.party),
  positions: () => map.setPositions([...state.positions.values()]),
  zones: () => map.setZones(state.zones),
  tracks: () => map.setTracks(state.tracks),
  encounters: () => map.setEncounters([...state.encounters.values()]),
};

function changed(...parts) {
  if (!dirty.size) setTimeout(render, 0);
  for (const part of parts) dirty.add(part);
}

function render() {
  for (const part of dirty) RENDERERS[part]();
  dirty.clear();
}

function lastCheckText(figures, party) {
  const own = figures.line_checks.filter((check) => check.party === party);
  const last = (own.length ? own : figures.line_checks).at(-1);
  if (!last) return t("ui.no_check");
  const values = { dtg: dtg(last.sent_at), seconds: last.answer_s?.toFixed(1) };
  if (last.missed) return t("ui.last_check_missed", values);
  return t(last.answer_s === null ? "ui.last_check_pending" : "ui.last_check", values);
}

function renderLineStatus() {
  const box = $("line-status");
  box.hidden = false;
  box.replaceChildren(
    ...state.lines.map(({ line, figures }) => {
      const parties = `${line.party_a}–${line.party_b}`;
      const status = t("ui.line_state", { parties, state: t(`line_state.${line.state}`) });
      const node = element("span", `line line-${line.state}`);
      node.dataset.state = line.state;
      node.append(
        element("strong", null, status),
        element("span", "last-check", lastCheckText(figures, state.user.party)),
      );
      return node;
    }),
  );
}

// --- loading what the user may see ---

const keyed = (records) => new Map(records.map((record) => [record.id, record]));

async function loadLines() {
  state.lines = await api.lines();
  changed("lines", ...(state.user.role === "mediator" ? ["figures"] : []));
}

async function loadMessages() {
  state.messages = keyed(await api.messages(language()));
  changed("messages");
}

async function loadZones() {
  state.zones = await api.zones();
  changed("zones");
}

async function loadTracks() {
  [state.tracks, state.encounters] = await Promise.all([
    api.tracks(),
    api.encounters().then(keyed),
  ]);
  changed("tracks", "encounters");
}

async function loadPartyPicture() {
  const [conflicts, notices, positions] = await Promise.all([
    api.conflicts(),
    api.notices(),
    api.positions(),
  ]);
  state.conflicts = keyed(conflicts);
  state.notices = keyed(notices);
  state.positions = keyed(positions);
  changed("conflicts", "notices", "positions");
}

// --- live: every event the user may see, applied as it comes ---

function upsert(collection, record, part) {
  collection.set(record.id, record);
  changed(part);
}

/** A message as the API rendered it; fetched again when it came in another language. */
function putMessage(message) {
  if (message.rendered.language !== language()) return refreshMessage(message.id);
  upsert(state.messages, message, "messages");
}

async function refreshMessage(id) {
  upsert(state.messages, await api.message(id, language()), "messages");
}

const onMessage = (p) => {
  putMessage(p.message);
  if (p.message.type.startsWith("line_check")) loadLines();
};
const onMessageChange = (p) => refreshMessage(p.message_id);
const onEscalated = (p) => {
  alerts.onEscalated(p);
  return refreshMessage(p.message_id);
};

const EVENT_HANDLERS = {
  "message.sent": onMessage,
  "message.released": onMessage,
  "message.delivered": onMessageChange,
  "message.acknowledged": onMessageChange,
  "message.answered": onMessageChange,
  "message.escalated": onEscalated,
  "message.overdue": onMessageChange,
  "line.suspended": loadLines,
  "line.restored": loadLines,
  "line_check.answered": loadLines,
  "notice.filed": (p) => upsert(state.notices, p.notice, "notices"),
  "notice.amended": (p) => upsert(state.notices, p.notice, "notices"),
  "notice.cancelled": (p) => upsert(state.notices, p.notice, "notices"),
  "notice.state_changed": (p) => upsert(state.notices, p.notice, "notices"),
  "zone.added": loadZones,
  "position.declared": (p) => upsert(state.positions, p.position, "positions"),
  "track.attributed": loadTracks,
};

function handlerFor(type) {
  if (type.startsWith("conflict.")) return (p) => upsert(state.conflicts, p.conflict, "conflicts");
  if (type.startsWith("encounter.")) {
    return (p) => upsert(state.encounters, p.encounter, "encounters");
  }
  return EVENT_HANDLERS[type];
}

function onEvent(event) {
  const handler = handlerFor(event.type);
  if (handler) Promise.resolve(handler(event.payload)).catch(report);
  if (QUEUE_EVENTS.test(event.type)) alerts.changed();
  if (talks && TALK_EVENTS.test(event.type)) talks.load().catch(report);
  if (incidents && INCIDENT_EVENTS.test(event.type)) incidents.load().catch(report);
  if (people && PEOPLE_EVENTS.test(event.type)) people.load().catch(report);
  if (state.user.role === "mediator") loadLines().catch(report);
}

function onConnection(isOnline) {
  online = isOnline;
  const node = $("connection");
  node.hidden = false;
  node.dataset.state = online ? "online" : "offline";
  node.textContent = t(online ? "ui.online" : "ui.offline");
}

// --- what the user does ---

function report(error) {
  console.error(error);
  const bar = $("toast");
  bar.textContent = t("ui.error", { reason: error.message });
  bar.hidden = false;
  setTimeout(() => (bar.hidden = true), 8000);
}

async function acknowledge(message) {
  try {
    putMessage(await api.acknowledge(message.id));
  } catch (error) {
    report(error);
  }
}

async function answer(message, choice) {
  const reply = ANSWERS[message.type];
  const body = { [reply.field]: choice };
  if (choice === "approved_with_conditions") {
    const conditions = prompt(t("ui.conditions_prompt"));
    if (!conditions) return;
    body.conditions = conditions;
  }
  try {
    putMessage(
      await api.send({
        to: message.sender_party,
        type: reply.type,
        precedence: message.precedence,
        body,
        in_reply_to: message.id,
      }),
    );
    await refreshMessage(message.id);
  } catch (error) {
    report(error);
  }
}

async function acknowledgeConflict(conflict) {
  try {
    upsert(state.conflicts, await api.acknowledgeConflict(conflict.id), "conflicts");
  } catch (error) {
    report(error);
  }
}

async function accept(conflict, reason) {
  try {
    upsert(state.conflicts, await api.acceptConflict(conflict.id, reason), "conflicts");
  } catch (error) {
    report(error);
  }
}

function showConflict(conflict) {
  map.showConflict(conflict.id);
}

function otherParties() {
  return state.lines.map(({ line }) =>
    line.party_a === state.user.party ? line.party_b : line.party_a,
  );
}

function compose(latlng) {
  const send = async (request) => putMessage(await api.send(request));
  map.openPopup(latlng, composeForm(latlng, otherParties(), send));
}

// --- signing in and out, language, the clock ---

function tick() {
  const time = now();
  $("clock").textContent = `${utc(time)} · ${dtg(time)}`;
  tickCountdowns($("messages"), time);
  tickCountdowns($("alert-strip"), time);
  tickCountdowns($("queue"), time);
  tickStarts($("conflicts"), time);
}

/** Load again every `ms` while the line is reachable (the stream says when it is not). */
function poll(load, ms) {
  setInterval(() => online && load().catch(report), ms);
}

function connect(since) {
  return new LiveStream(since, {
    onEvent,
    onConnection,
    onSignedOut: () => location.reload(),
  });
}

const agreementIds = () => [...new Set(state.lines.map(({ line }) => line.agreement_id))];

/** The talks pane, once the lines (and so the agreements) are known; a failure to load it
 * is reported, and the rest of the console goes on. */
async function startTalks() {
  if (!canTalk(state.user)) return;
  $("talks-pane").hidden = false;
  talks = new Talks($("talks"), state.user, report);
  await talks.load(agreementIds()).catch(report);
}

/** The incidents pane; a failure to load it is reported, and the rest of the console goes on. */
async function startIncidents() {
  if (!canReview(state.user)) return;
  $("incidents-pane").hidden = false;
  incidents = new Incidents($("incidents"), $("incident-case"), state.user, report);
  await incidents.load().catch(report);
}

/** The people pane; a failure to load it is reported, and the rest of the console goes on. */
async function startPeople() {
  if (!canManage(state.user)) return;
  $("people-pane").hidden = false;
  people = new People($("people"), state.user, report);
  await people.load().catch(report);
}

async function startParty() {
  const since = await api.lastSeq();
  await Promise.all([loadLines(), loadMessages(), loadZones(), loadPartyPicture(), loadTracks()]);
  if (canWatch(state.user)) await alerts.start(state.user);
  await startTalks();
  await startIncidents();
  await startPeople();
  connect(since);
  poll(loadTracks, TRACKS_EVERY_MS);
}

async function startMediator() {
  for (const pane of ["line-pane", "conflicts-pane"]) $(pane).hidden = true;
  $("mediator-pane").hidden = false;
  map.zonesOnly();
  const since = await api.lastSeq();
  await Promise.all([loadLines(), loadZones()]);
  await startTalks();
  await startIncidents();
  connect(since);
  poll(loadLines, FIGURES_EVERY_MS);
}

async function start(user) {
  state.user = user;
  setLanguage(user.language);
  $("language").value = user.language;
  $("sign-in").hidden = true;
  $("console").hidden = false;
  $("sign-out").hidden = false;
  $("who").hidden = false;
  $("who").textContent = `${user.name} · ${user.party} · ${t(`role.${user.role}`)}`;
  $("who").dataset.role = user.role;
  map = new TheatreMap($("map"), canWatch(user) ? compose : null);
  await (user.role === "mediator" ? startMediator() : startParty());
  document.body.dataset.ready = "true";
}

async function signIn(event) {
  event.preventDefault();
  alerts.gesture();
  const form = new FormData(event.target);
  const error = $("sign-in-error");
  try {
    const { user } = await api.signIn(form.get("name"), form.get("password"), form.get("code"));
    error.hidden = true;
    await start(user);
  } catch (failure) {
    error.textContent = signInRefusal(failure);
    error.hidden = false;
  }
}

function signInRefusal(failure) {
  if (failure.body?.field === "code") {
    return t(failure.status === 403 ? "ui.code_required" : "ui.code_needed");
  }
  if (failure.status === 401) return t("ui.bad_sign_in");
  if (failure.status === 429) {
    return t("ui.sign_in_wait", { minutes: Math.ceil(failure.body.retry_after_s / 60) });
  }
  return failure.message;
}

async function switchLanguage(event) {
  setLanguage(event.target.value);
  if (!state.user) return;
  state.user = (await api.chooseLanguage(language())).user;
  $("who").textContent =
    `${state.user.name} · ${state.user.party} · ${t(`role.${state.user.role}`)}`;
  map.labelLayers();
  if (state.user.role !== "mediator") await loadMessages();
  if (canWatch(state.user)) await alerts.refresh();
  changed(...(state.user.role === "mediator" ? MEDIATOR_PARTS : PARTY_PARTS));
  talks?.render();
  incidents?.render();
  people?.render();
}

async function signOut() {
  await api.signOut();
  location.reload();
}

async function boot() {
  setLanguage(rememberedLanguage());
  $("language").value = language();
  $("sign-in-form").addEventListener("submit", signIn);
  $("language").addEventListener("change", (e) => switchLanguage(e).catch(report));
  $("sign-out").addEventListener("click", () => signOut().catch(report));
  await followLineClock();
  tick();
  setInterval(tick, 1000);
  try {
    await start((await api.me()).user);
  } catch (error) {
    if (error.status !== 401) throw error;
    $("sign-in").hidden = false;
  }
}

boot().catch(report);
