package io.aralez.dataplane.admission;

/** The outcome of admitting one request: the verdict, and the facts the request carries on. */
public record Admission(RequestFacts facts, Verdict verdict) {}
