// Keyboard shortcuts; the same table feeds the `?` help.

import type { Commands } from "./frame.js";

export interface Shortcut { keys: string; what: string; match(e: KeyboardEvent): boolean; run(c: Commands, ui: KeyUi): void }
export interface KeyUi { toggleHelp(): void; closeHelp(): boolean; openFile(): void; jump(deltaUs: number): void; toEnd(): void }

const k = (key: string, shift = false) => (e: KeyboardEvent) => e.key === key && e.shiftKey === shift;

export const SHORTCUTS: Shortcut[] = [
  { keys: "Space", what: "play / pause", match: (e) => e.key === " ", run: (c) => c.togglePlay() },
  { keys: "→", what: "next event", match: k("ArrowRight"), run: (c) => c.step(1) },
  { keys: "←", what: "previous event", match: k("ArrowLeft"), run: (c) => c.step(-1) },
  { keys: "Shift+→", what: "next key event (fault, unregister, route change, rebalance…)", match: k("ArrowRight", true), run: (c) => c.stepKey(1) },
  { keys: "Shift+←", what: "previous key event", match: k("ArrowLeft", true), run: (c) => c.stepKey(-1) },
  { keys: "PageDown / PageUp", what: "10 s later / earlier", match: (e) => e.key === "PageDown" || e.key === "PageUp", run: () => {} },
  { keys: "] / [", what: "faster / slower (1-2-5 steps)", match: (e) => e.key === "]" || e.key === "[", run: () => {} },
  { keys: "Home / End", what: "start / end of the trace", match: (e) => e.key === "Home" || e.key === "End", run: () => {} },
  { keys: "o", what: "open a trace file", match: k("o"), run: (_c, ui) => ui.openFile() },
  { keys: "Esc", what: "clear the selection / close this help", match: k("Escape"), run: (c, ui) => { if (!ui.closeHelp()) c.select(null); } },
  { keys: "?", what: "show / hide this help", match: (e) => e.key === "?", run: (_c, ui) => ui.toggleHelp() },
];

export function bindKeyboard(getCommands: () => Commands | null, ui: KeyUi): void {
  window.addEventListener("keydown", (e) => {
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const c = getCommands();
    if (e.key === "?" || e.key === "o" || e.key === "Escape") {
      const s = SHORTCUTS.find((x) => x.match(e));
      if (s && (c || e.key !== "Escape")) { e.preventDefault(); s.run(c ?? NOOP, ui); }
      return;
    }
    if (!c) return;
    let handled = true;
    if (e.key === "PageDown") ui.jump(10e6);
    else if (e.key === "PageUp") ui.jump(-10e6);
    else if (e.key === "]") c.faster(1);
    else if (e.key === "[") c.faster(-1);
    else if (e.key === "Home") c.seek(0);
    else if (e.key === "End") ui.toEnd();
    else {
      const s = SHORTCUTS.find((x) => x.match(e));
      if (s) s.run(c, ui); else handled = false;
    }
    if (handled) e.preventDefault();
  });
}

const NOOP: Commands = { seek() {}, select() {}, togglePlay() {}, step() {}, stepKey() {}, setSpeed() {}, faster() {} };
