import { strict as assert } from 'node:assert';
import { choicesText, notFoundText } from '../../../src/core/notFound';
import { findStorage } from '../../../src/core/restoreStorage';
import { findNetwork } from '../../../src/core/restoreNetworks';
import { StorageInfo } from '../../../src/core/model';

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
      /pool: no network "WAN"; the networks: "LAN"$/,
    );
  });
});
