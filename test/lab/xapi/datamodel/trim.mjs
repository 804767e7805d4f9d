// Regenerates lab-datamodel.json from a full XenAPI datamodel dump (the JSON the xapi build exports as
// ocaml/idl/json_backend output). Keeps, for the classes the lab serves, each field's name/type/qualifier/default,
// each message's name/result type/parameter types, and the enums those use.
// Usage: node test/lab/xapi/datamodel/trim.mjs /path/to/xenapi-datamodel.json
import { readFileSync, writeFileSync } from 'node:fs';
const CLASSES = ['session', 'pool', 'host', 'VM', 'VM_guest_metrics', 'VBD', 'VDI', 'SR', 'PBD', 'VIF', 'network', 'task', 'event'];
const full = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const c of full.filter((x) => CLASSES.includes(x.name))) {
  const enums = {};
  for (const e of c.enums) enums[e.name] = e.values.map((v) => v.name);
  out[c.name] = {
    fields: c.fields.map((f) => ({ name: f.name, type: f.type, qualifier: f.qualifier, ...('default' in f ? { default: f.default } : {}) })),
    messages: c.messages.map((m) => ({ name: m.name, result: m.result[0], params: m.params.map((p) => p.type), ...(m.implicit ? { implicit: true } : {}) })),
    enums,
  };
}
writeFileSync(new URL('./lab-datamodel.json', import.meta.url), JSON.stringify(out));
