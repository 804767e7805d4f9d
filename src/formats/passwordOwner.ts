// Which configured connection a VCB file's password belongs to: a connection of the file's platform whose URL host is
// the file's HOST / VCHOST — never a connection of another platform (an XCP-ng pool's secret is not a vCenter's).
import { Entry, LanguageId } from './types';

/** The key naming the server a file's password is for (config.js: HOST, backuptools.conf: VCHOST). */
const HOST_KEY: Partial<Record<LanguageId, string>> = { 'vcb-config-js': 'HOST', 'backuptools-conf': 'VCHOST' };
/** The connection platform a file's server is (`platform` in connections.yaml). */
export const FILE_PLATFORM: Partial<Record<LanguageId, string>> = {
  'vcb-config-js': 'vmware',
  'backuptools-conf': 'vmware',
};

export interface ConnectionRef {
  name: string;
  url?: string;
  platform?: string;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function lastValue(entries: readonly Entry[], key: string | undefined): string | undefined {
  return key
    ? [...entries]
        .reverse()
        .find((e) => e.key === key && !e.unevaluated)
        ?.value.trim() || undefined
    : undefined;
}

/** The server a file's password is for (its last HOST / VCHOST), lower-case; undefined when the file names none. */
export function fileHost(lang: LanguageId, entries: readonly Entry[]): string | undefined {
  return lastValue(entries, HOST_KEY[lang])?.toLowerCase();
}

/** Names of the connections of the file's platform whose URL host is the file's HOST / VCHOST, in configuration order. */
export function connectionsForHost(
  lang: LanguageId,
  entries: readonly Entry[],
  connections: readonly ConnectionRef[],
): string[] {
  const host = fileHost(lang, entries);
  const platform = FILE_PLATFORM[lang];
  if (!host || !platform) return [];
  return connections.filter((c) => c.platform === platform && hostOf(c.url) === host).map((c) => c.name);
}

/**
 * A new connection pre-filled from the file (platform, https://<HOST>, USERNAME) for when none matches; its name is the
 * host, made unique against `taken`. Undefined when the file names no host.
 */
export function connectionDraft(
  lang: LanguageId,
  entries: readonly Entry[],
  taken: readonly string[],
): { name: string; platform: string; url: string; username: string } | undefined {
  const host = fileHost(lang, entries);
  const platform = FILE_PLATFORM[lang];
  if (!host || !platform || /[\s/@]/.test(host)) return undefined;
  let name = host;
  for (let n = 2; taken.includes(name); n++) name = `${host}-${n}`;
  return { name, platform, url: `https://${host}`, username: lastValue(entries, 'USERNAME') ?? 'root' };
}
