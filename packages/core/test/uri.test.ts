import { describe, expect, it } from 'vitest';
import { baseName, isSameOrUnder, joinUri, parentUri, redactUri, relativePath, sameUri, schemeOf, toUrl, uriFromPath } from '@deepstore/core';

describe('schemeOf and toUrl', () => {
  it('maps plain paths to file URLs and keeps schemes', () => {
    expect(schemeOf('/data/x')).toBe('file');
    expect(schemeOf('relative/x')).toBe('file');
    expect(schemeOf('S3://b/k')).toBe('s3');
    expect(schemeOf('hdfs://nn:8020/p')).toBe('hdfs');
    expect(toUrl('/data/a b#c?d%e').href).toBe('file:///data/a%20b%23c%3Fd%25e');
    expect(toUrl('gs://bucket/key').host).toBe('bucket');
  });
  it('rejects empty and NUL-bearing input', () => {
    expect(() => toUrl('')).toThrow(/empty/);
    expect(() => toUrl('/a\0b')).toThrow(/NUL/);
  });
});

describe('joinUri, parentUri, baseName, relativePath', () => {
  it('encodes awkward names once and decodes them back', () => {
    const u = joinUri('s3://bucket/root/', 'a b', 'c#d?e%f+g');
    expect(u).toBe('s3://bucket/root/a%20b/c%23d%3Fe%25f%2Bg');
    expect(baseName(u)).toBe('c#d?e%f+g');
    expect(parentUri(u)).toBe('s3://bucket/root/a%20b');
    expect(relativePath('s3://bucket/root', u)).toBe('a b/c#d?e%f+g');
  });
  it('treats different encodings of one name as the same entry', () => {
    expect(relativePath('file:///x', 'file:///x/a+b/c')).toBe('a+b/c');
    expect(relativePath('file:///x', 'file:///x/a%2Bb/c')).toBe('a+b/c');
    expect(sameUri('file:///x/a+b/', 'file:///x/a%2Bb')).toBe(true);
  });
  it('does not confuse a sibling sharing a prefix with a child', () => {
    expect(relativePath('s3://b/seg', 's3://b/seg1/x')).toBeUndefined();
    expect(relativePath('s3://b/seg', 's3://b/seg')).toBeUndefined();
    expect(relativePath('s3://b/seg', 's3://other/seg/x')).toBeUndefined();
    expect(isSameOrUnder('s3://b/seg', 's3://b/seg/x')).toBe(true);
    expect(isSameOrUnder('s3://b/seg', 's3://b/seg2')).toBe(false);
  });
  it('refuses traversal segments in joined names', () => {
    expect(() => joinUri('file:///data', '../etc/passwd')).toThrow(/not allowed/);
    expect(() => joinUri('file:///data', 'a/./b')).toThrow(/not allowed/);
  });
  it('builds canonical URIs from decoded paths', () => {
    expect(uriFromPath('file', '', '/tmp/a+b/c d')).toBe('file:///tmp/a%2Bb/c%20d');
  });
});

describe('redactUri', () => {
  it('removes user info and secret query parameters', () => {
    const r = redactUri('https://alice:s3cr3t@host/p?X-Amz-Signature=abcdef&X-Amz-Credential=AKIA123&x=1&delegation=tok');
    expect(r).not.toContain('s3cr3t');
    expect(r).not.toContain('alice');
    expect(r).not.toContain('abcdef');
    expect(r).not.toContain('AKIA123');
    expect(r).not.toContain('tok');
    expect(r).toContain('x=1');
  });
  it('strips user info even from unparseable input', () => {
    expect(redactUri('http://user:pw@[bad/x?token=1')).not.toContain('pw');
  });
});
