package io.aralez.controller.snapshot;

/**
 * What the translators of one build share: Services resolved into clusters, Secrets into policies
 * and certificates, and the host claims their routes go into.
 */
record Resolvers(
    Clusters clusters, Policies policies, Certificates certificates, HostClaims claims) {

  static Resolvers of(Lookups lookups) {
    return new Resolvers(
        new Clusters(lookups), new Policies(lookups), new Certificates(lookups), new HostClaims());
  }
}
