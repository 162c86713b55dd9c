// Compose from the map: a warning or an identification query about the point clicked.

import { t } from "./i18n.js";
import { place } from "./format.js";
import { now } from "./clock.js";
import { element } from "./dom.js";

const PRECEDENCES = ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"];
const HAZARDS = [
  "air_strike",
  "artillery_fire",
  "air_defence_active",
  "hostile_aircraft",
  "unsafe_proximity",
  "other",
];
const OBJECT_KINDS = ["fixed_wing", "rotary", "uav", "ground_unit", "unknown_object"];
const FIELDS_OF = {
  warning: ["hazard", "radius_km"],
  identification_query: ["object_kind", "altitude_ft"],
};

function select(name, values, label) {
  const node = element("select");
  node.name = name;
  node.dataset.testid = `compose-${name}`;
  for (const value of values) {
    const option = element("option", null, label(value));
    option.value = value;
    node.append(option);
  }
  return node;
}

function input(name, attributes) {
  const node = element("input");
  Object.assign(node, { name, ...attributes });
  node.dataset.testid = `compose-${name}`;
  return node;
}

function field(name, control) {
  const label = element("label", `field field-${name}`);
  label.append(element("span", null, t(`ui.${name}`)), control);
  return label;
}

/** The message a filled form asks for, at `latlng`. */
function request(form, latlng) {
  const data = new FormData(form);
  const location = { lat: latlng.lat, lon: latlng.lng };
  const type = data.get("type");
  const body =
    type === "warning"
      ? {
          hazard: data.get("hazard"),
          location,
          radius_m: Math.round(Number(data.get("radius_km")) * 1000),
        }
      : {
          object_kind: data.get("object_kind"),
          location,
          observed_at: new Date(now()).toISOString(),
        };
  if (type === "identification_query" && data.get("altitude_ft")) {
    body.altitude_ft = Number(data.get("altitude_ft"));
  }
  const freeText = data.get("free_text").trim();
  return {
    to: data.get("to"),
    type,
    precedence: data.get("precedence"),
    body,
    free_text: freeText || null,
  };
}

function showFieldsFor(form, type) {
  for (const [kind, names] of Object.entries(FIELDS_OF)) {
    for (const name of names) form.querySelector(`.field-${name}`).hidden = kind !== type;
  }
}

/** A form to send from `latlng` to one of `parties`; `send(request)` resolves when sent. */
export function composeForm(latlng, parties, send) {
  const form = element("form", "compose");
  form.dataset.testid = "compose";
  form.dir = document.documentElement.dir;
  const type = select("type", Object.keys(FIELDS_OF), (v) => t(`type.${v}`));
  form.append(
    element("strong", null, t("ui.compose_title")),
    element("p", "where", place(latlng.lat, latlng.lng)),
    field("type", type),
    field(
      "to",
      select("to", parties, (p) => p),
    ),
    field(
      "precedence",
      select("precedence", PRECEDENCES, (p) => t(`precedence.${p}`)),
    ),
    field(
      "hazard",
      select("hazard", HAZARDS, (h) => t(`hazard.${h}`)),
    ),
    field("radius_km", input("radius_km", { type: "number", min: 1, max: 500, value: 10 })),
    field(
      "object_kind",
      select("object_kind", OBJECT_KINDS, (k) => t(`object_kind.${k}`)),
    ),
    field("altitude_ft", input("altitude_ft", { type: "number", min: -1500, max: 100000 })),
    field("free_text", input("free_text", { type: "text", maxLength: 2000 })),
  );
  const status = element("p", "status");
  const submit = element("button", null, t("ui.send"));
  submit.type = "submit";
  submit.dataset.testid = "compose-send";
  form.append(submit, status);
  showFieldsFor(form, type.value);
  type.addEventListener("change", () => showFieldsFor(form, type.value));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await send(request(form, latlng));
      status.textContent = t("ui.sent");
    } catch (error) {
      status.textContent = t("ui.error", { reason: error.message });
      submit.disabled = false;
    }
  });
  return form;
}
