// The conflicts pane: open conflicts with the time until they start; acknowledge, accept with
// a reason (liaison officers), and jump to the map.

import { t } from "./i18n.js";
import { duration, secondsUntil, when } from "./format.js";
import { now as lineNow } from "./clock.js";
import { button, element } from "./dom.js";
import { canWatch } from "./line.js";

const STANDING = new Set(["open", "acknowledged"]);

export const standing = (conflict) => STANDING.has(conflict.state);

function bySoonest(a, b) {
  return new Date(a.window_start) - new Date(b.window_start);
}

export function tickStarts(root, now = lineNow()) {
  for (const node of root.querySelectorAll(".starts[data-start]")) {
    const left = secondsUntil(node.dataset.start, now);
    node.textContent = left > 0 ? t("ui.starts_in", { time: duration(left) }) : t("ui.started");
  }
}

function acceptForm(conflict, actions) {
  const form = element("form", "accept");
  const reason = element("input");
  Object.assign(reason, { name: "reason", required: true, placeholder: t("ui.reason") });
  reason.dataset.testid = "accept-reason";
  const submit = element("button", null, t("ui.accept"));
  submit.type = "submit";
  submit.dataset.testid = "accept";
  form.append(reason, submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    actions.accept(conflict, reason.value.trim());
  });
  return form;
}

function conflictItem(conflict, { user, actions }) {
  const item = element("li", `conflict severity-${conflict.severity}`);
  Object.assign(item.dataset, {
    id: conflict.id,
    severity: conflict.severity,
    state: conflict.state,
    testid: `conflict-${conflict.id}`,
  });
  const acknowledgedBy = Object.keys(conflict.acknowledged);
  const header = element("div", "conflict-header");
  header.append(
    element("span", "severity", t(`severity.${conflict.severity}`)),
    element("strong", null, t("ui.conflict", { id: conflict.id })),
    element("span", "state", t(`conflict_state.${conflict.state}`)),
  );
  const starts = element("span", "starts");
  starts.dataset.start = conflict.window_start;
  item.append(
    header,
    element(
      "p",
      null,
      `${t(`conflict_source.${conflict.source}`)} · ${conflict.parties.join(" – ")}`,
    ),
    element(
      "p",
      null,
      `${t("ui.window")}: ${when(conflict.window_start)} – ${when(conflict.window_end)}`,
    ),
    starts,
    element(
      "p",
      "acknowledged",
      acknowledgedBy.length
        ? t("ui.acknowledged_by", { parties: acknowledgedBy.join(", ") })
        : t("ui.not_acknowledged"),
    ),
  );
  const tools = element("div", "tools");
  tools.append(button(t("ui.show_on_map"), () => actions.showConflict(conflict), "show-on-map"));
  if (canWatch(user) && !acknowledgedBy.includes(user.party)) {
    tools.append(
      button(t("ui.acknowledge"), () => actions.acknowledgeConflict(conflict), "acknowledge"),
    );
  }
  item.append(tools);
  if (user.role === "liaison_officer") item.append(acceptForm(conflict, actions));
  return item;
}

export function renderConflicts(list, context) {
  const open = context.conflicts.filter(standing).sort(bySoonest);
  list.replaceChildren(...open.map((c) => conflictItem(c, context)));
  if (!open.length) list.append(element("li", "empty", t("ui.no_conflicts")));
  tickStarts(list);
}
