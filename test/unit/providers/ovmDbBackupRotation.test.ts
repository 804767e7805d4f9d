// The Manager CLI's getDbBackupConfig reply read into the interval and number kept (CLI reference A.109 / A.167).
import * as assert from 'node:assert/strict';
import { describeRotation, parseDbBackupConfig } from '../../../src/providers/oraclevm/manager/dbBackupRotation';

const SRC = 'Manager CLI getDbBackupConfig at m:10000';
const reply = (...data: string[]) =>
  [
    'OVM> getDbBackupConfig',
    'Command: getDbBackupConfig',
    'Status: Success',
    'Time: 2026-11-30 00:40:00,123 UTC',
    'Data: ',
    ...data,
    'OVM> Connection closed.',
  ].join('\n');

describe('Oracle VM Manager getDbBackupConfig reply', () => {
  it('reads the interval (minutes) and the number kept, whatever the keys are spelled like', () => {
    for (const [i, k] of [
      ['  Interval = 1440', '  Number To Keep = 21'],
      ['  interval = 720', '  numberToKeep = 7'],
      ['  Backup Interval (minutes): 360', '  Backups Retained: 500'],
    ]) {
      const r = parseDbBackupConfig(reply(i, k), SRC);
      assert.deepEqual(r.problems, [], i);
      assert.equal(r.intervalMinutes, Number(/\d+/.exec(i)![0]));
      assert.equal(r.numberToKeep, Number(/\d+/.exec(k)![0]));
    }
    assert.equal(
      describeRotation(parseDbBackupConfig(reply('  Interval = 2880', '  Number To Keep = 14'), SRC)),
      `every 2880 min (48 h), 14 automatic backups kept (${SRC}, guide §12.1.2)`,
    );
  });

  it('a failure is reported with the CLI’s words (escaped); values outside setDbBackupConfig’s ranges are flagged', () => {
    const failed = parseDbBackupConfig(
      'Command: getDbBackupConfig\nStatus: Failure\nTime: t\nError Msg: GEN_000000 Simple Exception\u0007\n',
      SRC,
    );
    assert.equal(failed.intervalMinutes, undefined);
    assert.deepEqual(failed.problems, ['getDbBackupConfig: Status Failure: GEN_000000 Simple Exception\\u0007']);
    const odd = parseDbBackupConfig(reply('  Interval = 5', '  Number To Keep = 9999'), SRC);
    assert.deepEqual(odd.problems, [
      "interval 5 min is outside setDbBackupConfig's documented 360–43200",
      "number kept 9999 is outside setDbBackupConfig's documented 1–500",
    ]);
  });

  it('an unknown or hostile reply gives no values, names what is missing and shows the data escaped', () => {
    const r = parseDbBackupConfig(reply('  Schedule = nightly\u001b[2J', '  Owner = $(id)'), SRC);
    assert.equal(r.intervalMinutes, undefined);
    assert.equal(r.numberToKeep, undefined);
    assert.deepEqual(r.problems, ['no interval in the reply', 'no number kept in the reply']);
    const line = describeRotation(r);
    assert.doesNotMatch(line, /\u001b/);
    assert.match(line, /the reply: Schedule = nightly\\u001b\[2J \| Owner = \$\(id\)/);
    assert.deepEqual(parseDbBackupConfig('garbage\n'.repeat(10_000), SRC).problems, [
      'the Manager CLI gave no "Status:" line',
    ]);
  });
});
