// The platforms, each loaded on first use: activation does not pay for a platform's HTTP/SSH stack before a connection needs it.
import { ConnectionProfile } from '../core/model';
import { ProviderFactory, Provider, Secrets } from '../core/provider';

const FACTORIES: Record<ConnectionProfile['platform'], () => Promise<ProviderFactory>> = {
  xen: async () => (await import('./xen/xenProvider')).createXenProvider,
  vmware: async () => (await import('./vmware/vmwareProvider')).createVmwareProvider,
  oraclevm: async () => (await import('./oraclevm/oracleVmProvider')).createOracleVmProvider,
};

export async function createProvider(profile: ConnectionProfile, secrets: Secrets): Promise<Provider> {
  const load = FACTORIES[profile.platform];
  if (!load) throw new Error(`connection "${profile.name}": platform "${String(profile.platform)}" is not supported`);
  return (await load())(profile, secrets);
}
