#!/usr/bin/env node
// vcbResAll stub (guide: アーカイブからの仮想マシンのリストア P.68): -s <sourcedir> [-a <catalog>], every vcbRestore
// feature (so -b too). Restores each subdirectory holding a catalog, in name order; exit 1 if any failed (assumed).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const L = require('./lib');

L.main(() => {
  const o = L.parseArgs(process.argv.slice(2), ['h', 'u', 'p', 's', 'a', 'b', 'L']);
  if (!o.s) throw new L.ToolError('usage: vcbResAll -s <sourcedir> [-a <catalog>]');
  const conf = L.readConf();
  L.login(o, conf);
  let failed = 0;
  for (const sub of fs.readdirSync(o.s).sort()) {
    const dir = path.join(o.s, sub);
    if (!fs.existsSync(path.join(dir, 'catalog'))) continue;
    const args = ['-s', dir];
    if (o.a) args.push('-a', o.a);
    if (o.b) args.push('-b', o.b);
    if (o.h) args.push('-h', o.h);
    if (o.u) args.push('-u', o.u);
    const r = spawnSync(process.execPath, [path.join(__dirname, 'vcbRestore.js'), ...args], {
      stdio: 'inherit',
      env: { ...process.env, VCB_LAB_CHILD_PASSWORD: process.env.VIM_PASSWORD },
    });
    if (r.status !== 0) failed++;
  }
  return failed ? 1 : 0;
});
