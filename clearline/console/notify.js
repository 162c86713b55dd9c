// The browser's notifications, for a console in a background tab: asked for once per user
// (the answer remembered, never asked again after a refusal), then one notification per
// pending item at most, saying its precedence, its type and the rendered summary, nothing else.

const STORAGE_PREFIX = "clearline.notifications.";

const supported = () => typeof Notification === "function";

/** Where this browser remembers what `user` answered. */
export const storageKey = (user) => `${STORAGE_PREFIX}${user.party}.${user.name}`;

export const inBackground = () => document.visibilityState === "hidden";

export class Notifier {
  /** @param {(item: object) => void} onClick what clicking a notification shows */
  constructor(onClick) {
    this.onClick = onClick;
    this.shown = new Set();
    this.asking = false;
  }

  /** Ask `user` once, ever, in this browser; best called from a gesture (a click, a key). */
  ask(user) {
    if (!supported() || !user || this.asking) return;
    const key = storageKey(user);
    if (localStorage.getItem(key) !== null) return;
    if (Notification.permission !== "default") {
      localStorage.setItem(key, Notification.permission);
      return;
    }
    this.asking = true;
    localStorage.setItem(key, "asked");
    Promise.resolve(Notification.requestPermission())
      .then((answer) => localStorage.setItem(key, answer))
      .catch(() => {})
      .finally(() => (this.asking = false));
  }

  get allowed() {
    return supported() && Notification.permission === "granted";
  }

  /** Notify `item` (a pending item) unless it already was; whether a notification was shown. */
  notify(item) {
    if (!this.allowed || this.shown.has(item.key)) return false;
    this.shown.add(item.key);
    const { rendered } = item.message;
    const note = new Notification(`${rendered.precedence} · ${rendered.title}`, {
      body: rendered.text,
      tag: item.key,
      lang: rendered.language,
      dir: rendered.direction === "rtl" ? "rtl" : "ltr",
    });
    note.onclick = () => {
      window.focus();
      this.onClick(item);
      note.close?.();
    };
    return true;
  }
}
