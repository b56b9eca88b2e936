/**
 * Which responses the extension saves to disk instead of handing to the tab (issue 17): a GET answered 200 whose
 * Content-Disposition says `attachment`, or a navigation to a type the browser would not show (it would download
 * it too), or a body declared larger than the tab's in-memory limit (body.ts MAX_BODY_BYTES). Such a response
 * goes to Chrome's download manager as a stream (downloads.ts) and the tab's request gets a 204: the tab stays
 * where it was, as it does for a download from any web site.
 *
 * Also the file name Chrome is given: the Content-Disposition name (RFC 6266: `filename*=UTF-8''…` wins over
 * `filename=`), else the URL's last path segment, made safe for a downloads folder.
 */
import type { SiteInfo } from '../net/gateway/index.ts';
import { headerValue, type HeaderList } from '../net/http/index.ts';
import { MAX_BODY_BYTES } from './body.ts';

/** Types a tab shows itself (Chromium's viewable MIME types, roughly): anything else is saved. */
const SHOWN = [
  /^text\//,
  /^image\//,
  /^audio\//,
  /^video\//,
  /^application\/(json|xml|xhtml\+xml|javascript|ecmascript|pdf|wasm|manifest\+json|ld\+json)$/,
  /^application\/[\w.+-]+\+(json|xml)$/,
  /^multipart\/x-mixed-replace$/,
];

/** Resource types of a request that may become a download: a navigation (Document) or an `<a download>`. */
const DOWNLOADABLE_RESOURCES = new Set(['Document', 'Other']);

export interface DownloadDecision {
  method: string;
  resourceType: string;
  status: number;
  headers: HeaderList;
  /** The body is content-coded (gzip/deflate undone by us): the declared length is that of the coded bytes. */
  coded: boolean;
}

function mediaType(headers: HeaderList): string | null {
  const value = headerValue(headers, 'content-type');
  if (value === null) return null;
  return value.split(';')[0].trim().toLowerCase() || null;
}

export function isAttachment(headers: HeaderList): boolean {
  const value = headerValue(headers, 'content-disposition');
  return value !== null && /^\s*attachment\s*(;|$)/i.test(value);
}

/** A whole (200) answer to a GET navigation or `<a download>`: only such a response may go to disk. */
export function mayBecomeDownload(d: Omit<DownloadDecision, 'headers'>): boolean {
  return d.method === 'GET' && d.status === 200 && DOWNLOADABLE_RESOURCES.has(d.resourceType);
}

/** Whether the response is saved to disk rather than given to the tab (before its body is read). */
export function isDownload(d: DownloadDecision, limit = MAX_BODY_BYTES): boolean {
  if (!mayBecomeDownload(d)) return false;
  if (isAttachment(d.headers)) return true;
  const declared = Number(headerValue(d.headers, 'content-length') ?? NaN);
  if (!d.coded && Number.isSafeInteger(declared) && declared > limit) return true;
  if (d.resourceType !== 'Document') return false;
  const type = mediaType(d.headers);
  // No type: the browser sniffs; we leave it to the tab.
  return type !== null && !SHOWN.some((re) => re.test(type));
}

const MAX_NAME_CHARS = 120;

/** A name Chrome accepts under the downloads folder: no separators, controls, leading dots or reserved chars. */
export function safeFileName(name: string): string {
  let plain = '';
  for (const c of name) plain += c.charCodeAt(0) < 0x20 || c === '\u007f' ? '_' : c;
  const cleaned = plain
    .replace(/[<>:"/\\|?*~]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, MAX_NAME_CHARS);
  return cleaned || 'download';
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

/** The Content-Disposition file name, if any (filename* in UTF-8 first). */
export function dispositionName(headers: HeaderList): string | null {
  const value = headerValue(headers, 'content-disposition');
  if (value === null) return null;
  let plain: string | null = null;
  for (const part of value.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1);
    if (key === 'filename*') {
      const m = /^\s*utf-8'[^']*'(.*)$/i.exec(raw);
      if (m) {
        try {
          return decodeURIComponent(m[1].trim());
        } catch {
          // malformed escape: fall back to filename=
        }
      }
    } else if (key === 'filename') plain = unquote(raw);
  }
  return plain;
}

/** The name the file gets in the downloads folder. */
export function downloadFileName(url: string, headers: HeaderList): string {
  const named = dispositionName(headers);
  if (named) return safeFileName(named);
  let last = '';
  try {
    const segments = new URL(url).pathname.split('/');
    last = decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    // keep empty
  }
  return safeFileName(last);
}

/** Where a download's bytes come from, for the popup: the site's peer, or the bag and its first ready seeder. */
export function downloadSource(site: SiteInfo): string {
  const at = site.address.host ? `${site.address.host}:${site.address.port}` : 'no ready seeder';
  if (site.bagId) {
    let id = '';
    for (const b of site.bagId.subarray(0, 4)) id += b.toString(16).padStart(2, '0');
    return `bag ${id}… from seeder ${at}`;
  }
  return `${site.host}: peer ${site.adnl.slice(0, 8)}… at ${at}, RLDP v${site.rldpVersion}`;
}
