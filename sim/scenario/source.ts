// Maps key paths of the parsed data back to line:col in the YAML text, so every
// message can point at the node it is about (or, for a missing key, at the
// mapping that should contain it).

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";
import { ScenarioError, formatKeyPath, type PathSeg } from "./errors.js";
import type { SourcePos } from "./types.js";

export class SourceMap {
  constructor(readonly file: string, private readonly doc: Document, private readonly lines: LineCounter) {}

  /** Position of the node at `path`: its key (`at: "key"`) or its value; the nearest existing ancestor otherwise. */
  pos(path: readonly PathSeg[], at: "key" | "value" = "value"): SourcePos {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const next = this.child(node, seg);
      if (!next) break;
      [node, pair] = next;
      offset = (node as Node | null)?.range?.[0] ?? (pair?.key as Node | null)?.range?.[0] ?? offset;
    }
    if (at === "key" && pair) offset = (pair.key as Node | null)?.range?.[0] ?? offset;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  private child(node: unknown, seg: PathSeg): [unknown, Pair | undefined] | undefined {
    if (isMap(node)) {
      const p = node.items.find((it) => String(isScalar(it.key) ? it.key.value : it.key) === String(seg));
      return p ? [p.value, p] : undefined;
    }
    if (isSeq(node) && typeof seg === "number" && seg < node.items.length) return [node.items[seg], undefined];
    return undefined;
  }

  error(path: readonly PathSeg[], message: string, at: "key" | "value" = "value"): ScenarioError {
    const p = this.pos(path, at);
    return new ScenarioError(this.file, p.line, p.col, formatKeyPath(path), message);
  }

  /** "line 12" — for messages that refer to an earlier definition. */
  lineOf(path: readonly PathSeg[]): string {
    return `line ${this.pos(path).line}`;
  }
}
