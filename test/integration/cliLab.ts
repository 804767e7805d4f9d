// An XAPI lab and a workspace whose connections.yaml names it ("lab", user root): what the CLI tests run against.
import { startXapiLab, XapiLab } from '../lab/xapi';
import { saveConnections } from '../../src/core/connections';
import { tempDir } from '../tempDir';

/** The lab and the workspace folder (a tempDir, removed at the end of the run). */
export interface CliLab {
  lab: XapiLab;
  ws: string;
}

/** Starts a lab with `password` (fast tasks) and writes a workspace `<prefix>XXXXXX` with connection "lab" to it. */
export async function startCliLab(password: string, prefix: string): Promise<CliLab> {
  const lab = await startXapiLab({ password, taskStepMs: 5 });
  const ws = tempDir(prefix);
  saveConnections(ws, [{ name: 'lab', platform: 'xen', url: lab.url, username: 'root' }]);
  return { lab, ws };
}
