package io.aralez.controller.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * JOSDK's leader election first asks the API server (a SelfSubjectRulesReview) whether it may use
 * Leases. The fabric8 mock cannot answer that (422), so tests register the answer a real API server
 * gives to the controller's RBAC: get, create and update on leases.
 */
public final class LeaseAccess {
  private LeaseAccess() {}

  public static SelfSubjectRulesReview granted() {
    return new SelfSubjectRulesReviewBuilder()
        .withNewMetadata()
        .endMetadata()
        .withNewStatus()
        .withIncomplete(false)
        .withResourceRules(
            new ResourceRuleBuilder()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update", "patch", "watch", "list")
                .build())
        .endStatus()
        .build();
  }

  /**
   * The mock API server in CRUD mode that also answers the registered expectations (the mixed
   * dispatcher), with lease access granted, on loopback, plain HTTP.
   */
  public static KubernetesMockServer mockServer() throws java.io.IOException {
    java.util.Map<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>
        responses = new java.util.HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            responses,
            new io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher(responses),
            false);
    server.init(java.net.InetAddress.getByName("127.0.0.1"), 0);
    grant(server);
    return server;
  }

  public static void grant(KubernetesMockServer server) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, granted())
        .always();
  }
}
