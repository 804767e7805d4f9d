// Which configured connection a VCB file's password belongs to: the one whose URL host is the file's HOST / VCHOST.
import { Entry, LanguageId } from './types';

/** The key naming the server a file's password is for (config.js: HOST, backuptools.conf: VCHOST). */
const HOST_KEY: Partial<Record<LanguageId, string>> = { 'vcb-config-js': 'HOST', 'backuptools-conf': 'VCHOST' };

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try { return new URL(url).hostname.toLowerCase(); } catch { return undefined; }
}

/** Names of the connections whose URL host is the file's HOST / VCHOST (the last assignment wins), in configuration order. */
export function connectionsForHost(lang: LanguageId, entries: readonly Entry[], connections: ReadonlyArray<{ name: string; url?: string }>): string[] {
  const key = HOST_KEY[lang];
  const host = key ? [...entries].reverse().find((e) => e.key === key)?.value.trim().toLowerCase() : undefined;
  if (!host) return [];
  return connections.filter((c) => hostOf(c.url) === host).map((c) => c.name);
}
