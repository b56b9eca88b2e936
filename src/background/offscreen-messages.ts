/** The one message the service worker sends the offscreen document (src/offscreen): open a download URL. */
export const OFFSCREEN_OPEN = 'offscreen-open-download';

export interface OffscreenOpen {
  type: typeof OFFSCREEN_OPEN;
  url: string;
}

export function isOffscreenOpen(value: unknown): value is OffscreenOpen {
  const m = value as Partial<OffscreenOpen> | null;
  return (
    !!m &&
    typeof m === 'object' &&
    m.type === OFFSCREEN_OPEN &&
    typeof m.url === 'string' &&
    m.url.length < 512
  );
}
