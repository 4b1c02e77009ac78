// Each client's route view: the NameServer it asks, and per topic the brokers it
// can publish to / read from, with the addresses it knows and how old the view is.

import * as d3 from "d3";
import type { Commands, Frame, View } from "../app/frame.js";
import { duration } from "../format/time.js";
import type { TraceModel } from "../model/trace-model.js";
import { own } from "../state/record.js";
import type { ClientRoute, NodeInfo } from "../state/types.js";
import { STATUS_TEXT } from "./topology.js";

interface Row { client: NodeInfo; topic: string; route: ClientRoute | undefined; namesrv?: string; status: string }

export function createClientRoutes(root: HTMLElement, cmd: Commands, model: TraceModel): View {
  const clients = Object.values(model.cp.final.info).filter((i) => i.kind === "producer" || i.kind === "consumer")
    .sort((a, b) => (a.kind === b.kind ? a.order - b.order : a.kind === "producer" ? -1 : 1));
  const table = d3.select(root).append("table").attr("class", "client-routes");
  const hr = table.append("thead").append("tr");
  for (const h of ["client", "NameServer", "topic", "publish to", "read from", "updated", "broker ids"]) hr.append("th").text(h);
  const tbody = table.append("tbody");
  let lastClients: unknown = null, lastNodes: unknown = null, lastSel: string | null = "\u0000";
  let rows: d3.Selection<HTMLTableRowElement, Row, HTMLTableSectionElement, unknown> | null = null;
  let lastT = -1;

  return {
    update(f: Frame) {
      const s = f.state;
      if (s.clients !== lastClients || s.nodes !== lastNodes || f.selection !== lastSel) {
        lastClients = s.clients; lastNodes = s.nodes; lastSel = f.selection;
        const data: Row[] = [];
        for (const c of clients) {
          const cs = own(s.clients, c.name);
          const status = own(s.nodes, c.name)?.status ?? "new";
          const topics = Object.keys(cs?.routes ?? {}).sort();
          if (topics.length === 0) data.push({ client: c, topic: "", route: undefined, namesrv: cs?.namesrv, status });
          for (const topic of topics) data.push({ client: c, topic, route: own(cs!.routes, topic), namesrv: cs?.namesrv, status });
        }
        rows = tbody.selectAll<HTMLTableRowElement, Row>("tr").data(data, (r) => `${r.client.name}\u0000${r.topic}`).join("tr")
          .attr("data-client", (r) => r.client.name)
          .attr("class", (r) => `${r.status === "up" || r.status === "paused" ? "" : "down"}${f.selection === r.client.name ? " selected" : ""}`)
          .attr("title", (r) => (r.route ? addresses(r.route) : ""))
          .on("click", (_ev, r) => cmd.select(r.client.name));
        rows.selectAll<HTMLTableCellElement, unknown>("td").data((r) => cells(r)).join("td")
          .attr("class", (_d, i) => ["c-name", "c-ns", "c-topic", "c-pub", "c-sub", "c-age", "c-addr"][i]).text((d) => d);
        lastT = -1;
      }
      if (rows && f.t !== lastT) {
        lastT = f.t;
        rows.select("td.c-age").text((r) => (r.route ? `${duration(f.t - r.route.t)} ago` : ""));
      }
    },
  };
}

function cells(r: Row): string[] {
  const name = `${r.client.name} (${r.client.group ?? r.client.kind})${r.status === "up" ? "" : ` · ${STATUS_TEXT[r.status] ?? r.status}`}`;
  if (!r.route) return [name, r.namesrv ?? "—", "—", "", "", "", ""];
  if (r.route.error) return [name, r.namesrv ?? "—", r.topic, r.route.error, "", "", ""];
  const addrs = r.route.brokers.map((b) => `${b.brokerName} {${Object.keys(b.brokerAddrs).join(",")}}`).join(" ");
  return [name, r.namesrv ?? "—", r.topic, r.route.publish.join(", ") || "(none)", r.route.subscribe.join(", ") || "(none)", "", addrs];
}

/** Full route for the tooltip: each broker's ids and addresses, queue counts, perm. */
function addresses(route: ClientRoute): string {
  return route.brokers.map((b) => `${b.brokerName}: ${Object.entries(b.brokerAddrs).map(([id, a]) => `${id}=${a}`).join(", ") || "no address"}`
    + ` (read ${b.readQueueNums}, write ${b.writeQueueNums}, perm ${b.perm})`).join("\n");
}
