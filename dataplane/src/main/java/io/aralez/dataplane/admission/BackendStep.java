package io.aralez.dataplane.admission;

/**
 * Load balancing: the backend a valid sticky cookie names, else the one the route's hash key picks,
 * else the balancer's next usable one. With none usable the answer is 503: a request never falls
 * through to another route.
 */
final class BackendStep implements AdmissionStep {
  @Override
  public Verdict.Local check(Admitting r) {
    var sticky = r.config.config().stickyFor(r.route());
    int index = -1;
    if (sticky.enabled()) {
      r.stickyId = StickyCookie.parse(r.head.headers("cookie"), sticky.cookie().name());
      index = r.entry.bySticky(r.stickyId);
      if (sticky.cookie().sameSiteNoneConditional()
          && !SameSiteNone.understoodBy(r.head.header("user-agent"))) {
        r.sticky = sticky.withCookie(sticky.cookie().withoutSameSite());
      }
    }
    String hashBy = r.route().rules().hashBy();
    if (index < 0 && hashBy != null) {
      int subset = r.route().rules().hashSubsetSize();
      String key = HashKey.of(hashBy, r);
      index = subset > 1 ? r.entry.byHashSubset(key, subset) : r.entry.byHash(key);
    }
    if (index < 0) {
      index = r.entry.pick();
    }
    if (index < 0) {
      return Verdict.Local.of(503, "retry-after", "1");
    }
    r.index = index;
    return null;
  }
}
