// The platforms, each loaded on first use: activation does not pay for a platform's HTTP/SSH stack before a connection
// needs it. Their capabilities are small plain objects, known without loading the provider.
import { Capabilities, ConnectionProfile } from '../core/model';
import { ConnectionForm } from '../core/connectionForm';
import { ProviderFactory, Provider, Secrets } from '../core/provider';
import { xenCapabilities } from './xen/xenCapabilities';
import { vmwareCapabilities } from './vmware/vmwareCapabilities';
import { ORACLEVM_CAPABILITIES } from './oraclevm/ovmCapabilities';
import { xenConnectionForm } from './xen/xenConnectionForm';
import { vmwareConnectionForm } from './vmware/vmwareConnectionForm';
import { ovmConnectionForm } from './oraclevm/ovmConnectionForm';

interface Platform {
  capabilities: Capabilities;
  form: ConnectionForm;
  load: () => Promise<ProviderFactory>;
}

const PLATFORMS: Record<ConnectionProfile['platform'], Platform> = {
  xen: {
    capabilities: xenCapabilities,
    form: xenConnectionForm,
    load: async () => (await import('./xen/xenProvider')).createXenProvider,
  },
  vmware: {
    capabilities: vmwareCapabilities,
    form: vmwareConnectionForm,
    load: async () => (await import('./vmware/vmwareProvider')).createVmwareProvider,
  },
  oraclevm: {
    capabilities: ORACLEVM_CAPABILITIES,
    form: ovmConnectionForm,
    load: async () => (await import('./oraclevm/ovmProvider')).createOracleVmProvider,
  },
};

function platformOf(profile: ConnectionProfile): Platform {
  const p = Object.hasOwn(PLATFORMS, profile.platform) ? PLATFORMS[profile.platform] : undefined;
  if (!p) throw new Error(`connection "${profile.name}": platform "${String(profile.platform)}" is not supported`);
  return p;
}

export async function createProvider(profile: ConnectionProfile, secrets: Secrets): Promise<Provider> {
  return (await platformOf(profile).load())(profile, secrets);
}

/** What the connection's platform does (the provider's own `capabilities`), without loading the provider. */
export function capabilitiesOf(profile: ConnectionProfile): Capabilities {
  return platformOf(profile).capabilities;
}

/** The platform's name in a sentence (its connection form's `name`, e.g. `Oracle VM`); an unknown id as it is. */
export function platformName(platform: string): string {
  return Object.hasOwn(PLATFORMS, platform) ? PLATFORMS[platform as ConnectionProfile['platform']].form.name : platform;
}

/** Add Connection's form of every platform, in the order the platform pick offers them. */
export function connectionForms(): ConnectionForm[] {
  return Object.values(PLATFORMS).map((p) => p.form);
}
