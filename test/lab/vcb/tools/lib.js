// Shared by the VCB lab's stub tools (plain Node, no build step: they run as the SSH peer's user). Each behaviour
// cites the VCB guide (shared/seeds/vmware-vcb-esx35-vm-backup-guide.ja.txt) section; what the guide does not say is
// marked "assumed" here and in ../README.md. vSphere is reached only through ../vimhelper (govmomi).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const ETC = process.env.VCB_LAB_ETC || '/etc';
const STATE = process.env.VCB_LAB_STATE || '/var/lib/vcb-lab';
const HELPER = process.env.VCB_LAB_HELPER || 'vimhelper';
/** The guide's name of the backup snapshot (表 2-1 SNAPSHOT_POLICY: `_VCB_BACKUP_`). */
const SNAPSHOT = '_VCB_BACKUP_';

/** vmacore-style log line (platform-facts §4d, slowe "Strange VCB Error"): [date 'App' pid level] text. */
function logLine(level, text) {
  const t = new Date().toISOString().replace('T', ' ').replace('Z', '');
  process.stderr.write(`[${t} 'App' ${process.pid} ${level}] ${text}\n`);
}
class ToolError extends Error {}
/** Ends the tool: the message as an error line, exit 1 (exit code assumed: the guide names none). */
function main(fn) {
  Promise.resolve()
    .then(fn)
    .then((code) => process.exit(code ?? 0))
    .catch((e) => {
      logLine('error', `Error: ${e instanceof ToolError ? e.message : e.stack || e}`);
      process.exit(1);
    });
}

/** getopt-like: flags with one value each (the guide's tools take `-x value`), `-y`-style booleans listed. */
function parseArgs(argv, withValue, booleans = []) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^-([A-Za-z])(.*)$/.exec(a);
    if (!m) throw new ToolError(`unexpected argument ${JSON.stringify(a)}`);
    if (booleans.includes(m[1])) o[m[1]] = true;
    else if (withValue.includes(m[1])) {
      const v = m[2] !== '' ? m[2] : argv[++i];
      if (v === undefined) throw new ToolError(`option -${m[1]} needs a value`);
      o[m[1]] = v;
    } else throw new ToolError(`unknown option -${m[1]}`);
  }
  return o;
}

/**
 * backuptools.conf, read as the guide says it is read: as a Bourne shell script (「Bourne シェル スクリプトとして解析
 * されるので」), from /etc/vmware/backuptools.conf (P.58), else /etc/backuptools.conf (assumed fallback, issue #14).
 */
function readConf() {
  const keys = [
    'VCHOST',
    'USERNAME',
    'PASSWORD',
    'VMNAMECACHE',
    'TEMPDIR',
    'SNAPSHOT_POLICY',
    'PREEXISTING_MOUNTPOINT',
    'PREEXISTING_VCB_SNAPSHOT',
    'MAX_RETRIES',
    'BACKOFF_TIME',
    'DSPATH',
    'VMHOST',
    'RESOURCEPOOL',
    'FOLDERPATH',
  ];
  const file = [path.join(ETC, 'vmware', 'backuptools.conf'), path.join(ETC, 'backuptools.conf')].find((f) =>
    fs.existsSync(f),
  );
  const conf = {};
  if (!file) return conf;
  const script = `. "$1" || exit 1; for k in ${keys.join(' ')}; do eval "printf '%s\\0' \\"\\$$k\\""; done`;
  const r = spawnSync('/bin/sh', ['-c', script, 'sh', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new ToolError(`cannot read ${file}: ${r.stderr.trim()}`);
  r.stdout.split('\0').forEach((v, i) => {
    if (i < keys.length && v !== '') conf[keys[i]] = v;
  });
  return conf;
}

/** One line from stdin (the prompt's answer); undefined at end of input. Sync: the tool waits as a real prompt does. */
function readLine() {
  const buf = Buffer.alloc(1);
  let s = '';
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, 1, null);
    } catch (e) {
      if (e.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (e.code === 'EOF') return s || undefined;
      throw e;
    }
    if (n === 0) return s || undefined;
    if (buf[0] === 0x0a) return s;
    s += buf.toString('latin1');
  }
}

/** Asks on the terminal side (stderr) and reads the answer from stdin. The wording is assumed (not in the guide). */
function ask(question) {
  process.stderr.write(question);
  return readLine();
}

/**
 * The vSphere login: -h/-u/-p override VCHOST/USERNAME/PASSWORD (P.58 「-h/-u/-p … オーバーライドできます」); without a
 * password the tool prompts (PASSWORD: 「非対話形式で…」 implies the interactive form; prompt wording assumed).
 */
function login(opts, conf) {
  const url = opts.h || conf.VCHOST;
  const user = opts.u || conf.USERNAME;
  if (!url) throw new ToolError('no VirtualCenter host: set VCHOST in backuptools.conf or use -h');
  if (!user) throw new ToolError('no user name: set USERNAME in backuptools.conf or use -u');
  let password = opts.p ?? process.env.VCB_LAB_CHILD_PASSWORD ?? conf.PASSWORD;
  if (password === undefined) {
    password = ask(`Password for ${user}@${url}: `);
    if (password === undefined) throw new ToolError('no password given');
  }
  process.env.VIM_URL = /^https?:\/\//.test(url) ? url : `https://${url}/sdk`;
  process.env.VIM_USER = user;
  process.env.VIM_PASSWORD = password;
}

/** Runs the govmomi helper; its JSON answer, or a ToolError with vSphere's message verbatim. */
function vim(...args) {
  const r = spawnSync(HELPER, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new ToolError((r.stderr || `vimhelper ${args[0]} failed`).trim());
  return JSON.parse(r.stdout);
}

/**
 * VMs matching a search specifier (P.61 仮想マシンの指定; P.64 group specifiers): name: (case-sensitive, P.60 注),
 * ipaddr:, uuid:, moref:, powerstate:on|off|suspended, any:, none:.
 */
function findVms(spec) {
  const m = /^([A-Za-z]+):(.*)$/s.exec(spec);
  if (!m) throw new ToolError(`invalid search specifier ${JSON.stringify(spec)}`);
  const kind = m[1].toLowerCase();
  const v = m[2];
  const state = { on: 'poweredOn', off: 'poweredOff', suspended: 'suspended' };
  const all = vim('vms');
  switch (kind) {
    case 'any':
      return all;
    case 'none':
      return [];
    case 'name':
      return all.filter((x) => x.name === v);
    case 'ipaddr':
      return all.filter((x) => x.ipaddr !== '' && x.ipaddr === v);
    case 'uuid':
      return all.filter((x) => x.uuid.toLowerCase() === v.toLowerCase());
    case 'moref':
      return all.filter((x) => x.moref === v);
    case 'powerstate':
      if (!state[v]) throw new ToolError(`invalid power state ${JSON.stringify(v)}`);
      return all.filter((x) => x.powerState === state[v]);
    default:
      throw new ToolError(`unknown search specifier type ${JSON.stringify(m[1])}`);
  }
}

/** Exactly one VM (vcbMounter, P.61: the identifier is unique). Messages assumed. */
function oneVm(spec) {
  const vms = findVms(spec);
  if (vms.length === 0) throw new ToolError(`Could not find any virtual machine matching ${spec}`);
  if (vms.length > 1) throw new ToolError(`${spec} matches ${vms.length} virtual machines; use a unique identifier`);
  return vms[0];
}

/** A running job's record for vcbCleanup (assumed: where the real tool keeps its mount list is not documented). */
function recordJob(rec) {
  fs.mkdirSync(STATE, { recursive: true });
  const f = path.join(STATE, `job-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(f, JSON.stringify(rec));
  return f;
}
function jobRecords() {
  if (!fs.existsSync(STATE)) return [];
  return fs
    .readdirSync(STATE)
    .filter((n) => /^job-.*\.json$/.test(n))
    .map((n) => ({ file: path.join(STATE, n), ...JSON.parse(fs.readFileSync(path.join(STATE, n), 'utf8')) }));
}

/** Retries `fn` MAX_RETRIES times BACKOFF_TIME seconds apart (表 2-1 MAX_RETRIES 0, BACKOFF_TIME 10 s). */
function withRetries(conf, what, fn) {
  const max = Number(conf.MAX_RETRIES ?? 0);
  const backoff = Number(conf.BACKOFF_TIME ?? 10);
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (e) {
      if (i >= max) throw e;
      logLine('warning', `${what} failed (${e.message}); retry ${i + 1} of ${max} in ${backoff} s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, backoff * 1000);
    }
  }
}

/** Catalog lines as the real files show them (platform-facts §4d): key= "value". */
function writeCatalog(file, entries) {
  fs.writeFileSync(file, entries.map(([k, v]) => `${k}= "${v}"`).join('\n') + '\n');
}
function readCatalog(file) {
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([^#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^".*"$/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

/** "[ds] dir/file" → { ds, path }. */
function dsPath(p) {
  const m = /^\[([^\]]+)\] ?(.*)$/.exec(p);
  if (!m) throw new ToolError(`not a datastore path: ${JSON.stringify(p)}`);
  return { ds: m[1], path: m[2] };
}

/**
 * Sleeps (lab pacing: the ms per MiB written in the file VCB_LAB_DELAY_FILE, so tests can cancel mid-backup; not a
 * VCB behaviour).
 */
function pace(bytes) {
  const f = process.env.VCB_LAB_DELAY_FILE;
  const ms = f && fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8').trim() || 0) : 0;
  if (ms > 0)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(1, Math.round((ms * bytes) / 1048576)));
}

module.exports = {
  SNAPSHOT,
  STATE,
  ToolError,
  main,
  parseArgs,
  readConf,
  login,
  vim,
  findVms,
  oneVm,
  ask,
  readLine,
  logLine,
  recordJob,
  jobRecords,
  withRetries,
  writeCatalog,
  readCatalog,
  dsPath,
  pace,
  execFileSync,
};
