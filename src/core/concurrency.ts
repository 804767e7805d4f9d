// How many backups and restores run at once per host: the connection's `concurrencyPerHost`, else its platform's
// default. vSphere: 4 — the Acronis guide's advice for image backups through one agent (seeds/acronis-vm-backup-
// steps.ja.txt: "5~10 VMs at once" is where the agent's system requirements must be checked). Platforms without an
// entry get the JobManager's own default (2).
import { ConnectionProfile } from './model';

const PLATFORM_DEFAULT: Partial<Record<ConnectionProfile['platform'], number>> = { vmware: 4 };

/** The per-host limit for jobs on `profile`'s connection (undefined: the JobManager's default). */
export function concurrencyPerHost(profile: ConnectionProfile | undefined): number | undefined {
  return profile ? (profile.concurrencyPerHost ?? PLATFORM_DEFAULT[profile.platform]) : undefined;
}
