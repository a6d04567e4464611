package io.aralez.controller.snapshot;

/**
 * What the translators of one build share: Services resolved into clusters, Secrets into policies
 * and certificates, the host claims their routes go into, and the hosts passed through by SNI.
 */
record Resolvers(
    Clusters clusters,
    Policies policies,
    Certificates certificates,
    HostClaims claims,
    Passthroughs passthroughs) {

  static Resolvers of(Lookups lookups) {
    Clusters clusters = new Clusters(lookups);
    return new Resolvers(
        clusters,
        new Policies(lookups),
        new Certificates(lookups),
        new HostClaims(),
        new Passthroughs(clusters));
  }
}
