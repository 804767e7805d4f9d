import { strict as assert } from 'node:assert';
import { Capabilities, SnapshotInfo, VmInfo } from '../../../src/core/model';
import { containerTokens, hasToken, snapshotTokens, vmTokens } from '../../../src/views/contextTokens';
import { xenCapabilities } from '../../../src/providers/xen/xenCapabilities';
import { vmwareCapabilities } from '../../../src/providers/vmware/vmwareCapabilities';
import { ORACLEVM_CAPABILITIES } from '../../../src/providers/oraclevm/ovmCapabilities';
import { vcbConnectionTokens, vcbNodeTokens, vcbVmTokens } from '../../../src/views/vcbTokens';
import { VcbNode } from '../../../src/views/vcbNodeTypes';
import * as fs from 'node:fs';
import * as path from 'node:path';

const vm = (o: Partial<VmInfo> = {}): VmInfo => ({
  id: 'vm-1',
  uuid: 'u-1',
  name: 'web',
  powerState: 'running',
  poolId: 'dc-1',
  snapshotCount: 0,
  ...o,
});
const snap = (id: string, parentId?: string, isCurrent = false): SnapshotInfo => ({
  id,
  uuid: id,
  vmId: 'vm-1',
  name: id,
  time: new Date(0),
  parentId,
  madeByUs: false,
  isCurrent,
});
const tokens = (value: string) => value.split(';');
const vcbHost = { host: 'cos', username: 'root' };
/** One node of each VCB kind (an error with an unpinned key, a folder entry). */
const vcbNodeSamples = (): VcbNode[] => {
  const base = { key: 'k', connection: 'vc', host: vcbHost };
  return [
    { kind: 'vcbHost', ...base },
    { kind: 'vcbConfig', ...base, path: '/etc/vmware/backuptools.conf', mode: 0o600, errors: 0 },
    { kind: 'vcbSnapshot', ...base, snapshotId: 's', name: '_VCB-BACKUP_', vmId: 'vm-1', vmName: 'web' },
    { kind: 'vcbMount', ...base, mountId: 'm', vmName: 'web', mountPoint: '/tmp/m' },
    { kind: 'vcbMountEntry', ...base, mountId: 'm', rel: 'letters', isDirectory: true, size: 0 },
    { kind: 'vcbError', ...base, message: 'x', unpinned: { fingerprint: 'SHA256:x', howToCheck: 'ssh-keygen' } },
  ];
};
const SNAPSHOT_TOKENS =
  /^can(Snapshot|SnapshotMemory|Quiesce|DeleteAllSnapshots|Revert|Delete|DeleteWithChildren|Rename)$/;

describe('contextValue tokens from capabilities (never from the platform)', () => {
  it('a running vSphere VM with Tools running gets memory and quiesce; halted: no memory; no Tools: no quiesce', () => {
    const running = vmTokens(vm({ toolsRunning: true, snapshotCount: 1 }), vmwareCapabilities);
    assert.deepEqual(tokens(running), [
      'vm',
      'running',
      'canSnapshot',
      'canSnapshotMemory',
      'canQuiesce',
      'canDeleteAllSnapshots',
      'canBackup',
    ]);
    const halted = vmTokens(vm({ powerState: 'halted', toolsRunning: false }), vmwareCapabilities);
    assert.ok(hasToken(halted, 'canSnapshot'));
    assert.ok(!hasToken(halted, 'canSnapshotMemory'), halted);
    assert.ok(!hasToken(halted, 'canQuiesce'), halted);
    const noTools = vmTokens(vm({ toolsRunning: false }), vmwareCapabilities);
    assert.ok(hasToken(noTools, 'canSnapshotMemory') && !hasToken(noTools, 'canQuiesce'), noTools);
  });

  it('Consolidate only where the VM needs it; Delete All only with snapshots', () => {
    assert.ok(hasToken(vmTokens(vm({ consolidationNeeded: true }), vmwareCapabilities), 'canConsolidate'));
    assert.ok(!hasToken(vmTokens(vm({ consolidationNeeded: false }), vmwareCapabilities), 'canConsolidate'));
    assert.ok(!hasToken(vmTokens(vm({ snapshotCount: 0 }), vmwareCapabilities), 'canDeleteAllSnapshots'));
  });

  it('an Oracle VM VM gets no snapshot tokens at all, and backup (declared since issue #15: cold clone / file copy)', () => {
    const t = tokens(
      vmTokens(vm({ toolsRunning: true, snapshotCount: 3, consolidationNeeded: true }), ORACLEVM_CAPABILITIES),
    );
    assert.deepEqual(t, ['vm', 'running', 'canBackup']);
    const s = snapshotTokens(snap('s1'), [snap('s1'), snap('s2', 's1')], ORACLEVM_CAPABILITIES);
    assert.ok(!tokens(s).some((x) => SNAPSHOT_TOKENS.test(x)), s);
  });

  it('a Xen VM: plain snapshots, backup, VM metadata, reset power state when its suspend disk is missing; no vSphere items', () => {
    const t = vmTokens(vm({ toolsRunning: true, snapshotCount: 2, consolidationNeeded: true }), xenCapabilities);
    assert.deepEqual(tokens(t), ['vm', 'running', 'canSnapshot', 'canBackup', 'canMetadataBackup']);
    const stuck = vmTokens(vm({ powerState: 'suspended', suspendDiskMissing: true }), xenCapabilities);
    assert.ok(hasToken(stuck, 'canResetPowerState'));
    assert.ok(!hasToken(vmTokens(vm({ suspendDiskMissing: true }), vmwareCapabilities), 'canResetPowerState'));
  });

  it('snapshots: current marker, delete with children only where declared and there are children, rename', () => {
    const all = [snap('a'), snap('b', 'a', true)];
    assert.deepEqual(tokens(snapshotTokens(all[0], all, vmwareCapabilities)), [
      'snapshot',
      'canRevert',
      'canDelete',
      'canDeleteWithChildren',
      'canRename',
    ]);
    assert.deepEqual(tokens(snapshotTokens(all[1], all, vmwareCapabilities)), [
      'snapshot',
      'current',
      'canRevert',
      'canDelete',
      'canRename',
    ]);
    assert.deepEqual(tokens(snapshotTokens(all[0], all, xenCapabilities)), ['snapshot', 'canRevert', 'canDelete']);
  });

  it('containers: metadata backups where a kind of theirs is declared (Xen pool and host), none on vSphere', () => {
    const c = (kind: string) => ({ type: 'container' as const, id: 'x', kind, name: kind, icon: 'pool' as const });
    assert.equal(containerTokens(c('pool'), xenCapabilities), 'container;pool;canMetadataBackup;canMetadataRestore');
    assert.equal(containerTokens(c('host'), xenCapabilities), 'container;host;canMetadataBackup');
    assert.equal(containerTokens(c('datacenter'), vmwareCapabilities), 'container;datacenter');
    assert.equal(containerTokens(c('host'), vmwareCapabilities), 'container;host');
  });

  it("every token a menu's `when` matches is one these functions can produce, and the menus name no platform", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'));
    const whens: string[] = pkg.contributes.menus['view/item/context'].map((m: { when: string }) => m.when);
    assert.ok(!whens.some((w) => /\b(xen|vmware|oraclevm)\b/.test(w)), 'no platform in a when clause');
    const caps: Capabilities[] = [xenCapabilities, vmwareCapabilities, ORACLEVM_CAPABILITIES];
    const produced = new Set<string>();
    const all = [snap('a'), snap('b', 'a', true)];
    for (const k of caps) {
      for (const v of [
        vm({ toolsRunning: true, snapshotCount: 1, consolidationNeeded: true }),
        vm({ powerState: 'suspended', suspendDiskMissing: true }),
      ])
        tokens(vmTokens(v, k)).forEach((t) => produced.add(t));
      for (const s of all) tokens(snapshotTokens(s, all, k)).forEach((t) => produced.add(t));
      for (const kind of ['pool', 'host'])
        tokens(containerTokens({ type: 'container', id: 'x', kind, name: kind, icon: 'pool' }, k)).forEach((t) =>
          produced.add(t),
        );
    }
    // The VCB nodes' tokens (vcbTokens.ts): a VMware connection with a VCB host, its VMs, and each VCB node kind.
    const vc = { name: 'vc', platform: 'vmware' as const, url: 'https://vc', username: 'u', vcbHosts: [vcbHost] };
    for (const t of [vcbConnectionTokens(vc), vcbVmTokens(vc), ...vcbNodeSamples().map(vcbNodeTokens)])
      tokens(t).forEach((x) => produced.add(x));
    const infra = whens.filter((w) => w.includes('vmbackup.infrastructure'));
    for (const w of infra) {
      const token = /\(\^\|;\)(\w+)\(;\|\$\)/.exec(w)?.[1];
      if (!token || ['connection', 'canRetry', 'canPinCertificate'].includes(token)) continue;
      assert.ok(produced.has(token), `"${token}" (${w}) is never produced`);
    }
  });
});
