// Entry point VS Code calls in the extension host (extensionTestsPath): runs every *.test.js beside it with mocha.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // VMBACKUP_E2E_GREP: run only the tests whose title matches (a quicker loop while writing one).
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
    grep: process.env.VMBACKUP_E2E_GREP || undefined,
  });
  for (const f of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    // VMBACKUP_E2E_FILES: the test files this run loads (run.ts gives the VCB lab's tests a run of their own).
    .filter((f) => !process.env.VMBACKUP_E2E_FILES || new RegExp(process.env.VMBACKUP_E2E_FILES).test(f))
    .sort())
    mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
