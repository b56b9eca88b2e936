/**
 * What the loader page says when `chrome.debugger.attach` fails for its tab: Chrome can forbid extensions the
 * debugger (browsers managed by an organisation, through its policies on developer tools), and then the built-in
 * gateway cannot serve any tab. Proxy mode needs no debugger (INTERCEPTION.md, "Proxy mode"): a PAC script sends
 * TON hosts to an HTTP proxy — `tonsite proxy` on this computer, listening where the options say.
 */

/** The command that starts the local HTTP proxy for TON hosts (src/node/commands/proxy.ts). */
export const PROXY_COMMAND = 'npx tonsite proxy';

export interface AttachFailedPage {
  title: string;
  text: string;
  /** Shown as a command to copy. */
  command: string;
  /** What the page's proxy-mode button says. */
  switchLabel: string;
}

/** `message`: chrome.debugger.attach's error; `proxy`: the HOST:PORT proxy mode would use (settings.proxy). */
export function attachFailedPage(message: string, proxy: string): AttachFailedPage {
  const listen = proxy === '127.0.0.1:8080' ? '' : ` --listen ${proxy}`;
  return {
    title: 'This browser does not let the extension serve the tab',
    text:
      `The built-in gateway serves TON Sites through Chrome’s debugger interface, and Chrome refused it for ` +
      `this tab (${message}). Browsers managed by an organisation can forbid extensions the debugger by policy. ` +
      `Proxy mode works without it: the browser sends TON addresses to an HTTP proxy on this computer, which ` +
      `speaks to the TON network. Start the proxy in a terminal (in a checkout of tonsite-gateway), then switch ` +
      `to proxy mode; the options page switches back.`,
    command: `${PROXY_COMMAND}${listen}`,
    switchLabel: `Use proxy mode (${proxy}) and open the site`,
  };
}
