#!/usr/bin/env node
// vcbVmName stub (guide: 仮想マシン情報の表示 P.62): -s <searchspec>; per VM "Found VM:" then moref:, name:, uuid:,
// ipaddr: lines, key:value with no space (the guide's sample). No match: no output, exit 0 (assumed).
'use strict';
const L = require('./lib');

L.main(() => {
  const o = L.parseArgs(process.argv.slice(2), ['h', 'u', 'p', 's', 'L']);
  if (!o.s) throw new L.ToolError('no search specifier: use -s <searchspec>');
  L.login(o, L.readConf());
  for (const vm of L.findVms(o.s))
    process.stdout.write(`Found VM:\nmoref:${vm.moref}\nname:${vm.name}\nuuid:${vm.uuid}\nipaddr:${vm.ipaddr}\n`);
  return 0;
});
