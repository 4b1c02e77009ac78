// The `?` overlay listing the keyboard shortcuts.

import { SHORTCUTS } from "../app/keyboard.js";
import { el } from "./dom.js";

export function createHelp(dialog: HTMLDialogElement) {
  dialog.replaceChildren();
  dialog.append(el("h2", "", "Keyboard shortcuts"));
  const table = el("table", "keys");
  for (const s of SHORTCUTS) {
    const tr = el("tr");
    const k = el("td");
    k.append(el("kbd", "", s.keys));
    tr.append(k, el("td", "", s.what));
    table.append(tr);
  }
  dialog.append(table);
  dialog.append(el("p", "note", "Click a node to select it (it is highlighted everywhere and kept in the URL); click the timeline, a chart or a log row to seek. Drop a .jsonl trace anywhere to open it."));
  const close = el("button", "", "Close");
  close.addEventListener("click", () => dialog.close());
  dialog.append(close);
  return {
    toggle() { if (dialog.open) dialog.close(); else dialog.showModal(); },
    close(): boolean { if (!dialog.open) return false; dialog.close(); return true; },
  };
}
