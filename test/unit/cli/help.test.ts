import { strict as assert } from 'node:assert';
import { BOOLEAN, VALUED } from '../../../src/cli/args';
import { verbs } from '../../../src/cli/commands';
import { HELP } from '../../../src/cli/help';

describe('vmbackup help', () => {
  it('names every verb and every flag the CLI parses', () => {
    for (const verb of Object.keys(verbs)) assert.match(HELP, new RegExp(`^  ${verb}\\b`, 'm'), `verb ${verb}`);
    for (const flag of [...BOOLEAN, ...VALUED]) assert.ok(HELP.includes(`--${flag}`), `--${flag} is not in the help`);
  });
});
