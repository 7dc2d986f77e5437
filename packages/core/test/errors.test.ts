import { describe, expect, it } from 'vitest';
import { AbortedError, DeepstoreError, NotFoundError, TransientError, fromNodeError, isErrorKind, throwIfAborted } from '@deepstore/core';

describe('typed errors', () => {
  it('carry operation and a credential-free URI in message and fields', () => {
    const e = new NotFoundError(undefined, { operation: 'openRead', uri: 'https://bob:pa55@h/x?sig=zzz' });
    expect(e.message).toMatch(/^openRead https:\/\/\*\*\*@h\/x\?sig=REDACTED: no such file/);
    expect(e.message).not.toContain('pa55');
    expect(e.uri).not.toContain('zzz');
    expect(e.kind).toBe('NotFound');
    expect(e.retryable).toBe(false);
    expect(e).toBeInstanceOf(DeepstoreError);
    expect(isErrorKind(e, 'NotFound')).toBe(true);
  });
  it('marks transient failures retryable and maps Node error codes', () => {
    expect(new TransientError('503').retryable).toBe(true);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(fromNodeError(reset, { operation: 'write' }).kind).toBe('Transient');
    expect(fromNodeError(Object.assign(new Error('x'), { code: 'ENOENT' }), {}).kind).toBe('NotFound');
    expect(fromNodeError(Object.assign(new Error('x'), { code: 'EACCES' }), {}).kind).toBe('PermissionDenied');
    expect(fromNodeError(Object.assign(new Error('x'), { code: 'ENOTEMPTY' }), {}).kind).toBe('NotEmpty');
  });
  it('turns an aborted signal into AbortedError with its reason', () => {
    const ac = new AbortController();
    ac.abort(new Error('user pressed Ctrl-C'));
    expect(() => throwIfAborted(ac.signal, { operation: 'copy' })).toThrow(AbortedError);
    expect(() => throwIfAborted(ac.signal)).toThrow(/Ctrl-C/);
  });
});
