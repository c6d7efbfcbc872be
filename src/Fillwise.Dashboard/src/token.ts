// The control token: taken from the start URL once, then kept only in this tab (sessionStorage).
// It leaves the page only in the Authorization header of requests to this host.

const key = 'fillwise.control-token';

/** Moves a ?token= from the address bar into the tab's storage, so that the URL no longer holds it. */
export function takeTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const given = url.searchParams.get('token');
  if (given === null) return;
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  if (given.trim() !== '') setToken(given.trim());
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return memory;
  }
}

export function setToken(token: string): void {
  memory = token;
  try {
    sessionStorage.setItem(key, token);
  } catch {
    // Storage refused (private mode): the token lives in this page's memory only.
  }
}

export function clearToken(): void {
  memory = null;
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing stored.
  }
}

let memory: string | null = null;
