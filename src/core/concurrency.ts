// How many backups and restores run at once per host: the connection's `concurrencyPerHost`, else its platform's
// default as its capabilities declare it (vSphere: 4, see vmwareCapabilities.ts), else the JobManager's own default.
import { Capabilities, ConnectionProfile } from './model';

/** The per-host limit for jobs on `profile`'s connection (undefined: the JobManager's default). */
export function concurrencyPerHost(
  profile: ConnectionProfile | undefined,
  capabilities: Capabilities | undefined,
): number | undefined {
  return profile ? (profile.concurrencyPerHost ?? capabilities?.concurrencyPerHost) : undefined;
}
