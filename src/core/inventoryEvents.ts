// What changed in a connection's inventory, in the neutral model's terms, as a provider with a live record cache
// reports it (Xen: XAPI event.from; see providers/xen/recordCache.ts). No vscode here: the tree and tests share it.
import { VmInfo } from './model';

/**
 * One batch of changes, applied to the provider's cache before it is reported (a listing made while handling it
 * already sees the change).
 * - `vms`: VMs whose own row changed (power state, name, snapshot count, current operations): their nodes repaint.
 * - `childrenOf`: objects (pool, host or VM ids) whose children changed: a VM added, removed or moved to another
 *   host; a snapshot added, removed or renamed. Their children are listed again.
 * - `all`: the cache was reloaded (first load, EVENTS_LOST, a new session): anything may have changed.
 */
export interface InventoryChange {
  vms: VmInfo[];
  childrenOf: string[];
  all?: boolean;
}

export type InventoryListener = (change: InventoryChange) => void;

/** A provider whose inventory stays current by itself. `watch` returns the function that stops listening. */
export interface LiveInventory {
  watch(listener: InventoryListener): () => void;
}

export function isLiveInventory(x: unknown): x is LiveInventory {
  return !!x && typeof (x as { watch?: unknown }).watch === 'function';
}
