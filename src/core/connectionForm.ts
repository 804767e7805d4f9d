// What Add Connection asks for one platform: its name in the pick, the URL prompt with the platform's own default
// form, the usual administrator. Each platform declares one beside its capabilities (providers/<platform>/*ConnectionForm.ts);
// the command has no platform branch. No vscode here.
import { ConnectionProfile } from './model';

/**
 * One platform's connection form. `urlPrompt` and `urlForm` name the management endpoint as the vendor documents it
 * (e.g. `https://<vcenter>/sdk`); `defaultPath` and `defaultPort` complete a bare host name into that form;
 * `defaultUser` is the vendor's built-in administrator, offered as the user prompt's value.
 */
export interface ConnectionForm {
  platform: ConnectionProfile['platform'];
  /** The platform as the pick shows it, e.g. `VMware vSphere (vCenter or ESXi)`. */
  label: string;
  /** The platform's name in a sentence (a message, the CLI), e.g. `Oracle VM`, `vSphere`. */
  name: string;
  /** One line under the label: what the connection talks to. */
  detail: string;
  urlPrompt: string;
  /** The endpoint's form with placeholders, e.g. `https://<manager>:7002/ovm/core/wsapi/rest`. */
  urlForm: string;
  /** Path a bare host is completed with ('' for none), e.g. `/sdk`. */
  defaultPath: string;
  /** Port a bare host is completed with (absent: the scheme's). */
  defaultPort?: number;
  defaultUser: string;
}

/**
 * The URL the user typed, completed to the form's: a bare `host` or `host:port` gets `https://`, the default port
 * (when none is given) and the default path; a URL with a scheme is kept as typed (trimmed). Undefined when it is
 * not an http(s) URL with a host.
 */
export function completeUrl(form: ConnectionForm, typed: string): string | undefined {
  const t = typed.trim();
  if (!t || /\s/.test(t)) return undefined;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(t);
  let u: URL;
  try {
    u = new URL(hasScheme ? t : `https://${t}`);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname) return undefined;
  if (hasScheme) return t;
  if (!u.port && form.defaultPort) u.port = String(form.defaultPort);
  if (u.pathname === '/' || u.pathname === '') u.pathname = form.defaultPath || '/';
  const s = u.toString();
  return form.defaultPath ? s : s.replace(/\/$/, '');
}

/** The URL prompt's validation message, or undefined when `typed` completes to a URL. */
export function urlProblem(form: ConnectionForm, typed: string): string | undefined {
  return completeUrl(form, typed) ? undefined : `A URL such as ${form.urlForm}, or the host name alone`;
}
