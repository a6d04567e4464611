package io.aralez.dataplane.admin;

import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import java.time.Instant;
import java.util.Map;

/**
 * The JSON of {@code GET /status?sources}: which config serves, what each source last did, and
 * whether discovery answers.
 */
final class SourcesReport {
  private SourcesReport() {}

  static String render(AdminContext c) {
    var config = c.intake().holder().current().config();
    StringBuilder b = new StringBuilder("{\"mode\":").append(Json.quote(c.mode().label()));
    b.append(",\"loaded\":").append(c.intake().holder().loaded());
    b.append(",\"config\":{\"version\":").append(Json.quote(config.version()));
    b.append(",\"source\":").append(Json.quote(config.source())).append("}");
    b.append(",\"sources\":{");
    boolean first = true;
    for (Map.Entry<Candidate.Kind, ConfigIntake.SourceState> e :
        new java.util.TreeMap<>(c.intake().states()).entrySet()) {
      ConfigIntake.SourceState s = e.getValue();
      b.append(first ? "" : ",").append(Json.quote(e.getKey().label())).append(":{");
      first = false;
      b.append("\"applied\":").append(s.applied());
      b.append(",\"unchanged\":").append(s.unchanged());
      b.append(",\"rejected\":").append(s.rejected());
      b.append(",\"last_version\":").append(quote(s.lastVersion()));
      b.append(",\"last_applied_at\":").append(quote(s.lastAppliedAt()));
      b.append(",\"last_error\":").append(quote(s.lastError()));
      b.append(",\"last_error_at\":").append(quote(s.lastErrorAt()));
      b.append("}");
    }
    b.append("}");
    if (c.discovery() != null) {
      var d = c.discovery().state();
      b.append(",\"discovery\":{\"provider\":").append(Json.quote(d.provider()));
      b.append(",\"ok\":").append(d.ok());
      b.append(",\"reason\":").append(quote(d.reason()));
      b.append(",\"detail\":").append(quote(d.detail()));
      b.append(",\"since\":").append(quote(d.since()));
      b.append(",\"errors\":{");
      boolean f = true;
      for (var e : c.discovery().errorCounts().entrySet()) {
        b.append(f ? "" : ",").append(Json.quote(e.getKey())).append(':').append(e.getValue());
        f = false;
      }
      b.append("}}");
    }
    return b.append("}\n").toString();
  }

  private static String quote(Object o) {
    return o == null ? "null" : Json.quote(o instanceof Instant i ? i.toString() : o.toString());
  }
}
