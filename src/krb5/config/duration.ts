/**
 * MIT's duration syntax, krb5_string_to_deltat (src/lib/krb5/krb/x-deltat.y), used for
 * ticket_lifetime and renew_lifetime: "300" or "300s", "5m", "1h30m", "1d", "1d 2h 3m 4s",
 * "1:30" (h:m), "1:30:15" (h:m:s), "2-01:30:00" (d-hh:mm:ss); negative numbers with "-".
 * As MIT's lexer, any other character ends the input ("5mfoo" is 5m); whitespace may precede a
 * number and follow a d/h/m unit. Returns seconds, or undefined where MIT says
 * KRB5_DELTAT_BADFORMAT (including results outside 32 bits).
 */

type Tok = { t: 'num'; v: number; long: boolean } | { t: 'ws' } | { t: 'eof' } | { t: string };

const MAX_TIME = 0x7fffffff;
const MIN_TIME = -0x80000000;

function lex(s: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  for (;;) {
    const c = s[i];
    if (c === undefined) break;
    if ('-:dhms'.includes(c)) {
      out.push({ t: c });
      i++;
    } else if (c >= '0' && c <= '9') {
      const start = i;
      let v = 0;
      while (i < s.length && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s.charCodeAt(i) - 48);
        if (v > MAX_TIME) return undefined; // tok_OVERFLOW
        i++;
      }
      out.push({ t: 'num', v, long: i - start > 2 });
    } else if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      while (i < s.length && /\s/.test(s[i])) i++;
      out.push({ t: 'ws' });
    } else {
      break; // MIT's lexer returns end-of-input for anything else
    }
  }
  out.push({ t: 'eof' });
  return out;
}

class Fail extends Error {}

export function parseDuration(text: string): number | undefined {
  const toks = lex(text);
  if (!toks) return undefined;
  let pos = 0;
  const peek = (k = 0): Tok => toks[Math.min(pos + k, toks.length - 1)];
  const next = (): Tok => toks[Math.min(pos++, toks.length - 1)];
  const expect = (t: string): Tok => {
    const tok = next();
    if (tok.t !== t) throw new Fail();
    return tok;
  };
  const shortNum = (): number => {
    const tok = expect('num') as { v: number; long: boolean };
    if (tok.long) throw new Fail();
    return tok.v;
  };
  const startsNum = (k: number): boolean =>
    peek(k).t === 'num' || (peek(k).t === '-' && peek(k + 1).t === 'num');
  /** wsnum ::= [ws] ['-'] number */
  const wsnum = (): number => {
    if (peek().t === 'ws') next();
    let sign = 1;
    if (peek().t === '-') {
      next();
      sign = -1;
    }
    return sign * (expect('num') as { v: number }).v;
  };
  const sum = (a: number, b: number): number => {
    const r = a + b;
    if (r > MAX_TIME || r < MIN_TIME) throw new Fail();
    return r;
  };
  const UNIT: Record<string, number> = { h: 3600, m: 60, s: 1 };
  /** opt_hms / opt_ms / opt_s: [ws], or wsnum UNIT and the rest, for the units still allowed. */
  const tail = (units: readonly string[]): number => {
    if (units.length === 0) return 0;
    const k = peek().t === 'ws' ? 1 : 0;
    if (!startsNum(k)) {
      pos += k;
      return 0;
    }
    const n = wsnum();
    const u = next().t;
    const at = units.indexOf(u);
    if (at < 0) throw new Fail();
    const seconds = n * UNIT[u];
    if (seconds > MAX_TIME || seconds < MIN_TIME) throw new Fail();
    return sum(seconds, tail(u === 's' ? [] : units.slice(at + 1)));
  };
  const total = (d: number, h: number, m: number, s: number): number => {
    if (Math.abs(d) > MAX_TIME / 86400 || Math.abs(h) > MAX_TIME / 3600 || Math.abs(m) > MAX_TIME / 60)
      throw new Fail();
    return sum(sum(sum(d * 86400, h * 3600), m * 60), s);
  };
  try {
    const n = wsnum();
    let result: number;
    const t = next().t;
    if (t === 'd') result = total(n, 0, 0, tail(['h', 'm', 's']));
    else if (t === 'h') result = total(0, n, 0, tail(['m', 's']));
    else if (t === 'm') result = total(0, 0, n, tail(['s']));
    else if (t === 's') result = total(0, 0, 0, n);
    else if (t === '-') {
      const h = shortNum();
      expect(':');
      const m = shortNum();
      expect(':');
      result = total(n, h, m, shortNum());
    } else if (t === ':') {
      const a = shortNum();
      if (peek().t === ':') {
        next();
        result = total(0, n, a, shortNum());
      } else result = total(0, n, a, 0);
    } else if (t === 'eof') {
      return total(0, 0, 0, n);
    } else throw new Fail();
    if (next().t !== 'eof') throw new Fail();
    return result;
  } catch (e) {
    if (e instanceof Fail) return undefined;
    throw e;
  }
}
