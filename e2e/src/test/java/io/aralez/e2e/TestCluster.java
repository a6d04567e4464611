package io.aralez.e2e;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The API server the end-to-end tests talk to. By default the fabric8 mock API server in CRUD mode
 * (there is no kube-apiserver here); with {@code KUBECONFIG} set, that cluster instead. Either way
 * the controller and data planes run as local processes and the backends are local servers that
 * selector-less Services reach through EndpointSlices the tests write.
 */
public interface TestCluster extends AutoCloseable {
  KubernetesClient client();

  /** A kubeconfig file the controller process can use. */
  Path kubeconfig();

  /** True for the mock, which has no garbage collection, validation or admission. */
  boolean isMock();

  @Override
  void close();

  static TestCluster open(Path dir) throws IOException {
    String real = System.getenv("KUBECONFIG");
    return real != null && !real.isBlank() ? new Real(Path.of(real)) : new Mock(dir);
  }

  /** The fabric8 mock API server on loopback. */
  final class Mock implements TestCluster {
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;

    Mock(Path dir) throws IOException {
      // CRUD, plus the answers registered below (the mixed dispatcher).
      Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
      server =
          new KubernetesMockServer(
              new Context(),
              new MockWebServer(),
              responses,
              new KubernetesMixedDispatcher(responses),
              false);
      server.init(InetAddress.getByName("127.0.0.1"), 0);
      // JOSDK's leader election first asks whether it may use Leases (a SelfSubjectRulesReview),
      // which the mock cannot answer; this is what a real API server says to the controller's RBAC.
      server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(
              201,
              new SelfSubjectRulesReviewBuilder()
                  .withNewMetadata()
                  .endMetadata()
                  .withNewStatus()
                  .withIncomplete(false)
                  .addNewResourceRule()
                  .withApiGroups("coordination.k8s.io")
                  .withResources("leases")
                  .withVerbs("get", "create", "update", "patch", "watch", "list")
                  .endResourceRule()
                  .endStatus()
                  .build())
          .always();
      String url = "http://127.0.0.1:" + server.getPort();
      client =
          new KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty())
                      .withMasterUrl(url)
                      .withNamespace("default")
                      .build())
              .build();
      kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster: {server: "%s"}
          users:
          - name: test
            user: {token: "e2e"}
          contexts:
          - name: mock
            context: {cluster: mock, user: test, namespace: default}
          current-context: mock
          """
              .formatted(url));
    }

    @Override
    public KubernetesClient client() {
      return client;
    }

    @Override
    public Path kubeconfig() {
      return kubeconfig;
    }

    @Override
    public boolean isMock() {
      return true;
    }

    @Override
    public void close() {
      client.close();
      server.destroy();
    }
  }

  /** A real cluster named by KUBECONFIG. */
  final class Real implements TestCluster {
    private final Path kubeconfig;
    private final KubernetesClient client;

    Real(Path kubeconfig) throws IOException {
      this.kubeconfig = kubeconfig;
      client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build();
    }

    @Override
    public KubernetesClient client() {
      return client;
    }

    @Override
    public Path kubeconfig() {
      return kubeconfig;
    }

    @Override
    public boolean isMock() {
      return false;
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
