// Message ids as RocketMQ builds them.
// msgId (common/message/MessageClientIDSetter#createUniqID): 16 bytes as 32 upper-case hex:
//   ip(4) | pid(2, low 16 bits) | classLoader hashCode(4) | ms since the start of the month(4) | counter(2)
// offsetMsgId (common/message/MessageDecoder#createMessageId): storeHost ip(4) | port(4) | commitLog offset(8).

const hex = (n: number, bytes: number): string => (n >>> 0).toString(16).toUpperCase().padStart(bytes * 2, "0").slice(-bytes * 2);

function ipHex(ip: string): string {
  return ip.split(".").map((p) => Number(p).toString(16).toUpperCase().padStart(2, "0")).join("");
}

export class UniqIdFactory {
  private readonly prefix: string;
  private counter: number;

  /** `classLoaderHash` and the counter's start are per-process randoms in RocketMQ. */
  constructor(ip: string, pid: number, classLoaderHash: number, counterStart: number, private readonly monthStartOffsetMs: number) {
    this.prefix = ipHex(ip) + hex(pid & 0xffff, 2) + hex(classLoaderHash, 4);
    this.counter = counterStart & 0xffff;
  }

  next(nowUs: number): string {
    const sinceMonth = (this.monthStartOffsetMs + Math.floor(nowUs / 1000)) >>> 0;
    const id = this.prefix + hex(sinceMonth, 4) + hex(this.counter, 2);
    this.counter = (this.counter + 1) & 0xffff;
    return id;
  }
}

/** offsetMsgId for one store host: the ip:port half is computed once. */
export function offsetMsgIdFactory(ip: string, port: number): (commitLogOffset: number) => string {
  const prefix = ipHex(ip) + hex(port, 4);
  return (off) => prefix + hex(Math.floor(off / 2 ** 32), 4) + hex(off >>> 0, 4);
}
