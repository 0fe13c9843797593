import { describe, expect, it } from 'vitest';
import { createPdk, luaName } from './pdk.js';

describe('luaName', () => {
  it.each([
    ['getHeader', 'get_header'],
    ['getPathWithQuery', 'get_path_with_query'],
    ['getTls1VersionStr', 'get_tls1_version_str'],
    ['getTls1_versionStr', 'get_tls1_version_str'],
    ['get_header', 'get_header'],
    ['request', 'request'],
  ])('%s → %s', (name, lua) => {
    expect(luaName(name)).toBe(lua);
  });
});

describe('createPdk', () => {
  it('turns any property chain into a Kong method call with its arguments', async () => {
    const calls: Array<[string, unknown[]]> = [];
    const kong = createPdk(async (method, args) => (calls.push([method, args]), 'ok'));
    await expect(kong.request.getHeader('host')).resolves.toBe('ok');
    await kong.service.request.setHeader('x-a', 'b');
    await (kong as unknown as { enterprise_edition: { jwe: { decode: (t: string) => Promise<unknown> } } }).enterprise_edition.jwe.decode('t');
    expect(calls).toEqual([
      ['kong.request.get_header', ['host']],
      ['kong.service.request.set_header', ['x-a', 'b']],
      ['kong.enterprise_edition.jwe.decode', ['t']],
    ]);
  });

  it('is not a thenable, so awaiting a namespace sends nothing', async () => {
    const calls: string[] = [];
    const kong = createPdk(async (method) => void calls.push(method));
    const request = await kong.request;
    expect(typeof request.getHeader).toBe('function');
    expect((kong.request as unknown as { then?: unknown }).then).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
