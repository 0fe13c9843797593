import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signV4 } from './aws-sigv4.js';

// The AWS Signature Version 4 test suite's credentials, time, region and service.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const at = new Date('2015-08-30T12:36:00Z');
const scope = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const sign = (method: string, path: string, headers: Record<string, string> = {}) =>
  signV4({ method, path, headers: { Host: 'example.amazonaws.com', ...headers }, body: new Uint8Array(0) }, credentials, 'us-east-1', 'service', at).Authorization;

describe('AWS SigV4 (the AWS Signature Version 4 test suite)', () => {
  it('signs get-vanilla, post-vanilla, get-vanilla-query-order-key-case and post-header-value-case as the suite expects', () => {
    expect(sign('GET', '/')).toBe(`AWS4-HMAC-SHA256 ${scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`);
    expect(sign('POST', '/')).toBe(`AWS4-HMAC-SHA256 ${scope}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`);
    expect(sign('GET', '/?Param2=value2&Param1=value1')).toBe(`AWS4-HMAC-SHA256 ${scope}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`);
    expect(sign('POST', '/', { 'My-Header1': 'VALUE1' })).toBe(`AWS4-HMAC-SHA256 ${scope}, SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d`);
  });

  it('adds x-amz-date and, with temporary credentials, x-amz-security-token, both signed', () => {
    const headers = signV4({ method: 'POST', path: '/', headers: { Host: 'h' }, body: Buffer.from('x') }, { ...credentials, sessionToken: 'tok' }, 'eu-west-1', 'es', at);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers['x-amz-security-token']).toBe('tok');
    expect(headers.Authorization).toMatch(/SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  });

  it('signs differently whenever the body, a header or the path differs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const of = (body: Uint8Array) => signV4({ method: 'POST', path: '/', headers: { Host: 'h' }, body }, credentials, 'us-east-1', 'service', at).Authorization;
        expect(of(a) === of(b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
    );
  });
});
