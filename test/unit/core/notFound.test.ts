import { strict as assert } from 'node:assert';
import { choicesText, notFoundText, plural } from '../../../src/core/notFound';
import { planNics } from '../../../src/core/restoreNetworks';
import { findStorage } from '../../../src/core/restoreStorage';
import { findNetwork } from '../../../src/core/restoreNetworks';
import { StorageInfo } from '../../../src/core/model';
import { VendorError } from '../../../src/core/errors';

describe('a restore flag that names nothing lists the valid choices (core/notFound)', () => {
  it('names each choice quoted, and shortens a long list', () => {
    assert.equal(choicesText(['Resources', 'DC0_C0_RP1']), '"Resources", "DC0_C0_RP1"');
    assert.equal(choicesText([]), 'none');
    const many = Array.from({ length: 30 }, (_, i) => `pool-${i}`);
    const text = choicesText(many);
    assert.match(text, /^"pool-0", "pool-1", .*"pool-11" … and 18 more$/);
    assert.doesNotMatch(text, /pool-12/);
    // A hostile name cannot break the line.
    assert.equal(choicesText(['a\nb']), '"a\\nb"');
  });

  it('says where, what and the plural word', () => {
    assert.equal(
      notFoundText('VM folder', 'Restored', 'datacenter DC0', ['vm', 'Templates']),
      'datacenter DC0: no VM folder "Restored"; the VM folders: "vm", "Templates"',
    );
  });

  it('storage and network lookups use it: a long SR list is shortened', () => {
    const srs: StorageInfo[] = Array.from(
      { length: 20 },
      (_, i) => ({ id: `OpaqueRef:${i}`, name: `sr-${i}` }) as StorageInfo,
    );
    assert.throws(
      () => findStorage(srs, 'nope', 'backup b', 'SR'),
      /backup b: no SR "nope" \(by name, uuid or id\); the SRs: "sr-0".*"sr-11" · not shared · OpaqueRef:11 … and 8 more$/,
    );
    assert.throws(
      () => findNetwork([{ id: 'n1', name: 'LAN' } as never], 'WAN', 'pool'),
      (e: Error) =>
        e instanceof VendorError &&
        e.code === 'NETWORK_NOT_FOUND' &&
        /pool: no network "WAN"; the networks: "LAN"\]$/.test(e.message),
    );
  });
});

describe('the wording of restore refusals', () => {
  it('plurals of the vendors’ words: repositories, SRs, datastores, VM folders, hosts or clusters', () => {
    assert.deepEqual(['repository', 'SR', 'datastore', 'VM folder', 'host or cluster', 'key'].map(plural), [
      'repositories',
      'SRs',
      'datastores',
      'VM folders',
      'hosts or clusters',
      'keys',
    ]);
  });
  it('a --network key the backup has no VIF of: says which VIF numbers it has', () => {
    const nic = (key: string) => ({ key, network: 'LAN' });
    const nets = [{ id: 'n1', name: 'LAN' } as never];
    assert.throws(() => planNics([nic('0')], nets, { '1': 'LAN' }, 'b', 'VIF'), /no VIF 1 \(its only VIF is VIF 0\)$/);
    assert.throws(
      () => planNics([nic('0'), nic('2')], nets, { '1': 'LAN' }, 'b', 'VIF'),
      /no VIF 1 \(its VIFs are VIF 0, VIF 2\)$/,
    );
    assert.throws(() => planNics([], nets, { '1': 'LAN' }, 'b', 'VIF'), /no VIF 1 \(it has no VIF\)$/);
  });
});
