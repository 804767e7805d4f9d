// `vmbackup networks --backup <id>` says why a backup lists no NIC: a version that did not record NICs, or a VM that had
// none (a vcsim VM's .vmx has no ethernet entry).
import { strict as assert } from 'node:assert';
import { networkRows } from '../../../src/cli/restoreTargetsVerb';
import { Provider } from '../../../src/core/provider';
import { CatalogEntry } from '../../../src/core/repository';

const provider = { listNetworks: async () => [], capabilities: { restore: { nic: 'NIC' } } } as unknown as Provider;
const entryWith = (macs: unknown) =>
  ({ id: 'vm/2026-11-30', manifest: { source: { vm: { name: 'web', macs } } } }) as unknown as CatalogEntry;

describe('networks --backup: a backup without NICs', () => {
  it('an empty NIC list: the VM had none', async () => {
    const { lines } = await networkRows(provider, entryWith([]));
    assert.deepEqual(lines, ['backup vm/2026-11-30: the VM had no NICs when it was backed up']);
  });

  it('no NIC list in the manifest: made by an older version', async () => {
    const { lines } = await networkRows(provider, entryWith(undefined));
    assert.deepEqual(lines, ['backup vm/2026-11-30: records no NICs (made by an older version)']);
  });
});
