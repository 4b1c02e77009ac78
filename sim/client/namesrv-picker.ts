// How a client picks its NameServer (remoting/netty/NettyRemotingClient.java:
// updateNameServerAddressList, initValueIndex, getAndCreateNameserverChannel).
// The address list is shuffled once, the index starts at a random value, the
// chosen NameServer is kept while its channel is healthy, and after a failure the
// next request walks on through the (shuffled) list from the index.

import type { Rng } from "../core/random.js";
import type { Profile } from "../scenario/types.js";
import type { RemotingClient, Request, RpcCallback } from "../remoting/rpc.js";

export class NameServerPicker {
  private readonly addrs: string[];
  private index: number;
  private chosen: string | null = null;

  constructor(private readonly client: RemotingClient, addrs: string[], rng: Rng, profile: Profile,
              private readonly onChoose: (addr: string) => void) {
    this.addrs = rng.shuffle([...addrs]);
    // 4.9.8: Math.abs(new Random().nextInt() % 999) % 999; 5.x: new Random().nextInt(999).
    this.index = profile === "4.9" ? Math.abs(rng.int32() % 999) % 999 : rng.int(999);
  }

  /** invokeSync(null, …): a request to "the" NameServer; the budget covers connecting. */
  invoke(req: Request, timeoutUs: number, cb: RpcCallback, now: () => number): void {
    const start = now();
    this.channel((addr) => {
      if (addr === null) { cb("connect"); return; }
      const cost = now() - start;
      if (cost > timeoutUs) { cb("timeout"); return; }
      this.client.invoke(addr, req, timeoutUs - cost, cb);
    });
  }

  private channel(done: (addr: string | null) => void): void {
    if (this.chosen !== null && this.client.isOk(this.chosen)) { done(this.chosen); return; }
    let tries = 0;
    const tryNext = (): void => {
      if (tries++ >= this.addrs.length) { done(null); return; }
      this.index = (this.index + 1) | 0;
      const addr = this.addrs[Math.abs(this.index) % this.addrs.length];
      if (addr !== this.chosen) this.onChoose(addr);
      this.chosen = addr;
      this.client.getChannel(addr, (ch) => (ch ? done(addr) : tryNext()));
    };
    tryNext();
  }
}
