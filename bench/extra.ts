// Benches of other layers (language validation), kept apart from the transfer benches.
import { makeLargeBackuptoolsConf } from '../src/formats/benchSample';
import { validate } from '../src/formats';
import { median } from './measure';

export async function extraBenches(): Promise<Array<[string, string, string]>> {
  const text = makeLargeBackuptoolsConf(2000);
  validate('backuptools-conf', text); // warm-up (schema compile, JIT)
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = process.hrtime.bigint();
    validate('backuptools-conf', text);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return [['validate a 2,000-line backuptools.conf (median of 20)', `${median(times).toFixed(1)} ms`, 'goal < 10 ms per pass']];
}
