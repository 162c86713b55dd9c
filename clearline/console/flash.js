// FLASH messages cannot be missed: a banner over everything and a tone every two seconds
// until a human of this party has acknowledged each of them.

import { t } from "./i18n.js";
import { button, element } from "./dom.js";

const TONE_EVERY_MS = 2000;

export class FlashAlarm {
  /** @param {HTMLElement} banner @param {(message) => void} acknowledge */
  constructor(banner, acknowledge) {
    this.banner = banner;
    this.acknowledge = acknowledge;
    this.audio = null;
    this.timer = null;
  }

  /** Browsers let a page make sound only after a gesture: the sign-in click is one. */
  unlockSound() {
    this.audio ??= new AudioContext();
    this.audio.resume();
  }

  /** Show and sound for exactly these unacknowledged FLASH messages (none: silence). */
  show(messages) {
    this.banner.hidden = messages.length === 0;
    this.banner.replaceChildren(...messages.map((m) => this.entry(m)));
    if (messages.length && !this.timer) {
      this.tone();
      this.timer = setInterval(() => this.tone(), TONE_EVERY_MS);
    } else if (!messages.length && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  entry(message) {
    const row = element("div", "flash-entry");
    row.dataset.id = message.id;
    row.append(
      element("strong", "flash-label", t("ui.flash")),
      element("span", null, `${message.rendered.title}: ${message.rendered.text}`),
      button(t("ui.acknowledge"), () => this.acknowledge(message), "flash-acknowledge"),
    );
    return row;
  }

  tone() {
    if (!this.audio) return;
    const oscillator = this.audio.createOscillator();
    const gain = this.audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, this.audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, this.audio.currentTime + 0.6);
    oscillator.connect(gain).connect(this.audio.destination);
    oscillator.start();
    oscillator.stop(this.audio.currentTime + 0.6);
    this.banner.dataset.toneAt = String(Date.now());
  }
}
