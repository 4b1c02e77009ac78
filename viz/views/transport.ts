// Play/pause, single steps, key-event jumps, speed on a log scale, the clock.

import type { Commands, Frame, View } from "../app/frame.js";
import { SPEED_MAX, SPEED_MIN } from "../app/controller.js";
import { clock, seconds } from "../format/time.js";
import { countAt } from "../state/checkpoints.js";

function button(parent: HTMLElement, label: string, title: string, onClick: () => void, cls = ""): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title = title;
  if (cls) b.className = cls;
  b.addEventListener("click", onClick);
  parent.append(b);
  return b;
}

export function formatSpeed(s: number): string {
  return s >= 1 ? `${Math.round(s)}×` : `${Number(s.toPrecision(2))}×`;
}

export function createTransport(root: HTMLElement, cmd: Commands): View {
  root.replaceChildren();
  button(root, "◀◀", "Previous key event (Shift+←)", () => cmd.stepKey(-1));
  button(root, "◀|", "Previous event (←)", () => cmd.step(-1));
  const play = button(root, "▶", "Play / pause (Space)", () => cmd.togglePlay(), "play");
  play.dataset.testid = "play";
  button(root, "|▶", "Next event (→)", () => cmd.step(1));
  button(root, "▶▶", "Next key event (Shift+→)", () => cmd.stepKey(1));

  const speedBox = document.createElement("label");
  speedBox.className = "speed";
  speedBox.title = "Playback speed, simulated time per real second ([ and ])";
  const range = document.createElement("input");
  range.type = "range";
  range.min = String(Math.log10(SPEED_MIN));
  range.max = String(Math.log10(SPEED_MAX));
  range.step = "0.01";
  const speedText = document.createElement("span");
  speedBox.append("speed ", range, speedText);
  range.addEventListener("input", () => cmd.setSpeed(10 ** Number(range.value)));
  root.append(speedBox);

  const clockEl = document.createElement("span");
  clockEl.className = "clock";
  clockEl.dataset.testid = "clock";
  const counter = document.createElement("span");
  counter.className = "counter";
  root.append(clockEl, counter);

  let lastT = -1;
  return {
    update(f: Frame) {
      if (f.uiChanged) {
        play.textContent = f.playing ? "❚❚" : "▶";
        play.classList.toggle("playing", f.playing);
        if (document.activeElement !== range) range.value = String(Math.log10(f.speed));
        speedText.textContent = formatSpeed(f.speed);
      }
      if (f.t !== lastT) {
        lastT = f.t;
        clockEl.textContent = `${clock(f.t)} / ${clock(f.model.end)}`;
        clockEl.title = seconds(f.t);
        const n = countAt(f.model.cp.times, f.t);
        counter.textContent = `event ${n.toLocaleString("en")} of ${f.model.cp.events.length.toLocaleString("en")}`;
      }
    },
  };
}
