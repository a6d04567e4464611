package io.aralez.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Route;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.14")
class HostClaimsTest {
  private static final String T = "2026-01-01T00:00:00Z";

  private static ObjectReport report(String name) {
    return new ObjectReport(new Objects.Ing("ns", name, T).build());
  }

  private static Route.Builder route(String id, PathMatch.Type type, String path) {
    return Route.newBuilder()
        .setId(id)
        .setPath(PathMatch.newBuilder().setType(type).setValue(path));
  }

  @Test
  void theFirstClaimOfAHostAndMatchWinsAndTheLaterOneIsWarned() {
    HostClaims claims = new HostClaims();
    ObjectReport older = report("older");
    ObjectReport newer = report("newer");
    claims.claim(older, "a.test", route("old", PathMatch.Type.PREFIX, "/x"));
    claims.claim(newer, "a.test", route("new", PathMatch.Type.PREFIX, "/x"));
    // Same path, another match type or another host: no conflict.
    claims.claim(newer, "a.test", route("exact", PathMatch.Type.EXACT, "/x"));
    claims.claim(newer, "b.test", route("b", PathMatch.Type.PREFIX, "/x"));
    var hosts = claims.resolve();
    assertThat(hosts.get("a.test")).extracting(Route::getId).containsExactly("exact", "old");
    assertThat(hosts.get("b.test")).extracting(Route::getId).containsExactly("b");
    assertThat(newer.warnings).singleElement().asString().contains("already served by");
    assertThat(older.warnings).isEmpty();
  }

  @Test
  void theOldestDefaultBackendAnswersEveryHostWithoutARoot() {
    HostClaims claims = new HostClaims();
    ObjectReport first = report("first");
    ObjectReport second = report("second");
    claims.claimDefault(first, route("default-1", PathMatch.Type.PREFIX, "/").build());
    claims.claimDefault(second, route("default-2", PathMatch.Type.PREFIX, "/").build());
    claims.claim(first, "a.test", route("a-api", PathMatch.Type.PREFIX, "/api"));
    claims.claim(first, "b.test", route("b-root", PathMatch.Type.PREFIX, "/"));
    claims.host("empty.test");
    var hosts = claims.resolve();
    assertThat(hosts.keySet()).containsExactly("DEFAULT", "a.test", "b.test", "empty.test");
    assertThat(hosts.get("a.test")).extracting(Route::getId).containsExactly("default-1", "a-api");
    assertThat(hosts.get("b.test")).extracting(Route::getId).containsExactly("b-root");
    assertThat(hosts.get("DEFAULT")).extracting(Route::getId).containsExactly("default-1");
    assertThat(second.warnings).singleElement().asString().contains("defaultBackend ignored");
  }

  @Test
  void withoutADefaultBackendAHostWithNoRouteIsLeftOut() {
    HostClaims claims = new HostClaims();
    claims.host("empty.test");
    assertThat(claims.resolve()).isEmpty();
  }
}
