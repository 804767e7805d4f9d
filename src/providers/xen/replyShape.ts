// The shape of XAPI's JSON-RPC replies, checked where they enter the client: a reply of the wrong type (null for a
// record, a number for a name, a record without its power_state) becomes one error that names the method and the
// field — never a JavaScript TypeError ("Cannot read properties of null") or "[object Object]" further on.
// Field types follow the XenAPI data model (xapi-project/xen-api ocaml/idl/datamodel*.ml; docs: xenapi/classes):
// strings (refs, names, enums, datetimes), bools, sets (arrays) and maps (objects).
import { VendorError } from '../../core/errors';

type FieldType = 'string' | 'boolean' | 'array' | 'object' | 'number|string';

/** The fields the provider reads, per class, with their XenAPI types. Other fields are not checked. */
const RECORD_FIELDS: Record<string, Record<string, FieldType>> = {
  VM: {
    uuid: 'string',
    name_label: 'string',
    power_state: 'string',
    is_a_template: 'boolean',
    is_a_snapshot: 'boolean',
    is_control_domain: 'boolean',
    snapshots: 'array',
    VBDs: 'array',
    other_config: 'object',
    resident_on: 'string',
  },
  host: { uuid: 'string', name_label: 'string', address: 'string' },
  pool: { name_label: 'string', master: 'string', default_SR: 'string' },
  SR: { name_label: 'string', type: 'string' },
  VBD: { VDI: 'string', type: 'string' },
  task: { status: 'string', progress: 'number|string', result: 'string', error_info: 'array' },
};

/** RECORD_FIELDS as [field, type] lists, made once (a get_all_records reply checks them on every record). */
const FIELD_LISTS = new Map(Object.entries(RECORD_FIELDS).map(([cls, f]) => [cls, Object.entries(f)]));

const TASK_STATUS = new Set(['pending', 'success', 'failure', 'cancelling', 'cancelled']);

/** What a JSON value is, for an error message: `null`, `an array`, `a number (3)`, `a string`. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  return `${typeof v === 'undefined' ? 'missing' : `a ${typeof v}`}`;
}

function is(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'number|string':
      return typeof v === 'number' || typeof v === 'string';
    default:
      return typeof v === t;
  }
}

/**
 * Throws XAPI_MALFORMED_REPLY [method, "<field> is <what it is>, expected <type>", "from <origin>"] when `result`
 * is not what `method` returns: `<class>.get_record` a record, `<class>.get_all_records` a map of records,
 * `Async.*`, `task.create`, `session.login_with_password`, `*.get_name_label` / `*.get_uuid` a string. Methods not
 * listed are passed as they are.
 */
export function checkReply(method: string, result: unknown, origin: string): void {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new VendorError('XAPI_MALFORMED_REPLY', [
      method,
      `${field} is ${describe(value)}, expected ${expected}`,
      `from ${origin}`,
    ]);
  };
  const [cls, call] = method.startsWith('Async.') ? ['', 'async'] : method.split('.', 2);
  const fields = FIELD_LISTS.get(cls);
  const record = (rec: unknown, where: string) => {
    if (!is(rec, 'object')) fail(where, 'a record', rec);
    if (!fields) return;
    for (const [name, t] of fields) {
      const v = (rec as Record<string, unknown>)[name];
      if (!is(v, t))
        fail(
          `${where}.${name}`,
          t === 'number|string' ? 'a number' : `${t === 'array' || t === 'object' ? 'an' : 'a'} ${t}`,
          v,
        );
    }
    if (cls === 'task' && !TASK_STATUS.has((rec as { status: string }).status))
      fail(`${where}.status`, 'a task status', (rec as { status: unknown }).status);
  };
  if (call === 'get_record') return record(result, 'the record');
  if (call === 'get_all_records') {
    if (!is(result, 'object')) fail('the reply', 'a map of records', result);
    const records = result as Record<string, unknown>;
    for (const ref in records) if (Object.hasOwn(records, ref)) record(records[ref], ref); // no array of 10,000 pairs
    return;
  }
  if (
    call === 'async' ||
    method === 'task.create' ||
    method === 'session.login_with_password' ||
    call === 'get_name_label' ||
    call === 'get_uuid'
  ) {
    if (typeof result !== 'string') fail('the reply', 'a string', result);
  }
}
