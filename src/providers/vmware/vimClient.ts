// vim25 SOAP client at https://<host>/sdk over the project's transport (axios; TLS verified, or pinned to a SHA-1 /
// SHA-256 thumbprint): RetrieveServiceContent, Login / Logout with the `vmware_soap_session` cookie, and `invoke`
// for any method. Faults come back as VendorErrors with the vendor's fault type verbatim (vimFaults.ts).
import { AxiosInstance } from 'axios';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createHttp } from '../../transport/http';
import { isUntrustedCertificate, untrustedCertificateError } from '../../transport/presentedCertificate';
import { VendorError } from '../../core/errors';
import { registerSecret } from '../../core/secrets';
import { envelope, el } from './vimSoap';
import { SoapReply } from './vimReply';
import { XmlElement, XmlReader, child, malformed } from './vimXml';
import { MoRef, VimValue, asMoRef, asObject, decodeValue, optString } from './vimValue';

/** On an ESXi host, prints the SHA-256 thumbprint of the certificate hostd serves (vCenter: its machine SSL certificate). */
const SHOW_ESXI_CERTIFICATE = 'openssl x509 -noout -fingerprint -sha256 -in /etc/vmware/ssl/rui.crt';
const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };
const SESSION_COOKIE = 'vmware_soap_session';

export interface VimClientOptions {
  /** https://host[:port] (no /sdk). */
  url: string;
  username: string;
  password: string;
  /** SHA-1 or SHA-256 of the server certificate, to accept a self-signed one (VCB's HOST_THUMBPRINT form). */
  thumbprint?: string;
  /** Largest reply accepted, bytes (default 64 MiB): a bigger one fails with MALFORMED_REPLY as soon as it passes the limit. */
  maxReplyBytes?: number;
  timeoutMs?: number;
}

/** The ServiceContent fields this client uses (vim.ServiceInstanceContent). */
export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  searchIndex?: MoRef;
  fileManager?: MoRef;
  /** OvfManager (OVF descriptors for export and import). */
  ovfManager?: MoRef;
  /** TaskManager (its recentTask: the tasks running and recently finished). */
  taskManager?: MoRef;
  about: { apiType: string; apiVersion: string; fullName: string; instanceUuid?: string };
}

/** How a reply's returnvals are read: as a tree (false), as values (true), or as values with each field reported. */
type FieldsWanted = boolean | ((name: string, value: VimValue) => void);

export class VimClient {
  private readonly http: AxiosInstance;
  private cookie?: string;
  private serviceContent?: ServiceContent;
  readonly url: string;

  constructor(private readonly opts: VimClientOptions) {
    registerSecret(opts.password);
    this.url = opts.url.replace(/\/+$/, '').replace(/\/sdk$/, '');
    this.http = createHttp({ baseURL: this.url, thumbprint: opts.thumbprint, timeoutMs: opts.timeoutMs });
  }

  /** The ServiceContent read at connect (throws before connect). */
  get content(): ServiceContent {
    if (!this.serviceContent) throw new Error('vSphere client used before connect()');
    return this.serviceContent;
  }

  get loggedIn(): boolean {
    return this.cookie !== undefined;
  }

  /**
   * What a data-plane request (the datastore's `/folder` HTTP interface) needs: the same TLS pin and the session
   * cookie. The cookie is a secret: never logged.
   */
  dataPlane(): { thumbprint?: string; headers: Record<string, string> } {
    return {
      thumbprint: this.opts.thumbprint,
      headers: this.cookie ? { Cookie: `${SESSION_COOKIE}=${this.cookie}` } : {},
    };
  }

  /** RetrieveServiceContent then Login. InvalidLogin (wrong user or password) is thrown verbatim. */
  async connect(signal?: AbortSignal): Promise<void> {
    this.serviceContent = await this.retrieveServiceContent(signal);
    await this.login(signal);
  }

  async retrieveServiceContent(signal?: AbortSignal): Promise<ServiceContent> {
    const res = (await this.post('RetrieveServiceContent', SERVICE_INSTANCE, '', signal)).response;
    const rv = asObject(decodeValue(returnval(res, 'RetrieveServiceContent')), 'ServiceContent');
    const about = asObject(rv.about, 'ServiceContent.about');
    return {
      rootFolder: asMoRef(rv.rootFolder, 'rootFolder'),
      propertyCollector: asMoRef(rv.propertyCollector, 'propertyCollector'),
      viewManager: asMoRef(rv.viewManager, 'viewManager'),
      sessionManager: asMoRef(rv.sessionManager, 'sessionManager'),
      searchIndex: rv.searchIndex ? asMoRef(rv.searchIndex, 'searchIndex') : undefined,
      fileManager: rv.fileManager ? asMoRef(rv.fileManager, 'fileManager') : undefined,
      ovfManager: rv.ovfManager ? asMoRef(rv.ovfManager, 'ovfManager') : undefined,
      taskManager: rv.taskManager ? asMoRef(rv.taskManager, 'taskManager') : undefined,
      about: {
        apiType: optString(about.apiType, 'about.apiType') ?? '',
        apiVersion: optString(about.apiVersion, 'about.apiVersion') ?? '',
        fullName: optString(about.fullName, 'about.fullName') ?? '',
        instanceUuid: optString(about.instanceUuid, 'about.instanceUuid'),
      },
    };
  }

  /** SessionManager.Login; the reply's `vmware_soap_session` cookie is sent with every later call. */
  async login(signal?: AbortSignal): Promise<void> {
    this.cookie = undefined;
    const args = el('userName', this.opts.username) + el('password', this.opts.password);
    await this.post('Login', this.content.sessionManager, args, signal);
    if (!this.cookie)
      throw new VendorError('NotAuthenticated', [`Login succeeded but the server set no ${SESSION_COOKIE} cookie`]);
  }

  /** SessionManager.Logout; failures are ignored (the session may already be gone). */
  async logout(): Promise<void> {
    if (!this.cookie || !this.serviceContent) return;
    await this.post('Logout', this.content.sessionManager, '').catch(() => undefined);
    this.cookie = undefined;
  }

  /**
   * Calls `method` on `self` with `args` (escaped XML, see vimSoap) and returns the `<method>Response` element.
   * A NotAuthenticated fault (an expired session) logs in again once and repeats the call.
   */
  async invoke(method: string, self: MoRef, args = '', signal?: AbortSignal): Promise<XmlElement> {
    return (await this.call(method, self, args, signal, false)).response;
  }

  /**
   * As invoke, but the response's `returnval`s are decoded into values while the reply arrives, without building an
   * element tree (vimValue.ts VimValueBuilder): for the large replies (RetrievePropertiesEx pages, WaitForUpdatesEx).
   * [] when the method returned nothing. `onField` is called with each field of a returnval as soon as it is decoded,
   * before the rest of the reply is read (RetrieveResult.token comes first: the next page can be asked for at once).
   */
  async invokeValues(
    method: string,
    self: MoRef,
    args = '',
    signal?: AbortSignal,
    onField?: (name: string, value: VimValue) => void,
  ): Promise<VimValue[]> {
    return (await this.call(method, self, args, signal, onField ?? true)).values;
  }

  private async call(
    method: string,
    self: MoRef,
    args: string,
    signal: AbortSignal | undefined,
    values: FieldsWanted,
  ): Promise<{ response: XmlElement; values: VimValue[] }> {
    if (!this.cookie) await this.connect(signal);
    try {
      return await this.post(method, self, args, signal, values);
    } catch (err) {
      if (err instanceof VendorError && err.code === 'NotAuthenticated' && this.cookie) {
        await this.login(signal);
        return this.post(method, self, args, signal, values);
      }
      throw err;
    }
  }

  private async post(
    method: string,
    self: MoRef,
    args: string,
    signal?: AbortSignal,
    values: FieldsWanted = false,
  ): Promise<{ response: XmlElement; values: VimValue[] }> {
    let res;
    try {
      res = await this.http.post('/sdk', envelope(method, self, args), {
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: `urn:vim25/${this.serviceContent?.about.apiVersion || '6.5'}`,
          ...(this.cookie ? { Cookie: `${SESSION_COOKIE}=${this.cookie}` } : {}),
        },
        responseType: 'stream',
        signal,
      });
    } catch (err) {
      if (!this.opts.thumbprint && isUntrustedCertificate(err))
        throw await this.howToPin(err as Error & { code: string });
      throw err;
    }
    const cookie = sessionCookie(res.headers['set-cookie']);
    if (cookie) this.cookie = cookie;
    const stream = res.data as Readable;
    // vim25 answers 200, or 500 with a SOAP fault; anything else (a proxy's error page…) is not read.
    if (res.status !== 200 && res.status !== 500) {
      stream.destroy();
      throw new VendorError(`HTTP_${res.status}`, [`reply to ${method} is not SOAP`]);
    }
    const reply = new SoapReply(values !== false, typeof values === 'function' ? values : undefined);
    await this.readReply(stream, method, reply);
    const result = reply.result(method);
    if (res.status !== 200) throw new VendorError(`HTTP_${res.status}`, [method]);
    return result;
  }

  /**
   * Parses the reply while it arrives (network time and parse time overlap), and stops reading once it passes
   * maxReplyBytes (default 64 MiB) or is not well-formed: nothing more of it is kept.
   */
  private async readReply(stream: Readable, method: string, sink: SoapReply): Promise<void> {
    const max = this.opts.maxReplyBytes ?? 64 * 1024 * 1024;
    const reader = new XmlReader(sink);
    const utf8 = new StringDecoder('utf8');
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > max)
          throw new VendorError('MALFORMED_REPLY', [`reply to ${method} exceeds maxReplyBytes (${max})`]);
        reader.write(utf8.write(chunk));
      }
      reader.write(utf8.end());
      reader.close();
    } finally {
      stream.destroy();
    }
  }

  /** A self-signed certificate: say which one the server presented and how to check it before pinning (as the Xen client does). */
  private howToPin(err: Error & { code: string }): Promise<Error> {
    return untrustedCertificateError(this.url, err, 'on an ESXi host', SHOW_ESXI_CERTIFICATE);
  }
}

/** The `<returnval>` of a response (throws MALFORMED_REPLY if missing). */
export function returnval(response: XmlElement, method: string): XmlElement {
  const rv = child(response, 'returnval');
  if (!rv) throw malformed(`${method}Response has no returnval`);
  return rv;
}

function sessionCookie(header: string[] | string | undefined): string | undefined {
  for (const line of Array.isArray(header) ? header : header ? [header] : []) {
    const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=("?)([^";]*)\\1`).exec(line);
    if (m) return m[2];
  }
  return undefined;
}
