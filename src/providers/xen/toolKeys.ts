// The tool's `vmbackup:*` keys in other_config: set idempotently, stripped from restored VMs.
import { XapiClient, Ref } from './xapiClient';

/** Prefix of every key this tool writes into other_config. */
export const TOOL_KEY_PREFIX = 'vmbackup:';

/**
 * Sets one other_config key whether or not the object already carries it (a snapshot inherits its VM's
 * other_config, so `add_to_other_config` alone answers MAP_DUPLICATE_KEY). Remove first, then add: the order of
 * Xen Orchestra's setFieldEntry (vatesfr/xen-orchestra packages/xen-api/index.mjs), whose comment notes that
 * `remove_from_*` does not fail on a missing key.
 */
export async function setOtherConfigKey(
  xapi: XapiClient,
  cls: string,
  ref: Ref,
  key: string,
  value: string,
): Promise<void> {
  await xapi.call(`${cls}.remove_from_other_config`, ref, key);
  await xapi.call(`${cls}.add_to_other_config`, ref, key, value);
}

/** Removes this tool's keys from a VM (a restored VM carries those of the exported snapshot). Returns the keys removed. */
export async function stripToolKeys(xapi: XapiClient, vmRef: Ref): Promise<string[]> {
  const config = await xapi.call<Record<string, string> | null>('VM.get_other_config', vmRef);
  const keys = Object.keys(config ?? {}).filter((k) => k.startsWith(TOOL_KEY_PREFIX));
  for (const k of keys) await xapi.call('VM.remove_from_other_config', vmRef, k);
  return keys;
}
