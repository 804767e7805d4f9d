// Minimal XML-RPC <value> serialiser/parser (ova.xml, task results).

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/&amp;/g, '&');
}

/** XAPI style: ints are decimal strings, floats <double>, bools <boolean>. */
export function toXmlRpcValue(v: unknown): string {
  if (v === null || v === undefined) return '<value></value>';
  if (typeof v === 'string') return `<value>${xmlEscape(v)}</value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') {
    return Number.isInteger(v) ? `<value>${v}</value>` : `<value><double>${v}</double></value>`;
  }
  if (Array.isArray(v)) return `<value><array><data>${v.map(toXmlRpcValue).join('')}</data></array></value>`;
  if (typeof v === 'object') {
    const members = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `<member><name>${xmlEscape(k)}</name>${toXmlRpcValue(x)}</member>`)
      .join('');
    return `<value><struct>${members}</struct></value>`;
  }
  return `<value>${xmlEscape(String(v))}</value>`;
}

/** Parses one XML-RPC <value> (document may contain an XML declaration). Throws on malformed input. */
export function parseXmlRpcValue(xml: string): unknown {
  const tokens = xml.match(/<[^>]*>|[^<]+/g) ?? [];
  let i = 0;
  const skipWs = (): void => {
    while (i < tokens.length && (/^\s+$/.test(tokens[i]) || tokens[i].startsWith('<?'))) i++;
  };
  const expect = (tag: string): void => {
    skipWs();
    if (tokens[i] !== tag) throw new Error(`expected ${tag} got ${tokens[i] ?? 'EOF'}`);
    i++;
  };
  const text = (): string => {
    let s = '';
    while (i < tokens.length && !tokens[i].startsWith('<')) s += tokens[i++];
    return xmlUnescape(s);
  };
  const value = (): unknown => {
    expect('<value>');
    if (tokens[i] === '</value>') { i++; return ''; }
    const before = i;
    const t = text();
    if (tokens[i] === '</value>') { i++; return t; }
    if (!/^\s*$/.test(t)) throw new Error('mixed content');
    void before;
    skipWs();
    const tag = tokens[i];
    let out: unknown;
    if (tag === '<struct>') {
      i++;
      const o: Record<string, unknown> = {};
      skipWs();
      while (tokens[i] === '<member>') {
        i++;
        expect('<name>');
        const k = text();
        expect('</name>');
        o[k] = value();
        expect('</member>');
        skipWs();
      }
      expect('</struct>');
      out = o;
    } else if (tag === '<array>') {
      i++;
      expect('<data>');
      const a: unknown[] = [];
      skipWs();
      while (tokens[i] === '<value>') { a.push(value()); skipWs(); }
      if (tokens[i] === '<data/>') i++;
      expect('</data>');
      expect('</array>');
      out = a;
    } else if (tag === '<string>' || tag === '<i4>' || tag === '<int>' || tag === '<double>' || tag === '<boolean>' || tag === '<dateTime.iso8601>') {
      i++;
      const s = text();
      expect(tag.replace('<', '</'));
      out = tag === '<string>' || tag === '<dateTime.iso8601>' ? s : tag === '<boolean>' ? s === '1' : Number(s);
    } else if (tag === '<string/>') { i++; out = ''; }
    else throw new Error(`unexpected ${tag}`);
    expect('</value>');
    return out;
  };
  const v = value();
  skipWs();
  if (i < tokens.length) throw new Error('trailing content');
  return v;
}
