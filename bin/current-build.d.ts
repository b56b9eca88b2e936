/** See current-build.js. */
export function currentCliBuild(root: URL): URL | null;
