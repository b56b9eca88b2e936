/** scripts/gen-tl.ts: the committed schema.generated.ts is up to date, and the parser follows TL-IDS.md. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generateTlSchema, mergeTlSchemas, parseTlSchema } from '../../../scripts/gen-tl.ts';

describe('gen-tl', () => {
  it('committed src/net/tl/schema.generated.ts equals a fresh generation (run npm run gen:tl)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8') === generateTlSchema()).toBe(true);
  });

  it('parses multi-line declarations, comments, sections and skips builtins', () => {
    const decls = parseTlSchema(
      't.tl',
      `int ? = Int;
vector {t:Type} # [ t ] = Vector t;
boolTrue = Bool;
// a.commented x:int = a.C;
a.b x:int // trailing comment
   y:(vector a.B)
   = a.B;
---functions---
a.get = a.B;
---types---
a.c = a.C;`,
    );
    expect(decls.map((d) => [d.name, d.section])).toEqual([
      ['a.b', 'types'],
      ['a.get', 'functions'],
      ['a.c', 'types'],
    ]);
    expect(decls[0].normalized).toBe('a.b x:int y:vector a.B = a.B');
    expect(decls[0].fields).toEqual([
      { name: 'x', type: 'int' },
      { name: 'y', type: 'vector a.B' },
    ]);
  });

  it('flag conditions, shared bits and explicit ids', () => {
    const [d] = parseTlSchema('t.tl', 'x.y#0000abcd f:# a:f.3?long b:f.3?(vector int) c:f.31?true = x.Y;');
    expect(d.id).toBe(0xabcd);
    expect(d.fields.slice(1)).toEqual([
      { name: 'a', type: 'long', flag: { field: 'f', bit: 3 } },
      { name: 'b', type: 'vector int', flag: { field: 'f', bit: 3 } },
      { name: 'c', type: 'true', flag: { field: 'f', bit: 31 } },
    ]);
    expect(() => parseTlSchema('t.tl', 'x.y a:f.0?int = x.Y;')).toThrow(/not an earlier '#'/);
  });

  it('a constructor declared by both schemas must be identical', () => {
    const a = parseTlSchema('a.tl', 'x.y a:int = x.Y;');
    expect(mergeTlSchemas(a, parseTlSchema('b.tl', 'x.y  a:int\n = x.Y;'))).toHaveLength(1);
    expect(() => mergeTlSchemas(a, parseTlSchema('b.tl', 'x.y a:long = x.Y;'))).toThrow(/differs between/);
    expect(() => mergeTlSchemas(parseTlSchema('a.tl', 'x.y a:x.unknown = x.Y;'))).toThrow(/unknown type/);
  });
});
