package io.aralez.dataplane.admission;

import io.aralez.dataplane.policy.ConcurrencyLimiter;

/**
 * The outcome of admitting one request: the verdict, the facts the request carries on, and the
 * concurrency permit it holds until it ends (null when its route has no such limit).
 */
public record Admission(RequestFacts facts, Verdict verdict, ConcurrencyLimiter.Permit permit) {
  public Admission(RequestFacts facts, Verdict verdict) {
    this(facts, verdict, null);
  }
}
