// The line pane: incoming and outgoing messages by precedence and time, each with its state,
// a live countdown to its deadline, and the one-click acknowledgement and answers.

import { t } from "./i18n.js";
import { now as lineNow } from "./clock.js";
import { button, element } from "./dom.js";
import { duration, secondsUntil, when } from "./format.js";

const PRECEDENCE_RANK = { FLASH: 0, IMMEDIATE: 1, PRIORITY: 2, ROUTINE: 3 };
const WATCH_ROLES = new Set(["duty_officer", "watch_commander", "liaison_officer"]);

/** What each answerable type is answered with: reply type, body field, allowed answers. */
export const ANSWERS = {
  identification_query: {
    type: "identification_reply",
    field: "answer",
    choices: ["ours", "partner_force", "not_ours", "unknown", "checking"],
    label: "identification_answer",
  },
  request: {
    type: "request_reply",
    field: "answer",
    choices: ["will_comply", "unable", "counter_proposal"],
    label: "request_answer",
  },
  crossing_request: {
    type: "crossing_decision",
    field: "decision",
    choices: ["approved", "denied", "approved_with_conditions"],
    label: "crossing_decision",
  },
};

export const canWatch = (user) => WATCH_ROLES.has(user.role);

/** The reader's own copy of a message, if it was sent to the reader's party. */
export const ownCopy = (message, party) => message.recipients.find((r) => r.party === party);

export function byPrecedenceAndTime(a, b) {
  return (
    PRECEDENCE_RANK[a.precedence] - PRECEDENCE_RANK[b.precedence] ||
    new Date(b.created_at) - new Date(a.created_at)
  );
}

/** One recipient's state as the console names it: overdue and escalated come first. */
export function stateOf(recipient) {
  if (recipient.overdue) return "overdue";
  if (recipient.escalation_level > 0 && !recipient.acknowledged_at) return "escalated";
  return recipient.state;
}

export function needsAcknowledging(message, party) {
  const own = ownCopy(message, party);
  return Boolean(own && !own.acknowledged_at && own.state !== "held");
}

/** A countdown element that `tickCountdowns` keeps current. */
function countdown(recipient) {
  if (recipient.acknowledged_at) {
    return element(
      "span",
      "deadline",
      t("ui.acknowledged_at", { time: when(recipient.acknowledged_at) }),
    );
  }
  const node = element("span", "deadline countdown");
  if (recipient.due_at) node.dataset.due = recipient.due_at;
  return node;
}

export function tickCountdowns(root, now = lineNow()) {
  for (const node of root.querySelectorAll(".countdown[data-due]")) {
    const left = secondsUntil(node.dataset.due, now);
    node.textContent =
      left >= 0
        ? t("ui.due_in", { time: duration(left) })
        : t("ui.overdue_by", { time: duration(-left) });
    node.classList.toggle("late", left < 0);
  }
}

function recipientRow(recipient, outgoing) {
  const state = stateOf(recipient);
  const row = element("div", `recipient state-${state}`);
  row.dataset.party = recipient.party;
  row.dataset.state = state;
  const label = outgoing ? `${recipient.party}: ${t(`state.${state}`)}` : t(`state.${state}`);
  row.append(element("span", "state", label), countdown(recipient));
  return row;
}

function answerButtons(message, actions) {
  const answer = ANSWERS[message.type];
  const box = element("div", "answers");
  box.append(element("span", "answers-label", t("ui.answer")));
  for (const choice of answer.choices) {
    box.append(
      button(
        t(`${answer.label}.${choice}`),
        () => actions.answer(message, choice),
        `answer-${choice}`,
      ),
    );
  }
  return box;
}

function replyText(message, messages) {
  const reply = messages.find((m) => m.in_reply_to === message.id);
  return reply ? element("p", "reply", `↳ ${reply.rendered.title}: ${reply.rendered.text}`) : null;
}

function messageItem(message, context) {
  const { user, messages, actions } = context;
  const outgoing = message.sender_party === user.party;
  const own = ownCopy(message, user.party);
  const item = element("li", `message precedence-${message.precedence}`);
  Object.assign(item.dataset, {
    id: message.id,
    type: message.type,
    precedence: message.precedence,
    direction: outgoing ? "outgoing" : "incoming",
    testid: `message-${message.id}`,
  });
  item.dir = message.rendered.direction;

  const header = element("div", "message-header");
  const other = outgoing ? message.to.join(", ") : (message.sender_party ?? t("label.from_line"));
  header.append(
    element("span", "precedence", message.rendered.precedence),
    element("strong", "title", message.rendered.title),
    element("span", "party", t(outgoing ? "ui.outgoing" : "ui.incoming", { party: other })),
    element("time", "created", when(message.created_at)),
  );
  item.append(header, element("p", "text", message.rendered.text));
  if (message.free_text) {
    // Isolated: a right-to-left override in what the other party typed stays inside it.
    const free = element("p", "free-text");
    free.dir = "auto";
    free.append(
      element("span", "untranslated", `${message.rendered.free_text_label} `),
      element("bdi", null, message.free_text),
    );
    item.append(free);
  }
  const recipients = outgoing ? message.recipients : [own].filter(Boolean);
  for (const recipient of recipients) item.append(recipientRow(recipient, outgoing));
  const reply = replyText(message, messages);
  if (reply) item.append(reply);

  if (!outgoing && canWatch(user)) {
    if (needsAcknowledging(message, user.party)) {
      item.append(button(t("ui.acknowledge"), () => actions.acknowledge(message), "acknowledge"));
    }
    if (ANSWERS[message.type] && own && !own.answered_at) {
      item.append(answerButtons(message, actions));
    }
  }
  return item;
}

/** Render every message into `list`, most urgent first. */
export function renderMessages(list, context) {
  const sorted = [...context.messages].sort(byPrecedenceAndTime);
  list.replaceChildren(...sorted.map((m) => messageItem(m, context)));
  if (!sorted.length) list.append(element("li", "empty", t("ui.no_messages")));
  tickCountdowns(list);
}
