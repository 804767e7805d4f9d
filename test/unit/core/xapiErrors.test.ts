import { strict as assert } from 'node:assert';
import { parseTaskResult, xapiError } from '../../../src/providers/xen/xapiErrors';

describe('XAPI error and task-result shapes', () => {
  it('normalises v1 arrays and v2 objects', () => {
    const v1 = xapiError(['SESSION_INVALID', 'OpaqueRef:x']);
    const v2 = xapiError({ code: 1, message: 'SESSION_INVALID', data: ['OpaqueRef:x'] });
    assert.equal(v1.code, 'SESSION_INVALID');
    assert.deepEqual(v1.params, ['OpaqueRef:x']);
    assert.equal(v2.code, 'SESSION_INVALID');
    assert.deepEqual(v2.params, ['OpaqueRef:x']);
  });
  it('reads XML-RPC value strings', () => {
    assert.deepEqual(parseTaskResult('<value>OpaqueRef:a</value>'), ['OpaqueRef:a']);
    assert.deepEqual(
      parseTaskResult(
        '<value><array><data><value>OpaqueRef:a</value><value>OpaqueRef:b</value></data></array></value>',
      ),
      ['OpaqueRef:a', 'OpaqueRef:b'],
    );
    assert.deepEqual(parseTaskResult(''), []);
  });
});
