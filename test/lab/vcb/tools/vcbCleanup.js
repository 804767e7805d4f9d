#!/usr/bin/env node
// vcbCleanup stub (guide: バックアップジョブ失敗後のクリーンアップ P.48): removes the backup snapshots and unmounts what
// failed or cancelled jobs left. Without -y it asks first (wording assumed); -y runs without asking. What it finds:
// the jobs this lab's tools recorded (assumed: the real tool's registry is not documented). An unfinished fullvm
// export directory is not removed (assumed; the guide speaks of snapshots and mounts only).
'use strict';
const fs = require('node:fs');
const L = require('./lib');

L.main(() => {
  const o = L.parseArgs(process.argv.slice(2), ['h', 'u', 'p', 'L'], ['y']);
  const conf = L.readConf();
  L.login(o, conf);
  const jobs = L.jobRecords();
  if (!jobs.length) {
    console.log('Nothing to clean up'); // assumed wording
    return 0;
  }
  if (!o.y) {
    const a = (L.ask(`Clean up ${jobs.length} backup job(s) (snapshots and mounts)? [y/n]: `) ?? '')
      .trim()
      .toLowerCase();
    if (a !== 'y' && a !== 'yes') {
      console.log('Nothing cleaned');
      return 0;
    }
  }
  for (const j of jobs) {
    if (j.type === 'file' && fs.existsSync(j.dest)) {
      require('node:child_process').spawnSync('chmod', ['-R', 'u+w', j.dest]);
      fs.rmSync(j.dest, { recursive: true, force: true });
      console.log(`Unmounted ${j.dest}`);
    }
    const n = L.vim('snap-remove', j.moref, L.SNAPSHOT);
    if (n) console.log(`Removed ${L.SNAPSHOT} snapshot of ${j.moref}`);
    fs.rmSync(j.file, { force: true });
  }
  return 0;
});
