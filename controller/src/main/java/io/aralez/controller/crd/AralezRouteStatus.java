package io.aralez.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import java.util.ArrayList;
import java.util.List;

/** What the controller reports: conditions, and how many data planes run the current version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AralezRouteStatus {
  public Long observedGeneration;

  /** Accepted, ResolvedRefs, Programmed. */
  public List<Condition> conditions = new ArrayList<>();

  /** The snapshot version that contains this route. */
  public String version;

  /** Connected data planes that applied that version. */
  public Integer dataPlanesApplied;

  /** Connected data planes. */
  public Integer dataPlanesConnected;

  /** The last refusal of a data plane, if any. */
  public String lastNack;

  public List<LoadBalancerIngress> loadBalancer;
}
