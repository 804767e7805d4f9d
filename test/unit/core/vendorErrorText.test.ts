// How a vendor's error reads, on every platform: the code verbatim, each param as given (quotes and backslashes not
// escaped again), control characters escaped, between brackets and separated by "; " as XAPI prints its Server_error.
import { strict as assert } from 'node:assert';
import { VendorError, vendorErrorText } from '../../../src/core/errors';
import { xapiError } from '../../../src/providers/xen/xapiErrors';
import { soapFaultError, taskFaultError } from '../../../src/providers/vmware/vimFaults';
import { parseXml } from '../../../src/providers/vmware/vimXml';
import { httpError, jobError } from '../../../src/providers/oraclevm/ovmErrors';

describe('vendor errors as text (every platform)', () => {
  it('shows params as given: quotes and backslashes once, no JSON', () => {
    const e = new VendorError('NOT_FOUND', ['no VM named "x"', 'C:\\VMs\\a b'], { connection: 'lab', vm: 'web' });
    assert.equal(e.message, 'connection "lab", VM "web": NOT_FOUND [no VM named "x"; C:\\VMs\\a b]');
  });

  it('escapes control characters, so one error stays one line that cannot drive a terminal', () => {
    assert.equal(
      vendorErrorText('SR_BACKEND_FAILURE_47', ['\u001b[31mred\u202e', 'two\nlines\t.']),
      'SR_BACKEND_FAILURE_47 [\\x1b[31mred\\u202e; two\\x0alines\\x09.]',
    );
    assert.equal(vendorErrorText('BAD\u0007CODE', []), 'BAD\\x07CODE');
  });

  it('XAPI (v1 array and v2 object errors)', () => {
    assert.equal(
      xapiError(['VM_BAD_POWER_STATE', 'OpaqueRef:1', 'halted', 'running']).message,
      'VM_BAD_POWER_STATE [OpaqueRef:1; halted; running]',
    );
    assert.equal(
      xapiError({ code: 1, message: 'UUID_INVALID', data: ['VM', 'a "quoted" uuid'] }).message,
      'UUID_INVALID [VM; a "quoted" uuid]',
    );
  });

  it('vSphere (a SOAP fault, a task fault)', () => {
    const fault = parseXml(
      '<Fault><faultcode>ServerFaultCode</faultcode><faultstring>File "[ds1] a/b.vmx" was not found</faultstring>' +
        '<detail><FileNotFoundFault xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="FileNotFound"/></detail></Fault>',
    );
    assert.equal(soapFaultError(fault).message, 'FileNotFound [File "[ds1] a/b.vmx" was not found]');
    const task = taskFaultError({ fault: { _type: 'InvalidPowerState' }, localizedMessage: 'The VM is "off"' });
    assert.equal(task.message, 'InvalidPowerState [The VM is "off"]');
  });

  it('Oracle VM Manager (an HTTP error body, a failed job)', () => {
    const http = httpError(400, { message: 'GEN_000031 Object "web" not found', errorCode: 'GEN_000031' }, {});
    assert.equal(http.message, 'GEN_000031 [GEN_000031 Object "web" not found]');
    const job = jobError({ error: { message: 'OVMRU_005002E Operation not allowed- "web" is RUNNING' } }, {});
    assert.equal(job.message, 'OVMRU_005002E [OVMRU_005002E Operation not allowed- "web" is RUNNING]');
  });
});
