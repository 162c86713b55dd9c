// FLASH cannot be missed: a tone every two seconds while anything FLASH is pending, one loop
// however many there are, silent when none is. Browsers let a page make sound only after a
// gesture; until there has been one the console says so rather than staying silent.

const TONE_EVERY_MS = 2000;

export class FlashAlarm {
  /**
   * @param {HTMLElement} marker where `data-tone-at` records the last tone that sounded
   * @param {() => void} onSoundChange called when sound becomes allowed or blocked
   */
  constructor(marker, onSoundChange) {
    this.marker = marker;
    this.onSoundChange = onSoundChange;
    this.audio = null;
    this.timer = null;
  }

  /** The page's one AudioContext: created suspended where the browser wants a gesture first. */
  context() {
    if (!this.audio && typeof AudioContext === "function") {
      this.audio = new AudioContext();
      this.audio.addEventListener("statechange", () => this.onSoundChange());
    }
    return this.audio;
  }

  /** Call from a gesture (the sign-in click, any click or key): it lets the tone sound. */
  unlockSound() {
    const audio = this.context();
    if (audio && audio.state !== "running") audio.resume().catch(() => {});
  }

  /** Whether the browser still keeps the page silent (no gesture yet, or no audio at all). */
  get blocked() {
    return this.context()?.state !== "running";
  }

  /** Sound the loop while `on`, one loop however often it is asked for; stop it when not. */
  sound(on) {
    if (on && !this.timer) {
      this.tone();
      this.timer = setInterval(() => this.tone(), TONE_EVERY_MS);
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** One tone, now (also what a notification in the background sounds). */
  tone() {
    const audio = this.context();
    if (!audio || audio.state !== "running") return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.6);
    this.marker.dataset.toneAt = String(Date.now());
  }
}
