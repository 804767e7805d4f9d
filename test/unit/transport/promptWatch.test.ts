import { strict as assert } from 'node:assert';
import { PromptWatch } from '../../../src/transport/promptWatch';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PromptWatch: a question is an unfinished line that stays so', () => {
  it('reports an unfinished line ending in ":" or "?" once, after it stayed unchanged', async () => {
    const got: string[] = [];
    const w = new PromptWatch((q) => got.push(q), 20);
    w.add(Buffer.from('line one\nPassword for u@h: '));
    await wait(80);
    assert.deepEqual(got, ['Password for u@h:']);
    w.add(Buffer.from('\n'));
    w.add(Buffer.from('Overwrite? (y)es/(n)o/(a)bort'));
    w.add(Buffer.from(': '));
    await wait(80);
    assert.deepEqual(got, ['Password for u@h:', 'Overwrite? (y)es/(n)o/(a)bort:']);
    w.stop();
  });

  it('does not take finished lines, progress text or a line that goes on for a question', async () => {
    const got: string[] = [];
    const w = new PromptWatch((q) => got.push(q), 20);
    w.add(Buffer.from('Copying: 10%'));
    await wait(60);
    w.add(Buffer.from('Note: done\n'));
    w.add(Buffer.from('Progress: '));
    w.add(Buffer.from('50%\n'));
    await wait(60);
    assert.deepEqual(got, []);
    w.stop();
  });
});
