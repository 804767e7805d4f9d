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
  it('reads the interval (minutes) and the number kept under keys spelling setDbBackupConfig’s options (A.167)', () => {
    for (const [i, k] of [
      ['  Interval = 1440', '  Number To Keep = 21'],
      ['  interval = 720', '  numberToKeep = 7'],
      ['  Interval (minutes): 360 min', '  Number to keep: 500'],
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

  it('keys or values of another shape are not guessed from: the values stay unknown and the reply lines are shown as given', () => {
    for (const data of [
      ['  Backup Frequency = 1 Days', '  Retention Count = 14'],
      ['  Backup Interval (hours) = 24', '  Backups Retained = 14'],
      ['  Interval = 1 Days', '  Number To Keep = 14 (max 500)'],
    ]) {
      const r = parseDbBackupConfig(reply(...data), SRC);
      assert.deepEqual([r.intervalMinutes, r.numberToKeep], [undefined, undefined], data.join(' | '));
      assert.match(describeRotation(r), /^interval and number kept unknown \(/);
      assert.ok(
        describeRotation(r).includes(`the reply: ${data.map((d) => d.trim()).join(' | ')}`),
        describeRotation(r),
      );
    }
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
