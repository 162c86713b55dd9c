// The pending queue as the duty officer sees it: one strip of fixed height with the most urgent
// item and "and N more", which opens the rest in a panel, in the line's order, each with its
// acknowledge button. However long the queue, the map keeps two thirds of the screen.

import { t } from "./i18n.js";
import { button, element } from "./dom.js";
import { hm, ltr } from "./format.js";
import { tickCountdowns } from "./line.js";

/**
 * @typedef {{key: string, kind: string, message: object, message_ids: number[], count: number,
 *   first_at: string, last_at: string, due_at: string | null, overdue: boolean}} PendingItem
 * @typedef {{items: PendingItem[], total: number, messages: number}} Pending
 */

const isFold = (item) => item.count > 1;

/** The parts of an item both the strip and the panel show, in reading order. */
function parts(item) {
  const { rendered } = item.message;
  const nodes = [
    element("strong", "item-precedence", rendered.precedence),
    element("span", "item-title", rendered.title),
  ];
  if (isFold(item)) {
    const last = ltr(hm(item.last_at));
    const fold = element("span", "item-fold", t("ui.fold", { count: item.count, time: last }));
    fold.dataset.testid = "item-fold";
    nodes.push(fold);
  }
  const text = element("span", "item-text", rendered.text);
  text.dir = rendered.direction;
  text.title = rendered.text;
  nodes.push(text);
  if (item.overdue) nodes.push(element("span", "item-overdue", t("state.overdue")));
  if (item.due_at) {
    const due = element("span", "deadline countdown");
    due.dataset.due = item.due_at;
    nodes.push(due);
  }
  return nodes;
}

const MARKS = ["key", "id", "kind", "precedence", "count"];

/** What a test or a stylesheet needs to know of the item a node shows. */
function mark(node, item) {
  node.dataset.key = item.key;
  node.dataset.id = String(item.message.id);
  node.dataset.kind = item.kind;
  node.dataset.precedence = item.message.precedence;
  node.dataset.count = String(item.count);
}

export class PendingQueue {
  /**
   * @param {HTMLElement} strip @param {HTMLElement} panel
   * @param {{acknowledge: (item: PendingItem) => void, soundBlocked: () => boolean}} actions
   */
  constructor(strip, panel, actions) {
    this.strip = strip;
    this.panel = panel;
    this.actions = actions;
    /** @type {Pending} */
    this.pending = { items: [], total: 0, messages: 0 };
    this.shown = false; // until the first queue arrives
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.isOpen) this.close();
    });
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  get first() {
    return this.pending.items[0] ?? null;
  }

  /** Show `pending` as the line answered it. */
  show(pending) {
    this.pending = pending;
    this.shown = true;
    this.render();
  }

  /** Take an item off at once (it is being acknowledged); the next refresh has the truth. */
  remove(key) {
    const items = this.pending.items.filter((item) => item.key !== key);
    if (items.length === this.pending.items.length) return;
    this.show({ ...this.pending, items, total: Math.max(0, this.pending.total - 1) });
  }

  open() {
    this.panel.hidden = false;
    this.renderPanel();
    this.panel.querySelector(".queue-close")?.focus();
  }

  close() {
    if (!this.isOpen) return;
    this.panel.hidden = true;
    this.strip.querySelector(".strip-more")?.focus();
  }

  render() {
    if (!this.shown) return;
    // Drawn anew: a keyboard user's focus goes back to the same kind of button.
    const focused = document.activeElement;
    const within = [this.strip, this.panel].find((part) => part.contains(focused));
    const testId = within ? focused.dataset.testid : null;
    const index = Number(focused?.closest(".queue-item")?.dataset.index ?? 0);
    this.renderStrip();
    if (this.isOpen) this.renderPanel();
    if (testId) this.refocus(within, testId, index);
  }

  refocus(within, testId, index) {
    const buttons = [...within.querySelectorAll(`[data-testid="${testId}"]`)];
    buttons[Math.min(index, buttons.length - 1)]?.focus();
  }

  renderStrip() {
    const { strip } = this;
    const first = this.first;
    const { total } = this.pending;
    strip.hidden = false;
    const flash = first?.message.precedence === "FLASH";
    strip.dataset.state = !first ? "clear" : flash ? "flash" : "pending";
    strip.dataset.total = String(total);
    if (first) mark(strip, first);
    else for (const name of MARKS) delete strip.dataset[name];

    const body = element("div", "strip-item");
    if (first) {
      body.append(...parts(first));
    } else {
      body.append(element("span", "strip-clear", t("ui.nothing_pending")));
    }
    const end = element("div", "strip-end");
    if (first) {
      const acknowledge = () => this.actions.acknowledge(first);
      end.append(button(t("ui.acknowledge"), acknowledge, "strip-acknowledge"));
    }
    if (total > 1) {
      const label = t("ui.and_more", { count: total - 1 });
      const more = button(label, () => this.toggle(), "queue-open");
      more.classList.add("strip-more");
      more.setAttribute("aria-expanded", String(this.isOpen));
      more.setAttribute("aria-controls", this.panel.id);
      end.append(more);
    }
    if (this.actions.soundBlocked()) {
      const blocked = element("span", "sound-blocked", t("ui.sound_blocked"));
      blocked.dataset.testid = "sound-blocked";
      end.append(blocked);
    }
    strip.replaceChildren(body, end);
    if (!first && this.isOpen) this.close();
    tickCountdowns(strip);
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
    this.strip.querySelector(".strip-more")?.setAttribute("aria-expanded", String(this.isOpen));
  }

  renderPanel() {
    const { items, total } = this.pending;
    const header = element("header", "queue-header");
    const close = button(t("ui.close"), () => this.toggle(), "queue-close");
    close.classList.add("queue-close");
    header.append(element("h2", null, t("ui.queue_title", { count: total })), close);
    const list = element("ol", "queue-items");
    list.dataset.testid = "queue-items";
    list.append(
      ...items.map((item, index) => {
        const row = element("li", `queue-item precedence-${item.message.precedence}`);
        mark(row, item);
        row.dataset.testid = "queue-item";
        row.dataset.index = String(index);
        const body = element("div", "queue-item-body");
        body.append(...parts(item));
        const acknowledge = () => this.actions.acknowledge(item);
        row.append(body, button(t("ui.acknowledge"), acknowledge, "queue-acknowledge"));
        return row;
      }),
    );
    const nodes = [header, list];
    if (total > items.length) {
      nodes.push(element("p", "queue-more", t("ui.queue_shown", { shown: items.length, total })));
    }
    const scroll = this.panel.querySelector(".queue-items")?.scrollTop ?? 0;
    this.panel.replaceChildren(...nodes);
    list.scrollTop = scroll;
    tickCountdowns(list);
  }
}
