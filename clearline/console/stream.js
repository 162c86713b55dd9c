// The live event stream: resumes after a drop from the last sequence number seen, so that
// nothing is missed and nothing is applied twice; says when it is offline.

const RETRY_MS = [250, 500, 1000, 2000, 4000];
const UNAUTHORISED = 4401;

export class LiveStream {
  /**
   * @param {number} since the last sequence number already accounted for
   * @param {(event: object) => void} onEvent
   * @param {(online: boolean) => void} onConnection
   * @param {() => void} onSignedOut the line refused the sign-in (expired or revoked)
   */
  constructor(since, { onEvent, onConnection, onSignedOut }) {
    this.lastSeq = since;
    this.handlers = { onEvent, onConnection, onSignedOut };
    this.failures = 0;
    this.socket = null;
    this.closed = false;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/v1/stream?since=${this.lastSeq}`);
    socket.addEventListener("open", () => {
      this.failures = 0;
      this.handlers.onConnection(true);
    });
    socket.addEventListener("message", (frame) => this.receive(JSON.parse(frame.data)));
    socket.addEventListener("close", (closing) => this.dropped(closing.code));
    this.socket = socket;
  }

  receive(event) {
    if (typeof event.seq !== "number" || event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.handlers.onEvent(event);
  }

  dropped(code) {
    if (this.closed) return;
    this.handlers.onConnection(false);
    if (code === UNAUTHORISED) {
      this.handlers.onSignedOut();
      return;
    }
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    setTimeout(() => this.connect(), delay);
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }
}
