// Reading a ConsumeQueue (ST/DefaultMessageStore.java#getMessage, #isTheBatchFull,
// #checkInDiskByCommitOffset, #nextOffsetCorrection; same logic in 4.9.8 and 5.x).
//
// Fault model: none of its own (reads what the CQ holds). The model never produces
// OFFSET_FOUND_NULL / MESSAGE_WAS_REMOVING: RocketMQ gets them when a CQ or CommitLog
// file vanished before the queue's min offset was corrected; here retention moves the
// min offset and drops the data in one step.
//
// Statuses by request offset vs the CQ's [minOffset, maxOffset): maxOffset = 0 →
// NO_MESSAGE_IN_QUEUE (next 0); < min → OFFSET_TOO_SMALL (next min); = max →
// OFFSET_OVERFLOW_ONE (next offset); > max → OFFSET_OVERFLOW_BADLY (next max); else
// scan. On a slave without offsetCheckInSlave the next offset is left as requested.
// Scan: at most max(maxFilterMessageSize / 20, maxMsgNums) entries (16 000 bytes of CQ
// = 800 entries), never past the end of the CQ file holding `offset` (300 000 entries);
// entries whose tagsCode the filter rejects are skipped; the batch is full at maxMsgNums
// messages or at 32 messages / 256 KiB when hot, 8 / 64 KiB when the entry lies more
// than 40 % of physical memory behind the CommitLog head (cold). FOUND if anything was
// read, else NO_MATCHED_MESSAGE; next = first entry not examined.

import type { ConsumeQueue } from "./consume-queue.js";
import type { StoreFiles } from "./store-files.js";
import type { GetResult, GetStatus, StoredMessage, TagsFilter } from "./types.js";

const CQ_STORE_UNIT_SIZE = 20;

export interface ReadLimits {
  maxTransferCountOnMessageInMemory: number;
  maxTransferBytesOnMessageInMemory: number;
  maxTransferCountOnMessageInDisk: number;
  maxTransferBytesOnMessageInDisk: number;
  /** Bytes of CQ scanned per request at most (MessageStoreConfig.maxFilterMessageSize). */
  maxFilterMessageSize: number;
  /** TOTAL_PHYSICAL_MEMORY_SIZE × accessMessageInMemoryMaxRatio (40 %): beyond, data is cold. */
  hotBytes: number;
  /** Entries per CQ file (mappedFileSizeConsumeQueue / 20). */
  cqFileEntries: number;
}

function result(status: GetStatus, next: number, min: number, max: number): GetResult {
  return { status, nextBeginOffset: next, minOffset: min, maxOffset: max, messages: [], suggestPullingFromSlave: false };
}

export function readMessages(files: StoreFiles, cq: ConsumeQueue | undefined, offset: number, maxMsgNums: number,
  filter: TagsFilter, lim: ReadLimits, correct: boolean): GetResult {
  // findConsumeQueue creates a missing queue: an unknown queue reads as empty.
  if (cq === undefined || cq.maxOffset === 0) return result("NO_MESSAGE_IN_QUEUE", correct ? 0 : offset, 0, 0);
  const min = cq.minOffset, max = cq.maxOffset;
  if (offset < min) return result("OFFSET_TOO_SMALL", correct ? min : offset, min, max);
  if (offset === max) return result("OFFSET_OVERFLOW_ONE", offset, min, max);
  if (offset > max) return result("OFFSET_OVERFLOW_BADLY", correct ? max : offset, min, max);

  const scan = Math.max(Math.floor(lim.maxFilterMessageSize / CQ_STORE_UNIT_SIZE), maxMsgNums);
  const fileEnd = (Math.floor(offset / lim.cqFileEntries) + 1) * lim.cqFileEntries;
  const end = Math.min(max, offset + scan, fileEnd);
  const maxPhy = files.log.writePos, hot = lim.hotBytes;
  const tags = files.tags, groups = files.groups;
  const messages: StoredMessage[] = [];
  let status: GetStatus = "NO_MATCHED_MESSAGE";
  let bytes = 0, lastPhy = 0;
  let i = offset;
  for (; i < end; i++) {
    const phy = cq.phyAt(i);
    const n = messages.length;
    if (n > 0) {
      // isTheBatchFull
      const size = cq.sizeAt(i);
      if (maxMsgNums <= n) break;
      if (maxPhy - phy > hot) {
        if (bytes + size > lim.maxTransferBytesOnMessageInDisk || n > lim.maxTransferCountOnMessageInDisk - 1) break;
      } else if (bytes + size > lim.maxTransferBytesOnMessageInMemory || n > lim.maxTransferCountOnMessageInMemory - 1) break;
    }
    lastPhy = phy;
    if (filter !== null && !filter(cq.tagsCodeAt(i))) continue;
    const m = cq.read(i, tags, groups);
    messages.push(m);
    bytes += m.storeSize;
    status = "FOUND";
  }
  return { status, nextBeginOffset: i, minOffset: min, maxOffset: max, messages, suggestPullingFromSlave: maxPhy - lastPhy > hot };
}
