// What must reach the duty officer: the pending queue kept current from the line, the FLASH
// tone while anything FLASH is pending, and, with the tab in the background, a notification
// for each item that arrives and for each message escalated to the signed-in user's role.

import * as api from "./api.js";
import { FlashAlarm } from "./flash.js";
import { language } from "./i18n.js";
import { Notifier, inBackground } from "./notify.js";
import { PendingQueue } from "./queue.js";

/** Items the panel lists; the strip counts them all. */
const SHOWN = 200;
/** A burst of events is one refresh. */
const SETTLE_MS = 100;
/** A flood arriving in the background is a few notifications, not hundreds. */
const NOTIFY_AT_ONCE = 3;

export class Alerts {
  /**
   * @param {{strip: HTMLElement, panel: HTMLElement}} elements
   * @param {(messages: object[]) => void} onAcknowledged the messages an acknowledgement changed
   * @param {(error: Error) => void} report
   */
  constructor({ strip, panel }, onAcknowledged, report) {
    this.onAcknowledged = onAcknowledged;
    this.report = report;
    this.user = null;
    this.flash = new FlashAlarm(strip, () => this.queue.render());
    this.queue = new PendingQueue(strip, panel, {
      acknowledge: (item) => this.acknowledge(item),
      soundBlocked: () => this.flash.blocked,
    });
    this.notifier = new Notifier(() => this.queue.open());
    this.seen = null; // the keys of the items already shown; null until the first load
    this.escalated = new Set(); // messages escalated to this user, to notify once loaded
    this.loading = null;
    this.again = false;
    this.timer = null;
    for (const type of ["pointerdown", "keydown"]) {
      document.addEventListener(type, () => this.gesture(), true);
    }
  }

  /** The sign-in click (or any later gesture): sound may play, and notifications are asked. */
  gesture() {
    this.flash.unlockSound();
    if (this.user) this.notifier.ask(this.user);
  }

  /** Watch the queue for `user` (a person on the watch of a party). */
  start(user) {
    this.user = user;
    if (navigator.userActivation?.isActive) this.notifier.ask(user);
    return this.refresh();
  }

  /** Something happened on the line: refresh once the burst has settled. */
  changed() {
    if (!this.user || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch(this.report);
    }, SETTLE_MS);
  }

  /** `message.escalated`: when it names this user's party and role, it is for this user. */
  onEscalated(payload) {
    if (payload.party === this.user?.party && payload.role === this.user?.role) {
      this.escalated.add(payload.message_id);
    }
    this.changed();
  }

  /** Load the queue now; one load at a time, and one more if asked again meanwhile. */
  refresh() {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        this.apply(await api.pending(language(), SHOWN));
      } while (this.again);
    })().finally(() => (this.loading = null));
    return this.loading;
  }

  apply(pending) {
    const fresh = this.seen ? pending.items.filter((item) => !this.seen.has(item.key)) : [];
    this.seen = new Set([...(this.seen ?? []), ...pending.items.map((item) => item.key)]);
    const escalated = pending.items.filter((item) =>
      item.message_ids.some((id) => this.escalated.has(id)),
    );
    this.escalated.clear();
    this.queue.show(pending);
    this.flash.sound(pending.items.some((item) => item.message.precedence === "FLASH"));
    if (inBackground()) this.notify([...escalated, ...fresh.slice(0, NOTIFY_AT_ONCE)]);
  }

  notify(items) {
    let shown = false;
    for (const item of items) shown = this.notifier.notify(item) || shown;
    if (shown) this.flash.tone();
  }

  async acknowledge(item) {
    this.queue.remove(item.key);
    try {
      this.onAcknowledged(await api.acknowledgeItem(item.message.id, language()));
    } catch (error) {
      this.report(error);
    }
    await this.refresh().catch(this.report);
  }
}
