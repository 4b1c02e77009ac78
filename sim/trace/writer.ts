// Streams a trace to disk as JSON Lines, hashing as it goes (the golden SHA-256
// of a scenario's trace is computed here, so tests need not write files).

import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import type { TraceHeader, TraceEvent } from "./schema.js";

const FLUSH_BYTES = 1 << 16;

export class TraceWriter {
  private fd: number | null;
  private buf: string[] = [];
  private bufBytes = 0;
  private hash: Hash = createHash("sha256");
  lines = 0;

  /** `path` null: hash only, write nothing. */
  constructor(path: string | null, header: TraceHeader) {
    this.fd = path ? openSync(path, "w") : null;
    this.writeLine(JSON.stringify(header));
  }

  write = (e: TraceEvent): void => {
    this.writeLine(JSON.stringify(e));
  };

  private writeLine(line: string): void {
    this.hash.update(line);
    this.hash.update("\n");
    this.lines++;
    if (this.fd === null) return;
    this.buf.push(line);
    this.bufBytes += line.length + 1;
    if (this.bufBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join("\n") + "\n");
    this.buf = [];
    this.bufBytes = 0;
  }

  /** Flush, close, and return the SHA-256 of everything written. */
  close(): string {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    return this.hash.digest("hex");
  }
}
