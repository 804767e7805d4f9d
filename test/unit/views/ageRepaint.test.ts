// The Infrastructure tree's clock (issue 16): a VM row says "backup 5 s ago"; that stays true because, while the view
// is visible, the rows showing a backup's age repaint every CLOCK_MS; while it is hidden nothing runs, and when it
// shows again those rows repaint at once. Node's mock timers drive setInterval and Date; no real time passes.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { mock } from 'node:test';
import { VmInfo } from '../../../src/core/model';
import { xenCapabilities } from '../../../src/providers/xen/xenCapabilities';
import type { InfrastructureTree as Tree } from '../../../src/views/infrastructureTree';
import type { InfraNode } from '../../../src/views/nodes';
import { withFakeVscode } from './fakeVscode';

const { InfrastructureTree } = withFakeVscode<{ InfrastructureTree: typeof Tree }>(
  path.resolve(__dirname, '../../../src/views/infrastructureTree.js'),
);

const T0 = Date.UTC(2026, 10, 30, 1, 0, 0);
const vm: VmInfo = {
  id: 'OpaqueRef:vm1',
  uuid: 'u-1',
  name: 'web',
  powerState: 'running',
  poolId: 'p',
  snapshotCount: 0,
};

describe('Infrastructure tree: backup ages repaint on a clock while the view is visible', () => {
  let tree: Tree | undefined;
  /** What the tree asked VS Code to repaint, in order: the keys of the nodes of each onDidChangeTreeData. */
  const fired: Array<string[] | 'all'> = [];
  let vmNode: InfraNode;

  beforeEach(async () => {
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: T0 });
    fired.length = 0;
    const connections = {
      connections: [{ name: 'lab' }],
      errors: [],
      onDidChange: () => ({ dispose() {} }),
      get: () => ({ name: 'lab', platform: 'xen', url: 'https://lab', username: 'root' }),
      provider: async () => ({
        capabilities: xenCapabilities,
        listChildren: async () => [{ type: 'vm', vm }],
        // A live inventory with no events: the tree follows it and nothing else repaints the row.
        watch: () => () => {},
      }),
    };
    const backups = {
      lastBackup: () => ({ id: 'b', dir: '/r/b', kind: 'vm', label: 'b', files: [], created: new Date(T0 - 5000) }),
    };
    tree = new InfrastructureTree(connections as never, new EventEmitter() as never, backups as never);
    tree.onDidChangeTreeData((e) => {
      if (!e) fired.push('all');
      else fired.push((Array.isArray(e) ? e : [e]).map((n) => n.key));
    });
    const [conn] = await tree.getChildren();
    [vmNode] = await tree.getChildren(conn);
    assert.equal(vmNode.kind, 'vm');
    assert.match(String(tree.getTreeItem(vmNode).description), /backup 5 s ago$/); // VS Code shows the row
  });

  afterEach(() => {
    tree?.dispose();
    tree = undefined;
    mock.timers.reset();
  });

  const description = () => tree!.getTreeItem(vmNode).description;

  it('repaints the row every CLOCK_MS while visible, and the age it shows moves on', () => {
    mock.timers.tick(InfrastructureTree.CLOCK_MS - 1);
    assert.deepEqual(fired, []);
    mock.timers.tick(1);
    assert.deepEqual(fired, [[vmNode.key]]);
    assert.match(String(description()), /backup 35 s ago$/);
    mock.timers.tick(2 * InfrastructureTree.CLOCK_MS);
    assert.deepEqual(fired, [[vmNode.key], [vmNode.key], [vmNode.key]]);
    assert.match(String(description()), /backup 2 min ago$/);
  });

  it('stops while hidden, and repaints at once when shown again', () => {
    tree!.setVisible(false);
    mock.timers.tick(10 * InfrastructureTree.CLOCK_MS);
    assert.deepEqual(fired, [], 'repainted while hidden');
    tree!.setVisible(true);
    assert.deepEqual(fired, [[vmNode.key]], 'not repainted when shown again');
    assert.match(String(description()), /backup 5 min ago$/);
    mock.timers.tick(InfrastructureTree.CLOCK_MS);
    assert.deepEqual(fired, [[vmNode.key], [vmNode.key]]);
  });

  it('runs no clock when no row shows a backup age', async () => {
    tree!.dispose();
    const connections = {
      connections: [{ name: 'lab' }],
      errors: [],
      onDidChange: () => ({ dispose() {} }),
      get: () => undefined,
      provider: async () => ({
        capabilities: xenCapabilities,
        listChildren: async () => [{ type: 'vm', vm }],
        watch: () => () => {},
      }),
    };
    tree = new InfrastructureTree(
      connections as never,
      new EventEmitter() as never,
      { lastBackup: () => undefined } as never,
    );
    tree.onDidChangeTreeData(() => fired.push('all'));
    const [conn] = await tree.getChildren();
    const [node] = await tree.getChildren(conn);
    assert.match(String(tree.getTreeItem(node).description), /no backup$/);
    mock.timers.tick(10 * InfrastructureTree.CLOCK_MS);
    assert.deepEqual(fired, []);
  });
});
