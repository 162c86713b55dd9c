// The theatre map: Natural Earth borders (no tiles, so it works offline) and the line's layers.
// Leaflet and topojson-client are loaded as globals (`L`, `topojson`) by index.html.

import { t } from "./i18n.js";
import { place, when } from "./format.js";

const THEATRE = [
  [32.3, 35.6],
  [37.4, 42.4],
]; // Syria
const BORDERS = "/vendor/world-atlas/countries-50m.json";
const PARTY_COLOURS = { IL: "#1f5fbf", TR: "#c0392b", AZ: "#2e8b57" };
const SEVERITY_COLOURS = {
  low: "#e6c229",
  medium: "#f08a24",
  high: "#d7263d",
  critical: "#7b0d5a",
};
const UNKNOWN_COLOUR = "#555";

export const partyColour = (party) => PARTY_COLOURS[party] ?? UNKNOWN_COLOUR;

/** Natural Earth borders under everything else on a Leaflet map (the theatre's, a replay's). */
export async function drawBorders(map) {
  const topo = await (await fetch(BORDERS)).json();
  const countries = topojson.feature(topo, topo.objects.countries);
  L.geoJSON(countries, {
    interactive: false,
    style: {
      color: "#8a8a7a",
      weight: 1,
      fillColor: "#f4f1e8",
      fillOpacity: 1,
    },
  })
    .addTo(map)
    .bringToBack();
}

/** A popup's body: a title and lines of detail, in the reader's direction. */
function details(title, lines) {
  const box = document.createElement("div");
  box.className = "details";
  box.dir = document.documentElement.dir;
  const heading = document.createElement("strong");
  heading.textContent = title;
  box.append(heading);
  for (const line of lines.filter(Boolean)) {
    // Each line in a <bdi>: names and free text typed by a party cannot reorder the popup.
    const row = document.createElement("div");
    const text = document.createElement("bdi");
    text.textContent = line;
    row.append(text);
    box.append(row);
  }
  return box;
}

function centreOf(layer) {
  return layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng();
}

/** Leaflet layers for the line's own GeoJSON (which adds `Circle` and corridors). */
function shape(geometry, style, widthM = null) {
  if (
    geometry.type === "Circle" ||
    (geometry.type === "Point" && geometry.radius_m)
  ) {
    const [lon, lat] = geometry.coordinates;
    return L.circle([lat, lon], { radius: geometry.radius_m, ...style });
  }
  if (geometry.type === "LineString" && widthM) {
    const route = geometry.coordinates.map(([lon, lat]) => [lat, lon]);
    return L.polyline(route, { ...style, weight: 6, dashArray: "10 6" });
  }
  return L.geoJSON(geometry, { style: () => style });
}

export class TheatreMap {
  /** @param {HTMLElement} element @param {(latlng) => void} onClick */
  constructor(element, onClick) {
    this.map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    this.map.fitBounds(THEATRE);
    // The queue's panel opening above changes the map's size, not the window's.
    new ResizeObserver(() => this.map.invalidateSize()).observe(element);
    this.layers = {
      own_notices: L.featureGroup(),
      other_notices: L.featureGroup(),
      zones: L.featureGroup(),
      positions: L.featureGroup(),
      conflicts: L.featureGroup(),
      tracks: L.featureGroup(),
      encounters: L.featureGroup(),
      messages: L.featureGroup(),
    };
    this.conflictLayers = new Map();
    this.shown = Object.keys(this.layers);
    this.control = null;
    this.labelLayers();
    this.map.on("click", (e) => onClick?.(e.latlng));
    this.loadBorders();
  }

  loadBorders() {
    return drawBorders(this.map);
  }

  /** The layer switcher, in the current language (rebuilt when the language changes). */
  labelLayers() {
    this.control?.remove();
    const overlays = {};
    for (const name of this.shown) {
      overlays[t(`layer.${name}`)] = this.layers[name];
      this.layers[name].addTo(this.map);
    }
    this.control = L.control
      .layers(null, overlays, { collapsed: false })
      .addTo(this.map);
  }

  /** The mediator's map: agreed zones only, never anyone's operations. */
  zonesOnly() {
    for (const [name, layer] of Object.entries(this.layers)) {
      if (name !== "zones") layer.remove();
    }
    this.shown = ["zones"];
    this.labelLayers();
  }

  openPopup(latlng, content) {
    L.popup().setLatLng(latlng).setContent(content).openOn(this.map);
  }

  setNotices(notices, ownParty) {
    this.layers.own_notices.clearLayers();
    this.layers.other_notices.clearLayers();
    for (const notice of notices) {
      if (["ended", "cancelled"].includes(notice.state)) continue;
      const group = notice.party === ownParty ? "own_notices" : "other_notices";
      for (const volume of notice.versions.at(-1).volumes) {
        const style = {
          color: partyColour(notice.party),
          weight: 2,
          fillOpacity: 0.12,
        };
        const className = `notice ${group.replace("_", "-")}`;
        const layer = L.geoJSON(volume.footprint, {
          className,
          style: () => style,
        });
        layer.bindPopup(() => this.noticeDetails(notice, volume));
        this.layers[group].addLayer(layer);
      }
    }
  }

  noticeDetails(notice, volume) {
    const {
      start,
      end,
      alt_lower_ft: lower,
      alt_upper_ft: upper,
    } = volume.input;
    return details(t("ui.notice", { id: notice.id, party: notice.party }), [
      `${t(`notice_kind.${notice.kind}`)} · ${t(`notice_state.${notice.state}`)}`,
      `${t("ui.window")}: ${when(start)} – ${when(end)}`,
      t("ui.altitude", { lower: Math.round(lower), upper: Math.round(upper) }),
      notice.versions.at(-1).free_text,
    ]);
  }

  setZones(collection) {
    this.layers.zones.clearLayers();
    for (const feature of collection.features) {
      const zone = feature.properties;
      const colour =
        zone.kind === "red_line_zone" ? "#d7263d" : partyColour(zone.owner);
      const style = {
        color: colour,
        weight: 2,
        dashArray: "6 4",
        fillOpacity: 0.06,
      };
      const layer = shape(feature.geometry, style, zone.width_m);
      layer.bindPopup(() =>
        details(`${t("ui.zone")}: ${zone.name}`, [
          t(`zone_kind.${zone.kind}`),
          zone.owner ? `${t("ui.party")}: ${zone.owner}` : null,
          t("ui.altitude", {
            lower: zone.alt_lower_ft,
            upper: zone.alt_upper_ft,
          }),
        ]),
      );
      this.layers.zones.addLayer(layer);
    }
  }

  setPositions(positions) {
    this.layers.positions.clearLayers();
    for (const position of positions) {
      const style = {
        color: partyColour(position.party),
        weight: 2,
        fillOpacity: 0.4,
      };
      const layer = L.featureGroup([
        L.geoJSON(position.square, { style: () => style }),
        L.circleMarker([position.lat, position.lon], { ...style, radius: 5 }),
      ]);
      layer.bindPopup(() =>
        details(`${t("ui.position")}: ${position.name}`, [
          `${position.party} · ${t(`position_kind.${position.kind}`)}`,
          place(position.lat, position.lon, position.mgrs),
          when(position.declared_at),
        ]),
      );
      this.layers.positions.addLayer(layer);
    }
  }

  setConflicts(conflicts) {
    this.layers.conflicts.clearLayers();
    this.conflictLayers.clear();
    for (const conflict of conflicts) {
      const colour = SEVERITY_COLOURS[conflict.severity];
      const style = {
        color: colour,
        fillColor: colour,
        weight: 3,
        fillOpacity: 0.35,
      };
      const className = `conflict-region severity-${conflict.severity}`;
      const layer = L.geoJSON(conflict.region, {
        className,
        style: () => style,
      });
      layer.bindPopup(() => this.conflictDetails(conflict, centreOf(layer)));
      this.layers.conflicts.addLayer(layer);
      this.conflictLayers.set(conflict.id, layer);
    }
  }

  conflictDetails(conflict, centre) {
    return details(t("ui.conflict", { id: conflict.id }), [
      `${t(`severity.${conflict.severity}`)} · ${t(`conflict_source.${conflict.source}`)}`,
      conflict.parties.join(" – "),
      `${t("ui.window")}: ${when(conflict.window_start)} – ${when(conflict.window_end)}`,
      place(centre.lat, centre.lng),
    ]);
  }

  showConflict(id) {
    const layer = this.conflictLayers.get(id);
    if (!layer) return;
    this.map.fitBounds(layer.getBounds(), { maxZoom: 10, padding: [40, 40] });
    layer.openPopup(centreOf(layer));
  }

  setTracks(tracks) {
    this.layers.tracks.clearLayers();
    for (const track of tracks) {
      const party = track.owner ?? track.reporter;
      const colour = track.owner ? partyColour(track.owner) : UNKNOWN_COLOUR;
      const marker = L.circleMarker([track.lat, track.lon], {
        className: `track party-${party ?? "unknown"}`,
        radius: 6,
        color: colour,
        fillColor: colour,
        fillOpacity: 0.8,
      });
      marker.bindPopup(() =>
        details(
          t("ui.track", {
            id: track.track_id,
            party: party ?? t("ui.unknown_party"),
          }),
          [
            `${t(`object_kind.${track.kind}`)} · ${t(`track_status.${track.status}`)}`,
            place(track.lat, track.lon),
            `${Math.round(track.alt_ft)} ft`,
            when(track.time),
          ],
        ),
      );
      this.layers.tracks.addLayer(marker);
    }
  }

  setEncounters(encounters) {
    this.layers.encounters.clearLayers();
    for (const encounter of encounters) {
      if (encounter.state !== "open" || !encounter.point) continue; // withheld: hidden
      const { lat, lon } = encounter.point;
      const colour = encounter.level >= 3 ? "#d7263d" : "#f08a24";
      const marker = L.circleMarker([lat, lon], {
        className: "encounter",
        radius: 10,
        color: colour,
        weight: 3,
      });
      marker.bindPopup(() =>
        details(
          t("ui.encounter", { id: encounter.id, level: encounter.level }),
          [
            encounter.parties.join(" – "),
            place(lat, lon),
            encounter.violation_at
              ? t("ui.predicted_at", { time: when(encounter.violation_at) })
              : null,
          ],
        ),
      );
      this.layers.encounters.addLayer(marker);
    }
  }

  /** Where messages point: a warning's or request's area, a query's or incident's point. */
  setMessages(messages) {
    this.layers.messages.clearLayers();
    for (const message of messages) {
      const where = message.body?.location ?? message.body?.crossing_point;
      if (!where) continue;
      const colour =
        message.precedence === "FLASH"
          ? "#d7263d"
          : partyColour(message.sender_party);
      const style = {
        className: `message-place type-${message.type}`,
        color: colour,
        weight: 2,
      };
      const marker = message.body.radius_m
        ? L.circle([where.lat, where.lon], {
            ...style,
            radius: message.body.radius_m,
            fillOpacity: 0.08,
          })
        : L.circleMarker([where.lat, where.lon], {
            ...style,
            radius: 7,
            fillOpacity: 0.5,
          });
      marker.bindPopup(() =>
        details(message.rendered.title, [
          message.rendered.text,
          place(where.lat, where.lon),
          when(message.created_at),
        ]),
      );
      this.layers.messages.addLayer(marker);
    }
  }
}
