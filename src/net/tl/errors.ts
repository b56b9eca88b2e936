/**
 * The only error the TL codec throws: malformed or truncated input on decode, a value that does not fit its
 * schema type on encode, an unknown name or constructor id. `path` lists the `constructor.field` steps from the
 * outermost object down to where it happened; `offset` is the input offset (decode only).
 */
export class TlError extends Error {
  readonly detail: string;
  readonly path: string[] = [];
  offset: number | undefined;

  constructor(detail: string, offset?: number) {
    super(offset === undefined ? detail : `${detail} at offset ${offset}`);
    this.name = 'TlError';
    this.detail = detail;
    this.offset = offset;
  }

  /** Records one more (outer) step of the path and refreshes the message. */
  within(step: string): this {
    this.path.unshift(step);
    const where = this.offset === undefined ? '' : ` at offset ${this.offset}`;
    this.message = `${this.path.join(' > ')}: ${this.detail}${where}`;
    return this;
  }
}
