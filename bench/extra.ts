// Benches of other layers (language validation), kept apart from the transfer benches.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeLargeBackuptoolsConf, makeLargeConfigJs } from '../src/formats/benchSample';
import { LanguageId, validate } from '../src/formats';
import { median } from './measure';

function perPass(lang: LanguageId, text: string, passes: number): number {
  validate(lang, text); // warm-up (schema compile, JIT)
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    const t = process.hrtime.bigint();
    validate(lang, text);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/** Peak RSS (MiB) of `vmbackup validate <file> --language … --json`, output discarded, as the kernel counts it. */
function cliPeakRss(file: string, lang: LanguageId): number | undefined {
  const root = path.resolve(__dirname, '..', '..');
  const r = spawnSync(
    process.execPath,
    [
      '-r',
      path.join(__dirname, 'maxRssHook.js'),
      path.join(root, 'dist', 'cli.js'),
      'validate',
      file,
      '--language',
      lang,
      '--json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 },
  );
  const m = /MAXRSS_KIB (\d+)/.exec(String(r.stderr));
  return m ? Number(m[1]) / 1024 : undefined;
}

export async function extraBenches(): Promise<Array<[string, string, string]>> {
  const conf = makeLargeBackuptoolsConf(2000);
  const js = makeLargeConfigJs(50000);
  const rows: Array<[string, string, string]> = [
    [
      'validate a 2,000-line backuptools.conf (median of 20)',
      `${perPass('backuptools-conf', conf, 20).toFixed(1)} ms`,
      'goal < 10 ms per pass',
    ],
    [
      'validate a 50,000-line config.js, 29,988 duplicate keys (acorn; median of 10)',
      `${perPass('vcb-config-js', js, 10).toFixed(1)} ms`,
      'goal < 150 ms per pass',
    ],
  ];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-'));
  try {
    const file = path.join(tmp, 'config.js');
    fs.writeFileSync(file, js);
    const rss = cliPeakRss(file, 'vcb-config-js');
    rows.push([
      'CLI `validate` of that config.js with --json: peak RSS',
      rss === undefined ? 'not measured (dist/cli.js missing?)' : `${rss.toFixed(0)} MiB`,
      'goal < 150 MB',
    ]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
