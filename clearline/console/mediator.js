// The mediator's view: per-line counts, answer times, overdue counts and line-check history.
// Figures only: the mediator never asks for messages, notices or conflicts.

import { t } from "./i18n.js";
import { when } from "./format.js";
import { element } from "./dom.js";

function table(rows) {
  const body = element("tbody");
  for (const [label, value] of rows) {
    const row = element("tr");
    row.append(element("th", null, label), element("td", null, value));
    body.append(row);
  }
  const node = element("table", "figures-table");
  node.append(body);
  return node;
}

const counts = (byKey, prefix, digits = 0) =>
  Object.entries(byKey)
    .map(([key, n]) => `${t(`${prefix}.${key}`)}: ${n.toFixed(digits)}`)
    .join(" · ") || "–";

function outcome(check) {
  if (check.missed) return t("ui.missed");
  if (check.answer_s === null) return t("ui.pending");
  return t("ui.answer_s", { seconds: check.answer_s.toFixed(1) });
}

function checkRow(check) {
  const text = `${when(check.sent_at)} · ${check.party} · ${outcome(check)}`;
  return element("li", check.missed ? "missed" : null, text);
}

function lineFigures({ line, figures }) {
  const section = element("section", "line-figures");
  section.dataset.testid = `figures-${line.party_a}-${line.party_b}`;
  section.append(
    element(
      "h3",
      null,
      t("ui.line_state", {
        parties: `${line.party_a}–${line.party_b}`,
        state: t(`line_state.${line.state}`),
      }),
    ),
    table([
      [t("ui.messages_by_precedence"), counts(figures.messages_by_precedence, "precedence")],
      [t("ui.messages_by_type"), counts(figures.messages_by_type, "type")],
      [t("ui.acknowledged_count"), figures.acknowledged],
      [t("ui.unacknowledged_count"), figures.unacknowledged],
      [t("ui.escalated_count"), figures.escalated],
      [t("ui.overdue_count"), figures.overdue],
      [t("ui.median_answer"), counts(figures.median_answer_s, "precedence", 1)],
    ]),
    element("h4", null, t("ui.line_checks")),
  );
  const checks = element("ol", "line-checks");
  checks.append(...[...figures.line_checks].reverse().map(checkRow));
  if (!figures.line_checks.length) checks.append(element("li", "empty", t("ui.no_check")));
  section.append(checks);
  return section;
}

export function renderFigures(container, lines) {
  container.replaceChildren(element("p", "hint", t("ui.mediator_note")), ...lines.map(lineFigures));
}
