/** Every rejection by the RaptorQ codec (bad sizes, bad symbol ids, wrong-size symbols, limits). */
export class RaptorQError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaptorQError';
  }
}
