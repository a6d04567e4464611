package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.foreignClass;
import static io.aralez.controller.snapshot.Objects.ourClass;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.crd.AralezRouteSpec;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.14")
class ClassFilterTest {
  private static final String T = "2026-01-01T00:00:00Z";

  @Test
  void whichIngressesAreOurs() {
    BuilderSettings s = BuilderSettings.defaults();
    ClassFilter ours = ClassFilter.of(s, List.of(ourClass("aralez", false), foreignClass("nginx")));
    ClassFilter defaulted = ClassFilter.of(s, List.of(ourClass("aralez", true)));
    // {class field, legacy annotation, ours (not default), ours (default class)}
    Object[][] table = {
      {"aralez", null, true, true},
      {"nginx", null, false, false},
      {"missing", null, false, false},
      {"", "aralez", true, true},
      {"", "nginx", false, false},
      {"", null, false, true},
    };
    for (Object[] row : table) {
      var ing = new Objects.Ing("ns", "i", T).className((String) row[0]);
      if (row[1] != null) {
        ing.annotation(ClassFilter.LEGACY_CLASS_ANNOTATION, (String) row[1]);
      }
      assertThat(ours.serve(ing.build())).as("%s/%s", row[0], row[1]).isEqualTo(row[2]);
      assertThat(defaulted.serve(ing.build()))
          .as("default %s/%s", row[0], row[1])
          .isEqualTo(row[3]);
    }
  }

  @Test
  void deletedObjectsAndRoutesOfOtherClassesAreLeftOut() {
    ClassFilter ours =
        ClassFilter.of(BuilderSettings.defaults(), List.of(ourClass("aralez", false)));
    var live = new Objects.Ing("ns", "live", T).build();
    var going = new Objects.Ing("ns", "going", T).deleting().build();
    assertThat(ours.ingresses(List.of(live, going))).containsExactly(live);
    AralezRouteSpec mine = new AralezRouteSpec();
    AralezRouteSpec other = new AralezRouteSpec();
    other.ingressClassName = "nginx";
    var a = Objects.route("ns", "a", T, mine);
    var b = Objects.route("ns", "b", T, other);
    var c = Objects.route("ns", "c", T, null);
    assertThat(ours.routes(List.of(a, b, c))).containsExactly(a);
  }
}
