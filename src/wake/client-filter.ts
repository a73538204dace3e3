/**
 * Recognises clients that must never wake an environment nor count as its activity — Kubernetes
 * probes, crawlers, uptime checkers — by case-insensitive substrings of `User-Agent`
 * (`wake.ignoreUserAgents`). A request without a `User-Agent` is not ignored: people's tools
 * (curl, scripts) omit it too, and waking for them is the point.
 */
export class ClientFilter {
  readonly #needles: readonly string[];

  constructor(ignoreUserAgents: readonly string[]) {
    this.#needles = ignoreUserAgents.map((s) => s.toLowerCase()).filter((s) => s.length > 0);
  }

  ignores(userAgent: string | undefined): boolean {
    if (userAgent === undefined || this.#needles.length === 0) return false;
    const ua = userAgent.toLowerCase();
    for (const needle of this.#needles) if (ua.includes(needle)) return true;
    return false;
  }
}
