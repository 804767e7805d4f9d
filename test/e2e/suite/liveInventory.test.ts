// The live tree inside the real VS Code (issue #16): a power change made in the lab by another client (as xe would)
// repaints that VM's node — or the host it moves under — by itself: no refresh command, not the whole tree.
import { strict as assert } from 'node:assert';
import type { VmBackupApi } from '../../../src/extension';
import type { ContainerNode, InfraNode, VmNode } from '../../../src/views/nodes';
import { passwordEnvName } from '../../../src/core/connections';
import { labApi, waitFor, xe } from './stubs';

describe('Live tree in VS Code (XAPI events)', function () {
  this.timeout(120_000);
  let api: VmBackupApi;

  before(async () => {
    api = await labApi();
  });

  it('a VM shut down by another client repaints by itself (its node or its host), and the tree shows it halted', async () => {
    const infra = api.trees.infrastructure;
    const [conn] = await infra.getChildren();
    const pool = (await infra.getChildren(conn)).find((n): n is ContainerNode => n.kind === 'container')!;
    const hosts = (await infra.getChildren(pool)).filter(
      (n): n is ContainerNode => n.kind === 'container' && n.container.isHost === true,
    );
    let target: { host: ContainerNode; vm: VmNode } | undefined;
    for (const host of hosts) {
      const vm = (await infra.getChildren(host)).find(
        (n): n is VmNode => n.kind === 'vm' && n.vm.powerState === 'running',
      );
      if (vm) {
        target = { host, vm };
        break;
      }
    }
    assert.ok(target, 'a running VM under a host');
    const fired: Array<InfraNode | InfraNode[] | undefined | void> = [];
    const sub = infra.onDidChangeTreeData((e) => fired.push(e));
    const session = await xe(
      'session.login_with_password',
      'root',
      process.env[passwordEnvName('lab')],
      '2.21',
      'e2e-xe',
    );
    try {
      await xe('VM.clean_shutdown', session, target.vm.vm.id);
      const repainted = (e: InfraNode) => e.key === target!.vm.key || e.key === target!.host.key || e.key === pool.key;
      await waitFor(
        () => fired.some((e) => (Array.isArray(e) ? e : e ? [e] : []).some(repainted)),
        'the VM or its host repainted without a refresh',
      );
      assert.ok(!fired.some((e) => e === undefined), 'not the whole tree');
      // What VS Code asks for next (no refresh call): the host's children, or the VM node itself.
      const listed = [...(await infra.getChildren(target.host)), ...(await infra.getChildren(pool))].filter(
        (n): n is VmNode => n.kind === 'vm' && n.vm.id === target!.vm.vm.id,
      );
      assert.ok(
        listed.length > 0 && listed.every((n) => n.vm.powerState === 'halted'),
        `the VM is listed halted: ${JSON.stringify(listed.map((n) => n.vm.powerState))}`,
      );
      assert.match(String(infra.getTreeItem(listed[0]).description), /halted/);
    } finally {
      sub.dispose();
      await xe('VM.start', session, target.vm.vm.id, false, false).catch(() => undefined); // as the later suites expect it
      await xe('session.logout', session).catch(() => undefined);
    }
  });
});
