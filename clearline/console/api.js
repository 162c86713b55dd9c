// The line's HTTP API, as the signed-in user (the session cookie goes with every request).

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.reason ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, path, { body, file, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (file !== undefined) {
    // The file's bytes as they are, streamed by the browser; the line checks them by type.
    init.headers["Content-Type"] = file.type || "application/octet-stream";
    init.body = file;
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

const get = (path) => request("GET", path);
const post = (path, body, headers) => request("POST", path, { body, headers });

export const signIn = (name, password, code) =>
  post("/v1/session", code ? { name, password, code } : { name, password });
export const signOut = () => request("DELETE", "/v1/session");
export const me = () => get("/v1/me");
export const chooseLanguage = (language) =>
  request("PUT", "/v1/me/language", { body: { language } });

export const lines = () => get("/v1/lines");
export const messages = (lang) =>
  get(`/v1/messages?box=all&limit=200&lang=${lang}`).then((a) => a.messages);
export const message = (id, lang) => get(`/v1/messages/${id}?lang=${lang}`);
export const acknowledge = (id) => post(`/v1/messages/${id}/ack`);

/** What the party must still acknowledge, most urgent first: `{items, total, messages}`. */
export const pending = (lang, limit) => get(`/v1/messages/pending?limit=${limit}&lang=${lang}`);
/** Acknowledge the pending item a message is in (a fold of missed checks all together). */
export const acknowledgeItem = (id, lang) =>
  post(`/v1/messages/${id}/ack-item?lang=${lang}`).then((a) => a.messages);

/** Put a message on the line; one idempotency key per message, so a retry sends it once. */
export const send = (request, key = crypto.randomUUID()) =>
  post("/v1/messages", request, { "Idempotency-Key": key });

export const notices = () => get("/v1/notices").then((a) => a.notices);
export const zones = () => get("/v1/zones");
export const positions = () => get("/v1/positions").then((a) => a.positions);
export const conflicts = () => get("/v1/conflicts").then((a) => a.conflicts);
export const acknowledgeConflict = (id) => post(`/v1/conflicts/${id}/ack`);
export const acceptConflict = (id, reason) => post(`/v1/conflicts/${id}/accept`, { reason });
export const tracks = () => get("/v1/tracks").then((a) => a.tracks);
export const encounters = () => get("/v1/encounters").then((a) => a.encounters);

/** The last event sequence number this user may see: where the live stream starts. */
export const lastSeq = () => get("/v1/events/head").then((a) => a.last_seq);

// --- the agreement's talks: its protocol's amendments and its rounds -----------------------

const agreementPath = (id) => `/v1/agreements/${encodeURIComponent(id)}`;
export const proposalsOf = (id) => get(`${agreementPath(id)}/proposals`);
export const roundsOf = (id) => get(`${agreementPath(id)}/rounds`);
export const protocolOf = (id, version) => get(`${agreementPath(id)}/protocol?version=${version}`);
export const diffOf = (id, from, to) =>
  get(`${agreementPath(id)}/protocol/diff?from=${from}&to=${to}`);
/** A round's report (a self-contained HTML page, or a PDF): a plain link, opened by the
 * browser with the session cookie like any request of the console's own origin. */
export const reportUrl = (id, number, format = "html") =>
  `${agreementPath(id)}/rounds/${number}/report?format=${format}`;
export const attachmentUrl = (id, number, name) =>
  `${agreementPath(id)}/rounds/${number}/attachments/${encodeURIComponent(name)}`;
/** A party's signature of a proposal: base64 Ed25519 over the 32 bytes of its digest. */
export const approve = (id, number, signature) =>
  post(`${agreementPath(id)}/proposals/${number}/approvals`, { signature });

// --- incidents: cases the parties review together, referred to the mediator ----------------

const incidentPath = (id) => `/v1/incidents/${id}`;
/** The cases the party is involved in, or (the mediator) was referred; newest first. */
export const incidents = () => get("/v1/incidents").then((a) => a.incidents);
/** A case as the party sees it: `{incident, evidence, timeline, facts}`. */
export const incidentCase = (id) => get(incidentPath(id));
export const moveIncident = (id, state, note = null) =>
  post(`${incidentPath(id)}/state`, { state, note });
export const referIncident = (id, note) => post(`${incidentPath(id)}/referral`, { note });
export const ask = (id, text) => post(`${incidentPath(id)}/questions`, { text });
export const answerQuestion = (id, number, text) =>
  post(`${incidentPath(id)}/questions/${number}/answers`, { text });
export const proposeFinding = (id, finding) => post(`${incidentPath(id)}/findings`, finding);
export const takePosition = (id, number, position, note) =>
  request("PUT", `${incidentPath(id)}/findings/${number}/position`, { body: { position, note } });
export const commentOn = (id, text) => post(`${incidentPath(id)}/comments`, { text });
/** The case as a zip of ledger entries and proofs: a plain link, like a round's report. */
export const dossierUrl = (id) => `${incidentPath(id)}/dossier`;
/** A file of the party's own attached to the case, seen by no one else until it shares it. */
export const attachFile = (id, file) =>
  request("POST", `${incidentPath(id)}/attachments?name=${encodeURIComponent(file.name)}`, {
    file,
  });
/** A file of the case the party may see, by its SHA-256: a plain link, like the dossier. */
export const incidentFileUrl = (id, sha256) => `${incidentPath(id)}/attachments/${sha256}`;
/** Show items of the party's own (by `seq`) to another party of the case or the mediator. */
export const shareItems = (id, to, items) => post(`${incidentPath(id)}/share`, { with: to, items });

// --- a party's people and tokens, administered by its liaison officer ---------------------

export const partyUsers = () => get("/v1/users").then((a) => a.users);
export const addUser = (person) => post("/v1/users", person);
export const changeUser = (name, change) =>
  request("PATCH", `/v1/users/${encodeURIComponent(name)}`, { body: change });
export const partyTokens = () => get("/v1/tokens").then((a) => a.tokens);
export const revokeToken = (id) => request("DELETE", `/v1/tokens/${id}`);
