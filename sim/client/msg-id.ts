// Message ids as RocketMQ builds them.
// msgId (common/message/MessageClientIDSetter#createUniqID): 16 bytes as 32 upper-case hex:
//   ip(4) | pid(2, low 16 bits) | classLoader hashCode(4) | ms since the start of the month(4) | counter(2)
// offsetMsgId (common/message/MessageDecoder#createMessageId): storeHost ip(4) | port(4) | commitLog offset(8).

import { hex16, hex32 } from "../core/hex.js";

function ipHex(ip: string): string {
  return ip.split(".").map((p) => Number(p).toString(16).toUpperCase().padStart(2, "0")).join("");
}

export class UniqIdFactory {
  private readonly prefix: string;
  private counter: number;

  /** `classLoaderHash` and the counter's start are per-process randoms in RocketMQ. */
  constructor(ip: string, pid: number, classLoaderHash: number, counterStart: number, private readonly monthStartOffsetMs: number) {
    this.prefix = ipHex(ip) + hex16(pid) + hex32(classLoaderHash);
    this.counter = counterStart & 0xffff;
  }

  next(nowUs: number): string {
    const sinceMonth = (this.monthStartOffsetMs + Math.floor(nowUs / 1000)) >>> 0;
    const id = this.prefix + hex32(sinceMonth) + hex16(this.counter);
    this.counter = (this.counter + 1) & 0xffff;
    return id;
  }
}

/** offsetMsgId for one store host: the ip:port half is computed once. */
export function offsetMsgIdFactory(ip: string, port: number): (commitLogOffset: number) => string {
  const prefix = ipHex(ip) + hex32(port);
  return (off) => prefix + hex32(Math.floor(off / 2 ** 32)) + hex32(off);
}
