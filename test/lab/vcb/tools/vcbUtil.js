#!/usr/bin/env node
// vcbUtil stub (guide: フォルダパスの変更 / リソース プールの変更 P.67): -c vmfolders|resourcepools, one inventory path per
// line (output format assumed).
'use strict';
const L = require('./lib');

L.main(() => {
  const o = L.parseArgs(process.argv.slice(2), ['h', 'u', 'p', 'c', 'L']);
  const what = { vmfolders: 'folders', resourcepools: 'pools' }[o.c];
  if (!what) throw new L.ToolError('usage: vcbUtil -c vmfolders|resourcepools');
  L.login(o, L.readConf());
  for (const p of L.vim(what)) console.log(p);
  return 0;
});
