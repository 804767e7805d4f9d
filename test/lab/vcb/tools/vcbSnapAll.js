#!/usr/bin/env node
// vcbSnapAll stub (guide: 仮想マシンのアーカイブ P.64): -a <group spec> -r <dest> [-m …]. The destination must exist; one
// subdirectory per matching VM, made by vcbMounter. Subdirectory name assumed: the VM name with characters outside
// [A-Za-z0-9._-] as "_" (the moref appended when two collide). Goes on after a VM fails; exit 1 if any failed (assumed).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const L = require('./lib');

L.main(() => {
  const o = L.parseArgs(process.argv.slice(2), ['h', 'u', 'p', 'a', 'r', 'm', 'L']);
  if (!o.a || !o.r)
    throw new L.ToolError(
      'usage: vcbSnapAll -a <virtual_machine_identifier> -r <backup_destination> [-m cos|nbd|nbdssl]',
    );
  if (!fs.existsSync(o.r) || !fs.statSync(o.r).isDirectory())
    throw new L.ToolError(`backup destination ${o.r} does not exist: create it first`);
  const conf = L.readConf();
  L.login(o, conf);
  const vms = L.findVms(o.a);
  const used = new Set();
  let failed = 0;
  for (const vm of vms) {
    let sub = vm.name.replace(/[^A-Za-z0-9._-]/g, '_') || vm.moref;
    if (used.has(sub) || sub === '.' || sub === '..') sub = `${sub}-${vm.moref}`;
    used.add(sub);
    const args = ['-a', `moref:${vm.moref}`, '-r', path.join(o.r, sub), '-t', 'fullvm'];
    if (o.m) args.push('-m', o.m);
    if (o.h) args.push('-h', o.h);
    if (o.u) args.push('-u', o.u);
    // The password reaches the child through the environment the login set, never its arguments.
    const r = spawnSync(process.execPath, [path.join(__dirname, 'vcbMounter.js'), ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, VCB_LAB_CHILD_PASSWORD: process.env.VIM_PASSWORD },
    });
    console.log(`${vm.name}: ${r.status === 0 ? 'backed up' : 'FAILED'} (${sub})`); // assumed wording
    if (r.status !== 0) failed++;
  }
  return failed ? 1 : 0;
});
