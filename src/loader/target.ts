/**
 * The loader's target URL: the DNR rule's regexSubstitution appends the original URL raw after `?u=`, so it is
 * everything after those three characters (its own `?` and `&` included), plus the fragment the redirect kept.
 * A hand-made `?u=http%3A%2F%2F…` link is decoded once.
 */
export function targetOf(search: string, hash: string): string {
  let raw = search.startsWith('?u=') ? search.slice(3) : (new URLSearchParams(search).get('u') ?? '');
  if (/^https?%3A/i.test(raw)) raw = decodeURIComponent(raw);
  return raw + hash;
}
