/**
 * Recognises clients that must never wake an environment nor count as its activity — Kubernetes
 * probes, crawlers, uptime checkers — by case-insensitive substrings of `User-Agent`
 * (`wake.ignoreUserAgents`). A request without a `User-Agent` is not ignored: people's tools
 * (curl, scripts) omit it too, and waking for them is the point.
 *
 * Every request is checked, so the substrings are one case-insensitive alternation matched in a
 * single pass (no lower-casing of the header, no loop over the list).
 */
export class ClientFilter {
  readonly #pattern: RegExp | null;

  constructor(ignoreUserAgents: readonly string[]) {
    const needles = ignoreUserAgents.filter((s) => s.length > 0).map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.#pattern = needles.length === 0 ? null : new RegExp(needles.join('|'), 'i');
  }

  ignores(userAgent: string | undefined): boolean {
    return userAgent !== undefined && this.#pattern !== null && this.#pattern.test(userAgent);
  }
}
