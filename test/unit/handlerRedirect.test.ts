import { strict as assert } from 'node:assert';
import { redirectTarget } from '../../src/providers/xen/handlerRedirect';

describe('handlerRedirect: where a data-plane 302 may lead', () => {
  const from = 'http://master:80/export?session_id=OpaqueRef:s&ref=OpaqueRef:v&task_id=OpaqueRef:t';
  it("follows XAPI's Location (same query) and upgrades http to https", () => {
    assert.equal(
      redirectTarget(
        from,
        'https://10.0.0.2/export?session_id=OpaqueRef:s&ref=OpaqueRef:v&task_id=OpaqueRef:t',
        '/export',
      ),
      'https://10.0.0.2/export?session_id=OpaqueRef:s&ref=OpaqueRef:v&task_id=OpaqueRef:t',
    );
  });
  it('puts back query parameters a Location dropped, and resolves relative Locations', () => {
    const u = new URL(redirectTarget(from, '/export?ref=OpaqueRef:v', '/export'));
    assert.equal(u.origin, 'http://master');
    assert.equal(u.searchParams.get('session_id'), 'OpaqueRef:s');
    assert.equal(u.searchParams.get('task_id'), 'OpaqueRef:t');
  });
  it('refuses https → http, other schemes and a missing Location, without echoing the session', () => {
    const https = from.replace('http://master:80', 'https://master');
    for (const [src, loc] of [
      [https, 'http://10.0.0.2/export?session_id=OpaqueRef:s'],
      [from, 'file:///etc/passwd'],
      [from, undefined],
    ] as const) {
      assert.throws(
        () => redirectTarget(src, loc, '/export'),
        (e: Error) => /REDIRECT_REFUSED|HTTP_302/.test(e.message) && !e.message.includes('OpaqueRef:s'),
      );
    }
  });
});
