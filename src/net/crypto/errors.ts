/** Every failure of src/net/crypto on bad input (wrong length, bad point, digest mismatch, bad .adnl text). */
export class CryptoError extends Error {
  override name = 'CryptoError';
}
