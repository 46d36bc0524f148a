/** Where the console lives: the hub adds `<base href>` for the path it is mounted at (`/`, `/ai/`). */
export interface ConsoleBase {
  /** The hub's address for the SDK (`https://ai.example.com/ai`), without a trailing slash. */
  apiBaseURL: string;
  /** The router's basename (`''` at the root, `/ai` under a prefix). */
  basename: string;
  /** An absolute URL of a console page (`consoleUrl('credits/return')`), for Stripe and OAuth returns. */
  url(path: string): string;
}

export function consoleBase(): ConsoleBase {
  const base = new URL(document.querySelector('base')?.href ?? `${location.origin}/`);
  const root = base.href.replace(/\/+$/, '');
  return {
    apiBaseURL: root,
    basename: base.pathname.replace(/\/+$/, ''),
    url: (path) => `${root}/${path.replace(/^\/+/, '')}`,
  };
}
