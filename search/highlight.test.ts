import { describe, expect, it } from 'vitest';
import { excerptHtml, identifierMatches, markIdentifier, stripControl, utf8Window, wordMatcher } from './highlight.js';
import { decodeCursor, encodeCursor, infixPattern, readQuery } from './query-terms.js';

describe('snippets', () => {
  it('read a window of bytes cut from the body, dropping characters cut in two at either end', () => {
    const hex = (s: string | Buffer) => `\\x${Buffer.from(s).toString('hex')}`;
    expect(utf8Window(hex('Prüfung 3.1'))).toBe('Prüfung 3.1');
    const bytes = Buffer.from('ü Prüfung €');
    // "ü" loses its first byte, "€" (three bytes) its last.
    expect(utf8Window(hex(bytes.subarray(1, bytes.length - 1)))).toBe(' Prüfung ');
    expect(utf8Window(hex(Buffer.from('😀 x')))).toBe('😀 x');
    expect(utf8Window(hex(Buffer.from('x 😀').subarray(0, 4)))).toBe('x ');
    expect(utf8Window(null)).toBeNull();
    expect(utf8Window('\\x')).toBe('');
  });

  it('escape everything but our own marks', () => {
    const raw = `<img src=x onerror=alert(1)> Duplex & "more"`;
    const none = { before: false, after: false };
    expect(excerptHtml(raw, wordMatcher(['duplex']), none)).toBe(
      '&lt;img src=x onerror=alert(1)&gt; <mark>Duplex</mark> &amp; &quot;more&quot;',
    );
    expect(excerptHtml('no match here', wordMatcher(['duplex']), none)).toBeNull();
    expect(excerptHtml('duplex', null, none)).toBeNull();
    expect(stripControl('a\u0002b')).toBe('a b');
  });

  it('collapse every run of whitespace (tabs, line breaks, no-break spaces) into one space, trimmed', () => {
    const words = wordMatcher(['impact', 'test']);
    expect(excerptHtml(' \tCharpy\r\n impact\u00a0\u00a0test  at -46 °C\n', words, { before: false, after: false })).toBe(
      'Charpy <mark>impact</mark> <mark>test</mark> at -46 °C',
    );
    // The cut fragments are dropped first, then the whitespace around them.
    expect(excerptHtml('rpy\n\n impact test \t at -4', words, { before: true, after: true })).toBe(
      '<mark>impact</mark> <mark>test</mark> at -',
    );
    expect(excerptHtml('a\u2028impact\ttest', words, { before: false, after: false })).toBe('a <mark>impact</mark> <mark>test</mark>');
  });

  it('mark whole words as the simple configuration splits them, dropping cut fragments', () => {
    const words = wordMatcher(['norsok', 'm-650']);
    expect(excerptHtml('ding to NORSOK M-650, annex', words, { before: true, after: false })).toBe(
      'to <mark>NORSOK</mark> <mark>M</mark>-<mark>650</mark>, annex',
    );
    expect(excerptHtml('exampled example', wordMatcher(['example']), { before: false, after: false })).toBe(
      'exampled <mark>example</mark>',
    );
    // A window cut inside a word drops the fragment, at either end.
    expect(excerptHtml('plex duplex steel', wordMatcher(['plex']), { before: true, after: false })).toBeNull();
    expect(excerptHtml('duplex stee', wordMatcher(['duplex', 'stee']), { before: false, after: true })).toBe('<mark>duplex</mark>');
    expect(wordMatcher([])).toBeNull();
    // Letters beyond ASCII are word characters too.
    expect(excerptHtml('Die Prüfung, Zuschläge', wordMatcher(['prüfung', 'zuschl']), { before: false, after: false })).toBe(
      'Die <mark>Prüfung</mark>, Zuschläge',
    );
  });

  it('mark the matched part of an identifier', () => {
    expect(markIdentifier('Heat', '4A2231', 'a22')).toBe('Heat: 4<mark>A22</mark>31');
    expect(markIdentifier('PO', '<45>', '99')).toBe('PO: <mark>&lt;45&gt;</mark>');
  });

  it('accept exactly one typo in an identifier, anywhere in it', () => {
    expect(identifierMatches('4A2231', '4A2931', true)).toBe(true); // substitution
    expect(identifierMatches('4A2231', '4A231', true)).toBe(true); // deletion
    expect(identifierMatches('4A2231', '4A22319', true)).toBe(true); // insertion
    expect(identifierMatches('4A2231', '4A2321', true)).toBe(true); // swap
    expect(identifierMatches('X-4A2231-Z', 'A2931', true)).toBe(true); // inside a longer value
    expect(identifierMatches('4A2231', '4A2999', true)).toBe(false);
    expect(identifierMatches('4A2231', '4A2931', false)).toBe(false);
  });

  it('match a needle typed without separators across them, one typed with them only as typed', () => {
    expect(identifierMatches('21-43567', '2143', false)).toBe(true);
    expect(identifierMatches('8214567', '21-4', false)).toBe(false);
    expect(identifierMatches('21-43567', '2144', false)).toBe(false);
  });
});

describe('query reading', () => {
  it('splits identifier-like words from text words', () => {
    expect(readQuery('4A2231 duplex "3.1 certificate" -draft')).toMatchObject({
      identifiers: ['4A2231'],
      rest: 'duplex "3.1 certificate" -draft',
    });
    expect(readQuery('  ').text).toBeNull();
    expect(readQuery('!!').text).toBeNull();
    expect(infixPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });

  it('round-trips cursors and refuses forged ones', () => {
    const cursor = { sortKey: 712345, id: '0b6f3c1e-2a4b-4c5d-8e9f-0123456789ab' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(() => decodeCursor('bm9wZQ')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('[1.5,"x"]').toString('base64url'))).toThrow(/cursor/);
  });
});
