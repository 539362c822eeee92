// session/cookies.ts: the browser-shaped cookie reader the edge and the silos rely on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookieValues, MAX_COOKIE_HEADER_BYTES, oneCookie } from '../../session/cookies.ts';

const N = '__Host-session';

describe('cookieValues', () => {
  it('no cookie header is no value', () => {
    assert.deepEqual(cookieValues(undefined, N), []);
    assert.deepEqual(cookieValues([], N), []);
    assert.deepEqual(cookieValues([''], N), []);
  });

  it('finds the cookie among others, in every header entry, in order', () => {
    assert.deepEqual(cookieValues(['a=1; __Host-session=t1; b=2', 'c=3', '__Host-session=t2'], N), ['t1', 't2']);
  });

  it('splits on the first = only', () => {
    assert.deepEqual(cookieValues(['__Host-session=a=b=='], N), ['a=b==']);
    assert.deepEqual(cookieValues(['__Host-session=='], N), ['=']);
  });

  it('trims names and values, and matches names exactly', () => {
    assert.deepEqual(cookieValues(['  __Host-session  =  v  '], N), ['v']);
    assert.deepEqual(cookieValues(['__host-session=v; x__Host-session=v; __Host-session2=v; __Host-sessio=v'], N), []);
    assert.deepEqual(cookieValues(['__Host- session=v'], N), []);
  });

  it('removes one pair of surrounding quotes, and only a pair', () => {
    assert.deepEqual(cookieValues(['__Host-session="v"'], N), ['v']);
    assert.deepEqual(cookieValues(['__Host-session=""v""'], N), ['"v"']);
    assert.deepEqual(cookieValues(['__Host-session="v'], N), ['"v']);
    assert.deepEqual(cookieValues(['__Host-session=v"'], N), ['v"']);
    assert.deepEqual(cookieValues(['__Host-session="'], N), ['"']);
    assert.deepEqual(cookieValues(['__Host-session=""'], N), ['']);
  });

  it('skips segments without =, and empty segments', () => {
    assert.deepEqual(cookieValues(['__Host-session; ;;flag; __Host-session=v;'], N), ['v']);
  });

  it('keeps empty values (the router decides what they mean)', () => {
    assert.deepEqual(cookieValues(['__Host-session=; __Host-session= '], N), ['', '']);
  });

  it('does not decode values', () => {
    assert.deepEqual(cookieValues(['__Host-session=a%3Bb'], N), ['a%3Bb']);
  });

  it('reads nothing once all cookie headers together pass the cap', () => {
    const half = 'p='.padEnd(MAX_COOKIE_HEADER_BYTES / 2, 'x');
    assert.deepEqual(cookieValues([`${N}=v`, half.slice(0, half.length - 16), half], N), ['v'], 'at the cap');
    assert.equal(cookieValues([`${N}=v`, half, half], N), null, 'just past the cap, across entries');
    assert.equal(cookieValues([`${N}=v; ${'x'.repeat(MAX_COOKIE_HEADER_BYTES)}`], N), null, 'one entry past the cap');
    assert.deepEqual(cookieValues([`${N}=v; p=${'x'.repeat(MAX_COOKIE_HEADER_BYTES - N.length - 6)}`], N), ['v'], 'one entry exactly at the cap');
  });
});

describe('oneCookie: the duplicate rule shared by the edge and the silos', () => {
  const cases: [string, string[] | undefined, unknown][] = [
    ['no cookie header', undefined, { kind: 'none' }],
    ['only an empty value', ['__Host-session='], { kind: 'none' }],
    ['one value', ['__Host-session=t'], { kind: 'one', value: 't' }],
    ['identical copies count as one', ['__Host-session=t', '__Host-session="t"'], { kind: 'one', value: 't' }],
    ['an empty copy beside a value', ['__Host-session=; __Host-session=t'], { kind: 'one', value: 't' }],
    ['two different values are ambiguous', ['__Host-session=a; __Host-session=b'], { kind: 'ambiguous' }],
    ['over the cap is ambiguous', [`__Host-session=t; x=${'y'.repeat(MAX_COOKIE_HEADER_BYTES)}`], { kind: 'ambiguous' }],
  ];
  for (const [name, headers, expected] of cases) it(name, () => assert.deepEqual(oneCookie(headers, N), expected));
});
