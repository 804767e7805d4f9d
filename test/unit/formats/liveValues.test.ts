import { strict as assert } from 'node:assert';
import { completionsAt } from '../../../src/formats';

describe('completion hook for live platform values', () => {
  it('offers values from the live provider after the schema values, and none without one', () => {
    const text = 'config.vmx = "';
    const seen: string[] = [];
    const items = completionsAt('vcb-catalog', text, text.length, (lang, key) => {
      seen.push(`${lang}:${key}`);
      return [{ value: '[datastore1] web-01/web-01.vmx', detail: 'datastore1' }];
    });
    assert.deepEqual(seen, ['vcb-catalog:config.vmx']);
    assert.ok(items.some((i) => i.label === '[datastore1] web-01/web-01.vmx' && i.detail === 'datastore1'));
    assert.ok(!completionsAt('vcb-catalog', text, text.length).some((i) => i.label.startsWith('[datastore1]')));
  });
});
