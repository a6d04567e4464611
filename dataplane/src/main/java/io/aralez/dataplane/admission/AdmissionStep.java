package io.aralez.dataplane.admission;

/**
 * One policy a routed request passes before it is forwarded. A step either answers in place of the
 * upstream or lets the request go on, possibly after recording what it decided in the {@link
 * Admitting} state. A new policy is a new step in {@link RequestAdmission}'s list.
 */
interface AdmissionStep {
  /** The local answer that ends admission, or null to go on. */
  Verdict.Local check(Admitting request);
}
