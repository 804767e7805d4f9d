// Pinning a VCB host's SSH host key, as Pin This Certificate… pins a TLS certificate: the fingerprint the host
// presented is shown in a modal with the command that prints it on the host; confirmed, it is written to the VCB
// host's `hostKey:` in connections.yaml. A changed key (SSH_HOST_KEY_MISMATCH) is never offered a pin here.
import { VcbHostProfile } from '../core/model';
import { SSH_HOW_TO_CHECK } from '../transport/sshHostKey';
import { vcbHostId } from '../views/vcbNodeTypes';
import { CommandContext } from './commandContext';
import { confirm } from './pickers';

/** The modal's message and detail: which host's key, for which connection, and how to check it on the host. */
export function hostKeyConfirmation(
  connection: string,
  host: VcbHostProfile,
  fingerprint: string,
): { message: string; detail: string } {
  return {
    message: `Pin the SSH host key of VCB host ${vcbHostId(host)} for connection "${connection}"?`,
    detail:
      `${fingerprint}\n\nPin it only if it is the host's own key: on the host, ${SSH_HOW_TO_CHECK} must print the same. ` +
      `The fingerprint is written to .vmbackup/connections.yaml as the VCB host's hostKey; a host presenting another key is then refused.`,
  };
}

/**
 * Asks (modal) and pins `fingerprint` as `host`'s hostKey, adding the host to the connection when it is new.
 * @throws CancelledError when declined.
 */
export async function confirmAndPinHostKey(
  ctx: CommandContext,
  connection: string,
  host: VcbHostProfile,
  fingerprint: string,
  action = 'Pin Host Key',
): Promise<VcbHostProfile> {
  const { message, detail } = hostKeyConfirmation(connection, host, fingerprint);
  await confirm(message, detail, action);
  const pinned: VcbHostProfile = { ...host, hostKey: fingerprint };
  const hosts = ctx.connections.get(connection)?.vcbHosts ?? [];
  const at = hosts.findIndex((h) => vcbHostId(h) === vcbHostId(host));
  ctx.connections.setVcbHosts(connection, at < 0 ? [...hosts, pinned] : hosts.map((h, i) => (i === at ? pinned : h)));
  ctx.vcb.forget(connection, vcbHostId(host));
  ctx.log.info(`connection "${connection}": pinned the SSH host key of VCB host ${vcbHostId(host)}, ${fingerprint}`);
  return pinned;
}
