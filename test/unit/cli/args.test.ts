import { strict as assert } from 'node:assert';
import { parseArgs } from '../../../src/cli/args';

describe('CLI arguments', () => {
  it('a flag that takes a value takes the next argument even when it starts with --', () => {
    assert.deepEqual(parseArgs(['snapshot', 'web-01', '--name', '--x']), {
      positional: ['snapshot', 'web-01'],
      flags: { name: '--x' },
      repeated: { name: ['--x'] },
    });
    assert.deepEqual(parseArgs(['snapshot', 'web-01', '--name=--x', '--json']), {
      positional: ['snapshot', 'web-01'],
      flags: { name: '--x', json: true },
      repeated: { name: ['--x'] },
    });
    assert.deepEqual(parseArgs(['restore', 'id', '--name', '--json', '--json']).flags, { name: '--json', json: true });
  });
  it('boolean flags never swallow the next argument; a valued flag at the end is an error', () => {
    assert.deepEqual(parseArgs(['backup', '--compress', 'web-01']), {
      positional: ['backup', 'web-01'],
      flags: { compress: true },
      repeated: {},
    });
    assert.throws(() => parseArgs(['snapshot', 'web-01', '--name']), /--name needs a value/);
  });
  it('a repeated flag keeps every value in order (--network nic=net per NIC); --power-on takes none', () => {
    const a = parseArgs(['restore', 'id', '--network', 'ethernet0=A', '--power-on', '--network=ethernet1=B', 'x']);
    assert.deepEqual(a.repeated.network, ['ethernet0=A', 'ethernet1=B']);
    assert.deepEqual(a.positional, ['restore', 'id', 'x']);
    assert.equal(a.flags['power-on'], true);
  });
  it('a flag given several times keeps every value (--network 0=a --network 1=b)', () => {
    const a = parseArgs(['restore', 'id', '--network', '0=lan', '--network=1=dmz', '--start']);
    assert.deepEqual(a.repeated.network, ['0=lan', '1=dmz']);
    assert.equal(a.flags.start, true);
  });
});
