package io.aralez.dataplane.admission;

/**
 * Sheds new requests while the process is short of memory: a 503 the client may retry costs a few
 * hundred bytes, where forwarding would take buffers the requests in flight need to finish.
 */
final class OverloadStep implements AdmissionStep {
  private final Pressure pressure;
  private final Rejections rejections;

  OverloadStep(Pressure pressure, Rejections rejections) {
    this.pressure = pressure;
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting request) {
    if (!pressure.high()) {
      return null;
    }
    rejections.rejected("direct_memory");
    return Verdict.Local.of(503, "retry-after", "1");
  }
}
