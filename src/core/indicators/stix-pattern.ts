// A parser for STIX 2.1 patterning (tokenizer + recursive descent, after the grammar in the STIX 2.1
// specification, section 9). Only what value matching needs is kept: the non-negated equality comparisons
// (object path = string). Everything else is parsed so that it can be skipped with a warning.
// Never throws: bad input yields `error` and no comparisons.

/** One `object-type:path = 'value'` comparison usable for matching. */
export interface EqualityComparison {
  /** Canonical path: `file:hashes.SHA-256` (quotes of quoted components removed, list indexes as `[0]`/`[*]`). */
  objectPath: string;
  objectType: string;
  /** The property components after the colon, e.g. ["hashes", "SHA-256"]. */
  properties: string[];
  value: string;
}

export interface PatternParseResult {
  comparisons: EqualityComparison[];
  warnings: string[];
  /** Set when the pattern could not be parsed; comparisons is then empty. */
  error: string | null;
}

type TokenKind = "punct" | "op" | "word" | "string" | "number" | "typed" | "end";

interface Token {
  kind: TokenKind;
  /** punct/op/word text; decoded string for string and typed literals. */
  text: string;
  /** Prefix of a typed literal: b (binary), h (hex), t (timestamp). */
  prefix?: string;
  pos: number;
}

class PatternError extends Error {}

const PUNCT = "[]():.,*";
const COMPARISON_OPS = new Set(["=", "!=", "<>", "<", "<=", ">", ">="]);
const WORD_OPS = new Set(["LIKE", "MATCHES", "IN", "ISSUBSET", "ISSUPERSET"]);

function isWordStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isWordChar(c: string): boolean {
  return isWordStart(c) || (c >= "0" && c <= "9") || c === "-";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

/** Splits a pattern into tokens. `'` strings allow only the escapes `\'` and `\\` (others are kept, with a warning). */
export function tokenizePattern(src: string, warnings: string[] = []): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (isSpace(c)) {
      i++;
    } else if (c === "'") {
      const [text, next] = readString(src, i, warnings);
      tokens.push({ kind: "string", text, pos: i });
      i = next;
    } else if ((c === "b" || c === "h" || c === "t") && src[i + 1] === "'") {
      const [text, next] = readString(src, i + 1, warnings);
      tokens.push({ kind: "typed", text, prefix: c, pos: i });
      i = next;
    } else if (PUNCT.includes(c)) {
      tokens.push({ kind: "punct", text: c, pos: i });
      i++;
    } else if (c === "=" || c === "!" || c === "<" || c === ">") {
      const two = src.slice(i, i + 2);
      const op = COMPARISON_OPS.has(two) ? two : c;
      if (!COMPARISON_OPS.has(op)) throw new PatternError(`unexpected "${c}" at ${i}`);
      tokens.push({ kind: "op", text: op, pos: i });
      i += op.length;
    } else if (isDigit(c) || ((c === "-" || c === "+") && isDigit(src[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < src.length && (isDigit(src[j]) || src[j] === ".")) j++;
      tokens.push({ kind: "number", text: src.slice(i, j), pos: i });
      i = j;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < src.length && isWordChar(src[j])) j++;
      tokens.push({ kind: "word", text: src.slice(i, j), pos: i });
      i = j;
    } else {
      throw new PatternError(`unexpected "${c}" at ${i}`);
    }
  }
  tokens.push({ kind: "end", text: "", pos: src.length });
  return tokens;
}

/** Reads a quoted string starting at the quote `start`; returns [decoded text, index after the closing quote]. */
function readString(src: string, start: number, warnings: string[]): [string, number] {
  let out = "";
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === "'") return [out, i + 1];
    if (c === "\\") {
      const n = src[i + 1];
      if (n === undefined) break;
      if (n !== "'" && n !== "\\") warnings.push(`unknown escape "\\${n}" in a string at ${i}; kept as "${n}"`);
      out += n;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw new PatternError(`unterminated string starting at ${start}`);
}

/** Recursive-descent parser; collects equality comparisons while walking the grammar. */
class PatternParser {
  private i = 0;
  readonly comparisons: EqualityComparison[] = [];

  constructor(
    private readonly tokens: Token[],
    readonly warnings: string[],
  ) {}

  parsePattern(): void {
    if (this.startsObjectPath()) {
      // Not valid STIX, but some feeds omit the brackets of a single observation.
      this.warnings.push("observation expression without brackets");
      this.comparisonOr();
    } else {
      this.observationExpressions();
    }
    if (this.peek().kind !== "end") this.fail(`unexpected "${this.peek().text}"`);
  }

  // ObservationExpressions := ObservationOr (FOLLOWEDBY ObservationOr)*
  private observationExpressions(): void {
    this.observationOr();
    while (this.acceptWord("FOLLOWEDBY")) {
      this.warnOnce("FOLLOWEDBY: each observation is matched on its own");
      this.observationOr();
    }
  }

  private observationOr(): void {
    this.observationAnd();
    while (this.acceptWord("OR")) this.observationAnd();
  }

  private observationAnd(): void {
    this.observation();
    while (this.acceptWord("AND")) {
      this.warnOnce("AND between observations: each observation is matched on its own");
      this.observation();
    }
  }

  // Observation := '[' ComparisonOr ']' Qualifier* | '(' ObservationExpressions ')' Qualifier*
  private observation(): void {
    if (this.acceptPunct("[")) {
      this.comparisonOr();
      this.expectPunct("]");
    } else if (this.acceptPunct("(")) {
      this.observationExpressions();
      this.expectPunct(")");
    } else {
      this.fail(`expected "[" or "(" but found ${this.describe(this.peek())}`);
    }
    while (this.qualifier());
  }

  /** START t'..' STOP t'..' | WITHIN n SECONDS | REPEATS n TIMES; ignored for matching. */
  private qualifier(): boolean {
    if (this.acceptWord("START")) {
      this.expectKind("typed");
      this.expectWord("STOP");
      this.expectKind("typed");
    } else if (this.acceptWord("WITHIN")) {
      this.expectKind("number");
      this.expectWord("SECONDS");
    } else if (this.acceptWord("REPEATS")) {
      this.expectKind("number");
      this.expectWord("TIMES");
    } else {
      return false;
    }
    this.warnOnce("qualifiers (START/STOP, WITHIN, REPEATS) are ignored");
    return true;
  }

  private comparisonOr(): void {
    this.comparisonAnd();
    while (this.acceptWord("OR")) this.comparisonAnd();
  }

  private comparisonAnd(): void {
    this.propTest();
    while (this.acceptWord("AND")) {
      this.warnOnce("AND between comparisons: each equality is matched on its own");
      this.propTest();
    }
  }

  // PropTest := '(' ComparisonOr ')' | EXISTS ObjectPath | ObjectPath NOT? Operator Literal
  private propTest(): void {
    if (this.acceptPunct("(")) {
      this.comparisonOr();
      this.expectPunct(")");
      return;
    }
    if (this.acceptWord("EXISTS")) {
      const path = this.objectPath();
      this.warnings.push(`EXISTS ${path.objectPath} cannot be matched; skipped`);
      return;
    }
    const path = this.objectPath();
    const negated = this.acceptWord("NOT");
    const op = this.operator();
    if (op === "IN") {
      this.setLiteral(path, negated);
      return;
    }
    const literal = this.literal();
    if (op === "=" && !negated && literal.kind === "string") {
      this.comparisons.push({ ...path, value: literal.text });
    } else {
      const shown = literal.kind === "string" ? `'${literal.text}'` : literal.text;
      this.warnings.push(`${path.objectPath} ${negated ? "NOT " : ""}${op} ${shown} is not an equality with a string; skipped`);
    }
  }

  private operator(): string {
    const t = this.peek();
    if (t.kind === "op") {
      this.i++;
      return t.text;
    }
    if (t.kind === "word" && WORD_OPS.has(t.text.toUpperCase())) {
      this.i++;
      return t.text.toUpperCase();
    }
    return this.fail(`expected a comparison operator but found ${this.describe(t)}`);
  }

  /** `IN ('a', 'b')` is an OR of equalities. */
  private setLiteral(path: Omit<EqualityComparison, "value">, negated: boolean): void {
    this.expectPunct("(");
    do {
      const literal = this.literal();
      if (!negated && literal.kind === "string") this.comparisons.push({ ...path, value: literal.text });
    } while (this.acceptPunct(","));
    this.expectPunct(")");
    if (negated) this.warnings.push(`${path.objectPath} NOT IN (...) cannot be matched; skipped`);
  }

  private literal(): Token {
    const t = this.peek();
    if (t.kind === "string" || t.kind === "number" || t.kind === "typed") {
      this.i++;
      return t;
    }
    if (t.kind === "word" && (t.text === "true" || t.text === "false")) {
      this.i++;
      return t;
    }
    return this.fail(`expected a value but found ${this.describe(t)}`);
  }

  // ObjectPath := type ':' component ('.' component | '[' (int | '*') ']')*
  private objectPath(): Omit<EqualityComparison, "value"> {
    const type = this.peek();
    if (type.kind !== "word") this.fail(`expected an object type but found ${this.describe(type)}`);
    this.i++;
    this.expectPunct(":");
    const properties = [this.pathComponent()];
    let objectPath = `${type.text}:${properties[0]}`;
    for (;;) {
      if (this.acceptPunct(".")) {
        const part = this.pathComponent();
        properties.push(part);
        objectPath += `.${part}`;
      } else if (this.acceptPunct("[")) {
        const t = this.peek();
        if (!(t.kind === "number" || (t.kind === "punct" && t.text === "*"))) this.fail(`expected a list index but found ${this.describe(t)}`);
        this.i++;
        this.expectPunct("]");
        properties.push(`[${t.text}]`);
        objectPath += `[${t.text}]`;
      } else {
        break;
      }
    }
    return { objectPath, objectType: type.text, properties };
  }

  private pathComponent(): string {
    const t = this.peek();
    if (t.kind === "word" || t.kind === "string") {
      this.i++;
      return t.text;
    }
    return this.fail(`expected a property name but found ${this.describe(t)}`);
  }

  private startsObjectPath(): boolean {
    const [a, b] = [this.tokens[this.i], this.tokens[this.i + 1]];
    return a?.kind === "word" && b?.kind === "punct" && b.text === ":";
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.kind === "punct" && t.text === p) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail(`expected "${p}" but found ${this.describe(this.peek())}`);
  }

  /** Keywords are upper case in STIX; lower case is tolerated. */
  private acceptWord(w: string): boolean {
    const t = this.peek();
    if (t.kind === "word" && t.text.toUpperCase() === w) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectWord(w: string): void {
    if (!this.acceptWord(w)) this.fail(`expected ${w} but found ${this.describe(this.peek())}`);
  }

  private expectKind(kind: TokenKind): void {
    if (this.peek().kind !== kind) this.fail(`expected a ${kind} literal but found ${this.describe(this.peek())}`);
    this.i++;
  }

  private warnOnce(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  private describe(t: Token): string {
    if (t.kind === "end") return "the end of the pattern";
    if (t.kind === "string") return `'${t.text}' at ${t.pos}`;
    return `"${t.text}" at ${t.pos}`;
  }

  private fail(message: string): never {
    throw new PatternError(message);
  }
}

const CH_OPEN = 91; // [
const CH_CLOSE = 93; // ]
const CH_QUOTE = 39; // '
const CH_EQ = 61;
const CH_COLON = 58;
const CH_DOT = 46;

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isWordStartCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/**
 * Fast path for the form nearly every feed uses, `[type:a.b='value']` (a component may be quoted, no
 * escapes). Returns null for anything else, which then goes through the full parser. Loading thousands
 * of indicators at start-up is dominated by this, before the JIT has warmed up.
 */
function parseSimpleEquality(p: string): EqualityComparison | null {
  const n = p.length;
  let i = 0;
  while (i < n && isSpaceCode(p.charCodeAt(i))) i++;
  if (p.charCodeAt(i++) !== CH_OPEN) return null;
  while (i < n && isSpaceCode(p.charCodeAt(i))) i++;
  const typeStart = i;
  if (!isWordStartCode(p.charCodeAt(i))) return null;
  while (i < n && isWordCode(p.charCodeAt(i))) i++;
  if (p.charCodeAt(i) !== CH_COLON) return null;
  const objectType = p.slice(typeStart, i++);
  const properties: string[] = [];
  const pathStart = typeStart;
  let quoted = false;
  for (;;) {
    let part: string;
    if (p.charCodeAt(i) === CH_QUOTE) {
      const end = p.indexOf("'", i + 1);
      if (end === -1) return null;
      part = p.slice(i + 1, end);
      if (part.includes("\\")) return null;
      quoted = true;
      i = end + 1;
    } else {
      const start = i;
      if (!isWordStartCode(p.charCodeAt(i))) return null;
      while (i < n && isWordCode(p.charCodeAt(i))) i++;
      part = p.slice(start, i);
    }
    properties.push(part);
    if (p.charCodeAt(i) !== CH_DOT) break;
    i++;
  }
  const objectPath = quoted ? `${objectType}:${properties.join(".")}` : p.slice(pathStart, i);
  while (i < n && isSpaceCode(p.charCodeAt(i))) i++;
  if (p.charCodeAt(i++) !== CH_EQ) return null;
  while (i < n && isSpaceCode(p.charCodeAt(i))) i++;
  if (p.charCodeAt(i) !== CH_QUOTE) return null;
  const end = p.indexOf("'", i + 1);
  if (end === -1) return null;
  const value = p.slice(i + 1, end);
  if (value.includes("\\")) return null;
  i = end + 1;
  while (i < n && isSpaceCode(p.charCodeAt(i))) i++;
  if (p.charCodeAt(i++) !== CH_CLOSE) return null;
  while (i < n && isSpaceCode(p.charCodeAt(i))) i++;
  if (i !== n) return null;
  return { objectPath, objectType, properties, value };
}

/** Parses a STIX 2.1 pattern into the equality comparisons it contains. */
export function parseStixPattern(pattern: unknown): PatternParseResult {
  const warnings: string[] = [];
  if (typeof pattern !== "string") return { comparisons: [], warnings, error: "the pattern is not a string" };
  const simple = parseSimpleEquality(pattern);
  if (simple) return { comparisons: [simple], warnings, error: null };
  if (!pattern.trim()) return { comparisons: [], warnings, error: "the pattern is empty" };
  try {
    const parser = new PatternParser(tokenizePattern(pattern, warnings), warnings);
    parser.parsePattern();
    return { comparisons: parser.comparisons, warnings, error: null };
  } catch (e) {
    if (e instanceof PatternError) return { comparisons: [], warnings, error: e.message };
    return { comparisons: [], warnings, error: `internal parser error: ${String(e)}` };
  }
}
